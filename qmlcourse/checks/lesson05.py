"""Checkers for lesson 05 (quantum kernels)."""
from __future__ import annotations

from typing import Any

import numpy as np

from qmlcourse.checks import _predict
from qmlcourse.checks._core import Verdict, checker


_CU_SEED = 515


def _zero_probability(qc: Any, n_qubits: int) -> float:
    """Probability of reading 0…0 from ``qc`` (final measurements removed), or a failing Verdict."""
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    if not isinstance(qc, QuantumCircuit):
        raise Verdict(False, f"Your function must return a QuantumCircuit, got {type(qc).__name__}. "
                             "End it with `return qc`." if qc is not None else
                      "Your function returns None: finish it with `return qc` (the circuit).")
    if qc.num_qubits != n_qubits:
        raise Verdict(False, f"The circuit has {qc.num_qubits} qubits; the feature map has {n_qubits}. "
                             "Build it from the feature map itself (assign_parameters, inverse, compose).")
    if qc.num_parameters:
        raise Verdict(False, f"The circuit still has free parameters ({', '.join(p.name for p in qc.parameters)}"
                             "): bind the data with feature_map.assign_parameters(x) and "
                             "feature_map.assign_parameters(x_prime).")
    bare = qc.remove_final_measurements(inplace=False)
    return float(abs(Statevector(bare).data[0]) ** 2)


def _cu_cases() -> list[tuple[Any, np.ndarray, np.ndarray]]:
    from qiskit.circuit.library import pauli_feature_map, zz_feature_map

    rng = np.random.default_rng(_CU_SEED)
    maps = [zz_feature_map(2, reps=2), zz_feature_map(3, reps=1),
            pauli_feature_map(2, reps=1, paulis=["Y", "XZ"])]
    cases = []
    for fm in maps:
        for _ in range(3):
            cases.append((fm, rng.uniform(0, np.pi, fm.num_parameters), rng.uniform(0, np.pi, fm.num_parameters)))
    return cases


@checker("Exercise 5.1 — the compute–uncompute kernel circuit")
def kernel_circuit(answer: Any) -> Verdict:
    """``answer(feature_map, x, x_prime)`` returns a bound circuit whose probability of ``0…0`` is
    ``k(x, x') = |⟨φ(x')|φ(x)⟩|²``. Tested on feature maps and points other than the lesson's."""
    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.kernel_circuit(kernel_circuit).")
    from qiskit.quantum_info import Statevector

    from qmlcourse.kernels import fidelity_kernel

    got, want, only_u, no_inverse, wrong_order = [], [], [], [], []
    for fm, x, xp in _cu_cases():
        got.append(_zero_probability(answer(fm, x.copy(), xp.copy()), fm.num_qubits))
        want.append(float(fidelity_kernel(fm, [x], [xp])[0, 0]))
        u, up = fm.assign_parameters(x), fm.assign_parameters(xp)
        only_u.append(float(abs(Statevector(u).data[0]) ** 2))
        no_inverse.append(float(abs(Statevector(u.compose(up)).data[0]) ** 2))
        wrong_order.append(float(abs(Statevector(up.inverse().compose(u)).data[0]) ** 2))
    got_a = np.array(got)
    if np.allclose(got_a, want, atol=1e-8):
        return Verdict(True, "P(0…0) of U(x')† U(x) equals k(x, x') on 9 pairs and 3 feature maps "
                             "(up to 3 qubits): compute, uncompute, count zeros.")
    if np.allclose(got_a, 1.0, atol=1e-8):
        return Verdict(False, "Every pair gives P(0…0) = 1: you undid the SAME point, U(x)† U(x) = identity. "
                              "Bind x_prime in the second copy.")
    if np.allclose(got_a, only_u, atol=1e-8):
        return Verdict(False, "That is only the encoding U(x). Append the inverse of the encoding of x_prime: "
                              "qc = u_x.compose(u_xp.inverse()).")
    if np.allclose(got_a, no_inverse, atol=1e-8):
        return Verdict(False, "The second copy must be INVERTED: U(x')† undoes the encoding, "
                              "so use feature_map.assign_parameters(x_prime).inverse().")
    if np.allclose(got_a, wrong_order, atol=1e-8):
        return Verdict(False, "Order: U(x')† must act AFTER U(x). `a.compose(b)` appends b after a, so "
                              "start from the encoding of x: u_x.compose(u_xp.inverse()).")
    return Verdict(False, "P(0…0) of your circuit is not k(x, x') on other inputs. Build "
                          "U(x) = feature_map.assign_parameters(x), then append "
                          "feature_map.assign_parameters(x_prime).inverse().")


def _expected_test_kernel(feature_map: Any, X_test: Any, X_train: Any) -> tuple[np.ndarray, np.ndarray,
                                                                                np.ndarray]:
    from qmlcourse.kernels import feature_states

    phi_test = feature_states(feature_map, X_test)
    phi_train = feature_states(feature_map, X_train)
    return np.abs(phi_test.conj() @ phi_train.T) ** 2, phi_test, phi_train


