"""Checkers for lesson 10 (quantum circuit Born machine)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, call_on_test, checker

# full-support test pairs (target, model) so that every variant of the formula is finite
_RNG = np.random.default_rng(2024)
_PAIRS = [(np.array([0.5, 0.5, 0.0, 0.0]), np.array([0.25, 0.25, 0.25, 0.25]))] + [
    tuple(_RNG.dirichlet(np.ones(8), size=2)) for _ in range(3)]


def _kl(t: np.ndarray, m: np.ndarray) -> float:
    mask = t > 0
    return float(np.sum(t[mask] * np.log(t[mask] / m[mask])))


@checker("Exercise 10.2 — the KL divergence")
def kl_function(answer: Any) -> Verdict:
    """``answer(target, model)`` must return KL(target ‖ model) = Σ t log(t / m) in nats."""
    if not callable(answer):
        return Verdict(False, "Pass the function itself (`my_kl`, no parentheses), not a number.")
    got = []
    for t, m in _PAIRS:
        val = answer(t.copy(), m.copy())
        if val is None:
            return Verdict(False, "Your function returns None: compute the sum and `return` it.")
        arr = np.asarray(val, dtype=float)
        if arr.size != 1:
            return Verdict(False, f"Your function returned {arr.size} numbers; the KL divergence is a "
                                  "single number: sum t·log(t/m) over all outcomes.")
        got.append(float(arr.reshape(())))
    want = [_kl(t, m) for t, m in _PAIRS]
    if np.allclose(got, want, atol=1e-8):
        return Verdict(True, f"KL([½, ½, 0, 0] ‖ uniform) = {want[0]:.4f} = ln 2: the model wastes "
                             "half its probability on outcomes the target never produces.")
    if np.isnan(got[0]):
        return Verdict(False, "You got NaN for a target with zeros: 0·log(0/m) counts as 0, so sum "
                              "only over outcomes with target > 0 (e.g. `mask = target > 0`).")
    if np.allclose(got, [-w for w in want], atol=1e-8):
        return Verdict(False, "Wrong sign: KL = Σ t·log(t/m) (or −Σ t·log(m/t)); it is never negative.")
    if np.allclose(got, [w / np.log(2) for w in want], atol=1e-8):
        return Verdict(False, "That is the KL in bits (log base 2). Use the natural log `np.log` "
                              "(nats), as the lesson does.")
    rev = [_kl(m, t) for t, m in _PAIRS[1:]]
    if np.allclose(got[1:], rev, atol=1e-8):
        return Verdict(False, "Arguments reversed: you computed KL(model ‖ target). The target comes "
                              "first: Σ target·log(target / model).")
    return Verdict(False, f"For target [½, ½, 0, 0] and a uniform model you return {got[0]:.4f}; "
                          f"expected ln 2 ≈ {want[0]:.4f}. Formula: Σ t·log(t/m) over outcomes with t > 0.")


def _mmd_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(p, t, K) test triples: random distributions on 3 and 4 bits with Gaussian and random PSD kernels."""
    rng = np.random.default_rng(10)
    cases = []
    for n in (3, 4):
        bits = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
        d2 = ((bits[:, None, :] - bits[None, :, :]) ** 2).sum(-1)
        gauss = np.exp(-d2 / 2.0)
        A = rng.normal(size=(2**n, 2**n))
        for K in (gauss, A @ A.T / 2**n):
            p, t = rng.dirichlet(np.ones(2**n), size=2)
            cases.append((p, t, K))
    return cases


