"""Reset after a qubit is used: exact mixtures, checked against qiskit's DensityMatrix."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.exceptions import QiskitError
from qiskit.quantum_info import DensityMatrix, SparsePauliOp

from qmlwidgets.engine import (
    MAX_RESETS,
    Estimator,
    Sampler,
    expectation_values,
    gradients,
    probabilities,
    statevectors,
)

OPS = ["h", "x", "ry", "rz", "cx", "reset", "sx"]


@st.composite
def circuits_with_resets(draw):
    n = draw(st.integers(1, 4))
    qc = QuantumCircuit(n)
    for _ in range(draw(st.integers(1, 14))):
        op = draw(st.sampled_from(OPS))
        q = draw(st.integers(0, n - 1))
        if op in ("ry", "rz"):
            getattr(qc, op)(draw(st.floats(-3.2, 3.2)), q)
        elif op == "cx":
            if n > 1:
                qc.cx(q, (q + draw(st.integers(1, n - 1))) % n)
        else:
            getattr(qc, op)(q)
    return qc


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(qc=circuits_with_resets())
def test_resets_match_density_matrix(qc: QuantumCircuit) -> None:
    rho = DensityMatrix(qc)
    np.testing.assert_allclose(probabilities(qc), rho.probabilities(), atol=1e-12)
    n = qc.num_qubits
    labels = ["Z" * n, "X" + "I" * (n - 1), "I" * (n - 1) + "Y"]
    ref = [rho.expectation_value(SparsePauliOp(lab)).real for lab in labels]
    np.testing.assert_allclose(expectation_values(qc, labels), ref, atol=1e-12)
    evs = Estimator().run([(qc, labels)]).result()[0].data.evs
    np.testing.assert_allclose(evs, ref, atol=1e-12)


def test_reset_with_parameter_batch_and_marginals() -> None:
    t = Parameter("t")
    qc = QuantumCircuit(3)
    qc.ry(t, 0)
    qc.cx(0, 1)
    qc.reset(0)
    qc.h(0)
    qc.cx(1, 2)
    qc.reset(1)
    qc.ry(2 * t, 1)
    X = np.linspace(-2, 2, 7)[:, None]
    ours = probabilities(qc, X, qubits=[2, 0])
    for k, x in enumerate(X[:, 0]):
        ref = DensityMatrix(qc.assign_parameters([x])).probabilities([2, 0])
        np.testing.assert_allclose(ours[k], ref, atol=1e-12)
    est = Estimator().run([(qc, ["ZZZ", "IXI"], X[:, None, :])]).result()[0].data.evs
    for k, x in enumerate(X[:, 0]):
        rho = DensityMatrix(qc.assign_parameters([x]))
        np.testing.assert_allclose(est[k], [rho.expectation_value(SparsePauliOp(s)).real for s in ("ZZZ", "IXI")], atol=1e-12)


def test_sampler_with_reset_matches_exact_distribution() -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.reset(0)
    qc.ry(1.1, 0)
    qc.measure_all()
    shots = 40_000
    counts = Sampler(seed=7).run([qc], shots=shots).result()[0].data.meas.get_counts()
    exact = DensityMatrix(qc.remove_final_measurements(inplace=False)).probabilities()
    freq = np.array([counts.get(format(i, "02b"), 0) for i in range(4)]) / shots
    sigma = np.sqrt(exact * (1 - exact) / shots)
    assert np.all(np.abs(freq - exact) <= 5 * sigma + 1e-12)
    # qiskit-aer simulates the reset shot by shot: same law (StatevectorSampler draws one reset
    # outcome per run from an unseeded generator, so it cannot be compared reproducibly)
    from qiskit_aer.primitives import SamplerV2 as AerSampler

    aer = AerSampler(options={"backend_options": {"seed_simulator": 11}})
    c = aer.run([qc], shots=shots).result()[0].data.meas.get_counts()
    ref = np.array([c.get(format(i, "02b"), 0) for i in range(4)]) / shots
    assert np.all(np.abs(ref - freq) <= 7 * sigma + 1e-12)


def test_reset_refusals_are_clear() -> None:
    qc = QuantumCircuit(1)
    qc.h(0)
    qc.reset(0)
    with pytest.raises(ValueError, match="mixed and has no statevector"):
        statevectors(qc)
    t = Parameter("t")
    g = QuantumCircuit(1)
    g.ry(t, 0)
    g.reset(0)
    with pytest.raises(ValueError, match="gradients of circuits that reset"):
        gradients(g, "Z", [0.1])
    many = QuantumCircuit(1)
    for _ in range(MAX_RESETS + 1):
        many.h(0)
        many.reset(0)
    with pytest.raises(ValueError, match="MAX_RESETS"):
        probabilities(many)


def test_error_types_match_qiskit() -> None:
    cf = QuantumCircuit(1, 1)
    cf.h(0)
    cf.measure(0, 0)
    with cf.if_test((cf.clbits[0], 1)):
        cf.x(0)
    cf.measure(0, 0)
    with pytest.raises(QiskitError, match="control flow"):  # StatevectorSampler: QiskitError
        Sampler().run([cf])
    with pytest.raises(ValueError, match="control flow"):
        Sampler().run([cf])
    qc = QuantumCircuit(1)
    qc.h(0)
    with pytest.raises(ValueError, match="list of PUBs"):  # Qiskit: ValueError too
        Estimator().run((qc, "Z"))
    m = qc.copy()
    m.measure_all()
    res = Sampler(seed=1).run((m,)).result()  # a tuple of circuits is a list of PUBs, as in Qiskit
    assert res[0].data.meas.num_shots == 1024
