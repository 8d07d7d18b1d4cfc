"""Checkers for lesson 09 (re-uploading, regression, clustering)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from qmlcourse.checks import _predict
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
def _ladder(delta: np.ndarray, rungs: int, power: float = 2.0, half: float = 0.5) -> np.ndarray:
    return np.prod([np.cos(half * m * delta) ** power for m in range(1, rungs + 1)], axis=0)


@checker("Exercise 9.2 — the frequency-ladder kernel in closed form")
def ladder_profile(answer: Callable[[np.ndarray], Any], rungs: int = 5) -> Verdict:
    """``answer(delta)`` returns k(x, x + Δ) = ∏_{m=1}^{rungs} cos²(mΔ/2) for an array of Δ
    (one feature of the frequency-ladder map R_Y(x), R_Y(2x), …, R_Y(rungs·x))."""
    if not callable(answer):
        return Verdict(False, "Pass the function itself, `ladder_profile` (no brackets), not its "
                              "result.")
    delta = np.array([0.0, 0.13, 0.4, -0.7, 1.1, 2.0, -2.9, np.pi])
    with np.errstate(all="ignore"):
        out = answer(delta.copy())
    if out is None:
        return Verdict(False, "Your function returned None: end it with `return ...`.")
    got = np.asarray(out, dtype=float)
    if got.shape != delta.shape:
        return Verdict(False, f"Return one value per Δ: for an array of shape {delta.shape} the "
                              f"result must have that shape, got {got.shape} (np.cos works "
                              "element-wise; multiply the factors, do not loop over Δ with sum).")
    want = _ladder(delta, rungs)
    if np.allclose(got, want, atol=1e-9):
        return Verdict(True, "A product state's overlap is the product of one-qubit overlaps, "
                             "cos²(mΔ/2) per rung. Each factor is (1 + cos mΔ)/2, so the product "
                             f"holds frequencies up to 1 + 2 + … + {rungs} = "
                             f"{rungs * (rungs + 1) // 2}: a narrow kernel, with a classical "
                             "formula.")
    mistakes = [
        (_ladder(delta, rungs, power=1.0), "Square the overlap: the fidelity kernel is "
         "|⟨φ(x)|φ(x')⟩|², so each factor is cos²(mΔ/2), not cos(mΔ/2)."),
        (_ladder(delta, rungs, half=1.0), "R_Y(θ) turns the state by θ/2 in amplitude: "
         "⟨0|R_Y(a)†R_Y(b)|0⟩ = cos((b − a)/2). Use mΔ/2."),
        (_ladder(delta, 1), "That is one rung, the one-qubit-per-feature kernel. The ladder has "
         f"{rungs} qubits per feature, with angles x, 2x, …, {rungs}x: one factor for each."),
        (np.mean([np.cos(m * delta / 2) ** 2 for m in range(1, rungs + 1)], axis=0),
         "Average → product: the qubits form a product state, and the overlap of a product state "
         "is the *product* of the qubits' overlaps."),
        (np.sum([np.cos(m * delta / 2) ** 2 for m in range(1, rungs + 1)], axis=0),
         "Sum → product: the overlap of a product state is the *product* of the qubits' "
         "overlaps (and k(x, x) must be 1)."),
        (_ladder(delta, rungs, power=4.0), "Squared twice: cos²(mΔ/2) already is the fidelity "
         "of one rung."),
        (_ladder(delta, rungs - 1), f"One rung short: the angles are x, 2x, …, {rungs}x, so m runs "
         f"from 1 to {rungs} (`range(1, {rungs + 1})`)."),
    ]
    for ref, hint in mistakes:
        if np.allclose(got, ref, atol=1e-9):
            return Verdict(False, hint)
    if not np.isclose(got[0], 1.0):
        return Verdict(False, f"At Δ = 0 the two states are equal, so k must be 1; got {got[0]:.4g}.")
    return Verdict(False, "Each qubit m holds R_Y(m·x)|0⟩; the overlap of two such qubits is "
                          "cos(m(x − x')/2). Multiply the squared overlaps over m = 1 … "
                          f"{rungs}.")


def predict_one_layer_mse(guess: Any) -> Any:
    """Record the learner's prediction of the one-layer model's best training MSE."""
    return _predict.record("09-one-layer-mse", guess, "the training MSE of the 1-layer model")


def reveal_one_layer_mse(found: float) -> Any:
    """Compare the recorded prediction with the trained one-layer model's MSE."""
    return _predict.reveal("09-one-layer-mse", found, "the training MSE of the 1-layer model",
                           tolerance=0.01,
                           note="One layer has no frequency 2: it can fit 0.1 + 0.5 sin x, and the "
                                "mean square of the rest, 0.3²/2 + 0.2²/2 = 0.065, is left.")
