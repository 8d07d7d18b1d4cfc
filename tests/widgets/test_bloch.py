"""Headless tests of the Bloch-sphere explorer: drive sliders/buttons, assert on figure data and state."""
from __future__ import annotations

import asyncio

import ipywidgets as W
import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.circuit.library import HGate, RXGate, RYGate, RZGate, SdgGate, SGate, TdgGate, TGate, XGate, YGate, \
    ZGate
from qiskit.quantum_info import DensityMatrix, Kraus, Statevector, partial_trace, random_statevector

from qmlwidgets import states as S
from qmlwidgets.widgets._figure import figures_in
from qmlwidgets.widgets.bloch import BlochExplorer, parse_state_text

GATES = {"x": XGate(), "y": YGate(), "z": ZGate(), "h": HGate(), "s": SGate(), "sdg": SdgGate(), "t": TGate(),
         "tdg": TdgGate()}
ROTATIONS = {"rx": RXGate, "ry": RYGate, "rz": RZGate}


def xyz(trace) -> np.ndarray:
    """(m, 3) points of a Scatter3d / Cone trace."""
    if trace.x is None or len(trace.x) == 0:
        return np.zeros((0, 3))
    return np.column_stack([np.asarray(trace.x, float), np.asarray(trace.y, float), np.asarray(trace.z, float)])


def trace(w: BlochExplorer, kind: str, q: int = 0):
    return w.figure.data[w.trace_index(q, kind)]


def arrow_tip(w: BlochExplorer, q: int = 0) -> np.ndarray:
    return xyz(trace(w, "arrow", q))[-1]


def assert_figure_shows_state(w: BlochExplorer) -> None:
    """Arrow shafts and cone heads sit exactly at the reduced Bloch vectors."""
    for q, r in enumerate(S.bloch_vectors(w.state)):
        shaft = xyz(trace(w, "arrow", q))
        assert np.allclose(shaft, [[0, 0, 0], r], atol=1e-12)
        head = trace(w, "head", q)  # a cone mesh: vertex 0 is the tip, the last one the base centre
        tip, base = xyz(head)[0], xyz(head)[-1]
        assert np.allclose(tip, r, atol=1e-12)
        if np.linalg.norm(r) > 0.05:
            direction = tip - base
            assert np.allclose(direction / np.linalg.norm(direction), r / np.linalg.norm(r))
            assert np.ptp(xyz(head), axis=0).max() > 0.05  # a visible head
        else:
            assert np.ptp(xyz(head), axis=0).max() == 0  # no head on a (near) zero vector


@pytest.fixture
def w():
    return BlochExplorer()


# --------------------------------------------------------------------------- construction and read-back
def test_default_is_zero_state(w):
    assert isinstance(w, W.VBox)
    assert w.state == Statevector([1, 0])
    assert np.allclose(w.bloch_vectors, [[0, 0, 1]])
    assert_figure_shows_state(w)
    assert len(xyz(trace(w, "trail"))) == 0 and len(xyz(trace(w, "arc"))) == 0
    assert len(w.figure.data) == 7
    labels = [t.text for t in w.figure.data if t.name == "labels q0"][0]
    assert labels == ("|0⟩", "|1⟩", "|+⟩", "|−⟩", "|+i⟩", "|−i⟩")
    assert w.circuit.num_qubits == 1 and w.circuit.size() == 0
    assert w._qubit_row.layout.display == "none"  # no qubit dropdown for a single qubit
    assert "pure state" in w.readout.value and "1.000" in w.readout.value
    assert np.allclose(w.histogram.data[0].y, [1, 0]) and w.histogram.data[1].visible is False
    assert w.message.value == ""