@checker("Exercise 5.2 — the test kernel from statevectors")
def test_kernel(answer: Any, feature_map: Any = None, X_test: Any = None, X_train: Any = None) -> Verdict:
    """``answer``: K_test[i, j] = |⟨φ(X_test[i])|φ(X_train[j])⟩|², shape (n_test, n_train)."""
    want, phi_test, phi_train = _expected_test_kernel(feature_map, X_test, X_train)
    try:
        K = np.asarray(answer)
        if K.dtype == object:
            raise TypeError
    except (TypeError, ValueError):
        return Verdict(False, "Give a NumPy array of shape (n_test, n_train).")
    n_test, n_train = want.shape
    if K.shape == (n_train, n_test) and n_train != n_test:
        return Verdict(False, f"Shape {K.shape} is transposed: scikit-learn wants one ROW per test point and one "
                              f"COLUMN per training point, shape ({n_test}, {n_train}).")
    if K.shape == (n_train, n_train):
        return Verdict(False, "That is the training kernel (train × train). For predictions you need test × train: "
                              "rows from the test states, columns from the training states.")
    if K.shape != want.shape:
        return Verdict(False, f"Expected shape ({n_test}, {n_train}) (test points × training points), got {K.shape}.")
    if np.iscomplexobj(K) and not np.allclose(K.imag, 0):
        return Verdict(False, "Your kernel is complex: take the absolute value squared, np.abs(overlaps) ** 2.")
    K = np.real(K).astype(float)
    if np.allclose(K, want, atol=1e-8):
        return Verdict(True, "K_test = |Φ_test^* Φ_train^T|²: every entry in one matrix product.")
    overlaps = phi_test.conj() @ phi_train.T
    if np.allclose(K, np.abs(overlaps), atol=1e-8):
        return Verdict(False, "These are |overlaps|, not fidelities: square them, np.abs(...) ** 2.")
    if np.allclose(K, np.abs(phi_test @ phi_train.T) ** 2, atol=1e-8):
        return Verdict(False, "Missing complex conjugate: a bra ⟨φ| is the conjugate of |φ⟩, so use "
                              "Phi_test.conj() @ Phi_train.T.")
    if np.allclose(K, np.real(overlaps) ** 2, atol=1e-8) or np.allclose(K, overlaps.real, atol=1e-8):
        return Verdict(False, "Use the modulus of the complex overlap, np.abs(...) ** 2, not its real part.")
    return Verdict(False, "Not the fidelity kernel yet. Stack the states as rows (feature_states), take all "
                          "inner products with one matrix product, then |·|².")


_ALIGN_SEED = 505


@checker("Exercise 5.3 — kernel-target alignment")
def alignment(answer: Any) -> Verdict:
    """``answer(K, y)`` returns ⟨K, yyᵀ⟩_F / (‖K‖_F ‖yyᵀ‖_F) with y mapped to ±1."""
    if not callable(answer):
        return Verdict(False, "Pass your function itself: check.alignment(alignment).")
    from qmlcourse.kernels import kernel_target_alignment

    rng = np.random.default_rng(_ALIGN_SEED)
    cases = []
    for n in (4, 7, 10):
        A = rng.uniform(0, 1, (n, n))
        K = (A + A.T) / 2
        np.fill_diagonal(K, 1.0)
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        cases.append((K, y))
    got = []
    for K, y in cases:
        value = answer(K.copy(), y.copy())
        if value is None:
            return Verdict(False, "Your function returns None: finish it with `return ...`.")
        v = np.asarray(value, dtype=float)
        if v.size != 1:
            return Verdict(False, f"Return ONE number, not an array of shape {v.shape}: sum the element-wise "
                                  "product (a Frobenius inner product).")
        got.append(float(v.reshape(())))
    got_a = np.array(got)
    want = np.array([kernel_target_alignment(K, y) for K, y in cases])
    if np.allclose(got_a, want, atol=1e-8):
        return Verdict(True, "A(K, y) = yᵀKy / (N ‖K‖_F) for ±1 labels, since ‖yyᵀ‖_F = N.")

    def wrong(fn):
        return np.array([fn(K, y) for K, y in cases])

    unsigned = wrong(lambda K, y: np.sum(K * np.outer(y, y)) / (np.linalg.norm(K) * np.linalg.norm(np.outer(y, y))))
    if np.allclose(got_a, unsigned, atol=1e-8):
        return Verdict(False, "Map the labels 0/1 to −1/+1 first (y = 2y − 1); with 0/1 labels, pairs of class-0 "
                              "points contribute nothing.")
    s = [2 * y - 1 for _, y in cases]
    raw = np.array([float(si @ K @ si) for (K, _), si in zip(cases, s, strict=True)])
    if np.allclose(got_a, raw, atol=1e-8):
        return Verdict(False, "Normalise: divide ⟨K, yyᵀ⟩ by ‖K‖_F · ‖yyᵀ‖_F (np.linalg.norm of each matrix).")
    if np.allclose(got_a, raw / np.array([np.linalg.norm(K) for K, _ in cases]), atol=1e-8):
        return Verdict(False, "Divide by BOTH norms: ‖K‖_F and ‖yyᵀ‖_F (which equals N for ±1 labels).")
    if np.allclose(got_a, raw / np.array([len(y) for _, y in cases]), atol=1e-8):
        return Verdict(False, "Also divide by ‖K‖_F, the Frobenius norm of the kernel matrix.")
    return Verdict(False, "Not the alignment yet. Build Y = np.outer(y, y) with ±1 labels, then "
                          "np.sum(K * Y) / (np.linalg.norm(K) * np.linalg.norm(Y)).")


# ------------------------------------------------------------------ predict-then-reveal (§7)
def predict_concentration(guess: Any) -> Any:
    """Record the learner's prediction of the mean off-diagonal kernel value on 8 qubits."""
    return _predict.record("05-concentration", guess, "the mean off-diagonal kernel value on 8 qubits")


def reveal_concentration(found: float) -> Any:
    """Compare the recorded prediction with the measured mean off-diagonal value on 8 qubits."""
    return _predict.reveal("05-concentration", found, "the mean off-diagonal kernel value on 8 qubits",
                           tolerance=0.01, note="Random 8-qubit states overlap by about 2⁻⁸ ≈ 0.004 on average.")
