"""Checkers for lesson 07 (a variational classifier)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from qmlcourse.checks._core import Verdict, checker


# ----------------------------------------------------------------------------- 7.1
def _reference_loss() -> tuple[Any, np.ndarray, np.ndarray]:
    """A small circuit loss, a point and its exact gradient."""
    from qiskit.circuit.library import real_amplitudes
    from qiskit.quantum_info import SparsePauliOp

    from qmlwidgets import landscape

    obs = SparsePauliOp.from_list([("ZZ", 1.0), ("XI", 0.4)])
    loss = landscape.circuit_loss(real_amplitudes(2, reps=1), obs)
    theta = np.random.default_rng(7).uniform(-math.pi, math.pi, loss.n_params)
    return loss, theta, loss.gradient(theta[None, :])[0]


def _ratio(a: np.ndarray, b: np.ndarray) -> float | None:
    """c if a ≈ c · b for one constant c, else None."""
    denom = float(b @ b)
    if denom < 1e-12:
        return None
    c = float(a @ b) / denom
    return c if np.allclose(a, c * b, atol=1e-6) else None


@checker("Exercise 7.1 — the parameter-shift rule")
def parameter_shift(answer: Callable[[Any, np.ndarray], Any]) -> Verdict:
    """``answer(loss, theta)`` returns the gradient (P,) of a batched ``loss`` at ``theta``."""
    if not callable(answer):
        return Verdict(False, "Pass the function itself, `parameter_shift_gradient` (no "
                              "brackets), not its result.")
    loss, theta, ref = _reference_loss()
    rows: list[np.ndarray] = []

    def recording_loss(params: Any) -> np.ndarray:
        arr = np.atleast_2d(np.asarray(params, dtype=float))
        rows.append(arr.copy())
        return loss(arr)

    got = answer(recording_loss, theta.copy())
    if got is None:
        return Verdict(False, "Your function returned None: end it with `return grad`.")
    got = np.asarray(got, dtype=float)
    if got.size == ref.size:
        got = got.reshape(-1)
    if got.shape != ref.shape:
        return Verdict(False, f"Return one partial derivative per parameter: shape {ref.shape}, "
                              f"got shape {np.shape(got)}.")
    if not np.all(np.isfinite(got)):
        return Verdict(False, "Your gradient contains NaN or inf.")
    if np.allclose(got, ref, atol=1e-6):
        called = np.concatenate(rows) if rows else np.empty((0, ref.size))
        shifts = np.abs(called - theta)
        exact = called.shape[0] > 0 and np.all(
            np.isclose(shifts, 0.0, atol=1e-12) | np.isclose(shifts, math.pi / 2, atol=1e-9))
        if exact:
            note = (" (one batch)" if len(rows) == 1 else
                    f" — tip: build all {2 * ref.size} shifted rows and call the loss once")
            return Verdict(True, f"Exact gradient from {called.shape[0]} shifted "
                                 f"evaluations{note}.")
        return Verdict(True, "Right numbers — but that looks like finite differences (tiny "
                             "steps). It is only approximately right; the shift rule uses "
                             "θ ± π/2 and is exact even on noisy hardware-sized steps.")
    c = _ratio(got, ref)
    if c is not None:
        if np.isclose(c, 2.0, rtol=1e-3):
            return Verdict(False, "Twice too large: the rule is [f(θ+π/2) − f(θ−π/2)] / 2 — "
                                  "don't forget the 1/2.")
        if np.isclose(c, -1.0, rtol=1e-3):
            return Verdict(False, "Wrong sign: subtract f(θ − π/2) from f(θ + π/2), not the "
                                  "other way round.")
        if np.isclose(c, -2.0, rtol=1e-3):
            return Verdict(False, "Wrong sign and a missing 1/2: use "
                                  "[f(θ+π/2) − f(θ−π/2)] / 2.")
        if 0 < abs(c) < 1:
            return Verdict(False, f"Your values are {c:.3f} × the true gradient, which is "
                                  "sin(shift): shift by π/2 radians (not degrees, not a "
                                  "smaller step) and divide by 2.")
    return Verdict(False, "Not the gradient. For each parameter k, evaluate the loss at θ + "
                          "(π/2) e_k and θ − (π/2) e_k (e_k: the k-th unit vector) and take "
                          "half the difference.")


# ----------------------------------------------------------------------------- 7.2
def _bce(z: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


@checker("Exercise 7.2 — cross-entropy from logits")
def cross_entropy(answer: Callable[[np.ndarray, np.ndarray], Any]) -> Verdict:
    """``answer(logits, y)`` returns the mean binary cross-entropy."""
    if not callable(answer):
        return Verdict(False, "Pass the function itself, `cross_entropy_from_logits`, not a "
                              "number.")
    rng = np.random.default_rng(3)
    z = rng.normal(0.0, 2.0, 12)
    y = (rng.uniform(size=12) < 0.5).astype(int)
    got = answer(z.copy(), y.copy())
    if got is None:
        return Verdict(False, "Your function returned None: end it with `return ...`.")
    if np.size(got) != 1:
        return Verdict(False, f"Return one number (the mean over samples), got an array of "
                              f"shape {np.shape(got)}.")
    got = float(np.asarray(got).reshape(()))
    ref = _bce(z, y)
    if not math.isclose(got, ref, rel_tol=1e-6, abs_tol=1e-9):
        if math.isclose(got, ref * z.size, rel_tol=1e-6):
            return Verdict(False, "That is the sum over samples; take the mean (divide by the "
                                  "number of samples).")
        if math.isclose(got, _bce(z, 1 - y), rel_tol=1e-6):
            return Verdict(False, "Classes swapped: P(y = 1) = sigmoid(z), so the loss of a "
                                  "label-1 sample is −log sigmoid(z).")
        if math.isclose(got, ref / math.log(2), rel_tol=1e-6):
            return Verdict(False, "You used log base 2; use the natural log (np.log).")
        if math.isclose(got, -ref, rel_tol=1e-6):
            return Verdict(False, "Sign: the loss is −[y log p + (1−y) log(1−p)], a positive "
                                  "number.")
        return Verdict(False, f"Expected {ref:.4f} on a test batch, got {got:.4f}. With "
                              "p = sigmoid(z): mean of −[y log p + (1 − y) log(1 − p)].")
    big = np.array([800.0, -800.0, 30.0])
    yb = np.array([0, 1, 1])
    with np.errstate(all="ignore"):
        try:
            gb = float(np.asarray(answer(big, yb)).reshape(()))
        except (FloatingPointError, OverflowError, ValueError, ZeroDivisionError):
            gb = float("nan")
    if not math.isclose(gb, _bce(big, yb), rel_tol=1e-6):
        return Verdict(False, "Right on ordinary logits, but logits like ±800 give inf/nan "
                              "(exp overflows or log(0)). Use the stable form "
                              "log(1 + e^z) − y z = np.logaddexp(0, z) − y * z.")
    return Verdict(True, "Numerically stable too (logits of ±800 are fine).")


# ----------------------------------------------------------------------------- 7.3
@checker("Exercise 7.3 — train with the hinge loss")
def hinge_classifier(answer: Any, X_test: Any = None, y_test: Any = None) -> Verdict:
    """``answer``: trained parameters of ``VariationalClassifier(layers=3, loss="hinge")``."""
    from qmlcourse.models import VariationalClassifier

    if hasattr(answer, "params") and hasattr(answer, "history"):
        answer = answer.params  # a TrainingResult is fine too
    model = VariationalClassifier(n_features=2, layers=3, loss="hinge")
    p = np.asarray(answer, dtype=float)
    if p.shape != (model.n_params,):
        return Verdict(False, f"Pass the trained parameter vector (`result.params`), shape "
                              f"({model.n_params},) = 12 weights + w + b; got shape {p.shape}.")
    if X_test is None or y_test is None:
        return Verdict(False, "Call the checker with the test data: "
                              "check.hinge_classifier(hinge_params, X_test, y_test).")
    acc = model.score(X_test, y_test, p)
    if acc >= 0.9:
        return Verdict(True, f"Test accuracy {acc:.3f} with the hinge loss.")
    if acc < 0.7 and (np.allclose(p[:-2], 0.0) or np.allclose(p[-2:], [1.0, 0.0])):
        return Verdict(False, f"Test accuracy {acc:.3f}: these look like untrained "
                              "parameters. Use the `params` of the result returned by fit().")
    return Verdict(False, f"Test accuracy {acc:.3f} < 0.90. Train longer (more steps) or try "
                          "another seed / learning rate (0.1–0.2).")
