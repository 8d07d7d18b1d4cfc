"""Checkers of lesson 08: right answers pass, each common mistake gets its hint, nothing raises."""
import math

import numpy as np
import pytest

from qmlwidgets import engine
from qmlwidgets import landscape as L
from qmlcourse.checks import lesson08 as check


@pytest.fixture(scope="module")
def setup():
    ansatz = L.hardware_efficient_ansatz(3, 2)
    cost = L.cost_observable(3, "global")
    thetas = np.random.default_rng(0).uniform(0, 2 * np.pi, (60, ansatz.num_parameters))
    G = engine.gradients(ansatz, cost, thetas)
    return ansatz, cost, thetas, G


def test_gradient_variance_right(capsys, setup):
    ansatz, cost, thetas, G = setup
    assert check.gradient_variance(np.var(G[:, 0]), ansatz, cost, thetas)
    assert check.gradient_variance(np.var(G[:, 0], ddof=1), ansatz, cost, thetas)
    assert "Var[∂C/∂θ₀]" in capsys.readouterr().out


def test_gradient_variance_mistakes_get_hints(capsys, setup):
    ansatz, cost, thetas, G = setup
    cases = [
        (np.std(G[:, 0]), "standard deviation"),
        (np.var(G), "column 0"),
        (np.var(engine.expectation_values(ansatz, cost, thetas)), "variance of the cost values"),
        (-1.0, "cannot be negative"),
        (12.5, "not the variance of ∂C/∂θ₀"),
    ]
    if not math.isclose(np.mean(G[:, 0]), np.var(G[:, 0]), rel_tol=0.05):
        cases.append((np.mean(G[:, 0]), "mean gradient"))
    for answer, hint in cases:
        assert not check.gradient_variance(answer, ansatz, cost, thetas)
        assert hint in capsys.readouterr().out, hint


def test_gradient_variance_missing_and_garbage(capsys, setup):
    ansatz, cost, thetas, _ = setup
    assert not check.gradient_variance(None, ansatz, cost, thetas)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.gradient_variance(0.1)
    assert "Call the checker" in capsys.readouterr().out
    assert not check.gradient_variance("abc", ansatz, cost, thetas)
    assert "number" in capsys.readouterr().out
    assert not check.gradient_variance([1.0, 2.0], ansatz, cost, thetas)
    assert "one number" in capsys.readouterr().out
    assert not check.gradient_variance(float("nan"), ansatz, cost, thetas)
    assert "finite" in capsys.readouterr().out


N = np.arange(2, 8)
VAR = 0.3 * 2.0 ** (-1.4 * N) * np.exp(np.random.default_rng(1).normal(0, 0.1, N.size))
B = -np.polyfit(N, np.log2(VAR), 1)[0]


def test_decay_rate_right(capsys):
    assert check.decay_rate(B, N, VAR)
    assert "divides the variance" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (-B, "Sign"),
    (B * math.log(2), "natural log"),
    (B * math.log10(2), "log10"),
    (-np.polyfit(N, VAR, 1)[0], "not to Var itself"),
    (B + 1.0, "not the fitted b"),
])
def test_decay_rate_mistakes_get_hints(capsys, answer, hint):
    assert not check.decay_rate(answer, N, VAR)
    assert hint in capsys.readouterr().out


def test_decay_rate_missing_and_garbage(capsys):
    assert not check.decay_rate(None, N, VAR)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.decay_rate(1.0)
    assert "Call the checker" in capsys.readouterr().out
    assert not check.decay_rate({"b": 1}, N, VAR)
    assert "not yet" in capsys.readouterr().out


# ----------------------------------------------------------------------------- prediction
def test_predict_then_reveal_decay(capsys):
    assert check.predict_decay(1.0)
    assert check.reveal_decay(1.2)
    out = capsys.readouterr().out
    assert "you predicted 1" in out and "close" in out
    assert check.predict_decay(0.2)
    assert not check.reveal_decay(1.51)
    assert "off by 1.3" in capsys.readouterr().out


def test_missing_decay_prediction_never_raises(capsys):
    assert not check.predict_decay(None)
    assert not check.predict_decay("fast")
    assert not check.reveal_decay(1.5)
    out = capsys.readouterr().out
    assert "none recorded" in out and "no prediction recorded yet" in out


# ----------------------------------------------------------------------------- issue 18, second round
def _first_gradient_variance(ansatz, cost, thetas):
    return np.var(engine.gradients(ansatz, cost, thetas)[:, 0])


def _stub_variance(ansatz, cost, thetas):
    return None  # YOUR CODE HERE


def test_gradient_variance_needs_the_computation_not_a_copied_number(capsys, setup):
    ansatz, cost, thetas, G = setup
    want = float(np.var(G[:, 0]))
    assert check.gradient_variance(want, ansatz, cost, thetas, _first_gradient_variance)
    capsys.readouterr()
    assert not check.gradient_variance(want, ansatz, cost, thetas, _stub_variance)
    assert "stub" in capsys.readouterr().out
    assert not check.gradient_variance(want, ansatz, cost, thetas, lambda a, c, t: want)
    assert "wrong variance" in capsys.readouterr().out


def test_gradient_variance_hint_gives_neither_value_nor_code(capsys, setup):
    ansatz, cost, thetas, G = setup
    assert not check.gradient_variance(12.5, ansatz, cost, thetas)
    out = capsys.readouterr().out
    want = float(np.var(G[:, 0], ddof=1))
    assert f"{want:.3g}" not in out and f"{want:.2g}" not in out and "G[:, 0]" not in out and "np.var(" not in out


def test_decay_rate_needs_the_computation_and_hint_gives_no_value_or_code(capsys):
    def fit(n, v):
        return -np.polyfit(n, np.log2(v), 1)[0]

    assert check.decay_rate(B, N, VAR, fit)
    capsys.readouterr()
    assert not check.decay_rate(B, N, VAR, lambda n, v: B)
    assert "your function returns" in capsys.readouterr().out
    assert not check.decay_rate(B + 1.0, N, VAR)
    out = capsys.readouterr().out
    assert f"{B:.2f}" not in out and "polyfit(n" not in out and "Expected" not in out
