"""Checkers of lesson 09: right answers pass, each common mistake gets its hint, nothing raises."""
import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector

from qmlwidgets import engine
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
@pytest.fixture(scope="module")
def fmap():
    x = ParameterVector("x", 2)
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.ry(x[0], 0)
    qc.rz(2 * x[1], 1)
    qc.rx(x[0], 2)
    qc.cx(0, 1)
    return qc


def make(fmap, kind="right"):
    def k(A, B):
        SA, SB = engine.statevectors(fmap, A), engine.statevectors(fmap, B)
        if kind == "right":
            return np.abs(SA.conj() @ SB.T) ** 2
        if kind == "transposed":
            return (np.abs(SA.conj() @ SB.T) ** 2).T
        if kind == "complex":
            return SA.conj() @ SB.T
        if kind == "modulus":
            return np.abs(SA.conj() @ SB.T)
        if kind == "noconj":
            return np.abs(SA @ SB.T) ** 2
        if kind == "real":
            return np.real(SA.conj() @ SB.T) ** 2
        if kind == "shape":
            return np.zeros((2, 2))
        return np.ones((len(A), len(B)))
    return k


def test_fidelity_kernel_right(capsys, fmap):
    assert check.fidelity_kernel(make(fmap), fmap)
    assert "k(x, x) = 1" in capsys.readouterr().out


@pytest.mark.parametrize("kind, hint", [
    ("transposed", "transposed"),
    ("complex", "squared modulus"),
    ("modulus", "square it"),
    ("noconj", "Conjugate"),
    ("real", "modulus of the complex overlap"),
    ("shape", "Expected shape"),
    ("ones", "Not the fidelity kernel"),
])
def test_fidelity_kernel_mistakes_get_hints(capsys, fmap, kind, hint):
    assert not check.fidelity_kernel(make(fmap, kind), fmap)
    assert hint in capsys.readouterr().out


def test_fidelity_kernel_missing_and_garbage(capsys, fmap):
    assert not check.fidelity_kernel(None, fmap)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.fidelity_kernel(np.eye(3), fmap)
    assert "function itself" in capsys.readouterr().out
    assert not check.fidelity_kernel(make(fmap))
    assert "feature map" in capsys.readouterr().out
    assert not check.fidelity_kernel(lambda A, B: None, fmap)
    assert "returned None" in capsys.readouterr().out
    assert not check.fidelity_kernel(lambda A, B: 1 / 0, fmap)
    assert "ZeroDivisionError" in capsys.readouterr().out
