"""Variational quantum models: Qiskit circuits evaluated (and differentiated) by the engine.

Two small models share one design — *encoding* (data as rotation angles) + *ansatz*
(trainable gates) + *readout* (an observable's expectation value, rescaled by two trainable
numbers ``w`` and ``b``)::

    output(x; θ, w, b) = w · ⟨ψ(x; θ)| O |ψ(x; θ)⟩ + b

* :class:`VariationalClassifier` — binary classifier; the output is a logit,
  ``P(y=1 | x) = sigmoid(output)``; cross-entropy or hinge loss.
* :class:`ReuploadingModel` — 1-D regression by data re-uploading; mean squared error.

Parameters are one flat vector ``params = [θ_0 … θ_{K-1}, w, b]``. Everything is
batched: ``loss(X, y, params)`` with ``params`` of shape ``(N, P)`` gives ``N`` losses in one
engine call (a whole landscape grid), and :meth:`~VariationalClassifier.loss_and_grad`
returns the exact gradient (adjoint differentiation; ``gradient_method="parameter-shift"``
gives the same numbers by the shift rule). The circuit itself is an ordinary
``QuantumCircuit`` (``model.circuit``) whose parameters are the inputs ``x[j]`` and the
weights ``θ[k]``; :meth:`~VariationalClassifier.parameter_values` builds the matching
Estimator PUB rows, and ``estimator=`` runs any ``BaseEstimatorV2`` (e.g. a noisy one;
add ``pass_manager=`` to transpile for a device first): ``predict``, ``score`` and
``decision_function`` accept both.

Example::

    >>> import numpy as np
    >>> from qmlcourse.models import VariationalClassifier
    >>> model = VariationalClassifier(n_features=2, layers=2)
    >>> model
    VariationalClassifier(n_qubits=2, layers=2, encoding='ry', ansatz='hea', reupload=True, observable='ZZ', loss='cross_entropy', n_params=10)
    >>> params = model.init_params(seed=0)
    >>> X = np.array([[0.1, 0.2], [2.0, 1.0]]); y = np.array([0, 1])
    >>> loss, grad = model.loss_and_grad(X, y, params)
    >>> grad.shape
    (10,)
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

__all__ = [
    "ENCODINGS",
    "ANSATZES",
    "CLASSIFIER_LOSSES",
    "sigmoid",
    "cross_entropy",
    "hinge",
    "mean_squared_error",
    "ModelLoss",
    "VariationalClassifier",
    "ReuploadingModel",
    "plot_decision_boundary",
]

ENCODINGS = ("ry", "rx", "zz")
ANSATZES = ("hea", "real_amplitudes", "efficient_su2")
CLASSIFIER_LOSSES = ("cross_entropy", "hinge")
_MAX_ROWS = 1 << 17  # circuit evaluations per engine call when a batch is split


# ----------------------------------------------------------------------------- losses
def sigmoid(z: Any) -> np.ndarray:
    """Logistic function ``1 / (1 + e^(-z))``, computed without overflow.

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0])).tolist()
    [0.5, 1.0, 0.0]
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def cross_entropy(logits: Any, y: Any) -> float:
    """Mean binary cross-entropy of labels ``y`` ∈ {0, 1} given logits (stable form).

    ``-[y log p + (1 - y) log(1 - p)]`` with ``p = sigmoid(z)`` equals
    ``log(1 + e^z) - y z``.

    >>> round(cross_entropy([0.0, 0.0], [0, 1]), 4)   # p = 0.5: log 2
    0.6931
    """
    z = np.asarray(logits, dtype=float)
    y = np.asarray(y, dtype=float)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def hinge(logits: Any, y: Any) -> float:
    """Mean hinge loss ``max(0, 1 - s z)`` with signed labels ``s = 2y - 1``.

    >>> hinge([2.0, 0.5, -1.0], [1, 1, 1])
    0.8333333333333334
    """
    z = np.asarray(logits, dtype=float)
    s = 2.0 * np.asarray(y, dtype=float) - 1.0
    return float(np.mean(np.maximum(0.0, 1.0 - s * z)))


