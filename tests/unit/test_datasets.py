"""Seeded toy datasets: shapes, ranges, determinism, labels, splits."""
import math

import numpy as np
import pytest

from qmlcourse import datasets as D

CLASSIFICATION = ["moons", "circles", "xor", "iris"]


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_are_scaled_balanced_and_seeded(name):
    kw = {"n_samples": 40} if name != "iris" else {"n_samples": 40}
    ds = D.load_dataset(name, seed=3, **kw)
    X, y = ds
    assert X.shape == (40, 2) and y.shape == (40,)
    assert X.dtype == float and y.dtype.kind == "i"
    assert set(np.unique(y)) == {0, 1} and np.sum(y == 0) == 20
    assert X.min() >= -1e-12 and X.max() <= math.pi + 1e-12
    again = D.load_dataset(name, seed=3, **kw)
    assert np.array_equal(again.X, X) and np.array_equal(again.y, y)
    assert ds.task == "classification" and ds.feature_range == D.ANGLE_RANGE
    assert repr(ds).startswith(f"Dataset('{name}', 40 samples, 2 features")


@pytest.mark.parametrize("name", ["moons", "circles", "xor"])
def test_other_seed_gives_other_data(name):
    a, b = D.load_dataset(name, 30, seed=0), D.load_dataset(name, 30, seed=1)
    assert not np.allclose(a.X, b.X)


def test_moons_and_circles_without_noise_lie_on_their_curves():
    X, y = D.make_moons(50, noise=0.0, seed=0, feature_range=None)
    outer, inner = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(outer[:, 0], outer[:, 1]), 1)
    assert np.allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1)
    X, y = D.make_circles(50, noise=0.0, factor=0.3, seed=0, feature_range=None)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1) and np.allclose(r[y == 1], 0.3)


def test_xor_labels_follow_quadrants_and_axes_stay_central():
    X, y = D.make_xor(200, seed=5, feature_range=None)
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))
    assert np.all(np.abs(X) >= 0.1)
    Xs, _ = D.make_xor(200, seed=5)
    mid = math.pi / 2
    assert np.array_equal(np.sign(Xs - mid), np.sign(X))


def test_signed_labels_option():
    _, y = D.make_moons(10, seed=0, signed=True)
    assert set(np.unique(y)) == {-1, 1}
    assert D.signed_labels([3, 7, 7]).tolist() == [-1, 1, 1]
    with pytest.raises(ValueError, match="two classes"):
        D.signed_labels([0, 1, 2])


def test_iris_matches_scikit_learns_table():
    from sklearn.datasets import load_iris

    data = load_iris()
    ds = D.load_iris_2class(("versicolor", "virginica"), features=range(4), feature_range=None)
    keep = data.target > 0
    assert np.allclose(ds.X, data.data[keep]) and np.array_equal(ds.y, data.target[keep] - 1)
    ds2 = D.load_iris_2class((2, 0), features=["sepal width"], feature_range=None)
    assert ds2.X.shape == (100, 1) and np.array_equal(ds2.y, (data.target[data.target != 1] == 0).astype(int))
    assert ds2.feature_names == ("sepal width",)


def test_iris_subset_is_balanced_and_errors_are_clear():
    ds = D.load_iris_2class(n_samples=11, seed=2)
    assert len(ds) == 11 and abs(int(ds.y.sum()) - 5.5) == 0.5
    with pytest.raises(ValueError, match="unknown iris class"):
        D.load_iris_2class(("rose", "setosa"))
    with pytest.raises(ValueError, match="two different"):
        D.load_iris_2class((1, 1))
    with pytest.raises(ValueError, match="more than"):
        D.load_iris_2class(n_samples=500)


def test_noisy_curve():
    ds = D.make_noisy_curve(25, noise=0.0, function="fourier", seed=4)
    assert ds.X.shape == (25, 1) and ds.task == "regression"
    assert np.all(np.diff(ds.X[:, 0]) >= 0)
    assert np.allclose(ds.y, D.curve_function("fourier")(ds.X[:, 0]))
    noisy = D.make_noisy_curve(25, noise=0.2, function="fourier", seed=4)
    assert 0.05 < np.std(noisy.y - ds.y) < 0.4
    custom = D.make_noisy_curve(5, noise=0.0, function=np.cos, x_range=(0, 1))
    assert np.allclose(custom.y, np.cos(custom.X[:, 0])) and custom.X.min() >= 0
    with pytest.raises(ValueError, match="unknown curve"):
        D.make_noisy_curve(function="tan")


def test_scale_features_uses_reference_range():
    train = np.array([[0.0, 1.0], [2.0, 3.0]])
    test = np.array([[1.0, 4.0]])
    assert D.scale_features(train, (0, 1)).tolist() == [[0, 0], [1, 1]]
    assert np.allclose(D.scale_features(test, (0, 1), reference=train), [[0.5, 1.5]])
    with pytest.raises(ValueError, match="columns"):
        D.scale_features(test, reference=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="low < high"):
        D.scale_features(test, (1, 0))


def test_split_is_stratified_disjoint_and_seeded():
    X = np.arange(40.0)[:, None]
    y = (np.arange(40) < 10).astype(int)  # unbalanced 10 / 30
    s = D.train_test_split(X, y, test_size=0.2, seed=7)
    assert len(s.X_test) == 8 and len(s.X_train) == 32
    assert int(s.y_test.sum()) == 2  # 20 % of the 10 ones
    assert sorted(np.concatenate([s.X_train, s.X_test])[:, 0].tolist()) == list(range(40))
    assert np.array_equal(s.y_train, (s.X_train[:, 0] < 10).astype(int))
    s2 = D.train_test_split(X, y, test_size=0.2, seed=7)
    assert np.array_equal(s.X_test, s2.X_test)
    assert not np.array_equal(s.X_test, D.train_test_split(X, y, test_size=0.2, seed=8).X_test)
    Xtr, Xte, ytr, yte = D.train_test_split(D.make_moons(20, seed=0), test_size=5)
    assert Xte.shape == (5, 2)


def test_split_regression_and_errors():
    ds = D.make_noisy_curve(20)
    s = D.train_test_split(ds, test_size=0.25, seed=0)
    assert len(s.y_test) == 5
    with pytest.raises(ValueError, match="test_size"):
        D.train_test_split(ds, test_size=1.5)
    with pytest.raises(ValueError, match="one row per"):
        D.train_test_split(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="needs labels"):
        D.train_test_split(np.zeros((3, 2)))


def test_decision_grid():
    xx, yy, pts = D.decision_grid(((0, 1), (0, 2)), resolution=5)
    assert xx.shape == yy.shape == (5, 5) and pts.shape == (25, 2)
    assert pts[:, 1].max() == 2 and np.allclose(pts[:, 0].reshape(5, 5), xx)
    with pytest.raises(ValueError, match="resolution"):
        D.decision_grid(resolution=1)


@pytest.mark.parametrize("bad", [dict(n_samples=1), dict(n_samples=2.5), dict(noise=-1), dict(feature_range=(2, 1))])
def test_bad_arguments_raise_value_error(bad):
    kw = {"n_samples": 20, **bad}
    with pytest.raises(ValueError):
        D.make_moons(**kw)


def test_unknown_dataset():
    with pytest.raises(ValueError, match="choose from"):
        D.load_dataset("mnist")


def test_docstring_examples_run():
    import doctest

    from qmlcourse import datasets as module

    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
