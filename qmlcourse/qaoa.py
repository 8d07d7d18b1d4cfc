"""MaxCut with QAOA: cost operator, QAOA circuits, brute force and approximation ratios.

Graphs are plain edge lists ``[(i, j), ...]`` on nodes ``0 .. n-1`` (optional ``weights``).
A cut assigns every node a bit; its value is the (weighted) number of edges whose ends
differ. Node ``k`` is qubit ``k``, so in a Qiskit bitstring such as ``"0110"`` node 0 is the
**last** character.

* :func:`maxcut_hamiltonian` — the cut operator ``C = Σ w_ij (I - Z_i Z_j) / 2`` as a
  ``SparsePauliOp``; its eigenvalue on ``|x⟩`` is the cut value of ``x``;
* :func:`qaoa_circuit` — ``|γ, β⟩ = Π_l e^{-iβ_l B} e^{-iγ_l C} |+⟩^n`` with ``RZZ`` and ``RX``
  gates (the same state as ``qiskit.circuit.library.qaoa_ansatz(C, reps=p)``); parameters
  are ``β[0..p-1]`` then ``γ[0..p-1]`` (Qiskit sorts them by name);
* :func:`cut_values`, :func:`brute_force_maxcut`, :func:`approximation_ratio`,
  :func:`optimize_qaoa` (multi-start L-BFGS-B with exact engine gradients).

Example::

    >>> edges = [(0, 1), (1, 2), (2, 0)]
    >>> brute_force_maxcut(edges).value
    2.0
    >>> qc = qaoa_circuit(edges, p=1)
    >>> [p.name for p in qc.parameters]
    ['β[0]', 'γ[0]']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "GRAPHS",
    "check_graph",
    "maxcut_hamiltonian",
    "cut_values",
    "cut_value",
    "MaxCutSolution",
    "brute_force_maxcut",
    "qaoa_circuit",
    "qaoa_parameters",
    "split_parameters",
    "expected_cut",
    "approximation_ratio",
    "QAOAResult",
    "interp_init",
    "optimize_qaoa",
    "circle_layout",
    "draw_cut",
]

MAX_NODES = 16

#: small example graphs: name -> (number of nodes, edge list)
GRAPHS: dict[str, tuple[int, list[tuple[int, int]]]] = {
    "triangle": (3, [(0, 1), (1, 2), (2, 0)]),
    "square": (4, [(0, 1), (1, 2), (2, 3), (3, 0)]),
    "paw": (4, [(0, 1), (1, 2), (2, 0), (2, 3)]),
    "kite": (4, [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]),
    "pentagon": (5, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0)]),
    "prism": (6, [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (0, 3), (1, 4), (2, 5)]),
    "bowtie": (5, [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 2)]),
    "3-regular-8": (8, [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4),
                        (0, 4), (1, 6), (2, 5), (3, 7)]),
}


# ----------------------------------------------------------------------------- graphs
def check_graph(edges: Any, num_nodes: int | None = None, weights: Any = None
                ) -> tuple[int, np.ndarray, np.ndarray]:
    """Validate a graph -> ``(n, edges (E, 2) int array, weights (E,) float array)``.

    ``num_nodes`` defaults to ``1 + max node``. Raises ValueError on self-loops, negative
    or out-of-range nodes, or a weight list of the wrong length.

    >>> n, e, w = check_graph([(0, 1), (1, 2)])
    >>> n, e.tolist(), w.tolist()
    (3, [[0, 1], [1, 2]], [1.0, 1.0])
    """
    try:
        e = np.asarray(list(edges), dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"edges must be a list of (i, j) node pairs, got {edges!r}") from None
    if e.size == 0:
        raise ValueError("the graph has no edges")
    if e.ndim != 2 or e.shape[1] != 2 or np.any(e != np.round(e)):
        raise ValueError(f"edges must be a list of (i, j) integer pairs, got shape {e.shape}")
    e = e.astype(int)
    if np.any(e < 0):
        raise ValueError("node labels must be non-negative integers 0 .. n-1")
    if np.any(e[:, 0] == e[:, 1]):
        raise ValueError(f"self-loop {tuple(e[e[:, 0] == e[:, 1]][0])}: an edge needs two different nodes")
    n = int(e.max()) + 1 if num_nodes is None else int(num_nodes)
    if e.max() >= n:
        raise ValueError(f"edge {tuple(e[np.argmax(e.max(axis=1))])} uses a node >= num_nodes = {n}")
    if not 2 <= n <= MAX_NODES:
        raise ValueError(f"the graph must have 2..{MAX_NODES} nodes, got {n}")
    w = np.ones(len(e)) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.shape != (len(e),) or not np.all(np.isfinite(w)):
        raise ValueError(f"weights must be {len(e)} finite numbers, one per edge")
    return n, e, w


def maxcut_hamiltonian(edges: Any, num_nodes: int | None = None, weights: Any = None) -> Any:
    """The cut operator ``C = Σ_(i,j) w_ij (I - Z_i Z_j) / 2`` as a ``SparsePauliOp``.

    ``C`` is diagonal; its eigenvalue on the basis state ``|x⟩`` is the cut value of ``x``
    (``Z_i Z_j = -1`` exactly when nodes ``i`` and ``j`` are on different sides). QAOA
    *maximises* ``⟨C⟩``; an optimiser that minimises uses ``-C``.

    >>> op = maxcut_hamiltonian([(0, 1)])
    >>> sorted(zip(op.paulis.to_labels(), op.coeffs.real.tolist()))
    [('II', 0.5), ('ZZ', -0.5)]
    """
    from qiskit.quantum_info import SparsePauliOp

    n, e, w = check_graph(edges, num_nodes, weights)
    terms = [("ZZ", [int(i), int(j)], -0.5 * wij) for (i, j), wij in zip(e, w, strict=True)]
    terms.append(("", [], 0.5 * float(w.sum())))
    return SparsePauliOp.from_sparse_list(terms, num_qubits=n).simplify()


def cut_values(edges: Any, num_nodes: int | None = None, weights: Any = None) -> np.ndarray:
    """Cut value of every outcome ``x = 0 .. 2**n - 1`` (bit ``k`` of ``x`` = node ``k``).

    >>> cut_values([(0, 1)]).tolist()      # '00', '01', '10', '11'
    [0.0, 1.0, 1.0, 0.0]
    """
    n, e, w = check_graph(edges, num_nodes, weights)
    x = np.arange(2**n)
    bits_i = (x[:, None] >> e[:, 0]) & 1
    bits_j = (x[:, None] >> e[:, 1]) & 1
    return ((bits_i != bits_j) * w).sum(axis=1).astype(float)


def _as_index(assignment: Any, n: int) -> int:
    if isinstance(assignment, str):
        s = assignment.replace(" ", "")
        if len(s) != n or set(s) - {"0", "1"}:
            raise ValueError(f"a bitstring for {n} nodes needs {n} characters 0/1, got {assignment!r}")
        return int(s, 2)
    if isinstance(assignment, (int, np.integer)) and not isinstance(assignment, bool):
        if not 0 <= assignment < 2**n:
            raise ValueError(f"outcome index must be in 0..{2**n - 1}, got {assignment}")
        return int(assignment)
    b = np.asarray(assignment).ravel()
    if b.shape != (n,) or not np.all((b == 0) | (b == 1)):
        raise ValueError(f"a node assignment needs {n} bits (bits[k] = side of node k), got {assignment!r}")
    return int(np.sum(b.astype(int) << np.arange(n)))


def cut_value(assignment: Any, edges: Any, num_nodes: int | None = None,
              weights: Any = None) -> float:
    """Cut value of one assignment: a Qiskit bitstring (last character = node 0), an
    outcome index, or a list ``bits[k]`` = side of node ``k``.

    >>> cut_value("001", [(0, 1), (1, 2)]), cut_value([1, 0, 0], [(0, 1), (1, 2)])
    (1.0, 1.0)
    """
    n, _, _ = check_graph(edges, num_nodes, weights)
    return float(cut_values(edges, n, weights)[_as_index(assignment, n)])


@dataclass
class MaxCutSolution:
    """Exact MaxCut by enumeration: the optimum ``value`` and all optimal ``bitstrings``
    (Qiskit order, last character = node 0)."""

    value: float
    bitstrings: list[str]
    num_nodes: int

    @property
    def indices(self) -> list[int]:
        return [int(b, 2) for b in self.bitstrings]


def brute_force_maxcut(edges: Any, num_nodes: int | None = None, weights: Any = None
                       ) -> MaxCutSolution:
    """Try all ``2**n`` assignments (fine up to ~20 nodes).

    >>> sol = brute_force_maxcut([(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> sol.value, sol.bitstrings
    (4.0, ['0101', '1010'])
    """
    n, _, _ = check_graph(edges, num_nodes, weights)
    vals = cut_values(edges, n, weights)
    best = float(vals.max())
    idx = np.flatnonzero(np.isclose(vals, best))
    return MaxCutSolution(best, [format(int(i), f"0{n}b") for i in idx], n)


# ----------------------------------------------------------------------------- QAOA circuit
def qaoa_circuit(edges: Any, p: int = 1, num_nodes: int | None = None, weights: Any = None,
                 measure: bool = False) -> Any:
    """QAOA circuit with ``p`` layers for MaxCut.

    Start in ``|+⟩^n`` (Hadamards); layer ``l`` applies the cost unitary ``e^{-iγ_l C}``
    (one ``RZZ(-γ_l w_ij)`` per edge, equal up to a global phase) and the mixer
    ``e^{-iβ_l Σ X}`` (``RX(2β_l)`` on every qubit). Parameters: ``ParameterVector`` ``β`` and
    ``γ`` of length ``p``; ``circuit.parameters`` lists ``β[0..p-1]`` first, then ``γ``.

    >>> qc = qaoa_circuit([(0, 1), (1, 2)], p=2)
    >>> qc.num_qubits, qc.num_parameters, sorted(qc.count_ops().items())
    (3, 4, [('h', 3), ('rx', 6), ('rzz', 4)])
    """
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 1:
        raise ValueError(f"p (number of QAOA layers) must be a positive integer, got {p!r}")
    n, e, w = check_graph(edges, num_nodes, weights)
    beta = ParameterVector("β", int(p))
    gamma = ParameterVector("γ", int(p))
    qc = QuantumCircuit(n, name=f"QAOA p={p}")
    qc.h(range(n))
    for layer in range(int(p)):
        for (i, j), wij in zip(e, w, strict=True):
            qc.rzz(-wij * gamma[layer], int(i), int(j))
        for q in range(n):
            qc.rx(2 * beta[layer], q)
    if measure:
        qc.measure_all()
    return qc


def qaoa_parameters(gammas: Any, betas: Any) -> np.ndarray:
    """Parameter vector in ``circuit.parameters`` order: ``[β_1..β_p, γ_1..γ_p]``.

    >>> qaoa_parameters([0.1, 0.2], [0.3, 0.4]).tolist()
    [0.3, 0.4, 0.1, 0.2]
    """
    g = np.atleast_1d(np.asarray(gammas, dtype=float))
    b = np.atleast_1d(np.asarray(betas, dtype=float))
    if g.shape != b.shape or g.ndim != 1:
        raise ValueError("gammas and betas must be 1-D and of the same length p")
    return np.concatenate([b, g])


def split_parameters(params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`qaoa_parameters` -> ``(gammas, betas)``.

    >>> [a.tolist() for a in split_parameters([0.3, 0.4, 0.1, 0.2])]
    [[0.1, 0.2], [0.3, 0.4]]
    """
    x = np.asarray(params, dtype=float).ravel()
    if x.size % 2:
        raise ValueError(f"a QAOA parameter vector has 2p entries, got {x.size}")
    p = x.size // 2
    return x[p:], x[:p]


def expected_cut(circuit: Any, edges: Any, params: Any, num_nodes: int | None = None,
                 weights: Any = None) -> np.ndarray:
    """Exact ``⟨γ, β| C |γ, β⟩`` for a batch of parameter rows (engine).

    >>> edges = [(0, 1)]
    >>> float(expected_cut(qaoa_circuit(edges), edges, [np.pi / 8, np.pi / 2]).round(4))
    1.0
    """
    from qmlwidgets import engine

    C = maxcut_hamiltonian(edges, circuit.num_qubits if num_nodes is None else num_nodes, weights)
    return np.asarray(engine.expectation_values(circuit, C, np.asarray(params, dtype=float)))


def approximation_ratio(value: Any, optimum: float) -> Any:
    """``value / optimum`` — 1 means QAOA's expected cut equals the best cut.

    >>> approximation_ratio(3.0, 4.0)
    0.75
    """
    opt = float(optimum)
    if not (np.isfinite(opt) and opt > 0):
        raise ValueError(f"the optimum cut must be a positive number, got {optimum!r}")
    r = np.asarray(value, dtype=float) / opt
    return float(r) if r.ndim == 0 else r


# ----------------------------------------------------------------------------- optimisation
@dataclass(repr=False)
class QAOAResult:
    """Best of several optimiser runs: parameters (circuit order), ``gammas``/``betas``,
    the expected cut, the approximation ratio, the output distribution ``probabilities``
    and the probability of measuring an optimal cut (``p_optimal``)."""

    p: int
    params: np.ndarray
    expected_cut: float
    ratio: float
    probabilities: np.ndarray
    p_optimal: float
    optimum: float
    runs: list[float] = field(default_factory=list)

    @property
    def gammas(self) -> np.ndarray:
        return split_parameters(self.params)[0]

    @property
    def betas(self) -> np.ndarray:
        return split_parameters(self.params)[1]

    def __repr__(self) -> str:
        return (f"QAOAResult(p={self.p}, expected_cut={self.expected_cut:.4f}, "
                f"ratio={self.ratio:.4f}, p_optimal={self.p_optimal:.4f})")


def interp_init(params: Any) -> np.ndarray:
    """INTERP initialisation (Zhou et al., PRX 10, 021067 (2020)): stretch optimal depth-``p``
    angles to a depth-``p+1`` starting point by linear interpolation.

    >>> interp_init(qaoa_parameters([0.4], [0.3])).round(3).tolist()   # [β1, β2, γ1, γ2]
    [0.3, 0.3, 0.4, 0.4]
    """
    g, b = split_parameters(params)
    p = g.size

    def stretch(a: np.ndarray) -> np.ndarray:
        padded = np.concatenate([[0.0], a, [0.0]])
        i = np.arange(1, p + 2)
        return (i - 1) / p * padded[i - 1] + (p - i + 1) / p * padded[i]

    return qaoa_parameters(stretch(g), stretch(b))


def _grid_start(loss: Any, resolution: int) -> np.ndarray:
    g = np.linspace(0, np.pi, resolution)
    b = np.linspace(0, np.pi / 2, resolution)
    G, B = np.meshgrid(g, b)
    rows = np.stack([B.ravel(), G.ravel()], axis=1)  # circuit order [β, γ]
    from qmlwidgets.ties import first_argmin

    return rows[first_argmin(loss(rows))]  # symmetric twins tie: take the first, on every CPU


def optimize_qaoa(edges: Any, p: int = 1, num_nodes: int | None = None, weights: Any = None,
                  *, init: Any = None, starts: int = 0, seed: int = 0, steps: int = 100,
                  grid: int = 25) -> QAOAResult:
    """Maximise ``⟨C⟩`` over ``(γ, β)`` with SciPy's L-BFGS-B; value and exact gradient come
    from one ``engine.value_and_gradient`` call per iteration.

    Starting point: ``init`` if given (a parameter row in circuit order, or the
    :class:`QAOAResult` of depth ``p - 1``, stretched by :func:`interp_init`); otherwise for
    ``p = 1`` the best point of a ``grid × grid`` scan of γ ∈ [0, π], β ∈ [0, π/2] (one
    batched engine call), and for ``p > 1`` the INTERP chain ``1 → 2 → … → p``. ``starts``
    extra seeded random starts are also tried; the best run is returned.

    >>> res = optimize_qaoa([(0, 1), (1, 2), (2, 3), (3, 0)], p=1)
    >>> round(res.ratio, 3)
    0.75
    """
    from scipy.optimize import minimize

    from qmlwidgets import engine

    n, _, _ = check_graph(edges, num_nodes, weights)
    qc = qaoa_circuit(edges, p, n, weights)
    minus_c = -maxcut_hamiltonian(edges, n, weights)

    def loss(rows: np.ndarray) -> np.ndarray:
        return np.asarray(engine.expectation_values(qc, minus_c, rows))

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:  # value and gradient in one engine pass
        v, g = engine.value_and_gradient(qc, minus_c, x)
        return float(v), np.asarray(g, dtype=float)

    rows: list[np.ndarray] = []
    if isinstance(init, QAOAResult):
        if init.p == p - 1:
            rows.append(interp_init(init.params))
        elif init.p == p:
            rows.append(init.params.copy())
        else:
            raise ValueError(f"init is a depth-{init.p} result; depth {p - 1} or {p} is needed")
    elif init is not None:
        extra = np.atleast_2d(np.asarray(init, dtype=float))
        if extra.shape[1] != 2 * p:
            raise ValueError(f"init rows need 2p = {2 * p} entries ([β..., γ...]), got {extra.shape[1]}")
        rows.extend(extra)
    elif p == 1:
        rows.append(_grid_start(loss, int(grid)))
    else:
        prev = optimize_qaoa(edges, p - 1, n, weights, steps=steps, grid=grid)
        rows.append(interp_init(prev.params))
    rng = np.random.default_rng(seed)
    for _ in range(int(starts)):
        rows.append(qaoa_parameters(rng.uniform(0, np.pi, p), rng.uniform(0, np.pi / 2, p)))
    best_x, best_f = None, np.inf
    runs = []
    for x0 in rows:
        r = minimize(fun, x0, jac=True, method="L-BFGS-B", options={"maxiter": int(steps)})
        runs.append(-float(r.fun))
        if r.fun < best_f:
            best_x, best_f = np.asarray(r.x, dtype=float), float(r.fun)
    opt = brute_force_maxcut(edges, n, weights)
    probs = engine.probabilities(qc, best_x)
    return QAOAResult(p=int(p), params=best_x, expected_cut=-best_f,
                      ratio=approximation_ratio(-best_f, opt.value), probabilities=probs,
                      p_optimal=float(probs[opt.indices].sum()), optimum=opt.value, runs=runs)


# ----------------------------------------------------------------------------- drawing
def circle_layout(num_nodes: int) -> np.ndarray:
    """Node positions on a circle, node 0 at the top, clockwise -> ``(n, 2)``.

    >>> circle_layout(4).round(3).tolist()
    [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [-1.0, -0.0]]
    """
    a = np.pi / 2 - 2 * np.pi * np.arange(num_nodes) / num_nodes
    return np.stack([np.cos(a), np.sin(a)], axis=1)


def draw_cut(ax: Any, edges: Any, assignment: Any = None, num_nodes: int | None = None,
             pos: Any = None, title: str | None = None) -> Any:
    """Draw the graph on a matplotlib ``ax``; with an ``assignment`` (bitstring / index /
    bits) colour the two sides and draw cut edges dashed red. Returns ``ax``."""
    n, e, _ = check_graph(edges, num_nodes)
    xy = circle_layout(n) if pos is None else np.asarray(pos, dtype=float)
    side = None
    if assignment is not None:
        idx = _as_index(assignment, n)
        side = (idx >> np.arange(n)) & 1
    for i, j in e:
        cut = side is not None and side[i] != side[j]
        ax.plot(*xy[[i, j]].T, ls="--" if cut else "-", color="#D55E00" if cut else "0.55",
                lw=2.2 if cut else 1.5, zorder=1)
    colors = ["#56B4E9" if side is None or s == 0 else "#E69F00"
              for s in (side if side is not None else np.zeros(n, int))]
    ax.scatter(xy[:, 0], xy[:, 1], s=420, c=colors, edgecolors="k", zorder=2)
    for k, (x, y) in enumerate(xy):
        ax.text(x, y, str(k), ha="center", va="center", fontsize=10, zorder=3)
    ax.set_aspect("equal")
    ax.margins(0.15)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return ax
