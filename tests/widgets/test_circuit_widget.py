"""Headless tests of CircuitExplorer: drive every control, assert on state and figures."""
from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.circuit.library import real_amplitudes
from qiskit.quantum_info import Operator, Statevector

from qmlwidgets.widgets.circuit import CircuitExplorer


def probs(w: CircuitExplorer) -> np.ndarray:
    return np.asarray(w.prob_fig.data[0].y, dtype=float)


def palette_add(w: CircuitExplorer, gate: str, *, target=None, target2=None, control=None, control2=None,
                angle=None, parameter=None) -> None:
    """Use the palette like a learner: set the dropdowns, then click Add."""
    w.gate_dropdown.value = gate
    for box, value in ((w.target_dropdown, target), (w.target2_dropdown, target2),
                       (w.control_dropdown, control), (w.control2_dropdown, control2)):
        if value is not None:
            box.value = value
    if angle is not None:
        w.angle_box.value = angle
    w.parameter_text.value = parameter or ""
    w.add_button.click()


def state_of(w: CircuitExplorer) -> tuple:
    return (w.num_qubits, w.gates, w.parameter_values, w.step, w.cut, tuple(probs(w).round(12)), w.diagram.value)


def is_error(w: CircuitExplorer) -> bool:
    return "⚠" in w.message.value


# ------------------------------------------------------------------ palette
def test_palette_builds_a_bell_state():
    w = CircuitExplorer(num_qubits=2)
    np.testing.assert_allclose(probs(w), [1, 0, 0, 0])
    palette_add(w, "h", target=0)
    palette_add(w, "cx", control=0, target=1)
    assert repr(w) == "CircuitExplorer(2 qubits, 2 gates)"
    np.testing.assert_allclose(probs(w), [0.5, 0, 0, 0.5], atol=1e-12)
    assert list(w.prob_fig.data[0].x) == ["00", "01", "10", "11"]
    assert "Qiskit order" in w.prob_fig.layout.xaxis.title.text
    assert "┤ H ├" in w.diagram.value and "┤ X ├" in w.diagram.value
    assert w.message.value == "added cx(0, 1)"
    assert "1.000" in w.entropy_html.value


@pytest.mark.parametrize(
    ("gate", "kwargs", "call"),
    [
        ("x", dict(target=2), "x(2)"),
        ("y", dict(target=1), "y(1)"),
        ("z", dict(target=0), "z(0)"),
        ("s", dict(target=0), "s(0)"),
        ("t", dict(target=1), "t(1)"),
        ("rx", dict(target=0, angle=0.5), "rx(0.5, 0)"),
        ("ry", dict(target=1, angle=-1.25), "ry(-1.25, 1)"),
        ("rz", dict(target=2, angle=2.0), "rz(2.0, 2)"),
        ("cz", dict(control=2, target=0), "cz(2, 0)"),
        ("swap", dict(target=0, target2=2), "swap(0, 2)"),
        ("ccx", dict(control=0, control2=2, target=1), "ccx(0, 2, 1)"),
    ],
)
def test_palette_every_gate(gate, kwargs, call):
    w = CircuitExplorer(num_qubits=3)
    palette_add(w, "h", target=0)
    palette_add(w, "h", target=2)
    palette_add(w, gate, **kwargs)
    assert w.gates[-1].call() == call
    np.testing.assert_allclose(probs(w), Statevector(w.bound_circuit).probabilities(), atol=1e-12)
    assert not is_error(w)


def test_palette_shows_only_the_fields_a_gate_needs():
    w = CircuitExplorer(num_qubits=3)
    shown = lambda box: box.layout.display != "none"  # noqa: E731
    w.gate_dropdown.value = "h"
    assert not shown(w.control_dropdown) and not shown(w.angle_box) and not shown(w.target2_dropdown)
    w.gate_dropdown.value = "ccx"
    assert shown(w.control_dropdown) and shown(w.control2_dropdown) and not shown(w.angle_box)
    w.gate_dropdown.value = "rz"
    assert shown(w.angle_box) and shown(w.parameter_text) and not shown(w.control_dropdown)
    w.gate_dropdown.value = "swap"
    assert shown(w.target2_dropdown) and w.target_dropdown.description == "qubit 1"
    assert shown(w.target_dropdown) and shown(w.gate_dropdown) and shown(w.add_button)


