import math

from qmlcourse.checks import lesson00 as check


def test_right_angle_passes(capsys):
    assert check.quarter_angle(2 * math.pi / 3)
    assert check.quarter_angle(4 * math.pi / 3)


def test_degrees_get_a_degrees_hint(capsys):
    assert not check.quarter_angle(120)
    assert "degrees" in capsys.readouterr().out


def test_wrong_angle_gets_probability_hint(capsys):
    assert not check.quarter_angle(1.0)
    assert "P(0) = " in capsys.readouterr().out


def test_missing_or_garbage_answer_never_raises(capsys):
    assert not check.quarter_angle(None)
    assert not check.quarter_angle("abc")
    assert not check.quarter_angle(float("nan"))


def test_an_angle_read_off_the_slider_passes(capsys):
    # the slider shows θ with two decimals: where P(0) reads 0.250 it shows θ = 2.09 (issue 18)
    assert check.quarter_angle(2.09)
    assert "2π/3" in capsys.readouterr().out
    assert check.quarter_angle(134 / 64)  # the slider's own value there (step 1/64)
    assert not check.quarter_angle(2.08)  # P(0) = 0.256: one notch off is still wrong
