import numpy as np

from qmlcourse import chemistry as ch
from qmlwidgets import engine
from qmlcourse.checks import lesson12 as check


def test_hartree_fock_right_answer(capsys):
    assert check.hartree_fock_energy(ch.hartree_fock_energy(1.0))
    assert "correlation energy" in capsys.readouterr().out
    assert check.hartree_fock_energy(ch.hartree_fock_energy(2.0), bond_length=2.0)


def test_hartree_fock_hints(capsys):
    H = ch.h2_hamiltonian(1.0)
    assert not check.hartree_fock_energy(ch.exact_ground_energy(H))
    assert "exact ground energy" in capsys.readouterr().out
    assert not check.hartree_fock_energy(ch.basis_state_energy(H, "10"))
    assert "rightmost" in capsys.readouterr().out
    assert not check.hartree_fock_energy(ch.basis_state_energy(H, "00"))
    assert "empty state" in capsys.readouterr().out
    assert not check.hartree_fock_energy(ch.basis_state_energy(H, "11"))
    assert "⟨11|H|11⟩" in capsys.readouterr().out
    assert not check.hartree_fock_energy(ch.hartree_fock_energy(0.75))
    assert "0.75 Å" in capsys.readouterr().out
    assert not check.hartree_fock_energy(-3.0)
    assert "Z → +1" in capsys.readouterr().out


def best_theta(R):
    th = np.linspace(-np.pi, np.pi, 20001)
    e = engine.expectation_values(ch.givens_ansatz(2), ch.h2_hamiltonian(R), th[:, None])
    return float(th[np.argmin(e)])


def test_angle_right_answer(capsys):
    t = best_theta(2.0)
    assert check.chemically_accurate_angle(t)
    assert check.chemically_accurate_angle(t + 2 * np.pi)  # same energy
    assert "mHa" in capsys.readouterr().out


def test_angle_hints(capsys):
    t = best_theta(2.0)
    assert not check.chemically_accurate_angle(np.rad2deg(t))
    assert "degrees" in capsys.readouterr().out
    assert not check.chemically_accurate_angle(0.0)
    assert "Scan θ" in capsys.readouterr().out
    # the sign hint: an angle whose negative is accurate
    H = ch.h2_hamiltonian(2.0)
    qc = ch.givens_ansatz(2)
    assert float(engine.expectation_values(qc, H, [-t])) - ch.exact_ground_energy(H) > 1.6e-3
    assert not check.chemically_accurate_angle(-t)
    assert "Sign" in capsys.readouterr().out


def test_missing_or_garbage_never_raises(capsys):
    assert not check.hartree_fock_energy(None)
    assert not check.hartree_fock_energy("abc")
    assert not check.hartree_fock_energy([1.0, 2.0])
    assert not check.chemically_accurate_angle(None)
    assert not check.chemically_accurate_angle(float("nan"))
    out = capsys.readouterr().out
    assert "no answer yet" in out and "Traceback" not in out
