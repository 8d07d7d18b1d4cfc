"""Predict-then-reveal in a real JupyterLab: a student lesson opens with a placeholder where the
reveal's output would give the answer away; running the prediction and the reveal shows the truth."""
import pytest

from labdriver import error_outputs, open_notebook, run_all
from conftest import screenshot

pytestmark = pytest.mark.browser

LESSON = "lessons/03_entanglement.ipynb"  # prediction then reveal (tools/make_lessons.py tags the reveal)


def test_reveal_shows_a_placeholder_until_the_learner_runs_it(page, jupyter_lab):
    open_notebook(page, jupyter_lab, LESSON)
    prediction = page.locator(".jp-CodeCell", has_text="check.predict_p11_before_cx").first
    reveal = page.locator(".jp-CodeCell", has_text="check.reveal_p11_before_cx").first
    prediction.scroll_into_view_if_needed()
    reveal.wait_for(timeout=30_000)
    stored = reveal.locator(".jp-OutputArea").inner_text()
    assert "Output folded" in stored and "0.5" not in stored, stored  # the answer (P = 0.5, 0) is not shown
    screenshot(page, "reveal_placeholder_before")
    run_all(page)  # what a learner does without predicting: the cells run, the truth appears
    reveal = page.locator(".jp-CodeCell", has_text="check.reveal_p11_before_cx").first
    reveal.scroll_into_view_if_needed()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-CodeCell')].some(c =>
               c.textContent.includes('check.reveal_p11_before_cx') &&
               /after H only/.test(c.querySelector('.jp-OutputArea').textContent))""", timeout=60_000)
    text = reveal.locator(".jp-OutputArea").inner_text()
    screenshot(page, "reveal_placeholder_after")
    assert error_outputs(page) == []
    assert "Output folded" not in text and "no prediction recorded yet" in text, text
