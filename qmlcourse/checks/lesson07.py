"""Checkers for lesson 07 (a variational classifier)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker


# ----------------------------------------------------------------------------- 7.1
_CIRCUIT_SEED = 707


def _logit(x: np.ndarray, p: np.ndarray, *, reupload: bool = True, cz: bool = True, obs: str = "ZZ",
           ry_first: bool = False, readout: bool = True) -> float:
    """The lesson's classifier (and its usual mistakes), by plain statevector simulation."""
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import SparsePauliOp, Statevector

    qc = QuantumCircuit(2)
    for layer in range(3):
        if reupload or layer == 0:
            qc.ry(x[0], 0)
            qc.ry(x[1], 1)
        t = p[4 * layer: 4 * layer + 4]
        if ry_first:
            qc.ry(t[2], 0)
            qc.ry(t[3], 1)
            qc.rz(t[0], 0)
            qc.rz(t[1], 1)
        else:
            qc.rz(t[0], 0)
            qc.rz(t[1], 1)
            qc.ry(t[2], 0)
            qc.ry(t[3], 1)
        if cz:
            qc.cz(0, 1)
    ev = float(np.real(Statevector(qc).expectation_value(SparsePauliOp(obs))))
    return p[-2] * ev + p[-1] if readout else ev


def _circuit_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(_CIRCUIT_SEED)
    cases = []
    for _ in range(5):
        p = rng.uniform(-math.pi, math.pi, 14)
        p[-2:] = rng.uniform(0.5, 2.0), rng.uniform(-0.5, 0.5)
        cases.append((rng.uniform(0, math.pi, 2), p))
    return cases


@checker("Exercise 7.1 — the classifier circuit")
def classifier_circuit(answer: Callable[[np.ndarray, np.ndarray], Any]) -> Verdict:
    """``answer(x, params)`` returns the logit ``w ⟨Z⊗Z⟩ + b`` of the 3-layer re-uploading classifier.

    Compared with ``VariationalClassifier(n_features=2, layers=3)`` on random points and parameters."""
    if not callable(answer):
        return Verdict(False, "Pass the function itself, `classifier_logit` (no brackets).")
    from qmlcourse.models import VariationalClassifier

    model = VariationalClassifier(n_features=2, layers=3)
    cases = _circuit_cases()
    got = []
    for x, p in cases:
        value = answer(x.copy(), p.copy())
        if value is None:
            return Verdict(False, "Your function returns None: end it with `return w * expectation + b`.")
        v = np.asarray(value)
        if v.size != 1:
            return Verdict(False, f"Return ONE number (the logit of one point), got shape {v.shape}.")
        if np.iscomplexobj(v):
            v = v.real
        got.append(float(v.reshape(())))
    got_a = np.array(got)
    want = np.array([float(model.outputs(x[None], p)[0]) for x, p in cases])
    if np.allclose(got_a, want, atol=1e-8):
        return Verdict(True, "Same logits as VariationalClassifier on 5 random points and parameter vectors: "
                             "encoding, 3 re-uploading layers, ⟨Z⊗Z⟩, then w·⟨ZZ⟩ + b.")

    def same(**kw: Any) -> bool:
        return np.allclose(got_a, [_logit(x, p, **kw) for x, p in cases], atol=1e-8)

    if same(readout=False):
        return Verdict(False, "That is ⟨Z⊗Z⟩ itself. The logit rescales it: z = w·⟨ZZ⟩ + b with "
                              "w = params[-2], b = params[-1].")
    if np.allclose(got_a, 1 / (1 + np.exp(-want)), atol=1e-8):
        return Verdict(False, "That is P(y = 1) = σ(z). Return the logit z itself (the loss takes logits).")
    if same(reupload=False):
        return Verdict(False, "You encode x only once. Re-upload: apply RY(x₀), RY(x₁) at the start of EVERY layer.")
    if same(cz=False):
        return Verdict(False, "No entangling gate: end each layer with qc.cz(0, 1).")
    if same(obs="ZI") or same(obs="IZ"):
        return Verdict(False, "That reads one qubit. The readout is the parity of both: SparsePauliOp(\"ZZ\").")
    if same(ry_first=True):
        return Verdict(False, "Gate order inside a layer: first RZ(θ) on both qubits, then RY(θ), then CZ.")
    return Verdict(False, "Different logits from the lesson's model. Per layer l: ry(x[0], 0), ry(x[1], 1); "
                          "rz(θ[4l], 0), rz(θ[4l+1], 1); ry(θ[4l+2], 0), ry(θ[4l+3], 1); cz(0, 1). "
                          "Then z = w·⟨ZZ⟩ + b.")


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
@checker("Exercise 7.4 — train with the hinge loss")
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


