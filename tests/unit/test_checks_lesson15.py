import numpy as np
import pytest

from qmlcourse.checks import lesson15 as check

rng = np.random.default_rng(0)
BITS = rng.integers(0, 2, 40)
A_BASES = rng.integers(0, 2, 40)
B_BASES = rng.integers(0, 2, 40)
MASK = A_BASES == B_BASES


# ----------------------------------------------------------------------------- 15.1
def test_right_sifted_key_passes(capsys):
    assert check.sifted_key(BITS[MASK], BITS, A_BASES, B_BASES)
    assert check.sifted_key(list(BITS[MASK]), BITS, A_BASES, B_BASES)


@pytest.mark.parametrize("answer, hint", [
    (BITS, "whole raw key"),
    (BITS[~MASK], "bases *differ*"),
    (MASK, "mask of kept rounds"),
    (BITS[MASK][:-1], "Compare the bases"),
])
def test_wrong_sifting_gets_hints(answer, hint, capsys):
    assert not check.sifted_key(answer, BITS, A_BASES, B_BASES)
    assert hint in capsys.readouterr().out


def test_sifting_missing_or_garbage(capsys):
    assert not check.sifted_key(None, BITS, A_BASES, B_BASES)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.sifted_key(np.zeros((2, 2)), BITS, A_BASES, B_BASES)
    assert "1-D" in capsys.readouterr().out
    assert not check.sifted_key(5, BITS, A_BASES, B_BASES)


# ----------------------------------------------------------------------------- 15.2
def test_right_expected_qber_passes(capsys):
    assert check.intercept_qber(0.1)
    assert check.intercept_qber(0.4 * 0.25)


@pytest.mark.parametrize("answer, hint", [
    (10, "fraction, not a percentage"),
    (0.2, "one more factor ½"),
    (0.25, "*every* qubit"),
    (0.4, "Not every intercepted qubit"),
    (0.05, "Sifting does not halve"),
    (0.3, "Chain the chances"),
])
def test_wrong_expected_qber_gets_hints(answer, hint, capsys):
    assert not check.intercept_qber(answer)
    assert hint in capsys.readouterr().out


def test_expected_qber_garbage(capsys):
    assert not check.intercept_qber("ten percent")
    assert not check.intercept_qber(float("nan"))
    assert not check.intercept_qber(None)


# ----------------------------------------------------------------------------- 15.3
def test_right_sample_size_passes(capsys):
    assert check.sample_size(475)
    assert "475 bits" in capsys.readouterr().out
    assert check.sample_size(475.0)
    assert check.sample_size(900, qber=0.1, target=0.01)     # 0.09 / 1e-4
    assert check.sample_size(2500, qber=0.5, target=0.01)


@pytest.mark.parametrize("answer, hint", [
    (474, "Too few"),
    (474.9, "Round *up*"),
    (4.75, "square the target"),
    (500, "not Q"),
    (2500, "*any* Q"),
    (476, "not the smallest"),
    (-3, "Solve"),
])
def test_wrong_sample_sizes_get_hints(answer, hint, capsys):
    assert not check.sample_size(answer)
    assert hint in capsys.readouterr().out


def test_sample_size_garbage(capsys):
    assert not check.sample_size(None)
    assert not check.sample_size([475, 476])
    assert not check.sample_size(float("inf"))
    assert not check.sample_size("475 bits")


# ----------------------------------------------------------------------------- prediction
def test_predict_then_reveal_full_intercept(capsys):
    assert check.predict_full_intercept(0.25)
    assert check.reveal_full_intercept(0.226)
    out = capsys.readouterr().out
    assert "you predicted 0.25" in out and "close" in out
    assert check.predict_full_intercept(0.5)
    assert not check.reveal_full_intercept(0.226)
    assert "off by 0.27" in capsys.readouterr().out


def test_missing_intercept_prediction_never_raises(capsys):
    assert not check.predict_full_intercept(None)
    assert not check.predict_full_intercept("a quarter")
    assert not check.reveal_full_intercept(0.25)
    out = capsys.readouterr().out
    assert "none recorded" in out and "no prediction recorded yet" in out
