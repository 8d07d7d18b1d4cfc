"""LandscapeExplorer: a live loss landscape of a parametrised circuit, and a barren-plateau view.

Model/view: the model is :class:`qmlwidgets.landscape_model.LandscapeModel` (state, validation,
computation; no widgets), the view is this widget (``explorer.model``): it turns controls,
method calls and trait sets into model transactions, mirrors the model into its traitlets and
redraws its plotly figures inside ``batch_update()``.

Example::

    >>> from qiskit.circuit.library import real_amplitudes
    >>> from qmlwidgets import LandscapeExplorer
    >>> w = LandscapeExplorer(real_amplitudes(2, reps=1), "ZZ", resolution=17)
    >>> w
    LandscapeExplorer(n_params=4, directions='random', resolution=17, span=3.14)
    >>> w.set_directions("axes", 0, 1).set_resolution(21).scan.values.shape
    (21, 21)
    >>> res = w.run_optimizer("adam", steps=30)      # path drawn on the landscape
    >>> len(w.fig.data[2].x)
    31

Every control has a public method (``set_directions``, ``set_span``, ``set_resolution``,
``move_to``, ``recenter``, ``run_optimizer``, ``set_view``, ``show_gradients``,
``set_slice_axis``, ``set_shots``, ``recompute``) and the explorer's state is a set of
traitlets (``point``, ``span``, ``resolution``, ``shots``, ``view``, ``direction_mode``,
``axes``, ``slice_axis``, ``gradient_arrows``; read-only ``center``, ``result``) that
``observe`` and ``link`` work with. A method with bad input raises ``ValueError``, a trait set
``traitlets.TraitError``; from the controls the error is shown in ``w.message``; in every case
the last good view is kept.
"""
from __future__ import annotations

import html
import math
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import traitlets as T

from qmlwidgets.widgets._figure import CourseFigure, ResendOnDisplay
from qmlwidgets.widgets._pagefit import fit_to_page
from qmlwidgets.widgets._traits import frozen_array

from qmlwidgets import landscape as L
from qmlwidgets import optimizers as O
from qmlwidgets.landscape_model import MAX_SEED, LandscapeModel, check_seed

__all__ = ["LandscapeExplorer", "BarrenPlateauView"]

_SPAN_STEP = 1 / 16
_SPAN_SLIDER_MAX = 12.5  # largest multiple of the step below 4π
_COLLAPSED = {"height": "0px", "overflow": "hidden", "visibility": "hidden", "width": "100%"}
_COLLAPSED_EXTRA = {k: v for k, v in _COLLAPSED.items() if k != "width"}
_BP_SAMPLES = (10, 2000)
_SHOWN = {"height": None, "overflow": None, "visibility": None, "width": "100%"}
_ERR_STYLE = "color:#b00020"
_PATH_COLOR = "#E69F00"
_POINT_COLOR = "#D55E00"
_ARROW_COLOR = "rgba(255,255,255,0.85)"
_HOVER = "a=%{x:.3f}<br>b=%{y:.3f}<br>loss=%{z:.4f}<extra></extra>"
_OPTIMIZER_LABELS = (("Adam", "adam"), ("gradient descent", "gd"), ("momentum", "momentum"),
                     ("SPSA", "spsa"), ("COBYLA", "cobyla"), ("L-BFGS-B", "l-bfgs-b"))
_DIRECTION_LABELS = (("random", "random"), ("parameter axes", "axes"),
                     ("PCA of last run", "pca"))
_SHOTS_LABELS = (("exact", 0), ("100 shots", 100), ("1000 shots", 1000), ("10000 shots", 10000))

# trace indices
_C_CONTOUR, _C_ARROWS, _C_PATH, _C_POINT = range(4)
_S_SURFACE, _S_PATH, _S_POINT = range(3)
_L_LINE, _L_POINT = range(2)


def _hover(tx: str, ty: str) -> str:
    """Hover text of the landscape: named absolute values on a parameter-axes plane."""
    if (tx, ty) == ("a", "b"):
        return _HOVER
    nx, ny = (html.escape(t).replace("%", "%%") for t in (tx, ty))
    return f"{nx} = %{{x:.3f}}<br>{ny} = %{{y:.3f}}<br>loss = %{{z:.4f}}<extra></extra>"


def _error_html(exc: BaseException) -> str:
    if isinstance(exc, Stopped):
        text = "stopped: the last good view is kept"
    elif isinstance(exc, ValueError):
        text = str(exc)
    else:  # e.g. a learner's loss raising: say what failed, keep the last good state
        text = (f"the computation failed with {type(exc).__name__}: {exc} "
                "(the last good view is kept)")
    return f'<span style="{_ERR_STYLE}">⚠ {html.escape(text)}</span>'


class Stopped(Exception):
    """Raised inside a computation when the Stop button was pressed."""


def _kernel_loop() -> Any:
    """The running event loop of a Jupyter kernel in this thread, else None (plain Python)."""
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class _Runner:
    """Run a widget's long work so that a Stop button can interrupt it.

    In a kernel (an event loop runs) the work runs in a background thread: the kernel stays
    free to deliver the Stop click, which sets a flag that the work checks between chunks
    (:meth:`check`). Without a loop (tests, scripts) the work runs synchronously. One job at a
    time: a control used while busy is queued and only the latest queued request runs when
    the job ends (a drag sends many values); Stop also drops the queue.
    """

    def __init__(self, stop_button: widgets.Button, on_busy: Callable[[], None]) -> None:
        self.stop_button = stop_button
        self.on_busy = on_busy
        self.flag = threading.Event()
        self.thread: threading.Thread | None = None
        self.pending: Callable[[], object] | None = None
        stop_button.on_click(lambda _: self.stop())
        stop_button.disabled = True

    def stop(self) -> None:
        self.pending = None
        self.flag.set()

    @property
    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def check(self) -> None:
        if self.flag.is_set():
            raise Stopped("stopped")

    def run(self, fn: Callable[[], object]) -> None:
        if self.busy:
            self.pending = fn
            self.on_busy()
            return
        self.flag.clear()
        loop = _kernel_loop()

        def job() -> None:
            try:
                fn()
            except Exception:  # shown in the widget by fn's own error handling
                pass
            finally:
                self.stop_button.disabled = True
                if self.pending is not None and loop is not None and not loop.is_closed():
                    loop.call_soon_threadsafe(self._next)

        self.stop_button.disabled = False
        if loop is None:
            job()
            return
        self.thread = threading.Thread(target=job, daemon=True, name="qmlwidgets-work")
        self.thread.start()

    def _next(self) -> None:
        if self.thread is not None:
            self.thread.join()  # it scheduled us from its last lines: it is ending
        fn, self.pending = self.pending, None
        if fn is not None:
            self.run(fn)

    def wait(self, timeout: float | None = None) -> None:
        """Block until background work is done (for scripts and tests)."""
        if self.thread is not None:
            self.thread.join(timeout)


