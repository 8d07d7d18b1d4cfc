"""Checkers for lesson 08 (loss landscapes and barren plateaus)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, call_on_test, checker, is_stub


def _as_number(answer: Any) -> float:
    if isinstance(answer, (str, bytes)):
        raise Verdict(False, f"Expected a number, got the text {answer!r}.")
    arr = np.asarray(answer, dtype=float)
    if arr.size != 1:
        raise Verdict(False, f"Expected one number, got an array of shape {arr.shape}.")
    value = float(arr.reshape(()))
    if not math.isfinite(value):
        raise Verdict(False, "Your answer is not a finite number.")
    return value


def _close(a: float, b: float, rel: float = 0.02) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)


# ----------------------------------------------------------------------------- 8.1
@checker("Exercise 8.1 — the variance of a gradient")
def gradient_variance(answer: Any, circuit: Any = None, observable: Any = None,
                      thetas: Any = None, function: Any = None) -> Verdict:
    """``answer`` = Var[∂C/∂θ₀] over the parameter rows ``thetas`` of ``circuit``.

    With ``function`` (the learner's ``first_gradient_variance(ansatz, cost, thetas)``) that
    function is also tried on an unseen circuit, so a number copied from an output does not pass."""
    from qmlwidgets import engine

    value = _as_number(answer)
    if circuit is None or observable is None or thetas is None:
        return Verdict(False, "Call the checker with the circuit, observable and samples: "
                              "check.gradient_variance(var_grad, ansatz, cost, thetas, first_gradient_variance).")
    if function is not None:
        _check_variance_function(function)
    thetas = np.asarray(thetas, dtype=float)
    G = np.asarray(engine.gradients(circuit, observable, thetas), dtype=float)
    g0 = G[:, 0]
    refs = (np.var(g0), np.var(g0, ddof=1))
    if any(_close(value, r) for r in refs):
        return Verdict(True, f"Var[∂C/∂θ₀] = {value:.3g} over {len(g0)} random parameter sets.")
    if _close(value, abs(float(np.mean(g0)))) or _close(value, float(np.mean(g0))):
        return Verdict(False, "That is the mean gradient (close to 0, as expected); the "
                              "question asks for its variance, np.var.")
    if value < 0:
        return Verdict(False, "A variance cannot be negative.")
    if any(_close(value, math.sqrt(r)) for r in refs):
        return Verdict(False, "That is the standard deviation; the variance is its square "
                              "(np.var).")
    if _close(value, float(np.var(G))) or _close(value, float(np.mean(np.var(G, axis=0)))):
        return Verdict(False, "Use only the derivative with respect to the first parameter: "
                              "column 0 of the gradient array, G[:, 0].")
    costs = np.asarray(engine.expectation_values(circuit, observable, thetas), dtype=float)
    if any(_close(value, r) for r in (np.var(costs), np.var(costs, ddof=1))):
        return Verdict(False, "That is the variance of the cost values; take the variance of "
                              "the gradients (engine.gradients) instead.")
    return Verdict(False, "That is not the variance of ∂C/∂θ₀. engine.gradients gives one row of derivatives "
                          "per parameter vector; keep the derivative with respect to the first parameter "
                          "(one column) and take its variance over the samples.")


def _check_variance_function(function: Any) -> None:
    """Raise a Verdict unless ``function(ansatz, cost, thetas)`` gives Var[∂C/∂θ₀] on an unseen case."""
    from qmlwidgets import engine
    from qmlwidgets import landscape as L

    if not callable(function):
        raise Verdict(False, "Pass your function `first_gradient_variance` itself (no parentheses) as the last "
                             f"argument, not a {type(function).__name__}.")
    if is_stub(function):
        raise Verdict(False, "Your `first_gradient_variance` is still the empty stub: write its body, then compute "
                             "var_grad with it.")
    circuit, observable = L.hardware_efficient_ansatz(3, 2), L.cost_observable(3, "local")
    thetas = np.random.default_rng(8).uniform(0, 2 * np.pi, (40, circuit.num_parameters))
    got = call_on_test(function, (circuit, observable, thetas), "a 3-qubit test circuit (local cost, 40 samples)",
                       "Use the arguments it receives (ansatz, cost, thetas), not the lesson's variables.",
                       none_hint="add `return` with the variance.")
    try:
        value = float(np.asarray(got, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise Verdict(False, f"Your function returned {type(got).__name__}; return one number, the variance.") from None
    g0 = np.asarray(engine.gradients(circuit, observable, thetas), dtype=float)[:, 0]
    if not any(_close(value, r) for r in (np.var(g0), np.var(g0, ddof=1))):
        raise Verdict(False, "Your function gives a wrong variance on a 3-qubit test circuit: does it use its own "
                             "arguments (ansatz, cost, thetas), the first parameter's derivative only, and np.var?")


# ----------------------------------------------------------------------------- 8.2
@checker("Exercise 8.2 — how fast does the gradient vanish?")
def decay_rate(answer: Any, n_qubits: Any = None, variances: Any = None, function: Any = None) -> Verdict:
    """``answer`` = b in Var ≈ A · 2^(−b n), fitted to ``variances`` vs ``n_qubits``.

    With ``function`` (the learner's ``fit_decay_rate(n_qubits, variances)``) that function is
    also tried on unseen data, so a number copied from an output does not pass."""
    b = _as_number(answer)
    if n_qubits is None or variances is None:
        return Verdict(False, "Call the checker with the data you fitted: "
                              "check.decay_rate(b_global, n_qubits, variances, fit_decay_rate).")
    if function is not None:
        _check_fit_function(function)
    n = np.asarray(n_qubits, dtype=float)
    v = np.asarray(variances, dtype=float)
    ref = -float(np.polyfit(n, np.log2(v), 1)[0])
    if _close(b, ref, 0.03):
        return Verdict(True, f"b ≈ {b:.2f}: each extra qubit divides the variance by about "
                             f"{2 ** b:.1f}.")
    if _close(b, -ref, 0.03):
        return Verdict(False, "Sign: the slope of log2(Var) is negative, and b is minus that "
                              "slope (Var ≈ A·2^(−b n) with b > 0).")
    if _close(b, ref * math.log(2), 0.03) or _close(b, -ref * math.log(2), 0.03):
        return Verdict(False, "You used the natural log: fit log2(Var) (np.log2), or divide "
                              "your slope by ln 2.")
    if _close(b, ref * math.log10(2), 0.03) or _close(b, -ref * math.log10(2), 0.03):
        return Verdict(False, "You used log10: fit np.log2(Var) against n.")
    slope_lin = float(np.polyfit(n, v, 1)[0])
    if _close(b, slope_lin, 0.03) or _close(b, -slope_lin, 0.03):
        return Verdict(False, "Fit a straight line to log2(Var), not to Var itself: an "
                              "exponential is a line on a log scale.")
    return Verdict(False, "That is not the fitted b. On a log₂ scale Var ≈ A·2^(−b n) is a straight line "
                          "in n: fit a line (degree 1) to log₂ of the variances against the numbers of qubits; "
                          "b is minus its slope.")


def _check_fit_function(function: Any) -> None:
    """Raise a Verdict unless ``function(n_qubits, variances)`` recovers b on unseen data."""
    if not callable(function):
        raise Verdict(False, "Pass your function `fit_decay_rate` itself (no parentheses) as the last argument, "
                             f"not a {type(function).__name__}.")
    if is_stub(function):
        raise Verdict(False, "Your `fit_decay_rate` is still the empty stub: write its body, then compute b_global "
                             "with it.")
    n = np.arange(3, 10)
    want = 0.7
    v = 0.4 * 2.0 ** (-want * n) * (1 + 0.05 * np.cos(n))
    ref = -float(np.polyfit(n, np.log2(v), 1)[0])
    got = call_on_test(function, (n, v), "test data that fall as 2^(−0.7 n)",
                       "Use the arguments it receives (n_qubits, variances), not the lesson's variables.",
                       none_hint="add `return` with b.")
    try:
        value = float(np.asarray(got, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise Verdict(False, f"Your function returned {type(got).__name__}; return one number, b.") from None
    if not _close(value, ref, 0.03):
        raise Verdict(False, f"On test data that fall as 2^(−0.7 n) your function returns {value:.3g}, not about "
                             "0.7: does it fit its own arguments, on a log₂ scale, and return minus the slope?")


# ----------------------------------------------------------------------------- 8.3
@checker("Exercise 8.3 — a whole slice from three evaluations")
def slice_from_three(answer: Any, loss: Any = None, point: Any = None, direction: Any = None,
                     thetas: Any = None) -> Verdict:
    """``answer`` = a + b cos θ + c sin θ on ``thetas``, from f(0), f(π/2), f(π) of the slice
    ``f(θ) = loss(point + θ · direction)``."""
    from qmlwidgets import landscape as L

    if loss is None or point is None or direction is None or thetas is None:
        return Verdict(False, "Call the checker with the slice you rebuilt: "
                              "check.slice_from_three(rebuilt, loss, point, direction, thetas).")
    t = np.asarray(thetas, dtype=float).reshape(-1)
    if isinstance(answer, (str, bytes)):
        return Verdict(False, "Expected an array of numbers, one per angle in thetas.")
    got = np.asarray(answer, dtype=float).reshape(-1) if np.size(answer) == t.size else None
    if got is None:
        return Verdict(False, f"Expected {t.size} values, one per angle in thetas; got "
                              f"{np.size(answer)}.")
    if not np.all(np.isfinite(got)):
        return Verdict(False, "Your values contain NaN or inf.")
    p, d = np.asarray(point, dtype=float), np.asarray(direction, dtype=float)
    f0, f1, f2 = L.evaluate(loss, p + np.array([0.0, np.pi / 2, np.pi])[:, None] * d)
    a, b, c = (f0 + f2) / 2, (f0 - f2) / 2, f1 - (f0 + f2) / 2
    cos, sin = np.cos(t), np.sin(t)
    exact = L.evaluate(loss, p + t[:, None] * d)

    def near(values: np.ndarray) -> bool:
        return bool(np.max(np.abs(got - values)) < 1e-6)

    if near(exact):
        return Verdict(True, f"{t.size} points rebuilt exactly from 3 evaluations.")
    if near(a + b * cos):
        return Verdict(False, "The sine term is missing: add c·sin θ with c = f(π/2) − a.")
    if near(a + c * sin):
        return Verdict(False, "The cosine term is missing: add b·cos θ with b = (f(0) − f(π))/2.")
    if near(a + c * cos + b * sin):
        return Verdict(False, "b and c are swapped: b = (f(0) − f(π))/2 goes with cos θ, "
                              "c = f(π/2) − a with sin θ.")
    if near(a + b * cos + f1 * sin):
        return Verdict(False, "At θ = π/2 the cosine vanishes but the constant a does not: "
                              "c = f(π/2) − a.")
    if np.ptp(got - exact) < 1e-6:
        return Verdict(False, "The shape is right but the level is off: a = (f(0) + f(π))/2 "
                              "(the cosines cancel there, the sines are 0).")
    return Verdict(False, "Not the slice yet. With f0, f1, f2 = f(0), f(π/2), f(π): "
                          "a = (f0 + f2)/2, b = (f0 − f2)/2, c = f1 − a, then "
                          "a + b·cos(thetas) + c·sin(thetas).")


def predict_decay(guess: Any) -> Any:
    """Record the learner's prediction of b in Var ≈ A·2^(−b n) (global cost, 2 layers)."""
    return _predict.record("08-decay-b", guess, "the decay rate b of the global cost (2 layers)")


def reveal_decay(found: float) -> Any:
    """Compare the recorded prediction with the fitted decay rate."""
    return _predict.reveal("08-decay-b", found, "the decay rate b of the global cost (2 layers)",
                           tolerance=0.3,
                           note="b = 1 would mean the variance halves per qubit; the global "
                                "projector onto one of 2ⁿ states makes it fall faster.")
