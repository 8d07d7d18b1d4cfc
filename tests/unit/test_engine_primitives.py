"""Estimator / Sampler: drop-in behaviour against StatevectorEstimator / StatevectorSampler."""
from __future__ import annotations

import numpy as np
import pytest
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Parameter
from qiskit.primitives import (
    BaseEstimatorV2,
    BaseSamplerV2,
    BitArray,
    PrimitiveResult,
    StatevectorEstimator,
    StatevectorSampler,
)
from qiskit.primitives.containers import PubResult, SamplerPubResult
from qiskit.primitives.base.base_primitive_job import BasePrimitiveJob
from qiskit.providers import JobStatus
from qiskit.quantum_info import Pauli, SparsePauliOp

from qmlwidgets.engine import Estimator, Sampler, probabilities


@pytest.fixture
def circuit() -> QuantumCircuit:
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(2)
    qc.ry(a, 0)
    qc.cx(0, 1)
    qc.rx(b, 1)
    qc.rzz(a * b, 0, 1)
    return qc


def _pubs(qc):
    rng = np.random.default_rng(7)
    a, b = qc.parameters
    return [
        (qc, "ZZ", [0.1, 0.2]),  # scalar
        (qc, ["ZZ", "XI", "YY"], [0.1, 0.2]),  # observables (3,)
        (qc, "ZI", rng.uniform(size=(3, 2))),  # parameters (3,)
        (qc, [["ZZ"], ["XX"]], rng.uniform(size=(2, 3, 2))),  # (2,1) x (2,3) -> (2,3)
        (qc, SparsePauliOp(["ZZ", "XX"], [0.5, -1]), rng.uniform(size=(4, 1, 2))),
        (qc, [Pauli("XY"), SparsePauliOp("IZ")], rng.uniform(size=(4, 1, 2))),  # -> (4, 2)
        (qc, {"ZZ": 1.0, "XX": 0.2}, {(a, b): rng.uniform(size=(5, 2))}),  # mapping bindings
        (qc, [[["ZZ", "XX"]]], rng.uniform(size=(3, 1, 1, 2))),  # -> (3, 1, 2)
    ]


def test_estimator_is_a_base_estimator_v2_with_finished_jobs(circuit) -> None:
    est = Estimator()
    assert isinstance(est, BaseEstimatorV2)
    job = est.run([(circuit, "ZZ", [0.1, 0.2])])
    assert isinstance(job, BasePrimitiveJob)
    assert job.status() == JobStatus.DONE and job.done() and job.in_final_state()
    assert not job.running() and not job.cancelled() and job.cancel() is False
    assert isinstance(job.job_id(), str) and job.job_id() != est.run([(circuit, "ZZ", [0.1, 0.2])]).job_id()
    res = job.result()
    assert isinstance(res, PrimitiveResult) and isinstance(res[0], PubResult)
    assert est.default_precision == 0.0 and est.seed is None


def test_estimator_matches_statevector_estimator_for_many_pub_shapes(circuit) -> None:
    pubs = _pubs(circuit)
    ours = Estimator().run(pubs).result()
    ref = StatevectorEstimator().run(pubs).result()
    assert ours.metadata == ref.metadata == {"version": 2}
    expected_shapes = [(), (3,), (3,), (2, 3), (4, 1), (4, 2), (5,), (3, 1, 2)]
    for o, r, shape in zip(ours, ref, expected_shapes, strict=True):
        assert o.data.evs.shape == r.data.evs.shape == shape
        assert o.data.stds.shape == shape
        assert list(o.data.keys()) == list(r.data.keys()) == ["evs", "stds"]
        assert o.data.shape == r.data.shape
        assert o.metadata == r.metadata
        np.testing.assert_allclose(o.data.evs, r.data.evs, atol=1e-12, rtol=0)
        np.testing.assert_array_equal(o.data.stds, 0.0)


