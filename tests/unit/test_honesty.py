import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp, Statevector
from sklearn.svm import SVC

from qmlcourse import honesty as hn
from qmlcourse.datasets import make_circles
from qmlcourse.models import ReuploadingModel


def test_fourier_surrogate_reproduces_a_reuploading_model_exactly():
    m = ReuploadingModel(layers=3)
    p = np.random.default_rng(0).uniform(-np.pi, np.pi, m.n_params)
    xs = np.random.default_rng(1).uniform(0, 2 * np.pi, 10)
    grid = np.linspace(0, 2 * np.pi, 50)
    c = hn.fit_fourier(xs, m.predict(xs[:, None], p), 3)
    assert np.allclose(hn.predict_fourier(grid, c), m.predict(grid[:, None], p), atol=1e-10)
    low = hn.fit_fourier(xs, m.predict(xs[:, None], p), 2)
    assert np.max(np.abs(hn.predict_fourier(grid, low) - m.predict(grid[:, None], p))) > 1e-3


def test_fourier_design_and_errors():
    A = hn.fourier_design([np.pi / 2], 2)
    assert np.allclose(A, [[1, 0, 1, -1, 0]], atol=1e-12)
    with pytest.raises(ValueError, match="max_freq"):
        hn.fourier_design([0.0], -1)
    with pytest.raises(ValueError, match="same length"):
        hn.fit_fourier([0, 1], [0, 1, 2], 0)
    with pytest.raises(ValueError, match="2K \\+ 1"):
        hn.predict_fourier([0.0], [1, 2])


def brickwork(n, layers, seed=0):
    rng = np.random.default_rng(seed)
    qc = QuantumCircuit(n)
    for layer in range(layers):
        for q in range(n):
            qc.ry(rng.uniform(0, np.pi), q)
        for q in range(layer % 2, n - 1, 2):
            qc.cz(q, q + 1)
    return qc


@pytest.mark.parametrize("target", [0, 4, 9])
def test_light_cone_restriction_keeps_local_expectations(target):
    qc = brickwork(10, 3)
    cone = hn.light_cone(qc, [target])
    assert target in cone and len(cone) < 10
    full = Statevector(qc).expectation_value(SparsePauliOp.from_sparse_list([("Z", [target], 1)], 10))
    small = hn.restrict_circuit(qc, cone)
    obs = SparsePauliOp.from_sparse_list([("Z", [cone.index(target)], 1)], len(cone))
    assert np.isclose(full, Statevector(small).expectation_value(obs))


def test_light_cone_rejects_bad_qubits():
    with pytest.raises(ValueError, match="indices"):
        hn.light_cone(brickwork(3, 1), [5])


def test_cv_select_never_sees_the_test_set_and_breaks_ties_by_order():
    d = make_circles(80, seed=3)
    best, scores = hn.cv_select(lambda g: SVC(gamma=g), [0.001, 1.0, 1.0], d.X, d.y)
    assert best == 1.0 and scores.shape == (3,) and scores[1] == scores[2]
    assert scores[1] > scores[0]
    with pytest.raises(ValueError, match="at least one"):
        hn.cv_select(lambda g: SVC(gamma=g), [], d.X, d.y)


def test_folding_keeps_the_ideal_result_and_multiplies_gates():
    qc = brickwork(3, 2, seed=4)
    for s in (1, 3, 5):
        folded = hn.fold_circuit(qc, s)
        assert folded.size() == s * qc.size()
        assert Statevector(folded).equiv(Statevector(qc))
    for bad in (2, 0, True, 1.0):
        with pytest.raises(ValueError, match="odd integer"):
            hn.fold_circuit(qc, bad)
    measured = qc.copy()
    measured.measure_all()
    with pytest.raises(ValueError, match="without measurements"):
        hn.fold_circuit(measured, 3)


def test_extrapolation_is_exact_for_polynomials():
    s = [1, 3, 5]
    assert np.isclose(hn.extrapolate(s, [2 - 0.1 * x for x in s], "linear"), 2.0)
    assert np.isclose(hn.extrapolate(s, [1 - 0.2 * x + 0.01 * x**2 for x in s]), 1.0)
    assert not np.isclose(hn.extrapolate(s, [1 - 0.2 * x + 0.01 * x**2 for x in s], "linear"), 1.0)
    with pytest.raises(ValueError, match="distinct"):
        hn.extrapolate([1, 1], [0.5, 0.4])
    with pytest.raises(ValueError, match="method"):
        hn.extrapolate(s, [1, 2, 3], "cubic")


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(hn)
    assert result.attempted > 0 and result.failed == 0
