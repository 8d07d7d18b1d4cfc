"""Qubit states as geometry: Bloch vectors, reduced states, entanglement, rotations, noise.

Pure NumPy (plus Qiskit types on input); no ipywidgets or plotly. Shared by the
Bloch-sphere explorer, the circuit explorer and the lessons.

Conventions
-----------
* States are NumPy arrays: a statevector has shape ``(2**n,)``, a density matrix
  ``(2**n, 2**n)``. Every function also accepts Qiskit ``Statevector`` /
  ``DensityMatrix`` objects, and lists.
* Qubit order is Qiskit's little-endian order: qubit 0 is the *rightmost* bit of a
  basis label, so amplitude index ``i = sum_q b_q 2**q``.
* Bloch vector ``r = (<X>, <Y>, <Z>)``; pure state
  ``cos(theta/2)|0> + exp(i phi) sin(theta/2)|1>`` has
  ``r = (sin theta cos phi, sin theta sin phi, cos theta)``.
* Rotations: the gate ``exp(-i angle/2 n.sigma)`` turns the Bloch vector by ``angle``
  about the unit axis ``n`` (right-hand rule), so ``Rz(a)`` turns it by ``+a``.

Example
-------
>>> import numpy as np
>>> from qmlwidgets import states
>>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
>>> states.bloch_vectors(bell).round(3) + 0.0        # one row per qubit: both at the centre
array([[0., 0., 0.],
       [0., 0., 0.]])
>>> round(states.entanglement_entropy(bell, [0]), 6)
1.0
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .validate import angle as _angle

__all__ = [
    "MAX_DENSE_QUBITS",
    "MAX_EXPLORER_QUBITS",
    "GATES",
    "CHANNELS",
    "gate_name",
    "takes_angle",
    "channel_name",
    "check_strength",
    "BASES",
    "as_state_array",
    "num_qubits",
    "is_pure",
    "to_density_matrix",
    "state_from_angles",
    "angles_from_bloch",
    "bloch_vector",
    "density_from_bloch",
    "bloch_vectors",
    "reduced_density_matrix",
    "reduced_density_matrices",
    "purity",
    "von_neumann_entropy",
    "entanglement_entropy",
    "gate_matrix",
    "gate_axis_angle",
    "unitary_from_axis_angle",
    "unitary_axis_angle",
    "rotation_matrix",
    "rotation_path",
    "rotation_between",
    "apply_unitary",
    "kraus_operators",
    "apply_kraus",
    "apply_channel",
    "channel_bloch_map",
    "channel_path",
    "measurement_probabilities",
    "sample_counts",
]

MAX_DENSE_QUBITS = 10
"""Hard ceiling of :func:`as_state_array`'s ``max_qubits``: the dense small-state maths here (density
matrices of 4**n entries). The engine's own limit is :data:`qmlwidgets.engine.MAX_QUBITS`."""

MAX_EXPLORER_QUBITS = 5
"""How many qubits the Bloch and circuit explorers show (one sphere / one row each); defined once here
for both (``circuit_model.MAX_QUBITS`` and ``widgets.bloch.MAX_QUBITS`` are this value)."""

ATOL = 1e-8
"""Tolerance for normalisation / hermiticity / positivity checks."""

_I2 = np.eye(2, dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.array([[1, 0], [0, -1]], dtype=complex)
_PAULIS = (_X, _Y, _Z)

_S2 = 1 / np.sqrt(2)
# name -> (unit axis, rotation angle) of the Bloch-sphere rotation; None angle = parametrised
_GATE_ROTATIONS: dict[str, tuple[tuple[float, float, float], float | None]] = {
    "id": ((0.0, 0.0, 1.0), 0.0),
    "x": ((1.0, 0.0, 0.0), np.pi),
    "y": ((0.0, 1.0, 0.0), np.pi),
    "z": ((0.0, 0.0, 1.0), np.pi),
    "h": ((_S2, 0.0, _S2), np.pi),
    "s": ((0.0, 0.0, 1.0), np.pi / 2),
    "sdg": ((0.0, 0.0, 1.0), -np.pi / 2),
    "t": ((0.0, 0.0, 1.0), np.pi / 4),
    "tdg": ((0.0, 0.0, 1.0), -np.pi / 4),
    "sx": ((1.0, 0.0, 0.0), np.pi / 2),
    "sxdg": ((1.0, 0.0, 0.0), -np.pi / 2),
    "rx": ((1.0, 0.0, 0.0), None),
    "ry": ((0.0, 1.0, 0.0), None),
    "rz": ((0.0, 0.0, 1.0), None),
}
_GATE_MATRICES: dict[str, np.ndarray] = {
    "id": _I2,
    "x": _X,
    "y": _Y,
    "z": _Z,
    "h": np.array([[1, 1], [1, -1]], dtype=complex) * _S2,
    "s": np.diag([1, 1j]),
    "sdg": np.diag([1, -1j]),
    "t": np.diag([1, np.exp(1j * np.pi / 4)]),
    "tdg": np.diag([1, np.exp(-1j * np.pi / 4)]),
    "sx": 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]),
    "sxdg": 0.5 * np.array([[1 - 1j, 1 + 1j], [1 + 1j, 1 - 1j]]),
}
_ALIASES = {"i": "id", "s†": "sdg", "t†": "tdg", "sdag": "sdg", "tdag": "tdg", "√x": "sx"}