def test_estimator_circuit_metadata_is_passed_through(circuit) -> None:
    circuit.metadata = {"lesson": 3}
    res = Estimator().run([(circuit, "ZZ", [0.1, 0.2])]).result()[0]
    assert res.metadata == {"target_precision": 0.0, "circuit_metadata": {"lesson": 3}}


def test_estimator_precision_noise_is_seeded_and_sane(circuit) -> None:
    X = np.tile([0.4, 1.1], (20000, 1))
    exact = Estimator().run([(circuit, "ZZ", X)]).result()[0].data.evs
    noisy1 = Estimator(seed=11).run([(circuit, "ZZ", X)], precision=0.05).result()[0]
    noisy2 = Estimator(seed=11).run([(circuit, "ZZ", X)], precision=0.05).result()[0]
    noisy3 = Estimator(seed=12, default_precision=0.05).run([(circuit, "ZZ", X)]).result()[0]
    np.testing.assert_array_equal(noisy1.data.evs, noisy2.data.evs)  # reproducible
    assert not np.array_equal(noisy1.data.evs, noisy3.data.evs)  # seed matters
    resid = noisy1.data.evs - exact
    assert abs(resid.mean()) < 4 * 0.05 / np.sqrt(len(X))  # unbiased
    assert abs(resid.std() - 0.05) < 0.002  # right width
    np.testing.assert_array_equal(noisy1.data.stds, 0.05)
    assert noisy1.metadata["target_precision"] == 0.05
    # per-PUB precision wins over run(precision=...)
    res = Estimator(seed=1).run([(circuit, "ZZ", X[:3], 0.0)], precision=0.3).result()[0]
    np.testing.assert_allclose(res.data.evs, exact[:3], atol=1e-12)


def test_sampler_is_a_base_sampler_v2(circuit) -> None:
    circuit.measure_all()
    s = Sampler()
    assert isinstance(s, BaseSamplerV2) and s.default_shots == 1024
    res = s.run([(circuit, [0.1, 0.2])]).result()
    assert isinstance(res[0], SamplerPubResult)
    assert res.metadata == {"version": 2}


def test_sampler_matches_statevector_sampler_layout_measure_all(circuit) -> None:
    circuit.measure_all()
    X = np.random.default_rng(1).uniform(size=(2, 3, 2))
    ours = Sampler(seed=5).run([(circuit, X)], shots=100).result()[0]
    ref = StatevectorSampler(seed=5).run([(circuit, X)], shots=100).result()[0]
    assert list(ours.data.keys()) == list(ref.data.keys()) == ["meas"]
    assert isinstance(ours.data.meas, BitArray)
    assert ours.data.meas.shape == ref.data.meas.shape == (2, 3)
    assert ours.data.meas.num_shots == 100 and ours.data.meas.num_bits == 2
    assert ours.data.meas.array.shape == ref.data.meas.array.shape
    assert ours.metadata == ref.metadata == {"shots": 100, "circuit_metadata": {}}


def test_sampler_multiple_registers_and_bit_order() -> None:
    qr = QuantumRegister(3)
    alpha, beta = ClassicalRegister(2, "alpha"), ClassicalRegister(1, "beta")
    qc = QuantumCircuit(qr, alpha, beta)
    qc.x(0)  # qubit 0 -> alpha[1]; qubit 1 (|0>) -> alpha[0]; qubit 2 (|1>) -> beta[0]
    qc.x(2)
    qc.measure(0, alpha[1])
    qc.measure(1, alpha[0])
    qc.measure(2, beta[0])
    ours = Sampler(seed=1).run([qc], shots=50).result()[0]
    ref = StatevectorSampler(seed=1).run([qc], shots=50).result()[0]
    assert list(ours.data.keys()) == list(ref.data.keys()) == ["alpha", "beta"]
    assert ours.data.alpha.get_counts() == ref.data.alpha.get_counts() == {"10": 50}
    assert ours.data.beta.get_counts() == ref.data.beta.get_counts() == {"1": 50}


