"""Bloch and circuit explorers as a learner uses them: JupyterLab and Voilà (the Binder demo path),
at 1280×800 and 1920×1080, demos and lessons 01/02, plus a Notebook 7 smoke test.

Each control type (slider, gate button, Measure, text entry) must change the plot data *in the page*
(``gd.data`` of the plotly div), the page must log no console error from course code, and a
screenshot of each step lands in tests/browser/screenshots/ (git-ignored).
"""
from __future__ import annotations

import os
import sys

import pytest

from conftest import ROOT, ConsoleLog, _free_port, plot_data, screenshot, serve, wait_for_plot_change
from labdriver import drag_slider, error_outputs, menu, open_notebook, run_all

pytestmark = pytest.mark.browser

VIEWPORTS = {"1280x800": {"width": 1280, "height": 800}, "1920x1080": {"width": 1920, "height": 1080}}


@pytest.fixture(scope="module")
def voila_root(tmp_path_factory):
    """One standalone Voilà for the module, serving the repository (demos/ and lessons/)."""
    home = tmp_path_factory.mktemp("voilahome")
    port = _free_port()
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), PYTHONWARNINGS="ignore")
    cmd = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--ServerApp.port_retries=0", str(ROOT)]
    with serve("Voilà", cmd, f"http://127.0.0.1:{port}/", home / "voila.log", cwd=ROOT, env=env):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def sized_page(playwright_browser, request):
    size = request.param
    context = playwright_browser.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    page.set_default_timeout(60_000)
    page._size = size
    page._console = ConsoleLog(page)
    yield page
    context.close()


def _settle(page, ms: int = 1500) -> None:
    page.wait_for_timeout(ms)


def _exercise_bloch(page, tag: str, which: str = "first") -> None:
    """θ drag, X gate, Measure, state text: each must change the plots' data in the page."""
    pick = (lambda loc: loc.first) if which == "first" else (lambda loc: loc.last)
    data = plot_data(page)
    drag_slider(page, pick(page.locator(".widget-slider", has_text="θ")), 0.7)
    data = wait_for_plot_change(page, data)
    screenshot(page, f"{tag}_1_theta")
    _settle(page, 800)
    data = plot_data(page)
    pick(page.get_by_role("button", name="X", exact=True)).click()
    data = wait_for_plot_change(page, data)
    _settle(page, 800)
    data = plot_data(page)
    measure = pick(page.locator("button", has_text="Measure"))
    measure.scroll_into_view_if_needed()
    measure.click()
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')].some(g =>
        (g.data || []).some(t => t.name === 'sampled' && t.visible === true))""", timeout=30_000)
    screenshot(page, f"{tag}_2_measured")
    data = plot_data(page)
    box = pick(page.locator(".widget-text input[placeholder*='amplitudes']"))
    box.fill("+i")
    box.press("Enter")
    wait_for_plot_change(page, data)
    screenshot(page, f"{tag}_3_state_text")


def _exercise_circuit(page, tag: str, which: str = "first") -> None:
    """Add (button), angle entry + Add, step slider, Measure: each must change the plots' data."""
    pick = (lambda loc: loc.first) if which == "first" else (lambda loc: loc.last)
    data = plot_data(page)
    add = pick(page.locator("button", has_text="Add"))
    add.scroll_into_view_if_needed()
    add.click()  # H on q0
    data = wait_for_plot_change(page, data)
    gate = pick(page.locator(".widget-dropdown", has_text="gate").locator("select"))
    gate.select_option(label=[o for o in gate.locator("option").all_inner_texts() if o.lower().startswith("rz")][0])
    angle = pick(page.locator(".widget-text", has_text="angle").locator("input"))
    angle.fill("1.5708")
    angle.press("Enter")
    add.click()
    data = wait_for_plot_change(page, data)
    screenshot(page, f"{tag}_1_added")
    drag_slider(page, pick(page.locator(".widget-slider", has_text="step")), 0.0)
    data = wait_for_plot_change(page, data)
    measure = pick(page.locator("button", has_text="Measure"))
    measure.scroll_into_view_if_needed()
    measure.click()
    wait_for_plot_change(page, data)
    screenshot(page, f"{tag}_2_measured")


