"""Generative-modelling helpers: targets, kernels, losses, baseline and QCBM training."""
from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.circuit.library import real_amplitudes
from qiskit.quantum_info import Statevector

from qmlwidgets import Sampler
from qmlcourse import generative as G


def test_bit_conventions_match_qiskit():
    qc = QuantumCircuit(4)
    qc.x([0, 1])  # top row of a 2x2 image
    probs = Statevector(qc).probabilities()
    x = int(np.argmax(probs))
    assert x == 3
    assert G.index_to_image(x, 2, 2).tolist() == [[1, 1], [0, 0]]
    key = next(iter(Statevector(qc).probabilities_dict()))
    assert G.bitstring_to_image(key, 2, 2).tolist() == [[1, 1], [0, 0]]
    assert G.image_to_index([[1, 1], [0, 0]]) == 3
    assert G.outcome_bits(3)[6].tolist() == [0, 1, 1]
    assert G.bits_to_index([0, 1, 1]) == 6


@pytest.mark.parametrize("rows, cols, count", [(2, 2, 6), (2, 3, 10), (3, 3, 14), (1, 3, 8)])
def test_bars_and_stripes_count_and_validity(rows, cols, count):
    pats = G.bars_and_stripes_patterns(rows, cols)
    assert len(pats) == count == 2**rows + 2**cols - 2
    assert all(G.is_bars_and_stripes(p) for p in pats)
    p = G.bars_and_stripes(rows, cols)
    assert p.sum() == pytest.approx(1.0) and np.count_nonzero(p) == count


def test_bars_and_stripes_2x2_exact_patterns():
    assert np.flatnonzero(G.bars_and_stripes(2, 2)).tolist() == [0, 3, 5, 10, 12, 15]
    assert not G.is_bars_and_stripes([[1, 0], [0, 1]])


def test_gaussian_mixture():
    p = G.gaussian_mixture(5, [8, 23], [2.0, 3.0], [0.3, 0.7])
    assert p.shape == (32,) and p.sum() == pytest.approx(1.0)
    assert p[23] > p[8] > p[16]
    with pytest.raises(ValueError, match="stds must be positive"):
        G.gaussian_mixture(3, [1], [0])
    with pytest.raises(ValueError, match="same length"):
        G.gaussian_mixture(3, [1, 2], [1])


def test_kernel_is_positive_definite_and_mmd_is_a_distance():
    rng = np.random.default_rng(0)
    for metric in ("hamming", "integer"):
        K = G.gaussian_kernel(4, metric=metric)
        assert np.allclose(K, K.T) and np.allclose(np.diag(K), 1)
        assert np.linalg.eigvalsh(K).min() > 0
        p, q = rng.dirichlet(np.ones(16), size=2)
        assert G.mmd(p, p, K) == pytest.approx(0, abs=1e-15)
        assert G.mmd(p, q, K) > 0
        assert G.mmd(p, q, K) == pytest.approx(G.mmd(q, p, K))
    K1 = G.gaussian_kernel(2, sigmas=(1.0,))
    assert K1[0, 3] == pytest.approx(np.exp(-1.0))  # 2 differing bits -> exp(-2/2)
    with pytest.raises(ValueError, match="metric"):
        G.gaussian_kernel(2, metric="euclid")
    with pytest.raises(ValueError, match="sigmas"):
        G.gaussian_kernel(2, sigmas=(0.0,))


def test_kl_and_total_variation():
    t = np.array([0.5, 0.5, 0, 0])
    assert G.kl_divergence(t, t) == 0
    assert G.kl_divergence(t, [0.25] * 4) == pytest.approx(np.log(2))
    assert G.kl_divergence(t, [1, 0, 0, 0]) > 10  # model misses a target outcome
    assert G.total_variation(t, [0, 0, 0.5, 0.5]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="non-negative"):
        G.kl_divergence(t, [2, -1, 0, 0])
    with pytest.raises(ValueError, match="entries"):
        G.kl_divergence(t, [0.5, 0.5])


