"""Vectorised evaluation of Qiskit parameter expressions.

A gate parameter is a float, a bare :class:`~qiskit.circuit.Parameter`, or a
:class:`~qiskit.circuit.ParameterExpression`.  :func:`compile_expr` turns it into a
:class:`SlotExpr` that evaluates the value for a whole batch of parameter rows at once
(``X`` of shape ``(B, P)``, columns in ``circuit.parameters`` order) and knows its partial
derivatives (for the chain rule of gradients).

Fast paths: constants, bare parameters and linear expressions (detected through
``ParameterExpression.gradient``).  General expressions go through Qiskit's public SymPy
interoperability (``ParameterExpression.sympify``); the SymPy tree is turned into one
vectorised numpy function (a closure per node: faster to build than ``sympy.lambdify``); the result is checked once against ``bind_all`` at random
points, and if it disagrees we bind row by row instead (slow but exact).  Only public
Qiskit API is used.

Example::

    >>> from qiskit.circuit import Parameter
    >>> x, y = Parameter("x"), Parameter("y")
    >>> slot = compile_expr((x * y).sin(), {x: 0, y: 1}, [x, y])
    >>> slot.kind, round(float(slot(np.array([[0.5, 1.0]]))[0]), 6)
    ('general', 0.479426)
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, SupportsComplex, cast

import numpy as np
from qiskit.circuit import Parameter, ParameterExpression

Fn = Callable[[np.ndarray], np.ndarray]
# A node of a SymPy tree evaluates to an array over the batch, or to a scalar for a constant node.
_TreeFn = Callable[[np.ndarray], "np.ndarray | float | complex"]


class _Unsupported(Exception):
    pass


def _as_float(value: SupportsComplex | complex) -> float:
    z = complex(value)
    if abs(z.imag) > 1e-12:
        raise ValueError(f"gate parameter evaluates to the complex number {z}; gate angles must be real")
    return float(z.real)


# sympy function name -> numpy ufunc (sympy's own names, as ``type(node).__name__`` gives them)
_UFUNCS: dict[str, Callable[[Any], Any]] = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos,
           "atan": np.arctan, "exp": np.exp, "log": np.log, "Abs": np.abs, "sign": np.sign,
           "conjugate": np.conjugate, "re": np.real, "im": np.imag}


def _tree_fn(node, cols: dict[str, int]) -> _TreeFn:
    """numpy closure for one node of a sympy expression tree (walked with public ``func``/``args``)."""
    if not node.free_symbols:
        value = complex(node)
        const = value.real if value.imag == 0 else value
        return lambda X: const
    if node.is_Symbol:
        col = cols[node.name]
        return lambda X: X[:, col]
    args = [_tree_fn(a, cols) for a in node.args]
    if node.is_Add:
        return lambda X: sum_of(args, X)
    if node.is_Mul:
        return lambda X: product_of(args, X)
    if node.is_Pow:
        base, power = args
        return lambda X: np.power(base(X), power(X))
    ufunc = _UFUNCS.get(type(node).__name__)
    if ufunc is None or len(args) != 1:
        raise _Unsupported(f"sympy function {type(node).__name__}")
    (arg,) = args
    return lambda X: ufunc(arg(X))


def sum_of(fns: list[_TreeFn], X: np.ndarray):
    total = fns[0](X)
    for f in fns[1:]:
        total = total + f(X)
    return total


def product_of(fns: list[_TreeFn], X: np.ndarray):
    total = fns[0](X)
    for f in fns[1:]:
        total = total * f(X)
    return total


def _sympy_fn(expr: ParameterExpression, index: dict) -> Fn:
    """Build ``f(X) -> values`` from ``expr.sympify()``, Qiskit's public SymPy interoperability."""
    cols = {p.name: index[p] for p in expr.parameters}  # sympify names each symbol after its Parameter
    tree = expr.sympify()
    names = {s.name for s in tree.free_symbols}
    if not names <= set(cols):
        raise _Unsupported(f"sympify() returned symbols {sorted(names)} for parameters {sorted(cols)}")
    return cast(Fn, _tree_fn(tree, cols))  # the root has free symbols, so it gives an array over the batch


def _linear_fn(expr: ParameterExpression, index: dict) -> Fn | None:
    """``X[:, cols] @ coeffs + offset`` when every gradient of ``expr`` is a number, else None."""
    own = sorted((index[p], p) for p in expr.parameters)
    coeffs = [_numeric(expr.gradient(p)) for _, p in own]
    if any(c is None for c in coeffs):
        return None
    cols = np.array([c for c, _ in own], dtype=np.intp)
    k = np.array(coeffs, dtype=float)
    offset = _as_float(expr.bind_all({p: 0.0 for _, p in own}))
    return lambda X: X[:, cols] @ k + offset


def _loop_fn(expr: ParameterExpression, params: Sequence[Parameter]) -> Fn:
    """Slow fallback: bind row by row."""
    own = [(i, p) for i, p in enumerate(params) if p in expr.parameters]

    def fn(X: np.ndarray) -> np.ndarray:
        return np.array(
            [complex(expr.bind_all({p: float(row[i]) for i, p in own})) for row in X]
        )

    return fn