def test_sampler_counts_follow_exact_probabilities() -> None:
    t = Parameter("t")
    qc = QuantumCircuit(2)
    qc.ry(t, 0)
    qc.cx(0, 1)
    qc.h(1)
    qc.measure_all()
    X = np.array([[0.3], [1.2], [2.5]])
    shots = 40000
    res = Sampler(seed=3).run([(qc, X)], shots=shots).result()[0]
    exact = probabilities(qc, X)
    for i in range(3):
        counts = res.data.meas.get_counts(i)
        freq = np.array([counts.get(format(k, "02b"), 0) for k in range(4)]) / shots
        sigma = np.sqrt(exact[i] * (1 - exact[i]) / shots) + 1e-12
        assert np.all(np.abs(freq - exact[i]) < 5 * sigma + 1e-9)
        assert sum(counts.values()) == shots


def test_sampler_is_reproducible_with_seed_and_varies_without() -> None:
    qc = QuantumCircuit(3)
    qc.h(range(3))
    qc.measure_all()
    a = Sampler(seed=9).run([qc]).result()[0].data.meas.array
    b = Sampler(seed=9).run([qc]).result()[0].data.meas.array
    c = Sampler(seed=10).run([qc]).result()[0].data.meas.array
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_sampler_partial_measurement_and_unmeasured_bits() -> None:
    qc = QuantumCircuit(3, 3)
    qc.x(1)
    qc.h(2)
    qc.measure(1, 0)
    ours = Sampler(seed=2).run([qc], shots=20).result()[0]
    ref = StatevectorSampler(seed=2).run([qc], shots=20).result()[0]
    assert ours.data.c.get_counts() == ref.data.c.get_counts() == {"001": 20}


def test_sampler_shots_from_pub_and_default() -> None:
    qc = QuantumCircuit(1)
    qc.h(0)
    qc.measure_all()
    res = Sampler(default_shots=7, seed=1).run([qc, (qc, None, 13)]).result()
    assert res[0].data.meas.num_shots == 7 and res[1].data.meas.num_shots == 13
    assert res[0].metadata["shots"] == 7


def test_sampler_warns_like_qiskit_without_classical_registers() -> None:
    qc = QuantumCircuit(1)
    qc.h(0)
    with pytest.warns(UserWarning, match="no output classical registers"):
        res = Sampler().run([qc]).result()
    assert list(res[0].data.keys()) == []


def test_estimator_and_sampler_accept_library_circuits() -> None:
    from qiskit.circuit.library import real_amplitudes, zz_feature_map

    fm = zz_feature_map(2, reps=1)
    ans = real_amplitudes(2, reps=1)
    qc = fm.compose(ans)
    X = np.random.default_rng(0).uniform(size=(3, qc.num_parameters))
    ours = Estimator().run([(qc, ["ZZ", "XI"], X[:, None, :])]).result()[0].data.evs
    ref = StatevectorEstimator().run([(qc, ["ZZ", "XI"], X[:, None, :])]).result()[0].data.evs
    np.testing.assert_allclose(ours, ref, atol=1e-12)
    qc.measure_all()
    res = Sampler(seed=1).run([(qc, X)]).result()[0]
    assert res.data.meas.shape == (3,)


def test_a_simulation_error_is_raised_by_result_not_by_run(monkeypatch, circuit) -> None:
    """As with Qiskit's PrimitiveJob: run() returns a job; result() raises what the simulation raised."""
    from qmlwidgets.engine import primitives

    def boom(*_args, **_kwargs):
        raise RuntimeError("simulated failure")

    est = Estimator()
    monkeypatch.setattr(est, "_run", boom)
    job = est.run([(circuit, "ZZ", [0.1, 0.2])])
    assert isinstance(job, primitives.EngineJob) and job.status() == JobStatus.ERROR and not job.done()
    with pytest.raises(RuntimeError, match="simulated failure"):
        job.result()
