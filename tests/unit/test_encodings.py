"""Encodings: the states they prepare (checked against Qiskit) and their costs."""
import math

import numpy as np
import pytest
from qiskit.circuit.library import zz_feature_map
from qiskit.quantum_info import Statevector

from qmlcourse import encodings as E
from qmlwidgets.engine import statevectors


@pytest.mark.parametrize("label", ["0", "1", "10", "011", "1101"])
def test_basis_encoding_string_is_a_qiskit_label(label):
    assert Statevector(E.basis_encoding(label)).equiv(Statevector.from_label(label))


def test_basis_encoding_int_and_sequence_forms():
    sv = Statevector(E.basis_encoding(6, num_qubits=4))
    assert sv.num_qubits == 4 and np.isclose(abs(sv.data[6]), 1)
    sv = Statevector(E.basis_encoding([1, 0, 0]))  # item i -> qubit i
    assert np.isclose(abs(sv.data[1]), 1)
    assert E.basis_encoding("0000").size() == 0
    with pytest.raises(ValueError, match="needs 3 qubits"):
        E.basis_encoding(6, num_qubits=2)
    with pytest.raises(ValueError, match="0s and 1s"):
        E.basis_encoding("102")
    with pytest.raises(ValueError):
        E.basis_encoding([0, 2])


def test_angle_encoding_ry_is_a_product_of_cos_sin():
    x = np.array([0.3, 1.7, 2.9])
    psi = statevectors(E.angle_encoding(3), x)
    expect = np.array([1.0])
    for xi in x:  # qubit 0 is the rightmost tensor factor
        expect = np.kron([math.cos(xi / 2), math.sin(xi / 2)], expect)
    assert np.allclose(psi, expect)


@pytest.mark.parametrize("rotation", ["rx", "rz"])
def test_angle_encoding_other_rotations_match_qiskit(rotation):
    enc = E.angle_encoding(2, rotation)
    x = [0.4, 2.2]
    assert Statevector(enc.assign_parameters(x)).equiv(Statevector(statevectors(enc, x)))
    assert enc.count_ops()[rotation] == 2


def test_dense_angle_encoding_and_scale():
    enc = E.angle_encoding(3, dense=True)
    assert enc.num_qubits == 2 and enc.num_parameters == 3
    assert enc.count_ops() == {"ry": 2, "rz": 1}
    x = np.array([0.5, 1.0])
    assert np.allclose(statevectors(E.angle_encoding(2, scale=0.5), x), statevectors(E.angle_encoding(2), 0.5 * x))
    with pytest.raises(ValueError, match="rotation"):
        E.angle_encoding(2, "ryy")
    with pytest.raises(ValueError, match="num_features"):
        E.angle_encoding(0)


def test_amplitude_vector_normalises_and_pads():
    v = E.amplitude_vector([1, 2, 2])
    assert v.shape == (4,) and np.isclose(np.linalg.norm(v), 1) and np.allclose(v[:3], [1 / 3, 2 / 3, 2 / 3])
    assert E.amplitude_vector([1, 0], num_qubits=3).shape == (8,)
    with pytest.raises(ValueError, match="zero vector"):
        E.amplitude_vector([0, 0])
    with pytest.raises(ValueError, match="do not fit"):
        E.amplitude_vector(np.ones(5), num_qubits=2)
    with pytest.raises(ValueError, match="1-D"):
        E.amplitude_vector(np.ones((2, 2)))


def test_amplitude_encoding_prepares_the_vector():
    x = np.random.default_rng(0).normal(size=8)
    qc = E.amplitude_encoding(x)
    assert qc.num_qubits == 3
    assert np.allclose(Statevector(qc).data, x / np.linalg.norm(x))
    assert np.allclose(statevectors(qc), x / np.linalg.norm(x))


def test_qubits_needed():
    assert [E.qubits_needed(e, 5) for e in E.ENCODINGS] == [5, 5, 3, 3, 5]
    assert E.qubits_needed("amplitude", 1) == 1 and E.qubits_needed("IQP", 3) == 3
    with pytest.raises(ValueError, match="unknown encoding"):
        E.qubits_needed("fourier", 3)


def test_encoding_cost_counts_rotations_and_cnots():
    assert E.encoding_cost(E.angle_encoding(4)) == {"qubits": 4, "one_qubit_gates": 4, "two_qubit_gates": 0,
                                                     "depth": 1}
    zz = E.encoding_cost(zz_feature_map(3, reps=2))
    assert zz["two_qubit_gates"] == 2 * 2 * 3  # 3 pairs, 2 CNOTs each, 2 repetitions
    with pytest.raises(ValueError, match="QuantumCircuit"):
        E.encoding_cost("h 0")


def test_cost_table_rows_and_scaling():
    rows = E.cost_table([2, 4], ["angle", "amplitude", "zz"])
    assert [r["encoding"] for r in rows] == ["angle", "angle", "amplitude", "amplitude", "zz", "zz"]
    by = {(r["encoding"], r["features"]): r for r in rows}
    assert by[("amplitude", 4)]["qubits"] == 2
    assert by[("zz", 4)]["two_qubit_gates"] > by[("zz", 2)]["two_qubit_gates"]
    assert E.encoding_circuit("amplitude", 4, seed=1).num_qubits == 2


def test_docstring_examples_run():
    import doctest

    from qmlcourse import encodings as module

    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