def _assert_fits(page, tag: str) -> None:
    """No plot sticks out of its output area to the right (horizontal clipping)."""
    over = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
        const area = g.closest('.jp-OutputArea-output, .jp-OutputArea-child, body');
        const a = area.getBoundingClientRect(), b = g.getBoundingClientRect();
        return b.right - a.right; })""")
    assert all(o <= 2 for o in over), f"{tag}: a plot overflows its output area by {max(over):.0f} px"


def _open_voila(page, base: str, notebook: str) -> None:
    page.goto(f"{base}/voila/render/{notebook}", timeout=180_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=180_000)
    page.locator(".widget-slider").first.wait_for(timeout=60_000)
    _settle(page, 3000)
    assert page.locator("text=Traceback").count() == 0


def _open_lab(page, lab, notebook: str) -> None:
    open_notebook(page, lab, notebook)
    run_all(page, timeout_ms=240_000)
    assert error_outputs(page) == []
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    _settle(page, 3000)


# ------------------------------------------------------------------ Voilà
@pytest.mark.parametrize("sized_page", ["1280x800", "1920x1080"], indirect=True)
def test_voila_bloch_demo_reacts_to_every_control(sized_page, voila_root):
    page = sized_page
    _open_voila(page, voila_root, "demos/bloch_explorer.ipynb")
    _exercise_bloch(page, f"voila_bloch_{page._size}")
    _assert_fits(page, "voila bloch")
    page._console.assert_clean()


@pytest.mark.parametrize("sized_page", ["1280x800"], indirect=True)
def test_voila_circuit_demo_reacts_to_every_control(sized_page, voila_root):
    page = sized_page
    _open_voila(page, voila_root, "demos/circuit_explorer.ipynb")
    _exercise_circuit(page, f"voila_circuit_{page._size}")
    page._console.assert_clean()


@pytest.mark.parametrize("sized_page", ["1920x1080"], indirect=True)
def test_voila_lessons_01_and_02(sized_page, voila_root):
    page = sized_page
    _open_voila(page, voila_root, "lessons/01_qubits_and_measurement.ipynb")
    _exercise_bloch(page, f"voila_lesson01_{page._size}")
    _open_voila(page, voila_root, "lessons/02_gates_and_circuits.ipynb")
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=60_000)
    _exercise_circuit(page, f"voila_lesson02_{page._size}", which="last")
    page._console.assert_clean()


# ------------------------------------------------------------------ JupyterLab
@pytest.mark.parametrize("sized_page", ["1920x1080"], indirect=True)
def test_lab_bloch_demo_reacts_to_every_control(sized_page, jupyter_lab):
    page = sized_page
    _open_lab(page, jupyter_lab, "demos/bloch_explorer.ipynb")
    _exercise_bloch(page, f"lab_bloch_{page._size}")
    _assert_fits(page, "lab bloch")
    page._console.assert_clean()


@pytest.mark.parametrize("sized_page", ["1280x800"], indirect=True)
def test_lab_lesson_01_bloch(sized_page, jupyter_lab):
    page = sized_page
    _open_lab(page, jupyter_lab, "lessons/01_qubits_and_measurement.ipynb")
    page.locator(".widget-slider", has_text="θ").first.scroll_into_view_if_needed()
    screenshot(page, f"lab_lesson01_{page._size}_0_start")
    _exercise_bloch(page, f"lab_lesson01_{page._size}")
    page._console.assert_clean()


@pytest.mark.parametrize("sized_page", ["1280x800"], indirect=True)
def test_lab_lesson_02_both_explorers(sized_page, jupyter_lab):
    page = sized_page
    _open_lab(page, jupyter_lab, "lessons/02_gates_and_circuits.ipynb")
    _exercise_bloch(page, f"lab_lesson02_bloch_{page._size}")
    _exercise_circuit(page, f"lab_lesson02_circuit_{page._size}", which="last")
    page._console.assert_clean()


# ------------------------------------------------------------------ Notebook 7 smoke test
@pytest.mark.parametrize("sized_page", ["1280x800"], indirect=True)
def test_notebook7_renders_lesson_01(sized_page, jupyter_lab):
    pytest.importorskip("notebook", minversion="7", reason="Notebook 7 is not installed (pip install 'notebook>=7')")
    page = sized_page
    page.goto(f"http://127.0.0.1:{jupyter_lab.port}/notebooks/lessons/01_qubits_and_measurement.ipynb"
              f"?token={jupyter_lab.token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_selector("[data-status='idle'], .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=90_000, state="attached")
    menu(page, "Run", "Run All Cells")
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for(timeout=240_000)
    plot.scroll_into_view_if_needed()
    _settle(page, 2000)
    data = plot_data(page)
    assert data and "arrow q0" in data[0]
    screenshot(page, f"nb7_lesson01_{page._size}")
    page._console.assert_clean()
