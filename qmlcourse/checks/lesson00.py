"""Checkers for lesson 00 (welcome)."""
from __future__ import annotations

import math

import numpy as np

from qmlcourse.checks._core import Verdict, checker


@checker("Exercise 0.1 — a 25 % chance of measuring 0")
def quarter_angle(answer: float) -> Verdict:
    """``answer`` is an angle θ (radians) with cos²(θ/2) = 0.25."""
    theta = float(answer)
    if not np.isfinite(theta):
        return Verdict(False, "Your angle is not a finite number.")
    p0 = math.cos(theta / 2) ** 2
    if math.isclose(p0, 0.25, abs_tol=1e-3):
        return Verdict(True, f"θ = {theta:.4f} rad gives P(0) = {p0:.3f}.")
    if 100 <= abs(theta) <= 360:
        return Verdict(False, "That looks like degrees. The slider (and Qiskit) use radians: "
                              "multiply degrees by π/180.")
    return Verdict(False, f"With θ = {theta:.3f} rad, P(0) = {p0:.3f}. You need cos²(θ/2) = 0.25, "
                          "so cos(θ/2) = 0.5. Move the slider until P(0) reads 0.250.")
