"""Noise models, readout mitigation and transpile-cost tables (qmlcourse.noise)."""
import math

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import real_amplitudes, zz_feature_map

from qmlcourse import noise as N

pytest.importorskip("qiskit_aer")


def _one_qubit_z(circuit, noise_model):
    est = N.noisy_estimator(noise_model, seed=1)
    return float(est.run([(circuit, "Z")]).result()[0].data.evs)


# ----------------------------------------------------------------------------- noise models
def test_describe_lists_the_gates_that_carry_errors():
    nm = N.make_noise_model(p1=0.01, p2=0.02, readout=(0.02, 0.05))
    d = N.describe_noise_model(nm)
    assert d["one-qubit gates"] == sorted(N.ONE_QUBIT_GATES)
    assert d["two-qubit gates"] == sorted(N.TWO_QUBIT_GATES)
    assert d["readout"] == ["measure"]
    only_readout = N.describe_noise_model(N.readout_noise_model(0.1, 0.1))
    assert only_readout == {"one-qubit gates": [], "two-qubit gates": [], "readout": ["measure"]}
    only_two = N.describe_noise_model(N.make_noise_model(p2=0.1))
    assert only_two["one-qubit gates"] == [] and "cz" in only_two["two-qubit gates"]


def test_depolarising_shrinks_the_bloch_vector_by_one_minus_p():
    qc = QuantumCircuit(1)
    qc.x(0)
    assert _one_qubit_z(qc, N.depolarizing_noise_model(p1=0.1, p2=0.0)) == pytest.approx(-0.9)
    qc.x(0)
    assert _one_qubit_z(qc, N.depolarizing_noise_model(p1=0.1, p2=0.0)) == pytest.approx(0.81)


def test_two_qubit_depolarising_hits_only_two_qubit_gates():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    est = N.noisy_estimator(N.make_noise_model(p2=0.2), seed=0)
    zz = float(est.run([(qc, "ZZ")]).result()[0].data.evs)
    assert zz == pytest.approx(0.8)
    exact = float(N.noisy_estimator(None).run([(qc, "ZZ")]).result()[0].data.evs)
    assert exact == pytest.approx(1.0)


def test_thermal_relaxation_decays_the_excited_state_with_t1():
    qc = QuantumCircuit(1)
    qc.x(0)
    t1, t = 10.0, 0.05
    z = _one_qubit_z(qc, N.thermal_noise_model(t1=t1, t2=10.0, gate_times={"one_qubit": t}))
    p1 = math.exp(-t / t1)
    assert z == pytest.approx(1 - 2 * p1, abs=1e-9)


@pytest.mark.parametrize("kwargs, match", [
    (dict(p1=1.5), "p1"),
    (dict(p2=-0.1), "p2"),
    (dict(t1=50.0), "both t1 and t2"),
    (dict(t1=50.0, t2=150.0), "2·t1"),
    (dict(t1=-1.0, t2=1.0), "t1"),
    (dict(readout=0.1), "pair"),
    (dict(readout=(0.1, 2.0)), "p0_given_1"),
])
def test_bad_noise_parameters_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        N.make_noise_model(**kwargs)


def test_noisy_sampler_is_seeded_and_reproducible():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    nm = N.make_noise_model(p2=0.05, readout=(0.02, 0.05))
    a = N.noisy_sampler(nm, seed=3, shots=500).run([qc]).result()[0].data.meas.get_counts()
    b = N.noisy_sampler(nm, seed=3, shots=500).run([qc]).result()[0].data.meas.get_counts()
    assert a == b and sum(a.values()) == 500 and set(a) == {"00", "01", "10", "11"}


def test_noise_model_and_backend_are_exclusive():
    with pytest.raises(ValueError, match="either"):
        N.noisy_estimator(N.readout_noise_model(), backend=N.fake_backend("linear", 2))


def test_fake_backend_noise_lowers_a_bell_correlation():
    from qiskit.transpiler import generate_preset_pass_manager

    backend = N.fake_backend("linear", 2, seed=5)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    pm = generate_preset_pass_manager(optimization_level=1, backend=backend, seed_transpiler=7)
    isa = pm.run(qc)
    from qiskit.quantum_info import SparsePauliOp

    obs = SparsePauliOp("ZZ").apply_layout(isa.layout)
    zz = float(N.noisy_estimator(backend=backend).run([(isa, obs)]).result()[0].data.evs)
    assert 0.8 < zz < 1.0


# ----------------------------------------------------------------------------- mitigation
def test_readout_matrix_columns_are_conditional_distributions_in_qiskit_order():
    A = N.readout_matrix(0.1, 0.3)
    assert A.tolist() == [[0.9, 0.3], [0.1, 0.7]]
    A2 = N.readout_matrix(0.1, 0.3, num_qubits=2)
    assert np.allclose(A2.sum(axis=0), 1)
    # prepared |01> (qubit 0 is 1): read |00> when qubit 0 flips 1->0 and qubit 1 stays 0
    assert A2[0, 1] == pytest.approx(0.3 * 0.9)
    assert A2[3, 1] == pytest.approx(0.7 * 0.1)


def test_calibration_circuits_prepare_every_basis_state():
    from qiskit.primitives import StatevectorSampler

    cals = N.calibration_circuits(2)
    res = StatevectorSampler(seed=1).run(cals, shots=10).result()
    assert [r.data.meas.get_counts() for r in res] == [{"00": 10}, {"01": 10}, {"10": 10},
                                                      {"11": 10}]