def test_repr_is_short_and_stable():
    w = BlochExplorer()
    assert repr(w) == "BlochExplorer(1 qubit, 0 gates applied)"
    assert w._repr_mimebundle_()["text/plain"] == repr(w)
    w.apply("h")
    assert repr(w) == "BlochExplorer(1 qubit, 1 gate applied)"
    w.apply("s")
    w.apply_channel("dephasing", 0.1)
    assert repr(w) == "BlochExplorer(1 qubit, 2 gates + 1 channel applied)"
    assert repr(BlochExplorer(QuantumCircuit(3))) == "BlochExplorer(3 qubits, 0 gates applied)"


@pytest.mark.parametrize("state, expected", [
    ([0, 1], [[0, 0, -1]]),
    (np.array([1, 1j]) / np.sqrt(2), [[0, 1, 0]]),
    (Statevector.from_label("-"), [[-1, 0, 0]]),
    (DensityMatrix(np.eye(2) / 2), [[0, 0, 0]]),
    (np.diag([0.75, 0.25]), [[0, 0, 0.5]]),
])
def test_constructor_inputs(state, expected):
    w = BlochExplorer(state)
    assert np.allclose(w.bloch_vectors, expected)
    assert_figure_shows_state(w)


def test_circuit_input_gives_one_sphere_per_qubit_with_reduced_vectors():
    qc = QuantumCircuit(3)
    qc.ry(0.8, 0)
    qc.cx(0, 1)
    qc.h(2)
    w = BlochExplorer(qc)
    psi = Statevector(qc)
    assert w.state == psi
    assert len(w.figure.data) == 3 * 7
    assert w.figure.layout.scene3.domain.x is not None
    for q in range(3):
        rho = partial_trace(psi, [p for p in range(3) if p != q])
        assert np.allclose(w.bloch_vectors[q], S.bloch_vector(rho))
    assert np.isclose(np.linalg.norm(w.bloch_vectors[0]), np.cos(0.8))  # entangled: shorter than 1
    assert np.isclose(np.linalg.norm(w.bloch_vectors[2]), 1.0)
    assert_figure_shows_state(w)
    assert w._qubit_row.layout.display is None
    assert [o[1] for o in w.qubit_dropdown.options] == [0, 1, 2]
    purity_q0 = (1 + np.cos(0.8) ** 2) / 2
    assert f"{purity_q0:.3f}" in w.readout.value and "entangled" in w.readout.value


def test_bell_state_has_zero_vectors_and_maximal_entropy():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    w = BlochExplorer(qc)
    assert np.allclose(w.bloch_vectors, 0)
    assert_figure_shows_state(w)  # no arrow heads
    assert w.readout.value.count("<td>0.500</td><td>1.000</td>") == 2  # purity 1/2, entropy 1 bit per qubit
    assert w.theta_slider.disabled and w.phi_slider.disabled  # no direction to drag
    with pytest.raises(ValueError, match="length 0"):
        w.set_angles(1.0, 0.0)


def test_five_qubits_ok_six_rejected():
    qc = QuantumCircuit(5)
    qc.h(0)
    for k in range(1, 5):
        qc.cx(0, k)
    w = BlochExplorer(qc)
    assert w.bloch_vectors.shape == (5, 3)
    assert len(w.figure.data) == 35
    assert len(w.histogram.data[0].y) == 32
    with pytest.raises(ValueError, match="6 qubits; at most 5"):
        BlochExplorer(QuantumCircuit(6))


# --------------------------------------------------------------------------- sliders
def test_theta_phi_sliders_move_the_arrow(w):
    w.theta_slider.value = np.pi / 2
    assert np.allclose(w.bloch_vectors, [[1, 0, 0]])
    w.phi_slider.value = np.pi / 2
    assert np.allclose(w.bloch_vectors, [[0, 1, 0]])
    assert w.state.equiv(Statevector(S.state_from_angles(np.pi / 2, np.pi / 2)))
    assert_figure_shows_state(w)
    assert np.isclose(w.theta_slider.value, np.pi / 2) and np.isclose(w.phi_slider.value, np.pi / 2)
    # a drag is one undo step, recorded as one rotation in the circuit
    assert w.circuit.count_ops() == {"rv": 1}
    assert w.start_state.evolve(w.circuit) == w.state
    assert w.undo() is True
    assert w.state == Statevector([1, 0]) and not w.can_undo
    assert np.isclose(w.theta_slider.value, 0.0)


