"""Checkers for lesson 13 (noise and hardware)."""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker

#: the noise model asked for in Exercise 13.1
#: (not the values of make_noise_model's docstring example, so copying it does not pass)
P1, P2 = 0.002, 0.03
READOUT = (0.03, 0.08)   # P(read 1 | 0), P(read 0 | 1)


def _probes() -> tuple[list, list, list]:
    """Single-gate circuits on |0…0⟩, the Pauli observable whose ideal value is ±1, and
    that ideal value: the noisy value over the ideal one is (1 - p) per noisy gate."""
    from qiskit import QuantumCircuit

    one, two = [], []
    for name in ("x", "h", "ry", "rz", "sx"):
        qc = QuantumCircuit(1)
        if name == "ry":
            qc.ry(math.pi / 2, 0)
        elif name == "rz":
            qc.rz(0.5, 0)
        else:
            getattr(qc, name)(0)
        obs, ideal = {"x": ("Z", -1), "h": ("X", 1), "ry": ("X", 1), "rz": ("Z", 1),
                      "sx": ("Y", -1)}[name]
        one.append((name, qc, obs, ideal, 1))
    for name in ("cx", "cz", "ecr"):
        qc = QuantumCircuit(2)
        getattr(qc, name)(0, 1)
        reps = 1
        if name == "ecr":          # ECR is its own inverse: two of them give back |00>
            qc.ecr(0, 1)
            reps = 2
        two.append((name, qc, "ZZ", 1, reps))
    return one, two, one + two


def _gate_errors(noise_model: Any) -> dict[str, float]:
    """Effective depolarising probability per probed gate name (exact density matrix)."""
    from qmlcourse.noise import noisy_estimator

    _, _, probes = _probes()
    est = noisy_estimator(noise_model, seed=0)
    res = est.run([(qc, obs) for _, qc, obs, _, _ in probes]).result()
    out = {}
    for (name, _, _, ideal, reps), r in zip(probes, res, strict=True):
        ratio = float(r.data.evs) / ideal
        out[name] = 1.0 - max(ratio, 0.0) ** (1.0 / reps)
    return out


def _readout(noise_model: Any) -> list[list[float]] | None:
    for err in noise_model.to_dict().get("errors", []):
        if err.get("type") == "roerror":
            return [[float(v) for v in row] for row in err["probabilities"]]
    return None


@checker("Exercise 13.1 — a noise model")
def noise_model(answer: Any) -> Verdict:
    """``answer``: a qiskit-aer NoiseModel with p1 = P1 on one-qubit gates, p2 = P2 on
    two-qubit gates and readout errors P(1|0), P(0|1) = READOUT."""
    if type(answer).__name__ != "NoiseModel" or not hasattr(answer, "to_dict"):
        return Verdict(False, "Give a qiskit-aer `NoiseModel` — e.g. from "
                              "`noise.make_noise_model(...)` or built with `NoiseModel()` and "
                              "`add_all_qubit_quantum_error`.")
    errs = _gate_errors(answer)
    one = {k: errs[k] for k in ("x", "h", "ry", "rz", "sx")}
    two = {k: errs[k] for k in ("cx", "cz", "ecr")}
    tol = 2e-4
    if all(abs(v) < 1e-9 for v in one.values()):
        if any(abs(v - P1) < tol for v in two.values()):
            return Verdict(False, f"p1 and p2 look swapped: the {P1:.1%} error belongs on one-qubit "
                                  f"gates, the {P2:.0%} on two-qubit gates.")
        return Verdict(False, f"One-qubit gates carry no error: add depolarising p1 = {P1} to "
                              f"them (`depolarizing_error({P1}, 1)` on every one-qubit gate name).")
    missing1 = sorted(k for k, v in one.items() if abs(v) < 1e-9)
    if missing1:
        return Verdict(False, f"The gate(s) {', '.join(missing1)} carry no error. Add the "
                              "one-qubit error to every one-qubit gate name (e.g. "
                              "`noise.ONE_QUBIT_GATES`), since transpiled circuits use rz/sx/x.")
    bad1 = {k: v for k, v in one.items() if abs(v - P1) > tol}
    if bad1:
        k, v = next(iter(bad1.items()))
        if abs(v - P2) < 5 * tol:
            return Verdict(False, f"p1 and p2 look swapped: one-qubit gates should get {P1}, "
                                  f"two-qubit gates {P2}.")
        return Verdict(False, f"The one-qubit gate {k!r} has an error of {v:.4f}; it should be "
                              f"{P1} (a probability, not a percentage).")
    missing2 = sorted(k for k, v in two.items() if abs(v) < 1e-9)
    if len(missing2) == 3:
        return Verdict(False, f"Two-qubit gates carry no error: add `depolarizing_error({P2}, 2)` "
                              "to cx, cz, ecr (note the 2 — a two-qubit error).")
    if missing2:
        return Verdict(False, f"The two-qubit gate(s) {', '.join(missing2)} carry no error: "
                              "different devices use different entangling gates — cover cx, cz "
                              "and ecr (`noise.TWO_QUBIT_GATES`).")
    bad2 = {k: v for k, v in two.items() if abs(v - P2) > 5 * tol}
    if bad2:
        k, v = next(iter(bad2.items()))
        return Verdict(False, f"The two-qubit gate {k!r} has an error of {v:.4f}; it should be "
                              f"{P2}.")
    ro = _readout(answer)
    if ro is None:
        return Verdict(False, "The gate errors are right, but there is no readout error: add "
                              f"`ReadoutError([[{1 - READOUT[0]:g}, {READOUT[0]:g}], [{READOUT[1]:g}, {1 - READOUT[1]:g}]])` "
                              "with `add_all_qubit_readout_error` (or pass readout=... to make_noise_model).")
    want = np.array([[1 - READOUT[0], READOUT[0]], [READOUT[1], 1 - READOUT[1]]])
    got = np.array(ro)
    if got.shape == (2, 2) and np.allclose(got, want, atol=1e-9):
        return Verdict(True, f"Gate errors and readout errors are as asked. A {P2:.0%} two-qubit error "
                             "is an older or mid-range device: today's best superconducting "
                             "chips reach about 0.2–0.3 % per two-qubit gate.")
    if got.shape == (2, 2) and np.allclose(got, want[::-1, ::-1], atol=1e-9):
        return Verdict(False, f"P(1|0) and P(0|1) are swapped: a 0 is misread as 1 with {READOUT[0]}, a 1 "
                              f"as 0 with {READOUT[1]} (relaxation during readout makes 1 → 0 likelier).")
    return Verdict(False, f"The readout error is {got.round(4).tolist()}; it should be "
                          f"{want.tolist()} (row = prepared state, column = what is read).")


