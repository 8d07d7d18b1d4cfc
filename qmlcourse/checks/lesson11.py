"""Checkers for lesson 11 (QAOA for MaxCut)."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, call_on_test, checker


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


_LAYER_GRAPHS = ("triangle", "paw", "pentagon")
#: (γ, β) pairs of the layer test: two fixed ones and two seeded random ones (no special angles)
_LAYER_ANGLES = ((0.3, 0.7), (1.1, -0.4),
                 *(tuple(float(v) for v in pair) for pair in np.random.default_rng(11).uniform(-2.0, 2.0, (2, 2))))


def _layer_state(n: int, edges: Any, gamma: float, beta: float, tilt: bool,
                 cost: bool = True, mixer: bool = True, mixer_first: bool = False) -> np.ndarray:
    """Reference state: start (|+⟩ or a tilted product state), then one layer (variants for hints)."""
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    qc = QuantumCircuit(n)
    qc.h(range(n))
    if tilt:
        for q in range(n):
            qc.ry(0.3 + 0.2 * q, q)
    steps = [("cost", cost), ("mixer", mixer)]
    for name, on in (steps[::-1] if mixer_first else steps):
        if on and name == "cost":
            for i, j in edges:
                qc.rzz(-gamma, i, j)
        elif on:
            qc.rx(2 * beta, range(n))
    return Statevector(qc).data


def _learner_layer_state(answer: Any, n: int, edges: Any, gamma: float, beta: float,
                         tilt: bool) -> np.ndarray:
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    qc = QuantumCircuit(n)
    qc.h(range(n))
    if tilt:
        for q in range(n):
            qc.ry(0.3 + 0.2 * q, q)
    returned = call_on_test(answer, (qc, list(edges), gamma, beta), f"a {n}-node test graph",
                            "Use the `edges` argument and `qc.num_qubits`, not the prism's global variables.")
    if isinstance(returned, QuantumCircuit):
        qc = returned
    if qc.num_parameters:
        raise Verdict(False, "Your circuit still has free Parameters: use the numbers gamma and beta "
                             "you were given in the gates.")
    if qc.num_qubits != n:
        raise Verdict(False, f"The circuit has {qc.num_qubits} qubits after your layer; it must stay on {n}.")
    with warnings.catch_warnings():       # e.g. SciPy's SparseEfficiencyWarning for a PauliEvolutionGate:
        warnings.simplefilter("ignore")   # an equivalent answer is graded, not warned about
        return Statevector(qc).data


def _same_state(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(abs(abs(np.vdot(a, b)) - 1.0) < 1e-8)


@checker("Exercise 11.2 — one QAOA layer")
def qaoa_layer(answer: Any) -> Verdict:
    """``answer(qc, edges, gamma, beta)`` appends e^{-iγC} (RZZ(−γ) per edge) then e^{-iβB} (RX(2β) per qubit).

    Tested by state fidelity (equal up to a global phase, so every equivalent circuit passes, whatever
    its gates) on three graphs, four angle pairs and two input states (|+⟩ and a tilted product
    state, which tells cost-then-mixer from mixer-then-cost). Hints point at the derivation, never at
    the angles themselves."""
    from qmlcourse import qaoa

    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.qaoa_layer(qaoa_layer).")
    variants = [
        (dict(), None),
        (dict(gamma_scale=-1), "Sign of the cost angle: one edge contributes e^{−iγ(I − Z_iZ_j)/2}. Drop the "
                               "I (a global phase) and compare the sign in front of Z_iZ_j with the one in "
                               "RZZ(θ) = e^{−iθ Z_iZ_j/2}."),
        (dict(gamma_scale=2), "Twice the cost angle: each edge's term of C carries a factor ½. Write "
                              "e^{−iγ(I − Z_iZ_j)/2} and RZZ(θ) = e^{−iθ Z_iZ_j/2} side by side and match the "
                              "coefficient of Z_iZ_j."),
        (dict(gamma_scale=-2), "Check both the factor ½ of each edge's term in C and the sign of its Z_iZ_j: "
                               "match the coefficient of Z_iZ_j in e^{−iγ(I − Z_iZ_j)/2} with RZZ(θ) = "
                               "e^{−iθ Z_iZ_j/2}."),
        (dict(beta_scale=0.5), "Half the mixer angle: RX(θ) = e^{−iθX/2} has a ½ in its exponent, e^{−iβX} has "
                               "none. Which θ makes the two exponents equal?"),
        (dict(beta_scale=-1), "Sign of the mixer angle: write e^{−iβX} and RX(θ) = e^{−iθX/2} side by side; "
                              "both exponents carry a minus sign already."),
        (dict(mixer=False), "Only the cost layer arrived: add the mixer e^{−iβB}, B = Σ_k X_k — one RX on "
                            "EVERY qubit (work out its angle from RX(θ) = e^{−iθX/2})."),
        (dict(cost=False), "Only the mixer arrived: add the cost layer e^{−iγC} — one RZZ per edge (work out "
                           "its angle from RZZ(θ) = e^{−iθ Z_iZ_j/2})."),
        (dict(mixer_first=True), "Order: the cost layer e^{−iγC} comes first, then the mixer e^{−iβB} "
                                 "(from |+⟩ the two orders look alike; from other states they differ)."),
    ]
    alive = {k: True for k in range(len(variants))}
    nothing = True
    for name in _LAYER_GRAPHS:
        n, edges = qaoa.GRAPHS[name]
        for gamma, beta in _LAYER_ANGLES:
            for tilt in (False, True):
                got = _learner_layer_state(answer, n, edges, gamma, beta, tilt)
                start = _layer_state(n, edges, gamma, beta, tilt, cost=False, mixer=False)
                nothing &= _same_state(got, start)
                for k, (opts, _) in enumerate(variants):
                    if not alive[k]:
                        continue
                    o = dict(opts)
                    g = gamma * o.pop("gamma_scale", 1)
                    b = beta * o.pop("beta_scale", 1)
                    if not _same_state(got, _layer_state(n, edges, g, b, tilt, **o)):
                        alive[k] = False
    if alive[0]:
        return Verdict(True, "Same state as e^{−iβB} e^{−iγC} on 3 graphs × 4 angle pairs × 2 input states: "
                             "one RZZ(−γ) per edge, then RX(2β) on every qubit.")
    if nothing:
        return Verdict(False, "Your function leaves the state unchanged — it adds no gates yet. Append "
                              "`qc.rzz(...)` for every edge, then `qc.rx(...)` on every qubit.")
    for k, (_, hint) in enumerate(variants[1:], start=1):
        if alive[k]:
            return Verdict(False, hint)
    return Verdict(False, "The state after your layer differs from e^{−iβB} e^{−iγC}|ψ⟩ on the test graphs. "
                          "Derive each angle: the terms of C commute, so e^{−iγC} is a product over the edges of "
                          "e^{−iγ(I − Z_iZ_j)/2} (its I part is only a global phase) — match it with RZZ(θ) = "
                          "e^{−iθ Z_iZ_j/2}; and match e^{−iβX_k} with RX(θ) = e^{−iθX/2}.")


#: test graphs of Exercise 11.3 and their best p = 1 ratio (from ``qaoa.optimize_qaoa``; a unit test
#: recomputes them)
P1_BEST = {"square": 0.75, "pentagon": 0.9375, "kite": 0.8093}


@checker("Exercise 11.3 — the p = 1 optimisation loop")
def optimise_p1(answer: Any) -> Verdict:
    """``answer(edges, num_nodes)`` returns ``[β, γ]`` reaching the best p = 1 ratio on other graphs."""
    from qmlcourse import qaoa

    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.optimise_p1(optimise_p1).")
    lines = []
    for name, best in P1_BEST.items():
        n, edges = qaoa.GRAPHS[name]
        out = call_on_test(answer, (list(edges), n), f"the {name} graph ({n} nodes)",
                           "Use its `edges` and `num_nodes` arguments, not the prism's.",
                           none_hint="finish with `return result.x`.")
        if hasattr(out, "x") and hasattr(out, "fun"):
            return Verdict(False, "You returned the optimiser's whole result; return its angles, `result.x`.")
        try:
            x = np.asarray(out, dtype=float).ravel()
        except (TypeError, ValueError):
            return Verdict(False, f"Return two numbers [β, γ]; got {type(out).__name__}.")
        if x.size != 2 or not np.all(np.isfinite(x)):
            return Verdict(False, f"Return two finite numbers [β, γ] (circuit order); got {x.size} values.")
        qc = qaoa.qaoa_circuit(edges, 1, n)
        opt = qaoa.brute_force_maxcut(edges, n).value
        ratio = float(qaoa.expected_cut(qc, edges, x, n)) / opt
        random = float(qaoa.cut_values(edges, n).mean()) / opt
        if ratio < best - 0.005:
            swapped = float(qaoa.expected_cut(qc, edges, x[::-1], n)) / opt
            if swapped >= best - 0.005:
                return Verdict(False, "Order: return [β, γ] as circuit.parameters lists them (β first); swapped, "
                                      f"your angles reach the best ratio on the {name} graph.")
            if ratio < random - 1e-6:
                return Verdict(False, f"On the {name} graph your angles give ratio {ratio:.3f}, WORSE than a random "
                                      f"colouring ({random:.3f}): you minimised ⟨C⟩. The optimiser minimises, so "
                                      "hand it the loss −⟨C⟩.")
            return Verdict(False, f"On the {name} graph your angles give ratio {ratio:.3f}; the best p = 1 ratio is "
                                  f"{best:.3f}. Does the loop actually run the optimiser from `start` and return "
                                  "its result's `.x`?")
        lines.append(f"{name} {ratio:.3f}")
    return Verdict(True, "Your loop reaches the best p = 1 ratio on graphs it never saw: " + ", ".join(lines) + ".")


@checker("Exercise 11.4 — approximation ratio from samples")
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
        var = sum(c * (cuts[int(k, 2)] - mean_cut) ** 2 for k, c in counts.items()) / shots
        se = float(np.sqrt(var / shots)) / opt
        return Verdict(True, f"Sampled ratio {want:.3f}. Its standard error is σ_cut / (C_max √shots) ≈ "
                             f"{se:.4f} with {shots} shots (σ_cut = spread of the sampled cuts).")
    if np.isclose(r, mean_cut, atol=1e-9):
        return Verdict(False, f"That is the average cut ({mean_cut:.3f}); divide by the maximum cut {opt:g}.")
    if np.isclose(r, want * shots, atol=1e-6) or np.isclose(r, mean_cut * shots, atol=1e-6):
        return Verdict(False, f"Divide by the number of shots ({shots}) to turn counts into an average.")
    best = max(cuts[int(k, 2)] for k in counts) / opt
    if np.isclose(r, best, atol=1e-9):
        return Verdict(False, "That is the best sampled cut. The approximation ratio uses the AVERAGE "
                              "cut over all shots (weighted by the counts).")
    return Verdict(False, "That is not the sampled approximation ratio: it is the AVERAGE cut of the samples "
                          "(each bitstring's cut weighted by its count, divided by the number of shots), divided by "
                          "the maximum cut of the graph.")


def predict_p1_ratio(guess: Any) -> Any:
    """Record the learner's prediction of the best p = 1 approximation ratio on the prism."""
    return _predict.record("11-p1-ratio", guess, "the best p = 1 approximation ratio on the prism")


def reveal_p1_ratio(found: float) -> Any:
    """Compare the recorded prediction with the best ratio of the p = 1 grid."""
    return _predict.reveal("11-p1-ratio", found, "the best p = 1 approximation ratio on the prism",
                           tolerance=0.05,
                           note="One layer already beats a random colouring (0.643) by a wide margin.")
