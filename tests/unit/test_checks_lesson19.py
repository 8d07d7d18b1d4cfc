import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp

from qmlcourse import quantum_data as qd
from qmlcourse.checks import _predict
from qmlcourse.checks import lesson19 as check

N, J, H = 6, 1.0, 0.6


def chain(n=N, zz=-J, x=-H, bonds=None, letters=("ZZ", "X")):
    bonds = [(i, i + 1) for i in range(n - 1)] if bonds is None else bonds
    return SparsePauliOp.from_sparse_list([(letters[0], list(b), zz) for b in bonds]
                                          + [(letters[1], [i], x) for i in range(n)], num_qubits=n)


# ----------------------------------------------------------------------------- 19.1
def test_right_chain_passes(capsys):
    assert check.tfim_chain(chain(), N, J, H)
    assert check.tfim_chain(qd.tfim_hamiltonian(N, J, H), N, J, H)
    assert "open chain" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (chain(bonds=[(i, (i + 1) % N) for i in range(N)]), "That is a ring"),
    (chain(zz=J, x=H), "Every sign is flipped"),
    (chain(zz=J), "ZZ coefficients need a minus sign"),
    (chain(x=H), "field terms need a minus sign"),
    (chain(zz=-H, x=-J), "J and h are swapped"),
    (chain(letters=("XX", "Z")), "Z and X are swapped"),
    (chain(zz=-2 * J), "counted twice"),
    (chain(x=0.0), "field terms are missing"),
    (chain(zz=0.0), "bonds are missing"),
    (chain(n=N + 1), "acts on 7 qubits"),
    ("ZZIIII", "Build a qiskit.quantum_info.SparsePauliOp"),
    (chain(bonds=[(0, 1)]), "Compare term by term"),
])
def test_wrong_chains_get_targeted_hints(answer, hint, capsys):
    assert not check.tfim_chain(answer, N, J, H)
    assert hint in capsys.readouterr().out


def test_chain_missing(capsys):
    assert not check.tfim_chain(None, N, J, H)
    assert "no answer yet" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 19.2
(PSI,) = qd.tfim_ground_states(4, [0.6])
REC = qd.random_pauli_shadows(PSI, 500, seed=2)


def good(bases, outcomes, i, j):
    both = (bases[:, i] == "Z") & (bases[:, j] == "Z")
    return float(np.mean(9 * both * outcomes[:, i] * outcomes[:, j]))


def test_right_shadow_estimator_passes(capsys):
    assert check.shadow_zz(good, REC, 0, 3, exact=qd.expect_zz(PSI, 0, 3)[0])
    out = capsys.readouterr().out
    assert "exact value" in out and "1/√T" in out


def test_post_selected_estimator_is_accepted_with_a_note(capsys):
    def post(bases, outcomes, i, j):
        both = (bases[:, i] == "Z") & (bases[:, j] == "Z")
        return float(np.mean(outcomes[both, i] * outcomes[both, j]))
    assert check.shadow_zz(post, REC, 0, 3)
    assert "equally good" in capsys.readouterr().out


def fixed(bases, outcomes, i, j):
    return good(bases, outcomes, 0, 3)


@pytest.mark.parametrize("fn, hint", [
    (lambda b, o, i, j: good(b, o, i, j) / 9, "Missing the factor 9"),
    (lambda b, o, i, j: good(b, o, i, j) / 3, "3 × 3 = 9"),
    (lambda b, o, i, j: float(np.mean(o[:, i] * o[:, j])), "BOTH qubits"),
    (lambda b, o, i, j: -good(b, o, i, j), "Sign"),
    (lambda b, o, i, j: None, "returned None"),
    (lambda b, o, i, j: "x", "Return one number"),
    (fixed, "wrong on other records"),
    (lambda b, o, i, j: 0.123456, "then the mean over ALL snapshots"),
    ("not a function", "Define a function"),
])
def test_wrong_shadow_estimators_get_hints(fn, hint, capsys):
    assert not check.shadow_zz(fn, REC, 0, 3)
    assert hint in capsys.readouterr().out


# ----------------------------------------------------------------------------- 19.3
P2 = np.array([0.1, 0.2, 0.3, 0.4, 0.45, 0.48, 0.58, 0.7, 0.8, 0.9])
H2 = np.round(np.linspace(0.4, 1.3, 10), 2)


def test_right_critical_field_passes(capsys):
    want = qd.crossing(H2, P2)
    assert np.isclose(want, 0.9 + 0.02 / 0.10 * 0.1)
    assert check.critical_field(want, H2, P2)
    assert "between the grid points 0.9 and 1" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (5, "an index"),
    (1.0, "A grid point"),
    (0.9, "A grid point"),
    (0.58, "a probability"),
    (0.95, "midpoint"),
    (1.2, "interpolate linearly in between"),
    ("soon", "Give one number"),
])
def test_wrong_critical_fields_get_hints(answer, hint, capsys):
    assert not check.critical_field(answer, H2, P2)
    assert hint in capsys.readouterr().out


# ----------------------------------------------------------------------------- prediction
def test_predict_then_reveal(capsys):
    assert check.predict_boundary(0.8)
    assert check.reveal_boundary(0.75)
    out = capsys.readouterr().out
    assert "recorded" in out and "you predicted 0.8" in out and "close" in out
    assert check.predict_boundary(1.0)
    assert not check.reveal_boundary(0.72)
    assert "off by 0.28" in capsys.readouterr().out


def test_missing_prediction_never_raises_and_is_not_an_exercise_line(capsys):
    assert not check.predict_boundary(None)
    assert not check.reveal_boundary(0.7)
    out = capsys.readouterr().out
    assert "none recorded" in out and "no prediction recorded yet" in out
    assert not any(line.startswith(("✅", "❌", "📝")) for line in out.splitlines())
    assert repr(check.predict_boundary(float("nan"))) == "False"
    assert _predict.recorded("19-boundary") is None