# ----------------------------------------------------------------------------- 7.3
_LOOP_SEED = 733


def _loop_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_LOOP_SEED)
    X = rng.uniform(0, math.pi, (12, 2))
    y = np.array([0, 1] * 6)
    p = rng.uniform(-math.pi, math.pi, 14)
    p[-2:] = 1.3, -0.2
    return X, y, p


def _pair(value: Any, what: str) -> tuple[float, np.ndarray]:
    if value is None:
        raise Verdict(False, f"{what} returns None: end it with `return loss, grad`.")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise Verdict(False, f"{what} must return a pair `loss, grad`.")
    loss = np.asarray(value[0], dtype=float)
    if loss.size != 1:
        raise Verdict(False, f"The loss must be ONE number (the mean over points), got shape {loss.shape}.")
    return float(loss.reshape(())), np.asarray(value[1], dtype=float).reshape(-1)


@checker("Exercise 7.3 — gradient and training loop")
def training_loop(answer: Callable[..., Any], train: Any = None) -> Verdict:
    """``answer(params, X, y)`` returns ``(mean cross-entropy, gradient (14,))`` of the lesson's classifier;
    ``train(loss_and_gradient, params, X, y, steps, lr)`` returns ``(params, losses)`` of plain
    gradient descent. Tested on 12 other points and another parameter vector."""
    if not callable(answer):
        return Verdict(False, "Pass the functions themselves: check.training_loop(loss_and_gradient, train).")
    from qmlcourse.models import VariationalClassifier

    model = VariationalClassifier(n_features=2, layers=3)
    X, y, p = _loop_case()
    loss, grad = _pair(answer(p.copy(), X.copy(), y.copy()), "loss_and_gradient")
    ref_loss, ref_grad = model.loss_and_grad(X, y, p)
    if not math.isclose(loss, ref_loss, rel_tol=1e-6, abs_tol=1e-9):
        return Verdict(False, f"The loss is {loss:.4f}, expected {ref_loss:.4f}: the MEAN cross-entropy of the "
                              "logits z = w·E + b (exercise 7.2's formula, np.logaddexp(0, z) − y z).")
    if grad.shape != ref_grad.shape:
        return Verdict(False, f"The gradient needs one entry per parameter: shape {ref_grad.shape}, got {grad.shape}.")
    if np.allclose(grad, ref_grad, atol=1e-7):
        if train is None or not callable(train):
            return Verdict(False, "loss_and_gradient is right. Now write `train` and pass it too: "
                                  "check.training_loop(loss_and_gradient, train).")
        return _check_train(train, model, X, y, p)
    M = len(y)
    ang, ref_ang = grad[:-2], ref_grad[:-2]
    if np.allclose(grad, -ref_grad, atol=1e-7):
        return Verdict(False, "Sign flipped: ∂ℓ/∂z = σ(z) − y (not y − σ(z)).")
    if np.allclose(grad, M * ref_grad, atol=1e-6):
        return Verdict(False, "That is the gradient of the SUM over points; the loss is the mean: divide by the "
                              "number of points.")
    if np.allclose(ang, 2 * ref_ang, atol=1e-7):
        return Verdict(False, "Angles twice too large: the shift rule is [E(θ + π/2) − E(θ − π/2)] / 2.")
    w = p[-2]
    if np.allclose(ang * w, ref_ang, atol=1e-7):
        return Verdict(False, "Chain rule: z = w·E + b, so ∂z/∂θ_k = w · ∂E/∂θ_k — multiply by w.")
    if np.allclose(ang, ref_ang, atol=1e-7):
        return Verdict(False, "The 12 angle derivatives are right; the last two are w and b (no shift rule for "
                              "them): ∂L/∂w = mean((σ(z) − y)·E), ∂L/∂b = mean(σ(z) − y).")
    return Verdict(False, "Wrong gradient. For angle k: shift params[k] by ±π/2, evaluate E = "
                          "model.expectations(X, shifted) (shape (M,)), dE = half the difference; then "
                          "grad[k] = mean((σ(z) − y) · w · dE). Last two entries: w and b.")


