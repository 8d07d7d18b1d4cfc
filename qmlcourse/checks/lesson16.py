"""Checkers for lesson 16 (capstone project)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse.checks._core import Verdict, checker, finite_number

#: the lowest test accuracy Exercise 16.1 accepts
MIN_ACCURACY = 0.85
#: the transpiler seed the capstone uses everywhere
SEED = 16
#: keep designs small enough to simulate instantly and to transpile for today's devices
MAX_QUBITS = 8


@checker("Exercise 16.1 — your model")
def project_model(answer: Any, params: Any = None, X_test: Any = None, y_test: Any = None,
                  baseline_accuracy: float | None = None, reference_accuracy: float | None = None,
                  X_train: Any = None, y_train: Any = None) -> Verdict:
    """``answer``: a trained classifier (``score``, ``n_params``); ``params`` its parameters.

    Passes when the test accuracy is at least :data:`MIN_ACCURACY` and not clearly below the
    simple reference design; reports how it compares with the classical baseline.
    """
    model = answer
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
            return Verdict(False, f"Test accuracy {acc:.3f}, but {train_acc:.3f} on the training "
                                  "set: over-fitting. Use fewer layers/parameters, or a smoother "
                                  "encoding (smaller input_scale).")
        if train_acc is not None and train_acc < MIN_ACCURACY:
            return Verdict(False, f"Test accuracy {acc:.3f} (train {train_acc:.3f}): the model "
                                  "under-fits. Add layers with re-uploading (`reupload=True`), try "
                                  "another observable or input_scale, or train longer / with a "
                                  "larger learning rate.")
        return Verdict(False, f"Test accuracy {acc:.3f} is below {MIN_ACCURACY}. More layers with "
                              "re-uploading, more steps, or a different encoding usually help; "
                              "make sure you trained on the training split.")
    if reference_accuracy is not None and acc < float(reference_accuracy) - 0.05:
        return Verdict(False, f"Test accuracy {acc:.3f} is clearly below the simple reference "
                              f"design ({float(reference_accuracy):.3f}) — a bigger model should "
                              "not lose to a smaller one; check the training settings.")
    parts = [f"test accuracy {acc:.3f} with {model.n_params} parameters on {n_qubits} qubits"]
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


def _circuit(design: Any) -> Any:
    if design is None:
        raise Verdict(False, "The design is missing: build it in the same cell (e.g. "
                             "`iris_design = VariationalClassifier(n_features=4, ...)`).")
    qc = getattr(design, "circuit", design)
    if not hasattr(qc, "num_qubits") or not hasattr(qc, "data"):
        raise Verdict(False, "Pass the model (or its `.circuit`) as the second argument.")
    return qc


@checker("Exercise 16.2 — the hardware cost of a 4-feature design")
def hardware_cost(answer: Any, design: Any = None, seed_transpiler: int = SEED) -> Verdict:
    """``answer``: two-qubit gates after transpiling the design's circuit for heavy-hex
    (``seed_transpiler``, optimisation level 1), as :func:`qmlcourse.noise.transpile_cost`."""
    from qmlcourse import noise

    qc = _circuit(design)
    if isinstance(answer, noise.TranspileCost):
        return Verdict(False, "Give the number itself: `cost.two_qubit_gates`.")
    n = finite_number(answer, "Give one whole number: the two-qubit gates after transpiling.")
    hh = noise.transpile_cost(qc, "heavy-hex", seed_transpiler=seed_transpiler)
    if n == hh.two_qubit_gates:
        logical = noise.transpile_table(qc, [], seed_transpiler=seed_transpiler)[0]
        extra = hh.two_qubit_gates - logical.two_qubit_gates
        note = (f"{extra} more than the {logical.two_qubit_gates} written in the circuit — "
                "SWAPs (3 two-qubit gates each) move qubits next to each other"
                if extra > 0 else "no routing overhead: every interaction is between neighbours")
        return Verdict(True, f"{hh.two_qubit_gates} {hh.two_qubit_gate} gates on heavy-hex "
                             f"(2q depth {hh.two_qubit_depth}); {note}.")
    logical = noise.transpile_table(qc, [], seed_transpiler=seed_transpiler)[0]
    if n == logical.two_qubit_gates:
        return Verdict(False, "That is the count *before* transpiling. Heavy-hex qubits have at "
                              "most 3 neighbours, so the transpiler adds SWAPs: transpile first.")
    others = noise.transpile_table(qc, ["linear", "all-to-all"], seed_transpiler=seed_transpiler,
                                   include_logical=False).by_target()
    for name, row in others.items():
        if n == row.two_qubit_gates and row.two_qubit_gates != hh.two_qubit_gates:
            return Verdict(False, f"That is the count for the {name} target; the question asks for "
                                  "heavy-hex (`noise.transpile_cost(circuit, 'heavy-hex', ...)`).")
    if n == hh.depth:
        return Verdict(False, "That is the circuit depth; count the two-qubit gates.")
    if n == hh.two_qubit_gates + hh.one_qubit_gates:
        return Verdict(False, "That counts every gate; only two-qubit gates are asked (they are "
                              "the slow, error-prone ones).")
    if n == hh.two_qubit_depth:
        return Verdict(False, "That is the two-qubit *depth* (layers); count the gates.")
    return Verdict(False, f"Not what the transpiler gives with seed_transpiler={seed_transpiler} "
                          "and optimization_level=1 — a different seed or level changes the "
                          "routing. Use `noise.transpile_cost(design.circuit, 'heavy-hex', "
                          f"seed_transpiler={seed_transpiler})`.")
