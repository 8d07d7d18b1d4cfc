"""Checkers for lesson 18 (hardware landscapes)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse import hardware as HW
from qmlcourse.checks._core import CheckResult, Verdict, checker, finite_number, is_missing
from qmlcourse.checks._predict import NO_PREDICTION


@checker("Exercise 18.1 — estimated circuit fidelity")
def circuit_fidelity(answer: Any, n_one: int, n_two: int, f_one: float, f_two: float) -> Verdict:
    """``answer`` = f_one**n_one · f_two**n_two."""
    a = finite_number(answer, "Give one number between 0 and 1: the estimated success probability.")
    want = HW.estimated_fidelity(n_one, n_two, f_one, f_two)
    if np.isclose(a, want, rtol=1e-6):
        return Verdict(True, f"F ≈ {want:.3f}: each gate must work, so the fidelities multiply — "
                             f"the {n_two} two-qubit gates cost the most.")
    if np.isclose(a, float(f_two) ** n_two, rtol=1e-6):
        return Verdict(False, f"Only the two-qubit gates: the {n_one} one-qubit gates also fail "
                              "sometimes. Multiply by f1 ** n1.")
    if np.isclose(a, 1 - n_one * (1 - f_one) - n_two * (1 - f_two), rtol=1e-6):
        return Verdict(False, "That is the first-order (linear) approximation 1 − Σ errors; it is fine "
                              "for tiny errors but goes wrong (even negative) for long circuits. Multiply "
                              "the fidelities instead.")
    if np.isclose(a, (1 - f_one) ** n_one * (1 - f_two) ** n_two, rtol=1e-6):
        return Verdict(False, "You multiplied the ERROR rates (the chance that every gate fails). "
                              "Multiply the fidelities 0.99…")
    if np.isclose(a, float(f_two) ** (n_one + n_two), rtol=1e-6) or \
            np.isclose(a, float(f_one) ** (n_one + n_two), rtol=1e-6):
        return Verdict(False, "One- and two-qubit gates have different fidelities: f1 ** n1 · "
                              "f2 ** n2.")
    if np.isclose(a, f_one * n_one * f_two * n_two, rtol=1e-6) or np.isclose(a, f_one * f_two, rtol=1e-6):
        return Verdict(False, "Use powers (one factor per gate): f1 ** n1, not f1 * n1.")
    if not 0 <= a <= 1:
        return Verdict(False, "A success probability lies between 0 and 1.")
    return Verdict(False, "Not that value. Every gate has to work and the gates fail independently, so "
                          "the success probabilities multiply: one factor f1 per one-qubit gate and one "
                          "factor f2 per two-qubit gate (powers, with n1 and n2 from the gate count above).")


def _test_matrices() -> list[np.ndarray]:
    rng = np.random.default_rng(18)
    mats = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.arange(1.0, 10.0).reshape(3, 3)]
    mats.append(rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)))
    mats.append(rng.normal(size=(4, 4)))
    return mats


def _brute_det(A: np.ndarray) -> complex:
    return complex(np.linalg.det(A))


@checker("Exercise 18.2 — the permanent")
def _permanent_function(answer: Any) -> Verdict:
    """``answer`` = a function M -> Perm(M) (sum over permutations of products, no signs)."""
    if not callable(answer):
        return Verdict(False, "Define a FUNCTION, e.g. `def my_permanent(M): ...`, and pass the function "
                              "itself (no parentheses).")
    mats = _test_matrices()
    got: list[complex] = []
    for M in mats:
        value = answer(M.copy())
        if value is None:
            return Verdict(False, "Your function returned None: did you forget `return`?")
        got.append(complex(np.asarray(value).reshape(())))
    want = [complex(HW.permanent(M)) for M in mats]
    if all(np.isclose(g, w, rtol=1e-8, atol=1e-9) for g, w in zip(got, want, strict=True)):
        return Verdict(True, "Correct on 2×2, 3×3 (real and complex) and 4×4 test matrices. Brute force "
                             "costs n!·n steps; Ryser's formula about 2ⁿ·n — still exponential.")
    if all(np.isclose(g, _brute_det(M), atol=1e-9) for g, M in zip(got, mats, strict=True)):
        return Verdict(False, "That is the determinant (it has signs). The permanent adds every "
                              "permutation's product with a PLUS sign.")
    if all(np.isclose(g, abs(w), atol=1e-9) for g, w in zip(got, want, strict=True)):
        return Verdict(False, "You return |Perm|: keep the complex value (the modulus comes later, for "
                              "probabilities).")
    if all(np.isclose(g, np.prod(np.diag(M)), atol=1e-9) for g, M in zip(got, mats, strict=True)):
        return Verdict(False, "Only the identity permutation (the diagonal). Sum over ALL permutations σ: "
                              "Σ_σ Π_i M[i, σ(i)] (itertools.permutations).")
    if np.isclose(got[0], want[0]) and not np.isclose(got[2], want[2]):
        return Verdict(False, "Right on the real 2×2 example, wrong on a complex matrix: do not take real "
                              "parts or absolute values inside the sum.")
    return Verdict(False, f"For [[1, 2], [3, 4]] expected {want[0].real:g}, got {got[0]:.4g}. Sum over all "
                          "permutations σ of range(n) the products M[0, σ(0)] · M[1, σ(1)] · …")


def permanent_function(answer: Any) -> CheckResult:
    """``answer`` = a function M -> Perm(M). The student copy's stub (a function that returns
    None) counts as "no answer yet", like a ``None`` placeholder."""
    if callable(answer):
        try:
            probe = answer(np.eye(2))
        except Exception:  # reported by the checker itself
            probe = 0
        if probe is None:
            return _permanent_function(None)
    return _permanent_function(answer)


permanent_function.is_checker = True  # type: ignore[attr-defined]


@checker("Exercise 18.3 — one boson-sampling probability")
def boson_probability(answer: Any, U: Any, inputs: Any, outputs: Any) -> Verdict:
    """``answer`` = |Perm(U[outputs, inputs])|² (rows = output modes, columns = input modes)."""
    a = finite_number(answer, "Give one number: the probability of that output pattern.")
    U = np.asarray(U, dtype=complex)
    ins, outs = list(inputs), list(outputs)
    want = HW.boson_probability(U, ins, outs)
    if np.isclose(a, want, rtol=1e-6, atol=1e-12):
        return Verdict(True, f"P = |Perm(U_sub)|² = {want:.4f}: rows = output modes, columns = input modes.")
    sub = U[np.ix_(outs, ins)]
    if np.isclose(a, abs(HW.permanent(U[np.ix_(ins, outs)])) ** 2, rtol=1e-6):
        return Verdict(False, "Rows and columns swapped: U[j, i] is the amplitude from input mode i to "
                              "OUTPUT mode j, so take rows = outputs, columns = inputs.")
    if np.isclose(a, abs(HW.permanent(sub)), rtol=1e-6):
        return Verdict(False, "That is |Perm|: a probability is the SQUARED modulus of the amplitude.")
    if np.isclose(a, HW.distinguishable_probability(U, ins, outs), rtol=1e-6):
        return Verdict(False, "That is the probability for DISTINGUISHABLE particles, Perm(|U_sub|²). Identical "
                              "photons interfere: square the modulus of the permanent of U_sub itself.")
    if np.isclose(a, abs(np.linalg.det(sub)) ** 2, rtol=1e-6):
        return Verdict(False, "|det|² describes fermions. Bosons (photons) use the permanent.")
    if not 0 <= a <= 1:
        return Verdict(False, "A probability lies between 0 and 1.")
    return Verdict(False, f"Not that value: take the rows {outs} and columns {ins} of U, compute "
                          "the permanent of that 3×3 block, then its squared modulus.")


_PREDICTION: dict[str, float] = {}


def predict_line_gates(guess: Any) -> CheckResult:
    """Record a prediction: two-qubit gates after transpiling to a line."""
    try:
        value = float(guess)
    except (TypeError, ValueError):
        value = float("nan")
    if is_missing(guess) or not np.isfinite(value) or value < 0:
        _PREDICTION.pop("line", None)
        print("🔮 Prediction: write a whole number of two-qubit gates and run the cell again.")
        return CheckResult(False)
    _PREDICTION["line"] = value
    print(f"🔮 Prediction recorded: {value:g} two-qubit gates on a line. Run the next cells to see.")
    return CheckResult(True)


def reveal_line_gates(actual: int, logical: int) -> None:
    """Compare the recorded prediction with the transpiled count."""
    guess = _PREDICTION.get("line")
    head = f"🔎 On a line: {actual} two-qubit gates ({actual / logical:.1f} × the {logical} of the circuit as written)."
    if guess is None:  # the truth waits for a prediction (Run All must not give it away)
        print(f"🔎 Two-qubit gates on a line: {NO_PREDICTION}")
    elif abs(guess - actual) <= 0.15 * actual:
        print(head + f" You predicted {guess:g}: within 15 %, well done.")
    elif guess < actual:
        print(head + f" You predicted {guess:g}: too low. Each SWAP needed to bring distant qubits together "
                     "costs 3 CNOTs (or CZs), and the all-to-all ZZ layer needs many of them.")
    else:
        print(head + f" You predicted {guess:g}: too high. The router reuses each SWAP for several later "
                     "gates, and the optimiser cancels some pairs.")
