"""Checkers for lesson 00 (welcome)."""
from __future__ import annotations

import math

from qmlcourse.checks._core import Verdict, checker, finite_number

#: how far P(0) may be from 0.25: a θ read off the slider (two decimals) is off by up to 0.005 rad
SLIDER_TOLERANCE = 0.005


@checker("Exercise 0.1 — a 25 % chance of measuring 0")
def quarter_angle(answer: float) -> Verdict:
    """``answer`` is an angle θ (radians) with cos²(θ/2) = 0.25, to slider precision: the slider shows
    θ with two decimals, and θ = 2.09 (P(0) = 0.252) must pass, so P(0) may be off by 0.005."""
    theta = finite_number(answer, "Give one number: an angle in radians, e.g. 1.5.")
    p0 = math.cos(theta / 2) ** 2
    if math.isclose(p0, 0.25, abs_tol=1e-9):
        return Verdict(True, f"θ = {theta:.4f} rad gives P(0) = {p0:.3f} exactly.")
    if math.isclose(p0, 0.25, abs_tol=SLIDER_TOLERANCE):
        return Verdict(True, f"θ = {theta:.4f} rad gives P(0) = {p0:.3f}, as close as a slider reading gets. "
                             "Solving cos(θ/2) = 0.5 by hand gives the exact angle 2π/3 ≈ 2.0944.")
    if 100 <= abs(theta) <= 360:
        return Verdict(False, "That looks like degrees. The slider (and Qiskit) use radians: "
                              "multiply degrees by π/180.")
    return Verdict(False, f"With θ = {theta:.3f} rad, P(0) = {p0:.3f}. You need cos²(θ/2) = 0.25, "
                          "so cos(θ/2) = 0.5. Move the slider until P(0) reads 0.250 and copy the θ it shows.")