def _finalise(fn: Fn, route: str) -> Fn:
    """Real-valued, batch-shaped wrapper; ``route`` records how values are computed."""

    def real_fn(X: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            val = np.asarray(fn(X))
        if np.iscomplexobj(val):
            if np.any(np.abs(val.imag) > 1e-10 * np.maximum(1.0, np.abs(val.real))):
                raise ValueError("a gate parameter expression evaluates to complex numbers; gate angles must be real")
            val = val.real
        val = np.asarray(val, dtype=float)
        if val.shape != (X.shape[0],):
            val = np.broadcast_to(val, (X.shape[0],)).copy()
        return val

    real_fn.route = route  # type: ignore[attr-defined]  # "sympy" (vectorised) or "bind_all" (per row)
    return real_fn


class SlotExpr:
    """One gate angle as a function of the circuit parameters.

    ``kind`` is ``"const"`` (``value``), ``"param"`` (column ``col``), ``"linear"``
    (``X[:, cols] @ coeffs + offset``) or ``"general"`` (``fn``).  ``derivs`` lists
    ``(column, d)`` where ``d`` is a float or a function of ``X``.
    """

    __slots__ = ("kind", "value", "col", "cols", "coeffs", "offset", "fn", "derivs", "expr")

    def __init__(self) -> None:
        self.kind = "const"
        self.value = 0.0
        self.col = -1
        self.cols: np.ndarray = np.zeros(0, dtype=np.intp)
        self.coeffs: np.ndarray = np.zeros(0)
        self.offset = 0.0
        self.fn: Fn | None = None
        self.derivs: list[tuple[int, float | Fn]] = []
        self.expr: object = None

    @property
    def is_const(self) -> bool:
        return self.kind == "const"

    def __call__(self, X: np.ndarray) -> np.ndarray:
        if self.kind == "param":
            return X[:, self.col]
        if self.kind == "linear":
            return X[:, self.cols] @ self.coeffs + self.offset
        if self.kind == "general":
            assert self.fn is not None  # compile_expr sets fn together with kind "general"
            return self.fn(X)
        return np.full(X.shape[0], self.value)

    def deriv_values(self, X: np.ndarray) -> list[tuple[int, np.ndarray | float]]:
        out = []
        for col, d in self.derivs:
            out.append((col, d(X) if callable(d) else d))
        return out


def _numeric(value) -> float | None:
    if isinstance(value, ParameterExpression):
        if value.parameters:
            return None
        return _as_float(value.numeric())
    return _as_float(value)


def compile_expr(value, index: dict, params: Sequence[Parameter], rng: np.random.Generator | None = None) -> SlotExpr:
    """Compile one gate parameter.  ``index`` maps Parameter -> column."""
    slot = SlotExpr()
    slot.expr = value
    num = _numeric(value)
    if num is not None:
        slot.kind = "const"
        slot.value = num
        return slot
    for p in value.parameters:
        if p not in index:
            raise ValueError(f"parameter {p} of a gate is not a parameter of the circuit")
    if isinstance(value, Parameter):
        slot.kind = "param"
        slot.col = index[value]
        slot.derivs = [(slot.col, 1.0)]
        return slot
    own = sorted((index[p], p) for p in value.parameters)
    grads = {}
    linear = True
    for col, p in own:
        g = value.gradient(p)
        grads[col] = g
        if _numeric(g) is None:
            linear = False
    if linear:
        slot.kind = "linear"
        slot.cols = np.array([c for c, _ in own], dtype=np.intp)
        slot.coeffs = np.array([_numeric(grads[c]) for c, _ in own])
        slot.offset = _as_float(value.bind_all({p: 0.0 for _, p in own}))
        slot.derivs = [(c, float(k)) for c, k in zip(slot.cols, slot.coeffs, strict=True)]
        return slot
    slot.kind = "general"
    slot.fn = _general_fn(value, index, params, rng)
    for col, g in grads.items():
        gnum = _numeric(g)
        d: float | Fn
        if gnum is None:  # e.g. d/dx of a product: usually linear in the other parameters
            d = _linear_fn(g, index) or _general_fn(g, index, params, rng)
        else:
            d = gnum
        slot.derivs.append((col, d))
    return slot


def _general_fn(expr: ParameterExpression, index: dict, params: Sequence[Parameter], rng) -> Fn:
    if isinstance(expr, Parameter):
        col = index[expr]
        return lambda X: X[:, col]
    rng = rng if rng is not None else np.random.default_rng(1234)
    P = len(params)
    try:
        fn = _finalise(_sympy_fn(expr, index), "sympy")
        # check against Qiskit at two random points in (0.1, 0.9): inside the log/sqrt/arcsin domains
        X = rng.uniform(0.1, 0.9, size=(2, P))
        ours = fn(X)
        for r in range(2):
            ref = complex(expr.bind_all({p: float(X[r, index[p]]) for p in expr.parameters}))
            if not np.isclose(ours[r], ref.real, rtol=1e-9, atol=1e-12):
                raise _Unsupported("mismatch")
        return fn
    except (_Unsupported, KeyError, TypeError, AttributeError, ValueError):
        return _finalise(_loop_fn(expr, params), "bind_all")
