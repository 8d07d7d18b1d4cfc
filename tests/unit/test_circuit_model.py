"""Unit tests for qmlwidgets.circuit_model (pure: no widgets)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.circuit.library import real_amplitudes
from qiskit.quantum_info import Operator, Statevector, entropy, partial_trace

from qmlwidgets.circuit_model import (
    GATES,
    CircuitModel,
    Gate,
    apply_gate,
    basis_labels,
    format_angle,
)


def random_model(n: int, n_gates: int, rng: np.random.Generator) -> CircuitModel:
    """A model with random palette gates (all kinds that fit on n qubits), some parameterised."""
    m = CircuitModel(n)
    names = [k for k, s in GATES.items() if s.n_targets + s.n_controls <= n]
    for _ in range(n_gates):
        name = names[rng.integers(len(names))]
        spec = GATES[name]
        qs = [int(q) for q in rng.permutation(n)[: spec.n_targets + spec.n_controls]]
        args: list = []
        if spec.has_angle:
            args.append(["a", "b"][rng.integers(2)] if rng.random() < 0.5 else float(rng.uniform(-4, 4)))
        m.add(name, *args, *qs)
    for p in m.parameters:
        m.set_parameter(p, float(rng.uniform(-3, 3)))
    return m


def snapshot(m: CircuitModel) -> tuple:
    return (m.num_qubits, m.gates, m.parameter_values, m.step, m.cut, m.can_undo, m.can_redo, m._pos)


# ------------------------------------------------------------------ simulation
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_every_prefix_state_matches_qiskit_statevector(n):
    rng = np.random.default_rng(n)
    for _ in range(4):
        m = random_model(n, 12, rng)
        bound = m.circuit(bound=True)
        for k in range(len(m.gates) + 1):
            prefix = QuantumCircuit(n)
            for inst in bound.data[:k]:
                prefix.append(inst)
            np.testing.assert_allclose(m.state(k), Statevector(prefix).data, atol=1e-12)
        np.testing.assert_allclose(m.probabilities(), Statevector(bound).probabilities(), atol=1e-12)


def test_apply_gate_controls_act_only_on_control_one_subspace():
    # |q2 q1 q0> = |011>: ccx(0, 1, 2) flips q2 -> |111>
    psi = np.zeros(8, complex)
    psi[0b011] = 1
    out = apply_gate(psi, Gate("ccx", (2,), (0, 1)), 3)
    assert out[0b111] == 1 and np.count_nonzero(out) == 1
    # control 0 only set: nothing happens
    psi = np.zeros(8, complex)
    psi[0b001] = 1
    assert apply_gate(psi, Gate("ccx", (2,), (0, 1)), 3)[0b001] == 1


def test_add_mirrors_quantumcircuit_argument_order():
    m = CircuitModel(3).add("cx", 2, 0).add("ccx", 2, 0, 1).add("rx", 0.4, 1).add("swap", 0, 2).add("cnot", 1, 2)
    qc = QuantumCircuit(3)
    qc.cx(2, 0)
    qc.ccx(2, 0, 1)
    qc.rx(0.4, 1)
    qc.swap(0, 2)
    qc.cx(1, 2)
    assert Operator(m.circuit()) == Operator(qc)
    assert [g.call() for g in m.gates] == ["cx(2, 0)", "ccx(2, 0, 1)", "rx(0.4, 1)", "swap(0, 2)", "cx(1, 2)"]


def test_add_gate_keyword_form_equals_add():
    a = CircuitModel(3).add_gate("ccx", targets=2, controls=(0, 1)).add_gate("ry", 1, angle=0.2)
    b = CircuitModel(3).add("ccx", 0, 1, 2).add("ry", 0.2, 1)
    assert a.gates == b.gates


def test_basis_labels_are_qiskit_order():
    assert basis_labels(3)[1] == "001" and basis_labels(3)[4] == "100"
    m = CircuitModel(3).add("x", 2)  # qubit 2 is the leftmost bit
    assert m.labels()[int(np.argmax(m.probabilities()))] == "100"


# ------------------------------------------------------------------ undo / redo
def test_undo_redo_clear_roundtrip():
    m = CircuitModel(2).add("h", 0).add("cx", 0, 1)
    bell = m.state()
    m.undo()
    assert len(m.gates) == 1 and m.can_redo
    m.redo()
    np.testing.assert_allclose(m.state(), bell)
    m.clear()
    assert m.gates == () and m.can_undo
    np.testing.assert_allclose(m.probabilities(), [1, 0, 0, 0])
    m.undo()
    np.testing.assert_allclose(m.state(), bell)
    m.undo().undo()
    assert m.gates == () and not m.can_undo
    with pytest.raises(ValueError, match="nothing to undo"):
        m.undo()


def test_new_edit_drops_redo_branch():
    m = CircuitModel(2).add("h", 0).add("x", 1).undo().add("z", 0)
    assert not m.can_redo
    assert [g.name for g in m.gates] == ["h", "z"]
    with pytest.raises(ValueError, match="nothing to redo"):
        m.redo()


def test_undo_keeps_parameter_value_for_redo():
    m = CircuitModel(1).add("rx", "t", 0).set_parameter("t", 0.8)
    m.undo()
    assert m.parameters == [] and m.parameter_values == {}
    m.redo()
    assert m.parameter_values == {"t": 0.8}


def test_cached_states_stay_correct_through_edits_and_parameter_changes():
    rng = np.random.default_rng(7)
    m = random_model(4, 15, rng)
    m.state()  # fill the cache
    m.add("ry", "a", 2).set_parameter("a", 1.3)
    m.state(3)
    m.set_parameter("b", -0.7) if "b" in m.parameters else None
    m.undo().undo()
    m.redo()
    m.set_step(5)
    m.state()
    m.set_step(len(m.gates))
    np.testing.assert_allclose(m.state(), Statevector(m.circuit(bound=True)).data, atol=1e-12)


def test_cached_states_after_undo_then_different_gate():
    m = CircuitModel(2).add("h", 0).add("x", 1).add("cx", 0, 1)
    m.state()  # cache holds the states after x and cx
    m.undo().undo().add("ry", 0.3, 1).add("cz", 0, 1)
    np.testing.assert_allclose(m.state(), Statevector(m.circuit(bound=True)).data, atol=1e-12)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.y(1)  # same first gate, different second
    m.load(qc)
    np.testing.assert_allclose(m.state(), Statevector(qc).data, atol=1e-12)


# ------------------------------------------------------------------ validation
BAD_ADDS = [
    (("cx", 1, 1), "control and target must be different"),
    (("ccx", 0, 0, 1), "different"),
    (("swap", 1, 1), "must all be different"),
    (("h", 2), "out of range"),
    (("h", -1), "out of range"),
    (("cx", 0, 5), "out of range"),
    (("rx", float("nan"), 0), "finite"),
    (("rx", float("inf"), 0), "finite"),
    (("rx", "2 theta", 0), "parameter name"),
    (("rx", 0), "needs 1 qubit"),
    (("u", 0), "unsupported gate"),
    (("h", 0.5), "integer"),
    (("h", True), "integer"),
]


@pytest.mark.parametrize(("args", "match"), BAD_ADDS)
def test_bad_add_raises_and_keeps_state(args, match):
    m = CircuitModel(2).add("h", 0).add("rx", "t", 1).set_parameter("t", 0.5).set_step(1)
    before = snapshot(m)
    with pytest.raises(ValueError, match=match):
        m.add(*args)
    assert snapshot(m) == before


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(name="cx", targets=0, controls=0), "control and target must be different"),
        (dict(name="h", targets=0, angle=0.3), "takes no angle"),
        (dict(name="rz", targets=0), "needs an angle"),
        (dict(name="rz", targets=0, angle=float("nan")), "finite"),
        (dict(name="rz", targets=0, parameter="t", angle=float("nan")), "finite"),
        (dict(name="cx", targets=1), "needs 1 control"),
        (dict(name="swap", targets=1), "needs 2 target"),
        (dict(name="h", targets="0"), "integers"),
    ],
)
def test_bad_add_gate_raises_and_keeps_state(kwargs, match):
    m = CircuitModel(2).add("h", 0)
    before = snapshot(m)
    with pytest.raises(ValueError, match=match):
        m.add_gate(**kwargs)
    assert snapshot(m) == before


@pytest.mark.parametrize("n", [0, 6, 2.5, "3"])
def test_num_qubits_limits(n):
    with pytest.raises(ValueError, match="num_qubits"):
        CircuitModel(n)
    m = CircuitModel(2).add("cx", 0, 1)
    with pytest.raises(ValueError, match="num_qubits"):
        m.set_num_qubits(n)
    assert m.num_qubits == 2


def test_set_num_qubits_is_undoable_and_refuses_to_drop_used_qubits():
    m = CircuitModel(2).add("cx", 0, 1).set_num_qubits(4).set_cut([2, 3])
    assert m.num_qubits == 4 and m.probabilities().shape == (16,)
    with pytest.raises(ValueError, match="uses qubit 1"):
        m.set_num_qubits(1)
    m.undo()
    assert m.num_qubits == 2 and m.cut == (0,)  # cut fixed up to valid qubits


# ------------------------------------------------------------------ load
def test_load_supported_circuit_keeps_parameter_objects():
    ra = real_amplitudes(3, reps=1)
    m = CircuitModel(2).load(ra, {ra.parameters[0]: 0.5, "θ[3]": -1.0})
    assert m.num_qubits == 3 and len(m.gates) == len(ra.data)
    assert m.parameter_values["θ[0]"] == 0.5 and m.parameter_values["θ[3]"] == -1.0
    assert list(m.circuit().parameters) == list(ra.parameters)  # same Parameter objects
    values = [m.parameter_values[p.name] for p in ra.parameters]
    assert Operator(m.circuit(bound=True)) == Operator(ra.assign_parameters(values))
    m.undo()
    assert m.num_qubits == 2 and m.gates == ()


def test_load_skips_barriers_and_accepts_bound_expressions():
    t = Parameter("t")
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.barrier()
    qc.rz((2 * t).assign(t, 0.25), 1)
    m = CircuitModel(1).load(qc)
    assert [g.call() for g in m.gates] == ["h(0)", "rz(0.5, 1)"]


def _qc_with(kind: str) -> QuantumCircuit:
    t = Parameter("t")
    if kind == "big":
        return QuantumCircuit(6)
    qc = QuantumCircuit(2)
    qc.h(0)
    if kind == "u":
        qc.u(0.1, 0.2, 0.3, 1)
    elif kind == "measure":
        qc.measure_all()
    elif kind == "expr":
        qc.rx(2 * t, 0)
    elif kind == "open_control":
        from qiskit.circuit.library import CXGate

        qc.append(CXGate(ctrl_state=0), [0, 1])
    elif kind == "nan":
        qc.rx(float("nan"), 0)
    return qc


@pytest.mark.parametrize(
    ("kind", "match"),
    [
        ("big", "6 qubits"),
        ("u", "unsupported gate 'u' at instruction 1"),
        ("measure", "measures"),
        ("expr", "expression"),
        ("open_control", "unsupported gate 'cx_o0'"),
        ("nan", "finite"),
    ],
)
def test_load_bad_circuit_raises_and_keeps_state(kind, match):
    m = CircuitModel(2).add("h", 0).add("rx", "t", 1).set_parameter("t", 0.3)
    before = snapshot(m)
    with pytest.raises(ValueError, match=match):
        m.load(_qc_with(kind))
    assert snapshot(m) == before


def test_load_rejects_non_circuits_and_unknown_values():
    m = CircuitModel(2)
    with pytest.raises(ValueError, match="QuantumCircuit"):
        m.load("h 0")
    qc = QuantumCircuit(1)
    qc.rx(Parameter("a"), 0)
    with pytest.raises(ValueError, match="not a parameter"):
        m.load(qc, {"b": 1.0})
    assert m.gates == ()


# ------------------------------------------------------------------ parameters & step
def test_parameters_in_first_use_order_and_set_parameter():
    m = CircuitModel(2).add("rx", "b", 0).add("ry", "a", 1, ).add("rz", "b", 1)
    assert m.parameters == ["b", "a"]
    m.add_gate("rx", 0, parameter="c", angle=0.75)  # angle = starting value
    assert m.parameter_values == {"b": 0.0, "a": 0.0, "c": 0.75}
    m.add_gate("rz", 1, parameter="c", angle=2.0)  # an existing parameter keeps its value
    assert m.parameter_values["c"] == 0.75
    m.set_parameters({"a": math.pi, "b": 0.0, "c": 0.0})
    np.testing.assert_allclose(m.probabilities(), [0, 0, 1, 0], atol=1e-12)
    with pytest.raises(ValueError, match="unknown parameter 'zz'"):
        m.set_parameter("zz", 1.0)
    with pytest.raises(ValueError, match="finite"):
        m.set_parameter("a", float("nan"))
    with pytest.raises(ValueError, match="unknown parameter"):
        m.set_parameters({"a": 1.0, "nope": 2.0})
    assert m.parameter_values["a"] == math.pi  # unchanged by the failed batch


def test_step_through_and_follow_end():
    m = CircuitModel(2).add("h", 0).add("cx", 0, 1)
    assert m.step == 2
    m.set_step(0)
    np.testing.assert_allclose(m.probabilities(), [1, 0, 0, 0])
    m.set_step(1)
    np.testing.assert_allclose(m.probabilities(), [0.5, 0.5, 0, 0])
    m.add("x", 1)
    assert m.step == 3  # an edit shows the final state again
    for bad in (-1, 4, 1.5, True):
        with pytest.raises(ValueError, match="step"):
            m.set_step(bad)
    assert m.step == 3


# ------------------------------------------------------------------ cut, entropy, Bloch
def test_entropy_bell_ghz_product():
    assert CircuitModel(2).add("h", 0).add("cx", 0, 1).entanglement_entropy() == pytest.approx(1.0)
    ghz = CircuitModel(3).add("h", 0).add("cx", 0, 1).add("cx", 1, 2)
    assert ghz.set_cut([0, 2]).entanglement_entropy() == pytest.approx(1.0)
    assert ghz.entanglement_entropy(cut=[1]) == pytest.approx(1.0)
    assert ghz.cut == (0, 2)  # a one-off cut does not change the chosen one
    assert CircuitModel(3).add("h", 0).add("h", 1).entanglement_entropy() == pytest.approx(0.0, abs=1e-12)
    assert CircuitModel(1).entanglement_entropy() is None


def test_entropy_matches_qiskit_on_random_states():
    rng = np.random.default_rng(3)
    m = random_model(5, 25, rng)
    sv = Statevector(m.circuit(bound=True))
    for cut in ([0], [1, 3], [0, 2, 4]):
        traced = [q for q in range(5) if q not in cut]
        assert m.entanglement_entropy(cut) == pytest.approx(entropy(partial_trace(sv, traced), base=2), abs=1e-9)


@pytest.mark.parametrize(("cut", "match"), [([], "no qubit"), ([0, 1, 2], "all 3"), ([3], "out of range"), ("0", "integers")])
def test_bad_cut_keeps_cut(cut, match):
    m = CircuitModel(3).set_cut([1])
    with pytest.raises(ValueError, match=match):
        m.set_cut(cut)
    assert m.cut == (1,)
    with pytest.raises(ValueError, match="at least 2 qubits"):
        CircuitModel(1).set_cut([0])


def test_bloch_vectors_match_qiskit_reduced_states():
    rng = np.random.default_rng(11)
    m = random_model(3, 10, rng)
    sv = Statevector(m.circuit(bound=True))
    paulis = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1, -1])]
    for q, vec in enumerate(m.bloch_vectors()):
        rho = partial_trace(sv, [j for j in range(3) if j != q]).data
        np.testing.assert_allclose(vec, [np.trace(rho @ p).real for p in paulis], atol=1e-12)
    np.testing.assert_allclose(CircuitModel(1).add("h", 0).bloch_vectors(), [[1, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(CircuitModel(1).add("rx", -math.pi / 2, 0).bloch_vectors(), [[0, 1, 0]], atol=1e-12)


# ------------------------------------------------------------------ export
def _exec(code: str) -> dict:
    ns: dict = {}
    exec(compile(code, "<to_code>", "exec"), ns)  # noqa: S102 - testing generated code
    return ns


def test_to_code_rebuilds_an_equivalent_circuit():
    rng = np.random.default_rng(5)
    for n in (1, 3, 5):
        m = random_model(n, 20, rng)
        ns = _exec(m.to_code())
        assert ns["qc"].num_qubits == n
        assert sorted(p.name for p in ns["qc"].parameters) == sorted(m.parameters)
        target = Operator(m.circuit(bound=True))
        if m.parameters:
            assert Operator(ns["bound"]) == target
        else:
            assert Operator(ns["qc"]) == target
        assert Operator(_exec(m.to_code(bind=True))["qc"]) == target


def test_to_code_is_readable():
    m = CircuitModel(2).add("h", 0).add("rx", "theta", 1).add("rz", -3 * math.pi / 4, 0).add("cx", 0, 1)
    m.set_parameter("theta", 0.25)
    code = m.to_code()
    assert code.splitlines() == [
        "from math import pi",
        "from qiskit import QuantumCircuit",
        "from qiskit.circuit import Parameter",
        "",
        "theta = Parameter('theta')",
        "",
        "qc = QuantumCircuit(2)",
        "qc.h(0)",
        "qc.rx(theta, 1)",
        "qc.rz(-3*pi/4, 0)",
        "qc.cx(0, 1)",
        "",
        "# current slider values",
        "values = {theta: 0.25}",
        "bound = qc.assign_parameters(values)",
    ]


def test_to_code_parameter_vectors_and_name_clashes():
    ra = real_amplitudes(2, reps=1)
    m = CircuitModel(2).load(ra, {p: 0.1 * i for i, p in enumerate(ra.parameters)})
    code = m.to_code()
    assert "θ = ParameterVector('θ', 4)" in code and "qc.ry(θ[2], 0)" in code
    assert Operator(_exec(code)["bound"]) == Operator(m.circuit(bound=True))
    # a plain 'θ' next to 'θ[0]', and a reserved name: a params dict keeps the code valid
    m.add("rz", "θ", 1).add("rx", "qc", 0).set_parameter("θ", 0.4).set_parameter("qc", -0.2)
    code = m.to_code()
    assert "params = {name: Parameter(name)" in code
    assert Operator(_exec(code)["bound"]) == Operator(m.circuit(bound=True))


def test_circuit_is_a_fresh_copy_each_time():
    m = CircuitModel(1).add("rx", "t", 0)
    qc = m.circuit()
    qc.x(0)
    assert len(m.circuit().data) == 1
    assert m.circuit().parameters[0] == m.circuit().parameters[0]  # same Parameter (uuid), not a new one


def test_diagram_marks_the_step():
    m = CircuitModel(2).add("h", 0).add("cx", 0, 1).add("rx", "theta", 1)
    assert "step" not in m.diagram() and "Rx(theta)" in m.diagram()
    text = m.set_step(1).diagram()
    assert "step 1" in text and "░" in text


def test_format_angle():
    assert format_angle(math.pi) == "pi"
    assert format_angle(-math.pi / 2) == "-pi/2"
    assert format_angle(2 * math.pi / 3) == "2*pi/3"
    assert format_angle(0.0) == "0.0"
    assert format_angle(0.1) == "0.1"
    assert format_angle(1e-13) == "1e-13"


# ------------------------------------------------------------------ measurement
def test_measure_is_seeded_and_consistent():
    a = CircuitModel(2, seed=7).add("h", 0).add("cx", 0, 1)
    b = CircuitModel(2, seed=7).add("h", 0).add("cx", 0, 1)
    first = a.measure(2000)
    assert first == b.measure(2000)
    assert set(first) <= {"00", "11"} and sum(first.values()) == 2000
    assert abs(first["00"] / 2000 - 0.5) < 0.05
    assert a.measure(2000) != first  # the sequence moves on


def test_measure_uses_the_shown_step():
    m = CircuitModel(1).add("x", 0).set_step(0)
    assert m.measure(50) == {"0": 50}


@pytest.mark.parametrize("shots", [0, -5, 1.5, 10**7, True])
def test_bad_shots(shots):
    with pytest.raises(ValueError, match="shots"):
        CircuitModel(1).measure(shots)


def test_repr_is_short_and_stable():
    assert repr(CircuitModel(1)) == "CircuitModel(1 qubit, 0 gates)"
    assert repr(CircuitModel(3).add("h", 0)) == "CircuitModel(3 qubits, 1 gate)"


def test_module_docstring_examples_run():
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module("qmlwidgets.circuit_model"))
    assert result.attempted > 0 and result.failed == 0
