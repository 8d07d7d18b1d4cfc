"""Lesson 01 as a reader without a kernel sees it: nbconvert HTML opened in Chromium (issue 16 item 9).

The stored Bloch explorer output must show its static picture (the ``image/png`` snapshot in the
widget's mimebundle), not the text repr ``BlochExplorer(1 qubit, 0 gates applied)``. A screenshot of
that output is saved in the test's tmp dir (and in tests/browser/screenshots/).
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, screenshot

pytestmark = pytest.mark.browser

LESSON = ROOT / "lessons" / "01_qubits_and_measurement.ipynb"


def test_nbconvert_html_of_lesson_01_shows_the_widget_picture(playwright_browser, tmp_path):
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(tmp_path),
                    str(LESSON)], check=True, capture_output=True, timeout=300)
    html = tmp_path / f"{LESSON.stem}.html"
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(html.as_uri(), wait_until="load", timeout=60_000)
        cell = page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text="BlochExplorer(")).first
        output = cell.locator(".jp-OutputArea").first
        output.scroll_into_view_if_needed()
        img = output.locator("img[src^='data:image/png']").first
        img.wait_for(timeout=10_000)
        size = img.evaluate("i => [i.complete, i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]")
        assert size[0] and size[1] >= 200 and size[2] >= 150 and size[3] >= 200, f"picture not shown: {size}"
        text = output.inner_text()
        assert "BlochExplorer(" not in text, f"the reader sees the repr, not a picture: {text[:200]!r}"
        cell.screenshot(path=str(tmp_path / "nbconvert_lesson01_bloch.png"))
        screenshot(page, "nbconvert_lesson01")
    finally:
        context.close()
