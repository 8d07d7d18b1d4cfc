"""The loss-landscape explorer in real front ends (JupyterLab and Voilà), read from the page.

Each test reads the plotly divs' data (``gd.data``) in the page after every control type, keeps
screenshots (tests/browser/screenshots/, git-ignored) at 1280×800 (file browser open) and
1920×1080, and fails on console errors. A test opens its notebook once at 1280×800 and drives
every control again after resizing the same page to 1920×1080 (one run, one kernel); the demo and
lessons 06 and 08 in JupyterLab and in Voilà. Issue 16 items 2, 3, 5, 6, 11, 13.
"""
from __future__ import annotations

import re

import pytest

from conftest import screenshot
from labdriver import drag_slider, error_outputs, menu, open_notebook

pytestmark = pytest.mark.browser

VIEWPORTS = {"1280": {"width": 1280, "height": 800}, "1920": {"width": 1920, "height": 1080}}

# Every plotly div inside the landscape explorer: its traces and its box; the output area's box
PLOTS = """(root) => {
  const area = root.closest('.jp-OutputArea-output') || root.closest('.jp-OutputArea') || document.body;
  const a = area.getBoundingClientRect();
  return [...root.querySelectorAll('.js-plotly-plot')].map(g => {
    const r = g.getBoundingClientRect();
    return {data: (g.data || []).map(t => ({type: t.type, x: t.x, y: t.y, z: t.z})),
            box: [r.left, r.right], area: [a.left, a.right],
            shown: getComputedStyle(g.parentElement.parentElement).visibility !== 'hidden'
                   && r.height > 0 && g.parentElement.getBoundingClientRect().height > 0};
  });
}"""


class Console:
    """Console errors and uncaught page errors (issue 16, item 13)."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text[:300]))
        page.on("pageerror", lambda e: self.errors.append(
            f"pageerror: {e} @ {(e.stack or '').splitlines()[1:3]}"[:400]))

    # anywidget gives each model 2 s to load its ES module (plotly's is ~5 MB); on a loaded
    # machine that deadline is missed and logged. The consequence (a figure that no longer
    # follows its controls) is what every data assertion in these tests checks, and the
    # shared ResendOnDisplay mixin rebuilds such a figure; so this one message is not counted.
    # Not course code either: an offline page failing to reach a CDN, and Voilà's shell
    # refusing a JupyterLab/Notebook 7 extension it cannot host (module federation).
    KNOWN = ("[anywidget] Failed to initialize model.",
             "Failed to load resource: net::ERR_NAME_NOT_RESOLVED",
             "#RUNTIME-012",
             # Notebook 7.6's own start-up script (a settings schema lookup), not our widgets
             "/static/notebook/notebook_core.")

    def check(self):
        errors = [e for e in self.errors if not any(k in e for k in self.KNOWN)]
        assert errors == [], f"console errors: {errors}"


def _explorer(page, which: str = "last"):
    """The (last, or first) landscape explorer in the page."""
    found = page.locator(".widget-vbox", has=page.locator("text=Run optimiser"))
    root = found.first if which == "first" else found.last
    root.wait_for(timeout=120_000)
    page.locator(".js-plotly-plot .contourlayer, .js-plotly-plot .contour").first.wait_for(
        state="attached", timeout=60_000)
    page.wait_for_timeout(1000)
    return root


def _plots(root) -> list[dict]:
    return root.evaluate(PLOTS)


def _wait_change(page, root, index, key, before, timeout=30_000):
    """Poll the page until plot ``index``'s traces' ``key`` differ from ``before``."""
    try:
        page.wait_for_function(
            f"([root, b]) => {{ const g = root.querySelectorAll('.js-plotly-plot')[{index}];"
            f" return g && g.data && JSON.stringify(g.data.map(t => t.{key} || null)) !== b; }}",
            arg=[root.element_handle(), before], timeout=timeout)
    except Exception:
        screenshot(page, f"FAILED_plot{index}_{key}")
        raise


def _key(root, index, key):
    """The page's own serialisation of one property of every trace of plot ``index``."""
    return root.evaluate(f"r => JSON.stringify(r.querySelectorAll('.js-plotly-plot')[{index}]"
                         f".data.map(t => t.{key} || null))")


def _check_fits(plots):
    for p in plots:
        if p["shown"]:
            assert p["box"][0] >= p["area"][0] - 1 and p["box"][1] <= p["area"][1] + 1, (
                f"figure {p['box']} overflows its output area {p['area']}")


def _check_buttons_not_truncated(root):
    cut = root.evaluate("""r => [...r.querySelectorAll('button')]
        .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
        .map(b => b.textContent)""")
    assert cut == [], f"buttons with truncated labels: {cut}"


