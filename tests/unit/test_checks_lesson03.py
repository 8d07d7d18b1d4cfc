import math

import pytest
from qiskit import QuantumCircuit

from qmlcourse.checks import lesson03 as check


def two(*gates):
    qc = QuantumCircuit(2)
    for name, *qubits in gates:
        getattr(qc, name)(*qubits)
    return qc


# --------------------------------------------------------------------------- 3.1
@pytest.mark.parametrize("qc", [
    two(("x", 0), ("h", 1), ("cx", 1, 0), ("z", 1)),       # (|01> - |10>)/√2 exactly
    two(("h", 0), ("x", 1), ("cx", 0, 1), ("z", 0)),       # -(|01> - |10>)/√2: global phase
    two(("x", 0), ("x", 1), ("h", 0), ("cx", 0, 1)),
])
def test_singlet_right(qc, capsys):
    assert check.singlet_circuit(qc)
    assert "always disagree" in capsys.readouterr().out


@pytest.mark.parametrize("qc, hint", [
    (two(("h", 0), ("cx", 0, 1)), "You made |Φ+⟩"),
    (two(("h", 0), ("z", 0), ("cx", 0, 1)), "You made |Φ−⟩"),
    (two(("h", 0), ("x", 1), ("cx", 0, 1)), "You made |Ψ+⟩"),
    (two(("h", 0), ("x", 1)), "product state"),
    (QuantumCircuit(3), "needs 2"),
    ("bell", "should be a QuantumCircuit"),
])
def test_singlet_wrong_get_hints(qc, hint, capsys):
    assert not check.singlet_circuit(qc)
    assert hint in capsys.readouterr().out


def test_singlet_partly_entangled_gets_overlap_hint(capsys):
    qc = QuantumCircuit(2)
    qc.ry(0.5, 0)
    qc.cx(0, 1)
    assert not check.singlet_circuit(qc)
    assert "not a Bell state" in capsys.readouterr().out


# --------------------------------------------------------------------------- 3.2
P = math.cos(math.pi / 8) ** 2
S = -(P * math.log2(P) + (1 - P) * math.log2(1 - P))


def test_entropy_right(capsys):
    assert check.entropy_value(S)
    assert check.entropy_value(round(S, 3))
    assert "0.6009" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (S * math.log(2), "nats"),
    (P**2 + (1 - P) ** 2, "purity"),
    (1 - P**2 - (1 - P) ** 2, "linear entropy"),
    (-(math.cos(math.pi / 8) * math.log2(math.cos(math.pi / 8))
       + math.sin(math.pi / 8) * math.log2(math.sin(math.pi / 8))), "not the amplitudes"),
    (0.0, "REDUCED state"),
    (1.0, "maximally entangled"),
    (0.3, "between 0 and 1"),
    (True, "not True/False"),
])
def test_entropy_wrong_get_hints(answer, hint, capsys):
    assert not check.entropy_value(answer)
    assert hint in capsys.readouterr().out


# --------------------------------------------------------------------------- 3.3
def test_chsh_right(capsys):
    assert check.best_classical_chsh(2)
    assert check.best_classical_chsh(2.0)
    assert "classical bound" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (4, "each answer appears in two"),
    (2 * math.sqrt(2), "QUANTUM"),
    (0.75, "WIN PROBABILITY"),
    (3, "winning question pairs"),
    (-2, "maximum"),
    (1, "16 tuples"),
    (False, "not True/False"),
])
def test_chsh_wrong_get_hints(answer, hint, capsys):
    assert not check.best_classical_chsh(answer)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("fn", [check.singlet_circuit, check.entropy_value, check.best_classical_chsh])
def test_missing_or_garbage_never_raises(fn, capsys):
    assert not fn(None)
    assert "no answer yet" in capsys.readouterr().out
    for garbage in (..., "xyz", object(), [[1, 2], [3]], float("nan"), [1, 2]):
        assert not fn(garbage)


def test_predict_then_reveal_p11_before_cx(capsys):
    assert check.predict_p11_before_cx(0)
    assert check.reveal_p11_before_cx(0.0)
    out = capsys.readouterr().out
    assert "recorded" in out and "you predicted" in out and ("close" in out or "exactly right" in out)
    assert check.predict_p11_before_cx(0.25)
    assert not check.reveal_p11_before_cx(0.0)
    assert "off by" in capsys.readouterr().out


def test_missing_prediction_p11_before_cx_never_raises_and_is_no_exercise_line(capsys):
    for guess in (None, ..., "many", float("nan"), [1, 2]):
        assert not check.predict_p11_before_cx(guess)
    assert not check.reveal_p11_before_cx(0.0)
    out = capsys.readouterr().out
    assert "none recorded yet" in out and "no prediction recorded yet" in out
    assert not any(mark in out for mark in ("✅", "❌", "📝"))



# --------------------------------------------------------------------------- issue 18, second round
def _stub(a0, a1, b0, b1):
    return None  # YOUR CODE HERE


def _good(a0, a1, b0, b1):
    a, b = (a0, a1), (b0, b1)
    return sum((-1) ** (a[x] ^ b[y]) * (-1 if x == y == 1 else 1) for x in (0, 1) for y in (0, 1))


def test_chsh_copied_value_with_unsolved_function_fails(capsys):
    assert not check.best_classical_chsh(2, _stub)
    assert "stub" in capsys.readouterr().out
    assert not check.best_classical_chsh(2, lambda a0, a1, b0, b1: 2)
    assert "not this strategy's S" in capsys.readouterr().out
    assert check.best_classical_chsh(2, _good)
