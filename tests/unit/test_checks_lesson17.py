import numpy as np

from qmlcourse import qubo as QB
from qmlcourse.checks import lesson17 as check

MU, SIGMA = QB.synthetic_market(5, seed=17)
K, A, QR = 2, 0.2, 1.0
N = 5


def ref_qubo():
    return QB.portfolio_qubo(MU, SIGMA, K, A, QR)


def test_portfolio_qubo_reference_and_upper_triangular_pass(capsys):
    assert check.portfolio_qubo(ref_qubo(), MU, SIGMA, K, A, QR)
    Q, c = ref_qubo()
    assert check.portfolio_qubo((np.triu(Q) + np.triu(Q, 1), c), MU, SIGMA, K, A, QR)   # same xᵀQx
    assert "32 portfolios" in capsys.readouterr().out


def test_portfolio_qubo_hints(capsys):
    Q, c = ref_qubo()
    assert not check.portfolio_qubo((Q, 0.0), MU, SIGMA, K, A, QR)
    assert "offset is A·k²" in capsys.readouterr().out
    assert not check.portfolio_qubo(QB.portfolio_qubo(-MU, SIGMA, K, A, QR), MU, SIGMA, K, A, QR)
    assert "Sign of the returns" in capsys.readouterr().out
    assert not check.portfolio_qubo(QB.portfolio_qubo(MU, SIGMA, K, 0.0, QR), MU, SIGMA, K, A, QR)
    assert "penalty A·(Σx − k)² is missing" in capsys.readouterr().out
    off = A * (np.ones((N, N)) - np.eye(N))
    assert not check.portfolio_qubo((Q + off, c), MU, SIGMA, K, A, QR)
    assert "counted twice" in capsys.readouterr().out
    assert not check.portfolio_qubo((Q - off / 2, c), MU, SIGMA, K, A, QR)
    assert "half what it should be" in capsys.readouterr().out
    assert not check.portfolio_qubo((Q - A * np.eye(N), c), MU, SIGMA, K, A, QR)
    assert "x_i² = x_i" in capsys.readouterr().out
    assert not check.portfolio_qubo(QB.portfolio_qubo(MU, SIGMA, K, A, 0.0), MU, SIGMA, K, A, QR)
    assert "risk term" in capsys.readouterr().out
    assert not check.portfolio_qubo((np.eye(3), 0.0), MU, SIGMA, K, A, QR)
    assert "5×5" in capsys.readouterr().out
    bad = Q.copy()
    bad[0, 0] += 1.0
    bad[1, 2] += 0.5
    assert not check.portfolio_qubo((bad, c), MU, SIGMA, K, A, QR)
    assert "For the portfolio" in capsys.readouterr().out
    assert not check.portfolio_qubo(Q, MU, SIGMA, K, A, QR)
    assert "Give a pair" in capsys.readouterr().out


def test_flip_bound(capsys):
    want = QB.flip_bound(MU, SIGMA, QR)
    assert check.flip_bound(want, MU, SIGMA, QR)
    assert "δ_max" in capsys.readouterr().out
    S = np.abs(SIGMA)
    assert not check.flip_bound(np.abs(MU).max(), MU, SIGMA, QR)
    assert "only the returns" in capsys.readouterr().out
    assert not check.flip_bound((np.abs(MU) + S.sum(axis=1)).max(), MU, SIGMA, QR)
    assert "appears twice" in capsys.readouterr().out
    assert not check.flip_bound((np.abs(MU) + 2 * S.sum(axis=1)).max(), MU, SIGMA, QR)
    assert "diagonal Σ_ii enters once" in capsys.readouterr().out
    assert not check.flip_bound(-0.1, MU, SIGMA, QR)
    assert "absolute values" in capsys.readouterr().out
    for wrong in (0.05, want * 1.5, want + 0.01):
        assert not check.flip_bound(wrong, MU, SIGMA, QR)
        out = capsys.readouterr().out
        assert "maximum over assets" in out
        for digits in (2, 3, 4, 6):     # a hint guides; it never gives the answer away
            assert f"{want:.{digits}g}" not in out and f"{want:.{digits}f}" not in out, out


