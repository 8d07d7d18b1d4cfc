"""qmlwidgets.states against qiskit.quantum_info (partial_trace, purity, entropy, Kraus, SuperOp, evolve)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.circuit.library import HGate, RVGate, RXGate, RYGate, RZGate, SdgGate, SGate, SXdgGate, SXGate, \
    TdgGate, TGate, XGate, YGate, ZGate
from qiskit.quantum_info import (DensityMatrix, Kraus, Operator, Pauli, SparsePauliOp, Statevector, SuperOp, entropy,
                                 partial_trace, random_density_matrix, random_statevector, random_unitary)
from qiskit.quantum_info import purity as q_purity

from qmlwidgets import states as S

ANGLE = st.floats(min_value=-2 * np.pi, max_value=2 * np.pi, allow_nan=False)
THETA = st.floats(min_value=0.0, max_value=np.pi, allow_nan=False)
PHI = st.floats(min_value=0.0, max_value=2 * np.pi, allow_nan=False, exclude_max=True)

QISKIT_GATES = {"x": XGate(), "y": YGate(), "z": ZGate(), "h": HGate(), "s": SGate(), "sdg": SdgGate(),
                "t": TGate(), "tdg": TdgGate(), "sx": SXGate(), "sxdg": SXdgGate()}
QISKIT_ROTATIONS = {"rx": RXGate, "ry": RYGate, "rz": RZGate}


def pauli_bloch(state, qubit: int, n: int) -> np.ndarray:
    """Reference: <X_q>, <Y_q>, <Z_q> with Qiskit's own expectation values."""
    s = state if isinstance(state, (Statevector, DensityMatrix)) else Statevector(state)
    out = []
    for p in "XYZ":
        label = ["I"] * n
        label[n - 1 - qubit] = p
        out.append(s.expectation_value(Pauli("".join(label))).real)
    return np.array(out)


def random_states(n: int, count: int = 3):
    for k in range(count):
        yield random_statevector(2**n, seed=100 * n + k)
        yield random_density_matrix(2**n, rank=2, seed=100 * n + k)


# --------------------------------------------------------------------------- input validation
def test_as_state_array_accepts_all_forms():
    bell = QuantumCircuit(2)
    bell.h(0)
    bell.cx(0, 1)
    bell.measure_all()  # final measurements are dropped
    a = S.as_state_array(bell)
    assert np.allclose(a, Statevector.from_label("00").evolve(bell.remove_final_measurements(inplace=False)).data)
    assert S.as_state_array([1, 0]).dtype == complex
    assert S.as_state_array(Statevector.from_label("+")).shape == (2,)
    assert S.as_state_array(DensityMatrix.from_label("01")).shape == (4, 4)
    assert S.as_state_array(np.eye(2) / 2).shape == (2, 2)
    reset = QuantumCircuit(1)
    reset.h(0)
    reset.reset(0)  # not unitary: simulated as a density matrix
    assert np.allclose(S.as_state_array(reset), [[1, 0], [0, 0]])


@pytest.mark.parametrize("bad, match", [
    ([1, 1], r"not normalised: sum of \|amplitude\|\*\*2 is 2 but must be 1"),
    ([0, 0], "not normalised"),
    ([1, 0, 0], "dimension 3; expected a power of two"),
    ([1], "dimension 1; expected a power of two"),
    ([np.nan, 0], "NaN or infinite"),
    ([np.inf, 0], "NaN or infinite"),
    (np.zeros(2**6).tolist(), "6 qubits; at most 5"),
    (np.ones((2, 3)), r"shape \(2, 3\)"),
    (np.zeros((2, 2, 2)), "shape"),
    (np.array([[1, 1], [0, 0]]), "not Hermitian"),
    (np.eye(2), "trace is 2 but must be 1"),
    (np.diag([1.5, -0.5]), "negative eigenvalue"),
    ("01", "not numeric"),
    (Statevector(np.array([1, 0, 0]), dims=(3,)), r"subsystem dimensions \(3,\); expected qubits"),
    ([[1, 0], [0]], "could not be read as an array"),
])
def test_as_state_array_rejects_with_a_clear_message(bad, match):
    with pytest.raises(ValueError, match=match):
        S.as_state_array(bad)


