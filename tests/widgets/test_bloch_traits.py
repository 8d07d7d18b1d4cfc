"""BlochExplorer state as traitlets (issue 19) and its simple mode (lesson 01), headless.

Each state change fires each affected trait exactly once, whichever way it came (a control in
the page, a method, a trait set, undo, reset); ``traitlets.link`` keeps two explorers in step;
a bad trait value raises a TraitError naming the trait and keeps the last good state.
"""
from __future__ import annotations

import asyncio
import math
from collections import Counter

import numpy as np
import pytest
import traitlets
from qiskit import QuantumCircuit
from traitlets import TraitError

from qmlwidgets.bloch_model import BlochModel
from qmlwidgets.widgets.bloch import BlochExplorer

TRAITS = ("selected_qubit", "theta", "phi", "basis", "simple", "bloch_vectors", "history")


def recorder(w: BlochExplorer) -> Counter:
    """Count the notifications of every state trait of ``w``."""
    seen: Counter = Counter()
    w.observe(lambda change: seen.update([change["name"]]), list(TRAITS))
    return seen


def figure_xyz(w: BlochExplorer) -> list:
    return [(tuple(tr.x or ()), tuple(tr.y or ()), tuple(tr.z or ())) for tr in w.figure.data]


def test_traits_are_documented_kernel_side_and_typed():
    w = BlochExplorer([1, 1j] / np.sqrt(2))
    for name in TRAITS:
        trait = w.traits()[name]
        assert trait.help and trait.metadata.get("sync") is False, name
        assert name in BlochExplorer.__doc__
    assert w.model.__class__ is BlochModel
    assert w.selected_qubit == 0 and w.basis == "Z" and w.simple is False
    assert math.isclose(w.theta, math.pi / 2) and math.isclose(w.phi, math.pi / 2)
    assert isinstance(w.bloch_vectors, np.ndarray) and np.allclose(w.bloch_vectors, [[0, 1, 0]])
    assert w.history == ()


def test_gate_button_fires_each_changed_trait_once():
    w = BlochExplorer(animate=False)
    seen = recorder(w)
    w.gate_buttons["h"].click()
    assert seen == Counter(theta=1, bloch_vectors=1, history=1)  # phi stays 0: |+> has phi = 0
    assert math.isclose(w.theta, math.pi / 2) and w.history == (("gate", "h", 0, None),)
    seen.clear()
    w.gate_buttons["s"].click()
    assert seen == Counter(phi=1, bloch_vectors=1, history=1)
    assert math.isclose(w.phi, math.pi / 2)


def test_slider_in_the_page_fires_once_and_the_trait_follows():
    w = BlochExplorer([1, 1] / np.sqrt(2))
    seen = recorder(w)
    w.theta_slider.value = 1.0
    assert seen == Counter(theta=1, bloch_vectors=1, history=1)
    assert math.isclose(w.theta, 1.0) and math.isclose(w.theta_slider.value, 1.0)
    seen.clear()
    w.phi_slider.value = 2.0
    assert seen == Counter(phi=1, bloch_vectors=1, history=1)
    assert len(w.history) == 1 and len(w.model.undo_stack) == 1  # a drag merges into one undo step


def test_a_drag_from_the_page_fires_once_per_applied_value():
    async def scenario():
        w = BlochExplorer([1, 1] / np.sqrt(2))
        w.drag_interval = 0.05
        seen = recorder(w)
        for v in np.linspace(0.1, 2.0, 12):  # as the page sends them: set_state holds the property lock
            w.theta_slider.set_state({"value": float(v)})
        assert seen == Counter(theta=1, bloch_vectors=1, history=1)  # the first value at once, the rest wait
        await asyncio.sleep(0.2)
        assert seen == Counter(theta=2, bloch_vectors=2, history=2)  # then the latest one, once
        assert math.isclose(w.theta, 2.0) and len(w.model.undo_stack) == 1

    asyncio.run(scenario())


def test_method_trait_set_undo_and_reset_each_fire_once():
    w = BlochExplorer(animate=False)
    seen = recorder(w)
    w.set_angles(1.2, 0.4)
    assert seen == Counter(theta=1, phi=1, bloch_vectors=1, history=1)
    seen.clear()
    w.theta = 0.5  # same as set_angles(0.5, w.phi)
    assert seen == Counter(theta=1, bloch_vectors=1, history=1)
    assert math.isclose(w.theta, 0.5) and math.isclose(w.phi, 0.4)
    assert np.allclose(w.bloch_vectors[0], [np.sin(0.5) * np.cos(0.4), np.sin(0.5) * np.sin(0.4), np.cos(0.5)])
    assert np.allclose(w.theta_slider.value, 0.5)  # the control follows the trait
    seen.clear()
    w.phi = 2 * math.pi + 1.0  # normalised to [0, 2π)
    assert seen == Counter(phi=1, bloch_vectors=1, history=1) and math.isclose(w.phi, 1.0)
    seen.clear()
    w.theta = w.theta  # an equal value is no change
    assert not seen
    w.apply("x")
    seen.clear()
    assert w.undo()
    assert seen == Counter(theta=1, phi=1, bloch_vectors=1, history=1)
    seen.clear()
    w.undo_button.click()
    assert seen["bloch_vectors"] == 1 and seen["history"] == 1 and seen["theta"] <= 1
    assert w.theta == 0.0  # set_angles, theta and phi sets merged into one undo step (like a slider drag)
    w.apply("h")
    seen.clear()
    w.reset()
    assert seen == Counter(theta=1, bloch_vectors=1, history=1) and w.theta == 0.0