GATES: tuple[str, ...] = tuple(_GATE_ROTATIONS)
"""Single-qubit gate names understood by :func:`gate_matrix` (Qiskit names, lower case)."""

CHANNELS: tuple[str, ...] = ("depolarizing", "amplitude_damping", "dephasing")
"""Single-qubit noise channels understood by :func:`kraus_operators`."""
_CHANNEL_ALIASES = {
    "depolarising": "depolarizing",
    "depolarize": "depolarizing",
    "amplitude damping": "amplitude_damping",
    "amplitude-damping": "amplitude_damping",
    "phase_damping": "dephasing",
    "phase damping": "dephasing",
}

BASES: tuple[str, ...] = ("Z", "X", "Y")
"""Measurement bases understood by :func:`measurement_probabilities`."""


# --------------------------------------------------------------------------- input
def _is_power_of_two(n: int) -> bool:
    return n >= 2 and (n & (n - 1)) == 0


def as_state_array(state: Any, *, max_qubits: int = 5, name: str = "state") -> np.ndarray:
    """Validate ``state`` and return it as a complex statevector or density matrix array.

    Accepts a list / array of ``2**n`` amplitudes, a ``2**n x 2**n`` density matrix, a
    Qiskit ``Statevector``, ``DensityMatrix`` or a ``QuantumCircuit`` without free
    parameters (final measurements are dropped; the circuit acts on ``|0...0>``).
    Raises ``ValueError`` naming what is wrong and what is expected.

    >>> as_state_array([1, 0]).tolist()
    [(1+0j), 0j]
    >>> as_state_array([1, 1])
    Traceback (most recent call last):
    ...
    ValueError: state is not normalised: sum of |amplitude|**2 is 2 but must be 1 (divide the amplitudes by 1.41421)
    """
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import DensityMatrix, Statevector

    max_qubits = min(int(max_qubits), MAX_DENSE_QUBITS)
    if isinstance(state, QuantumCircuit):
        return _circuit_state(state, max_qubits, name)
    if isinstance(state, (Statevector, DensityMatrix)):
        dims = state.dims()
        if any(d != 2 for d in dims):
            raise ValueError(f"{name} has subsystem dimensions {dims}; expected qubits (all dimensions 2)")
        data = np.asarray(state.data)
    else:
        try:
            data = np.asarray(state)
        except Exception as exc:  # ragged lists, odd objects
            raise ValueError(f"{name} could not be read as an array ({exc}); expected a list of amplitudes, "
                             "a density matrix, a Statevector, DensityMatrix or QuantumCircuit") from None
        if data.dtype == object or not (np.issubdtype(data.dtype, np.number) or data.dtype == bool):
            raise ValueError(f"{name} of type {type(state).__name__} is not numeric; expected a list of amplitudes, "
                             "a density matrix, a Statevector, DensityMatrix or QuantumCircuit")
    data = data.astype(complex, copy=True)
    if data.ndim == 1:
        dim = data.shape[0]
    elif data.ndim == 2 and data.shape[0] == data.shape[1]:
        dim = data.shape[0]
    else:
        raise ValueError(f"{name} has shape {data.shape}; expected (2**n,) amplitudes or a (2**n, 2**n) density matrix")
    if not _is_power_of_two(dim):
        raise ValueError(f"{name} has dimension {dim}; expected a power of two (2 for one qubit, 4 for two, ...)")
    n = dim.bit_length() - 1
    if n > max_qubits:
        raise ValueError(f"{name} has {n} qubits; at most {max_qubits} are supported here")
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{name} contains NaN or infinite entries; expected finite numbers")
    if data.ndim == 1:
        norm2 = float(np.vdot(data, data).real)
        if abs(norm2 - 1) > 1e-6:
            hint = f" (divide the amplitudes by {np.sqrt(norm2):.6g})" if norm2 > 0 else ""
            raise ValueError(f"{name} is not normalised: sum of |amplitude|**2 is {norm2:.6g} but must be 1{hint}")
        return data
    if not np.allclose(data, data.conj().T, atol=1e-6):
        raise ValueError(f"{name} is not a valid density matrix: it is not Hermitian (rho must equal rho^dagger)")
    tr = float(np.trace(data).real)
    if abs(tr - 1) > 1e-6:
        raise ValueError(f"{name} is not a valid density matrix: its trace is {tr:.6g} but must be 1")
    lo = float(np.linalg.eigvalsh(data)[0])
    if lo < -1e-6:
        raise ValueError(f"{name} is not a valid density matrix: it has a negative eigenvalue {lo:.3g} "
                         "(a density matrix must be positive semidefinite)")
    return data