def test_as_state_array_rejects_bad_circuits():
    theta = Parameter("theta")
    qc = QuantumCircuit(1)
    qc.ry(theta, 0)
    with pytest.raises(ValueError, match=r"free parameters \(theta\); bind them first"):
        S.as_state_array(qc)
    with pytest.raises(ValueError, match="6 qubits; at most 5"):
        S.as_state_array(QuantumCircuit(6))
    with pytest.raises(ValueError, match="no qubits"):
        S.as_state_array(QuantumCircuit(0))
    assert S.as_state_array(QuantumCircuit(6), max_qubits=6).shape == (64,)


def test_small_helpers():
    assert S.num_qubits(np.zeros(8)) == 3
    assert S.num_qubits(np.eye(4) / 4) == 2
    assert S.is_pure([1, 0]) and not S.is_pure(np.eye(2) / 2)
    assert S.is_pure(DensityMatrix.from_label("+"))
    assert np.allclose(S.to_density_matrix([0, 1]), [[0, 0], [0, 1]])


# --------------------------------------------------------------------------- one qubit
@settings(max_examples=60, deadline=None)
@given(theta=THETA, phi=PHI)
def test_angles_round_trip_and_bloch_vector_match_qiskit(theta, phi):
    psi = S.state_from_angles(theta, phi)
    r = S.bloch_vector(psi)
    assert np.allclose(r, pauli_bloch(psi, 0, 1), atol=1e-12)
    assert np.allclose(r, [np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)], atol=1e-12)
    th, ph = S.angles_from_bloch(r)
    assert 0 <= th <= np.pi and 0 <= ph < 2 * np.pi
    assert np.isclose(th, theta, atol=1e-7)
    if np.hypot(r[0], r[1]) > 1e-9:
        assert np.isclose(np.exp(1j * ph), np.exp(1j * phi), atol=1e-6)
    elif np.hypot(r[0], r[1]) < 1e-12:
        assert ph == 0.0  # undefined azimuth at the poles is reported as 0


@pytest.mark.parametrize("label, vec", [("0", (0, 0, 1)), ("1", (0, 0, -1)), ("+", (1, 0, 0)), ("-", (-1, 0, 0)),
                                        ("r", (0, 1, 0)), ("l", (0, -1, 0))])
def test_poles(label, vec):
    sv = Statevector.from_label(label)
    assert np.allclose(S.bloch_vector(sv), vec)
    assert np.allclose(S.bloch_vector(DensityMatrix(sv)), vec)
    assert DensityMatrix(S.density_from_bloch(vec)) == DensityMatrix(sv)


def test_bloch_vector_of_mixed_states_and_inverse():
    for k in range(5):
        rho = random_density_matrix(2, seed=k)
        r = S.bloch_vector(rho)
        assert np.allclose(r, pauli_bloch(rho, 0, 1))
        assert np.allclose(S.density_from_bloch(r), rho.data)
        assert np.isclose(S.purity(rho), (1 + r @ r) / 2)  # purity of a qubit from its Bloch vector
    assert np.allclose(S.bloch_vector(np.eye(2) / 2), 0)
    with pytest.raises(ValueError, match="one-qubit state"):
        S.bloch_vector([1, 0, 0, 0])
    assert S.angles_from_bloch([0, 0, 0]) == (0.0, 0.0)
    assert S.angles_from_bloch([0, 0, -0.3]) == (np.pi, 0.0)


# --------------------------------------------------------------------------- many qubits
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_reduced_density_matrix_matches_partial_trace(n):
    for state in random_states(n, 2):
        arr = state.data
        for k in range(1, n + 1):
            for keep in itertools.combinations(range(n), k):
                traced = [q for q in range(n) if q not in keep]
                ref = partial_trace(state, traced) if traced else DensityMatrix(state)
                got = S.reduced_density_matrix(arr, list(keep))
                assert np.allclose(got, ref.data, atol=1e-12), (n, keep)


def test_reduced_density_matrix_honours_keep_order():
    state = random_statevector(8, seed=5)
    sorted_rho = DensityMatrix(partial_trace(state, [1]))
    swapped = S.reduced_density_matrix(state, [2, 0])  # keep[0] = qubit 2 becomes qubit 0
    assert np.allclose(swapped, sorted_rho.reverse_qargs().data)
    with pytest.raises(ValueError, match="distinct qubits between 0 and 2"):
        S.reduced_density_matrix(state, [0, 3])
    with pytest.raises(ValueError, match="distinct"):
        S.reduced_density_matrix(state, [1, 1])


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_bloch_vectors_match_pauli_expectations(n):
    for state in random_states(n, 2):
        got = S.bloch_vectors(state)
        assert got.shape == (n, 3)
        for q in range(n):
            assert np.allclose(got[q], pauli_bloch(state, q, n), atol=1e-12)
            assert np.allclose(S.reduced_density_matrices(state)[q], partial_trace(
                state, [p for p in range(n) if p != q]).data if n > 1 else state.data if isinstance(
                state, DensityMatrix) else DensityMatrix(state).data, atol=1e-12)


