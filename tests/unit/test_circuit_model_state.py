"""CircuitModel owns the explorer's state (issue 19): check_* validate without changing anything,
the last counts live in the model until the shown state changes, snapshot/restore. No widgets."""
from __future__ import annotations

import math

import pytest

from qmlwidgets.circuit_model import CircuitModel


def model() -> CircuitModel:
    return CircuitModel(3, seed=4).add("h", 0).add("ry", "theta", 1).add("cx", 0, 2)


def state(m: CircuitModel) -> tuple:
    return (m.num_qubits, m.gates, m.step, m.cut, m.parameter_values, m.counts, m.can_undo, m.can_redo)


# ------------------------------------------------------------------ check_*: normalise, never change
@pytest.mark.parametrize(
    ("check", "value", "expected"),
    [
        ("check_num_qubits", 5, 5),
        ("check_num_qubits", 3, 3),
        ("check_step", 0, 0),
        ("check_step", 3, 3),
        ("check_cut", 2, (2,)),
        ("check_cut", [2, 1, 2], (1, 2)),
        ("check_parameters", {"theta": 1}, {"theta": 1.0}),
        ("check_parameters", {}, {}),
    ],
)
def test_checks_return_the_normalised_value_and_change_nothing(check, value, expected):
    m = model()
    before = state(m)
    got = getattr(m, check)(value)
    assert got == expected and type(got) is type(expected)
    assert state(m) == before


@pytest.mark.parametrize(
    ("check", "value", "match"),
    [
        ("check_num_qubits", 6, "from 1 to 5"),
        ("check_num_qubits", "2", "whole number"),
        ("check_num_qubits", 2, "cannot shrink to 2 qubits: a gate uses qubit 2; undo or clear first"),
        ("check_step", 4, r"step must be from 0 to 3 \(the number of gates\), got 4"),
        ("check_step", True, "whole number"),
        ("check_step", 1.5, "whole number"),
        ("check_cut", (), "at least one qubit on each side; got no qubit"),
        ("check_cut", (0, 1, 2), "got all 3 qubits"),
        ("check_cut", [5], "cut qubit 5 is out of range"),
        ("check_cut", "01", "qubits must be integers"),
        ("check_parameters", {"phi": 0.1}, "unknown parameter 'phi'; parameters: theta"),
        ("check_parameters", {"theta": math.inf}, "not finite"),
        ("check_parameters", {"theta": 2e6}, "too large"),
        ("check_parameters", [("theta", 1.0)], r"must be a dict \{name: angle in radians\}"),
    ],
)
def test_checks_refuse_bad_values_with_a_clear_message(check, value, match):
    m = model()
    before = state(m)
    with pytest.raises(ValueError, match=match):
        getattr(m, check)(value)
    assert state(m) == before


def test_set_methods_use_the_checks():
    m = model()
    before = state(m)
    for call in (lambda: m.set_num_qubits(2), lambda: m.set_step(9), lambda: m.set_cut(()),
                 lambda: m.set_parameters({"theta": 0.1, "phi": 1.0})):
        with pytest.raises(ValueError):
            call()
        assert state(m) == before
    assert m.set_cut([2, 1]).cut == (1, 2) and m.set_step(1).step == 1
    assert m.set_parameters({"theta": 1}).parameter_values == {"theta": 1.0}
    one = CircuitModel(1)
    with pytest.raises(ValueError, match="at least 2 qubits"):
        one.check_cut(0)


# ------------------------------------------------------------------ counts belong to the shown state
def test_counts_kept_until_the_shown_state_changes():
    m = model()
    assert m.counts is None and m.measured_shots == 0
    counts = m.measure(200)
    assert m.counts == counts and m.measured_shots == 200 and sum(counts.values()) == 200
    m.counts.clear()  # a copy
    assert m.counts == counts
    # no change of the shown state: the counts stay
    m.set_cut(2)
    m.set_step(3)
    m.set_parameter("theta", 0.0)
    m.set_num_qubits(3)
    assert m.counts == counts
    # each change of the shown state drops them
    for change in (lambda: m.set_step(1), lambda: m.set_parameter("theta", 0.5), lambda: m.add("x", 1),
                   lambda: m.undo(), lambda: m.redo(), lambda: m.set_num_qubits(4), lambda: m.clear()):
        m.measure(10)
        assert m.counts is not None
        change()
        assert m.counts is None and m.measured_shots == 0


def test_failed_measure_keeps_the_last_counts():
    m = model()
    counts = m.measure(20)
    with pytest.raises(ValueError, match="shots"):
        m.measure(0)
    assert m.counts == counts and m.measured_shots == 20


# ------------------------------------------------------------------ snapshot / restore
def test_snapshot_restore_brings_everything_back():
    m = model().set_step(2).set_cut(1)
    m.measure(30)
    saved = m.snapshot()
    before = state(m)
    m.set_parameter("theta", 2.0).add("x", 2).set_cut((0, 1))
    m.measure(30)
    assert state(m) != before
    assert m.restore(saved) is m and state(m) == before
    a = m.measure(500)
    m.restore(saved)
    assert m.measure(500) == a  # the sampler's state is part of the snapshot: same random stream
    m.restore(saved).add("z", 0)  # the snapshot is not aliased: it can be restored again
    assert state(m.restore(saved)) == before


def test_model_module_has_no_widget_imports():
    import inspect

    import qmlwidgets.circuit_model as module

    imports = [line for line in inspect.getsource(module).splitlines()
               if line.lstrip().startswith(("import ", "from "))]
    assert imports and not [line for line in imports if any(w in line for w in ("ipywidgets", "plotly", "traitlets"))]
