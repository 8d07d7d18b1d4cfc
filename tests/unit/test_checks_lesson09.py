"""Checkers of lesson 09: right answers pass, each common mistake gets its hint, nothing raises."""
import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector

from qmlcourse.checks import lesson09 as check


# ----------------------------------------------------------------------------- 9.1
@pytest.mark.parametrize("answer", [list(range(7)), range(-6, 7), np.arange(7.0)])
def test_frequencies_right(capsys, answer):
    assert check.frequencies(answer)
    assert "Frequencies 0…6" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (list(range(1, 7)), "Include 0"),
    (list(range(4)), "counts layers only"),
    (list(range(3)), "counts qubits only"),
    (list(range(13)), "Too high"),
    ([0, 1, 2, 3, 4], "Missing frequencies"),
    ([0, 0.5, 1, 1.5], "whole numbers"),
    ([0, 2, 4, 6], "every integer"),
])
def test_frequencies_mistakes_get_hints(capsys, answer, hint):
    assert not check.frequencies(answer)
    assert hint in capsys.readouterr().out


def test_frequencies_missing_and_garbage(capsys):
    assert not check.frequencies(None)
    assert "no answer yet" in capsys.readouterr().out
    for bad in ["0..6", [], [np.nan], object()]:
        assert not check.frequencies(bad)
        assert "not yet" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 9.2
def _ladder_map(rungs):
    x = ParameterVector("x", 1)
    qc = QuantumCircuit(rungs)
    for m in range(1, rungs + 1):
        qc.ry(m * x[0], m - 1)
    return qc


def _right(delta, rungs=5):
    return np.prod([np.cos(m * np.asarray(delta) / 2) ** 2 for m in range(1, rungs + 1)], axis=0)


@pytest.mark.parametrize("rungs", [5, 3])
def test_reference_profile_equals_the_circuit_kernel(rungs):
    from qmlcourse.kernels import fidelity_kernel

    delta = np.linspace(-np.pi, np.pi, 9)
    K = fidelity_kernel(_ladder_map(rungs), np.zeros((1, 1)), delta[:, None])[0]
    assert np.allclose(K, _right(delta, rungs), atol=1e-10)
    assert check.ladder_profile(lambda d: _right(d, rungs), rungs=rungs)


def test_ladder_profile_right(capsys):
    assert check.ladder_profile(_right)
    out = capsys.readouterr().out
    assert "correct" in out and "up to 1 + 2 + … + 5 = 15" in out

    def looped(delta):
        k = np.ones_like(delta)
        for m in range(1, 6):
            k = k * ((1 + np.cos(m * delta)) / 2)
        return k
    assert check.ladder_profile(looped)


@pytest.mark.parametrize("answer, hint", [
    (lambda d: np.prod([np.cos(m * d / 2) for m in range(1, 6)], axis=0), "Square the overlap"),
    (lambda d: np.prod([np.cos(m * d) ** 2 for m in range(1, 6)], axis=0), "Use mΔ/2"),
    (lambda d: np.cos(d / 2) ** 2, "one rung"),
    (lambda d: np.mean([np.cos(m * d / 2) ** 2 for m in range(1, 6)], axis=0), "Average → product"),
    (lambda d: np.sum([np.cos(m * d / 2) ** 2 for m in range(1, 6)], axis=0), "Sum → product"),
    (lambda d: np.prod([np.cos(m * d / 2) ** 4 for m in range(1, 6)], axis=0), "Squared twice"),
    (lambda d: np.prod([np.cos(m * d / 2) ** 2 for m in range(1, 5)], axis=0), "One rung short"),
    (lambda d: 0.5 * np.ones_like(d), "must be 1"),
    (lambda d: np.exp(-d ** 2), "Multiply the squared overlaps"),
    (lambda d: float(np.sum(d)), "one value per Δ"),
    (lambda d: None, "returned None"),
])
def test_ladder_profile_mistakes_get_hints(capsys, answer, hint):
    assert not check.ladder_profile(answer)
    assert hint in capsys.readouterr().out


def test_ladder_profile_missing_and_garbage(capsys):
    assert not check.ladder_profile(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.ladder_profile(_right(np.zeros(8)))
    assert "function itself" in capsys.readouterr().out
    for bad in ["cos", 3, lambda d: "x", lambda d: 1 / 0, lambda: 1]:
        assert not check.ladder_profile(bad)
        assert "not yet" in capsys.readouterr().out


# ----------------------------------------------------------------------------- prediction
def test_predict_then_reveal_one_layer_mse(capsys):
    assert check.predict_one_layer_mse(0.065)
    assert check.reveal_one_layer_mse(0.0650)
    out = capsys.readouterr().out
    assert "you predicted 0.065" in out and ("close" in out or "exactly right" in out)
    assert check.predict_one_layer_mse(0.2)
    assert not check.reveal_one_layer_mse(0.065)
    assert "off by 0.14" in capsys.readouterr().out


def test_missing_mse_prediction_never_raises(capsys):
    assert not check.predict_one_layer_mse(None)
    assert not check.predict_one_layer_mse(object())
    assert not check.reveal_one_layer_mse(0.065)
    out = capsys.readouterr().out
    assert "none recorded" in out and "no prediction recorded yet" in out
