"""QUBOs for lesson 17: penalised portfolios and tiny routing problems, their Ising form, and
two classical baselines (brute force, simulated annealing).

A QUBO is ``f(x) = xᵀ Q x + offset`` over bits ``x ∈ {0, 1}ⁿ`` with ``Q`` symmetric. Bit ``i``
is qubit ``i`` (Qiskit order: the index of a basis state has ``x_i`` as its bit ``i``). The
Ising form uses ``x_i = (1 − z_i) / 2``, so ``|0⟩`` (``z = +1``) means "not picked".

Example::

    >>> Q, c = portfolio_qubo([0.1, 0.2], [[0.1, 0.0], [0.0, 0.1]], budget=1, penalty=1.0)
    >>> np.round(qubo_energies(Q, c), 3).tolist()      # x = 00, 10, 01, 11 (bit 0 first)
    [1.0, 0.0, -0.1, 0.9]
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_VARIABLES = 16  # brute force enumerates all 2**n assignments


def _square(Q: Any, name: str = "Q") -> np.ndarray:
    A = np.asarray(Q, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] < 1:
        raise ValueError(f"{name} must be a square n×n matrix, got shape {A.shape}")
    if A.shape[0] > MAX_VARIABLES:
        raise ValueError(f"{name} has {A.shape[0]} variables; brute force here handles at most {MAX_VARIABLES}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} contains NaN or inf")
    return A


def symmetrize(Q: Any) -> np.ndarray:
    """``(Q + Qᵀ) / 2``: the same QUBO (``xᵀQx`` is unchanged), in the symmetric convention."""
    A = _square(Q)
    return (A + A.T) / 2


def bits(n: int) -> np.ndarray:
    """All ``2**n`` bit vectors as rows; row ``k`` has ``x_i = (k >> i) & 1`` (Qiskit order).

    >>> bits(2).tolist()
    [[0, 0], [1, 0], [0, 1], [1, 1]]
    """
    k = np.arange(2**int(n))
    return ((k[:, None] >> np.arange(int(n))[None, :]) & 1).astype(np.int8)


def qubo_energies(Q: Any, offset: float = 0.0) -> np.ndarray:
    """``f(x) = xᵀQx + offset`` for every basis state, indexed like a statevector."""
    A = _square(Q)
    X = bits(A.shape[0]).astype(float)
    return np.einsum("ki,ij,kj->k", X, A, X) + float(offset)


def bitstring(index: int, n: int) -> str:
    """Qiskit's label of basis state ``index`` (qubit 0 is the LAST character)."""
    return format(int(index), f"0{int(n)}b")


# ----------------------------------------------------------------------------- problems
def synthetic_market(num_assets: int = 5, seed: int = 17) -> tuple[np.ndarray, np.ndarray]:
    """A seeded toy market: expected returns ``mu`` (about 5–15 %) and a covariance ``sigma``
    from one common factor plus individual noise.

    >>> mu, sigma = synthetic_market(4, seed=1)
    >>> mu.shape, sigma.shape, bool(np.all(np.linalg.eigvalsh(sigma) > 0))
    ((4,), (4, 4), True)
    """
    n = int(num_assets)
    if not 2 <= n <= MAX_VARIABLES:
        raise ValueError(f"num_assets must be between 2 and {MAX_VARIABLES}, got {num_assets!r}")
    rng = np.random.default_rng(seed)
    mu = np.round(rng.uniform(0.05, 0.15, n), 3)
    beta = rng.uniform(0.5, 1.5, n)                     # exposure to the market factor
    vol = rng.uniform(0.05, 0.15, n)                     # individual risk
    sigma = 0.02 * np.outer(beta, beta) + np.diag(vol**2)
    return mu, np.round(sigma, 4)


