import itertools
import math

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import real_amplitudes, zz_feature_map

from qmlcourse import hardware as HW


def brute_permanent(M):
    n = len(M)
    return sum(np.prod([M[i][s[i]] for i in range(n)]) for s in itertools.permutations(range(n)))


def test_permanent_matches_brute_force_and_known_values():
    rng = np.random.default_rng(1)
    for n in range(1, 6):
        M = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        assert complex(HW.permanent(M)) == pytest.approx(brute_permanent(M))
    assert HW.permanent(np.ones((4, 4))) == pytest.approx(24.0)
    assert HW.permanent([[1, 2], [3, 4]]) == 10.0
    assert HW.permanent(np.eye(3)) == 1.0


def test_fock_distribution_sums_to_one_and_equals_permanents():
    U = HW.haar_unitary(5, seed=2)
    assert np.allclose(U.conj().T @ U, np.eye(5))
    dist = HW.fock_distribution(U, [0, 2, 3])
    assert len(dist) == math.comb(5 + 3 - 1, 3)
    assert sum(dist.values()) == pytest.approx(1.0)
    for pattern, p in dist.items():
        if max(pattern) == 1:
            outs = [j for j in range(5) if pattern[j]]
            assert p == pytest.approx(HW.boson_probability(U, [0, 2, 3], outs))


def test_hong_ou_mandel_and_distinguishable_particles():
    bs = HW.beam_splitter()
    dist = HW.fock_distribution(bs, [0, 1])
    assert dist[(1, 1)] == pytest.approx(0.0, abs=1e-15)
    assert dist[(2, 0)] == pytest.approx(0.5) and dist[(0, 2)] == pytest.approx(0.5)
    assert HW.distinguishable_probability(bs, [0, 1], [0, 1]) == pytest.approx(0.5)
    # two photons in the same input mode: bunching statistics of a beam splitter
    same = HW.fock_distribution(bs, [0, 0])
    assert sum(same.values()) == pytest.approx(1.0) and same[(1, 1)] == pytest.approx(0.5)


def test_coupling_maps_have_the_promised_shape():
    assert HW.coupling_map("line", 6).size() == 6
    assert len(HW.coupling_map("line", 6).get_edges()) == 10          # 5 edges, both directions
    assert HW.coupling_map("grid", 6).size() == 6
    assert HW.coupling_map("grid", 9).size() == 9
    assert HW.coupling_map("heavy-hex", 6).size() == 19
    assert HW.coupling_map("heavy-hex", 20).size() == 57
    full = HW.coupling_map("all-to-all", 4)
    assert len(full.get_edges()) == 12
    with pytest.raises(ValueError, match="kind"):
        HW.coupling_map("torus", 4)
    with pytest.raises(ValueError, match="num_qubits"):
        HW.coupling_map("line", 1)


def test_transpile_to_respects_connectivity_and_basis():
    qc = zz_feature_map(4, reps=1).compose(real_amplitudes(4, reps=1))
    for name, (kind, basis) in HW.TARGETS.items():
        isa = HW.transpile_to(qc, name, seed=3)
        assert {i.operation.name for i in isa.data} <= set(basis)
        edges = set(map(tuple, HW.coupling_map(kind, 4).get_edges()))
        for inst in isa.data:
            if len(inst.qubits) == 2:
                a, b = (isa.find_bit(q).index for q in inst.qubits)
                assert (a, b) in edges or (b, a) in edges
    line = HW.circuit_cost(HW.transpile_to(qc, "line", seed=3))
    full = HW.circuit_cost(HW.transpile_to(qc, "all-to-all, CZ (atoms)", seed=3))
    assert line.two_qubit > full.two_qubit
    with pytest.raises(ValueError, match="target"):
        HW.transpile_to(qc, "moon")


def test_circuit_cost_skips_measurements_and_barriers():
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.barrier()
    qc.cz(1, 0)
    qc.measure([0, 1], [0, 1])
    c = HW.circuit_cost(qc)
    assert (c.two_qubit, c.one_qubit, c.two_qubit_depth, c.depth) == (2, 1, 2, 3)


def test_estimated_fidelity_is_a_product_and_validates():
    assert HW.estimated_fidelity(2, 3, 0.9, 0.8) == pytest.approx(0.81 * 0.512)
    assert HW.estimated_fidelity(0, 0, 0.5, 0.5) == 1.0
    with pytest.raises(ValueError, match="between 0 and 1"):
        HW.estimated_fidelity(1, 1, 1.2, 0.9)
    with pytest.raises(ValueError, match="non-negative"):
        HW.estimated_fidelity(-1, 1, 0.9, 0.9)


def test_platform_table_is_complete():
    names = [p.name for p in HW.PLATFORMS]
    assert any("ion" in n for n in names) and any("atom" in n for n in names) and any("photon" in n for n in names)
    for p in HW.PLATFORMS:
        assert "(" in p.source and any(ch.isdigit() for ch in p.source)   # every row cites a year
        assert p.f2q is None or 0.9 < p.f2q < 1


def test_bad_photonic_input_is_named():
    with pytest.raises(ValueError, match="unitary"):
        HW.fock_distribution(np.ones((2, 2)), [0])
    with pytest.raises(ValueError, match="input modes"):
        HW.fock_distribution(np.eye(2), [3])
    with pytest.raises(ValueError, match="square"):
        HW.permanent(np.ones((2, 3)))
