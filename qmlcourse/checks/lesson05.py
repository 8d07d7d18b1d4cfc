"""Checkers for lesson 05 (quantum kernels)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from qmlcourse.checks._core import Verdict, checker, finite_number


@checker("Exercise 5.1 — shots for a 0.01 standard error")
def shots_needed(answer: Any) -> Verdict:
    """``answer``: shots so that a kernel value near 0.5 has standard error 0.01 (= 2500)."""
    shots = finite_number(answer, "Give one number: the number of shots.")
    want = 0.5 * 0.5 / 0.01**2  # 2500
    if math.isclose(shots, want, rel_tol=0.01):
        return Verdict(True, "k(1 − k)/ε² = 0.25 / 0.0001 = 2500 shots. Halving the error costs 4× the shots.")
    if math.isclose(shots, 0.5 * 0.5 / 0.01, rel_tol=0.01):
        return Verdict(False, "Square the target error: shots = k(1 − k) / ε², and ε² = 0.0001.")
    if math.isclose(shots, 0.5 / 0.01**2, rel_tol=0.01):
        return Verdict(False, "The variance of one shot (a coin with P(0…0) = k) is k(1 − k), not k: "
                              "shots = k(1 − k) / ε².")
    if math.isclose(shots, 1 / 0.01**2, rel_tol=0.01):
        return Verdict(False, "1/ε² ignores the size of the coin's variance: one shot has variance "
                              "k(1 − k) = 0.25 here, so shots = 0.25 / ε².")
    if math.isclose(shots, math.sqrt(0.25) / 0.01, rel_tol=0.01) or math.isclose(shots, 0.5 / 0.01, rel_tol=0.01):
        return Verdict(False, "The standard error is sqrt(k(1 − k) / shots); solve sqrt(0.25 / shots) = 0.01 "
                              "for shots (square both sides).")
    if shots <= 0:
        return Verdict(False, "The number of shots must be positive.")
    err = math.sqrt(0.25 / shots)
    return Verdict(False, f"With {shots:g} shots the standard error at k = 0.5 is sqrt(0.25 / shots) = "
                          f"{err:.4f}, not 0.01. Solve for shots.")


def _expected_test_kernel(feature_map: Any, X_test: Any, X_train: Any) -> tuple[np.ndarray, np.ndarray,
                                                                                np.ndarray]:
    from qmlcourse.kernels import feature_states

    phi_test = feature_states(feature_map, X_test)
    phi_train = feature_states(feature_map, X_train)
    return np.abs(phi_test.conj() @ phi_train.T) ** 2, phi_test, phi_train


@checker("Exercise 5.2 — the test kernel from statevectors")
def test_kernel(answer: Any, feature_map: Any = None, X_test: Any = None, X_train: Any = None) -> Verdict:
    """``answer``: K_test[i, j] = |⟨φ(X_test[i])|φ(X_train[j])⟩|², shape (n_test, n_train)."""
    want, phi_test, phi_train = _expected_test_kernel(feature_map, X_test, X_train)
    try:
        K = np.asarray(answer)
        if K.dtype == object:
            raise TypeError
    except (TypeError, ValueError):
        return Verdict(False, "Give a NumPy array of shape (n_test, n_train).")
    n_test, n_train = want.shape
    if K.shape == (n_train, n_test) and n_train != n_test:
        return Verdict(False, f"Shape {K.shape} is transposed: scikit-learn wants one ROW per test point and one "
                              f"COLUMN per training point, shape ({n_test}, {n_train}).")
    if K.shape == (n_train, n_train):
        return Verdict(False, "That is the training kernel (train × train). For predictions you need test × train: "
                              "rows from the test states, columns from the training states.")
    if K.shape != want.shape:
        return Verdict(False, f"Expected shape ({n_test}, {n_train}) (test points × training points), got {K.shape}.")
    if np.iscomplexobj(K) and not np.allclose(K.imag, 0):
        return Verdict(False, "Your kernel is complex: take the absolute value squared, np.abs(overlaps) ** 2.")
    K = np.real(K).astype(float)
    if np.allclose(K, want, atol=1e-8):
        return Verdict(True, "K_test = |Φ_test^* Φ_train^T|²: every entry in one matrix product.")
    overlaps = phi_test.conj() @ phi_train.T
    if np.allclose(K, np.abs(overlaps), atol=1e-8):
        return Verdict(False, "These are |overlaps|, not fidelities: square them, np.abs(...) ** 2.")
    if np.allclose(K, np.abs(phi_test @ phi_train.T) ** 2, atol=1e-8):
        return Verdict(False, "Missing complex conjugate: a bra ⟨φ| is the conjugate of |φ⟩, so use "
                              "Phi_test.conj() @ Phi_train.T.")
    if np.allclose(K, np.real(overlaps) ** 2, atol=1e-8) or np.allclose(K, overlaps.real, atol=1e-8):
        return Verdict(False, "Use the modulus of the complex overlap, np.abs(...) ** 2, not its real part.")
    return Verdict(False, "Not the fidelity kernel yet. Stack the states as rows (feature_states), take all "
                          "inner products with one matrix product, then |·|².")


_ALIGN_SEED = 505


@checker("Exercise 5.3 — kernel-target alignment")
def alignment(answer: Any) -> Verdict:
    """``answer(K, y)`` returns ⟨K, yyᵀ⟩_F / (‖K‖_F ‖yyᵀ‖_F) with y mapped to ±1."""
    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.alignment(alignment).")
    from qmlcourse.kernels import kernel_target_alignment

    rng = np.random.default_rng(_ALIGN_SEED)
    cases = []
    for n in (4, 7, 10):
        A = rng.uniform(0, 1, (n, n))
        K = (A + A.T) / 2
        np.fill_diagonal(K, 1.0)
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        cases.append((K, y))
    got = []
    for K, y in cases:
        value = answer(K.copy(), y.copy())
        if value is None:
            return Verdict(False, "Your function returns None: finish it with `return ...`.")
        v = np.asarray(value, dtype=float)
        if v.size != 1:
            return Verdict(False, f"Return ONE number, not an array of shape {v.shape}: sum the element-wise "
                                  "product (a Frobenius inner product).")
        got.append(float(v.reshape(())))
    got_a = np.array(got)
    want = np.array([kernel_target_alignment(K, y) for K, y in cases])
    if np.allclose(got_a, want, atol=1e-8):
        return Verdict(True, "A(K, y) = yᵀKy / (N ‖K‖_F) for ±1 labels, since ‖yyᵀ‖_F = N.")

    def wrong(fn):
        return np.array([fn(K, y) for K, y in cases])

    unsigned = wrong(lambda K, y: np.sum(K * np.outer(y, y)) / (np.linalg.norm(K) * np.linalg.norm(np.outer(y, y))))
    if np.allclose(got_a, unsigned, atol=1e-8):
        return Verdict(False, "Map the labels 0/1 to −1/+1 first (y = 2y − 1); with 0/1 labels, pairs of class-0 "
                              "points contribute nothing.")
    s = [2 * y - 1 for _, y in cases]
    raw = np.array([float(si @ K @ si) for (K, _), si in zip(cases, s)])
    if np.allclose(got_a, raw, atol=1e-8):
        return Verdict(False, "Normalise: divide ⟨K, yyᵀ⟩ by ‖K‖_F · ‖yyᵀ‖_F (np.linalg.norm of each matrix).")
    if np.allclose(got_a, raw / np.array([np.linalg.norm(K) for K, _ in cases]), atol=1e-8):
        return Verdict(False, "Divide by BOTH norms: ‖K‖_F and ‖yyᵀ‖_F (which equals N for ±1 labels).")
    if np.allclose(got_a, raw / np.array([len(y) for _, y in cases]), atol=1e-8):
        return Verdict(False, "Also divide by ‖K‖_F, the Frobenius norm of the kernel matrix.")
    return Verdict(False, "Not the alignment yet. Build Y = np.outer(y, y) with ±1 labels, then "
                          "np.sum(K * Y) / (np.linalg.norm(K) * np.linalg.norm(Y)).")
