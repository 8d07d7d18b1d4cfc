import math

import pytest

from qmlwidgets._validate import positive, probability


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
