"""LandscapeExplorer: a live loss landscape of a parametrised circuit, and a barren-plateau view.

A thin view over :mod:`qmlwidgets.landscape` and :mod:`qmlwidgets.optimizers`: the widget
holds a state (centre, two directions, span, resolution, current point, last optimiser run),
calls pure functions and redraws its plotly figures inside ``batch_update()``.

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
``set_slice_axis``, ``set_shots``, ``recompute``). Bad input raises ``ValueError``; from the controls it is
shown in ``w.message`` and the last good view is kept.
"""
from __future__ import annotations

import html
import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Sequence

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from qmlwidgets.widgets._figure import CourseFigure, ResendOnDisplay
from qmlwidgets.widgets._pagefit import fit_to_page

from qmlwidgets import landscape as L
from qmlwidgets import optimizers as O

__all__ = ["LandscapeExplorer", "BarrenPlateauView"]

MAX_SPAN = 4 * math.pi
_MAX_SEED = 2**31 - 1
_SPAN_STEP = 1 / 16
_SPAN_SLIDER_MAX = 12.5  # largest multiple of the step below 4π
_COLLAPSED = {"height": "0px", "overflow": "hidden", "visibility": "hidden", "width": "100%"}
_COLLAPSED_EXTRA = {k: v for k, v in _COLLAPSED.items() if k != "width"}
_BP_SAMPLES = (10, 2000)
_SHOWN = {"height": None, "overflow": None, "visibility": None, "width": "100%"}
_ERR_STYLE = "color:#b00020"


def _pca_ratio(plane: L.PCAPlane) -> tuple[float, float]:
    """Explained-variance ratios of the two principal directions (pca_plane always gives two)."""
    r = plane.explained_variance_ratio
    return float(r[0]), float(r[1])
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


@dataclass(frozen=True, eq=False)
class _View:
    """Everything that determines the 2-D scan (immutable: a failed change keeps the old)."""

    center: np.ndarray
    dir_x: np.ndarray
    dir_y: np.ndarray
    mode: str
    axes: tuple[int, int]
    seed: int
    span: float
    resolution: int
    pca_ratio: tuple[float, float] | None = None
    shots: int = 0  # 0: exact values; else sampled with this many shots per Pauli term


