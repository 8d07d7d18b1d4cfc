import numpy as np
import pytest

from qmlcourse import datasets, noise
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


# ----------------------------------------------------------------------------- 16.2
@pytest.fixture(scope="module")
def design():
    d = VariationalClassifier(n_features=3, layers=1, encoding="zz")
    table = noise.transpile_table(d.circuit, ["linear", "heavy-hex", "all-to-all"],
                                  seed_transpiler=check.SEED).by_target()
    return d, table


def test_right_hardware_cost_passes(design, capsys):
    d, table = design
    assert check.hardware_cost(table["heavy-hex"].two_qubit_gates, d)
    assert check.hardware_cost(float(table["heavy-hex"].two_qubit_gates), d.circuit)
    assert "heavy-hex" in capsys.readouterr().out


def test_hardware_cost_hints(design, capsys):
    d, table = design
    hh = table["heavy-hex"]
    assert table["logical"].two_qubit_gates != hh.two_qubit_gates   # routing happens here
    cases = [(table["logical"].two_qubit_gates, "*before* transpiling"),
             (hh.depth, "depth"),
             (hh.two_qubit_gates + hh.one_qubit_gates, "counts every gate"),
             (hh.two_qubit_gates + 1000, "seed_transpiler=16")]
    if table["linear"].two_qubit_gates != hh.two_qubit_gates:
        cases.append((table["linear"].two_qubit_gates, "linear target"))
    for answer, hint in cases:
        assert not check.hardware_cost(answer, d)
        assert hint in capsys.readouterr().out
    assert not check.hardware_cost(noise.transpile_cost(d.circuit, "heavy-hex"), d)
    assert "number itself" in capsys.readouterr().out


def test_hardware_cost_missing_design_or_garbage(design, capsys):
    d, _ = design
    assert not check.hardware_cost(None, d)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.hardware_cost(12, None)
    assert "design is missing" in capsys.readouterr().out
    assert not check.hardware_cost("twelve", d)
    assert "whole number" in capsys.readouterr().out
    assert not check.hardware_cost(12, "circuit")
    assert "second argument" in capsys.readouterr().out
