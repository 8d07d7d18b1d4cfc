"""LandscapeModel: the state and computation behind :class:`~qmlwidgets.LandscapeExplorer`.

Widget-free (no ipywidgets, no plotly): a loss (and its gradient), the current point, the
immutable :class:`ScanPlane` (centre, two directions, span, resolution, shots), the computed
scan, 1-D slice and gradient field, and the last optimiser run. Every change is a
transaction: the new state is computed first and committed only when complete, so a bad
input, a loss that raises or a Stop (an exception from :attr:`LandscapeModel.progress` or an
optimiser callback) leaves the model exactly as it was. The pure computations live in
:mod:`qmlwidgets.landscape` and :mod:`qmlwidgets.optimizers`; the explorer is the view.

Example::

    >>> import numpy as np
    >>> from qmlwidgets.landscape_model import LandscapeModel
    >>> m = LandscapeModel(None, lambda X: np.sum(np.sin(X) ** 2, axis=1), point=[0.4, -0.2, 1.0],
    ...                    resolution=9, span=1.0)
    >>> m.set_directions("axes", 0, 2).scan.values.shape
    (9, 9)
    >>> m.axis_titles()
    ('x[0]', 'x[2]')
    >>> m.display_offset()            # the plot shows x[0] = 0.4 + a, x[2] = 1.0 + b
    (0.4, 1.0)
    >>> m.set_span(0)
    Traceback (most recent call last):
    ...
    ValueError: span must be in (0, 12.57] radians (4π), got 0
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from qmlwidgets import landscape as L
from qmlwidgets import optimizers as O

__all__ = ["LandscapeModel", "ScanPlane", "MAX_SPAN", "MAX_SEED", "DIRECTION_MODES",
           "check_span", "check_seed"]

MAX_SPAN = 4 * math.pi
MAX_SEED = 2**31 - 1
DIRECTION_MODES = ("random", "axes", "pca")

Progress = Callable[[int, int], None]


@dataclass(frozen=True, eq=False)
class ScanPlane:
    """Everything that determines the 2-D scan (immutable: a failed change keeps the old).

    ``mode`` is ``"random"``, ``"axes"`` (parameters ``axes``) or ``"pca"``; ``shots`` 0 means
    exact values, else each Pauli term is sampled with this many shots (seeded by ``seed``).
    """

    center: np.ndarray
    dir_x: np.ndarray
    dir_y: np.ndarray
    mode: str
    axes: tuple[int, int]
    seed: int
    span: float
    resolution: int
    pca_ratio: tuple[float, float] | None = None
    shots: int = 0


def check_span(span: Any) -> float:
    """``span`` as a float in (0, 4π], else a ValueError saying what is expected.

    Example::

        >>> check_span(2)
        2.0
    """
    try:
        s = float(span)
    except (TypeError, ValueError):
        raise ValueError(f"span must be a number (the scan goes from -span to +span), "
                         f"got {span!r}") from None
    if not (math.isfinite(s) and 0 < s <= MAX_SPAN):
        raise ValueError(f"span must be in (0, {MAX_SPAN:.2f}] radians (4π), got {span!r}")
    return s


def check_seed(seed: Any) -> int:
    """``seed`` as an int in [0, 2**31 - 1], else a ValueError.

    Example::

        >>> check_seed(7)
        7
    """
    if (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
            or not 0 <= seed <= MAX_SEED):
        raise ValueError(f"seed must be an integer from 0 to {MAX_SEED}, got {seed!r}")
    return int(seed)


def make_loss(circuit: Any, obj: Any, point: Any) -> tuple[L.Loss, int, list[str]]:
    """The batched loss, its parameter count and parameter names for the explorer's inputs.

    ``obj`` is an observable (``SparsePauliOp`` / Pauli label, needs ``circuit``) or a batched
    loss callable (then ``circuit`` or ``point`` gives the parameter count).

    Example::

        >>> make_loss(None, lambda X: X.sum(axis=1), [0.0, 1.0])[1:]
        (2, ['x[0]', 'x[1]'])
    """
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


class LandscapeModel:
    """State and computation of a loss-landscape explorer, without widgets.

    Parameters are those of :class:`~qmlwidgets.LandscapeExplorer`. State (read it, change it
    only through the methods): :attr:`point`, :attr:`plane` (a :class:`ScanPlane`),
    :attr:`scan`, :attr:`slice`, :attr:`field` (None unless :attr:`arrows`),
    :attr:`slice_axis`, :attr:`result` (last optimiser run). :attr:`progress`, if set, is called
    ``progress(done, total)`` during scans; an exception it raises aborts the change.

    Every ``set_*``/``move_to``/``recenter``/``recompute``/``run_optimizer`` call computes the
    new state and commits it only when complete; on any error the model is unchanged. Bad input
    raises ``ValueError`` naming what was wrong and what is expected.

    Example::

        >>> import numpy as np
        >>> m = LandscapeModel(None, lambda X: np.sum(X ** 2, axis=1), point=[1.0, 1.0],
        ...                    resolution=5, span=2.0)
        >>> r = m.run_optimizer("gd", steps=10, lr=0.2)
        >>> m.set_directions("pca").direction_mode, bool(np.allclose(m.center, r.x))
        ('pca', True)
    """

    def __init__(self, circuit: Any, observable_or_loss: Any, point: Any = None, *,
                 seed: int = 0, resolution: int = 33, span: float = math.pi,
                 grad: L.Gradient | None = None, chunk_size: int = 4096,
                 progress: Progress | None = None) -> None:
        seed = check_seed(seed)
        self.circuit = circuit
        loss, n_params, names = make_loss(circuit, observable_or_loss, point)
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
        p = L.as_point(point, n_params)
        if (isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer))
                or chunk_size < 1):
            raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
        self.chunk_size = int(chunk_size)
        self.progress = progress
        dx, dy = L.random_directions(n_params, 2, seed=seed)
        plane = ScanPlane(p.copy(), dx, dy, "random", (0, 1), seed, check_span(span),
                          L.check_resolution(resolution))
        self.arrows = False
        self.slice_axis = "x"
        self.result: O.OptimizationResult | None = None
        self.point = p
        self.plane = plane
        self.scan, self.slice, self.field = self.compute(plane, p)

    # ------------------------------------------------------------------ read-only views
    @property
    def center(self) -> np.ndarray:
        """Centre of the scanned plane (copy)."""
        return self.plane.center.copy()

    @property
    def directions(self) -> np.ndarray:
        """The two scan directions as rows (2, P)."""
        return np.stack([self.plane.dir_x, self.plane.dir_y])

    @property
    def direction_mode(self) -> str:
        return self.plane.mode

    @property
    def axes(self) -> tuple[int, int]:
        """The two parameter indices of the ``"axes"`` plane (kept while another mode shows)."""
        return self.plane.axes

    @property
    def span(self) -> float:
        return self.plane.span

    @property
    def resolution(self) -> int:
        return self.plane.resolution

    @property
    def shots(self) -> int:
        return self.plane.shots

    @property
    def point_coordinates(self) -> tuple[float, float]:
        """Current point in plane coordinates (a, b) (projection if off the plane)."""
        a, b = self.project(self.point[None, :])[0]
        return float(a), float(b)

    def project(self, params: np.ndarray, plane: ScanPlane | None = None) -> np.ndarray:
        """Plane coordinates (N, 2) of parameter vectors (N, P)."""
        v = self.plane if plane is None else plane
        return L.project(params, v.center, v.dir_x, v.dir_y)

    def point_loss(self) -> float:
        """Loss at the current point (read off the slice when it holds that point)."""
        sl = self.slice
        k = int(np.argmin(np.abs(sl.alphas)))
        if abs(sl.alphas[k]) <= 1e-12 * max(1.0, abs(sl.alphas[0])):
            return float(sl.values[k])
        return float(L.evaluate(self.loss, self.point[None, :])[0])

    def path_coordinates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The last run's trajectory in plane coordinates and its losses (empty if none)."""
        if self.result is None:
            return np.empty(0), np.empty(0), np.empty(0)
        ab = self.project(self.result.trajectory)
        return ab[:, 0], ab[:, 1], self.result.losses

    # ------------------------------------------------------------------ labels
    def axis_titles(self, plane: ScanPlane | None = None) -> tuple[str, str]:
        """Names of the plot's two axes: the parameter names in ``"axes"`` mode (the plot then
        shows absolute values), ``PC1 (..%)``/``PC2`` for PCA, else ``direction 1/2``."""
        v = self.plane if plane is None else plane
        if v.mode == "axes":
            i, j = v.axes
            return self.parameter_names[i], self.parameter_names[j]
        if v.mode == "pca" and v.pca_ratio is not None:
            r = v.pca_ratio
            return f"PC1 ({100 * r[0]:.0f}%)", f"PC2 ({100 * r[1]:.0f}%)"
        return "direction 1", "direction 2"

    def display_offset(self, plane: ScanPlane | None = None) -> tuple[float, float]:
        """What to add to plane coordinates (a, b) to draw them: the centre's two parameter
        values in ``"axes"`` mode (the axes then read absolute angles), else (0, 0)."""
        v = self.plane if plane is None else plane
        if v.mode == "axes":
            i, j = v.axes
            return float(v.center[i]), float(v.center[j])
        return 0.0, 0.0

    # ------------------------------------------------------------------ compute (no side effects)
    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def compute(self, plane: ScanPlane, point: np.ndarray, *, arrows: bool | None = None
                ) -> tuple[L.Scan2D, L.Scan1D, L.GradientField | None]:
        """Scan, slice through ``point`` and (if arrows) gradient field of ``plane``."""
        self._report(0, 1)
        scan = L.scan_2d(self.loss, plane.center, plane.dir_x, plane.dir_y, plane.span,
                         plane.resolution, chunk_size=self.chunk_size, progress=self._report,
                         shots=plane.shots or None, seed=plane.seed)
        sl = self.compute_slice(plane, point)
        show = self.arrows if arrows is None else arrows
        field = self.compute_field(plane) if show else None
        return scan, sl, field

    def compute_slice(self, plane: ScanPlane, point: np.ndarray, axis: str | None = None
                      ) -> L.Scan1D:
        """1-D slice through ``point`` along the plane's x or y direction."""
        d = plane.dir_x if (axis or self.slice_axis) == "x" else plane.dir_y
        res = min(L.MAX_RESOLUTION, max(101, plane.resolution) | 1)  # odd: alpha = 0 on grid
        return L.scan_1d(self.loss, point, d, plane.span, res, shots=plane.shots or None,
                         seed=plane.seed)

    def compute_field(self, plane: ScanPlane) -> L.GradientField:
        """Projected gradient on a grid of at most 15×15 points of the plane."""
        n = min(plane.resolution, 15)
        return L.gradient_field(self.loss, plane.center, plane.dir_x, plane.dir_y, plane.span,
                                n, grad=self.grad)

    def pca_fit(self, trajectory: Any) -> ScanPlane:
        """The plane of a trajectory's two principal directions, centred at its end, span
        fitted to the path (1.25 × its extent, within [0.1, 4π]); other settings kept.

        The one place the PCA plane is fitted: :meth:`set_directions` ``("pca")`` and
        :meth:`run_optimizer` in PCA mode both call it."""
        plane = L.pca_plane(trajectory, origin="last")
        extent = float(np.max(np.abs(plane.coords)))
        r = plane.explained_variance_ratio
        return replace(self.plane, center=plane.origin, dir_x=plane.dir_x, dir_y=plane.dir_y,
                       mode="pca", span=min(MAX_SPAN, max(0.1, 1.25 * extent)),
                       pca_ratio=(float(r[0]), float(r[1])))

    def directions_plane(self, mode: str = "random", i: int | None = None,
                         j: int | None = None, *, seed: int | None = None) -> ScanPlane:
        """The plane :meth:`set_directions` would scan (validated, nothing computed)."""
        v = self.plane
        if mode == "random":
            s = check_seed(v.seed if seed is None else seed)
            dx, dy = L.random_directions(self.n_params, 2, seed=s)
            return replace(v, center=self.point.copy(), dir_x=dx, dir_y=dy, mode=mode, seed=s)
        if mode == "axes":
            ii = v.axes[0] if i is None else i
            jj = v.axes[1] if j is None else j
            dx, dy = L.axis_directions(self.n_params, ii, jj)
            return replace(v, center=self.point.copy(), dir_x=dx, dir_y=dy, mode=mode,
                           axes=(int(ii), int(jj)))
        if mode == "pca":
            if self.result is None or len(self.result.trajectory) < 3:
                raise ValueError("PCA directions need an optimiser run with at least 2 "
                                 "steps first (Run optimiser)")
            return self.pca_fit(self.result.trajectory)
        raise ValueError(f"directions must be 'random', 'axes' or 'pca', got {mode!r}")

    # ------------------------------------------------------------------ transactions
    def _apply(self, plane: ScanPlane, point: np.ndarray | None = None,
               result: O.OptimizationResult | None = None) -> "LandscapeModel":
        p = self.point if point is None else point
        scan, sl, field = self.compute(plane, p)
        # commit: nothing above changed the model
        self.plane, self.point = plane, p
        self.scan, self.slice, self.field = scan, sl, field
        if result is not None:
            self.result = result
        return self

    def recompute(self) -> "LandscapeModel":
        """Recompute the scan (e.g. after changing ``loss``) with the current settings."""
        return self._apply(self.plane)

    def set_directions(self, mode: str = "random", i: int | None = None, j: int | None = None,
                       *, seed: int | None = None) -> "LandscapeModel":
        """Scan a ``"random"`` (``seed``), ``"axes"`` (parameters ``i``, ``j``) or ``"pca"``
        plane (principal plane of the last run: see :meth:`pca_fit`)."""
        return self._apply(self.directions_plane(mode, i, j, seed=seed))

    def set_span(self, span: float) -> "LandscapeModel":
        """Scan ``[-span, span]`` along both directions (0 < span ≤ 4π)."""
        return self._apply(replace(self.plane, span=check_span(span)))

    def set_resolution(self, resolution: int) -> "LandscapeModel":
        """Grid points per axis (3..201)."""
        return self._apply(replace(self.plane, resolution=L.check_resolution(resolution)))

    def set_shots(self, shots: int | None) -> "LandscapeModel":
        """Exact values (0/None) or sampled with ``shots`` per Pauli term."""
        if isinstance(shots, bool):
            raise ValueError(f"shots must be None, 0 or a positive integer, got {shots!r}")
        s = L.check_shots(shots or None, self.loss) or 0
        return self._apply(replace(self.plane, shots=s))

    def set_point(self, point: Any) -> "LandscapeModel":
        """Jump to a parameter vector and rescan around it."""
        p = L.as_point(point, self.n_params)
        return self._apply(replace(self.plane, center=p.copy()), point=p)

    def recenter(self) -> "LandscapeModel":
        """Rescan with the plane centred at the current point (same directions)."""
        return self._apply(replace(self.plane, center=self.point.copy()))

    def move_to(self, a: float, b: float) -> "LandscapeModel":
        """Move the point to plane coordinates ``(a, b)``; the scan stays, the slice follows."""
        try:
            a, b = float(a), float(b)
        except (TypeError, ValueError):
            raise ValueError(f"move_to needs two numbers, got {a!r}, {b!r}") from None
        if not (math.isfinite(a) and math.isfinite(b)):
            raise ValueError(f"move_to needs finite coordinates, got ({a}, {b})")
        v = self.plane
        point = v.center + a * v.dir_x + b * v.dir_y
        sl = self.compute_slice(v, point)
        self.point, self.slice = point, sl
        return self

    def set_slice_axis(self, axis: str) -> "LandscapeModel":
        """The 1-D slice runs along ``"x"`` (first direction) or ``"y"``."""
        if axis not in ("x", "y"):
            raise ValueError(f"slice axis must be 'x' or 'y', got {axis!r}")
        sl = self.compute_slice(self.plane, self.point, axis)
        self.slice_axis, self.slice = axis, sl
        return self

    def show_gradients(self, show: bool = True) -> "LandscapeModel":
        """Compute (or drop) the gradient field drawn as arrows."""
        field = self.compute_field(self.plane) if show else None
        self.arrows, self.field = bool(show), field
        return self

    def run_optimizer(self, method: str = "adam", steps: int = 50, lr: float = 0.1, *,
                      seed: int | None = None,
                      callback: O.Callback | None = None) -> O.OptimizationResult:
        """Run an optimiser from the current point; the point moves to the end of the run. In
        ``"pca"`` mode the plane is refitted to the new path (:meth:`pca_fit`). ``callback``
        ``(k, x, fun)`` is the optimiser's; an exception it raises aborts the run."""
        seed = self.plane.seed if seed is None else seed
        result = O.minimize(self.loss, self.point.copy(), method=method, grad=self.grad,
                            steps=steps, lr=lr, seed=seed, callback=callback)
        end = result.x.copy()
        if self.plane.mode == "pca" and len(result.trajectory) >= 3:
            self._apply(self.pca_fit(result.trajectory), point=end, result=result)
        else:
            sl = self.compute_slice(self.plane, end)
            self.point, self.slice, self.result = end, sl, result
        return result
