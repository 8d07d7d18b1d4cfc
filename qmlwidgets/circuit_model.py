"""Widget-free model behind :class:`qmlwidgets.widgets.circuit.CircuitExplorer`.

A :class:`CircuitModel` holds a small circuit (1–5 qubits) as a list of :class:`Gate`
records, with undo/redo, validation, named parameters and their current values, a
step position (state after the first ``k`` gates) and an entanglement cut. It computes
the statevector after every gate, probabilities, each qubit's reduced Bloch vector and
the entanglement entropy across the cut, and exports a Qiskit circuit or Python source.

Everything here is pure Python + NumPy + Qiskit: no ipywidgets, no plotly.

Example::

    >>> m = CircuitModel(2)
    >>> m.add("h", 0).add("cx", 0, 1)          # same argument order as QuantumCircuit
    CircuitModel(2 qubits, 2 gates)
    >>> m.probabilities().round(3).tolist()     # Qiskit order: '00', '01', '10', '11'
    [0.5, 0.0, 0.0, 0.5]
    >>> round(m.entanglement_entropy(), 6)      # qubit 0 against qubit 1, in bits
    1.0

Bit order follows Qiskit: basis index ``i = sum_q b_q 2**q``, and the label of ``i``
is the bitstring ``b_{n-1} ... b_1 b_0`` (qubit 0 rightmost).
"""
from __future__ import annotations

import copy
import functools
import keyword
import math
import operator
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from . import states
from .validate import angle, whole_number

__all__ = [
    "GATES",
    "MAX_QUBITS",
    "Gate",
    "GateSpec",
    "CircuitModel",
    "apply_gate",
    "basis_labels",
]

MAX_QUBITS = states.MAX_EXPLORER_QUBITS  # the explorers' limit, defined once in states
MAX_SHOTS = 1_000_000
MAX_ANGLE = 1e6  # radians: larger angles are typing mistakes (and lose all precision mod 2π)


# --------------------------------------------------------------------------- gates
@dataclass(frozen=True)
class GateSpec:
    """What a palette gate needs: number of target/control qubits and an angle or not."""

    name: str
    n_targets: int
    n_controls: int
    has_angle: bool
    label: str


GATES: dict[str, GateSpec] = {
    spec.name: spec
    for spec in (
        GateSpec("h", 1, 0, False, "H"),
        GateSpec("x", 1, 0, False, "X"),
        GateSpec("y", 1, 0, False, "Y"),
        GateSpec("z", 1, 0, False, "Z"),
        GateSpec("s", 1, 0, False, "S"),
        GateSpec("t", 1, 0, False, "T"),
        GateSpec("rx", 1, 0, True, "RX(θ)"),
        GateSpec("ry", 1, 0, True, "RY(θ)"),
        GateSpec("rz", 1, 0, True, "RZ(θ)"),
        GateSpec("cx", 1, 1, False, "CX (CNOT)"),
        GateSpec("cz", 1, 1, False, "CZ"),
        GateSpec("swap", 2, 0, False, "SWAP"),
        GateSpec("ccx", 1, 2, False, "CCX (Toffoli)"),
    )
}
_ALIASES = {"cnot": "cx", "toffoli": "ccx", "ccnot": "ccx"}
_SUPPORTED_TEXT = ", ".join(GATES)

_PARAM_RE = re.compile(r"^(?P<base>[^\W\d]\w*)(?:\[(?P<index>\d+)\])?$")
_RESERVED = {"qc", "QuantumCircuit", "Parameter", "ParameterVector", "pi", "values", "bound"}


@dataclass(frozen=True)
class Gate:
    """One gate of the explorer's circuit.

    ``targets``/``controls`` are qubit indices; ``angle`` is a fixed rotation angle and
    ``parameter`` the name of a free parameter (exactly one of them for RX/RY/RZ).

    >>> Gate("cx", (1,), (0,)).call()
    'cx(0, 1)'
    """

    name: str
    targets: tuple[int, ...]
    controls: tuple[int, ...] = ()
    angle: float | None = None
    parameter: str | None = None

    @property
    def qubits(self) -> tuple[int, ...]:
        """Qubits in Qiskit's argument order (controls first, then targets)."""
        return self.controls + self.targets

    def call(self, angle_text: str | None = None) -> str:
        """Short Qiskit-style call, e.g. ``'rx(theta, 0)'`` or ``'ccx(0, 1, 2)'``."""
        args = [str(q) for q in self.qubits]
        if GATES[self.name].has_angle:
            if angle_text is None:
                angle_text = self.parameter if self.parameter is not None else format_angle(self.angle)
            args.insert(0, angle_text)
        return f"{self.name}({', '.join(args)})"


