"""Quantum data for lesson 19: transverse-field Ising ground states, a QCNN, classical shadows.

Pure NumPy/SciPy/Qiskit, seeded, small (≤ 12 qubits):

* :func:`tfim_hamiltonian` builds ``H = -J Σ Z_i Z_{i+1} - h Σ X_i`` as a ``SparsePauliOp``
  (open chain by default); :func:`ground_state` / :func:`tfim_ground_states` diagonalise it
  with SciPy's sparse ``eigsh`` (sign fixed so the amplitudes are positive: the TFIM ground
  state is stoquastic); :func:`expect_zz` and :func:`expect_x` read exact correlators.
* :func:`qcnn_circuit` is a quantum convolutional neural network (Cong, Choi & Lukin, 2019):
  convolution blocks with shared parameters, then pooling (a controlled rotation from the
  discarded qubit onto its neighbour), halving the qubits until one is left, measured in Z.
  :func:`qcnn_expectations` evaluates ⟨Z⟩ of that circuit on a batch of input states with
  real NumPy arithmetic (fast enough to train in a second); a test checks it against Qiskit.
* :func:`random_pauli_shadows` takes classical shadows (Huang, Kueng & Preskill, 2020):
  each snapshot measures every qubit in a random X/Y/Z basis, once. :func:`shadow_pauli`
  turns the records into unbiased estimates (3 per measured qubit whose basis matches);
  :func:`shadow_features` gives the correlation function C(r) and the mean ⟨X⟩.
* :func:`crossing` locates where a classifier's output crosses 1/2 (linear interpolation).

Example::

    >>> import numpy as np
    >>> from qmlcourse import quantum_data as qd
    >>> states = qd.tfim_ground_states(4, [0.2, 3.0])
    >>> qd.expect_x(states, 0).round(2).tolist()
    [0.21, 0.99]
    >>> rec = qd.random_pauli_shadows(states[1], 2000, seed=0)
    >>> bool(abs(qd.shadow_pauli(rec, {0: "X"}) - qd.expect_x(states[1:], 0)[0]) < 0.1)
    True
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

__all__ = [
    "tfim_hamiltonian",
    "ground_state",
    "tfim_ground_states",
    "expect_zz",
    "expect_x",
    "correlation_function",
    "qcnn_layout",
    "qcnn_num_params",
    "qcnn_circuit",
    "qcnn_expectations",
    "ShadowRecords",
    "random_pauli_shadows",
    "shadow_pauli",
    "shadow_features",
    "crossing",
]

BASES = "XYZ"
MAX_QUBITS = 12


def _n_qubits(n: Any, lo: int = 2) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not lo <= n <= MAX_QUBITS:
        raise ValueError(f"number of qubits must be an integer in {lo}..{MAX_QUBITS}, got {n!r}")
    return int(n)


def _real(x: Any, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {x!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return v


# ----------------------------------------------------------------------------- the TFIM
def tfim_hamiltonian(n: int, J: float = 1.0, h: float = 1.0, periodic: bool = False) -> Any:
    """``H = -J Σ Z_i Z_{i+1} - h Σ X_i`` on ``n`` qubits as a ``SparsePauliOp``.

    Open chain (bonds 0-1 … (n-2)-(n-1)) unless ``periodic`` adds the bond (n-1)-0.

    >>> tfim_hamiltonian(3, h=0.5).simplify().to_list()
    [('IZZ', (-1+0j)), ('ZZI', (-1+0j)), ('IIX', (-0.5+0j)), ('IXI', (-0.5+0j)), ('XII', (-0.5+0j))]
    """
    from qiskit.quantum_info import SparsePauliOp

    n = _n_qubits(n)
    J, h = _real(J, "J"), _real(h, "h")
    bonds = [(i, i + 1) for i in range(n - 1)] + ([(n - 1, 0)] if periodic and n > 2 else [])
    terms = [("ZZ", [i, j], -J) for i, j in bonds] + [("X", [i], -h) for i in range(n)]
    return SparsePauliOp.from_sparse_list(terms, num_qubits=n)


def ground_state(hamiltonian: Any) -> tuple[float, np.ndarray]:
    """(lowest energy, its normalised eigenvector) of a Hermitian ``SparsePauliOp`` (≥ 3 qubits).

    SciPy's sparse Lanczos solver ``eigsh`` started from the uniform vector (deterministic).
    For the TFIM that start vector has even parity (Π X_i = +1), which H conserves, so the
    solver finds the even ground state even when the odd one is nearly degenerate (small h).
    The sign is fixed so that the amplitudes sum to a positive number.

    >>> e, psi = ground_state(tfim_hamiltonian(3, h=0.05))   # almost -Z0Z1 - Z1Z2: a GHZ state
    >>> round(e, 4), psi.round(2).tolist()
    (-2.0033, [0.71, 0.02, 0.01, 0.02, 0.02, 0.01, 0.02, 0.71])
    """
    from scipy.sparse.linalg import eigsh

    if not hasattr(hamiltonian, "to_matrix") or getattr(hamiltonian, "num_qubits", 0) < 3:
        raise ValueError("hamiltonian must be a qiskit.quantum_info.SparsePauliOp on ≥ 3 qubits")
    m = hamiltonian.to_matrix(sparse=True)
    if not np.any(m.imag.data):
        m = m.real  # real symmetric: faster
    vals, vecs = eigsh(m, k=1, which="SA", v0=np.ones(m.shape[0]))
    v = vecs[:, 0]
    v = v / np.linalg.norm(v)
    if np.sum(v).real < 0:
        v = -v
    return float(vals[0]), v


def tfim_ground_states(n: int, h_values: Sequence[float], J: float = 1.0,
                       periodic: bool = False) -> np.ndarray:
    """Ground states of the TFIM for each field in ``h_values``: array ``(len(h), 2**n)``.

    >>> tfim_ground_states(3, [0.5, 2.0]).shape
    (2, 8)
    """
    hs = np.asarray(h_values, dtype=float).ravel()
    if hs.size == 0 or not np.all(np.isfinite(hs)):
        raise ValueError("h_values must be a non-empty list of finite fields")
    return np.array([ground_state(tfim_hamiltonian(n, J, h, periodic))[1] for h in hs])


def _bits(n: int) -> np.ndarray:
    """``(2**n, n)`` array: bit q of each basis index (Qiskit order: qubit 0 is bit 0)."""
    idx = np.arange(2**n)
    return (idx[:, None] >> np.arange(n)[None, :]) & 1


def _states(states: Any) -> tuple[np.ndarray, int]:
    s = np.asarray(states)
    if s.ndim == 1:
        s = s[None]
    n = int(round(math.log2(s.shape[1]))) if s.ndim == 2 and s.shape[1] > 1 else -1
    if s.ndim != 2 or 2**n != s.shape[1]:
        raise ValueError(f"states must be an array (batch, 2**n), got shape {np.shape(states)}")
    return s, n


def expect_zz(states: Any, i: int, j: int) -> np.ndarray:
    """Exact ⟨Z_i Z_j⟩ of each state (rows of ``states``).

    >>> expect_zz(np.array([[1, 0, 0, 1]]) / np.sqrt(2), 0, 1).round(6).tolist()
    [1.0]
    """
    s, n = _states(states)
    b = _bits(n)
    sign = 1 - 2 * (b[:, i] ^ b[:, j])
    return np.abs(s) ** 2 @ sign


def expect_x(states: Any, i: int) -> np.ndarray:
    """Exact ⟨X_i⟩ of each state.

    >>> expect_x(np.array([[1, 1]]) / np.sqrt(2), 0).round(6).tolist()
    [1.0]
    """
    s, n = _states(states)
    flipped = np.arange(2**n) ^ (1 << i)
    return np.real(np.sum(np.conj(s) * s[:, flipped], axis=1))


def correlation_function(states: Any) -> np.ndarray:
    """C(r) = mean over i of ⟨Z_i Z_{i+r}⟩ (open chain), r = 1 … n-1: shape ``(batch, n-1)``."""
    s, n = _states(states)
    return np.array([[np.mean([expect_zz(row[None], i, i + r)[0] for i in range(n - r)])
                      for r in range(1, n)] for row in s])


# ----------------------------------------------------------------------------- the QCNN
CONV_PARAMS = 3
POOL_PARAMS = 2


def qcnn_layout(n: int) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Per layer: (convolution pairs, pooling (source, sink) pairs). ``n`` a power of 2.

    >>> qcnn_layout(4)
    [([(0, 1), (2, 3), (1, 2)], [(0, 1), (2, 3)]), ([(1, 3)], [(1, 3)])]
    """
    n = _n_qubits(n)
    if n & (n - 1):
        raise ValueError(f"the QCNN halves the qubits each layer: n must be a power of 2, got {n}")
    active = list(range(n))
    layers = []
    while len(active) > 1:
        m = len(active)
        conv = [(active[k], active[k + 1]) for k in range(0, m - 1, 2)]
        conv += [(active[k], active[k + 1]) for k in range(1, m - 1, 2)]
        pool = [(active[k], active[k + 1]) for k in range(0, m, 2)]
        layers.append((conv, pool))
        active = active[1::2]
    return layers


