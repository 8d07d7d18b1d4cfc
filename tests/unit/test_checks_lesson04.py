import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from qmlcourse.checks import lesson04 as check


def circuit_with_x(*qubits, n=3):
    qc = QuantumCircuit(n)
    for q in qubits:
        qc.x(q)
    return qc


# ---------------------------------------------------------------- 4.1 basis encoding of 6
def test_basis_six_right(capsys):
    assert check.basis_six(circuit_with_x(1, 2))
    measured = circuit_with_x(2, 1)
    measured.measure_all()
    assert check.basis_six(measured)  # final measurements are ignored


def test_basis_six_reversed_bits_hint(capsys):
    assert not check.basis_six(circuit_with_x(0, 1))
    assert "RIGHTMOST" in capsys.readouterr().out


def test_basis_six_superposition_hint(capsys):
    qc = circuit_with_x(1, 2)
    qc.h(0)
    assert not check.basis_six(qc)
    assert "X gates only" in capsys.readouterr().out


def test_basis_six_wrong_size_and_other_number(capsys):
    assert not check.basis_six(circuit_with_x(1, 2, n=4))
    assert "exactly 3 qubits" in capsys.readouterr().out
    assert not check.basis_six(circuit_with_x(2))
    assert "|100⟩ (= 4)" in capsys.readouterr().out


def test_basis_six_garbage(capsys):
    assert not check.basis_six(None)
    assert not check.basis_six("110")
    assert "QuantumCircuit" in capsys.readouterr().out
    qc = QuantumCircuit(3)
    qc.ry(Parameter("t"), 0)
    assert not check.basis_six(qc)
    assert "unbound" in capsys.readouterr().out


# ---------------------------------------------------------------- 4.2 angle fidelity
def right(x, x2):
    return np.prod(np.cos((np.asarray(x) - np.asarray(x2)) / 2) ** 2)


def test_angle_fidelity_right(capsys):
    assert check.angle_fidelity(right)
    assert "correct" in capsys.readouterr().out


def test_angle_fidelity_not_squared(capsys):
    assert not check.angle_fidelity(lambda x, y: np.prod(np.cos((x - y) / 2)))
    assert "SQUARE" in capsys.readouterr().out


def test_angle_fidelity_full_angle(capsys):
    assert not check.angle_fidelity(lambda x, y: np.prod(np.cos(x - y) ** 2))
    assert "HALF the angle" in capsys.readouterr().out


def test_angle_fidelity_sum_or_mean(capsys):
    assert not check.angle_fidelity(lambda x, y: np.sum(np.cos((x - y) / 2) ** 2))
    assert "PRODUCT" in capsys.readouterr().out
    assert not check.angle_fidelity(lambda x, y: np.mean(np.cos((x - y) / 2) ** 2))
    assert "PRODUCT" in capsys.readouterr().out


def test_angle_fidelity_array_none_degrees_and_other(capsys):
    assert not check.angle_fidelity(lambda x, y: np.cos((x - y) / 2) ** 2)
    assert "ONE number" in capsys.readouterr().out
    assert not check.angle_fidelity(lambda x, y: None)
    assert "returns None" in capsys.readouterr().out
    assert not check.angle_fidelity(lambda x, y: right(np.degrees(x), np.degrees(y)))
    assert "degrees" in capsys.readouterr().out
    assert not check.angle_fidelity(lambda x, y: 0.5)
    assert "but the fidelity is" in capsys.readouterr().out


def test_angle_fidelity_garbage(capsys):
    assert not check.angle_fidelity(None)
    assert not check.angle_fidelity(0.7)
    assert "function itself" in capsys.readouterr().out
    assert not check.angle_fidelity(lambda x: 1.0)  # wrong signature: raises inside, reported
    assert "raised TypeError" in capsys.readouterr().out


# ---------------------------------------------------------------- 4.3 amplitude state
def test_amplitude_state_right(capsys):
    assert check.amplitude_state([0.2, 0.4, 0.4, 0.8])
    assert check.amplitude_state(-np.array([0.2, 0.4, 0.4, 0.8]))
    assert "global phase" in capsys.readouterr().out


def test_amplitude_state_accepts_any_global_phase_and_a_statevector(capsys):
    from qiskit.quantum_info import Statevector

    want = np.array([0.2, 0.4, 0.4, 0.8])
    for phase in (1j, np.exp(0.7j), -1j):                  # used to fail: "no phases needed"
        assert check.amplitude_state(phase * want)
        assert "global phase" in capsys.readouterr().out
    assert check.amplitude_state(Statevector(want))
    assert not check.amplitude_state(want * np.array([1, 1j, 1, 1]))   # a relative phase is a different state
    assert "real" in capsys.readouterr().out


def test_amplitude_state_hints(capsys):
    cases = {
        "raw": ([1, 2, 2, 4], "raw features"),
        "probs": ([0.04, 0.16, 0.16, 0.64], "PROBABILITIES"),
        "sum": (np.array([1, 2, 2, 4]) / 9, "divided by the sum"),
        "reversed": ([0.8, 0.4, 0.4, 0.2], "Reversed"),
        "norm": ([0.1, 0.2, 0.3, 0.4], "norm"),
        "normalised but wrong": (np.array([2, 1, 2, 4]) / 5, "Normalised, but"),
        "size": ([0.2, 0.4, 0.4], "4 amplitudes"),
        "complex": ([0.2j, 0.4, 0.4, 0.8], "real"),
    }
    for answer, hint in cases.values():
        assert not check.amplitude_state(answer)
        assert hint in capsys.readouterr().out


def test_amplitude_state_garbage(capsys):
    assert not check.amplitude_state(None)
    assert not check.amplitude_state("0.2, 0.4")
    assert not check.amplitude_state({"a": 1})
    capsys.readouterr()


def test_predict_then_reveal_zz_cnots(capsys):
    assert check.predict_zz_cnots(112)
    assert check.reveal_zz_cnots(112)
    out = capsys.readouterr().out
    assert "recorded" in out and "you predicted" in out and ("close" in out or "exactly right" in out)
    assert check.predict_zz_cnots(56)
    assert not check.reveal_zz_cnots(112)
    assert "off by" in capsys.readouterr().out


def test_missing_prediction_zz_cnots_never_raises_and_is_no_exercise_line(capsys):
    for guess in (None, ..., "many", float("nan"), [1, 2]):
        assert not check.predict_zz_cnots(guess)
    assert not check.reveal_zz_cnots(112)
    out = capsys.readouterr().out
    assert "none recorded yet" in out and "no prediction recorded yet" in out
    assert not any(mark in out for mark in ("✅", "❌", "📝"))