@checker("Exercise 10.1 — the MMD loss")
def mmd_function(answer: Any) -> Verdict:
    """``answer(p, t, kernel)`` returns MMD² = (p − t)ᵀ K (p − t) for probability vectors and a kernel matrix."""
    if not callable(answer):
        return Verdict(False, "Pass the function itself (`my_mmd`, no parentheses), not a number.")
    got, want, parts = [], [], []
    for p, t, K in _mmd_cases():
        val = call_on_test(answer, (p.copy(), t.copy(), K.copy()), f"a {p.size}-outcome test",
                           "Use its arguments (p, t, kernel) and `@` for matrix products.",
                           none_hint="compute the number and `return` it.")
        arr = np.asarray(val, dtype=float)
        if arr.size != 1:
            return Verdict(False, f"Your function returned {arr.size} numbers; MMD² is ONE number: "
                                  "d @ kernel @ d with d = p − t (a vector times a matrix times a vector).")
        got.append(float(arr.reshape(())))
        d = p - t
        want.append(float(d @ K @ d))
        parts.append((float(p @ K @ p), float(t @ K @ t), float(p @ K @ t), float(d @ d)))
    got_a, want_a = np.array(got), np.array(want)
    if np.allclose(got_a, want_a, rtol=1e-7, atol=1e-12):
        return Verdict(True, "MMD² = Σ (p − t)(x) K(x, y) (p − t)(y) on 4 distributions and kernels you never saw: "
                             "zero exactly when the model matches the target (for a positive-definite K).")
    if np.allclose(got_a, np.sqrt(np.maximum(want_a, 0)), rtol=1e-7):
        return Verdict(False, "That is MMD, the square root. The loss in this lesson is MMD² itself: no sqrt.")
    if np.allclose(got_a, [a + b for a, b, _, _ in parts], rtol=1e-7):
        return Verdict(False, "Missing cross term: (p − t)ᵀK(p − t) = pᵀKp + tᵀKt − 2 pᵀKt.")
    if np.allclose(got_a, [dd for _, _, _, dd in parts], rtol=1e-7):
        return Verdict(False, "You summed (p − t)²: the kernel is missing. Put K between the two differences: "
                              "d @ kernel @ d.")
    if np.allclose(got_a, -want_a, rtol=1e-7):
        return Verdict(False, "Sign: MMD² = (p − t)ᵀK(p − t) is never negative for a valid kernel.")
    if np.allclose(got_a, 2 * want_a, rtol=1e-7) or np.allclose(got_a, want_a / 2, rtol=1e-7):
        return Verdict(False, "Off by a factor 2: MMD² = (p − t)ᵀ K (p − t), with no extra ½ or 2.")
    return Verdict(False, f"For a test case you return {got[0]:.6g}; expected {want[0]:.6g}. "
                          "With d = p − t, MMD² = d @ kernel @ d.")


def predict_tree_valid(guess: Any) -> Any:
    """Record the learner's prediction of P(valid image) under the Chow–Liu tree model."""
    return _predict.record("10-tree-valid", guess, "P(valid image) under the best tree model")


def reveal_tree_valid(found: float) -> Any:
    """Compare the recorded prediction with the tree model's probability of a valid image."""
    return _predict.reveal("10-tree-valid", found, "P(valid image) under the best tree model", tolerance=0.1,
                           note="Every PAIR of pixels is correlated equally; bars and stripes is a "
                                "higher-order pattern a tree cannot hold.")


def _product(marg_one: np.ndarray, n: int) -> np.ndarray:
    x = np.arange(2**n)[:, None]
    bits = (x >> np.arange(n)) & 1
    return np.prod(np.where(bits == 1, marg_one, 1 - marg_one), axis=1)


@checker("Exercise 10.3 — the best independent-bits model")
def independent_bits_model(answer: Any, target: Any) -> Verdict:
    """``answer`` is the product of the target's single-bit marginals (vector of 2**n)."""
    t = np.asarray(target, dtype=float).ravel()
    n = int(round(np.log2(t.size)))
    a = np.asarray(answer, dtype=float).ravel()
    if a.size != t.size:
        return Verdict(False, f"Your answer has {a.size} numbers; a distribution over {n} bits needs "
                              f"2**{n} = {t.size} probabilities, one per outcome.")
    if not np.all(np.isfinite(a)):
        return Verdict(False, "Your answer contains NaN or inf.")
    bits = (np.arange(t.size)[:, None] >> np.arange(n)) & 1
    m1 = bits.T @ t  # P(qubit k = 1)
    want = _product(m1, n)
    if np.allclose(a, want, atol=1e-9):
        return Verdict(True, "This is a product of one Bernoulli per bit (n numbers). It keeps each "
                             "bit's frequency but forgets every correlation between bits.")
    if np.allclose(a, t, atol=1e-9):
        return Verdict(False, "That is the target itself. An independent-bits model may only use one "
                              "number per bit, P(bit k = 1), and multiplies them.")
    if np.any(a < -1e-12) or not np.isclose(a.sum(), 1.0, atol=1e-6):
        return Verdict(False, f"Your numbers sum to {a.sum():.4f}; probabilities must be ≥ 0 and sum "
                              "to 1. Multiply p_k for bits that are 1 and (1 − p_k) for bits that are 0.")
    if np.allclose(a, _product(m1[::-1], n), atol=1e-9):
        return Verdict(False, "Bit order: outcome index x has qubit k in bit k, i.e. `(x >> k) & 1`, "
                              "counted from the RIGHT of a Qiskit bitstring. Your marginals are reversed.")
    if np.allclose(a, _product(1 - m1, n), atol=1e-9):
        return Verdict(False, "You used P(bit = 0) where P(bit = 1) belongs: multiply p_k when bit k "
                              "of the outcome is 1 and (1 − p_k) when it is 0.")
    return Verdict(False, "Not the product of the marginals yet. First compute p_k = P(bit k = 1) = "
                          "Σ over outcomes with bit k set, then multiply across bits.")