def test_palette_defaults_make_a_valid_two_qubit_gate():
    w = CircuitExplorer(num_qubits=2)
    w.gate_dropdown.value = "cx"
    w.add_button.click()
    assert w.gates[-1].call() == "cx(0, 1)"


# ------------------------------------------------------------------ bad input via controls
@pytest.mark.parametrize(
    ("gate", "kwargs", "match"),
    [
        ("cx", dict(control=1, target=1), "control and target must be different"),
        ("ccx", dict(control=0, control2=0, target=1), "different"),
        ("swap", dict(target=1, target2=1), "different"),
        ("rx", dict(target=0, angle=float("nan")), "finite"),
        ("ry", dict(target=0, angle=0.1, parameter="two words"), "parameter name"),
    ],
)
def test_palette_bad_input_shows_message_and_keeps_state(gate, kwargs, match):
    w = CircuitExplorer(num_qubits=2)
    palette_add(w, "h", target=0)
    before = state_of(w)
    palette_add(w, gate, **kwargs)  # no exception escapes a button callback
    assert is_error(w) and match in w.message.value
    assert state_of(w) == before


def test_qubits_dropdown_changes_size_and_refuses_to_drop_used_qubits():
    w = CircuitExplorer(num_qubits=2)
    w.qubits_dropdown.value = 3
    assert w.num_qubits == 3 and len(w.prob_fig.data[0].y) == 8 and len(w.amp_fig.data[0].x) == 8
    assert [v for _, v in w.target_dropdown.options] == [0, 1, 2]
    palette_add(w, "x", target=2)
    before = state_of(w)
    w.qubits_dropdown.value = 2
    assert is_error(w) and "uses qubit 2" in w.message.value
    assert w.qubits_dropdown.value == 3 and state_of(w) == before
    w.undo_button.click()  # undo the X ...
    w.undo_button.click()  # ... and the size change
    assert w.num_qubits == 2 and w.qubits_dropdown.value == 2


# ------------------------------------------------------------------ undo / redo / clear buttons
def test_undo_redo_clear_buttons():
    w = CircuitExplorer(num_qubits=2)
    assert w.undo_button.disabled and w.redo_button.disabled and w.clear_button.disabled
    palette_add(w, "h", target=0)
    palette_add(w, "cx", control=0, target=1)
    bell = probs(w).copy()
    w.undo_button.click()
    np.testing.assert_allclose(probs(w), [0.5, 0.5, 0, 0], atol=1e-12)
    assert not w.redo_button.disabled and "┤ X ├" not in w.diagram.value
    w.redo_button.click()
    np.testing.assert_allclose(probs(w), bell)
    w.clear_button.click()
    assert w.gates == () and w.clear_button.disabled
    np.testing.assert_allclose(probs(w), [1, 0, 0, 0])
    w.undo_button.click()
    np.testing.assert_allclose(probs(w), bell)


def test_undo_with_nothing_to_undo():
    w = CircuitExplorer(num_qubits=1)
    with pytest.raises(ValueError, match="nothing to undo"):
        w.undo()
    assert is_error(w)
    with pytest.raises(ValueError, match="nothing to redo"):
        w.redo()


# ------------------------------------------------------------------ step slider
def test_step_slider_replays_each_gate():
    w = CircuitExplorer(num_qubits=2).add("x", 0).add("h", 1).add("cx", 1, 0)
    assert w.step_slider.max == 3 and w.step_slider.value == 3
    expected = {0: [1, 0, 0, 0], 1: [0, 1, 0, 0], 2: [0, 0.5, 0, 0.5], 3: [0, 0.5, 0.5, 0]}
    for k, p in expected.items():
        w.step_slider.value = k
        assert w.step == k
        np.testing.assert_allclose(probs(w), p, atol=1e-12)
    w.step_slider.value = 1
    assert "step 1 of 3: after x(0)" in w.step_label.value
    assert "step 1" in w.diagram.value and "░" in w.diagram.value
    w.step_slider.value = 0
    assert "initial state |00⟩" in w.step_label.value
    w.add("z", 0)  # an edit jumps back to the end
    assert w.step_slider.max == 4 and w.step_slider.value == 4 and "░" not in w.diagram.value


def test_set_step_out_of_range():
    w = CircuitExplorer(num_qubits=1).add("x", 0)
    before = state_of(w)
    with pytest.raises(ValueError, match="step must be from 0 to 1"):
        w.set_step(2)
    assert is_error(w) and state_of(w) == before