def _circuit_state(circuit: Any, max_qubits: int, name: str) -> np.ndarray:
    from qiskit.quantum_info import DensityMatrix, Statevector

    if circuit.num_parameters:
        names = ", ".join(p.name for p in circuit.parameters)
        raise ValueError(f"{name}: the circuit has free parameters ({names}); bind them first, "
                         "e.g. circuit.assign_parameters(values)")
    n = circuit.num_qubits
    if n < 1:
        raise ValueError(f"{name}: the circuit has no qubits; expected 1 to {max_qubits} qubits")
    if n > max_qubits:
        raise ValueError(f"{name}: the circuit has {n} qubits; at most {max_qubits} are supported here")
    circ = circuit.remove_final_measurements(inplace=False) if circuit.num_clbits else circuit
    # resets / noise need a density matrix (Statevector would sample a random branch)
    non_unitary = any(inst.operation.name in ("reset", "measure", "kraus", "superop")
                      for inst in circ.data)
    if not non_unitary:
        try:
            return np.asarray(Statevector(circ).data, dtype=complex)
        except Exception:
            pass
    try:
        return np.asarray(DensityMatrix(circ).data, dtype=complex)
    except Exception as exc:
        raise ValueError(f"{name}: the circuit could not be simulated ({exc}); expected unitary gates "
                         "(final measurements are ignored)") from None


def _arr(state: Any) -> np.ndarray:
    """Fast path: array view of a trusted state (no validation)."""
    data = getattr(state, "data", state)
    return np.asarray(data, dtype=complex)


def num_qubits(state: Any) -> int:
    """Number of qubits of a statevector or density matrix.

    >>> num_qubits([1, 0, 0, 0])
    2
    """
    return int(_arr(state).shape[0]).bit_length() - 1


def is_pure(state: Any, atol: float = 1e-9) -> bool:
    """True for a statevector or a density matrix of purity 1.

    >>> is_pure(np.eye(2) / 2)
    False
    """
    a = _arr(state)
    return a.ndim == 1 or abs(purity(a) - 1) < atol


def to_density_matrix(state: Any) -> np.ndarray:
    """Density matrix ``|psi><psi|`` of a statevector (density matrices pass through).

    >>> to_density_matrix([0, 1]).real.tolist()
    [[0.0, 0.0], [0.0, 1.0]]
    """
    a = _arr(state)
    return np.outer(a, a.conj()) if a.ndim == 1 else a


# --------------------------------------------------------------------------- one qubit
def state_from_angles(theta: float, phi: float) -> np.ndarray:
    """Pure qubit state ``cos(theta/2)|0> + exp(i phi) sin(theta/2)|1>``.

    >>> state_from_angles(np.pi / 2, 0).round(4).tolist()    # |+>
    [(0.7071+0j), (0.7071+0j)]
    """
    return np.array([np.cos(theta / 2), np.exp(1j * phi) * np.sin(theta / 2)], dtype=complex)


def angles_from_bloch(vector: Sequence[float] | np.ndarray, atol: float = 1e-12) -> tuple[float, float]:
    """Polar angle ``theta`` in [0, pi] and azimuth ``phi`` in [0, 2 pi) of a Bloch vector.

    The length of the vector is ignored; ``phi`` is 0 on the z axis, and both are 0 for the
    zero vector (no direction).

    >>> [round(a, 4) for a in angles_from_bloch([0, 1, 0])]   # |+i>
    [1.5708, 1.5708]
    """
    x, y, z = (float(c) for c in vector)
    rho = math.hypot(x, y)
    if rho < atol and abs(z) < atol:
        return 0.0, 0.0
    theta = math.atan2(rho, z)
    phi = math.atan2(y, x) % (2 * math.pi) if rho >= atol else 0.0
    if phi >= 2 * math.pi:  # a tiny negative angle can round up to 2 pi
        phi = 0.0
    return theta, phi


