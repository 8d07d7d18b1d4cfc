import numpy as np
import pytest

from qmlcourse import datasets
from qmlcourse.checks import lesson16 as check
from qmlcourse.models import VariationalClassifier
from qmlcourse.train import fit


@pytest.fixture(scope="module")
def project():
    data = datasets.make_moons(80, noise=0.1, seed=3)
    X_tr, X_te, y_tr, y_te = datasets.train_test_split(data, test_size=0.3, seed=3)
    model = VariationalClassifier(n_features=2, layers=3)
    params = fit(model, X_tr, y_tr, steps=60, lr=0.2, seed=1).params
    acc = model.score(X_te, y_te, params)
    assert acc >= check.MIN_ACCURACY          # the fixture itself must be a passing project
    return model, params, X_tr, y_tr, X_te, y_te, acc


class FakeModel:
    """Scores 1.0 on the training set and `test_acc` elsewhere."""

    n_params, n_features, n_qubits = 3, 2, 2

    def __init__(self, X_train, train_acc, test_acc):
        self.X_train, self.train_acc, self.test_acc = X_train, train_acc, test_acc

    def score(self, X, y, params):
        return self.train_acc if X is self.X_train else self.test_acc


# ----------------------------------------------------------------------------- 16.1
def test_trained_model_passes_and_compares_with_baselines(project, capsys):
    model, params, X_tr, y_tr, X_te, y_te, acc = project
    assert check.project_model(model, params, X_te, y_te, acc - 0.1, acc - 0.1, X_tr, y_tr)
    assert "beats the classical baseline" in capsys.readouterr().out
    assert check.project_model(model, params, X_te, y_te, acc, None)
    assert "ties" in capsys.readouterr().out
    assert check.project_model(FakeModel(X_tr, 0.95, 0.9), np.zeros(3), X_te, y_te, 1.0)
    assert "trails the classical baseline (1.000) by 0.100" in capsys.readouterr().out


def test_untrained_model_fails(project, capsys):
    model, _, X_tr, y_tr, X_te, y_te, _ = project
    bad = np.zeros(model.n_params)
    assert not check.project_model(model, bad, X_te, y_te, 0.9, 0.8)
    assert "below 0.85" in capsys.readouterr().out


def test_underfitting_and_overfitting_hints(project, capsys):
    _, _, X_tr, y_tr, X_te, y_te, _ = project
    assert not check.project_model(FakeModel(X_tr, 1.0, 0.7), np.zeros(3), X_te, y_te,
                                   X_train=X_tr, y_train=y_tr)
    assert "over-fitting" in capsys.readouterr().out
    assert not check.project_model(FakeModel(X_tr, 0.7, 0.7), np.zeros(3), X_te, y_te,
                                   X_train=X_tr, y_train=y_tr)
    assert "under-fits" in capsys.readouterr().out


def test_worse_than_the_reference_fails(project, capsys):
    _, _, X_tr, _, X_te, y_te, _ = project
    assert not check.project_model(FakeModel(X_tr, 0.9, 0.86), np.zeros(3), X_te, y_te,
                                   reference_accuracy=0.97)
    assert "reference" in capsys.readouterr().out


@pytest.mark.parametrize("case, hint", [
    ("no params", "`my_params` is missing"),
    ("wrong length", "parameters of another model"),
    ("wrong features", "use `n_features=2`"),
    ("too many qubits", "stay at or below 8"),
    ("not a model", "Give the model object"),
])
def test_broken_projects_get_hints(project, case, hint, capsys):
    model, params, _, _, X_te, y_te, _ = project
    answer, p = model, params
    if case == "no params":
        p = None
    elif case == "wrong length":
        p = params[:-1]
    elif case == "wrong features":
        answer = VariationalClassifier(n_features=3, layers=1)
    elif case == "too many qubits":
        answer = VariationalClassifier(n_features=2, n_qubits=9, layers=1)
    elif case == "not a model":
        answer = "VariationalClassifier"
    assert not check.project_model(answer, p, X_te, y_te)
    assert hint in capsys.readouterr().out


