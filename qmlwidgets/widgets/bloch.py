"""Bloch-sphere explorer: one sphere per qubit, gate buttons, noise, measurement.

Model = :class:`qmlwidgets.bloch_model.BlochModel` (widget-free: the state, the undo stack of
immutable snapshots, validation, the seeded measurements); view = :class:`BlochExplorer`, this
widget, which holds the model as ``explorer.model``, mirrors its user-facing state as
traitlets (``selected_qubit``, ``theta``, ``phi``, ``basis``, ``simple``, ``bloch_vectors``,
``history``) and redraws only what changed inside ``batch_update()``.

Example
-------
>>> from qmlwidgets.widgets.bloch import BlochExplorer
>>> w = BlochExplorer()                 # |0>
>>> w.apply("h"); w.apply("s")          # |+>, then |+i>
>>> w.bloch_vectors.round(3) + 0.0
array([[0., 1., 0.]])
>>> w
BlochExplorer(1 qubit, 2 gates applied)
"""
from __future__ import annotations

import ast
import asyncio
import cmath
import html
import math
import re
import time
from typing import TYPE_CHECKING, Any

import ipywidgets as W
import numpy as np
import traitlets as T

from qmlwidgets.widgets._figure import CourseFigure, ResendOnDisplay
from qmlwidgets.widgets._pagefit import fit_to_page
from qmlwidgets.widgets._traits import frozen_array

from .. import states as S
from ..bloch_model import MAX_ANGLE, MAX_QUBITS, ZERO_LENGTH, BlochModel

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import DensityMatrix, Statevector

__all__ = ["BlochExplorer", "parse_state_text"]

_ANGLE_TOL = 1e-9  # theta / phi closer than this (rad) to the model's are the same angle (no event)

_GATE_BUTTONS = (("X", "x"), ("Y", "y"), ("Z", "z"), ("H", "h"), ("S", "s"), ("S†", "sdg"), ("T", "t"),
                 ("T†", "tdg"))
_ROTATION_BUTTONS = (("Rx", "rx"), ("Ry", "ry"), ("Rz", "rz"))
_CHANNEL_LABELS = (("depolarising", "depolarizing"), ("amplitude damping", "amplitude_damping"),
                   ("dephasing", "dephasing"))
_BASIS_OUTCOMES = {"Z": ("|0⟩", "|1⟩"), "X": ("|+⟩", "|−⟩"), "Y": ("|+i⟩", "|−i⟩")}

# per-qubit trace layout inside the sphere figure
_KINDS = ("wireframe", "axes", "labels", "trail", "arc", "arrow", "head")
_K = len(_KINDS)
_ARROW_COLOR = "#0072B2"
_ARC_COLOR = "#E69F00"
_TRAIL_COLOR = "#888888"
_EXACT_COLOR = "#bbbbbb"  # grey: exact probabilities
# responsive sizing: figures have no pixel width; each sits in a flex slot that follows the cell width
# (PageFit re-fits them when the cell changes), with a basis, a minimum and a maximum width in px
_SPHERE_PX = 330  # height of one row of spheres (and the basis/maximum width of one sphere)
_SPHERE_MIN_PX = 240
_HIST_HEIGHT = 330  # one qubit: the histogram shares the sphere's row, same height
_HIST_FLEX = ("1 1 340px", "280px", "560px")  # flex, min width, max width
_SLIDER_NAMES = {"θ (rad)": ["polar angle θ", "rad"], "φ (rad)": ["azimuth φ", "rad"],
                 "angle (rad)": ["rotation angle of Rx, Ry, Rz", "rad"], "strength": ["noise strength p", ""]}
# camera: from the front-right, a little above the equator and far enough out that both poles' labels
# (|0⟩ on top, |1⟩ below) stay in the picture; no state on the default axes points at the viewer
_CAMERA = (1.05, -1.35, 0.75)


# --------------------------------------------------------------------------- static geometry
def _circle_points(m: int = 49) -> tuple[list, list, list]:
    """Wireframe: 3 great circles, 2 latitude circles, 2 extra meridians (None-separated)."""
    t = np.linspace(0, 2 * np.pi, m)
    c, s = np.cos(t), np.sin(t)
    xs: list = []
    ys: list = []
    zs: list = []

    def add(x, y, z):
        xs.extend(np.round(x, 4).tolist() + [None])
        ys.extend(np.round(y, 4).tolist() + [None])
        zs.extend(np.round(z, 4).tolist() + [None])

    zero = np.zeros(m)
    add(c, s, zero)  # equator
    add(c, zero, s)  # xz great circle
    add(zero, c, s)  # yz great circle
    for lat in (np.pi / 4, -np.pi / 4):
        add(np.cos(lat) * c, np.cos(lat) * s, np.full(m, np.sin(lat)))
    for lon in (np.pi / 4, -np.pi / 4):
        add(np.cos(lon) * c, np.sin(lon) * c, s)
    return xs, ys, zs


_WIRE = _circle_points()
_AXES = ([-1, 1, None, 0, 0, None, 0, 0], [0, 0, None, -1, 1, None, 0, 0], [0, 0, None, 0, 0, None, -1, 1])
_L = 1.22
_LABELS = (
    [0, 0, _L, -_L, 0, 0],
    [0, 0, 0, 0, _L, -_L],
    [_L, -_L, 0, 0, 0, 0],
    ["|0⟩", "|1⟩", "|+⟩", "|−⟩", "|+i⟩", "|−i⟩"],
)
_HEAD_LEN, _HEAD_RADIUS, _HEAD_RING = 0.22, 0.075, 12  # arrow head: a cone of 12 facets
# mesh of the head: vertex 0 = tip, 1..RING = base ring, RING + 1 = base centre
_HEAD_FACES = tuple(list(col) for col in zip(
    *[(0, 1 + k, 1 + (k + 1) % _HEAD_RING) for k in range(_HEAD_RING)],
    *[(_HEAD_RING + 1, 1 + (k + 1) % _HEAD_RING, 1 + k) for k in range(_HEAD_RING)], strict=True))
_RING_ANGLES = np.linspace(0, 2 * np.pi, _HEAD_RING, endpoint=False)


