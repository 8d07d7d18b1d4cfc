"""Checkers of lesson 07: right answers pass, each common mistake gets its hint, nothing raises."""
import math

import numpy as np
import pytest

from qmlcourse import datasets
from qmlcourse.checks import lesson07 as check
from qmlcourse.models import VariationalClassifier
from qmlcourse.train import fit


def shift_rule(loss, theta, shift=np.pi / 2, scale=0.5, sign=1.0):
    P = len(theta)
    s = shift * np.eye(P)
    v = loss(np.concatenate([theta + s, theta - s]))
    return sign * scale * (v[:P] - v[P:])


# ----------------------------------------------------------------------------- 7.1
def test_parameter_shift_right(capsys):
    assert check.parameter_shift(shift_rule)
    assert "one batch" in capsys.readouterr().out


def test_parameter_shift_row_by_row_passes_with_tip(capsys):
    def per_row(loss, theta):
        g = []
        for k in range(len(theta)):
            e = np.zeros(len(theta)); e[k] = np.pi / 2
            g.append((loss((theta + e)[None])[0] - loss((theta - e)[None])[0]) / 2)
        return np.array(g)

    assert check.parameter_shift(per_row)
    assert "call the loss once" in capsys.readouterr().out


def test_parameter_shift_finite_differences_noted(capsys):
    def fd(loss, theta, h=1e-6):
        P = len(theta)
        v = loss(np.concatenate([theta + h * np.eye(P), theta - h * np.eye(P)]))
        return (v[:P] - v[P:]) / (2 * h)

    assert check.parameter_shift(fd)
    assert "finite differences" in capsys.readouterr().out


@pytest.mark.parametrize("kwargs, hint", [
    ({"scale": 1.0}, "1/2"),
    ({"sign": -1.0}, "Wrong sign"),
    ({"sign": -1.0, "scale": 1.0}, "Wrong sign and a missing 1/2"),
    ({"shift": np.pi / 4}, "sin(shift)"),
    ({"shift": 90.0}, "radians"),
])
def test_parameter_shift_mistakes_get_hints(capsys, kwargs, hint):
    assert not check.parameter_shift(lambda loss, theta: shift_rule(loss, theta, **kwargs))
    assert hint in capsys.readouterr().out


def test_parameter_shift_wrong_shape_and_none(capsys):
    assert not check.parameter_shift(lambda loss, theta: np.zeros(3))
    assert "shape" in capsys.readouterr().out
    assert not check.parameter_shift(lambda loss, theta: None)
    assert "returned None" in capsys.readouterr().out
    assert not check.parameter_shift(lambda loss, theta: np.zeros(len(theta)))
    assert "half the difference" in capsys.readouterr().out


def test_parameter_shift_missing_and_garbage(capsys):
    assert not check.parameter_shift(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.parameter_shift(np.zeros(4))
    assert "function itself" in capsys.readouterr().out
    assert not check.parameter_shift(lambda loss, theta: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


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