def test_observe_gets_old_and_new():
    w = BlochExplorer(animate=False)
    changes = []
    w.observe(changes.append, "theta")
    w.apply("x")
    assert len(changes) == 1 and changes[0]["old"] == 0.0 and math.isclose(changes[0]["new"], math.pi)


def test_selected_qubit_from_dropdown_trait_and_method():
    pair = QuantumCircuit(3)
    pair.ry(0.6, 1)
    w = BlochExplorer(pair, animate=False)
    seen = recorder(w)
    w.qubit_dropdown.value = 1  # the page's dropdown
    assert seen == Counter(selected_qubit=1, theta=1) and w.selected_qubit == 1
    assert math.isclose(w.theta, 0.6) and math.isclose(w.theta_slider.value, 0.6)
    seen.clear()
    w.selected_qubit = np.int64(2)  # numpy integers are fine
    assert seen == Counter(selected_qubit=1, theta=1) and w.qubit_dropdown.value == 2 and w.theta == 0.0
    assert type(w.selected_qubit) is int
    seen.clear()
    w.gate_buttons["x"].click()  # acts on the selected qubit
    assert np.allclose(w.bloch_vectors[2], [0, 0, -1]) and seen["theta"] == 1
    seen.clear()
    w.set_state(None)  # one qubit: the selection drops to 0
    assert seen["selected_qubit"] == 1 and w.selected_qubit == 0 and w.qubit_dropdown.value == 0
    seen.clear()
    w.undo()
    assert w.num_qubits == 3 and seen["selected_qubit"] == 0 and w.qubit_dropdown.options[-1] == ("qubit 2", 2)


def test_basis_from_buttons_trait_and_measure():
    w = BlochExplorer([1, 1] / np.sqrt(2), seed=3)
    seen = recorder(w)
    w.basis_buttons.value = "X"
    assert seen == Counter(basis=1) and w.basis == "X"
    w.basis = "y"  # any case
    assert seen == Counter(basis=2) and w.basis == "Y" and w.basis_buttons.value == "Y"
    w.measure(100, "X")
    assert seen == Counter(basis=3) and w.basis_buttons.value == "X" and w.last_counts == {"0": 100}
    w.measure_button.click()
    assert seen == Counter(basis=3)
    assert "X-basis measurement: 1000 shots" in w.histogram.layout.title.text


def test_link_keeps_two_explorers_in_step():
    a, b = BlochExplorer(animate=False), BlochExplorer(animate=False)
    traitlets.link((a, "theta"), (b, "theta"))
    traitlets.link((a, "phi"), (b, "phi"))
    traitlets.link((a, "basis"), (b, "basis"))
    a.apply("h")
    a.apply("t")
    assert np.allclose(a.bloch_vectors, b.bloch_vectors)
    b.theta_slider.value = 2.5  # either side drives the other
    assert np.allclose(a.bloch_vectors, b.bloch_vectors) and math.isclose(a.theta, 2.5)
    b.basis_buttons.value = "Y"
    assert a.basis == "Y" and a.basis_buttons.value == "Y"


def test_link_selected_qubit():
    a = BlochExplorer(QuantumCircuit(2), animate=False)
    b = BlochExplorer(QuantumCircuit(2), animate=False)
    traitlets.link((a, "selected_qubit"), (b, "selected_qubit"))
    b.qubit_dropdown.value = 1
    assert a.selected_qubit == 1 and a.qubit_dropdown.value == 1


