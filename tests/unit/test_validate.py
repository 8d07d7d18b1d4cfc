import math

import pytest

from qmlwidgets.validate import angle, positive, probability, whole_number


def test_probability_accepts_range_and_names_the_argument():
    assert probability("0.5", "p") == 0.5
    assert probability(2.0, "p2", hi=3) == 2.0
    for bad in (-0.1, 1.5, "x", None, math.nan):
        with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]"):
            probability(bad, "p")


def test_positive_rejects_zero_negative_and_non_finite():
    assert positive(3, "t1") == 3.0
    for bad in (0, -1, math.inf, math.nan, "abc"):
        with pytest.raises(ValueError, match="t1 must be a positive number"):
            positive(bad, "t1")


def test_whole_number_refuses_bools_floats_and_out_of_range():
    import numpy as np
    assert whole_number(3, "step", 0, 5) == 3 and whole_number(np.int64(5), "step", 0, 5) == 5
    for bad in (True, 2.0, "3", None):
        with pytest.raises(ValueError, match=r"step must be a whole number from 0 to 5 \(the number of gates\), got"):
            whole_number(bad, "step", 0, 5, " (the number of gates)")
    for bad in (-1, 6):
        with pytest.raises(ValueError, match=f"shots must be from 0 to 5, got {bad}"):
            whole_number(bad, "shots", 0, 5)


def test_angle_names_the_argument_and_expects_radians():
    assert angle("0.5", "theta") == 0.5
    for bad, why in (("up", "is not a number"), (None, "is not a number"), (math.nan, "is not finite"),
                     (math.inf, "is not finite")):
        with pytest.raises(ValueError, match=f"theta=.* {why}; expected an angle in radians"):
            angle(bad, "theta")


def test_modules_use_the_shared_checks_with_their_own_names():
    from qmlwidgets.circuit_model import CircuitModel
    from qmlwidgets import states
    with pytest.raises(ValueError, match=r"rx: angle=\[1\] is not a number; expected an angle in radians"):
        CircuitModel(1).add("rx", [1], 0)
    with pytest.raises(ValueError, match="step must be from 0 to 0 \\(the number of gates\\), got 3"):
        CircuitModel(1).set_step(3)
    with pytest.raises(ValueError, match="angle=nan is not finite"):
        states.gate_matrix("rx", math.nan)
