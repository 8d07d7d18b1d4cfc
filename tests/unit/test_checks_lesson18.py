import itertools

import numpy as np

from qmlcourse import hardware as HW
from qmlcourse.checks import lesson18 as check

N1, N2, F1, F2 = 150, 80, 0.9995, 0.995


def test_fidelity(capsys):
    assert check.circuit_fidelity(F1**N1 * F2**N2, N1, N2, F1, F2)
    assert "fidelities multiply" in capsys.readouterr().out
    assert not check.circuit_fidelity(F2**N2, N1, N2, F1, F2)
    assert "Only the two-qubit gates" in capsys.readouterr().out
    assert not check.circuit_fidelity(1 - N1 * (1 - F1) - N2 * (1 - F2), N1, N2, F1, F2)
    assert "linear" in capsys.readouterr().out
    assert not check.circuit_fidelity((1 - F1) ** 2 * (1 - F2) ** 1, 2, 1, F1, F2)
    assert "ERROR rates" in capsys.readouterr().out
    assert not check.circuit_fidelity(F2 ** (N1 + N2), N1, N2, F1, F2)
    assert "different fidelities" in capsys.readouterr().out
    assert not check.circuit_fidelity(F1 * F2, N1, N2, F1, F2)
    assert "powers" in capsys.readouterr().out
    assert not check.circuit_fidelity(1.5, N1, N2, F1, F2)
    assert "between 0 and 1" in capsys.readouterr().out
    want = F1**N1 * F2**N2
    for wrong in (0.3, want * 1.1, want - 0.01):
        assert not check.circuit_fidelity(wrong, N1, N2, F1, F2)
        out = capsys.readouterr().out
        assert "multiply" in out
        for digits in (2, 3, 4, 6):     # a hint guides; it never gives the answer away
            assert f"{want:.{digits}g}" not in out and f"{want:.{digits}f}" not in out, out


def good_perm(M):
    n = len(M)
    return sum(np.prod([M[i, s[i]] for i in range(n)]) for s in itertools.permutations(range(n)))


def test_permanent(capsys):
    assert check.permanent_function(good_perm)
    assert "Ryser" in capsys.readouterr().out
    assert not check.permanent_function(np.linalg.det)
    assert "determinant" in capsys.readouterr().out
    assert not check.permanent_function(lambda M: abs(good_perm(M)))
    assert "|Perm|" in capsys.readouterr().out
    assert not check.permanent_function(lambda M: np.prod(np.diag(M)))
    assert "ALL permutations" in capsys.readouterr().out
    assert not check.permanent_function(lambda M: good_perm(np.real(M)))
    assert "complex matrix" in capsys.readouterr().out
    assert not check.permanent_function(lambda M: None)           # the student copy's stub
    assert "no answer yet" in capsys.readouterr().out
    assert not check.permanent_function(lambda M: None if M.shape[0] > 2 else 1.0)
    assert "forget `return`" in capsys.readouterr().out
    assert not check.permanent_function(lambda M: 0.0)
    assert "For [[1, 2], [3, 4]]" in capsys.readouterr().out
    assert not check.permanent_function(good_perm(np.eye(2)))
    assert "FUNCTION" in capsys.readouterr().out


U = HW.haar_unitary(6, seed=18)
INS, OUTS = [0, 1, 2], [1, 3, 4]


def test_boson_probability(capsys):
    want = HW.boson_probability(U, INS, OUTS)
    assert check.boson_probability(want, U, INS, OUTS)
    assert "rows = output modes" in capsys.readouterr().out
    assert not check.boson_probability(abs(HW.permanent(U[np.ix_(INS, OUTS)])) ** 2, U, INS, OUTS)
    assert "swapped" in capsys.readouterr().out
    assert not check.boson_probability(abs(HW.permanent(U[np.ix_(OUTS, INS)])), U, INS, OUTS)
    assert "SQUARED" in capsys.readouterr().out
    assert not check.boson_probability(HW.distinguishable_probability(U, INS, OUTS), U, INS, OUTS)
    assert "DISTINGUISHABLE" in capsys.readouterr().out
    assert not check.boson_probability(abs(np.linalg.det(U[np.ix_(OUTS, INS)])) ** 2, U, INS, OUTS)
    assert "fermions" in capsys.readouterr().out
    assert not check.boson_probability(2.0, U, INS, OUTS)
    assert "between 0 and 1" in capsys.readouterr().out
    assert not check.boson_probability(0.5, U, INS, OUTS)
    out = capsys.readouterr().out
    assert "permanent of that 3×3 block" in out
    for digits in (2, 3, 4, 6):
        assert f"{want:.{digits}g}" not in out and f"{want:.{digits}f}" not in out, out


def test_prediction_records_and_reveal_compares(capsys):
    assert not check.predict_line_gates("lots")
    assert "whole number" in capsys.readouterr().out
    check.reveal_line_gates(80, 40)
    out = capsys.readouterr().out
    assert "no prediction" in out and "80" not in out  # the truth waits for a prediction
    assert check.predict_line_gates(40)
    assert "recorded" in capsys.readouterr().out
    check.reveal_line_gates(80, 40)
    out = capsys.readouterr().out
    assert "too low" in out and "2.0 ×" in out
    check.predict_line_gates(200)
    check.reveal_line_gates(80, 40)
    assert "too high" in capsys.readouterr().out
    check.predict_line_gates(75)
    check.reveal_line_gates(80, 40)
    assert "well done" in capsys.readouterr().out


def test_missing_or_garbage_never_raises(capsys):
    assert not check.circuit_fidelity(None, N1, N2, F1, F2)
    assert not check.circuit_fidelity("x", N1, N2, F1, F2)
    assert not check.permanent_function(None)
    assert not check.permanent_function(lambda M: 1 / 0)
    assert not check.boson_probability(None, U, INS, OUTS)
    assert not check.boson_probability(float("nan"), U, INS, OUTS)
    out = capsys.readouterr().out
    assert "no answer yet" in out and "Traceback" not in out
