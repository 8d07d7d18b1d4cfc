"""Small helpers to drive JupyterLab 4 from Playwright."""
from __future__ import annotations


def open_notebook(page, lab, notebook: str) -> None:
    """Open a notebook and wait until its kernel is idle."""
    page.goto(lab.url(notebook))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_timeout(1500)  # JupyterLab may still ask which kernel to start
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if dialog.count():
        dialog.locator("button", has_text="Select").first.click()
    page.wait_for_selector(".jp-NotebookPanel-toolbar [data-status='idle'], .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=90_000)


def menu(page, top: str, item: str) -> None:
    """Click a menu-bar entry, then one of its items (exact label)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel").get_by_text(item, exact=True).first.click()


def run_all(page, timeout_ms: int = 120_000) -> None:
    """Clear the stored outputs, Run All Cells, and wait until every code cell has run."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                 .every(p => !/\\d/.test(p.textContent))""", timeout=20_000)
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""", timeout=timeout_ms)


def error_outputs(page) -> list[str]:
    """Texts of error/stderr outputs rendered in the notebook."""
    return page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "els => els.map(e => e.textContent.slice(0, 500))")


def drag_slider(page, slider, fraction: float) -> None:
    """Drag an ipywidgets 8 (noUiSlider) slider's handle to ``fraction`` of its track."""
    slider.scroll_into_view_if_needed()
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-base, .noUi-target").first
    hb, tb = handle.bounding_box(), track.bounding_box()
    page.mouse.move(hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
    page.mouse.down()
    page.mouse.move(tb["x"] + tb["width"] * fraction, hb["y"] + hb["height"] / 2, steps=8)
    page.mouse.up()


def wait_for_new_image(page, locator, before: bytes, timeout_s: float = 30.0) -> bytes:
    """Poll an element's screenshot until it differs from ``before`` (or the timeout passes)."""
    import time
    deadline = time.time() + timeout_s
    image = locator.screenshot()
    while image == before and time.time() < deadline:
        page.wait_for_timeout(500)
        image = locator.screenshot()
    return image