def _check_train(train: Callable[..., Any], model: Any, X: np.ndarray, y: np.ndarray, p: np.ndarray) -> Verdict:
    steps, lr = 4, 0.3
    calls = [0]

    def reference(params: Any, X_: Any, y_: Any) -> tuple[float, np.ndarray]:
        calls[0] += 1
        return model.loss_and_grad(X_, y_, np.asarray(params, dtype=float))

    out = train(reference, p.copy(), X.copy(), y.copy(), steps, lr)
    if out is None or not isinstance(out, (tuple, list)) or len(out) != 2:
        return Verdict(False, "train must return a pair `params, losses` (the final parameters and the list "
                              "of losses, one per step).")
    final = np.asarray(out[0], dtype=float).reshape(-1)
    losses = np.asarray(out[1], dtype=float).reshape(-1)
    q, want_losses = p.copy(), []
    for _ in range(steps):
        loss, grad = model.loss_and_grad(X, y, q)
        want_losses.append(loss)
        q = q - lr * grad
    up = p.copy()
    for _ in range(steps):
        up = up + lr * model.loss_and_grad(X, y, up)[1]
    if final.shape == q.shape and np.allclose(final, q, atol=1e-8):
        if len(losses) != steps:
            return Verdict(False, f"Parameters right, but return one loss per step: {steps} values, got {len(losses)}.")
        if not np.allclose(losses, want_losses, atol=1e-8):
            return Verdict(False, "Parameters right; record the loss returned at each step (before the update).")
        return Verdict(True, f"Your gradient matches the exact one, and your loop is plain gradient descent: "
                             f"{steps} steps took the loss on the checker's 12 points from {want_losses[0]:.3f} to "
                             f"{want_losses[-1]:.3f}. Shift rule + chain rule + update: a hardware-style training loop.")
    if final.shape == up.shape and np.allclose(final, up, atol=1e-8):
        return Verdict(False, "You climb uphill: step AGAINST the gradient, params = params − lr · grad.")
    if final.shape == p.shape and np.allclose(final, p, atol=1e-12):
        return Verdict(False, "The parameters never change: update them each step and return the final ones.")
    if calls[0] != steps:
        return Verdict(False, f"Call loss_and_gradient once per step ({steps} steps), got {calls[0]} calls.")
    return Verdict(False, "Not plain gradient descent: each step, (loss, grad) = loss_and_gradient(params, X, y), "
                          "then params = params − lr · grad.")


# ------------------------------------------------------------------ predict-then-reveal (§7)
def predict_line_accuracy(guess: Any) -> Any:
    """Record the learner's prediction of a straight line's test accuracy on the moons."""
    return _predict.record("07-line", guess, "the test accuracy of a straight line (logistic regression)")


def reveal_line_accuracy(found: float) -> Any:
    """Compare the recorded prediction with the straight line's measured test accuracy."""
    return _predict.reveal("07-line", found, "the test accuracy of a straight line (logistic regression)",
                           tolerance=0.05, note="The moons interleave, but most points sit on the right side "
                                                "of one tilted line.")
