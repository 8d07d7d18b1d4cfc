"""H2 Hamiltonian data: provenance fields, conventions, and an independent check of every
table against full-CI energies computed here from scratch (Gaussian integrals, no chemistry
package), plus the Givens ansatz."""
from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp, Statevector

from qmlcourse import chemistry as ch
from qmlwidgets import engine

BOHR = 0.52917721092  # angstrom per bohr
# minimal-basis contractions of the hydrogen 1s Slater orbital (zeta = 1.24)
STO3G = ([3.42525091, 0.62391373, 0.16885540], [0.15432897, 0.53532814, 0.44463454])
STO6G = ([35.52322122, 6.513143725, 1.822142904, 0.625955266, 0.243076747, 0.100112428],
         [0.00916359628, 0.04936149294, 0.16853830490, 0.37056279970, 0.41649152980, 0.13033408410])


def _boys0(t):
    t = np.asarray(t, dtype=float)
    out = np.ones_like(t)
    big = t > 1e-12
    from scipy.special import erf

    out[big] = 0.5 * np.sqrt(np.pi / t[big]) * erf(np.sqrt(t[big]))
    return out


def h2_fci(bond_length, basis):
    """(FCI, HF) total energies of H2 in a minimal basis (Szabo & Ostlund, ch. 3 and 4)."""
    alpha, d = (np.asarray(v, dtype=float) for v in basis)
    c = d * (2 * alpha / np.pi) ** 0.75
    R = bond_length / BOHR
    centres = np.array([0.0, R])  # both nuclei on the z axis
    a, b = np.meshgrid(alpha, alpha, indexing="ij")
    ca, cb = np.meshgrid(c, c, indexing="ij")
    S = np.zeros((2, 2))
    H = np.zeros((2, 2))
    pair = {}
    for i in range(2):
        for j in range(2):
            A, B = centres[i], centres[j]
            p = a + b
            mu = a * b / p
            P = (a * A + b * B) / p
            s = (np.pi / p) ** 1.5 * np.exp(-mu * (A - B) ** 2)
            S[i, j] = np.sum(ca * cb * s)
            T = np.sum(ca * cb * mu * (3 - 2 * mu * (A - B) ** 2) * s)
            V = sum(np.sum(ca * cb * (-2 * np.pi / p) * np.exp(-mu * (A - B) ** 2)
                           * _boys0(p * (P - C) ** 2)) for C in centres)
            H[i, j] = T + V
            pair[i, j] = (p.ravel(), P.ravel(), (ca * cb * np.exp(-mu * (A - B) ** 2)).ravel())
    G = np.zeros((2, 2, 2, 2))
    for (i, j), (p, P, wp) in pair.items():
        for (k, l), (q, Q, wq) in pair.items():  # noqa: E741 (ijkl: the usual two-electron integral indices)
            pp, qq = p[:, None], q[None, :]
            G[i, j, k, l] = np.sum(wp[:, None] * wq[None, :] * 2 * np.pi**2.5
                                   / (pp * qq * np.sqrt(pp + qq))
                                   * _boys0(pp * qq / (pp + qq) * (P[:, None] - Q[None, :]) ** 2))
    s12 = S[0, 1]
    Cmo = np.array([[1, 1], [1, -1]]) / np.sqrt([2 * (1 + s12), 2 * (1 - s12)])
    h = Cmo.T @ H @ Cmo
    g = np.einsum("pi,qj,rk,sl,pqrs->ijkl", Cmo, Cmo, Cmo, Cmo, G)
    e_hf = 2 * h[0, 0] + g[0, 0, 0, 0]
    e_dd = 2 * h[1, 1] + g[1, 1, 1, 1]
    ci = np.array([[e_hf, g[0, 1, 0, 1]], [g[0, 1, 0, 1], e_dd]])
    return np.linalg.eigvalsh(ci)[0] + 1 / R, e_hf + 1 / R


def test_reference_calculation_reproduces_textbook_values():
    # the well-known STO-3G numbers at 0.735 angstrom (e.g. Qiskit Nature, PySCF)
    fci, hf = h2_fci(0.735, STO3G)
    assert fci == pytest.approx(-1.137306, abs=2e-6)
    assert hf == pytest.approx(-1.116999, abs=2e-6)


def test_every_dataset_has_provenance_and_consistent_shapes():
    assert set(ch.datasets()) >= {"omalley2016", "qiskit_nature_sto3g_jw", "qiskit_nature_sto3g_parity"}
    for name in ch.datasets():
        d = ch.load_h2(name)
        assert "github.com" in d.metadata.get("copied_from", "") + d.citation
        assert len(d.hartree_fock_bitstring) == d.num_qubits
        for label, values in d.terms.items():
            assert len(label) == d.num_qubits and set(label) <= set("IXYZ")
            assert values.shape == d.bond_lengths.shape
    assert "Phys. Rev. X 6, 031007" in ch.load_h2("omalley2016").citation
    assert len(ch.h2_bond_lengths()) == 54


@pytest.mark.parametrize("bond_length", [0.2, 0.5, 0.75, 1.0, 1.5, 2.0, 2.85])
def test_omalley_table_matches_sto6g_full_ci(bond_length):
    fci, hf = h2_fci(bond_length, STO6G)
    H = ch.h2_hamiltonian(bond_length)
    # 4-decimal rounding of six coefficients: agreement far inside chemical accuracy
    assert ch.exact_ground_energy(H) == pytest.approx(fci, abs=4e-4)
    assert ch.hartree_fock_energy(bond_length) == pytest.approx(hf, abs=4e-4)


