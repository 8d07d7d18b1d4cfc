"""Seeded small toy datasets for the course, scaled to angle ranges.

Every generator is deterministic given ``seed`` (``np.random.default_rng``), downloads
nothing (the generators follow scikit-learn's ``make_moons``/``make_circles`` in NumPy; iris
is scikit-learn's bundled table, read without importing scikit-learn, which is slow to import) and returns a :class:`Dataset` whose features
are min-max scaled to ``feature_range`` (default ``(0, π)``, a natural range for rotation
angles). A :class:`Dataset` unpacks like a tuple::

    >>> from qmlcourse import datasets
    >>> X, y = datasets.make_moons(40, seed=1)
    >>> X.shape, y.shape, float(X.min()), round(float(X.max()), 4)
    ((40, 2), (40,), 0.0, 3.1416)
    >>> split = datasets.train_test_split(X, y, test_size=0.25, seed=1)
    >>> split.X_train.shape, split.X_test.shape
    ((30, 2), (10, 2))

Available: :func:`make_moons`, :func:`make_circles`, :func:`make_xor`,
:func:`load_iris_2class`, :func:`make_noisy_curve` (1-D regression), or by name with
:func:`load_dataset`. Helpers: :func:`scale_features`, :func:`train_test_split`,
:func:`signed_labels`, :func:`decision_grid` (points for decision-boundary plots).

Classification labels are ``0``/``1`` integers (``signed=True`` gives ``-1``/``+1``, handy
when a model's output is an expectation value in ``[-1, 1]``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

__all__ = [
    "ANGLE_RANGE",
    "DATASETS",
    "Dataset",
    "Split",
    "make_moons",
    "make_circles",
    "make_xor",
    "load_iris_2class",
    "make_noisy_curve",
    "curve_function",
    "load_dataset",
    "scale_features",
    "train_test_split",
    "signed_labels",
    "decision_grid",
]

#: default feature range: every feature becomes an angle in [0, π]
ANGLE_RANGE: tuple[float, float] = (0.0, math.pi)

IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")


@dataclass(frozen=True)
class Dataset:
    """Features ``X`` (N, d), targets ``y`` (N,), and what they are.

    ``task`` is ``"classification"`` (integer labels) or ``"regression"`` (float targets).
    Unpacks as ``X, y = dataset``.
    """

    X: np.ndarray
    y: np.ndarray
    name: str
    task: str = "classification"
    feature_range: tuple[float, float] | None = ANGLE_RANGE
    feature_names: tuple[str, ...] = ()
    description: str = ""

    def __iter__(self) -> Iterator[np.ndarray]:
        yield self.X
        yield self.y

    def __len__(self) -> int:
        return int(self.X.shape[0])

    @property
    def num_features(self) -> int:
        """Number of features (columns of ``X``), e.g. qubits for angle encoding."""
        return int(self.X.shape[1])

    def __repr__(self) -> str:
        counts = ""
        if self.task == "classification":
            labels, n = np.unique(self.y, return_counts=True)
            counts = ", classes " + "/".join(f"{int(a)}:{int(b)}" for a, b in zip(labels, n, strict=True))
        return f"Dataset({self.name!r}, {len(self)} samples, {self.num_features} features{counts})"


class Split(NamedTuple):
    """A train/test split in scikit-learn's order: ``X_train, X_test, y_train, y_test``."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


# --------------------------------------------------------------------------- validation
def _check_n(n_samples: Any, minimum: int = 2) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < minimum:
        raise ValueError(f"n_samples must be a whole number >= {minimum}, got {n_samples!r}")
    return int(n_samples)


def _check_noise(noise: Any) -> float:
    try:
        v = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"noise must be a number >= 0, got {noise!r}") from None
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return v


