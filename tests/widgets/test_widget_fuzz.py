"""Hypothesis drives every control of the Bloch and circuit explorers with hostile values.

For each action: no exception escapes (a value the control's own trait refuses is a TraitError
at assignment, as in the page), nothing hangs (each example is time-boxed), and the widget
keeps a valid last good state: a normalised state, finite figure data, a working next action.
"""
from __future__ import annotations

import logging
import math
from datetime import timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from traitlets import TraitError

from qmlwidgets.widgets.bloch import BlochExplorer
from qmlwidgets.widgets.circuit import CircuitExplorer

HOSTILE_FLOATS = st.one_of(
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 1e6 + 1, 1e4, -0.0, 5e-324]),
    st.floats(allow_nan=True, allow_infinity=True),
)
HOSTILE_TEXT = st.one_of(
    st.sampled_from(["9**9**9, 0", "-" * 3000 + "1, 0", "((((((((((1", "1/0, 1", "0, 0", "nan, 1", "1e400, 0",
                     "__import__('os')", "sqrt(-1)**64, 1", "+-+-+-0", "1," * 40, "|0⟩", "01+-", "0" * 9, ""]),
    st.text(max_size=60),
    st.text(alphabet="0123456789+-*/().,ij eπpisqrtexpcon", max_size=80),
)
ANY = st.one_of(HOSTILE_FLOATS, st.integers(min_value=-10**30, max_value=10**30), HOSTILE_TEXT, st.none(),
                st.booleans())
SETTINGS = settings(max_examples=25, deadline=timedelta(seconds=20), derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _set(control, value) -> None:
    """Set a control as the page would; a value its trait refuses never reaches our callbacks."""
    try:
        control.value = value
    except (TraitError, TypeError, ValueError) as exc:
        # only the trait's own validation may refuse; a ValueError from our code would be a leak
        assert isinstance(exc, TraitError) or "trait" in str(exc).lower() or type(exc) is TypeError, exc


def _no_callback_errors(caplog) -> None:
    leaked = [r.getMessage() for r in caplog.records if "Exception in callback" in r.getMessage()]
    assert not leaked, leaked


def _assert_bloch_ok(w: BlochExplorer) -> None:
    a = w.model.state_array
    norm = np.linalg.norm(a) if a.ndim == 1 else np.trace(a).real
    assert math.isclose(norm, 1.0, rel_tol=1e-6)
    assert np.isfinite(w.bloch_vectors).all()
    for tr in w.figure.data:
        if tr.x is not None and len(tr.x):
            xs = np.array([np.nan if v is None else v for v in tr.x], dtype=float)
            assert len(xs) < 5000 and not np.isinf(xs).any()


@given(actions=st.lists(st.tuples(st.sampled_from(["theta", "phi", "angle", "strength", "shots", "text", "basis",
                                                   "gate", "rot", "noise", "measure", "undo", "reset", "qubit"]),
                                  ANY, st.sampled_from(["x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry",
                                                        "rz"])), min_size=1, max_size=8))
@SETTINGS
def test_bloch_explorer_survives_hostile_controls(actions, caplog):
    caplog.set_level(logging.WARNING)
    w = BlochExplorer(np.array([1, 1]) / np.sqrt(2), seed=3)
    for kind, value, gate in actions:
        if kind in ("theta", "phi", "angle", "strength", "shots", "text", "basis", "qubit"):
            control = {"theta": w.theta_slider, "phi": w.phi_slider, "angle": w.angle_slider,
                       "strength": w.strength_slider, "shots": w.shots_input, "text": w.state_text,
                       "basis": w.basis_buttons, "qubit": w.qubit_dropdown}[kind]
            _set(control, value)
        elif kind == "gate" or kind == "rot":
            w.gate_buttons[gate].click()
        elif kind == "noise":
            w.channel_button.click()
        elif kind == "measure":
            w.measure_button.click()
        elif kind == "undo":
            w.undo_button.click()
        else:
            w.reset_button.click()
        _no_callback_errors(caplog)
        _assert_bloch_ok(w)
    w.gate_buttons["h"].click()  # still works afterwards
    _assert_bloch_ok(w)


@given(actions=st.lists(st.tuples(st.sampled_from(["gate", "angle", "param", "add", "target", "control", "qubits",
                                                   "step", "measure", "shots", "undo", "redo", "clear", "cut",
                                                   "slider"]),
                                  ANY, st.sampled_from(["h", "x", "rx", "ry", "rz", "cx", "cz", "ccx", "swap"])),
                        min_size=1, max_size=8))
@SETTINGS
def test_circuit_explorer_survives_hostile_controls(actions, caplog):
    caplog.set_level(logging.WARNING)
    w = CircuitExplorer(num_qubits=2, seed=3)
    w.add("ry", "theta", 0)
    for kind, value, gate in actions:
        if kind == "gate":
            _set(w.gate_dropdown, gate)
        elif kind == "angle":
            _set(w.angle_box, value)
        elif kind == "param":
            _set(w.parameter_text, value if isinstance(value, str) else str(value))
        elif kind in ("target", "control", "qubits", "step", "shots"):
            control = {"target": w.target_dropdown, "control": w.control_dropdown, "qubits": w.qubits_dropdown,
                       "step": w.step_slider, "shots": w.shots_box}[kind]
            _set(control, value)
        elif kind == "cut":
            _set(w.cut_select, (value,) if not isinstance(value, str) else value)
        elif kind == "slider":
            for slider in list(w.parameter_sliders.values()):
                _set(slider, value)
        else:
            {"add": w.add_button, "measure": w.measure_button, "undo": w.undo_button, "redo": w.redo_button,
             "clear": w.clear_button}[kind].click()
        _no_callback_errors(caplog)
        psi = w.statevector
        assert math.isclose(float(np.vdot(psi, psi).real), 1.0, rel_tol=1e-9)
        assert np.isfinite(w.prob_fig.data[0].y).all()
        assert all(g.angle is None or abs(g.angle) <= 1e6 for g in w.gates)
        assert w.step_slider.max == len(w.gates)
    w.add("h", 0)  # still works afterwards
    assert w.step_label.value.startswith(f"step {len(w.gates)} of {len(w.gates)}")
