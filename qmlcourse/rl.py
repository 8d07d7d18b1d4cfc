"""Reinforcement learning in miniature: seeded environments, a variational quantum policy,
REINFORCE, and tabular baselines.

Environments (written here, no gym):

* :class:`Bandit` — a k-armed Bernoulli bandit (one state; every episode is one pull).
* :class:`GridWorld` — a 4×4 FrozenLake-like grid (default :data:`GRIDWORLD_4x4`; the
  classic, harder map is :data:`FROZEN_LAKE_4x4`): start ``S``, frozen ``F``, holes ``H``,
  goal ``G``; reward ``goal_reward`` on reaching the goal, optional ``slip`` probability.

Both have ``reset() -> state``, ``step(action) -> (state, reward, done)``, ``n_states``,
``n_actions`` and an exact :meth:`~GridWorld.expected_return` of a policy table (so learning
curves need no extra sampling noise).

Policies give a table ``π(a | s)`` of shape ``(n_states, n_actions)`` and the gradient of
``log π`` with respect to their parameters:

* :class:`QuantumSoftmaxPolicy` — ``π(a|s) = softmax_a(β ⟨Π_a⟩_{s,θ})``: a small
  re-uploading circuit, the expectation value of the projector ``Π_a = |a⟩⟨a|`` (the
  probability of reading bitstring ``a``) as the action's score, sharpened by ``β``.
  Exact probabilities come from :mod:`qmlwidgets.engine`, gradients from the parameter-shift
  rule — all states and all shifts in one batched engine call.
* :class:`TabularSoftmaxPolicy` — one trainable logit per (state, action): the classical
  baseline with the same training algorithm.
* :class:`LinearSoftmaxPolicy` — logits ``W x_s + b`` on the same state features as the
  quantum policy: the classical baseline with (about) as few parameters.

Training: :func:`reinforce` (policy gradient with a mean-return baseline and Adam) and
:func:`q_learning` (tabular, ε-greedy). Both return an :class:`RLResult` whose history holds
the exact expected return of the policy after every update.

Example::

    >>> from qmlcourse.rl import Bandit, QuantumSoftmaxPolicy, reinforce
    >>> env = Bandit([0.2, 0.5, 0.8, 0.3], seed=0)
    >>> policy = QuantumSoftmaxPolicy(n_actions=4, layers=1)
    >>> result = reinforce(env, policy, episodes=200, batch_size=10, lr=0.1, seed=0)
    >>> int(result.policy.argmax()), result.final_return > 0.6
    (2, True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

import numpy as np
from qmlwidgets.validate import probability as _check_prob, positive as _check_positive

__all__ = [
    "ACTIONS",
    "ARROWS",
    "FROZEN_LAKE_4x4",
    "GRIDWORLD_4x4",
    "Bandit",
    "GridWorld",
    "softmax",
    "QuantumSoftmaxPolicy",
    "TabularSoftmaxPolicy",
    "LinearSoftmaxPolicy",
    "RLResult",
    "discounted_returns",
    "run_episode",
    "reinforce",
    "q_learning",
    "plot_gridworld",
]

#: action names of the grid world, in FrozenLake's order
ACTIONS = ("left", "down", "right", "up")
ARROWS = ("←", "↓", "→", "↑")
_MOVES = ((0, -1), (1, 0), (0, 1), (-1, 0))
#: the classic 4×4 FrozenLake map (S start, F frozen, H hole, G goal) — hard to explore:
#: a random walk reaches the goal in about 1 % of episodes
FROZEN_LAKE_4x4 = ("SFFF", "FHFH", "FFFH", "HFFG")
#: the course's default 4×4 map: two holes, a random walk succeeds in about 7 % of episodes
GRIDWORLD_4x4 = ("SFFH", "FFFF", "FHFF", "FFFG")


# ----------------------------------------------------------------------------- checks
def _check_int(value: Any, name: str, lo: int, hi: int | None = None) -> int:
    ok = not isinstance(value, bool) and isinstance(value, (int, np.integer))
    if not ok or value < lo or (hi is not None and value > hi):
        span = f">= {lo}" if hi is None else f"in {lo}..{hi}"
        raise ValueError(f"{name} must be an integer {span}, got {value!r}")
    return int(value)




def _check_table(table: Any, n_states: int, n_actions: int) -> np.ndarray:
    pi = np.asarray(table, dtype=float)
    if pi.ndim == 1 and n_states == 1:
        pi = pi[None, :]
    if pi.shape != (n_states, n_actions):
        raise ValueError(f"a policy table must have shape (n_states, n_actions) = "
                         f"({n_states}, {n_actions}), got {pi.shape}")
    if not np.all(np.isfinite(pi)) or np.any(pi < -1e-12) or not np.allclose(pi.sum(1), 1):
        raise ValueError("every row of a policy table must be probabilities summing to 1")
    return pi


# ----------------------------------------------------------------------------- environments
class Bandit:
    """A k-armed Bernoulli bandit: arm ``a`` pays 1 with probability ``means[a]``, else 0.

    One state (``0``); every episode is a single pull, so ``step`` always ends it.

    >>> env = Bandit([0.1, 0.9], seed=1)
    >>> env.reset(), env.n_actions, env.best_action
    (0, 2, 1)
    >>> env.expected_return([[0.5, 0.5]])
    0.5
    """

    n_states = 1

    def __init__(self, means: Sequence[float] = (0.2, 0.5, 0.8, 0.35), *, seed: int | None = 0) -> None:
        m = np.asarray(means, dtype=float).reshape(-1)
        if m.size < 2:
            raise ValueError(f"a bandit needs at least 2 arms, got {m.size}")
        if not np.all((m >= 0) & (m <= 1)):
            raise ValueError(f"arm means must be probabilities in [0, 1], got {m.tolist()}")
        self.means = m
        self.n_actions = int(m.size)
        self.rng = np.random.default_rng(seed)

    @property
    def best_action(self) -> int:
        """The arm with the highest mean."""
        return int(np.argmax(self.means))

    def seed(self, seed: int | None) -> None:
        """Restart the reward generator."""
        self.rng = np.random.default_rng(seed)

    def reset(self) -> int:
        return 0

    def step(self, action: int) -> tuple[int, float, bool]:
        a = _check_int(action, "action", 0, self.n_actions - 1)
        return 0, float(self.rng.random() < self.means[a]), True

    def expected_return(self, table: Any, gamma: float = 1.0) -> float:
        """Exact expected reward of a policy table ``(1, k)``: ``Σ_a π(a) μ_a``."""
        pi = _check_table(table, 1, self.n_actions)
        return float(pi[0] @ self.means)

    def state_features(self) -> np.ndarray:
        """No features: shape ``(1, 0)``."""
        return np.zeros((1, 0))

    def __repr__(self) -> str:
        return f"Bandit(means={[round(float(v), 3) for v in self.means]})"


class GridWorld:
    """A small FrozenLake-like grid world (default :data:`GRIDWORLD_4x4`).

    ``layout`` rows use ``S`` (start), ``F`` (frozen, safe), ``H`` (hole: the episode ends
    with ``hole_reward``) and ``G`` (goal: ends with ``goal_reward``). Actions are
    ``0 left, 1 down, 2 right, 3 up``; moving into a wall leaves the agent in place. With
    ``slip > 0`` the agent moves in a uniformly random *other* direction with that
    probability. Each move adds ``step_reward``; an episode also ends after ``max_steps``.
    States are numbered row by row: ``s = row · width + col``.

    >>> env = GridWorld(seed=0)
    >>> env.reset(), env.n_states, env.n_actions
    (0, 16, 4)
    >>> env.step(2)          # move right
    (1, 0.0, False)
    >>> env.next_state(0, 1), env.next_state(0, 0)   # down; left bumps into the wall
    (4, 0)
    """

    n_actions = 4

    def __init__(self, layout: Sequence[str] = GRIDWORLD_4x4, *, slip: float = 0.0,
                 max_steps: int = 30, goal_reward: float = 1.0, hole_reward: float = 0.0,
                 step_reward: float = 0.0, seed: int | None = 0) -> None:
        rows = [str(r).upper() for r in layout]
        if not rows or len({len(r) for r in rows}) != 1 or not rows[0]:
            raise ValueError("layout must be a non-empty list of equally long strings, e.g. "
                             "('SFFF', 'FHFH', 'FFFH', 'HFFG')")
        letters = set("".join(rows))
        if letters - set("SFHG"):
            raise ValueError(f"layout may only use the letters S, F, H, G; found "
                             f"{sorted(letters - set('SFHG'))}")
        flat = "".join(rows)
        if flat.count("S") != 1 or "G" not in flat:
            raise ValueError("layout needs exactly one start 'S' and at least one goal 'G'")
        self.layout = tuple(rows)
        self.height, self.width = len(rows), len(rows[0])
        self.n_states = self.height * self.width
        self.start = flat.index("S")
        self.goals = frozenset(i for i, c in enumerate(flat) if c == "G")
        self.holes = frozenset(i for i, c in enumerate(flat) if c == "H")
        self.slip = _check_prob(slip, "slip")
        self.max_steps = _check_int(max_steps, "max_steps", 1, 10_000)
        self.goal_reward, self.hole_reward = float(goal_reward), float(hole_reward)
        self.step_reward = float(step_reward)
        self.rng = np.random.default_rng(seed)
        self.state = self.start
        self.t = 0
        self._cache: tuple[np.ndarray, ...] | None = None   # dynamics arrays, built on demand

    # ------------------------------------------------------------------ dynamics
    def seed(self, seed: int | None) -> None:
        """Restart the slip generator."""
        self.rng = np.random.default_rng(seed)

    def coords(self, state: int) -> tuple[int, int]:
        """``(row, col)`` of a state."""
        return divmod(int(state), self.width)

    def is_terminal(self, state: int) -> bool:
        return state in self.goals or state in self.holes

    def next_state(self, state: int, action: int) -> int:
        """Where ``action`` leads from ``state`` without slipping."""
        r, c = self.coords(state)
        dr, dc = _MOVES[action]
        r2, c2 = r + dr, c + dc
        if not (0 <= r2 < self.height and 0 <= c2 < self.width):
            return int(state)
        return r2 * self.width + c2

    def _reward(self, s2: int) -> float:
        r = self.step_reward
        if s2 in self.goals:
            r += self.goal_reward
        elif s2 in self.holes:
            r += self.hole_reward
        return r

    def reset(self) -> int:
        self.state, self.t = self.start, 0
        return self.state

    def step(self, action: int) -> tuple[int, float, bool]:
        a = action if type(action) is int and 0 <= action < 4 else _check_int(action, "action", 0, 3)
        if self.is_terminal(self.state) or self.t >= self.max_steps:
            raise ValueError("the episode is over; call reset() first")
        if self.slip > 0 and self.rng.random() < self.slip:
            a = int(self.rng.choice([b for b in range(4) if b != a]))
        s2 = self.next_state(self.state, a)
        self.state = s2
        self.t += 1
        done = self.is_terminal(s2) or self.t >= self.max_steps
        return s2, self._reward(s2), done

    def transitions(self) -> np.ndarray:
        """``T[s, a, s']`` — the probability of landing in ``s'`` (terminal states absorb)."""
        return self._arrays()[0].copy()

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Cached ``(T, terminal mask, reward on arrival, goal mask)``."""
        if self._cache is None:
            S = self.n_states
            T = np.zeros((S, 4, S))
            for s in range(S):
                for a in range(4):
                    if self.is_terminal(s):
                        T[s, a, s] = 1.0
                        continue
                    T[s, a, self.next_state(s, a)] += 1.0 - self.slip
                    for b in range(4):
                        if b != a:
                            T[s, a, self.next_state(s, b)] += self.slip / 3
            term = np.array([self.is_terminal(s) for s in range(S)])
            R = np.array([self._reward(s2) for s2 in range(S)])
            goal = np.array([s in self.goals for s in range(S)], dtype=float)
            self._cache = (T, term, R, goal)
        return self._cache

    def _evaluate(self, pi: np.ndarray, reward: np.ndarray, gamma: float) -> np.ndarray:
        T, term, _, _ = self._arrays()
        V = np.zeros(self.n_states)
        for _ in range(self.max_steps):
            Q = T @ (reward + gamma * np.where(term, 0.0, V))          # (S, A)
            V = np.where(term, 0.0, np.sum(pi * Q, axis=1))
        return V

    def values(self, table: Any, gamma: float = 0.95) -> np.ndarray:
        """Exact expected discounted return from every state within ``max_steps`` moves
        (finite-horizon policy evaluation; terminal states are worth 0)."""
        pi = _check_table(table, self.n_states, 4)
        g = _check_prob(gamma, "gamma")
        return self._evaluate(pi, self._arrays()[2], g)

    def expected_return(self, table: Any, gamma: float = 0.95) -> float:
        """Exact expected discounted return of a policy table from the start state."""
        return float(self.values(table, gamma)[self.start])

    def success_probability(self, table: Any) -> float:
        """Probability of reaching a goal within ``max_steps`` (undiscounted, reward 1)."""
        pi = _check_table(table, self.n_states, 4)
        return float(self._evaluate(pi, self._arrays()[3], 1.0)[self.start])

    def greedy(self, table: Any) -> np.ndarray:
        """The deterministic policy table that takes each row's most likely action."""
        pi = _check_table(table, self.n_states, 4)
        out = np.zeros_like(pi)
        out[np.arange(self.n_states), pi.argmax(1)] = 1.0
        return out

    def state_features(self) -> np.ndarray:
        """``(row, col)`` of every state scaled to ``[0, 1]``: shape ``(n_states, 2)``."""
        rc = np.array([self.coords(s) for s in range(self.n_states)], dtype=float)
        return rc / np.maximum([self.height - 1, self.width - 1], 1)

    def render(self, table: Any = None) -> str:
        """The map as text; with a policy table, arrows of the most likely action."""
        pi = None if table is None else _check_table(table, self.n_states, 4)
        lines = []
        for r, row in enumerate(self.layout):
            cells = []
            for c, ch in enumerate(row):
                s = r * self.width + c
                cells.append(ARROWS[int(pi[s].argmax())] if pi is not None and ch in "SF" else ch)
            lines.append(" ".join(cells))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"GridWorld({self.height}x{self.width}, holes={len(self.holes)}, "
                f"slip={self.slip:g}, max_steps={self.max_steps})")