class LandscapeExplorer(ResendOnDisplay, widgets.VBox):
    """Explore the loss landscape of a circuit (or any batched loss) around a point.

    Parameters
    ----------
    circuit:
        Parametrised ``QuantumCircuit`` (columns follow ``circuit.parameters``), or None when
        ``observable_or_loss`` is a loss callable and ``point`` gives the parameter count.
    observable_or_loss:
        ``SparsePauliOp`` / Pauli label (exact expectation value through the engine), or a
        batched loss ``(N, P) -> (N,)``.
    point:
        Starting parameter vector; default seeded uniform in [-π, π).
    seed, resolution, span:
        Seed of the random directions and point; grid points per axis (3..201); the scan
        covers ``[-span, span]`` along both directions.
    grad:
        Optional batched gradient ``(N, P) -> (N, P)``; default the engine's exact gradient
        for an observable, finite differences for a loss callable.
    chunk_size:
        Grid points per batch; larger scans are chunked and the progress bar advances.

    The state and computation live in :attr:`model` (a
    :class:`~qmlwidgets.landscape_model.LandscapeModel`); this widget is its view.

    On a ``"parameter axes"`` plane the plot's axes, hover text, 1-D slice, point boxes and
    readout name the two parameters and show their absolute values (centre + offset), so an
    angle can be read off the picture; random and PCA planes show the offsets (a, b).

    State (traitlets)
    -----------------
    Kernel-side traitlets (``sync=False``): ``observe`` fires once per change, whichever way
    it came (a control in the page, a method, a trait set); ``traitlets.link`` keeps two
    explorers in step. Setting a trait is the same as calling the matching method; bad input
    raises ``traitlets.TraitError`` naming the trait, and the explorer keeps its last good
    state.

    - ``point`` (ndarray, P): current parameters; setting it = :meth:`set_point` (rescans
      around it). Arrays do not compare with ``==``: link it one way with ``traitlets.dlink``.
    - ``span`` (float): the scan covers ``[-span, span]`` (0 < span ≤ 4π) = :meth:`set_span`.
    - ``resolution`` (int): grid points per axis (3..201) = :meth:`set_resolution`.
    - ``shots`` (int): 0 exact values, else shots per Pauli term (None is read as 0) =
      :meth:`set_shots`.
    - ``view`` (str): ``"contour"`` or ``"surface"`` = :meth:`set_view`.
    - ``direction_mode`` (str): ``"random"``, ``"axes"`` or ``"pca"`` = :meth:`set_directions`.
    - ``axes`` (int, int): the parameter pair of the axes plane; setting it shows that plane
      = ``set_directions("axes", i, j)``.
    - ``slice_axis`` (str): ``"x"`` or ``"y"`` = :meth:`set_slice_axis`.
    - ``gradient_arrows`` (bool): downhill arrows on the contour = :meth:`show_gradients`.
    - ``center`` (ndarray, read-only): centre of the scanned plane.
    - ``result`` (``OptimizationResult`` or None, read-only): the last optimiser run.

    Example::

        >>> import numpy as np, traitlets
        >>> loss = lambda X: np.sum(np.sin(X) ** 2, axis=1)
        >>> a = LandscapeExplorer(None, loss, point=[0.5, 0.2], resolution=5, span=1.0)
        >>> b = LandscapeExplorer(None, loss, point=[0.5, 0.2], resolution=5, span=1.0)
        >>> seen = []
        >>> a.observe(lambda c: seen.append((c["old"], c["new"])), names="span")
        >>> link = traitlets.link((a, "span"), (b, "span"))
        >>> b.set_span(2.0).span, a.span, seen
        (2.0, 2.0, [(1.0, 2.0)])
        >>> a.resolution = 1
        Traceback (most recent call last):
        ...
        traitlets.traitlets.TraitError: resolution: resolution must be between 3 and 201 points, got 1
        >>> a.resolution, a.scan.values.shape
        (5, (5, 5))
    """

    point = T.Any(None, allow_none=True, help="Current parameter vector (ndarray, P); setting it "
                  "jumps there and rescans around it (set_point).").tag(sync=False)
    center = T.Any(None, allow_none=True, read_only=True,
                   help="Centre of the scanned plane (ndarray, P); read-only.").tag(sync=False)
    span = T.Float(math.pi, help="The scan covers [-span, span] radians along both directions "
                   "(0 < span <= 4π); set_span.").tag(sync=False)
    resolution = T.Int(33, help="Grid points per axis (3..201); set_resolution.").tag(sync=False)
    shots = T.Int(0, allow_none=True, help="0: exact values; else the landscape sampled with this "
                  "many shots per Pauli term (None reads as 0); set_shots.").tag(sync=False)
    view = T.Unicode("contour", help="'contour' (clickable) or 'surface'; set_view.").tag(
        sync=False)
    direction_mode = T.Unicode("random", help="The plane: 'random', 'axes' (two parameters) or "
                               "'pca' (of the last run); set_directions.").tag(sync=False)
    axes = T.Tuple(T.Int(), T.Int(), default_value=(0, 1),
                   help="Parameter indices (i, j) of the axes plane; setting it shows that "
                   "plane (set_directions('axes', i, j)).").tag(sync=False)
    slice_axis = T.Unicode("x", help="The 1-D slice runs along 'x' or 'y'; set_slice_axis.").tag(
        sync=False)
    gradient_arrows = T.Bool(False, help="Downhill arrows of the projected gradient on the "
                             "contour; show_gradients.").tag(sync=False)
    result = T.Any(None, allow_none=True, read_only=True,
                   help="The last optimiser run (OptimizationResult) or None; read-only.").tag(
        sync=False)

    def __init__(self, circuit: Any, observable_or_loss: Any, point: Any = None, *,
                 seed: int = 0, resolution: int = 33, span: float = math.pi,
                 grad: L.Gradient | None = None, chunk_size: int = 4096) -> None:
        super().__init__()
        self.model = LandscapeModel(circuit, observable_or_loss, point, seed=seed,
                                    resolution=resolution, span=span, grad=grad,
                                    chunk_size=chunk_size)
        self._view_mode = "contour"
        # Set while the controls are put on the model's state: a control's own rounding (the
        # point boxes keep 4 decimals, the span slider stops at 12.5 < 4π) would otherwise
        # come back as a new request and move the state.
        self._syncing = False
        self._setting: str | None = None  # the trait a user is setting (it notifies itself)
        self._drawn: dict[str, Any] = {}
        self._build_ui(int(seed))
        self.model.progress = self._progress
        self._redraw()
        self._sync_traits()
        self._sync_controls()
        self.progress.value = 100

    # ------------------------------------------------------------------ model passthrough
    @property
    def circuit(self) -> Any:
        return self.model.circuit

    @property
    def loss(self) -> L.Loss:
        """The batched loss (assign a new one, then :meth:`recompute`)."""
        return self.model.loss

    @loss.setter
    def loss(self, loss: L.Loss) -> None:
        self.model.loss = loss

    @property
    def grad(self) -> L.Gradient | None:
        return self.model.grad

    @grad.setter
    def grad(self, grad: L.Gradient | None) -> None:
        self.model.grad = grad

    @property
    def n_params(self) -> int:
        return self.model.n_params

    @property
    def parameter_names(self) -> list[str]:
        return self.model.parameter_names

    @property
    def chunk_size(self) -> int:
        return self.model.chunk_size

    def _build_ui(self, seed: int) -> None:
        w = widgets
        lay = w.Layout
        self.direction_dropdown = w.Dropdown(options=_DIRECTION_LABELS, value="random",
                                             description="directions",
                                             layout=lay(width="260px"))
        names = [(f"{i}: {n}", i) for i, n in enumerate(self.parameter_names)]
        self.axis_x_dropdown = w.Dropdown(options=names, value=0, description="x axis",
                                          layout=lay(width="200px", display="none"))
        self.axis_y_dropdown = w.Dropdown(options=names, value=1, description="y axis",
                                          layout=lay(width="200px", display="none"))
        self.seed_box = w.BoundedIntText(value=seed, min=0, max=MAX_SEED, description="seed",
                                         layout=lay(width="160px"))
        self.view_toggle = w.ToggleButtons(options=[("contour", "contour"),
                                                    ("surface", "surface")],
                                           value="contour", style={"button_width": "80px"})
        self.arrows_checkbox = w.Checkbox(value=False, description="gradient arrows",
                                          indent=False, layout=lay(width="140px"))
        self.resolution_slider = w.IntSlider(value=33, min=L.MIN_RESOLUTION,
                                             max=L.MAX_RESOLUTION, step=1,
                                             description="resolution", continuous_update=False,
                                             tooltip="grid points per axis")
        # step 1/16 is exact in binary: the slider never shows or announces 0.15000000000000002
        self.span_slider = w.FloatSlider(value=math.pi, min=_SPAN_STEP, max=_SPAN_SLIDER_MAX,
                                         step=_SPAN_STEP, description="span ± (rad)",
                                         readout_format=".2f", continuous_update=False,
                                         tooltip="the scan covers −span … +span radians "
                                                 "along both directions",
                                         style={"description_width": "initial"})
        self.slice_toggle = w.ToggleButtons(options=[("x", "x"), ("y", "y")], value="x",
                                            description="slice along",
                                            tooltips=["1-D slice through the point along the "
                                                      "first (x) direction",
                                                      "1-D slice through the point along the "
                                                      "second (y) direction"],
                                            style={"button_width": "56px",
                                                   "description_width": "initial"})
        # keyboard equivalent of clicking the contour: type the point's plane coordinates
        self.a_box = w.FloatText(value=0.0, step=0.1, description="point a",
                                 tooltip="move the point along the x direction (plane "
                                         "coordinate, radians); Enter to apply",
                                 layout=lay(width="150px"), style={"description_width": "52px"})
        self.b_box = w.FloatText(value=0.0, step=0.1, description="b",
                                 tooltip="move the point along the y direction (plane "
                                         "coordinate, radians); Enter to apply",
                                 layout=lay(width="110px"), style={"description_width": "14px"})
        # stable hooks for the page (their labels become parameter names on an axes plane)
        self.a_box.add_class("qml-point-a")
        self.b_box.add_class("qml-point-b")
        self.stop_button = w.Button(description="Stop", icon="stop", button_style="warning",
                                    tooltip="stop the running scan or optimiser (the last "
                                            "good view is kept)", layout=lay(width="90px"))
        self.optimizer_dropdown = w.Dropdown(options=_OPTIMIZER_LABELS, value="adam",
                                             description="optimiser",
                                             layout=lay(width="220px"))
        self.steps_slider = w.IntSlider(value=50, min=1, max=500, description="steps",
                                        continuous_update=False)
        self.lr_box = w.BoundedFloatText(value=0.1, min=1e-4, max=10.0, step=0.01,
                                         description="lr", layout=lay(width="150px"))
        self.run_button = w.Button(description="Run optimiser", icon="play",
                                   button_style="primary")
        self.center_button = w.Button(description="Centre here", icon="crosshairs",
                                      tooltip="recompute the landscape around the current point")
        self.progress = w.IntProgress(value=0, min=0, max=100, description="scan",
                                      layout=lay(width="260px"))
        self.message = w.HTML("")
        self.info = w.HTML("")
        self.shots_dropdown = w.Dropdown(options=_SHOTS_LABELS, value=0, description="values",
                                         disabled=not isinstance(self.loss, L.CircuitLoss),
                                         layout=lay(width="190px"))
        self.shots_dropdown.observe(lambda c: self._ui(self.set_shots, c["new"]), names="value")

        self.fig = CourseFigure(
            data=[
                go.Contour(z=[[0.0]], colorscale="Viridis", ncontours=25,
                           colorbar={"title": {"text": "loss"}, "thickness": 12},
                           hovertemplate=_HOVER,
                           name="landscape"),
                go.Scatter(x=[], y=[], mode="lines", line={"color": _ARROW_COLOR, "width": 1.2},
                           hoverinfo="skip", name="−gradient", visible=False),
                go.Scatter(x=[], y=[], mode="lines+markers", name="optimiser path",
                           line={"color": _PATH_COLOR, "width": 2}, marker={"size": 4},
                           hovertemplate="step %{pointNumber}<extra></extra>"),
                go.Scatter(x=[0.0], y=[0.0], mode="markers", name="point",
                           marker={"color": _POINT_COLOR, "size": 13, "symbol": "x",
                                   "line": {"width": 1, "color": "white"}},
                           hovertemplate="current point<extra></extra>"),
            ],
            layout=go.Layout(height=460, autosize=True,
                             margin={"l": 50, "r": 10, "t": 40, "b": 45},
                             showlegend=False, clickmode="event",
                             xaxis={"title": {"text": "a"}, "constrain": "domain"},
                             yaxis={"title": {"text": "b"}, "scaleanchor": "x",
                                    "constrain": "domain"},
                             title={"text": "", "font": {"size": 13}}),
        )
        self.surface_fig = CourseFigure(
            data=[
                go.Surface(z=[[0.0]], colorscale="Viridis", showscale=False,
                           contours={"z": {"show": True, "usecolormap": True,
                                           "project": {"z": True}}},
                           hovertemplate=_HOVER),
                go.Scatter3d(x=[], y=[], z=[], mode="lines+markers", name="optimiser path",
                             line={"color": _PATH_COLOR, "width": 5}, marker={"size": 2}),
                go.Scatter3d(x=[0.0], y=[0.0], z=[0.0], mode="markers", name="point",
                             marker={"color": _POINT_COLOR, "size": 5}),
            ],
            layout=go.Layout(height=460, autosize=True, margin={"l": 0, "r": 0, "t": 40, "b": 0},
                             showlegend=False, title={"text": "", "font": {"size": 13}},
                             scene={"xaxis": {"title": {"text": "a"}},
                                    "yaxis": {"title": {"text": "b"}},
                                    "zaxis": {"title": {"text": "loss"}}}),
        )
        self.slice_fig = CourseFigure(
            data=[
                go.Scatter(x=[], y=[], mode="lines", line={"color": "#0072B2"}, name="slice"),
                go.Scatter(x=[0.0], y=[0.0], mode="markers", name="point",
                           marker={"color": _POINT_COLOR, "size": 10, "symbol": "x"}),
            ],
            layout=go.Layout(height=300, autosize=True,
                             margin={"l": 50, "r": 10, "t": 40, "b": 45},
                             showlegend=False, title={"text": "1-D slice", "font": {"size": 13}},
                             xaxis={"title": {"text": "a"}}, yaxis={"title": {"text": "loss"}}),
        )
        self.fig.data[_C_CONTOUR].on_click(self._on_click)
        self.fig.data[_C_PATH].on_click(self._on_click)

        for f in (self.fig, self.surface_fig, self.slice_fig):
            f._config = {**f._config, "responsive": True}  # follow window resizes
        # Both figures stay in the page; the one not shown is collapsed, not removed (a removed
        # plotly view keeps listening and throws on every later update: "Error setting state").
        self._contour_box = widgets.VBox([self.fig], layout=lay(width="100%"))
        self._surface_box = widgets.VBox([self.surface_fig], layout=lay(**_COLLAPSED))
        self._main = widgets.VBox([self._contour_box, self._surface_box],
                                  layout=lay(flex="1 1 420px", min_width="280px",
                                             max_width="660px"))
        self._runner = _Runner(self.stop_button, self._refuse_busy)
        self.direction_dropdown.observe(self._on_direction_mode, names="value")
        self.axis_x_dropdown.observe(self._on_axes, names="value")
        self.axis_y_dropdown.observe(self._on_axes, names="value")
        self.seed_box.observe(self._on_seed, names="value")
        self.view_toggle.observe(lambda c: self._ui(self.set_view, c["new"], quick=True),
                                 names="value")
        self.a_box.observe(self._on_point_box, names="value")
        self.b_box.observe(self._on_point_box, names="value")
        self.arrows_checkbox.observe(lambda c: self._ui(self.show_gradients, c["new"]),
                                     names="value")
        self.resolution_slider.observe(lambda c: self._ui(self.set_resolution, c["new"]),
                                       names="value")
        self.span_slider.observe(lambda c: self._ui(self.set_span, c["new"]), names="value")
        self.slice_toggle.observe(lambda c: self._ui(self.set_slice_axis, c["new"], quick=True),
                                  names="value")
        self.run_button.on_click(lambda _: self._ui(self.run_optimizer))
        self.center_button.on_click(lambda _: self._ui(self.recenter))

        def row(children: list) -> widgets.HBox:  # wraps on narrow cells instead of clipping
            return widgets.HBox(children, layout=lay(flex_flow="row wrap", width="100%"))

        side = widgets.VBox([self.slice_fig, self.slice_toggle, row([self.a_box, self.b_box]),
                             self.info],
                            layout=lay(flex="1 1 300px", min_width="260px", max_width="420px"))
        self.children = [
            row([self.direction_dropdown, self.axis_x_dropdown, self.axis_y_dropdown,
                 self.seed_box, self.view_toggle, self.arrows_checkbox]),
            row([self.resolution_slider, self.span_slider, self.center_button,
                 self.shots_dropdown]),
            row([self.optimizer_dropdown, self.steps_slider, self.lr_box, self.run_button]),
            row([self._main, side]),
            row([self.progress, self.stop_button, self.message]),
        ]
        self.layout.width = "100%"
        self.layout.max_width = "1100px"
        fit_to_page(self, {  # fit the figures to the cell; slider names and units for readers
            "resolution": ["grid resolution, points per axis", "points"],
            "span ± (rad)": ["scan half-width in radians", "rad"],
            "steps": ["optimiser steps", "steps"]})


    # ------------------------------------------------------------------ state access
    @property
    def directions(self) -> np.ndarray:
        """The two scan directions as rows (2, P)."""
        return self.model.directions

    @property
    def scan(self) -> L.Scan2D:
        """The current 2-D scan (grid coordinates, values, directions, centre)."""
        return self.model.scan

    @property
    def slice(self) -> L.Scan1D:
        """The current 1-D slice through the point."""
        return self.model.slice

    @property
    def point_coordinates(self) -> tuple[float, float]:
        """Current point in plane coordinates (a, b) (projection if off the plane)."""
        return self.model.point_coordinates

    # ------------------------------------------------------------------ traits <-> model
    def _state(self) -> dict[str, Any]:
        """Each trait's value as the model (and the shown view) has it."""
        m = self.model
        return {"point": m.point, "center": m.plane.center, "span": m.span,
                "resolution": m.resolution, "shots": m.shots, "view": self._view_mode,
                "direction_mode": m.direction_mode, "axes": m.axes, "slice_axis": m.slice_axis,
                "gradient_arrows": m.arrows, "result": m.result}

    def _sync_traits(self) -> None:
        """Put every trait on the model's state; a trait changes (and notifies) only when its
        value differs. The trait a user is setting is left to traitlets, which stores it and
        notifies once when its validator returns."""
        for name, value in self._state().items():
            if name == self._setting:
                continue
            old = getattr(self, name)
            if isinstance(value, np.ndarray):
                if isinstance(old, np.ndarray) and np.array_equal(old, value):
                    continue
                value = frozen_array(value)
            elif old is value or (name != "result" and old == value):
                continue
            self.set_trait(name, value)

    def _run_for_trait(self, name: str, method: Callable[[], Any]) -> None:
        """A user's trait set runs the matching method; its ValueError becomes a TraitError
        naming the trait (the model, figures and controls are then unchanged)."""
        outer, self._setting = self._setting, name
        try:
            method()
        except ValueError as exc:
            raise T.TraitError(f"{name}: {exc}") from exc
        finally:
            self._setting = outer

    _SETTERS: dict[str, Callable[[Any, Any], Any]] = {
        "span": lambda w, v: w.set_span(v),
        "resolution": lambda w, v: w.set_resolution(v),
        "shots": lambda w, v: w.set_shots(v),
        "view": lambda w, v: w.set_view(v),
        "direction_mode": lambda w, v: w.set_directions(v),
        "slice_axis": lambda w, v: w.set_slice_axis(v),
        "gradient_arrows": lambda w, v: w.show_gradients(v),
    }

    @T.validate(*_SETTERS)
    def _valid_setting(self, proposal: Any) -> Any:
        # A value the model already has passes (this is also how _sync_traits comes through);
        # another runs the method, and the trait takes the model's (normalised) value.
        name, value = proposal.trait.name, proposal.value
        if name == "shots" and value is None:
            value = 0
        if getattr(self, "model", None) is None:
            return value
        if value != self._state()[name]:
            self._run_for_trait(name, lambda: self._SETTERS[name](self, value))
        return self._state()[name]

    @T.validate("axes")
    def _valid_axes(self, proposal: Any) -> Any:
        v = tuple(proposal.value)
        m = getattr(self, "model", None)
        if m is None:
            return v
        if not (m.direction_mode == "axes" and m.axes == v):  # setting axes shows that plane
            self._run_for_trait("axes", lambda: self.set_directions("axes", *v))
        return m.axes

    @T.validate("point")
    def _valid_point(self, proposal: Any) -> Any:
        m = getattr(self, "model", None)
        if m is None:
            return proposal.value
        try:
            p = L.as_point(proposal.value, m.n_params)
        except ValueError as exc:
            raise T.TraitError(f"point: {exc}") from exc
        if not np.array_equal(p, m.point):
            self._run_for_trait("point", lambda: self.set_point(p))
        return frozen_array(m.point)

    # ------------------------------------------------------------------ compute hooks
    def _progress(self, done: int, total: int) -> None:
        self.progress.value = int(round(100 * done / max(total, 1)))
        self._runner.check()  # between chunks: honour the Stop button

    # ------------------------------------------------------------------ drawing
    def _labels(self) -> tuple[str, str, float, float]:
        """Axis titles and what to add to plane coordinates to draw them (absolute parameter
        values on an axes plane, else the offsets a, b)."""
        tx, ty = self.model.axis_titles()
        ox, oy = self.model.display_offset()
        return tx, ty, ox, oy

    def _path_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        _, _, ox, oy = self._labels()
        px, py, pz = self.model.path_coordinates()
        return px + ox, py + oy, pz

    def _changed(self, key: str, value: Any) -> bool:
        """True (and remember ``value``) if ``key`` was drawn with a different value.

        Setting a plotly property costs ~1 ms even when unchanged, so titles, ranges and
        paths are only sent when they change."""
        old = self._drawn.get(key, None)
        if old is not None and type(old) is type(value):
            if isinstance(value, tuple) and len(value) == len(old) and all(
                    np.array_equal(u, v) for u, v in zip(old, value, strict=True)):
                return False
            if not isinstance(value, tuple) and old == value:
                return False
        self._drawn[key] = value
        return True

    def _redraw(self) -> None:
        m = self.model
        scan = m.scan
        tx, ty, ox, oy = self._labels()
        hover = _hover(tx, ty) if m.direction_mode == "axes" else _HOVER
        xs, ys = scan.x + ox, scan.y + oy
        a, b = m.point_coordinates
        f0 = m.point_loss()
        px, py, pz = self._path_data()
        title = (f"{scan.values.shape[1]}×{scan.values.shape[0]} grid, min {scan.values.min():.4f}"
                 f", max {scan.values.max():.4f}")
        new_titles = self._changed("titles", (tx, ty, hover))
        new_range = self._changed("range", (xs[0], xs[-1], ys[0], ys[-1]))
        new_title = self._changed("title", title)
        new_path = self._changed("path", (px, py, pz))
        new_point = self._changed("point", (a + ox, b + oy, f0))
        with self.fig.batch_update():
            c = self.fig.data[_C_CONTOUR]
            c.x, c.y, c.z = xs, ys, scan.values
            self._draw_arrows()
            if new_path:
                self.fig.data[_C_PATH].update(x=px, y=py)
            if new_point:
                self.fig.data[_C_POINT].update(x=[a + ox], y=[b + oy])
            if new_titles:
                self.fig.layout.xaxis.title.text = tx
                self.fig.layout.yaxis.title.text = ty
                c.hovertemplate = hover
            if new_range:
                self.fig.layout.xaxis.range = [xs[0], xs[-1]]
                self.fig.layout.yaxis.range = [ys[0], ys[-1]]
            if new_title:
                self.fig.layout.title.text = title
        with self.surface_fig.batch_update():
            s = self.surface_fig.data[_S_SURFACE]
            s.x, s.y, s.z = xs, ys, scan.values
            if new_path:
                self.surface_fig.data[_S_PATH].update(x=px, y=py, z=pz)
            if new_point:
                self.surface_fig.data[_S_POINT].update(x=[a + ox], y=[b + oy], z=[f0])
            if new_titles:
                self.surface_fig.layout.scene.xaxis.title.text = tx
                self.surface_fig.layout.scene.yaxis.title.text = ty
                s.hovertemplate = hover
            if new_title:
                self.surface_fig.layout.title.text = title
        self._draw_slice()
        self._draw_info()

    def _draw_slice(self) -> None:
        m = self.model
        sl = m.slice
        tx, ty, ox, oy = self._labels()
        a, b = m.point_coordinates
        offset = a + ox if m.slice_axis == "x" else b + oy
        label = tx if m.slice_axis == "x" else ty
        with self.slice_fig.batch_update():
            self.slice_fig.data[_L_LINE].update(x=sl.alphas + offset, y=sl.values)
            self.slice_fig.data[_L_POINT].update(x=[offset], y=[m.point_loss()])
            if self._changed("slice_label", label):
                self.slice_fig.layout.xaxis.title.text = label
                self.slice_fig.layout.title.text = f"slice through the point along {label}"

    def _draw_arrows(self) -> None:
        tr = self.fig.data[_C_ARROWS]
        f = self.model.field
        if not self.model.arrows or f is None:
            if self._changed("arrows", False):
                tr.update(x=[], y=[], visible=False)
            return
        self._drawn.pop("arrows", None)
        _, _, ox, oy = self._labels()
        gx, gy = -f.gx.ravel(), -f.gy.ravel()  # downhill
        grid_x, grid_y = np.meshgrid(f.x + ox, f.y + oy)
        X, Y = grid_x.ravel(), grid_y.ravel()
        norm = np.hypot(gx, gy)
        spacing = (f.x[-1] - f.x[0]) / max(len(f.x) - 1, 1)
        scale = 0.85 * spacing / norm.max() if norm.max() > 0 else 0.0
        ux, uy = gx * scale, gy * scale
        ex, ey = X + ux, Y + uy
        # arrow heads: two short strokes at +-150 degrees from the arrow direction
        ang = np.arctan2(uy, ux)
        head = 0.3 * np.hypot(ux, uy)
        h1x, h1y = ex + head * np.cos(ang + 2.6), ey + head * np.sin(ang + 2.6)
        h2x, h2y = ex + head * np.cos(ang - 2.6), ey + head * np.sin(ang - 2.6)
        nan = np.full_like(X, np.nan)
        xs = np.stack([X, ex, nan, h1x, ex, h2x, nan], axis=1).ravel()
        ys = np.stack([Y, ey, nan, h1y, ey, h2y, nan], axis=1).ravel()
        tr.update(x=[None if np.isnan(v) else float(v) for v in xs],
                  y=[None if np.isnan(v) else float(v) for v in ys], visible=True)

    def _draw_info(self) -> None:
        m = self.model
        a, b = m.point_coordinates
        if m.direction_mode == "axes":
            tx, ty, ox, oy = self._labels()
            where = f"{tx} = {a + ox:.3f}, {ty} = {b + oy:.3f}"
        else:
            where = f"a = {a:+.3f}, b = {b:+.3f}"
        parts = [f"point: {where}, loss = {m.point_loss():.5f}"]
        if m.result is not None:
            r = m.result
            parts.append(f"last run: {r.method}, {r.nit} steps, loss {r.losses[0]:.4f} → "
                         f"{r.losses[-1]:.4f} ({r.nfev} loss / {r.ngev} gradient evaluations)")
        self.info.value = "<br>".join(html.escape(p) for p in parts)

    def _redraw_point(self) -> None:
        _, _, ox, oy = self._labels()
        a, b = self.model.point_coordinates
        f0 = self.model.point_loss()
        if self._changed("point", (a + ox, b + oy, f0)):
            with self.fig.batch_update():
                self.fig.data[_C_POINT].update(x=[a + ox], y=[b + oy])
            with self.surface_fig.batch_update():
                self.surface_fig.data[_S_POINT].update(x=[a + ox], y=[b + oy], z=[f0])
        self._draw_slice()
        self._draw_info()

    # ------------------------------------------------------------------ error plumbing
    @contextmanager
    def _action(self) -> Iterator[None]:
        """Any failure (bad input, a loss that raises, Stop, an interrupt): show it, put the
        controls back on the last good state (the model commits only complete changes).
        On success the traits follow the model (each changed trait notifies once)."""
        try:
            yield
        except BaseException as exc:
            self.message.value = _error_html(exc)
            self._sync_controls()
            raise
        else:
            self.message.value = ""
            self._sync_traits()
            self._sync_controls()
        finally:
            self.progress.value = 100

    def _ui(self, fn: Callable[..., Any], *args: Any, quick: bool = False) -> None:
        """Run a public method for a control; errors are already shown in ``message``.

        Long work (scans, optimiser runs) goes through the runner, so Stop can interrupt it."""
        if self._syncing:
            return
        if quick and not self._runner.busy:
            try:
                fn(*args)
            except Exception:
                pass
            return
        self._runner.run(lambda: fn(*args))

    def _refuse_busy(self) -> None:
        self.message.value = "still computing: your last change runs next (or press Stop)"

    def wait(self, timeout: float | None = None) -> "LandscapeExplorer":
        """Wait for a computation started from a control (in a kernel it runs in the
        background so that Stop works)."""
        self._runner.wait(timeout)
        return self

    def _sync_controls(self) -> None:
        m = self.model
        v = m.plane
        self._syncing = True
        try:
            self.direction_dropdown.value = v.mode
            self.axis_x_dropdown.value, self.axis_y_dropdown.value = v.axes
            self.seed_box.value = v.seed
            self.resolution_slider.value = v.resolution
            self.span_slider.value = min(max(v.span, self.span_slider.min), self.span_slider.max)
            self.span_slider.description = ("span ± (rad)" if v.span <= self.span_slider.max
                                            else f"span ± {v.span:.2f} (rad)")
            self.view_toggle.value = self._view_mode
            self.arrows_checkbox.value = m.arrows
            self.slice_toggle.value = m.slice_axis
            self._sync_shots()
            tx, ty, ox, oy = self._labels()
            a, b = m.point_coordinates
            self.a_box.value, self.b_box.value = round(a + ox, 4), round(b + oy, 4)
            if v.mode == "axes":  # the boxes hold the two parameters' absolute values
                boxes = ((self.a_box, tx, "x"), (self.b_box, ty, "y"))
                for box, name, axis in boxes:
                    box.description = name
                    box.tooltip = (f"the value of {name} (the plot's {axis} axis, radians); "
                                   "Enter to move the point there")
                    box.style.description_width = "initial"
            else:
                self.a_box.description, self.b_box.description = "point a", "b"
                self.a_box.style.description_width = "52px"
                self.b_box.style.description_width = "14px"
                for box, axis in ((self.a_box, "x"), (self.b_box, "y")):
                    box.tooltip = (f"move the point along the {axis} direction (plane "
                                   "coordinate, radians); Enter to apply")
            axes = "flex" if v.mode == "axes" else "none"
            self.axis_x_dropdown.layout.display = axes
            self.axis_y_dropdown.layout.display = axes
            self.seed_box.layout.display = "flex" if v.mode == "random" else "none"
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ control callbacks
    def _on_direction_mode(self, change: dict) -> None:
        self._ui(self.set_directions, change["new"])

    def _on_axes(self, change: dict) -> None:
        self._ui(self.set_directions, "axes", self.axis_x_dropdown.value,
                 self.axis_y_dropdown.value)

    def _on_seed(self, change: dict) -> None:
        self._ui(lambda s: self.set_directions("random", seed=s), change["new"])

    def _on_point_box(self, change: dict) -> None:
        self._ui(self._move_drawn, self.a_box.value, self.b_box.value)

    def _on_click(self, trace: Any, points: Any, state: Any) -> None:
        xs, ys = list(points.xs), list(points.ys)
        if xs and ys:
            self._ui(self._move_drawn, xs[0], ys[0])

    def _move_drawn(self, x: Any, y: Any) -> "LandscapeExplorer":
        """Move to a point given in the plot's coordinates (absolute on an axes plane)."""
        _, _, ox, oy = self._labels()
        try:
            a, b = float(x) - ox, float(y) - oy
        except (TypeError, ValueError):
            a, b = x, y  # move_to says what was wrong
        return self.move_to(a, b)

    # ------------------------------------------------------------------ public API
    def recompute(self) -> "LandscapeExplorer":
        """Recompute the scan (e.g. after changing ``loss``) with the current settings."""
        with self._action():
            self.model.recompute()
            self._redraw()
        return self

    def set_directions(self, mode: str = "random", i: int | None = None, j: int | None = None,
                       *, seed: int | None = None) -> "LandscapeExplorer":
        """Choose the plane: ``"random"`` (orthonormal, ``seed``), ``"axes"`` (parameters
        ``i``, ``j``; the plot then shows their absolute values) or ``"pca"`` (principal plane
        of the last optimiser run, centred at its end, span fitted to the path). Random/axes
        planes are centred at the current point."""
        with self._action():
            self.model.set_directions(mode, i, j, seed=seed)
            self._redraw()
        return self

    def set_span(self, span: float) -> "LandscapeExplorer":
        """Scan ``[-span, span]`` along both directions (0 < span ≤ 4π)."""
        with self._action():
            self.model.set_span(span)
            self._redraw()
        return self

    def set_shots(self, shots: int | None) -> "LandscapeExplorer":
        """Show exact values (``0``/None) or the landscape a measurement budget of ``shots``
        per Pauli term would show (seeded; the optimiser and arrows stay exact)."""
        with self._action():
            self.model.set_shots(shots)
            self._redraw()
        return self

    def _sync_shots(self) -> None:
        shots = self.model.shots
        if shots not in [v for _, v in self.shots_dropdown.options]:
            self.shots_dropdown.options = sorted(
                [*self.shots_dropdown.options, (f"{shots} shots", shots)], key=lambda o: o[1])
        self.shots_dropdown.value = shots

    def set_resolution(self, resolution: int) -> "LandscapeExplorer":
        """Grid points per axis (3..201)."""
        with self._action():
            self.model.set_resolution(resolution)
            self._redraw()
        return self

    def move_to(self, a: float, b: float) -> "LandscapeExplorer":
        """Move the current point to plane coordinates ``(a, b)`` (offsets from the centre along
        the two directions; a click does this with the plot's coordinates).

        The landscape stays; the slice and marker follow. Use :meth:`recenter` to rescan
        around the new point."""
        with self._action():
            self.model.move_to(a, b)
            self._redraw_point()
        return self

    def recenter(self) -> "LandscapeExplorer":
        """Rescan with the plane centred at the current point (same directions)."""
        with self._action():
            self.model.recenter()
            self._redraw()
        return self

    def set_point(self, point: Any) -> "LandscapeExplorer":
        """Jump to a parameter vector and rescan around it."""
        with self._action():
            self.model.set_point(point)
            self._redraw()
        return self

    def set_view(self, view: str) -> "LandscapeExplorer":
        """Show the ``"contour"`` (clickable) or ``"surface"`` figure."""
        with self._action():
            if view not in ("contour", "surface"):
                raise ValueError(f"view must be 'contour' or 'surface', got {view!r}")
            self._view_mode = view
            shown, hidden = ((self._contour_box, self._surface_box) if view == "contour"
                             else (self._surface_box, self._contour_box))
            hidden.layout.height, hidden.layout.overflow, hidden.layout.visibility = (
                "0px", "hidden", "hidden")
            shown.layout.height = shown.layout.overflow = shown.layout.visibility = None
        return self

    def show_gradients(self, show: bool = True) -> "LandscapeExplorer":
        """Toggle arrows of the negative projected gradient (downhill) on the contour."""
        with self._action():
            self.model.show_gradients(show)
            with self.fig.batch_update():
                self._draw_arrows()
        return self

    def set_slice_axis(self, axis: str) -> "LandscapeExplorer":
        """The 1-D slice runs along ``"x"`` (first direction) or ``"y"``."""
        with self._action():
            self.model.set_slice_axis(axis)
            self._draw_slice()
        return self

    def run_optimizer(self, method: str | None = None, steps: int | None = None,
                      lr: float | None = None, *, seed: int | None = None,
                      live: bool = True) -> O.OptimizationResult:
        """Run an optimiser from the current point and draw its path (projected on the
        plane; on the surface at its true loss). The point moves to the end of the run. In
        ``"pca"`` mode the plane is refitted to the new path. ``live`` redraws the path about
        20 times during the run."""
        with self._action():
            method = self.optimizer_dropdown.value if method is None else method
            steps = self.steps_slider.value if steps is None else steps
            lr = float(self.lr_box.value) if lr is None else lr
            every = max(1, int(steps) // 20) if isinstance(steps, (int, np.integer)) else 1
            path: list[np.ndarray] = [self.model.point]
            _, _, ox, oy = self._labels()

            def callback(k: int, x: np.ndarray, fun: float) -> None:
                self._runner.check()  # Stop ends the run; the last good path is kept
                if k == 0:
                    return
                path.append(x)
                self.progress.value = int(100 * k / max(int(steps), 1))
                if live and k % every == 0:
                    self._drawn.pop("path", None)
                    ab = self.model.project(np.array(path))
                    with self.fig.batch_update():
                        self.fig.data[_C_PATH].update(x=ab[:, 0] + ox, y=ab[:, 1] + oy)

            self.progress.value = 0
            try:
                result = self.model.run_optimizer(method, steps, lr, seed=seed,
                                                  callback=callback)
            except BaseException:
                with self.fig.batch_update():  # put the last good path back
                    px, py, pz = self._path_data()
                    self.fig.data[_C_PATH].update(x=px, y=py)
                    self._drawn["path"] = (px, py, pz)
                raise
            self._redraw()
        return result

    def __repr__(self) -> str:
        return (f"LandscapeExplorer(n_params={self.n_params}, "
                f"directions={self.model.direction_mode!r}, resolution={self.model.resolution}, "
                f"span={self.model.span:.2f})")


# ============================================================================ barren plateaus
class BarrenPlateauView(ResendOnDisplay, widgets.VBox):
    """Gradient variance vs number of qubits for global and local costs, on demand.

    Press *Compute* (or call :meth:`compute`) — the variance of ``∂C/∂θ₀`` (the first
    parameter, as in lesson 08) of a
    hardware-efficient ansatz over random parameters is plotted on a log scale, one line per
    cost and depth (see :func:`qmlwidgets.landscape.gradient_variance`).

    Example::

        >>> v = BarrenPlateauView(n_qubits=(2, 6), n_layers=3, samples=100)
        >>> results = v.compute()
        >>> sorted(results)
        ['global', 'local']
    """

    still_picture_note = "press Compute (or call .compute()) to fill this plot"  # before Compute, no kernel

    def __init__(self, n_qubits: tuple[int, int] = (2, 10), n_layers: int | Sequence[int] = 5,
                 costs: Sequence[str] = ("global", "local"), samples: int = 200,
                 seed: int = 0) -> None:
        super().__init__()
        w = widgets
        lo, hi = self._check_range(n_qubits)
        layers = self._check_layers(n_layers)
        costs = self._check_costs(costs)
        samples = self._check_samples(samples)
        seed = check_seed(seed)
        self.qubits_slider = w.IntRangeSlider(value=(lo, hi), min=1, max=12,
                                              description="qubits", continuous_update=False)
        self.layers_text = w.Text(value=", ".join(str(n) for n in layers),
                                  description="layers", placeholder="e.g. 1, 5, 10",
                                  layout=w.Layout(width="220px"))
        self.costs_select = w.SelectMultiple(options=["global", "local"], value=tuple(costs),
                                             description="costs", rows=2)
        self.samples_slider = w.IntSlider(value=samples, min=_BP_SAMPLES[0],
                                          max=_BP_SAMPLES[1], step=10, description="samples",
                                          continuous_update=False,
                                          tooltip="random parameter sets per point")
        self.seed_box = w.BoundedIntText(value=seed, min=0, max=MAX_SEED, description="seed",
                                         layout=w.Layout(width="160px"))
        self.compute_button = w.Button(description="Compute", icon="play",
                                       button_style="primary")
        self.stop_button = w.Button(description="Stop", icon="stop", button_style="warning",
                                    tooltip="stop the computation (the last plot is kept)",
                                    layout=w.Layout(width="90px"))
        self.progress = w.IntProgress(value=0, min=0, max=100, description="progress")
        self.message = w.HTML("")
        self.results: dict[str, L.GradientVariance] = {}
        # Until Compute: a message instead of empty, meaningless axes
        self.placeholder = w.HTML(
            "<div style='padding:2em 1em;border:1px dashed #999;color:#444;max-width:600px'>"
            "Choose qubits, layers and costs, then press <b>Compute</b>: the plot shows "
            "Var[∂C/∂θ₀] (the derivative with respect to the first parameter, θ₀) over random "
            "parameter sets, one line per cost and depth, on a log scale.</div>")
        self.fig = CourseFigure(layout=go.Layout(
            height=420, autosize=True, margin={"l": 60, "r": 10, "t": 40, "b": 45},
            title={"text": "Var[∂C/∂θ₀] over random parameters", "font": {"size": 13}},
            xaxis={"title": {"text": "number of qubits"}, "dtick": 1},
            yaxis={"title": {"text": "Var[∂C/∂θ₀]"}, "type": "log", "exponentformat": "power"}))
        self.fig._config = {**self.fig._config, "responsive": True}
        self._fig_box = w.VBox([self.fig], layout=w.Layout(width="100%", max_width="700px",
                                                           **_COLLAPSED_EXTRA))
        self._runner = _Runner(self.stop_button, self._refuse_busy)
        self.compute_button.on_click(lambda _: self._on_compute())

        def row(children: list) -> widgets.HBox:
            return w.HBox(children, layout=w.Layout(flex_flow="row wrap", width="100%"))

        self.children = [
            row([self.qubits_slider, self.layers_text, self.costs_select]),
            row([self.samples_slider, self.seed_box, self.compute_button, self.stop_button]),
            self.placeholder,
            self._fig_box,
            row([self.progress, self.message]),
        ]
        self.layout.width = "100%"
        fit_to_page(self, {"qubits": ["range of qubit numbers", "qubits"],
                           "samples": ["random parameter sets per point", "samples"]})

    @staticmethod
    def _check_samples(samples: Any) -> int:
        lo, hi = _BP_SAMPLES
        if (isinstance(samples, bool) or not isinstance(samples, (int, np.integer))
                or not lo <= samples <= hi):
            raise ValueError(f"samples must be an integer from {lo} to {hi}, got {samples!r}")
        return int(samples)

    def _refuse_busy(self) -> None:
        self.message.value = "still computing: pressing Compute again runs next (or press Stop)"

    def wait(self, timeout: float | None = None) -> "BarrenPlateauView":
        """Wait for a computation started with the Compute button (background in a kernel)."""
        self._runner.wait(timeout)
        return self

    @staticmethod
    def _check_range(n_qubits: Any) -> tuple[int, int]:
        try:
            lo, hi = (int(v) for v in n_qubits)
        except (TypeError, ValueError):
            raise ValueError(f"n_qubits must be a (min, max) pair, got {n_qubits!r}") from None
        if not 1 <= lo <= hi <= 12:
            raise ValueError(f"n_qubits must satisfy 1 <= min <= max <= 12, got {n_qubits!r}")
        return lo, hi

    @staticmethod
    def _check_layers(n_layers: Any) -> list[int]:
        if isinstance(n_layers, str):
            try:
                n_layers = [int(s) for s in n_layers.replace(";", ",").split(",") if s.strip()]
            except ValueError:
                raise ValueError(f"layers must be integers separated by commas, got "
                                 f"{n_layers!r}") from None
        layers = [int(n) for n in np.atleast_1d(n_layers)]
        if not layers or any(not 1 <= n <= 50 for n in layers):
            raise ValueError(f"layers must be between 1 and 50, got {n_layers!r}")
        return layers

    @staticmethod
    def _check_costs(costs: Any) -> list[str]:
        costs = [costs] if isinstance(costs, str) else list(costs)
        if not costs or any(c not in ("global", "local") for c in costs):
            raise ValueError(f"costs must be chosen from 'global' and 'local', got {costs!r}")
        return costs

    def _on_compute(self) -> None:
        self._runner.run(self.compute)  # errors are shown in ``message``

    def compute(self, n_qubits: tuple[int, int] | None = None,
                n_layers: int | Sequence[int] | str | None = None,
                costs: Sequence[str] | None = None, samples: int | None = None,
                seed: int | None = None) -> dict[str, L.GradientVariance]:
        """Compute and plot; arguments default to the controls. Returns ``{cost: result}``."""
        try:
            lo, hi = self._check_range(self.qubits_slider.value if n_qubits is None
                                       else n_qubits)
            layers = self._check_layers(self.layers_text.value if n_layers is None
                                        else n_layers)
            costs = self._check_costs(self.costs_select.value if costs is None else costs)
            samples = self._check_samples(self.samples_slider.value if samples is None
                                          else samples)
            seed = check_seed(self.seed_box.value if seed is None else seed)
            qubits = list(range(lo, hi + 1))
            self.progress.value = 0
            self.message.value = "computing…"
            results = {}
            for k, cost in enumerate(costs):
                def prog(done: int, total: int, k: int = k) -> None:
                    self.progress.value = int(100 * (k + done / total) / len(costs))
                    self._runner.check()  # Stop: between (qubits, layers) points

                results[cost] = L.gradient_variance(qubits, layers, cost, samples=samples,
                                                    seed=seed, progress=prog)
        except BaseException as exc:  # bad input, Stop, a failure: keep the last plot
            self.message.value = _error_html(exc)
            self.progress.value = 100 if self.results else 0
            raise
        self.results = results
        self.message.value = ""
        self.progress.value = 100
        dash = {"global": "solid", "local": "dash"}
        traces = []
        for cost, r in results.items():
            for k, nl in enumerate(r.n_layers):
                traces.append(go.Scatter(
                    x=r.n_qubits, y=r.variance[:, k], mode="lines+markers",
                    name=f"{cost}, L={nl}", line={"dash": dash[cost]},
                    hovertemplate="n=%{x}<br>Var=%{y:.3g}<extra>" + f"{cost}, L={nl}</extra>"))
        self.fig.data = ()
        self.fig.add_traces(traces)
        with self.fig.batch_update():
            self.fig.layout.title.text = (f"Var[∂C/∂θ₀] over {samples} random parameter sets "
                                          "(global cost decays exponentially)")
        self.placeholder.layout.display = "none"
        for name, value in _SHOWN.items():
            setattr(self._fig_box.layout, name, value)
        self._sync(lo, hi, layers, costs, samples, seed)
        return results

    def _sync(self, lo: int, hi: int, layers: list[int], costs: list[str], samples: int,
              seed: int) -> None:
        self.qubits_slider.value = (lo, hi)
        self.layers_text.value = ", ".join(str(n) for n in layers)
        self.costs_select.value = tuple(costs)
        self.samples_slider.value = samples
        self.seed_box.value = seed

    def __repr__(self) -> str:
        lo, hi = self.qubits_slider.value
        return (f"BarrenPlateauView(n_qubits={lo}..{hi}, layers=[{self.layers_text.value}], "
                f"costs={tuple(self.costs_select.value)}, samples={self.samples_slider.value})")
