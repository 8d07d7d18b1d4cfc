"""Each explorer in a real JupyterLab: run its demo notebook, see it, use a control, see it change."""
import pytest

from conftest import screenshot
from labdriver import drag_slider, error_outputs, open_notebook, run_all, wait_for_new_image

pytestmark = pytest.mark.browser


def _ready(page, notebook):
    open_notebook(page, page.context._lab, notebook)
    run_all(page)
    assert error_outputs(page) == []
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # let plotly finish its first draw


@pytest.fixture
def lab_page(page, jupyter_lab):
    page.context._lab = jupyter_lab
    return page


def _plot_image(page, index=0) -> bytes:
    plot = page.locator(".js-plotly-plot").nth(index)
    plot.scroll_into_view_if_needed()
    return plot.screenshot()


def _svg_paths(page, selector) -> list:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('d'))")


def test_bloch_explorer_theta_slider_moves_the_arrow(lab_page):
    page = lab_page
    _ready(page, "demos/bloch_explorer.ipynb")
    readout = page.locator(".widget-html-content", has_text="θ").first
    before_text, before_img = readout.inner_text(), _plot_image(page)
    screenshot(page, "bloch_before")
    drag_slider(page, page.locator(".widget-slider", has_text="θ").first, 0.6)
    page.wait_for_function("(t) => [...document.querySelectorAll('.widget-html-content')]"
                           ".some(e => e.textContent.includes('θ') && e.textContent !== t)", arg=before_text,
                           timeout=20_000)
    plot = page.locator(".js-plotly-plot").first
    after_img = wait_for_new_image(page, plot, before_img)
    screenshot(page, "bloch_after")
    assert after_img != before_img, "the sphere did not change after moving θ"


def test_circuit_explorer_add_gate_changes_probabilities(lab_page):
    page = lab_page
    _ready(page, "demos/circuit_explorer.ipynb")
    bars = ".js-plotly-plot .bars path"
    page.wait_for_selector(bars, state="attached", timeout=30_000)
    before = _svg_paths(page, bars)
    screenshot(page, "circuit_before")
    page.locator("button", has_text="Add").first.click()  # default palette gate: H on qubit 0
    page.wait_for_function("(b) => JSON.stringify([...document.querySelectorAll('.js-plotly-plot .bars path')]"
                           ".map(e => e.getAttribute('d'))) !== b",
                           arg=__import__("json").dumps(before), timeout=20_000)
    screenshot(page, "circuit_after")
    assert _svg_paths(page, bars) != before
    assert page.locator("pre", has_text="q_0").count() + page.locator("pre", has_text="q0").count() > 0


def test_landscape_explorer_span_changes_the_surface(lab_page):
    page = lab_page
    _ready(page, "demos/landscape_explorer.ipynb")
    before = _plot_image(page)
    screenshot(page, "landscape_before")
    drag_slider(page, page.locator(".widget-slider", has_text="span").first, 0.15)
    after = wait_for_new_image(page, page.locator(".js-plotly-plot").first, before)
    screenshot(page, "landscape_after")
    assert after != before, "the landscape did not change after changing the span"