def test_slider_keeps_length_of_mixed_and_entangled_qubits():
    w = BlochExplorer(np.diag([0.8, 0.2]))
    w.theta_slider.value = np.pi
    assert np.allclose(w.bloch_vectors, [[0, 0, -0.6]])
    qc = QuantumCircuit(2)
    qc.ry(0.8, 0)
    qc.cx(0, 1)
    w2 = BlochExplorer(qc)
    w2.qubit_dropdown.value = 1
    before = w2.bloch_vectors.copy()
    w2.theta_slider.value = np.pi / 2
    after = w2.bloch_vectors
    assert np.allclose(np.linalg.norm(after, axis=1), np.linalg.norm(before, axis=1))
    assert np.isclose(after[1, 2], 0) and np.allclose(after[0], before[0])
    assert np.isclose(S.entanglement_entropy(w2.state, [0]), S.entanglement_entropy(Statevector(qc), [0]))


def test_api_set_angles_syncs_sliders(w):
    w.set_angles(2.0, 4.0)
    assert np.isclose(w.theta_slider.value, 2.0) and np.isclose(w.phi_slider.value, 4.0)
    assert np.allclose(arrow_tip(w), [np.sin(2) * np.cos(4), np.sin(2) * np.sin(4), np.cos(2)])
    with pytest.raises(ValueError, match="theta=nan is not finite"):
        w.set_angles(float("nan"), 0)


# --------------------------------------------------------------------------- gate buttons
@pytest.mark.parametrize("name", sorted(GATES))
def test_gate_buttons_match_qiskit_evolution(name):
    start = random_statevector(2, seed=3)
    w = BlochExplorer(start)
    r0 = w.bloch_vectors[0].copy()
    w.gate_buttons[name].click()
    expected = start.evolve(GATES[name])
    assert w.state == expected  # exact, global phase included
    assert_figure_shows_state(w)
    arc = xyz(trace(w, "arc"))
    assert len(arc) >= 2
    assert np.allclose(arc[0], r0) and np.allclose(arc[-1], S.bloch_vector(expected))
    assert np.allclose(np.linalg.norm(arc, axis=1), 1)  # the arc stays on the sphere
    assert np.allclose(xyz(trace(w, "trail")), arc)
    assert w.circuit.count_ops() == {name: 1}
    assert w.message.value == ""


@pytest.mark.parametrize("name", sorted(ROTATIONS))
def test_rotation_buttons_use_the_angle_slider(name):
    w = BlochExplorer(Statevector.from_label("+"))
    w.angle_slider.value = 3 * np.pi / 4
    w.gate_buttons[name].click()
    angle = w.angle_slider.value
    assert w.state == Statevector.from_label("+").evolve(ROTATIONS[name](angle))
    assert w.circuit.data[0].operation.params[0] == pytest.approx(angle)
    arc = xyz(trace(w, "arc"))
    axis = {"rx": [1, 0, 0], "ry": [0, 1, 0], "rz": [0, 0, 1]}[name]
    assert np.allclose(arc @ axis, arc[0] @ axis)  # a circle about the rotation axis


