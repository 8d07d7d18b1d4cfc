import numpy as np
import pytest
from qiskit.circuit.library import zz_feature_map

from qmlcourse.checks import lesson05 as check
from qmlcourse.kernels import feature_states, kernel_target_alignment

# ---------------------------------------------------------------- 5.1 shots


def test_shots_right(capsys):
    assert check.shots_needed(2500)
    assert check.shots_needed(2500.0)
    assert "2500 shots" in capsys.readouterr().out


@pytest.mark.parametrize("answer, hint", [
    (25, "Square the target error"),
    (5000, "not k"),
    (10000, "ignores the size"),
    (50, "square both sides"),
    (-3, "must be positive"),
    (1000, "not 0.01"),
])
def test_shots_hints(capsys, answer, hint):
    assert not check.shots_needed(answer)
    assert hint in capsys.readouterr().out


def test_shots_garbage(capsys):
    assert not check.shots_needed(None)
    assert not check.shots_needed("many")
    assert not check.shots_needed(float("inf"))
    assert not check.shots_needed([1, 2])
    capsys.readouterr()


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
