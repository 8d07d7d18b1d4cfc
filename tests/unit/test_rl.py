"""Environments, policies and training loops of qmlcourse.rl."""
import math

import matplotlib
import numpy as np
import pytest

from qmlcourse import rl

matplotlib.use("Agg")


# ----------------------------------------------------------------------------- environments
def test_bandit_pays_with_the_arm_means_and_is_seeded():
    env = rl.Bandit([0.1, 0.9], seed=3)
    rewards = np.array([env.step(1)[1] for _ in range(2000)])
    assert set(np.unique(rewards)) == {0.0, 1.0}
    assert abs(rewards.mean() - 0.9) < 0.03
    again = rl.Bandit([0.1, 0.9], seed=3)
    assert [again.step(1)[1] for _ in range(50)] == rewards[:50].tolist()
    assert env.step(0)[0] == 0 and env.step(0)[2] is True
    assert env.best_action == 1 and env.expected_return([[0.25, 0.75]]) == pytest.approx(0.7)


@pytest.mark.parametrize("means, match", [([0.5], "at least 2"), ([0.2, 1.5], "probabilities")])
def test_bandit_rejects_bad_means(means, match):
    with pytest.raises(ValueError, match=match):
        rl.Bandit(means)


def test_bandit_rejects_bad_actions_and_tables():
    env = rl.Bandit()
    with pytest.raises(ValueError, match="action"):
        env.step(7)
    with pytest.raises(ValueError, match="shape"):
        env.expected_return(np.full((2, 4), 0.25))
    with pytest.raises(ValueError, match="summing to 1"):
        env.expected_return([[0.5, 0.5, 0.5, 0.5]])


def test_gridworld_moves_walls_holes_and_goal():
    env = rl.GridWorld(seed=0)
    assert env.layout == rl.GRIDWORLD_4x4 and env.n_states == 16
    assert env.reset() == 0
    assert env.next_state(0, 0) == 0 and env.next_state(0, 3) == 0     # walls
    assert env.next_state(0, 1) == 4 and env.next_state(0, 2) == 1
    assert env.holes == {3, 9} and env.goals == {15}
    assert env.step(2) == (1, 0.0, False)
    assert env.step(2) == (2, 0.0, False)
    assert env.step(2) == (3, 0.0, True)                                # fell in the hole
    with pytest.raises(ValueError, match="reset"):
        env.step(1)
    env.reset()
    path = [1, 1, 1, 2, 2, 2]                                           # down ×3, right ×3
    out = [env.step(a) for a in path]
    assert out[-1] == (15, 1.0, True) and all(not d for _, _, d in out[:-1])


def test_gridworld_stops_after_max_steps():
    env = rl.GridWorld(max_steps=3)
    env.reset()
    assert [env.step(3)[2] for _ in range(3)] == [False, False, True]


def test_gridworld_rewards_and_slip_transitions():
    env = rl.GridWorld(slip=0.3, hole_reward=-1.0, step_reward=-0.01)
    T = env.transitions()
    assert np.allclose(T.sum(axis=2), 1.0)
    assert T[5, 2, 6] == pytest.approx(0.7)          # intended move
    assert T[5, 2, 4] == pytest.approx(0.1)          # slipped left
    env.reset()
    env.rng = np.random.default_rng(0)
    rewards = {round(env._reward(s), 3) for s in range(16)}
    assert rewards == {-0.01, -1.01, 0.99}


@pytest.mark.parametrize("layout, match", [
    (("SF", "F"), "equally long"),
    (("SX", "FG"), "letters"),
    (("FF", "FG"), "start"),
])
def test_gridworld_rejects_bad_layouts(layout, match):
    with pytest.raises(ValueError, match=match):
        rl.GridWorld(layout)


def test_exact_values_of_an_optimal_path_and_a_random_walk():
    env = rl.GridWorld()
    table = np.zeros((16, 4))
    table[:, 1] = 1.0                         # always down ...
    for s in (12, 13, 14):                    # ... then right along the bottom row
        table[s] = [0, 0, 1, 0]
    assert env.expected_return(table, gamma=0.9) == pytest.approx(0.9 ** 5)
    assert env.success_probability(table) == pytest.approx(1.0)
    uniform = np.full((16, 4), 0.25)
    p = env.success_probability(uniform)
    assert 0.03 < p < 0.12
    classic = rl.GridWorld(rl.FROZEN_LAKE_4x4)
    assert classic.success_probability(uniform) < p
    assert np.array_equal(env.greedy(table), table)


def test_state_features_and_render():
    env = rl.GridWorld()
    F = env.state_features()
    assert F.shape == (16, 2) and F[0].tolist() == [0, 0] and F[15].tolist() == [1, 1]
    assert F[4].tolist() == [pytest.approx(1 / 3), 0]
    table = np.zeros((16, 4))
    table[:, 2] = 1
    lines = env.render(table).splitlines()
    assert lines[0] == "→ → → H" and lines[3] == "→ → → G"
    assert env.render().splitlines()[2] == "F H F F"


