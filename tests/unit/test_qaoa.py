"""MaxCut / QAOA helpers: operator, circuits (vs Qiskit's qaoa_ansatz), brute force, optimiser."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from qiskit.circuit.library import qaoa_ansatz
from qiskit.primitives import StatevectorEstimator
from qiskit.quantum_info import Statevector

from qmlcourse import qaoa as Q


def slow_cut(bits, edges, weights=None):
    weights = [1.0] * len(edges) if weights is None else weights
    return sum(w for (i, j), w in zip(edges, weights, strict=True) if bits[i] != bits[j])


@pytest.mark.parametrize("name", sorted(Q.GRAPHS))
def test_cut_values_and_operator_agree_with_a_slow_count(name):
    n, edges = Q.GRAPHS[name]
    vals = Q.cut_values(edges, n)
    for x in range(2**n):
        bits = [(x >> k) & 1 for k in range(n)]
        assert vals[x] == slow_cut(bits, edges)
    C = Q.maxcut_hamiltonian(edges, n)
    assert np.allclose(np.diag(C.to_matrix()).real, vals)
    assert np.allclose(C.to_matrix(), np.diag(np.diag(C.to_matrix())))


def test_weighted_graph_and_isolated_node():
    edges, w = [(0, 1), (1, 2)], [2.0, 0.5]
    assert Q.cut_values(edges, 4, w).max() == 2.5
    assert Q.maxcut_hamiltonian(edges, 4, w).num_qubits == 4
    assert Q.brute_force_maxcut(edges, 3, w).bitstrings == ["010", "101"]


def test_cut_value_reads_qiskit_bitstrings_right_to_left():
    edges = [(0, 1), (1, 2)]
    assert Q.cut_value("001", edges) == 1.0  # node 0 alone
    assert Q.cut_value("100", edges) == 1.0
    assert Q.cut_value("010", edges) == 2.0
    assert Q.cut_value([0, 1, 0], edges) == 2.0
    assert Q.cut_value(2, edges) == 2.0
    with pytest.raises(ValueError, match="3 characters"):
        Q.cut_value("01", edges)


def test_brute_force_known_optima():
    assert Q.brute_force_maxcut(*reversed(Q.GRAPHS["triangle"])).value == 2
    assert Q.brute_force_maxcut(*reversed(Q.GRAPHS["pentagon"])).value == 4
    sol = Q.brute_force_maxcut(*reversed(Q.GRAPHS["prism"]))
    assert sol.value == 7 and len(sol.bitstrings) == len(sol.indices)
    for b in sol.bitstrings:  # complement of an optimal cut is optimal too
        comp = "".join("1" if c == "0" else "0" for c in b)
        assert comp in sol.bitstrings


@pytest.mark.parametrize("p", [1, 2, 3])
def test_circuit_matches_qiskit_qaoa_ansatz(p):
    n, edges = Q.GRAPHS["kite"]
    qc = Q.qaoa_circuit(edges, p, n)
    ref = qaoa_ansatz(Q.maxcut_hamiltonian(edges, n), reps=p)
    assert [x.name for x in qc.parameters] == [x.name for x in ref.parameters]
    x = np.random.default_rng(p).uniform(-2, 2, 2 * p)
    a = Statevector(qc.assign_parameters(x)).data
    b = Statevector(ref.assign_parameters(x)).data
    assert abs(np.vdot(a, b)) == pytest.approx(1.0, abs=1e-10)  # equal up to global phase


def test_expected_cut_engine_matches_statevector_estimator():
    n, edges = Q.GRAPHS["prism"]
    qc = Q.qaoa_circuit(edges, 2, n)
    X = np.random.default_rng(0).uniform(0, 2, (5, 4))
    ref = StatevectorEstimator().run([(qc, Q.maxcut_hamiltonian(edges, n), X)]).result()[0].data.evs
    assert np.allclose(Q.expected_cut(qc, edges, X), ref)


def test_parameter_helpers_and_interp():
    x = Q.qaoa_parameters([0.1, 0.2], [0.3, 0.4])
    g, b = Q.split_parameters(x)
    assert g.tolist() == [0.1, 0.2] and b.tolist() == [0.3, 0.4]
    y = Q.interp_init(x)
    assert y.shape == (6,)
    g3, b3 = Q.split_parameters(y)
    assert g3[0] == pytest.approx(0.1) and g3[-1] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="2p entries"):
        Q.split_parameters([1, 2, 3])


def test_p1_single_edge_analytic():
    # one edge: <C> = (1 + sin(4β) sin(γ)) / 2 at p = 1
    qc = Q.qaoa_circuit([(0, 1)], 1)
    for beta, gamma in itertools.product([0.1, 0.5], [0.3, 1.2]):
        val = Q.expected_cut(qc, [(0, 1)], [beta, gamma])
        assert float(val) == pytest.approx((1 + np.sin(4 * beta) * np.sin(gamma)) / 2)


def test_optimize_ring_p1_reaches_three_quarters_and_depth_helps():
    n, edges = Q.GRAPHS["square"]
    r1 = Q.optimize_qaoa(edges, 1, n)
    assert r1.ratio == pytest.approx(0.75, abs=1e-4)  # known p = 1 result on even rings
    r2 = Q.optimize_qaoa(edges, 2, n, init=r1)
    assert r2.ratio > 0.999 and r2.p_optimal > 0.99
    n, edges = Q.GRAPHS["prism"]
    rs = [Q.optimize_qaoa(edges, 1, n)]
    for p in (2, 3):
        rs.append(Q.optimize_qaoa(edges, p, n, init=rs[-1]))
    ratios = [r.ratio for r in rs]
    assert ratios == sorted(ratios) and ratios[0] > 0.6924  # p = 1 bound for 3-regular graphs
    assert rs[-1].probabilities.sum() == pytest.approx(1.0)
    assert "QAOAResult(p=3" in repr(rs[-1])


def test_approximation_ratio_and_errors():
    assert Q.approximation_ratio(3, 4) == 0.75
    assert Q.approximation_ratio(np.array([2.0, 4.0]), 4).tolist() == [0.5, 1.0]
    with pytest.raises(ValueError, match="positive"):
        Q.approximation_ratio(1, 0)
    with pytest.raises(ValueError, match="self-loop"):
        Q.maxcut_hamiltonian([(1, 1)])
    with pytest.raises(ValueError, match="num_nodes"):
        Q.cut_values([(0, 5)], num_nodes=3)
    with pytest.raises(ValueError, match="no edges"):
        Q.check_graph([])
    with pytest.raises(ValueError, match="one per edge"):
        Q.check_graph([(0, 1)], weights=[1, 2])
    with pytest.raises(ValueError, match="positive integer"):
        Q.qaoa_circuit([(0, 1)], p=0)
    with pytest.raises(ValueError, match="depth 2 or 3 is needed"):
        r = Q.optimize_qaoa([(0, 1)], 1)
        Q.optimize_qaoa([(0, 1)], 3, init=r)


def test_draw_cut_runs_headless():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    n, edges = Q.GRAPHS["kite"]
    Q.draw_cut(ax, edges, "0110", title="cut")
    assert len(ax.lines) == len(edges)
    assert sum(line.get_linestyle() == "--" for line in ax.lines) == Q.cut_value("0110", edges)
    plt.close(fig)