def test_calibration_matrix_from_a_noisy_sampler_matches_the_model():
    nm = N.readout_noise_model(0.05, 0.1)
    res = N.noisy_sampler(nm, seed=4, shots=4000).run(N.calibration_circuits(2)).result()
    A = N.calibration_matrix([r.data.meas.get_counts() for r in res])
    assert np.allclose(A, N.readout_matrix(0.05, 0.1, 2), atol=0.02)


def test_calibration_matrix_validates_its_input():
    with pytest.raises(ValueError, match="one counts dict per basis state"):
        N.calibration_matrix([{"0": 5}, {"1": 5}, {"0": 5}])
    with pytest.raises(ValueError, match="num_qubits"):
        N.calibration_matrix([{"0": 5}, {"1": 5}], num_qubits=2)


def test_mitigation_inverts_the_calibration_and_clips():
    A = N.readout_matrix(0.05, 0.1, 2)
    ideal = np.array([0.5, 0.0, 0.0, 0.5])
    assert np.allclose(N.mitigate(A @ ideal, A), ideal)
    noisy_counts = {"00": 480, "01": 30, "10": 40, "11": 450}
    p = N.mitigate(noisy_counts, A)
    assert p.min() >= 0 and p.sum() == pytest.approx(1.0)
    raw = N.mitigate(noisy_counts, A, clip=False)
    assert raw.sum() == pytest.approx(1.0)
    assert abs(p[0] - 0.5) < abs(N.counts_to_probabilities(noisy_counts, 2)[0] - 0.5) + 1e-12


def test_mitigate_rejects_a_transposed_matrix_and_wrong_sizes():
    A = N.readout_matrix(0.05, 0.2)
    with pytest.raises(ValueError, match="transpose"):
        N.mitigate([0.5, 0.5], A.T)
    with pytest.raises(ValueError, match="entries"):
        N.mitigate([0.5, 0.25, 0.25], A)
    with pytest.raises(ValueError, match="square"):
        N.mitigate([0.5, 0.5], np.ones((2, 3)))


# ----------------------------------------------------------------------------- transpile cost
@pytest.mark.parametrize("topology, n, qubits, edges", [
    ("linear", 5, 5, 4),
    ("all-to-all", 4, 4, 6),
    ("heavy-hex", 6, 19, None),
    ("falcon", 3, 7, 6),
    ("grid", 5, 9, 12),
])
def test_fake_backends_have_the_named_topology(topology, n, qubits, edges):
    b = N.fake_backend(topology, n)
    assert b.num_qubits == qubits
    undirected = {tuple(sorted(e)) for e in b.coupling_map.get_edges()}
    if edges is not None:
        assert len(undirected) == edges
    if topology in ("heavy-hex", "falcon"):
        degrees = np.bincount(np.array(sorted(undirected)).ravel())
        assert degrees.max() == 3          # heavy-hex: no qubit has more than 3 neighbours
    assert set(N.TOPOLOGIES[topology].basis_gates) <= set(b.operation_names)


def test_unknown_topology_or_too_many_qubits_raise():
    with pytest.raises(ValueError, match="topology must be one of"):
        N.fake_backend("ring", 4)
    with pytest.raises(ValueError, match="falcon topology has 7 qubits"):
        N.fake_backend("falcon", 8)


def test_two_qubit_gate_count_skips_barriers():
    qc = QuantumCircuit(3)
    qc.cx(0, 1)
    qc.barrier()
    qc.cz(1, 2)
    qc.ccx(0, 1, 2)
    assert N.two_qubit_gate_count(qc) == 2


def _entangling_circuit(n=5):
    return zz_feature_map(n, reps=1, entanglement="full").compose(
        real_amplitudes(n, reps=1, entanglement="full"))


def test_all_to_all_needs_no_swaps_but_a_chain_does():
    qc = _entangling_circuit(5)
    table = N.transpile_table(qc, ["linear", "all-to-all", "heavy-hex"], seed_transpiler=3)
    rows = table.by_target()
    logical = rows["logical"].two_qubit_gates
    assert logical == 2 * 10 + 10                 # zz: 2 CX per pair; real_amplitudes: 1
    assert rows["all-to-all"].two_qubit_gates <= logical
    assert rows["linear"].two_qubit_gates > logical
    assert rows["heavy-hex"].two_qubit_gates > logical
    assert rows["all-to-all"].two_qubit_gate == "rxx" and rows["heavy-hex"].two_qubit_gate == "ecr"
    assert rows["linear"].device_qubits == 5 and rows["heavy-hex"].device_qubits == 19


def test_transpile_cost_is_reproducible_with_the_seed_and_returns_the_circuit():
    qc = _entangling_circuit(4)
    a = N.transpile_cost(qc, "heavy-hex", seed_transpiler=5)
    b, isa = N.transpile_cost(qc, "heavy-hex", seed_transpiler=5, return_circuit=True)
    assert a == b
    assert N.two_qubit_gate_count(isa) == a.two_qubit_gates and isa.depth() == a.depth
    assert set(isa.count_ops()) <= {"ecr", "rz", "sx", "x", "measure", "barrier"}


def test_transpile_cost_accepts_a_backend():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    cost = N.transpile_cost(qc, N.fake_backend("linear", 3))
    assert cost.two_qubit_gates == 1 and cost.device_qubits == 3


def test_cost_table_text_and_html():
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    table = N.transpile_table(qc, ["linear"])
    text = str(table).splitlines()
    assert text[0].split()[:2] == ["target", "device"] and set(text[1]) <= {"-", " "}
    assert text[2].startswith("logical") and text[3].startswith("linear")
    assert repr(table) == str(table)
    assert table._repr_html_().startswith("<table>") and "<td>linear</td>" in table._repr_html_()