def _check_span(span: Any) -> float:
    try:
        s = float(span)
    except (TypeError, ValueError):
        raise ValueError(f"span must be a number (the scan goes from -span to +span), "
                         f"got {span!r}") from None
    if not (math.isfinite(s) and 0 < s <= MAX_SPAN):
        raise ValueError(f"span must be in (0, {MAX_SPAN:.2f}] radians (4π), got {span!r}")
    return s


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
    """

    def __init__(self, circuit: Any, observable_or_loss: Any, point: Any = None, *,
                 seed: int = 0, resolution: int = 33, span: float = math.pi,
                 grad: L.Gradient | None = None, chunk_size: int = 4096) -> None:
        super().__init__()
        if (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                or not 0 <= seed <= _MAX_SEED):
            raise ValueError(f"seed must be an integer from 0 to {_MAX_SEED}, got {seed!r}")
        self.circuit = circuit
        loss, n_params, names = self._make_loss(circuit, observable_or_loss, point)
        if n_params < 2:
            raise ValueError("a 2-D landscape needs at least 2 parameters, "
                             f"the loss has {n_params}")
        self.loss: L.Loss = loss
        self.grad: L.Gradient | None = grad if grad is not None else getattr(loss, "gradient",
                                                                             None)
        self.n_params = n_params
        self.parameter_names = names
        if point is None:
            point = np.random.default_rng(seed).uniform(-math.pi, math.pi, n_params)
        self._point = L.as_point(point, n_params)
        if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
            raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
        self.chunk_size = int(chunk_size)
        dx, dy = L.random_directions(n_params, 2, seed=seed)
        view = _View(self._point.copy(), dx, dy, "random", (0, 1), int(seed), _check_span(span),
                     L.check_resolution(resolution))
        self._view_mode = "contour"
        self._arrows = False
        self._slice_axis = "x"
        self.result: O.OptimizationResult | None = None
        self._syncing = False
        self._drawn: dict[str, Any] = {}
        self._build_ui(int(seed))
        scan, sl, field = self._compute(view, self._point)
        self._commit(view, scan, sl, field)
        self._sync_controls()
        self.progress.value = 100

    # ------------------------------------------------------------------ construction
    @staticmethod
    def _make_loss(circuit: Any, obj: Any, point: Any) -> tuple[L.Loss, int, list[str]]:
        from qiskit.quantum_info import Pauli, SparsePauliOp  # callable, but observables

        is_loss = callable(obj) and not isinstance(obj, (str, Pauli, SparsePauliOp))
        if not is_loss:
            if circuit is None:
                raise ValueError("an observable needs a circuit; pass a QuantumCircuit or a "
                                 "batched loss callable")
            loss = L.circuit_loss(circuit, obj)
            n, names = loss.n_params, list(loss.parameter_names)
        else:
            loss = obj
            if circuit is not None:
                n = int(circuit.num_parameters)
                names = [p.name for p in circuit.parameters]
                own = getattr(loss, "n_params", n)
                if own != n:
                    raise ValueError(f"the loss takes {own} parameters but the circuit has {n}")
            elif point is not None:
                n = int(np.size(point))
                names = [f"x[{i}]" for i in range(n)]
            else:
                raise ValueError("with a loss callable and no circuit, pass `point` so the "
                                 "number of parameters is known")
        if point is not None and np.size(point) != n:
            what = "circuit" if circuit is not None else "loss"
            raise ValueError(f"point has {np.size(point)} entries but the {what} has {n} "
                             "parameters")
        return loss, n, names

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
        self.seed_box = w.BoundedIntText(value=seed, min=0, max=_MAX_SEED, description="seed",
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
    def point(self) -> np.ndarray:
        """Current parameter vector (copy)."""
        return self._point.copy()

    @property
    def center(self) -> np.ndarray:
        """Centre of the scanned plane (copy)."""
        return self._state.center.copy()

    @property
    def directions(self) -> np.ndarray:
        """The two scan directions as rows (2, P)."""
        return np.stack([self._state.dir_x, self._state.dir_y])

    @property
    def direction_mode(self) -> str:
        return self._state.mode

    @property
    def span(self) -> float:
        return self._state.span

    @property
    def resolution(self) -> int:
        return self._state.resolution

    @property
    def scan(self) -> L.Scan2D:
        """The current 2-D scan (grid coordinates, values, directions, centre)."""
        return self._scan

    @property
    def slice(self) -> L.Scan1D:
        """The current 1-D slice through the point."""
        return self._slice

    @property
    def view(self) -> str:
        return self._view_mode

    @property
    def point_coordinates(self) -> tuple[float, float]:
        """Current point in plane coordinates (a, b) (projection if off the plane)."""
        a, b = self._project(self._point[None, :])[0]
        return float(a), float(b)

    # ------------------------------------------------------------------ compute (no side effects)
    def _project(self, params: np.ndarray, view: _View | None = None) -> np.ndarray:
        v = self._state if view is None else view
        return L.project(params, v.center, v.dir_x, v.dir_y)

    def _progress(self, done: int, total: int) -> None:
        self.progress.value = int(round(100 * done / max(total, 1)))
        self._runner.check()  # between chunks: honour the Stop button

    def _compute(self, view: _View, point: np.ndarray
                 ) -> tuple[L.Scan2D, L.Scan1D, L.GradientField | None]:
        self.progress.value = 0
        scan = L.scan_2d(self.loss, view.center, view.dir_x, view.dir_y, view.span,
                         view.resolution, chunk_size=self.chunk_size, progress=self._progress,
                         shots=view.shots or None, seed=view.seed)
        sl = self._compute_slice(view, point)
        field = self._compute_field(view) if self._arrows else None
        return scan, sl, field

    def _compute_slice(self, view: _View, point: np.ndarray, axis: str | None = None
                       ) -> L.Scan1D:
        d = view.dir_x if (axis or self._slice_axis) == "x" else view.dir_y
        res = min(L.MAX_RESOLUTION, max(101, view.resolution) | 1)  # odd: alpha = 0 on grid
        return L.scan_1d(self.loss, point, d, view.span, res, shots=view.shots or None,
                         seed=view.seed)

    def _compute_field(self, view: _View) -> L.GradientField:
        n = min(view.resolution, 15)
        return L.gradient_field(self.loss, view.center, view.dir_x, view.dir_y, view.span, n,
                                grad=self.grad)

    # ------------------------------------------------------------------ drawing
    def _axis_titles(self, view: _View) -> tuple[str, str]:
        if view.mode == "axes":
            i, j = view.axes
            return f"Δ{self.parameter_names[i]}", f"Δ{self.parameter_names[j]}"
        if view.mode == "pca" and view.pca_ratio is not None:
            r = view.pca_ratio
            return f"PC1 ({100 * r[0]:.0f}%)", f"PC2 ({100 * r[1]:.0f}%)"
        return "direction 1", "direction 2"

    def _commit(self, view: _View, scan: L.Scan2D, sl: L.Scan1D,
                field: L.GradientField | None, point: np.ndarray | None = None) -> None:
        if point is not None:
            self._point = point
        self._state = view
        self._scan = scan
        self._slice = sl
        self._field = field
        self._redraw()

    def _path_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.result is None:
            return np.empty(0), np.empty(0), np.empty(0)
        ab = self._project(self.result.trajectory)
        return ab[:, 0], ab[:, 1], self.result.losses

    def _changed(self, key: str, value: Any) -> bool:
        """True (and remember ``value``) if ``key`` was drawn with a different value.

        Setting a plotly property costs ~1 ms even when unchanged, so titles, ranges and
        paths are only sent when they change."""
        old = self._drawn.get(key, None)
        if old is not None and type(old) is type(value):
            if isinstance(value, tuple) and len(value) == len(old) and all(
                    np.array_equal(u, v) for u, v in zip(old, value)):
                return False
            if not isinstance(value, tuple) and old == value:
                return False
        self._drawn[key] = value
        return True

    def _redraw(self) -> None:
        view, scan = self._state, self._scan
        tx, ty = self._axis_titles(view)
        a, b = self.point_coordinates
        f0 = self._point_loss()
        px, py, pz = self._path_data()
        title = (f"{scan.values.shape[1]}×{scan.values.shape[0]} grid, min {scan.values.min():.4f}"
                 f", max {scan.values.max():.4f}")
        new_titles = self._changed("titles", (tx, ty))
        new_range = self._changed("range", (scan.x[0], scan.x[-1], scan.y[0], scan.y[-1]))
        new_title = self._changed("title", title)
        new_path = self._changed("path", (px, py, pz))
        new_point = self._changed("point", (a, b, f0))
        with self.fig.batch_update():
            c = self.fig.data[_C_CONTOUR]
            c.x, c.y, c.z = scan.x, scan.y, scan.values
            self._draw_arrows()
            if new_path:
                self.fig.data[_C_PATH].update(x=px, y=py)
            if new_point:
                self.fig.data[_C_POINT].update(x=[a], y=[b])
            if new_titles:
                self.fig.layout.xaxis.title.text = tx
                self.fig.layout.yaxis.title.text = ty
            if new_range:
                self.fig.layout.xaxis.range = [scan.x[0], scan.x[-1]]
                self.fig.layout.yaxis.range = [scan.y[0], scan.y[-1]]
            if new_title:
                self.fig.layout.title.text = title
        with self.surface_fig.batch_update():
            s = self.surface_fig.data[_S_SURFACE]
            s.x, s.y, s.z = scan.x, scan.y, scan.values
            if new_path:
                self.surface_fig.data[_S_PATH].update(x=px, y=py, z=pz)
            if new_point:
                self.surface_fig.data[_S_POINT].update(x=[a], y=[b], z=[f0])
            if new_titles:
                self.surface_fig.layout.scene.xaxis.title.text = tx
                self.surface_fig.layout.scene.yaxis.title.text = ty
            if new_title:
                self.surface_fig.layout.title.text = title
        self._draw_slice()
        self._draw_info()

    def _point_loss(self) -> float:
        sl = self._slice
        k = int(np.argmin(np.abs(sl.alphas)))
        if abs(sl.alphas[k]) <= 1e-12 * max(1.0, abs(sl.alphas[0])):
            return float(sl.values[k])
        return float(L.evaluate(self.loss, self._point[None, :])[0])

    def _draw_slice(self) -> None:
        sl = self._slice
        a, b = self.point_coordinates
        offset = a if self._slice_axis == "x" else b
        label = self._axis_titles(self._state)[0 if self._slice_axis == "x" else 1]
        with self.slice_fig.batch_update():
            self.slice_fig.data[_L_LINE].update(x=sl.alphas + offset, y=sl.values)
            self.slice_fig.data[_L_POINT].update(x=[offset], y=[self._point_loss()])
            if self._changed("slice_label", label):
                self.slice_fig.layout.xaxis.title.text = label
                self.slice_fig.layout.title.text = f"slice through the point along {label}"

    def _draw_arrows(self) -> None:
        tr = self.fig.data[_C_ARROWS]
        f = self._field
        if not self._arrows or f is None:
            if self._changed("arrows", False):
                tr.update(x=[], y=[], visible=False)
            return
        self._drawn.pop("arrows", None)
        gx, gy = -f.gx.ravel(), -f.gy.ravel()  # downhill
        X, Y = np.meshgrid(f.x, f.y)
        X, Y = X.ravel(), Y.ravel()
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
        a, b = self.point_coordinates
        parts = [f"point: a = {a:+.3f}, b = {b:+.3f}, loss = {self._point_loss():.5f}"]
        if self.result is not None:
            r = self.result
            parts.append(f"last run: {r.method}, {r.nit} steps, loss {r.losses[0]:.4f} → "
                         f"{r.losses[-1]:.4f} ({r.nfev} loss / {r.ngev} gradient evaluations)")
        self.info.value = "<br>".join(html.escape(p) for p in parts)

    # ------------------------------------------------------------------ error plumbing
    @contextmanager
    def _action(self) -> Iterator[None]:
        """Any failure (bad input, a loss that raises, Stop, an interrupt): show it, put the
        controls back on the last good state (computations commit only when complete)."""
        try:
            yield
        except BaseException as exc:
            self.message.value = _error_html(exc)
            self._sync_controls()
            raise
        else:
            self.message.value = ""
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
        v = self._state
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
            self.arrows_checkbox.value = self._arrows
            self.slice_toggle.value = self._slice_axis
            self._sync_shots()
            a, b = self.point_coordinates
            self.a_box.value, self.b_box.value = round(a, 4), round(b, 4)
            axes = "flex" if v.mode == "axes" else "none"
            self.axis_x_dropdown.layout.display = axes
            self.axis_y_dropdown.layout.display = axes
            self.seed_box.layout.display = "flex" if v.mode == "random" else "none"
        finally:
            self._syncing = False

    def _apply(self, view: _View, point: np.ndarray | None = None) -> None:
        scan, sl, field = self._compute(view, self._point if point is None else point)
        self._commit(view, scan, sl, field, point)

    # ------------------------------------------------------------------ control callbacks
    def _on_direction_mode(self, change: dict) -> None:
        self._ui(self.set_directions, change["new"])

    def _on_axes(self, change: dict) -> None:
        self._ui(self.set_directions, "axes", self.axis_x_dropdown.value,
                 self.axis_y_dropdown.value)

    def _on_seed(self, change: dict) -> None:
        self._ui(lambda s: self.set_directions("random", seed=s), change["new"])

    def _on_point_box(self, change: dict) -> None:
        self._ui(self.move_to, self.a_box.value, self.b_box.value)

    def _on_click(self, trace: Any, points: Any, state: Any) -> None:
        xs, ys = list(points.xs), list(points.ys)
        if xs and ys:
            self._ui(self.move_to, xs[0], ys[0])

    # ------------------------------------------------------------------ public API
    def recompute(self) -> "LandscapeExplorer":
        """Recompute the scan (e.g. after changing ``loss``) with the current settings."""
        with self._action():
            self._apply(self._state)
        return self

    def set_directions(self, mode: str = "random", i: int | None = None, j: int | None = None,
                       *, seed: int | None = None) -> "LandscapeExplorer":
        """Choose the plane: ``"random"`` (orthonormal, ``seed``), ``"axes"`` (parameters
        ``i``, ``j``) or ``"pca"`` (principal plane of the last optimiser run, centred at its
        end, span fitted to the path). Random/axes planes are centred at the current point."""
        with self._action():
            v = self._state
            if mode == "random":
                s = v.seed if seed is None else seed
                if (isinstance(s, bool) or not isinstance(s, (int, np.integer))
                        or not 0 <= s <= _MAX_SEED):
                    raise ValueError(f"seed must be an integer from 0 to {_MAX_SEED}, got {s!r}")
                dx, dy = L.random_directions(self.n_params, 2, seed=int(s))
                new = replace(v, center=self._point.copy(), dir_x=dx, dir_y=dy, mode=mode,
                              seed=int(s))
            elif mode == "axes":
                ii = v.axes[0] if i is None else i
                jj = v.axes[1] if j is None else j
                dx, dy = L.axis_directions(self.n_params, ii, jj)
                new = replace(v, center=self._point.copy(), dir_x=dx, dir_y=dy, mode=mode,
                              axes=(int(ii), int(jj)))
            elif mode == "pca":
                if self.result is None or len(self.result.trajectory) < 3:
                    raise ValueError("PCA directions need an optimiser run with at least 2 "
                                     "steps first (Run optimiser)")
                plane = L.pca_plane(self.result.trajectory, origin="last")
                extent = float(np.max(np.abs(plane.coords)))
                span = min(MAX_SPAN, max(0.1, 1.25 * extent))
                new = replace(v, center=plane.origin, dir_x=plane.dir_x, dir_y=plane.dir_y,
                              mode=mode, span=span,
                              pca_ratio=_pca_ratio(plane))
            else:
                raise ValueError(f"directions must be 'random', 'axes' or 'pca', got {mode!r}")
            self._apply(new)
        return self

    def set_span(self, span: float) -> "LandscapeExplorer":
        """Scan ``[-span, span]`` along both directions (0 < span ≤ 4π)."""
        with self._action():
            self._apply(replace(self._state, span=_check_span(span)))
        return self

    def set_shots(self, shots: int | None) -> "LandscapeExplorer":
        """Show exact values (``0``/None) or the landscape a measurement budget of ``shots``
        per Pauli term would show (seeded; the optimiser and arrows stay exact)."""
        with self._action():
            shots = L.check_shots(shots or None, self.loss) or 0
            self._apply(replace(self._state, shots=shots))
        return self

    def _sync_shots(self) -> None:
        shots = self._state.shots
        if shots not in [v for _, v in self.shots_dropdown.options]:
            self.shots_dropdown.options = sorted(
                [*self.shots_dropdown.options, (f"{shots} shots", shots)], key=lambda o: o[1])
        self.shots_dropdown.value = shots

    def set_resolution(self, resolution: int) -> "LandscapeExplorer":
        """Grid points per axis (3..201)."""
        with self._action():
            self._apply(replace(self._state, resolution=L.check_resolution(resolution)))
        return self

    def move_to(self, a: float, b: float) -> "LandscapeExplorer":
        """Move the current point to plane coordinates ``(a, b)`` (what a click does).

        The landscape stays; the slice and marker follow. Use :meth:`recenter` to rescan
        around the new point."""
        with self._action():
            try:
                a, b = float(a), float(b)
            except (TypeError, ValueError):
                raise ValueError(f"move_to needs two numbers, got {a!r}, {b!r}") from None
            if not (math.isfinite(a) and math.isfinite(b)):
                raise ValueError(f"move_to needs finite coordinates, got ({a}, {b})")
            v = self._state
            point = v.center + a * v.dir_x + b * v.dir_y
            sl = self._compute_slice(v, point)
            self._point = point
            self._slice = sl
            self._redraw_point()
        return self

    def _redraw_point(self) -> None:
        a, b = self.point_coordinates
        f0 = self._point_loss()
        if self._changed("point", (a, b, f0)):
            with self.fig.batch_update():
                self.fig.data[_C_POINT].update(x=[a], y=[b])
            with self.surface_fig.batch_update():
                self.surface_fig.data[_S_POINT].update(x=[a], y=[b], z=[f0])
        self._draw_slice()
        self._draw_info()

    def recenter(self) -> "LandscapeExplorer":
        """Rescan with the plane centred at the current point (same directions)."""
        with self._action():
            self._apply(replace(self._state, center=self._point.copy()))
        return self

    def set_point(self, point: Any) -> "LandscapeExplorer":
        """Jump to a parameter vector and rescan around it."""
        with self._action():
            p = L.as_point(point, self.n_params)
            self._apply(replace(self._state, center=p.copy()), point=p)
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
            field = self._compute_field(self._state) if show else None
            self._arrows = bool(show)
            self._field = field
            with self.fig.batch_update():
                self._draw_arrows()
        return self

    def set_slice_axis(self, axis: str) -> "LandscapeExplorer":
        """The 1-D slice runs along ``"x"`` (first direction) or ``"y"``."""
        with self._action():
            if axis not in ("x", "y"):
                raise ValueError(f"slice axis must be 'x' or 'y', got {axis!r}")
            sl = self._compute_slice(self._state, self._point, axis)
            self._slice_axis = axis
            self._slice = sl
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
            seed = self._state.seed if seed is None else seed
            every = max(1, int(steps) // 20) if isinstance(steps, (int, np.integer)) else 1
            path: list[np.ndarray] = [self._point.copy()]

            def callback(k: int, x: np.ndarray, fun: float) -> None:
                self._runner.check()  # Stop ends the run; the last good path is kept
                if k == 0:
                    return
                path.append(x)
                self.progress.value = int(100 * k / max(int(steps), 1))
                if live and k % every == 0:
                    self._drawn.pop("path", None)
                    ab = self._project(np.array(path))
                    with self.fig.batch_update():
                        self.fig.data[_C_PATH].update(x=ab[:, 0], y=ab[:, 1])

            self.progress.value = 0
            try:
                result = O.minimize(self.loss, self._point.copy(), method=method,
                                    grad=self.grad, steps=steps, lr=lr, seed=seed,
                                    callback=callback)
            except BaseException:
                with self.fig.batch_update():  # put the last good path back
                    px, py, pz = self._path_data()
                    self.fig.data[_C_PATH].update(x=px, y=py)
                    self._drawn["path"] = (px, py, pz)
                raise
            old = self.result
            self.result = result
            try:
                if self._state.mode == "pca" and len(result.trajectory) >= 3:
                    plane = L.pca_plane(result.trajectory, origin="last")
                    extent = float(np.max(np.abs(plane.coords)))
                    new = replace(self._state, center=plane.origin, dir_x=plane.dir_x,
                                  dir_y=plane.dir_y,
                                  span=min(MAX_SPAN, max(0.1, 1.25 * extent)),
                                  pca_ratio=_pca_ratio(plane))
                    self._apply(new, point=result.x.copy())
                else:
                    sl = self._compute_slice(self._state, result.x)
                    self._point = result.x.copy()
                    self._slice = sl
                    self._redraw()
            except BaseException:
                self.result = old
                raise
        return result

    def __repr__(self) -> str:
        return (f"LandscapeExplorer(n_params={self.n_params}, "
                f"directions={self._state.mode!r}, resolution={self._state.resolution}, "
                f"span={self._state.span:.2f})")


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

    def __init__(self, n_qubits: tuple[int, int] = (2, 10), n_layers: int | Sequence[int] = 5,
                 costs: Sequence[str] = ("global", "local"), samples: int = 200,
                 seed: int = 0) -> None:
        super().__init__()
        w = widgets
        lo, hi = self._check_range(n_qubits)
        layers = self._check_layers(n_layers)
        costs = self._check_costs(costs)
        samples = self._check_samples(samples)
        seed = self._check_seed(seed)
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
        self.seed_box = w.BoundedIntText(value=seed, min=0, max=_MAX_SEED, description="seed",
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

    @staticmethod
    def _check_seed(seed: Any) -> int:
        if (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
                or not 0 <= seed <= _MAX_SEED):
            raise ValueError(f"seed must be an integer from 0 to {_MAX_SEED}, got {seed!r}")
        return int(seed)

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
            seed = self._check_seed(self.seed_box.value if seed is None else seed)
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
