"""Checkers for lesson 06 (variational circuits and gradients)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker

_SEED = 606


def _test_problem():
    """A 2-qubit energy f(θ) with 4 parameters, its exact gradient, and two test points."""
    from qiskit.circuit.library import real_amplitudes
    from qiskit.quantum_info import SparsePauliOp

    from qmlwidgets.engine import gradients

    circuit = real_amplitudes(2, reps=1)
    obs = SparsePauliOp(["ZZ", "XI", "IX"], [1.0, 0.5, -0.3])
    rng = np.random.default_rng(_SEED)
    points = [rng.uniform(-np.pi, np.pi, circuit.num_parameters) for _ in range(2)]
    exact = [gradients(circuit, obs, p, method="adjoint") for p in points]
    return circuit, obs, points, exact


class _Recorder:
    """f(θ) -> float that remembers every point it was called at."""

    def __init__(self, circuit, obs):
        from qmlwidgets.engine import expectation_values

        self._ev = expectation_values
        self.circuit, self.obs = circuit, obs
        self.calls: list[np.ndarray] = []

    def __call__(self, theta):
        t = np.array(theta, dtype=float).reshape(-1)
        self.calls.append(t.copy())
        return float(self._ev(self.circuit, self.obs, t))


def _shift_sizes(calls: list[np.ndarray], theta: np.ndarray) -> set[float]:
    sizes = set()
    for c in calls:
        d = c - theta
        nz = np.abs(d[np.abs(d) > 1e-15])
        sizes.update(np.round(nz, 9).tolist())
    return sizes


@checker("Exercise 6.1 — the parameter-shift rule")
def parameter_shift(answer: Any) -> Verdict:
    """``answer(f, theta)`` returns the gradient of ``f`` at ``theta`` by the parameter-shift rule."""
    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.parameter_shift(parameter_shift_gradient).")
    circuit, obs, points, exact = _test_problem()
    results, sizes = [], set()
    for theta, g_exact in zip(points, exact, strict=True):
        f = _Recorder(circuit, obs)
        arg = theta.copy()
        value = answer(f, arg)
        if value is None:
            return Verdict(False, "Your function returns None: finish it with `return grad`.")
        if not np.array_equal(arg, theta):
            return Verdict(False, "Your function changed the theta it was given (in place). Shift a COPY: "
                                  "`shifted = theta.copy(); shifted[i] += np.pi / 2`.")
        g = np.asarray(value, dtype=float).reshape(-1)
        if g.shape != g_exact.shape:
            return Verdict(False, f"Return one derivative per parameter: shape ({g_exact.size},), got {g.shape}.")
        results.append(g)
        sizes |= _shift_sizes(f.calls, theta)
    got, want = np.concatenate(results), np.concatenate(exact)
    half_pi = round(np.pi / 2, 9)
    if np.allclose(got, want, atol=1e-8):
        if sizes and all(s < 0.1 for s in sizes):
            return Verdict(False, "Right numbers, but from a finite difference (tiny steps). The exercise is the "
                                  "parameter-shift rule: shift by ±π/2, which is exact even with large steps.")
        if sizes and sizes != {half_pi}:
            return Verdict(True, f"Exact gradients (you used shifts {sorted(sizes)}; the standard rule uses π/2).")
        return Verdict(True, "∂f/∂θ_i = [f(θ + π/2 e_i) − f(θ − π/2 e_i)] / 2 — exact, from 2 circuit runs per "
                             "parameter.")
    if np.allclose(got, 2 * want, atol=1e-8):
        return Verdict(False, "Twice too large: divide the difference by 2, [f(θ+π/2) − f(θ−π/2)] / 2.")
    if np.allclose(got, want / 2, atol=1e-8):
        return Verdict(False, "Half too small: the rule divides by 2 only once, [f(θ+π/2) − f(θ−π/2)] / 2.")
    if np.allclose(got, -want, atol=1e-8):
        return Verdict(False, "Wrong sign: subtract the MINUS shift from the PLUS shift, f(θ+π/2) − f(θ−π/2).")
    if np.allclose(got, 0, atol=1e-8) and round(np.pi, 9) in sizes:
        return Verdict(False, "Shifting by ±π gives the same value twice (the curve has period 2π): shift by ±π/2.")
    if _matches_one_sided(got, points, circuit, obs):
        return Verdict(False, "Use BOTH shifted points, f(θ + π/2) and f(θ − π/2); a one-sided difference with "
                              "f(θ) is not exact.")
    err = float(np.max(np.abs(got - want)))
    return Verdict(False, f"Largest error {err:.3g}. For each parameter i: copy θ, evaluate f at θ_i + π/2 and "
                          "θ_i − π/2, and store half the difference.")


def _matches_one_sided(got: np.ndarray, points, circuit, obs) -> bool:
    """True if ``got`` equals a one-sided shift difference such as [f(θ+π/2) − f(θ)] (/ 2)."""
    from qmlwidgets.engine import expectation_values

    plus, minus, centre = [], [], []
    for theta in points:
        shifts = np.pi / 2 * np.eye(theta.size)
        plus.append(expectation_values(circuit, obs, theta + shifts))
        minus.append(expectation_values(circuit, obs, theta - shifts))
        centre.append(np.full(theta.size, float(expectation_values(circuit, obs, theta))))
    p, m, c = (np.concatenate(v) for v in (plus, minus, centre))
    return any(np.allclose(got, alt, atol=1e-8) for alt in (p - c, (p - c) / 2, c - m, (c - m) / 2))


def _ring(n: int, J: float, h: float, *, periodic: bool = True, zz: str = "ZZ", x: str = "X"):
    from qiskit.quantum_info import SparsePauliOp

    bonds = [(i, (i + 1) % n) for i in range(n if periodic else n - 1)]
    terms = [(zz, [i, j], -J) for i, j in bonds] + [(x, [i], -h) for i in range(n)]
    return SparsePauliOp.from_sparse_list(terms, num_qubits=n).simplify()


@checker("Exercise 6.2 — a transverse-field Ising ring")
def ising_ring(answer: Any) -> Verdict:
    """``answer``: SparsePauliOp for H = −Σ_ring Z_i Z_{i+1} − 0.5 Σ X_i on 3 qubits (bond 2–0 included)."""
    from qiskit.quantum_info import SparsePauliOp

    try:
        op = answer if isinstance(answer, SparsePauliOp) else SparsePauliOp(answer)
    except Exception:  # noqa: BLE001 - any failure is feedback
        return Verdict(False, "Give a SparsePauliOp, e.g. SparsePauliOp.from_sparse_list([(\"ZZ\", [0, 1], -1.0), "
                              "...], num_qubits=3).")
    if op.num_qubits != 3:
        return Verdict(False, f"Your operator acts on {op.num_qubits} qubits; the ring has 3 (num_qubits=3).")
    M = op.to_matrix()

    def same(other) -> bool:
        return bool(np.allclose(M, other.to_matrix(), atol=1e-9))

    want = _ring(3, 1.0, 0.5)
    if same(want):
        e0 = float(np.linalg.eigvalsh(M)[0])
        return Verdict(True, f"Three bonds 0–1, 1–2, 2–0 and three fields. Ground energy {e0:.4f}.")
    if not np.allclose(M, M.conj().T, atol=1e-9):
        return Verdict(False, "Your operator is not Hermitian: use real coefficients.")
    if same(_ring(3, 1.0, 0.5, periodic=False)):
        return Verdict(False, "That is the open chain: a ring also couples the last qubit to the first, add "
                              "(\"ZZ\", [2, 0], -1.0).")
    if same(_ring(3, -1.0, -0.5)):
        return Verdict(False, "All signs flipped: H = −J Σ Z_i Z_{i+1} − h Σ X_i has MINUS signs (coefficients −1 "
                              "and −0.5).")
    if same(_ring(3, -1.0, 0.5)):
        return Verdict(False, "The ZZ couplings need coefficient −1 (minus sign), the fields are right.")
    if same(_ring(3, 1.0, -0.5)):
        return Verdict(False, "The X fields need coefficient −0.5 (minus sign), the couplings are right.")
    if same(_ring(3, 1.0, 1.0)) or same(_ring(3, 1.0, 1.0, periodic=False)):
        return Verdict(False, "The transverse field is h = 0.5 in this exercise: the X terms need coefficient −0.5.")
    if same(_ring(3, 1.0, 0.5, zz="XX", x="Z")):
        return Verdict(False, "Swapped: the couplings are Z_i Z_{i+1} and the transverse field is X.")
    e_got, e_want = float(np.linalg.eigvalsh(M)[0]), float(np.linalg.eigvalsh(want.to_matrix())[0])
    return Verdict(False, f"Not the ring Hamiltonian yet (your ground energy {e_got:.4f}, expected {e_want:.4f}). "
                          "Terms: ZZ on (0,1), (1,2), (2,0) with −1, X on 0, 1, 2 with −0.5.")


# ------------------------------------------------------------------ predict-then-reveal (§3)
def predict_fd_noise(guess: Any) -> Any:
    """Record the learner's prediction of the worst finite-difference gradient error (h = 0.001, noise 0.01)."""
    return _predict.record("06-fd-noise", guess, "the largest finite-difference gradient error at h = 0.001")


def reveal_fd_noise(found: float) -> Any:
    """Compare the recorded prediction with the measured finite-difference error at h = 0.001."""
    return _predict.reveal("06-fd-noise", found, "the largest finite-difference gradient error at h = 0.001",
                           tolerance=5.0, note="Each difference of two values with noise 0.01 has noise 0.01·√2 ≈ "
                                               "0.014; dividing by 2h = 0.002 makes it ≈ 7, and the largest of 9 "
                                               "components is larger still.")
