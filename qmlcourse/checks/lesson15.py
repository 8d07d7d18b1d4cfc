"""Checkers for lesson 15 (BB84 quantum key distribution)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

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


@checker("Exercise 15.3 — estimate the QBER")
def qber_estimate(answer: Any, alice_sample: Any = None, bob_sample: Any = None) -> Verdict:
    """``answer``: fraction of positions where the revealed samples differ."""
    a, b = np.asarray(alice_sample), np.asarray(bob_sample)
    want = float(np.mean(a != b))
    q = finite_number(answer, "Give one number: the fraction of revealed bits that disagree.")
    if math.isclose(q, want, abs_tol=1e-9):
        m = a.size
        se = math.sqrt(want * (1 - want) / m) if m else 0.0
        verdict = ("above the ~11 % BB84 tolerates: abort" if want > 0.11
                   else "below the ~11 % BB84 tolerates: go on")
        return Verdict(True, f"QBER ≈ {want:.3f} from {m} revealed bits (± {se:.3f} standard "
                             f"error), {verdict}.")
    if math.isclose(q, 1 - want, abs_tol=1e-9):
        return Verdict(False, "That is the fraction that *agrees*; the QBER counts disagreements.")
    if math.isclose(q, float(np.sum(a != b)), abs_tol=1e-9):
        return Verdict(False, "That is the number of errors; divide by the sample size.")
    if math.isclose(q, 100 * want, abs_tol=1e-6):
        return Verdict(False, "Give a fraction, not a percentage.")
    return Verdict(False, f"Count the positions where Alice's and Bob's revealed bits differ and "
                          f"divide by {a.size}: `np.mean(alice_sample != bob_sample)`.")
