"""Each demo as a Voilà app on 127.0.0.1: it renders its widget in Chromium and reacts to one interaction."""
import json
import os
import sys

import pytest

from conftest import ROOT, _free_port, screenshot, serve
from labdriver import drag_slider, wait_for_new_image

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    home = tmp_path_factory.mktemp("voilahome")
    port = _free_port()
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), PYTHONWARNINGS="ignore")
    cmd = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--ServerApp.port_retries=0", str(ROOT / "demos")]
    with serve("Voilà", cmd, f"http://127.0.0.1:{port}/", home / "voila.log", cwd=ROOT, env=env):
        yield f"http://127.0.0.1:{port}"


def _open(page, base, name):
    page.goto(f"{base}/voila/render/{name}.ipynb", timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.locator("text=Traceback").count() == 0


def _drag_theta_and_see_the_readout_change(page, fraction: float) -> None:
    before = page.locator(".widget-html-content", has_text="θ").first.inner_text()
    drag_slider(page, page.locator(".widget-slider", has_text="θ").first, fraction)
    page.wait_for_function("(t) => [...document.querySelectorAll('.widget-html-content')]"
                           ".some(e => e.textContent.includes('θ') && e.textContent !== t)", arg=before,
                           timeout=20_000)


def test_bloch_demo_in_voila(page, voila):
    _open(page, voila, "bloch_explorer")
    _drag_theta_and_see_the_readout_change(page, 0.7)
    screenshot(page, "voila_bloch")


def test_circuit_demo_in_voila(page, voila):
    _open(page, voila, "circuit_explorer")
    bars = ".js-plotly-plot .bars path"
    page.wait_for_selector(bars, state="attached", timeout=30_000)
    before = page.eval_on_selector_all(bars, "els => els.map(e => e.getAttribute('d'))")
    page.locator("button", has_text="Add").first.click()
    page.wait_for_function("(b) => JSON.stringify([...document.querySelectorAll('.js-plotly-plot .bars path')]"
                           ".map(e => e.getAttribute('d'))) !== b", arg=json.dumps(before), timeout=20_000)
    screenshot(page, "voila_circuit")


def test_landscape_demo_in_voila(page, voila):
    _open(page, voila, "landscape_explorer")
    plot = page.locator(".js-plotly-plot").first
    before = plot.screenshot()
    page.locator("button", has_text="Centre here").first.wait_for()
    plot.click(position={"x": 120, "y": 120})  # click a point on the contour: the marker moves there
    after = wait_for_new_image(page, plot, before)
    screenshot(page, "voila_landscape")
    assert after != before, "the landscape did not change after changing the span"


def test_binder_style_voila_link_through_the_jupyter_server(page, jupyter_lab):
    """The README/guide Binder demo links open `voila/render/demos/...` on a Jupyter server (Voilà's
    server extension), not a standalone Voilà: that path must render the app and react too."""
    page.goto(f"http://127.0.0.1:{jupyter_lab.port}/voila/render/demos/bloch_explorer.ipynb?token={jupyter_lab.token}",
              timeout=120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
    shown_code = page.eval_on_selector_all(".jp-CodeCell .jp-InputArea",
                                           "els => els.filter(e => e.offsetParent !== null && e.innerText.trim())"
                                           ".map(e => e.innerText.slice(0, 80))")
    assert shown_code == [], f"Voilà should show no code, shows {shown_code}"
    _drag_theta_and_see_the_readout_change(page, 0.3)
    assert page.locator("text=Traceback").count() == 0
    screenshot(page, "voila_server_extension_bloch")
