"""Honest checks on quantum models, for lesson 20: surrogates, light cones, fair tuning, ZNE.

Pure NumPy/Qiskit/scikit-learn, seeded:

* **Classical surrogates** (Schreiber, Eisert & Meyer, 2023): a re-uploading model is a
  Fourier series with known frequencies (Schuld, Sweke & Meyer, 2021), so a linear regression
  on :func:`fourier_design` features (:func:`fit_fourier`, :func:`predict_fourier`) reproduces it.
* **Light cones**: :func:`light_cone` finds the qubits that can influence a local observable;
  :func:`restrict_circuit` keeps only those — a shallow circuit with a local cost is simulable on
  a handful of qubits however wide it is.
* **Fair tuning**: :func:`cv_select` picks a hyperparameter by k-fold cross-validation on the
  training set only (ties → the first value of the grid), never by test accuracy.
* **Zero-noise extrapolation** (Temme, Bravyi & Gambetta, 2017): :func:`fold_circuit` stretches
  the noise by unitary folding U (U† U)^k; :func:`extrapolate` fits the values at the noise
  scales and evaluates the fit at scale 0 (``"linear"`` or ``"richardson"``).

Example::

    >>> import numpy as np
    >>> x = np.linspace(0, 2 * np.pi, 9)
    >>> c = fit_fourier(x, 0.5 + np.sin(2 * x), 2)
    >>> (c.round(6) + 0.0).tolist()
    [0.5, 0.0, 0.0, 0.0, 1.0]
    >>> round(extrapolate([1, 3, 5], [0.8, 0.5, 0.3], "linear"), 3)
    0.908
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

import numpy as np

__all__ = ["fourier_design", "fit_fourier", "predict_fourier", "light_cone", "restrict_circuit",
           "cv_select", "fold_circuit", "extrapolate"]


def _max_freq(K: Any) -> int:
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or not 0 <= K <= 1000:
        raise ValueError(f"max_freq must be an integer ≥ 0, got {K!r}")
    return int(K)


def fourier_design(x: Any, max_freq: int) -> np.ndarray:
    """Columns ``1, cos x, sin x, cos 2x, sin 2x, …, cos Kx, sin Kx``: shape ``(M, 2K + 1)``.

    >>> fourier_design([0.0], 1).tolist()
    [[1.0, 1.0, 0.0]]
    """
    K = _max_freq(max_freq)
    xs = np.asarray(x, dtype=float).ravel()
    cols = [np.ones_like(xs)]
    for k in range(1, K + 1):
        cols += [np.cos(k * xs), np.sin(k * xs)]
    return np.stack(cols, axis=1)


def fit_fourier(x: Any, y: Any, max_freq: int) -> np.ndarray:
    """Least-squares coefficients of the Fourier series of degree ``max_freq`` through (x, y)."""
    A = fourier_design(x, max_freq)
    yy = np.asarray(y, dtype=float).ravel()
    if yy.size != A.shape[0]:
        raise ValueError(f"x and y must have the same length, got {A.shape[0]} and {yy.size}")
    return np.linalg.lstsq(A, yy, rcond=None)[0]


def predict_fourier(x: Any, coeffs: Any) -> np.ndarray:
    """Evaluate the series with ``coeffs`` (from :func:`fit_fourier`) at ``x``."""
    c = np.asarray(coeffs, dtype=float).ravel()
    if c.size % 2 != 1:
        raise ValueError(f"coeffs must have 2K + 1 entries, got {c.size}")
    return fourier_design(x, (c.size - 1) // 2) @ c


# ----------------------------------------------------------------------------- light cones
def light_cone(circuit: Any, qubits: Iterable[int]) -> list[int]:
    """Qubits whose gates can change an observable on ``qubits`` at the end of ``circuit``.

    Walks the circuit backwards: a multi-qubit gate touching the cone adds all its qubits.

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(5); _ = qc.cx(0, 1); _ = qc.cx(1, 2); _ = qc.cx(3, 4)
    >>> light_cone(qc, [2])
    [0, 1, 2]
    """
    cone = {int(q) for q in qubits}
    if not cone or not all(0 <= q < circuit.num_qubits for q in cone):
        raise ValueError(f"qubits must be a non-empty list of indices < {circuit.num_qubits}")
    for inst in reversed(circuit.data):
        idx = {circuit.find_bit(q).index for q in inst.qubits}
        if inst.operation.name in ("barrier", "measure"):
            continue
        if idx & cone:
            cone |= idx
    return sorted(cone)


def restrict_circuit(circuit: Any, qubits: Sequence[int]) -> Any:
    """The gates of ``circuit`` acting only inside ``qubits``, on ``len(qubits)`` qubits (in the
    given order). With ``qubits = light_cone(circuit, obs_qubits)`` local expectation values are
    unchanged.

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(4); _ = qc.h(3); _ = qc.cx(3, 2); _ = qc.x(0)
    >>> restrict_circuit(qc, [2, 3]).count_ops()
    OrderedDict([('h', 1), ('cx', 1)])
    """
    from qiskit import QuantumCircuit

    keep = [int(q) for q in qubits]
    pos = {q: i for i, q in enumerate(keep)}
    small = QuantumCircuit(len(keep))
    for inst in circuit.data:
        idx = [circuit.find_bit(q).index for q in inst.qubits]
        if inst.operation.name in ("barrier", "measure") or not all(i in pos for i in idx):
            continue
        small.append(inst.operation, [pos[i] for i in idx])
    return small


# ----------------------------------------------------------------------------- fair tuning
def cv_select(make_model: Callable[[Any], Any], grid: Sequence[Any], X: Any, y: Any, *,
              folds: int = 5, seed: int = 0) -> tuple[Any, np.ndarray]:
    """(best value, mean CV accuracy per value): k-fold cross-validation on the TRAINING data.

    ``make_model(value)`` returns an unfitted scikit-learn classifier. Folds are stratified and
    seeded; scores are rounded to 1e-9 and ties go to the first value in ``grid``.

    >>> from sklearn.svm import SVC
    >>> from qmlcourse.datasets import make_moons
    >>> d = make_moons(60, seed=1)
    >>> best, scores = cv_select(lambda g: SVC(gamma=g), [0.01, 1.0], d.X, d.y)
    >>> best
    1.0
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    values = list(grid)
    if not values:
        raise ValueError("grid must hold at least one hyperparameter value")
    cv = StratifiedKFold(n_splits=int(folds), shuffle=True, random_state=seed)
    scores = np.array([cross_val_score(make_model(v), X, y, cv=cv).mean() for v in values])
    r = np.round(scores, 9)
    best = int(np.flatnonzero(r == r.max())[0])
    return values[best], scores


