"""Lesson 00 in a real JupyterLab: run all, see a plotly widget and a slider, move it, see it change."""
import pytest

from labdriver import drag_slider, error_outputs, open_notebook, run_all
from conftest import screenshot

pytestmark = pytest.mark.browser


def bar_paths(page) -> list[str]:
    return page.eval_on_selector_all(".js-plotly-plot .bars path", "els => els.map(e => e.getAttribute('d'))")


def test_lesson00_runs_and_widget_reacts(page, jupyter_lab):
    open_notebook(page, jupyter_lab, "lessons/00_welcome.ipynb")
    run_all(page)
    slider = page.locator(".widget-slider").first
    slider.wait_for(timeout=60_000)
    slider.scroll_into_view_if_needed()
    page.wait_for_selector(".js-plotly-plot .bars path", timeout=60_000)
    assert error_outputs(page) == []
    assert page.locator(".jp-OutputArea-output .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
    before = bar_paths(page)
    readout_before = page.locator(".widget-html-content", has_text="P(0)").first.inner_text()
    screenshot(page, "lesson00_before")
    drag_slider(page, slider, 0.95)
    page.wait_for_function("(b) => JSON.stringify([...document.querySelectorAll('.js-plotly-plot .bars path')]"
                           ".map(e => e.getAttribute('d'))) !== b", arg=__import__("json").dumps(before),
                           timeout=20_000)
    after = bar_paths(page)
    readout_after = page.locator(".widget-html-content", has_text="P(0)").first.inner_text()
    screenshot(page, "lesson00_after")
    assert after != before
    assert readout_after != readout_before
