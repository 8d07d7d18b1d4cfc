"""plotly FigureWidget that behaves in JupyterLab whatever the figure data's type.

plotly ≥ 6 (anywidget) ships 1-D numeric numpy arrays to the browser as binary buffers.
In JupyterLab we saw two failures with them (seen in tests/browser): figures nested in a
container rendering as empty axes, and colours given as arrays turning black. The
:class:`CourseFigure` subclass sends every array as a plain JSON list instead, so widget
code may hand numpy arrays to plotly freely. :class:`ResendOnDisplay` (a mixin for
container widgets) re-sends nested figures' state just before they are displayed
(plotly only does that for a figure displayed on its own, plotly/plotly.py#4998).

plotly has no public switch for the wire format, so :class:`CourseFigure` uses the public
ipywidgets serialisation protocol instead: every synced trait of ``go.FigureWidget`` that
carries a ``to_json`` serialiser (found with traitlets' ``class_traits``, not by name) is
re-tagged with :func:`_plain`. tests/unit/test_upstream_api.py fails with a message naming
the upstream change if plotly stops syncing figure data through such traits.

Example::

    >>> import numpy as np
    >>> fig = CourseFigure(data=[go.Bar(y=np.array([1.0, 2.0]))])
    >>> _plain(fig._data)[0]["y"]
    [1.0, 2.0]
"""
from __future__ import annotations

import asyncio
import base64
import math
from copy import copy, deepcopy
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import Undefined
from traitlets import HasTraits, observe

from qmlwidgets.widgets._snapshot import widget_snapshot_png


_LEAF = (int, str, bool, type(None))


def _plain(value: Any, widget_manager: Any = None) -> Any:
    """JSON-ready copy: numpy arrays/scalars become lists/floats, NaN/inf become None."""
    kind = type(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if kind in _LEAF:
        return value
    if kind is list or kind is tuple:  # hot path: long lists of plain numbers
        out: list[Any] = []
        append = out.append
        for v in value:
            k = type(v)
            if k is float:
                append(v if math.isfinite(v) else None)
            elif k in _LEAF:
                append(v)
            else:
                append(_plain(v))
        return out
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and not np.isfinite(value).all():  # JSON has no NaN: use null (a gap)
            gaps = value.astype(object)
            gaps[~np.isfinite(value)] = None
            return gaps.tolist()
        return value.tolist()
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.generic):
        return value.item()
    if value is Undefined:  # plotly's "reset this property" marker
        return "_undefined_"
    return value