def test_ising_form(capsys):
    Q, c = ref_qubo()
    h, J, k = QB.qubo_to_ising(Q, c)
    assert check.ising_form((h, J, k), Q, c)
    assert "every bitstring" in capsys.readouterr().out
    assert check.ising_form((h, J.T, k), Q, c)              # lower-triangular J read as one coupling
    assert "J_ij + J_ji" in capsys.readouterr().out
    assert not check.ising_form((-h, J, k), Q, c)
    assert "(1 − z)/2" in capsys.readouterr().out
    assert not check.ising_form((h, J, k + 1.0), Q, c)
    assert "up to a constant" in capsys.readouterr().out
    assert not check.ising_form((h, 2 * J, k), Q, c)
    assert "twice too large" in capsys.readouterr().out
    assert not check.ising_form((h + 0.3, J, k), Q, c)
    assert "For the bitstring" in capsys.readouterr().out
    assert not check.ising_form((h[:3], J, k), Q, c)
    assert "5 entries" in capsys.readouterr().out
    assert not check.ising_form((h, J), Q, c)
    assert "three things" in capsys.readouterr().out


def _code(table):
    """Bitstring of a 3×3 one-hot table x[c-1, t-1] (bit (c-1)*3 + (t-1); bit 0 last)."""
    flat = np.asarray(table).reshape(-1)
    return "".join(str(int(b)) for b in flat[::-1])


TOUR = _code(np.eye(3))
ROWS_ONLY = _code([[1, 0, 0], [1, 0, 0], [0, 0, 1]])         # each city once, a step twice
COLS_ONLY = _code([[1, 1, 0], [0, 0, 1], [0, 0, 0]])   # one city per step, a city twice
WEIGHT3 = _code([[1, 1, 0], [1, 0, 0], [0, 0, 0]])   # three ones, neither constraint
COUNTS = {TOUR: 50, ROWS_ONLY: 20, COLS_ONLY: 10, WEIGHT3: 5, "000000000": 15}


def test_feasibility_rate(capsys):
    assert check.feasibility_rate(0.5, COUNTS, 4)
    assert "50 of 100" in capsys.readouterr().out
    assert not check.feasibility_rate(50, COUNTS, 4)
    assert "divide by the 100 shots" in capsys.readouterr().out
    assert not check.feasibility_rate(0.7, COUNTS, 4)        # tour + rows-only (each city once)
    assert "every city visited once" in capsys.readouterr().out
    assert not check.feasibility_rate(0.6, COUNTS, 4)        # tour + cols-only (one city per step)
    assert "one city per step" in capsys.readouterr().out
    assert not check.feasibility_rate(0.85, COUNTS, 4)       # exactly three ones
    assert "necessary but not sufficient" in capsys.readouterr().out
    assert not check.feasibility_rate(0.2, COUNTS, 4)        # 1 of 5 distinct bitstrings
    assert "SHOTS" in capsys.readouterr().out
    assert not check.feasibility_rate(0.33, COUNTS, 4)
    assert "Expected 0.500" in capsys.readouterr().out


def test_prediction_records_and_reveal_compares(capsys):
    assert not check.predict_penalty_effect("sideways")
    assert "write one of" in capsys.readouterr().out
    assert check.reveal_penalty_effect(0.10, 0.07) == "down"
    out = capsys.readouterr().out
    assert "no prediction" in out and "0.100" not in out and "down" not in out  # the truth waits
    assert check.predict_penalty_effect("Up")
    assert "recorded" in capsys.readouterr().out
    assert check.reveal_penalty_effect(0.10, 0.07) == "down"
    assert "You predicted 'up'" in capsys.readouterr().out
    check.predict_penalty_effect("same")
    assert check.reveal_penalty_effect(0.10, 0.102) == "same"
    assert "You predicted that" in capsys.readouterr().out


def test_missing_or_garbage_never_raises(capsys):
    assert not check.portfolio_qubo(None, MU, SIGMA, K, A, QR)
    assert not check.portfolio_qubo(("x", "y"), MU, SIGMA, K, A, QR)
    assert not check.flip_bound(None, MU, SIGMA, QR)
    assert not check.flip_bound("abc", MU, SIGMA, QR)
    assert not check.ising_form(None, np.eye(2), 0.0)
    assert not check.ising_form(("a", "b", "c"), np.eye(2), 0.0)
    assert not check.feasibility_rate(None, COUNTS, 4)
    assert not check.feasibility_rate(float("nan"), COUNTS, 4)
    out = capsys.readouterr().out
    assert "no answer yet" in out and "Traceback" not in out