def qcnn_num_params(n: int) -> int:
    """Parameters of :func:`qcnn_circuit` (shared within a layer): 5 per layer.

    >>> qcnn_num_params(8)
    15
    """
    return len(qcnn_layout(n)) * (CONV_PARAMS + POOL_PARAMS)


def qcnn_circuit(n: int) -> Any:
    """The QCNN as a parametrised Qiskit circuit (no state preparation, no measurement).

    Convolution block on (a, b): RY(θ0) a, RY(θ1) b, CZ, RY(θ2) a, RY(θ2) b. Pooling
    (source → sink): CRY(φ0), then X on the source, CRY(φ1), X — a rotation of the sink that
    depends on the source, which is then no longer used (Cong, Choi & Lukin, 2019). The
    output is ⟨Z⟩ of the last qubit, ``n - 1``.

    >>> qc = qcnn_circuit(8); qc.num_qubits, qc.num_parameters
    (8, 15)
    """
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    layers = qcnn_layout(n)
    theta = ParameterVector("θ", qcnn_num_params(n))
    qc = QuantumCircuit(n)
    for layer, (conv, pool) in enumerate(layers):
        p = theta[layer * 5: layer * 5 + 5]
        for a, b in conv:
            qc.ry(p[0], a)
            qc.ry(p[1], b)
            qc.cz(a, b)
            qc.ry(p[2], a)
            qc.ry(p[2], b)
        for s, t in pool:
            qc.cry(p[3], s, t)
            qc.x(s)
            qc.cry(p[4], s, t)
            qc.x(s)
        qc.barrier()
    return qc