def test_trail_undo_reset(w):
    w.gate_buttons["h"].click()
    n1 = len(xyz(trace(w, "trail")))
    w.gate_buttons["s"].click()
    w.gate_buttons["t"].click()
    arcs = [S.rotation_path(r, *S.gate_axis_angle(g)) for r, g in
            [((0, 0, 1), "h"), ((1, 0, 0), "s"), ((0, 1, 0), "t")]]
    assert len(xyz(trace(w, "trail"))) == sum(len(a) for a in arcs)
    assert np.allclose(xyz(trace(w, "arc")), arcs[2])
    assert repr(w) == "BlochExplorer(1 qubit, 3 gates applied)"

    w.undo_button.click()
    assert np.allclose(w.bloch_vectors, [[0, 1, 0]])
    assert np.allclose(xyz(trace(w, "arc")), arcs[1])
    assert len(xyz(trace(w, "trail"))) == len(arcs[0]) + len(arcs[1])
    assert w.circuit.count_ops() == {"h": 1, "s": 1}

    w.reset_button.click()
    assert w.state == Statevector([1, 0]) and w.circuit.size() == 0
    assert len(xyz(trace(w, "trail"))) == 0 and len(xyz(trace(w, "arc"))) == 0
    assert_figure_shows_state(w)
    w.undo_button.click()  # reset is undoable
    assert np.allclose(w.bloch_vectors, [[0, 1, 0]]) and len(xyz(trace(w, "trail"))) == n1 + len(arcs[1])
    w.undo()
    w.undo()
    assert not w.can_undo
    w.undo_button.click()
    assert "nothing to undo" in w.message.value


def test_trail_is_bounded(w):
    for _ in range(60):
        w.apply("t")
    assert len(xyz(trace(w, "trail"))) == 40 * len(S.rotation_path([0, 0, 1], [0, 0, 1], np.pi / 4))


# --------------------------------------------------------------------------- multi-qubit gates
def test_dropdown_selects_the_qubit_for_buttons():
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.cx(0, 1)
    w = BlochExplorer(qc)
    w.qubit_dropdown.value = 2
    assert w.selected_qubit == 2
    assert "<b>qubit 2 ◀</b>" == w.figure.layout.annotations[2].text
    w.gate_buttons["h"].click()
    w.angle_slider.value = 0.5
    w.gate_buttons["ry"].click()
    expected = Statevector(qc).evolve(HGate(), [2]).evolve(RYGate(0.5), [2])
    assert w.state == expected
    assert_figure_shows_state(w)
    assert len(xyz(trace(w, "arc", 2))) > 0 and len(xyz(trace(w, "arc", 0))) == 0
    assert w.start_state.evolve(w.circuit) == w.state
    w.apply("x", qubit=0)  # the arc moves to qubit 0
    assert len(xyz(trace(w, "arc", 2))) == 0 and len(xyz(trace(w, "arc", 0))) > 0
    w.selected_qubit = 1
    assert w.qubit_dropdown.value == 1


# --------------------------------------------------------------------------- noise
def test_depolarising_shrinks_the_vector():
    w = BlochExplorer(Statevector.from_label("+"))
    w.channel_dropdown.value = "depolarizing"
    w.strength_slider.value = 0.5
    w.channel_button.click()
    assert isinstance(w.state, DensityMatrix)
    assert np.allclose(w.bloch_vectors, [[0.5, 0, 0]])
    assert_figure_shows_state(w)
    path = xyz(trace(w, "arc"))
    assert np.allclose(path[0], [1, 0, 0]) and np.allclose(path[-1], [0.5, 0, 0])
    assert "density matrix" in w.readout.value and "0.625" in w.readout.value  # purity (1 + 0.25) / 2
    assert DensityMatrix(w.start_state).evolve(w.circuit) == w.state
    w.undo()
    assert isinstance(w.state, Statevector)


@pytest.mark.parametrize("name, strength, expected", [
    ("amplitude_damping", 1.0, [0, 0, 1]),
    ("dephasing", 0.25, [0.75, 0, 0]),
    ("depolarizing", 1.0, [0, 0, 0]),
])
def test_channels_via_api(name, strength, expected):
    w = BlochExplorer(Statevector.from_label("+"))
    w.apply_channel(name, strength)
    assert np.allclose(w.bloch_vectors, [expected])
    assert_figure_shows_state(w)


