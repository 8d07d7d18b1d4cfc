"""Fidelity kernels: exact (engine) vs brute force, sampled vs exact, alignment, bandwidth."""
import numpy as np
import pytest
from qiskit.circuit.library import pauli_feature_map, zz_feature_map
from qiskit.primitives import StatevectorSampler
from qiskit.quantum_info import Statevector

from qmlcourse import kernels as K
from qmlcourse.encodings import angle_encoding
from qmlwidgets.engine import probabilities

RNG = np.random.default_rng(11)
X3 = RNG.uniform(0, np.pi, (6, 3))
Y3 = RNG.uniform(0, np.pi, (4, 3))


def brute_force(fm, X, Y):
    sx = [Statevector(fm.assign_parameters(x)) for x in X]
    sy = [Statevector(fm.assign_parameters(y)) for y in Y]
    return np.array([[abs(a.inner(b)) ** 2 for b in sy] for a in sx])


@pytest.mark.parametrize("fm", [zz_feature_map(3, reps=2), pauli_feature_map(3, paulis=["Y", "XZ"])])
def test_exact_kernel_matches_qiskit_statevectors(fm):
    assert np.allclose(K.fidelity_kernel(fm, X3, Y3), brute_force(fm, X3, Y3), atol=1e-10)
    G = K.fidelity_kernel(fm, X3)
    assert np.allclose(G, brute_force(fm, X3, X3), atol=1e-10)
    assert np.array_equal(G, G.T) and np.all(np.diag(G) == 1.0)
    assert np.linalg.eigvalsh(G).min() > -1e-10  # a Gram matrix is positive semi-definite


def test_angle_encoding_kernel_has_closed_form():
    X = RNG.uniform(0, np.pi, (5, 2))
    Y = RNG.uniform(0, np.pi, (3, 2))
    expect = np.prod(np.cos((X[:, None, :] - Y[None, :, :]) / 2) ** 2, axis=-1)
    assert np.allclose(K.fidelity_kernel(angle_encoding(2), X, Y), expect)