def _ry(psi: np.ndarray, axis: int, angle: float) -> np.ndarray:
    c, s = math.cos(angle / 2), math.sin(angle / 2)
    a0 = np.take(psi, 0, axis=axis)
    a1 = np.take(psi, 1, axis=axis)
    new = np.stack([c * a0 - s * a1, s * a0 + c * a1], axis=axis)
    return new


def qcnn_expectations(params: Any, states: Any) -> np.ndarray:
    """⟨Z_{n-1}⟩ after :func:`qcnn_circuit` with ``params`` on each row of ``states``.

    ``params`` may be one vector ``(P,)`` (returns ``(batch,)``) or a batch ``(B, P)``
    (returns ``(B, batch)``). Real input states stay real (all gates are real).

    >>> psi = np.zeros(16); psi[0] = 1
    >>> qcnn_expectations(np.zeros(10), psi[None]).tolist()
    [1.0]
    """
    s, n = _states(states)
    layers = qcnn_layout(n)
    P = np.asarray(params, dtype=float)
    single = P.ndim == 1
    P = np.atleast_2d(P)
    if P.shape[1] != qcnn_num_params(n) or not np.all(np.isfinite(P)):
        raise ValueError(f"params must hold {qcnn_num_params(n)} finite angles for {n} qubits, "
                         f"got shape {np.shape(params)}")
    base = s.reshape((s.shape[0],) + (2,) * n)
    ax = {q: 1 + (n - 1 - q) for q in range(n)}  # axis of qubit q (Qiskit order)
    out = np.empty((P.shape[0], s.shape[0]))
    for row, p in enumerate(P):
        psi = base
        for layer, (conv, pool) in enumerate(layers):
            t = p[layer * 5: layer * 5 + 5]
            for a, b in conv:
                psi = _ry(psi, ax[a], t[0])
                psi = _ry(psi, ax[b], t[1])
                idx = [slice(None)] * psi.ndim
                idx[ax[a]], idx[ax[b]] = 1, 1
                psi = psi.copy()
                psi[tuple(idx)] *= -1
                psi = _ry(psi, ax[a], t[2])
                psi = _ry(psi, ax[b], t[2])
            for src, tgt in pool:
                one = np.take(psi, 1, axis=ax[src])
                zero = np.take(psi, 0, axis=ax[src])
                tgt_axis = ax[tgt] - (1 if ax[tgt] > ax[src] else 0)
                one = _ry(one, tgt_axis, t[3])
                zero = _ry(zero, tgt_axis, t[4])
                psi = np.stack([zero, one], axis=ax[src])
        probs = np.abs(psi) ** 2
        p0 = np.take(probs, 0, axis=ax[n - 1]).reshape(s.shape[0], -1).sum(axis=1)
        p1 = np.take(probs, 1, axis=ax[n - 1]).reshape(s.shape[0], -1).sum(axis=1)
        out[row] = p0 - p1
    return out[0] if single else out


