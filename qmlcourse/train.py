"""A small, seeded training loop: Adam on exact (batched) gradients, with a history.

Works with any model that offers ``n_params``, ``init_params(seed)``, ``check_data(X, y)``,
``check_params(params)``, ``loss_grad_outputs(X, y, params) -> (loss, grad, outputs)``,
``outputs(X, params)``, ``loss_terms(outputs, y)`` and ``metric(outputs, y)`` — the models of
:mod:`qmlcourse.models` (this module never imports them: ``models`` → ``train``, no cycle).
One engine pass per step gives the loss, the exact gradient *and* the training metric
(accuracy or MSE), so recording the history is nearly free.

Why not :func:`qmlwidgets.optimizers.adam`? It takes a loss and a gradient as two
functions (two engine passes per step); here one pass returns both. Both step with the same
:class:`qmlwidgets.optimizers.Adam`.

Example::

    >>> import numpy as np
    >>> from qmlcourse.models import VariationalClassifier
    >>> from qmlcourse.train import fit
    >>> X = np.array([[0.2, 0.3], [2.8, 2.9], [0.3, 0.1], [2.9, 2.7]]); y = np.array([0, 1, 0, 1])
    >>> model = VariationalClassifier(layers=1)
    >>> result = fit(model, X, y, steps=30, lr=0.1, seed=0)
    >>> result.history["loss"].shape, bool(result.history["loss"][-1] < result.history["loss"][0])
    ((31,), True)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from qmlwidgets.optimizers import Adam

__all__ = ["TrainingResult", "fit"]


@dataclass(repr=False)
class TrainingResult:
    """What :func:`fit` did.

    ``history`` maps ``"step"``, ``"loss"``, ``"train_<metric>"`` and — with test data —
    ``"test_loss"``, ``"test_<metric>"`` to arrays (one entry per recorded step, step 0 is
    the start). ``trajectory`` (steps + 1, P) holds every parameter vector (for PCA plots).
    ``seconds`` is the wall time (print it only in cells whose output is not compared).
    """

    params: np.ndarray
    history: dict[str, np.ndarray]
    trajectory: np.ndarray
    metric_name: str
    seconds: float = field(default=0.0)

    @property
    def steps(self) -> int:
        return len(self.trajectory) - 1

    def final(self, key: str) -> float:
        """Last recorded value of ``history[key]``."""
        if key not in self.history:
            raise ValueError(f"no {key!r} in the history; keys: {', '.join(self.history)}")
        return float(self.history[key][-1])

    def __repr__(self) -> str:
        parts = [f"steps={self.steps}"]
        for key in ("loss", f"train_{self.metric_name}", "test_loss", f"test_{self.metric_name}"):
            if key in self.history:
                parts.append(f"{key}={self.final(key):.4f}")
        return f"TrainingResult({', '.join(parts)})"


def _check_int(value: Any, name: str, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
    return int(value)


def fit(model: Any, X: Any, y: Any, *, steps: int = 100, lr: float = 0.1,
        params: Any = None, seed: int | None = 0, X_test: Any = None, y_test: Any = None,
        batch_size: int | None = None, record_every: int = 1,
        callback: Callable[[int, np.ndarray, float], Any] | None = None) -> TrainingResult:
    """Train ``model`` on ``(X, y)`` with Adam on exact gradients; returns a history.

    ``params`` — starting point (default ``model.init_params(seed)``); ``batch_size`` —
    seeded mini-batches (default: the whole training set every step); ``record_every`` —
    how often the history is written (the last step is always recorded);
    ``callback(step, params, loss)`` after each step, returning True stops early.
    The trained parameters are stored in ``model.params``.
    """
    steps = _check_int(steps, "steps", 0)
    record_every = _check_int(record_every, "record_every", 1)
    X, y = model.check_data(X, y)
    has_test = X_test is not None and y_test is not None
    if has_test:
        X_test, y_test = model.check_data(X_test, y_test)
    if batch_size is not None:
        batch_size = _check_int(batch_size, "batch_size", 1)
    rng = np.random.default_rng(seed)
    p = model.init_params(seed) if params is None else np.array(model.check_params(params),
                                                                dtype=float)
    if p.ndim != 1:
        raise ValueError("params must be one parameter vector")
    opt = Adam(lr)
    name = model.metric_name
    hist: dict[str, list[float]] = {"step": [], "loss": [], f"train_{name}": []}
    if has_test:
        hist["test_loss"], hist[f"test_{name}"] = [], []
    trajectory = [p.copy()]
    start = time.perf_counter()

    def record(k: int, loss: float, out: np.ndarray) -> None:
        hist["step"].append(k)
        hist["loss"].append(loss)
        hist[f"train_{name}"].append(model.metric(out, y))
        if has_test:
            o = model.outputs(X_test, p)
            hist["test_loss"].append(float(np.mean(
                model.loss_terms(o, y_test))))
            hist[f"test_{name}"].append(model.metric(o, y_test))

    k = 0
    for k in range(steps):
        due = k % record_every == 0
        if batch_size is None or batch_size >= X.shape[0]:
            loss, grad, out = model.loss_grad_outputs(X, y, p)
            if due:
                record(k, loss, out)
        else:
            if due:
                out = model.outputs(X, p)
                record(k, float(np.mean(model.loss_terms(out, y))), out)
            idx = rng.choice(X.shape[0], batch_size, replace=False)
            loss, grad, _ = model.loss_grad_outputs(X[idx], y[idx], p)
        if not np.all(np.isfinite(grad)):
            raise ValueError(f"the gradient became NaN/inf at step {k}; lower the learning rate")
        p = opt.step(p, grad)
        trajectory.append(p.copy())
        if callback is not None and callback(k + 1, p.copy(), loss):
            k += 1
            break
    else:
        k = steps
    out = model.outputs(X, p)
    record(k, float(np.mean(model.loss_terms(out, y))), out)
    seconds = time.perf_counter() - start
    model.params = p.copy()
    history = {key: np.asarray(v, dtype=int if key == "step" else float)
               for key, v in hist.items()}
    return TrainingResult(p.copy(), history, np.array(trajectory), name, seconds)