def _check_slider_names(page, root):
    """Item 11: every slider handle has an accessible name and a short value text with unit."""
    page.wait_for_function("(r) => [...r.querySelectorAll('.noUi-handle')]"
                           ".every(h => h.getAttribute('aria-label'))", arg=root.element_handle(),
                           timeout=15_000)
    handles = root.evaluate("(r) => [...r.querySelectorAll('.noUi-handle')].map(h => "
                            "[h.getAttribute('aria-label'), h.getAttribute('aria-valuetext')])")
    assert handles and all(label for label, _ in handles), handles
    for label, text in handles:
        assert len(text) <= 16 and not re.search(r"\.\d{5,}", text), (label, text)
    assert any(text.endswith(" rad") for _, text in handles), handles


# What each pass sets, so that every action changes something from where the previous pass left it
PASSES = (
    {"span": (0.2, 0.35), "direction": "parameter axes", "slice": "y", "click": (60, 60), "a": 0.25},
    {"span": (0.6, 0.45), "direction": "random", "slice": "x", "click": (90, 80), "a": -0.25},
)


def _drive_every_control(page, root, name, second: bool = False):
    """Slider, direction select, surface/contour, slice buttons, click and keyboard move."""
    todo = PASSES[1 if second else 0]
    p0 = _plots(root)
    contour, surface, sliced = 0, 1, 2
    assert p0[contour]["data"][0]["type"] == "contour" and p0[surface]["data"][0]["type"] == "surface"
    _check_fits(p0)
    _check_buttons_not_truncated(root)
    _check_slider_names(page, root)
    screenshot(page, f"{name}_start")

    before = _key(root, contour, "x")
    drag_slider(page, root.locator(".widget-slider", has_text="span"), todo["span"][0])
    _wait_change(page, root, contour, "x", before)

    before = _key(root, contour, "z")
    root.locator("select").filter(has=page.locator("option", has_text="parameter axes")).first \
        .select_option(label=todo["direction"])
    _wait_change(page, root, contour, "z", before)

    root.locator("button", has_text="surface").first.click()
    page.wait_for_function("(r) => getComputedStyle(r.querySelectorAll('.js-plotly-plot')[1]"
                           ".parentElement).visibility !== 'hidden'", arg=root.element_handle())
    page.wait_for_timeout(1500)
    p = _plots(root)
    s = p[surface]["data"][0]
    assert isinstance(s["x"], list) and len(s["x"]) == len(s["z"][0]) > 1, "surface without x"
    page.wait_for_function(  # the surface follows the same grid as the contour
        "(r) => { const g = r.querySelectorAll('.js-plotly-plot');"
        " return JSON.stringify(g[0].data[0].x) === JSON.stringify(g[1].data[0].x); }",
        arg=root.element_handle(), timeout=30_000)
    p = _plots(root)
    assert p[surface]["shown"] and not p[contour]["shown"]
    _check_fits(p)
    screenshot(page, f"{name}_surface")
    before = _key(root, surface, "x")
    drag_slider(page, root.locator(".widget-slider", has_text="span"), todo["span"][1])
    _wait_change(page, root, surface, "x", before)
    root.locator("button", has_text="contour").first.click()
    page.wait_for_timeout(1000)

    before = _key(root, sliced, "y")
    root.locator(".widget-toggle-buttons button", has_text=todo["slice"]).first.click()
    _wait_change(page, root, sliced, "y", before)

    before = _key(root, contour, "x")  # the point marker is trace 3
    plot = root.locator(".js-plotly-plot").first
    target = plot.locator(".nsewdrag").first
    target.scroll_into_view_if_needed()
    x, y = todo["click"]
    target.hover(position={"x": x, "y": y})  # plotly takes the clicked point from the hover
    page.wait_for_timeout(500)
    target.click(position={"x": x, "y": y})
    _wait_change(page, root, contour, "x", before)
    # "point a", or the parameter's name on an axes plane (it then takes the absolute value)
    box = root.locator(".qml-point-a").locator("input")
    box.fill(str(todo["a"]))
    box.press("Enter")
    page.wait_for_function(
        "([r, a]) => Math.abs(r.querySelectorAll('.js-plotly-plot')[0].data[3].x[0] - a) < 1e-9",
        arg=[root.element_handle(), todo["a"]])
    screenshot(page, f"{name}_end")
    _check_fits(_plots(root))


