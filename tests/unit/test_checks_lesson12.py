import warnings

import numpy as np
import pytest
from qiskit.quantum_info import Statevector
from scipy.optimize import minimize

from qmlcourse.checks import lesson12 as check
from qmlwidgets import Estimator


def energy_estimator(circuit, hamiltonian, theta):
    return float(Estimator().run([(circuit, hamiltonian, theta)]).result()[0].data.evs)


def energy_statevector(circuit, hamiltonian, theta):       # complex with zero imaginary part
    return Statevector(circuit.assign_parameters(theta)).expectation_value(hamiltonian)


def test_energy_right_answers(capsys):
    assert check.ansatz_energy(energy_estimator)
    # the 0-d evs array itself and a NumPy float are real scalars too
    assert check.ansatz_energy(lambda c, h, t: Estimator().run([(c, h, t)]).result()[0].data.evs)
    assert check.ansatz_energy(lambda c, h, t: np.float64(energy_estimator(c, h, t)))
    assert capsys.readouterr().out.count("never saw") == 3


@pytest.mark.parametrize("fn, shape_word", [
    (energy_statevector, "complex number"),                                            # complex, imag 0
    (lambda c, h, t: Estimator().run([(c, h, [t])]).result()[0].data.evs, "shape (1,)"),  # length-1 evs
    (lambda c, h, t: np.array([energy_estimator(c, h, t)]), "shape (1,)"),
    (lambda c, h, t: np.array(energy_estimator(c, h, t) + 0j), "complex array"),
])
def test_energy_not_a_real_scalar_gets_float_hint_without_warning(capsys, fn, shape_word):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no ComplexWarning / DeprecationWarning from NumPy
        assert not check.ansatz_energy(fn)
    out = capsys.readouterr().out
    assert shape_word in out and "float(result[0].data.evs)" in out


def test_energy_hints(capsys):
    def diag_only(circuit, hamiltonian, theta):
        p = Statevector(circuit.assign_parameters(theta)).probabilities()
        return float(p @ np.real(np.diag(hamiltonian.to_matrix())))

    cases = [(lambda c, h, t: -energy_estimator(c, h, t), "Sign"),
             (diag_only, "diagonal"),
             (lambda c, h, t: energy_estimator(c, h, np.zeros_like(t)), "does not depend on theta"),
             (lambda c, h, t: energy_estimator(c, h, t) + 1j, "complex"),
             (lambda c, h, t: energy_estimator(c, h, t) + 0.1, "⟨ψ(θ)|H|ψ(θ)⟩ is"),
             (lambda c, h, t: None, "returns None"),
             (lambda c, h, t: "x", "one number"),
             (lambda c, h, t: [1.0, 2.0], "one number"),
             (lambda c, h, t: float(np.asarray(t)[3]), "raised IndexError"),
             (42, "Pass your function")]
    for fn, hint in cases:
        assert not check.ansatz_energy(fn)
        assert hint in capsys.readouterr().out, hint


def loop(sign=1.0, whole=False, order=False, no_run=False, lie=False, maxiter=500):
    def fn(circuit, hamiltonian, x0):
        res = minimize(lambda t: sign * energy_estimator(circuit, hamiltonian, t), x0, method="COBYLA",
                       options={"maxiter": maxiter})
        if whole:
            return res
        x = np.asarray(x0, dtype=float) if no_run else res.x
        e = energy_estimator(circuit, hamiltonian, x)
        if lie:
            e -= 0.01
        if sign < 0:
            e = res.fun
        return (e, x) if order else (x, e)
    return fn


def test_loop_right_answer(capsys):
    assert check.vqe_loop(loop())
    assert "Chemically accurate on 3 problems" in capsys.readouterr().out


def test_loop_hints(capsys):
    cases = [(loop(sign=-1.0), "minimised −E"),
             (loop(whole=True), "whole result"),
             (loop(order=True), "(params, energy)"),
             (loop(no_run=True), "still the start"),
             (loop(lie=True), "AT the angles"),
             (loop(maxiter=3), "above the exact energy"),
             (lambda c, h, x: None, "returns None"),
             (lambda c, h, x: 5.0, "Return two things"),
             (42, "Pass your function")]
    for fn, hint in cases:
        assert not check.vqe_loop(fn)
        assert hint in capsys.readouterr().out, hint


def test_loop_highest_energy_hint(capsys):
    def maximiser(circuit, hamiltonian, x0):
        res = minimize(lambda t: -energy_estimator(circuit, hamiltonian, t), x0, method="COBYLA")
        return res.x, energy_estimator(circuit, hamiltonian, res.x)
    assert not check.vqe_loop(maximiser)
    assert "UPHILL" in capsys.readouterr().out


def test_predict_and_reveal(capsys):
    assert check.predict_hf_error(200)
    assert check.reveal_hf_error(266.1)
    out = capsys.readouterr().out
    assert "🔮" in out and "you predicted 200" in out
    assert not check.predict_hf_error("lots")
    assert "none recorded" in capsys.readouterr().out


def test_missing_or_garbage_never_raises(capsys):
    for fn in (check.ansatz_energy, check.vqe_loop):
        assert not fn(None)
        assert not fn("abc")
        assert not fn(lambda *a: float("nan"))
    out = capsys.readouterr().out
    assert "no answer yet" in out and "Traceback" not in out