# ------------------------------------------------------------------ parameter sliders
def test_parameter_slider_created_moved_and_removed():
    w = CircuitExplorer(num_qubits=1)
    palette_add(w, "ry", target=0, angle=0.0, parameter="theta")
    slider = w.parameter_sliders["theta"]
    assert w.parameter_box.children == (slider,) and slider.value == 0.0
    slider.value = math.pi / 2
    assert w.parameter_values == {"theta": math.pi / 2}
    np.testing.assert_allclose(probs(w), [0.5, 0.5], atol=1e-12)
    w.set_parameter("theta", math.pi)
    assert slider.value == pytest.approx(math.pi)
    np.testing.assert_allclose(probs(w), [0, 1], atol=1e-12)
    assert w.bloch_html.value.count("-1.000") == 1  # z = -1 for |1>
    w.undo_button.click()
    assert w.parameter_box.children == () and w.parameter_sliders == {}
    w.redo_button.click()
    assert w.parameter_sliders["theta"].value == pytest.approx(math.pi)  # value remembered


def test_parameter_shared_by_two_gates_and_slider_range_grows():
    w = CircuitExplorer(num_qubits=2).add("rx", "a", 0).add("rx", "a", 1).add("rz", "b", 0)
    assert list(w.parameter_sliders) == ["a", "b"]
    w.set_parameter("a", 5.0)
    assert w.parameter_sliders["a"].max >= 5.0 and w.parameter_sliders["a"].value == 5.0
    np.testing.assert_allclose(probs(w), Statevector(w.bound_circuit).probabilities(), atol=1e-12)


def test_bad_parameter_via_api():
    w = CircuitExplorer(num_qubits=1).add("rx", "a", 0)
    before = state_of(w)
    with pytest.raises(ValueError, match="unknown parameter 'b'"):
        w.set_parameter("b", 1.0)
    with pytest.raises(ValueError, match="finite"):
        w.set_parameter("a", float("nan"))
    assert is_error(w) and state_of(w) == before


# ------------------------------------------------------------------ cut selector
def test_cut_selector_entropy():
    w = CircuitExplorer(num_qubits=3).add("h", 0).add("cx", 0, 1)  # Bell on q0,q1; q2 alone
    assert w.cut_select.value == (0,) and "S(q0 | q1 q2) = <b>1.000</b>" in w.entropy_html.value
    w.cut_select.value = (2,)
    assert w.cut == (2,) and "S(q2 | q0 q1) = <b>0.000</b>" in w.entropy_html.value
    w.cut_select.value = (0, 1)
    assert "<b>0.000</b>" in w.entropy_html.value
    w.cut_select.value = (1, 2)
    assert "<b>1.000</b>" in w.entropy_html.value and "max 1" in w.entropy_html.value


@pytest.mark.parametrize("bad", [(), (0, 1, 2)])
def test_cut_selector_bad_choice_reverts(bad):
    w = CircuitExplorer(num_qubits=3).set_cut([1])
    w.cut_select.value = bad
    assert is_error(w) and "each side" in w.message.value
    assert w.cut == (1,) and w.cut_select.value == (1,)


def test_set_cut_api_errors_and_one_qubit():
    w = CircuitExplorer(num_qubits=2)
    with pytest.raises(ValueError, match="out of range"):
        w.set_cut([4])
    assert w.cut == (0,)
    one = CircuitExplorer(num_qubits=1)
    assert one.cut_select.disabled and "at least 2 qubits" in one.entropy_html.value


# ------------------------------------------------------------------ measure
def test_measure_button_histogram_beside_exact_bars():
    w = CircuitExplorer(num_qubits=2, seed=5).add("h", 0).add("cx", 0, 1)
    w.shots_box.value = 4000
    w.measure_button.click()
    measured = w.prob_fig.data[1]
    assert measured.visible is True and w.prob_fig.layout.barmode == "group"
    assert sum(w.counts.values()) == 4000 and set(w.counts) <= {"00", "11"}
    np.testing.assert_allclose(measured.y, [w.counts.get(b, 0) / 4000 for b in ["00", "01", "10", "11"]])
    assert abs(measured.y[0] - 0.5) < 0.04 and measured.name == "measured (4000 shots)"
    w.set_step(0)  # a new state: the old histogram goes away
    assert w.counts is None and w.prob_fig.data[1].visible is False