# ------------------------------------------------------------------------------ JupyterLab
def _run_cells_up_to(page, text: str, timeout_ms: int = 300_000):
    """Run every cell from the top to the code cell containing ``text`` (included)."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    k = page.evaluate("(t) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]"
                      ".findIndex(c => c.classList.contains('jp-CodeCell') && c.textContent.includes(t))",
                      text)
    assert k >= 0, f"no cell contains {text!r}"
    cells = page.locator(".jp-Notebook .jp-Cell")
    if k + 1 < cells.count():
        cells.nth(k + 1).locator(".jp-InputPrompt").first.click()
        menu(page, "Run", "Run All Above Selected Cell")
    else:
        menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        "(k) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].slice(0, k + 1)"
        ".filter(c => c.classList.contains('jp-CodeCell'))"
        ".every(c => /\\[\\d+\\]/.test(c.querySelector('.jp-InputArea-prompt').textContent))",
        arg=k, timeout=timeout_ms)


@pytest.fixture
def sized_page(playwright_browser):
    """A page at 1280×800; ``_resize(page)`` moves it to 1920×1080 for the second pass."""
    context = playwright_browser.new_context(viewport=VIEWPORTS["1280"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    page._size = "1280"
    yield page
    context.close()


def _both_sizes(page, root, name: str) -> None:
    """Drive every control at 1280×800, resize the page to 1920×1080, drive every control again."""
    _drive_every_control(page, root, f"{name}_1280")
    page.set_viewport_size(VIEWPORTS["1920"])
    page._size = "1920"
    page.wait_for_timeout(800)  # PageFit re-fits the figures to the wider cell
    root.scroll_into_view_if_needed()
    _drive_every_control(page, root, f"{name}_1920", second=True)


CASES = {  # notebook, last cell to run (the explorer is driven after it)
    "demo": ("demos/landscape_explorer.ipynb", "explorer"),
    "lesson08": ("lessons/08_loss_landscapes_and_barren_plateaus.ipynb",
                 "what the Run button does"),
    "lesson06": ("lessons/06_variational_circuits_and_gradients.ipynb",
                 "LandscapeExplorer(ra, H"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_landscape_in_jupyterlab(sized_page, jupyter_lab, case):
    page, (notebook, last) = sized_page, CASES[case]
    console = Console(page)
    open_notebook(page, jupyter_lab, notebook)
    _run_cells_up_to(page, last)
    assert error_outputs(page) == []
    root = _explorer(page)
    root.scroll_into_view_if_needed()
    _both_sizes(page, root, f"lab_{case}")
    console.check()


# ------------------------------------------------------------------------------ Voilà
VOILA_CASES = {"demo": "demos/landscape_explorer.ipynb", "lesson06": CASES["lesson06"][0],
               "lesson08": CASES["lesson08"][0]}


@pytest.mark.parametrize("case", list(VOILA_CASES))
def test_landscape_in_voila(sized_page, voila_server, case):
    page = sized_page
    console = Console(page)
    page.goto(f"{voila_server}/voila/render/{VOILA_CASES[case]}", timeout=300_000)
    root = _explorer(page, "first")  # Voilà runs the whole lesson: drive its first explorer
    assert page.locator("text=Traceback").count() == 0
    if case == "demo":  # item 2: the surface holds the real grid from the start (it was a 1×1 grid with no x)
        s = _plots(root)[1]["data"][0]
        assert isinstance(s["x"], list) and len(s["x"]) == len(s["z"]) == 33
    root.scroll_into_view_if_needed()
    _both_sizes(page, root, f"voila_{case}")
    console.check()


# ------------------------------------------------------------------------------ Notebook 7
def test_lesson08_explorer_renders_in_notebook7(sized_page, notebook7):
    """Smoke test: lesson 08's explorer renders and reacts in Notebook 7 (1280×800 only)."""
    page = sized_page
    port, token = notebook7
    console = Console(page)
    page.goto(f"http://127.0.0.1:{port}/notebooks/lessons/"
              f"08_loss_landscapes_and_barren_plateaus.ipynb?token={token}", timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_selector("[data-status='idle'], .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           state="attached", timeout=90_000)
    page.wait_for_timeout(1500)
    _run_cells_up_to(page, CASES["lesson08"][1])
    root = _explorer(page)
    root.scroll_into_view_if_needed()
    p = _plots(root)
    assert p[0]["data"][0]["type"] == "contour" and len(p[0]["data"][0]["x"]) == 25
    _check_fits(p)
    _check_buttons_not_truncated(root)
    before = _key(root, 2, "y")
    root.locator(".widget-toggle-buttons button", has_text="y").first.click()
    _wait_change(page, root, 2, "y", before)
    screenshot(page, "nb7_lesson08")
    console.check()
