import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp

from qmlcourse.checks import lesson06 as check


def shift_rule(f, theta, s=np.pi / 2, scale=0.5):
    theta = np.asarray(theta, dtype=float)
    g = np.zeros(theta.size)
    for k in range(theta.size):
        e = np.zeros(theta.size)
        e[k] = s
        g[k] = scale * (f(theta + e) - f(theta - e))
    return g


# ---------------------------------------------------------------- 6.1 parameter shift
def test_parameter_shift_right(capsys):
    assert check.parameter_shift(shift_rule)
    assert "exact" in capsys.readouterr().out


def test_general_shift_rule_is_accepted(capsys):
    s = 0.7  # [f(θ+s) − f(θ−s)] / (2 sin s) is exact too
    assert check.parameter_shift(lambda f, t: shift_rule(f, t, s, 0.5 / np.sin(s)))
    assert "standard rule uses π/2" in capsys.readouterr().out


@pytest.mark.parametrize("fn, hint", [
    (lambda f, t: shift_rule(f, t, scale=1.0), "divide the difference by 2"),
    (lambda f, t: shift_rule(f, t, scale=0.25), "Half too small"),
    (lambda f, t: shift_rule(f, t, scale=-0.5), "Wrong sign"),
    (lambda f, t: shift_rule(f, t, s=np.pi), "period 2π"),
    (lambda f, t: shift_rule(f, t, s=1e-5, scale=0.5 / 1e-5), "finite difference"),
    (lambda f, t: np.array([f(t + np.pi / 2 * e) - f(t) for e in np.eye(len(t))]), "BOTH shifted points"),
    (lambda f, t: np.ones(len(t)), "Largest error"),
    (lambda f, t: np.ones(3), "one derivative per parameter"),
    (lambda f, t: None, "returns None"),
])
def test_parameter_shift_hints(capsys, fn, hint):
    assert not check.parameter_shift(fn)
    assert hint in capsys.readouterr().out


def test_parameter_shift_in_place_mutation(capsys):
    def mutating(f, theta):
        g = np.zeros(theta.size)
        for k in range(theta.size):
            theta[k] += np.pi / 2
            up = f(theta)
            theta[k] -= np.pi
            down = f(theta)
            g[k] = (up - down) / 2  # forgot to restore theta[k]
        return g

    assert not check.parameter_shift(mutating)
    assert "in place" in capsys.readouterr().out


def test_parameter_shift_garbage(capsys):
    assert not check.parameter_shift(None)
    assert not check.parameter_shift([1, 2])
    assert "function itself" in capsys.readouterr().out
    assert not check.parameter_shift(lambda f: 0)
    assert "raised TypeError" in capsys.readouterr().out


# ---------------------------------------------------------------- 6.2 Ising ring
def ring(J=1.0, h=0.5, periodic=True, zz="ZZ", x="X", n=3):
    bonds = [(i, (i + 1) % n) for i in range(n if periodic else n - 1)]
    return SparsePauliOp.from_sparse_list([(zz, list(b), -J) for b in bonds] + [(x, [i], -h) for i in range(n)],
                                          num_qubits=n)


def test_ising_ring_right(capsys):
    assert check.ising_ring(ring())
    assert "Ground energy -3.2321" in capsys.readouterr().out
    labels = SparsePauliOp(["ZIZ", "IZZ", "ZZI", "IIX", "IXI", "XII"], [-1, -1, -1, -0.5, -0.5, -0.5])
    assert check.ising_ring(labels)  # term order and label form do not matter


@pytest.mark.parametrize("answer, hint", [
    (ring(periodic=False), "open chain"),
    (ring(J=-1.0, h=-0.5), "All signs flipped"),
    (ring(J=-1.0), "ZZ couplings need coefficient −1"),
    (ring(h=-0.5), "X fields need coefficient −0.5"),
    (ring(h=1.0), "h = 0.5"),
    (ring(zz="XX", x="Z"), "Swapped"),
    (ring(n=4), "3 (num_qubits=3)"),
    (SparsePauliOp(["ZZI"], [1j]), "not Hermitian"),
    (SparsePauliOp(["ZZI", "IIX"], [-1, -0.5]), "Not the ring Hamiltonian"),
])
def test_ising_ring_hints(capsys, answer, hint):
    assert not check.ising_ring(answer)
    assert hint in capsys.readouterr().out


def test_ising_ring_garbage(capsys):
    assert not check.ising_ring(None)
    assert not check.ising_ring(3.5)
    assert not check.ising_ring("hello")
    assert "SparsePauliOp" in capsys.readouterr().out
