"""Unit tests for qmlcourse.train: Adam, the training loop and its history."""
from __future__ import annotations

import numpy as np
import pytest

from qmlcourse import datasets
from qmlcourse.models import ReuploadingModel, VariationalClassifier
from qmlwidgets.optimizers import adam as adam_minimize
from qmlcourse.train import TrainingResult, fit
from qmlwidgets.optimizers import Adam


@pytest.fixture(scope="module")
def moons():
    data = datasets.make_moons(60, noise=0.1, seed=0)
    return datasets.train_test_split(data, test_size=0.25, seed=0)


def test_adam_step_matches_optimizers_adam():
    def loss(X):
        return np.sum((X - 1.5) ** 2, axis=1)

    ref = adam_minimize(loss, np.zeros(3), grad=lambda X: 2 * (X - 1.5), steps=20, lr=0.1)
    opt = Adam(lr=0.1)
    x = np.zeros(3)
    for _ in range(20):
        x = opt.step(x, 2 * (x - 1.5))
    np.testing.assert_allclose(x, ref.x, atol=1e-12)


def test_adam_rejects_bad_settings():
    with pytest.raises(ValueError, match="lr"):
        Adam(lr=0)
    with pytest.raises(ValueError, match="beta"):
        Adam(beta1=1.0)


def test_fit_decreases_loss_and_records_history(moons):
    model = VariationalClassifier(n_features=2, layers=2)
    res = fit(model, moons.X_train, moons.y_train, X_test=moons.X_test, y_test=moons.y_test,
              steps=30, lr=0.2, seed=0)
    h = res.history
    assert set(h) == {"step", "loss", "train_accuracy", "test_loss", "test_accuracy"}
    assert h["step"].tolist() == list(range(31))
    assert res.trajectory.shape == (31, model.n_params)
    assert h["loss"][-1] < 0.7 * h["loss"][0]
    np.testing.assert_allclose(res.params, res.trajectory[-1])
    np.testing.assert_allclose(model.params, res.params)
    # the history is what the model says at the recorded points
    k = 10
    assert h["loss"][k] == pytest.approx(model.loss(moons.X_train, moons.y_train,
                                                   res.trajectory[k]))
    assert h["test_accuracy"][k] == pytest.approx(model.score(moons.X_test, moons.y_test,
                                                              res.trajectory[k]))
    assert res.steps == 30
    assert repr(res).startswith("TrainingResult(steps=30, loss=")
    assert res.final("train_accuracy") == h["train_accuracy"][-1]
    with pytest.raises(ValueError, match="no 'mse'"):
        res.final("mse")


def test_fit_is_seeded_and_reproducible(moons):
    a = fit(VariationalClassifier(layers=1), moons.X_train, moons.y_train, steps=5, seed=3)
    b = fit(VariationalClassifier(layers=1), moons.X_train, moons.y_train, steps=5, seed=3)
    c = fit(VariationalClassifier(layers=1), moons.X_train, moons.y_train, steps=5, seed=4)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    assert not np.allclose(a.trajectory[0], c.trajectory[0])


def test_fit_from_given_params_minibatch_and_record_every(moons):
    model = VariationalClassifier(layers=1)
    p0 = model.init_params(seed=9)
    res = fit(model, moons.X_train, moons.y_train, params=p0, steps=10, batch_size=8,
              record_every=4, seed=0)
    np.testing.assert_allclose(res.trajectory[0], p0)
    assert res.history["step"].tolist() == [0, 4, 8, 10]
    assert res.history["loss"][0] == pytest.approx(model.loss(moons.X_train, moons.y_train, p0))


def test_callback_stops_early(moons):
    model = VariationalClassifier(layers=1)
    res = fit(model, moons.X_train, moons.y_train, steps=50, seed=0,
              callback=lambda k, p, loss: k >= 3)
    assert res.steps == 3
    assert res.history["step"][-1] == 3


def test_fit_regression_model():
    x = np.linspace(-3, 3, 20)
    model = ReuploadingModel(layers=1)
    res = fit(model, x, 0.5 * np.sin(x) + 0.2, steps=80, lr=0.15, seed=0)
    assert res.metric_name == "mse"
    assert "train_mse" in res.history
    assert res.final("loss") < 1e-3
    assert isinstance(model.fit(x, np.sin(x), steps=2), TrainingResult)


def test_fit_rejects_bad_arguments(moons):
    model = VariationalClassifier(layers=1)
    for kwargs, match in [({"steps": -1}, "steps"), ({"record_every": 0}, "record_every"),
                          ({"batch_size": 0}, "batch_size"), ({"params": np.zeros(3)}, "shape")]:
        with pytest.raises(ValueError, match=match):
            fit(model, moons.X_train, moons.y_train, **kwargs)