def test_channel_on_one_qubit_leaves_the_others():
    qc = QuantumCircuit(2)
    qc.h([0, 1])
    w = BlochExplorer(qc)
    w.apply_channel("amplitude_damping", 0.4, qubit=1)
    ref = DensityMatrix(qc).evolve(Kraus(S.kraus_operators("amplitude_damping", 0.4)), qargs=[1])
    assert w.state == ref
    assert np.allclose(w.bloch_vectors[0], [1, 0, 0])


# --------------------------------------------------------------------------- measurement
def test_measure_button_draws_a_seeded_histogram():
    w = BlochExplorer(Statevector.from_label("+"), seed=11)
    w.shots_input.value = 500
    w.basis_buttons.value = "Z"
    w.measure_button.click()
    counts = w.last_counts
    assert sum(counts.values()) == 500 and set(counts) <= {"0", "1"}
    sampled = np.asarray(w.histogram.data[1].y)
    assert w.histogram.data[1].visible is True
    assert np.allclose(sampled, [counts.get("0", 0) / 500, counts.get("1", 0) / 500])
    assert np.allclose(w.histogram.data[0].y, [0.5, 0.5])
    assert "500 shots" in w.histogram.layout.title.text and "500 shots" in w.measurement_readout.value
    # seeded: a new widget with the same seed gives the same counts; another seed does not (here)
    assert BlochExplorer(Statevector.from_label("+"), seed=11).measure(500) == counts
    assert BlochExplorer(Statevector.from_label("+"), seed=12).measure(500) != counts
    # a state change makes the samples stale: they are hidden
    w.apply("h")
    assert w.histogram.data[1].visible is False and w.last_counts is None
    assert np.allclose(w.histogram.data[0].y, [1, 0])


def test_measure_in_x_and_y_bases():
    w = BlochExplorer(Statevector.from_label("r"))  # |+i>
    assert w.measure(200, "Y") == {"0": 200}
    assert w.basis_buttons.value == "Y"
    assert "|+i⟩" in w.histogram.layout.xaxis.title.text
    w.basis_buttons.value = "X"
    assert np.allclose(w.histogram.data[0].y, [0.5, 0.5])
    assert w.histogram.data[1].visible is False  # Y-basis samples are not shown as X
    counts = w.measure(1000, "x")
    assert abs(counts["0"] - 500) < 80
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    c2 = BlochExplorer(qc, seed=3).measure(1000)
    assert set(c2) == {"00", "11"}


# --------------------------------------------------------------------------- state entry
@pytest.mark.parametrize("text, expected", [
    ("+", Statevector.from_label("+")),
    ("|-i⟩", Statevector.from_label("l")),
    ("01", Statevector.from_label("01")),
    ("0, 1", Statevector([0, 1])),
    ("1/sqrt(2), i/sqrt(2)", Statevector.from_label("r")),
    ("[cos(pi/8), exp(1j*pi/4)*sin(pi/8)]", Statevector(S.state_from_angles(np.pi / 4, np.pi / 4))),
])
def test_state_text_box(text, expected):
    w = BlochExplorer()
    w.state_text.value = text
    assert w.message.value == ""
    assert Statevector(w.state.data).equiv(expected)
    assert w.circuit.size() == 0 and w.start_state == w.state


