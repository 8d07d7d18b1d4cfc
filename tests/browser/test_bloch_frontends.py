"""Bloch and circuit explorers as a learner uses them: JupyterLab and Voilà (the Binder demo path),
at 1280×800 and 1920×1080, demos and lessons 01/02, plus a Notebook 7 smoke test.

Each control type (slider, gate button, Measure, text entry; circuit: Add, angle entry, step
slider, Measure) must change the plot data *in the page* (``gd.data`` of the plotly div), the
page must log no console error from course code, and a screenshot of each step lands in
tests/browser/screenshots/ (git-ignored). A test opens its notebook once, at 1280×800, and
resizes the same page to 1920×1080 for the second pass (one kernel, one run). The JupyterLab
demos are driven in test_explorer_fit.py together with the fit-to-cell checks.
"""
from __future__ import annotations

import pytest

from conftest import plot_data, screenshot, wait_for_plot_change
from labdriver import drag_slider, error_outputs, menu, open_notebook, run_all

pytestmark = pytest.mark.browser

def _settle(page, ms: int = 1500) -> None:
    page.wait_for_timeout(ms)


def _exercise_bloch(page, tag: str, which: str = "first", state: str = "+i") -> None:
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
    box.fill(state)  # a state other than the one the box holds (a second pass types another one)
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
STATES = {"1280x800": "+i", "1920x1080": "-"}  # the state typed in each pass


def test_voila_bloch_demo_reacts_to_every_control(sized_pages, voila_server):
    page = sized_pages
    _open_voila(page, voila_server, "demos/bloch_explorer.ipynb")
    for size in page._sizes():
        _exercise_bloch(page, f"voila_bloch_{size}", state=STATES[size])
        _assert_fits(page, f"voila bloch {size}")
    page._console.assert_clean()


def test_voila_circuit_demo_reacts_to_every_control(sized_pages, voila_server):
    page = sized_pages
    _open_voila(page, voila_server, "demos/circuit_explorer.ipynb")
    for size in page._sizes():
        _exercise_circuit(page, f"voila_circuit_{size}")
        _assert_fits(page, f"voila circuit {size}")
    page._console.assert_clean()


def test_voila_lesson_01(sized_pages, voila_server):
    page = sized_pages
    _open_voila(page, voila_server, "lessons/01_qubits_and_measurement.ipynb")
    for size in page._sizes():
        _exercise_bloch(page, f"voila_lesson01_{size}", state=STATES[size])
        _assert_fits(page, f"voila lesson 01 {size}")
    page._console.assert_clean()


def test_voila_lesson_02(sized_pages, voila_server):
    page = sized_pages
    _open_voila(page, voila_server, "lessons/02_gates_and_circuits.ipynb")
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=60_000)
    for size in page._sizes():
        _exercise_bloch(page, f"voila_lesson02_bloch_{size}", state=STATES[size])
        _exercise_circuit(page, f"voila_lesson02_circuit_{size}", which="last")
        _assert_fits(page, f"voila lesson 02 {size}")
    page._console.assert_clean()


# ------------------------------------------------------------------ JupyterLab (lessons; demos: test_explorer_fit.py)
def test_lab_lesson_01_bloch(sized_pages, jupyter_lab):
    page = sized_pages
    _open_lab(page, jupyter_lab, "lessons/01_qubits_and_measurement.ipynb")
    page.locator(".widget-slider", has_text="θ").first.scroll_into_view_if_needed()
    screenshot(page, f"lab_lesson01_{page._size}_0_start")
    # simple mode (lesson 01 has one explorer): no noise row, no purity/entropy readout
    noise = page.locator("button.jupyter-button", has_text="Apply noise")
    assert noise.count() == 1 and not noise.first.is_visible()  # in the page, hidden
    assert page.get_by_role("button", name="Measure").first.is_visible()
    assert "purity" not in page.locator(".widget-html-content", has_text="θ").first.inner_text()
    for size in page._sizes():
        _exercise_bloch(page, f"lab_lesson01_{size}", state=STATES[size])
        _assert_fits(page, f"lab lesson 01 {size}")
    page._console.assert_clean()


def test_lab_lesson_02_both_explorers(sized_pages, jupyter_lab):
    page = sized_pages
    _open_lab(page, jupyter_lab, "lessons/02_gates_and_circuits.ipynb")
    for size in page._sizes():
        _exercise_bloch(page, f"lab_lesson02_bloch_{size}", state=STATES[size])
        _exercise_circuit(page, f"lab_lesson02_circuit_{size}", which="last")
        _assert_fits(page, f"lab lesson 02 {size}")
    page._console.assert_clean()


# ------------------------------------------------------------------ Notebook 7 smoke test
def test_notebook7_renders_lesson_01(sized_pages, notebook7):
    """Smoke test at 1280×800: lesson 01 in Notebook 7 (``jupyter notebook``): the sphere renders and reacts."""
    page = sized_pages
    port, token = notebook7
    page.goto(f"http://127.0.0.1:{port}/notebooks/lessons/01_qubits_and_measurement.ipynb?token={token}",
              timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_selector("[data-status='idle'], .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=90_000, state="attached")
    page.wait_for_timeout(1500)
    menu(page, "Run", "Run All Cells")
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for(timeout=240_000)
    plot.scroll_into_view_if_needed()
    _settle(page, 2000)
    data = plot_data(page)
    assert data and "arrow q0" in data[0]
    page.get_by_role("button", name="X", exact=True).first.click()
    wait_for_plot_change(page, data)
    screenshot(page, f"nb7_lesson01_{page._size}")
    page._console.assert_clean()
