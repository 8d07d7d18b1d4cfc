import math

import pytest

from qmlwidgets.widgets.sliderplot import SliderPlot, rotation_probabilities


def test_slider_moves_bars():
    w = SliderPlot()
    assert list(w.figure.data[0].y) == pytest.approx([1.0, 0.0])
    w.slider.value = math.pi
    assert list(w.figure.data[0].y) == pytest.approx([0.0, 1.0], abs=1e-4)
    assert "P(0) = 0.000" in w.readout.value


def test_repr_is_short_and_stable():
    assert repr(SliderPlot(theta=1.0)) == "SliderPlot(theta=1.00)"


def test_bad_angle_is_a_clear_error():
    with pytest.raises(ValueError, match="finite angle in radians"):
        rotation_probabilities(float("nan"))
