"""Widget-free model behind :class:`qmlwidgets.widgets.bloch.BlochExplorer`.

A :class:`BlochModel` owns the explorer's state: the state of 1–5 qubits (a statevector, or
a density matrix once noise is applied), the start state the circuit begins from, the
selected qubit, an undo stack of immutable :class:`BlochSnapshot` records, the operations
applied since the start (exported as a Qiskit circuit), the drawn paths (trail and last arc
of each qubit) and a seeded random generator for measurements. Every action validates its
input first and raises a ``ValueError`` that says what was wrong and what is expected; a
refused action changes nothing.

Everything here is pure Python + NumPy (Qiskit only inside :attr:`~BlochModel.circuit` and
:attr:`~BlochModel.state`): no ipywidgets, no plotly.

Example::

    >>> m = BlochModel(seed=7)                  # |0>
    >>> m.apply("h"); m.apply("s")              # |+>, then |+i>
    >>> m.bloch_vectors.round(3) + 0.0
    array([[0., 1., 0.]])
    >>> m.undo(); m.bloch_vectors.round(3) + 0.0
    True
    array([[1., 0., 0.]])
    >>> m.measure(100, "X")
    {'0': 100}
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import states as S
from .validate import angle

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import DensityMatrix, Statevector

__all__ = ["BlochModel", "BlochSnapshot", "MAX_ANGLE", "MAX_QUBITS", "TRAIL_SEGMENTS", "UNDO_DEPTH", "ZERO_LENGTH",
           "bounded_angle"]

MAX_QUBITS = S.MAX_EXPLORER_QUBITS
TRAIL_SEGMENTS = 40  # the trail keeps the last 40 paths per qubit
UNDO_DEPTH = 200
ZERO_LENGTH = 1e-6  # a Bloch vector shorter than this has no direction
MAX_ANGLE = 1e6  # radians; larger angles are typing mistakes (and lose all precision mod 2π)


def bounded_angle(value: Any, name: str) -> float:
    """A finite angle of at most :data:`MAX_ANGLE` radians in size, else a ValueError saying so.

    >>> bounded_angle(1.5, "theta")
    1.5
    """
    v = angle(value, name)
    if abs(v) > MAX_ANGLE:
        raise ValueError(f"{name}={v:g} is too large; expected an angle in radians of at most {MAX_ANGLE:g} "
                         "in size (angles repeat every 2π ≈ 6.283)")
    return v


def _drawn_angle(a: float) -> float:
    """The turn drawn for a rotation by ``a``: reduced mod 2π (sign kept; a whole turn stays one turn)."""
    r = math.fmod(a, 2 * math.pi)
    return math.copysign(2 * math.pi, a) if abs(r) < 1e-12 and a != 0 else r


@dataclass(frozen=True)
class BlochSnapshot:
    """Immutable state of a :class:`BlochModel`; the undo stack is a list of these.

    ``ops`` entries are ``("gate", name, qubit, angle_or_None)``, ``("rv", qubit, (vx, vy, vz))``
    or ``("channel", name, qubit, strength)``.
    """

    state: np.ndarray  # statevector (2**n,) or density matrix (2**n, 2**n)
    start: np.ndarray  # state the circuit starts from
    ops: tuple  # operations applied since ``start``
    trails: tuple  # per qubit: tuple of (m, 3) path arrays
    arc: tuple | None  # (qubit, (m, 3) path) of the last action
    drag: int | None = None  # qubit whose direction set_angles is currently setting (coalesces undo)

    @property
    def num_qubits(self) -> int:
        return S.num_qubits(self.state)


def _fresh(arr: np.ndarray) -> BlochSnapshot:
    n = S.num_qubits(arr)
    return BlochSnapshot(arr, arr, (), ((),) * n, None)


class BlochModel:
    """State, undo history and computation of the Bloch explorer (no widgets).

    Parameters
    ----------
    state : None (|0>), a list/array of ``2**n`` amplitudes, a density matrix array, a
        ``Statevector``, ``DensityMatrix`` or a ``QuantumCircuit`` without free parameters
        (at most 5 qubits). Bad input raises ``ValueError``.
    seed : seed of the ``numpy.random.default_rng`` used by :meth:`measure`.

    Actions (:meth:`apply`, :meth:`apply_channel`, :meth:`set_angles`, :meth:`set_state`,
    :meth:`reset`) push the previous snapshot on the undo stack; :meth:`undo` pops it.
    :meth:`measure` samples without changing the state.

    >>> m = BlochModel([1, 1] / np.sqrt(2))
    >>> m.apply_channel("depolarizing", 0.5); m.bloch_vectors.round(3) + 0.0
    array([[0.5, 0. , 0. ]])
    >>> m.history
    (('channel', 'depolarizing', 0, 0.5),)
    """

    def __init__(self, state: Any = None, *, seed: int | None = 1234) -> None:
        arr = self.read_state(state, "state")
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.initial = arr
        self.snapshot = _fresh(arr)
        self.undo_stack: list[BlochSnapshot] = []
        self._selected = 0
        self.last_counts: dict[str, int] | None = None
        self.last_measure: tuple[str, int] | None = None  # (basis, shots) of last_counts
        self._vectors = S.bloch_vectors(arr)
        self._vectors_of: np.ndarray = arr

    # ------------------------------------------------------------------ read-back
    @property
    def num_qubits(self) -> int:
        """Number of qubits of the current state."""
        return self.snapshot.num_qubits

    @property
    def state_array(self) -> np.ndarray:
        """Current state as a NumPy array (statevector ``(2**n,)`` or density matrix); do not modify."""
        return self.snapshot.state

    @property
    def state(self) -> Statevector | DensityMatrix:
        """Current state: a ``Statevector`` (pure, no noise applied) or a ``DensityMatrix``."""
        from qiskit.quantum_info import DensityMatrix, Statevector

        a = self.snapshot.state
        return Statevector(a.copy()) if a.ndim == 1 else DensityMatrix(a.copy())

    @property
    def start_state(self) -> Statevector | DensityMatrix:
        """State the :attr:`circuit` starts from (set by the constructor, :meth:`set_state`, :meth:`reset`)."""
        from qiskit.quantum_info import DensityMatrix, Statevector

        a = self.snapshot.start
        return Statevector(a.copy()) if a.ndim == 1 else DensityMatrix(a.copy())

    @property
    def history(self) -> tuple:
        """Operations applied since :attr:`start_state` (see :class:`BlochSnapshot`), oldest first."""
        return self.snapshot.ops

    @property
    def circuit(self) -> QuantumCircuit:
        """Gates (and noise channels, as Kraus instructions) applied since :attr:`start_state`.

        ``DensityMatrix(m.start_state).evolve(m.circuit)`` reproduces ``m.state``; without
        noise, ``m.start_state.evolve(m.circuit)`` does too (global phase included).
        """
        from qiskit import QuantumCircuit
        from qiskit.circuit.library import RVGate
        from qiskit.quantum_info import Kraus

        qc = QuantumCircuit(self.num_qubits)
        for op in self.snapshot.ops:
            if op[0] == "gate":
                _, name, q, ang = op
                if ang is None:
                    getattr(qc, name)(q)
                else:
                    getattr(qc, name)(ang, q)
            elif op[0] == "rv":
                qc.append(RVGate(*op[2]), [op[1]])
            else:
                _, name, q, p = op
                inst = Kraus(S.kraus_operators(name, p)).to_instruction()
                inst.label = f"{name}({p:.3g})"
                qc.append(inst, [q])
        return qc

    @property
    def bloch_vectors(self) -> np.ndarray:
        """Reduced Bloch vector of every qubit, shape ``(n, 3)`` (row q = qubit q); a fresh copy."""
        return self._vecs().copy()

    def _vecs(self) -> np.ndarray:
        if self._vectors_of is not self.snapshot.state:  # computed once per state
            self._vectors = S.bloch_vectors(self.snapshot.state)
            self._vectors_of = self.snapshot.state
        return self._vectors

    def angles(self, qubit: int | None = None) -> tuple[float, float] | None:
        """``(theta, phi)`` of ``qubit``'s Bloch vector (default: the selected one); None if it has no
        direction (length below :data:`ZERO_LENGTH`). ``phi`` is 0 on the z axis.

        >>> BlochModel([1, 1j] / np.sqrt(2)).angles() == (math.pi / 2, math.pi / 2)
        True
        """
        q = self._selected if qubit is None else self.check_qubit(qubit)
        r = self._vecs()[q]
        if float(np.linalg.norm(r)) < ZERO_LENGTH:
            return None
        return S.angles_from_bloch(r)

    @property
    def can_undo(self) -> bool:
        """True if :meth:`undo` has something to undo."""
        return bool(self.undo_stack)

    @property
    def selected_qubit(self) -> int:
        """Qubit that :meth:`set_angles` acts on by default; kept below :attr:`num_qubits`."""
        return self._selected

    @selected_qubit.setter
    def selected_qubit(self, qubit: Any) -> None:
        self._selected = self.check_qubit(qubit, "selected_qubit")

    # ------------------------------------------------------------------ validation
    @staticmethod
    def read_state(state: Any, name: str = "state") -> np.ndarray:
        """The state array of a constructor-style input (None = |0>), or a ValueError."""
        if state is None:
            return np.array([1, 0], dtype=complex)
        return S.as_state_array(state, max_qubits=MAX_QUBITS, name=name)

    def check_qubit(self, qubit: Any, name: str = "qubit") -> int:
        """``qubit`` as an int in ``range(num_qubits)``, else a ValueError naming ``name``."""
        n = self.num_qubits
        if isinstance(qubit, bool) or not isinstance(qubit, (int, np.integer)) or not 0 <= qubit < n:
            raise ValueError(f"{name}={qubit!r} is not valid; expected an integer from 0 to {n - 1}")
        return int(qubit)

    @staticmethod
    def check_basis(basis: Any) -> str:
        """``basis`` as one of ``'Z'``, ``'X'``, ``'Y'`` (any case), else a ValueError."""
        b = str(basis).strip().upper() if isinstance(basis, str) else None
        if b not in S.BASES:
            raise ValueError(f"basis {basis!r} is not valid; expected 'Z', 'X' or 'Y'")
        return b

    def check_direction(self, qubit: int) -> np.ndarray:
        """Bloch vector of ``qubit``, or a ValueError if it is too short to have a direction."""
        r = self._vecs()[qubit]
        if np.linalg.norm(r) < ZERO_LENGTH:
            raise ValueError(f"qubit {qubit} has a Bloch vector of length 0 (maximally mixed or maximally "
                             "entangled), so it has no direction to set; apply gates, undo or set a new state "
                             "instead")
        return r

    # ------------------------------------------------------------------ actions
    def apply(self, gate: str, qubit: int = 0, angle: float | None = None) -> None:
        """Apply a gate (x, y, z, h, s, sdg, t, tdg, sx, sxdg, id, or rx/ry/rz with ``angle``) to ``qubit``.

        >>> m = BlochModel(); m.apply("x"); m.bloch_vectors.round(3) + 0.0
        array([[ 0.,  0., -1.]])
        """
        q = self.check_qubit(qubit)
        key = S.gate_name(gate)
        if angle is not None:
            angle = bounded_angle(angle, f"{key} angle")
        axis, ang = S.gate_axis_angle(key, angle)
        u = S.gate_matrix(key, angle)
        new = S.apply_unitary(self.snapshot.state, u, q)
        path = S.rotation_path(self._vecs()[q], axis, _drawn_angle(ang))
        self._commit(new, ("gate", key, q, None if not S.takes_angle(key) else float(ang)), q, path)

    def apply_channel(self, name: str, strength: float, qubit: int = 0) -> None:
        """Apply a noise channel (depolarizing, amplitude_damping, dephasing) of ``strength`` in [0, 1]."""
        q = self.check_qubit(qubit)
        key = S.channel_name(name)
        p = S.check_strength(strength)
        new = S.apply_channel(self.snapshot.state, key, p, q)
        path = S.channel_path(self._vecs()[q], key, p)
        self._commit(new, ("channel", key, q, p), q, path)

    def set_angles(self, theta: float, phi: float, qubit: int | None = None) -> bool:
        """Point ``qubit``'s Bloch vector (default: the selected one) at polar angle ``theta``, azimuth ``phi``.

        Done by the shortest rotation (recorded as an ``rv`` gate), so a mixed or entangled
        qubit keeps its length. Consecutive calls on the same qubit (a slider drag) merge into
        one undo step. Returns True if the state changed.

        >>> m = BlochModel(); m.set_angles(np.pi / 2, np.pi / 2); m.bloch_vectors.round(3) + 0.0
        True
        array([[0., 1., 0.]])
        """
        q = self._selected if qubit is None else self.check_qubit(qubit)
        th, ph = bounded_angle(theta, "theta"), bounded_angle(phi, "phi")
        target = np.array([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)])
        dragging = self.snapshot.drag == q and bool(self.undo_stack)
        base = self.undo_stack[-1] if dragging else self.snapshot
        r = S.bloch_vectors(base.state)[q] if dragging else self.check_direction(q)
        if np.linalg.norm(r) < ZERO_LENGTH:
            raise ValueError(f"qubit {q} had a Bloch vector of length 0 before this drag, so it has no direction "
                             "to set; apply gates, undo or set a new state instead")
        axis, ang = S.rotation_between(r, target)
        if ang < 1e-12:
            if dragging:  # dragged back to where it started: drop the merged step
                self.snapshot = self.undo_stack.pop()
                self._measured(None)
                return True
            return False
        new = S.apply_unitary(base.state, S.unitary_from_axis_angle(axis, ang), q)
        path = S.rotation_path(r, axis, ang)
        self._commit(new, ("rv", q, tuple(float(c) for c in axis * ang)), q, path, base=base, drag=q)
        return True

    def set_state(self, state: Any) -> None:
        """Start from a new state (same inputs as the constructor); clears the circuit and trail. Undoable."""
        arr = self.read_state(state, "state")
        self._push()
        self._set(_fresh(arr))

    def reset(self) -> None:
        """Go back to the constructor's state; clears the circuit and trail. Undoable."""
        self._push()
        self._set(_fresh(self.initial))

    def undo(self) -> bool:
        """Undo the last action (gate, channel, angle drag, set_state, reset); False if nothing to undo."""
        if not self.undo_stack:
            return False
        self._set(self.undo_stack.pop())
        return True

    def measure(self, shots: int = 1000, basis: str = "Z") -> dict[str, int]:
        """Sample ``shots`` measurements of all qubits in the Z, X or Y basis (seeded); returns counts.

        Keys are Qiskit-style bitstrings (qubit 0 rightmost); bit 0 means |0>, |+> or |+i>.
        The state is not collapsed: this shows the statistics of repeated preparations.
        """
        b = self.check_basis(basis)
        if isinstance(shots, bool) or not isinstance(shots, (int, np.integer)) or not 1 <= shots <= 10**7:
            raise ValueError(f"shots={shots!r} is not valid; expected a whole number from 1 to 10**7")
        probs = S.measurement_probabilities(self.snapshot.state, b)
        counts = S.sample_counts(probs, int(shots), self.rng)
        self._measured((counts, (b, int(shots))))
        return counts

    # ------------------------------------------------------------------ save / restore
    def save(self) -> tuple:
        """An opaque token of everything an action can change (for :meth:`restore` after a failure)."""
        return (self.snapshot, list(self.undo_stack), self.last_counts, self.last_measure, self._selected)

    def restore(self, token: tuple) -> None:
        """Put the model back on a :meth:`save` token."""
        snap, undo, counts, measure, selected = token
        self.snapshot = snap
        self.undo_stack[:] = undo
        self.last_counts, self.last_measure = counts, measure
        self._selected = min(selected, snap.num_qubits - 1)

    # ------------------------------------------------------------------ internals
    def _push(self) -> None:
        self.undo_stack.append(self.snapshot)
        if len(self.undo_stack) > UNDO_DEPTH:
            del self.undo_stack[0]

    def _set(self, snap: BlochSnapshot) -> None:
        self.snapshot = snap
        self._selected = min(self._selected, snap.num_qubits - 1)
        self._measured(None)

    def _measured(self, result: tuple | None) -> None:
        self.last_counts, self.last_measure = (None, None) if result is None else result

    def _commit(self, new: np.ndarray, op: tuple, q: int, path: np.ndarray, *, base: BlochSnapshot | None = None,
                drag: int | None = None) -> None:
        if base is None or base is self.snapshot:
            base = self.snapshot
            self._push()
        trails = list(base.trails)
        trails[q] = (base.trails[q] + (path,))[-TRAIL_SEGMENTS:]
        self._set(BlochSnapshot(new, base.start, base.ops + (op,), tuple(trails), (q, path), drag))

    def __repr__(self) -> str:
        n = self.num_qubits
        return f"BlochModel({n} qubit{'s' * (n != 1)}, {len(self.snapshot.ops)} operations)"
