"""Checkers for lesson 11 (QAOA for MaxCut)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse.checks._core import Verdict, checker


def _diag(answer: Any, n: int) -> np.ndarray:
    if not hasattr(answer, "to_matrix"):
        raise Verdict(False, "Build a qiskit.quantum_info.SparsePauliOp, e.g. with "
                             "SparsePauliOp.from_sparse_list([('ZZ', [i, j], c), ('', [], c0)], num_qubits=n).")
    if getattr(answer, "num_qubits", None) != n:
        raise Verdict(False, f"Your operator acts on {getattr(answer, 'num_qubits', '?')} qubits; the "
                             f"graph has {n} nodes, one qubit each (pass num_qubits={n}).")
    m = np.asarray(answer.to_matrix())
    if not np.allclose(m, np.diag(np.diag(m)), atol=1e-9):
        raise Verdict(False, "Your operator is not diagonal: a cut operator uses only I and Z "
                             "(X or Y would flip nodes between the two sides).")
    d = np.diag(m)
    if np.max(np.abs(d.imag)) > 1e-9:
        raise Verdict(False, "Your coefficients are complex; use real numbers.")
    return d.real


def _cuts(edges: Any, n: int, relabel: bool = False) -> np.ndarray:
    x = np.arange(2**n)
    out = np.zeros(2**n)
    for i, j in edges:
        if relabel:
            i, j = n - 1 - i, n - 1 - j
        out += ((x >> i) & 1) != ((x >> j) & 1)
    return out


@checker("Exercise 11.1 — the MaxCut cost operator")
def maxcut_operator(answer: Any, edges: Any, num_nodes: int) -> Verdict:
    """``answer``: SparsePauliOp whose eigenvalue on |x⟩ is the cut value of x."""
    n = int(num_nodes)
    d = _diag(answer, n)
    cut = _cuts(edges, n)
    E = len(list(edges))
    if np.allclose(d, cut, atol=1e-9):
        return Verdict(True, f"Eigenvalues = cut sizes (0 … {int(cut.max())}): ⟨C⟩ is the expected cut.")
    if np.allclose(d, -cut, atol=1e-9):
        return Verdict(False, "Sign: your operator gives minus the cut. Use +(I − Z_i Z_j)/2 per edge "
                              "(negate it only when you hand it to a minimiser).")
    if np.allclose(d, 2 * cut, atol=1e-9):
        return Verdict(False, "Twice the cut: each edge contributes (I − Z_i Z_j)/2, so the "
                              "coefficients are ½ and −½, not 1 and −1.")
    if np.allclose(d, cut - E / 2, atol=1e-9):
        return Verdict(False, f"Missing constant: Σ −½ Z_i Z_j alone gives cut − {E / 2:g}. Add the "
                              f"identity term {E / 2:g}·I (one ½ per edge).")
    if np.allclose(d, E - 2 * cut, atol=1e-9) or np.allclose(d, 2 * cut - E, atol=1e-9):
        return Verdict(False, "Σ Z_i Z_j counts agreeing minus disagreeing edges. Turn each term into "
                              "(I − Z_i Z_j)/2, which is 1 exactly when the edge is cut.")
    if np.allclose(d, _cuts(edges, n, relabel=True), atol=1e-9):
        return Verdict(False, "Qubit order: in a Pauli label the RIGHTMOST letter is qubit 0, so "
                              "'ZZII' acts on qubits 2 and 3. `from_sparse_list` with qubit indices "
                              "avoids this.")
    bad = int(np.argmax(np.abs(d - cut)))
    return Verdict(False, f"For the assignment {format(bad, f'0{n}b')} your operator gives "
                          f"{d[bad]:g} but that cut has {int(cut[bad])} edges. Sum (I − Z_i Z_j)/2 "
                          "over the edges.")


@checker("Exercise 11.2 — good QAOA angles for p = 1")
def good_p1_angles(answer: Any, edges: Any, num_nodes: int, threshold: float = 0.84) -> Verdict:
    """``answer`` = [β, γ] (circuit order) with approximation ratio ≥ ``threshold``."""
    from qmlcourse import qaoa

    x = np.asarray(answer, dtype=float).ravel()
    if x.size != 2:
        return Verdict(False, f"Give two numbers [β, γ] (p = 1 has one β and one γ); you gave {x.size}.")
    if not np.all(np.isfinite(x)):
        return Verdict(False, "Your angles contain NaN or inf.")
    n = int(num_nodes)
    qc = qaoa.qaoa_circuit(edges, 1, n)
    opt = qaoa.brute_force_maxcut(edges, n).value
    ratio = float(qaoa.expected_cut(qc, edges, x, n)) / opt
    swapped = float(qaoa.expected_cut(qc, edges, x[::-1], n)) / opt
    if ratio >= threshold:
        return Verdict(True, f"Approximation ratio {ratio:.3f}: on average QAOA cuts "
                             f"{ratio * opt:.2f} of the {opt:g} edges of the best cut.")
    if swapped >= threshold:
        return Verdict(False, "Order: circuit.parameters lists β before γ, so the vector is [β, γ]. "
                              f"Swapped, your angles give ratio {swapped:.3f}.")
    if np.any(np.abs(x) > 2 * np.pi + 1e-9):
        return Verdict(False, "Those look like degrees. Angles are in radians: γ ∈ [0, π], "
                              "β ∈ [0, π/2] cover the whole landscape.")
    return Verdict(False, f"Ratio {ratio:.3f} < {threshold}. Read the brightest point of the (γ, β) "
                          "landscape above (or move the widget's marker to the minimum of −⟨C⟩).")


@checker("Exercise 11.3 — approximation ratio from samples")
def sampled_ratio(answer: Any, counts: Any, edges: Any, num_nodes: int) -> Verdict:
    """``answer`` = mean cut of the sampled bitstrings divided by the best cut."""
    from qmlcourse import qaoa

    try:
        r = float(np.asarray(answer, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return Verdict(False, "Give one number: (average cut of the samples) / (maximum cut).")
    n = int(num_nodes)
    cuts = qaoa.cut_values(edges, n)
    shots = sum(counts.values())
    mean_cut = sum(c * cuts[int(k, 2)] for k, c in counts.items()) / shots
    opt = float(cuts.max())
    want = mean_cut / opt
    if np.isclose(r, want, atol=1e-9):
        return Verdict(True, f"Sampled ratio {want:.3f}; with {shots} shots it scatters around the "
                             "exact ⟨C⟩/max-cut by about 1/√shots.")
    if np.isclose(r, mean_cut, atol=1e-9):
        return Verdict(False, f"That is the average cut ({mean_cut:.3f}); divide by the maximum cut {opt:g}.")
    if np.isclose(r, want * shots, atol=1e-6) or np.isclose(r, mean_cut * shots, atol=1e-6):
        return Verdict(False, f"Divide by the number of shots ({shots}) to turn counts into an average.")
    best = max(cuts[int(k, 2)] for k in counts) / opt
    if np.isclose(r, best, atol=1e-9):
        return Verdict(False, "That is the best sampled cut. The approximation ratio uses the AVERAGE "
                              "cut over all shots (weighted by the counts).")
    return Verdict(False, f"Expected about {want:.3f}. Weight each bitstring's cut by its count, "
                          "divide by the shots, then by the maximum cut.")