def test_set_state_with_another_qubit_count_rebuilds_and_undoes():
    w = BlochExplorer()
    old_fig = w.figure
    w.set_state(Statevector.from_label("0+1"))
    assert w.num_qubits == 3 and len(w.figure.data) == 21 and w.figure is not old_fig
    assert figures_in(w._sphere_box) == [w.figure] and figures_in(w._bottom_box) == [w.histogram]
    assert len(w.histogram.data[0].y) == 8 and w.readout in w._bottom_box.children
    assert_figure_shows_state(w)
    w.undo()
    assert w.num_qubits == 1 and len(w.figure.data) == 7
    assert_figure_shows_state(w)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, match", [
    (lambda w: w.apply("cx"), r"unknown gate 'cx'; expected one of"),
    (lambda w: w.apply("rx"), "needs an angle"),
    (lambda w: w.apply("x", qubit=1), "qubit=1 is not valid; expected an integer from 0 to 0"),
    (lambda w: w.apply_channel("depolarizing", 1.5), r"strength 1.5 is outside \[0, 1\]"),
    (lambda w: w.apply_channel("depolarizing", -0.1), r"outside \[0, 1\]"),
    (lambda w: w.apply_channel("bitflip", 0.1), "unknown channel"),
    (lambda w: w.set_state([1, 1]), "not normalised"),
    (lambda w: w.set_state([1, 0, 0]), "power of two"),
    (lambda w: w.set_state([np.nan, 1]), "NaN"),
    (lambda w: w.set_state(np.zeros(64)), "6 qubits; at most 5"),
    (lambda w: w.set_state(QuantumCircuit(1).compose(_parametrised())), "free parameters"),
    (lambda w: w.set_angles("up", 0), "theta='up' is not a number"),
    (lambda w: w.measure(0), "shots=0 is not valid"),
    (lambda w: w.measure(10, "W"), "basis 'W' is not valid"),
])
def test_bad_input_raises_and_keeps_the_last_good_state(call, match):
    w = BlochExplorer()
    w.apply("h")
    before = (w.state, w.circuit.size(), len(w.model.undo_stack), xyz(trace(w, "trail")).shape)
    with pytest.raises(ValueError, match=match):
        call(w)
    assert (w.state, w.circuit.size(), len(w.model.undo_stack), xyz(trace(w, "trail")).shape) == before
    assert_figure_shows_state(w)


def _parametrised() -> QuantumCircuit:
    qc = QuantumCircuit(1)
    qc.rx(Parameter("a"), 0)
    return qc


def test_constructor_rejects_bad_state():
    with pytest.raises(ValueError, match="not normalised"):
        BlochExplorer([1, 2])
    with pytest.raises(ValueError, match=r"free parameters \(a\)"):
        BlochExplorer(_parametrised())


@pytest.mark.parametrize("text, match", [
    ("1, 1", "not normalised"),
    ("0+1-10", "6 qubits; at most 5"),
    ("__import__('os')", "could not read the amplitude expression"),
    ("1, 0, 0", "power of two"),
    ("1/0, 1", "could not evaluate"),
    ("1,, 2", "could not read"),
])
def test_ui_errors_go_to_the_message_area(text, match):
    w = BlochExplorer()
    w.apply("h")
    before = w.state
    w.state_text.value = text
    assert match in w.message.value.replace("&#x27;", "'")
    assert w.state == before and w.circuit.size() == 1
    w.gate_buttons["z"].click()  # the next good action clears the message
    assert w.message.value == ""


def test_ui_slider_on_a_maximally_mixed_qubit_reports_instead_of_raising():
    w = BlochExplorer(np.eye(2) / 2)
    w.theta_slider.value = 1.0  # disabled in the browser, but set programmatically here
    assert "length 0" in w.message.value
    assert np.allclose(w.bloch_vectors, 0)


def test_parse_state_text_rejects_code():
    with pytest.raises(ValueError):
        parse_state_text("().__class__")
    with pytest.raises(ValueError, match="empty"):
        parse_state_text("  ")


def test_parse_state_text_rejects_text_that_closes_the_parentheses():
    # "1)+(2" parses as a sum, not as the tuple of amplitudes: a clear error, not an AttributeError
    with pytest.raises(ValueError, match="could not read '1\\)\\+\\(2'"):
        parse_state_text("1)+(2")


# --------------------------------------------------------------------------- animation, docs
def test_animation_runs_in_an_event_loop_and_ends_on_the_state():
    async def main():
        w = BlochExplorer()
        w.animation_delay = 0.0
        w.apply("x")
        task = w._anim_task
        assert task is not None
        await task
        return w

    w = asyncio.run(main())
    assert np.allclose(arrow_tip(w), [0, 0, -1])
    assert_figure_shows_state(w)