def bloch_vector(state: Any) -> np.ndarray:
    """Bloch vector ``(<X>, <Y>, <Z>)`` of a one-qubit statevector or density matrix.

    >>> bloch_vector([1, 1j] / np.sqrt(2)).round(6).tolist()
    [0.0, 1.0, 0.0]
    """
    a = _arr(state)
    if a.shape[0] != 2:
        raise ValueError(f"bloch_vector needs a one-qubit state (dimension 2), got dimension {a.shape[0]}; "
                         "use bloch_vectors() for several qubits")
    if a.ndim == 1:
        a0, a1 = a
        c = a0 * np.conj(a1)
        return np.array([2 * c.real, -2 * c.imag, abs(a0) ** 2 - abs(a1) ** 2]) + 0.0  # no -0.0
    return np.array([2 * a[0, 1].real, -2 * a[0, 1].imag, (a[0, 0] - a[1, 1]).real]) + 0.0


def density_from_bloch(vector: Sequence[float] | np.ndarray) -> np.ndarray:
    """One-qubit density matrix ``(I + r.sigma) / 2`` of a Bloch vector ``r`` (|r| <= 1).

    >>> density_from_bloch([0, 0, 0]).real.tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    x, y, z = (float(c) for c in vector)
    return 0.5 * np.array([[1 + z, x - 1j * y], [x + 1j * y, 1 - z]], dtype=complex)


# --------------------------------------------------------------------------- many qubits
def reduced_density_matrix(state: Any, keep: Sequence[int]) -> np.ndarray:
    """Partial trace: density matrix of the qubits ``keep`` (all others traced out).

    ``keep[j]`` becomes qubit ``j`` of the result (little-endian), so with a sorted list
    this equals ``qiskit.quantum_info.partial_trace(state, traced_out_qubits)``.

    >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> reduced_density_matrix(bell, [0]).real.round(6).tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    a = _arr(state)
    n = num_qubits(a)
    keep = [int(q) for q in keep]
    if len(set(keep)) != len(keep) or any(not 0 <= q < n for q in keep):
        raise ValueError(f"keep={keep} must list distinct qubits between 0 and {n - 1}")
    traced = [q for q in range(n) if q not in keep]
    k = len(keep)
    # tensor axis of qubit q is n-1-q (C order, qubit 0 = last axis)
    kept_axes = [n - 1 - q for q in reversed(keep)]  # big-endian order of the result
    traced_axes = [n - 1 - q for q in traced]
    if a.ndim == 1:
        t = a.reshape((2,) * n).transpose(kept_axes + traced_axes).reshape(2**k, 2 ** (n - k))
        return t @ t.conj().T
    perm = kept_axes + traced_axes + [n + ax for ax in kept_axes] + [n + ax for ax in traced_axes]
    t4 = a.reshape((2,) * (2 * n)).transpose(perm).reshape(2**k, 2 ** (n - k), 2**k, 2 ** (n - k))
    return np.einsum("ajbj->ab", t4)


def reduced_density_matrices(state: Any) -> np.ndarray:
    """The one-qubit reduced density matrix of every qubit, shape ``(n, 2, 2)``.

    >>> reduced_density_matrices([0, 1, 0, 0])[0].real.tolist()   # |01>: qubit 0 is |1>
    [[0.0, 0.0], [0.0, 1.0]]
    """
    a = _arr(state)
    n = num_qubits(a)
    out = np.empty((n, 2, 2), dtype=complex)
    for q in range(n):
        left, right = 2 ** (n - 1 - q), 2**q
        if a.ndim == 1:
            t = a.reshape(left, 2, right)
            out[q] = np.einsum("iaj,ibj->ab", t, t.conj())
        else:
            t = a.reshape(left, 2, right, left, 2, right)
            out[q] = np.einsum("iajibj->ab", t)
    return out


def bloch_vectors(state: Any) -> np.ndarray:
    """Reduced Bloch vector of every qubit, shape ``(n, 3)``; row ``q`` is qubit ``q``.

    Lengths below 1 mean the qubit is mixed (entangled with the others, or noisy).

    >>> bloch_vectors([0, 1, 0, 0]).tolist()      # |01>: qubit 0 = |1>, qubit 1 = |0>
    [[0.0, 0.0, -1.0], [0.0, 0.0, 1.0]]
    """
    rhos = reduced_density_matrices(state)
    r01 = rhos[:, 0, 1]
    return np.stack([2 * r01.real, -2 * r01.imag, (rhos[:, 0, 0] - rhos[:, 1, 1]).real], axis=1) + 0.0


