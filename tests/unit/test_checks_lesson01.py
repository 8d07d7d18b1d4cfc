import math

import numpy as np
import pytest

from qmlcourse.checks import lesson01 as check

S2 = 1 / math.sqrt(2)


# --------------------------------------------------------------------------- 1.1
@pytest.mark.parametrize("answer", [
    [0.5, math.sqrt(0.75)],
    np.array([0.5, -math.sqrt(0.75)]),
    [0.5j, math.sqrt(0.75)],
])
def test_amplitudes_right(answer, capsys):
    assert check.amplitudes_for_p1(answer)
    assert "P(1) = 0.750" in capsys.readouterr().out


def test_amplitudes_with_phases_get_a_note(capsys):
    assert check.amplitudes_for_p1([0.5, -math.sqrt(0.75)])
    assert "phases" in capsys.readouterr().out


def test_amplitudes_statevector_is_accepted():
    from qiskit.quantum_info import Statevector
    assert check.amplitudes_for_p1(Statevector([0.5, math.sqrt(0.75)]))


@pytest.mark.parametrize("answer, hint", [
    ([0.25, 0.75], "probabilities, not amplitudes"),
    ([0.75, 0.25], "probabilities, not amplitudes"),
    ([1, math.sqrt(3)], "Not normalised"),
    ([math.sqrt(0.75), 0.5], "swapped"),
    ([S2, S2], "P(1) = |β|² = 0.5;"),
    ([0.5, math.sqrt(0.75), 0], "exactly two amplitudes"),
    ([0.5, float("nan")], "NaN"),
    ("abc", "list or NumPy array"),
])
def test_amplitudes_wrong_get_hints(answer, hint, capsys):
    assert not check.amplitudes_for_p1(answer)
    assert hint in capsys.readouterr().out


# --------------------------------------------------------------------------- 1.2
def good(psi):
    return [abs(psi[0] + psi[1]) ** 2 / 2, abs(psi[0] - psi[1]) ** 2 / 2]


def test_x_basis_right(capsys):
    assert check.x_basis_probabilities(good)
    assert check.x_basis_probabilities(lambda psi: np.abs(np.array([[1, 1], [1, -1]]) @ psi / math.sqrt(2)) ** 2)


@pytest.mark.parametrize("fn, hint", [
    (lambda psi: None, "returned None"),
    (lambda psi: [(psi[0] + psi[1]) * S2, (psi[0] - psi[1]) * S2], "amplitudes"),
    (lambda psi: good(psi)[::-1], "swapped"),
    (lambda psi: np.abs(psi) ** 2, "Z-basis"),
    (lambda psi: [0.3, 0.7], "expected"),
    (lambda psi: [1, 2, 3], "exactly two"),
    (lambda psi: "ab", "two numbers"),
    (lambda psi: [1j, 0], "complex"),
    (42, "the function itself"),
])
def test_x_basis_wrong_get_hints(fn, hint, capsys):
    assert not check.x_basis_probabilities(fn)
    assert hint in capsys.readouterr().out


def test_x_basis_function_that_raises_is_feedback(capsys):
    assert not check.x_basis_probabilities(lambda psi: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


# --------------------------------------------------------------------------- 1.3
@pytest.mark.parametrize("answer", [{"A", "C", "E", "F"}, "ACEF", "a, c, e, f", ["F", "E", "C", "A"]])
def test_phase_twins_right(answer):
    assert check.phase_twins(answer)


@pytest.mark.parametrize("answer, hint", [
    ("ABCEF", "relative phase"),
    ("ACDEF", "|+i⟩"),
    ("ACF", "global phase"),
    ("ACE", "other order"),
    ("ACEFG", "letters A–F"),
    ("", "empty"),
])
def test_phase_twins_wrong_get_hints(answer, hint, capsys):
    assert not check.phase_twins(answer)
    assert hint in capsys.readouterr().out


# --------------------------------------------------------------------------- 1.4
def test_shots_right(capsys):
    assert check.shots_for_precision(2500)
    assert check.shots_for_precision(2500.0)


@pytest.mark.parametrize("answer, hint", [
    (100, "1/√N"),
    (10000, "p(1−p) = 0.25"),
    (3000, "not the smallest"),
    (2000, "more than 0.01"),
    (2500.5, "whole number"),
    (-5, "positive"),
    (True, "not True/False"),
])
def test_shots_wrong_get_hints(answer, hint, capsys):
    assert not check.shots_for_precision(answer)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("fn", [check.amplitudes_for_p1, check.x_basis_probabilities, check.phase_twins,
                                check.shots_for_precision])
def test_missing_or_garbage_never_raises(fn, capsys):
    assert not fn(None)
    assert "no answer yet" in capsys.readouterr().out
    for garbage in (..., "xyz", object(), [[1, 2], [3]], float("nan")):
        assert not fn(garbage)


def test_predict_then_reveal_shot_error(capsys):
    assert check.predict_shot_error(0.05)
    assert check.reveal_shot_error(0.0433)
    out = capsys.readouterr().out
    assert "recorded" in out and "you predicted" in out and "close" in out
    assert check.predict_shot_error(0.2)
    assert not check.reveal_shot_error(0.0433)
    assert "off by" in capsys.readouterr().out


def test_missing_prediction_shot_error_never_raises_and_is_no_exercise_line(capsys):
    for guess in (None, ..., "many", float("nan"), [1, 2]):
        assert not check.predict_shot_error(guess)
    assert not check.reveal_shot_error(0.0433)
    out = capsys.readouterr().out
    assert "none recorded yet" in out and "no prediction recorded yet" in out
    assert not any(mark in out for mark in ("✅", "❌", "📝"))



# --------------------------------------------------------------------------- issue 18, second round
def test_amplitudes_rounded_to_three_decimals_are_accepted(capsys):
    assert check.amplitudes_for_p1([0.5, 0.866])
    assert "✅" in capsys.readouterr().out


def test_not_normalised_message_is_true(capsys):
    assert not check.amplitudes_for_p1([0.5, 0.8])
    out = capsys.readouterr().out
    assert "= 0.89, but it must be 1" in out


def test_x_basis_dropped_phase_is_named(capsys):
    assert not check.x_basis_probabilities(
        lambda psi: [(abs(psi[0]) + abs(psi[1])) ** 2 / 2, (abs(psi[0]) - abs(psi[1])) ** 2 / 2])
    out = capsys.readouterr().out
    assert "ignores the phase" in out and "swapped" not in out


def test_shots_sigma_printed_with_enough_digits(capsys):
    assert not check.shots_for_precision(2499)
    out = capsys.readouterr().out
    assert "0.010002" in out and "= 0.0100," not in out


def test_exact_prediction_is_called_exactly_right(capsys):
    from qmlcourse.checks import _predict
    _predict.record("test-exact", 0.5, "x")
    assert _predict.reveal("test-exact", 0.5, "x", tolerance=0.1)
    assert "exactly right" in capsys.readouterr().out
    _predict.record("test-exact", 0.45, "x")
    assert _predict.reveal("test-exact", 0.5, "x", tolerance=0.1)
    out = capsys.readouterr().out
    assert "close (within 0.1)" in out and "exactly" not in out
