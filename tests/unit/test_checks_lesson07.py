"""Checkers of lesson 07: right answers pass, each common mistake gets its hint, nothing raises."""
import math

import numpy as np
import pytest

from qmlcourse import datasets
from qmlcourse.checks import lesson07 as check
from qmlcourse.models import VariationalClassifier
from qmlcourse.train import fit


from qiskit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp, Statevector

REF = VariationalClassifier(n_features=2, layers=3)


# ----------------------------------------------------------------------------- 7.1
def logit(x, params, reupload=True, cz=True, obs="ZZ", ry_first=False, readout=True):
    qc = QuantumCircuit(2)
    for layer in range(3):
        if reupload or layer == 0:
            qc.ry(x[0], 0)
            qc.ry(x[1], 1)
        t = params[4 * layer: 4 * layer + 4]
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
    ev = Statevector(qc).expectation_value(SparsePauliOp(obs))  # complex: the checker takes .real
    return params[-2] * ev + params[-1] if readout else ev


def test_classifier_circuit_right(capsys):
    assert check.classifier_circuit(logit)
    assert check.classifier_circuit(lambda x, p: REF.outputs(np.asarray(x)[None], p)[0])
    assert "Same logits" in capsys.readouterr().out


@pytest.mark.parametrize("fn, hint", [
    (lambda x, p: logit(x, p, readout=False), "⟨Z⊗Z⟩ itself"),
    (lambda x, p: 1 / (1 + np.exp(-logit(x, p).real)), "σ(z)"),
    (lambda x, p: logit(x, p, reupload=False), "Re-upload"),
    (lambda x, p: logit(x, p, cz=False), "cz(0, 1)"),
    (lambda x, p: logit(x, p, obs="ZI"), "parity of both"),
    (lambda x, p: logit(x, p, obs="IZ"), "parity of both"),
    (lambda x, p: logit(x, p, ry_first=True), "Gate order"),
    (lambda x, p: logit(x[::-1], p), "Different logits"),
    (lambda x, p: None, "returns None"),
    (lambda x, p: np.zeros(3), "ONE number"),
])
def test_classifier_circuit_hints(capsys, fn, hint):
    assert not check.classifier_circuit(fn)
    assert hint in capsys.readouterr().out