# ----------------------------------------------------------------------------- policies
def test_softmax_is_stable_and_normalised():
    z = np.array([[1000.0, 1000.0], [0.0, -1000.0]])
    p = rl.softmax(z)
    assert np.allclose(p, [[0.5, 0.5], [1.0, 0.0]]) and np.all(np.isfinite(p))


def _finite_difference(policy, p, eps=1e-6):
    num = np.zeros((policy.n_states, policy.n_actions, policy.n_params))
    for k in range(policy.n_params):
        d = np.zeros_like(p)
        d[k] = eps
        num[:, :, k] = (np.log(policy.table(p + d)) - np.log(policy.table(p - d))) / (2 * eps)
    return num


def test_tabular_log_gradient_matches_finite_differences():
    pol = rl.TabularSoftmaxPolicy(3, 4)
    p = np.random.default_rng(0).normal(size=pol.n_params)
    pi, g = pol.table_and_log_grad(p)
    assert np.allclose(pi.sum(1), 1)
    assert np.allclose(g, _finite_difference(pol, p), atol=1e-6)
    assert np.allclose(pol.table(pol.init_params()), 0.25)


def test_linear_policy_shapes_gradient_and_validation():
    F = rl.GridWorld().state_features()
    pol = rl.LinearSoftmaxPolicy(F, n_actions=4)
    assert pol.n_params == 4 * (2 + 1) and pol.n_states == 16
    assert np.allclose(pol.table(pol.init_params()), 0.25)
    p = np.random.default_rng(1).normal(size=pol.n_params)
    pi, g = pol.table_and_log_grad(p)
    assert pi.shape == (16, 4) and g.shape == (16, 4, 12) and np.allclose(pi.sum(1), 1)
    assert np.allclose(g, _finite_difference(pol, p), atol=1e-6)
    W, b = p[:8].reshape(4, 2), p[8:]                       # logits = W x + b, documented order
    assert np.allclose(pol.logits(p), F @ W.T + b)
    assert repr(pol) == "LinearSoftmaxPolicy(n_states=16, n_features=2, n_actions=4, n_params=12)"
    with pytest.raises(ValueError, match="12 finite numbers"):
        pol.table(np.zeros(5))
    with pytest.raises(ValueError, match="2-D array"):
        rl.LinearSoftmaxPolicy(np.zeros(3))


def test_linear_policy_learns_the_bandit_and_improves_on_the_gridworld():
    bandit = rl.Bandit([0.2, 0.5, 0.8, 0.3], seed=0)
    res = rl.reinforce(bandit, rl.LinearSoftmaxPolicy(bandit.state_features(), 4), episodes=300,
                       batch_size=10, lr=0.1, seed=0)
    assert int(res.policy.argmax()) == 2 and res.method == "reinforce/LinearSoftmaxPolicy"
    env = rl.GridWorld()
    pol = rl.LinearSoftmaxPolicy(env.state_features(), 4)
    run = rl.reinforce(env, pol, episodes=400, batch_size=10, lr=0.15, seed=0)
    again = rl.reinforce(env, pol, episodes=400, batch_size=10, lr=0.15, seed=0)
    assert np.array_equal(run.params, again.params)               # seeded
    assert run.final_return > 5 * run.history["expected_return"][0]


@pytest.mark.parametrize("kwargs", [
    dict(n_actions=4, layers=2),
    dict(n_actions=3, layers=1, trainable_beta=False),
    dict(n_actions=4, layers=2, features="grid"),
    dict(n_actions=4, layers=1, features="grid", n_qubits=3, trainable_scaling=False),
])
def test_quantum_policy_log_gradient_matches_finite_differences(kwargs):
    if kwargs.get("features") == "grid":
        kwargs = dict(kwargs, features=rl.GridWorld().state_features())
    pol = rl.QuantumSoftmaxPolicy(**kwargs)
    p = pol.init_params(seed=4)
    pi, g = pol.table_and_log_grad(p)
    assert pi.shape == (pol.n_states, pol.n_actions) and np.allclose(pi.sum(1), 1)
    assert np.allclose(pi, pol.table(p))
    assert np.allclose(g, _finite_difference(pol, p), atol=1e-6)


def test_quantum_policy_scores_are_bitstring_probabilities():
    pol = rl.QuantumSoftmaxPolicy(n_actions=4, layers=1, trainable_beta=False, beta=3.0)
    p = np.zeros(pol.n_params)            # every rotation 0: the circuit leaves |00>
    assert np.allclose(pol.scores(p), [[1, 0, 0, 0]])
    e = math.exp(3.0)
    assert np.allclose(pol.table(p), [[e / (e + 3), 1 / (e + 3), 1 / (e + 3), 1 / (e + 3)]])
    assert pol.circuit.num_qubits == 2 and pol.n_params == 2 * 2 + 2


