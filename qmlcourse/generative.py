"""Generative modelling with a quantum circuit Born machine (QCBM): targets, losses, training.

A QCBM is a parametrised circuit whose measurement probabilities ``p_θ(x)`` *are* the
model (Born rule). This module holds the pure-numpy pieces the lesson needs:

* targets: :func:`bars_and_stripes` (images) and :func:`gaussian_mixture` (a histogram);
* losses: squared maximum mean discrepancy :func:`mmd` with a Gaussian :func:`gaussian_kernel`,
  and :func:`kl_divergence`;
* the classical baseline :func:`independent_bits_fit` (product of Bernoullis);
* :class:`QCBMLoss` — a batched loss with **exact gradients from the engine**, usable by
  :mod:`qmlwidgets.optimizers` and :class:`~qmlwidgets.LandscapeExplorer` — and
  :func:`train_qcbm`.

Bit convention (Qiskit's little-endian order): outcome index ``x`` has bit ``k`` = qubit
``k``; in a 2-D image pixel ``(r, c)`` is qubit ``r * cols + c``. A Qiskit count key such as
``"0011"`` is read right to left: its **last** character is qubit 0.

Example::

    >>> import numpy as np
    >>> target = bars_and_stripes(2, 2)
    >>> int(np.count_nonzero(target)), float(target.max().round(4))
    (6, 0.1667)
    >>> K = gaussian_kernel(4, sigmas=(1.0,))
    >>> float(mmd(target, target, K))
    0.0
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

__all__ = [
    "outcome_bits",
    "bits_to_index",
    "bitstring_to_image",
    "index_to_image",
    "image_to_index",
    "bars_and_stripes_patterns",
    "bars_and_stripes",
    "is_bars_and_stripes",
    "gaussian_mixture",
    "gaussian_kernel",
    "mmd",
    "kl_divergence",
    "total_variation",
    "marginals",
    "independent_bits",
    "independent_bits_fit",
    "counts_to_probabilities",
    "diagonal_observable",
    "QCBMLoss",
    "QCBMResult",
    "train_qcbm",
]

MAX_QCBM_QUBITS = 12  # a Born machine here holds its 2**n probabilities densely


# ----------------------------------------------------------------------------- bits
def _check_n(n_qubits: Any) -> int:
    if isinstance(n_qubits, bool) or not isinstance(n_qubits, (int, np.integer)):
        raise ValueError(f"n_qubits must be an integer, got {n_qubits!r}")
    if not 1 <= n_qubits <= MAX_QCBM_QUBITS:
        raise ValueError(f"n_qubits must be in 1..{MAX_QCBM_QUBITS}, got {n_qubits}")
    return int(n_qubits)


def outcome_bits(n_qubits: int) -> np.ndarray:
    """All outcomes as bits, shape ``(2**n, n)``: ``bits[x, k]`` is qubit ``k`` of outcome ``x``.

    >>> outcome_bits(2).tolist()     # x = 0, 1, 2, 3 ; columns = qubit 0, qubit 1
    [[0, 0], [1, 0], [0, 1], [1, 1]]
    """
    n = _check_n(n_qubits)
    x = np.arange(2**n)[:, None]
    return ((x >> np.arange(n)) & 1).astype(np.int8)


def bits_to_index(bits: Sequence[int]) -> int:
    """Outcome index of a bit list ``bits[k]`` = qubit ``k`` (so ``[1, 0, 0]`` -> 1).

    >>> bits_to_index([0, 1, 1])
    6
    """
    b = np.asarray(bits, dtype=int).ravel()
    if b.size == 0 or not np.all((b == 0) | (b == 1)):
        raise ValueError(f"bits must be a non-empty sequence of 0/1, got {bits!r}")
    return int(np.sum(b << np.arange(b.size)))


def index_to_image(index: int, rows: int, cols: int) -> np.ndarray:
    """Outcome index -> ``(rows, cols)`` 0/1 image; pixel ``(r, c)`` is qubit ``r*cols + c``.

    >>> index_to_image(3, 2, 2).tolist()   # qubits 0 and 1 set: the top row
    [[1, 1], [0, 0]]
    """
    n = rows * cols
    if not 0 <= int(index) < 2**n:
        raise ValueError(f"index must be in 0..{2**n - 1} for a {rows}x{cols} image, got {index}")
    return ((int(index) >> np.arange(n)) & 1).reshape(rows, cols).astype(np.int8)


def image_to_index(image: Any) -> int:
    """Inverse of :func:`index_to_image`.

    >>> image_to_index([[0, 0], [1, 1]])
    12
    """
    return bits_to_index(np.asarray(image).ravel())


def bitstring_to_image(bitstring: str, rows: int, cols: int) -> np.ndarray:
    """A Qiskit count key (last character = qubit 0) -> ``(rows, cols)`` image.

    >>> bitstring_to_image("0011", 2, 2).tolist()
    [[1, 1], [0, 0]]
    """
    s = str(bitstring).replace(" ", "")
    if len(s) != rows * cols or set(s) - {"0", "1"}:
        raise ValueError(f"expected a string of {rows * cols} characters 0/1, got {bitstring!r}")
    return index_to_image(int(s, 2), rows, cols)


# ----------------------------------------------------------------------------- targets
def bars_and_stripes_patterns(rows: int = 2, cols: int = 2) -> np.ndarray:
    """All bars-and-stripes images, shape ``(K, rows, cols)``, sorted by outcome index.

    A pattern has every column constant (vertical bars) or every row constant (horizontal
    stripes); there are ``2**rows + 2**cols - 2`` of them (6 for 2×2).

    >>> bars_and_stripes_patterns(2, 2).shape
    (6, 2, 2)
    """
    if not (isinstance(rows, (int, np.integer)) and isinstance(cols, (int, np.integer))
            and rows >= 1 and cols >= 1 and rows * cols <= MAX_QCBM_QUBITS):
        raise ValueError(f"rows and cols must be positive integers with rows*cols <= {MAX_QCBM_QUBITS}")
    found = set()
    for m in range(2**cols):  # bars: column c is on when bit c of m is set
        found.add(image_to_index(np.tile((m >> np.arange(cols)) & 1, (rows, 1))))
    for m in range(2**rows):  # stripes
        found.add(image_to_index(np.tile(((m >> np.arange(rows)) & 1)[:, None], (1, cols))))
    return np.array([index_to_image(i, rows, cols) for i in sorted(found)])


def bars_and_stripes(rows: int = 2, cols: int = 2) -> np.ndarray:
    """Target distribution: uniform over the bars-and-stripes images, shape ``(2**(rows*cols),)``.

    >>> p = bars_and_stripes(2, 2)
    >>> [int(i) for i in np.flatnonzero(p)]
    [0, 3, 5, 10, 12, 15]
    """
    pats = bars_and_stripes_patterns(rows, cols)
    p = np.zeros(2 ** (rows * cols))
    p[[image_to_index(im) for im in pats]] = 1.0 / len(pats)
    return p


def is_bars_and_stripes(image: Any) -> bool:
    """True if the 0/1 image has all rows constant or all columns constant.

    >>> is_bars_and_stripes([[1, 0], [1, 0]]), is_bars_and_stripes([[1, 0], [0, 0]])
    (True, False)
    """
    im = np.asarray(image)
    return bool(np.all(im == im[:, :1]) or np.all(im == im[:1, :]))


def gaussian_mixture(n_qubits: int, means: Sequence[float], stds: Sequence[float],
                     weights: Sequence[float] | None = None) -> np.ndarray:
    """A mixture of Gaussians discretised on the integers ``0 .. 2**n - 1`` (normalised).

    >>> p = gaussian_mixture(4, means=[4, 11], stds=[1.5, 1.5])
    >>> p.shape, round(float(p.sum()), 6), int(np.argmax(p))
    ((16,), 1.0, 4)
    """
    n = _check_n(n_qubits)
    mu = np.atleast_1d(np.asarray(means, dtype=float))
    sd = np.atleast_1d(np.asarray(stds, dtype=float))
    if mu.shape != sd.shape or mu.ndim != 1 or mu.size == 0:
        raise ValueError("means and stds must be non-empty lists of the same length")
    if np.any(sd <= 0) or not np.all(np.isfinite(mu)):
        raise ValueError("stds must be positive and means finite")
    w = np.ones_like(mu) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != mu.shape or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative, one per component, not all zero")
    x = np.arange(2**n)[:, None]
    dens = (w / w.sum() / sd) * np.exp(-0.5 * ((x - mu) / sd) ** 2)
    p = dens.sum(axis=1)
    return p / p.sum()


# ----------------------------------------------------------------------------- losses
def gaussian_kernel(n_qubits: int, sigmas: Sequence[float] = (0.5, 1.0, 2.0),
                    metric: str = "hamming") -> np.ndarray:
    """Gaussian kernel matrix ``K[x, y] = mean_σ exp(-‖x - y‖² / (2σ²))`` over all outcomes.

    ``metric="hamming"``: ``x, y`` are bit vectors, so ``‖x - y‖²`` is the number of
    differing bits (images); ``"integer"``: ``x, y`` are the integers ``0 .. 2**n - 1``
    (histograms on a line). Several bandwidths see several scales. Either way ``K`` is
    positive definite, so ``mmd(p, q) = 0`` only when ``p = q``.

    >>> K = gaussian_kernel(2, sigmas=(1.0,))
    >>> K.shape, float(K[0, 0]), round(float(K[0, 3]), 4)   # 0 = '00', 3 = '11': 2 bits differ
    ((4, 4), 1.0, 0.3679)
    """
    n = _check_n(n_qubits)
    s = np.atleast_1d(np.asarray(sigmas, dtype=float))
    if s.size == 0 or np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise ValueError(f"sigmas must be positive numbers, got {sigmas!r}")
    if metric == "hamming":
        b = outcome_bits(n).astype(float)
        d2 = np.abs(b[:, None, :] - b[None, :, :]).sum(axis=2)
    elif metric == "integer":
        x = np.arange(2**n, dtype=float)
        d2 = (x[:, None] - x[None, :]) ** 2
    else:
        raise ValueError(f"metric must be 'hamming' or 'integer', got {metric!r}")
    return np.mean(np.exp(-d2[None] / (2 * s[:, None, None] ** 2)), axis=0)


def _as_distribution(p: Any, name: str, size: int | None = None) -> np.ndarray:
    arr = np.asarray(p, dtype=float)
    if arr.ndim != 1 or arr.size < 2 or (arr.size & (arr.size - 1)):
        raise ValueError(f"{name} must be a 1-D probability vector of length 2**n, got shape {arr.shape}")
    if size is not None and arr.size != size:
        raise ValueError(f"{name} has {arr.size} entries but {size} were expected")
    if not np.all(np.isfinite(arr)) or np.any(arr < -1e-12):
        raise ValueError(f"{name} must contain finite, non-negative probabilities")
    return arr


def mmd(p: Any, q: Any, kernel: Any) -> float:
    """Squared maximum mean discrepancy ``(p - q)ᵀ K (p - q)`` (0 iff p = q for a Gaussian K).

    >>> K = gaussian_kernel(1, sigmas=(1.0,))
    >>> round(mmd([1, 0], [0, 1], K), 4)
    0.7869
    """
    p = _as_distribution(p, "p")
    q = _as_distribution(q, "q", p.size)
    K = np.asarray(kernel, dtype=float)
    if K.shape != (p.size, p.size):
        raise ValueError(f"kernel must have shape ({p.size}, {p.size}), got {K.shape}")
    d = p - q
    return float(max(d @ K @ d, 0.0))


def kl_divergence(target: Any, model: Any, eps: float = 1e-10) -> float:
    """``KL(target ‖ model) = Σ t log(t / m)`` in nats (model clipped at ``eps``).

    Zero iff the model equals the target; large when the model misses target outcomes.

    >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 4)
    0.5108
    """
    t = _as_distribution(target, "target")
    m = _as_distribution(model, "model", t.size)
    mask = t > 0
    return float(np.sum(t[mask] * np.log(t[mask] / np.maximum(m[mask], eps))))


def total_variation(p: Any, q: Any) -> float:
    """Total variation distance ``½ Σ |p - q|`` (between 0 and 1).

    >>> total_variation([1, 0], [0.5, 0.5])
    0.5
    """
    p = _as_distribution(p, "p")
    q = _as_distribution(q, "q", p.size)
    return float(0.5 * np.abs(p - q).sum())


# ----------------------------------------------------------------------------- classical baseline
def marginals(probs: Any) -> np.ndarray:
    """``P(qubit k = 1)`` for each qubit, shape ``(n,)``.

    >>> marginals([0.0, 0.25, 0.0, 0.75]).tolist()
    [1.0, 0.75]
    """
    p = _as_distribution(probs, "probs")
    n = int(np.log2(p.size))
    return outcome_bits(n).T.astype(float) @ p


def independent_bits(probs_one: Any) -> np.ndarray:
    """Product-of-Bernoullis distribution with ``P(bit k = 1) = probs_one[k]`` (n parameters).

    >>> independent_bits([0.5, 1.0]).tolist()
    [0.0, 0.0, 0.5, 0.5]
    """
    m = np.asarray(probs_one, dtype=float).ravel()
    if m.size == 0 or np.any(m < 0) or np.any(m > 1) or not np.all(np.isfinite(m)):
        raise ValueError("probs_one must be probabilities in [0, 1], one per bit")
    b = outcome_bits(m.size)
    return np.prod(np.where(b == 1, m, 1 - m), axis=1)


def independent_bits_fit(target: Any) -> np.ndarray:
    """The best independent-bits model of ``target`` (minimal KL): product of its marginals.

    >>> independent_bits_fit([0.5, 0.0, 0.0, 0.5]).tolist()   # correlated bits -> uniform
    [0.25, 0.25, 0.25, 0.25]
    """
    return independent_bits(marginals(target))


def counts_to_probabilities(counts: dict, n_qubits: int) -> np.ndarray:
    """Qiskit counts ``{"0011": 12, ...}`` -> empirical probability vector ``(2**n,)``.

    >>> counts_to_probabilities({"01": 3, "10": 1}, 2).tolist()
    [0.0, 0.75, 0.25, 0.0]
    """
    n = _check_n(n_qubits)
    p = np.zeros(2**n)
    for key, c in dict(counts).items():
        s = str(key).replace(" ", "")
        if len(s) != n or set(s) - {"0", "1"}:
            raise ValueError(f"count key {key!r} is not a {n}-bit string")
        p[int(s, 2)] += float(c)
    total = p.sum()
    if total <= 0:
        raise ValueError("counts are empty")
    return p / total


# ----------------------------------------------------------------------------- QCBM
def diagonal_observable(weights: Any) -> Any:
    """The diagonal operator ``Σ_x w_x |x⟩⟨x|`` as a ``SparsePauliOp`` of ``I``/``Z`` strings.

    Then ``⟨ψ|O|ψ⟩ = Σ_x w_x p(x)``, so the engine's gradient of this expectation value is
    the gradient of any linear function of the probabilities (fast Walsh–Hadamard transform).

    >>> op = diagonal_observable([1.0, 0.0])       # |0><0| = (I + Z) / 2
    >>> sorted(zip(op.paulis.to_labels(), op.coeffs.real.round(3).tolist()))
    [('I', 0.5), ('Z', 0.5)]
    """
    from qiskit.quantum_info import SparsePauliOp

    w = np.asarray(weights, dtype=float).ravel()
    if w.size < 2 or (w.size & (w.size - 1)) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite, one per outcome (length 2**n)")
    n = int(np.log2(w.size))
    c = w.copy()
    h = 1
    while h < c.size:  # in-place fast Walsh–Hadamard transform
        c = c.reshape(-1, 2, h)
        c = np.concatenate([c[:, 0] + c[:, 1], c[:, 0] - c[:, 1]], axis=1).reshape(-1)
        h *= 2
    c /= w.size
    keep = np.flatnonzero(np.abs(c) > 1e-14)
    if keep.size == 0:
        keep = np.array([0])
    labels = ["".join("Z" if (s >> k) & 1 else "I" for k in reversed(range(n))) for s in keep]
    return SparsePauliOp(labels, c[keep])


class QCBMLoss:
    """Batched QCBM loss ``params (N, P) -> (N,)`` with exact engine gradients.

    ``loss="mmd"``: squared MMD with ``kernel`` (default :func:`gaussian_kernel`, Hamming);
    ``loss="kl"``: ``KL(target ‖ p_θ)``. The model is the circuit's exact measurement
    distribution (final measurements, if any, are ignored). Gradients use the chain rule
    ``∂L/∂θ = Σ_x (∂L/∂p_x) ∂p_x/∂θ``: the Jacobian ``∂p/∂θ`` comes from the parameter-shift
    rule in one batched engine call when every parameter sits in one rotation gate;
    otherwise ``engine.gradients`` differentiates the diagonal observable with weights
    ``∂L/∂p`` (:func:`diagonal_observable`).

    Example::

        >>> from qiskit.circuit.library import real_amplitudes
        >>> loss = QCBMLoss(real_amplitudes(2, reps=1), [0.5, 0, 0, 0.5])
        >>> loss(np.zeros((3, 4))).shape, loss.gradient(np.zeros((1, 4))).shape
        ((3,), (1, 4))
    """

    def __init__(self, circuit: Any, target: Any, loss: str = "mmd", kernel: Any = None,
                 eps: float = 1e-10) -> None:
        from qiskit import QuantumCircuit

        if not isinstance(circuit, QuantumCircuit):
            raise ValueError(f"circuit must be a QuantumCircuit, got {type(circuit).__name__}")
        if circuit.num_parameters == 0:
            raise ValueError("the circuit has no parameters to train")
        self.circuit = circuit.remove_final_measurements(inplace=False)
        n = self.circuit.num_qubits
        self.target = _as_distribution(target, "target", 2**n)
        if not np.isclose(self.target.sum(), 1.0, atol=1e-8):
            raise ValueError(f"target must sum to 1, it sums to {self.target.sum():.6g}")
        if loss not in ("mmd", "kl"):
            raise ValueError(f"loss must be 'mmd' or 'kl', got {loss!r}")
        self.kind = loss
        self.kernel = gaussian_kernel(n) if kernel is None else np.asarray(kernel, dtype=float)
        if self.kernel.shape != (2**n, 2**n):
            raise ValueError(f"kernel must have shape ({2**n}, {2**n}), got {self.kernel.shape}")
        self.eps = float(eps)
        self.n_params = self.circuit.num_parameters
        self.parameter_names = [p.name for p in self.circuit.parameters]
        from qmlwidgets.landscape import shift_rule_applies

        self._shift = shift_rule_applies(self.circuit)

    def _params(self, params: Any) -> np.ndarray:
        x = np.asarray(params, dtype=float)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.n_params:
            raise ValueError(f"parameters must have shape (N, {self.n_params}), got {x.shape}")
        return x

    def probabilities(self, params: Any) -> np.ndarray:
        """Exact model distributions ``(N, 2**n)``."""
        from qmlwidgets import engine

        return engine.probabilities(self.circuit, self._params(params))

    def loss_of(self, probs: np.ndarray) -> np.ndarray:
        """Loss of model distributions ``(N, 2**n) -> (N,)``."""
        d = probs - self.target
        if self.kind == "mmd":
            return np.maximum(np.einsum("ni,ij,nj->n", d, self.kernel, d), 0.0)
        mask = self.target > 0
        t = self.target[mask]
        return np.sum(t * np.log(t / np.maximum(probs[:, mask], self.eps)), axis=1)

    def dloss_dprobs(self, probs: np.ndarray) -> np.ndarray:
        """``∂L/∂p`` for each row ``(N, 2**n)``."""
        if self.kind == "mmd":
            return 2.0 * (probs - self.target) @ self.kernel
        return -self.target / np.maximum(probs, self.eps)

    def __call__(self, params: Any) -> np.ndarray:
        return self.loss_of(self.probabilities(params))

    def _probs_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from qmlwidgets import engine

        N, P = x.shape
        shifts = np.concatenate([np.zeros((1, P)), np.eye(P), -np.eye(P)]) * (np.pi / 2)
        probs = engine.probabilities(self.circuit, (x[:, None, :] + shifts[None]).reshape(-1, P))
        probs = probs.reshape(N, 1 + 2 * P, -1)
        return probs[:, 0], 0.5 * (probs[:, 1:P + 1] - probs[:, P + 1:])

    def jacobian(self, params: Any) -> np.ndarray:
        """``∂p_x/∂θ_k`` for each row, shape ``(N, P, 2**n)``, by the parameter-shift rule:
        all ``2 P`` shifted circuits of all rows are simulated in one engine batch (exact
        when every parameter enters one Pauli rotation, e.g. ``real_amplitudes``)."""
        if not self._shift:
            raise ValueError("the parameter-shift Jacobian needs every parameter in exactly "
                             "one rotation gate (rx, ry, rz, rzz, ...)")
        return self._probs_and_jacobian(self._params(params))[1]

    def gradient(self, params: Any) -> np.ndarray:
        """Exact gradients ``(N, P)``: ``Jacobianᵀ ∂L/∂p`` (parameter shift, one batch), or
        the engine gradient of the diagonal observable ``∂L/∂p`` for general circuits."""
        from qmlwidgets import engine

        x = self._params(params)
        if self._shift:
            probs, jac = self._probs_and_jacobian(x)
            return np.einsum("npx,nx->np", jac, self.dloss_dprobs(probs))
        w = self.dloss_dprobs(self.probabilities(x))
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = engine.gradients(self.circuit, diagonal_observable(w[i]), x[i])
        return out

    def __repr__(self) -> str:
        return (f"QCBMLoss(loss={self.kind!r}, n_qubits={self.circuit.num_qubits}, "
                f"n_params={self.n_params})")


@dataclass(repr=False)
class QCBMResult:
    """Outcome of :func:`train_qcbm`: final ``params``, model ``probabilities``, the loss
    after every step (``losses``), the optimiser ``trajectory`` and the final ``kl``/``mmd``."""

    params: np.ndarray
    probabilities: np.ndarray
    losses: np.ndarray
    trajectory: np.ndarray
    kl: float
    mmd: float
    loss: str

    def __repr__(self) -> str:
        return (f"QCBMResult(loss={self.loss!r}, steps={len(self.losses) - 1}, "
                f"final={self.losses[-1]:.4g}, kl={self.kl:.4f})")


def train_qcbm(circuit: Any, target: Any, *, loss: str = "mmd", kernel: Any = None,
               steps: int = 200, lr: float = 0.1, method: str = "adam", seed: int = 0,
               x0: Any = None) -> QCBMResult:
    """Train a QCBM from ``x0`` (default: seeded uniform in [-π, π)) with exact gradients.

    Example::

        >>> from qiskit.circuit.library import real_amplitudes
        >>> res = train_qcbm(real_amplitudes(2, reps=1), [0.5, 0, 0, 0.5], steps=100, seed=1)
        >>> bool(res.kl < 0.01)
        True
    """
    from qmlwidgets.optimizers import minimize

    f = QCBMLoss(circuit, target, loss=loss, kernel=kernel)
    if x0 is None:
        x0 = np.random.default_rng(seed).uniform(-np.pi, np.pi, f.n_params)
    res = minimize(f, x0, method=method, grad=f.gradient, steps=steps, lr=lr, seed=seed)
    probs = f.probabilities(res.x)[0]
    K = f.kernel if f.kind == "mmd" else gaussian_kernel(circuit.num_qubits)
    return QCBMResult(params=res.x, probabilities=probs, losses=res.losses,
                      trajectory=res.trajectory, kl=kl_divergence(f.target, probs),
                      mmd=mmd(probs, f.target, K), loss=f.kind)