def _check_range(feature_range: Any) -> tuple[float, float] | None:
    if feature_range is None:
        return None
    try:
        lo, hi = (float(v) for v in feature_range)
    except (TypeError, ValueError):
        raise ValueError(f"feature_range must be a pair (low, high) or None, got {feature_range!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"feature_range must have finite low < high, got {feature_range!r}")
    return lo, hi


def _labels(y: np.ndarray, signed: bool) -> np.ndarray:
    y = np.asarray(y, dtype=int)
    return 2 * y - 1 if signed else y


# --------------------------------------------------------------------------- helpers
def scale_features(X: Any, feature_range: tuple[float, float] = ANGLE_RANGE, *,
                   reference: Any = None) -> np.ndarray:
    """Min-max scale every column of ``X`` to ``feature_range``.

    The column minima and maxima come from ``reference`` (default ``X`` itself): scale a
    test set with ``reference=X_train`` so both use the training set's range (test points
    may then fall slightly outside the range). A constant column maps to the middle.

    >>> scale_features([[0.0, 5.0], [2.0, 5.0], [1.0, 5.0]], (0, 1)).tolist()
    [[0.0, 0.5], [1.0, 0.5], [0.5, 0.5]]
    """
    lo_hi = _check_range(feature_range)
    if lo_hi is None:
        raise ValueError("feature_range must be a pair (low, high)")
    lo, hi = lo_hi
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (samples, features), got shape {X.shape}")
    R = X if reference is None else np.asarray(reference, dtype=float)
    if R.ndim == 1:
        R = R[:, None]
    if R.ndim != 2 or R.shape[1] != X.shape[1]:
        raise ValueError(f"reference must have the same number of columns as X ({X.shape[1]}), "
                         f"got shape {R.shape}")
    mn, mx = R.min(axis=0), R.max(axis=0)
    width = mx - mn
    safe = np.where(width > 0, width, 1.0)
    unit = np.where(width > 0, (X - mn) / safe, 0.5)
    return lo + unit * (hi - lo)


def signed_labels(y: Any) -> np.ndarray:
    """Map two-class labels to ``-1``/``+1`` (the smaller label becomes ``-1``).

    >>> signed_labels([0, 1, 1, 0]).tolist()
    [-1, 1, 1, -1]
    """
    y = np.asarray(y)
    classes = np.unique(y)
    if classes.size > 2:
        raise ValueError(f"signed_labels needs at most two classes, got {classes.size}")
    if classes.size == 0:
        return y.astype(int)
    return np.where(y == classes[-1], 1, -1) if classes.size == 2 else np.ones(y.shape, dtype=int)


def _is_classification(y: np.ndarray) -> bool:
    if y.dtype.kind in "iub":
        return True
    return bool(np.all(np.equal(np.mod(y, 1), 0)) and np.unique(y).size <= 10)


def train_test_split(X: Any, y: Any = None, *, test_size: float | int = 0.25, seed: int | None = 0,
                     stratify: bool | None = None) -> Split:
    """Seeded shuffled train/test split, returned as a :class:`Split` (scikit-learn's order).

    ``X`` may be a :class:`Dataset` (then leave ``y`` out). ``test_size`` is a fraction in
    (0, 1) or a number of test samples. ``stratify`` (default: on for classification labels)
    keeps the class balance equal in both parts. Pure NumPy, so it is quick to import.

    >>> import numpy as np
    >>> s = train_test_split(np.arange(20.0)[:, None], np.arange(20) % 2, test_size=0.5, seed=0)
    >>> s.X_train.shape, int(s.y_test.sum())
    ((10, 1), 5)
    """
    if isinstance(X, Dataset):
        if y is not None:
            raise ValueError("pass either a Dataset or X and y, not both")
        X, y = X.X, X.y
    if y is None:
        raise ValueError("train_test_split needs labels y (or a Dataset)")
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X must have one row per entry of the 1-D y; got X {X.shape}, y {y.shape}")
    n = y.shape[0]
    if isinstance(test_size, bool):
        raise ValueError(f"test_size must be a fraction in (0, 1) or a whole number of samples, got {test_size!r}")
    if isinstance(test_size, (int, np.integer)):
        n_test = int(test_size)
    else:
        frac = float(test_size)
        if not 0 < frac < 1:
            raise ValueError(f"test_size must be a fraction in (0, 1) or a whole number of samples, got {test_size!r}")
        n_test = int(math.ceil(frac * n))
    if not 1 <= n_test <= n - 1:
        raise ValueError(f"test_size={test_size!r} leaves {n_test} test and {n - n_test} training samples; "
                         "both parts need at least one")
    rng = np.random.default_rng(seed)
    if stratify is None:
        stratify = _is_classification(y)
    if stratify:
        classes, inverse = np.unique(y, return_inverse=True)
        # test samples per class: proportional, rounded so that they add up to n_test
        share = n_test * np.bincount(inverse) / n
        take = np.floor(share).astype(int)
        for c in np.argsort(-(share - take), kind="stable")[: n_test - take.sum()]:
            take[c] += 1
        test_idx = np.concatenate([rng.permutation(np.flatnonzero(inverse == c))[:take[c]]
                                   for c in range(classes.size)])
        mask = np.zeros(n, dtype=bool)
        mask[test_idx] = True
        order = rng.permutation(n)
        train, test = order[~mask[order]], order[mask[order]]
    else:
        order = rng.permutation(n)
        test, train = order[:n_test], order[n_test:]
    return Split(X[train], X[test], y[train], y[test])


def decision_grid(feature_range: tuple[float, float] | Sequence[tuple[float, float]] = ANGLE_RANGE,
                  resolution: int = 40, *, margin: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 2-D grid for decision-boundary plots: ``xx, yy`` (res, res) and ``points`` (res², 2).

    ``feature_range`` is one ``(low, high)`` for both axes or one per axis; ``margin`` widens
    each side. Use ``plt.contourf(xx, yy, model(points).reshape(xx.shape))``.

    >>> xx, yy, pts = decision_grid((0, 1), resolution=3)
    >>> pts.tolist()[:4]
    [[0.0, 0.0], [0.5, 0.0], [1.0, 0.0], [0.0, 0.5]]
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"resolution must be a whole number >= 2, got {resolution!r}")
    fr = np.asarray(feature_range, dtype=float)
    if fr.shape == (2,):
        fr = np.stack([fr, fr])
    if fr.shape != (2, 2) or not np.all(np.isfinite(fr)) or np.any(fr[:, 0] >= fr[:, 1]):
        raise ValueError(f"feature_range must be (low, high) or ((low0, high0), (low1, high1)), got {feature_range!r}")
    a = np.linspace(fr[0, 0] - margin, fr[0, 1] + margin, int(resolution))
    b = np.linspace(fr[1, 0] - margin, fr[1, 1] + margin, int(resolution))
    xx, yy = np.meshgrid(a, b)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def _finish(X: np.ndarray, y: np.ndarray, name: str, feature_range: Any, **kw: Any) -> Dataset:
    fr = _check_range(feature_range)
    Xs = X if fr is None else scale_features(X, fr)
    return Dataset(np.ascontiguousarray(Xs, dtype=float), y, name, feature_range=fr, **kw)


# --------------------------------------------------------------------------- datasets
def _shuffle_and_jitter(X: np.ndarray, y: np.ndarray, noise: float,
                        rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    return X + noise * rng.standard_normal(X.shape), y


def _iris_table() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled iris.csv, read without importing scikit-learn (slow to import)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("the iris data ships with scikit-learn; install scikit-learn")
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "iris.csv"
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    return table[:, :4], table[:, 4].astype(int)


def make_moons(n_samples: int = 100, *, noise: float = 0.1, seed: int | None = 0,
               feature_range: tuple[float, float] | None = ANGLE_RANGE, signed: bool = False) -> Dataset:
    """Two interleaving half-moons (2 features, 2 balanced classes).

    >>> ds = make_moons(20, seed=3); ds
    Dataset('moons', 20 samples, 2 features, classes 0:10/1:10)
    """
    n = _check_n(n_samples)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.vstack([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                   np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)])])
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    X, y = _shuffle_and_jitter(X, y, _check_noise(noise), rng)
    return _finish(X, _labels(y, signed), "moons", feature_range, feature_names=("x0", "x1"),
                   description=f"two half-moons, noise={noise}")


