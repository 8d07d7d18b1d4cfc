"""Small argument checks shared by the pure modules: clear ValueErrors, nothing else.

Example::

    >>> probability(0.25, "p")
    0.25
    >>> positive("abc", "t1")
    Traceback (most recent call last):
    ...
    ValueError: t1 must be a positive number, got 'abc'
    >>> whole_number(3, "step", 0, 5)
    3
    >>> angle("nan", "theta")
    Traceback (most recent call last):
    ...
    ValueError: theta=nan is not finite; expected an angle in radians
"""
from __future__ import annotations

import math
import operator
from typing import Any


def probability(value: Any, name: str, hi: float = 1.0) -> float:
    """``value`` as a float in [0, hi], or a ValueError naming ``name`` and the range."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a probability in [0, {hi:g}], got {value!r}") from None
    if not (0.0 <= v <= hi):
        raise ValueError(f"{name} must be a probability in [0, {hi:g}], got {value!r}")
    return v


def positive(value: Any, name: str) -> float:
    """``value`` as a finite float > 0, or a ValueError naming ``name``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return v


def whole_number(value: Any, name: str, lo: int, hi: int, meaning: str = "") -> int:
    """``value`` as an int in [lo, hi] (bools refused), or a ValueError naming ``name`` and the range.

    ``meaning`` explains the upper bound in the message, e.g. " (the number of gates)".
    """
    try:
        if isinstance(value, bool):
            raise TypeError
        v = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}{meaning}, got {value!r}") from None
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be from {lo} to {hi}{meaning}, got {v}")
    return v


def angle(value: Any, name: str) -> float:
    """``value`` as a finite float (an angle in radians), or a ValueError naming ``name``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a number; expected an angle in radians") from None
    if not math.isfinite(v):
        raise ValueError(f"{name}={v} is not finite; expected an angle in radians")
    return v
