import itertools

import numpy as np
import pytest

from qmlcourse import qubo as QB

MU, SIGMA = QB.synthetic_market(5, seed=17)


def brute_objective(x, mu, sigma, k, A, q):
    x = np.asarray(x, float)
    return q * x @ sigma @ x - mu @ x + A * (x.sum() - k) ** 2


def test_bits_follow_qiskit_order():
    X = QB.bits(3)
    assert X[1].tolist() == [1, 0, 0] and X[4].tolist() == [0, 0, 1]
    assert QB.bitstring(1, 3) == "001"


def test_portfolio_qubo_matches_the_objective_on_every_portfolio():
    Q, c = QB.portfolio_qubo(MU, SIGMA, 2, 0.3, 1.5)
    assert np.allclose(Q, Q.T)
    E = QB.qubo_energies(Q, c)
    for k, x in enumerate(QB.bits(5)):
        assert E[k] == pytest.approx(brute_objective(x, MU, SIGMA, 2, 0.3, 1.5))


def test_ising_form_and_operator_reproduce_the_qubo():
    rng = np.random.default_rng(0)
    Q = rng.normal(size=(4, 4))                     # not symmetric: the conversion symmetrises
    E = QB.qubo_energies(Q, 0.7)
    h, J, c = QB.qubo_to_ising(Q, 0.7)
    assert np.allclose(np.tril(J), 0)
    assert np.allclose(QB.ising_energies(h, J, c), E)
    assert np.allclose(np.diag(QB.qubo_operator(Q, 0.7).to_matrix()).real, E)


def test_ising_sign_convention_zero_is_plus_one():
    h, J, c = QB.qubo_to_ising([[0, 0], [0, 2.0]], 0.0)    # f = 2 x_1: only |10> (x_1 = 1) costs
    assert np.allclose(QB.ising_energies(h, J, c), [0, 0, 2, 2])


def test_flip_bound_guarantees_a_feasible_minimum_and_threshold_is_tight():
    for seed in range(5):
        mu, sigma = QB.synthetic_market(5, seed=seed)
        A = QB.flip_bound(mu, sigma, 2.0) * 1.0001
        sol = QB.brute_force(*QB.portfolio_qubo(mu, sigma, 2, A, 2.0))
        assert all(QB.bits(5)[i].sum() == 2 for i in sol.indices)
    sol = QB.brute_force(*QB.portfolio_qubo(MU, SIGMA, 2, 0.0, 1.0))
    assert QB.bits(5)[sol.indices[0]].sum() != 2                # the unpenalised optimum breaks the budget


def test_brute_force_reports_all_ties_lowest_first_and_respects_mask():
    sol = QB.brute_force(np.zeros((2, 2)))
    assert sol.indices == (0, 1, 2, 3) and sol.value == 0
    masked = QB.brute_force(np.diag([1.0, 2.0]), mask=[False, True, True, False])
    assert masked.indices == (1,) and masked.value == 1.0
    with pytest.raises(ValueError, match="mask"):
        QB.brute_force(np.eye(2), mask=[False] * 4)


def test_tsp_qubo_energies_are_tour_lengths_on_tours_and_penalised_elsewhere():
    pts = np.array([[0, 0], [4, 0], [4, 3], [0, 3]], float)
    D = np.linalg.norm(pts[:, None] - pts[None], axis=-1)
    Q, c = QB.tsp_qubo(D, 10.0)
    E = QB.qubo_energies(Q, c)
    mask = QB.tsp_feasible(4)
    assert mask.sum() == 6
    for k in np.flatnonzero(mask):
        assert E[k] == pytest.approx(QB.tour_length(QB.tsp_tour(k, 4), D))
    assert E[~mask].min() > 14
    assert {QB.tsp_tour(k, 4) for k in QB.brute_force(Q, c).indices} == {(0, 1, 2, 3), (0, 3, 2, 1)}
    assert QB.tsp_tour(0, 4) is None
    perms = {(0,) + p for p in itertools.permutations([1, 2, 3])}
    assert {QB.tsp_tour(k, 4) for k in np.flatnonzero(mask)} == perms


def test_simulated_annealing_finds_the_tsp_optimum_and_is_seeded():
    pts = np.array([[0, 0], [4, 0], [4, 3], [0, 3]], float)
    D = np.linalg.norm(pts[:, None] - pts[None], axis=-1)
    Q, c = QB.tsp_qubo(D, 10.0)
    a = QB.simulated_annealing(Q, c, sweeps=100, seed=3)
    b = QB.simulated_annealing(Q, c, sweeps=100, seed=3)
    assert a.value == pytest.approx(14.0) and np.array_equal(a.x, b.x)
    assert a.value == pytest.approx(QB.qubo_energies(Q, c)[int(a.x @ (1 << np.arange(9)))])
    assert a.trace.shape == (100,)


def test_feasibility_rate_and_best_grid_point():
    assert QB.feasibility_rate({"01": 3, "11": 1}, lambda b: b.count("1") == 1) == 0.75
    assert QB.best_grid_point([[2.0, 1.0], [1.0 + 1e-12, 3.0]]) == (0, 1)


@pytest.mark.parametrize("call, message", [
    (lambda: QB.portfolio_qubo([0.1, 0.2], np.eye(3), 1, 1.0), "sigma must be 2×2"),
    (lambda: QB.portfolio_qubo([0.1, 0.2], np.eye(2), 3, 1.0), "budget"),
    (lambda: QB.portfolio_qubo([0.1, 0.2], np.eye(2), 1, -1.0), "non-negative"),
    (lambda: QB.qubo_energies(np.ones((2, 3))), "square"),
    (lambda: QB.qubo_energies(np.full((2, 2), np.nan)), "NaN"),
    (lambda: QB.tsp_qubo(np.ones((6, 6)), 1.0), "at most"),
    (lambda: QB.simulated_annealing(np.eye(2), sweeps=0), "sweeps"),
    (lambda: QB.synthetic_market(1), "num_assets"),
])
def test_bad_input_names_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()