def test_independent_bits_baseline():
    t = G.bars_and_stripes(2, 2)
    assert np.allclose(G.marginals(t), 0.5)
    assert np.allclose(G.independent_bits_fit(t), 1 / 16)  # no correlations at all
    skew = np.array([0.1, 0.2, 0.3, 0.4])
    m = G.marginals(skew)
    assert m.tolist() == pytest.approx([0.6, 0.7])
    fit = G.independent_bits_fit(skew)
    assert fit.sum() == pytest.approx(1.0)
    # the fit is the best product model: any other product distribution has larger KL
    for a, b in [(0.5, 0.5), (0.6, 0.6), (0.7, 0.7), (0.65, 0.72)]:
        assert G.kl_divergence(skew, G.independent_bits([a, b])) >= G.kl_divergence(skew, fit) - 1e-12
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        G.independent_bits([1.5])


def test_counts_to_probabilities():
    p = G.counts_to_probabilities({"0011": 3, "1100": 1}, 4)
    assert p[3] == 0.75 and p[12] == 0.25
    with pytest.raises(ValueError, match="4-bit"):
        G.counts_to_probabilities({"011": 1}, 4)


def test_diagonal_observable_round_trip():
    w = np.random.default_rng(3).normal(size=32)
    op = G.diagonal_observable(w)
    assert np.allclose(np.diag(op.to_matrix()).real, w)
    assert set("".join(op.paulis.to_labels())) <= {"I", "Z"}
    assert np.allclose(G.diagonal_observable(np.zeros(4)).to_matrix(), 0)


def _fd(f, x, h=1e-6):
    return np.array([(f(x + h * e)[0] - f(x - h * e)[0]) / (2 * h) for e in np.eye(len(x))])


@pytest.mark.parametrize("loss", ["mmd", "kl"])
def test_qcbm_gradient_matches_finite_differences(loss):
    qc = real_amplitudes(3, reps=2)
    target = G.gaussian_mixture(3, [1, 6], [1, 1])
    f = G.QCBMLoss(qc, target, loss=loss)
    x = np.random.default_rng(1).uniform(-2, 2, qc.num_parameters)
    assert np.allclose(f.gradient(x)[0], _fd(f, x), atol=1e-6)
    assert f.jacobian(x).shape == (1, qc.num_parameters, 8)


def test_qcbm_gradient_for_circuits_without_shift_rule():
    t = Parameter("t")
    qc = QuantumCircuit(2)
    qc.ry(2 * t, 0)  # parameter expression: no plain shift rule
    qc.cx(0, 1)
    qc.ry(t, 1)
    f = G.QCBMLoss(qc, [0.5, 0, 0, 0.5])
    assert not f._shift
    x = np.array([0.3])
    assert np.allclose(f.gradient(x)[0], _fd(f, x), atol=1e-6)
    with pytest.raises(ValueError, match="parameter-shift"):
        f.jacobian(x)


def test_qcbm_model_matches_sampler():
    qc = real_amplitudes(2, reps=1)
    f = G.QCBMLoss(qc, [0.25] * 4)
    x = np.array([0.3, -1.0, 0.7, 2.0])
    probs = f.probabilities(x)[0]
    meas = qc.copy()
    meas.measure_all()
    counts = Sampler(seed=5).run([(meas, x)], shots=20000).result()[0].data.meas.get_counts()
    assert np.allclose(G.counts_to_probabilities(counts, 2), probs, atol=0.02)


def test_qcbm_learns_bars_and_stripes_but_independent_bits_cannot():
    target = G.bars_and_stripes(2, 2)
    res = G.train_qcbm(real_amplitudes(4, reps=3), target, steps=200, lr=0.2, seed=0)
    assert res.kl < 0.05
    assert res.losses[-1] < res.losses[0] / 20
    assert len(res.losses) == 201 and res.trajectory.shape == (201, 16)
    assert G.kl_divergence(target, G.independent_bits_fit(target)) > 0.9
    assert "QCBMResult(loss='mmd'" in repr(res)


def test_qcbm_input_validation():
    qc = real_amplitudes(2, reps=1)
    with pytest.raises(ValueError, match="sum to 1"):
        G.QCBMLoss(qc, [0.5, 0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="4 were expected"):
        G.QCBMLoss(qc, [1.0, 0.0])
    with pytest.raises(ValueError, match="'mmd' or 'kl'"):
        G.QCBMLoss(qc, [1, 0, 0, 0], loss="l2")
    with pytest.raises(ValueError, match="no parameters"):
        G.QCBMLoss(QuantumCircuit(2), [1, 0, 0, 0])
    with pytest.raises(ValueError, match="shape \\(N, 4\\)"):
        G.QCBMLoss(qc, [1, 0, 0, 0])(np.zeros(3))