def test_measure_is_reproducible_with_the_seed():
    a = CircuitExplorer(num_qubits=2, seed=9).add("h", 0).add("h", 1)
    b = CircuitExplorer(num_qubits=2, seed=9).add("h", 0).add("h", 1)
    assert a.measure(300) == b.measure(300)
    c = CircuitExplorer(num_qubits=2, seed=10).add("h", 0).add("h", 1)
    assert c.measure(300) != CircuitExplorer(num_qubits=2, seed=9).add("h", 0).add("h", 1).measure(300)


def test_measure_bad_shots():
    w = CircuitExplorer(num_qubits=1)
    with pytest.raises(ValueError, match="shots"):
        w.measure(0)
    assert is_error(w) and w.counts is None


# ------------------------------------------------------------------ API errors keep state
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda w: w.add("cx", 1, 1), "control and target must be different"),
        (lambda w: w.add_gate("cx", targets=0, controls=0), "control and target must be different"),
        (lambda w: w.add("h", 7), "out of range"),
        (lambda w: w.add("rx", float("nan"), 0), "finite"),
        (lambda w: w.add_gate("ry", 0, angle=float("nan")), "finite"),
        (lambda w: w.add("cu", 0, 1), "unsupported gate"),
        (lambda w: w.set_num_qubits(6), "from 1 to 5"),
        (lambda w: w.load(QuantumCircuit(6)), "6 qubits"),
        (lambda w: w.load(_with_u()), "unsupported gate 'u'"),
    ],
)
def test_api_bad_input_raises_shows_message_keeps_state(call, match):
    w = CircuitExplorer(num_qubits=2).add("h", 0).add("rx", "t", 1).set_parameter("t", 0.4)
    before = state_of(w)
    with pytest.raises(ValueError, match=match):
        call(w)
    assert is_error(w) and match.split("'")[0] in w.message.value.replace("&#x27;", "'")
    assert state_of(w) == before and repr(w) == "CircuitExplorer(2 qubits, 2 gates)"


def _with_u() -> QuantumCircuit:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.u(0.1, 0.2, 0.3, 1)
    return qc


def test_constructor_rejects_bad_circuits():
    with pytest.raises(ValueError, match="6 qubits"):
        CircuitExplorer(QuantumCircuit(6))
    with pytest.raises(ValueError, match="unsupported gate 'u'"):
        CircuitExplorer(_with_u())
    with pytest.raises(ValueError, match="num_qubits"):
        CircuitExplorer(num_qubits=0)


# ------------------------------------------------------------------ start from a circuit, export
def test_start_from_a_parameterised_circuit():
    ra = real_amplitudes(3, reps=1)
    values = {p: 0.3 * (i + 1) for i, p in enumerate(ra.parameters)}
    w = CircuitExplorer(ra, parameter_values=values)
    assert repr(w) == "CircuitExplorer(3 qubits, 8 gates)"
    assert w.undo_button.disabled  # the starting circuit is not an edit
    assert list(w.parameter_sliders) == [p.name for p in ra.parameters]
    expected = Statevector(ra.assign_parameters(values)).probabilities()
    np.testing.assert_allclose(probs(w), expected, atol=1e-12)
    # the learner's Parameter objects bind the exported circuit
    assert Operator(w.circuit.assign_parameters(values)) == Operator(ra.assign_parameters(values))


def test_exports_and_to_code_roundtrip():
    w = CircuitExplorer(num_qubits=3).add("h", 0).add("rx", "theta", 1).add("ccx", 0, 1, 2).add("rz", math.pi / 4, 2)
    w.set_parameter("theta", 0.9)
    assert [p.name for p in w.circuit.parameters] == ["theta"]
    assert w.bound_circuit.parameters == set() or len(w.bound_circuit.parameters) == 0
    assert w.parameter_values == {"theta": 0.9}
    ns: dict = {}
    exec(w.to_code(), ns)  # noqa: S102 - testing generated code
    assert Operator(ns["bound"]) == Operator(w.bound_circuit)
    assert Operator(ns["qc"].assign_parameters({ns["theta"]: 0.9})) == Operator(w.bound_circuit)
    ns_bound: dict = {}
    exec(w.to_code(bind=True), ns_bound)  # noqa: S102
    assert Operator(ns_bound["qc"]) == Operator(w.bound_circuit)


