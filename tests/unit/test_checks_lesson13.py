import numpy as np
import pytest

from qmlcourse import noise
from qmlcourse.checks import lesson13 as check

pytest.importorskip("qiskit_aer")


# ----------------------------------------------------------------------------- 13.1
def test_right_noise_model_passes(capsys):
    assert check.noise_model(noise.make_noise_model(p1=0.002, p2=0.03, readout=(0.03, 0.08)))
    out = capsys.readouterr().out
    assert "correct" in out
    assert "0.2–0.3 %" in out and "good superconducting device of today" not in out


def test_docstring_example_of_make_noise_model_does_not_pass(capsys):
    # issue 18: 13.1 was solvable by copying make_noise_model's docstring example
    import doctest
    example = [e.source for e in doctest.DocTestParser().get_examples(noise.make_noise_model.__doc__)
               if "make_noise_model(" in e.source][0]
    scope = {"make_noise_model": noise.make_noise_model}
    exec(example, scope)
    assert not check.noise_model(scope["nm"])


def test_noise_model_built_with_raw_aer_calls_passes(capsys):
    from qiskit_aer.noise import NoiseModel, ReadoutError, depolarizing_error

    nm = NoiseModel()
    nm.add_all_qubit_quantum_error(depolarizing_error(0.002, 1), list(noise.ONE_QUBIT_GATES))
    nm.add_all_qubit_quantum_error(depolarizing_error(0.03, 2), ["cx", "cz", "ecr"])
    nm.add_all_qubit_readout_error(ReadoutError([[0.97, 0.03], [0.08, 0.92]]))
    assert check.noise_model(nm)


@pytest.mark.parametrize("kwargs, hint", [
    (dict(p1=0.0, p2=0.03, readout=(0.03, 0.08)), "One-qubit gates carry no error"),
    (dict(p1=0.03, p2=0.002, readout=(0.03, 0.08)), "swapped"),
    (dict(p1=0.2, p2=0.03, readout=(0.03, 0.08)), "a probability, not a percentage"),
    (dict(p1=0.002, p2=0.0, readout=(0.03, 0.08)), "Two-qubit gates carry no error"),
    (dict(p1=0.002, p2=0.05, readout=(0.03, 0.08)), "should be 0.03"),
    (dict(p1=0.002, p2=0.03), "no readout error"),
    (dict(p1=0.002, p2=0.03, readout=(0.08, 0.03)), "P(1|0) and P(0|1) are swapped"),
    (dict(p1=0.002, p2=0.03, readout=(0.04, 0.08)), "should be"),
])
def test_wrong_noise_models_get_targeted_hints(kwargs, hint, capsys):
    assert not check.noise_model(noise.make_noise_model(**kwargs))
    assert hint in capsys.readouterr().out


def test_missing_gates_are_named(capsys):
    nm = noise.make_noise_model(p1=0.002, p2=0.03, readout=(0.03, 0.08),
                                one_qubit_gates=["x", "h", "ry", "rz"])
    assert not check.noise_model(nm)
    assert "sx" in capsys.readouterr().out
    nm = noise.make_noise_model(p1=0.002, p2=0.03, readout=(0.03, 0.08), two_qubit_gates=["cx"])
    assert not check.noise_model(nm)
    out = capsys.readouterr().out
    assert "cz" in out and "ecr" in out


def test_noise_model_missing_or_garbage(capsys):
    assert not check.noise_model(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.noise_model("depolarizing")
    assert "NoiseModel" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 13.2
CAL = [{"0": 1900, "1": 100}, {"0": 300, "1": 1700}]
A_RIGHT = np.array([[0.95, 0.15], [0.05, 0.85]])


def test_right_calibration_matrix_passes(capsys):
    assert check.calibration_matrix(A_RIGHT, CAL)


@pytest.mark.parametrize("answer, hint", [
    (A_RIGHT.T, "Transposed"),
    (np.array([[1900, 300], [100, 1700]]), "Those are counts"),
    (A_RIGHT[::-1, :], "flipped"),
    (np.eye(3), "shape"),
    (np.array([[0.9, 0.15], [0.05, 0.85]]), "sum to 1"),
    (np.array([[0.5, 0.5], [0.5, 0.5]]), "Not the matrix"),
])
def test_wrong_calibration_matrices_get_hints(answer, hint, capsys):
    assert not check.calibration_matrix(answer, CAL)
    assert hint in capsys.readouterr().out


def test_calibration_missing_or_garbage(capsys):
    assert not check.calibration_matrix(None, CAL)
    assert not check.calibration_matrix("abc", CAL)
    assert not check.calibration_matrix([1, 2, 3], CAL)
    assert "2-D array" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 13.3
P_NOISY = np.array([0.35, 0.65])


def test_right_mitigation_passes_raw_or_clipped(capsys):
    want = np.linalg.solve(A_RIGHT, P_NOISY)
    assert check.mitigated(want, A_RIGHT, P_NOISY)
    assert check.mitigated(noise.mitigate(P_NOISY, A_RIGHT), A_RIGHT, P_NOISY)
    assert check.mitigated(np.linalg.inv(A_RIGHT) @ P_NOISY, A_RIGHT, P_NOISY)


@pytest.mark.parametrize("answer, hint", [
    (A_RIGHT @ P_NOISY, "applied A itself"),
    (np.linalg.solve(A_RIGHT.T, P_NOISY), "transpose"),
    (P_NOISY, "unchanged"),
    (np.linalg.solve(A_RIGHT, P_NOISY) * 4000, "sum to 1"),
    ([0.2, 0.8, 0.0], "shape"),
    ([0.4, 0.6], "not the mitigated distribution"),
])
def test_wrong_mitigation_gets_hints(answer, hint, capsys):
    assert not check.mitigated(answer, A_RIGHT, P_NOISY)
    assert hint in capsys.readouterr().out


def test_mitigation_hint_does_not_print_the_answer(capsys):
    assert not check.mitigated([0.4, 0.6], A_RIGHT, P_NOISY)
    out = capsys.readouterr().out
    want = np.linalg.solve(A_RIGHT, P_NOISY)
    assert f"{want[0]:.4f}".rstrip("0") not in out and "Expected" not in out


def test_mitigation_missing_or_garbage(capsys):
    assert not check.mitigated(None, A_RIGHT, P_NOISY)
    assert not check.mitigated("abc", A_RIGHT, P_NOISY)
    assert "raised" in capsys.readouterr().out


# ----------------------------------------------------------------------------- prediction
def test_predict_then_reveal_linear_gates(capsys):
    assert check.predict_linear_gates(60)
    assert check.reveal_linear_gates(66)
    out = capsys.readouterr().out
    assert "you predicted 60" in out and "close" in out
    assert check.predict_linear_gates(30)
    assert not check.reveal_linear_gates(75)
    assert "off by 45" in capsys.readouterr().out


def test_missing_linear_prediction_never_raises(capsys):
    assert not check.predict_linear_gates(None)
    assert not check.predict_linear_gates("many")
    assert not check.reveal_linear_gates(75)
    out = capsys.readouterr().out
    assert "none recorded" in out and "no prediction recorded yet" in out