# ----------------------------------------------------------------------------- ZNE
def fold_circuit(circuit: Any, scale: int) -> Any:
    """Global unitary folding: ``U (U† U)^k`` with ``scale = 2k + 1`` (1, 3, 5, …).

    The folded circuit does the same thing ideally, but with ``scale`` times as many gates —
    and so, to first order, ``scale`` times the noise (Giurgica-Tiron et al., 2020).

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(1); _ = qc.rx(0.3, 0)
    >>> fold_circuit(qc, 3).size()
    3
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1 \
            or scale % 2 == 0:
        raise ValueError(f"scale must be an odd integer ≥ 1 (1, 3, 5, …), got {scale!r}")
    if any(inst.operation.name == "measure" for inst in circuit.data):
        raise ValueError("fold a circuit without measurements (the estimator measures)")
    out = circuit.copy()
    inverse = circuit.inverse()
    for _ in range((int(scale) - 1) // 2):
        out.compose(inverse, inplace=True)
        out.compose(circuit, inplace=True)
    return out


def extrapolate(scales: Any, values: Any, method: str = "richardson") -> float:
    """Value at noise scale 0 from values measured at ``scales``.

    ``"linear"``: least-squares straight line; ``"richardson"``: the polynomial of degree
    ``len(scales) - 1`` through all points (Richardson extrapolation).

    >>> round(extrapolate([1, 3, 5], [0.8, 0.5, 0.3]), 4)
    0.9875
    """
    s = np.asarray(scales, dtype=float).ravel()
    v = np.asarray(values, dtype=float).ravel()
    if s.size != v.size or s.size < 2 or len(set(s.tolist())) != s.size:
        raise ValueError("need ≥ 2 distinct scales and one value per scale")
    if method == "linear":
        deg = 1
    elif method == "richardson":
        deg = s.size - 1
    else:
        raise ValueError(f"method must be 'linear' or 'richardson', got {method!r}")
    return float(np.polyval(np.polyfit(s, v, deg), 0.0))