# ----------------------------------------------------------------------------- classical shadows
@dataclass(frozen=True)
class ShadowRecords:
    """Measurement records: ``bases[t, q]`` ∈ {'X','Y','Z'} and ``outcomes[t, q]`` ∈ {+1, −1}
    (+1 for bit 0) of snapshot ``t`` on qubit ``q``."""

    bases: np.ndarray
    outcomes: np.ndarray

    @property
    def n_snapshots(self) -> int:
        return int(self.bases.shape[0])

    @property
    def n_qubits(self) -> int:
        return int(self.bases.shape[1])

    def __repr__(self) -> str:
        return f"ShadowRecords(snapshots={self.n_snapshots}, qubits={self.n_qubits})"


_SQ = 1 / math.sqrt(2)
# rotate basis b onto Z before a Z measurement: X -> H, Y -> H S†, Z -> I
_ROT = np.array([[[_SQ, _SQ], [_SQ, -_SQ]],
                 [[_SQ, -1j * _SQ], [_SQ, 1j * _SQ]],
                 [[1, 0], [0, 1]]], dtype=complex)


def random_pauli_shadows(state: Any, n_snapshots: int, seed: int = 0) -> ShadowRecords:
    """Classical shadow of one pure ``state``: ``n_snapshots`` random-Pauli-basis measurements.

    Each snapshot picks X, Y or Z for every qubit uniformly at random, rotates, and samples
    one bitstring from the Born rule (seeded ``numpy.random.default_rng``).

    >>> rec = random_pauli_shadows(np.array([1, 0, 0, 0]), 5, seed=1)
    >>> rec, sorted(set(rec.outcomes[rec.bases == "Z"].tolist()))
    (ShadowRecords(snapshots=5, qubits=2), [1])
    """
    s, n = _states(state)
    if s.shape[0] != 1:
        raise ValueError("random_pauli_shadows takes one state (a 1-D vector of 2**n amplitudes)")
    if isinstance(n_snapshots, bool) or not isinstance(n_snapshots, (int, np.integer)) \
            or n_snapshots < 1:
        raise ValueError(f"n_snapshots must be a positive integer, got {n_snapshots!r}")
    rng = np.random.default_rng(seed)
    T = int(n_snapshots)
    b = rng.integers(0, 3, size=(T, n))
    psi = np.broadcast_to(s[0].astype(complex), (T, 2**n)).copy()
    for q in range(n):
        left = 2 ** (n - 1 - q)
        v = psi.reshape(T, left, 2, 2**q)
        psi = np.einsum("tij,tljr->tlir", _ROT[b[:, q]], v).reshape(T, 2**n)
    probs = np.abs(psi) ** 2
    cum = np.cumsum(probs, axis=1)
    u = rng.random(T) * cum[:, -1]
    idx = np.minimum((cum < u[:, None]).sum(axis=1), 2**n - 1)
    bits = (idx[:, None] >> np.arange(n)[None, :]) & 1
    return ShadowRecords(np.array(list(BASES))[b], (1 - 2 * bits).astype(int))


