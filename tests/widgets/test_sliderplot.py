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


def test_slider_names_units_and_exact_steps():
    w = SliderPlot()
    assert "rad" in w.slider.description and "radians" in w.slider.tooltip
    assert (w.slider.step * 2**10).is_integer()  # exact binary steps: no 17-digit announcements


def test_a_failing_update_is_shown_and_the_last_good_angle_kept(monkeypatch):
    import qmlwidgets.widgets.sliderplot as sp

    w = SliderPlot(theta=1.0)
    bars = list(w.figure.data[0].y)

    def broken(theta):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(sp, "rotation_probabilities", broken)
    w.slider.value = 2.0
    assert "RuntimeError" in w.readout.value and "drawing failed" in w.readout.value
    assert w.slider.value == 1.0 and list(w.figure.data[0].y) == bars


def test_hostile_slider_values_never_escape():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    w = SliderPlot()

    @settings(max_examples=60, deadline=2000)
    @given(st.floats(allow_nan=True, allow_infinity=True))
    def drive(value):
        try:
            w.slider.value = value
        except Exception as exc:  # traitlets refusing NaN is the control, not the widget
            assert type(exc).__name__ == "TraitError"
        p0, p1 = w.figure.data[0].y
        assert abs(p0 + p1 - 1) < 1e-12
        assert p0 == pytest.approx(math.cos(w.slider.value / 2) ** 2)

    drive()