def purity(state: Any) -> float:
    """Purity ``Tr(rho^2)``: 1 for pure states, ``1/2**n`` for the maximally mixed state.

    >>> purity(np.eye(2) / 2)
    0.5
    """
    a = _arr(state)
    if a.ndim == 1:
        return float(np.vdot(a, a).real ** 2)
    return float(np.einsum("ij,ji->", a, a).real)


def von_neumann_entropy(state: Any, base: float = 2) -> float:
    """Von Neumann entropy ``-Tr(rho log rho)`` (in bits by default); 0 for pure states.

    >>> von_neumann_entropy(np.eye(4) / 4)
    2.0
    """
    a = _arr(state)
    if a.ndim == 1:
        return 0.0
    ev = np.linalg.eigvalsh(a)
    ev = ev[ev > 1e-12]
    s = float(-np.sum(ev * np.log(ev)) / np.log(base))
    return max(s, 0.0)


def entanglement_entropy(state: Any, qubits: Sequence[int], base: float = 2) -> float:
    """Entropy of the reduced state of ``qubits``: the entanglement across that cut for a pure state.

    >>> ghz = np.zeros(8); ghz[[0, 7]] = 2 ** -0.5
    >>> round(entanglement_entropy(ghz, [0, 1]), 6)
    1.0
    """
    return von_neumann_entropy(reduced_density_matrix(state, sorted(int(q) for q in qubits)), base)


# --------------------------------------------------------------------------- gates as rotations
def gate_name(name: str) -> str:
    """The canonical key of a single-qubit gate name (case and aliases such as ``"i"`` folded), or a
    ValueError listing :data:`GATES`.

    >>> gate_name(" RX "), gate_name("I")
    ('rx', 'id')
    """
    return _canonical(name, _ALIASES, GATES, "gate")


def _canonical(name: str, aliases: dict[str, str], known: Sequence[str], kind: str) -> str:
    key = str(name).strip().lower()
    key = aliases.get(key, key)
    if key not in known:
        raise ValueError(f"unknown {kind} {name!r}; expected one of {', '.join(known)}")
    return key


def takes_angle(gate: str) -> bool:
    """True for the rotation gates whose angle is free (``rx``, ``ry``, ``rz``), False for fixed gates.

    >>> takes_angle("ry"), takes_angle("H")
    (True, False)
    """
    return _GATE_ROTATIONS[gate_name(gate)][1] is None


def _check_angle(key: str, angle: float | None) -> float | None:
    if _GATE_ROTATIONS[key][1] is None:
        if angle is None:
            raise ValueError(f"gate {key!r} needs an angle (in radians), e.g. angle=np.pi / 2")
        return _angle(angle, "angle")
    if angle is not None:
        raise ValueError(f"gate {key!r} takes no angle (got angle={angle!r}); only rx, ry, rz do")
    return None


def gate_axis_angle(name: str, angle: float | None = None) -> tuple[np.ndarray, float]:
    """Rotation axis (unit 3-vector) and angle of a named single-qubit gate on the Bloch sphere.

    ``H`` turns by pi about ``(x + z)/sqrt 2``; ``S`` by pi/2 about z; ``rx(a)`` by ``a`` about x.

    >>> axis, ang = gate_axis_angle("h"); axis.round(4).tolist(), round(ang, 4)
    ([0.7071, 0.0, 0.7071], 3.1416)
    """
    key = gate_name(name)
    a = _check_angle(key, angle)
    axis, fixed = _GATE_ROTATIONS[key]
    angle_out = fixed if a is None else a
    assert angle_out is not None  # _check_angle: a gate without a fixed angle was given one
    return np.array(axis, dtype=float), float(angle_out)


def unitary_from_axis_angle(axis: Sequence[float] | np.ndarray, angle: float) -> np.ndarray:
    """SU(2) matrix ``exp(-i angle/2 n.sigma)`` (``axis`` is normalised first).

    >>> unitary_from_axis_angle([0, 0, 1], np.pi).round(6).tolist()   # Rz(pi) = -iZ
    [[-1j, 0j], [0j, 1j]]
    """
    n = np.asarray(axis, dtype=float)
    norm = np.linalg.norm(n)
    if norm < 1e-15:
        return _I2.copy()
    n = n / norm
    ns = n[0] * _X + n[1] * _Y + n[2] * _Z
    return np.cos(angle / 2) * _I2 - 1j * np.sin(angle / 2) * ns


