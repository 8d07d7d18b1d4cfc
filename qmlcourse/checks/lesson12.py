"""Checkers for lesson 12 (VQE for the hydrogen molecule)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, call_on_test, checker


def _energy_value(value: Any, where: str) -> float:
    """One real energy from ``value``; a complex number with a ~0 imaginary part is fine
    (``Statevector.expectation_value`` returns one), a real imaginary part gets a hint."""
    try:
        z = complex(np.asarray(value).reshape(()))
    except (TypeError, ValueError):
        raise Verdict(False, f"{where} should be one number (the energy); got "
                             f"{type(value).__name__}.") from None
    if not (np.isfinite(z.real) and np.isfinite(z.imag)):
        raise Verdict(False, f"{where} is NaN or inf.")
    if abs(z.imag) > 1e-9:
        raise Verdict(False, f"{where} is complex ({z:.4g}). The energy of a Hermitian H is real: "
                             "an imaginary part means the operator or the state is not what you meant.")
    return z.real


def _scalar_energy(value: Any, where: str) -> float:
    """The energy as a real scalar, strictly: a Python/NumPy real number or a 0-d real array.

    A length-1 array (``evs`` of a PUB given a (1, P) batch) or a complex number (what
    ``Statevector.expectation_value`` returns) gets a hint that says how to make the float.
    Never converts a complex value with ``float`` (NumPy would warn).

    >>> _scalar_energy(np.array(-1.1), "it")
    -1.1
    """
    import numbers

    fix = ("return one real float: `float(result[0].data.evs)` with the Estimator "
           "(or `float(np.real(...))` for a Statevector expectation value).")
    if isinstance(value, (bool, np.bool_)):
        raise Verdict(False, f"{where} is a bool; {fix}")
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise Verdict(False, f"{where} is a complex number ({complex(value):.4g}), not a real energy: {fix}")
    if isinstance(value, numbers.Real):
        e = float(value)
    elif isinstance(value, np.ndarray):
        if value.dtype.kind == "c":
            raise Verdict(False, f"{where} is a complex array of shape {value.shape}, not a real energy: {fix}")
        if value.dtype.kind not in "iuf":
            raise Verdict(False, f"{where} should be one number (the energy); got an array of {value.dtype}.")
        if value.ndim != 0:
            if value.size == 1:
                raise Verdict(False, f"{where} is an array of shape {value.shape} (the whole `evs`), "
                                     f"not a number: {fix}")
            raise Verdict(False, f"{where} should be one number (the energy); got an array of shape "
                                 f"{value.shape}.")
        e = float(value)
    else:
        raise Verdict(False, f"{where} should be one number (the energy); got {type(value).__name__}.")
    if not np.isfinite(e):
        raise Verdict(False, f"{where} is NaN or inf.")
    return e


def _test_problems() -> list[tuple[str, Any, Any, np.ndarray]]:
    """(name, circuit, Hamiltonian, angles) the learner's functions never saw in the notebook."""
    from qiskit.circuit.library import real_amplitudes

    from qmlcourse import chemistry as ch

    return [("Givens ansatz, H₂ at 1.5 Å", ch.givens_ansatz(2), ch.h2_hamiltonian(1.5), np.array([0.4])),
            ("real_amplitudes(2, reps=1), H₂ at 0.5 Å", real_amplitudes(2, reps=1), ch.h2_hamiltonian(0.5),
             np.array([0.3, -1.1, 2.0, 0.7])),
            ("4-qubit Givens ansatz, STO-3G", ch.givens_ansatz(4),
             ch.h2_hamiltonian(0.735, "qiskit_nature_sto3g_jw"), np.array([-0.2]))]


@checker("Exercise 12.1 — the ansatz energy")
def ansatz_energy(answer: Any) -> Verdict:
    """``answer(circuit, hamiltonian, theta)`` returns ⟨ψ(θ)|H|ψ(θ)⟩ as one real scalar (a float or a
    0-d real array; a length-1 array or a complex number gets a hint)."""
    from qiskit.quantum_info import Statevector

    from qmlwidgets import engine

    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.ansatz_energy(ansatz_energy).")
    for name, qc, H, theta in _test_problems():
        out = call_on_test(answer, (qc, H, theta.copy()), f"the test problem '{name}'",
                           "Use its arguments (circuit, hamiltonian, theta), not the notebook's.",
                           none_hint="finish with `return ...` (one number).")
        e = _scalar_energy(out, "Your function's result")
        want = float(engine.expectation_values(qc, H, theta))
        if np.isclose(e, want, atol=1e-7):
            continue
        if np.isclose(e, -want, atol=1e-7):
            return Verdict(False, f"Sign: on '{name}' you return −E. VQE minimises the energy itself, ⟨H⟩.")
        psi = Statevector(qc.assign_parameters(theta)).data
        amps = np.abs(psi) ** 2
        diag = np.real(np.diag(H.to_matrix()))
        if np.isclose(e, float(amps @ diag), atol=1e-7):
            return Verdict(False, "You kept only the diagonal (Z) terms: the X₀X₁ and Y₀Y₁ terms matter too. "
                                  "Let the Estimator take the whole SparsePauliOp.")
        e0 = float(engine.expectation_values(qc, H, np.zeros_like(theta)))
        if np.isclose(e, e0, atol=1e-7):
            return Verdict(False, "Your energy does not depend on theta: pass theta as the PUB's parameter "
                                  "values, (circuit, hamiltonian, theta).")
        return Verdict(False, f"On '{name}' your function gives {e:.6f} Ha; ⟨ψ(θ)|H|ψ(θ)⟩ is {want:.6f} Ha. "
                              "One PUB: estimator.run([(circuit, hamiltonian, theta)]).result()[0].data.evs.")
    return Verdict(True, "⟨ψ(θ)|H|ψ(θ)⟩ right on 3 circuits and Hamiltonians you never saw (2 and 4 qubits).")


