"""CircuitExplorer's state as traitlets (issue 19): observe once per change, link, bad input, read-only.

Every way of changing the state (a control in the page, a method, a trait set, undo/redo) must
notify each changed trait exactly once, with the right old/new, after the model, figures and
controls are up to date.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import traitlets
from qiskit import QuantumCircuit

from qmlwidgets.widgets.circuit import CircuitExplorer

TRAITS = ("num_qubits", "gates", "step", "cut", "parameter_values", "counts")


def probs(w: CircuitExplorer) -> list[float]:
    return [round(p, 12) for p in w.prob_fig.data[0].y]


def record(w: CircuitExplorer) -> list[tuple]:
    """Every notification of the explorer's state traits, as (name, old, new)."""
    seen: list[tuple] = []
    w.observe(lambda c: seen.append((c["name"], c["old"], c["new"])), names=list(TRAITS))
    return seen


def traits_of(w: CircuitExplorer) -> dict:
    return {name: getattr(w, name) for name in TRAITS}


def view_of(w: CircuitExplorer) -> tuple:
    """Model, figures and controls: what 'the last good state' means."""
    return (
        w.model.num_qubits, w.model.gates, w.model.step, w.model.cut, w.model.parameter_values, w.model.counts,
        tuple(probs(w)), tuple(w.amp_fig.data[0].y), w.prob_fig.data[1].visible, w.diagram.value,
        w.step_slider.value, w.step_slider.max, w.qubits_dropdown.value, w.cut_select.value,
        {k: s.value for k, s in w.parameter_sliders.items()}, w.entropy_html.value,
    )


def explorer() -> CircuitExplorer:
    """Three qubits, H on 0, RY(theta) on 1, CX 0 -> 2."""
    return CircuitExplorer(num_qubits=3, seed=7).add("h", 0).add("ry", "theta", 1).add("cx", 0, 2)


H, RY, CX = explorer().gates


# ------------------------------------------------------------------ observe: once per change, every path
def _palette_add_x(w: CircuitExplorer) -> None:
    w.gate_dropdown.value = "x"
    w.target_dropdown.value = 1
    w.add_button.click()


STEP_2 = [("step", 3, 2)]
CUT_12 = [("cut", (0,), (1, 2))]
THETA = [("parameter_values", {"theta": 0.0}, {"theta": 1.5})]
QUBITS_4 = [("num_qubits", 3, 4)]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        # controls in the page
        (lambda w: setattr(w.step_slider, "value", 2), STEP_2),
        (lambda w: setattr(w.cut_select, "value", (1, 2)), CUT_12),
        (lambda w: setattr(w.parameter_sliders["theta"], "value", 1.5), THETA),
        (lambda w: setattr(w.qubits_dropdown, "value", 4), QUBITS_4),
        (_palette_add_x, [("gates", (H, RY, CX), (H, RY, CX, "X")), ("step", 3, 4)]),
        (lambda w: w.undo_button.click(), [("gates", (H, RY, CX), (H, RY)), ("step", 3, 2)]),
        (lambda w: w.clear_button.click(),
         [("gates", (H, RY, CX), ()), ("step", 3, 0), ("parameter_values", {"theta": 0.0}, {})]),
        (lambda w: w.measure_button.click(), [("counts", None, "COUNTS")]),
        # methods
        (lambda w: w.set_step(2), STEP_2),
        (lambda w: w.set_cut([2, 1]), CUT_12),
        (lambda w: w.set_parameter("theta", 1.5), THETA),
        (lambda w: w.set_parameters({"theta": 1.5}), THETA),
        (lambda w: w.set_num_qubits(4), QUBITS_4),
        (lambda w: w.add("x", 1), [("gates", (H, RY, CX), (H, RY, CX, "X")), ("step", 3, 4)]),
        (lambda w: w.undo(), [("gates", (H, RY, CX), (H, RY)), ("step", 3, 2)]),
        (lambda w: w.measure(100), [("counts", None, "COUNTS")]),
        (lambda w: w.load(QuantumCircuit(2)),
         [("num_qubits", 3, 2), ("gates", (H, RY, CX), ()), ("step", 3, 0), ("parameter_values", {"theta": 0.0}, {})]),
        # trait sets
        (lambda w: setattr(w, "step", 2), STEP_2),
        (lambda w: setattr(w, "cut", (1, 2)), CUT_12),
        (lambda w: setattr(w, "cut", [2, 1]), CUT_12),  # normalised like set_cut
        (lambda w: setattr(w, "parameter_values", {"theta": 1.5}), THETA),
        (lambda w: setattr(w, "num_qubits", 4), QUBITS_4),
    ],
)
def test_observe_fires_once_per_change(action, expected):
    w = explorer()
    seen = record(w)
    action(w)
    got = sorted(seen, key=lambda c: TRAITS.index(c[0]))
    assert [c[0] for c in got] == [c[0] for c in expected]  # each changed trait exactly once, nothing else
    for (name, old, new), (_, want_old, want_new) in zip(got, expected, strict=True):
        assert old == want_old
        if want_new == "COUNTS":
            assert new == w.model.counts and sum(new.values()) == w.model.measured_shots > 0
        elif name == "gates" and want_new and want_new[-1] == "X":
            assert new[:-1] == want_new[:-1] and new[-1].call() == "x(1)"
        else:
            assert new == want_new
        assert getattr(w, name) == new
    assert traits_of(w) == {
        "num_qubits": w.model.num_qubits, "gates": w.model.gates, "step": w.model.step, "cut": w.model.cut,
        "parameter_values": w.model.parameter_values, "counts": w.model.counts,
    }


