"""Trigonometric reconstruction of landscapes (qmlwidgets.reconstruct + the scans using it).

The property tests draw random small circuits (1-4 qubits, Pauli rotations whose parameters
are reused with integer or half-integer coefficients, random fixed gates, random observables)
and random grids/directions: the reconstructed scan equals direct evaluation to 1e-10, and
``method="auto"`` falls back to direct evaluation (and stays correct) where it does not apply.
``derandomize=True`` keeps CI reproducible.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.circuit import library as lib
from qiskit.circuit.library import efficient_su2, qaoa_ansatz, real_amplitudes
from qiskit.quantum_info import SparsePauliOp

from qmlwidgets import landscape as L
from qmlwidgets import reconstruct as R

TOL = 1e-10
PROPS = settings(max_examples=150, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.large_base_example])

# rotations whose frequencies reconstruct.py knows: name -> (factory, qubits, angles)
ROTATIONS = {
    "rx": (lib.RXGate, 1, 1), "ry": (lib.RYGate, 1, 1), "rz": (lib.RZGate, 1, 1),
    "p": (lib.PhaseGate, 1, 1), "u1": (lib.U1Gate, 1, 1), "u": (lib.UGate, 1, 3),
    "u2": (lib.U2Gate, 1, 2), "r": (lib.RGate, 1, 2),
    "rxx": (lib.RXXGate, 2, 1), "ryy": (lib.RYYGate, 2, 1), "rzz": (lib.RZZGate, 2, 1),
    "rzx": (lib.RZXGate, 2, 1), "crx": (lib.CRXGate, 2, 1), "cry": (lib.CRYGate, 2, 1),
    "crz": (lib.CRZGate, 2, 1), "cp": (lib.CPhaseGate, 2, 1), "cu1": (lib.CU1Gate, 2, 1),
    "xx_plus_yy": (lib.XXPlusYYGate, 2, 2), "xx_minus_yy": (lib.XXMinusYYGate, 2, 2),
    # commuting terms with coefficients 1/2 and 1: frequencies 1 and 2
    "evolution": (lambda t: lib.PauliEvolutionGate(SparsePauliOp(["ZZ", "XX"], [0.5, -1.0]),
                                                   time=t), 2, 1),
}
FIXED = {"h": (lib.HGate, 1), "s": (lib.SGate, 1), "t": (lib.TGate, 1), "sx": (lib.SXGate, 1),
         "cx": (lib.CXGate, 2), "cz": (lib.CZGate, 2), "swap": (lib.SwapGate, 2),
         "ch": (lib.CHGate, 2), "ccx": (lib.CCXGate, 3)}
COEFFS = (1.0, -1.0, 2.0, -2.0, 0.5)


def build(n: int, n_params: int, ops: list) -> QuantumCircuit:
    """``ops``: ("rot", name, qubits, [(i, c, j, c2, b)]) or ("fix", name, qubits)."""
    theta = list(ParameterVector("t", n_params))
    qc = QuantumCircuit(n)
    rng = np.random.default_rng(n * 1000 + len(ops))
    for q in range(n):  # a generic product state: every coherence the gates can act on
        qc.u(*rng.uniform(0.3, 2.8, 3), q)
    for op in ops:
        if op[0] == "fix":
            factory, k = FIXED[op[1]]
            if k <= n:
                qc.append(factory(), op[2][:k])
            continue
        _, name, qubits, angles = op
        factory, k, _ = ROTATIONS[name]
        if k > n:
            continue
        # (an angle like -t + t - 1.5 that cancels to a negative constant trips hash() in
        # qiskit 2.6, inside the engine's compile cache: such draws drop the second term)
        args = [c * theta[i % n_params] + (0.0 if i % n_params == j % n_params and c + c2 == 0
                                           else c2) * theta[j % n_params] + b
                for i, c, j, c2, b in angles]
        qc.append(factory(*args), qubits[:k])
    for p in range(n_params):  # every parameter is used at least once
        qc.ry(theta[p], p % n)
    return qc


angle = st.tuples(st.integers(0, 3), st.sampled_from(COEFFS), st.integers(0, 3),
                  st.sampled_from((0.0, 0.0, 1.0, -0.5)),
                  st.floats(-2, 2, allow_nan=False).map(lambda x: round(x, 3)))
qubits = st.permutations(range(4))


@st.composite
def circuits(draw):
    n = draw(st.integers(1, 4))
    n_params = draw(st.integers(2, 3))
    ops = []
    for _ in range(draw(st.integers(1, 6))):
        order = [q % n for q in draw(qubits)]
        order = list(dict.fromkeys(order)) + [q for q in range(n) if q not in order]
        if draw(st.integers(0, 3)):
            name = draw(st.sampled_from(sorted(ROTATIONS)))
            k = ROTATIONS[name][2]
            ops.append(("rot", name, order, draw(st.lists(angle, min_size=k, max_size=k))))
        else:
            ops.append(("fix", draw(st.sampled_from(sorted(FIXED))), order))
    qc = build(n, n_params, ops)
    labels = draw(st.lists(st.text("IXYZ", min_size=n, max_size=n), min_size=1, max_size=3))
    coeffs = draw(st.lists(st.floats(0.1, 2) | st.floats(-2, -0.1), min_size=len(labels),
                           max_size=len(labels)))
    return qc, SparsePauliOp(labels, np.array(coeffs))


@st.composite
def directions(draw, n_params: int):
    """Two independent directions: parameter axes or integer combinations, rescaled."""
    out = []
    while len(out) < 2:
        if draw(st.booleans()):
            d = np.zeros(n_params)
            d[draw(st.integers(0, n_params - 1))] = 1.0
        else:
            d = np.array(draw(st.lists(st.integers(-2, 2), min_size=n_params,
                                       max_size=n_params)), dtype=float)
        d *= draw(st.sampled_from((1.0, 0.5, 1 / math.sqrt(2), 1.7)))
        if not np.any(d):
            continue
        if out and np.linalg.matrix_rank(np.stack([out[0], d])) < 2:
            d = np.zeros(n_params)
            d[int(np.argmin(np.abs(out[0])))] = 1.0
        out.append(d)
    return out


grids = st.tuples(st.floats(-4, 0, allow_nan=False), st.floats(0.3, 4, allow_nan=False),
                  st.integers(3, 12), st.integers(3, 12))


# ----------------------------------------------------------------------------- properties
@PROPS
@given(data=st.data(), case=circuits(), grid=grids, seed=st.integers(0, 10**6))
def test_reconstruction_equals_direct_on_random_circuits(data, case, grid, seed):
    qc, obs = case
    loss = L.circuit_loss(qc, obs)
    dx, dy = data.draw(directions(qc.num_parameters))
    lo, width, rx, ry = grid
    point = np.random.default_rng(seed).uniform(-math.pi, math.pi, qc.num_parameters)
    plan = L.reconstruction_plan(loss, dx, dy)
    assert plan.applies, plan.reason  # every rotation here has commensurate frequencies
    direct = L.scan_2d(loss, point, dx, dy, (lo, lo + width), (rx, ry), method="direct")
    rebuilt = L.scan_2d(loss, point, dx, dy, (lo, lo + width), (rx, ry), method="reconstruct")
    assert rebuilt.method == "reconstruct" and direct.method == "direct"
    assert rebuilt.evaluations == plan.evaluations
    np.testing.assert_allclose(rebuilt.values, direct.values, rtol=0, atol=TOL)
    auto = L.scan_2d(loss, point, dx, dy, (lo, lo + width), (rx, ry))
    assert auto.method == ("reconstruct" if plan.evaluations < rx * ry else "direct")
    np.testing.assert_allclose(auto.values, direct.values, rtol=0, atol=TOL)
    line = L.scan_1d(loss, point, dx, (lo, lo + width), 2 * rx + 1, method="reconstruct")
    line_direct = L.scan_1d(loss, point, dx, (lo, lo + width), 2 * rx + 1, method="direct")
    np.testing.assert_allclose(line.values, line_direct.values, rtol=0, atol=TOL)


@pytest.mark.parametrize("name, slot", [(g, k) for g in sorted(ROTATIONS)
                                         for k in range(ROTATIONS[g][2])])
def test_every_known_rotation_reconstructs_exactly(name, slot):
    """One gate between generic fixed layers, scanned along each of its angles."""
    factory, k, n_angles = ROTATIONS[name]
    rng = np.random.default_rng(k * 10 + n_angles)
    t = ParameterVector("t", 1)[0]
    qc = QuantumCircuit(2)
    for q in range(2):
        qc.u(*rng.uniform(0.3, 2.8, 3), q)
    angles = [float(a) for a in rng.uniform(-2, 2, n_angles)]
    angles[slot] = t
    qc.append(factory(*angles), [0, 1][:k])
    for q in range(2):
        qc.u(*rng.uniform(0.3, 2.8, 3), q)
    qc.cx(0, 1)
    obs = SparsePauliOp(["XI", "IY", "ZX", "YZ"], [0.7, -0.4, 0.9, 0.3])
    loss = L.circuit_loss(qc, obs)
    for point in ([0.4], [-2.2]):
        rebuilt = L.scan_1d(loss, point, [1.0], (-7, 7), 61, method="reconstruct")
        direct = L.scan_1d(loss, point, [1.0], (-7, 7), 61, method="direct")
        np.testing.assert_allclose(rebuilt.values, direct.values, rtol=0, atol=TOL)


def _breaking_op(kind: int, theta, n: int):
    """An instruction after which the loss is not (known to be) a trigonometric polynomial."""
    a, b = theta[0], theta[1]
    return [
        lambda: (lib.RXGate(a * b), [0]),                 # nonlinear angle
        lambda: (lib.RYGate(a.sin()), [0]),               # nonlinear angle
        lambda: (lib.RZGate(a**2 + 0.3), [0]),            # nonlinear angle
        lambda: (lib.CUGate(a, 0.1, 0.2, b), [0, 1]),     # a gate outside the known table
        lambda: (lib.MCPhaseGate(a, 2), [0, 1, 2]),       # a gate outside the known table
    ][kind]()


@PROPS
@given(case=circuits(), kind=st.integers(0, 4), seed=st.integers(0, 10**6),
       where=st.integers(0, 10))
def test_auto_falls_back_to_direct_where_reconstruction_does_not_apply(case, kind, seed, where):
    qc, obs = case
    n = max(qc.num_qubits, 3 if kind == 4 else 2 if kind == 3 else 1)
    theta = sorted(qc.parameters, key=lambda p: p.name)
    big = QuantumCircuit(n)
    big.compose(qc, range(qc.num_qubits), inplace=True)
    gate, qs = _breaking_op(kind, theta, n)
    big.append(gate, qs)
    big.compose(qc, range(qc.num_qubits), inplace=True)
    obs = obs.tensor(SparsePauliOp("I" * (n - qc.num_qubits))) if n > qc.num_qubits else obs
    loss = L.circuit_loss(big, obs)
    point = np.random.default_rng(seed).uniform(-math.pi, math.pi, loss.n_params)
    dx, dy = L.axis_directions(loss.n_params, 0, 1)
    plan = L.reconstruction_plan(loss, dx, dy)
    assert not plan.applies and plan.reason
    direct = L.scan_2d(loss, point, dx, dy, 2.0, 9, method="direct")
    auto = L.scan_2d(loss, point, dx, dy, 2.0, 9)
    assert auto.method == "direct" and auto.evaluations == 81
    np.testing.assert_array_equal(auto.values, direct.values)
    with pytest.raises(ValueError, match="cannot reconstruct"):
        L.scan_2d(loss, point, dx, dy, 2.0, 9, method="reconstruct")


@PROPS
@given(case=circuits(), seed=st.integers(0, 10**6))
def test_auto_falls_back_for_generic_directions_and_nonlinear_losses(case, seed):
    qc, obs = case
    loss = L.circuit_loss(qc, obs)
    rng = np.random.default_rng(seed)
    point = rng.uniform(-math.pi, math.pi, loss.n_params)
    dx, dy = L.random_directions(loss.n_params, 2, seed=seed)
    plan = L.reconstruction_plan(loss, dx, dy)
    auto = L.scan_2d(loss, point, dx, dy, 2.0, 7)
    direct = L.scan_2d(loss, point, dx, dy, 2.0, 7, method="direct")
    np.testing.assert_allclose(auto.values, direct.values, rtol=0, atol=TOL)
    if not plan.applies:
        assert auto.method == "direct" and "incommensurate" in plan.reason
    # a cross-entropy of an expectation value is not a trigonometric polynomial
    norm = float(np.sum(np.abs(obs.coeffs))) + 1e-9

    def cross_entropy(X):
        return -np.log(0.5 + 0.49 * loss(X) / norm)

    ax, ay = L.axis_directions(loss.n_params, 0, 1)
    scan = L.scan_2d(cross_entropy, point, ax, ay, 2.0, 7)
    assert scan.method == "direct"
    np.testing.assert_array_equal(
        scan.values, L.scan_2d(cross_entropy, point, ax, ay, 2.0, 7, method="direct").values)
    assert "not a linear function" in L.reconstruction_plan(cross_entropy, ax, ay).reason


def test_pretending_a_cross_entropy_is_trigonometric_would_be_wrong():
    loss = L.circuit_loss(real_amplitudes(2, reps=1), "ZZ")

    def cross_entropy(X):
        return -np.log(0.5 + 0.49 * loss(X))

    point = np.array([0.3, -0.4, 1.1, 0.2])
    d = L.axis_direction(4, 0)
    t = np.linspace(-3, 3, 31)
    exact = L.scan_1d(cross_entropy, point, d, (-3, 3), 31).values
    fake = R.trig_interpolate(L.evaluate(cross_entropy, point + R.nodes(1)[:, None] * d), t, 1)
    assert np.max(np.abs(fake - exact)) > 1e-3  # why auto must not reconstruct it
    right = R.trig_interpolate(L.evaluate(loss, point + R.nodes(1)[:, None] * d), t, 1)
    np.testing.assert_allclose(right, L.scan_1d(loss, point, d, (-3, 3), 31).values, atol=TOL)


# ----------------------------------------------------------------------------- spectrum
def test_spectrum_of_common_ansatze():
    spec = R.circuit_spectrum(efficient_su2(3, reps=2))
    assert spec.applies and len(spec.frequencies) == spec.n_params == 18
    assert spec.along(L.axis_direction(18, 4)) == (1.0, 1)
    d = np.zeros(18)
    d[[0, 3]] = [1.0, -2.0]
    assert spec.along(d) == (1.0, 3)
    assert spec.along(0.25 * d) == (0.25, 3)
    assert spec.along(L.random_direction(18, seed=3)) is None
    H = SparsePauliOp(["ZZI", "IZZ"], [1.0, 0.5])
    qaoa = R.circuit_spectrum(qaoa_ansatz(H, reps=1))  # rx(2β) on 3 qubits; rzz(2γ), rzz(γ)
    assert qaoa.along([1.0, 0.0]) == (2.0, 3)
    assert qaoa.along([0.0, 1.0]) == (1.0, 3)


def test_spectrum_explains_why_not():
    a, b = ParameterVector("a", 2)
    qc = QuantumCircuit(2)
    qc.rx(a * b, 0)
    assert "not a linear function" in R.circuit_spectrum(qc).reason
    qc = QuantumCircuit(2)
    qc.append(lib.CUGate(a, 0.0, 0.0, 0.0), [0, 1])
    qc.ry(b, 1)
    spec = R.circuit_spectrum(qc)
    assert not spec.applies and "'cu'" in spec.reason and spec.along([1.0, 0.0]) is None
    assert "not trigonometric" in repr(spec)
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)):
        qc.rx(a, 0)
    assert "control flow" in R.circuit_spectrum(qc).reason


def test_pauli_evolution_frequencies():
    t = ParameterVector("t", 1)[0]
    qc = QuantumCircuit(2)
    qc.append(lib.PauliEvolutionGate(SparsePauliOp(["XI", "IZ"], [1.0, 1.0]), time=t), [0, 1])
    assert R.circuit_spectrum(qc).along([1.0]) == (2.0, 2)  # two commuting terms, 2c = 2
    qc = QuantumCircuit(1)
    qc.append(lib.PauliEvolutionGate(SparsePauliOp(["X", "Z"], [1.0, 1.0]), time=t), [0])
    omega, degree = R.circuit_spectrum(qc).along([1.0])  # eigenvalues ±√2
    assert degree == 1 and math.isclose(omega, 2 * math.sqrt(2))
    loss = L.circuit_loss(qc, "Y")
    s = L.scan_1d(loss, [0.3], [1.0], 3.0, 41)
    assert s.method == "reconstruct" and s.evaluations == 3
    np.testing.assert_allclose(s.values, L.scan_1d(loss, [0.3], [1.0], 3.0, 41,
                                                   method="direct").values, atol=TOL)


def test_constant_direction_needs_one_evaluation():
    qc = QuantumCircuit(1)
    a, b = ParameterVector("a", 2)
    qc.rz(a, 0)  # RZ on |0> does nothing to <Z>; along a the loss is constant... and
    qc.ry(b, 0)
    spec = R.circuit_spectrum(qc)
    assert spec.along([1.0, 0.0]) == (1.0, 1)  # ...but only the circuit's structure is read
    empty = R.Spectrum(2, np.zeros((0, 2)), ())
    assert empty.along([1.0, 0.0]) == (1.0, 0)
    np.testing.assert_allclose(R.interpolation_matrix([0.1, 2.0], 0), [[1.0], [1.0]])


# ----------------------------------------------------------------------------- interpolation
@pytest.mark.parametrize("degree, omega", [(0, 1.0), (1, 1.0), (2, 0.5), (5, 2.0)])
def test_interpolation_is_exact_for_trig_polynomials(degree, omega):
    rng = np.random.default_rng(degree)
    c = rng.normal(size=(2, degree + 1))

    def f(t):
        k = np.arange(degree + 1)
        return (np.cos(np.multiply.outer(t, k) * omega) @ c[0]
                + np.sin(np.multiply.outer(t, k) * omega) @ c[1])

    t = np.linspace(-7, 7, 57)
    np.testing.assert_allclose(R.trig_interpolate(f(R.nodes(degree, omega)), t, degree, omega),
                               f(t), atol=1e-12)
    with pytest.raises(ValueError, match=f"needs {2 * degree + 1} samples"):
        R.trig_interpolate(np.zeros(2 * degree + 2), t, degree, omega)


def test_common_unit():
    assert R._common_unit([2.0, 3.0]) == 1.0
    assert R._common_unit([2.0, 4.0, 6.0]) == 2.0
    assert math.isclose(R._common_unit([0.5, 1.0, 1.5]), 0.5)
    assert R._common_unit([1.0, math.sqrt(2)]) is None