def _head_vertices(r: np.ndarray) -> np.ndarray:
    """Vertices ``(RING + 2, 3)`` of the arrow-head cone with its tip at ``r`` (all at ``r``, i.e. no head,
    for a vector shorter than 0.05; shorter than the head: a head of half the vector's length)."""
    r = np.asarray(r, dtype=float)
    length = float(np.linalg.norm(r))
    if length <= 0.05:
        return np.tile(r, (_HEAD_RING + 2, 1))
    d = r / length
    h = min(_HEAD_LEN, 0.5 * length)
    rad = _HEAD_RADIUS * h / _HEAD_LEN
    a = np.array([1.0, 0.0, 0.0]) if abs(d[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(d, a)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(d, e1)
    base = r - h * d
    ring = base + rad * (np.cos(_RING_ANGLES)[:, None] * e1 + np.sin(_RING_ANGLES)[:, None] * e2)
    return np.vstack([r, ring, base])


_HEAD_UP = _head_vertices(np.array([0.0, 0.0, 1.0]))
_EMPTY: list = []  # plain lists: plotly's JS mishandles typed arrays in restyles
_READOUT_STYLE = ("<style>.qw-bloch td, .qw-bloch th {padding: 0 6px; text-align: right;}"
                  " .qw-bloch th {font-weight: bold;} .qw-bloch td {white-space: nowrap;}</style>")


# --------------------------------------------------------------------------- text input
_NAMES = {"pi": math.pi, "π": math.pi, "e": math.e, "i": 1j, "j": 1j}
_FUNCS = {"sqrt": cmath.sqrt, "exp": cmath.exp, "cos": cmath.cos, "sin": cmath.sin}
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a**b}
MAX_STATE_TEXT = 1000  # characters in the state box
_MAX_DEPTH = 40  # nesting of the amplitude expressions
_MAX_NODES = 600
_MAX_EXPONENT = 64.0  # |b| in a ** b
_MAX_MAGNITUDE = 1e12  # any intermediate value
_EXPR_HINT = ("use numbers, + - * / **, i or j, pi, e, sqrt(), exp(), cos(), sin(), e.g. '1/sqrt(2), i/sqrt(2)'")


def _eval_number(node: ast.AST, depth: int = 0) -> complex:
    """Evaluate one amplitude expression tree with complex arithmetic, bounded in depth and size."""
    if depth > _MAX_DEPTH:
        raise ValueError(f"the expression is nested too deeply (more than {_MAX_DEPTH} levels); {_EXPR_HINT}")
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, complex)) \
            and not isinstance(node.value, bool):
        v = complex(node.value)  # never Python big-int arithmetic (9**9**9 would run for hours)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _eval_number(node.operand, depth + 1)
        v = -v if isinstance(node.op, ast.USub) else v
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        a, b = _eval_number(node.left, depth + 1), _eval_number(node.right, depth + 1)
        if isinstance(node.op, ast.Pow) and (b.imag != 0 or abs(b.real) > _MAX_EXPONENT):
            shown_b = f"{b.real:g}" if b.imag == 0 else f"{b:g}"
            raise ValueError(f"the exponent {shown_b} is not allowed; use a real exponent of at most "
                             f"{_MAX_EXPONENT:g} in size")
        v = _BINOPS[type(node.op)](a, b)
    elif isinstance(node, ast.Name) and node.id in _NAMES:
        v = complex(_NAMES[node.id])
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS \
            and len(node.args) == 1 and not node.keywords:
        arg = _eval_number(node.args[0], depth + 1)
        if node.func.id != "sqrt" and abs(arg) > 700:
            raise ValueError(f"{node.func.id}() of {arg:g} is too large")
        v = _FUNCS[node.func.id](arg)
    else:
        raise ValueError(f"could not read the amplitude expression; {_EXPR_HINT}")
    v = complex(v)
    if not (cmath.isfinite(v) and abs(v) <= _MAX_MAGNITUDE):
        raise ValueError(f"an amplitude expression gives {v}, which is not a usable number (too large or "
                         "not finite)")
    return v