def test_load_replaces_and_is_undoable():
    w = CircuitExplorer(num_qubits=2).add("x", 0)
    qc = QuantumCircuit(3)
    qc.h(2)
    qc.rz(Parameter("phi"), 2)
    w.load(qc)
    assert w.num_qubits == 3 and list(w.parameter_sliders) == ["phi"] and len(w.prob_fig.data[0].x) == 8
    w.undo()
    assert w.num_qubits == 2 and w.gates[0].call() == "x(0)"
    np.testing.assert_allclose(probs(w), [0, 1, 0, 0])


def test_amplitude_figure_height_and_phase():
    w = CircuitExplorer(num_qubits=1).add("h", 0).add("s", 0)  # (|0> + i|1>)/sqrt2
    amp = w.amp_fig.data[0]
    np.testing.assert_allclose(amp.y, [2**-0.5, 2**-0.5])
    np.testing.assert_allclose(np.asarray(amp.customdata)[:, 2], [0, math.pi / 2], atol=1e-6)  # phases
    scale = w.amp_fig.data[1].marker
    assert scale.cmin == pytest.approx(-math.pi) and scale.cmax == pytest.approx(math.pi)
    assert all(isinstance(c, str) and c.startswith("rgb") for c in amp.marker.color)  # strings, not numbers
    assert amp.marker.color[0] != amp.marker.color[1]


def test_bloch_table_rows():
    w = CircuitExplorer(num_qubits=2).add("h", 0).add("x", 1)
    html = w.bloch_html.value
    assert "<td>q0</td><td>1.000</td><td>0.000</td><td>0.000</td><td>1.000</td>" in html
    assert "<td>q1</td><td>0.000</td><td>0.000</td><td>-1.000</td><td>1.000</td>" in html
    w.add("cx", 0, 1)  # entangled: both vectors shrink to the centre
    assert html != w.bloch_html.value and w.bloch_html.value.count("<td>0.000</td>") >= 8


def test_repr_short_and_stable():
    assert repr(CircuitExplorer(num_qubits=1)) == "CircuitExplorer(1 qubit, 0 gates)"
    w = CircuitExplorer(num_qubits=5).add("h", 4)
    assert repr(w) == "CircuitExplorer(5 qubits, 1 gate)"


def test_module_docstring_examples_run():
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module("qmlwidgets.widgets.circuit"))
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------ issue 16/17
def test_palette_defaults_make_a_bell_state():
    w = CircuitExplorer(num_qubits=2)
    w.add_button.click()  # default gate H: on q0
    w.gate_dropdown.value = "cx"  # control q0 -> target q1 without touching the dropdowns
    w.add_button.click()
    assert np.allclose(probs(w), [0.5, 0, 0, 0.5])
    assert [g.call() for g in w.gates] == ["h(0)", "cx(0, 1)"]


def test_absurd_angle_is_refused_and_later_actions_still_work():
    w = CircuitExplorer(num_qubits=2)
    palette_add(w, "rx", target=0, angle=1e308)
    assert "too large" in w.message.value and w.gates == ()
    w.add("h", 0)
    assert w.step_label.value.startswith("step 1 of 1") and len(w.gates) == 1
    with pytest.raises(ValueError):
        w.add("rx", float("inf"), 0)


def test_any_error_in_a_callback_restores_the_model(monkeypatch):
    w = CircuitExplorer(num_qubits=2)
    w.add("h", 0)
    original = w.model._changed

    def half_done(*a, **k):
        original(*a, **k)
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(w.model, "_changed", half_done)
    palette_add(w, "x", target=1)
    assert "RuntimeError: simulated failure" in w.message.value
    monkeypatch.undo()
    assert [g.call() for g in w.gates] == ["h(0)"]
    assert np.allclose(probs(w), [0.5, 0.5, 0, 0])


def test_bloch_table_has_padding_and_angle_box_fits_its_value():
    w = CircuitExplorer(num_qubits=2)
    assert "padding" in w.bloch_html.value
    assert int(w.angle_box.layout.width.rstrip("px")) >= 180 and "rad" in w.angle_box.description


def test_phase_colours_are_colour_blind_safe_and_labelled():
    w = CircuitExplorer(num_qubits=1)
    w.add("h", 0).add("s", 0)
    bar, scale = w.amp_fig.data
    assert scale.marker.colorscale != scale.marker.__class__(colorscale="Phase").colorscale
    assert "colour-blind" in scale.marker.colorbar.title.text
    assert list(bar.text) == ["0", "π/2"]  # the sign of ±π/2 is in the text, not only in the colour
