"""BlochModel alone (issue 19): the Bloch explorer's state, undo, validation and measurements, no widgets."""
from __future__ import annotations

import doctest
import importlib
import subprocess
import sys

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import DensityMatrix, Statevector

from qmlwidgets import states as S
from qmlwidgets.bloch_model import TRAIL_SEGMENTS, UNDO_DEPTH, BlochModel, BlochSnapshot


def test_the_model_imports_no_widget_library():
    code = ("import sys, qmlwidgets.bloch_model as m; m.BlochModel().apply('h'); "
            "print(sorted(k for k in ('ipywidgets', 'plotly', 'traitlets') if k in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_default_state_and_read_back():
    m = BlochModel()
    assert m.num_qubits == 1 and m.state == Statevector([1, 0]) and m.start_state == Statevector([1, 0])
    assert np.allclose(m.bloch_vectors, [[0, 0, 1]]) and m.history == () and not m.can_undo
    assert m.selected_qubit == 0 and m.angles() == (0.0, 0.0)
    assert isinstance(m.snapshot, BlochSnapshot) and repr(m) == "BlochModel(1 qubit, 0 operations)"


def test_bloch_vectors_is_a_fresh_copy():
    m = BlochModel()
    m.bloch_vectors[0, 2] = 5.0
    assert np.allclose(m.bloch_vectors, [[0, 0, 1]])


def test_gates_channels_and_angles_are_reproduced_by_the_circuit():
    m = BlochModel(QuantumCircuit(2).compose(QuantumCircuit(2)), seed=1)
    m.apply("h", 0)
    m.apply("rx", 1, angle=0.7)
    m.set_angles(1.0, 2.0, qubit=0)
    m.apply_channel("amplitude_damping", 0.3, 1)
    assert [op[0] for op in m.history] == ["gate", "gate", "rv", "channel"]
    assert isinstance(m.state, DensityMatrix)
    assert np.allclose(DensityMatrix(m.start_state).evolve(m.circuit).data, m.state.data)
    assert np.allclose(m.angles(0), (1.0, 2.0))


def test_without_noise_the_statevector_evolves_with_the_circuit():
    m = BlochModel([1, 1j] / np.sqrt(2))
    for g in ("h", "t", "sdg", "y"):
        m.apply(g)
    assert isinstance(m.state, Statevector)
    assert np.allclose(m.start_state.evolve(m.circuit).data, m.state.data)


def test_undo_reset_and_set_state():
    m = BlochModel()
    m.apply("x")
    m.set_state(Statevector.from_label("+0"))  # two qubits
    assert m.num_qubits == 2 and m.history == () and m.snapshot.trails == ((), ())
    m.reset()
    assert m.num_qubits == 1 and m.state == Statevector([1, 0])
    assert m.undo() and m.num_qubits == 2
    assert m.undo() and np.allclose(m.bloch_vectors, [[0, 0, -1]])
    assert m.undo() and m.state == Statevector([1, 0])
    assert not m.undo() and not m.can_undo


def test_a_drag_merges_into_one_undo_step_and_dragging_back_removes_it():
    m = BlochModel()
    for th in (0.2, 0.4, 0.6):
        assert m.set_angles(th, 0.0)
    assert len(m.undo_stack) == 1 and len(m.history) == 1
    assert m.set_angles(0.0, 0.0)  # back to the start: the merged step is dropped
    assert not m.can_undo and m.history == ()
    assert not m.set_angles(0.0, 1.0)  # at the pole phi changes nothing
    m.apply("h")
    m.set_angles(1.0, 0.5)  # a drag after a gate is its own step
    assert len(m.undo_stack) == 2


def test_selection_is_validated_and_clamped_when_qubits_go():
    m = BlochModel(Statevector.from_label("000"))
    m.selected_qubit = 2
    m.set_angles(np.pi, 0.0)  # acts on the selected qubit
    assert np.allclose(m.bloch_vectors[2], [0, 0, -1]) and np.allclose(m.bloch_vectors[0], [0, 0, 1])
    with pytest.raises(ValueError, match=r"selected_qubit=3 is not valid; expected an integer from 0 to 2"):
        m.selected_qubit = 3
    with pytest.raises(ValueError, match="selected_qubit=True is not valid"):
        m.selected_qubit = True
    m.set_state(None)
    assert m.selected_qubit == 0
    m.undo()
    assert m.selected_qubit == 0 and m.num_qubits == 3


def test_measure_is_seeded_and_cleared_by_a_change():
    a, b = BlochModel([1, 1] / np.sqrt(2), seed=5), BlochModel([1, 1] / np.sqrt(2), seed=5)
    assert a.measure(300, "z") == b.measure(300, "Z")
    assert a.measure(50, "X") == {"0": 50} and a.last_counts == {"0": 50} and a.last_measure == ("X", 50)
    a.apply("z")
    assert a.last_counts is None and a.last_measure is None


@pytest.mark.parametrize("call, match", [
    (lambda m: m.apply("cx"), "unknown gate 'cx'"),
    (lambda m: m.apply("x", 1), r"qubit=1 is not valid; expected an integer from 0 to 0"),
    (lambda m: m.apply("rx", angle=1e7), "is too large; expected an angle in radians"),
    (lambda m: m.apply_channel("dephasing", 2), r"outside \[0, 1\]"),
    (lambda m: m.set_angles(float("nan"), 0), "not finite"),
    (lambda m: m.set_state([1, 0, 0]), "power of two"),
    (lambda m: m.measure(0), "shots=0 is not valid"),
    (lambda m: m.measure(10, "W"), "basis 'W' is not valid; expected 'Z', 'X' or 'Y'"),
    (lambda m: m.measure(10, 3), "basis 3 is not valid"),
])
def test_bad_input_raises_a_clear_error_and_changes_nothing(call, match):
    m = BlochModel(seed=2)
    m.apply("h")
    m.measure(10)
    before = m.save()
    with pytest.raises(ValueError, match=match):
        call(m)
    after = m.save()
    assert after[0] is before[0] and after[1] == before[1] and after[2:] == before[2:]


def test_a_qubit_without_direction_refuses_set_angles():
    m = BlochModel([1, 0, 0, 1] / np.sqrt(2))
    assert m.angles(0) is None
    with pytest.raises(ValueError, match="qubit 0 has a Bloch vector of length 0"):
        m.set_angles(1.0, 0.0)
    with pytest.raises(ValueError, match="length 0"):
        m.check_direction(1)
    assert not m.can_undo


def test_save_and_restore_roll_back_everything():
    m = BlochModel(Statevector.from_label("01"), seed=3)
    token = m.save()
    m.selected_qubit = 1
    m.apply("h", 1)
    m.measure(10)
    m.restore(token)
    assert m.save()[0] is token[0] and m.selected_qubit == 0 and m.last_counts is None and not m.can_undo


def test_undo_stack_and_trails_are_bounded():
    m = BlochModel()
    for _ in range(UNDO_DEPTH + 5):
        m.apply("t")
    assert len(m.undo_stack) == UNDO_DEPTH and len(m.snapshot.trails[0]) == TRAIL_SEGMENTS
    q, path = m.snapshot.arc
    assert q == 0 and path.shape[1] == 3


def test_constructor_rejects_bad_state():
    with pytest.raises(ValueError, match="6 qubits; at most 5"):
        BlochModel(np.zeros(64))


def test_angles_agree_with_states():
    m = BlochModel(S.state_from_angles(1.1, 4.0))
    assert np.allclose(m.angles(), (1.1, 4.0))


def test_docstring_examples_run():
    result = doctest.testmod(importlib.import_module("qmlwidgets.bloch_model"))
    assert result.attempted >= 8 and result.failed == 0