def _from_js(value: Any, widget_manager: Any = None) -> Any:
    """Python copy of a message from the browser: plotly's ``"_undefined_"`` marker becomes ``Undefined``."""
    if isinstance(value, dict):
        return {k: _from_js(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_from_js(v) for v in value]
    if isinstance(value, str) and value == "_undefined_":
        return Undefined
    return value


_JSON = {"to_json": _plain, "from_json": _from_js}


def _json_traits(base: type[HasTraits]) -> dict[str, Any]:
    """Copies of ``base``'s synced traits that have a ``to_json`` serialiser, re-tagged with ours."""
    traits = {}
    for name, trait in base.class_traits(sync=True).items():
        if "to_json" in trait.metadata:
            twin = copy(trait)
            twin.metadata = dict(trait.metadata, **_JSON)
            traits[name] = twin
    return traits


class _PageStateSync:
    """Keep the page's copy of a figure right when views come and go (seen in tests/browser).

    1. plotly's model keeps its own copy of the figure (``_widget_data``) for views created
       later, but only Python's *construction-time* value is ever sent as state. A front end
       that asks for the state afterwards (Voilà at page load, a reloaded page, a figure first
       shown after a change) drew the figure as it was built: the landscape's surface was a
       1×1 grid. :meth:`get_state` answers with the figure's current data and layout.
    2. ``batch_update`` sends one Plotly.update for all changed traces, with a placeholder
       ("_undefined_") for a property a trace did not change. The page's model copies the
       placeholder verbatim into its ``_widget_data``, so a view created later drew e.g. the
       surface with ``x = "_undefined_"`` (axes became grid indices). Such an update is sent
       as one message per group of traces that changed the same properties: no placeholders.
    """

    # The methods below extend plotly's FigureWidget, which follows this mixin in the MRO; mypy
    # checks the mixin alone, so each ``super()`` call to plotly carries ``type: ignore[misc]``.
    if TYPE_CHECKING:  # plotly's BaseFigure, which this mixin always comes with, provides it
        def _normalize_trace_indexes(self, trace_indexes: Any) -> list[int]: ...

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict:
        state = super().get_state(key, drop_defaults)  # type: ignore[misc]
        if "_widget_data" in state and hasattr(self, "_data"):
            state["_widget_data"] = _plain(self._data)
        if "_widget_layout" in state and hasattr(self, "_layout_obj"):
            state["_widget_layout"] = _plain(self._layout_obj._props)
        return state

    def _send_update_msg(self, restyle_data: dict, relayout_data: dict,
                         trace_indexes: Any = None, source_view_id: Any = None) -> None:
        groups = _without_placeholders(restyle_data, self._normalize_trace_indexes(trace_indexes))
        if groups is None:
            super()._send_update_msg(restyle_data, relayout_data,  # type: ignore[misc]
                                     trace_indexes, source_view_id)
            return
        batches: list[tuple[dict, list[int] | None]] = list(groups) or [({}, None)]
        for k, (style, traces) in enumerate(batches):
            super()._send_update_msg(style, relayout_data if k == 0 else {},  # type: ignore[misc]
                                     traces, source_view_id)

    def _send_restyle_msg(self, restyle_data: dict, trace_indexes: Any = None,
                          source_view_id: Any = None) -> None:
        groups = _without_placeholders(restyle_data, self._normalize_trace_indexes(trace_indexes))
        if groups is None:
            super()._send_restyle_msg(restyle_data, trace_indexes,  # type: ignore[misc]
                                      source_view_id)
            return
        for style, traces in groups:
            super()._send_restyle_msg(style, traces, source_view_id)  # type: ignore[misc]


def _without_placeholders(style: dict, traces: list[int]) -> list[tuple[dict, list[int]]] | None:
    """Split per-trace restyle data into groups without plotly's ``Undefined`` placeholder.

    None when there is no placeholder (send as is). Values are per-trace lists (cycled).

    >>> _without_placeholders({"x": [[1], Undefined], "z": [Undefined, [2]]}, [0, 3])
    [({'x': [[1]]}, [0]), ({'z': [[2]]}, [3])]
    """
    if not any(isinstance(v, (list, tuple)) and any(e is Undefined for e in v)
               for v in style.values()):
        return None
    groups: dict[tuple[str, ...], tuple[dict, list[int]]] = {}
    for pos, trace in enumerate(traces):
        values = {}
        for prop, v in style.items():
            value = v[pos % len(v)] if isinstance(v, (list, tuple)) and len(v) else v
            if value is not Undefined:
                values[prop] = value
        if not values:
            continue
        group = groups.setdefault(tuple(values), ({p: [] for p in values}, []))
        for prop, value in values.items():
            group[0][prop].append(value)
        group[1].append(trace)
    return list(groups.values())


class _WatchedFigure(_PageStateSync, go.FigureWidget):
    """Notices a page model that stopped applying edits (see ``ResendOnDisplay``)."""

    _acked_edit = 0  # highest trace edit the page has confirmed (0: no view has answered yet)
    _view_answered = False
    _deaf_callbacks: list | None = None

    def __repr__(self) -> str:
        return f"CourseFigure({len(self.data)} traces)"

    @observe("_js2py_traceDeltas")
    def _note_ack(self, change: dict) -> None:
        """A view answered: it rendered (first answer) or applied our edit number ``trace_edit_id``."""
        msg = change.get("new")
        if isinstance(msg, dict) and isinstance(msg.get("trace_edit_id"), int):
            first = not self._view_answered
            self._view_answered = True
            _PAGE["answered"] = True
            self._acked_edit = max(self._acked_edit, msg["trace_edit_id"])
            if first and self._deaf_callbacks and self.data:
                try:
                    asyncio.get_running_loop().call_later(0.2, self._probe)
                except RuntimeError:  # no event loop (plain Python): probe at once
                    self._probe()

    def _probe(self) -> None:
        """A harmless edit (trace 0's ``meta``) just after the first view rendered, so a deaf page model is
        found (and the figure rebuilt) before the learner's first action, not after it."""
        if self.data:
            self.data[0].meta = {"probe": self._last_trace_edit_id + 1}

    @observe("_last_trace_edit_id")
    def _watch_edit(self, change: dict) -> None:
        """After each edit sent to a page that has a view, check later that the page applied it."""
        if not self._view_answered or not self._deaf_callbacks:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: no kernel, no page
            return
        loop.call_later(DEAF_AFTER, self._check_deaf, change["new"], self._acked_edit)

    def _check_deaf(self, edit_id: int, acked_before: int | None = None) -> None:
        """Deaf: the page confirmed nothing at all since ``edit_id`` was sent (a slow page still confirms
        older edits, so it is not mistaken for a deaf one)."""
        progressed = acked_before is not None and self._acked_edit > acked_before
        if self._acked_edit < edit_id and not progressed and self._deaf_callbacks:
            for callback in list(self._deaf_callbacks):
                callback(self)



if TYPE_CHECKING:  # built with type() below so the re-tagged traits are in the class body; this is its type
    class CourseFigure(_WatchedFigure):
        """A ``go.FigureWidget`` that syncs numpy data as plain lists (no binary buffers)."""
else:
    CourseFigure = type("CourseFigure", (_WatchedFigure,), {
        "__doc__": "A ``go.FigureWidget`` that syncs numpy data as plain lists (no binary buffers).",
        "__module__": __name__,
        **_json_traits(go.FigureWidget),
    })

def resend(figures: Iterable[go.FigureWidget]) -> None:
    """Push each figure's current data and layout to the front end (call when displaying)."""
    for fig in figures:
        fig._widget_layout = deepcopy(fig._layout_obj._props)
        fig._widget_data = deepcopy(fig._data)
        if getattr(fig, "comm", None) is not None:
            fig.send_state(["_widget_data", "_widget_layout"])


def figures_in(widget: Any) -> list[go.FigureWidget]:
    """Every FigureWidget inside a widget tree (depth first)."""
    found: list[go.FigureWidget] = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, go.FigureWidget):
            found.append(w)
        stack.extend(reversed(getattr(w, "children", ()) or ()))
    return found


