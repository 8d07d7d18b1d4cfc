"""PageFit: an invisible helper widget that fits plotly figures to their cell and names sliders.

Two things the Python side cannot do for a widget shown in a page:

* **Size.** plotly draws a figure when its view is created, often before the view is attached
  to the page, so an auto-sized figure falls back to 700 px and overflows a narrow cell (the
  landscape figure and its colour bar were cut off at 1280 px with the file browser open).
  PageFit watches its container's width (``ResizeObserver``) and asks plotly to re-fit
  (a window ``resize`` event, which figures with ``config.responsive`` follow) when it changes:
  on first display, and when the file browser or the window is resized.
* **Accessible names.** ipywidgets' slider handles have no accessible name and announce raw
  floats (``0.15000000000000002``). PageFit gives each slider handle in its container an
  ``aria-label`` and an ``aria-valuetext`` read from the slider's own readout plus a unit
  (``"3.14 rad"``).

Put it inside the container and give the container the CSS class ``qml-fit``::

    >>> box = widgets.VBox([...]); box.add_class("qml-fit")          # doctest: +SKIP
    >>> box.children += (PageFit(names={"span ± (rad)": ["scan half-width", "rad"]}),)  # doctest: +SKIP
"""
from __future__ import annotations

import anywidget
import ipywidgets as widgets
from traitlets import Dict, Unicode

CSS_CLASS = "qml-fit"

_ESM = r"""
function render({ model, el }) {
  let root = null, mo = null, ro = null, timers = [], tries = 0;
  const label = () => {
    if (!root) return;
    const names = model.get("names") || {};
    for (const s of root.querySelectorAll(".widget-slider")) {
      const lab = s.querySelector(".widget-label");
      const h = s.querySelector(".noUi-handle");
      if (!lab || !h) continue;
      const key = lab.textContent.trim();
      const spec = names[key] || [key, ""];
      if (h.getAttribute("aria-label") !== spec[0]) h.setAttribute("aria-label", spec[0]);
      const r = s.querySelector(".widget-readout");
      if (r) {
        const text = r.textContent.trim() + (spec[1] ? " " + spec[1] : "");
        if (h.getAttribute("aria-valuetext") !== text) h.setAttribute("aria-valuetext", text);
      }
    }
  };
  const fit = (delay) => {
    timers.push(setTimeout(() => window.dispatchEvent(new Event("resize")), delay));
  };
  const start = () => {
    root = el.closest("." + model.get("css_class"));
    if (!root) {
      if (tries++ < 600) timers.push(setTimeout(start, 50));
      return;
    }
    mo = new MutationObserver(label);
    mo.observe(root, { subtree: true, childList: true, characterData: true,
                       attributes: true, attributeFilter: ["aria-valuetext"] });
    let last = -1;
    ro = new ResizeObserver(() => {
      const w = Math.round(root.getBoundingClientRect().width);
      if (w > 0 && w !== last) { last = w; fit(80); }
    });
    ro.observe(root);
    label();
    fit(300); fit(1200); fit(3000);  // plotly may finish its first draw after we attach
  };
  start();
  return () => { if (mo) mo.disconnect(); if (ro) ro.disconnect(); timers.forEach(clearTimeout); };
}
export default { render };
"""


class PageFit(anywidget.AnyWidget):
    """Invisible: re-fits responsive plotly figures to the container; names its sliders."""

    _esm = _ESM
    names = Dict().tag(sync=True)  # slider label -> [accessible name, unit]
    css_class = Unicode(CSS_CLASS).tag(sync=True)  # the container it works in

    def __init__(self, names: dict[str, list[str]] | None = None) -> None:
        super().__init__(names=dict(names or {}), layout=widgets.Layout(display="none"))

    def __repr__(self) -> str:
        return "PageFit()"


def fit_to_page(container: widgets.Box, names: dict[str, list[str]] | None = None) -> PageFit:
    """Add a :class:`PageFit` to ``container`` (marked with the CSS class) and return it."""
    container.add_class(CSS_CLASS)
    helper = PageFit(names)
    container.children = (*container.children, helper)
    return helper