def make_circles(n_samples: int = 100, *, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0,
                 feature_range: tuple[float, float] | None = ANGLE_RANGE, signed: bool = False) -> Dataset:
    """A small circle (class 1) inside a large one (class 0); ``factor`` = radius ratio.

    >>> make_circles(20, seed=0).X.shape
    (20, 2)
    """
    n = _check_n(n_samples)
    f = float(factor)
    if not 0 < f < 1:
        raise ValueError(f"factor must be between 0 and 1 (inner/outer radius), got {factor!r}")
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                   f * np.column_stack([np.cos(t_in), np.sin(t_in)])])
    y = np.concatenate([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    X, y = _shuffle_and_jitter(X, y, _check_noise(noise), rng)
    return _finish(X, _labels(y, signed), "circles", feature_range, feature_names=("x0", "x1"),
                   description=f"concentric circles, noise={noise}, factor={factor}")


def make_xor(n_samples: int = 100, *, noise: float = 0.0, margin: float = 0.1, seed: int | None = 0,
             feature_range: tuple[float, float] | None = ANGLE_RANGE, signed: bool = False) -> Dataset:
    """The XOR pattern: label 1 where exactly one coordinate is positive (before scaling).

    Points are uniform in ``[-1, 1]²`` with a gap of width ``margin`` around both axes;
    ``noise`` adds Gaussian jitter after labelling (so some points cross the axes). Not
    linearly separable: a linear model gets about half right.

    >>> X, y = make_xor(8, seed=0); y.tolist()
    [0, 1, 0, 1, 0, 1, 0, 1]
    """
    n = _check_n(n_samples, 4)
    m = float(margin)
    if not 0 <= m < 1:
        raise ValueError(f"margin must be in [0, 1), got {margin!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2  # balanced, alternating
    quadrant = rng.integers(0, 2, n)  # which of the two quadrants of the class
    mag = rng.uniform(m, 1.0, (n, 2))
    s0 = np.where(quadrant == 0, 1.0, -1.0)
    s1 = np.where(y == 0, s0, -s0)  # class 0: same signs, class 1: opposite signs
    X = mag * np.column_stack([s0, s1])
    X = X + _check_noise(noise) * rng.standard_normal(X.shape)
    corners = np.array([[-1.0 - 3 * noise, -1.0 - 3 * noise], [1.0 + 3 * noise, 1.0 + 3 * noise]])
    fr = _check_range(feature_range)
    if fr is not None:  # scale the square [-1, 1]² itself, so the axes stay in the middle
        X = scale_features(X, fr, reference=corners)
    return Dataset(np.ascontiguousarray(X), _labels(y, signed), "xor", feature_range=fr,
                   feature_names=("x0", "x1"), description=f"XOR quadrants, noise={noise}, margin={margin}")


def load_iris_2class(classes: tuple[int | str, int | str] = ("versicolor", "virginica"),
                     features: Sequence[int | str] = ("petal length", "petal width"), *,
                     n_samples: int | None = None, seed: int | None = 0,
                     feature_range: tuple[float, float] | None = ANGLE_RANGE, signed: bool = False) -> Dataset:
    """Two classes of Fisher's iris flowers (scikit-learn's bundled table, no download).

    ``classes`` by index (0 setosa, 1 versicolor, 2 virginica) or name; the first becomes
    label 0. ``features`` by index or name (sepal length, sepal width, petal length, petal
    width). ``n_samples`` takes a seeded, class-balanced subset. The default pair
    (versicolor vs virginica on the petals) overlaps a little: ~95 % is the best a line does.

    >>> ds = load_iris_2class(); ds
    Dataset('iris', 100 samples, 2 features, classes 0:50/1:50)
    >>> load_iris_2class((0, 1), features=range(4), n_samples=10).X.shape
    (10, 4)
    """
    def index(v: Any, names: tuple[str, ...], what: str) -> int:
        if isinstance(v, str):
            key = v.strip().lower().replace("_", " ")
            if key not in names:
                raise ValueError(f"unknown iris {what} {v!r}; choose from {', '.join(names)}")
            return names.index(key)
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < len(names):
            raise ValueError(f"iris {what} must be a name or an index 0..{len(names) - 1}, got {v!r}")
        return int(v)

    cls = [index(c, IRIS_CLASSES, "class") for c in classes]
    if len(cls) != 2 or cls[0] == cls[1]:
        raise ValueError(f"classes must be two different iris classes, got {classes!r}")
    feats = [index(f, IRIS_FEATURES, "feature") for f in features]
    if not feats or len(set(feats)) != len(feats):
        raise ValueError(f"features must be distinct iris features, got {features!r}")
    features_all, target = _iris_table()
    keep = np.isin(target, cls)
    X = features_all[keep][:, feats]
    y = (target[keep] == cls[1]).astype(int)
    if n_samples is not None:
        n = _check_n(n_samples)
        if n > len(y):
            raise ValueError(f"n_samples={n} is more than the {len(y)} flowers of these two classes")
        rng = np.random.default_rng(seed)
        per = [n // 2 + (n % 2 if c == 0 else 0) for c in (0, 1)]
        idx = np.sort(np.concatenate([rng.choice(np.flatnonzero(y == c), per[c], replace=False) for c in (0, 1)]))
        X, y = X[idx], y[idx]
    names = tuple(IRIS_FEATURES[f] for f in feats)
    return _finish(X, _labels(y, signed), "iris", feature_range, feature_names=names,
                   description=f"iris {IRIS_CLASSES[cls[0]]} (0) vs {IRIS_CLASSES[cls[1]]} (1)")


_CURVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "fourier": lambda x: 0.5 * np.sin(x) + 0.3 * np.cos(2 * x) - 0.2 * np.sin(2 * x) + 0.1,
    "step": lambda x: np.where(x < 0, -0.8, 0.8),
    "quadratic": lambda x: (x / np.pi) ** 2 * 2 - 1,
}


def make_noisy_curve(n_samples: int = 30, *, noise: float = 0.1, seed: int | None = 0,
                     function: str | Callable[[np.ndarray], np.ndarray] = "sin",
                     x_range: tuple[float, float] = (-math.pi, math.pi)) -> Dataset:
    """A 1-D regression set: ``y = f(x) + noise · N(0, 1)`` at sorted uniform ``x``.

    ``function`` is ``"sin"``, ``"fourier"`` (a degree-2 Fourier series), ``"step"``,
    ``"quadratic"`` or any vectorised callable. ``X`` has shape (N, 1) and already lies in
    ``x_range`` (no further scaling); ``dataset.y`` are floats. The noiseless curve is
    ``curve_function(function)(x)``.

    >>> ds = make_noisy_curve(5, noise=0.0, seed=0)
    >>> ds.X.shape, bool(np.allclose(ds.y, np.sin(ds.X[:, 0])))
    ((5, 1), True)
    """
    n = _check_n(n_samples)
    fn = curve_function(function)
    lo_hi = _check_range(x_range)
    if lo_hi is None:
        raise ValueError("x_range must be a pair (low, high)")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(lo_hi[0], lo_hi[1], n))
    y = np.asarray(fn(x), dtype=float) + _check_noise(noise) * rng.standard_normal(n)
    name = function if isinstance(function, str) else getattr(function, "__name__", "custom")
    return Dataset(x[:, None], y, "curve", task="regression", feature_range=lo_hi, feature_names=("x",),
                   description=f"noisy {name} curve, noise={noise}")


def curve_function(function: str | Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """The noiseless function behind :func:`make_noisy_curve` (by name, or a callable as is)."""
    if callable(function):
        return function
    if function not in _CURVES:
        raise ValueError(f"unknown curve {function!r}; choose from {', '.join(_CURVES)} or pass a callable")
    return _CURVES[function]


DATASETS: dict[str, Callable[..., Dataset]] = {
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "iris": load_iris_2class,
    "curve": make_noisy_curve,
}


def load_dataset(name: str, *args: Any, **kwargs: Any) -> Dataset:
    """A dataset by name (``moons``, ``circles``, ``xor``, ``iris``, ``curve``); arguments pass through.

    >>> load_dataset("xor", 12, seed=2).name
    'xor'
    """
    key = str(name).strip().lower()
    if key not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}")
    return DATASETS[key](*args, **kwargs)
