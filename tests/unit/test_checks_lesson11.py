import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qmlcourse import qaoa as Q
from qmlcourse.checks import lesson11 as check

N, EDGES = Q.GRAPHS["paw"]


def op(terms, const):
    return SparsePauliOp.from_sparse_list([("ZZ", [i, j], c) for (i, j), c in terms] + [("", [], const)],
                                          num_qubits=N)


def test_operator_right_answers(capsys):
    assert check.maxcut_operator(Q.maxcut_hamiltonian(EDGES, N), EDGES, N)
    assert check.maxcut_operator(op([(e, -0.5) for e in EDGES], 2.0), EDGES, N)
    assert "cut sizes" in capsys.readouterr().out


def test_operator_hints(capsys):
    assert not check.maxcut_operator(op([(e, 0.5) for e in EDGES], -2.0), EDGES, N)
    assert "Sign" in capsys.readouterr().out
    assert not check.maxcut_operator(op([(e, -1.0) for e in EDGES], 4.0), EDGES, N)
    assert "Twice" in capsys.readouterr().out
    assert not check.maxcut_operator(op([(e, -0.5) for e in EDGES], 0.0), EDGES, N)
    assert "Missing constant" in capsys.readouterr().out
    assert not check.maxcut_operator(op([(e, 1.0) for e in EDGES], 0.0), EDGES, N)
    assert "(I − Z_i Z_j)/2" in capsys.readouterr().out
    mirrored = [(N - 1 - i, N - 1 - j) for i, j in EDGES]
    assert not check.maxcut_operator(op([(e, -0.5) for e in mirrored], 2.0), EDGES, N)
    assert "RIGHTMOST" in capsys.readouterr().out
    assert not check.maxcut_operator(SparsePauliOp(["XXII", "IIII"], [1, 1]), EDGES, N)
    assert "not diagonal" in capsys.readouterr().out
    assert not check.maxcut_operator(Q.maxcut_hamiltonian([(0, 1)], 2), EDGES, N)
    assert "2 qubits" in capsys.readouterr().out
    assert not check.maxcut_operator(op([(EDGES[0], -0.5)], 0.5), EDGES, N)
    assert "For the assignment" in capsys.readouterr().out
    assert not check.maxcut_operator([1, 2, 3], EDGES, N)
    assert "SparsePauliOp" in capsys.readouterr().out


PN, PEDGES = Q.GRAPHS["prism"]


def layer(cost_scale=-1.0, mixer_scale=2.0, cost=True, mixer=True, mixer_first=False, use_global=False):
    def fn(qc, edges, gamma, beta):
        steps = ["cost", "mixer"][::-1] if mixer_first else ["cost", "mixer"]
        for step in steps:
            if step == "cost" and cost:
                for i, j in (PEDGES if use_global else edges):
                    qc.rzz(cost_scale * gamma, i, j)
            elif step == "mixer" and mixer:
                for q in range(qc.num_qubits):
                    qc.rx(mixer_scale * beta, q)
    return fn


def test_layer_right_answers(capsys):
    assert check.qaoa_layer(layer())
    assert "Same state" in capsys.readouterr().out

    def returns_new(qc, edges, gamma, beta):      # building and returning a new circuit is fine too
        out = qc.copy()
        layer()(out, edges, gamma, beta)
        return out
    assert check.qaoa_layer(returns_new)


def test_layer_accepts_equivalent_circuits_with_other_gates(capsys):
    """Equivalence, not form: other gates, other angles mod 4π, an extra global phase all pass."""
    from qiskit.circuit.library import PauliEvolutionGate
    from qiskit.quantum_info import SparsePauliOp as Op

    def cx_rz_cx(qc, edges, gamma, beta):          # RZZ decomposed; mixer as H·RZ·H; angles shifted by 2π
        for i, j in edges:
            qc.cx(i, j)
            qc.rz(-gamma + 2 * np.pi, j)             # a global phase −1 per edge
            qc.cx(i, j)
        for q in range(qc.num_qubits):
            qc.h(q)
            qc.rz(2 * beta, q)
            qc.h(q)
        qc.global_phase += 0.37

    def evolution(qc, edges, gamma, beta):         # e^{−iγC} and e^{−iβB} straight from the operators
        n = qc.num_qubits
        cost = Op.from_sparse_list([("ZZ", [i, j], -0.5) for i, j in edges] + [("", [], 0.5 * len(edges))],
                                   num_qubits=n)
        qc.append(PauliEvolutionGate(cost, time=gamma), range(n))
        qc.append(PauliEvolutionGate(Op.from_sparse_list([("X", [k], 1.0) for k in range(n)], num_qubits=n),
                                     time=beta), range(n))

    assert check.qaoa_layer(cx_rz_cx)
    assert check.qaoa_layer(evolution)
    assert capsys.readouterr().out.count("Same state") == 2


