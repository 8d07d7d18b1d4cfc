"""Helpers for the explorers' traitlets (shared by the views in this package).

>>> a = frozen_array([1, 2])
>>> a, a.flags.writeable
(array([1., 2.]), False)
"""
from __future__ import annotations

from typing import Any

import numpy as np


def frozen_array(value: Any) -> np.ndarray:
    """A fresh float copy that cannot be written through (a trait's value is a snapshot)."""
    a = np.array(value, dtype=float)
    a.flags.writeable = False
    return a
