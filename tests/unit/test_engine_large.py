"""Kernels on views with short contiguous runs (low qubits, small batches) stay exact."""
from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.quantum_info import SparsePauliOp, Statevector

from qmlwidgets.engine import gradients, statevectors
from qmlwidgets.engine import _core


def _random_circuit(n: int, seed: int) -> QuantumCircuit:
    rng = np.random.default_rng(seed)
    th = ParameterVector("t", 40)
    qc = QuantumCircuit(n)
    k = 0
    for _ in range(60):
        g = rng.integers(12)
        q = int(rng.integers(min(n, 4)))  # mostly the lowest qubits (shortest runs)
        r = int((q + 1 + rng.integers(n - 1)) % n)
        if g == 0:
            qc.h(q)
        elif g == 1:
            qc.ry(th[k % 40], q)
            k += 1
        elif g == 2:
            qc.rz(th[k % 40], q)
            k += 1
        elif g == 3:
            qc.cx(q, r)
        elif g == 4:
            qc.cx(r, q)
        elif g == 5:
            qc.crx(th[k % 40], r, q)
            k += 1
        elif g == 6:
            qc.cp(th[k % 40], q, r)
            k += 1
        elif g == 7:
            qc.s(q)
        elif g == 8:
            qc.rzz(th[k % 40], q, r)
            k += 1
        elif g == 9:
            qc.ccx(q, r, (r + 1) % n if (r + 1) % n != q else (r + 2) % n)
        elif g == 10:
            qc.rxx(th[k % 40], q, r)
            k += 1
        else:
            qc.swap(q, r)
    return qc


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("seed", range(4))
def test_low_qubit_gates_match_statevector(seed: int, batch: int) -> None:
    qc = _random_circuit(11, seed)
    X = np.random.default_rng(seed).uniform(-3, 3, (batch, qc.num_parameters))
    old = _core.CHUNK_AMPLITUDES, _core.MIN_BATCH
    _core.CHUNK_AMPLITUDES, _core.MIN_BATCH = 2**11 * batch, 1  # one chunk of `batch` rows at 11 qubits
    try:
        ours = statevectors(qc, X)
    finally:
        _core.CHUNK_AMPLITUDES, _core.MIN_BATCH = old
    for b in range(batch):
        ref = Statevector(qc.assign_parameters(X[b])).data
        np.testing.assert_allclose(ours[b], ref, atol=1e-12)


def test_adjoint_gradient_single_row_matches_parameter_shift() -> None:
    qc = _random_circuit(11, 11)
    obs = SparsePauliOp(["IIIIIIIIIZZ", "XIIIIIIIIII"], [1.0, 0.5])
    x = np.random.default_rng(2).uniform(-3, 3, (1, qc.num_parameters))
    np.testing.assert_allclose(gradients(qc, obs, x), gradients(qc, obs, x, method="parameter-shift"), atol=1e-10)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocked kernels (2x2 updates, diagonal expectation values) on blocks of 32 elements, so an
    11-qubit state takes the same code path as a 20-qubit one with the default block size."""
    from qmlwidgets.engine import _ops

    monkeypatch.setattr(_ops, "BLOCK_ELEMENTS", 32)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("seed", range(3))
def test_blocked_kernels_match_statevector_and_parameter_shift(small_blocks, seed: int, batch: int) -> None:
    from qmlwidgets.engine import expectation_values, value_and_gradient

    qc = _random_circuit(11, 20 + seed)
    obs = SparsePauliOp(["IIIIIIIIIZZ", "XIIIIIIIIYI", "IIIIIIIIIII", "IIZIIIIIIII"], [1.0, 0.5, 0.25, -0.7])
    X = np.random.default_rng(seed).uniform(-3, 3, (batch, qc.num_parameters))
    ref = [Statevector(qc.assign_parameters(x)).expectation_value(obs).real for x in X]
    np.testing.assert_allclose(expectation_values(qc, obs, X), ref, atol=1e-12)
    vals, grads = value_and_gradient(qc, obs, X)  # adjoint: O|psi> and the backward pass blocked too
    np.testing.assert_allclose(vals, ref, atol=1e-12)
    np.testing.assert_allclose(grads, gradients(qc, obs, X, method="parameter-shift"), atol=1e-10)


def test_adjoint_gradient_peak_memory_is_at_most_four_state_vectors(monkeypatch) -> None:
    """The issue's bound: the adjoint gradient holds <= 4 state vectors per batch row (measured
    with tracemalloc, which sees NumPy's allocations; block size scaled down with the state)."""
    import tracemalloc

    from qmlwidgets.engine import _ops, expectation_values

    n = 15
    monkeypatch.setattr(_ops, "BLOCK_ELEMENTS", 2 ** (n - 3), raising=False)  # the default is 2**17 at 20 qubits
    th = ParameterVector("t", 2 * n)
    qc = QuantumCircuit(n)
    for q in range(n):
        qc.ry(th[q], q)
        qc.rz(th[n + q], q)
    for q in range(n - 1):
        qc.cx(q, q + 1)
    x = np.random.default_rng(0).uniform(-1, 1, (1, qc.num_parameters))
    obs = "I" * (n - 1) + "Z"
    expectation_values(qc, obs, x)  # compile the circuit and the observable outside the measurement
    _ops.workspace().clear()  # scratch buffers count too: start without any
    state = 2**n * 16
    tracemalloc.start()
    try:
        gradients(qc, obs, x)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / state <= 4.0, f"peak {peak / state:.2f} state vectors"
