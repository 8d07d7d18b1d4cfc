import math

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.quantum_info import Pauli, SparsePauliOp, Statevector

from qmlcourse.checks import lesson02 as check

S2 = 1 / math.sqrt(2)


def circ(*gates, n=1):
    qc = QuantumCircuit(n)
    for g in gates:
        name, *args = g if isinstance(g, tuple) else (g, 0)
        getattr(qc, name)(*args)
    return qc


# --------------------------------------------------------------------------- 2.1
@pytest.mark.parametrize("qc", [
    circ("h", "sdg"),
    circ("h", "s", "z"),
    circ(("rx", math.pi / 2, 0)),
    circ("h", ("rz", -math.pi / 2, 0)),    # differs from |−i> by a global phase
])
def test_minus_i_right(qc, capsys):
    assert check.minus_i_circuit(qc)
    assert "|−i⟩" in capsys.readouterr().out


def test_minus_i_global_phase_note(capsys):
    assert check.minus_i_circuit(circ("h", ("rz", -math.pi / 2, 0)))
    assert "global phase" in capsys.readouterr().out


@pytest.mark.parametrize("qc, hint", [
    (circ("h", "s"), "sdg (S†)"),
    (circ("h"), "turn −90° about z"),
    (circ("x", "h"), "quarter turn"),
    (circ(), "north pole"),
    (circ("x"), "south pole"),
    (circ(("ry", 0.4, 0)), "Bloch vector is"),
    (circ("h", n=2), "needs 1"),
    ([S2, -1j * S2], "should be a QuantumCircuit"),
])
def test_minus_i_wrong_get_hints(qc, hint, capsys):
    assert not check.minus_i_circuit(qc)
    assert hint in capsys.readouterr().out


def test_minus_i_measurement_and_parameters_get_hints(capsys):
    qc = circ("h", "sdg")
    qc.measure_all()
    assert not check.minus_i_circuit(qc)
    assert "Leave out measurements" in capsys.readouterr().out
    qp = QuantumCircuit(1)
    qp.rx(Parameter("t"), 0)
    assert not check.minus_i_circuit(qp)
    assert "unbound parameters" in capsys.readouterr().out


# --------------------------------------------------------------------------- 2.2
def kron(*vs):
    out = np.array([1.0 + 0j])
    for v in vs:
        out = np.kron(out, v)
    return out


ZERO, ONE, PLUS = np.array([1, 0]), np.array([0, 1]), np.array([S2, S2])


@pytest.mark.parametrize("answer", [kron(PLUS, ZERO, ONE), Statevector.from_label("+01"), -kron(PLUS, ZERO, ONE)])
def test_three_qubit_right(answer, capsys):
    assert check.three_qubit_state(answer)
    assert "|001⟩ and |101⟩" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (kron(ONE, ZERO, PLUS), "Reversed qubit order"),
    (np.abs(kron(PLUS, ZERO, ONE)) ** 2, "probabilities"),
    (np.abs(kron(ONE, ZERO, PLUS)) ** 2, "probabilities"),
    (2 * kron(PLUS, ZERO, ONE), "Not normalised"),
    (np.concatenate([ONE, ZERO, PLUS]), "np.kron"),
    (kron(PLUS, ONE, ONE), "non-zero amplitudes at |011⟩, |111⟩"),
    (np.full(8, np.nan), "NaN"),
])
def test_three_qubit_wrong_get_hints(answer, hint, capsys):
    assert not check.three_qubit_state(answer)
    assert hint in capsys.readouterr().out


# --------------------------------------------------------------------------- 2.3
@pytest.mark.parametrize("answer", ["ZIX", " Z I X ", Pauli("ZIX"), SparsePauliOp("ZIX")])
def test_pauli_label_right(answer):
    assert check.pauli_label(answer)


@pytest.mark.parametrize("answer, hint", [
    ("XIZ", "RIGHTMOST letter"),
    (Pauli("XIZ"), "Reversed"),
    ("zix", "capitals"),
    ("ZX", "3-qubit Pauli label"),
    ("ZAX", "3-qubit Pauli label"),
    ("ZZX", "Z on qubit 2, Z on qubit 1, X on qubit 0"),
    (SparsePauliOp(["ZIX", "III"]), "single Pauli string"),
    (3, "as a string"),
])
def test_pauli_label_wrong_get_hints(answer, hint, capsys):
    assert not check.pauli_label(answer)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("fn", [check.minus_i_circuit, check.three_qubit_state, check.pauli_label])
def test_missing_or_garbage_never_raises(fn, capsys):
    assert not fn(None)
    assert "no answer yet" in capsys.readouterr().out
    for garbage in (..., "xyz", object(), [[1, 2], [3]], float("nan")):
        assert not fn(garbage)


def test_predict_then_reveal_x0_index(capsys):
    assert check.predict_x0_index(1)
    assert check.reveal_x0_index(1)
    out = capsys.readouterr().out
    assert "recorded" in out and "you predicted" in out and "exactly right" in out
    assert check.predict_x0_index(2)
    assert not check.reveal_x0_index(1)
    assert "off by" in capsys.readouterr().out


def test_missing_prediction_x0_index_never_raises_and_is_no_exercise_line(capsys):
    for guess in (None, ..., "many", float("nan"), [1, 2]):
        assert not check.predict_x0_index(guess)
    assert not check.reveal_x0_index(1)
    out = capsys.readouterr().out
    assert "none recorded yet" in out and "no prediction recorded yet" in out
    assert not any(mark in out for mark in ("✅", "❌", "📝"))



# --------------------------------------------------------------------------- issue 18, second round
def test_three_qubit_rounded_amplitudes_are_accepted(capsys):
    a = np.zeros(8)
    a[1] = a[5] = 0.707
    assert check.three_qubit_state(a)


def test_minus_i_wrong_sign_rotation_without_s_gets_sign_hint(capsys):
    qc = QuantumCircuit(1)
    qc.rx(-np.pi / 2, 0)
    assert not check.minus_i_circuit(qc)
    out = capsys.readouterr().out
    assert "Flip the sign of your rotation angle" in out and "sdg" not in out
    qc = QuantumCircuit(1)
    qc.h(0)
    qc.s(0)
    assert not check.minus_i_circuit(qc)
    assert "sdg" in capsys.readouterr().out