def test_bloch_vectors_little_endian():
    # |01>: qubit 0 (rightmost) is |1>, qubit 1 is |0>
    assert np.allclose(S.bloch_vectors(Statevector.from_label("01")), [[0, 0, -1], [0, 0, 1]])
    assert np.allclose(S.bloch_vectors(Statevector.from_label("+1r")), [[0, 1, 0], [0, 0, -1], [1, 0, 0]])


def test_purity_and_entropy_match_qiskit():
    for n in (1, 2, 3):
        for state in random_states(n, 2):
            dm = DensityMatrix(state)
            assert np.isclose(S.purity(state), q_purity(state))
            assert np.isclose(S.purity(dm.data), q_purity(dm))
            assert np.isclose(S.von_neumann_entropy(dm.data), entropy(dm, base=2), atol=1e-9)
            assert np.isclose(S.von_neumann_entropy(dm.data, base=np.e), entropy(dm, base=np.e), atol=1e-9)
    assert S.von_neumann_entropy([1, 0]) == 0.0
    assert np.isclose(S.von_neumann_entropy(np.eye(8) / 8), 3.0)


def test_entanglement_entropy_matches_entropy_of_partial_trace():
    for n in (2, 3, 4):
        psi = random_statevector(2**n, seed=n)
        for k in range(1, n):
            for cut in itertools.combinations(range(n), k):
                traced = [q for q in range(n) if q not in cut]
                ref = entropy(partial_trace(psi, traced), base=2)
                assert np.isclose(S.entanglement_entropy(psi, cut), ref, atol=1e-9)
                # pure state: both sides of the cut have the same entropy
                assert np.isclose(S.entanglement_entropy(psi, cut), S.entanglement_entropy(psi, traced), atol=1e-9)
    bell = (Statevector.from_label("00") + Statevector.from_label("11")) / np.sqrt(2)
    assert np.isclose(S.entanglement_entropy(bell, [0]), 1.0)
    assert np.isclose(S.entanglement_entropy(Statevector.from_label("0+"), [1]), 0.0)


# --------------------------------------------------------------------------- gates and rotations
@pytest.mark.parametrize("name", sorted(QISKIT_GATES))
def test_gate_matrix_equals_qiskit_and_axis_angle_is_the_same_rotation(name):
    assert np.allclose(S.gate_matrix(name), Operator(QISKIT_GATES[name]).data)
    axis, angle = S.gate_axis_angle(name)
    u = S.unitary_from_axis_angle(axis, angle)
    assert Operator(u).equiv(Operator(QISKIT_GATES[name]))


@pytest.mark.parametrize("name", sorted(QISKIT_ROTATIONS))
def test_rotation_gates_equal_qiskit(name):
    for a in (-5.0, -np.pi / 3, 0.0, 0.7, 2 * np.pi):
        assert np.allclose(S.gate_matrix(name, a), Operator(QISKIT_ROTATIONS[name](a)).data)
        assert np.isclose(S.gate_axis_angle(name, a)[1], a)


def test_gate_name_errors_and_aliases():
    assert np.allclose(S.gate_matrix("S†"), S.gate_matrix("sdg"))
    assert np.allclose(S.gate_matrix("T†"), S.gate_matrix("tdg"))
    assert np.allclose(S.gate_matrix("H"), S.gate_matrix("h"))
    with pytest.raises(ValueError, match="unknown gate 'cx'; expected one of"):
        S.gate_matrix("cx")
    with pytest.raises(ValueError, match="needs an angle"):
        S.gate_matrix("rx")
    with pytest.raises(ValueError, match="takes no angle"):
        S.gate_matrix("x", 0.3)
    with pytest.raises(ValueError, match="not finite"):
        S.gate_matrix("rz", float("nan"))


def test_unitary_axis_angle_reconstructs_random_unitaries():
    for k in range(20):
        u = random_unitary(2, seed=k)
        axis, angle = S.unitary_axis_angle(u)
        assert 0 <= angle <= np.pi + 1e-12
        assert np.isclose(np.linalg.norm(axis), 1)
        assert Operator(S.unitary_from_axis_angle(axis, angle)).equiv(u)
    axis, angle = S.unitary_axis_angle(np.eye(2) * 1j)
    assert angle == 0.0
    with pytest.raises(ValueError, match="not unitary"):
        S.unitary_axis_angle(np.ones((2, 2)))
    with pytest.raises(ValueError, match="2x2 unitary"):
        S.unitary_axis_angle(np.eye(4))