def format_angle(x: float | None) -> str:
    """Readable, exact-enough Python text for an angle: ``'pi/2'``, ``'-3*pi/4'``, ``'0.3'``.

    >>> format_angle(math.pi / 2), format_angle(0.3)
    ('pi/2', '0.3')
    """
    if x is None:
        return "None"
    x = float(x)
    if x != 0.0 and abs(x) < 1e3:
        for den in (1, 2, 3, 4, 6, 8):
            num = x * den / math.pi
            k = round(num)
            if k != 0 and abs(k) <= 16 and abs(num - k) < 1e-12 and math.gcd(k, den) == 1:
                sign = "-" if k < 0 else ""
                head = "pi" if abs(k) == 1 else f"{abs(k)}*pi"
                return f"{sign}{head}" if den == 1 else f"{sign}{head}/{den}"
    return repr(x)


# ------------------------------------------------------------------ simulation kernel
_SQRT_HALF = 1.0 / math.sqrt(2.0)
_FIXED = {
    "h": np.array([[1, 1], [1, -1]], dtype=complex) * _SQRT_HALF,
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "z": np.array([[1, 0], [0, -1]], dtype=complex),
    "s": np.array([[1, 0], [0, 1j]], dtype=complex),
    "t": np.array([[1, 0], [0, np.exp(1j * math.pi / 4)]], dtype=complex),
}
_FIXED["cx"] = _FIXED["ccx"] = _FIXED["x"]
_FIXED["cz"] = _FIXED["z"]


def _matrix(name: str, angle: float | None) -> np.ndarray:
    """2x2 matrix acting on the target (controls handled by slicing), Qiskit conventions."""
    if name in _FIXED:
        return _FIXED[name]
    if angle is None:
        raise ValueError(f"gate {name!r} needs an angle (in radians)")
    c, s = math.cos(angle / 2.0), math.sin(angle / 2.0)
    if name == "rx":
        return np.array([[c, -1j * s], [-1j * s, c]], dtype=complex)
    if name == "ry":
        return np.array([[c, -s], [s, c]], dtype=complex)
    if name == "rz":
        return np.array([[complex(c, -s), 0], [0, complex(c, s)]], dtype=complex)
    raise ValueError(f"no matrix for gate {name!r}")  # pragma: no cover - guarded by validation


@functools.lru_cache(maxsize=512)
def _indices(num_qubits: int, gate_name: str, targets: tuple[int, ...], controls: tuple[int, ...]) -> tuple:
    """Cached index arrays: (i0, i1) amplitude pairs a single-target gate mixes, or a SWAP permutation."""
    idx = np.arange(2**num_qubits)
    if gate_name == "swap":
        a, b = targets
        bit_a, bit_b = (idx >> a) & 1, (idx >> b) & 1
        return (idx ^ ((bit_a ^ bit_b) << a) ^ ((bit_a ^ bit_b) << b),)
    t = targets[0]
    keep = ((idx >> t) & 1) == 0
    for c in controls:
        keep &= ((idx >> c) & 1) == 1
    i0 = idx[keep]
    return i0, i0 | (1 << t)


def apply_gate(state: np.ndarray, gate: Gate, num_qubits: int, angle: float | None = None) -> np.ndarray:
    """Return ``gate`` applied to ``state`` (length ``2**num_qubits``, Qiskit order); new array.

    ``angle`` overrides ``gate.angle`` (used for named parameters).

    >>> apply_gate(np.array([1, 0], complex), Gate("x", (0,)), 1).real.tolist()
    [0.0, 1.0]
    """
    psi = np.asarray(state, dtype=complex)
    index = _indices(num_qubits, gate.name, gate.targets, gate.controls)
    if gate.name == "swap":
        return psi[index[0]]
    (u00, u01), (u10, u11) = _matrix(gate.name, gate.angle if angle is None else angle)
    i0, i1 = index
    a0, a1 = psi[i0], psi[i1]
    out = psi.copy()
    out[i0] = u00 * a0 + u01 * a1
    out[i1] = u10 * a0 + u11 * a1
    return out


def basis_labels(num_qubits: int) -> list[str]:
    """Basis-state labels in Qiskit order (qubit 0 is the rightmost bit).

    >>> basis_labels(2)
    ['00', '01', '10', '11']
    """
    return [format(i, f"0{num_qubits}b") for i in range(2**num_qubits)]


# -------------------------------------------------- reduced states (qmlwidgets.states)
def _bloch_vectors(psi: np.ndarray, n: int) -> np.ndarray:
    """(n, 3) array of each qubit's reduced Bloch vector."""
    return np.asarray(states.bloch_vectors(psi), dtype=float).reshape(n, 3)


def _cut_entropy(psi: np.ndarray, n: int, cut: Sequence[int]) -> float:
    """Von Neumann entropy (bits) of the qubits in ``cut``."""
    return float(states.entanglement_entropy(psi, list(cut)))


