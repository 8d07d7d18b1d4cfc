"""Bad input never becomes a wrong number: NaN/inf angles and oversized outputs are refused."""
from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from qmlwidgets.engine import (
    Estimator,
    MemoryBudgetError,
    Sampler,
    expectation_values,
    memory_budget,
    probabilities,
    set_memory_budget,
    statevectors,
)


@pytest.fixture
def budget():
    yield set_memory_budget
    set_memory_budget(None)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("gate", ["ry", "rx", "rz", "p"])
def test_non_finite_angle_on_fresh_qubit_is_refused(gate: str, value: float) -> None:
    qc = QuantumCircuit(1)
    getattr(qc, gate)(value, 0)
    with pytest.raises(ValueError, match=rf"gate '{gate}' on qubit\(s\) \[0\].*non-finite.*finite"):
        Estimator().run([(qc, "Z")])
    with pytest.raises(ValueError, match="non-finite"):
        statevectors(qc)
    qc.measure_all()
    with pytest.raises(ValueError, match="non-finite"):
        Sampler(seed=1).run([qc])


def test_non_finite_in_u_gate_names_the_parameter() -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.u(0.1, float("nan"), 0.0, 1)
    with pytest.raises(ValueError, match=r"gate 'u' on qubit\(s\) \[1\] has a non-finite parameter 1"):
        expectation_values(qc, "ZZ")


def test_non_finite_unitary_matrix_is_refused() -> None:
    qc = QuantumCircuit(1)
    qc.global_phase = float("nan")
    with pytest.raises(ValueError, match="global_phase.*non-finite"):
        statevectors(qc)


def test_expression_outside_its_domain_names_gate_and_expression() -> None:
    t = Parameter("t")
    qc = QuantumCircuit(1)
    qc.ry(t.log(), 0)
    assert np.isfinite(expectation_values(qc, "Z", [[2.0]])).all()
    with pytest.raises(ValueError, match=r"gate 'ry'.*log\(t\).*row 1.*'t': -1\.0"):
        expectation_values(qc, "Z", [[2.0], [-1.0]])


def test_non_finite_parameter_values_are_refused() -> None:
    t = Parameter("t")
    qc = QuantumCircuit(1)
    qc.ry(t, 0)
    with pytest.raises(ValueError, match="NaN/inf"):
        Estimator().run([(qc, "Z", [[np.nan]])]).result()


def test_statevectors_refuse_a_batch_above_the_budget(budget) -> None:
    qc = QuantumCircuit(20)
    qc.rx(Parameter("a"), 0)
    with pytest.raises(MemoryBudgetError, match=r"statevectors for 4096 parameter row\(s\) x 2\*\*20.*64\.0 GiB"):
        statevectors(qc, np.zeros((4096, 1)))
    with pytest.raises(MemoryError, match="probabilities"):
        probabilities(qc, np.zeros((4096, 1)))
    budget("1MiB")
    assert memory_budget() == 2**20
    small = QuantumCircuit(10)
    small.h(0)
    with pytest.raises(ValueError, match=r"budget of 1\.0 MiB.*set_memory_budget"):
        statevectors(small, np.zeros((64, 0)))
    budget(None)
    assert statevectors(small, np.zeros((64, 0))).shape == (64, 1024)


def test_sampler_refuses_shots_above_the_budget(budget) -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.measure_all()
    with pytest.raises(MemoryBudgetError, match=r"sampling PUB 0 \(1 parameter row\(s\) x 100000000000 shots\)"):
        Sampler().run([qc], shots=10**11)
    budget(10**6)
    with pytest.raises(MemoryBudgetError, match="fewer shots"):
        Sampler().run([qc], shots=10**5)
    budget(None)
    assert Sampler(seed=1).run([qc], shots=10**5).result()[0].data.meas.num_shots == 10**5


def test_budget_from_environment_and_bad_values(monkeypatch, budget) -> None:
    monkeypatch.setenv("QMLWIDGETS_MEMORY_BUDGET", "2 GiB")
    assert memory_budget() == 2 * 2**30
    for bad in ("lots", -1, 0, float("nan"), True):
        with pytest.raises(ValueError, match="memory budget"):
            set_memory_budget(bad)
    monkeypatch.delenv("QMLWIDGETS_MEMORY_BUDGET")
    assert 0 < memory_budget()


def test_broadcast_shape_above_the_budget_is_refused(budget) -> None:
    qc = QuantumCircuit(1)
    qc.ry(Parameter("t"), 0)
    values = np.zeros((2000, 1, 1))
    observables = [["Z"] * 2000]
    budget("1MiB")
    with pytest.raises(MemoryBudgetError, match=r"broadcast shape \(2000, 2000\)"):
        expectation_values(qc, observables, values)
    budget(None)
    assert expectation_values(qc, observables, values).shape == (2000, 2000)


def test_expression_that_cancels_to_a_negative_constant_is_simulated_every_time():
    """hash() of ``(a - a) - 2`` raises OverflowError in Qiskit 2.6; the compile cache must cope."""
    from qiskit.circuit import Parameter, QuantumCircuit
    from qiskit.primitives import StatevectorEstimator
    from qiskit.quantum_info import SparsePauliOp

    from qmlwidgets.engine import Estimator

    a = Parameter("a")
    qc = QuantumCircuit(1)
    qc.rx((a - a) - 2.0, 0)
    qc.ry(a, 0)
    qc.global_phase = (a - a) - 1.0
    pub = (qc, SparsePauliOp("Z"), [[0.3], [1.1]])
    want = StatevectorEstimator().run([pub]).result()[0].data.evs
    estimator = Estimator()
    for _ in range(3):  # first sighting, compile, cached
        got = estimator.run([pub]).result()[0].data.evs
        assert abs(got - want).max() < 1e-12