def test_layer_hints_lead_to_the_derivation_without_the_angles(capsys):
    wrong = [layer(cost_scale=1.0), layer(cost_scale=-2.0), layer(cost_scale=2.0), layer(mixer_scale=1.0),
             layer(mixer_scale=-2.0), layer(mixer=False), layer(cost=False), layer(cost_scale=-0.7)]
    for fn in wrong:
        assert not check.qaoa_layer(fn)
        out = capsys.readouterr().out
        assert "e^{−iθ" in out, out                  # every hint shows a gate definition to match
        for answer in ("RZZ(−γ)", "RZZ(-γ)", "RX(2β)", "-gamma", "2 * beta", "2*beta"):
            assert answer not in out, (answer, out)


def test_layer_hints(capsys):
    cases = [(layer(cost_scale=1.0), "Sign of the cost angle"),
             (layer(cost_scale=-2.0), "Twice the cost angle"),
             (layer(mixer_scale=1.0), "Half the mixer angle"),
             (layer(mixer_scale=-2.0), "Sign of the mixer angle"),
             (layer(mixer=False), "Only the cost layer"),
             (layer(cost=False), "Only the mixer"),
             (layer(mixer_first=True), "Order"),
             (layer(cost=False, mixer=False), "adds no gates"),
             (layer(use_global=True), "global variables"),
             (layer(cost_scale=-0.7), "differs from")]
    for fn, hint in cases:
        assert not check.qaoa_layer(fn)
        assert hint in capsys.readouterr().out, hint
    assert not check.qaoa_layer(42)
    assert "Pass your function" in capsys.readouterr().out


def loop(sign=-1.0, swap=False, whole=False, start_only=False, global_graph=False):
    from scipy.optimize import minimize

    def fn(edges, num_nodes, start=(0.4, 0.6)):
        if global_graph:
            edges, num_nodes = PEDGES, PN
        qc = Q.qaoa_circuit(edges, 1, num_nodes)

        def f(x):
            return sign * float(Q.expected_cut(qc, edges, x, num_nodes))
        res = minimize(f, start, method="COBYLA")
        if whole:
            return res
        x = np.asarray(start) if start_only else res.x
        return x[::-1] if swap else x
    return fn


def test_loop_right_answer(capsys):
    assert check.optimise_p1(loop())
    assert "never saw" in capsys.readouterr().out


def test_loop_hints(capsys):
    for fn, hint in [(loop(sign=1.0), "you minimised"), (loop(swap=True), "Order"),
                     (loop(whole=True), "whole result"), (loop(start_only=True), "best p = 1 ratio is"),
                     (lambda e, n: None, "returns None"), (lambda e, n: [1, 2, 3], "two finite numbers"),
                     (lambda e, n: PEDGES[99], "raised IndexError")]:
        assert not check.optimise_p1(fn)
        assert hint in capsys.readouterr().out, hint


def test_loop_reference_ratios_are_the_p1_optima():
    for name, best in check.P1_BEST.items():
        n, e = Q.GRAPHS[name]
        assert abs(Q.optimize_qaoa(e, 1, n).ratio - best) < 1e-4, name


def test_predict_and_reveal(capsys):
    assert check.predict_p1_ratio(0.8)
    assert check.reveal_p1_ratio(0.848)
    out = capsys.readouterr().out
    assert "🔮" in out and "you predicted 0.8" in out
    assert not check.predict_p1_ratio(None)
    assert "none recorded" in capsys.readouterr().out


COUNTS = {"010101": 50, "000111": 30, "000000": 20}


def test_sampled_ratio(capsys):
    cuts = Q.cut_values(PEDGES, PN)
    mean = sum(c * cuts[int(k, 2)] for k, c in COUNTS.items()) / 100
    assert check.sampled_ratio(mean / 7, COUNTS, PEDGES, PN)
    out = capsys.readouterr().out
    assert "Sampled ratio" in out and "standard error" in out
    assert not check.sampled_ratio(mean, COUNTS, PEDGES, PN)
    assert "divide by the maximum cut" in capsys.readouterr().out
    assert not check.sampled_ratio(mean * 100 / 7, COUNTS, PEDGES, PN)
    assert "number of shots" in capsys.readouterr().out
    best = max(cuts[int(k, 2)] for k in COUNTS) / 7
    assert not check.sampled_ratio(best, COUNTS, PEDGES, PN)
    assert "AVERAGE" in capsys.readouterr().out
    assert not check.sampled_ratio(0.1, COUNTS, PEDGES, PN)
    out = capsys.readouterr().out
    assert "not the sampled approximation ratio" in out
    assert f"{mean / 7:.3f}" not in out and f"{mean / 7:.2f}" not in out, "a hint must not print the answer"


def test_missing_or_garbage_never_raises(capsys):
    assert not check.maxcut_operator(None, EDGES, N)
    assert not check.qaoa_layer(None)
    assert not check.optimise_p1(None)
    assert not check.optimise_p1(lambda e, n: "ab")
    assert not check.sampled_ratio(None, COUNTS, PEDGES, PN)
    assert not check.sampled_ratio("x", COUNTS, PEDGES, PN)
    out = capsys.readouterr().out
    assert "no answer yet" in out and "Traceback" not in out