def test_quantum_policy_counts_and_validation():
    F = rl.GridWorld().state_features()
    pol = rl.QuantumSoftmaxPolicy(n_actions=4, features=F, layers=2)
    assert pol.n_qubits == 2 and pol.n_states == 16
    assert pol.n_params == (2 * 2 * 2 + 2) + 2 * 2 + 1
    assert repr(pol).startswith("QuantumSoftmaxPolicy(n_qubits=2, n_states=16")
    with pytest.raises(ValueError, match="params must be"):
        pol.table(np.zeros(3))
    with pytest.raises(ValueError, match="features"):
        rl.QuantumSoftmaxPolicy(features=np.zeros(3))
    with pytest.raises(ValueError, match="n_qubits"):
        rl.QuantumSoftmaxPolicy(n_actions=4, n_qubits=1)
    with pytest.raises(ValueError, match="beta"):
        rl.QuantumSoftmaxPolicy(beta=0)


# ----------------------------------------------------------------------------- training
def test_discounted_returns():
    assert rl.discounted_returns([1, 0, 2], gamma=0.5).tolist() == [1.5, 1.0, 2.0]
    assert rl.discounted_returns([], gamma=0.9).tolist() == []
    with pytest.raises(ValueError, match="gamma"):
        rl.discounted_returns([1], gamma=2)


def test_run_episode_is_seeded_and_follows_a_deterministic_table():
    env = rl.GridWorld()
    table = np.zeros((16, 4))
    table[:, 1] = 1
    table[12:15] = [0, 0, 1, 0]
    s, a, r = rl.run_episode(env, table, np.random.default_rng(0))
    assert s == [0, 4, 8, 12, 13, 14] and a == [1, 1, 1, 2, 2, 2] and r[-1] == 1.0
    uniform = np.full((16, 4), 0.25)
    one = rl.run_episode(env, uniform, np.random.default_rng(5))
    two = rl.run_episode(env, uniform, np.random.default_rng(5))
    assert one == two


def test_reinforce_learns_the_best_bandit_arm_reproducibly():
    env = rl.Bandit([0.2, 0.5, 0.8, 0.35], seed=0)
    pol = rl.QuantumSoftmaxPolicy(n_actions=4, layers=1)
    res = rl.reinforce(env, pol, episodes=200, batch_size=10, lr=0.1, seed=0)
    h = res.history
    assert h["episode"].tolist() == list(range(0, 201, 10))
    assert h["expected_return"][-1] > h["expected_return"][0] + 0.1
    assert int(res.policy.argmax()) == 2
    again = rl.reinforce(env, pol, episodes=200, batch_size=10, lr=0.1, seed=0)
    assert np.array_equal(res.params, again.params)
    assert repr(res).startswith("RLResult(method='reinforce/QuantumSoftmaxPolicy', episodes=200")


def test_reinforce_tabular_and_q_learning_solve_the_gridworld():
    env = rl.GridWorld()
    tab = rl.reinforce(env, rl.TabularSoftmaxPolicy(16, 4), episodes=300, lr=0.3, seed=0)
    assert env.success_probability(tab.policy) > 0.9
    q = rl.q_learning(env, episodes=300, seed=0)
    assert q.final_return == pytest.approx(0.95 ** 5)
    assert q.history["episode"][-1] == 300 and q.policy.shape == (16, 4)


def test_quantum_reinforce_improves_on_the_gridworld():
    env = rl.GridWorld()
    pol = rl.QuantumSoftmaxPolicy(n_actions=4, features=env.state_features(), layers=2)
    res = rl.reinforce(env, pol, episodes=400, batch_size=10, lr=0.15, seed=0)
    assert env.success_probability(res.policy) > 0.7
    assert res.final_return > 5 * res.history["expected_return"][0]


def test_training_validates_its_arguments():
    env = rl.Bandit()
    pol = rl.TabularSoftmaxPolicy(1, 4)
    with pytest.raises(ValueError, match="episodes"):
        rl.reinforce(env, pol, episodes=0)
    with pytest.raises(ValueError, match="lr"):
        rl.reinforce(env, pol, lr=-1)
    with pytest.raises(ValueError, match="epsilon"):
        rl.q_learning(env, epsilon=2)


def test_plot_gridworld_draws_cells_and_arrows():
    import matplotlib.pyplot as plt

    env = rl.GridWorld()
    table = np.full((16, 4), 0.25)
    ax = rl.plot_gridworld(env, table, title="uniform", values=np.linspace(0, 1, 16))
    assert len(ax.patches) > 16 and ax.get_title() == "uniform"
    plt.close(ax.figure)