# ----------------------------------------------------------------------- the model
class CircuitModel:
    """A small editable circuit with undo/redo, parameters, a step position and a cut.

    Parameters
    ----------
    num_qubits : 1..5
    seed : seeds the random generator used by :meth:`measure` (reproducible sequence).

    Editing: :meth:`add` (Qiskit argument order, ``add("rx", "theta", 0)``,
    ``add("cx", 0, 1)``) or :meth:`add_gate` (explicit keywords), :meth:`undo`,
    :meth:`redo`, :meth:`clear`, :meth:`load`, :meth:`set_num_qubits`. Every edit
    validates first and raises ``ValueError`` without changing anything on bad input.

    View state: :meth:`set_step`, :meth:`set_parameter`, :meth:`set_cut`; the matching
    ``check_*`` methods (:meth:`check_num_qubits`, :meth:`check_step`,
    :meth:`check_parameters`, :meth:`check_cut`) validate a value without changing
    anything and return it normalised (what a view uses to refuse bad input up front).
    :meth:`measure` keeps its result in :attr:`counts` until the shown state changes;
    :meth:`snapshot` / :meth:`restore` save and bring back the whole state.

    >>> m = CircuitModel(1).add("ry", "theta", 0)
    >>> m.set_parameter("theta", math.pi).probabilities().round(6).tolist()
    [0.0, 1.0]
    """

    def __init__(self, num_qubits: int = 2, *, seed: int | None = 1234) -> None:
        n = self._check_num_qubits(num_qubits)
        self._history: list[tuple[int, tuple[Gate, ...]]] = [(n, ())]
        self._pos = 0
        self._values: dict[str, float] = {}
        self._param_objs: dict[str, Any] = {}
        self._step: int | None = None
        self._cut: tuple[int, ...] = (0,) if n > 1 else ()
        self._states: list[np.ndarray] = []
        self._rng = np.random.default_rng(seed)
        self._counts: dict[str, int] | None = None
        self._shots = 0
        self.seed = seed

    # ------------------------------------------------------------------ state
    @property
    def num_qubits(self) -> int:
        """Number of qubits (1..5)."""
        return self._history[self._pos][0]

    @property
    def gates(self) -> tuple[Gate, ...]:
        """The gates, in order (immutable records)."""
        return self._history[self._pos][1]

    @property
    def parameters(self) -> list[str]:
        """Names of the free parameters in use, in order of first appearance."""
        seen: dict[str, None] = {}
        for g in self.gates:
            if g.parameter is not None:
                seen.setdefault(g.parameter, None)
        return list(seen)

    @property
    def parameter_values(self) -> dict[str, float]:
        """Current value of every parameter in use (a copy)."""
        return {name: self._values.get(name, 0.0) for name in self.parameters}

    @property
    def step(self) -> int:
        """Shown position: the state after the first ``step`` gates (0 = initial state)."""
        return len(self.gates) if self._step is None else self._step

    @property
    def cut(self) -> tuple[int, ...]:
        """Qubits on one side of the entanglement cut (empty for 1 qubit)."""
        return self._cut

    @property
    def counts(self) -> dict[str, int] | None:
        """Counts of the last :meth:`measure` (a copy), or None once the shown state has changed."""
        return None if self._counts is None else dict(self._counts)

    @property
    def measured_shots(self) -> int:
        """Shots of the last :meth:`measure` behind :attr:`counts` (0 when there are none)."""
        return self._shots if self._counts is not None else 0

    @property
    def can_undo(self) -> bool:
        return self._pos > 0

    @property
    def can_redo(self) -> bool:
        return self._pos < len(self._history) - 1

    def __repr__(self) -> str:
        n, g = self.num_qubits, len(self.gates)
        return f"CircuitModel({n} qubit{'s' * (n != 1)}, {g} gate{'s' * (g != 1)})"

    def __len__(self) -> int:
        return len(self.gates)

    def snapshot(self) -> dict[str, Any]:
        """Everything this model holds (history, values, step, cut, counts, sampler state), for :meth:`restore`.

        >>> m = CircuitModel(1).add("x", 0)
        >>> saved = m.snapshot()
        >>> m.add("h", 0).restore(saved).gates[-1].call()
        'x(0)'
        """
        return {key: self._copy(key, value) for key, value in vars(self).items()}

    def restore(self, snapshot: Mapping[str, Any]) -> "CircuitModel":
        """Go back to a :meth:`snapshot` (a view uses it to keep its last good state)."""
        self.__dict__.update({key: self._copy(key, value) for key, value in snapshot.items()})
        return self

    @staticmethod
    def _copy(key: str, value: Any) -> Any:
        # containers of immutable records and arrays never changed in place: a shallow copy; the random
        # generator in full (a shallow copy would share its bit generator, and not rewind it)
        return copy.deepcopy(value) if key == "_rng" else copy.copy(value)

    def _state_changed(self) -> None:
        """The shown state changed: a histogram belongs to the state it was taken from."""
        self._counts, self._shots = None, 0

    # ------------------------------------------------------------ validation
    @staticmethod
    def _check_num_qubits(n: Any) -> int:
        try:
            n_int = operator.index(n)
        except TypeError:
            raise ValueError(f"num_qubits must be a whole number from 1 to {MAX_QUBITS}, got {n!r}") from None
        if not 1 <= n_int <= MAX_QUBITS:
            raise ValueError(
                f"num_qubits must be from 1 to {MAX_QUBITS}, got {n_int}: the explorer shows every "
                f"amplitude, so it stays small (use qmlwidgets.engine for bigger circuits)"
            )
        return n_int

    def _qubit(self, q: Any, role: str, gate: str, n: int) -> int:
        try:
            if isinstance(q, bool):
                raise TypeError
            qi = operator.index(q)
        except TypeError:
            raise ValueError(f"{gate}: {role} qubit must be an integer, got {q!r}") from None
        if not 0 <= qi < n:
            raise ValueError(
                f"{gate}: {role} qubit {qi} is out of range: this circuit has {n} qubit"
                f"{'s' * (n != 1)} (0 to {n - 1})"
            )
        return qi

    @staticmethod
    def _as_tuple(x: Any) -> tuple[Any, ...]:
        if x is None:
            return ()
        if isinstance(x, (str, bytes)):
            raise ValueError(f"qubits must be integers, got {x!r}")
        if isinstance(x, Iterable):
            return tuple(x)
        return (x,)

    @staticmethod
    def _check_angle(value: Any, gate: str) -> float:
        v = angle(value, f"{gate}: angle")
        if abs(v) > MAX_ANGLE:
            raise ValueError(f"{gate}: angle={v:g} is too large; expected an angle in radians of at most "
                             f"{MAX_ANGLE:g} in size (angles repeat every 2π ≈ 6.283)")
        return v

    @staticmethod
    def _check_parameter_name(name: Any, gate: str = "parameter") -> str:
        if not isinstance(name, str) or not _PARAM_RE.match(name.strip()):
            raise ValueError(
                f"{gate}: parameter name must look like a Python name, e.g. 'theta', 'θ' or "
                f"'θ[0]', got {name!r}"
            )
        return name.strip()

    @staticmethod
    def canonical_name(name: Any) -> str:
        """Lower-case palette name (accepts aliases 'cnot', 'toffoli'); ValueError if unknown."""
        key = str(name).strip().lower() if isinstance(name, str) else None
        key = _ALIASES.get(key, key) if key else key
        if key not in GATES:
            raise ValueError(f"unsupported gate {name!r}; the palette has: {_SUPPORTED_TEXT}")
        return key

    def make_gate(
        self,
        name: str,
        targets: int | Sequence[int],
        controls: int | Sequence[int] = (),
        angle: float | None = None,
        parameter: str | None = None,
        *,
        num_qubits: int | None = None,
    ) -> Gate:
        """Validate and build a :class:`Gate` (does not add it). ValueError on bad input."""
        key = self.canonical_name(name)
        spec = GATES[key]
        n = self.num_qubits if num_qubits is None else num_qubits
        t = tuple(self._qubit(q, "target", key, n) for q in self._as_tuple(targets))
        c = tuple(self._qubit(q, "control", key, n) for q in self._as_tuple(controls))
        if len(t) != spec.n_targets:
            raise ValueError(f"{key} needs {spec.n_targets} target qubit{'s' * (spec.n_targets > 1)}, got {len(t)}")
        if len(c) != spec.n_controls:
            what = f"{spec.n_controls} control qubit{'s' * (spec.n_controls > 1)}" if spec.n_controls else "no control qubit"
            raise ValueError(f"{key} needs {what}, got {len(c)}")
        qubits = c + t
        if len(set(qubits)) != len(qubits):
            if c and set(c) & set(t):
                raise ValueError(
                    f"{key}: control and target must be different qubits (got control {c[0] if len(c) == 1 else list(c)}, "
                    f"target {t[0]})"
                )
            raise ValueError(f"{key}: the qubits must all be different, got {list(qubits)}")
        if spec.has_angle:
            if parameter is None and angle is None:
                raise ValueError(f"{key} needs an angle (a number, radians) or a parameter name such as 'theta'")
            if parameter is not None:
                if angle is not None:
                    self._check_angle(angle, key)  # starting value, validated by the caller's use
                return Gate(key, t, c, None, self._check_parameter_name(parameter, key))
            return Gate(key, t, c, self._check_angle(angle, key), None)
        if angle is not None or parameter is not None:
            raise ValueError(f"{key} takes no angle or parameter (only rx, ry, rz do)")
        return Gate(key, t, c)

    # ---------------------------------------------------------------- edits
    def _push(self, num_qubits: int, gates: tuple[Gate, ...]) -> None:
        old = self._history[self._pos]
        del self._history[self._pos + 1 :]
        self._history.append((num_qubits, gates))
        self._pos += 1
        self._changed(old)

    def _changed(self, old: tuple[int, tuple[Gate, ...]] | None = None) -> None:
        """After an edit: follow the last gate, keep cached states of the unchanged prefix, fix the cut."""
        self._step = None
        self._state_changed()
        n, gates = self._history[self._pos]
        if old is None or old[0] != n:
            self._states = []
        else:
            same = 0
            for a, b in zip(old[1], gates, strict=False):  # a common prefix: the lists may differ in length
                if a != b:
                    break
                same += 1
            del self._states[same + 1 :]
        cut = tuple(q for q in self._cut if q < n)
        if n == 1:
            cut = ()
        elif not cut or len(cut) == n:
            cut = (0,)
        self._cut = cut

    def add_gate(
        self,
        name: str,
        targets: int | Sequence[int],
        controls: int | Sequence[int] = (),
        angle: float | None = None,
        parameter: str | None = None,
    ) -> "CircuitModel":
        """Append a gate. ``targets``/``controls`` are an int or a sequence of ints.

        RX/RY/RZ take ``angle`` (radians) or ``parameter`` (a name; ``angle`` then sets
        its starting value when the parameter is new). Returns ``self`` for chaining.

        >>> CircuitModel(3).add_gate("ccx", targets=2, controls=(0, 1)).gates[0].call()
        'ccx(0, 1, 2)'
        """
        gate = self.make_gate(name, targets, controls, angle, parameter)
        if gate.parameter is not None and gate.parameter not in self.parameters:
            if angle is not None:  # starting value of a new parameter; an existing one keeps its value
                self._values[gate.parameter] = float(angle)
            else:
                self._values.setdefault(gate.parameter, 0.0)
        self._push(self.num_qubits, self.gates + (gate,))
        return self

    def add(self, name: str, *args: Any) -> "CircuitModel":
        """Append a gate with QuantumCircuit's argument order.

        ``add("h", 0)``, ``add("rx", 0.5, 0)``, ``add("rx", "theta", 0)`` (named
        parameter), ``add("cx", control, target)``, ``add("swap", 0, 1)``,
        ``add("ccx", c1, c2, target)``.
        """
        key = self.canonical_name(name)
        spec = GATES[key]
        angle = parameter = None
        if spec.has_angle:
            if not args:
                raise ValueError(f"{key} needs an angle or a parameter name first, e.g. add('{key}', 0.5, 0)")
            first, *rest = args
            args = tuple(rest)
            if isinstance(first, str):
                parameter = first
            else:
                angle = first
        need = spec.n_targets + spec.n_controls
        if len(args) != need:
            raise ValueError(f"{key} needs {need} qubit{'s' * (need > 1)} (got {len(args)}): {self._usage(key)}")
        controls, targets = args[: spec.n_controls], args[spec.n_controls :]
        return self.add_gate(key, targets, controls, angle, parameter)

    @staticmethod
    def _usage(key: str) -> str:
        spec = GATES[key]
        qs = [f"control{i + 1}" if spec.n_controls > 1 else "control" for i in range(spec.n_controls)]
        qs += ["target"] if spec.n_targets == 1 else ["qubit1", "qubit2"]
        if spec.has_angle:
            qs.insert(0, "angle_or_name")
        return f"add('{key}', {', '.join(qs)})"

    def undo(self) -> "CircuitModel":
        """Undo the last edit (add, clear, load, qubit count). ValueError if nothing to undo."""
        if not self.can_undo:
            raise ValueError("nothing to undo")
        self._pos -= 1
        self._changed(self._history[self._pos + 1])
        return self

    def redo(self) -> "CircuitModel":
        """Redo the last undone edit. ValueError if nothing to redo."""
        if not self.can_redo:
            raise ValueError("nothing to redo")
        self._pos += 1
        self._changed(self._history[self._pos - 1])
        return self

    def clear(self) -> "CircuitModel":
        """Remove every gate (undoable). No-op on an empty circuit."""
        if self.gates:
            self._push(self.num_qubits, ())
        return self

    def set_num_qubits(self, num_qubits: int) -> "CircuitModel":
        """Change the number of qubits (undoable); refuses to drop a qubit that a gate uses."""
        n = self.check_num_qubits(num_qubits)
        if n != self.num_qubits:
            self._push(n, self.gates)
        return self

    def check_num_qubits(self, num_qubits: Any) -> int:
        """``num_qubits`` as an int that :meth:`set_num_qubits` accepts now; ValueError otherwise (no change).

        >>> CircuitModel(3).add("x", 2).check_num_qubits(2)
        Traceback (most recent call last):
        ...
        ValueError: cannot shrink to 2 qubits: a gate uses qubit 2; undo or clear first
        """
        n = self._check_num_qubits(num_qubits)
        used = max((max(g.qubits) for g in self.gates), default=-1)
        if used >= n:
            raise ValueError(
                f"cannot shrink to {n} qubit{'s' * (n != 1)}: a gate uses qubit {used}; undo or clear first"
            )
        return n

    def load(
        self, circuit: Any, parameter_values: Mapping[Any, float] | None = None, *, undoable: bool = True
    ) -> "CircuitModel":
        """Replace the circuit by a Qiskit ``QuantumCircuit`` (undoable).

        Supported: the palette gates, barriers (skipped), numeric angles or a single
        ``Parameter`` per rotation. Global phase is ignored. ``parameter_values`` (keys
        are names or Parameter objects) sets starting values; others keep their value or 0.
        ``undoable=False`` starts a fresh history (used when a widget starts from a circuit).
        """
        n, gates, objs = self.parse_circuit(circuit)
        values = {}
        for key, value in (parameter_values or {}).items():
            name = getattr(key, "name", key)
            if name not in objs:
                raise ValueError(f"parameter_values: {name!r} is not a parameter of the circuit ({sorted(objs)})")
            values[name] = self._check_angle(value, f"parameter {name}")
        self._param_objs.update(objs)
        for name in objs:
            self._values.setdefault(name, 0.0)
        self._values.update(values)
        self._states = []  # values may have changed under identical gate records
        if undoable:
            self._push(n, gates)
        else:
            self._history, self._pos = [(n, gates)], 0
            self._changed()
        return self

    def parse_circuit(self, circuit: Any) -> tuple[int, tuple[Gate, ...], dict[str, Any]]:
        """Translate a QuantumCircuit into (num_qubits, gates, {name: Parameter}). ValueError if unsupported."""
        from qiskit import QuantumCircuit
        from qiskit.circuit import Parameter, ParameterExpression

        if not isinstance(circuit, QuantumCircuit):
            raise ValueError(f"expected a qiskit QuantumCircuit, got {type(circuit).__name__}")
        n = circuit.num_qubits
        if n > MAX_QUBITS or n < 1:
            raise ValueError(
                f"the circuit has {n} qubits; the explorer takes 1 to {MAX_QUBITS} qubits "
                f"(it shows all 2**n amplitudes)"
            )
        gates: list[Gate] = []
        objs: dict[str, Any] = {}
        for pos, inst in enumerate(circuit.data):
            op = inst.operation
            if op.name == "barrier":
                continue
            if op.name == "measure":
                raise ValueError(
                    f"the circuit measures (instruction {pos}); load the circuit without measurements, "
                    f"e.g. circuit.remove_final_measurements(inplace=False), and use measure() here"
                )
            key = _ALIASES.get(op.name, op.name)
            if key not in GATES:
                raise ValueError(
                    f"unsupported gate {op.name!r} at instruction {pos}; the explorer supports "
                    f"{_SUPPORTED_TEXT} (barriers are skipped)"
                )
            spec = GATES[key]
            qubits = [circuit.find_bit(q).index for q in inst.qubits]
            controls, targets = qubits[: spec.n_controls], qubits[spec.n_controls :]
            angle = parameter = None
            if spec.has_angle:
                p = op.params[0]
                if isinstance(p, Parameter):
                    parameter = p.name
                    objs[p.name] = p
                elif isinstance(p, ParameterExpression):
                    if p.parameters:
                        raise ValueError(
                            f"gate {key} at instruction {pos} uses the expression {p}; the explorer "
                            f"takes a number or a single Parameter per rotation"
                        )
                    angle = float(p)
                else:
                    angle = float(p)
            try:
                gates.append(self.make_gate(key, targets, controls, angle, parameter, num_qubits=n))
            except ValueError as exc:
                raise ValueError(f"instruction {pos}: {exc}") from None
        return n, tuple(gates), objs

    # ------------------------------------------------------------ parameters
    def set_parameter(self, name: str, value: float) -> "CircuitModel":
        """Set a parameter's value (radians). ValueError if unknown or not finite."""
        if name not in self.parameters:
            known = ", ".join(self.parameters) or "none yet; add e.g. add('rx', 'theta', 0)"
            raise ValueError(f"unknown parameter {name!r}; parameters: {known}")
        v = self._check_angle(value, f"parameter {name}")
        if self._values.get(name) != v:
            self._values[name] = v
            first = next(i for i, g in enumerate(self.gates) if g.parameter == name)
            del self._states[first + 1 :]  # states before the first use stay valid
            self._state_changed()
        return self

    def set_parameters(self, values: Mapping[str, float]) -> "CircuitModel":
        """Set several parameters at once (all validated first)."""
        for name, value in self.check_parameters(values).items():
            self.set_parameter(name, value)
        return self

    def check_parameters(self, values: Any) -> dict[str, float]:
        """``values`` ({name: radians}, a subset of :attr:`parameters`) as floats; ValueError otherwise (no change).

        >>> CircuitModel(1).add("rx", "a", 0).check_parameters({"a": 1})
        {'a': 1.0}
        """
        if not isinstance(values, Mapping):
            raise ValueError(f"parameter values must be a dict {{name: angle in radians}}, got {values!r}")
        out: dict[str, float] = {}
        for name, value in values.items():
            if name not in self.parameters:
                raise ValueError(f"unknown parameter {name!r}; parameters: {', '.join(self.parameters) or 'none'}")
            out[name] = self._check_angle(value, f"parameter {name}")
        return out

    # ------------------------------------------------------------- step & cut
    def set_step(self, k: int) -> "CircuitModel":
        """Show the state after the first ``k`` gates (0 = |0...0>, len(gates) = final)."""
        ki = self.check_step(k)
        if ki != self.step:
            self._state_changed()
        self._step = None if ki == len(self.gates) else ki
        return self

    def check_step(self, k: Any) -> int:
        """``k`` as a step :meth:`set_step` accepts (0..len(gates)); ValueError otherwise (no change)."""
        return whole_number(k, "step", 0, len(self.gates), " (the number of gates)")

    def set_cut(self, qubits: int | Iterable[int]) -> "CircuitModel":
        """Choose the qubits on one side of the entanglement cut (a non-empty proper subset)."""
        self._cut = self.check_cut(qubits)
        return self

    def check_cut(self, qubits: Any) -> tuple[int, ...]:
        """``qubits`` (an int or ints) as the sorted tuple :meth:`set_cut` would keep; ValueError otherwise.

        >>> CircuitModel(3).check_cut([2, 0, 2])
        (0, 2)
        """
        n = self.num_qubits
        if n == 1:
            raise ValueError("an entanglement cut needs at least 2 qubits")
        qs = tuple(sorted({self._qubit(q, "cut", "cut", n) for q in self._as_tuple(qubits)}))
        if not qs:
            raise ValueError("the cut needs at least one qubit on each side; got no qubit")
        if len(qs) == n:
            raise ValueError(f"the cut needs at least one qubit on each side; got all {n} qubits")
        return qs

    # ------------------------------------------------------------- compute
    def _angle(self, gate: Gate) -> float | None:
        if gate.parameter is not None:
            return self._values.get(gate.parameter, 0.0)
        return gate.angle

    def state(self, step: int | None = None) -> np.ndarray:
        """Statevector (Qiskit order) after the first ``step`` gates (default: current step)."""
        k = self.step if step is None else step
        if not 0 <= k <= len(self.gates):
            raise ValueError(f"step must be from 0 to {len(self.gates)}, got {k}")
        n = self.num_qubits
        if not self._states:
            s0 = np.zeros(2**n, dtype=complex)
            s0[0] = 1.0
            self._states = [s0]
        gates = self.gates
        while len(self._states) <= k:
            g = gates[len(self._states) - 1]
            self._states.append(apply_gate(self._states[-1], g, n, self._angle(g)))
        return self._states[k].copy()

    def states(self) -> list[np.ndarray]:
        """Statevectors after 0, 1, ..., len(gates) gates."""
        return [self.state(k) for k in range(len(self.gates) + 1)]

    def probabilities(self, step: int | None = None) -> np.ndarray:
        """Exact outcome probabilities in Qiskit order (see :func:`basis_labels`)."""
        psi = self.state(step)
        return (psi.real**2 + psi.imag**2)

    def bloch_vectors(self, step: int | None = None) -> np.ndarray:
        """(num_qubits, 3) array: reduced Bloch vector (x, y, z) of each qubit."""
        return _bloch_vectors(self.state(step), self.num_qubits)

    def entanglement_entropy(self, cut: Iterable[int] | None = None, step: int | None = None) -> float | None:
        """Von Neumann entropy in bits of the qubits in ``cut`` (default: current cut); None for 1 qubit."""
        if self.num_qubits == 1:
            return None
        if cut is None:
            c = self._cut
        else:
            c = self.check_cut(cut)
        return _cut_entropy(self.state(step), self.num_qubits, c)

    def labels(self) -> list[str]:
        """Basis labels for the current number of qubits, Qiskit order."""
        return basis_labels(self.num_qubits)

    # -------------------------------------------------------------- export
    def _param_obj(self, name: str) -> Any:
        from qiskit.circuit import Parameter

        if name not in self._param_objs:
            self._param_objs[name] = Parameter(name)
        return self._param_objs[name]

    def circuit(self, *, step: int | None = None, marker: bool = False, bound: bool = False) -> Any:
        """A fresh Qiskit ``QuantumCircuit`` of the gates (parameterised unless ``bound``).

        ``step``: only the first ``step`` gates unless ``marker``, which keeps every gate and
        puts a labelled barrier after gate ``step`` (used by the diagram).
        """
        from qiskit import QuantumCircuit

        qc = QuantumCircuit(self.num_qubits)
        k = len(self.gates) if step is None else step
        for i, g in enumerate(self.gates):
            if i == k:
                if not marker:
                    break
                qc.barrier(label=f"step {k}")
            if g.name in GATES and GATES[g.name].has_angle:
                theta = self._angle(g) if (bound or g.parameter is None) else self._param_obj(g.parameter)
                getattr(qc, g.name)(theta, *g.qubits)
            else:
                getattr(qc, g.name)(*g.qubits)
        return qc

    def diagram(self, step: int | None = None) -> str:
        """Qiskit text drawing; with ``step`` < len(gates), a barrier marks the step."""
        k = self.step if step is None else step
        marked = 0 <= k < len(self.gates)
        qc = self.circuit(step=k if marked else None, marker=marked)
        return str(qc.draw("text", fold=-1))

    def to_code(self, *, bind: bool = False) -> str:
        """Python source that rebuilds the circuit (exec it: it defines ``qc``).

        Parameterised by default, with the current values in ``values`` and the bound
        circuit in ``bound``; ``bind=True`` writes the current numbers instead.

        >>> print(CircuitModel(2).add("h", 0).add("cx", 0, 1).to_code(), end="")
        from qiskit import QuantumCircuit
        <BLANKLINE>
        qc = QuantumCircuit(2)
        qc.h(0)
        qc.cx(0, 1)
        """
        params = [] if bind else self.parameters
        vectors: dict[str, int] = {}
        plain: list[str] = []
        for name in params:
            m = _PARAM_RE.match(name)
            if m and m["index"] is not None:
                obj = self._param_objs.get(name)
                length = len(obj.vector) if obj is not None and hasattr(obj, "vector") else 0
                vectors[m["base"]] = max(vectors.get(m["base"], 0), length, int(m["index"]) + 1)
            else:
                plain.append(name)
        variables = plain + list(vectors)
        # variable names that would collide with the code's own names or each other -> a dict
        as_dict = len(set(variables)) != len(variables) or any(
            v in _RESERVED or v == "params" or keyword.iskeyword(v) for v in variables
        )

        def ref(name: str) -> str:
            return f"params[{name!r}]" if as_dict else name

        body: list[str] = [f"qc = QuantumCircuit({self.num_qubits})"]
        uses_pi = False
        for g in self.gates:
            if GATES[g.name].has_angle:
                if g.parameter is not None and not bind:
                    text = ref(g.parameter)
                else:
                    text = format_angle(self._angle(g))
                    uses_pi |= "pi" in text
                body.append(f"qc.{g.call(text)}")
            else:
                body.append(f"qc.{g.call()}")
        kinds = ["Parameter"] if as_dict else (["Parameter"] if plain else []) + (["ParameterVector"] if vectors else [])
        lines = ["from math import pi"] if uses_pi else []
        lines.append("from qiskit import QuantumCircuit")
        if params:
            lines.append(f"from qiskit.circuit import {', '.join(kinds)}")
        lines.append("")
        if as_dict:
            lines += [f"params = {{name: Parameter(name) for name in {params!r}}}", ""]
        elif params:
            lines += [f"{name} = Parameter({name!r})" for name in plain]
            lines += [f"{base} = ParameterVector({base!r}, {length})" for base, length in vectors.items()]
            lines.append("")
        lines += body
        if params:
            vals = ", ".join(f"{ref(name)}: {self._values.get(name, 0.0)!r}" for name in params)
            lines += ["", "# current slider values", f"values = {{{vals}}}", "bound = qc.assign_parameters(values)"]
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------- sampling
    def measure(self, shots: int = 1024) -> dict[str, int]:
        """Sample the final state (current step) ``shots`` times; counts keyed by Qiskit bitstrings.

        Seeded: a model built with the same seed gives the same sequence of results.
        Uses ``qmlwidgets.engine.Sampler``. The result stays in :attr:`counts` until the
        shown state changes (an edit, another step, a new parameter value).
        """
        s = whole_number(shots, "shots", 1, MAX_SHOTS)
        qc = self.circuit(step=self.step, bound=True)
        qc.measure_all()
        seed = int(self._rng.integers(2**31 - 1))
        sampler = _make_sampler(seed)
        result = sampler.run([qc], shots=s).result()
        counts = result[0].data.meas.get_counts()
        self._counts, self._shots = {k: int(v) for k, v in sorted(counts.items())}, s
        return dict(self._counts)


def sampler_backend() -> str:
    """Name of the sampler :meth:`CircuitModel.measure` uses: always the engine's."""
    return "qmlwidgets.engine.Sampler"


def _make_sampler(seed: int) -> Any:
    from qmlwidgets.engine import Sampler  # here, not at the top: the engine imports Qiskit (slow)

    return Sampler(seed=seed)