def portfolio_qubo(mu: Any, sigma: Any, budget: int, penalty: float,
                   risk_aversion: float = 1.0) -> tuple[np.ndarray, float]:
    """QUBO of ``q·xᵀΣx − μᵀx + A·(Σx − k)²``: pick exactly ``k = budget`` assets.

    Returns ``(Q, offset)`` with ``Q`` symmetric. Expanding the penalty with ``x_i² = x_i``
    adds ``A(1 − 2k)`` to each diagonal entry, ``A`` to each off-diagonal entry and ``A k²``
    to the offset.
    """
    m = np.asarray(mu, dtype=float).reshape(-1)
    S = _square(sigma, "sigma")
    n = m.size
    if S.shape != (n, n):
        raise ValueError(f"sigma must be {n}×{n} to match mu's {n} assets, got {S.shape}")
    k = int(budget)
    if not 0 <= k <= n:
        raise ValueError(f"budget must be between 0 and {n} assets, got {budget!r}")
    A, q = float(penalty), float(risk_aversion)
    if not (math.isfinite(A) and A >= 0 and math.isfinite(q) and q >= 0):
        raise ValueError("penalty and risk_aversion must be finite and non-negative")
    Q = q * (S + S.T) / 2 - np.diag(m) + A * np.ones((n, n)) - 2 * A * k * np.eye(n)
    return Q, A * k * k


def tsp_qubo(distances: Any, penalty: float) -> tuple[np.ndarray, float]:
    """One-hot TSP with city 0 fixed at the start: bit ``(c − 1)·m + (t − 1)`` means "city
    ``c`` is visited at step ``t``" for the ``m = N − 1`` other cities and steps.

    Cost: tour length plus ``A`` times the squared violation of "each city once" and "one
    city per step". ``N = 4`` cities give 9 qubits.
    """
    D = _square(distances, "distances")
    N = D.shape[0]
    if N < 3:
        raise ValueError(f"a tour needs at least 3 cities, got {N}")
    m = N - 1
    n = m * m
    if n > MAX_VARIABLES:
        raise ValueError(f"{N} cities need {n} qubits; at most {MAX_VARIABLES} here (use ≤ 5 cities)")
    A = float(penalty)
    if not (math.isfinite(A) and A >= 0):
        raise ValueError(f"penalty must be finite and non-negative, got {penalty!r}")

    def v(c: int, t: int) -> int:
        return (c - 1) * m + (t - 1)

    Q = np.zeros((n, n))
    offset = 0.0
    for c in range(1, N):                                # legs from and back to city 0
        Q[v(c, 1), v(c, 1)] += D[0, c]
        Q[v(c, m), v(c, m)] += D[c, 0]
    for t in range(1, m):                                # legs between consecutive steps
        for c in range(1, N):
            for d in range(1, N):
                if c != d:
                    Q[v(c, t), v(d, t + 1)] += D[c, d] / 2
                    Q[v(d, t + 1), v(c, t)] += D[c, d] / 2
    groups = [[v(c, t) for t in range(1, N)] for c in range(1, N)]
    groups += [[v(c, t) for c in range(1, N)] for t in range(1, N)]
    for g in groups:                                     # A (1 − Σ_g x)²
        offset += A
        for i in g:
            Q[i, i] -= A
            for j in g:
                if i != j:
                    Q[i, j] += A
    return Q, offset


def tsp_feasible(N: int) -> np.ndarray:
    """Boolean mask over all ``2**((N−1)²)`` basis states: True for valid one-hot tours."""
    m = int(N) - 1
    X = bits(m * m).reshape(-1, m, m)                    # X[k, c-1, t-1]
    return np.all(X.sum(axis=1) == 1, axis=1) & np.all(X.sum(axis=2) == 1, axis=1)


def tsp_tour(index: int, N: int) -> tuple[int, ...] | None:
    """The tour (starting at city 0) encoded by basis state ``index``, or None if invalid."""
    m = int(N) - 1
    X = bits(m * m)[int(index)].reshape(m, m)
    if not (np.all(X.sum(axis=0) == 1) and np.all(X.sum(axis=1) == 1)):
        return None
    return (0,) + tuple(int(np.argmax(X[:, t])) + 1 for t in range(m))


