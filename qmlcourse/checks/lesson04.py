"""Checkers for lesson 04 (data encoding)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker


def _label(index: int, n: int) -> str:
    return format(index, f"0{n}b")


@checker("Exercise 4.1 — basis-encode the number 6")
def basis_six(answer: Any) -> Verdict:
    """``answer``: a 3-qubit QuantumCircuit preparing |110⟩ (the integer 6) from |000⟩."""
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    if not isinstance(answer, QuantumCircuit):
        return Verdict(False, f"Expected a QuantumCircuit, got {type(answer).__name__}. Start from "
                              "`qc_six = QuantumCircuit(3)` and add X gates.")
    if answer.num_parameters:
        return Verdict(False, "Your circuit has unbound parameters; basis encoding needs only X gates.")
    n = answer.num_qubits
    if n != 3:
        return Verdict(False, f"Your circuit has {n} qubits. 6 = 110 in binary needs exactly 3 qubits.")
    qc = answer.remove_final_measurements(inplace=False)
    if any(inst.operation.name == "measure" for inst in qc.data):
        return Verdict(False, "Measure nothing in the middle of the circuit: it should only prepare the state.")
    probs = Statevector(qc).probabilities()
    k = int(np.argmax(probs))
    if probs[k] < 1 - 1e-9:
        big = [_label(i, 3) for i in np.flatnonzero(probs > 1e-9)]
        return Verdict(False, f"Your state is a superposition of {', '.join(big)}. Basis encoding gives ONE "
                              "basis state: use X gates only (no H or rotations by other angles).")
    if k == 6:
        return Verdict(True, "|110⟩: X on qubits 1 and 2, and qubit 0 (the rightmost bit) stays 0.")
    if k == 3:
        return Verdict(False, "You prepared |011⟩ (= 3): the bits are reversed. In Qiskit qubit 0 is the "
                              "RIGHTMOST bit, so 6 = 110 means X on qubits 1 and 2.")
    return Verdict(False, f"You prepared |{_label(k, 3)}⟩ (= {k}). 6 = 4 + 2 = 110 in binary; qubit q carries "
                          "the bit worth 2**q.")


_PAIRS_SEED = 404


def _test_pairs() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(_PAIRS_SEED)
    pairs = [(np.array([0.3, 1.2]), np.array([1.0, 0.4])), (np.array([0.0]), np.array([np.pi]))]
    for d in (1, 2, 3, 4):
        pairs.append((rng.uniform(0, np.pi, d), rng.uniform(0, np.pi, d)))
    return pairs


def _fidelity(x: np.ndarray, x2: np.ndarray) -> float:
    return float(np.prod(np.cos((x - x2) / 2) ** 2))


@checker("Exercise 4.2 — fidelity of two angle-encoded points")
def angle_fidelity(answer: Any) -> Verdict:
    """``answer(x, x2)`` returns |⟨φ(x)|φ(x2)⟩|² for RY angle encoding (one qubit per feature)."""
    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.angle_fidelity(angle_fidelity).")
    got, want = [], []
    for x, x2 in _test_pairs():
        value = answer(x.copy(), x2.copy())
        if value is None:
            return Verdict(False, "Your function returns None: finish it with `return ...`.")
        v = np.asarray(value, dtype=float)
        if v.size != 1:
            return Verdict(False, f"Return ONE number (the fidelity), not an array of shape {v.shape}: "
                                  "multiply the per-qubit factors together.")
        got.append(float(v.reshape(())))
        want.append(_fidelity(x, x2))
    got_a, want_a = np.array(got), np.array(want)
    if np.allclose(got_a, want_a, atol=1e-8):
        return Verdict(True, "Product over qubits of cos²((x_i − x'_i)/2): a product state gives a product "
                             "of one-qubit overlaps.")
    pairs = _test_pairs()
    alternatives = {
        "amplitude": [float(np.prod(np.abs(np.cos((a - b) / 2)))) for a, b in pairs],
        "full angle": [float(np.prod(np.cos(a - b) ** 2)) for a, b in pairs],
        "sum": [float(np.sum(np.cos((a - b) / 2) ** 2)) for a, b in pairs],
        "mean": [float(np.mean(np.cos((a - b) / 2) ** 2)) for a, b in pairs],
        "no abs": [float(np.prod(np.cos((a - b) / 2))) for a, b in pairs],
    }
    hints = {
        "amplitude": "That is the overlap ⟨φ(x)|φ(x')⟩ itself; the fidelity is its SQUARE, |⟨φ(x)|φ(x')⟩|².",
        "no abs": "That is the overlap ⟨φ(x)|φ(x')⟩ itself; the fidelity is its SQUARE, |⟨φ(x)|φ(x')⟩|².",
        "full angle": "RY(x) rotates by x but its amplitudes use HALF the angle: cos(x/2), sin(x/2). Use "
                      "cos²((x_i − x'_i)/2).",
        "sum": "Combine the qubits with a PRODUCT, not a sum: the state is a tensor product, so overlaps multiply.",
        "mean": "Combine the qubits with a PRODUCT, not an average: the state is a tensor product, so overlaps "
                "multiply.",
    }
    for key, alt in alternatives.items():
        if np.allclose(got_a, alt, atol=1e-8):
            return Verdict(False, hints[key])
    if np.allclose(got_a, [_fidelity(np.degrees(a), np.degrees(b)) for a, b in pairs], atol=1e-8):
        return Verdict(False, "Looks like degrees: keep the angles in radians.")
    i = int(np.argmax(np.abs(got_a - want_a)))
    x, x2 = pairs[i]
    return Verdict(False, f"For x = {np.round(x, 3).tolist()}, x' = {np.round(x2, 3).tolist()} you return "
                          f"{got_a[i]:.4f} but the fidelity is {want_a[i]:.4f}. One qubit: "
                          "⟨φ(a)|φ(b)⟩ = cos(a/2)cos(b/2) + sin(a/2)sin(b/2) = cos((a − b)/2).")


_X43 = np.array([1.0, 2.0, 2.0, 4.0])


@checker("Exercise 4.3 — amplitude-encode x = (1, 2, 2, 4)")
def amplitude_state(answer: Any) -> Verdict:
    """``answer``: the 4 amplitudes of the 2-qubit state that amplitude-encodes (1, 2, 2, 4)."""
    try:
        a = np.asarray(answer)
        if a.dtype == object:
            raise TypeError
        a = a.astype(complex).ravel()
    except (TypeError, ValueError):
        return Verdict(False, "Give the amplitudes as a list or NumPy array of 4 numbers.")
    if a.size != 4:
        return Verdict(False, f"You gave {a.size} numbers. Two qubits have 2² = 4 amplitudes, one per feature.")
    want = _X43 / np.linalg.norm(_X43)
    if not np.all(np.isfinite(a)):
        return Verdict(False, "Your amplitudes contain NaN or infinite numbers.")
    if np.allclose(a, want, atol=1e-6):
        return Verdict(True, "x / ‖x‖ = (0.2, 0.4, 0.4, 0.8): the squares add up to 1.")
    # the same state up to a global phase e^{iφ} (−1, i, …) is the same quantum state: equivalence, not form
    if math.isclose(float(np.linalg.norm(a)), 1.0, abs_tol=1e-6) and abs(np.vdot(want, a)) > 1 - 1e-6:
        return Verdict(True, "The same state as x/‖x‖ up to a global phase, which no measurement can see; "
                             "x/‖x‖ itself is the usual choice.")
    if not np.allclose(a.imag, 0, atol=1e-9):
        return Verdict(False, "The amplitudes of this encoding are real: no phases needed.")
    r = a.real
    if np.allclose(r, _X43):
        return Verdict(False, "These are the raw features. Amplitudes must be normalised: divide by "
                              "‖x‖ = sqrt(1 + 4 + 4 + 16) = 5.")
    if np.allclose(r, want**2, atol=1e-6):
        return Verdict(False, "These are the measurement PROBABILITIES (squares). The amplitudes are x/‖x‖ "
                              "themselves, not squared.")
    if np.allclose(r, _X43 / _X43.sum(), atol=1e-6):
        return Verdict(False, "You divided by the sum (9). Quantum states are normalised in the Euclidean "
                              "norm: divide by sqrt(1² + 2² + 2² + 4²) = 5.")
    if np.allclose(r, want[::-1], atol=1e-6):
        return Verdict(False, "Reversed: amplitude i belongs to basis state |i⟩, so x_0 goes to |00⟩ first.")
    norm = float(np.linalg.norm(r))
    if not math.isclose(norm, 1.0, abs_tol=1e-6):
        return Verdict(False, f"Your vector has norm {norm:.4f}; a state needs norm 1. Divide x by ‖x‖.")
    return Verdict(False, "Normalised, but not proportional to (1, 2, 2, 4): amplitude i should be x_i / ‖x‖.")


# ----------------------------------------------------------------------------- predict, then reveal
def predict_zz_cnots(guess: Any) -> Any:
    """Record the learner's prediction of the number of CNOTs in zz_feature_map on 8 features with reps = 2 (a number; never raises)."""
    return _predict.record("04-zz-cnots", guess, "the CNOT count of the ZZ map on 8 features, reps = 2")


def reveal_zz_cnots(truth: float) -> Any:
    """Print the recorded prediction next to the computed ``truth``; True when within 0.5."""
    return _predict.reveal("04-zz-cnots", truth, "the CNOT count of the ZZ map on 8 features, reps = 2", tolerance=0.5,
                           note="2 CNOTs per pair of features, 8·7/2 = 28 pairs, 2 repetitions: 2 · 28 · 2 = 112 — it grows like d².")