def mean_squared_error(pred: Any, y: Any) -> float:
    """Mean of ``(pred - y)²``.

    >>> mean_squared_error([1.0, 2.0], [1.0, 0.0])
    2.0
    """
    return float(np.mean((np.asarray(pred, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def _loss_terms(kind: str, out: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample losses and their derivative with respect to the output (same shape)."""
    if kind == "cross_entropy":
        return np.logaddexp(0.0, out) - y * out, sigmoid(out) - y
    if kind == "hinge":
        s = 2.0 * y - 1.0
        margin = 1.0 - s * out
        return np.maximum(0.0, margin), np.where(margin > 0, -s, 0.0)
    if kind == "mse":
        r = out - y
        return r * r, 2.0 * r
    raise ValueError(f"unknown loss {kind!r}")


# ----------------------------------------------------------------------------- batched loss
class ModelLoss:
    """A model's loss on fixed data as a batched function of the parameters.

    ``loss(params (N, P)) -> (N,)`` and ``loss.gradient(params (N, P)) -> (N, P)`` — the
    call shape of :mod:`qmlwidgets.landscape`, :mod:`qmlwidgets.optimizers` and
    :class:`qmlwidgets.LandscapeExplorer` (pass it as the loss, with ``point=params``).

    Example::

        >>> model = VariationalClassifier(layers=1)
        >>> f = model.loss_function(np.zeros((3, 2)), np.array([0, 1, 0]))
        >>> f(np.zeros((4, model.n_params))).shape, f.gradient(np.zeros((1, 6))).shape
        ((4,), (1, 6))
    """

    def __init__(self, model: "_EngineModel", X: Any, y: Any) -> None:
        self.model = model
        self.X, self.y = model.check_data(X, y)
        self.n_params = model.n_params
        self.parameter_names = model.parameter_names

    def __call__(self, params: Any) -> np.ndarray:
        return np.atleast_1d(self.model.loss(self.X, self.y, np.atleast_2d(params)))

    def gradient(self, params: Any) -> np.ndarray:
        """Exact gradients, one row per parameter row."""
        return self.model.loss_gradients(self.X, self.y, params)

    def __repr__(self) -> str:
        return (f"ModelLoss({type(self.model).__name__}, n_samples={self.X.shape[0]}, "
                f"n_params={self.n_params})")


# ----------------------------------------------------------------------------- base model
class _EngineModel:
    """Bookkeeping shared by the models: circuit, parameter columns, readout, gradients."""

    task = ""
    metric_name = ""

    def _setup(self, circuit: Any, inputs: Sequence[Any], weights: Sequence[Any],
               observable: Any, loss: str, gradient_method: str) -> None:
        from qmlwidgets import engine

        self.circuit = circuit
        self.input_parameters = list(inputs)
        self.weight_parameters = list(weights)
        order = {p: i for i, p in enumerate(circuit.parameters)}
        self._x_cols = np.array([order[p] for p in self.input_parameters], dtype=int)
        self._w_cols = np.array([order[p] for p in self.weight_parameters], dtype=int)
        n = circuit.num_qubits
        observable = engine.as_observable(observable, n)
        self.observable = observable
        single = len(observable) == 1 and np.isclose(observable.coeffs[0], 1.0)
        self._obs_arg = observable.paulis[0].to_label() if single else observable
        self.loss_name = loss
        if gradient_method not in ("auto", "adjoint", "parameter-shift"):
            raise ValueError("gradient_method must be 'auto', 'adjoint' or 'parameter-shift', "
                             f"got {gradient_method!r}")
        self.gradient_method = gradient_method
        self.n_weights = len(self.weight_parameters)
        self.n_params = self.n_weights + 2
        self.parameter_names = [p.name for p in self.weight_parameters] + ["w", "b"]
        self.params: np.ndarray | None = None
        self._engine = engine

    # ------------------------------------------------------------------ parameters
    def init_params(self, seed: int | None = 0, scale: float = math.pi) -> np.ndarray:
        """Seeded starting parameters: weights uniform in ``[-scale, scale]``, ``w = 1``,
        ``b = 0``. Also stored as ``model.params``."""
        if not (np.isfinite(scale) and scale >= 0):
            raise ValueError(f"scale must be a non-negative number, got {scale!r}")
        rng = np.random.default_rng(seed)
        p = np.concatenate([rng.uniform(-scale, scale, self.n_weights), [1.0, 0.0]])
        self.params = p.copy()
        return p

    def check_params(self, params: Any) -> np.ndarray:
        """``params`` (default ``model.params``) as a float array of shape (P,) or (N, P), or a
        ValueError naming the expected shape.

        >>> VariationalClassifier(layers=1).check_params(np.zeros(6)).shape
        (6,)
        """
        if params is None:
            if self.params is None:
                raise ValueError("no parameters: pass params, or call init_params() / fit first")
            params = self.params
        arr = np.asarray(params, dtype=float)
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.n_params:
            raise ValueError(f"params must have shape ({self.n_params},) or (N, {self.n_params}) "
                             f"(weights then w, b), got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError("params contain NaN or inf")
        return arr

    def _check_X(self, X: Any) -> np.ndarray:
        d = len(self.input_parameters)
        arr = np.asarray(X, dtype=float)
        if arr.ndim == 1 and d == 1:
            arr = arr[:, None]
        if arr.ndim == 1 and arr.size == d:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != d:
            raise ValueError(f"X must have shape (n_samples, {d}), got shape {arr.shape}")
        if arr.shape[0] == 0:
            raise ValueError("X has no samples")
        if not np.all(np.isfinite(arr)):
            raise ValueError("X contains NaN or inf")
        return arr

    def _check_y(self, y: Any, m: int) -> np.ndarray:
        arr = np.asarray(y, dtype=float).reshape(-1)
        if arr.shape[0] != m:
            raise ValueError(f"y has {arr.shape[0]} entries but X has {m} samples")
        if not np.all(np.isfinite(arr)):
            raise ValueError("y contains NaN or inf")
        return arr

    def check_data(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)`` as float arrays of shape (M, d) and (M,), or a ValueError saying what is wrong.

        >>> X, y = VariationalClassifier(layers=1).check_data([[0.1, 0.2]], [1])
        >>> X.shape, y.shape
        ((1, 2), (1,))
        """
        X = self._check_X(X)
        return X, self._check_y(y, X.shape[0])

    def loss_terms(self, outputs: Any, y: Any) -> np.ndarray:
        """Per-sample losses of ``outputs`` against ``y`` (the model's loss; their mean is :meth:`loss`).

        >>> VariationalClassifier(layers=1, loss="hinge").loss_terms(np.array([0.5, -2.0]), np.array([1, 0]))
        array([0.5, 0. ])
        """
        return _loss_terms(self.loss_name, np.asarray(outputs, dtype=float), np.asarray(y, dtype=float))[0]

    def parameter_values(self, X: Any, params: Any = None) -> np.ndarray:
        """Rows for the circuit (columns in ``circuit.parameters`` order): one per sample,
        ``(M, n_circuit_params)``; with ``params`` of shape (N, P): ``(N, M, ...)``.

        Use them in an Estimator PUB: ``(model.circuit, model.observable, rows)``."""
        X = self._check_X(X)
        p = self.check_params(params)
        theta = p[..., : self.n_weights]
        lead = theta.shape[:-1]
        rows = np.empty(lead + (X.shape[0], self.circuit.num_parameters))
        rows[..., self._x_cols] = X
        rows[..., self._w_cols] = theta[..., None, :]
        return rows

    # ------------------------------------------------------------------ forward
    def expectations(self, X: Any, params: Any = None, *, estimator: Any = None,
                     precision: float | None = None, pass_manager: Any = None) -> np.ndarray:
        """``⟨O⟩`` per sample, ``(M,)`` — or ``(N, M)`` for ``params`` of shape (N, P).

        Exact through the engine by default; with ``estimator`` (any ``BaseEstimatorV2``,
        e.g. a noisy simulator or a device) one PUB ``(circuit, observable, rows)`` is run
        instead. ``pass_manager`` (e.g. ``generate_preset_pass_manager(backend=...)``)
        first transpiles the circuit for a device and maps the observable onto its layout
        (``isa_circuit_and_observable``)."""
        rows = self.parameter_values(X, params)
        if pass_manager is not None and estimator is None:
            raise ValueError("pass_manager needs an estimator to run the transpiled circuit")
        if estimator is not None:
            circuit, observable = (self.circuit, self.observable) if pass_manager is None \
                else self.isa_circuit_and_observable(pass_manager)
            kw = {} if precision is None else {"precision": precision}
            res = estimator.run([(circuit, observable, rows)], **kw).result()
            return np.asarray(res[0].data.evs, dtype=float).reshape(rows.shape[:-1])
        flat = rows.reshape(-1, rows.shape[-1])
        out = np.empty(flat.shape[0])
        for s in range(0, flat.shape[0], _MAX_ROWS):
            out[s:s + _MAX_ROWS] = self._engine.expectation_values(
                self.circuit, self._obs_arg, flat[s:s + _MAX_ROWS])
        return out.reshape(rows.shape[:-1])

    def isa_circuit_and_observable(self, pass_manager: Any) -> tuple[Any, Any]:
        """The circuit transpiled by ``pass_manager`` and the observable on its layout.

        Cached per pass manager. The transpiled circuit keeps the same parameters, so
        :meth:`parameter_values` rows still fit it."""
        cache = self.__dict__.setdefault("_isa_cache", {})
        key = id(pass_manager)
        if key not in cache or cache[key][0] is not pass_manager:
            isa = pass_manager.run(self.circuit)
            if [p.name for p in isa.parameters] != [p.name for p in self.circuit.parameters]:
                raise ValueError("transpiling removed or renamed circuit parameters; the "
                                 "parameter rows would not fit the transpiled circuit")
            cache[key] = (pass_manager, isa, self.observable.apply_layout(isa.layout))
        return cache[key][1], cache[key][2]

    def outputs(self, X: Any, params: Any = None, *, estimator: Any = None,
                precision: float | None = None, pass_manager: Any = None) -> np.ndarray:
        """Model outputs ``w ⟨O⟩ + b`` (``(M,)`` or ``(N, M)``)."""
        p = self.check_params(params)
        ev = self.expectations(X, p, estimator=estimator, precision=precision,
                               pass_manager=pass_manager)
        w, b = p[..., -2], p[..., -1]
        return w[..., None] * ev + b[..., None] if p.ndim == 2 else w * ev + b

    def _outputs_and_jacobian(self, X: np.ndarray, params: np.ndarray
                              ) -> tuple[np.ndarray, np.ndarray]:
        """Outputs and their exact Jacobian: (M,), (M, P) for params (P,); (N, M), (N, M, P)
        for params (N, P) — all rows in one (chunked) engine pass."""
        rows = self.parameter_values(X, params)
        flat = rows.reshape(-1, rows.shape[-1])
        vals = np.empty(flat.shape[0])
        grads = np.empty((flat.shape[0], self.n_weights))
        for s in range(0, flat.shape[0], _MAX_ROWS):
            v, g = self._engine.value_and_gradient(self.circuit, self._obs_arg,
                                                   flat[s:s + _MAX_ROWS],
                                                   method=self.gradient_method)
            vals[s:s + _MAX_ROWS] = v
            grads[s:s + _MAX_ROWS] = g[:, self._w_cols]
        lead = rows.shape[:-1]
        vals = vals.reshape(lead)
        w, b = params[..., -2], params[..., -1]
        if params.ndim == 2:
            w, b = w[:, None], b[:, None]
        jac = np.empty(lead + (self.n_params,))
        jac[..., : self.n_weights] = w[..., None] * grads.reshape(lead + (self.n_weights,))
        jac[..., -2] = vals
        jac[..., -1] = 1.0
        return w * vals + b, jac

    # ------------------------------------------------------------------ losses
    def loss(self, X: Any, y: Any, params: Any = None) -> float | np.ndarray:
        """Mean loss on ``(X, y)``: a float, or ``(N,)`` losses for params (N, P)."""
        X, y = self.check_data(X, y)
        p = self.check_params(params)
        if p.ndim == 1:
            return float(np.mean(_loss_terms(self.loss_name, self.outputs(X, p), y)[0]))
        per = max(1, _MAX_ROWS // X.shape[0])
        out = np.empty(p.shape[0])
        for s in range(0, p.shape[0], per):
            o = self.outputs(X, p[s:s + per])
            out[s:s + per] = np.mean(_loss_terms(self.loss_name, o, y[None, :])[0], axis=1)
        return out

    def loss_and_grad(self, X: Any, y: Any, params: Any = None) -> tuple[float, np.ndarray]:
        """Mean loss and its exact gradient ``(P,)`` at one parameter vector."""
        loss, grad, _ = self.loss_grad_outputs(X, y, params)
        return loss, grad

    def loss_grad_outputs(self, X: Any, y: Any, params: Any = None
                          ) -> tuple[float, np.ndarray, np.ndarray]:
        """Mean loss, exact gradient ``(P,)`` and the outputs ``(M,)`` — one engine pass."""
        X, y = self.check_data(X, y)
        p = self.check_params(params)
        if p.ndim != 1:
            raise ValueError("loss_and_grad takes one parameter vector; use loss_function(X, y)"
                             ".gradient for a batch")
        out, jac = self._outputs_and_jacobian(X, p)
        terms, dout = _loss_terms(self.loss_name, out, y)
        return float(np.mean(terms)), dout @ jac / X.shape[0], out

    def loss_gradients(self, X: Any, y: Any, params: Any) -> np.ndarray:
        """Exact gradients ``(N, P)`` of the mean loss for a batch of parameter rows."""
        X, y = self.check_data(X, y)
        p = np.atleast_2d(self.check_params(params))
        per = max(1, _MAX_ROWS // X.shape[0])
        out = np.empty(p.shape)
        for s in range(0, p.shape[0], per):
            o, jac = self._outputs_and_jacobian(X, p[s:s + per])
            dout = _loss_terms(self.loss_name, o, y[None, :])[1]
            out[s:s + per] = np.einsum("nm,nmp->np", dout, jac) / X.shape[0]
        return out

    def loss_function(self, X: Any, y: Any) -> ModelLoss:
        """The loss on ``(X, y)`` as a batched function of the parameters (for landscapes)."""
        return ModelLoss(self, X, y)

    def metric(self, outputs: Any, y: Any) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def fit(self, X: Any, y: Any, **kwargs: Any) -> Any:
        """Train with :func:`qmlcourse.train.fit` (Adam on exact gradients); returns its
        :class:`~qmlcourse.train.TrainingResult` and stores ``model.params``."""
        from qmlcourse.train import fit

        return fit(self, X, y, **kwargs)

    def draw(self, **kwargs: Any) -> Any:
        """``circuit.draw(**kwargs)`` (e.g. ``output="mpl"``)."""
        return self.circuit.draw(**kwargs)


def _check_int(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer in {lo}..{hi}, got {value!r}")
    return int(value)


def _check_scale(value: Any) -> float:
    try:
        s = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"input_scale must be a positive number, got {value!r}") from None
    if not (math.isfinite(s) and s > 0):
        raise ValueError(f"input_scale must be a positive number, got {value!r}")
    return s


def _entangle(qc: Any, n: int, entangler: str) -> None:
    for q in range(n - 1):
        (qc.cz if entangler == "cz" else qc.cx)(q, q + 1)


# ----------------------------------------------------------------------------- classifier
class VariationalClassifier(_EngineModel):
    """Binary variational quantum classifier (labels 0/1).

    Circuit, for ``layers`` = L: ``[encoding, ansatz layer] × L`` with ``reupload=True``
    (the data are written again before every layer), or ``encoding, ansatz layer × L``.
    Readout: logit ``w ⟨O⟩ + b``, ``P(y = 1 | x) = sigmoid(logit)``.

    Parameters
    ----------
    n_features:
        Input dimension ``d``.
    n_qubits:
        Default ``d``; with more qubits than features, features repeat cyclically.
    layers:
        Number of ansatz layers.
    encoding:
        ``"ry"`` / ``"rx"`` (angle ``input_scale · x_{q mod d}`` on qubit ``q``) or ``"zz"``
        (Qiskit's ``zz_feature_map``, one rep; needs ``n_qubits == n_features``).
    ansatz:
        ``"hea"`` (RZ then RY on every qubit, then a CZ/CX chain — 2 n parameters per layer;
        ending on RY, no parameter commutes with a Z readout),
        ``"real_amplitudes"`` or ``"efficient_su2"`` (Qiskit's, one rep per layer).
    observable:
        Pauli label or ``SparsePauliOp``; default the parity ``Z…Z``.
    loss:
        ``"cross_entropy"`` or ``"hinge"`` (signed labels ``2y - 1``, margin 1).

    Example::

        >>> m = VariationalClassifier(layers=1, reupload=False)
        >>> m.n_params, m.circuit.num_qubits
        (6, 2)
    """

    task = "classification"
    metric_name = "accuracy"

    def __init__(self, n_features: int = 2, n_qubits: int | None = None, layers: int = 2, *,
                 encoding: str = "ry", ansatz: str = "hea", reupload: bool = True,
                 observable: Any = None, loss: str = "cross_entropy", entangler: str = "cz",
                 input_scale: float = 1.0, gradient_method: str = "auto") -> None:
        from qiskit import QuantumCircuit
        from qiskit.circuit import ParameterVector

        d = _check_int(n_features, "n_features", 1, 16)
        n = d if n_qubits is None else _check_int(n_qubits, "n_qubits", 1, 16)
        layers = _check_int(layers, "layers", 1, 100)
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")
        if ansatz not in ANSATZES:
            raise ValueError(f"ansatz must be one of {ANSATZES}, got {ansatz!r}")
        if loss not in CLASSIFIER_LOSSES:
            raise ValueError(f"loss must be one of {CLASSIFIER_LOSSES}, got {loss!r}")
        if entangler not in ("cz", "cx"):
            raise ValueError(f"entangler must be 'cz' or 'cx', got {entangler!r}")
        if encoding == "zz" and n != d:
            raise ValueError(f"the zz encoding needs one qubit per feature: n_qubits={n} but "
                             f"n_features={d}")
        if n == 1 and ansatz != "hea":
            raise ValueError(f"the {ansatz} ansatz needs at least 2 qubits; use ansatz='hea'")
        scale = _check_scale(input_scale)
        self.n_features, self.n_qubits, self.layers = d, n, layers
        self.encoding, self.ansatz, self.reupload = encoding, ansatz, bool(reupload)
        self.entangler, self.input_scale = entangler, scale

        x = ParameterVector("x", d)
        enc = QuantumCircuit(n, name="S(x)")
        if encoding == "zz":
            from qiskit.circuit.library import zz_feature_map

            fm = zz_feature_map(d, reps=1)
            values = [scale * x[i] for i in range(d)] if scale != 1.0 else list(x)
            enc.compose(fm.assign_parameters(dict(zip(fm.parameters, values, strict=True))), inplace=True)
        else:
            rot = enc.ry if encoding == "ry" else enc.rx
            for q in range(n):
                rot(scale * x[q % d] if scale != 1.0 else x[q % d], q)
        blocks = [self._ansatz_layer(n, ansatz, entangler) for _ in range(layers)]
        theta = ParameterVector("θ", sum(b.num_parameters for b in blocks))
        qc = QuantumCircuit(n)
        k = 0
        for layer, block in enumerate(blocks):
            if layer == 0 or self.reupload:
                qc.compose(enc, inplace=True)
            m = block.num_parameters
            qc.compose(block.assign_parameters(dict(zip(block.parameters, theta[k:k + m], strict=True))),
                       inplace=True)
            k += m
        if observable is None:
            observable = "Z" * n
        self._setup(qc, list(x), list(theta), observable, loss, gradient_method)

    @staticmethod
    def _ansatz_layer(n: int, ansatz: str, entangler: str) -> Any:
        from qiskit import QuantumCircuit
        from qiskit.circuit import ParameterVector

        if ansatz == "hea":
            t = ParameterVector("t", 2 * n)
            qc = QuantumCircuit(n)
            for q in range(n):
                qc.rz(t[q], q)
            for q in range(n):
                qc.ry(t[n + q], q)
            _entangle(qc, n, entangler)
            return qc
        from qiskit.circuit.library import efficient_su2, real_amplitudes

        fn = real_amplitudes if ansatz == "real_amplitudes" else efficient_su2
        return fn(n, reps=1)

    def _check_y(self, y: Any, m: int) -> np.ndarray:
        arr = super()._check_y(y, m)
        if not np.all((arr == 0) | (arr == 1)):
            bad = sorted(set(np.unique(arr).tolist()) - {0.0, 1.0})[:3]
            hint = " (signed labels? use (y + 1) // 2)" if -1.0 in bad else ""
            raise ValueError(f"labels must be 0 or 1, got values {bad}{hint}")
        return arr

    # ------------------------------------------------------------------ predictions
    def decision_function(self, X: Any, params: Any = None, **kwargs: Any) -> np.ndarray:
        """Logits ``w ⟨O⟩ + b``; positive means class 1."""
        return self.outputs(X, params, **kwargs)

    def predict_proba(self, X: Any, params: Any = None, **kwargs: Any) -> np.ndarray:
        """``P(y = 1 | x)`` per sample."""
        return sigmoid(self.outputs(X, params, **kwargs))

    def predict(self, X: Any, params: Any = None, **kwargs: Any) -> np.ndarray:
        """Predicted labels 0/1."""
        return (self.outputs(X, params, **kwargs) > 0).astype(int)

    def score(self, X: Any, y: Any, params: Any = None, **kwargs: Any) -> float:
        """Accuracy on ``(X, y)``."""
        X, y = self.check_data(X, y)
        return float(np.mean(self.predict(X, params, **kwargs) == y))

    def metric(self, outputs: Any, y: Any) -> float:
        """Accuracy from logits (what training histories record)."""
        return float(np.mean((np.asarray(outputs) > 0) == (np.asarray(y) > 0.5)))

    def decision_grid(self, X: Any = None, params: Any = None, *, resolution: int = 60,
                      margin: float = 0.3, xlim: tuple[float, float] | None = None,
                      ylim: tuple[float, float] | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Logits on a grid for boundary plots: ``xx, yy, zz`` of shape (res, res).

        The box covers ``X`` (plus ``margin``) unless ``xlim``/``ylim`` are given; the whole
        grid is one batched evaluation. Plot with ``contourf(xx, yy, zz)``; the decision
        boundary is the level ``zz = 0``."""
        if self.n_features != 2:
            raise ValueError("decision_grid needs a model with 2 features")
        r = _check_int(resolution, "resolution", 2, 400)
        if xlim is None or ylim is None:
            if X is None:
                raise ValueError("pass the data X (to choose the box) or both xlim and ylim")
            X = self._check_X(X)
            lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
            xlim = (lo[0], hi[0]) if xlim is None else xlim
            ylim = (lo[1], hi[1]) if ylim is None else ylim
        xx, yy = np.meshgrid(np.linspace(*xlim, r), np.linspace(*ylim, r))
        zz = self.outputs(np.column_stack([xx.ravel(), yy.ravel()]), params)
        return xx, yy, zz.reshape(xx.shape)

    def __repr__(self) -> str:
        obs = self._obs_arg if isinstance(self._obs_arg, str) else "SparsePauliOp"
        return (f"VariationalClassifier(n_qubits={self.n_qubits}, layers={self.layers}, "
                f"encoding={self.encoding!r}, ansatz={self.ansatz!r}, reupload={self.reupload}, "
                f"observable={obs!r}, loss={self.loss_name!r}, n_params={self.n_params})")


# ----------------------------------------------------------------------------- regression
class ReuploadingModel(_EngineModel):
    """Data re-uploading model for 1-D regression (Pérez-Salinas et al. 2020).

    ``W_0 · [S(x) · W_l] for l = 1..L`` where ``S(x) = RX(input_scale · x)`` on every qubit
    and ``W_l`` is a general rotation ``RZ RY RZ`` on every qubit (3 weights per qubit),
    followed by a CZ chain when ``n_qubits > 1``. Output ``w ⟨Z_0⟩ + b``; loss: mean squared
    error. The output is a Fourier series in ``x`` with integer frequencies up to
    ``n_qubits · layers`` (times ``input_scale``): :meth:`frequencies`, :meth:`spectrum`.

    Example::

        >>> m = ReuploadingModel(layers=2)
        >>> m.frequencies().tolist(), m.n_params
        ([0.0, 1.0, 2.0], 11)
    """

    task = "regression"
    metric_name = "mse"

    def __init__(self, layers: int = 3, n_qubits: int = 1, *, input_scale: float = 1.0,
                 observable: Any = None, entangler: str = "cz",
                 gradient_method: str = "auto") -> None:
        from qiskit import QuantumCircuit
        from qiskit.circuit import ParameterVector

        layers = _check_int(layers, "layers", 1, 100)
        n = _check_int(n_qubits, "n_qubits", 1, 12)
        if entangler not in ("cz", "cx"):
            raise ValueError(f"entangler must be 'cz' or 'cx', got {entangler!r}")
        scale = _check_scale(input_scale)
        self.layers, self.n_qubits, self.input_scale, self.entangler = layers, n, scale, entangler
        self.n_features = 1
        x = ParameterVector("x", 1)
        theta = ParameterVector("θ", 3 * n * (layers + 1))
        qc = QuantumCircuit(n)
        k = 0
        for layer in range(layers + 1):
            if layer > 0:
                for q in range(n):
                    qc.rx(scale * x[0] if scale != 1.0 else x[0], q)
            for q in range(n):
                qc.rz(theta[k], q)
                qc.ry(theta[k + 1], q)
                qc.rz(theta[k + 2], q)
                k += 3
            if n > 1:
                _entangle(qc, n, entangler)
        if observable is None:
            observable = "I" * (n - 1) + "Z"
        self._setup(qc, list(x), list(theta), observable, "mse", gradient_method)

    def predict(self, X: Any, params: Any = None, **kwargs: Any) -> np.ndarray:
        """Model outputs ``w ⟨O⟩ + b`` at the inputs ``X`` ((M,) or (M, 1))."""
        return self.outputs(X, params, **kwargs)

    def score(self, X: Any, y: Any, params: Any = None) -> float:
        """Coefficient of determination R² (1 is a perfect fit, 0 predicts the mean)."""
        X, y = self.check_data(X, y)
        res = np.sum((self.predict(X, params) - y) ** 2)
        tot = np.sum((y - y.mean()) ** 2)
        return float(1.0 - res / tot) if tot > 0 else float("nan")

    def metric(self, outputs: Any, y: Any) -> float:
        """Mean squared error (what training histories record)."""
        return mean_squared_error(outputs, y)

    def max_frequency(self) -> int:
        """Largest integer frequency the circuit can produce: ``n_qubits · layers``."""
        return self.n_qubits * self.layers

    def frequencies(self) -> np.ndarray:
        """Non-negative frequencies ``0, s, 2s, … , n L s`` available (``s = input_scale``)."""
        return self.input_scale * np.arange(self.max_frequency() + 1, dtype=float)

    def spectrum(self, params: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Exact Fourier coefficients of the output: ``f(x) = Σ_k c_k e^{i k s x}``.

        Returns ``(freqs, coeffs)`` for ``k = 0 … n L`` (the negative ones are the complex
        conjugates), from ``2 n L + 1`` equally spaced samples of one period — exact for a
        trigonometric polynomial of that degree."""
        K = self.max_frequency()
        m = 2 * K + 1
        period = 2 * math.pi / self.input_scale
        xs = np.arange(m) * period / m
        c = np.fft.fft(self.outputs(xs[:, None], params)) / m
        return self.frequencies(), c[: K + 1]

    def __repr__(self) -> str:
        return (f"ReuploadingModel(layers={self.layers}, n_qubits={self.n_qubits}, "
                f"input_scale={self.input_scale:g}, n_params={self.n_params})")


# ----------------------------------------------------------------------------- plots
def plot_decision_boundary(model: VariationalClassifier, X: Any, y: Any, params: Any = None,
                           *, X_test: Any = None, y_test: Any = None, ax: Any = None,
                           resolution: int = 60, title: str | None = None,
                           test_label: str = "test") -> Any:
    """Filled contour of ``P(y=1|x)`` with the boundary (P = 0.5) and the data points.

    Training points are circles, held-out points (optional) triangles, named ``test_label`` in
    the legend (e.g. ``"validation"`` when ``X_test`` is a validation split). Returns the Axes;
    the caller ends the cell with ``plt.show()``.
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X, dtype=float)
    allX = X if X_test is None else np.concatenate([X, np.asarray(X_test, dtype=float)])
    xx, yy, zz = model.decision_grid(allX, params, resolution=resolution)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6))
    cs = ax.contourf(xx, yy, sigmoid(zz), levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                     alpha=0.75)
    ax.contour(xx, yy, zz, levels=[0.0], colors="k", linewidths=1.5)
    y = np.asarray(y)
    colors = np.array(["#2166ac", "#b2182b"])
    ax.scatter(X[:, 0], X[:, 1], c=colors[y.astype(int)], s=18, edgecolors="white",
               linewidths=0.5, label="train")
    if X_test is not None and y_test is not None:
        Xt = np.asarray(X_test, dtype=float)
        ax.scatter(Xt[:, 0], Xt[:, 1], c=colors[np.asarray(y_test).astype(int)], s=28,
                   marker="^", edgecolors="k", linewidths=0.6, label=test_label)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.8)
    ax.set_xlabel("$x_0$")
    ax.set_ylabel("$x_1$")
    if title:
        ax.set_title(title)
    ax.figure.colorbar(cs, ax=ax, label="P(y = 1 | x)", shrink=0.85)
    return ax