def test_undo_redo_and_a_changed_state_notify_once():
    w = explorer()
    counts = w.measure(50)
    seen = record(w)
    w.set_step(1)  # a new shown state: the histogram (and counts) go
    assert seen == [("step", 3, 1), ("counts", counts, None)] and w.prob_fig.data[1].visible is False
    seen.clear()
    w.undo()
    assert [c[0] for c in seen] == ["gates", "step"] and seen[1] == ("step", 1, 2)
    seen.clear()
    w.redo()
    assert [c[0] for c in seen] == ["gates", "step"] and seen[1] == ("step", 2, 3)
    seen.clear()
    w.set_step(3)  # no change, no notification
    w.step = 3
    w.set_cut(0)
    w.parameter_values = {"theta": 0.0}
    assert seen == []


def test_observers_run_after_model_figures_and_controls_and_see_every_trait():
    w = explorer()
    views = []

    def look(change):
        views.append((change["name"], w.model.step, w.step_slider.value, probs(w), w.gates, w.step))

    w.observe(look, names=["step", "gates"])
    w.step = 0
    assert views == [("step", 0, 0, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], w.gates, 0)]
    views.clear()
    w.add("z", 2)  # gates and step change together: both observers see both new values
    assert [v[0] for v in views] == ["gates", "step"]
    assert all(v[4] == w.gates and v[5] == 4 and v[1] == 4 and v[2] == 4 for v in views)


def test_histogram_follows_the_counts_trait():
    w = explorer()
    w.measure_button.click()
    assert w.counts == w.model.counts and w.prob_fig.data[1].visible is True
    w.set_cut(1)  # the shown state is the same: the histogram stays
    assert w.counts is not None and w.prob_fig.data[1].visible is True
    w.parameter_values = {"theta": 0.4}
    assert w.counts is None and w.prob_fig.data[1].visible is False


# ------------------------------------------------------------------ link
def test_link_keeps_two_explorers_in_step():
    a, b = explorer(), explorer()
    links = [traitlets.link((a, name), (b, name)) for name in ("step", "cut", "parameter_values")]
    a.step_slider.value = 1  # the page moves a's slider
    assert b.step == 1 and b.step_slider.value == 1 and probs(b) == probs(a)
    a.parameter_sliders["theta"].value = 2.0
    assert b.parameter_values == {"theta": 2.0} and b.parameter_sliders["theta"].value == 2.0
    b.cut = (0, 1)  # both ways
    assert a.cut == (0, 1) and a.cut_select.value == (0, 1) and a.entropy_html.value == b.entropy_html.value
    b.set_step(3)
    assert a.step == 3 and probs(a) == probs(b)
    for link in links:
        link.unlink()
    q = traitlets.link((a, "num_qubits"), (b, "num_qubits"))
    a.qubits_dropdown.value = 5
    assert b.num_qubits == 5 and len(b.prob_fig.data[0].y) == 32
    b.undo()
    assert a.num_qubits == 3 and a.qubits_dropdown.value == 3
    q.unlink()


def test_link_to_another_widget_and_dlink():
    import ipywidgets

    w = explorer()
    outside = ipywidgets.IntSlider(min=0, max=3)
    link = traitlets.link((w, "step"), (outside, "value"))
    assert outside.value == 3
    outside.value = 1  # a slider elsewhere in the notebook drives the explorer
    assert w.step == 1 and w.step_slider.value == 1 and probs(w) == [0.5, 0.5, 0, 0, 0, 0, 0, 0]
    w.step_slider.value = 2
    assert outside.value == 2
    link.unlink()
    holder = type("Holder", (traitlets.HasTraits,), {"k": traitlets.Int(0)})()
    traitlets.dlink((w, "num_qubits"), (holder, "k"))
    w.num_qubits = 4
    assert holder.k == 4


