"""Pure-function API of the engine: shapes, library circuits, caching and helpful errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Gate, Parameter, ParameterVector
from qiskit.circuit.library import (
    PauliEvolutionGate,
    StatePreparation,
    efficient_su2,
    n_local,
    pauli_feature_map,
    real_amplitudes,
    z_feature_map,
    zz_feature_map,
)
from qiskit.primitives import StatevectorEstimator
from qiskit.quantum_info import Pauli, SparseObservable, SparsePauliOp, Statevector

from qmlwidgets.engine import (
    MAX_QUBITS,
    Estimator,
    Sampler,
    compile_circuit,
    expectation_values,
    gradients,
    probabilities,
    statevectors,
    value_and_gradient,
)


def _ref(qc, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([Statevector(qc.assign_parameters(x)).data for x in np.atleast_2d(X)])


def _ry_circuit() -> QuantumCircuit:
    th = ParameterVector("th", 3)
    qc = QuantumCircuit(2)
    qc.ry(th[0], 0)
    qc.ry(th[1], 1)
    qc.cx(0, 1)
    qc.rz(th[2], 1)
    return qc


# ---------------------------------------------------------------- shapes and values
def test_shapes_for_any_batch_shape() -> None:
    qc = _ry_circuit()
    assert statevectors(qc, [0.1, 0.2, 0.3]).shape == (4,)
    assert statevectors(qc, np.zeros((5, 3))).shape == (5, 4)
    assert probabilities(qc, np.zeros((2, 5, 3))).shape == (2, 5, 4)
    assert expectation_values(qc, "ZZ", np.zeros((7, 3))).shape == (7,)
    assert gradients(qc, "ZZ", np.zeros((2, 4, 3))).shape == (2, 4, 3)
    v, g = value_and_gradient(qc, "ZZ", np.zeros(3))
    assert v.shape == () and g.shape == (3,)


def test_parameter_free_circuit_needs_no_values() -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    np.testing.assert_allclose(statevectors(qc), [2**-0.5, 0, 0, 2**-0.5], atol=1e-15)
    assert float(expectation_values(qc, "ZZ")) == pytest.approx(1.0)


def test_expectation_values_broadcast_like_estimator_v2() -> None:
    qc = _ry_circuit()
    X = np.random.default_rng(0).uniform(-2, 2, size=(4, 1, 3))
    obs = [["ZZ", "XI", SparsePauliOp(["YY", "ZI"], [0.5, 2.0])]]  # shape (1, 3)
    ours = expectation_values(qc, obs, X)
    ref = StatevectorEstimator().run([(qc, obs, X)]).result()[0].data.evs
    assert ours.shape == ref.shape == (4, 3)
    np.testing.assert_allclose(ours, ref, atol=1e-12)


@pytest.mark.parametrize(
    "obs",
    ["ZI", Pauli("XY"), SparsePauliOp(["XX", "ZI"], [0.3, -1.0]), SparseObservable("0+"), {"ZZ": 2.0}],
)
def test_observable_kinds(obs) -> None:
    qc = _ry_circuit()
    X = np.array([[0.3, -1.0, 2.0], [1.0, 0.5, -0.4]])
    ref = StatevectorEstimator().run([(qc, obs, X)]).result()[0].data.evs if not isinstance(obs, SparseObservable) else None
    ours = expectation_values(qc, obs, X)
    if ref is None:  # projector observable |0><0| (x) |+><+| evaluated by hand
        sv = _ref(qc, X)
        proj = np.kron(np.array([[1, 0], [0, 0]]), np.full((2, 2), 0.5))
        ref = np.einsum("bi,ij,bj->b", sv.conj(), proj, sv).real
    np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_probabilities_marginals_follow_qiskit_qargs_order() -> None:
    qc = QuantumCircuit(3)
    qc.ry(0.3, 0)
    qc.rx(1.1, 1)
    qc.h(2)
    qc.cx(2, 0)
    sv = Statevector(qc)
    for qargs in ([0], [2], [0, 2], [2, 0], [1, 2, 0]):
        np.testing.assert_allclose(probabilities(qc, qubits=qargs), sv.probabilities(qargs), atol=1e-14)


def test_final_measurements_are_ignored_by_pure_functions() -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.measure_all()
    np.testing.assert_allclose(probabilities(qc), [0.5, 0.5, 0, 0], atol=1e-15)


# ---------------------------------------------------------------- library and special gates
@pytest.mark.parametrize(
    "make",
    [
        lambda: zz_feature_map(3, reps=2),
        lambda: z_feature_map(3, reps=1),
        lambda: pauli_feature_map(3, paulis=["X", "YZ", "ZZZ"]),
        lambda: real_amplitudes(4, reps=2),
        lambda: efficient_su2(3, reps=2),
        lambda: n_local(3, ["ry", "rz"], "cz", reps=2, entanglement="full"),
        lambda: n_local(3, ["rx"], "crx", reps=1),
        lambda: zz_feature_map(2).compose(real_amplitudes(2, reps=1)),
    ],
)
def test_circuit_library(make) -> None:
    qc = make()
    X = np.random.default_rng(1).uniform(-2, 2, size=(3, qc.num_parameters))
    np.testing.assert_allclose(statevectors(qc, X), _ref(qc, X), atol=1e-10)
    obs = "Z" * qc.num_qubits
    ref = StatevectorEstimator().run([(qc, obs, X)]).result()[0].data.evs
    np.testing.assert_allclose(expectation_values(qc, obs, X), ref, atol=1e-10)


def test_composite_gates_are_decomposed_recursively() -> None:
    inner = real_amplitudes(2, reps=1).to_gate()
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.append(inner, [2, 0])
    qc.append(efficient_su2(3, reps=1, parameter_prefix="phi").to_instruction(), [0, 1, 2])
    X = np.random.default_rng(2).uniform(-2, 2, size=(2, qc.num_parameters))
    np.testing.assert_allclose(statevectors(qc, X), _ref(qc, X), atol=1e-10)


@pytest.mark.parametrize(
    "H",
    [
        SparsePauliOp(["XX", "YZ", "ZI", "II"], [0.3, 0.5, -0.2, 0.4]),  # non-commuting
        SparsePauliOp(["ZZ", "XX"], [0.3, 0.5]),  # commuting
    ],
)
def test_pauli_evolution_gate_is_exact(H) -> None:
    t, s = Parameter("t"), Parameter("s")
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.ry(s, 2)
    qc.append(PauliEvolutionGate(H, time=2 * t + s), [0, 2])
    qc.append(PauliEvolutionGate(H, time=0.7), [1, 0])
    X = np.random.default_rng(3).uniform(-2, 2, size=(3, 2))
    np.testing.assert_allclose(statevectors(qc, X), _ref(qc, X), atol=1e-10)
    adj = gradients(qc, "ZXZ", X)
    np.testing.assert_allclose(gradients(qc, "ZXZ", X, method="parameter-shift"), adj, atol=1e-9)
    eps = 1e-6
    fd = [(expectation_values(qc, "ZXZ", X + eps * e) - expectation_values(qc, "ZXZ", X - eps * e)) / (2 * eps) for e in np.eye(2)]
    np.testing.assert_allclose(adj, np.stack(fd, -1), atol=1e-6)


def test_initialize_and_state_preparation() -> None:
    t = Parameter("t")
    qc = QuantumCircuit(3)
    qc.initialize([0, 0.6, 0, 0.8], [0, 2])
    qc.ry(t, 1)
    qc.cx(1, 0)
    X = np.array([[0.3], [1.7]])
    np.testing.assert_allclose(statevectors(qc, X), _ref(qc, X), atol=1e-12)
    qc2 = QuantumCircuit(2)
    qc2.initialize("+1")
    np.testing.assert_allclose(statevectors(qc2), Statevector(qc2).data, atol=1e-12)
    qc3 = QuantumCircuit(2)
    qc3.ry(t, 0)
    qc3.append(StatePreparation([0.6, 0.8]), [1])  # fresh qubit
    qc3.append(StatePreparation([0.8, 0.6]), [0])  # used qubit: applied as a unitary
    np.testing.assert_allclose(statevectors(qc3, X), _ref(qc3, X), atol=1e-12)
    # gradients work across an initialize
    qc.rz(2 * t, 2)
    adj = gradients(qc, "XZY", X)
    np.testing.assert_allclose(gradients(qc, "XZY", X, method="parameter-shift"), adj, atol=1e-10)


def test_twelve_qubits_and_max_qubits() -> None:
    assert MAX_QUBITS >= 12
    qc = efficient_su2(12, reps=1)
    X = np.random.default_rng(4).uniform(-2, 2, size=(2, qc.num_parameters))
    np.testing.assert_allclose(statevectors(qc, X), _ref(qc, X), atol=1e-10)


# ---------------------------------------------------------------- gradients
def test_gradient_chain_rule_through_expressions() -> None:
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(1)
    qc.rx(2 * a * b + a.sin(), 0)  # <Z> = cos(2ab + sin a)
    X = np.array([[0.3, 0.7], [-1.2, 0.4]])
    ang = 2 * X[:, 0] * X[:, 1] + np.sin(X[:, 0])
    expected = np.stack([-np.sin(ang) * (2 * X[:, 1] + np.cos(X[:, 0])), -np.sin(ang) * 2 * X[:, 0]], -1)
    for method in ("auto", "adjoint", "parameter-shift"):
        np.testing.assert_allclose(gradients(qc, "Z", X, method=method), expected, atol=1e-12)


def test_controlled_rotation_uses_four_term_rule() -> None:
    t = Parameter("t")
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cry(t, 0, 1)
    X = np.linspace(-3, 3, 7)[:, None]
    expected = 0.5 * -np.sin(X[:, 0])  # <Z1> = 1/2 + cos(t)/2
    np.testing.assert_allclose(gradients(qc, "ZI", X, method="parameter-shift")[:, 0], expected, atol=1e-12)


# ---------------------------------------------------------------- caching
def test_cache_notices_mutation() -> None:
    qc = QuantumCircuit(1)
    qc.h(0)
    assert compile_circuit(qc) is compile_circuit(qc)
    before = expectation_values(qc, "X")
    qc.z(0)
    assert expectation_values(qc, "X") == pytest.approx(-before)
    t = Parameter("t")
    qc2 = QuantumCircuit(1)
    qc2.rx(t, 0)
    assert statevectors(qc2, [0.5]).shape == (2,)
    qc2.assign_parameters({t: np.pi}, inplace=True)
    np.testing.assert_allclose(np.abs(statevectors(qc2)), [0, 1], atol=1e-12)


# ---------------------------------------------------------------- errors
def test_wrong_parameter_count_names_count_and_order() -> None:
    qc = _ry_circuit()
    with pytest.raises(ValueError, match=r"shape \(5,\).*3 parameter\(s\) \[th\[0\], th\[1\], th\[2\]\].*\(\.\.\., 3\)"):
        statevectors(qc, np.zeros(5))
    with pytest.raises(ValueError, match=r"circuit.parameters order"):
        expectation_values(qc, "ZZ", np.zeros((4, 2)))
    t = Parameter("t")
    one = QuantumCircuit(1)
    one.ry(t, 0)
    with pytest.raises(ValueError, match=r"values\[:, None\]"):
        statevectors(one, np.zeros(8))


def test_unbound_parameters() -> None:
    with pytest.raises(ValueError, match=r"3 unbound parameter\(s\).*no parameter_values"):
        statevectors(_ry_circuit())


def test_nan_and_inf_values() -> None:
    X = np.zeros((3, 3))
    X[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN/inf.*index \(1, 2\)"):
        expectation_values(_ry_circuit(), "ZZ", X)
    with pytest.raises(ValueError, match=r"finite"):
        gradients(_ry_circuit(), "ZZ", [0.0, np.inf, 0.0])


def test_non_numeric_values() -> None:
    with pytest.raises(ValueError, match=r"real numbers"):
        statevectors(_ry_circuit(), ["a", "b", "c"])


def test_observable_width_mismatch() -> None:
    with pytest.raises(ValueError, match=r"acts on 3 qubit\(s\) but the circuit has 2"):
        expectation_values(_ry_circuit(), "ZZZ", np.zeros(3))
    with pytest.raises(ValueError, match=r"circuit has 2"):
        gradients(_ry_circuit(), SparsePauliOp("Z"), np.zeros(3))


def test_too_many_qubits() -> None:
    with pytest.raises(ValueError, match=rf"{MAX_QUBITS + 1} qubits.*MAX_QUBITS={MAX_QUBITS}"):
        statevectors(QuantumCircuit(MAX_QUBITS + 1))


def test_unsupported_parameterised_gate_is_named() -> None:
    class Mystery(Gate):
        def __init__(self, theta):
            super().__init__("mystery", 1, [theta])

    qc = QuantumCircuit(1)
    qc.append(Mystery(Parameter("x")), [0])
    with pytest.raises(ValueError, match=r"'mystery' has free parameters"):
        statevectors(qc, [0.1])


def test_mid_circuit_measurement_and_reset() -> None:
    qc = QuantumCircuit(1, 1)
    qc.h(0)
    qc.measure(0, 0)
    qc.x(0)
    with pytest.raises(ValueError, match=r"mid-circuit measurement.*qubit 0"):
        statevectors(qc)
    with pytest.raises(ValueError, match=r"mid-circuit"):
        Sampler().run([qc])
    r = QuantumCircuit(1)
    r.h(0)
    r.reset(0)  # reset after use: a mixture, simulated exactly (see test_engine_reset.py)
    np.testing.assert_allclose(probabilities(r), [1.0, 0.0], atol=1e-15)
    with pytest.raises(ValueError, match=r"mixed and has no statevector"):
        statevectors(r)


def test_estimator_rejects_measurements_like_qiskit() -> None:
    qc = QuantumCircuit(1)
    qc.h(0)
    qc.measure_all()
    with pytest.raises(ValueError, match=r"must not contain measurements.*remove_final_measurements"):
        Estimator().run([(qc, "Z")])


def test_bad_method_qubits_and_run_arguments() -> None:
    qc = _ry_circuit()
    with pytest.raises(ValueError, match=r"unknown gradient method 'magic'.*'adjoint'.*'parameter-shift'"):
        gradients(qc, "ZZ", np.zeros(3), method="magic")
    with pytest.raises(ValueError, match=r"distinct indices in range\(0, 2\)"):
        probabilities(qc, np.zeros(3), qubits=[0, 2])
    with pytest.raises(ValueError, match=r"list of PUBs"):
        Estimator().run((qc, "ZZ", np.zeros(3)))
    with pytest.raises(ValueError, match=r"single observable"):
        gradients(qc, ["ZZ", "XX"], np.zeros(3))
    with pytest.raises(ValueError, match=r"not Hermitian"):
        expectation_values(qc, SparsePauliOp(["ZZ", "XX"], [1.0, 1.0j]), np.zeros(3))


def test_nested_initialize_inside_a_composite_instruction() -> None:
    sub = QuantumCircuit(2)
    sub.initialize([0, 0.6, 0.8, 0], [0, 1])
    sub.h(1)
    qc = QuantumCircuit(3)
    qc.append(sub.to_instruction(), [2, 0])
    qc.x(1)
    flat = QuantumCircuit(3)  # the same circuit written flat (Statevector cannot nest initialize)
    flat.initialize([0, 0.6, 0.8, 0], [2, 0])
    flat.h(0)
    flat.x(1)
    np.testing.assert_allclose(statevectors(qc), Statevector(flat).data, atol=1e-12)


def test_docstring_examples() -> None:
    import doctest

    import qmlwidgets.engine as eng
    from qmlwidgets.engine import _compile, _core, primitives

    for mod in (eng, _compile, _core, primitives):
        result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, mod.__name__
        assert result.attempted > 0, mod.__name__