def parse_state_text(text: str) -> Any:
    """Read a state typed by a learner: a Qiskit-style label (``0``, ``1``, ``+``, ``-``, ``+i``,
    ``-i``, several for several qubits, qubit 0 rightmost) or comma-separated amplitudes built
    from numbers, ``i``/``j``, ``pi``, ``e``, ``sqrt``, ``exp``, ``cos``, ``sin`` (no ``eval``).

    The evaluation is bounded (text length, nesting depth, exponent size, magnitudes), so
    hostile text such as ``"9**9**9"`` is refused at once with a ValueError.

    >>> parse_state_text("1/sqrt(2), i/sqrt(2)")
    [(0.7071067811865475+0j), 0.7071067811865475j]
    """
    from qiskit.quantum_info import Statevector

    if not isinstance(text, str):
        raise ValueError(f"the state text must be a string, got {type(text).__name__}")
    if len(text) > MAX_STATE_TEXT:
        raise ValueError(f"the state text has {len(text)} characters; at most {MAX_STATE_TEXT} are read")
    t = text.strip().replace("−", "-").replace("⟩", "").replace(">", "").replace("|", "")
    if not t:
        raise ValueError("the state box is empty; type amplitudes such as '1, 1j' or a label such as '+'")
    label = t.replace(" ", "").replace("+i", "r").replace("-i", "l")
    if re.fullmatch(r"[01+\-rl]+", label):
        if len(label) > MAX_QUBITS:
            raise ValueError(f"the label {t!r} has {len(label)} qubits; at most {MAX_QUBITS} are supported here")
        return Statevector.from_label(label)
    shown = t if len(t) <= 60 else t[:57] + "..."
    try:
        tree = ast.parse(f"({t},)", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        raise ValueError(f"could not read {shown!r}; expected comma-separated amplitudes such as '1, 1j' "
                         "or a label such as '0', '+', '-i'") from None
    if sum(1 for _ in ast.walk(tree)) > _MAX_NODES:
        raise ValueError(f"the state text is too long an expression (more than {_MAX_NODES} parts); "
                         "type at most 32 short amplitudes")
    if not isinstance(tree.body, ast.Tuple):  # e.g. "1)+(2" closes the parentheses the parser adds
        raise ValueError(f"could not read {shown!r}; expected comma-separated amplitudes such as '1, 1j' "
                         "or a label such as '0', '+', '-i'")
    elts: list[ast.expr] = tree.body.elts
    if len(elts) == 1 and isinstance(elts[0], (ast.List, ast.Tuple)):  # "[a, b]" or "(a, b)"
        elts = elts[0].elts
    try:
        return [_eval_number(el) for el in elts]
    except (ZeroDivisionError, OverflowError, RecursionError) as exc:
        raise ValueError(f"could not evaluate {shown!r} ({type(exc).__name__}: {exc})") from None


def _circular_gap(a: float, b: float) -> float:
    """Distance between two azimuths on the circle (0 for 0 and 2π)."""
    return abs((a - b + math.pi) % (2 * math.pi) - math.pi)


# --------------------------------------------------------------------------- formatting
def _f(x: float, digits: int = 3) -> str:
    v = round(float(x), digits) + 0.0
    return f"{v:.{digits}f}"


def _c(z: complex) -> str:
    z = complex(z)  # Python floats: round() on NumPy scalars is slow
    re_, im = round(z.real, 3) + 0.0, round(z.imag, 3) + 0.0
    if im == 0:
        return f"{re_:.3f}"
    if re_ == 0:
        return f"{im:.3f}i"
    return f"{re_:.3f}{im:+.3f}i"


def _angle(a: float) -> str:
    return f"{_f(a)} = {_f(a / math.pi, 2)}π"


class BlochExplorer(ResendOnDisplay, W.VBox):
    """Interactive Bloch sphere(s) for 1-5 qubits: sliders, gates, noise, measurement, undo.

    Parameters
    ----------
    state : None (|0>), a list/array of ``2**n`` amplitudes, a density matrix array,
        a ``Statevector``, ``DensityMatrix`` or a ``QuantumCircuit`` without free parameters
        (at most 5 qubits). Bad input raises ``ValueError``.
    seed : seed of the ``numpy.random.default_rng`` used by :meth:`measure`.
    animate : in a running Jupyter kernel, move the arrow along each rotation's arc.
    simple : start in simple mode (the :attr:`simple` trait): no noise controls and no
        purity/entropy in the readout, for lessons that have not taught mixed states yet.

    Read back ``state`` (``Statevector``/``DensityMatrix``), ``circuit`` (what was applied
    since the start state, as a ``QuantumCircuit``), ``start_state`` and ``bloch_vectors``
    (``(n, 3)`` array). Methods mirror the buttons: :meth:`apply`, :meth:`undo`,
    :meth:`reset`, :meth:`set_angles`, :meth:`set_state`, :meth:`apply_channel`,
    :meth:`measure`. The state itself lives in :attr:`model`, a widget-free
    :class:`~qmlwidgets.bloch_model.BlochModel`; this widget is its view.

    State (traitlets)
    -----------------
    Kernel-side traits (nothing extra is sent to the page); ``observe`` and ``traitlets.link``
    work on them, and each fires once per change, whichever way the change came (a control in
    the page, a method, a trait set, undo, reset):

    - ``selected_qubit`` (int): the qubit the buttons and sliders act on (the "act on" dropdown).
    - ``theta`` (float in [0, π]), ``phi`` (float in [0, 2π)): polar angle and azimuth of the
      selected qubit's Bloch vector (the θ, φ sliders). Setting them is :meth:`set_angles`
      (consecutive sets merge into one undo step, like a slider drag); ``phi`` keeps its value
      on the z axis, where the azimuth is undefined, and both keep theirs while the qubit has
      no direction (a Bloch vector of length 0), where setting them is refused.
    - ``basis`` (``'Z'``, ``'X'`` or ``'Y'``): the measurement basis of the histogram.
    - ``simple`` (bool): hide the noise controls and the purity/entropy readout.
    - ``bloch_vectors`` (read-only ``(n, 3)`` ndarray) and ``history`` (read-only tuple of the
      operations applied since the start state, as in :attr:`BlochModel.history`).

    Setting a trait to a bad value raises ``traitlets.TraitError`` naming the trait and what is
    expected, and the explorer keeps its last good state; setting a read-only trait raises
    ``TraitError`` too. The methods raise ``ValueError`` as before.

    >>> w = BlochExplorer([1, 1] / np.sqrt(2), seed=7)
    >>> w.apply("rz", angle=np.pi / 2)
    >>> w.bloch_vectors.round(3) + 0.0          # |+> turned a quarter turn about z: |+i>
    array([[0., 1., 0.]])
    >>> seen = []
    >>> w.observe(lambda change: seen.append(round(change["new"], 3)), "phi")
    >>> w.phi = np.pi                           # same as w.set_angles(w.theta, np.pi)
    >>> w.undo(); seen
    True
    [3.142, 1.571]
    >>> import traitlets
    >>> twin = BlochExplorer([1, 1] / np.sqrt(2))
    >>> _ = traitlets.link((w, "theta"), (twin, "theta"))
    >>> w.apply("rx", angle=np.pi / 4)          # |+i> tilts up to θ = π/4 ...
    >>> round(twin.theta, 3), twin.bloch_vectors.round(3) + 0.0   # ... and the twin follows
    (0.785, array([[0.707, 0.   , 0.707]]))
    """

    selected_qubit = T.Any(0, help="Qubit (int) the buttons, sliders, theta and phi act on.").tag(sync=False)
    theta = T.Float(0.0, help="Polar angle θ in [0, π] of the selected qubit's Bloch vector (rad).").tag(sync=False)
    phi = T.Float(0.0, help="Azimuth φ in [0, 2π) of the selected qubit's Bloch vector (rad); kept on the z axis."
                  ).tag(sync=False)
    basis = T.Unicode("Z", help="Measurement basis of the histogram: 'Z', 'X' or 'Y'.").tag(sync=False)
    simple = T.Bool(False, help="Simple mode: no noise controls, no purity/entropy readout.").tag(sync=False)
    bloch_vectors = T.Any(read_only=True, help="Read-only (n, 3) ndarray: row q is qubit q's reduced Bloch vector."
                          ).tag(sync=False)
    history = T.Tuple(read_only=True, help="Read-only tuple of the operations applied since the start state."
                      ).tag(sync=False)

    def __init__(self, state: Any = None, *, seed: int | None = 1234, animate: bool = True,
                 simple: bool = False) -> None:
        self.model = BlochModel(state, seed=seed)
        super().__init__()
        self.animate = bool(animate)
        self.animation_steps = 4  # frames of a gate's arc animation (3 intermediate + the final view)
        self.animation_delay = 0.06  # seconds between frames: a gate turns in ~0.2 s (each frame is a 3-D redraw)
        self.drag_interval = 0.08  # seconds: slider values from the page are applied at most this often
        self._drag_timer: asyncio.TimerHandle | None = None
        self._last_drag = 0.0
        n = self.model.num_qubits
        self._anim_task: asyncio.Task | None = None
        self._vectors = self.model.bloch_vectors
        self._build_controls()
        self._build_figure(n)
        self._build_histogram(n)
        self.readout = W.HTML(layout=W.Layout(margin="0 0 0 8px"))
        self.measurement_readout = W.HTML()
        self.message = W.HTML()
        self._sphere_slot = W.VBox()  # flex slots: the figures take the cell's width (see _arrange)
        self._hist_slot = W.VBox(layout=W.Layout(flex=_HIST_FLEX[0], min_width=_HIST_FLEX[1],
                                                 max_width=_HIST_FLEX[2]))
        self._sphere_box = W.HBox(layout=W.Layout(flex_flow="row wrap", width="100%", align_items="flex-start"))
        self._bottom_box = W.HBox(layout=W.Layout(flex_flow="row wrap", width="100%", align_items="flex-start"))
        self._page_fit = None
        self._arrange(n)
        self.layout.width = "100%"
        self._page_fit = fit_to_page(self, _SLIDER_NAMES)  # re-fits the figures to the cell; names sliders
        self.simple = bool(simple)
        self._refresh()
        self._sync_traits()

    # ------------------------------------------------------------------ public read-back
    @property
    def seed(self) -> int | None:
        """Seed of the random generator behind :meth:`measure` (the model's)."""
        return self.model.seed

    @property
    def num_qubits(self) -> int:
        """Number of qubits of the current state."""
        return self.model.num_qubits

    @property
    def state(self) -> Statevector | DensityMatrix:
        """Current state: a ``Statevector`` (pure, no noise applied) or a ``DensityMatrix``."""
        return self.model.state

    @property
    def start_state(self) -> Statevector | DensityMatrix:
        """State the :attr:`circuit` starts from (set by the constructor, :meth:`set_state`, :meth:`reset`)."""
        return self.model.start_state

    @property
    def circuit(self) -> QuantumCircuit:
        """Gates (and noise channels, as Kraus instructions) applied since :attr:`start_state`.

        ``DensityMatrix(w.start_state).evolve(w.circuit)`` reproduces ``w.state``; without
        noise, ``w.start_state.evolve(w.circuit)`` does too (global phase included).
        """
        return self.model.circuit

    @property
    def last_counts(self) -> dict[str, int] | None:
        """Counts of the last :meth:`measure` (None after any change of state)."""
        return self.model.last_counts

    @property
    def can_undo(self) -> bool:
        """True if :meth:`undo` has something to undo."""
        return self.model.can_undo

    def trace_index(self, qubit: int, kind: str) -> int:
        """Index in ``figure.data`` of a qubit's trace; ``kind`` in
        wireframe, axes, labels, trail, arc, arrow, head."""
        return self.model.check_qubit(qubit) * _K + _KINDS.index(kind)

    def __repr__(self) -> str:
        n = self.num_qubits
        ops = self.model.history
        gates = sum(op[0] != "channel" for op in ops)
        channels = len(ops) - gates
        what = f"{gates} gate{'s' * (gates != 1)}"
        if channels:
            what += f" + {channels} channel{'s' * (channels != 1)}"
        return f"BlochExplorer({n} qubit{'s' * (n != 1)}, {what} applied)"

    # ------------------------------------------------------------------ public actions
    def apply(self, gate: str, qubit: int = 0, angle: float | None = None) -> None:
        """Apply a gate (x, y, z, h, s, sdg, t, tdg, sx, sxdg, id, or rx/ry/rz with ``angle``) to ``qubit``.

        >>> w = BlochExplorer(); w.apply("x"); w.bloch_vectors.round(3) + 0.0
        array([[ 0.,  0., -1.]])
        """
        self.model.apply(gate, qubit, angle)
        self._show(animate=True)

    def apply_channel(self, name: str, strength: float, qubit: int = 0) -> None:
        """Apply a noise channel (depolarizing, amplitude_damping, dephasing) of ``strength`` in [0, 1].

        >>> w = BlochExplorer(); w.apply("h"); w.apply_channel("depolarizing", 0.5)
        >>> w.bloch_vectors.round(3) + 0.0
        array([[0.5, 0. , 0. ]])
        """
        self.model.apply_channel(name, strength, qubit)
        self._show(animate=True)

    def set_angles(self, theta: float, phi: float, qubit: int | None = None) -> None:
        """Point ``qubit``'s Bloch vector (default: the selected one) at polar angle ``theta``, azimuth ``phi``.

        Done by the shortest rotation (recorded in :attr:`circuit` as an ``rv`` gate), so a
        mixed or entangled qubit keeps its length. Consecutive calls on the same qubit (a
        slider drag) merge into one undo step.

        >>> w = BlochExplorer(); w.set_angles(np.pi / 2, np.pi / 2); w.bloch_vectors.round(3) + 0.0
        array([[0., 1., 0.]])
        """
        if self.model.set_angles(theta, phi, qubit):
            self._show(sync_sliders=False)  # a drag follows the pointer: no animation
            self._sync_sliders(only_if_not_dragging=True)

    def set_state(self, state: Any) -> None:
        """Start from a new state (same inputs as the constructor); clears the circuit and trail. Undoable."""
        self.model.set_state(state)
        self._show()

    def reset(self) -> None:
        """Go back to the constructor's state; clears the circuit and trail. Undoable."""
        self.model.reset()
        self._show()

    def undo(self) -> bool:
        """Undo the last action (gate, channel, angle drag, set_state, reset); False if nothing to undo."""
        if not self.model.undo():
            return False
        self._show()
        return True

    def measure(self, shots: int = 1000, basis: str = "Z") -> dict[str, int]:
        """Sample ``shots`` measurements of all qubits in the Z, X or Y basis (seeded); returns counts.

        Keys are Qiskit-style bitstrings (qubit 0 rightmost); bit 0 means |0>, |+> or |+i>.
        The state is not collapsed: this shows the statistics of repeated preparations.
        Sets the :attr:`basis` trait to ``basis``.

        >>> BlochExplorer([1, 1] / np.sqrt(2), seed=1).measure(100, "X")
        {'0': 100}
        """
        counts = self.model.measure(shots, basis)
        self.basis = self.model.check_basis(basis)
        self._draw_histogram()
        return counts

    # ------------------------------------------------------------------ traits: validation and effects
    @T.validate("selected_qubit")
    def _valid_selected(self, proposal: Any) -> int:
        try:
            return self.model.check_qubit(proposal.value, "selected_qubit")
        except ValueError as exc:
            raise T.TraitError(str(exc)) from None

    @T.observe("selected_qubit")
    def _selected_changed(self, change: Any) -> None:
        self.model.selected_qubit = change.new
        if self.qubit_dropdown.value != change.new:
            self.qubit_dropdown.value = change.new  # its observer sees the model's selection: no-op
        self._refresh()
        self._sync_traits()

    @T.validate("theta", "phi")
    def _valid_angle(self, proposal: Any) -> float:
        name, v = proposal.trait.name, proposal.value
        if not math.isfinite(v):
            raise T.TraitError(f"{name}={v!r} is not valid; expected a finite angle in radians")
        if name == "theta" and not 0.0 <= v <= math.pi:
            raise T.TraitError(f"theta={v!r} is not valid; expected a polar angle in [0, π] radians "
                               "(0 = |0⟩, π = |1⟩)")
        if name == "phi":
            if abs(v) > MAX_ANGLE:
                raise T.TraitError(f"phi={v!r} is too large; expected an azimuth in radians, e.g. in [0, 2π)")
            v = v % (2 * math.pi)
            v = 0.0 if v >= 2 * math.pi else v
        if self.model.angles() is None:
            q = self.model.selected_qubit
            raise T.TraitError(f"{name}: qubit {q} has a Bloch vector of length 0 (maximally mixed or maximally "
                               "entangled), so it has no direction to set; apply gates, undo or set a new state")
        return v

    @T.observe("theta", "phi")
    def _angles_changed(self, change: Any) -> None:
        if self._angles_match(self.theta, self.phi):
            return  # the model already points there (this trait was synced from it)
        token = self.model.save()
        try:
            self.set_angles(self.theta, self.phi)
        except Exception as exc:  # validated above, so not expected: keep the last good state all the same
            self._restore((token, self.basis))
            self.set_trait(change.name, change.old)
            raise T.TraitError(f"{change.name}={change.new!r}: {exc}") from exc

    @T.validate("basis")
    def _valid_basis(self, proposal: Any) -> str:
        try:
            return self.model.check_basis(proposal.value)
        except ValueError as exc:
            raise T.TraitError(str(exc)) from None

    @T.observe("basis")
    def _basis_changed(self, change: Any) -> None:
        self.basis_buttons.value = change.new  # its observer sets this trait again: equal, no event
        self._draw_histogram()

    @T.observe("simple")
    def _simple_changed(self, change: Any) -> None:
        self._noise_row.layout.display = "none" if change.new else None
        if hasattr(self, "readout"):
            self._draw_readout()

    @T.validate("bloch_vectors")
    def _valid_vectors(self, proposal: Any) -> np.ndarray:
        return frozen_array(proposal.value)  # read-only, so the trait's value can't drift

    def _angles_match(self, theta: float, phi: float) -> bool:
        """True if the selected qubit already points at ``(theta, phi)`` (any ``phi`` on the z axis)."""
        ang = self.model.angles()
        if ang is None:
            return True
        th, ph = ang
        return abs(th - theta) <= _ANGLE_TOL and (abs(math.sin(th)) <= 1e-6 or _circular_gap(ph, phi) <= _ANGLE_TOL)

    def _sync_traits(self) -> None:
        """Set each trait that differs from the model (once; traitlets ignores equal values)."""
        m = self.model
        with self.hold_trait_notifications():
            if self.history != m.history:
                self.set_trait("history", m.history)
            vecs = self._vectors
            old = self.bloch_vectors
            if old is None or old.shape != vecs.shape or not np.array_equal(old, vecs):
                self.set_trait("bloch_vectors", vecs)
            if self.selected_qubit != m.selected_qubit:
                self.selected_qubit = m.selected_qubit
            ang = m.angles()
            if ang is not None:
                th, ph = ang
                if abs(th - self.theta) > _ANGLE_TOL:
                    self.theta = th
                if abs(math.sin(th)) > 1e-6 and _circular_gap(ph, self.phi) > _ANGLE_TOL:
                    self.phi = ph

    def _show(self, *, animate: bool = False, sync_sliders: bool = True) -> None:
        """Show the model's new state: message, figure, readouts, traits, then the arc animation."""
        self.message.value = ""
        self._refresh(sync=sync_sliders)
        self._sync_traits()
        arc = self.model.snapshot.arc
        if animate and self.animate and arc is not None and len(arc[1]) > 2:
            self._start_animation(*arc)
        elif self._anim_task is not None and not self._anim_task.done():
            self._anim_task.cancel()  # its last frame draws the current arrow

    # ------------------------------------------------------------------ internals: view
    def _build_controls(self) -> None:
        # shared Layout / Style widgets: every ipywidget otherwise creates its own (construction cost)
        slider_style = W.SliderStyle(description_width="initial")
        button_style = W.ButtonStyle()
        sl = dict(continuous_update=True, readout_format=".3f", style=slider_style)
        l300, l280 = W.Layout(width="300px"), W.Layout(width="280px")
        l46, l90, l110 = W.Layout(width="46px"), W.Layout(width="90px"), W.Layout(width="110px")
        self.qubit_dropdown = W.Dropdown(options=[("qubit 0", 0)], value=0, description="act on",
                                         layout=W.Layout(width="170px"))
        self.theta_slider = W.FloatSlider(value=0.0, min=0.0, max=math.pi, step=math.pi / 72, description="θ (rad)",
                                          tooltip="polar angle θ of the selected qubit's Bloch vector, in radians "
                                                  "(0 = |0⟩ at the north pole, π = |1⟩)",
                                          layout=l300, **sl)
        self.phi_slider = W.FloatSlider(value=0.0, min=0.0, max=2 * math.pi, step=math.pi / 72, description="φ (rad)",
                                        tooltip="azimuth φ (relative phase) of the selected qubit's Bloch vector, "
                                                "in radians",
                                        layout=l300, **sl)
        self.gate_buttons: dict[str, W.Button] = {}
        for label, key in _GATE_BUTTONS + _ROTATION_BUTTONS:
            b = W.Button(description=label, layout=l46, style=button_style,
                         tooltip=f"apply {label} to the selected qubit")
            b.on_click(lambda _b, key=key: self._ui(self._on_gate, key))
            self.gate_buttons[key] = b
        self.angle_slider = W.FloatSlider(value=math.pi / 2, min=-2 * math.pi, max=2 * math.pi, step=math.pi / 24,
                                          description="angle (rad)", tooltip="rotation angle of the Rx, Ry, Rz buttons, in radians",
                                          layout=l280, **sl)
        self.undo_button = W.Button(description="Undo", icon="undo", layout=l90, style=button_style)
        self.reset_button = W.Button(description="Reset", icon="refresh", layout=l90, style=button_style)
        self.undo_button.on_click(lambda _b: self._ui(self._on_undo))
        self.reset_button.on_click(lambda _b: self._ui(self.reset))
        self.channel_dropdown = W.Dropdown(options=list(_CHANNEL_LABELS), value="depolarizing",
                                           description="noise", layout=W.Layout(width="230px"))
        self.strength_slider = W.FloatSlider(value=0.2, min=0.0, max=1.0, step=0.01, description="strength",
                                             tooltip="noise strength p from 0 (none) to 1 (full)", layout=l280, **{**sl, "readout_format": ".2f"})
        self.channel_button = W.Button(description="Apply noise", layout=l110, style=button_style)
        self.channel_button.on_click(lambda _b: self._ui(self._on_channel))
        self.shots_input = W.BoundedIntText(value=1000, min=1, max=10**6, description="shots",
                                            layout=W.Layout(width="160px"))
        self.basis_buttons = W.ToggleButtons(options=list(S.BASES), value="Z", description="basis",
                                             tooltips=[f"measure in the {b} basis: outcome 0 = {_BASIS_OUTCOMES[b][0]}, "
                                                       f"1 = {_BASIS_OUTCOMES[b][1]}" for b in S.BASES],
                                             style={"button_width": "36px"})
        self.measure_button = W.Button(description="Measure", icon="bar-chart", layout=l110, style=button_style)
        self.measure_button.on_click(lambda _b: self._ui(self._on_measure))
        self.state_text = W.Text(placeholder="state: +, 0, -i, 01, or amplitudes 1, 1j", description="state",
                                 continuous_update=False, layout=W.Layout(width="330px"))
        self.state_button = W.Button(description="Set state", layout=l90, style=button_style)
        self.state_button.on_click(lambda _b: self._ui(self._on_state_text))
        self.state_text.observe(lambda _c: self._ui(self._on_state_text), "value")  # on Enter / leaving the box

        self.theta_slider.observe(self._on_angle_slider, "value")
        self.phi_slider.observe(self._on_angle_slider, "value")
        self.qubit_dropdown.observe(self._on_select, "value")
        self.basis_buttons.observe(self._on_basis, "value")

        g = self.gate_buttons
        self._qubit_row = W.HBox([self.qubit_dropdown], layout=W.Layout(display="none"))
        row = W.Layout(flex_flow="row wrap")
        # the noise row's own layout: simple mode hides it (display none) without touching the others
        self._noise_row = W.HBox([self.channel_dropdown, self.strength_slider, self.channel_button],
                                 layout=W.Layout(flex_flow="row wrap"))
        self._controls = W.VBox([
            W.HBox([self._qubit_row, self.theta_slider, self.phi_slider], layout=row),
            W.HBox([g[k] for _, k in _GATE_BUTTONS] + [self.undo_button, self.reset_button], layout=row),
            W.HBox([g[k] for _, k in _ROTATION_BUTTONS] + [self.angle_slider], layout=row),
            self._noise_row,
            W.HBox([self.state_text, self.state_button], layout=row),
            W.HBox([self.shots_input, self.basis_buttons, self.measure_button], layout=row),
        ])

    def _build_figure(self, n: int) -> None:
        cols = min(n, 3)
        rows = -(-n // cols)
        traces: list[dict] = []
        layout: dict[str, Any] = dict(
            template="none", autosize=True, height=_SPHERE_PX * rows, showlegend=False, uirevision="bloch",
            margin=dict(l=0, r=0, t=24, b=0), paper_bgcolor="white", annotations=[],
            font=dict(family="sans-serif", size=12),
        )
        axis = dict(visible=False, range=[-1.25, 1.25], showspikes=False)
        for q in range(n):
            scene = "scene" if q == 0 else f"scene{q + 1}"
            row, col = divmod(q, cols)
            top = 1 - row / rows
            layout[scene] = dict(
                domain=dict(x=[col / cols, (col + 1) / cols], y=[1 - (row + 1) / rows, top - 0.07 / rows]),
                xaxis=axis, yaxis=axis, zaxis=axis, aspectmode="cube",
                camera=dict(eye=dict(x=_CAMERA[0], y=_CAMERA[1], z=_CAMERA[2])),
            )
            layout["annotations"].append(dict(
                text=f"qubit {q}", x=(col + 0.5) / cols, y=top, xref="paper", yref="paper",
                xanchor="center", yanchor="top", showarrow=False,
            ))
            hover = f"<extra>qubit {q}</extra>"
            traces += [
                dict(type="scatter3d", x=_WIRE[0], y=_WIRE[1], z=_WIRE[2], mode="lines", scene=scene,
                     line=dict(color="#d0d0d0", width=1), hoverinfo="skip", name=f"wireframe q{q}"),
                dict(type="scatter3d", x=_AXES[0], y=_AXES[1], z=_AXES[2], mode="lines", scene=scene,
                     line=dict(color="#a0a0a0", width=2), hoverinfo="skip", name=f"axes q{q}"),
                dict(type="scatter3d", x=_LABELS[0], y=_LABELS[1], z=_LABELS[2], text=_LABELS[3], mode="text",
                     scene=scene, textfont=dict(size=13, color="#333333"), hoverinfo="skip", name=f"labels q{q}"),
                dict(type="scatter3d", x=_EMPTY, y=_EMPTY, z=_EMPTY, mode="lines", scene=scene,
                     line=dict(color=_TRAIL_COLOR, width=2), opacity=0.6, hoverinfo="skip", name=f"trail q{q}"),
                dict(type="scatter3d", x=_EMPTY, y=_EMPTY, z=_EMPTY, mode="lines", scene=scene,
                     line=dict(color=_ARC_COLOR, width=5), name=f"arc q{q}",
                     hovertemplate="path (%{x:.2f}, %{y:.2f}, %{z:.2f})" + hover),
                dict(type="scatter3d", x=[0, 0], y=[0, 0], z=[0, 1], mode="lines", scene=scene,
                     line=dict(color=_ARROW_COLOR, width=7), name=f"arrow q{q}",
                     hovertemplate="(x, y, z) = (%{x:.3f}, %{y:.3f}, %{z:.3f})" + hover),
                dict(type="mesh3d", x=_HEAD_UP[:, 0].tolist(), y=_HEAD_UP[:, 1].tolist(), z=_HEAD_UP[:, 2].tolist(),
                     i=_HEAD_FACES[0], j=_HEAD_FACES[1], k=_HEAD_FACES[2], color=_ARROW_COLOR, flatshading=True,
                     lighting=dict(ambient=0.7, diffuse=0.5, specular=0.1), scene=scene, showscale=False,
                     hoverinfo="skip", name=f"head q{q}"),
            ]
        self.figure = CourseFigure(data=traces, layout=layout)
        self.figure._config = {**self.figure._config, "responsive": True}  # width follows the cell
        self._n_drawn = n
        self._drawn: list[tuple | None] = [None] * n
        self._titled_selection: int | None = None
        opts = [(f"qubit {q}", q) for q in range(n)]
        # new options reset the dropdown's value; holding its events reports only the final value
        # (the model's selection), which its observer ignores (``_sync_traits`` sets the trait)
        with self.qubit_dropdown.hold_trait_notifications():
            self.qubit_dropdown.options = opts
            self.qubit_dropdown.value = self.model.selected_qubit
        self._qubit_row.layout.display = "none" if n == 1 else None

    def _build_histogram(self, n: int) -> None:
        labels = [f"|{i:0{n}b}⟩" for i in range(2**n)]  # kets: never auto-typed as numbers
        self.histogram = CourseFigure(
            data=[
                dict(type="bar", x=labels, y=np.zeros(2**n), name="exact", marker=dict(color=_EXACT_COLOR),
                     hovertemplate="%{x}: exact %{y:.3f}<extra></extra>"),
                dict(type="bar", x=labels, y=np.zeros(2**n), name="sampled", marker=dict(color=_ARROW_COLOR),
                     hovertemplate="%{x}: sampled %{y:.3f}<extra></extra>"),
            ],
            layout=dict(template="none", autosize=True, height=_HIST_HEIGHT if n == 1 else 290, barmode="group",
                        margin=dict(l=45, r=10, t=58, b=50), yaxis=dict(range=[0, 1.02], title="probability"),
                        xaxis=dict(type="category", title=""),
                        title=dict(text="", font=dict(size=13), x=0.02, xanchor="left", y=0.97, yanchor="top"),
                        legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom")),
        )
        self.histogram._config = {**self.histogram._config, "responsive": True}  # width follows the cell
        self._hist_n = n
        self._hist_titles: tuple[str, str] | None = None
        self._hist_bars: tuple | None = None

    def _arrange(self, n: int) -> None:
        """Lay out for ``n`` qubits; every figure sits in a flex slot sized to the cell (no pixel widths).

        One qubit: sphere and histogram side by side (they wrap below each other in a narrow cell),
        then the controls, then the readouts, so at 1280×800 the plots and the controls are on
        screen together. Several: the spheres (one row of up to 3), the controls, then readout +
        histogram.
        """
        cols = min(n, 3)
        self._sphere_slot.layout = W.Layout(flex=f"1 1 {300 * cols}px",
                                            min_width=f"{_SPHERE_MIN_PX}px", max_width=f"{_SPHERE_PX * cols + 90}px")
        self._sphere_slot.children = [self.figure]
        self._hist_slot.children = [self.histogram]
        if n == 1:
            self._sphere_box.children = [self._sphere_slot, self._hist_slot]
            self._bottom_box.children = [self.readout, self.measurement_readout]
        else:
            self._sphere_box.children = [self._sphere_slot]
            self._bottom_box.children = [self.readout, self._hist_slot, self.measurement_readout]
        kids = [self._sphere_box, self.message, self._controls, self._bottom_box]
        self.children = kids + ([self._page_fit] if self._page_fit is not None else [])

    def _refresh(self, sync: bool = True) -> None:
        """Redraw whatever differs from the current snapshot."""
        snap = self.model.snapshot
        n = snap.num_qubits
        if n != self._n_drawn:
            self._build_figure(n)
            self._build_histogram(n)
            self._arrange(n)
        vecs = self.model.bloch_vectors
        self._vectors = vecs
        arc_q, arc_path = snap.arc if snap.arc else (None, None)
        lines: list[tuple[int, Any]] = []  # (trace index, (m, 3) points) for trail / arc / shaft
        heads: list[tuple[int, np.ndarray]] = []
        for q in range(n):
            path = arc_path if q == arc_q else None
            old = self._drawn[q]
            b = q * _K
            if old is None or old[1] is not snap.trails[q]:
                lines.append((b + 3, np.concatenate(snap.trails[q]) if snap.trails[q] else None))
            if old is None or old[2] is not path:
                lines.append((b + 4, path))
            if old is None or np.max(np.abs(old[0] - vecs[q])) > 1e-10:
                lines.append((b + 5, np.array([[0.0, 0.0, 0.0], vecs[q]])))
                heads.append((q, vecs[q]))
            self._drawn[q] = (vecs[q].copy(), snap.trails[q], path)
        if lines or heads:
            with self.figure.batch_update():
                self._restyle(lines, heads)
        if self._titled_selection != self.model.selected_qubit:
            self._draw_titles()
        self._draw_readout()
        self._draw_histogram()
        if sync:
            self._sync_sliders()

    def _restyle(self, lines: list, heads: list) -> None:
        """Send line and arrow-head updates as one plotly restyle of ``x, y, z`` (one redraw in the page).

        The head is a small cone *mesh* whose vertices move with the arrow: it changes the same
        properties as the lines, so the page gets one message (a cone trace needed ``u, v, w``
        too, and traces changing different properties go as separate messages: two redraws).
        """
        pts_by_trace = list(lines) + [(q * _K + 6, _head_vertices(r)) for q, r in heads]
        if not pts_by_trace:
            return
        xs: list[list[float]] = []
        ys: list[list[float]] = []
        zs: list[list[float]] = []
        for _, pts in pts_by_trace:
            for out, k in ((xs, 0), (ys, 1), (zs, 2)):
                out.append([] if pts is None else pts[:, k].tolist())
        self.figure.plotly_restyle({"x": xs, "y": ys, "z": zs}, trace_indexes=[i for i, _ in pts_by_trace])

    def _draw_titles(self) -> None:
        n = self._n_drawn
        sel = self.model.selected_qubit
        texts = {f"annotations[{q}].text": ("" if n == 1 else f"<b>qubit {q} ◀</b>" if q == sel
                                            else f"qubit {q}") for q in range(n)}
        self.figure.plotly_relayout(texts)
        self._titled_selection = sel

    def _draw_arrow(self, q: int, r: np.ndarray) -> None:
        self._restyle([(q * _K + 5, np.array([[0.0, 0.0, 0.0], r]))], [(q, r)])

    def _draw_readout(self) -> None:
        a = self.model.state_array
        n = S.num_qubits(a)
        vecs = self._vectors
        pure = a.ndim == 1
        simple = self.simple  # simple mode: no purity / entropy (not taught yet where it is used)
        head = f"<b>{n} qubit{'s' * (n != 1)} · {'pure state' if pure else 'density matrix'}</b>"
        if not simple:
            head += f" · purity Tr ρ² = {_f(S.purity(a))}"
        rows = []
        for q, r in enumerate(vecs.tolist()):
            length = math.sqrt(r[0] ** 2 + r[1] ** 2 + r[2] ** 2)
            if length > ZERO_LENGTH:
                th, ph = S.angles_from_bloch(r)
                ang = f"<td>{_angle(th)}</td><td>{_angle(ph) if abs(math.sin(th)) > 1e-9 else 'any'}</td>"
            else:
                ang = "<td>—</td><td>—</td>"
            cells = "".join(f"<td>{_f(c)}</td>" for c in r)
            mixed = ""
            if not simple:
                pq = (1 + length**2) / 2
                ent = max(0.0, -sum(lam * math.log2(lam) for lam in ((1 + length) / 2, (1 - length) / 2)
                                    if lam > 0))
                mixed = f"<td>{_f(pq)}</td><td>{_f(ent)}</td>"
            rows.append(f"<tr><td>{q}</td>{cells}<td>{_f(length)}</td>{ang}{mixed}</tr>")
        table = ("<table class='qw-bloch'><tr><th>qubit</th><th>x</th><th>y</th><th>z</th>"
                 "<th>|r|</th><th>θ</th><th>φ</th>" + ("" if simple else "<th>purity</th><th>S (bits)</th>")
                 + "</tr>" + "".join(rows) + "</table>")
        parts = [head, table]
        if n > 1:
            parts.append("Reduced states: |r| &lt; 1 for a qubit of a pure state means it is entangled "
                         "with the others." if pure else "Reduced states of a mixed state: |r| &lt; 1 comes "
                         "from noise and/or entanglement.")
        parts.append(self._amplitude_text(a, n))
        self.readout.value = (_READOUT_STYLE + "<div class='qw-bloch' style='font-family:monospace;"
                              "font-size:12px;line-height:1.35'>"
                              + "<br>".join(parts) + "</div>")

    @staticmethod
    def _amplitude_text(a: np.ndarray, n: int) -> str:
        labels = [format(i, f"0{n}b") for i in range(2**n)]
        if a.ndim == 1:
            amps, probs = a.tolist(), (np.abs(a) ** 2).tolist()
            nonzero = [i for i in range(len(amps)) if probs[i] > 1e-10]
            idx = nonzero[:16]
            body = "".join(f"<tr><td>|{labels[i]}⟩</td><td>{_c(amps[i])}</td><td>{_f(probs[i])}</td></tr>"
                           for i in idx)
            more = len(nonzero) - len(idx)
            tail = f"<tr><td colspan=3>… {more} more</td></tr>" if more > 0 else ""
            return ("<table class='qw-bloch'><tr><th>basis</th><th>amplitude</th><th>probability</th></tr>"
                    + body + tail + "</table>")
        if n == 1:
            return (f"ρ = [[{_c(a[0, 0])}, {_c(a[0, 1])}], [{_c(a[1, 0])}, {_c(a[1, 1])}]]<br>"
                    f"P(0) = {_f(a[0, 0].real)}, P(1) = {_f(a[1, 1].real)}")
        probs = np.diagonal(a).real.tolist()
        idx = [i for i in range(len(probs)) if probs[i] > 1e-10][:16]
        body = "".join(f"<tr><td>|{labels[i]}⟩</td><td>{_f(probs[i])}</td></tr>" for i in idx)
        return "<table class='qw-bloch'><tr><th>basis</th><th>probability ⟨b|ρ|b⟩</th></tr>" + body + "</table>"

    def _draw_histogram(self) -> None:
        n = self._hist_n
        b = self.basis
        probs = S.measurement_probabilities(self.model.state_array, b)
        zero, one = _BASIS_OUTCOMES[b]
        counts, drawn = self.model.last_counts, self.model.last_measure
        if counts is not None and drawn is not None and drawn[0] == b:
            shots: int | None = drawn[1]
        else:
            counts = shots = None
        measured = counts is not None and shots is not None
        if counts is not None and shots is not None:
            freq = np.zeros(2**n)
            for k, c in counts.items():
                freq[int(k, 2)] = c / shots
            title = f"{b}-basis measurement: {shots} shots (seed {self.seed})"
        else:
            freq = np.zeros(2**n)
            title = f"{b}-basis probabilities (press Measure to sample)"
        xtitle = f"outcome (bit 0 = {zero}, bit 1 = {one}; qubit 0 rightmost)"
        with self.histogram.batch_update():
            last = self._hist_bars
            if last is None or last[2] != measured or not np.allclose(last[0], probs, rtol=0, atol=1e-12) \
                    or not np.array_equal(last[1], freq):
                self.histogram.plotly_restyle({"y": [probs.tolist(), freq.tolist()], "visible": [True, measured]},
                                              trace_indexes=[0, 1])
                self._hist_bars = (probs, freq, measured)
            if (title, xtitle) != self._hist_titles:
                self.histogram.plotly_relayout({"title.text": title, "xaxis.title.text": xtitle})
                self._hist_titles = (title, xtitle)
        if counts is not None:
            rows = "".join(
                f"<tr><td>{format(i, f'0{n}b')}</td><td>{counts.get(format(i, f'0{n}b'), 0)}</td>"
                f"<td>{_f(probs[i])}</td></tr>" for i in range(2**n))
            self.measurement_readout.value = (
                _READOUT_STYLE + f"<div style='font-family:monospace;font-size:12px'>{b} basis, {shots} shots"
                "<table class='qw-bloch'>"
                "<tr><th>outcome</th><th>counts</th><th>exact P</th></tr>" + rows + "</table></div>")
        elif self.measurement_readout.value:
            self.measurement_readout.value = ""

    def _sync_sliders(self, only_if_not_dragging: bool = False) -> None:
        q = self.model.selected_qubit
        r = self._vectors[q]
        length = float(np.linalg.norm(r))
        disabled = length < ZERO_LENGTH
        self.theta_slider.disabled = disabled
        self.phi_slider.disabled = disabled
        if disabled or (only_if_not_dragging and self._in_slider_callback):
            return
        th, ph = S.angles_from_bloch(r)
        # the sliders' observers see a value equal to the model's angles and do nothing (see _on_angle_slider)
        if abs(self.theta_slider.value - th) > _ANGLE_TOL:
            self.theta_slider.value = th
        if abs(math.sin(th)) > 1e-6 and abs(self.phi_slider.value - ph) > _ANGLE_TOL:
            self.phi_slider.value = ph

    _in_slider_callback = False

    # ------------------------------------------------------------------ animation
    def _start_animation(self, q: int, path: np.ndarray) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # plain Python / tests: no animation, the figure is already final
            return
        if self._anim_task is not None and not self._anim_task.done():
            self._anim_task.cancel()
        self._anim_task = loop.create_task(self._animate(q, path))

    async def _animate(self, q: int, path: np.ndarray) -> None:
        idx = np.unique(np.linspace(0, len(path) - 1, max(2, self.animation_steps)).astype(int))
        try:
            for i in idx[:-1]:
                with self.figure.batch_update():
                    self._draw_arrow(q, path[i])
                await asyncio.sleep(self.animation_delay)
        finally:
            if q < len(self._vectors) and q < self._n_drawn:
                self._draw_arrow(q, self._vectors[q])

    # ------------------------------------------------------------------ UI callbacks
    def _ui(self, fn, *args) -> bool:
        """Run a UI action. Any error goes to ``message`` and the last good state is restored."""
        saved = (self.model.save(), self.basis)
        try:
            fn(*args)
        except Exception as exc:  # a callback must never raise into the front end
            text = str(exc) if isinstance(exc, (ValueError, T.TraitError)) else f"{type(exc).__name__}: {exc}"
            self._restore(saved)
            self.message.value = (f"<span style='color:#b00020' role='alert'>⚠ {html.escape(text[:500])}</span>")
            return False
        return True

    def _restore(self, saved: tuple) -> None:
        """Put the model and every view back on a saved (model token, basis)."""
        token, basis = saved
        changed = self.model.snapshot is not token[0]
        self.model.restore(token)
        try:
            if changed:
                self._drawn = [None] * self._n_drawn  # redraw everything from the snapshot
            self._refresh()
            self._sync_traits()
            self.basis = basis
            self.qubit_dropdown.value = self.model.selected_qubit
            self.basis_buttons.value = self.basis
        except Exception:  # pragma: no cover - the view could not even redraw the last good state
            pass

    def _on_gate(self, key: str) -> None:
        angle = self.angle_slider.value if key in ("rx", "ry", "rz") else None
        self.apply(key, self.model.selected_qubit, angle)

    def _on_channel(self) -> None:
        self.apply_channel(self.channel_dropdown.value, self.strength_slider.value, self.model.selected_qubit)

    def _on_measure(self) -> None:
        self.measure(int(self.shots_input.value), self.basis_buttons.value)

    def _on_undo(self) -> None:
        if not self.undo():
            raise ValueError("nothing to undo")

    def _on_state_text(self) -> None:
        self.set_state(parse_state_text(self.state_text.value))

    def _on_angle_slider(self, change: dict) -> None:
        owner = change.get("owner")
        ang = self.model.angles()
        if ang is not None:
            th, ph = ang
            if (abs(change["new"] - th) <= _ANGLE_TOL if owner is self.theta_slider
                    else abs(math.sin(th)) <= 1e-6 or _circular_gap(change["new"], ph) <= _ANGLE_TOL):
                return  # the slider shows the model's angle (set by _sync_sliders): nothing to do
        owner = change.get("owner")
        from_page = owner is not None and "value" in (getattr(owner, "_property_lock", None) or {})
        if from_page and self._defer_drag():
            return
        self._apply_sliders()

    def _defer_drag(self) -> bool:
        """Coalesce a drag: apply page values at most every ``drag_interval`` s, always the latest one.

        Returns True when this value is left to a scheduled apply (which reads the sliders then).
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (plain Python): apply at once
            return False
        if self._drag_timer is not None:  # a trailing apply is pending: it will read the latest value
            return True
        wait = self._last_drag + self.drag_interval - time.monotonic()
        if wait <= 0:
            self._last_drag = time.monotonic()
            return False
        self._drag_timer = loop.call_later(wait, self._flush_drag)
        return True

    def _flush_drag(self) -> None:
        self._drag_timer = None
        self._last_drag = time.monotonic()
        self._apply_sliders()

    def _apply_sliders(self) -> None:
        self._in_slider_callback = True
        try:
            self._ui(self.set_angles, self.theta_slider.value, self.phi_slider.value, self.model.selected_qubit)
        finally:
            self._in_slider_callback = False

    def _on_select(self, change: dict) -> None:
        if change["new"] != self.model.selected_qubit:  # else an echo of the model (e.g. new options)
            self._ui(setattr, self, "selected_qubit", change["new"])

    def _on_basis(self, change: dict) -> None:
        self._ui(setattr, self, "basis", change["new"])
