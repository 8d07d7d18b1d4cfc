"""The Binder demo link (``voila/render/demos/...`` on a Jupyter server, Voilà's server extension).

The demos as standalone Voilà apps, at both screen sizes with every control, are tested in
test_bloch_frontends.py and test_landscape_frontends.py.
"""
import pytest

from conftest import screenshot
from labdriver import drag_slider

pytestmark = pytest.mark.browser


def _drag_theta_and_see_the_readout_change(page, fraction: float) -> None:
    before = page.locator(".widget-html-content", has_text="θ").first.inner_text()
    drag_slider(page, page.locator(".widget-slider", has_text="θ").first, fraction)
    page.wait_for_function("(t) => [...document.querySelectorAll('.widget-html-content')]"
                           ".some(e => e.textContent.includes('θ') && e.textContent !== t)", arg=before,
                           timeout=20_000)


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