def tour_length(tour: Any, distances: Any) -> float:
    """Length of the closed tour (back to its first city)."""
    D = np.asarray(distances, dtype=float)
    t = list(tour)
    return float(sum(D[t[i], t[(i + 1) % len(t)]] for i in range(len(t))))


# ----------------------------------------------------------------------------- Ising form
def qubo_to_ising(Q: Any, offset: float = 0.0) -> tuple[np.ndarray, np.ndarray, float]:
    """``(h, J, const)`` with ``f = Σ h_i z_i + Σ_{i<j} J_ij z_i z_j + const`` for
    ``x_i = (1 − z_i)/2``. ``J`` is strictly upper triangular.

    >>> h, J, c = qubo_to_ising([[1.0]], 0.0)          # f = x = (1 − z)/2
    >>> h.tolist(), c
    ([-0.5], 0.5)
    """
    S = symmetrize(Q)
    off = S - np.diag(np.diag(S))
    J = np.triu(off, 1) / 2                              # Q_ij + Q_ji = 2 S_ij, over 4
    h = -np.diag(S) / 2 - off.sum(axis=1) / 2
    const = float(offset) + np.diag(S).sum() / 2 + np.triu(off, 1).sum() / 2
    return h, J, float(const)


def ising_energies(h: Any, J: Any, const: float = 0.0) -> np.ndarray:
    """``Σ h_i z_i + Σ_{i<j} J_ij z_i z_j + const`` for every basis state (``z = 1 − 2x``)."""
    hv = np.asarray(h, dtype=float).reshape(-1)
    Jm = np.triu(np.asarray(J, dtype=float), 1)
    if Jm.shape != (hv.size, hv.size):
        raise ValueError(f"J must be {hv.size}×{hv.size} to match h, got {Jm.shape}")
    Z = 1.0 - 2.0 * bits(hv.size)
    return Z @ hv + np.einsum("ki,ij,kj->k", Z, Jm, Z) + float(const)


def ising_operator(h: Any, J: Any, const: float = 0.0, tol: float = 1e-12) -> Any:
    """The diagonal ``SparsePauliOp`` of an Ising energy (terms below ``tol`` dropped)."""
    from qiskit.quantum_info import SparsePauliOp

    hv = np.asarray(h, dtype=float).reshape(-1)
    Jm = np.asarray(J, dtype=float)
    n = hv.size
    terms = [("Z", [i], float(hv[i])) for i in range(n) if abs(hv[i]) > tol]
    terms += [("ZZ", [i, j], float(Jm[i, j])) for i in range(n) for j in range(i + 1, n)
              if abs(Jm[i, j]) > tol]
    terms.append(("", [], float(const)))
    return SparsePauliOp.from_sparse_list(terms, num_qubits=n).simplify(atol=tol)


def qubo_operator(Q: Any, offset: float = 0.0) -> Any:
    """``ising_operator(*qubo_to_ising(Q, offset))``: its diagonal is :func:`qubo_energies`."""
    return ising_operator(*qubo_to_ising(Q, offset))


# ----------------------------------------------------------------------------- solvers
@dataclass(frozen=True)
class QuboSolution:
    """Best value, every optimal basis-state index (ascending) and their bitstrings."""

    value: float
    indices: tuple[int, ...]
    bitstrings: tuple[str, ...]


def brute_force(Q: Any, offset: float = 0.0, mask: Any = None, tol: float = 1e-9) -> QuboSolution:
    """Exact minimum over all states (or those where ``mask`` is True); ties within ``tol``
    are all reported, lowest index first."""
    E = qubo_energies(Q, offset)
    n = int(round(math.log2(E.size)))
    allowed = np.ones(E.size, bool) if mask is None else np.asarray(mask, bool).reshape(-1)
    if allowed.size != E.size or not allowed.any():
        raise ValueError("mask must be a boolean array over all 2**n states with at least one True")
    best = float(E[allowed].min())
    idx = tuple(int(i) for i in np.flatnonzero(allowed & (E <= best + tol)))
    return QuboSolution(best, idx, tuple(bitstring(i, n) for i in idx))


