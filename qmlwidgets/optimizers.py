"""Small teaching optimisers with one call shape and a recorded trajectory.

Every optimiser takes a **batched** loss ``loss(params (N, P)) -> (N,)`` (see
:mod:`qmlwidgets.landscape`) and returns an :class:`OptimizationResult` with the whole
path, so it can be drawn on a landscape::

    >>> import numpy as np
    >>> from qmlwidgets.optimizers import minimize
    >>> loss = lambda X: np.sum((X - 1.0) ** 2, axis=1)
    >>> res = minimize(loss, np.zeros(2), method="adam", steps=200, lr=0.1)
    >>> res.trajectory.shape, bool(res.fun < 1e-3)
    ((201, 2), True)

Gradients: pass ``grad`` (batched ``(N, P) -> (N, P)``, e.g. the engine's parameter-shift
gradients via :func:`qmlwidgets.landscape.circuit_gradient`). Without it, a
:class:`~qmlwidgets.landscape.CircuitLoss` uses its exact engine gradient and any other loss
uses central finite differences (2 P evaluations per step, one batch).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from qmlwidgets.landscape import (
    Gradient,
    Loss,
    as_point,
    evaluate,
    finite_difference_gradient,
)

__all__ = [
    "METHODS",
    "OptimizationResult",
    "minimize",
    "gradient_descent",
    "momentum",
    "adam",
    "Adam",
    "spsa",
    "cobyla",
    "lbfgsb",
]

Callback = Callable[[int, np.ndarray, float], Any]


@dataclass(repr=False)
class OptimizationResult:
    """What an optimiser did.

    ``trajectory`` (steps+1, P) starts at ``x0``; ``losses[k] = loss(trajectory[k])``;
    ``x``/``fun`` are the last point and its loss; ``nfev``/``ngev`` count loss /
    gradient evaluations (one per parameter row, including recording the path).
    """

    x: np.ndarray
    fun: float
    trajectory: np.ndarray
    losses: np.ndarray
    nfev: int
    ngev: int = 0
    method: str = ""
    message: str = ""
    nit: int = field(init=False)

    def __post_init__(self) -> None:
        self.nit = len(self.trajectory) - 1

    @property
    def success(self) -> bool:
        return bool(np.isfinite(self.fun))

    def __repr__(self) -> str:
        return (f"OptimizationResult(method={self.method!r}, nit={self.nit}, "
                f"fun={self.fun:.6g}, nfev={self.nfev}, ngev={self.ngev})")


class _Counter:
    """Wraps loss/grad so evaluations are counted and validated."""

    def __init__(self, loss: Loss, grad: Gradient | None, n_params: int) -> None:
        self.loss_fn = loss
        self.n_params = n_params
        self.nfev = 0
        self.ngev = 0
        if grad is None:
            grad = getattr(loss, "gradient", None)
        self._fd = grad is None
        self.grad_fn = grad if grad is not None else finite_difference_gradient(loss)

    def loss(self, params: np.ndarray) -> np.ndarray:
        params = np.atleast_2d(params)
        self.nfev += params.shape[0]
        return evaluate(self.loss_fn, params)

    def grad(self, x: np.ndarray) -> np.ndarray:
        if self._fd:
            self.nfev += 2 * self.n_params
        else:
            self.ngev += 1
        g = np.asarray(self.grad_fn(x[None, :]), dtype=float).reshape(-1)
        if g.shape != (self.n_params,):
            raise ValueError(f"the gradient must return {self.n_params} values per row, got "
                             f"{g.size}")
        if not np.all(np.isfinite(g)):
            raise ValueError("the gradient returned NaN or inf at "
                             f"{np.array2string(x, precision=3)}")
        return g


def _check_common(x0: Any, steps: Any, lr: Any) -> tuple[np.ndarray, int, float]:
    x0 = as_point(x0, name="x0")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr (learning rate / step size) must be positive, got {lr!r}")
    return x0, int(steps), float(lr)


def _finish(counter: _Counter, path: list[np.ndarray], losses: list[float] | None,
            method: str, message: str = "") -> OptimizationResult:
    traj = np.array(path)
    if losses is None or len(losses) != len(traj):
        vals = counter.loss(traj)  # record the whole path in one batch
    else:
        vals = np.asarray(losses, dtype=float)
    return OptimizationResult(x=traj[-1].copy(), fun=float(vals[-1]), trajectory=traj,
                              losses=vals, nfev=counter.nfev, ngev=counter.ngev, method=method,
                              message=message or f"{len(traj) - 1} steps")


def _first_order(loss: Loss, x0: Any, update: Callable[[np.ndarray, np.ndarray, int], np.ndarray],
                 method: str, grad: Gradient | None, steps: int, callback: Callback | None
                 ) -> OptimizationResult:
    counter = _Counter(loss, grad, np.asarray(x0).size)
    x = np.asarray(x0, dtype=float).copy()
    path = [x.copy()]
    losses: list[float] | None = None
    if callback is not None:
        losses = [float(counter.loss(x)[0])]
        if callback(0, x.copy(), losses[0]):
            return _finish(counter, path, losses, method, "stopped by callback")
    for k in range(1, steps + 1):
        x = update(x, counter.grad(x), k)
        path.append(x.copy())
        if callback is not None:
            assert losses is not None
            losses.append(float(counter.loss(x)[0]))
            if callback(k, x.copy(), losses[-1]):
                return _finish(counter, path, losses, method, "stopped by callback")
    return _finish(counter, path, losses, method)


def gradient_descent(loss: Loss, x0: Any, *, grad: Gradient | None = None, steps: int = 100,
                     lr: float = 0.1, callback: Callback | None = None) -> OptimizationResult:
    """Plain gradient descent ``x <- x - lr * grad(x)``.

    ``callback(step, x, loss)`` is called after each step; returning True stops early.

    Example::

        >>> r = gradient_descent(lambda X: np.sum(X**2, axis=1), [1.0, -1.0], steps=50)
        >>> bool(r.fun < 1e-8)
        True
    """
    x0, steps, lr = _check_common(x0, steps, lr)
    return _first_order(loss, x0, lambda x, g, k: x - lr * g, "gd", grad, steps, callback)


def momentum(loss: Loss, x0: Any, *, grad: Gradient | None = None, steps: int = 100,
             lr: float = 0.1, beta: float = 0.9, callback: Callback | None = None
             ) -> OptimizationResult:
    """Heavy-ball momentum: ``v <- beta v + grad``, ``x <- x - lr v``.

    Example::

        >>> r = momentum(lambda X: np.sum(X**2, axis=1), [1.0, -1.0], steps=100, lr=0.05)
        >>> bool(r.fun < 1e-4)
        True
    """
    x0, steps, lr = _check_common(x0, steps, lr)
    if not 0 <= beta < 1:
        raise ValueError(f"beta must be in [0, 1), got {beta!r}")
    v = np.zeros_like(x0)

    def update(x: np.ndarray, g: np.ndarray, k: int) -> np.ndarray:
        nonlocal v
        v = beta * v + g
        return x - lr * v

    return _first_order(loss, x0, update, "momentum", grad, steps, callback)


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, one :meth:`step` at a time.

    >>> opt = Adam(lr=0.1)
    >>> x = np.array([1.0])
    >>> for _ in range(200):
    ...     x = opt.step(x, 2 * x)          # gradient of x²
    >>> bool(abs(x[0]) < 0.05)
    True
    """

    def __init__(self, lr: float = 0.1, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr (learning rate) must be a positive number, got {lr!r}")
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"beta1 and beta2 must be in [0, 1), got {beta1!r}, {beta2!r}")
        self.lr, self.beta1, self.beta2, self.eps = float(lr), beta1, beta2, eps
        self.m: np.ndarray | None = None
        self.s: np.ndarray | None = None
        self.t = 0

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Return the updated parameters (``params`` is not modified)."""
        g = np.asarray(grad, dtype=float)
        if self.m is None or self.s is None or self.m.shape != g.shape:
            self.m, self.s, self.t = np.zeros_like(g), np.zeros_like(g), 0
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * g
        self.s = self.beta2 * self.s + (1 - self.beta2) * g * g
        m_hat = self.m / (1 - self.beta1 ** self.t)
        s_hat = self.s / (1 - self.beta2 ** self.t)
        return np.asarray(params, dtype=float) - self.lr * m_hat / (np.sqrt(s_hat) + self.eps)



def adam(loss: Loss, x0: Any, *, grad: Gradient | None = None, steps: int = 100,
         lr: float = 0.1, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
         callback: Callback | None = None) -> OptimizationResult:
    """Adam (Kingma & Ba 2015) with bias correction: :class:`Adam` steps, recorded.

    Example::

        >>> r = adam(lambda X: np.sum((X - 2) ** 2, axis=1), [0.0], steps=200, lr=0.1)
        >>> bool(abs(r.x[0] - 2) < 1e-2)
        True
    """
    x0, steps, lr = _check_common(x0, steps, lr)
    opt = Adam(lr, beta1, beta2, eps)
    return _first_order(loss, x0, lambda x, g, k: opt.step(x, g), "adam", grad, steps, callback)


def spsa(loss: Loss, x0: Any, *, steps: int = 100, lr: float = 0.1, perturbation: float = 0.1,
         seed: int | None = 0, alpha: float = 0.602, gamma: float = 0.101,
         stability: float | None = None, callback: Callback | None = None
         ) -> OptimizationResult:
    """SPSA (Spall 1998): two loss evaluations per step, whatever the number of parameters.

    Gains ``a_k = lr / (k + A)^alpha``, ``c_k = perturbation / k^gamma`` with
    ``A = 0.1 * steps`` by default; random ±1 (Rademacher) perturbations from ``seed``.

    Example::

        >>> r = spsa(lambda X: np.sum(X**2, axis=1), np.ones(5), steps=300, lr=0.2, seed=1)
        >>> bool(r.fun < 0.05)
        True
    """
    x0, steps, lr = _check_common(x0, steps, lr)
    if not perturbation > 0:
        raise ValueError(f"perturbation must be positive, got {perturbation!r}")
    counter = _Counter(loss, None, x0.size)
    rng = np.random.default_rng(seed)
    big_a = 0.1 * steps if stability is None else float(stability)
    x = x0.copy()
    path = [x.copy()]
    losses: list[float] | None = None
    if callback is not None:
        losses = [float(counter.loss(x)[0])]
        if callback(0, x.copy(), losses[0]):
            return _finish(counter, path, losses, "spsa", "stopped by callback")
    for k in range(1, steps + 1):
        ak = lr / (k + big_a) ** alpha
        ck = perturbation / k**gamma
        delta = rng.choice([-1.0, 1.0], size=x.size)
        fp, fm = counter.loss(np.stack([x + ck * delta, x - ck * delta]))
        x = x - ak * (fp - fm) / (2 * ck) * delta  # 1/delta == delta for ±1
        path.append(x.copy())
        if callback is not None:
            assert losses is not None
            losses.append(float(counter.loss(x)[0]))
            if callback(k, x.copy(), losses[-1]):
                return _finish(counter, path, losses, "spsa", "stopped by callback")
    return _finish(counter, path, losses, "spsa")


class _StopOptimization(Exception):
    pass


def _scipy(loss: Loss, x0: Any, method: str, *, grad: Gradient | None, steps: int, lr: float,
           callback: Callback | None) -> OptimizationResult:
    from scipy.optimize import minimize as sp_minimize

    x0, steps, lr = _check_common(x0, steps, lr)
    counter = _Counter(loss, grad if method == "L-BFGS-B" else None, x0.size)
    path = [x0.copy()]

    def fun(x: np.ndarray) -> float:
        return float(counter.loss(x)[0])

    def record(xk: np.ndarray) -> None:
        path.append(np.array(xk, dtype=float).copy())
        if callback is not None and callback(len(path) - 1, path[-1].copy(), fun(path[-1])):
            raise _StopOptimization

    message = ""
    if steps > 0:
        kwargs: dict[str, Any] = {}
        if method == "COBYLA":
            kwargs["options"] = {"maxiter": max(steps, x0.size + 2), "rhobeg": lr}
        else:
            kwargs["jac"] = counter.grad
            kwargs["options"] = {"maxiter": steps}
        try:
            res = sp_minimize(fun, x0, method=method, callback=record, **kwargs)
            message = str(res.message)
        except _StopOptimization:
            message = "stopped by callback"
    return _finish(counter, path[: steps + 1], None, method.lower(), message)


def cobyla(loss: Loss, x0: Any, *, steps: int = 100, lr: float = 0.5,
           callback: Callback | None = None) -> OptimizationResult:
    """SciPy's COBYLA (gradient-free); ``lr`` is the initial trust radius ``rhobeg``.

    The trajectory holds one point per COBYLA iteration (at most ``steps + 1`` points;
    fewer if it converges).

    Example::

        >>> r = cobyla(lambda X: np.sum((X - 1) ** 2, axis=1), [0.0, 0.0], steps=100)
        >>> bool(r.fun < 1e-4)
        True
    """
    return _scipy(loss, x0, "COBYLA", grad=None, steps=steps, lr=lr, callback=callback)


def lbfgsb(loss: Loss, x0: Any, *, grad: Gradient | None = None, steps: int = 100,
           lr: float = 0.1, callback: Callback | None = None) -> OptimizationResult:
    """SciPy's L-BFGS-B with our (batched) gradient; ``lr`` is unused (line search).

    Example::

        >>> r = lbfgsb(lambda X: np.sum((X - 1) ** 2, axis=1), [0.0, 0.0], steps=20)
        >>> bool(r.fun < 1e-8)
        True
    """
    return _scipy(loss, x0, "L-BFGS-B", grad=grad, steps=steps, lr=lr, callback=callback)


METHODS = ("gd", "momentum", "adam", "spsa", "cobyla", "l-bfgs-b")
_ALIASES = {"gradient_descent": "gd", "sgd": "gd", "gradient descent": "gd", "lbfgsb": "l-bfgs-b",
            "l_bfgs_b": "l-bfgs-b"}


def minimize(loss: Loss, x0: Any, method: str = "adam", grad: Gradient | None = None,
             steps: int = 100, lr: float = 0.1, seed: int | None = 0,
             callback: Callback | None = None, **options: Any) -> OptimizationResult:
    """Minimise a batched ``loss`` from ``x0`` with one of :data:`METHODS`.

    ``grad`` is used by gd / momentum / adam / l-bfgs-b; ``seed`` by spsa; ``lr`` is the
    learning rate (COBYLA: initial trust radius). Extra ``options`` go to the method
    (e.g. ``beta=0.8`` for momentum, ``perturbation=0.05`` for spsa).

    Example::

        >>> r = minimize(lambda X: np.sum(X**2, axis=1), [1.0, 1.0], method="gd", steps=10)
        >>> r.trajectory.shape
        (11, 2)
    """
    key = _ALIASES.get(str(method).lower(), str(method).lower())
    if key == "gd":
        return gradient_descent(loss, x0, grad=grad, steps=steps, lr=lr, callback=callback,
                                **options)
    if key == "momentum":
        return momentum(loss, x0, grad=grad, steps=steps, lr=lr, callback=callback, **options)
    if key == "adam":
        return adam(loss, x0, grad=grad, steps=steps, lr=lr, callback=callback, **options)
    if key == "spsa":
        return spsa(loss, x0, steps=steps, lr=lr, seed=seed, callback=callback, **options)
    if key == "cobyla":
        return cobyla(loss, x0, steps=steps, lr=lr, callback=callback, **options)
    if key == "l-bfgs-b":
        return lbfgsb(loss, x0, grad=grad, steps=steps, lr=lr, callback=callback, **options)
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