def gate_matrix(name: str, angle: float | None = None) -> np.ndarray:
    """2x2 unitary of a named gate (Qiskit's matrices, including their global phase).

    >>> gate_matrix("x").real.tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    key = gate_name(name)
    a = _check_angle(key, angle)
    if a is None:
        return _GATE_MATRICES[key].copy()
    return unitary_from_axis_angle(_GATE_ROTATIONS[key][0], a)


def unitary_axis_angle(unitary: Any) -> tuple[np.ndarray, float]:
    """Axis and angle in [0, pi] of the Bloch rotation performed by any 2x2 unitary.

    The global phase is discarded; for the identity the axis is z and the angle 0.

    >>> axis, ang = unitary_axis_angle(gate_matrix("s")); axis.tolist(), round(ang, 4)
    ([0.0, 0.0, 1.0], 1.5708)
    """
    u = np.asarray(getattr(unitary, "data", unitary), dtype=complex)
    if u.shape != (2, 2) or not np.allclose(u.conj().T @ u, _I2, atol=1e-6):
        raise ValueError(f"expected a 2x2 unitary matrix, got shape {u.shape}"
                         + ("" if u.shape != (2, 2) else " that is not unitary"))
    v = u / np.sqrt(np.linalg.det(u))  # SU(2), up to a sign
    if np.trace(v).real < 0:
        v = -v
    c = float(np.clip(np.trace(v).real / 2, -1.0, 1.0))
    s_n = np.array([(1j * np.trace(p @ v) / 2).real for p in _PAULIS])
    s = np.linalg.norm(s_n)
    angle = float(2 * np.arctan2(s, c))
    if s < 1e-12:
        return np.array([0.0, 0.0, 1.0]), 0.0
    return s_n / s, angle


def rotation_matrix(axis: Sequence[float] | np.ndarray, angle: float) -> np.ndarray:
    """3x3 rotation matrix (Rodrigues) turning vectors by ``angle`` about ``axis``.

    >>> (rotation_matrix([0, 0, 1], np.pi / 2) @ [1, 0, 0]).round(6).tolist()
    [0.0, 1.0, 0.0]
    """
    n = np.asarray(axis, dtype=float)
    n = n / np.linalg.norm(n)
    k = np.array([[0, -n[2], n[1]], [n[2], 0, -n[0]], [-n[1], n[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)


def rotation_path(vector: Sequence[float] | np.ndarray, axis: Sequence[float] | np.ndarray, angle: float,
                  num_points: int | None = None) -> np.ndarray:
    """Points ``(m, 3)`` along the arc a Bloch vector travels when rotated by ``angle`` about ``axis``.

    The first row is ``vector``, the last the rotated vector. By default about one point per
    3 degrees (at least 2). Works inside the ball too (mixed states keep their length).

    >>> rotation_path([0, 0, 1], *gate_axis_angle("x"), num_points=3).round(6) + 0.0   # |0> -> -y -> |1>
    array([[ 0.,  0.,  1.],
           [ 0., -1.,  0.],
           [ 0.,  0., -1.]])
    """
    r = np.asarray(vector, dtype=float)
    if num_points is None:
        num_points = max(2, int(np.ceil(abs(angle) / np.radians(3))) + 1)
    n = np.asarray(axis, dtype=float)
    n = n / np.linalg.norm(n)
    t = np.linspace(0.0, angle, int(num_points))[:, None]
    along = n * (n @ r)
    return r * np.cos(t) + np.cross(n, r) * np.sin(t) + along * (1 - np.cos(t))


def rotation_between(start: Sequence[float] | np.ndarray, target: Sequence[float] | np.ndarray,
                     atol: float = 1e-9) -> tuple[np.ndarray, float]:
    """Axis and angle of the shortest rotation taking the direction of ``start`` to that of ``target``.

    Raises ``ValueError`` if either vector is (nearly) zero — it has no direction.

    >>> axis, ang = rotation_between([0, 0, 1], [1, 0, 0]); axis.tolist(), round(ang, 4)
    ([0.0, 1.0, 0.0], 1.5708)
    """
    u, v = np.asarray(start, dtype=float), np.asarray(target, dtype=float)
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu < atol or nv < atol:
        raise ValueError("a Bloch vector of length 0 (maximally mixed qubit) has no direction to rotate")
    u, v = u / nu, v / nv
    cross = np.cross(u, v)
    s, c = np.linalg.norm(cross), float(np.clip(u @ v, -1.0, 1.0))
    angle = float(np.arctan2(s, c))
    if s > 1e-12:
        return cross / s, angle
    if c > 0:
        return np.array([0.0, 0.0, 1.0]), 0.0
    # antiparallel: any axis perpendicular to u; prefer one in the xy-plane
    perp = np.cross(u, [0.0, 0.0, 1.0])
    if np.linalg.norm(perp) < 1e-6:
        perp = np.cross(u, [1.0, 0.0, 0.0])
    return perp / np.linalg.norm(perp), np.pi


def apply_unitary(state: Any, unitary: Any, qubit: int = 0) -> np.ndarray:
    """Apply a 2x2 unitary to ``qubit`` of a statevector (``U psi``) or density matrix (``U rho U^dagger``).

    >>> apply_unitary([1, 0, 0, 0], gate_matrix("x"), qubit=1).real.tolist()   # |00> -> |10>
    [0.0, 0.0, 1.0, 0.0]
    """
    a = _arr(state)
    u = np.asarray(getattr(unitary, "data", unitary), dtype=complex)
    n = num_qubits(a)
    left, right = 2 ** (n - 1 - qubit), 2**qubit
    if a.ndim == 1:
        return np.einsum("ab,ibj->iaj", u, a.reshape(left, 2, right)).reshape(-1)
    t = a.reshape(left, 2, right, left, 2, right)
    t = np.einsum("ab,ibjkcl,dc->iajkdl", u, t, u.conj())
    return t.reshape(a.shape)


# --------------------------------------------------------------------------- channels
def channel_name(name: str) -> str:
    """The canonical key of a noise channel name (case and aliases folded), or a ValueError listing
    :data:`CHANNELS`.

    >>> channel_name("Depolarizing")
    'depolarizing'
    """
    return _canonical(name, _CHANNEL_ALIASES, CHANNELS, "channel")


def check_strength(strength: float) -> float:
    """A channel strength as a float in [0, 1], or a ValueError saying what is expected.

    >>> check_strength("0.25")
    0.25
    """
    try:
        p = float(strength)
    except (TypeError, ValueError):
        raise ValueError(f"strength {strength!r} is not a number; expected a value in [0, 1]") from None
    if not np.isfinite(p) or not 0.0 <= p <= 1.0:
        raise ValueError(f"strength {strength!r} is outside [0, 1]; expected a value in [0, 1]")
    return p


def kraus_operators(name: str, strength: float) -> list[np.ndarray]:
    """Kraus operators of a single-qubit channel with ``strength`` p in [0, 1].

    * ``"depolarizing"``: ``rho -> (1-p) rho + p I/2`` — the Bloch vector shrinks to ``(1-p) r``
      (Qiskit Aer's ``depolarizing_error(p, 1)``).
    * ``"amplitude_damping"``: ``|1>`` decays to ``|0>`` with probability p (Aer's
      ``amplitude_damping_error(p)``): ``(x, y, z) -> (sqrt(1-p) x, sqrt(1-p) y, p + (1-p) z)``.
    * ``"dephasing"``: coherences shrink by ``(1-p)``: ``(x, y, z) -> ((1-p) x, (1-p) y, z)``
      (a phase flip with probability p/2).

    >>> [k.shape for k in kraus_operators("amplitude_damping", 0.1)]
    [(2, 2), (2, 2)]
    """
    key = channel_name(name)
    p = check_strength(strength)
    if key == "depolarizing":
        return [np.sqrt(1 - 3 * p / 4) * _I2] + [np.sqrt(p / 4) * s for s in _PAULIS]
    if key == "amplitude_damping":
        return [np.array([[1, 0], [0, np.sqrt(1 - p)]], dtype=complex),
                np.array([[0, np.sqrt(p)], [0, 0]], dtype=complex)]
    return [np.sqrt(1 - p / 2) * _I2, np.sqrt(p / 2) * _Z]


def apply_kraus(state: Any, kraus: Sequence[Any], qubit: int = 0) -> np.ndarray:
    """Apply a single-qubit channel ``rho -> sum_k K rho K^dagger`` to ``qubit``; returns a density matrix.

    >>> apply_kraus([1, 0], kraus_operators("depolarizing", 1.0)).real.round(6).tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    rho = to_density_matrix(state)
    n = num_qubits(rho)
    left, right = 2 ** (n - 1 - qubit), 2**qubit
    t = rho.reshape(left, 2, right, left, 2, right)
    ks = np.stack([np.asarray(getattr(k, "data", k), dtype=complex) for k in kraus])
    out = np.einsum("kab,ibjmcl,kdc->iajmdl", ks, t, ks.conj())
    return out.reshape(rho.shape)


def apply_channel(state: Any, name: str, strength: float, qubit: int = 0) -> np.ndarray:
    """Apply a named single-qubit channel (see :func:`kraus_operators`) to ``qubit``.

    >>> bloch_vector(apply_channel([0, 1], "amplitude_damping", 0.5)).round(6).tolist()   # |1> half decayed
    [0.0, 0.0, 0.0]
    """
    return apply_kraus(state, kraus_operators(name, strength), qubit)


def channel_bloch_map(name: str, strength: float) -> tuple[np.ndarray, np.ndarray]:
    """Affine Bloch-ball map ``r -> M r + c`` of a named channel: returns ``(M, c)``.

    >>> M, c = channel_bloch_map("depolarizing", 0.25); np.diag(M).tolist(), c.tolist()
    ([0.75, 0.75, 0.75], [0.0, 0.0, 0.0])
    """
    key = channel_name(name)
    p = check_strength(strength)
    if key == "depolarizing":
        return np.eye(3) * (1 - p), np.zeros(3)
    if key == "amplitude_damping":
        s = np.sqrt(1 - p)
        return np.diag([s, s, 1 - p]), np.array([0.0, 0.0, p])
    return np.diag([1 - p, 1 - p, 1.0]), np.zeros(3)


def channel_path(vector: Sequence[float] | np.ndarray, name: str, strength: float,
                 num_points: int = 21) -> np.ndarray:
    """Points ``(m, 3)`` the Bloch vector passes as the channel's strength grows from 0 to ``strength``.

    >>> channel_path([0, 0, 1], "depolarizing", 1.0, num_points=3).tolist()
    [[0.0, 0.0, 1.0], [0.0, 0.0, 0.5], [0.0, 0.0, 0.0]]
    """
    r = np.asarray(vector, dtype=float)
    p = check_strength(strength)
    out = np.empty((int(num_points), 3))
    for i, s in enumerate(np.linspace(0.0, p, int(num_points))):
        m, c = channel_bloch_map(name, float(s))
        out[i] = m @ r + c
    return out


# --------------------------------------------------------------------------- measurement
_BASIS_CHANGE = {
    "Z": None,
    "X": _GATE_MATRICES["h"],
    "Y": _GATE_MATRICES["h"] @ _GATE_MATRICES["sdg"],  # |+i> -> |0>, |-i> -> |1>
}


def _basis_letters(basis: str, n: int) -> str:
    b = str(basis).strip().upper()
    if len(b) == 1:
        b = b * n
    if len(b) != n or any(c not in _BASIS_CHANGE for c in b):
        raise ValueError(f"basis {basis!r} is not valid; expected 'Z', 'X' or 'Y' (or one letter per qubit, "
                         f"{n} letters, qubit 0 last)")
    return b


def measurement_probabilities(state: Any, basis: str = "Z") -> np.ndarray:
    """Outcome probabilities (length ``2**n``, Qiskit order) of measuring every qubit in ``basis``.

    ``basis`` is ``"Z"``, ``"X"`` or ``"Y"`` for all qubits, or one letter per qubit written
    like a Pauli label (rightmost letter = qubit 0). Outcome bit 0 means ``|0>``, ``|+>``,
    ``|+i>`` respectively, bit 1 means ``|1>``, ``|->``, ``|-i>``.

    >>> measurement_probabilities([1, 0], "X").round(6).tolist()
    [0.5, 0.5]
    """
    a = _arr(state)
    n = num_qubits(a)
    letters = _basis_letters(basis, n)
    for q in range(n):
        u = _BASIS_CHANGE[letters[n - 1 - q]]
        if u is not None:
            a = apply_unitary(a, u, q)
    p = np.abs(a) ** 2 if a.ndim == 1 else np.diagonal(a).real.copy()
    p = np.clip(p, 0.0, None)
    return p / p.sum()


def sample_counts(probabilities: Sequence[float] | np.ndarray, shots: int,
                  rng: np.random.Generator | int | None = None) -> dict[str, int]:
    """Sample ``shots`` outcomes; returns Qiskit-style counts ``{bitstring: count}`` (non-zero only).

    >>> sample_counts([0.5, 0.5], 100, rng=1)
    {'0': 45, '1': 55}
    """
    p = np.asarray(probabilities, dtype=float)
    try:
        shots_i = int(shots)
    except (TypeError, ValueError):
        raise ValueError(f"shots {shots!r} is not an integer; expected a whole number >= 1") from None
    if shots_i != shots or shots_i < 1:
        raise ValueError(f"shots={shots!r} is not valid; expected a whole number >= 1")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    counts = gen.multinomial(shots_i, p / p.sum())
    width = max(1, int(p.shape[0]).bit_length() - 1)
    return {format(i, f"0{width}b"): int(c) for i, c in enumerate(counts) if c}