def test_feature_states_and_shape_errors():
    fm = zz_feature_map(2)
    assert K.feature_states(fm, np.zeros((3, 2))).shape == (3, 4)
    with pytest.raises(ValueError, match=r"expected shape \(samples, 2\)"):
        K.fidelity_kernel(fm, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        K.fidelity_kernel(fm, [[0.0, np.nan]])
    with pytest.raises(ValueError, match="no parameters"):
        K.fidelity_kernel(zz_feature_map(2).assign_parameters([0, 0]), np.zeros((1, 2)))
    assert K.fidelity_kernel(angle_encoding(1), [0.0, 1.0]).shape == (2, 2)  # 1-D data for 1 feature


def test_compute_uncompute_circuit_all_zeros_probability_is_the_kernel():
    fm = zz_feature_map(3, reps=1)
    qc, xp, yp = K.compute_uncompute_circuit(fm, measure=False)
    assert qc.num_parameters == 6 and xp == list(fm.parameters)
    p0 = probabilities(qc, {tuple(xp): X3[:4], tuple(yp): Y3})[:, 0]
    assert np.allclose(p0, np.diag(K.fidelity_kernel(fm, X3[:4], Y3)))
    measured, _, _ = K.compute_uncompute_circuit(fm)
    assert measured.count_ops()["measure"] == 3


def test_uncompute_parameters_do_not_clash_with_a_map_named_y():
    from qiskit.circuit import ParameterVector
    from qiskit import QuantumCircuit

    y = ParameterVector("y", 1)
    fm = QuantumCircuit(1)
    fm.ry(y[0], 0)
    qc, xp, yp = K.compute_uncompute_circuit(fm)
    assert qc.num_parameters == 2 and yp[0].name.startswith("x_prime")


def test_sampled_kernel_is_close_seeded_and_has_unit_diagonal():
    fm = zz_feature_map(2)
    X = RNG.uniform(0, np.pi, (8, 2))
    exact = K.fidelity_kernel(fm, X)
    shots = 2000
    S = K.sampled_fidelity_kernel(fm, X, shots=shots, seed=3)
    assert np.all(np.diag(S) == 1.0) and np.array_equal(S, S.T)
    sigma = np.sqrt(exact * (1 - exact) / shots) + 1e-3
    assert np.all(np.abs(S - exact) <= 5 * sigma)
    assert np.array_equal(S, K.sampled_fidelity_kernel(fm, X, shots=shots, seed=3))
    assert not np.array_equal(S, K.sampled_fidelity_kernel(fm, X, shots=shots, seed=4))
    # values are multiples of 1/shots
    assert np.allclose(S * shots, np.round(S * shots))


def test_sampled_kernel_works_with_qiskits_sampler_and_rectangular_input():
    fm = zz_feature_map(2, reps=1)
    X, Y = RNG.uniform(0, np.pi, (3, 2)), RNG.uniform(0, np.pi, (2, 2))
    S = K.sampled_fidelity_kernel(fm, X, Y, shots=4000, sampler=StatevectorSampler(seed=5))
    assert S.shape == (3, 2)
    assert np.allclose(S, K.fidelity_kernel(fm, X, Y), atol=0.05)
    with pytest.raises(ValueError, match="shots"):
        K.sampled_fidelity_kernel(fm, X, shots=0)
    assert np.array_equal(K.sampled_fidelity_kernel(fm, X[:1]), [[1.0]])


def test_alignment_properties():
    y = np.array([0, 1, 0, 1, 1])
    ys = 2 * y - 1
    ideal = np.outer(ys, ys)
    assert K.kernel_target_alignment(ideal, y) == pytest.approx(1.0)
    assert K.kernel_target_alignment(3 * ideal, ys) == pytest.approx(1.0)  # scale and label form do not matter
    assert K.kernel_target_alignment(-ideal, y) == pytest.approx(-1.0)
    G = K.fidelity_kernel(zz_feature_map(2), RNG.uniform(0, np.pi, (5, 2)))
    a = K.kernel_target_alignment(G, y)
    direct = ys @ G @ ys / (len(y) * np.linalg.norm(G))
    assert a == pytest.approx(direct)
    # centring removes the constant part: a constant kernel has 0 centred alignment
    assert K.kernel_target_alignment(np.ones((5, 5)) + 0.1 * ideal, y, centered=True) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="square"):
        K.kernel_target_alignment(np.ones((2, 3)), [0, 1])
    with pytest.raises(ValueError, match="one label per row"):
        K.kernel_target_alignment(np.ones((3, 3)), [0, 1])


def test_scaled_feature_map_equals_scaling_the_data():
    fm = zz_feature_map(3)
    scaled = K.scaled_feature_map(fm, 0.3)
    assert list(p.name for p in scaled.parameters) == list(p.name for p in fm.parameters)
    assert np.allclose(K.fidelity_kernel(scaled, X3), K.fidelity_kernel(fm, 0.3 * X3))
    wide = K.off_diagonal(K.fidelity_kernel(fm, X3))
    small = K.off_diagonal(K.fidelity_kernel(K.scaled_feature_map(fm, 0.01), X3))
    assert small.min() > 0.9 > wide.mean()  # small bandwidth: every pair looks alike
    with pytest.raises(ValueError, match="bandwidth"):
        K.scaled_feature_map(fm, 0)


def test_off_diagonal():
    G = np.arange(16.0).reshape(4, 4)
    assert K.off_diagonal(G).tolist() == [1, 2, 3, 6, 7, 11]
    with pytest.raises(ValueError, match="square"):
        K.off_diagonal(np.ones(3))


def test_fidelity_kernel_callable_works_inside_scikit_learn():
    from sklearn.svm import SVC

    from qmlcourse.datasets import make_moons, train_test_split

    s = train_test_split(make_moons(30, seed=0), seed=0)
    kernel = K.FidelityKernel(zz_feature_map(2), bandwidth=0.5)
    assert "bandwidth=0.5" in repr(kernel) and kernel.num_features == 2
    direct = SVC(kernel=kernel).fit(s.X_train, s.y_train).predict(s.X_test)
    fm = K.scaled_feature_map(zz_feature_map(2), 0.5)
    pre = SVC(kernel="precomputed").fit(K.fidelity_kernel(fm, s.X_train), s.y_train)
    assert np.array_equal(direct, pre.predict(K.fidelity_kernel(fm, s.X_test, s.X_train)))


def test_docstring_examples_run():
    import doctest

    from qmlcourse import kernels as module

    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
