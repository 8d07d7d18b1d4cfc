import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp, Statevector

from qmlcourse import quantum_data as qd


def test_tfim_open_and_periodic_terms():
    H = qd.tfim_hamiltonian(4, J=1.5, h=0.5)
    labels = dict(H.simplify().to_list())
    assert labels["IIZZ"] == -1.5 and labels["ZZII"] == -1.5 and "ZIIZ" not in labels
    assert labels["XIII"] == -0.5
    ring = dict(qd.tfim_hamiltonian(4, J=1.5, h=0.5, periodic=True).simplify().to_list())
    assert ring["ZIIZ"] == -1.5


@pytest.mark.parametrize("bad", [1, 13, 2.0, True])
def test_tfim_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="number of qubits"):
        qd.tfim_hamiltonian(bad)


def test_ground_state_matches_dense_diagonalisation():
    H = qd.tfim_hamiltonian(6, h=0.8)
    e, psi = qd.ground_state(H)
    vals, vecs = np.linalg.eigh(H.to_matrix())
    assert np.isclose(e, vals[0])
    assert np.isclose(abs(np.vdot(vecs[:, 0], psi)), 1.0)
    assert np.sum(psi) > 0


def test_ordered_ground_state_is_the_even_cat_not_a_broken_symmetry_state():
    (psi,) = qd.tfim_ground_states(6, [0.2])
    z0 = (np.abs(psi) ** 2) @ (1 - 2 * (np.arange(64) & 1))
    assert abs(z0) < 1e-8
    assert qd.expect_zz(psi, 0, 5)[0] > 0.9


def test_exact_correlators_against_qiskit():
    rng = np.random.default_rng(3)
    psi = rng.normal(size=16) + 1j * rng.normal(size=16)
    psi /= np.linalg.norm(psi)
    sv = Statevector(psi)
    zz = SparsePauliOp.from_sparse_list([("ZZ", [0, 2], 1)], 4)
    x = SparsePauliOp.from_sparse_list([("X", [3], 1)], 4)
    assert np.isclose(qd.expect_zz(psi, 0, 2)[0], sv.expectation_value(zz).real)
    assert np.isclose(qd.expect_x(psi, 3)[0], sv.expectation_value(x).real)
    assert qd.correlation_function(psi).shape == (1, 3)


@pytest.mark.parametrize("n", [4, 8])
def test_qcnn_numpy_matches_qiskit(n):
    rng = np.random.default_rng(n)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    psi /= np.linalg.norm(psi)
    p = rng.uniform(-np.pi, np.pi, qd.qcnn_num_params(n))
    sv = Statevector(psi).evolve(qd.qcnn_circuit(n).assign_parameters(p))
    z = SparsePauliOp.from_sparse_list([("Z", [n - 1], 1)], n)
    assert np.isclose(qd.qcnn_expectations(p, psi[None])[0], sv.expectation_value(z).real)
    batch = qd.qcnn_expectations(np.stack([p, p]), np.stack([psi, psi]))
    assert batch.shape == (2, 2) and np.allclose(batch, batch[0, 0])


def test_qcnn_rejects_bad_input():
    with pytest.raises(ValueError, match="power of 2"):
        qd.qcnn_layout(6)
    with pytest.raises(ValueError, match="15 finite angles"):
        qd.qcnn_expectations(np.zeros(14), np.eye(256)[:1])


def test_shadow_estimates_are_unbiased_within_statistics():
    (psi,) = qd.tfim_ground_states(4, [0.6])
    rec = qd.random_pauli_shadows(psi, 20000, seed=5)
    assert rec.n_snapshots == 20000 and set(np.unique(rec.bases)) == {"X", "Y", "Z"}
    for (i, j) in [(0, 1), (0, 3)]:
        est = qd.shadow_pauli(rec, {i: "Z", j: "Z"})
        assert abs(est - qd.expect_zz(psi, i, j)[0]) < 0.1   # std ≈ 3/√20000·3 ≈ 0.06 at most
    assert abs(qd.shadow_pauli(rec, {2: "X"}) - qd.expect_x(psi, 2)[0]) < 0.05
    assert abs(qd.shadow_pauli(rec, {1: "Y"})) < 0.05       # real state: ⟨Y⟩ = 0


def test_shadows_of_a_basis_state_and_seeding():
    rec = qd.random_pauli_shadows(np.eye(8)[5], 300, seed=1)   # |101>: qubits 0, 2 are 1
    z = rec.bases == "Z"
    assert np.all(rec.outcomes[:, 0][z[:, 0]] == -1) and np.all(rec.outcomes[:, 1][z[:, 1]] == 1)
    again = qd.random_pauli_shadows(np.eye(8)[5], 300, seed=1)
    assert np.array_equal(rec.outcomes, again.outcomes) and np.array_equal(rec.bases, again.bases)
    assert qd.shadow_features(rec).shape == (3,)
    with pytest.raises(ValueError, match="n_snapshots"):
        qd.random_pauli_shadows(np.eye(8)[5], 0)
    with pytest.raises(ValueError, match="'X', 'Y' or 'Z'"):
        qd.shadow_pauli(rec, {0: "W"})


def test_crossing_interpolates_and_complains():
    assert qd.crossing([0, 1, 2, 3], [0.0, 0.2, 0.6, 0.9]) == pytest.approx(1.75)
    with pytest.raises(ValueError, match="never rises"):
        qd.crossing([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="increasing"):
        qd.crossing([0, 2, 1], [0.1, 0.6, 0.7])


@pytest.mark.parametrize("name", ["qmlcourse.quantum_data", "qmlcourse.checks._predict"])
def test_docstring_examples_run(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
