"""Checkers for lesson 15 (BB84 quantum key distribution)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker, finite_number


def _bits(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise Verdict(False, f"{name} should be a 1-D array of bits, got shape {arr.shape}.")
    return arr


@checker("Exercise 15.1 — sifting")
def sifted_key(answer: Any, alice_bits: Any = None, alice_bases: Any = None,
               bob_bases: Any = None) -> Verdict:
    """``answer``: Alice's bits in the rounds where Alice's and Bob's bases agree."""
    a = np.asarray(alice_bits)
    ab, bb = np.asarray(alice_bases), np.asarray(bob_bases)
    want = a[ab == bb]
    got = _bits(answer, "Your sifted key")
    if got.dtype == bool and got.size == a.size:
        return Verdict(False, "That is the mask of kept rounds; use it to pick Alice's bits: "
                              "`alice_bits[mask]`.")
    if got.size == want.size and np.array_equal(got.astype(int), want.astype(int)):
        return Verdict(True, f"{want.size} of {a.size} rounds kept — about half, as expected when "
                             "both pick bases at random.")
    if got.size == a.size:
        return Verdict(False, "That is the whole raw key. Keep only the rounds where the two "
                              "*bases* agree: `alice_bits[alice_bases == bob_bases]`.")
    if got.size == int(np.sum(ab != bb)) and np.array_equal(got.astype(int),
                                                            a[ab != bb].astype(int)):
        return Verdict(False, "You kept the rounds where the bases *differ* — there Bob's result "
                              "is a coin flip. Keep `alice_bases == bob_bases`.")
    return Verdict(False, f"Expected {want.size} bits (the rounds with equal bases). Compare the "
                          "bases, not the bits: Alice and Bob never announce their bits.")


@checker("Exercise 15.2 — the error rate Eve causes")
def intercept_qber(answer: Any) -> Verdict:
    """``answer``: expected QBER when Eve intercepts and resends 40 % of the qubits (= 0.1)."""
    q = finite_number(answer, "Give one number: the expected error rate as a fraction.")
    want = 0.4 * 0.5 * 0.5
    if math.isclose(q, want, abs_tol=1e-3):
        return Verdict(True, "0.4 × ½ (wrong basis) × ½ (Bob's result then random) = 0.1: "
                             "a QBER of 10 %, right at the edge of what BB84 can tolerate.")
    if math.isclose(q, 100 * want, abs_tol=0.1):
        return Verdict(False, "Give a fraction, not a percentage: 10 % is 0.1.")
    if math.isclose(q, 0.4 * 0.5, abs_tol=1e-3):
        return Verdict(False, "When Eve picks the wrong basis, Bob's result is *random*, so it is "
                              "still right half the time: one more factor ½.")
    if math.isclose(q, 0.25, abs_tol=1e-3):
        return Verdict(False, "0.25 is the rate when Eve intercepts *every* qubit; she only takes "
                              "40 % of them.")
    if math.isclose(q, 0.4, abs_tol=1e-3):
        return Verdict(False, "Not every intercepted qubit becomes an error: when Eve guesses the "
                              "right basis (half the time) she resends exactly what Alice sent.")
    if math.isclose(q, want / 2, abs_tol=1e-3):
        return Verdict(False, "Sifting does not halve the error rate: it removes rounds, and the "
                              "QBER is measured among the kept ones.")
    return Verdict(False, "Chain the chances for a kept round: Eve intercepts it (0.4), she picks "
                          "the other basis (½), Bob's result is then wrong (½).")


def _min_sample(qber: float, target: float) -> int:
    """Smallest m with sqrt(Q(1 - Q)/m) <= target."""
    return int(math.ceil(qber * (1 - qber) / target ** 2 - 1e-9))


@checker("Exercise 15.3 — how many bits to reveal")
def sample_size(answer: Any, qber: float = 0.05, target: float = 0.01) -> Verdict:
    """``answer``: the smallest number m of revealed bits whose standard error
    sqrt(Q(1 - Q)/m) is at most ``target`` (Q = 0.05, target 0.01 → 475)."""
    m = finite_number(answer, "Give one number: how many sifted bits to reveal.")
    want = _min_sample(qber, target)
    if m == want:
        return Verdict(True, f"{want} bits: √(Q(1−Q)/m) = {math.sqrt(qber * (1 - qber) / want):.4f} "
                             f"≤ {target:g}. Halving the error bar costs four times the bits — "
                             "and every revealed bit is lost from the key.")
    if math.isclose(m, qber * (1 - qber) / target ** 2, abs_tol=0.5):
        return Verdict(False, "Round *up*: a number of bits is a whole number, and rounding down "
                              "leaves the error bar just above the target.")
    if math.isclose(m, qber * (1 - qber) / target, rel_tol=0.02):
        return Verdict(False, "The standard error has a square root: solve √(Q(1−Q)/m) ≤ target, "
                              "so m ≥ Q(1−Q)/target² — square the target.")
    if math.isclose(m, math.ceil(qber / target ** 2), abs_tol=1):
        return Verdict(False, "The variance of one revealed bit is Q(1−Q), not Q.")
    if math.isclose(m, math.ceil(0.25 / target ** 2), abs_tol=1):
        return Verdict(False, "That is enough for *any* Q (the worst case Q = ½); with Q ≈ "
                              f"{qber:g} the variance Q(1−Q) is smaller, so fewer bits do.")
    if 0 < m < want:
        se = math.sqrt(qber * (1 - qber) / m)
        return Verdict(False, f"Too few: with m = {m:g} the standard error is {se:.4f}, above "
                              f"{target:g}. Solve √(Q(1−Q)/m) ≤ target for m.")
    if m > want and float(m).is_integer():
        return Verdict(False, f"Enough, but not the smallest: fewer bits reach an error bar of "
                              f"{target:g}, and each revealed bit is lost from the key.")
    return Verdict(False, "Solve √(Q(1−Q)/m) ≤ target for m: m ≥ Q(1−Q)/target², rounded up.")


def predict_full_intercept(guess: Any) -> Any:
    """Record the learner's prediction of the QBER when Eve intercepts every qubit."""
    return _predict.record("15-qber-eve", guess, "the QBER when Eve intercepts every qubit")


def reveal_full_intercept(found: float) -> Any:
    """Compare the recorded prediction with the simulated QBER."""
    return _predict.reveal("15-qber-eve", found, "the QBER when Eve intercepts every qubit",
                           tolerance=0.04,
                           note="Theory: ½ (Eve picks the wrong basis) × ½ (Bob then reads a coin "
                                "flip) = 0.25.")