def _as_matrix(answer: Any) -> np.ndarray:
    arr = np.asarray(answer, dtype=float)
    if arr.ndim != 2:
        raise Verdict(False, f"Give a 2-D array (a matrix); got shape {arr.shape}.")
    return arr


@checker("Exercise 13.2 — the calibration matrix")
def calibration_matrix(answer: Any, cal_counts: Sequence[Mapping[str, int]] = ()) -> Verdict:
    """``answer``: A[i, j] = P(read i | prepared j) from the calibration counts."""
    from qmlcourse.noise import calibration_matrix as reference

    want = reference(cal_counts)
    A = _as_matrix(answer)
    if A.shape != want.shape:
        return Verdict(False, f"One row per outcome and one column per prepared state: shape "
                              f"{want.shape}, got {A.shape}.")
    if np.allclose(A, want, atol=1e-9):
        return Verdict(True, "Every column is the measured distribution for one prepared state, "
                             "so each column sums to 1.")
    if np.allclose(A, want.T, atol=1e-9):
        return Verdict(False, "Transposed: column j must be the distribution measured after "
                              "preparing |j⟩ (so columns sum to 1, and noisy = A @ ideal).")
    shots = [sum(c.values()) for c in cal_counts]
    raw = want * np.array(shots)[None, :]
    if np.allclose(A, raw, atol=1e-6) or np.allclose(A, raw.T, atol=1e-6):
        return Verdict(False, "Those are counts: divide each column by its number of shots to "
                              "get probabilities.")
    if np.allclose(A, want[:, ::-1], atol=1e-9) or np.allclose(A, want[::-1, :], atol=1e-9):
        return Verdict(False, "The order is flipped: index 0 is the outcome/preparation '0'.")
    if not np.allclose(A.sum(axis=0), 1.0, atol=1e-6):
        return Verdict(False, "Each column should sum to 1 (it is a probability distribution "
                              "over what is read).")
    return Verdict(False, f"Not the matrix the counts give: expected {want.round(4).tolist()}.")


@checker("Exercise 13.3 — undo the readout errors")
def mitigated(answer: Any, A: Any = None, p_noisy: Any = None) -> Verdict:
    """``answer``: the distribution p with A @ p = p_noisy (A⁻¹ applied)."""
    A = np.asarray(A, dtype=float)
    p = np.asarray(p_noisy, dtype=float).reshape(-1)
    want = np.linalg.solve(A, p)
    clipped = np.clip(want, 0, None)
    clipped = clipped / clipped.sum()
    x = np.asarray(answer, dtype=float).reshape(-1)
    if x.shape != want.shape:
        return Verdict(False, f"Give one probability per outcome: shape {want.shape}, got "
                              f"{np.shape(answer)}.")
    if np.allclose(x, want, atol=1e-6) or np.allclose(x, clipped, atol=1e-6):
        return Verdict(True, f"A⁻¹ undoes the misreads: {np.round(x, 3).tolist()} is closer to the "
                             "ideal distribution than the raw frequencies.")
    if np.allclose(x, A @ p, atol=1e-6):
        return Verdict(False, "You applied A itself, which adds the readout errors a second time. "
                              "Solve A p = noisy instead: `np.linalg.solve(A, p_noisy)`.")
    if np.allclose(x, np.linalg.solve(A.T, p), atol=1e-6) or np.allclose(x, A.T @ p, atol=1e-6):
        return Verdict(False, "You used the transpose of A. A[i, j] = P(read i | prepared j), so "
                              "noisy = A @ ideal — solve with A, not A.T.")
    if np.allclose(x, p, atol=1e-6):
        return Verdict(False, "That is the noisy distribution unchanged: apply the inverse of A.")
    if not math.isclose(float(x.sum()), 1.0, abs_tol=1e-6):
        return Verdict(False, "Your result does not sum to 1: start from probabilities (counts "
                              "divided by shots), not counts.")
    return Verdict(False, "That is not the mitigated distribution: it is the p for which A @ p gives back the "
                          "noisy distribution — solve that linear system with the calibration matrix A (row = what "
                          "is read, column = what was prepared).")


def predict_linear_gates(guess: Any) -> Any:
    """Record the learner's prediction of the two-qubit gate count on the linear chain."""
    return _predict.record("13-linear-2q", guess, "two-qubit gates after transpiling for the chain")


def reveal_linear_gates(found: float) -> Any:
    """Compare the recorded prediction with the transpiled two-qubit gate count."""
    return _predict.reveal("13-linear-2q", found, "two-qubit gates after transpiling for the chain",
                           tolerance=10,
                           note="Each SWAP costs three two-qubit gates; routing, not the "
                                "gates you wrote, dominates.")