def test_omalley_table_is_not_sto3g():
    fci3, _ = h2_fci(0.75, STO3G)
    assert abs(ch.exact_ground_energy(ch.h2_hamiltonian(0.75)) - fci3) > 5 * ch.CHEMICAL_ACCURACY


@pytest.mark.parametrize("dataset", ["qiskit_nature_sto3g_jw", "qiskit_nature_sto3g_parity"])
def test_qiskit_nature_tables_match_sto3g_full_ci(dataset):
    fci, hf = h2_fci(0.735, STO3G)
    H = ch.h2_hamiltonian(0.735, dataset)
    assert ch.exact_ground_energy(H) == pytest.approx(fci, abs=1e-6)
    assert ch.hartree_fock_energy(0.735, dataset) == pytest.approx(hf, abs=1e-6)
    assert ch.load_h2(dataset).nuclear_repulsion[0] == pytest.approx(1 / (0.735 / BOHR), abs=1e-9)


def test_dissociation_curve_shape():
    E = ch.exact_ground_energies()
    R = ch.h2_bond_lengths()
    assert R[np.argmin(E)] == pytest.approx(0.75)  # equilibrium near 0.74 angstrom
    assert E[-1] == pytest.approx(h2_fci(2.85, STO6G)[0], abs=4e-4)
    assert np.all(E[-5:] > E.min() + 0.15)  # dissociation costs ~0.2 Ha


def test_hamiltonian_conventions():
    H = ch.h2_hamiltonian(0.75)
    d = ch.load_h2()
    i = int(np.argmin(np.abs(d.bond_lengths - 0.75)))
    coeffs = dict(zip(H.paulis.to_labels(), H.coeffs.real, strict=True))
    assert coeffs["IZ"] == d.terms["IZ"][i] == 0.3435  # g1 Z0: Z on qubit 0 (rightmost)
    assert coeffs["ZI"] == -0.4347
    assert np.allclose(H.to_matrix(), H.to_matrix().conj().T)
    # HF |01> (qubit 0 occupied) is the lowest basis state; |10> is not
    energies = {b: ch.basis_state_energy(H, b) for b in ("00", "01", "10", "11")}
    assert min(energies, key=energies.get) == "01"
    assert energies["01"] == pytest.approx(np.real(Statevector.from_label("01").expectation_value(H)))


def test_bad_bond_length_and_dataset_messages():
    with pytest.raises(ValueError, match="nearest tabulated value is 0.75"):
        ch.h2_hamiltonian(0.74)
    with pytest.raises(ValueError, match="bohr"):
        ch.h2_hamiltonian(1.4 / BOHR * 2)
    with pytest.raises(ValueError, match="unknown H2 data set"):
        ch.load_h2("nope")
    with pytest.raises(ValueError, match="must be a number"):
        ch.h2_hamiltonian("short")
    with pytest.raises(ValueError, match="2 or 4 qubits"):
        ch.givens_ansatz(3)


@pytest.mark.parametrize("dataset, R", [("omalley2016", 0.75), ("omalley2016", 2.0),
                                        ("qiskit_nature_sto3g_jw", 0.735),
                                        ("qiskit_nature_sto3g_parity", 0.735)])
def test_givens_ansatz_starts_at_hf_and_reaches_the_exact_energy(dataset, R):
    H = ch.h2_hamiltonian(R, dataset)
    qc = ch.givens_ansatz(H.num_qubits)
    assert qc.num_parameters == 1
    e0 = float(engine.expectation_values(qc, H, [0.0]))
    assert e0 == pytest.approx(ch.hartree_fock_energy(R, dataset), abs=1e-12)
    theta = np.linspace(-math.pi, math.pi, 4001)
    e = engine.expectation_values(qc, H, theta[:, None])
    assert e.min() - ch.exact_ground_energy(H) < 1e-5


def test_chemical_accuracy_constant():
    assert ch.CHEMICAL_ACCURACY == pytest.approx(1 / 627.5095, rel=0.01)
    assert isinstance(ch.h2_hamiltonian(), SparsePauliOp)


def test_run_vqe_reaches_exact_energy_and_records_its_path():
    from qiskit.circuit.library import real_amplitudes

    H = ch.h2_hamiltonian(0.75)
    exact = ch.exact_ground_energy(H)
    g = ch.run_vqe(ch.givens_ansatz(2), H, [0.0])
    assert g.energy - exact < 1e-8
    assert g.history[0] == pytest.approx(ch.hartree_fock_energy(0.75))
    assert len(g.history) == len(g.trajectory) and g.trajectory.shape[1] == 1
    assert np.all(np.diff(g.history) <= 1e-12)
    hea = real_amplitudes(2, reps=1)
    r = ch.run_vqe(hea, H, np.random.default_rng(0).uniform(-3, 3, 4))
    assert r.energy - exact < ch.CHEMICAL_ACCURACY and r.nfev >= len(r.history) - 1
    assert "VQEResult(energy=" in repr(r)
    with pytest.raises(ValueError, match="x0 needs 4 values"):
        ch.run_vqe(hea, H, [0.0])