def test_rotation_matrix_agrees_with_rv_gate():
    for k in range(10):
        rng = np.random.default_rng(k)
        axis = rng.normal(size=3)
        angle = rng.uniform(-7, 7)
        psi = random_statevector(2, seed=k)
        evolved = psi.evolve(RVGate(*(axis / np.linalg.norm(axis) * angle)))
        r = S.bloch_vector(psi)
        assert np.allclose(S.rotation_matrix(axis, angle) @ r, S.bloch_vector(evolved))


@pytest.mark.parametrize("name, angle", [(g, None) for g in QISKIT_GATES] + [("rx", 1.1), ("ry", -2.5), ("rz", 4.0)])
def test_rotation_path_ends_where_qiskit_evolves_the_state(name, angle):
    for k in range(3):
        for state in (random_statevector(2, seed=k), random_density_matrix(2, seed=k)):
            r0 = S.bloch_vector(state)
            gate = QISKIT_GATES[name] if angle is None else QISKIT_ROTATIONS[name](angle)
            path = S.rotation_path(r0, *S.gate_axis_angle(name, angle))
            assert path.ndim == 2 and path.shape[1] == 3 and len(path) >= 2
            assert np.allclose(path[0], r0)
            assert np.allclose(path[-1], S.bloch_vector(state.evolve(gate)), atol=1e-12)
            assert np.allclose(np.linalg.norm(path, axis=1), np.linalg.norm(r0))  # stays on its shell
            axis, _ = S.gate_axis_angle(name, angle)
            assert np.allclose(path @ axis, r0 @ axis)  # a circle about the axis


def test_rotation_path_sampling():
    assert len(S.rotation_path([0, 0, 1], [1, 0, 0], np.pi)) == 61  # ~3 degrees per point
    assert len(S.rotation_path([0, 0, 1], [1, 0, 0], 0.0)) == 2
    assert len(S.rotation_path([0, 0, 1], [1, 0, 0], 1.0, num_points=7)) == 7


@pytest.mark.parametrize("u, v", [((0, 0, 1), (1, 0, 0)), ((0.3, 0.1, 0.2), (-0.1, 0.5, 0.4)), ((0, 0, 1), (0, 0, -1)),
                                  ((1, 0, 0), (-1, 0, 0)), ((0, 0, 0.5), (0, 0, 2))])
def test_rotation_between(u, v):
    axis, angle = S.rotation_between(u, v)
    turned = S.rotation_matrix(axis, angle) @ np.asarray(u, dtype=float)
    assert np.allclose(turned / np.linalg.norm(turned), np.asarray(v) / np.linalg.norm(v))
    with pytest.raises(ValueError, match="length 0"):
        S.rotation_between([0, 0, 0], v)


def test_apply_unitary_matches_qiskit_evolve():
    for n in (1, 2, 3):
        for q in range(n):
            u = random_unitary(2, seed=q + 10 * n)
            psi = random_statevector(2**n, seed=n)
            rho = random_density_matrix(2**n, seed=n)
            assert np.allclose(S.apply_unitary(psi.data, u.data, q), psi.evolve(u, qargs=[q]).data)
            assert np.allclose(S.apply_unitary(rho.data, u, q), rho.evolve(u, qargs=[q]).data)


# --------------------------------------------------------------------------- channels
@pytest.mark.parametrize("name", S.CHANNELS)
@pytest.mark.parametrize("p", [0.0, 0.2, 0.75, 1.0])
def test_channels_are_cptp_and_match_qiskit_kraus_evolution(name, p):
    ks = S.kraus_operators(name, p)
    assert Kraus(ks).is_cptp()
    for n in (1, 3):
        for q in range(n):
            rho = random_density_matrix(2**n, seed=q)
            ref = rho.evolve(Kraus(ks), qargs=[q])
            assert np.allclose(S.apply_channel(rho.data, name, p, q), ref.data, atol=1e-12)
    psi = random_statevector(2, seed=3)
    r = S.bloch_vector(psi)
    m, c = S.channel_bloch_map(name, p)
    assert np.allclose(S.bloch_vector(S.apply_channel(psi.data, name, p)), m @ r + c)  # affine Bloch map
    path = S.channel_path(r, name, p)
    assert np.allclose(path[0], r) and np.allclose(path[-1], m @ r + c)


