"""Quantum (fidelity) kernels: exact, sampled, aligned and bandwidth-scaled.

A feature map ``U(x)`` (a parameterised circuit, e.g. ``zz_feature_map``) encodes data
point ``x`` as ``|φ(x)⟩ = U(x)|0…0⟩``; the fidelity kernel is

    k(x, x') = |⟨φ(x)|φ(x')⟩|²

* :func:`fidelity_kernel` — exact and fast: the engine's batched statevectors ``Φ`` (one
  row per point) give every entry at once, ``K = |Φ_X^* Φ_Y^T|²``.
* :func:`sampled_fidelity_kernel` — what hardware does: the compute-uncompute circuit
  :func:`compute_uncompute_circuit` ``U(x')^† U(x)`` measured with a sampler; ``k`` is the
  frequency of the all-zeros outcome.
* :func:`kernel_target_alignment`, :func:`scaled_feature_map` (bandwidth ``c``: ``x → c·x``),
  :func:`off_diagonal` (for concentration studies) and :class:`FidelityKernel`, a callable
  that scikit-learn's ``SVC(kernel=...)`` accepts.

Example::

    >>> import numpy as np
    >>> from qiskit.circuit.library import zz_feature_map
    >>> from qmlcourse.kernels import fidelity_kernel
    >>> X = np.array([[0.1, 0.2], [0.1, 0.2], [2.0, 1.0]])
    >>> K = fidelity_kernel(zz_feature_map(2), X)
    >>> K.shape, bool(np.allclose(np.diag(K), 1)), round(float(K[0, 1]), 6)
    ((3, 3), True, 1.0)

With scikit-learn: ``SVC(kernel="precomputed").fit(fidelity_kernel(fm, X_train), y_train)``,
then ``predict(fidelity_kernel(fm, X_test, X_train))`` (rows: test points, columns: training
points).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "FidelityKernel",
    "feature_states",
    "fidelity_kernel",
    "compute_uncompute_circuit",
    "sampled_fidelity_kernel",
    "kernel_target_alignment",
    "scaled_feature_map",
    "off_diagonal",
]


# --------------------------------------------------------------------------- validation
def _check_map(feature_map: Any):
    from qiskit import QuantumCircuit

    if not isinstance(feature_map, QuantumCircuit):
        raise ValueError(f"feature_map must be a parameterised qiskit QuantumCircuit, got {type(feature_map).__name__}")
    if feature_map.num_parameters == 0:
        raise ValueError("feature_map has no parameters, so every data point would give the same state; "
                         "use e.g. zz_feature_map(num_features)")
    return feature_map


def _as_data(X: Any, d: int, name: str = "X") -> np.ndarray:
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers of shape (samples, {d})") from None
    if arr.ndim == 1 and d == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(f"{name} has shape {arr.shape} but the feature map takes {d} feature(s): "
                         f"expected shape (samples, {d})")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no rows")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def _check_bandwidth(bandwidth: Any) -> float:
    try:
        c = float(bandwidth)
    except (TypeError, ValueError):
        raise ValueError(f"bandwidth must be a positive number, got {bandwidth!r}") from None
    if not (math.isfinite(c) and c > 0):
        raise ValueError(f"bandwidth must be a positive finite number, got {bandwidth!r}")
    return c


# --------------------------------------------------------------------------- exact kernels
def feature_states(feature_map: Any, X: Any) -> np.ndarray:
    """Encoded states ``Φ`` (N, 2**n): row ``i`` is ``|φ(X[i])⟩`` (columns of ``X`` follow
    ``feature_map.parameters``), from the engine in one batched call.

    >>> from qiskit.circuit.library import zz_feature_map
    >>> feature_states(zz_feature_map(2), [[0.0, 0.0], [1.0, 2.0]]).shape
    (2, 4)
    """
    from qmlwidgets.engine import statevectors

    fm = _check_map(feature_map)
    return statevectors(fm, _as_data(X, fm.num_parameters))


def fidelity_kernel(feature_map: Any, X: Any, Y: Any = None) -> np.ndarray:
    """Exact fidelity kernel matrix ``K[i, j] = |⟨φ(X[i])|φ(Y[j])⟩|²`` (N, M); ``Y`` defaults to ``X``.

    ``K = |Φ_X^* Φ_Y^T|²`` from the engine's batched statevectors: a 100 × 100 Gram matrix of
    a few-qubit map takes milliseconds. For a test set pass ``(X_test, X_train)``.

    >>> import numpy as np
    >>> from qmlcourse.encodings import angle_encoding
    >>> K = fidelity_kernel(angle_encoding(1), [[0.0]], [[0.0], [np.pi / 2], [np.pi]])
    >>> K.round(3).tolist()                              # cos²((x - x') / 2)
    [[1.0, 0.5, 0.0]]
    """
    fm = _check_map(feature_map)
    d = fm.num_parameters
    phi_x = feature_states(fm, X)
    phi_y = phi_x if Y is None else feature_states(fm, _as_data(Y, d, "Y"))
    K = np.abs(phi_x.conj() @ phi_y.T) ** 2
    if Y is None:
        K = (K + K.T) / 2  # exactly symmetric
        np.fill_diagonal(K, 1.0)
    return np.clip(K, 0.0, 1.0)


def scaled_feature_map(feature_map: Any, bandwidth: float):
    """The feature map with every input multiplied by ``bandwidth``: ``U_c(x) = U(c·x)``.

    Same parameters (same order), so the same data arrays work. A small bandwidth keeps
    encoded states close together (kernel values near 1, a smooth, wide kernel) and
    counters the concentration of kernel values on many qubits.

    >>> from qiskit.circuit.library import zz_feature_map
    >>> fm = scaled_feature_map(zz_feature_map(2), 0.5)
    >>> fm.num_parameters
    2
    """
    fm = _check_map(feature_map)
    c = _check_bandwidth(bandwidth)
    if c == 1.0:
        return fm.copy()
    scaled = fm.assign_parameters({p: c * p for p in fm.parameters})
    scaled.name = f"{fm.name}·{c:g}"
    return scaled


# --------------------------------------------------------------------------- sampled kernels
def compute_uncompute_circuit(feature_map: Any, measure: bool = True):
    """``U(x')^† U(x)`` on fresh parameters: returns ``(circuit, x_params, x_prime_params)``.

    Measuring all zeros has probability ``|⟨0|U(x')^† U(x)|0⟩|² = k(x, x')``. ``x_params`` are
    the feature map's own parameters, ``x_prime_params`` a new ``ParameterVector`` (named
    ``"y"``, or ``"x_prime"`` if that is taken). Bind them with a dict
    ``{tuple(x_params): X, tuple(x_prime_params): Y}``.

    >>> from qiskit.circuit.library import zz_feature_map
    >>> qc, xp, yp = compute_uncompute_circuit(zz_feature_map(2))
    >>> qc.num_parameters, [p.name for p in yp]
    (4, ['y[0]', 'y[1]'])
    """
    from qiskit.circuit import ParameterVector

    fm = _check_map(feature_map)
    x_params = list(fm.parameters)
    taken = {p.name.split("[")[0] for p in x_params}
    name = "y" if "y" not in taken else "x_prime"
    y_vec = ParameterVector(name, len(x_params))
    qc = fm.copy()
    qc.compose(fm.assign_parameters(dict(zip(x_params, y_vec, strict=True))).inverse(), inplace=True)
    qc.name = "compute_uncompute"
    if measure:
        qc.measure_all()
    return qc, x_params, list(y_vec)


def _check_shots(shots: Any) -> int:
    if isinstance(shots, bool) or not isinstance(shots, (int, np.integer)) or not 1 <= shots <= 10**7:
        raise ValueError(f"shots must be a whole number from 1 to 10**7, got {shots!r}")
    return int(shots)


def sampled_fidelity_kernel(feature_map: Any, X: Any, Y: Any = None, *, shots: int = 1024,
                            seed: int | None = None, sampler: Any = None) -> np.ndarray:
    """Kernel matrix estimated like on hardware: frequency of ``0…0`` in the compute-uncompute circuit.

    All pairs go to the sampler as ONE PUB (a parameter array). ``sampler`` is any
    ``BaseSamplerV2`` (default ``qmlwidgets.Sampler(seed=seed)``; Qiskit's
    ``StatevectorSampler(seed=...)`` works too). Without ``Y`` only the pairs ``i < j`` are
    run and the diagonal is set to 1 (it is exactly 1: ``U(x)^† U(x) = I``). Each entry has a
    standard error ``sqrt(k (1 - k) / shots)``.

    >>> import numpy as np
    >>> from qiskit.circuit.library import zz_feature_map
    >>> X = np.array([[0.3, 1.0], [1.2, 0.4]])
    >>> Ks = sampled_fidelity_kernel(zz_feature_map(2), X, shots=4000, seed=1)
    >>> bool(abs(Ks[0, 1] - fidelity_kernel(zz_feature_map(2), X)[0, 1]) < 0.03)
    True
    """
    fm = _check_map(feature_map)
    d = fm.num_parameters
    Xa = _as_data(X, d)
    n_shots = _check_shots(shots)
    symmetric = Y is None
    Ya = Xa if symmetric else _as_data(Y, d, "Y")
    if symmetric:
        rows, cols = np.triu_indices(Xa.shape[0], k=1)
    else:
        rows, cols = (a.ravel() for a in np.meshgrid(np.arange(Xa.shape[0]), np.arange(Ya.shape[0]), indexing="ij"))
    K = np.eye(Xa.shape[0]) if symmetric else np.zeros((Xa.shape[0], Ya.shape[0]))
    if rows.size == 0:
        return K
    if sampler is None:
        from qmlwidgets.engine import Sampler

        sampler = Sampler(seed=seed)
    qc, xp, yp = compute_uncompute_circuit(fm)
    bindings = {tuple(xp): Xa[rows], tuple(yp): Ya[cols]}
    result = sampler.run([(qc, bindings)], shots=n_shots).result()[0]
    registers = list(result.data.values())
    # BitArray of shape (pairs,) with bytes (pairs, shots, nbytes); one register needs no joining
    bits = registers[0] if len(registers) == 1 else result.join_data()
    zeros = ~np.any(np.asarray(bits.array), axis=-1)
    k = zeros.mean(axis=-1)
    K[rows, cols] = k
    if symmetric:
        K[cols, rows] = k
    return K


# --------------------------------------------------------------------------- analysis
def kernel_target_alignment(K: Any, y: Any, *, centered: bool = False) -> float:
    """How well a kernel matrix matches the labels: ``⟨K, y yᵀ⟩_F / (‖K‖_F ‖y yᵀ‖_F)``.

    Labels are mapped to ``±1`` first (two classes). 1 means ``K`` is exactly the ideal
    "same class → 1, different → −1" pattern (up to scale); values near 0 mean the kernel
    ignores the labels. ``centered=True`` centres ``K`` and ``y yᵀ`` first (Cortes et al.),
    which removes the constant offset a kernel with all-positive entries carries.

    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1])
    >>> ideal = np.outer(2 * y - 1, 2 * y - 1)
    >>> kernel_target_alignment(ideal, y), kernel_target_alignment(np.ones((4, 4)), y)
    (1.0, 0.0)
    """
    from qmlcourse.datasets import signed_labels

    Km = np.asarray(K, dtype=float)
    ys = signed_labels(np.asarray(y)).astype(float)
    if Km.ndim != 2 or Km.shape[0] != Km.shape[1]:
        raise ValueError(f"K must be a square kernel matrix (N, N), got shape {Km.shape}")
    if ys.shape != (Km.shape[0],):
        raise ValueError(f"y must have one label per row of K ({Km.shape[0]}), got shape {ys.shape}")
    Yt = np.outer(ys, ys)
    if centered:
        n = Km.shape[0]
        H = np.eye(n) - np.full((n, n), 1.0 / n)
        Km, Yt = H @ Km @ H, H @ Yt @ H
    denom = np.linalg.norm(Km) * np.linalg.norm(Yt)
    if denom == 0:
        return 0.0
    return float(np.sum(Km * Yt) / denom) + 0.0


def off_diagonal(K: Any) -> np.ndarray:
    """Kernel values between *different* points: the upper triangle (``i < j``) of a square ``K``.

    These are the values that concentrate around a constant as qubits are added.

    >>> off_diagonal([[1, 0.2, 0.3], [0.2, 1, 0.4], [0.3, 0.4, 1]]).tolist()
    [0.2, 0.3, 0.4]
    """
    Km = np.asarray(K, dtype=float)
    if Km.ndim != 2 or Km.shape[0] != Km.shape[1]:
        raise ValueError(f"K must be a square kernel matrix, got shape {Km.shape}")
    return Km[np.triu_indices(Km.shape[0], k=1)]


class FidelityKernel:
    """A fidelity kernel you can call: ``kernel(X, Y) -> K``; scikit-learn's ``SVC(kernel=...)`` takes it.

    Parameters: a feature map (parameterised circuit) and a ``bandwidth`` (inputs are
    multiplied by it, see :func:`scaled_feature_map`).

    >>> import numpy as np
    >>> from qiskit.circuit.library import zz_feature_map
    >>> kernel = FidelityKernel(zz_feature_map(2), bandwidth=0.5); kernel
    FidelityKernel(ZZFeatureMap: 2 qubits, 2 features, bandwidth=0.5)
    >>> kernel(np.zeros((3, 2))).shape, kernel(np.zeros((3, 2)), np.ones((5, 2))).shape
    ((3, 3), (3, 5))
    """

    def __init__(self, feature_map: Any, bandwidth: float = 1.0) -> None:
        self.base_map = _check_map(feature_map)
        self.bandwidth = _check_bandwidth(bandwidth)
        self.feature_map = scaled_feature_map(self.base_map, self.bandwidth)

    @property
    def num_features(self) -> int:
        """Number of features (parameters of the feature map)."""
        return int(self.base_map.num_parameters)

    def evaluate(self, X: Any, Y: Any = None) -> np.ndarray:
        """Exact kernel matrix (N, M) between rows of ``X`` and of ``Y`` (default ``X``)."""
        return fidelity_kernel(self.feature_map, X, Y)

    def __call__(self, X: Any, Y: Any = None) -> np.ndarray:
        return self.evaluate(X, Y)

    def __repr__(self) -> str:
        name = self.base_map.name or "feature_map"
        return (f"FidelityKernel({name}: {self.base_map.num_qubits} qubits, {self.num_features} features, "
                f"bandwidth={self.bandwidth:g})")
