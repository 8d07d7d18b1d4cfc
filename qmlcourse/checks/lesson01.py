"""Checkers for lesson 01 (qubits and measurement).

>>> from qmlcourse.checks import lesson01 as check
>>> ok = check.amplitudes_for_p1([0.5, 0.75 ** 0.5])
✅ Exercise 1.1 — amplitudes with P(1) = 0.75: correct. P(0) = 0.250, P(1) = 0.750.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker

_S2 = 1 / math.sqrt(2)
#: amplitudes rounded to 3 decimals (0.866 for √0.75) are accepted: |α|² + |β|² = 1 within this
_TOL = 1.5e-3


def _amplitudes(answer: Any, length: int, name: str) -> np.ndarray:
    """Answer as a complex vector of ``length`` entries, or raise a Verdict with a hint."""
    data = getattr(answer, "data", answer)  # a Qiskit Statevector is fine too
    try:
        a = np.asarray(data, dtype=complex)
    except (TypeError, ValueError):
        raise Verdict(False, f"`{name}` should be a list or NumPy array of {length} numbers "
                             f"(complex allowed), got {type(answer).__name__}.") from None
    if a.ndim != 1 or a.shape[0] != length:
        raise Verdict(False, f"`{name}` should hold {length} amplitudes, got shape {a.shape}. "
                             + ("A qubit state has exactly two amplitudes: (amplitude of |0⟩, amplitude of |1⟩)."
                                if length == 2 else ""))
    if not np.all(np.isfinite(a)):
        raise Verdict(False, f"`{name}` contains NaN or infinite numbers.")
    return a


# --------------------------------------------------------------------------- 1.1
@checker("Exercise 1.1 — amplitudes with P(1) = 0.75")
def amplitudes_for_p1(answer: Any) -> Verdict:
    """``answer`` = (alpha, beta) with |alpha|² + |beta|² = 1 and |beta|² = 0.75."""
    a = _amplitudes(answer, 2, "psi_a")
    probs = np.abs(a) ** 2
    norm2 = float(probs.sum())
    if np.allclose(a.imag, 0) and np.allclose(np.sort(a.real), [0.25, 0.75], atol=1e-6):
        return Verdict(False, "These look like probabilities, not amplitudes. The Born rule says "
                              "P = |amplitude|², so each amplitude is a square root: √0.25 and √0.75.")
    if abs(norm2 - 1) > _TOL:
        return Verdict(False, f"Not normalised: |α|² + |β|² = {norm2:.6g}, but it must be 1 "
                              f"(divide both amplitudes by √{norm2:.6g} = {math.sqrt(norm2):.6g}).")
    if math.isclose(probs[0], 0.75, abs_tol=_TOL):
        return Verdict(False, "You swapped the two: the first entry is the amplitude of |0⟩, the second "
                              "of |1⟩. Here P(0) = 0.75 but we want P(1) = 0.75.")
    if not math.isclose(probs[1], 0.75, abs_tol=_TOL):
        return Verdict(False, f"Your state gives P(1) = |β|² = {probs[1]:.6g}; it should be 0.75.")
    note = ""
    if not (np.allclose(a.imag, 0) and np.all(a.real >= -1e-12)):
        note = " (Your amplitudes carry phases; that is also right — phases do not change these probabilities.)"
    return Verdict(True, f"P(0) = {probs[0]:.3f}, P(1) = {probs[1]:.3f}.{note}")


# --------------------------------------------------------------------------- 1.2
_TEST_STATES = {
    "|0⟩": np.array([1, 0], dtype=complex),
    "|+⟩": np.array([_S2, _S2], dtype=complex),
    "|−⟩": np.array([_S2, -_S2], dtype=complex),
    "|+i⟩": np.array([_S2, 1j * _S2], dtype=complex),
    "cos(0.3)|0⟩ + e^{0.7i} sin(0.3)|1⟩": np.array([math.cos(0.3), np.exp(0.7j) * math.sin(0.3)]),
    "0.6|0⟩ − 0.8i|1⟩": np.array([0.6, -0.8j]),
}


def _x_probs(psi: np.ndarray) -> np.ndarray:
    plus, minus = np.array([_S2, _S2]), np.array([_S2, -_S2])
    return np.array([abs(np.vdot(plus, psi)) ** 2, abs(np.vdot(minus, psi)) ** 2])


@checker("Exercise 1.2 — measuring in the X basis")
def x_basis_probabilities(answer: Callable[[np.ndarray], Any]) -> Verdict:
    """``answer`` is a function psi -> [P(+), P(−)]; tried on several states."""
    if not callable(answer):
        return Verdict(False, "Give the function itself (its name, without parentheses), "
                              f"not a {type(answer).__name__}.")
    for name, psi in _TEST_STATES.items():
        got = answer(psi.copy())
        if got is None:
            return Verdict(False, "Your function returned None. Write its body and `return` the two "
                                  "probabilities [P(+), P(−)].")
        try:
            out = np.asarray(got, dtype=complex).ravel()
        except (TypeError, ValueError):
            return Verdict(False, f"Your function returned {type(got).__name__}; return two numbers [P(+), P(−)].")
        if out.shape != (2,):
            return Verdict(False, f"Your function returned {out.size} numbers; return exactly two: [P(+), P(−)].")
        want = _x_probs(psi)
        if np.allclose(out, want, atol=1e-6):
            continue
        amps = np.array([np.vdot([_S2, _S2], psi), np.vdot([_S2, -_S2], psi)])
        if np.allclose(out, amps, atol=1e-6) or np.allclose(np.abs(out), np.abs(amps), atol=1e-6):
            return Verdict(False, f"For {name} you return the amplitudes ⟨+|ψ⟩, ⟨−|ψ⟩. Probabilities are "
                                  "their squared magnitudes: np.abs(...)**2.")
        dropped = np.array([(abs(psi[0]) + abs(psi[1])) ** 2 / 2, (abs(psi[0]) - abs(psi[1])) ** 2 / 2])
        if not np.allclose(dropped, want, atol=1e-6) and np.allclose(out, dropped, atol=1e-6):
            return Verdict(False, f"For {name} your function ignores the phase of the amplitudes: it gives "
                                  "(|α| ± |β|)²/2, which is right only when α and β have the same sign. Add the "
                                  "amplitudes first, then take the magnitude: P(±) = |α ± β|²/2 "
                                  "(np.abs(alpha + beta)**2 / 2), so a sign or a phase on β changes the answer.")
        if np.allclose(out, want[::-1], atol=1e-6):
            return Verdict(False, f"For {name} the two entries are swapped: return [P(+), P(−)], "
                                  "P(+) first.")
        if np.allclose(out, np.abs(psi) ** 2, atol=1e-6):
            return Verdict(False, f"For {name} you return the Z-basis probabilities |α|², |β|². Measuring in "
                                  "the X basis means projecting onto |+⟩ and |−⟩: P(±) = |⟨±|ψ⟩|² "
                                  "(or apply H first, then take |amplitude|²).")
        if not np.allclose(out.imag, 0, atol=1e-9):
            return Verdict(False, f"For {name} your function returns complex numbers; probabilities are real: "
                                  "take np.abs(...)**2 of the amplitudes.")
        return Verdict(False, f"For {name} you return [{out[0].real:.4f}, {out[1].real:.4f}], expected "
                              f"[{want[0]:.4f}, {want[1]:.4f}]. Use P(±) = |⟨±|ψ⟩|² with "
                              "|±⟩ = (|0⟩ ± |1⟩)/√2, i.e. |α ± β|²/2.")
    return Verdict(True, f"Right on all {len(_TEST_STATES)} test states, including complex ones.")


# --------------------------------------------------------------------------- 1.3
_PHASE_TWINS = {"A", "C", "E", "F"}
_RELATIVE = {"B": "B = (|0⟩ − |1⟩)/√2 is |−⟩: the minus sign is a relative phase, and an X-basis "
                  "measurement tells it apart from |+⟩",
             "D": "D = (|0⟩ + i|1⟩)/√2 is |+i⟩: the i is a relative phase, and an X- or Y-basis "
                  "measurement tells it apart from |+⟩"}


def _letters(answer: Any) -> set[str]:
    if isinstance(answer, str):
        items = re.findall(r"[A-Za-z]", answer)
    else:
        items = [str(x).strip() for x in answer]
    return {x.upper() for x in items if x}


@checker("Exercise 1.4 — global or relative phase?")
def phase_twins(answer: Any) -> Verdict:
    """``answer``: the letters (a set, list or string) of the states indistinguishable from |+⟩."""
    got = _letters(answer)
    unknown = sorted(got - set("ABCDEF"))
    if unknown:
        return Verdict(False, f"Use the letters A–F of the six candidate states; got {', '.join(unknown)}.")
    if not got:
        return Verdict(False, "Your answer is empty: at least one candidate behaves exactly like |+⟩.")
    wrong = sorted(got - _PHASE_TWINS)
    if wrong:
        return Verdict(False, "; ".join(_RELATIVE[x] for x in wrong) + ".")
    missing = sorted(_PHASE_TWINS - got)
    if missing:
        global_missing = [x for x in missing if x != "F"]
        hint = []
        if global_missing:
            hint.append(f"{', '.join(global_missing)} differ{'s' * (len(global_missing) == 1)} from |+⟩ only by an "
                        "overall factor e^{iγ} (−1 = e^{iπ}, e^{iπ/3}, i = e^{iπ/2}): a global phase, which "
                        "cancels in every |amplitude|²")
        if "F" in missing:
            hint.append("F is |+⟩ itself, with its two terms written in the other order")
        return Verdict(False, "You missed some: " + "; ".join(hint) + ".")
    return Verdict(True, "A, C and E differ from |+⟩ by a global phase only, and F is |+⟩ written "
                         "backwards. B and D carry a relative phase, which measurement can reveal.")


# --------------------------------------------------------------------------- 1.4
@checker("Exercise 1.3 — how many shots?")
def shots_for_precision(answer: Any) -> Verdict:
    """Smallest N with sqrt(p (1 − p) / N) <= 0.01 at p = 0.5: N = 2500."""
    if isinstance(answer, bool):
        return Verdict(False, "Give a number of shots (an integer), not True/False.")
    n = float(answer)
    if not math.isfinite(n) or n <= 0:
        return Verdict(False, "The number of shots must be a positive whole number.")
    if n != int(n):
        return Verdict(False, f"{n} is not a whole number of shots; round up to the next integer.")
    n = int(n)
    err = math.sqrt(0.25 / n)
    if n == 2500:
        return Verdict(True, "σ = √(0.5 · 0.5 / 2500) = 0.01. To halve the error you need 4× the shots.")
    if n == 100:
        return Verdict(False, "The error shrinks like 1/√N, not 1/N: with 100 shots σ = 0.05. "
                              "Solve √(p(1−p)/N) = 0.01 for N.")
    if n == 10000:
        return Verdict(False, "Close: you used σ = 1/√N, but σ = √(p(1−p)/N) and p(1−p) = 0.25 here. "
                              "10 000 shots is enough, but not the smallest number.")
    if n > 2500:
        return Verdict(False, f"{n} shots give σ = {err:.5g} ≤ 0.01 — enough, but not the smallest number.")
    return Verdict(False, f"With {n} shots σ = √(0.25 / {n}) = {err:.5g}, which is more than 0.01. "
                          "Solve √(p(1−p)/N) = 0.01 for N.")


# ----------------------------------------------------------------------------- predict, then reveal
def predict_shot_error(guess: Any) -> Any:
    """Record the learner's prediction of the typical error of a frequency from 100 shots of a p = 0.75 coin (a number; never raises)."""
    return _predict.record("01-shot-error", guess, "the typical error |f − 0.75| of a frequency from 100 shots")


def reveal_shot_error(truth: float) -> Any:
    """Print the recorded prediction next to the computed ``truth``; True when within 0.015."""
    return _predict.reveal("01-shot-error", truth, "the typical error |f − 0.75| of a frequency from 100 shots", tolerance=0.015,
                           note="σ = √(p(1−p)/N) = √(0.75 · 0.25 / 100) ≈ 0.043: 100 shots pin a probability down only to about ±0.04.")
