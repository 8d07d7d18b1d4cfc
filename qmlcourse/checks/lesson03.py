"""Checkers for lesson 03 (entanglement).

>>> from qmlcourse.checks import lesson03 as check
>>> ok = check.best_classical_chsh(2)
✅ Exercise 3.3 — the best classical CHSH score: correct. No deterministic strategy beats S = 2 (and mixing strategies only averages them), so 2 is the classical bound.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, call_on_test, checker, is_stub
from qmlcourse.checks.lesson02 import circuit_state

_S2 = 1 / math.sqrt(2)
_BELL = {
    "|Φ+⟩ = (|00⟩ + |11⟩)/√2": np.array([_S2, 0, 0, _S2]),
    "|Φ−⟩ = (|00⟩ − |11⟩)/√2": np.array([_S2, 0, 0, -_S2]),
    "|Ψ+⟩ = (|01⟩ + |10⟩)/√2": np.array([0, _S2, _S2, 0]),
    "|Ψ−⟩ = (|01⟩ − |10⟩)/√2": np.array([0, _S2, -_S2, 0]),
}


# --------------------------------------------------------------------------- 3.1
@checker("Exercise 3.1 — the singlet |Ψ−⟩")
def singlet_circuit(answer: Any) -> Verdict:
    """``answer``: a two-qubit circuit preparing (|01⟩ − |10⟩)/√2 from |00⟩ (global phase free)."""
    from qmlwidgets import states as S

    psi = circuit_state(answer, 2, "qc_singlet")
    fids = {name: float(abs(np.vdot(v, psi)) ** 2) for name, v in _BELL.items()}
    best = max(fids, key=fids.get)
    if fids[best] > 1 - 1e-6:
        if best.startswith("|Ψ−⟩"):
            phase = "" if abs(psi[1] - _S2) < 1e-6 else " (It differs by a global phase only — that is fine.)"
            return Verdict(True, f"Both qubits are maximally entangled and always disagree in the Z basis.{phase}")
        hints = {
            "|Φ+⟩": "You made |Φ+⟩: the qubits agree. Flip one qubit with x to get |01⟩ and |10⟩, then give "
                    "|10⟩ a minus sign with z.",
            "|Φ−⟩": "You made |Φ−⟩: right sign pattern, but the qubits agree. Flip one of them with x.",
            "|Ψ+⟩": "You made |Ψ+⟩: the qubits disagree as wanted, but the sign is +. A z on one qubit "
                    "gives one of the two terms a minus sign.",
        }
        return Verdict(False, hints[best[:4]])
    entropy = S.entanglement_entropy(psi, [0])
    if entropy < 1e-6:
        return Verdict(False, "Your state is a product state (no entanglement: entropy 0). Entangle the "
                              "qubits with h on one qubit followed by cx.")
    return Verdict(False, f"Your state is entangled (entropy {entropy:.3f} bits) but it is not a Bell state: "
                          f"its overlap with |Ψ−⟩ is {fids[list(_BELL)[3]]:.3f}. Use h and cx with no "
                          "other rotation, plus x and z to choose the Bell state.")


# --------------------------------------------------------------------------- 3.2
_P = math.cos(math.pi / 8) ** 2
_ENTROPY = -(_P * math.log2(_P) + (1 - _P) * math.log2(1 - _P))


@checker("Exercise 3.2 — entanglement entropy")
def entropy_value(answer: Any) -> Verdict:
    """Entropy (bits) of qubit 0 of cos(π/8)|00⟩ + sin(π/8)|11⟩ ≈ 0.6009."""
    if isinstance(answer, bool):
        return Verdict(False, "Give a number (the entropy in bits), not True/False.")
    s = float(np.real_if_close(np.asarray(answer)).item())
    if not math.isfinite(s):
        return Verdict(False, "Your value is not a finite number.")

    def near(x: float) -> bool:
        return abs(s - x) < 2e-3

    amps = (math.cos(math.pi / 8), math.sin(math.pi / 8))
    if near(_ENTROPY):
        return Verdict(True, f"S = {_ENTROPY:.4f} bits: partly entangled (0 = product state, 1 = Bell state).")
    if near(_ENTROPY * math.log(2)):
        return Verdict(False, "That is the entropy in nats (natural log). Entanglement entropy is usually "
                              "given in bits: use log base 2 (divide by ln 2).")
    if near(_P**2 + (1 - _P) ** 2):
        return Verdict(False, "That is the purity Tr ρ², not the entropy. The entropy is −Σ λ log₂ λ over "
                              "the eigenvalues λ of the reduced state ρ.")
    if near(1 - _P**2 - (1 - _P) ** 2):
        return Verdict(False, "That is the linear entropy 1 − Tr ρ². We want the von Neumann entropy "
                              "−Σ λ log₂ λ over the eigenvalues λ of ρ.")
    if near(-sum(a * math.log2(a) for a in amps)):
        return Verdict(False, "Use the eigenvalues of the reduced state (the probabilities cos²(π/8), "
                              "sin²(π/8)), not the amplitudes.")
    if near(0.0):
        return Verdict(False, "0 is the entropy of the whole two-qubit state (it is pure). Trace out qubit 1 "
                              "first: the entropy of the REDUCED state of qubit 0 measures entanglement.")
    if near(1.0):
        return Verdict(False, "1 bit would be a maximally entangled (Bell) state; this state is only partly "
                              "entangled because cos(π/8) ≠ sin(π/8).")
    return Verdict(False, f"Expected a value between 0 and 1; got {s:.4f}. Compute ρ₀ = reduced_density_matrix"
                          "(psi, [0]), then its entropy in bits (qmlwidgets.states.von_neumann_entropy).")


# --------------------------------------------------------------------------- 3.3
def _true_chsh(a0: int, a1: int, b0: int, b1: int) -> int:
    a, b = (a0, a1), (b0, b1)
    return sum((-1) ** (a[x] ^ b[y]) * (-1 if x == y == 1 else 1) for x in (0, 1) for y in (0, 1))


def _check_chsh_score(score: Any) -> None:
    """Raise a Verdict unless ``score`` computes S for several strategies (a stub or a crash included)."""
    if not callable(score):
        raise Verdict(False, f"Pass your function `chsh_score` itself as the second argument, not a "
                             f"{type(score).__name__}.")
    if is_stub(score):
        raise Verdict(False, "Your `chsh_score` is still the empty stub: write it first (S = E00 + E01 + E10 − E11 "
                             "with E_xy = (−1)^(a_x ⊕ b_y)), then compute best_classical_S with your loop.")
    for strategy in ((0, 0, 0, 0), (0, 1, 0, 1), (1, 0, 0, 1), (1, 1, 1, 0), (0, 1, 1, 0)):
        got = call_on_test(score, strategy, f"the strategy {strategy}",
                           "It should take four bits a0, a1, b0, b1 and return one number.",
                           none_hint="add `return` with the score S of the strategy.")
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise Verdict(False, f"chsh_score{strategy} returned {type(got).__name__}; return one number S.") from None
        want = _true_chsh(*strategy)
        if abs(value - want) > 1e-9:
            raise Verdict(False, f"chsh_score{strategy} returns {value:g}, which is not this strategy's S. "
                                 "For each question pair (x, y) the correlation is E_xy = (−1)^(a_x ⊕ b_y); "
                                 "add E00 + E01 + E10 and subtract E11.")


@checker("Exercise 3.3 — the best classical CHSH score")
def best_classical_chsh(answer: Any, score: Callable[..., Any] | None = None) -> Verdict:
    """Maximum of S = E00 + E01 + E10 − E11 over the 16 deterministic strategies: 2.

    With ``score`` (the learner's ``chsh_score(a0, a1, b0, b1)``) that function is tried on
    several strategies too, so the number must come from a working computation."""
    if isinstance(answer, bool):
        return Verdict(False, "Give the maximum CHSH value S (a number), not True/False.")
    s = float(np.real_if_close(np.asarray(answer)).item())
    if not math.isfinite(s):
        return Verdict(False, "Your value is not a finite number.")
    if score is not None:
        _check_chsh_score(score)

    def near(x: float) -> bool:
        return abs(s - x) < 1e-6

    if near(2.0):
        return Verdict(True, "No deterministic strategy beats S = 2 (and mixing strategies only averages "
                             "them), so 2 is the classical bound.")
    if near(4.0):
        return Verdict(False, "S = 4 would need all four correlations E_xy to be ideal at once. But a "
                              "deterministic strategy fixes a0, a1, b0, b1 once, and each answer appears in two "
                              "terms — loop over the 16 choices of (a0, a1, b0, b1).")
    if near(2 * math.sqrt(2)):
        return Verdict(False, "2√2 is the QUANTUM value (Tsirelson's bound). Classical strategies do worse — "
                              "brute-force the 16 deterministic ones.")
    if near(0.75):
        return Verdict(False, "0.75 is the best classical WIN PROBABILITY. The CHSH value is S = 8·p_win − 4.")
    if near(3.0):
        return Verdict(False, "You counted winning question pairs (3 of 4). S adds the correlations "
                              "E_xy = (−1)^(a_x ⊕ b_y) with a minus sign for x = y = 1.")
    if near(-2.0):
        return Verdict(False, "−2 is the minimum; take the maximum of S over the strategies.")
    return Verdict(False, f"Got {s:.4f}. For each of the 16 tuples (a0, a1, b0, b1) in {{0, 1}}⁴ compute "
                          "E_xy = (−1)^(a_x ⊕ b_y) and S = E00 + E01 + E10 − E11; take the maximum.")


# ----------------------------------------------------------------------------- predict, then reveal
def predict_p11_before_cx(guess: Any) -> Any:
    """Record the learner's prediction of the probability of outcome '11' after the H but before the CX (a number; never raises)."""
    return _predict.record("03-p11-before-cx", guess, "P('11') after the H, before the CX")


def reveal_p11_before_cx(truth: float) -> Any:
    """Print the recorded prediction next to the computed ``truth``; True when within 0.05."""
    return _predict.reveal("03-p11-before-cx", truth, "P('11') after the H, before the CX", tolerance=0.05,
                           note="H alone leaves qubit 1 in |0⟩, so '11' never appears; the CX then copies qubit 0's value onto qubit 1: '00' or '11', half the time each.")
