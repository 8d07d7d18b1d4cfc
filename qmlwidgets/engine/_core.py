"""Pure batched functions: statevectors, probabilities, expectation values, gradients."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Sequence

import numpy as np
from qiskit.circuit import QuantumCircuit
from qiskit.primitives.containers import BindingsArray, ObservablesArray
from qiskit.quantum_info import SparseObservable

from ._compile import CompiledCircuit, compile_circuit
from ._memory import check_allocation
from ._ops import _inner, fold_branches, reset_branches, workspace
from ._observables import PauliSum, compile_observable, pauli_sum_from_sparse_observable

#: amplitudes simulated at once (batch rows x 2**n); bigger batches are processed in chunks
CHUNK_AMPLITUDES = 2**17


# ------------------------------------------------------------------ input handling
def _param_names(cc: CompiledCircuit, limit: int = 8) -> str:
    names = [p.name for p in cc.parameters]
    if len(names) > limit:
        return "[" + ", ".join(names[:limit]) + f", ... ({len(names)} in total)]"
    return "[" + ", ".join(names) + "]"


def parameter_matrix(cc: CompiledCircuit, parameter_values: Any) -> tuple[np.ndarray, tuple]:
    """Validate ``parameter_values`` -> (X of shape (B, P), batch shape)."""
    P = len(cc.parameters)
    if parameter_values is None:
        if P:
            raise ValueError(
                f"the circuit has {P} unbound parameter(s) {_param_names(cc)} but no parameter_values were given; "
                f"pass an array of shape (..., {P}) with columns in circuit.parameters order"
            )
        return np.zeros((1, 0)), ()
    if isinstance(parameter_values, BindingsArray) or isinstance(parameter_values, Mapping):
        try:
            ba = BindingsArray.coerce(parameter_values)
            arr = ba.as_array(cc.parameters) if P else np.zeros(ba.shape + (0,))
        except Exception as exc:  # noqa: BLE001
            raise ValueError(
                f"could not bind the parameter mapping to the circuit's {P} parameters {_param_names(cc)}: {exc}"
            ) from exc
    else:
        try:
            arr = np.asarray(parameter_values)
        except Exception as exc:  # noqa: BLE001
            raise ValueError(f"parameter_values could not be converted to an array: {exc}") from exc
        if arr.dtype == object or np.iscomplexobj(arr) or not np.issubdtype(arr.dtype, np.number):
            if arr.dtype != bool:
                try:
                    arr = arr.astype(float)
                except (TypeError, ValueError) as exc:
                    raise ValueError(
                        f"parameter_values must be real numbers (got dtype {arr.dtype}); "
                        f"expected an array of shape (..., {P})"
                    ) from exc
    arr = np.asarray(arr, dtype=float)
    if arr.ndim == 0:
        if P == 1:
            arr = arr.reshape(1)
        else:
            raise ValueError(
                f"parameter_values is a single number but the circuit has {P} parameters {_param_names(cc)}; "
                f"expected an array of shape (..., {P})"
            )
    if arr.shape[-1] != P:
        hint = ""
        if P == 1:
            hint = " (for a one-parameter circuit use values[:, None] to add the trailing axis)"
        raise ValueError(
            f"parameter_values has shape {arr.shape} but the circuit has {P} parameter(s) "
            f"{_param_names(cc)}; expected shape (..., {P}) with columns in circuit.parameters order{hint}"
        )
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))
        raise ValueError(
            f"parameter_values contains {len(bad)} NaN/inf value(s) (first at index {tuple(int(i) for i in bad[0])}); "
            "all parameter values must be finite"
        )
    bshape = arr.shape[:-1]
    return np.ascontiguousarray(arr.reshape(int(np.prod(bshape, dtype=int)), P)), bshape


def slot_values(cc: CompiledCircuit, X: np.ndarray) -> list[np.ndarray]:
    """Gate angles per slot for the rows ``X``; a NaN/inf angle (e.g. ``log`` of a negative
    value) raises a ValueError naming the gate and its parameter expression."""
    with np.errstate(all="ignore"):  # a domain error is reported below as a ValueError
        V = [np.asarray(s(X), dtype=float) for s in cc.slots]
    for k, v in enumerate(V):
        if not np.isfinite(v).all():
            row = int(np.argmax(~np.isfinite(v)))
            raise ValueError(
                f"gate '{cc.slot_gates[k]}' gets the non-finite angle {v[row]} from its parameter expression "
                f"{cc.slots[k].expr} at parameter row {row} ({dict(zip((p.name for p in cc.parameters), X[row].tolist(), strict=True))}); "
                "gate angles must be finite: choose parameter values inside the expression's domain"
            )
    return V


#: below this many rows per chunk, rows are simulated one at a time (with scalar angles every
#: kernel runs long contiguous inner loops; a short batch axis would make them 2B long)
MIN_BATCH = 16


def _chunks(B: int, n: int, factor: int = 1):
    size = CHUNK_AMPLITUDES // (2**n * factor)
    if size < MIN_BATCH:
        size = 1
    for start in range(0, B, size):
        yield start, min(B, start + size)


def _scalars(V: list[np.ndarray]) -> list:
    """One-row angles as numpy scalars: per-row coefficients then broadcast as scalars."""
    return [v.reshape(-1)[0] if np.ndim(v) else v for v in V]


def forward(cc: CompiledCircuit, V: list[np.ndarray], B: int, ops=None) -> np.ndarray:
    """Simulate from |0...0> with slot values ``V`` -> state tensor (2, ..., 2, B)."""
    n = cc.num_qubits
    a = np.zeros((2,) * n + (B,), dtype=complex)
    a[(0,) * n] = 1.0
    if B == 1:
        V = _scalars(V)
    for op in cc.fast_ops if ops is None else ops:
        if op.kind == "reset":
            a = reset_branches(a, op.axes[0])
            V = [np.tile(v, 2) if np.ndim(v) else v for v in V]
            continue
        op.apply(a, V)
    workspace().trim()
    return a


def _states(cc: CompiledCircuit, X: np.ndarray):
    """Yield (start, stop, state tensor) chunks."""
    B = X.shape[0]
    for s, e in _chunks(B, cc.num_qubits, 2**cc.num_resets):
        Xc = X[s:e]
        yield s, e, forward(cc, slot_values(cc, Xc), e - s)


def _check_output(B: int, k: int, itemsize: int, what: str, n: int | None = None) -> None:
    """Refuse an output of B x 2**k values that does not fit the memory budget."""
    n = k if n is None else n
    chunk = min(B, max(1, CHUNK_AMPLITUDES // 2**n)) * 2**n * 16 * 3  # state + kernel scratch
    check_allocation(
        B * 2**k * itemsize + chunk,
        f"{what} for {B} parameter row(s) x 2**{k} outcomes",
        "pass fewer parameter rows at a time (the result is B x 2**n numbers), use expectation_values "
        "for observables, or ask for the marginal on fewer qubits",
    )


# ------------------------------------------------------------------ public API
def statevectors(circuit: QuantumCircuit, parameter_values: Any = None) -> np.ndarray:
    """Exact statevectors for a batch of parameter values.

    Returns ``(*batch, 2**n)`` complex amplitudes in Qiskit's little-endian order
    (final measurements are ignored).

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(2); _ = qc.h(0); _ = qc.cx(0, 1)
    >>> statevectors(qc).round(3)
    array([0.707+0.j, 0.   +0.j, 0.   +0.j, 0.707+0.j])
    """
    cc = compile_circuit(circuit)
    if cc.num_resets:
        raise ValueError(
            "the circuit resets a qubit after using it, so its state is mixed and has no statevector; "
            "use probabilities(), expectation_values() or the Sampler/Estimator primitives"
        )
    X, bshape = parameter_matrix(cc, parameter_values)
    _check_output(X.shape[0], cc.num_qubits, 16, "statevectors")
    out = np.empty((X.shape[0], 2**cc.num_qubits), dtype=complex)
    for s, e, psi in _states(cc, X):
        out[s:e] = psi.reshape(-1, e - s).T
        del psi
    return out.reshape(bshape + (2**cc.num_qubits,))


def _marginal(probs: np.ndarray, n: int, qubits: Sequence[int]) -> np.ndarray:
    B = probs.shape[0]
    keep = [n - q for q in reversed(qubits)]  # output axes: qubits[k-1] ... qubits[0]
    t = probs.reshape((B,) + (2,) * n)
    others = tuple(ax for ax in range(1, n + 1) if ax not in keep)
    if others:
        t = t.sum(axis=others)
    remaining = sorted(keep)
    perm = [0] + [1 + remaining.index(ax) for ax in keep]
    return np.transpose(t, perm).reshape(B, 2 ** len(qubits))


def _check_qubits(qubits, n: int) -> list[int]:
    try:
        qs = [int(q) for q in qubits]
    except TypeError:
        qs = [int(qubits)]
    if len(set(qs)) != len(qs) or any(q < 0 or q >= n for q in qs):
        raise ValueError(f"qubits must be distinct indices in range(0, {n}); got {list(qubits) if hasattr(qubits, '__iter__') else qubits}")
    return qs


def probabilities(circuit: QuantumCircuit, parameter_values: Any = None, qubits: Sequence[int] | None = None) -> np.ndarray:
    """Exact measurement probabilities ``(*batch, 2**k)`` (Qiskit little-endian order).

    With ``qubits`` the marginal on those qubits is returned, bit ``j`` of the outcome
    index being ``qubits[j]`` (like ``Statevector.probabilities(qargs)``).

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(2); _ = qc.x(1)
    >>> probabilities(qc).tolist(), probabilities(qc, qubits=[1]).tolist()
    ([0.0, 0.0, 1.0, 0.0], [0.0, 1.0])
    """
    cc = compile_circuit(circuit)
    n = cc.num_qubits
    X, bshape = parameter_matrix(cc, parameter_values)
    qs = None if qubits is None else _check_qubits(qubits, n)
    k = n if qs is None else len(qs)
    _check_output(X.shape[0], k, 8, "probabilities", n)
    out = np.empty((X.shape[0], 2**k))
    for s, e, psi in _states(cc, X):
        flat = psi.reshape(-1, psi.shape[-1]).T
        p = fold_branches(flat.real**2 + flat.imag**2, e - s)
        out[s:e] = p if qs is None or qs == list(range(n)) else _marginal(p, n, qs)
        del psi, flat, p  # free this chunk before the next one is simulated
    return out.reshape(bshape + (2**k,))


_OBS_CACHE: "OrderedDict[tuple, PauliSum]" = OrderedDict()
_OBS_CACHE_MAX = 1024
_OBS_LOCK = threading.Lock()


def _cached_sparse(item: SparseObservable, n: int) -> PauliSum:
    """Compile a SparseObservable, cached by its full content (coefficients, terms, indices):
    the key is rebuilt from the arrays each time (~4 us), so it cannot go stale."""
    key = (
        n,
        item.num_qubits,
        np.asarray(item.coeffs).tobytes(),
        np.asarray(item.bit_terms).tobytes(),
        np.asarray(item.indices).tobytes(),
        np.asarray(item.boundaries).tobytes(),
    )
    with _OBS_LOCK:  # jobs run in threads
        hit = _OBS_CACHE.get(key)
        if hit is not None:
            _OBS_CACHE.move_to_end(key)
            return hit
    ps = pauli_sum_from_sparse_observable(item, n)
    with _OBS_LOCK:
        _OBS_CACHE[key] = ps
        if len(_OBS_CACHE) > _OBS_CACHE_MAX:
            _OBS_CACHE.popitem(last=False)
    return ps


def _compile_obs_array(observables: Any, n: int) -> tuple[list[PauliSum], tuple]:
    if isinstance(observables, str) and observables and set(observables) <= set("IXYZ"):
        # fast path for the most common input: one Pauli string (compiled once, cached)
        return [compile_observable({observables: 1.0}, n)], ()
    if isinstance(observables, ObservablesArray):
        oa = observables
    else:
        try:
            oa = ObservablesArray.coerce(observables)
        except Exception as exc:  # noqa: BLE001
            if "hermitian" in str(exc).lower():
                raise ValueError(
                    "the observable is not Hermitian (a Pauli coefficient has a non-zero imaginary part); "
                    "expectation values of observables must be real"
                ) from exc
            raise ValueError(
                f"could not read the observable(s): {exc}; expected a Pauli string like {'Z' * n!r}, "
                "a Pauli, a SparsePauliOp, or a (nested) list of them"
            ) from exc
    if oa.num_qubits != n:
        raise ValueError(
            f"observable acts on {oa.num_qubits} qubit(s) but the circuit has {n}; "
            f"the observable must have exactly {n} qubits (e.g. {'Z' + 'I' * (n - 1)!r})"
        )
    sparse = oa.sparse_observables_array() if hasattr(oa, "sparse_observables_array") else None
    flat = []
    if sparse is not None:
        items = [sparse] if isinstance(sparse, SparseObservable) else np.asarray(sparse, dtype=object).ravel()
        for item in items:
            flat.append(_cached_sparse(item, n))
    else:  # pragma: no cover - older qiskit
        for idx in np.ndindex(oa.shape):
            flat.append(compile_observable(oa[idx], n))
    return flat, oa.shape


def evaluate(
    cc: CompiledCircuit, X: np.ndarray, bshape: tuple, obs: list[PauliSum], oshape: tuple, states=None
) -> np.ndarray:
    """Broadcast parameter rows against observables, EstimatorV2 style -> real array.

    ``states``: optional precomputed ``(start, stop, state tensor)`` chunks for the rows of
    ``X`` (the Estimator simulates PUBs that share a circuit together)."""
    chunks = (lambda: _states(cc, X)) if states is None else (lambda: states)
    Bp, No = X.shape[0], len(obs)
    if No == 1 and oshape == ():
        shape = bshape
    else:
        try:
            shape = np.broadcast_shapes(bshape, oshape)
        except ValueError as exc:
            raise ValueError(
                f"parameter values with batch shape {bshape} cannot be broadcast against observables of shape {oshape}"
            ) from exc
    if No == 1 and bshape == shape:
        # the common case: one observable, evaluated on every parameter row
        out = np.empty(Bp)
        imag_max = 0.0
        for s, e, psi in chunks():
            ev = fold_branches(obs[0].expectation(psi), e - s)
            if not obs[0].hermitian:
                imag_max = max(imag_max, float(np.max(np.abs(ev.imag))) if ev.size else 0.0)
            out[s:e] = ev.real
            del psi  # free this chunk before the next one is simulated
        if imag_max > 1e-8:
            raise ValueError("the observable is not Hermitian (its expectation values are complex)")
        return out.reshape(shape)
    size = int(np.prod(shape, dtype=np.int64))
    check_allocation(
        size * 40.0,  # result + row/observable index arrays and masks
        f"expectation values for the broadcast shape {shape}",
        "pass fewer parameter rows or observables per call",
    )
    pidx = np.broadcast_to(np.arange(Bp).reshape(bshape), shape).ravel()
    oidx = np.broadcast_to(np.arange(No).reshape(oshape), shape).ravel()
    # identical observables are evaluated once
    uniq: dict[int, int] = {}
    canon = []
    for i, o in enumerate(obs):
        canon.append(uniq.setdefault(id(o), i))
    oidx = np.asarray(canon, dtype=np.intp)[oidx] if No else oidx
    out = np.empty(pidx.shape[0])
    imag_max = 0.0
    for s, e, psi in chunks():
        sel = (pidx >= s) & (pidx < e)
        if not np.any(sel):
            continue
        probs = None
        if psi.shape[-1] != e - s:  # reset branches: evaluate every column, then sum branches
            for o in np.unique(oidx[sel]):
                m = sel & (oidx == o)
                ev = fold_branches(obs[o].expectation(psi), e - s)[pidx[m] - s]
                if ev.size:
                    imag_max = max(imag_max, float(np.max(np.abs(ev.imag))))
                out[m] = ev.real
            continue
        for o in np.unique(oidx[sel]):
            m = sel & (oidx == o)
            rows = pidx[m] - s
            urows, inv = np.unique(rows, return_inverse=True)
            if len(urows) == e - s:
                if probs is None and obs[o].diag is not None:
                    flat = psi.reshape(-1, e - s)
                    probs = flat.real**2 + flat.imag**2
                ev = obs[o].expectation(psi, probs)[rows]
            else:
                ev = obs[o].expectation(psi[..., urows])[inv]
            if ev.size:
                imag_max = max(imag_max, float(np.max(np.abs(ev.imag))))
            out[m] = ev.real
    if imag_max > 1e-8:
        raise ValueError("the observable is not Hermitian (its expectation values are complex)")
    return out.reshape(shape)


def expectation_values(circuit: QuantumCircuit, observables: Any, parameter_values: Any = None) -> np.ndarray:
    """Exact expectation values, broadcast like ``EstimatorV2`` (batch shape vs observables shape).

    >>> from qiskit import QuantumCircuit
    >>> from qiskit.circuit import Parameter
    >>> qc = QuantumCircuit(1); _ = qc.ry(Parameter("t"), 0)
    >>> expectation_values(qc, "Z", [[0.0], [np.pi]]).round(6).tolist()
    [1.0, -1.0]
    """
    cc = compile_circuit(circuit)
    X, bshape = parameter_matrix(cc, parameter_values)
    obs, oshape = _compile_obs_array(observables, cc.num_qubits)
    return evaluate(cc, X, bshape, obs, oshape)


# ------------------------------------------------------------------ gradients
_C_PLUS = (np.sqrt(2) + 1) / (4 * np.sqrt(2))
_C_MINUS = (np.sqrt(2) - 1) / (4 * np.sqrt(2))
_RULES = {
    "two": ((np.pi / 2, 0.5), (-np.pi / 2, -0.5)),
    "four": (
        (np.pi / 2, _C_PLUS),
        (-np.pi / 2, -_C_PLUS),
        (3 * np.pi / 2, -_C_MINUS),
        (-3 * np.pi / 2, _C_MINUS),
    ),
}


def _single_observable(observable: Any, n: int) -> PauliSum:
    obs, oshape = _compile_obs_array(observable, n)
    if len(obs) != 1:
        raise ValueError(
            f"gradients need a single observable (got an array of shape {oshape}); call once per observable"
        )
    return obs[0]


def _chain(cc: CompiledCircuit, X: np.ndarray, acc: np.ndarray) -> np.ndarray:
    """d<O>/d(slot) (S, b) -> d<O>/d(parameter) (b, P)."""
    G = np.zeros((X.shape[0], len(cc.parameters)))
    for s, slot in enumerate(cc.slots):
        for col, d in slot.deriv_values(X):
            G[:, col] += acc[s] * d
    return G


def _adjoint(cc: CompiledCircuit, obs: PauliSum, X: np.ndarray):
    b = X.shape[0]
    V = slot_values(cc, X)
    if b == 1:
        V = _scalars(V)
    psi = forward(cc, V, b, cc.ops)
    lam = obs.apply(psi)
    workspace().trim()  # drop O|psi>'s full-size scratch: the backward pass needs half-size ones
    val = np.real(_inner(psi, lam))
    acc = np.zeros((len(cc.slots), b))
    first = cc.first_slot_op
    for i in range(len(cc.ops) - 1, first - 1, -1):
        op = cc.ops[i]
        if op.slots:
            op.grad(lam, psi, V, acc)
        if i > first:
            op.apply_inv(psi, V)
            op.apply_inv(lam, V)
    return val, _chain(cc, X, acc)


def _slot_rules(cc: CompiledCircuit) -> dict[int, str]:
    rules = {}
    for op in cc.ops:
        for s, r in zip(op.slots, op.shift_rules(), strict=True):
            rules[s] = r
    return rules


def _parameter_shift(cc: CompiledCircuit, obs: PauliSum, X: np.ndarray):
    b = X.shape[0]
    V = slot_values(cc, X)
    val = np.real(obs.expectation(forward(cc, V, b)))
    rules = _slot_rules(cc)
    plan = [(s, shift, coef) for s in range(len(cc.slots)) for shift, coef in _RULES[rules.get(s, "two")]]
    acc = np.zeros((len(cc.slots), b))
    if not plan:
        return val, _chain(cc, X, acc)
    E = len(plan)
    # evaluate all shifted circuits as one big batch (rows: plan entry major, data point minor)
    per = max(1, CHUNK_AMPLITUDES // (2**cc.num_qubits * b))
    for start in range(0, E, per):
        part = plan[start : start + per]
        Vx = [np.tile(v, len(part)) for v in V]
        for e, (s, shift, _) in enumerate(part):
            Vx[s][e * b : (e + 1) * b] += shift
        ev = np.real(obs.expectation(forward(cc, Vx, b * len(part)))).reshape(len(part), b)
        for e, (s, _, coef) in enumerate(part):
            acc[s] += coef * ev[e]
    return val, _chain(cc, X, acc)


_METHODS = {"auto": "adjoint", "adjoint": "adjoint", "parameter-shift": "ps", "parameter_shift": "ps", "param-shift": "ps", "ps": "ps"}


def value_and_gradient(
    circuit: QuantumCircuit, observable: Any, parameter_values: Any, method: str = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """Expectation values ``(*batch,)`` and their gradients ``(*batch, P)`` in one pass.

    ``method``: ``"adjoint"`` (reverse mode over the whole batch, default via ``"auto"``)
    or ``"parameter-shift"`` (exact shift rules per gate angle, chain rule through
    parameter expressions).

    >>> from qiskit import QuantumCircuit
    >>> from qiskit.circuit import Parameter
    >>> qc = QuantumCircuit(1); _ = qc.ry(Parameter("t"), 0)
    >>> v, g = value_and_gradient(qc, "Z", [0.5])
    >>> bool(np.isclose(g[0], -np.sin(0.5)))
    True
    """
    if method not in _METHODS:
        raise ValueError(f"unknown gradient method {method!r}; choose 'auto', 'adjoint' or 'parameter-shift'")
    cc = compile_circuit(circuit)
    if cc.num_resets:
        raise ValueError(
            "gradients of circuits that reset a used qubit are not supported (the state is a mixture); "
            "differentiate the circuit without the reset, or use finite differences of expectation_values()"
        )
    X, bshape = parameter_matrix(cc, parameter_values)
    obs = _single_observable(observable, cc.num_qubits)
    fn = _adjoint if _METHODS[method] == "adjoint" else _parameter_shift
    P = len(cc.parameters)
    vals = np.empty(X.shape[0])
    grads = np.empty((X.shape[0], P))
    factor = 3 if fn is _adjoint else 1
    for s, e in _chunks(X.shape[0], cc.num_qubits, factor):
        vals[s:e], grads[s:e] = fn(cc, obs, X[s:e])
    return vals.reshape(bshape), grads.reshape(bshape + (P,))


def gradients(circuit: QuantumCircuit, observable: Any, parameter_values: Any, method: str = "auto") -> np.ndarray:
    """Gradients ``(*batch, P)`` of ``<observable>`` w.r.t. ``circuit.parameters``.

    >>> from qiskit import QuantumCircuit
    >>> from qiskit.circuit import Parameter
    >>> qc = QuantumCircuit(1); _ = qc.rx(2 * Parameter("t"), 0)
    >>> bool(np.isclose(gradients(qc, "Z", [0.3])[0], -2 * np.sin(0.6)))
    True
    """
    return value_and_gradient(circuit, observable, parameter_values, method)[1]
