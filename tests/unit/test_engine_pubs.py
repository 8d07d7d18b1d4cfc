"""Many PUBs: merged simulation and caches give the same numbers as Qiskit, and never go stale."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.circuit.library import RYGate, real_amplitudes, zz_feature_map
from qiskit.primitives import StatevectorEstimator
from qiskit.quantum_info import SparsePauliOp

from qmlwidgets.engine import Estimator


def _ansatz(n: int = 2) -> QuantumCircuit:
    return zz_feature_map(n).compose(real_amplitudes(n, reps=2))


def _evs(est, pubs):
    return [np.asarray(r.data.evs) for r in est.run(pubs).result()]


def test_many_single_row_pubs_sharing_a_circuit_match_statevector_estimator() -> None:
    qc = _ansatz()
    rng = np.random.default_rng(3)
    obs = [SparsePauliOp("ZZ"), SparsePauliOp(["XI", "IZ"], [0.5, -1.0]), "YY"]
    pubs = [(qc, obs[k % 3], rng.uniform(-2, 2, qc.num_parameters)) for k in range(60)]
    ours = _evs(Estimator(), pubs)
    ref = _evs(StatevectorEstimator(), pubs)
    assert all(o.shape == r.shape == () for o, r in zip(ours, ref, strict=True))
    np.testing.assert_allclose(np.array(ours), np.array(ref), atol=1e-12)


def test_mixed_pub_shapes_and_circuits_in_one_run() -> None:
    a, b = _ansatz(2), real_amplitudes(3, reps=1)
    rng = np.random.default_rng(5)
    pubs = [
        (a, "ZZ", rng.uniform(size=a.num_parameters)),
        (b, ["ZII", "IXI"], rng.uniform(size=(4, 1, b.num_parameters))),
        (a, [["ZZ"], ["XX"]], rng.uniform(size=(2, 3, a.num_parameters))),
        (a, SparsePauliOp("IZ"), rng.uniform(size=(5, a.num_parameters))),
        (b, "ZZZ", rng.uniform(size=b.num_parameters)),
        (a, "ZI", rng.uniform(size=a.num_parameters)),
    ]
    ours = _evs(Estimator(), pubs)
    ref = _evs(StatevectorEstimator(), pubs)
    for o, r in zip(ours, ref, strict=True):
        assert o.shape == r.shape
        np.testing.assert_allclose(o, r, atol=1e-12)


def test_mutating_a_circuit_after_a_call_gives_the_new_answer() -> None:
    qc = QuantumCircuit(1)
    qc.h(0)
    est = Estimator()
    assert abs(float(_evs(est, [(qc, "X")])[0]) - 1) < 1e-12
    qc.z(0)  # appended gate
    assert abs(float(_evs(est, [(qc, "X")])[0]) + 1) < 1e-12
    qc.data[1] = qc.data[1].replace(operation=qc.data[0].operation)  # H H = I
    assert abs(float(_evs(est, [(qc, "Z")])[0]) - 1) < 1e-12


def test_replacing_an_angle_or_binding_in_place_gives_the_new_answer() -> None:
    th = ParameterVector("t", 2)
    qc = QuantumCircuit(1)
    qc.ry(0.3, 0)
    qc.rz(th[0], 0)
    qc.ry(th[1], 0)
    est = Estimator()
    assert np.isclose(float(_evs(est, [(qc, "Z", [0.1, 0.0])])[0]), np.cos(0.3))
    qc.data[0] = qc.data[0].replace(operation=RYGate(1.1))
    assert np.isclose(float(_evs(est, [(qc, "Z", [0.1, 0.0])])[0]), np.cos(1.1))
    qc.assign_parameters({th[1]: 0.5}, inplace=True)  # now one parameter left
    assert qc.num_parameters == 1
    np.testing.assert_allclose(
        _evs(est, [(qc, "Z", [0.1])])[0], _evs(StatevectorEstimator(), [(qc, "Z", [0.1])])[0], atol=1e-12
    )


def test_observable_cache_sees_coefficient_changes() -> None:
    qc = QuantumCircuit(2)
    qc.x(0)
    op = SparsePauliOp(["IZ", "ZI"], [1.0, 1.0])
    est = Estimator()
    assert np.isclose(float(_evs(est, [(qc, op)])[0]), 0.0)
    op.coeffs[0] = 3.0  # in-place change of the same object
    assert np.isclose(float(_evs(est, [(qc, op)])[0]), -2.0)


def test_merged_non_hermitian_observable_is_refused() -> None:
    qc = QuantumCircuit(1)
    qc.h(0)
    with pytest.raises(ValueError, match="Hermitian"):
        Estimator().run([(qc, SparsePauliOp("X", 1j)), (qc, "Z")]).result()


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(1, 3),
    sizes=st.lists(st.sampled_from([(), (1,), (3,), (2, 2)]), min_size=2, max_size=6),
    labels=st.lists(st.text("IXYZ", min_size=3, max_size=3), min_size=1, max_size=3),
    seed=st.integers(0, 2**16),
)
def test_merged_pubs_equal_reference(n: int, sizes: list, labels: list, seed: int) -> None:
    qc = real_amplitudes(n, reps=2)
    rng = np.random.default_rng(seed)
    pubs = []
    for k, shape in enumerate(sizes):
        lab = labels[k % len(labels)][:n]
        pubs.append((qc, lab, rng.uniform(-3, 3, shape + (qc.num_parameters,))))
    ours = _evs(Estimator(), pubs)
    ref = _evs(StatevectorEstimator(), pubs)
    for o, r in zip(ours, ref, strict=True):
        assert o.shape == r.shape
        np.testing.assert_allclose(o, r, atol=1e-12)


def test_first_call_bound_path_then_compiled_path_agree_with_reference(monkeypatch) -> None:
    from qmlwidgets.engine import primitives

    bound_calls = []
    real_bound_compile = primitives._bound_compile

    def spy(circuit, bindings):
        bound_calls.append(circuit)
        return real_bound_compile(circuit, bindings)

    monkeypatch.setattr(primitives, "_bound_compile", spy)
    est = Estimator()
    qc = _ansatz(3)
    x = np.random.default_rng(9).uniform(-2, 2, qc.num_parameters)
    pubs = [(qc, "ZZI", x), (qc, SparsePauliOp(["XXX", "IIZ"], [0.3, 1.0]), x)]
    ref = _evs(StatevectorEstimator(), pubs)
    first = [np.asarray(r.data.evs) for r in est.run(pubs).result()]
    assert len(bound_calls) == 2  # both PUBs took the bound path on first sighting
    second = [np.asarray(r.data.evs) for r in est.run(pubs).result()]
    assert len(bound_calls) == 2  # compiled the second time
    np.testing.assert_allclose(first, ref, atol=1e-12)
    np.testing.assert_allclose(second, ref, atol=1e-12)
    assert primitives.BIND_FIRST_ROWS >= 1


def test_first_call_bound_path_still_validates() -> None:
    qc = _ansatz(2)
    qc.measure_all()
    with pytest.raises(ValueError, match="must not contain measurements"):
        Estimator().run([(qc, "ZZ", np.zeros(qc.num_parameters))])
    qc2 = _ansatz(2)
    with pytest.raises(ValueError, match="NaN/inf"):
        Estimator().run([(qc2, "ZZ", np.full(qc2.num_parameters, np.nan))])


@pytest.mark.parametrize(
    "pub_tail",
    [
        ("ZZ", [0.1] * 8),
        (SparsePauliOp(["ZZ", "XI"], [1.0, -0.5]), np.full((3, 8), 0.2)),
        ("XY", np.full((2, 1, 8), 0.3), 0.25),
        ("ZZ", [0.1] * 8, None),
    ],
)
def test_fast_pub_coercion_equals_qiskit_coercion(pub_tail) -> None:
    from qiskit.primitives.containers.estimator_pub import EstimatorPub

    from qmlwidgets.engine.primitives import _coerce_estimator_pubs

    qc = _ansatz(2)
    pub = (qc,) + pub_tail
    ours = _coerce_estimator_pubs([pub], 0.0)[0]
    ref = EstimatorPub.coerce(pub, 0.0)
    assert ours.shape == ref.shape and ours.precision == ref.precision
    np.testing.assert_array_equal(
        ours.parameter_values.as_array(qc.parameters), ref.parameter_values.as_array(qc.parameters)
    )
    assert ours.observables.tolist() == ref.observables.tolist()


def test_fast_pub_coercion_rejects_what_qiskit_rejects() -> None:
    qc = _ansatz(2)
    with pytest.raises(ValueError):
        Estimator().run([(qc, "ZZZ", [0.1] * 8)])  # wrong observable size
    with pytest.raises(ValueError):
        Estimator().run([(qc, "ZZ", [0.1] * 7)])  # wrong number of values
    with pytest.raises(ValueError, match="precision"):
        Estimator().run([(qc, "ZZ", [0.1] * 8, -1.0)])