def test_no_animation_without_event_loop(w):
    w.apply("x")
    assert w._anim_task is None


def test_docstring_examples_run():
    import doctest

    from qmlwidgets.widgets import bloch

    result = doctest.testmod(bloch, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8 and result.failed == 0


def test_dragging_back_to_the_start_leaves_nothing_to_undo(w):
    w.apply("h")
    w.theta_slider.value = 1.0
    assert w.circuit.count_ops() == {"h": 1, "rv": 1}
    w.theta_slider.value = np.pi / 2  # back where the drag started (|+>)
    assert w.circuit.count_ops() == {"h": 1}
    assert np.allclose(w.bloch_vectors, [[1, 0, 0]])
    w.undo()
    assert w.state == Statevector([1, 0]) and not w.can_undo


# ------------------------------------------------------------------ issue 16/17: bad input, drags, view
def _in_thread(fn, timeout: float = 20.0):
    """Run fn in a daemon thread; fail (instead of hanging the suite) if it does not finish in time."""
    import threading

    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"still running after {timeout} s (hang)"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.mark.parametrize("text", ["9**9**9, 0", "-" * 3000 + "1, 0", "(" * 200 + "1" + ")" * 200 + ", 0",
                                  "2**(2**(2**(2**9))), 1", "1e308*1e308, 0", "exp(1e6), 1", "1" + "+1" * 400])
def test_hostile_state_text_is_refused_quickly_with_a_message(text):
    w = BlochExplorer()
    before = w.state.data.copy()
    _in_thread(lambda: setattr(w.state_text, "value", text))
    assert "⚠" in w.message.value
    assert np.allclose(w.state.data, before)


def test_parse_state_text_keeps_legal_expressions():
    amps = parse_state_text("cos(pi/8), exp(i*pi/4)*sin(pi/8)")
    assert np.allclose(amps, [np.cos(np.pi / 8), np.exp(1j * np.pi / 4) * np.sin(np.pi / 8)])
    assert np.allclose(parse_state_text("2**-0.5, -(2**-0.5)"), [2**-0.5, -(2**-0.5)])


def test_huge_rotation_angle_draws_an_arc_of_at_most_one_turn():
    w = BlochExplorer()
    w.apply("rx", 0, 1e4)
    arc = xyz(trace(w, "arc"))
    assert 2 <= len(arc) <= 122  # one point per 3 degrees of at most one turn (was 190,986 points)
    assert_figure_shows_state(w)
    with pytest.raises(ValueError, match="too large"):
        w.apply("rx", 0, 1e308)


def test_any_error_in_a_callback_is_shown_and_the_last_good_state_kept(monkeypatch):
    w = BlochExplorer()
    w.apply("h")
    before, undo = w.state.data.copy(), len(w.model.undo_stack)

    def boom(*a, **k):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(S, "rotation_path", boom)
    w.gate_buttons["x"].click()
    assert "RuntimeError: simulated failure" in w.message.value
    assert np.allclose(w.state.data, before) and len(w.model.undo_stack) == undo
    assert_figure_shows_state(w)
    monkeypatch.undo()
    w.gate_buttons["x"].click()  # works again afterwards
    assert w.message.value == "" and np.allclose(w.bloch_vectors[0], [1, 0, 0], atol=1e-9)


def test_a_drag_from_the_page_is_coalesced_to_the_latest_value_without_animation():
    async def scenario():
        w = BlochExplorer()
        w.drag_interval = 0.05
        applied = []
        orig = w.set_angles
        w.set_angles = lambda *a, **k: (applied.append(a[0]), orig(*a, **k))
        values = np.linspace(0.1, 2.0, 12)
        for v in values:  # as the page sends them: set_state holds the property lock
            w.theta_slider.set_state({"value": float(v)})
        assert len(applied) == 1  # first value at once, the rest wait for the trailing apply
        await asyncio.sleep(0.2)
        assert applied[-1] == pytest.approx(values[-1]) and len(applied) == 2
        assert w._anim_task is None  # slider moves never animate
        th, _ = S.angles_from_bloch(w.bloch_vectors[0])
        assert th == pytest.approx(values[-1])
        return w

    asyncio.run(scenario())


def test_gate_animation_is_short():
    w = BlochExplorer()
    assert w.animation_steps <= 6 and (w.animation_steps - 1) * w.animation_delay <= 0.3  # few 3-D redraws


def test_default_camera_keeps_lesson_01_state_off_the_line_of_sight():
    psi = np.array([np.cos(np.pi / 6), np.exp(1j * np.pi / 6) * np.sin(np.pi / 6)])
    w = BlochExplorer(psi)
    eye = w.figure.layout.scene.camera.eye
    d = np.array([eye.x, eye.y, eye.z])
    r = w.bloch_vectors[0]
    cos = abs(d @ r) / np.linalg.norm(d) / np.linalg.norm(r)
    assert cos < 0.5, "the lesson's initial state points (nearly) at the viewer"
    assert np.linalg.norm(d) >= 1.7  # far enough out for both poles' labels


def test_controls_have_names_units_and_tooltips():
    w = BlochExplorer()
    assert w.theta_slider.description == "θ (rad)" and w.phi_slider.description == "φ (rad)"
    assert "rad" in w.angle_slider.description
    for s in (w.theta_slider, w.phi_slider, w.angle_slider, w.strength_slider):
        assert s.tooltip and s.readout_format in (".2f", ".3f")
    assert len(w.basis_buttons.tooltips) == 3 and all(w.basis_buttons.tooltips)


def test_lesson_01_text_names_the_histogram_bars_the_widget_draws():
    import re
    from pathlib import Path

    import nbformat

    from qmlwidgets.widgets import bloch as B

    colours = {"blue": B._ARROW_COLOR, "grey": B._EXACT_COLOR, "gray": B._EXACT_COLOR}
    root = Path(__file__).resolve().parents[2]
    for folder in ("solutions", "lessons"):
        nb = nbformat.read(root / folder / "01_qubits_and_measurement.ipynb", as_version=4)
        text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
        pairs = re.findall(r"the (\w+) bars \(legend \*\*(\w+)\*\*\)", text.replace("\n", " "))
        assert len(pairs) == 2, f"{folder}: the lesson should name both bar colours and legend entries"
        w = BlochExplorer()
        shown = {t.name: t.marker.color for t in w.histogram.data}
        for colour, name in pairs:
            assert name in shown, f"legend name {name!r} not in the widget ({list(shown)})"
            assert shown[name] == colours[colour], f"{name!r} bars are not {colour}"


def test_each_drag_value_and_gate_reaches_the_page_as_one_message(monkeypatch):
    """One message (one 3-D redraw in the page) per slider value or gate: the arrow head is a mesh moved by
    x, y, z like the lines (a cone head needed u, v, w too: a second message, so two redraws per value)."""
    from plotly.basewidget import BaseFigureWidget

    sent: list = []
    for name in ("_send_update_msg", "_send_restyle_msg", "_send_relayout_msg"):
        original = getattr(BaseFigureWidget, name)

        def counting(self, *args, _original=original, _name=name, **kwargs):
            sent.append((self, _name))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(BaseFigureWidget, name, counting)
    w = BlochExplorer(animate=False)
    for theta, phi in ((0.3, 0.2), (0.6, 0.4), (0.9, 0.4)):
        sent.clear()
        w.set_angles(theta, phi)
        assert len([n for f, n in sent if f is w.figure]) == 1, (theta, sent)
        assert_figure_shows_state(w)
    sent.clear()
    w.apply("x")
    assert len([n for f, n in sent if f is w.figure]) == 1
    assert_figure_shows_state(w)
