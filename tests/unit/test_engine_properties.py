"""Property tests: random circuits agree with qiskit's Statevector / StatevectorEstimator.

Together these tests draw well over 500 random circuits (1-6 qubits, gates from the
whole supported set, random parameter expressions).  ``derandomize=True`` keeps CI
reproducible.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.circuit import library as lib
from qiskit.primitives import StatevectorEstimator
from qiskit.quantum_info import SparsePauliOp, Statevector

from qmlwidgets.engine import expectation_values, gradients, probabilities, statevectors, value_and_gradient

_H_EVO = SparsePauliOp(["XY", "ZI", "YY"], [0.3, -0.7, 0.2])  # non-commuting terms

# name -> (gate factory, number of qubits, number of angles)
GATES = {
    "h": (lib.HGate, 1, 0), "x": (lib.XGate, 1, 0), "y": (lib.YGate, 1, 0), "z": (lib.ZGate, 1, 0),
    "s": (lib.SGate, 1, 0), "sdg": (lib.SdgGate, 1, 0), "t": (lib.TGate, 1, 0), "tdg": (lib.TdgGate, 1, 0),
    "sx": (lib.SXGate, 1, 0), "sxdg": (lib.SXdgGate, 1, 0), "id": (lib.IGate, 1, 0),
    "p": (lib.PhaseGate, 1, 1), "u": (lib.UGate, 1, 3), "u1": (lib.U1Gate, 1, 1), "u2": (lib.U2Gate, 1, 2),
    "u3": (lib.U3Gate, 1, 3), "r": (lib.RGate, 1, 2), "rx": (lib.RXGate, 1, 1), "ry": (lib.RYGate, 1, 1),
    "rz": (lib.RZGate, 1, 1),
    "cx": (lib.CXGate, 2, 0), "cy": (lib.CYGate, 2, 0), "cz": (lib.CZGate, 2, 0), "ch": (lib.CHGate, 2, 0),
    "cs": (lib.CSGate, 2, 0), "csdg": (lib.CSdgGate, 2, 0), "csx": (lib.CSXGate, 2, 0),
    "swap": (lib.SwapGate, 2, 0), "iswap": (lib.iSwapGate, 2, 0), "ecr": (lib.ECRGate, 2, 0),
    "dcx": (lib.DCXGate, 2, 0),
    "cp": (lib.CPhaseGate, 2, 1), "crx": (lib.CRXGate, 2, 1), "cry": (lib.CRYGate, 2, 1),
    "crz": (lib.CRZGate, 2, 1), "cu": (lib.CUGate, 2, 4), "cu1": (lib.CU1Gate, 2, 1), "cu3": (lib.CU3Gate, 2, 3),
    "rxx": (lib.RXXGate, 2, 1), "ryy": (lib.RYYGate, 2, 1), "rzz": (lib.RZZGate, 2, 1), "rzx": (lib.RZXGate, 2, 1),
    "xx_plus_yy": (lib.XXPlusYYGate, 2, 2), "xx_minus_yy": (lib.XXMinusYYGate, 2, 2),
    "pauli_evolution": (lambda t: lib.PauliEvolutionGate(_H_EVO, time=t), 2, 1),
    "ccx": (lib.CCXGate, 3, 0), "ccz": (lib.CCZGate, 3, 0), "cswap": (lib.CSwapGate, 3, 0),
    "rccx": (lib.RCCXGate, 3, 0), "mcphase": (lambda t: lib.MCPhaseGate(t, 2), 3, 1),
    "c3x": (lib.C3XGate, 4, 0),
}
NAMES = sorted(GATES)
TOL = 1e-10


def expression(kind: int, params, i: int, j: int, c: float):
    """A gate angle of one of several shapes (all smooth and real)."""
    a, b = params[i % len(params)], params[j % len(params)]
    return [
        lambda: a,
        lambda: c * a + 0.3,
        lambda: a + b,
        lambda: a * b,
        lambda: a.sin() * 1.5,
        lambda: (a * c).cos() + b,
        lambda: a**2 - b,
        lambda: (a / 3).exp(),
        lambda: c,
        lambda: 2 * a - 0.5 * b + 0.1,
    ][kind % 10]()


def build(n: int, spec, num_params: int, phase_kind) -> QuantumCircuit:
    params = list(ParameterVector("w", max(num_params, 1)))
    qc = QuantumCircuit(n)
    for name, order, angles in spec:
        factory, k, _ = GATES[name]
        args = [expression(kind, params, i, j, c) if num_params else c for kind, i, j, c in angles]
        qc.append(factory(*args), order[:k])
    if phase_kind is not None and num_params:
        qc.global_phase = expression(phase_kind, params, 0, 1, 0.7)
    return qc


angle = st.tuples(
    st.integers(0, 9), st.integers(0, 5), st.integers(0, 5), st.floats(-2, 2, allow_nan=False).map(lambda x: round(x, 3))
)


@st.composite
def circuits(draw, max_qubits: int = 6, max_gates: int = 10):
    n = draw(st.integers(1, max_qubits))
    usable = [g for g in NAMES if GATES[g][1] <= n]
    spec = []
    for _ in range(draw(st.integers(1, max_gates))):
        name = draw(st.sampled_from(usable))
        order = draw(st.permutations(range(n)))
        angles = [draw(angle) for _ in range(GATES[name][2])]
        spec.append((name, list(order), angles))
    num_params = draw(st.integers(0, 4))
    phase_kind = draw(st.none() | st.integers(0, 9))
    return build(n, spec, num_params, phase_kind)


def reference_states(qc: QuantumCircuit, X: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy notes inside PauliEvolutionGate.to_matrix
        return np.array([Statevector(qc.assign_parameters(x)).data for x in X])


# examples per property test (>= 500 random circuits in total, see the guard test below)
N_STATES, N_ESTIMATOR, N_GRADIENTS, N_BATCH = 300, 80, 80, 50
SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=N_STATES, **SETTINGS)
@given(qc=circuits(), seed=st.integers(0, 2**16))
def test_statevectors_match_qiskit(qc: QuantumCircuit, seed: int) -> None:
    X = np.random.default_rng(seed).uniform(-2, 2, size=(2, qc.num_parameters))
    ours = statevectors(qc, X)
    ref = reference_states(qc, X)
    assert ours.shape == (2, 2**qc.num_qubits)
    np.testing.assert_allclose(ours, ref, atol=TOL, rtol=0)
    probs = probabilities(qc, X)
    np.testing.assert_allclose(probs, np.abs(ref) ** 2, atol=TOL, rtol=0)


@settings(max_examples=N_ESTIMATOR, **SETTINGS)
@given(qc=circuits(max_qubits=5, max_gates=8), seed=st.integers(0, 2**16), data=st.data())
def test_expectation_values_match_statevector_estimator(qc: QuantumCircuit, seed: int, data) -> None:
    n = qc.num_qubits
    labels = data.draw(st.lists(st.text("IXYZ", min_size=n, max_size=n), min_size=1, max_size=3, unique=True))
    coeffs = np.random.default_rng(seed).normal(size=len(labels))
    obs = SparsePauliOp(labels, coeffs)
    X = np.random.default_rng(seed + 1).uniform(-2, 2, size=(2, qc.num_parameters))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = StatevectorEstimator().run([(qc, obs, X)]).result()[0].data.evs
    ours = expectation_values(qc, obs, X)
    assert ours.shape == ref.shape == (2,)
    np.testing.assert_allclose(ours, ref, atol=TOL, rtol=0)


@settings(max_examples=N_GRADIENTS, **SETTINGS)
@given(qc=circuits(max_qubits=4, max_gates=8), seed=st.integers(0, 2**16), data=st.data())
def test_gradients_match_finite_differences_and_each_other(qc: QuantumCircuit, seed: int, data) -> None:
    P = qc.num_parameters
    if P == 0:
        return
    n = qc.num_qubits
    label = data.draw(st.text("IXYZ", min_size=n, max_size=n).filter(lambda s: set(s) != {"I"}))
    obs = SparsePauliOp([label, "Z" * n], [0.8, 0.3])
    X = np.random.default_rng(seed).uniform(-1.5, 1.5, size=(2, P))
    val, adj = value_and_gradient(qc, obs, X, method="adjoint")
    ps = gradients(qc, obs, X, method="parameter-shift")
    np.testing.assert_allclose(val, expectation_values(qc, obs, X), atol=TOL, rtol=0)
    np.testing.assert_allclose(ps, adj, atol=1e-9, rtol=0)
    eps = 1e-5
    fd = np.stack(
        [
            (expectation_values(qc, obs, X + eps * e) - expectation_values(qc, obs, X - eps * e)) / (2 * eps)
            for e in np.eye(P)
        ],
        axis=-1,
    )
    np.testing.assert_allclose(adj, fd, atol=2e-6, rtol=0)


@settings(max_examples=N_BATCH, **SETTINGS)
@given(qc=circuits(max_qubits=6, max_gates=12), seed=st.integers(0, 2**16))
def test_batch_shapes_and_rows_are_independent(qc: QuantumCircuit, seed: int) -> None:
    """Any batch shape works, and each row equals its own single evaluation."""
    P = qc.num_parameters
    X = np.random.default_rng(seed).uniform(-2, 2, size=(2, 3, P))
    batched = statevectors(qc, X)
    assert batched.shape == (2, 3, 2**qc.num_qubits)
    single = statevectors(qc, X[1, 2])
    np.testing.assert_allclose(batched[1, 2], single, atol=1e-12, rtol=0)


def test_number_of_random_circuits_is_at_least_500() -> None:
    """Guard: the property tests above draw >= 500 circuits in total."""
    assert N_STATES + N_ESTIMATOR + N_GRADIENTS + N_BATCH >= 500


@pytest.mark.parametrize("name", NAMES)
def test_every_gate_alone_with_symbolic_and_numeric_angles(name: str) -> None:
    factory, k, nang = GATES[name]
    n = k + 1
    w = ParameterVector("w", max(nang, 1))
    for symbolic in (True, False):
        qc = QuantumCircuit(n)
        qc.h(range(n))
        qc.ry(0.3, 0)
        args = [w[i] * (i + 1) + 0.2 for i in range(nang)] if symbolic else [0.37 * (i + 1) for i in range(nang)]
        qc.append(factory(*args), list(range(n))[::-1][:k])
        X = np.random.default_rng(0).uniform(-2, 2, size=(4, qc.num_parameters))
        np.testing.assert_allclose(statevectors(qc, X), reference_states(qc, X), atol=TOL, rtol=0)
