import numpy as np
import pytest
from qiskit.circuit.library import zz_feature_map

from qmlcourse.checks import lesson05 as check
from qmlcourse.kernels import feature_states, kernel_target_alignment

# ---------------------------------------------------------------- 5.1 compute-uncompute circuit
def cu_right(fm, x, xp):
    return fm.assign_parameters(x).compose(fm.assign_parameters(xp).inverse())


def cu_measured(fm, x, xp):
    qc = cu_right(fm, x, xp)
    qc.measure_all()
    return qc


def cu_swapped(fm, x, xp):  # U(x)^dagger U(x'): same probability, k is symmetric
    return cu_right(fm, xp, x)


def test_kernel_circuit_right(capsys):
    assert check.kernel_circuit(cu_right)
    assert check.kernel_circuit(cu_measured)
    assert check.kernel_circuit(cu_swapped)
    assert "equals k(x, x')" in capsys.readouterr().out


def test_kernel_circuit_library_way_passes(capsys):
    from qmlcourse.kernels import compute_uncompute_circuit

    def lib(fm, x, xp):
        qc, xs, ys = compute_uncompute_circuit(fm)
        return qc.assign_parameters(dict(zip(xs, x, strict=True)) | dict(zip(ys, xp, strict=True)))

    assert check.kernel_circuit(lib)


@pytest.mark.parametrize("fn, hint", [
    (lambda fm, x, xp: cu_right(fm, x, x), "SAME point"),
    (lambda fm, x, xp: fm.assign_parameters(x), "only the encoding"),
    (lambda fm, x, xp: fm.assign_parameters(x).compose(fm.assign_parameters(xp)), "INVERTED"),
    (lambda fm, x, xp: fm.assign_parameters(xp).inverse().compose(fm.assign_parameters(x)), "Order"),
    (lambda fm, x, xp: fm.compose(fm.inverse()), "free parameters"),
    (lambda fm, x, xp: None, "returns None"),
    (lambda fm, x, xp: "circuit", "must return a QuantumCircuit"),
    (lambda fm, x, xp: cu_right(zz_feature_map(4, reps=1), list(x) * 2, list(xp) * 2)
     if fm.num_qubits == 2 else cu_right(fm, x, xp), "qubits"),
    (lambda fm, x, xp: cu_right(fm, x, np.asarray(xp) + 0.3), "not k(x, x')"),
])
def test_kernel_circuit_hints(capsys, fn, hint):
    assert not check.kernel_circuit(fn)
    assert hint in capsys.readouterr().out


def test_kernel_circuit_garbage(capsys):
    assert not check.kernel_circuit(None)
    assert "no answer yet" in capsys.readouterr().out
    assert not check.kernel_circuit(0.5)
    assert "function itself" in capsys.readouterr().out
    assert not check.kernel_circuit(lambda fm: fm)
    assert "raised TypeError" in capsys.readouterr().out


# ---------------------------------------------------------------- 5.2 test kernel
FM = zz_feature_map(2, reps=1)
RNG = np.random.default_rng(0)
XTR = RNG.uniform(0, np.pi, (6, 2))
XTE = RNG.uniform(0, np.pi, (4, 2))
PTR, PTE = feature_states(FM, XTR), feature_states(FM, XTE)
RIGHT = np.abs(PTE.conj() @ PTR.T) ** 2


def test_test_kernel_right(capsys):
    assert check.test_kernel(RIGHT, FM, XTE, XTR)
    assert check.test_kernel(RIGHT.astype(complex), FM, XTE, XTR)


@pytest.mark.parametrize("answer, hint", [
    (RIGHT.T, "transposed"),
    (np.abs(PTR.conj() @ PTR.T) ** 2, "training kernel"),
    (np.abs(PTE.conj() @ PTR.T), "square them"),
    (np.abs(PTE @ PTR.T) ** 2, "conjugate"),
    (PTE.conj() @ PTR.T, "complex"),
    ((PTE.conj() @ PTR.T).real ** 2, "modulus"),
    (np.zeros((4, 5)), "Expected shape (4, 6)"),
    (RIGHT + 0.1, "Not the fidelity kernel"),
])
def test_test_kernel_hints(capsys, answer, hint):
    assert not check.test_kernel(answer, FM, XTE, XTR)
    assert hint in capsys.readouterr().out


def test_test_kernel_garbage(capsys):
    assert not check.test_kernel(None, FM, XTE, XTR)
    assert not check.test_kernel({"K": 1}, FM, XTE, XTR)
    assert not check.test_kernel(RIGHT)  # forgot the other arguments: feedback, not a crash
    assert "raised" in capsys.readouterr().out


# ---------------------------------------------------------------- 5.3 alignment
def right_alignment(K, y):
    s = 2 * np.asarray(y) - 1
    Y = np.outer(s, s)
    return np.sum(K * Y) / (np.linalg.norm(K) * np.linalg.norm(Y))


def test_alignment_right(capsys):
    assert check.alignment(right_alignment)
    assert check.alignment(kernel_target_alignment)


@pytest.mark.parametrize("fn, hint", [
    (lambda K, y: np.sum(K * np.outer(y, y)) / (np.linalg.norm(K) * np.linalg.norm(np.outer(y, y))), "−1/+1"),
    (lambda K, y: (2 * y - 1) @ K @ (2 * y - 1), "Normalise"),
    (lambda K, y: (2 * y - 1) @ K @ (2 * y - 1) / np.linalg.norm(K), "BOTH norms"),
    (lambda K, y: (2 * y - 1) @ K @ (2 * y - 1) / len(y), "Frobenius norm of the kernel"),
    (lambda K, y: K * np.outer(2 * y - 1, 2 * y - 1), "ONE number"),
    (lambda K, y: None, "returns None"),
    (lambda K, y: 0.3, "Not the alignment yet"),
])
def test_alignment_hints(capsys, fn, hint):
    assert not check.alignment(fn)
    assert hint in capsys.readouterr().out


def test_alignment_garbage(capsys):
    assert not check.alignment(None)
    assert not check.alignment(0.5)
    assert "function itself" in capsys.readouterr().out
    assert not check.alignment(lambda K: 1.0)
    assert "raised TypeError" in capsys.readouterr().out
