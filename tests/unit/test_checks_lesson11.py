import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qmlcourse import qaoa as Q
from qmlcourse.checks import lesson11 as check

N, EDGES = Q.GRAPHS["paw"]


def op(terms, const):
    return SparsePauliOp.from_sparse_list([("ZZ", [i, j], c) for (i, j), c in terms] + [("", [], const)],
                                          num_qubits=N)


def test_operator_right_answers(capsys):
    assert check.maxcut_operator(Q.maxcut_hamiltonian(EDGES, N), EDGES, N)
    assert check.maxcut_operator(op([(e, -0.5) for e in EDGES], 2.0), EDGES, N)
    assert "cut sizes" in capsys.readouterr().out


def test_operator_hints(capsys):
    assert not check.maxcut_operator(op([(e, 0.5) for e in EDGES], -2.0), EDGES, N)
    assert "Sign" in capsys.readouterr().out
    assert not check.maxcut_operator(op([(e, -1.0) for e in EDGES], 4.0), EDGES, N)
    assert "Twice" in capsys.readouterr().out
    assert not check.maxcut_operator(op([(e, -0.5) for e in EDGES], 0.0), EDGES, N)
    assert "Missing constant" in capsys.readouterr().out
    assert not check.maxcut_operator(op([(e, 1.0) for e in EDGES], 0.0), EDGES, N)
    assert "(I − Z_i Z_j)/2" in capsys.readouterr().out
    mirrored = [(N - 1 - i, N - 1 - j) for i, j in EDGES]
    assert not check.maxcut_operator(op([(e, -0.5) for e in mirrored], 2.0), EDGES, N)
    assert "RIGHTMOST" in capsys.readouterr().out
    assert not check.maxcut_operator(SparsePauliOp(["XXII", "IIII"], [1, 1]), EDGES, N)
    assert "not diagonal" in capsys.readouterr().out
    assert not check.maxcut_operator(Q.maxcut_hamiltonian([(0, 1)], 2), EDGES, N)
    assert "2 qubits" in capsys.readouterr().out
    assert not check.maxcut_operator(op([(EDGES[0], -0.5)], 0.5), EDGES, N)
    assert "For the assignment" in capsys.readouterr().out
    assert not check.maxcut_operator([1, 2, 3], EDGES, N)
    assert "SparsePauliOp" in capsys.readouterr().out


PN, PEDGES = Q.GRAPHS["prism"]


def test_angles(capsys):
    best = Q.optimize_qaoa(PEDGES, 1, PN)
    assert check.good_p1_angles(best.params, PEDGES, PN)
    assert "Approximation ratio" in capsys.readouterr().out
    assert not check.good_p1_angles(best.params[::-1], PEDGES, PN)
    assert "β before γ" in capsys.readouterr().out
    assert not check.good_p1_angles(np.rad2deg(best.params), PEDGES, PN)
    assert "degrees" in capsys.readouterr().out
    assert not check.good_p1_angles([0.0, 0.0], PEDGES, PN)
    assert "landscape" in capsys.readouterr().out
    assert not check.good_p1_angles([1, 2, 3], PEDGES, PN)
    assert "two numbers" in capsys.readouterr().out


COUNTS = {"010101": 50, "000111": 30, "000000": 20}


def test_sampled_ratio(capsys):
    cuts = Q.cut_values(PEDGES, PN)
    mean = sum(c * cuts[int(k, 2)] for k, c in COUNTS.items()) / 100
    assert check.sampled_ratio(mean / 7, COUNTS, PEDGES, PN)
    assert "Sampled ratio" in capsys.readouterr().out
    assert not check.sampled_ratio(mean, COUNTS, PEDGES, PN)
    assert "divide by the maximum cut" in capsys.readouterr().out
    assert not check.sampled_ratio(mean * 100 / 7, COUNTS, PEDGES, PN)
    assert "number of shots" in capsys.readouterr().out
    best = max(cuts[int(k, 2)] for k in COUNTS) / 7
    assert not check.sampled_ratio(best, COUNTS, PEDGES, PN)
    assert "AVERAGE" in capsys.readouterr().out
    assert not check.sampled_ratio(0.1, COUNTS, PEDGES, PN)
    assert "Expected about" in capsys.readouterr().out


def test_missing_or_garbage_never_raises(capsys):
    assert not check.maxcut_operator(None, EDGES, N)
    assert not check.good_p1_angles(None, PEDGES, PN)
    assert not check.good_p1_angles("ab", PEDGES, PN)
    assert not check.good_p1_angles([np.nan, 1], PEDGES, PN)
    assert not check.sampled_ratio(None, COUNTS, PEDGES, PN)
    assert not check.sampled_ratio("x", COUNTS, PEDGES, PN)
    out = capsys.readouterr().out
    assert "no answer yet" in out and "Traceback" not in out