def test_classifier_circuit_missing_and_garbage(capsys):
    assert not check.classifier_circuit(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.classifier_circuit(0.3)
    assert "function itself" in capsys.readouterr().out
    assert not check.classifier_circuit(lambda x: 1.0)
    assert "raised TypeError" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 7.2
def good_ce(z, y):
    z = np.asarray(z, float)
    return float(np.mean(np.logaddexp(0, z) - np.asarray(y) * z))


def naive_ce(z, y):
    p = 1 / (1 + np.exp(-np.asarray(z, float)))
    y = np.asarray(y)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def test_cross_entropy_right(capsys):
    assert check.cross_entropy(good_ce)
    assert "stable" in capsys.readouterr().out


@pytest.mark.parametrize("fn, hint", [
    (lambda z, y: good_ce(z, y) * len(z), "sum"),
    (lambda z, y: good_ce(z, 1 - np.asarray(y)), "Classes swapped"),
    (lambda z, y: good_ce(z, y) / math.log(2), "natural log"),
    (lambda z, y: -good_ce(z, y), "Sign"),
    (lambda z, y: np.mean(np.abs(z)), "Expected"),
    (lambda z, y: np.logaddexp(0, z) - y * z, "one number"),
])
def test_cross_entropy_mistakes_get_hints(capsys, fn, hint):
    assert not check.cross_entropy(fn)
    assert hint in capsys.readouterr().out


def test_cross_entropy_naive_form_gets_stability_hint(capsys):
    with np.errstate(all="ignore"):
        assert not check.cross_entropy(naive_ce)
    assert "logaddexp" in capsys.readouterr().out


def test_cross_entropy_missing_and_garbage(capsys):
    assert not check.cross_entropy(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.cross_entropy(0.69)
    assert "function itself" in capsys.readouterr().out
    assert not check.cross_entropy(lambda z, y: "abc")
    assert "not yet" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 7.3
def loss_and_gradient(params, X, y, *, w_factor=True, half=True, sign=1.0, mean=True, wb=True):
    params = np.asarray(params, float)
    w, b = params[-2], params[-1]
    E = REF.expectations(X, params)
    z = w * E + b
    loss = np.mean(np.logaddexp(0, z) - y * z)
    dz = sign * (1 / (1 + np.exp(-z)) - y) / (len(y) if mean else 1)
    shifts = np.pi / 2 * np.eye(len(params))[:-2]
    dE = (REF.expectations(X, params + shifts) - REF.expectations(X, params - shifts)) / (2 if half else 1)
    grad = np.zeros(len(params))
    grad[:-2] = dE @ dz * (w if w_factor else 1.0)
    if wb:
        grad[-2], grad[-1] = np.sum(dz * E), np.sum(dz)
    return loss, grad


def train(lg, params, X, y, steps, lr, direction=-1.0, update=True):
    losses = []
    for _ in range(steps):
        loss, grad = lg(params, X, y)
        losses.append(loss)
        if update:
            params = params + direction * lr * grad
    return params, losses


def test_training_loop_right(capsys):
    assert check.training_loop(loss_and_gradient, train)
    out = capsys.readouterr().out
    assert "plain gradient descent" in out
    assert check.training_loop(lambda p, X, y: REF.loss_and_grad(X, y, p), train)


@pytest.mark.parametrize("kwargs, hint", [
    ({"w_factor": False}, "multiply by w"),
    ({"half": False}, "twice too large"),
    ({"sign": -1.0}, "Sign flipped"),
    ({"mean": False}, "SUM over points"),
    ({"wb": False}, "w and b"),
])
def test_training_loop_gradient_hints(capsys, kwargs, hint):
    assert not check.training_loop(lambda p, X, y: loss_and_gradient(p, X, y, **kwargs), train)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("fn, hint", [
    (lambda lg, p, X, y, s, lr: train(lg, p, X, y, s, lr, direction=1.0), "uphill"),
    (lambda lg, p, X, y, s, lr: train(lg, p, X, y, s, lr, update=False), "never change"),
    (lambda lg, p, X, y, s, lr: (train(lg, p, X, y, s, lr)[0], []), "one loss per step"),
    (lambda lg, p, X, y, s, lr: train(lg, p, X, y, s, 0.1), "Not plain gradient descent"),
    (lambda lg, p, X, y, s, lr: None, "return a pair"),
])
def test_training_loop_train_hints(capsys, fn, hint):
    assert not check.training_loop(loss_and_gradient, fn)
    assert hint in capsys.readouterr().out


def test_training_loop_missing_and_garbage(capsys):
    assert not check.training_loop(None, train)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.training_loop(loss_and_gradient)
    assert "Now write `train`" in capsys.readouterr().out
    assert not check.training_loop(lambda p, X, y: None, train)
    assert "returns None" in capsys.readouterr().out
    assert not check.training_loop(lambda p, X, y: (np.zeros(3), np.zeros(14)), train)
    assert "ONE number" in capsys.readouterr().out
    assert not check.training_loop(lambda p, X, y: (0.5, np.zeros(14)), train)
    assert "The loss is" in capsys.readouterr().out
    assert not check.training_loop("abc", train)
    assert "functions themselves" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 7.4
@pytest.fixture(scope="module")
def split():
    data = datasets.make_moons(200, noise=0.1, seed=0)
    return datasets.train_test_split(data, test_size=0.3, seed=0)


def test_hinge_classifier_right(capsys, split):
    model = VariationalClassifier(n_features=2, layers=3, loss="hinge")
    res = fit(model, split.X_train, split.y_train, steps=50, lr=0.2, seed=2)
    assert check.hinge_classifier(res.params, split.X_test, split.y_test)
    assert "Test accuracy" in capsys.readouterr().out
    assert check.hinge_classifier(res, split.X_test, split.y_test)  # a TrainingResult is fine


def test_hinge_classifier_untrained_and_weak(capsys, split):
    model = VariationalClassifier(n_features=2, layers=3, loss="hinge")
    p0 = model.init_params(seed=0)
    acc = model.score(split.X_test, split.y_test, p0)
    assert not check.hinge_classifier(p0, split.X_test, split.y_test)
    out = capsys.readouterr().out
    assert ("untrained" in out) if acc < 0.7 else ("Train longer" in out)
    weak = fit(model, split.X_train, split.y_train, steps=3, lr=0.05, seed=0).params
    assert not check.hinge_classifier(weak, split.X_test, split.y_test)
    assert "< 0.90" in capsys.readouterr().out


def test_hinge_classifier_wrong_shape_missing_data_and_garbage(capsys, split):
    assert not check.hinge_classifier(np.zeros(10), split.X_test, split.y_test)
    assert "shape (14,)" in capsys.readouterr().out
    assert not check.hinge_classifier(np.zeros(14))
    assert "test data" in capsys.readouterr().out
    assert not check.hinge_classifier(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.hinge_classifier("abc", split.X_test, split.y_test)
    assert "not yet" in capsys.readouterr().out