# ----------------------------------------------------------------------------- policies
def softmax(z: Any, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``.

    >>> softmax(np.array([0.0, np.log(3.0)])).round(3).tolist()
    [0.25, 0.75]
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class Policy(Protocol):  # pragma: no cover - typing only
    n_states: int
    n_actions: int
    n_params: int

    def init_params(self, seed: int | None = 0) -> np.ndarray: ...
    def table(self, params: Any) -> np.ndarray: ...
    def table_and_log_grad(self, params: Any) -> tuple[np.ndarray, np.ndarray]: ...


class TabularSoftmaxPolicy:
    """One logit per (state, action): ``π(a|s) = softmax_a(θ[s, a])``.

    ``∇_θ log π(a|s)`` is ``e_a − π(·|s)`` in row ``s`` and zero elsewhere.

    >>> pol = TabularSoftmaxPolicy(n_states=2, n_actions=3)
    >>> pol.table(np.zeros(6)).round(3).tolist()
    [[0.333, 0.333, 0.333], [0.333, 0.333, 0.333]]
    """

    def __init__(self, n_states: int = 1, n_actions: int = 4) -> None:
        self.n_states = _check_int(n_states, "n_states", 1)
        self.n_actions = _check_int(n_actions, "n_actions", 2)
        self.n_params = self.n_states * self.n_actions

    def init_params(self, seed: int | None = 0) -> np.ndarray:
        """All logits zero: the uniform policy (``seed`` is accepted for symmetry)."""
        return np.zeros(self.n_params)

    def _check(self, params: Any) -> np.ndarray:
        p = np.asarray(params, dtype=float).reshape(-1)
        if p.size != self.n_params or not np.all(np.isfinite(p)):
            raise ValueError(f"params must be {self.n_params} finite numbers "
                             f"(n_states × n_actions), got shape {np.shape(params)}")
        return p

    def table(self, params: Any) -> np.ndarray:
        return softmax(self._check(params).reshape(self.n_states, self.n_actions))

    def table_and_log_grad(self, params: Any) -> tuple[np.ndarray, np.ndarray]:
        pi = self.table(params)
        S, A = pi.shape
        g = np.zeros((S, A, S, A))
        for s in range(S):
            g[s, :, s, :] = np.eye(A) - pi[s][None, :]
        return pi, g.reshape(S, A, S * A)

    def __repr__(self) -> str:
        return f"TabularSoftmaxPolicy(n_states={self.n_states}, n_actions={self.n_actions})"


class LinearSoftmaxPolicy:
    """A classical linear softmax policy on state features: ``π(·|s) = softmax(W x_s + b)``.

    ``W`` is ``(n_actions, n_features)`` and ``b`` has ``n_actions`` entries, so there are
    ``n_actions · (n_features + 1)`` parameters ``[W (row-major)…, b…]`` — the classical
    baseline for a policy that, like :class:`QuantumSoftmaxPolicy`, shares its parameters
    across states through features. ``∇ log π(a|s)`` with respect to the logits is
    ``e_a − π(·|s)``; a logit ``z_b`` depends on row ``b`` of ``W`` through ``x_s`` and on ``b_b``.

    >>> pol = LinearSoftmaxPolicy(features=np.array([[0.0, 0.0], [1.0, 0.5]]), n_actions=4)
    >>> pol.n_params                       # 4 × 2 weights + 4 biases
    12
    >>> pol.table(pol.init_params()).round(3).tolist()[0]
    [0.25, 0.25, 0.25, 0.25]
    """

    def __init__(self, features: Any, n_actions: int = 4) -> None:
        F = np.asarray(features, dtype=float)
        if F.ndim != 2 or F.shape[0] < 1 or not np.all(np.isfinite(F)):
            raise ValueError("features must be a 2-D array (n_states, n_features) of finite "
                             f"numbers, e.g. env.state_features(); got shape {F.shape}")
        self.features = F
        self.n_states, self.n_features = F.shape
        self.n_actions = _check_int(n_actions, "n_actions", 2)
        self.n_params = self.n_actions * (self.n_features + 1)

    def init_params(self, seed: int | None = 0) -> np.ndarray:
        """All zero: the uniform policy, like the table (``seed`` is accepted for symmetry)."""
        return np.zeros(self.n_params)

    def _split(self, params: Any) -> tuple[np.ndarray, np.ndarray]:
        p = np.asarray(params, dtype=float).reshape(-1)
        if p.size != self.n_params or not np.all(np.isfinite(p)):
            raise ValueError(f"params must be {self.n_params} finite numbers "
                             f"(n_actions × (n_features + 1)), got shape {np.shape(params)}")
        A, d = self.n_actions, self.n_features
        return p[: A * d].reshape(A, d), p[A * d:]

    def logits(self, params: Any) -> np.ndarray:
        """``W x_s + b`` for every state ``(n_states, n_actions)``."""
        W, b = self._split(params)
        return self.features @ W.T + b

    def table(self, params: Any) -> np.ndarray:
        """``π(a|s)`` ``(n_states, n_actions)``."""
        return softmax(self.logits(params))

    def table_and_log_grad(self, params: Any) -> tuple[np.ndarray, np.ndarray]:
        """``π`` ``(S, A)`` and ``∇ log π(a|s)`` ``(S, A, n_params)``."""
        pi = self.table(params)
        S, A, d = self.n_states, self.n_actions, self.n_features
        x1 = np.hstack([self.features, np.ones((S, 1))])              # (S, d+1): features and the bias input
        dlog_dz = np.eye(A)[None, :, :] - pi[:, None, :]              # (S, a, b) = [a=b] − π(b|s)
        g = dlog_dz[:, :, :, None] * x1[:, None, None, :]             # (S, a, b, d+1)
        grad_w = g[..., :d].reshape(S, A, A * d)
        grad_b = g[..., d]
        return pi, np.concatenate([grad_w, grad_b], axis=2)

    def __repr__(self) -> str:
        return (f"LinearSoftmaxPolicy(n_states={self.n_states}, n_features={self.n_features}, "
                f"n_actions={self.n_actions}, n_params={self.n_params})")


class QuantumSoftmaxPolicy:
    """Variational softmax policy ``π(a|s) = softmax_a(β ⟨Π_a⟩_{s,θ})``.

    The circuit on ``n_qubits = max(⌈log₂ n_actions⌉, n_features)`` qubits repeats
    ``layers`` times: an encoding ``RX(λ_{l,q} · π · x_{q mod d})`` (skipped without
    features), then trainable ``RY``, ``RZ`` on every qubit and a CZ chain; a final ``RY``
    layer precedes the measurement. ``⟨Π_a⟩`` is the probability of reading the bitstring
    of ``a`` (Qiskit order: ``a = Σ_q bit_q 2^q``). ``β`` (inverse temperature) sharpens the
    choice; with ``trainable_beta`` it is the last parameter.

    Parameters are ``[θ…, λ… (if trainable_scaling and features), β (if trainable)]``.
    Gradients use the parameter-shift rule on every rotation (the chain rule brings in
    ``π x`` for the scaling weights): one engine call evaluates every state at every shift.

    >>> pol = QuantumSoftmaxPolicy(n_actions=4, layers=1)
    >>> pol.n_qubits, pol.n_params          # 6 angles + β
    (2, 7)
    >>> pi = pol.table(pol.init_params(seed=0)); pi.shape, bool(np.allclose(pi.sum(), 1))
    ((1, 4), True)
    """

    def __init__(self, n_actions: int = 4, features: Any = None, *, layers: int = 2,
                 n_qubits: int | None = None, beta: float = 2.0, trainable_beta: bool = True,
                 trainable_scaling: bool = True) -> None:
        from qiskit import QuantumCircuit
        from qiskit.circuit import ParameterVector

        self.n_actions = _check_int(n_actions, "n_actions", 2, 64)
        F = np.zeros((1, 0)) if features is None else np.asarray(features, dtype=float)
        if F.ndim != 2 or F.shape[0] < 1 or not np.all(np.isfinite(F)):
            raise ValueError("features must be a 2-D array (n_states, n_features) of finite "
                             f"numbers, e.g. env.state_features(); got shape {F.shape}")
        self.features = F
        self.n_states, self.n_features = F.shape
        self.layers = _check_int(layers, "layers", 1, 20)
        self.beta = _check_positive(beta, "beta")
        self.trainable_beta = bool(trainable_beta)
        self.trainable_scaling = bool(trainable_scaling) and self.n_features > 0
        self.n_action_qubits = max(int(math.ceil(math.log2(self.n_actions))), 1)
        need = max(self.n_action_qubits, self.n_features)
        n = need if n_qubits is None else _check_int(n_qubits, "n_qubits", need, 10)
        if n > 10:
            raise ValueError(f"this policy would need {n} qubits; keep n_features and "
                             "log2(n_actions) at most 10")
        self.n_qubits = n
        self._readout = list(range(self.n_action_qubits))
        d = self.n_features
        n_enc = self.layers * n if d else 0
        phi = ParameterVector("φ", n_enc)          # encoding angles (slot per gate)
        theta = ParameterVector("θ", self.layers * 2 * n + n)
        qc = QuantumCircuit(n)
        k = e = 0
        for _ in range(self.layers):
            if d:
                for q in range(n):
                    qc.rx(phi[e], q)
                    e += 1
            for q in range(n):
                qc.ry(theta[k], q)
                k += 1
            for q in range(n):
                qc.rz(theta[k], q)
                k += 1
            for q in range(n - 1):
                qc.cz(q, q + 1)
        for q in range(n):
            qc.ry(theta[k], q)
            k += 1
        self.circuit = qc
        order = {p: i for i, p in enumerate(qc.parameters)}
        self._theta_cols = np.array([order[p] for p in theta], dtype=int)
        self._phi_cols = np.array([order[p] for p in phi], dtype=int)
        # feature index used by each encoding gate
        self._phi_feature = np.array([q % d for _ in range(self.layers) for q in range(n)]
                                     if d else [], dtype=int)
        self.n_theta = len(theta)
        self.n_scaling = n_enc if self.trainable_scaling else 0
        self.n_params = self.n_theta + self.n_scaling + int(self.trainable_beta)

    # ------------------------------------------------------------------ parameters
    def init_params(self, seed: int | None = 0) -> np.ndarray:
        """Seeded start: angles uniform in ``[-π, π]``, scalings 1, ``β`` as given."""
        rng = np.random.default_rng(seed)
        parts = [rng.uniform(-math.pi, math.pi, self.n_theta), np.ones(self.n_scaling)]
        if self.trainable_beta:
            parts.append([self.beta])
        return np.concatenate(parts)

    def _split(self, params: Any) -> tuple[np.ndarray, np.ndarray, float]:
        p = np.asarray(params, dtype=float).reshape(-1)
        if p.size != self.n_params or not np.all(np.isfinite(p)):
            raise ValueError(f"params must be {self.n_params} finite numbers, got shape "
                             f"{np.shape(params)}")
        theta = p[: self.n_theta]
        lam = (p[self.n_theta: self.n_theta + self.n_scaling] if self.n_scaling
               else np.ones(len(self._phi_cols)))
        beta = float(p[-1]) if self.trainable_beta else self.beta
        return theta, lam, beta

    def circuit_rows(self, params: Any) -> np.ndarray:
        """Parameter rows of the circuit, one per state ``(n_states, circuit.num_parameters)``."""
        theta, lam, _ = self._split(params)
        rows = np.empty((self.n_states, self.circuit.num_parameters))
        rows[:, self._theta_cols] = theta
        if len(self._phi_cols):
            rows[:, self._phi_cols] = lam * math.pi * self.features[:, self._phi_feature]
        return rows

    def scores(self, params: Any) -> np.ndarray:
        """``⟨Π_a⟩`` for every state and action ``(n_states, n_actions)`` (exact)."""
        from qmlwidgets import engine

        return engine.probabilities(self.circuit, self.circuit_rows(params),
                                    qubits=self._readout)[:, : self.n_actions]

    def table(self, params: Any) -> np.ndarray:
        """``π(a|s)`` ``(n_states, n_actions)``."""
        _, _, beta = self._split(params)
        return softmax(beta * self.scores(params))

    def table_and_log_grad(self, params: Any) -> tuple[np.ndarray, np.ndarray]:
        """``π`` ``(S, A)`` and ``∇ log π(a|s)`` ``(S, A, n_params)`` — one engine call."""
        from qmlwidgets import engine

        _, lam, beta = self._split(params)
        rows = self.circuit_rows(params)                       # (S, C)
        S, C = rows.shape
        A = self.n_actions
        shifts = np.zeros((2 * C + 1, C))
        shifts[1: C + 1] = np.eye(C) * (math.pi / 2)
        shifts[C + 1:] = -np.eye(C) * (math.pi / 2)
        batch = rows[:, None, :] + shifts[None, :, :]          # (S, 2C+1, C)
        probs = engine.probabilities(self.circuit, batch, qubits=self._readout)[..., :A]
        p = probs[:, 0]                                         # (S, A)
        dslot = 0.5 * (probs[:, 1: C + 1] - probs[:, C + 1:])   # (S, C, A)
        dp = np.zeros((S, A, self.n_params))
        dp[:, :, : self.n_theta] = np.transpose(dslot[:, self._theta_cols], (0, 2, 1))
        if self.n_scaling:
            chain = math.pi * self.features[:, self._phi_feature]            # (S, E)
            d_phi = np.transpose(dslot[:, self._phi_cols], (0, 2, 1))        # (S, A, E)
            dp[:, :, self.n_theta: self.n_theta + self.n_scaling] = d_phi * chain[:, None, :]
        pi = softmax(beta * p)
        dlogit = beta * dp
        if self.trainable_beta:
            dlogit[:, :, -1] = p
        log_grad = dlogit - np.einsum("sb,sbp->sp", pi, dlogit)[:, None, :]
        return pi, log_grad

    def __repr__(self) -> str:
        return (f"QuantumSoftmaxPolicy(n_qubits={self.n_qubits}, n_states={self.n_states}, "
                f"n_actions={self.n_actions}, layers={self.layers}, n_params={self.n_params})")


# ----------------------------------------------------------------------------- training
@dataclass(repr=False)
class RLResult:
    """What a training run did.

    ``history`` holds ``"episode"`` (episodes played so far), ``"expected_return"`` (exact,
    of the current policy) and ``"batch_return"`` (mean return actually collected), one
    entry per update; entry 0 is the start. ``policy`` is the final table ``π(a|s)``.
    """

    params: np.ndarray
    policy: np.ndarray
    history: dict[str, np.ndarray]
    method: str
    episodes: int = field(default=0)

    @property
    def final_return(self) -> float:
        return float(self.history["expected_return"][-1])

    def __repr__(self) -> str:
        return (f"RLResult(method={self.method!r}, episodes={self.episodes}, "
                f"final_expected_return={self.final_return:.4f})")


def discounted_returns(rewards: Sequence[float], gamma: float = 0.95) -> np.ndarray:
    """``G_t = r_t + γ r_{t+1} + γ² r_{t+2} + …`` for every step of one episode.

    >>> discounted_returns([0, 0, 1], gamma=0.5).tolist()
    [0.25, 0.5, 1.0]
    """
    g = _check_prob(gamma, "gamma")
    r = np.asarray(rewards, dtype=float).reshape(-1)
    out = np.zeros_like(r)
    acc = 0.0
    for t in range(r.size - 1, -1, -1):
        acc = r[t] + g * acc
        out[t] = acc
    return out


def run_episode(env: Any, table: Any, rng: np.random.Generator
                ) -> tuple[list[int], list[int], list[float]]:
    """Play one episode sampling actions from a policy table; ``(states, actions, rewards)``."""
    pi = _check_table(table, env.n_states, env.n_actions)
    return _play(env, np.cumsum(pi, axis=1), rng)


def _play(env: Any, cum: np.ndarray, rng: np.random.Generator
          ) -> tuple[list[int], list[int], list[float]]:
    s = env.reset()
    states, actions, rewards = [], [], []
    done = False
    while not done:
        a = min(int(np.searchsorted(cum[s], rng.random(), side="right")), env.n_actions - 1)
        s2, r, done = env.step(a)
        states.append(s)
        actions.append(a)
        rewards.append(r)
        s = s2
    return states, actions, rewards


def _expected(env: Any, table: np.ndarray, gamma: float) -> float:
    return env.expected_return(table, gamma)


def reinforce(env: Any, policy: Any, *, episodes: int = 300, batch_size: int = 10,
              lr: float = 0.1, gamma: float = 0.95, seed: int | None = 0,
              params: Any = None, baseline: bool = True) -> RLResult:
    """REINFORCE (Williams 1992): ascend ``E[Σ_t (G_t − b) ∇ log π(a_t|s_t)]`` with Adam.

    Every update plays ``batch_size`` episodes with the current policy (seeded), then
    takes one Adam step. ``b`` is the mean return of the batch (``baseline=False``: 0).
    The environment's generator is re-seeded from ``seed`` so runs repeat exactly.
    """
    from qmlwidgets.optimizers import Adam

    episodes = _check_int(episodes, "episodes", 1)
    batch_size = _check_int(batch_size, "batch_size", 1)
    lr = _check_positive(lr, "lr")
    gamma = _check_prob(gamma, "gamma")
    rng = np.random.default_rng(seed)
    env.seed(None if seed is None else seed + 1)
    p = policy.init_params(seed) if params is None else np.asarray(params, dtype=float).copy()
    opt = Adam(lr)
    pi = policy.table(p)
    hist: dict[str, list[float]] = {"episode": [0], "expected_return": [_expected(env, pi, gamma)],
                                    "batch_return": [float("nan")]}
    played = 0
    while played < episodes:
        n = min(batch_size, episodes - played)
        pi, log_grad = policy.table_and_log_grad(p)
        cum = np.cumsum(_check_table(pi, env.n_states, env.n_actions), axis=1)
        trajs = [_play(env, cum, rng) for _ in range(n)]
        rets = [discounted_returns(r, gamma) for _, _, r in trajs]
        b = float(np.mean(np.concatenate(rets))) if baseline else 0.0
        grad = np.zeros(policy.n_params)
        for (states, actions, _), G in zip(trajs, rets, strict=True):
            grad += ((G - b)[:, None] * log_grad[states, actions]).sum(0)
        grad /= n
        p = opt.step(p, -grad)        # Adam minimises: step along -(-grad)
        played += n
        hist["episode"].append(played)
        hist["expected_return"].append(_expected(env, policy.table(p), gamma))
        hist["batch_return"].append(float(np.mean([G[0] for G in rets])))
    history = {k: np.asarray(v, dtype=int if k == "episode" else float) for k, v in hist.items()}
    return RLResult(p, policy.table(p), history, f"reinforce/{type(policy).__name__}", played)


def q_learning(env: Any, *, episodes: int = 300, lr: float = 0.5, gamma: float = 0.95,
               epsilon: float = 0.2, seed: int | None = 0, record_every: int = 10) -> RLResult:
    """Tabular Q-learning with ε-greedy exploration (ties broken at random, seeded).

    ``Q(s,a) ← Q(s,a) + lr · (r + γ max_b Q(s',b) − Q(s,a))``. The recorded policy is the
    greedy one (``params`` is the Q table, flattened).
    """
    episodes = _check_int(episodes, "episodes", 1)
    record_every = _check_int(record_every, "record_every", 1)
    lr = _check_positive(lr, "lr")
    gamma = _check_prob(gamma, "gamma")
    epsilon = _check_prob(epsilon, "epsilon")
    rng = np.random.default_rng(seed)
    env.seed(None if seed is None else seed + 1)
    S, A = env.n_states, env.n_actions
    Q = [[0.0] * A for _ in range(S)]            # plain lists: fast scalar updates
    is_terminal = getattr(env, "is_terminal", None)

    def greedy_table() -> np.ndarray:
        t = np.zeros((S, A))
        t[np.arange(S), np.argmax(np.array(Q), axis=1)] = 1.0
        return t

    hist: dict[str, list[float]] = {"episode": [0],
                                    "expected_return": [_expected(env, greedy_table(), gamma)],
                                    "batch_return": [float("nan")]}
    batch: list[float] = []
    for ep in range(1, episodes + 1):
        s = env.reset()
        done, G, disc = False, 0.0, 1.0
        while not done:
            row = Q[s]
            if rng.random() < epsilon:
                a = int(rng.integers(A))
            else:
                m = max(row)
                best = [i for i, v in enumerate(row) if v == m]
                a = best[0] if len(best) == 1 else best[int(rng.integers(len(best)))]
            s2, r, done = env.step(a)
            terminal = done and (is_terminal is None or is_terminal(s2))
            target = r + (0.0 if terminal else gamma * max(Q[s2]))
            row[a] += lr * (target - row[a])
            G += disc * r
            disc *= gamma
            s = s2
        batch.append(G)
        if ep % record_every == 0 or ep == episodes:
            hist["episode"].append(ep)
            hist["expected_return"].append(_expected(env, greedy_table(), gamma))
            hist["batch_return"].append(float(np.mean(batch)))
            batch = []
    history = {k: np.asarray(v, dtype=int if k == "episode" else float) for k, v in hist.items()}
    return RLResult(np.array(Q).reshape(-1), greedy_table(), history, "q-learning", episodes)


# ----------------------------------------------------------------------------- pictures
def plot_gridworld(env: GridWorld, table: Any = None, *, ax: Any = None,
                   title: str | None = None, values: Any = None) -> Any:
    """Draw the grid (holes dark, goal green, start outlined) with arrows whose length is
    ``π(a|s)``; ``values`` (n_states,) shades the safe cells. Returns the Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    pi = None if table is None else _check_table(table, env.n_states, 4)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.2, 3.2))
    vals = None if values is None else np.asarray(values, dtype=float).reshape(-1)
    vmax = float(np.max(np.abs(vals))) if vals is not None and np.any(vals) else 1.0
    for s in range(env.n_states):
        r, c = env.coords(s)
        ch = env.layout[r][c]
        color = {"H": "#333333", "G": "#4daf4a"}.get(ch, "#deebf7")
        if vals is not None and ch in "SF":
            color = plt.cm.Blues(0.15 + 0.7 * max(vals[s], 0) / vmax)
        ax.add_patch(Rectangle((c, r), 1, 1, facecolor=color, edgecolor="white", lw=2))
        if ch in "HG":
            ax.text(c + 0.5, r + 0.5, "hole" if ch == "H" else "goal", ha="center",
                    va="center", color="white", fontsize=8)
        if ch == "S":
            ax.add_patch(Rectangle((c + 0.04, r + 0.04), 0.92, 0.92, fill=False,
                                   edgecolor="#D55E00", lw=2))
        if pi is not None and ch in "SF":
            for a, (dr, dc) in enumerate(_MOVES):
                L = 0.42 * pi[s, a]
                if L > 0.09:
                    ax.arrow(c + 0.5, r + 0.5, dc * L, dr * L, width=0.03,
                             head_width=0.12, head_length=0.08, length_includes_head=True,
                             color="#08306b")
    ax.set_xlim(0, env.width)
    ax.set_ylim(env.height, 0)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax
