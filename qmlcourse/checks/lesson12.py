"""Checkers for lesson 12 (VQE for the hydrogen molecule)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse.checks._core import Verdict, checker


def _number(answer: Any, what: str) -> float:
    try:
        x = float(np.asarray(answer, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise Verdict(False, f"Give {what} as one number.") from None
    if not np.isfinite(x):
        raise Verdict(False, "Your answer is NaN or inf.")
    return x


@checker("Exercise 12.1 — the Hartree–Fock energy")
def hartree_fock_energy(answer: Any, bond_length: float = 1.0) -> Verdict:
    """``answer`` = ⟨01|H|01⟩ at ``bond_length`` (O'Malley table)."""
    from qmlcourse import chemistry as ch

    e = _number(answer, "the energy in hartree")
    H = ch.h2_hamiltonian(bond_length)
    want = ch.hartree_fock_energy(bond_length)
    if np.isclose(e, want, atol=1e-6):
        exact = ch.exact_ground_energy(H)
        return Verdict(True, f"E_HF = {want:.4f} Ha, {1000 * (want - exact):.1f} mHa above the exact "
                             "ground energy: that gap is the correlation energy VQE must recover.")
    if np.isclose(e, ch.exact_ground_energy(H), atol=1e-6):
        return Verdict(False, "That is the exact ground energy (lowest eigenvalue). Hartree–Fock is "
                              "the energy of one basis state, the occupied orbital: ⟨01|H|01⟩.")
    if np.isclose(e, ch.basis_state_energy(H, "10"), atol=1e-6):
        return Verdict(False, "Qubit order: Hartree–Fock has qubit 0 in |1⟩, which Qiskit writes "
                              "'01' (the rightmost character is qubit 0). You used '10'.")
    if np.isclose(e, ch.basis_state_energy(H, "00"), atol=1e-6):
        return Verdict(False, "That is ⟨00|H|00⟩, the empty state. Hartree–Fock is '01' (qubit 0 set).")
    if np.isclose(e, ch.basis_state_energy(H, "11"), atol=1e-6):
        return Verdict(False, "That is ⟨11|H|11⟩. Hartree–Fock is '01' (only qubit 0 set).")
    for R in ch.h2_bond_lengths():
        if np.isclose(e, ch.hartree_fock_energy(R), atol=1e-6):
            return Verdict(False, f"That is the Hartree–Fock energy at {R:g} Å; this exercise asks "
                                  f"for {bond_length:g} Å.")
    return Verdict(False, f"Expected ⟨01|H|01⟩ at {bond_length:g} Å: sum the I and Z coefficients "
                          "with Z → +1 for a qubit in |0⟩ and −1 for |1⟩ (X and Y terms give 0).")


@checker("Exercise 12.2 — chemical accuracy with one angle")
def chemically_accurate_angle(answer: Any, bond_length: float = 2.0) -> Verdict:
    """``answer`` = θ for :func:`~qmlcourse.chemistry.givens_ansatz` within 1.6 mHa of exact."""
    from qmlcourse import chemistry as ch
    from qmlwidgets import engine

    theta = _number(answer, "the angle θ (radians)")
    H = ch.h2_hamiltonian(bond_length)
    qc = ch.givens_ansatz(2)
    exact = ch.exact_ground_energy(H)
    err = max(float(engine.expectation_values(qc, H, [theta])) - exact, 0.0)  # ≥ 0 up to round-off
    if err <= ch.CHEMICAL_ACCURACY:
        return Verdict(True, f"E(θ) − E_exact = {1000 * err:.3f} mHa < 1.6 mHa: chemically accurate "
                             "with a single parameter.")
    if abs(theta) > 2 * np.pi + 1e-9:
        rad = np.deg2rad(theta)
        err_rad = float(engine.expectation_values(qc, H, [rad])) - exact
        if err_rad <= ch.CHEMICAL_ACCURACY:
            return Verdict(False, "That is in degrees; Qiskit angles are radians (multiply by π/180).")
    err_neg = float(engine.expectation_values(qc, H, [-theta])) - exact
    if err_neg <= ch.CHEMICAL_ACCURACY:
        return Verdict(False, f"Sign: −θ works but θ gives an error of {1000 * err:.1f} mHa. The "
                              "ground state mixes |01⟩ and |10⟩ with a definite relative sign.")
    return Verdict(False, f"E(θ) is {1000 * err:.1f} mHa above the exact energy; you need < 1.6 mHa. "
                          "Scan θ (or run the optimiser) and take the minimum.")
