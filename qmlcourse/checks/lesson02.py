"""Checkers for lesson 02 (gates and circuits).

>>> from qiskit import QuantumCircuit
>>> from qmlcourse.checks import lesson02 as check
>>> qc = QuantumCircuit(1); _ = qc.h(0); _ = qc.sdg(0)
>>> ok = check.minus_i_circuit(qc)
✅ Exercise 2.1 — prepare |−i⟩: correct. Bloch vector (0.000, -1.000, 0.000): |−i⟩.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker

_S2 = 1 / math.sqrt(2)


def _fidelity(a: np.ndarray, b: np.ndarray) -> float:
    return float(abs(np.vdot(a, b)) ** 2)


def circuit_state(answer: Any, num_qubits: int, name: str) -> np.ndarray:
    """Statevector of an answer circuit on ``num_qubits`` qubits, or raise a Verdict with a hint.

    Shared by the lesson checkers that ask for a state-preparation circuit.
    """
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    if not isinstance(answer, QuantumCircuit):
        raise Verdict(False, f"`{name}` should be a QuantumCircuit (e.g. `{name} = QuantumCircuit"
                             f"({num_qubits})` followed by gates), got {type(answer).__name__}.")
    if answer.num_qubits != num_qubits:
        raise Verdict(False, f"Your circuit has {answer.num_qubits} qubit(s); this exercise needs {num_qubits}.")
    if answer.num_parameters:
        raise Verdict(False, "Your circuit has unbound parameters; use numbers for the angles "
                             "(or bind them with assign_parameters).")
    if any(inst.operation.name in ("measure", "reset") for inst in answer.data):
        raise Verdict(False, "Leave out measurements (and resets): the exercise asks for the state "
                             "before measuring — measuring would collapse it.")
    return np.asarray(Statevector(answer).data, dtype=complex)


# --------------------------------------------------------------------------- 2.1
_NAMED = {
    "|0⟩": np.array([1, 0]), "|1⟩": np.array([0, 1]),
    "|+⟩": np.array([_S2, _S2]), "|−⟩": np.array([_S2, -_S2]),
    "|+i⟩": np.array([_S2, 1j * _S2]), "|−i⟩": np.array([_S2, -1j * _S2]),
}
_HINTS_21 = {
    "|+⟩": "You are on the equator at |+⟩; now turn −90° about z (sdg) to reach |−i⟩.",
    "|−⟩": "You are on the equator at |−⟩; one more quarter turn about z (s) brings you to |−i⟩.",
    "|0⟩": "Your circuit leaves the qubit at |0⟩ (the north pole). First bring it to the equator (h), "
           "then turn it about z.",
    "|1⟩": "You are at |1⟩ (the south pole). |−i⟩ is on the equator: try h first, then a turn about z.",
}


@checker("Exercise 2.1 — prepare |−i⟩")
def minus_i_circuit(answer: Any) -> Verdict:
    """``answer`` is a one-qubit circuit taking |0⟩ to |−i⟩ = (|0⟩ − i|1⟩)/√2 (global phase free)."""
    from qmlwidgets import states as S

    psi = circuit_state(answer, 1, "qc_minus_i")
    r = S.bloch_vector(psi)
    vec = f"({r[0]:.3f}, {r[1]:.3f}, {r[2]:.3f})".replace("-0.000", "0.000")
    if _fidelity(_NAMED["|−i⟩"], psi) > 1 - 1e-6:
        phase = "" if abs(psi[0] - _S2) < 1e-6 else " (Your state differs by a global phase only — that is fine.)"
        return Verdict(True, f"Bloch vector {vec}: |−i⟩.{phase}")
    if _fidelity(_NAMED["|+i⟩"], psi) > 1 - 1e-6:
        names = {inst.operation.name for inst in answer.data}
        if names & {"s", "sdg"}:
            return Verdict(False, "You reached |+i⟩, the opposite point of the equator. S turns the Bloch vector "
                                  "+90° about z; you need −90°: use sdg (S†) instead of S, or add a Z.")
        return Verdict(False, "You reached |+i⟩, the opposite point of the equator: your turn went the wrong "
                              "way round. Flip the sign of your rotation angle (or add a half turn about z).")
    for label, hint in _HINTS_21.items():
        if _fidelity(_NAMED[label], psi) > 1 - 1e-6:
            return Verdict(False, hint)
    return Verdict(False, f"Your Bloch vector is {vec}; |−i⟩ is (0, −1, 0). h takes |0⟩ to |+⟩ on the "
                          "equator; s turns +90° about z and sdg −90°.")


# --------------------------------------------------------------------------- 2.2
def _ket(label: str) -> np.ndarray:
    return {"0": np.array([1, 0]), "1": np.array([0, 1]), "+": np.array([_S2, _S2])}[label].astype(complex)


# qubit 0 = |1>, qubit 1 = |0>, qubit 2 = |+>
_Q0, _Q1, _Q2 = _ket("1"), _ket("0"), _ket("+")
_QISKIT = np.kron(_Q2, np.kron(_Q1, _Q0))  # Qiskit: qubit 0 is the rightmost factor
_REVERSED = np.kron(_Q0, np.kron(_Q1, _Q2))  # textbook order: qubit 0 leftmost


@checker("Exercise 2.2 — a three-qubit product state in Qiskit order")
def three_qubit_state(answer: Any) -> Verdict:
    """``answer``: the 8 amplitudes of q0 = |1⟩, q1 = |0⟩, q2 = |+⟩ in Qiskit (little-endian) order."""
    data = getattr(answer, "data", answer)
    try:
        a = np.asarray(data, dtype=complex)
    except (TypeError, ValueError):
        return Verdict(False, f"Give the amplitudes as a NumPy array (or a Statevector), got {type(answer).__name__}.")
    if a.ndim != 1 or a.shape[0] != 8:
        extra = (" Build it with np.kron (tensor product), not by concatenating the qubit vectors."
                 if a.size in (3, 6) else "")
        return Verdict(False, f"A three-qubit state has 2³ = 8 amplitudes, got shape {a.shape}.{extra}")
    if not np.all(np.isfinite(a)):
        return Verdict(False, "Your vector contains NaN or infinite numbers.")
    if np.allclose(a, np.abs(_QISKIT) ** 2, atol=1e-6) or np.allclose(a, np.abs(_REVERSED) ** 2, atol=1e-6):
        return Verdict(False, "These look like probabilities (0.5), not amplitudes (1/√2 ≈ 0.7071). "
                              "Use the amplitudes of |+⟩ = (|0⟩ + |1⟩)/√2.")
    norm2 = float(np.vdot(a, a).real)
    if abs(norm2 - 1) > 1.5e-3:  # amplitudes rounded to 3 decimals (0.707) are fine
        return Verdict(False, f"Not normalised: the sum of |amplitude|² is {norm2:.6g}, but it must be 1.")
    a = a / math.sqrt(norm2)
    if _fidelity(_QISKIT, a) > 1 - 1e-6:
        return Verdict(True, "Non-zero amplitudes at |001⟩ and |101⟩: qubit 0 is the rightmost bit (it is 1), "
                             "qubit 2 the leftmost (|+⟩ spreads it over 0 and 1).")
    if _fidelity(_REVERSED, a) > 1 - 1e-6:
        return Verdict(False, "Reversed qubit order! You built the textbook (big-endian) vector with qubit 0 "
                              "leftmost (non-zero at |100⟩, |101⟩). Qiskit puts qubit 0 RIGHTMOST: "
                              "np.kron(q2, np.kron(q1, q0)), i.e. Statevector.from_label('+01').")
    nz = [format(i, "03b") for i in np.flatnonzero(np.abs(a) > 1e-6)]
    return Verdict(False, f"Your state has non-zero amplitudes at {', '.join('|' + b + '⟩' for b in nz)}. "
                          "Qubit 0 must be 1 (the rightmost bit), qubit 1 must be 0 and qubit 2 (leftmost bit) "
                          "in |+⟩.")


# --------------------------------------------------------------------------- 2.3
@checker("Exercise 2.3 — a Pauli label in Qiskit order")
def pauli_label(answer: Any) -> Verdict:
    """``answer``: label of Z on qubit 2 times X on qubit 0 of a 3-qubit circuit, i.e. ``"ZIX"``."""
    from qiskit.quantum_info import Pauli, SparsePauliOp

    if isinstance(answer, SparsePauliOp):
        if len(answer) != 1 or not np.isclose(answer.coeffs[0], 1):
            return Verdict(False, "Give a single Pauli string with coefficient 1, e.g. SparsePauliOp('...').")
        label = answer.paulis[0].to_label()
    elif isinstance(answer, Pauli):
        label = answer.to_label()
    elif isinstance(answer, str):
        label = answer.strip().replace(" ", "")
    else:
        return Verdict(False, f"Give the label as a string such as 'XYZ', got {type(answer).__name__}.")
    if label != label.upper() and label.upper() in ("ZIX", "XIZ"):
        return Verdict(False, "Qiskit's Pauli letters are capitals: I, X, Y, Z.")
    if len(label) != 3 or set(label) - set("IXYZ"):
        return Verdict(False, f"{label!r} is not a 3-qubit Pauli label: write one letter from I, X, Y, Z per "
                              "qubit, 3 letters in all (I for a qubit left alone).")
    if label == "ZIX":
        return Verdict(True, "'ZIX': qubit 2's letter comes first, qubit 0's last — the same order as the "
                             "bitstrings.")
    if label == "XIZ":
        return Verdict(False, "Reversed: Pauli labels are little-endian like bitstrings, so the RIGHTMOST letter "
                              "acts on qubit 0. 'XIZ' puts Z on qubit 0 and X on qubit 2.")
    return Verdict(False, f"{label!r} puts " + ", ".join(f"{c} on qubit {2 - i}" for i, c in enumerate(label))
                   + ". We want Z on qubit 2, I on qubit 1 and X on qubit 0 (rightmost letter = qubit 0).")


# ----------------------------------------------------------------------------- predict, then reveal
def predict_x0_index(guess: Any) -> Any:
    """Record the learner's prediction of which of the 4 amplitudes (index 0–3) `qc.x(0)` on two qubits sets to 1 (a number; never raises)."""
    return _predict.record("02-x0-index", guess, "the index (0–3) of the amplitude that qc.x(0) sets to 1 on two qubits")


def reveal_x0_index(truth: float) -> Any:
    """Print the recorded prediction next to the computed ``truth``; True when within 0.5."""
    return _predict.reveal("02-x0-index", truth, "the index (0–3) of the amplitude that qc.x(0) sets to 1 on two qubits", tolerance=0.5,
                           note="Qiskit is little-endian: qubit 0 is the lowest bit of the index, so X on qubit 0 gives index 1, label '01'.")
