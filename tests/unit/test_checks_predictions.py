"""Predict-then-reveal pairs of lessons 05–07: record, reveal, tolerance, bad input."""
import importlib

import pytest

from qmlcourse.checks import _predict


@pytest.fixture(autouse=True)
def _fresh_record():
    _predict._RECORDED.clear()
    yield
    _predict._RECORDED.clear()


@pytest.mark.parametrize("lesson, predict_name, reveal_name, truth, near, far", [
    ("05", "predict_concentration", "reveal_concentration", 0.0052, 0.006, 0.3),
    ("06", "predict_fd_noise", "reveal_fd_noise", 9.66, 10.0, 0.01),
    ("07", "predict_line_accuracy", "reveal_line_accuracy", 0.833, 0.8, 0.5),
])
def test_predict_then_reveal(capsys, lesson, predict_name, reveal_name, truth, near, far):
    check = importlib.import_module(f"qmlcourse.checks.lesson{lesson}")
    predict, reveal = getattr(check, predict_name), getattr(check, reveal_name)
    assert not predict(None)
    assert "none recorded yet" in capsys.readouterr().out
    assert not reveal(truth)
    out = capsys.readouterr().out
    assert "no prediction recorded yet" in out
    assert f"{truth:.3g}" not in out, "the truth must stay hidden until a prediction is recorded"
    assert predict(near)
    assert reveal(truth)
    assert "close" in capsys.readouterr().out.splitlines()[-1]
    assert predict(far)
    assert not reveal(truth)
    assert "off by" in capsys.readouterr().out
    assert not predict("soon")
