"""Checkers for lesson 20 (when does quantum help? surrogates, fair benchmarks, ZNE)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker, finite_number


def _array(answer: Any, n: int, what: str) -> np.ndarray:
    a = np.asarray(answer, dtype=float).ravel()
    if a.size != n:
        raise Verdict(False, f"Expected {n} numbers ({what}); you gave {a.size}.")
    if not np.all(np.isfinite(a)):
        raise Verdict(False, "Your array contains NaN or inf.")
    return a


def _fit(x: np.ndarray, y: np.ndarray, cols: list) -> np.ndarray:
    A = np.stack([c(x) for c in cols], axis=1)
    return A, np.linalg.lstsq(A, y, rcond=None)[0]


@checker("Exercise 20.1 — a classical surrogate of the quantum model")
def surrogate(answer: Any, x_train: Any = None, y_train: Any = None, x_grid: Any = None,
              y_grid: Any = None, max_freq: int = 3) -> Verdict:
    """``answer``: the least-squares Fourier series of degree ``max_freq`` fitted to
    (x_train, y_train), evaluated on ``x_grid`` (it should equal the quantum model ``y_grid``)."""
    from qmlcourse.honesty import fit_fourier, predict_fourier

    xt, yt = np.asarray(x_train, float), np.asarray(y_train, float)
    xg, yg = np.asarray(x_grid, float), np.asarray(y_grid, float)
    K = int(max_freq)
    a = np.asarray(answer, dtype=float).ravel()
    if a.size == 2 * K + 1:
        return Verdict(False, f"Those look like the {2 * K + 1} coefficients. Evaluate the series on "
                              "x_grid: design matrix of x_grid @ coefficients.")
    a = _array(answer, xg.size, "the surrogate's prediction at each point of x_grid")
    err = float(np.max(np.abs(a - yg)))
    if err < 1e-6:
        return Verdict(True, f"Largest difference from the quantum model: {err:.1e}. "
                             f"{2 * K + 1} classical coefficients reproduce the circuit exactly.")
    for k in range(K):
        if np.allclose(a, predict_fourier(xg, fit_fourier(xt, yt, k)), atol=1e-6):
            return Verdict(False, f"Degree {k} is too low: {K} encoding gates give frequencies up to "
                                  f"{K} — columns cos(kx), sin(kx) for k = 1 … {K}.")
    one = [lambda x: np.ones_like(x)]
    cos = [lambda x, k=k: np.cos(k * x) for k in range(1, K + 1)]
    sin = [lambda x, k=k: np.sin(k * x) for k in range(1, K + 1)]
    for cols, hint in [(cos + sin, "The constant column (frequency 0) is missing: add a column of ones."),
                       (one + cos, "Only cosines: the model is not symmetric in x, add the sin(kx) columns."),
                       (one + sin, "Only sines: add the cos(kx) columns too.")]:
        _, c = _fit(xt, yt, cols)
        if np.allclose(a, np.stack([f(xg) for f in cols], axis=1) @ c, atol=1e-6):
            return Verdict(False, hint)
    return Verdict(False, f"Largest difference {err:.3f}. Build A = [1, cos x, sin x, …, cos {K}x, "
                          f"sin {K}x] at x_train, solve np.linalg.lstsq(A, y_train), then evaluate the same "
                          "columns at x_grid.")


@checker("Exercise 20.2 — cross-validation scores")
def cv_scores(answer: Any, gammas: Any = None, X_train: Any = None, y_train: Any = None,
              X_test: Any = None, y_test: Any = None, folds: int = 5, seed: int = 0) -> Verdict:
    """``answer``: for each γ of an RBF SVC, the mean validation accuracy over the stratified,
    shuffled ``folds`` (``random_state=seed``) of the training set."""
    from sklearn.svm import SVC

    from qmlcourse.honesty import cv_select

    grid = list(gammas)
    ref = cv_select(lambda g: SVC(gamma=g), grid, X_train, y_train, folds=folds, seed=seed)[1]
    a = _array(answer, ref.size, "one mean cross-validation accuracy per γ in the grid")
    if np.allclose(a, ref, atol=1e-9):
        r = np.round(ref, 9)
        best = int(np.flatnonzero(r == r.max())[0])
        return Verdict(True, f"Best mean validation accuracy {ref[best]:.3f} at γ = {grid[best]:g} "
                             "(ties go to the first). The test set was never touched.")
    test = np.array([SVC(gamma=g).fit(X_train, y_train).score(X_test, y_test) for g in grid])
    train = np.array([SVC(gamma=g).fit(X_train, y_train).score(X_train, y_train) for g in grid])
    if np.allclose(a, test, atol=1e-9):
        return Verdict(False, "Those are TEST accuracies: choosing γ with them leaks the test set into "
                              "the model. Score each fold on its held-out part of the TRAINING data.")
    if np.allclose(a, train, atol=1e-9):
        return Verdict(False, "You scored each model on the data it was fitted to (training accuracy), "
                              "which always favours the most flexible γ. Score on the held-out fold.")
    if np.allclose(a, folds * ref, atol=1e-9):
        return Verdict(False, f"You summed the {folds} fold accuracies; take their mean.")
    return Verdict(False, "For each γ: for each (fit, validation) pair in `folds`, fit on the fit part "
                          "of the training set and score on the validation part; average the scores.")


@checker("Exercise 20.3 — Richardson extrapolation to zero noise")
def richardson(answer: Any, scales: Any = None, values: Any = None) -> Verdict:
    """``answer``: the value at scale 0 of the polynomial through all (scale, value) points."""
    from qmlcourse.honesty import extrapolate

    s, v = np.asarray(scales, float), np.asarray(values, float)
    x = finite_number(answer, "Give one number: the extrapolated expectation value at noise scale 0.")
    want = extrapolate(s, v, "richardson")
    if math.isclose(x, want, abs_tol=1e-9):
        return Verdict(True, f"Zero-noise estimate {want:.4f} (the unmitigated value was {v[0]:.4f}).")
    if math.isclose(x, extrapolate(s, v, "linear"), abs_tol=1e-9):
        return Verdict(False, "That is the straight-line fit. Richardson uses the polynomial through ALL "
                              f"{s.size} points: degree {s.size - 1}.")
    if math.isclose(x, extrapolate(s[:2], v[:2], "linear"), abs_tol=1e-9):
        return Verdict(False, "A line through the first two points only; use all three (degree 2).")
    if math.isclose(x, v[0], abs_tol=1e-9):
        return Verdict(False, "That is the unmitigated value at scale 1; evaluate the fit at scale 0.")
    for z in (-1.0, 1.0):
        if math.isclose(x, float(np.polyval(np.polyfit(s, v, s.size - 1), z)), abs_tol=1e-9):
            return Verdict(False, f"You evaluated the polynomial at scale {z:g}; zero noise is scale 0.")
    return Verdict(False, f"Expected {want:.4f}: np.polyval(np.polyfit(scales, values, {s.size - 1}), 0).")


def predict_fair_baseline(guess: Any) -> Any:
    """Record the learner's prediction of the tuned classical baseline's test accuracy."""
    return _predict.record("20-baseline", guess, "the fairly tuned classical baseline's test accuracy")


def reveal_fair_baseline(found: float) -> Any:
    """Compare the recorded prediction with the baseline's test accuracy."""
    return _predict.reveal("20-baseline", found, "the fairly tuned classical baseline's test accuracy",
                           tolerance=0.05)
