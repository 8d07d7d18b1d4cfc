"""Checkers for lesson 16 (capstone project)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker, finite_number

#: the lowest test accuracy Exercise 16.1 accepts
MIN_ACCURACY = 0.85
#: how far below the reference design a validation accuracy may fall before 16.1 calls it "clearly below"
#: (0.1 = 3 of 32 validation points: differences of a few points are noise)
REFERENCE_MARGIN = 0.1
#: the transpiler seed the capstone uses everywhere
SEED = 16
#: keep designs small enough to simulate instantly and to transpile for today's devices
MAX_QUBITS = 8


@checker("Exercise 16.1 — your model")
def project_model(answer: Any, params: Any = None, X_test: Any = None, y_test: Any = None,
                  baseline_accuracy: float | None = None, reference_accuracy: float | None = None,
                  X_train: Any = None, y_train: Any = None, split: str = "test") -> Verdict:
    """``answer``: a trained classifier (``score``, ``n_params``); ``params`` its parameters.

    ``X_test``/``y_test`` are the held-out points the design is judged on; ``split`` names them
    in the messages (the capstone passes its *validation* split and keeps the test set for the
    end). Passes when that accuracy is at least :data:`MIN_ACCURACY` and not clearly below the
    simple reference design; reports how it compares with the classical baseline.
    """
    model = answer
    where = split if split in ("test", "validation") else "test"
    if not (hasattr(model, "score") and hasattr(model, "n_params")):
        return Verdict(False, "Give the model object (e.g. a `VariationalClassifier`) as "
                              "`my_model`, and its trained parameters as `my_params`.")
    if params is None:
        return Verdict(False, "`my_params` is missing: train the model and keep the result's "
                              "parameters, `my_params = fit(my_model, ...).params`.")
    X_test = np.asarray(X_test, dtype=float)
    d = X_test.shape[1]
    n_features = getattr(model, "n_features", d)
    if n_features != d:
        return Verdict(False, f"Your model takes {n_features} feature(s) but the data have {d}: "
                              f"use `n_features={d}`.")
    n_qubits = getattr(model, "n_qubits", getattr(getattr(model, "circuit", None), "num_qubits", 0))
    if n_qubits > MAX_QUBITS:
        return Verdict(False, f"{n_qubits} qubits is more than this project needs; stay at or "
                              f"below {MAX_QUBITS} so the hardware step remains realistic.")
    p = np.asarray(params, dtype=float).reshape(-1)
    if p.size != model.n_params:
        return Verdict(False, f"`my_params` has {p.size} numbers but the model has "
                              f"{model.n_params} parameters — did you pass the parameters of "
                              "another model?")
    acc = float(model.score(X_test, y_test, p))
    train_acc = None
    if X_train is not None and y_train is not None:
        train_acc = float(model.score(X_train, y_train, p))
    if acc < MIN_ACCURACY:
        if train_acc is not None and train_acc - acc > 0.12:
            return Verdict(False, f"{where.capitalize()} accuracy {acc:.3f}, but {train_acc:.3f} on the training "
                                  "set: over-fitting. Use fewer layers/parameters, or a smoother "
                                  "encoding (smaller input_scale).")
        if train_acc is not None and train_acc < MIN_ACCURACY:
            return Verdict(False, f"{where.capitalize()} accuracy {acc:.3f} (train {train_acc:.3f}): the model "
                                  "under-fits. Add layers with re-uploading (`reupload=True`), try "
                                  "another observable or input_scale, or train longer / with a "
                                  "larger learning rate.")
        return Verdict(False, f"{where.capitalize()} accuracy {acc:.3f} is below {MIN_ACCURACY}. More layers with "
                              "re-uploading, more steps, or a different encoding usually help; "
                              "make sure you trained on the training split.")
    if reference_accuracy is not None and acc < float(reference_accuracy) - REFERENCE_MARGIN - 1e-12:
        return Verdict(False, f"{where.capitalize()} accuracy {acc:.3f} is clearly below the simple reference "
                              f"design ({float(reference_accuracy):.3f}; more than {REFERENCE_MARGIN:g} below, beyond the noise of a "
                              "few points) — a bigger model should not lose to a smaller one; check the training settings.")
    parts = [f"{where} accuracy {acc:.3f} with {model.n_params} parameters on {n_qubits} qubits"]
    if reference_accuracy is not None:
        parts.append(f"reference quantum design {float(reference_accuracy):.3f}")
    if baseline_accuracy is not None:
        b = float(baseline_accuracy)
        gap = acc - b
        if gap > 0.02:
            how = f"beats the classical baseline ({b:.3f}) by {gap:.3f} — check it on another seed"
        elif gap >= -0.02:
            how = f"ties the classical baseline ({b:.3f})"
        else:
            how = f"trails the classical baseline ({b:.3f}) by {-gap:.3f} — report it honestly"
        parts.append(how)
    return Verdict(True, "; ".join(parts) + ".")


def _zz_count(n_features: int, layers: int) -> int:
    """Two-qubit gates of ``VariationalClassifier(n_features, layers, encoding="zz")``."""
    from qmlcourse.models import VariationalClassifier

    qc = VariationalClassifier(n_features=n_features, layers=layers, encoding="zz").circuit
    return sum(1 for inst in qc.data if inst.operation.num_qubits == 2)


@checker("Exercise 16.2 — how the zz design grows")
def zz_gate_count(answer: Any) -> Verdict:
    """``answer(n_features, layers)`` = two-qubit gates of a ``zz`` re-uploading classifier
    before transpiling: every pair gets CX–P–CX per upload, plus a CZ chain per layer."""
    if not callable(answer):
        return Verdict(False, "Pass the function itself, `zz_gate_count` (no brackets), not a "
                              "number.")
    cases = [(5, 3), (4, 2), (3, 1), (2, 4), (6, 1)]
    for n, L in cases:
        got = answer(n, L)
        if got is None:
            return Verdict(False, "Your function returned None: end it with `return ...`.")
        g = finite_number(got, "Return one whole number: the two-qubit gates.")
        want = _zz_count(n, L)
        if g == want:
            continue
        pairs = n * (n - 1) // 2
        hints = [
            (L * (pairs + n - 1), "Each pair's ZZ term is CX, phase, CX: two two-qubit gates per "
                                  "pair, not one."),
            (L * 2 * pairs, "The ansatz adds a chain of CZ gates in every layer (n − 1 of them)."),
            (2 * pairs + L * (n - 1), "With re-uploading the encoding is repeated in every layer, "
                                      "not written once."),
            (L * (2 * n * n + n - 1), "Count *pairs* of features: n(n − 1)/2, not n²."),
            (L * (2 * n * (n - 1) + n - 1), "n(n − 1) counts every pair twice: there are "
                                            "n(n − 1)/2 pairs."),
            (L * (2 * pairs + n), "A chain of n qubits has n − 1 links, not n."),
        ]
        for value, hint in hints:
            if g == value:
                return Verdict(False, hint + f" (For {n} features and {L} layers the circuit "
                                             f"has {want}.)")
        return Verdict(False, f"For {n} features and {L} layers the circuit has {want} two-qubit "
                              f"gates; your function gives {g:g}. Count per layer: the pairs, "
                              "times two, plus the CZ chain.")
    return Verdict(True, "L·(n² − 1): quadratic in the number of features. On a chain or "
                         "heavy-hex most pairs are not neighbours, so the transpiler adds SWAPs on "
                         "top of that.")


def predict_heavy_hex(guess: Any) -> Any:
    """Record the learner's prediction of the 4-feature zz design's heavy-hex gate count."""
    return _predict.record("16-heavy-hex", guess, "two-qubit gates of the zz design on heavy-hex")


def reveal_heavy_hex(found: float) -> Any:
    """Compare the recorded prediction with the transpiled count."""
    return _predict.reveal("16-heavy-hex", found, "two-qubit gates of the zz design on heavy-hex",
                           tolerance=10,
                           note="All-pairs interactions on a lattice with ≤ 3 neighbours per "
                                "qubit need SWAPs (3 two-qubit gates each).")