def test_channel_strength_semantics():
    plus = S.state_from_angles(np.pi / 2, 0)
    assert np.allclose(S.bloch_vector(S.apply_channel(plus, "depolarizing", 0.3)), [0.7, 0, 0])
    assert np.allclose(S.bloch_vector(S.apply_channel(plus, "dephasing", 0.3)), [0.7, 0, 0])
    one = np.array([0, 1])
    assert np.allclose(S.bloch_vector(S.apply_channel(one, "amplitude_damping", 1.0)), [0, 0, 1])
    assert np.allclose(S.bloch_vector(S.apply_channel(one, "dephasing", 1.0)), [0, 0, -1])
    assert np.allclose(S.apply_channel(plus, "depolarising", 1.0), np.eye(2) / 2)  # British alias


def test_channels_equal_qiskit_aer_noise_models():
    noise = pytest.importorskip("qiskit_aer.noise")
    for p in (0.1, 0.5, 0.9):
        assert SuperOp(Kraus(S.kraus_operators("depolarizing", p))) == SuperOp(noise.depolarizing_error(p, 1))
        assert SuperOp(Kraus(S.kraus_operators("amplitude_damping", p))) == SuperOp(noise.amplitude_damping_error(p))
        # coherence factor (1 - p) = sqrt(1 - lambda) of Aer's phase damping
        lam = 1 - (1 - p) ** 2
        assert SuperOp(Kraus(S.kraus_operators("dephasing", p))) == SuperOp(noise.phase_damping_error(lam))


@pytest.mark.parametrize("strength", [-0.1, 1.5, float("nan"), "a lot"])
def test_channel_strength_outside_unit_interval_is_rejected(strength):
    with pytest.raises(ValueError, match=r"expected a value in \[0, 1\]"):
        S.kraus_operators("depolarizing", strength)


def test_unknown_channel():
    with pytest.raises(ValueError, match="unknown channel 'bitflip'; expected one of depolarizing"):
        S.kraus_operators("bitflip", 0.1)


# --------------------------------------------------------------------------- measurement
def _basis_change_circuit(basis: str, n: int) -> QuantumCircuit:
    qc = QuantumCircuit(n)
    for q in range(n):
        b = basis[n - 1 - q] if len(basis) == n else basis
        if b == "X":
            qc.h(q)
        elif b == "Y":
            qc.sdg(q)
            qc.h(q)
    return qc


@pytest.mark.parametrize("basis", ["Z", "X", "Y", "XZY"])
def test_measurement_probabilities_match_qiskit(basis):
    n = 3
    for state in random_states(n, 2):
        ref = state.evolve(_basis_change_circuit(basis, n)).probabilities()
        assert np.allclose(S.measurement_probabilities(state, basis), ref)


def test_measurement_probabilities_eigenstates():
    assert np.allclose(S.measurement_probabilities(Statevector.from_label("+"), "X"), [1, 0])
    assert np.allclose(S.measurement_probabilities(Statevector.from_label("l"), "Y"), [0, 1])
    assert np.allclose(S.measurement_probabilities(Statevector.from_label("+"), "Z"), [0.5, 0.5])
    # the Pauli expectation equals P(0) - P(1)
    psi = random_statevector(2, seed=9)
    for b in "XYZ":
        p = S.measurement_probabilities(psi, b)
        assert np.isclose(p[0] - p[1], psi.expectation_value(SparsePauliOp(b)).real)
    with pytest.raises(ValueError, match="basis 'Q' is not valid"):
        S.measurement_probabilities(psi, "Q")
    with pytest.raises(ValueError, match="one letter per qubit"):
        S.measurement_probabilities(psi, "XY")


def test_sample_counts_are_seeded_and_qiskit_shaped():
    p = S.measurement_probabilities(Statevector.from_label("+0"), "Z")  # qubit 0 = |0>, qubit 1 = |+>
    a = S.sample_counts(p, 4000, rng=7)
    assert a == S.sample_counts(p, 4000, rng=np.random.default_rng(7))
    assert set(a) == {"00", "10"} and sum(a.values()) == 4000
    assert abs(a["00"] / 4000 - 0.5) < 0.05
    for bad in (0, -3, 2.5, "many"):
        with pytest.raises(ValueError, match="shots"):
            S.sample_counts(p, bad)


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(S, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 30 and result.failed == 0
