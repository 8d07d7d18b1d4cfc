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
ALICE = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 1])
BOB = np.array([0, 1, 0, 0, 1, 1, 0, 1, 1, 0])      # 3 of 10 differ


def test_right_qber_estimate_passes(capsys):
    assert check.qber_estimate(0.3, ALICE, BOB)
    assert "above the ~11 %" in capsys.readouterr().out
    assert check.qber_estimate(0.0, ALICE, ALICE)
    assert "go on" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (0.7, "agrees"),
    (3, "number of errors"),
    (30, "percentage"),
    (0.25, "divide by 10"),
])
def test_wrong_qber_estimates_get_hints(answer, hint, capsys):
    assert not check.qber_estimate(answer, ALICE, BOB)
    assert hint in capsys.readouterr().out


def test_qber_estimate_garbage(capsys):
    assert not check.qber_estimate(None, ALICE, BOB)
    assert not check.qber_estimate([0.1, 0.2], ALICE, BOB)
    assert not check.qber_estimate(float("inf"), ALICE, BOB)
