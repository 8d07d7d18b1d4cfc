"""Bloch and circuit explorers fit their cell in JupyterLab (issue 16 item 5), measured in the page.

JupyterLab with the file browser open, first at 1280×800, then the same page resized to
1920×1080 (no new server, no re-run). At each size, with the explorer scrolled to the top of
the notebook: every plotly figure lies inside its output area and fills its flex slot (its
drawn SVG is as wide as the slot: the figure follows the cell instead of keeping a pixel
width), and the plots and the main controls are all on screen together. A control still
changes the plot data after the resize, and the page logs no console error from course code.
Screenshots go to the test's tmp dir. At each size every control type is then driven and must
change the plot data in the page (the JupyterLab demo tests of issue 16's done-when).
"""
from __future__ import annotations

import pytest

from labdriver import error_outputs, open_notebook, run_all
from test_bloch_frontends import STATES, _exercise_bloch, _exercise_circuit

pytestmark = pytest.mark.browser

# The explorer root's plots, its output area, the notebook's visible rectangle
MEASURE = """(root) => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width}; };
  const area = root.closest('.jp-OutputArea-output') || document.body;
  const scroller = root.closest('.jp-WindowedPanel-outer') || root.closest('.jp-Notebook');
  const v = scroller ? scroller.getBoundingClientRect() : {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
  const view = {left: Math.max(v.left, 0), top: Math.max(v.top, 0),
                right: Math.min(v.right, innerWidth), bottom: Math.min(v.bottom, innerHeight)};
  const plots = [...root.querySelectorAll('.js-plotly-plot')].map(g => {
    const svg = g.querySelector('svg.main-svg');
    return {div: box(g), svg: svg ? box(svg) : null, slot: box(g.closest('.widget-box'))};
  });
  return {area: box(area), view, plots};
}"""


def _file_browser_open(page) -> None:
    fb = page.locator("#filebrowser")
    if not fb.is_visible():
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id='filebrowser']").click()
    page.wait_for_function("() => { const f = document.querySelector('#filebrowser');"
                           " return f && f.getBoundingClientRect().width > 150; }")


def _settled_fit(page, root) -> dict:
    """Scroll the explorer to the top of the notebook, wait until every figure's SVG has the slot's width
    (PageFit re-fits after a resize), and measure. A figure that never fits is reported by the checks."""
    root.evaluate("r => r.scrollIntoView({block: 'start'})")
    try:
        page.wait_for_function(MEASURE.replace("return {area: box(area), view, plots};",
                                               "return plots.every(p => p.svg && Math.abs(p.svg.width - p.slot.width) <= 2);"),
                               arg=root.element_handle(), timeout=15_000)
    except Exception:  # measured and reported below
        pass
    page.wait_for_timeout(300)
    root.evaluate("r => r.scrollIntoView({block: 'start'})")
    return root.evaluate(MEASURE)


def _check(m: dict, on_screen: list[dict], tag: str) -> None:
    area, view = m["area"], m["view"]
    assert m["plots"], f"{tag}: no plot"
    for k, p in enumerate(m["plots"]):
        div, svg, slot = p["div"], p["svg"], p["slot"]
        assert svg is not None, f"{tag}: plot {k} not drawn"
        assert div["left"] >= area["left"] - 1 and div["right"] <= area["right"] + 1, (
            f"{tag}: plot {k} {div} overflows its output area {area}")
        assert svg["right"] <= div["right"] + 1, f"{tag}: plot {k} is drawn wider ({svg['width']:.0f} px) than its box"
        assert abs(svg["width"] - slot["width"]) <= 2, (
            f"{tag}: plot {k} is {svg['width']:.0f} px wide in a {slot['width']:.0f} px slot: it does not follow the cell")
    for name, b in on_screen:
        assert view["top"] - 1 <= b["top"] and b["bottom"] <= view["bottom"] + 1 and \
            view["left"] - 1 <= b["left"] and b["right"] <= view["right"] + 1, (
                f"{tag}: {name} {b} is not on screen with the rest (visible notebook area {view})")


def _boxes(page, items: dict) -> list:
    return [(name, loc.evaluate("e => { const r = e.getBoundingClientRect();"
                                " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"))
            for name, loc in items.items()]


CASES = {
    "bloch": ("demos/bloch_explorer.ipynb", "θ (rad)"),
    "circuit": ("demos/circuit_explorer.ipynb", "Redo"),
}


def _controls(page, root, case: str) -> dict:
    plots = root.locator(".js-plotly-plot")
    if case == "bloch":
        return {"sphere": plots.nth(0), "histogram": plots.nth(1),
                "θ slider": root.locator(".widget-slider", has_text="θ").first,
                "φ slider": root.locator(".widget-slider", has_text="φ").first,
                "X button": root.get_by_role("button", name="X", exact=True).first,
                "Rx button": root.get_by_role("button", name="Rx", exact=True).first,
                "Measure": root.locator("button", has_text="Measure")}
    return {"probabilities": plots.nth(0), "amplitudes": plots.nth(1),
            "gate": root.locator(".widget-dropdown", has_text="gate"),
            "Add": root.locator("button", has_text="Add"),
            "step slider": root.locator(".widget-slider", has_text="step"),
            "Measure": root.locator("button", has_text="Measure"),
            "diagram": root.locator("pre").first}


@pytest.mark.parametrize("case", list(CASES))
def test_explorer_fits_its_cell_with_controls_and_plots_on_one_screen(sized_pages, jupyter_lab, case, tmp_path):
    notebook, marker = CASES[case]
    page = sized_pages
    open_notebook(page, jupyter_lab, notebook)
    _file_browser_open(page)
    run_all(page, timeout_ms=240_000)
    assert error_outputs(page) == []
    root = page.locator(".jp-OutputArea-output .widget-vbox", has_text=marker).first  # the explorer
    root.wait_for(timeout=60_000)
    root.locator(".js-plotly-plot").nth(1).wait_for(timeout=60_000)
    for size in page._sizes():
        m = _settled_fit(page, root)
        page.screenshot(path=str(tmp_path / f"{case}_{size}.png"))
        _check(m, _boxes(page, _controls(page, root, case)), f"{case} at {size}")
        # every control type changes the plot data in the page, at this size
        if case == "bloch":
            _exercise_bloch(page, f"lab_bloch_{size}", state=STATES[size])
        else:
            _exercise_circuit(page, f"lab_circuit_{size}")
        page.screenshot(path=str(tmp_path / f"{case}_{size}_after_controls.png"))
    page._console.assert_clean()
