"""Checkers for lesson 19 (physics guides AI, AI guides physics: phases from quantum data)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker, finite_number


def _matrix(answer: Any, n: int) -> np.ndarray:
    if not hasattr(answer, "to_matrix") or not hasattr(answer, "num_qubits"):
        raise Verdict(False, "Build a qiskit.quantum_info.SparsePauliOp, e.g. with "
                             "SparsePauliOp.from_sparse_list([('ZZ', [i, i + 1], -J), ('X', [i], -h), ...], "
                             f"num_qubits={n}).")
    if answer.num_qubits != n:
        raise Verdict(False, f"Your operator acts on {answer.num_qubits} qubits; the chain has {n} "
                             f"(pass num_qubits={n}).")
    return np.asarray(answer.to_matrix())


def _ops(n: int, J: float, h: float) -> dict[str, np.ndarray]:
    from qiskit.quantum_info import SparsePauliOp

    from qmlcourse.quantum_data import tfim_hamiltonian

    def m(op: Any) -> np.ndarray:
        return np.asarray(op.to_matrix())

    swapped = SparsePauliOp.from_sparse_list(
        [("XX", [i, i + 1], -J) for i in range(n - 1)] + [("Z", [i], -h) for i in range(n)],
        num_qubits=n)
    return {"ref": m(tfim_hamiltonian(n, J, h)), "ring": m(tfim_hamiltonian(n, J, h, periodic=True)),
            "zz_sign": m(tfim_hamiltonian(n, -J, h)), "x_sign": m(tfim_hamiltonian(n, J, -h)),
            "jh": m(tfim_hamiltonian(n, h, J)), "double": m(tfim_hamiltonian(n, 2 * J, h)),
            "no_x": m(tfim_hamiltonian(n, J, 0.0)), "no_zz": m(tfim_hamiltonian(n, 0.0, h)),
            "swapped": m(swapped)}


@checker("Exercise 19.1 — the transverse-field Ising chain")
def tfim_chain(answer: Any, n: int = 8, J: float = 1.0, h: float = 0.6) -> Verdict:
    """``answer``: SparsePauliOp for H = −J Σ_{i<n−1} Z_i Z_{i+1} − h Σ_i X_i (open chain)."""
    n = int(n)
    got = _matrix(answer, n)
    ops = _ops(n, float(J), float(h))

    def same(key: str, sign: float = 1.0) -> bool:
        return np.allclose(got, sign * ops[key], atol=1e-9)

    if same("ref"):
        return Verdict(True, f"{n - 1} bonds and {n} field terms, an open chain. Its lowest "
                             "eigenvector is the ground state we learn from.")
    if same("ring"):
        return Verdict(False, f"That is a ring: the bond ({n - 1}, 0) closes it. This lesson uses the "
                              f"OPEN chain: bonds (i, i+1) for i = 0 … {n - 2} only.")
    if same("ref", -1.0):
        return Verdict(False, "Every sign is flipped: both sums enter with a minus sign, "
                              "H = −J Σ ZZ − h Σ X (the ground state then minimises, as it should).")
    if same("zz_sign"):
        return Verdict(False, "The ZZ coefficients need a minus sign: −J Z_i Z_{i+1} rewards aligned "
                              "neighbours (a ferromagnet).")
    if same("x_sign"):
        return Verdict(False, "The field terms need a minus sign: −h X_i.")
    if same("jh") and not np.isclose(J, h):
        return Verdict(False, "J and h are swapped: J multiplies the ZZ bonds, h the X terms.")
    if same("swapped"):
        return Verdict(False, "Z and X are swapped: the bonds are Z_i Z_{i+1}, the transverse field "
                              "is X_i.")
    if same("double"):
        return Verdict(False, "Each bond is counted twice (as (i, j) and (j, i)): coefficients −2J. "
                              "Sum over i < n − 1 only, once per bond.")
    if same("no_x"):
        return Verdict(False, f"The field terms are missing: add −h X_i on each of the {n} qubits.")
    if same("no_zz"):
        return Verdict(False, f"The bonds are missing: add −J Z_i Z_{{i+1}} for i = 0 … {n - 2}.")
    if not np.allclose(got, got.conj().T, atol=1e-9):
        return Verdict(False, "Your operator is not Hermitian: use real coefficients.")
    return Verdict(False, f"Compare term by term with H = −J Σ Z_i Z_{{i+1}} − h Σ X_i: "
                          f"{n - 1} 'ZZ' terms on neighbouring qubits, coefficient −J = {-J:g}, and "
                          f"{n} 'X' terms, coefficient −h = {-h:g}.")


def _ref_zz(bases: np.ndarray, outcomes: np.ndarray, i: int, j: int) -> float:
    both = (bases[:, i] == "Z") & (bases[:, j] == "Z")
    return float(np.mean(9.0 * both * outcomes[:, i] * outcomes[:, j]))


def _toy_records() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1919)
    bases = np.array(list("XYZ"))[rng.integers(0, 3, (60, 4))]
    outcomes = 1 - 2 * rng.integers(0, 2, (60, 4))
    return bases, outcomes


@checker("Exercise 19.2 — a shadow estimate of ⟨Z_i Z_j⟩")
def shadow_zz(answer: Callable[..., Any], records: Any = None, i: int = 0, j: int = 1,
              exact: float | None = None) -> Verdict:
    """``answer(bases, outcomes, i, j)``: mean over snapshots of 9·s_i·s_j when both qubits
    were measured in Z (0 otherwise)."""
    if not callable(answer):
        return Verdict(False, "Define a function shadow_zz(bases, outcomes, i, j) that returns one "
                              "number.")
    bases, outcomes = np.asarray(records.bases), np.asarray(records.outcomes)
    got = answer(bases, outcomes, i, j)
    if got is None:
        return Verdict(False, "Your function returned None: fill in its body and `return` the "
                              "estimate.")
    v = finite_number(got, "Return one number (the estimate), e.g. a float.")
    want = _ref_zz(bases, outcomes, i, j)
    both = (bases[:, i] == "Z") & (bases[:, j] == "Z")
    prod = outcomes[:, i] * outcomes[:, j]
    T, k = len(bases), int(both.sum())
    tb, to = _toy_records()
    if math.isclose(v, want, abs_tol=1e-9):
        toy = finite_number(answer(tb, to, 2, 0), "On other records your function returned no number.")
        if not math.isclose(toy, _ref_zz(tb, to, 2, 0), abs_tol=1e-9):
            return Verdict(False, "Right here, but wrong on other records (qubits 2 and 0): use the "
                                  "arguments i, j and the arrays you are given, nothing fixed.")
        extra = (f" The exact value is {exact:.3f}; the shadow estimate's error shrinks like "
                 f"1/√T (T = {T} snapshots, {k} of them had Z on both qubits)." if exact is not None
                 else "")
        return Verdict(True, f"Estimate {want:.3f}.{extra}")
    if k and math.isclose(v, float(np.mean(prod[both])), abs_tol=1e-9):
        return Verdict(True, f"You averaged s_i·s_j over the {k} snapshots with Z on both qubits: an "
                             f"equally good estimate here ({v:.3f}); the shadow formula 9·s_i·s_j·[both Z] "
                             f"averaged over all {T} gives {want:.3f}. The two agree on average.")
    if math.isclose(v, want / 9, abs_tol=1e-9):
        return Verdict(False, "Missing the factor 9 = 3 × 3: a basis matches Z only one time in three "
                              "on each qubit, and the shadow estimator undoes that with a 3 per qubit.")
    if math.isclose(v, want / 3, abs_tol=1e-9):
        return Verdict(False, "One factor 3 per measured qubit: two qubits give 3 × 3 = 9.")
    if math.isclose(v, float(np.mean(prod)), abs_tol=1e-9):
        return Verdict(False, "Only snapshots where BOTH qubits were measured in the Z basis carry "
                              "information about Z_i Z_j; the others contribute 0.")
    if math.isclose(v, -want, abs_tol=1e-9):
        return Verdict(False, "Sign: outcomes are already ±1 (+1 for bit 0); multiply them, do not "
                              "negate.")
    return Verdict(False, f"Expected {want:.3f}. For each snapshot: 9·s_i·s_j if bases[t, i] and "
                          "bases[t, j] are both 'Z', else 0; then the mean over ALL snapshots.")


@checker("Exercise 19.3 — the critical field from the classifier")
def critical_field(answer: Any, h: Any = None, p: Any = None) -> Verdict:
    """``answer``: h where P(disordered) first rises through ½, linearly interpolated."""
    from qmlcourse.quantum_data import crossing

    hs, ps = np.asarray(h, dtype=float), np.asarray(p, dtype=float)
    v = finite_number(answer, "Give one number: the field h/J where the classifier's P(disordered) "
                              "crosses ½.")
    want = crossing(hs, ps)
    k = int(np.flatnonzero((ps[:-1] < 0.5) & (ps[1:] >= 0.5))[0])
    if math.isclose(v, want, abs_tol=1e-6):
        return Verdict(True, f"h/J ≈ {want:.3f}: between the grid points {hs[k]:g} and {hs[k + 1]:g}, "
                             f"where P(disordered) goes from {ps[k]:.2f} to {ps[k + 1]:.2f}.")
    if math.isclose(v, k, abs_tol=1e-9) or math.isclose(v, k + 1, abs_tol=1e-9):
        return Verdict(False, "That is an index into the grid; return the field h itself (interpolated).")
    if math.isclose(v, hs[k], abs_tol=1e-9) or math.isclose(v, hs[k + 1], abs_tol=1e-9):
        return Verdict(False, f"A grid point: the crossing lies between {hs[k]:g} and {hs[k + 1]:g}. "
                              "Interpolate linearly: h_k + (½ − p_k)/(p_{k+1} − p_k)·(h_{k+1} − h_k).")
    if 0 <= v <= 1 and any(math.isclose(v, x, abs_tol=1e-9) for x in ps):
        return Verdict(False, "That is a probability from p; the answer is a field h/J.")
    if math.isclose(v, 0.5 * (hs[k] + hs[k + 1]), abs_tol=1e-9):
        return Verdict(False, "The midpoint of the two grid points ignores how far each p is from ½: "
                              "interpolate linearly.")
    return Verdict(False, f"Find the first k with p[k] < ½ ≤ p[k+1] (here k = {k}, between "
                          f"{hs[k]:g} and {hs[k + 1]:g}) and interpolate linearly in between.")


def predict_boundary(guess: Any) -> Any:
    """Record the learner's prediction of the classifier's boundary h/J on 8 qubits."""
    return _predict.record("19-boundary", guess, "where the classifier switches phase, h/J")


def reveal_boundary(found: float) -> Any:
    """Compare the recorded prediction with the boundary the classifier found."""
    return _predict.reveal("19-boundary", found, "where the classifier switches phase, h/J",
                           tolerance=0.1,
                           note="The infinite chain switches at h/J = 1; 8 open sites do not.")