@dataclass(frozen=True)
class AnnealResult:
    """Best state found, its energy, and the energy after each sweep."""

    x: np.ndarray
    value: float
    trace: np.ndarray


def simulated_annealing(Q: Any, offset: float = 0.0, *, sweeps: int = 200, t_start: float | None = None,
                        t_end: float | None = None, seed: int = 0) -> AnnealResult:
    """Single-bit-flip Metropolis with a geometric temperature schedule, from a random start.

    Default temperatures follow the size of ``Q``: from the largest single-flip change down to
    1/1000 of it. Returns the best state seen (not only the last).

    >>> r = simulated_annealing(np.diag([1.0, -2.0, 3.0]), seed=0)
    >>> r.x.tolist(), r.value
    ([0, 1, 0], -2.0)
    """
    S = symmetrize(Q)
    n = S.shape[0]
    if isinstance(sweeps, bool) or int(sweeps) < 1:
        raise ValueError(f"sweeps must be a positive integer, got {sweeps!r}")
    scale = float(np.abs(S).sum(axis=1).max()) or 1.0
    t0 = scale if t_start is None else float(t_start)
    t1 = t0 / 1000 if t_end is None else float(t_end)
    if not (t0 > 0 and t1 > 0):
        raise ValueError("temperatures must be positive")
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n).astype(float)
    e = float(x @ S @ x) + float(offset)
    best_x, best_e = x.copy(), e
    trace = np.empty(int(sweeps))
    for s, T in enumerate(np.geomspace(t0, t1, int(sweeps))):
        for i in rng.permutation(n):
            d = 1.0 - 2.0 * x[i]                        # +1 to switch on, −1 to switch off
            delta = 2.0 * d * (S[i] @ x) + S[i, i]
            if delta <= 0 or rng.random() < math.exp(-delta / T):
                x[i] += d
                e += delta
                if e < best_e - 1e-12:
                    best_x, best_e = x.copy(), e
        trace[s] = e
    return AnnealResult(best_x.astype(int), float(best_e), trace)


def feasibility_rate(counts: dict[str, int], feasible: Any) -> float:
    """Fraction of shots whose bitstring is feasible; ``feasible(bitstring) -> bool``."""
    shots = sum(counts.values())
    if shots <= 0:
        raise ValueError("counts are empty")
    return sum(c for b, c in counts.items() if feasible(b)) / shots


def flip_bound(mu: Any, sigma: Any, risk_aversion: float = 1.0) -> float:
    """Largest change one buy/sell can make to ``q·xᵀΣx − μᵀx``:
    ``max_i |μ_i| + q·(|Σ_ii| + 2 Σ_{j≠i} |Σ_ij|)``.

    A budget penalty ``A > flip_bound`` makes every QUBO optimum feasible: a portfolio ``m``
    assets off budget pays at least ``A·m`` in penalty but gains at most ``m·flip_bound``.

    >>> flip_bound([0.1, 0.2], [[0.1, 0.05], [0.05, 0.1]])
    0.4
    """
    m = np.asarray(mu, dtype=float).reshape(-1)
    S = np.abs(_square(sigma, "sigma"))
    if S.shape != (m.size, m.size):
        raise ValueError(f"sigma must be {m.size}×{m.size} to match mu, got {S.shape}")
    per_asset = np.abs(m) + float(risk_aversion) * (2 * S.sum(axis=1) - np.diag(S))
    return float(np.round(per_asset.max(), 12))


def best_grid_point(values: Any, tol: float = 1e-9) -> tuple[int, ...]:
    """Index of the minimum of a grid, ties (within ``tol``) broken by the lowest flat index,
    so the printed best point never depends on floating-point noise.

    >>> best_grid_point([[1.0, 0.0], [0.0, 2.0]])
    (0, 1)
    """
    v = np.asarray(values, dtype=float)
    flat = int(np.flatnonzero(v.ravel() <= v.min() + tol)[0])
    return tuple(int(i) for i in np.unravel_index(flat, v.shape))
