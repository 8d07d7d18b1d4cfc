"""Deterministic arg-max / arg-min: break (near-)ties explicitly.

``np.argmax`` returns the first *exact* maximum, but values that tie mathematically (a
symmetric landscape, two equally good settings) differ in the last bits depending on the CPU's
SIMD reductions and summation order, so a plain ``argmax`` may pick a different point on another
machine. These helpers treat every value within ``tol`` of the best as tied and return the
lowest (row-major) index among them.

>>> import numpy as np
>>> first_argmax([1.0, 3.0, 3.0 + 1e-13, 2.0])      # np.argmax would say 2
1
>>> first_argmax(np.array([[0.0, 5.0], [5.0, 1.0]]))  # n-D: a tuple, like np.unravel_index
(0, 1)
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["first_argmax", "first_argmin", "TIE_TOL"]

#: values within ``TIE_TOL * max(1, |best|)`` of the best count as tied
TIE_TOL = 1e-9


def _first_best(values: Any, tol: float, sign: float) -> int | tuple[int, ...]:
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        raise ValueError("cannot choose the best of an empty array")
    if not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    flat = sign * a.ravel()
    finite = ~np.isnan(flat)
    if not finite.any():
        raise ValueError("every value is NaN: there is no best one")
    best = float(np.max(flat[finite]))
    margin = tol * max(1.0, abs(best)) if np.isfinite(best) else 0.0
    k = int(np.flatnonzero(finite & (flat >= best - margin))[0])
    return k if a.ndim <= 1 else tuple(int(i) for i in np.unravel_index(k, a.shape))


def first_argmax(values: Any, tol: float = TIE_TOL) -> int | tuple[int, ...]:
    """Lowest index whose value is within ``tol`` (relative to ``max(1, |max|)``) of the maximum.

    Returns an ``int`` for 1-D input and an index tuple for n-D input. NaNs are ignored.

    >>> first_argmax([0.5, 0.5000000000001])
    0
    """
    return _first_best(values, tol, 1.0)


def first_argmin(values: Any, tol: float = TIE_TOL) -> int | tuple[int, ...]:
    """Lowest index whose value is within ``tol`` of the minimum (see :func:`first_argmax`).

    >>> first_argmin([2.0, -1.0 + 1e-12, -1.0])
    1
    """
    return _first_best(values, tol, -1.0)
