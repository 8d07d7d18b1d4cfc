"""Small argument checks shared by the pure modules: clear ValueErrors, nothing else.

Example::

    >>> probability(0.25, "p")
    0.25
    >>> positive("abc", "t1")
    Traceback (most recent call last):
    ...
    ValueError: t1 must be a positive number, got 'abc'
"""
from __future__ import annotations

import math
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