_TRACE_CALLBACKS = ("_click_callbacks", "_hover_callbacks", "_unhover_callbacks", "_select_callbacks",
                    "_deselect_callbacks")
DEAF_AFTER = 4.0  # seconds without the page confirming an edit before a figure is rebuilt
SILENT_AFTER = 8.0  # seconds after display before a figure whose view never rendered is rebuilt
SILENT_CHECKS = 3  # how often that check runs (a slow page may need a second look)
_PAGE = {"answered": False}  # True once any course figure's view answered: a live page exists
MAX_REBUILDS = 3


def _containers_in(widget: Any) -> list[Any]:
    found, stack = [], [widget]
    while stack:
        w = stack.pop()
        kids = getattr(w, "children", None)
        if kids:
            found.append(w)
            stack.extend(kids)
    return found


class ResendOnDisplay:
    """Mixin for container widgets: re-send nested figures' state when displayed, and rebuild a
    figure whose page model went deaf.

    Why rebuild: anywidget (0.11) gives each model 2 s to load its ES module; plotly's is ~5 MB.
    When a page loads several figures at once (Voilà builds every model at page load) a slow
    load misses the deadline, and from then on the page silently drops every update to that
    model: the plot stays frozen on its first picture. A figure whose page has shown a view but
    has not confirmed an edit within ``DEAF_AFTER`` seconds is replaced by a fresh copy (a new
    model, loaded alone), at most ``MAX_REBUILDS`` times per widget.
    """

    _rebuilds = 0

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        figures = figures_in(self)
        resend(figures)
        for fig in figures:
            if isinstance(fig, CourseFigure):
                fig._deaf_callbacks = [self._rebuild_figure]
        try:
            asyncio.get_running_loop().call_later(SILENT_AFTER, self._check_silent, SILENT_CHECKS - 1)
        except RuntimeError:  # no event loop: no kernel, no page
            pass
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]  # the container widget's, next in the MRO
        if isinstance(bundle, dict) and figures:
            try:
                png = widget_snapshot_png(self, figures,
                                          caption=f"{self!r} — still picture; run the notebook to use it")
                bundle["image/png"] = base64.b64encode(png).decode("ascii")
            except Exception:  # a snapshot is a courtesy for readers without a kernel, never an error
                pass
        return bundle

    def _check_silent(self, checks_left: int = 0) -> None:
        """Rebuild figures whose view never rendered although other course figures' views did.

        A model whose ES module missed anywidget's load deadline never draws and never answers, so
        the deaf check (which needs a first answer) cannot see it; the page stays an empty box. Where
        no figure has answered at all there is no page (nbval, a script) or it is still loading:
        look again later, and never rebuild on no evidence.
        """
        silent = [f for f in figures_in(self)
                  if isinstance(f, CourseFigure) and f._deaf_callbacks and not f._view_answered]
        if not silent:
            return
        if _PAGE["answered"]:
            for fig in silent:
                self._rebuild_figure(fig)
        if checks_left > 0 and self._rebuilds < MAX_REBUILDS:
            try:
                asyncio.get_running_loop().call_later(SILENT_AFTER, self._check_silent, checks_left - 1)
            except RuntimeError:
                pass

    def _rebuild_figure(self, old: CourseFigure) -> None:
        """Swap ``old`` for a fresh CourseFigure with the same data and layout, everywhere it is used."""
        if self._rebuilds >= MAX_REBUILDS or old not in figures_in(self):
            return
        self._rebuilds += 1
        # to_plotly_json keeps numpy arrays; to_dict (plotly >= 6) turns them into base64 specs
        # ({"dtype", "bdata"}) that our views and the page's data checks cannot read.
        new = type(old)(data=[trace.to_plotly_json() for trace in old.data],
                        layout=old.layout.to_plotly_json())
        new._config = dict(old._config or {})  # e.g. responsive: the copy still follows the cell width
        for t_old, t_new in zip(old.data, new.data, strict=True):  # click/hover/select handlers live on the trace objects
            for name in _TRACE_CALLBACKS:
                setattr(t_new, name, list(getattr(t_old, name, [])))
        new._deaf_callbacks = [self._rebuild_figure]
        for box in _containers_in(self):
            if any(child is old for child in box.children):
                box.children = tuple(new if child is old else child for child in box.children)
        for name, value in list(vars(self).items()):
            if value is old:
                setattr(self, name, new)
        old._deaf_callbacks = None
        old.close()