@pytest.mark.parametrize("name, value, match", [
    ("theta", 4.0, r"theta=4.0 is not valid; expected a polar angle in \[0, π\]"),
    ("theta", -0.1, r"theta=-0.1 is not valid"),
    ("theta", float("nan"), r"theta=nan is not valid; expected a finite angle"),
    ("phi", float("inf"), r"phi=inf is not valid; expected a finite angle"),
    ("phi", 1e9, r"phi=1000000000.0 is too large"),
    ("theta", "up", r"The 'theta' trait of a BlochExplorer instance expected a float"),
    ("selected_qubit", 1, r"selected_qubit=1 is not valid; expected an integer from 0 to 0"),
    ("selected_qubit", 0.0, r"selected_qubit=0.0 is not valid"),
    ("selected_qubit", True, r"selected_qubit=True is not valid"),
    ("basis", "W", r"basis 'W' is not valid; expected 'Z', 'X' or 'Y'"),
    ("simple", "yes", r"The 'simple' trait of a BlochExplorer instance expected a boolean"),
])
def test_bad_trait_value_raises_and_keeps_the_last_good_state(name, value, match):
    w = BlochExplorer(animate=False)
    w.apply("h")
    w.set_angles(1.0, 0.5)
    snap, undo = w.model.snapshot, list(w.model.undo_stack)
    traits = {t: getattr(w, t) for t in TRAITS}
    figure, readout = figure_xyz(w), w.readout.value
    sliders = (w.theta_slider.value, w.phi_slider.value, w.qubit_dropdown.value, w.basis_buttons.value)
    seen = recorder(w)
    with pytest.raises(TraitError, match=match):
        setattr(w, name, value)
    assert not seen
    assert w.model.snapshot is snap and w.model.undo_stack == undo
    for t, v in traits.items():
        assert np.array_equal(getattr(w, t), v) if t == "bloch_vectors" else getattr(w, t) == v, t
    assert figure_xyz(w) == figure and w.readout.value == readout
    assert (w.theta_slider.value, w.phi_slider.value, w.qubit_dropdown.value, w.basis_buttons.value) == sliders


def test_angles_of_a_qubit_without_direction_are_refused():
    w = BlochExplorer([1, 0, 0, 1] / np.sqrt(2))
    snap = w.model.snapshot
    with pytest.raises(TraitError, match="theta: qubit 0 has a Bloch vector of length 0"):
        w.theta = 1.0
    with pytest.raises(TraitError, match="phi: qubit 0 has a Bloch vector of length 0"):
        w.phi = 1.0
    assert w.model.snapshot is snap and w.theta == 0.0


@pytest.mark.parametrize("name", ["bloch_vectors", "history"])
def test_read_only_traits_refuse_sets(name):
    w = BlochExplorer()
    before = getattr(w, name)
    with pytest.raises(TraitError, match=f"The \"{name}\" trait is read-only"):
        setattr(w, name, np.zeros((1, 3)) if name == "bloch_vectors" else (("gate", "x", 0, None),))
    assert np.array_equal(getattr(w, name), before)


def test_bloch_vectors_value_cannot_be_changed_in_place():
    w = BlochExplorer()
    v = w.bloch_vectors
    with pytest.raises(ValueError, match="read-only"):
        v[0, 0] = 1.0
    assert np.allclose(w.bloch_vectors, [[0, 0, 1]])


# ---------------------------------------------------------------------------- simple mode (lesson 01)
def _shown(w: BlochExplorer, widget) -> bool:
    """True if ``widget`` is among ``w``'s descendants with no ancestor (or itself) set to display none."""
    def walk(node, visible):
        visible = visible and getattr(getattr(node, "layout", None), "display", None) != "none"
        if node is widget:
            return visible
        for child in getattr(node, "children", ()):
            found = walk(child, visible)
            if found is not None:
                return found
        return None
    return bool(walk(w, True))


def test_simple_mode_hides_noise_and_purity_and_keeps_the_rest():
    w = BlochExplorer([1, 1j] / np.sqrt(2), seed=11, simple=True, animate=False)
    assert w.simple is True
    for c in (w.channel_dropdown, w.strength_slider, w.channel_button):
        assert not _shown(w, c)
    for c in (w.theta_slider, w.phi_slider, w.gate_buttons["h"], w.gate_buttons["rx"], w.angle_slider,
              w.undo_button, w.reset_button, w.measure_button, w.basis_buttons, w.shots_input, w.state_text):
        assert _shown(w, c)
    assert "purity" not in w.readout.value and "S (bits)" not in w.readout.value
    assert "<th>θ</th>" in w.readout.value and "|r|" in w.readout.value
    # everything left works
    w.gate_buttons["h"].click()
    w.theta_slider.value = 0.3
    w.measure_button.click()
    assert w.last_counts is not None and sum(w.last_counts.values()) == 1000
    w.undo_button.click()
    w.undo_button.click()
    assert np.allclose(w.bloch_vectors, [[0, 1, 0]]) and w.message.value == ""
    assert repr(w) == "BlochExplorer(1 qubit, 0 gates applied)"


def test_simple_is_a_trait_that_can_be_switched_live():
    w = BlochExplorer()
    assert _shown(w, w.channel_button) and "purity" in w.readout.value and "S (bits)" in w.readout.value
    seen = recorder(w)
    w.simple = True
    assert seen == Counter(simple=1)
    assert not _shown(w, w.channel_button) and "purity" not in w.readout.value
    w.apply("h")
    assert "purity" not in w.readout.value  # redraws keep the mode
    w.simple = False
    assert _shown(w, w.channel_button) and "purity" in w.readout.value


def test_simple_mode_with_several_qubits_and_a_density_matrix():
    w = BlochExplorer(np.eye(4) / 4, simple=True)
    assert "density matrix" in w.readout.value and "purity" not in w.readout.value
    assert w.readout.value.count("<tr>") >= 3
