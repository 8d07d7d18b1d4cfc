"""Checkers for lesson 17 (optimisation as QUBO)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse import qubo as QB
from qmlcourse.checks._core import CheckResult, Verdict, checker, finite_number, is_missing
from qmlcourse.checks._predict import NO_PREDICTION


def _pair(answer: Any, what: str) -> tuple[np.ndarray, float]:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Verdict(False, f"Give a pair {what}.")
    M = np.asarray(answer[0], dtype=float)
    c = finite_number(answer[1], f"The second item of {what} must be one number.")
    return M, c


@checker("Exercise 17.1 — the portfolio QUBO with a budget penalty")
def portfolio_qubo(answer: Any, mu: Any, sigma: Any, budget: int, penalty: float,
                   risk_aversion: float = 1.0) -> Verdict:
    """``answer`` = ``(Q, offset)`` with ``xᵀQx + offset = q·xᵀΣx − μᵀx + A(Σx − k)²``."""
    Q, c = _pair(answer, "(Q, offset): an n×n matrix and a number")
    m = np.asarray(mu, dtype=float)
    n = m.size
    if Q.shape != (n, n):
        return Verdict(False, f"Q has shape {Q.shape}; with {n} assets it must be {n}×{n}.")
    mine = QB.qubo_energies(Q, c)
    want = QB.qubo_energies(*QB.portfolio_qubo(mu, sigma, budget, penalty, risk_aversion))
    if np.allclose(mine, want, atol=1e-9):
        return Verdict(True, "xᵀQx + offset equals risk − return + penalty on all "
                             f"{2**n} portfolios.")
    A, k = float(penalty), int(budget)
    diff = mine - want
    if np.allclose(diff, diff[0], atol=1e-9):
        return Verdict(False, f"Right up to a constant ({diff[0]:+.4g}): the offset is A·k² "
                              f"= {A * k * k:g}.")
    X = QB.bits(n)
    plus_mu = QB.qubo_energies(*QB.portfolio_qubo(-m, sigma, budget, penalty, risk_aversion))
    if np.allclose(mine, plus_mu, atol=1e-9):
        return Verdict(False, "Sign of the returns: we MINIMISE, so returns enter as −μᵀx "
                              "(−μ_i on the diagonal).")
    no_pen = QB.qubo_energies(*QB.portfolio_qubo(mu, sigma, budget, 0.0, risk_aversion))
    if A and np.allclose(mine, no_pen, atol=1e-9):
        return Verdict(False, "The budget penalty A·(Σx − k)² is missing.")
    w = X.sum(axis=1)
    if A and np.allclose(diff, A * (w * w - w), atol=1e-9):
        return Verdict(False, "The off-diagonal penalty is counted twice: in a SYMMETRIC Q the pair "
                              "i≠j appears as Q[i, j] and Q[j, i], so each gets A (together 2A x_i x_j).")
    if A and np.allclose(diff, A * (w - w * w) / 2, atol=1e-9):
        return Verdict(False, "The off-diagonal penalty is half what it should be: (Σx)² has "
                              "2·x_i x_j for each pair, i.e. A in both Q[i, j] and Q[j, i].")
    if A and np.allclose(diff, A * w, atol=1e-9) or A and np.allclose(diff, -A * w, atol=1e-9):
        return Verdict(False, "The diagonal of the penalty: x_i² = x_i, so the square contributes A "
                              "and the cross term −2Ak, together A(1 − 2k) on each diagonal entry.")
    no_risk = QB.qubo_energies(*QB.portfolio_qubo(mu, sigma, budget, penalty, 0.0))
    if np.allclose(mine, no_risk, atol=1e-9):
        return Verdict(False, "The risk term q·xᵀΣx is missing: add q·Σ to Q.")
    bad = QB.bitstring(int(np.argmax(np.abs(diff))), n)
    return Verdict(False, f"For the portfolio {bad} your QUBO gives "
                          f"{mine[int(bad, 2)]:.4g}, expected {want[int(bad, 2)]:.4g}. Expand "
                          "A(Σx − k)² with x_i² = x_i.")


@checker("Exercise 17.2 — a penalty weight that is large enough")
def flip_bound(answer: Any, mu: Any, sigma: Any, risk_aversion: float = 1.0) -> Verdict:
    """``answer`` = the largest change one buy/sell can make to the objective."""
    a = finite_number(answer, "Give one number: the largest change one flip can make.")
    want = QB.flip_bound(mu, sigma, risk_aversion)
    if np.isclose(a, want, rtol=1e-6):
        return Verdict(True, f"δ_max = {want:.4g}: any A above it keeps every QUBO optimum within "
                             "budget, and the penalty still leaves room for the objective.")
    m = np.abs(np.asarray(mu, dtype=float))
    S = np.abs(np.asarray(sigma, dtype=float))
    q = float(risk_aversion)
    if np.isclose(a, m.max(), rtol=1e-6):
        return Verdict(False, "That counts only the returns. Adding asset i also adds risk "
                              "q·(Σ_ii + 2 Σ_j≠i Σ_ij x_j); bound that by its worst case.")
    if np.isclose(a, (m + q * S.sum(axis=1)).max(), rtol=1e-6):
        return Verdict(False, "Each covariance with another held asset appears twice in xᵀΣx "
                              "(Σ_ij and Σ_ji): use Σ_ii + 2 Σ_j≠i |Σ_ij|.")
    if np.isclose(a, (m + 2 * q * S.sum(axis=1)).max(), rtol=1e-6):
        return Verdict(False, "Almost: the diagonal Σ_ii enters once (x_i² = x_i), only the "
                              "cross terms twice: Σ_ii + 2 Σ_j≠i |Σ_ij|.")
    if a <= 0:
        return Verdict(False, "A change's size is positive: take absolute values.")
    return Verdict(False, "Not that value. Bound the change of flipping one asset i: its return |μ_i| plus "
                          "its worst-case risk q(Σ_ii + 2 Σ_j≠i |Σ_ij|), every other asset held; compute "
                          "that for each asset from μ and Σ, then take the maximum over assets.")


@checker("Exercise 17.3 — from QUBO to Ising (h, J, offset)")
def ising_form(answer: Any, Q: Any, offset: float) -> Verdict:
    """``answer`` = ``(h, J, const)`` with Σh_i z_i + Σ_{i<j} J_ij z_i z_j + const = the QUBO."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return Verdict(False, "Give three things: (h, J, const) — a vector, a matrix, a number.")
    h = np.asarray(answer[0], dtype=float).reshape(-1)
    J = np.asarray(answer[1], dtype=float)
    const = finite_number(answer[2], "const must be one number.")
    n = np.asarray(Q).shape[0]
    if h.size != n or J.shape != (n, n):
        return Verdict(False, f"h must have {n} entries and J be {n}×{n}; got {h.size} and {J.shape}.")
    want = QB.qubo_energies(Q, offset)
    mine = QB.ising_energies(h, J, const)
    if np.allclose(mine, want, atol=1e-8):
        return Verdict(True, "Your Ising energies match the QUBO on every bitstring.")
    if np.any(np.abs(np.tril(J, -1)) > 1e-12):
        full = QB.ising_energies(h, np.triu(J + J.T, 1), const)
        if np.allclose(full, want, atol=1e-8):
            return Verdict(True, "Matches, reading J_ij + J_ji as one coupling. (The library keeps J "
                                 "strictly upper triangular.)")
        if np.allclose(QB.ising_energies(h, np.triu(J, 1), const), want, atol=1e-8):
            return Verdict(True, "Matches (the lower triangle of J is ignored; only i < j counts).")
    Z = 1.0 - 2.0 * QB.bits(n)
    flipped = (-Z) @ h + np.einsum("ki,ij,kj->k", Z, np.triu(J, 1), Z) + const
    if np.allclose(flipped, want, atol=1e-8):
        return Verdict(False, "Sign convention: Qiskit's Z is +1 on |0⟩, so x = (1 − z)/2 (not "
                              "(1 + z)/2). Flip the sign of h.")
    d = mine - want
    if np.allclose(d, d[0], atol=1e-8):
        return Verdict(False, f"Right up to a constant ({d[0]:+.4g}): collect every constant — the "
                              "offset, Σ_i Q_ii/2 and Σ_{i<j} (Q_ij + Q_ji)/4.")
    if np.allclose(QB.ising_energies(h, np.triu(J, 1) / 2, const), want, atol=1e-8):
        return Verdict(False, "J is twice too large: Q_ij x_i x_j + Q_ji x_j x_i gives (Q_ij + Q_ji)/4 "
                              "· z_i z_j, so halve your J.")
    bad = int(np.argmax(np.abs(d)))
    return Verdict(False, f"For the bitstring {QB.bitstring(bad, n)} you give {mine[bad]:.4g}, the QUBO "
                          f"gives {want[bad]:.4g}. Substitute x_i = (1 − z_i)/2 in xᵀQx and collect "
                          "z_i, z_i z_j and constant terms.")