def test_project_model_missing(project, capsys):
    _, params, _, _, X_te, y_te, _ = project
    assert not check.project_model(None, params, X_te, y_te)
    assert "no answer yet" in capsys.readouterr().out


def test_validation_split_is_named(project, capsys):
    model, params, X_tr, y_tr, X_te, y_te, acc = project
    assert check.project_model(model, params, X_te, y_te, acc, acc, X_tr, y_tr, split="validation")
    assert "validation accuracy" in capsys.readouterr().out
    assert not check.project_model(FakeModel(X_tr, 0.7, 0.7), np.zeros(3), X_te, y_te,
                                   0.9, 0.8, X_tr, y_tr, split="validation")
    assert "Validation accuracy 0.700" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 16.2
def _right(n, layers):
    return layers * (n * n - 1)


def test_right_zz_gate_count_passes(capsys):
    assert check.zz_gate_count(_right)
    assert "L·(n² − 1)" in capsys.readouterr().out
    assert check.zz_gate_count(lambda n, L: L * (2 * (n * (n - 1) // 2) + n - 1))


def test_reference_formula_matches_the_circuit():
    for n, L in [(2, 1), (3, 2), (4, 2), (5, 1)]:
        qc = VariationalClassifier(n_features=n, layers=L, encoding="zz").circuit
        assert sum(1 for i in qc.data if i.operation.num_qubits == 2) == _right(n, L)


@pytest.mark.parametrize("answer, hint", [
    (lambda n, L: L * (n * (n - 1) // 2 + n - 1), "two two-qubit gates per pair"),
    (lambda n, L: L * n * (n - 1), "CZ gates in every layer"),
    (lambda n, L: n * (n - 1) + L * (n - 1), "repeated in every layer"),
    (lambda n, L: L * (2 * n * n + n - 1), "not n²"),
    (lambda n, L: L * (2 * n * (n - 1) + n - 1), "counts every pair twice"),
    (lambda n, L: L * (n * (n - 1) + n), "n − 1 links"),
    (lambda n, L: 30, "your function gives 30"),
    (lambda n, L: None, "returned None"),
    (lambda n, L: "thirty", "whole number"),
])
def test_zz_gate_count_hints(answer, hint, capsys):
    assert not check.zz_gate_count(answer)
    assert hint in capsys.readouterr().out


def test_zz_gate_count_missing_or_garbage(capsys):
    assert not check.zz_gate_count(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.zz_gate_count(30)
    assert "function itself" in capsys.readouterr().out
    for bad in [lambda: 1, lambda n, L: 1 / 0, lambda n, L: [1, 2]]:
        assert not check.zz_gate_count(bad)
        assert "not yet" in capsys.readouterr().out


# ----------------------------------------------------------------------------- prediction
def test_predict_then_reveal_heavy_hex(capsys):
    assert check.predict_heavy_hex(55)
    assert check.reveal_heavy_hex(60)
    out = capsys.readouterr().out
    assert "you predicted 55" in out and "close" in out
    assert check.predict_heavy_hex(30)
    assert not check.reveal_heavy_hex(60)
    assert "off by 30" in capsys.readouterr().out


def test_missing_heavy_hex_prediction_never_raises(capsys):
    assert not check.predict_heavy_hex(None)
    assert not check.predict_heavy_hex("lots")
    assert not check.reveal_heavy_hex(60)
    out = capsys.readouterr().out
    assert "none recorded" in out and "no prediction recorded yet" in out


def test_a_few_validation_points_below_the_reference_are_noise(project, capsys):
    # issue 18: 2 of 32 validation points below the reference (0.0625) was called "clearly below"
    _, _, X_tr, _, X_te, y_te, _ = project
    ref = 1.0
    for missed in (2, 3):
        assert check.project_model(FakeModel(X_tr, 0.95, ref - missed / 32), np.zeros(3), X_te, y_te,
                                   reference_accuracy=ref)
    capsys.readouterr()
    assert not check.project_model(FakeModel(X_tr, 0.95, ref - 4 / 32), np.zeros(3), X_te, y_te,
                                   reference_accuracy=ref)
    assert "clearly below" in capsys.readouterr().out
