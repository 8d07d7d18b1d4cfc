import numpy as np
import pytest

from qmlcourse.checks import lesson14 as check


def stable_softmax(scores, beta):
    z = beta * np.asarray(scores, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


# ----------------------------------------------------------------------------- 14.1
def test_right_softmax_passes(capsys):
    assert check.softmax_policy(stable_softmax)
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("fn, hint", [
    (lambda s, b: np.exp(b * np.asarray(s)), "Normalise"),
    (lambda s, b: stable_softmax(s, 1.0), "β is missing"),
    (lambda s, b: stable_softmax(s, 1.0 / b), "don't divide"),
    (lambda s, b: stable_softmax(s, -b), "Wrong sign"),
    (lambda s, b: np.asarray(s) / np.sum(s), "exponentiate"),
    (lambda s, b: np.eye(len(s))[int(np.argmax(s))], "greedy"),
    (lambda s, b: np.exp(b * np.asarray(s)) / np.exp(b * np.asarray(s)).sum(), "overflows"),
    (lambda s, b: stable_softmax(s, b)[:2], "shape"),
    (lambda s, b: None, "returned None"),
])
def test_wrong_softmax_gets_hints(fn, hint, capsys):
    assert not check.softmax_policy(fn)
    assert hint in capsys.readouterr().out


def test_softmax_missing_or_not_a_function(capsys):
    assert not check.softmax_policy(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.softmax_policy(np.array([0.25, 0.75]))
    assert "function itself" in capsys.readouterr().out
    assert not check.softmax_policy(lambda s, b: "abc")
    assert "raised" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 14.2
def returns_right(rewards, gamma):
    G, acc = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        acc = rewards[t] + gamma * acc
        G[t] = acc
    return G


def test_right_returns_pass(capsys):
    assert check.discounted_returns(returns_right)


@pytest.mark.parametrize("fn, hint", [
    (lambda r, g: np.cumsum(np.asarray(r)[::-1])[::-1], "No discount"),
    (lambda r, g: returns_right(r, g)[::-1], "Reversed"),
    (lambda r, g: [sum(g ** k * r[k] for k in range(t, len(r))) for t in range(len(r))],
     "Discount from step t"),
    (lambda r, g: g * returns_right(r, g), "Off by one γ"),
    (lambda r, g: returns_right(r, g)[0], "only G_0"),
    (lambda r, g: returns_right(r, g)[:-1], "One return per step"),
    (lambda r, g: returns_right(r, g) + 1, "go backwards"),
])
def test_wrong_returns_get_hints(fn, hint, capsys):
    assert not check.discounted_returns(fn)
    assert hint in capsys.readouterr().out


def test_returns_missing(capsys):
    assert not check.discounted_returns(None)
    assert not check.discounted_returns(3)
    assert "function itself" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 14.3
def grad_right(logits, action):
    return np.eye(len(logits))[action] - stable_softmax(logits, 1.0)


def test_right_score_function_passes(capsys):
    assert check.log_policy_gradient(grad_right)


@pytest.mark.parametrize("fn, hint", [
    (lambda z, a: -grad_right(z, a), "Wrong sign"),
    (lambda z, a: -stable_softmax(z, 1.0), "one-hot"),
    (lambda z, a: stable_softmax(z, 1.0)[a] * grad_right(z, a), "gradient of the probability"),
    (lambda z, a: np.eye(len(z))[a], "Subtract π"),
    (lambda z, a: grad_right(z, a)[:-1], "shape"),
    (lambda z, a: grad_right(z, a) * 2, "expected"),
])
def test_wrong_score_functions_get_hints(fn, hint, capsys):
    assert not check.log_policy_gradient(fn)
    assert hint in capsys.readouterr().out


def test_score_function_missing(capsys):
    assert not check.log_policy_gradient(None)
    assert not check.log_policy_gradient("e_a - pi")
    assert "function itself" in capsys.readouterr().out


# ----------------------------------------------------------------------------- prediction
def test_predict_then_reveal_grid_return(capsys):
    assert check.predict_grid_return(0.7)
    assert check.reveal_grid_return(0.696)
    out = capsys.readouterr().out
    assert "you predicted 0.7" in out and "close" in out
    assert check.predict_grid_return(0.3)
    assert not check.reveal_grid_return(0.696)
    assert "off by 0.4" in capsys.readouterr().out


def test_missing_grid_prediction_never_raises(capsys):
    assert not check.predict_grid_return(None)
    assert not check.predict_grid_return([1, 2])
    assert not check.reveal_grid_return(0.7)
    out = capsys.readouterr().out
    assert "none recorded" in out and "no prediction recorded yet" in out