@checker("Exercise 12.2 — the VQE loop")
def vqe_loop(answer: Any) -> Verdict:
    """``answer(circuit, hamiltonian, x0)`` returns ``(params, energy)`` of a minimised energy."""
    from qmlcourse import chemistry as ch
    from qmlwidgets import engine

    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.vqe_loop(vqe).")
    done = []
    for name, qc, H, theta in _test_problems():
        out = call_on_test(answer, (qc, H, theta.copy()), f"the test problem '{name}'",
                           "Use its arguments, not the notebook's variables.",
                           none_hint="finish with `return result.x, result.fun`.")
        if hasattr(out, "x") and hasattr(out, "fun"):
            return Verdict(False, "You returned the optimiser's whole result; return `result.x, result.fun`.")
        try:
            params, energy = out
            x = np.asarray(params, dtype=float).ravel()
        except (TypeError, ValueError):
            return Verdict(False, "Return two things: the optimal angles and their energy, "
                                  "`return result.x, result.fun`.")
        if x.shape != (qc.num_parameters,) or not np.all(np.isfinite(x)):
            return Verdict(False, f"On '{name}' the angles should be {qc.num_parameters} finite numbers; "
                                  f"got shape {x.shape}. Is the order (params, energy)?")
        e = _energy_value(energy, "The energy you return")
        at_x = float(engine.expectation_values(qc, H, x))
        exact = ch.exact_ground_energy(H)
        start = float(engine.expectation_values(qc, H, theta))
        if not np.isclose(e, at_x, atol=1e-6):
            try:
                x2 = np.asarray(energy, dtype=float).ravel()
                e2 = float(np.asarray(params, dtype=float).reshape(()))
                swapped = x2.shape == x.shape and np.isclose(float(engine.expectation_values(qc, H, x2)), e2,
                                                             atol=1e-6)
            except (TypeError, ValueError):
                swapped = False
            if swapped:
                return Verdict(False, "Order: return (params, energy) — the angles first, then their energy.")
            if np.isclose(-e, at_x, atol=1e-6):
                return Verdict(False, "You minimised −E (that maximises the energy). VQE minimises E itself.")
            return Verdict(False, f"On '{name}' you return energy {e:.6f} Ha, but your angles give {at_x:.6f} Ha: "
                                  "return the energy AT the angles you return (result.fun with result.x).")
        if at_x > start + 1e-6:
            return Verdict(False, f"On '{name}' your loop went UPHILL: {at_x:.4f} Ha at the end, {start:.4f} Ha at "
                                  "x0. The loss must be +⟨H⟩, and minimize lowers it.")
        if np.allclose(x, theta) and at_x - exact > ch.CHEMICAL_ACCURACY:
            return Verdict(False, "Your angles are still the start x0: run the optimiser and return its result.")
        if at_x - exact > ch.CHEMICAL_ACCURACY:
            return Verdict(False, f"On '{name}' you stop {1000 * (at_x - exact):.1f} mHa above the exact energy "
                                  "(chemical accuracy: 1.6 mHa). Did the optimiser run to convergence?")
        done.append(f"{1000 * (at_x - exact):.3f} mHa")
    return Verdict(True, "Chemically accurate on 3 problems you never saw (errors " + ", ".join(done) + ").")


def predict_hf_error(guess: Any) -> Any:
    """Record the learner's prediction of Hartree–Fock's error (mHa) at 2.85 Å."""
    return _predict.record("12-hf-error", guess, "Hartree–Fock's error at 2.85 Å (mHa)")


def reveal_hf_error(found_mha: float) -> Any:
    """Compare the recorded prediction with Hartree–Fock's error at the longest bond."""
    return _predict.reveal("12-hf-error", found_mha, "Hartree–Fock's error at 2.85 Å (mHa)", tolerance=80,
                           note="At equilibrium it was 21 mHa: one determinant cannot describe two "
                                "electrons on two separate atoms.")