def shadow_pauli(records: ShadowRecords, paulis: Mapping[int, str]) -> float:
    """Unbiased shadow estimate of a Pauli product, e.g. ``{0: 'Z', 3: 'Z'}`` for ⟨Z_0 Z_3⟩.

    Each snapshot contributes Π_q 3·s_q when every listed qubit was measured in its Pauli's
    basis, and 0 otherwise (Huang, Kueng & Preskill, 2020); the estimate is the mean.

    >>> rec = ShadowRecords(np.array([["Z", "Z"], ["X", "Z"]]), np.array([[1, -1], [1, 1]]))
    >>> shadow_pauli(rec, {0: "Z", 1: "Z"})
    -4.5
    """
    if not isinstance(records, ShadowRecords):
        raise ValueError("records must be ShadowRecords (from random_pauli_shadows)")
    if not paulis:
        return 1.0
    weight = np.ones(records.n_snapshots)
    for q, p in paulis.items():
        if p not in BASES or not 0 <= int(q) < records.n_qubits:
            raise ValueError(f"paulis maps qubits 0..{records.n_qubits - 1} to 'X', 'Y' or 'Z', "
                             f"got {q!r}: {p!r}")
        weight = weight * 3 * (records.bases[:, q] == p) * records.outcomes[:, q]
    return float(np.mean(weight))


def shadow_features(records: ShadowRecords) -> np.ndarray:
    """Features from one shadow: C(r) for r = 1 … n-1 (⟨Z_i Z_{i+r}⟩ averaged over i), then the
    mean ⟨X_i⟩ — ``n`` numbers.

    >>> rec = random_pauli_shadows(np.eye(4)[0], 50, seed=0)
    >>> shadow_features(rec).shape
    (2,)
    """
    n = records.n_qubits
    corr = [np.mean([shadow_pauli(records, {i: "Z", i + r: "Z"}) for i in range(n - r)])
            for r in range(1, n)]
    mx = np.mean([shadow_pauli(records, {i: "X"}) for i in range(n)])
    return np.array(corr + [mx])


# ----------------------------------------------------------------------------- the loop
def crossing(h: Any, p: Any, level: float = 0.5) -> float:
    """First field where ``p`` (e.g. P(disordered)) rises through ``level``, by linear
    interpolation between the two neighbouring grid points. ``h`` increasing.

    >>> crossing([0.5, 1.0, 1.5], [0.1, 0.3, 0.7])
    1.25
    """
    hs, ps = np.asarray(h, dtype=float).ravel(), np.asarray(p, dtype=float).ravel()
    if hs.size != ps.size or hs.size < 2:
        raise ValueError(f"h and p must have the same length ≥ 2, got {hs.size} and {ps.size}")
    if np.any(np.diff(hs) <= 0):
        raise ValueError("h must be strictly increasing")
    above = ps >= level
    for k in range(hs.size - 1):
        if not above[k] and above[k + 1]:
            t = (level - ps[k]) / (ps[k + 1] - ps[k])
            return float(hs[k] + t * (hs[k + 1] - hs[k]))
    raise ValueError(f"p never rises through {level} on this grid")
