"""Checker of exercise 8.3 (a slice rebuilt from three evaluations): the right answer passes,
each common mistake gets its hint, nothing raises."""
import numpy as np
import pytest
from qiskit.circuit.library import efficient_su2
from qiskit.quantum_info import SparsePauliOp

from qmlwidgets import landscape as L
from qmlcourse.checks import lesson08 as check

LOSS = L.circuit_loss(efficient_su2(2, reps=1),
                      SparsePauliOp(["ZZ", "XI", "IY"], [1.0, 0.6, -0.4]))
POINT = np.random.default_rng(3).uniform(-np.pi, np.pi, 8)
D = L.axis_direction(8, 2)
T = np.linspace(-np.pi, np.pi, 41)
F0, F1, F2 = L.evaluate(LOSS, POINT + np.array([0, np.pi / 2, np.pi])[:, None] * D)
A, B, C = (F0 + F2) / 2, (F0 - F2) / 2, F1 - (F0 + F2) / 2


def run(answer):
    return check.slice_from_three(answer, LOSS, POINT, D, T)


def test_right_answer_passes(capsys):
    assert run(A + B * np.cos(T) + C * np.sin(T))
    assert "rebuilt exactly from 3 evaluations" in capsys.readouterr().out
    assert run(L.scan_1d(LOSS, POINT, D, np.pi, 41).values)  # the exact slice itself
    assert run(list(A + B * np.cos(T) + C * np.sin(T)))


@pytest.mark.parametrize("answer, hint", [
    (A + B * np.cos(T), "sine term is missing"),
    (A + C * np.sin(T), "cosine term is missing"),
    (A + C * np.cos(T) + B * np.sin(T), "swapped"),
    (A + B * np.cos(T) + F1 * np.sin(T), "c = f(π/2) − a"),
    ((F0 + F1 + F2) / 3 + B * np.cos(T) + C * np.sin(T), "level is off"),
    (np.zeros(41), "Not the slice yet"),
    (np.zeros(40), "Expected 41 values"),
    ("abc", "array of numbers"),
    (np.full(41, np.nan), "NaN"),
])
def test_mistakes_get_hints(capsys, answer, hint):
    assert not run(answer)
    assert hint in capsys.readouterr().out


def test_missing_answer_and_missing_arguments(capsys):
    assert not run(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.slice_from_three(np.zeros(41))
    assert "Call the checker" in capsys.readouterr().out
    assert not check.slice_from_three(object(), LOSS, POINT, D, T)
    assert "not yet" in capsys.readouterr().out