@checker("Exercise 17.4 — feasibility rate of sampled tours")
def feasibility_rate(answer: Any, counts: Any, num_cities: int) -> Verdict:
    """``answer`` = fraction of shots that encode a valid tour (one-hot rows and columns)."""
    r = finite_number(answer, "Give one number: feasible shots / all shots.")
    N = int(num_cities)
    mask = QB.tsp_feasible(N)
    shots = sum(counts.values())
    feas = sum(c for b, c in counts.items() if mask[int(b, 2)])
    want = feas / shots
    if np.isclose(r, want, atol=1e-9):
        return Verdict(True, f"{feas} of {shots} shots are valid tours ({want:.3f}).")
    if np.isclose(r, feas, atol=1e-9):
        return Verdict(False, f"That is the number of feasible shots; divide by the {shots} shots.")
    m = N - 1
    X = QB.bits(m * m).reshape(-1, m, m)
    one_city = np.all(X.sum(axis=2) == 1, axis=1)
    one_step = np.all(X.sum(axis=1) == 1, axis=1)
    for part, name in ((one_city, "every city visited once"), (one_step, "one city per step")):
        alt = sum(c for b, c in counts.items() if part[int(b, 2)]) / shots
        if np.isclose(r, alt, atol=1e-9) and not np.isclose(alt, want):
            return Verdict(False, f"You checked only '{name}'. A tour needs both: every row AND every "
                                  "column of the 3×3 one-hot table has exactly one 1.")
    weight = sum(c for b, c in counts.items() if b.count("1") == m) / shots
    if np.isclose(r, weight, atol=1e-9) and not np.isclose(weight, want):
        return Verdict(False, f"Exactly {m} ones is necessary but not sufficient: two ones can share "
                              "a row (a city visited twice).")
    distinct = sum(mask[int(b, 2)] for b in counts) / len(counts)
    if np.isclose(r, distinct, atol=1e-9):
        return Verdict(False, "Weight each bitstring by its count: the rate is over SHOTS, not over "
                              "distinct bitstrings.")
    return Verdict(False, f"Expected {want:.3f}. Reshape each bitstring's bits into the {m}×{m} table "
                          "x[c, t] (bit (c−1)·3 + (t−1); bit 0 is the LAST character) and count shots "
                          "whose rows and columns all sum to 1.")


