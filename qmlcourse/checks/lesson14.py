"""Checkers for lesson 14 (quantum reinforcement learning)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _call(fn: Callable, *args: Any) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = fn(*args)
    if out is None:
        raise Verdict(False, "Your function returned None: write its body (in place of "
                             "`# YOUR CODE HERE`) and end it with `return ...`.")
    return np.asarray(out, dtype=float).reshape(-1)


def _need_function(answer: Any, name: str) -> None:
    if not callable(answer):
        raise Verdict(False, f"Pass the function itself, `{name}` (no brackets), not its result.")


@checker("Exercise 14.1 — a softmax policy")
def softmax_policy(answer: Callable[[Any, float], Any]) -> Verdict:
    """``answer(scores, beta)`` returns π(a) = exp(β s_a) / Σ_b exp(β s_b)."""
    _need_function(answer, "softmax_policy")
    cases = [(np.array([0.1, 0.5, 0.3, 0.1]), 3.0), (np.array([0.7, 0.1, 0.1, 0.1]), 1.0),
             (np.array([0.25, 0.25, 0.4, 0.1]), 10.0)]
    for s, beta in cases:
        got = _call(answer, s.copy(), beta)
        want = _softmax(beta * s)
        if got.shape != want.shape:
            return Verdict(False, f"Return one probability per action: shape {want.shape}, got "
                                  f"{got.shape}.")
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, np.exp(beta * s), rtol=1e-6):
            return Verdict(False, "Normalise: divide the exponentials by their sum so the "
                                  "probabilities add up to 1.")
        if np.allclose(got, _softmax(s), atol=1e-9):
            return Verdict(False, "β is missing: the logits are β · scores (β sharpens the choice).")
        if np.allclose(got, _softmax(s / beta), atol=1e-9):
            return Verdict(False, "Multiply by β, don't divide: β is an *inverse* temperature.")
        if np.allclose(got, _softmax(-beta * s), atol=1e-9):
            return Verdict(False, "Wrong sign: a higher score must make the action *more* likely.")
        if np.allclose(got, s / s.sum(), atol=1e-9):
            return Verdict(False, "That normalises the scores directly; exponentiate β · scores "
                                  "first (np.exp), then normalise.")
        if np.allclose(np.sort(got), np.eye(len(s))[-1], atol=1e-9):
            return Verdict(False, "That is the greedy (argmax) choice; the policy must stay random "
                                  "so the agent keeps exploring.")
        if np.isclose(got.sum(), 1.0):
            return Verdict(False, f"For scores {s.tolist()} and β = {beta} expected "
                                  f"{np.round(want, 4).tolist()}, got {np.round(got, 4).tolist()}.")
        return Verdict(False, "The probabilities must add up to 1.")
    big = _call(answer, np.array([1.0, 0.0, 0.0, 0.0]), 1000.0)
    if not np.all(np.isfinite(big)):
        return Verdict(False, "Correct for small β, but β = 1000 overflows (exp(1000) = inf → "
                              "nan). Subtract the largest logit before np.exp — it cancels out.")
    return Verdict(True, "Higher score → higher probability; β decides how greedy the policy is.")


@checker("Exercise 14.2 — discounted returns")
def discounted_returns(answer: Callable[[Any, float], Any]) -> Verdict:
    """``answer(rewards, gamma)`` returns G_t = Σ_k γ^k r_{t+k} for every step t."""
    _need_function(answer, "returns_to_go")
    cases = [([0.0, 0.0, 1.0], 0.9), ([1.0, 0.0, 2.0, 0.0, 1.0], 0.5), ([0.0, 1.0], 1.0)]
    for rewards, gamma in cases:
        r = np.array(rewards)
        want = np.array([sum(gamma ** k * r[t + k] for k in range(len(r) - t))
                         for t in range(len(r))])
        got = _call(answer, list(rewards), gamma)
        if got.size == 1 and want.size > 1:
            if np.isclose(got[0], want[0]):
                return Verdict(False, "That is only G_0; return the return-to-go for *every* step "
                                      "(one number per reward).")
            return Verdict(False, "Return an array with one entry per step.")
        if got.shape != want.shape:
            return Verdict(False, f"One return per step: {want.size} numbers, got {got.size}.")
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, np.cumsum(r[::-1])[::-1], atol=1e-9):
            return Verdict(False, "No discount: multiply a reward k steps ahead by γ^k.")
        if np.allclose(got, want[::-1], atol=1e-9):
            return Verdict(False, "Reversed: G_0 (the first entry) collects all rewards of the "
                                  "episode; the last entry is just the last reward.")
        fwd = np.array([sum(gamma ** k * r[k] for k in range(t, len(r))) for t in range(len(r))])
        if np.allclose(got, fwd, atol=1e-9):
            return Verdict(False, "Discount from step t, not from the start: G_t = r_t + γ r_{t+1} "
                                  "+ γ² r_{t+2} + …")
        if np.allclose(got, gamma * want, atol=1e-9):
            return Verdict(False, "Off by one γ: the reward at step t itself is not discounted.")
        return Verdict(False, f"For rewards {rewards} and γ = {gamma} expected "
                              f"{np.round(want, 4).tolist()}, got {np.round(got, 4).tolist()}. "
                              "Hint: go backwards, G_t = r_t + γ G_{t+1}.")
    return Verdict(True, "G_t = r_t + γ G_{t+1}: one backward pass gives them all.")


@checker("Exercise 14.3 — the score function ∇ log π")
def log_policy_gradient(answer: Callable[[Any, int], Any]) -> Verdict:
    """``answer(logits, action)`` returns ∂ log softmax(logits)[action] / ∂ logits = e_a − π."""
    _need_function(answer, "grad_log_softmax")
    cases = [(np.array([0.5, -0.2, 1.0, 0.0]), 2), (np.array([0.0, 0.0, 0.0]), 0),
             (np.array([2.0, 1.0, -1.0, 0.3]), 3)]
    for z, a in cases:
        pi = _softmax(z)
        onehot = np.eye(len(z))[a]
        want = onehot - pi
        got = _call(answer, z.copy(), a)
        if got.shape != want.shape:
            return Verdict(False, f"One derivative per logit: shape {want.shape}, got {got.shape}.")
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, -want, atol=1e-9):
            return Verdict(False, "Wrong sign: raising the chosen action's logit must raise its "
                                  "log-probability (the entry at `action` is positive).")
        if np.allclose(got, -pi, atol=1e-9):
            return Verdict(False, "Missing the one-hot part: ∂ log π_a / ∂ z_b = [a = b] − π_b.")
        if np.allclose(got, pi[a] * want, atol=1e-9):
            return Verdict(False, "That is ∇π_a, the gradient of the probability; REINFORCE needs "
                                  "∇ log π_a = ∇π_a / π_a = e_a − π.")
        if np.allclose(got, onehot, atol=1e-9):
            return Verdict(False, "Subtract π: every logit enters the normalisation, so all entries "
                                  "change.")
        return Verdict(False, f"For logits {z.tolist()} and action {a} expected "
                              f"{np.round(want, 4).tolist()}, got {np.round(got, 4).tolist()}.")
    return Verdict(True, "e_a − π: push up the chosen action, push down the others in proportion "
                         "to how likely they were.")


def predict_grid_return(guess: Any) -> Any:
    """Record the learner's prediction of the quantum policy's grid-world return."""
    return _predict.record("14-grid-return", guess,
                           "the quantum policy's expected return (mean of 3 seeds)")


def reveal_grid_return(found: float) -> Any:
    """Compare the recorded prediction with the trained quantum policy's mean return."""
    return _predict.reveal("14-grid-return", found,
                           "the quantum policy's expected return (mean of 3 seeds)",
                           tolerance=0.05,
                           note="The optimum is 0.774; the tables get closer to it.")
