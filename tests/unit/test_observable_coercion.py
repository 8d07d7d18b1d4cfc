"""One observable coercion (qmlwidgets.engine.as_observable) behind the landscape and the models."""
import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.quantum_info import Pauli, SparseObservable, SparsePauliOp

from qmlcourse.models import VariationalClassifier
from qmlwidgets import landscape
from qmlwidgets.engine import as_observable


@pytest.mark.parametrize("obs", ["ZI", "zi", " Zi ", Pauli("ZI"), SparsePauliOp("ZI"),
                                 SparseObservable.from_label("ZI")])
def test_every_accepted_form_gives_the_same_sparse_pauli_op(obs):
    assert as_observable(obs, 2) == SparsePauliOp("ZI")


@pytest.mark.parametrize("obs, match", [
    ("hello", "could not read observable 'hello' as a Pauli label"),
    ("", "could not read observable"),
    ("ZZZ", "acts on 3 qubits but the circuit has 2"),
    (SparsePauliOp("Z"), "acts on 1 qubits but the circuit has 2"),
    (3.0, "must be one Pauli observable, got float"),
    (["ZI", "IZ"], "must be one Pauli observable, got list"),
])
def test_bad_observables_name_what_is_expected(obs, match):
    with pytest.raises(ValueError, match=match) as info:
        as_observable(obs, 2)
    assert "expected a Pauli label of 2 letters from I, X, Y, Z" in str(info.value)


def test_the_landscape_and_the_models_give_the_same_messages():
    theta = Parameter("t")
    qc = QuantumCircuit(2)
    qc.ry(theta, 0)
    for bad in ("ZZZ", "hello", 3.0):
        with pytest.raises(ValueError) as from_engine:
            as_observable(bad, 2)
        with pytest.raises(ValueError) as from_landscape:
            landscape.circuit_loss(qc, bad)
        with pytest.raises(ValueError) as from_model:
            VariationalClassifier(n_features=2, observable=bad)
        assert str(from_landscape.value) == str(from_model.value) == str(from_engine.value)
    loss = landscape.circuit_loss(qc, "iz")  # lower case now works here too, as in the models (Z on qubit 0)
    np.testing.assert_allclose(loss(np.array([[0.0], [np.pi]])), [1.0, -1.0], atol=1e-12)