_PREDICTION: dict[str, Any] = {}


def predict_penalty_effect(choice: Any) -> CheckResult:
    """Record a prediction ("up", "down" or "same") for P(best portfolio) when A grows."""
    if is_missing(choice) or str(choice).strip().lower() not in {"up", "down", "same"}:
        print("🔮 Prediction: write one of \"up\", \"down\" or \"same\" and run the cell again.")
        _PREDICTION.pop("penalty", None)
        return CheckResult(False)
    _PREDICTION["penalty"] = str(choice).strip().lower()
    print(f"🔮 Prediction recorded: P(best portfolio) goes {_PREDICTION['penalty']} when A grows. "
          "Run the next cells to see.")
    return CheckResult(True)


def reveal_penalty_effect(p_small: float, p_large: float, tol: float = 0.005) -> str:
    """Compare the recorded prediction with the measured P(best) at a small and a large A."""
    truth = "same" if abs(p_large - p_small) <= tol else ("up" if p_large > p_small else "down")
    guess = _PREDICTION.get("penalty")
    head = f"🔎 P(best portfolio): {p_small:.3f} → {p_large:.3f}, so it goes {truth}."
    if guess is None:  # the truth waits for a prediction (Run All must not give it away)
        print(f"🔎 P(best portfolio): {NO_PREDICTION}")
    elif guess == truth:
        print(head + " You predicted that.")
    else:
        print(head + f" You predicted {guess!r}: a bigger penalty fixes feasibility, but it also "
                     "shrinks the objective's share of the energy, so QAOA sees the portfolios' "
                     "differences less.")
    return truth