# ------------------------------------------------------------------ bad input keeps the last good state
@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("num_qubits", 6, r"num_qubits = 6 was refused: num_qubits must be from 1 to 5"),
        ("num_qubits", 0, r"num_qubits = 0 was refused"),
        ("num_qubits", 2, r"cannot shrink to 2 qubits: a gate uses qubit 2"),
        ("num_qubits", "3", r"'num_qubits' trait of a CircuitExplorer instance expected an int"),
        ("step", 4, r"step = 4 was refused: step must be from 0 to 3 \(the number of gates\)"),
        ("step", -1, r"step must be from 0 to 3"),
        ("step", 1.5, r"'step' trait of a CircuitExplorer instance expected an int"),
        ("cut", (), r"cut = \(\) was refused: the cut needs at least one qubit on each side"),
        ("cut", (0, 1, 2), r"at least one qubit on each side; got all 3"),
        ("cut", 7, r"cut qubit 7 is out of range"),
        ("cut", "ab", r"cut = 'ab' was refused: qubits must be integers"),
        ("parameter_values", {"phi": 1.0}, r"parameter_values = .* unknown parameter 'phi'; parameters: theta"),
        ("parameter_values", {"theta": math.nan}, r"parameter theta: angle=nan is not finite; expected an angle in radians"),
        ("parameter_values", {"theta": 1e9}, r"too large"),
        ("parameter_values", [1.0], r"'parameter_values' trait of a CircuitExplorer instance expected a dict"),
    ],
)
def test_bad_trait_value_raises_and_keeps_the_last_good_state(name, value, match):
    w = explorer().set_step(2).set_parameter("theta", 0.7)
    w.measure(64)
    traits, view, snap = traits_of(w), view_of(w), w.model.snapshot()
    seen = record(w)
    with pytest.raises(traitlets.TraitError, match=match):
        setattr(w, name, value)
    assert seen == [] and traits_of(w) == traits and view_of(w) == view
    assert w.model.snapshot()["_history"] == snap["_history"] and w.model.snapshot()["_values"] == snap["_values"]
    if "was refused" in match or "trait of a" not in match:  # the model refused it: shown like a method's error
        assert "⚠" in w.message.value
    w.step = 1  # still works afterwards
    assert w.model.step == 1


@pytest.mark.parametrize(("name", "value"), [("gates", ()), ("counts", {"00": 1}), ("counts", None)])
def test_read_only_traits_refuse_sets(name, value):
    w = explorer()
    w.measure(10)
    before, view = traits_of(w), view_of(w)
    with pytest.raises(traitlets.TraitError, match=f'"{name}" trait of CircuitExplorer is read-only; .*(add|measure)'):
        setattr(w, name, value)
    assert traits_of(w) == before and view_of(w) == view


def test_reads_are_copies_and_traits_are_documented():
    w = explorer()
    values = w.parameter_values
    values["theta"] = 3.0
    assert w.parameter_values == {"theta": 0.0} == w.model.parameter_values
    w.measure(10)
    counts = w.counts
    counts.clear()
    assert w.counts and sum(w.counts.values()) == 10
    assert isinstance(w.cut, tuple) and isinstance(w.gates, tuple)
    for name in TRAITS:
        trait = w.traits()[name]
        assert trait.help and trait.metadata.get("sync") is False  # kernel side only: nothing new for the page
    doc = CircuitExplorer.__doc__
    assert "State (traitlets)" in doc and all(f"``{name}``" in doc for name in TRAITS)
    assert "traitlets.link" in doc and "observe" in doc
    import qmlwidgets.widgets.circuit as module

    assert "CircuitModel" in module.__doc__ and "view" in module.__doc__


def test_a_failing_control_keeps_traits_too():
    w = CircuitExplorer(num_qubits=2).add("x", 1)
    seen = record(w)
    w.qubits_dropdown.value = 1  # cannot drop qubit 1
    assert "⚠" in w.message.value and seen == [] and w.num_qubits == 2 and w.qubits_dropdown.value == 2
    w.cut_select.value = ()
    assert seen == [] and w.cut == (0,) and w.cut_select.value == (0,)
    np.testing.assert_allclose(probs(w), [0, 0, 1, 0])
