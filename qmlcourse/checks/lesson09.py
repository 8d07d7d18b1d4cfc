"""Checkers for lesson 09 (re-uploading, regression, clustering)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from qmlcourse.checks._core import Verdict, checker

#: the model asked about in Exercise 9.1
N_QUBITS, LAYERS = 2, 3


# ----------------------------------------------------------------------------- 9.1
@checker("Exercise 9.1 — which frequencies can the model contain?")
def frequencies(answer: Any) -> Verdict:
    """``answer``: the integer frequencies of a model with 2 qubits and 3 layers."""
    if isinstance(answer, (str, bytes)):
        return Verdict(False, "Give a list of integers, e.g. [0, 1, 2].")
    try:
        vals = np.asarray(list(np.ravel(answer)), dtype=float)
    except (TypeError, ValueError):
        return Verdict(False, "Give a list of integers, e.g. [0, 1, 2].")
    if vals.size == 0 or not np.all(np.isfinite(vals)):
        return Verdict(False, "Give a non-empty list of integers, e.g. [0, 1, 2].")
    if not np.allclose(vals, np.round(vals)):
        return Verdict(False, "The frequencies are whole numbers: each RX(x) contributes "
                              "−½, 0 or +½ on each side, so the differences are integers.")
    got = set(int(v) for v in np.round(vals))
    kmax = N_QUBITS * LAYERS
    pos = set(range(kmax + 1))
    sym = set(range(-kmax, kmax + 1))
    if got in (pos, sym):
        return Verdict(True, f"Frequencies 0…{kmax}: every one of the {kmax} encoding gates "
                             "can add 1 to the largest frequency.")
    if got in ({k for k in pos if k > 0}, sym - {0}):
        return Verdict(False, "Include 0: the constant term (the average of the function) is "
                              "a frequency too.")
    if got in (set(range(LAYERS + 1)), set(range(-LAYERS, LAYERS + 1))):
        return Verdict(False, "That counts layers only. Here x is encoded on both qubits in "
                              "every layer: count all the encoding gates.")
    if got in (set(range(N_QUBITS + 1)), set(range(-N_QUBITS, N_QUBITS + 1))):
        return Verdict(False, "That counts qubits only; x is uploaded again in every layer.")
    if max(got) == 2 * kmax:
        return Verdict(False, f"Too high: one RX(x) gate gives e^(±ix/2), so the largest "
                              f"frequency is {kmax} × ½ × 2 = {kmax}, not {2 * kmax}.")
    if max(got) < kmax:
        return Verdict(False, f"Missing frequencies: the largest is the number of encoding "
                              f"gates, {N_QUBITS} qubits × {LAYERS} layers.")
    return Verdict(False, "List every integer from 0 up to the largest frequency (the number of "
                          "encoding gates).")


# ----------------------------------------------------------------------------- 9.2
def _reference_kernel(feature_map: Any, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    from qiskit.quantum_info import Statevector

    def states(X: np.ndarray) -> np.ndarray:
        return np.array([Statevector(feature_map.assign_parameters(x)).data for x in X])

    SA, SB = states(A), states(B)
    return np.abs(SA.conj() @ SB.T) ** 2


@checker("Exercise 9.2 — a fidelity kernel from statevectors")
def fidelity_kernel(answer: Callable[[np.ndarray, np.ndarray], Any],
                    feature_map: Any = None) -> Verdict:
    """``answer(A, B)`` returns ``K[i, j] = |⟨φ(A[i])|φ(B[j])⟩|²`` for ``feature_map``."""
    if not callable(answer):
        return Verdict(False, "Pass the function itself, `kernel_matrix`, not its result.")
    if feature_map is None:
        return Verdict(False, "Call the checker with the feature map: "
                              "check.fidelity_kernel(kernel_matrix, ladder_map).")
    d = feature_map.num_parameters
    rng = np.random.default_rng(11)
    A = rng.uniform(0, np.pi, (5, d))
    B = rng.uniform(0, np.pi, (4, d))
    ref = _reference_kernel(feature_map, A, B)
    got = answer(A.copy(), B.copy())
    if got is None:
        return Verdict(False, "Your function returned None: end it with `return K`.")
    got = np.asarray(got)
    if got.shape == ref.T.shape and got.shape != ref.shape:
        return Verdict(False, f"Shape {got.shape} is transposed: rows follow A (5 points), "
                              "columns follow B (4 points), K[i, j] = k(A[i], B[j]).")
    if got.shape != ref.shape:
        return Verdict(False, f"Expected shape {ref.shape} (len(A), len(B)), got {got.shape}.")
    if np.iscomplexobj(got) and np.max(np.abs(got.imag)) > 1e-9:
        return Verdict(False, "Your kernel is complex: that is the overlap ⟨φ|φ'⟩ itself. Take "
                              "its squared modulus, np.abs(...) ** 2.")
    got = np.real(got).astype(float)
    if np.allclose(got, ref, atol=1e-8):
        same = answer(A.copy(), A.copy())
        if np.allclose(np.diag(np.real(np.asarray(same))), 1.0, atol=1e-8):
            return Verdict(True, "K[i, j] = |⟨φ(a_i)|φ(b_j)⟩|², and k(x, x) = 1.")
        return Verdict(False, "Right for A vs B, but k(x, x) should be 1: check the function "
                              "when both arguments are the same.")
    if np.allclose(got, np.sqrt(ref), atol=1e-8):
        return Verdict(False, "That is |⟨φ|φ'⟩| — square it: the fidelity is |⟨φ|φ'⟩|².")
    from qiskit.quantum_info import Statevector

    SA = np.array([Statevector(feature_map.assign_parameters(x)).data for x in A])
    SB = np.array([Statevector(feature_map.assign_parameters(x)).data for x in B])
    if np.allclose(got, np.abs(SA @ SB.T) ** 2, atol=1e-8):
        return Verdict(False, "Conjugate the bra: ⟨φ(a)| is the complex conjugate of the "
                              "statevector, so use SA.conj() @ SB.T.")
    if np.allclose(got, np.real(SA.conj() @ SB.T) ** 2, atol=1e-8):
        return Verdict(False, "Take the modulus of the complex overlap, not its real part: "
                              "np.abs(SA.conj() @ SB.T) ** 2.")
    return Verdict(False, "Not the fidelity kernel. Get the statevectors with "
                          "engine.statevectors(feature_map, A) (one row per point), then "
                          "K = |SA* · SBᵀ|².")
