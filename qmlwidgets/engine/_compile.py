"""Compile a QuantumCircuit once into a flat list of batched kernels (see ``_ops``)."""
from __future__ import annotations

import math
import threading
import warnings
import weakref
from typing import Sequence

import numpy as np
from qiskit.circuit import (
    ControlledGate,
    Gate,
    Instruction,
    ParameterExpression,
    QuantumCircuit,
)
from qiskit.circuit.library import PauliEvolutionGate
from qiskit.exceptions import QiskitError
from qiskit.quantum_info import Operator, Pauli, SparseObservable, SparsePauliOp, Statevector

from . import _ops
from ._expr import SlotExpr, compile_expr
from ._fuse import fuse

#: Most resets of used qubits per circuit (each doubles the branches simulated).
MAX_RESETS = 12

#: Largest register the engine simulates (a 20-qubit state is 16 MiB per batch row).
MAX_QUBITS = 20

_PAULI_ROT = {"rx": "X", "ry": "Y", "rz": "Z", "rxx": "XX", "ryy": "YY", "rzz": "ZZ", "rzx": "XZ"}
# qiskit label convention: rightmost character acts on qarg 0; "XZ" = Z on qarg 0, X on qarg 1
_SKIP = {"barrier", "delay", "id", "i", "store"}
_NATIVE_SYMBOLIC = set(_PAULI_ROT) | {"p", "u1", "u", "u3", "u2", "r", "global_phase"}
_NATIVE_CONTROLLED = {"crx", "cry", "crz", "cp", "cu1", "cu3", "cu", "mcphase", "mcp"}


class ControlFlowError(QiskitError, ValueError):
    """Classical control flow in a circuit: a ``QiskitError`` (what Qiskit's statevector
    primitives raise) and a ``ValueError`` (what the engine raises for bad input)."""


def _is_symbolic(value) -> bool:
    return isinstance(value, ParameterExpression) and bool(value.parameters)


def _finite_params(name: str, qubits, params) -> None:
    """Reject NaN/inf numeric gate parameters (Qiskit would propagate them into NaN results)."""
    for k, p in enumerate(params):
        if type(p) is float:  # the common case, checked without numpy
            if math.isfinite(p):
                continue
        elif type(p) is int or _is_symbolic(p):
            continue
        if isinstance(p, ParameterExpression):
            try:
                p = complex(p)
            except (TypeError, ValueError):
                continue
        if isinstance(p, (int, float, complex, np.number, np.ndarray)):
            arr = np.asarray(p)
            if arr.dtype.kind in "biufc" and not np.isfinite(arr).all():
                raise ValueError(
                    f"gate '{name}' on qubit(s) {list(qubits)} has a non-finite parameter {k} ({p if arr.ndim == 0 else 'an array with NaN/inf'}); "
                    "gate angles and matrices must be finite numbers"
                )


def pauli_mono(label: str, axes: Sequence[int], ndim: int) -> _ops.Mono:
    """Pauli string (qiskit label, rightmost = axes[0]) as a permutation with phases."""
    chars = label[::-1]
    k = len(chars)
    xmask = 0
    for j, ch in enumerate(chars):
        if ch in "XY":
            xmask |= 1 << j
    perm, ph = [], []
    for r in range(2**k):
        c = r ^ xmask  # P|c> = f |r>
        f = 1 + 0j
        for j, ch in enumerate(chars):
            b = (c >> j) & 1
            if ch == "Z" and b:
                f = -f
            elif ch == "Y":
                f *= 1j if b == 0 else -1j
        perm.append(c)
        ph.append(f)
    return _ops.Mono(axes, perm, ph, ndim)


def _unitary_first_column(v: np.ndarray) -> np.ndarray:
    """A unitary whose first column is the unit vector ``v`` (Householder)."""
    d = v.shape[0]
    alpha = v[0] / abs(v[0]) if abs(v[0]) > 1e-15 else 1.0
    w = alpha * np.eye(d, dtype=complex)[0] - v
    nw = np.vdot(w, w).real
    if nw < 1e-30:
        return alpha * np.eye(d, dtype=complex)
    H = np.eye(d, dtype=complex) - 2.0 * np.outer(w, w.conj()) / nw
    return alpha * H


def matrix_kind(m: np.ndarray) -> tuple:
    """('identity',), ('diag', diag), ('mono', perm, phases) or ('dense', m) for a gate matrix."""
    m = np.asarray(m, dtype=complex)
    if not np.isfinite(m).all():
        raise ValueError("a gate matrix contains NaN/inf; gate angles must be finite numbers")
    d = m.shape[0]
    absm = np.abs(m)
    nz = absm > 1e-14
    diag_only = not (nz & ~np.eye(d, dtype=bool)).any()
    if diag_only:
        dg = np.diag(m).copy()
        if float(np.max(np.abs(dg - 1.0))) <= 1e-14:
            return ("identity",)
        return ("diag", dg)
    if (nz.sum(axis=0) == 1).all() and (nz.sum(axis=1) == 1).all():
        perm = np.argmax(nz, axis=1)
        return ("mono", perm, m[np.arange(d), perm])
    return ("dense", m)


def op_from_kind(kind: tuple, axes, ndim: int) -> _ops.Op | None:
    if kind[0] == "identity":
        return None
    if kind[0] == "diag":
        return _ops.Diag(axes, kind[1], ndim)
    if kind[0] == "mono":
        return _ops.Mono(axes, kind[1], kind[2], ndim)
    return _ops.Dense(axes, kind[1], ndim)


def classify_matrix(m: np.ndarray, axes, ndim: int) -> _ops.Op | None:
    """The cheapest kernel (None, Diag, Mono or Dense) for the gate matrix ``m`` on ``axes``."""
    return op_from_kind(matrix_kind(m), axes, ndim)


_FAST_NUMERIC = {"rx", "ry", "rz", "p", "u1"}


def _numeric_rotation(name: str, theta: float, axes, ndim: int) -> _ops.Op | None:
    """RX/RY/RZ/P with a numeric angle, built without Qiskit's matrix (the bound first call)."""
    if theta == 0.0:
        return None
    if name in ("p", "u1"):
        return _ops.Diag(axes, [1.0, complex(math.cos(theta), math.sin(theta))], ndim)
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    if name == "rz":
        return _ops.Diag(axes, [complex(c, -s), complex(c, s)], ndim)
    if name == "ry":
        return _ops.Dense(axes, np.array([[c, -s], [s, c]], dtype=complex), ndim)
    return _ops.Dense(axes, np.array([[c, -1j * s], [-1j * s, c]], dtype=complex), ndim)


_KIND_CACHE: dict = {}


def _standard_kind(op) -> tuple | None:
    """Cached matrix kind of a standard Qiskit gate with numeric parameters (None if not standard)."""
    std = getattr(op, "_standard_gate", None)
    if std is None:
        return None
    try:
        key = (std, tuple(float(p) for p in op.params))
    except (TypeError, ValueError):
        return None
    kind = _KIND_CACHE.get(key)
    if kind is None:
        kind = matrix_kind(np.asarray(op.to_matrix(), dtype=complex))
        if len(_KIND_CACHE) > 4096:
            _KIND_CACHE.clear()
        _KIND_CACHE[key] = kind
    return kind


def pauli_rotation(label: str, slot, axes: Sequence[int], ndim: int) -> _ops.Op | None:
    """exp(-i θ/2 P) for the Pauli ``label`` on ``axes``: a rotation bound to parameter ``slot``
    when it is a slot index (int), else the fixed matrix for the angle ``slot`` (None = identity)."""
    if isinstance(slot, int):
        return _ops.PRot(pauli_mono(label, axes, ndim), slot)
    m = np.cos(slot / 2) * np.eye(2 ** len(axes)) - 1j * np.sin(slot / 2) * Pauli(label).to_matrix()
    return classify_matrix(m, axes, ndim)


class CompiledCircuit:
    """A circuit compiled for batched simulation.

    Attributes: ``num_qubits``, ``parameters`` (``circuit.parameters`` order), ``ops``
    (kernels), ``slots`` (one :class:`SlotExpr` per symbolic gate angle).
    """

    def __init__(self, circuit: QuantumCircuit):
        n = circuit.num_qubits
        if n > MAX_QUBITS:
            raise ValueError(
                f"circuit has {n} qubits; the exact engine simulates at most MAX_QUBITS={MAX_QUBITS} qubits"
            )
        self.num_qubits = n
        self.parameters = tuple(circuit.parameters)
        self.parameter_names = tuple(p.name for p in self.parameters)
        self.index = {p: i for i, p in enumerate(self.parameters)}
        self.slots: list[SlotExpr] = []
        self.slot_gates: list[str] = []  # per slot: the gate whose angle it is (for messages)
        self._gate = "global_phase"
        self.ops: list[_ops.Op] = []
        self._fresh = set(range(n))
        self._measured: set[int] = set()
        self.num_resets = 0  # resets of used qubits: the state is a mixture of 2**num_resets branches
        self._rng = np.random.default_rng(20240611)
        self._exprs: dict = {}
        self.name = circuit.name
        qindex = {q: i for i, q in enumerate(circuit.qubits)}
        self._walk(circuit, [qindex[q] for q in circuit.qubits], self.ops, self._axis_full(), n + 1, top=True)
        gp = circuit.global_phase
        self._global_phase(gp, self.ops)
        self.has_final_measurements = bool(self._measured)
        self.first_slot_op = next((i for i, op in enumerate(self.ops) if op.slots), len(self.ops))
        self.fast_ops = fuse(self.ops, n + 1)
        del self._rng, self._exprs

    # -- helpers --------------------------------------------------------------------
    def _axis_full(self):
        n = self.num_qubits
        return lambda q: n - 1 - q

    def _slot(self, value) -> int | float:
        """Return a slot id for a symbolic value, or the float for a numeric one."""
        s = None
        try:  # the same expression twice in a circuit compiles once (hashing can fail in Qiskit)
            s = self._exprs.get(value) if _is_symbolic(value) else None
        except Exception:  # noqa: BLE001
            value_key = None
        else:
            value_key = value if _is_symbolic(value) else None
        if s is None:
            s = compile_expr(value, self.index, self.parameters, self._rng)
            if value_key is not None:
                self._exprs[value_key] = s
        if s.is_const:
            if not np.isfinite(s.value):
                raise ValueError(
                    f"gate '{self._gate}' has the non-finite angle {s.value}; gate angles must be finite numbers"
                )
            return s.value
        self.slots.append(s)
        self.slot_gates.append(self._gate)
        return len(self.slots) - 1

    def _global_phase(self, gp, out):
        if not _is_symbolic(gp):
            _finite_params("global_phase", [], [gp])
        if _is_symbolic(gp):
            slot = self._slot(gp)
            if isinstance(slot, int):
                out.append(_ops.GPhase(slot))
            elif abs(slot) > 0:  # the expression simplified to a constant
                out.append(_ops.FixedPhase(slot))
        else:
            gp = float(gp)
            if abs(gp) > 0:
                out.append(_ops.FixedPhase(gp))

    def _touch(self, qubits, name):
        for q in qubits:
            if q in self._measured:
                raise ValueError(
                    f"mid-circuit measurement: qubit {q} is measured and then used by '{name}'; "
                    "the exact engine supports measurements only at the end of the circuit"
                )
            self._fresh.discard(q)

    # -- walking ----------------------------------------------------------------------
    def _walk(self, circuit: QuantumCircuit, qmap, out, axis_of, ndim, top=False):
        cindex = {q: i for i, q in enumerate(circuit.qubits)}
        for inst in circuit.data:
            op = inst.operation
            qubits = [qmap[cindex[q]] for q in inst.qubits]
            self._instruction(op, qubits, inst.clbits, out, axis_of, ndim, top)

    def _instruction(self, op: Instruction, qubits, clbits, out, axis_of, ndim, top):
        name = op.name
        if name in _SKIP:
            return
        if getattr(op, "condition", None) is not None or (hasattr(op, "blocks") and op.blocks):
            raise ControlFlowError(
                f"instruction '{name}' uses classical control flow, which the exact engine does not support "
                "(StatevectorSampler/StatevectorEstimator refuse it too); use qiskit-aer's primitives for dynamic circuits"
            )
        if name == "measure":
            if not top:
                raise ValueError("measurements inside composite instructions are not supported")
            for q in qubits:  # measuring a measured qubit again is still "final"
                self._fresh.discard(q)
                self._measured.add(q)
            return
        if name == "reset":
            for q in qubits:
                if q in self._fresh:
                    continue  # resetting a qubit that is still |0> does nothing
                if self.num_resets >= MAX_RESETS:
                    raise ValueError(
                        f"the circuit resets used qubits more than MAX_RESETS={MAX_RESETS} times; the exact engine "
                        f"simulates every reset outcome as its own branch (2**{MAX_RESETS} at most)"
                    )
                self._touch([q], name)
                out.append(_ops.Reset(axis_of(q)))
                self.num_resets += 1
            return
        if clbits:
            raise ValueError(f"instruction '{name}' acts on classical bits; only final 'measure' is supported")
        axes = [axis_of(q) for q in qubits]
        params = list(getattr(op, "params", []))
        _finite_params(name, qubits, params)
        self._gate = name
        symbolic = any(_is_symbolic(p) for p in params)

        if name in ("initialize", "state_preparation") and not symbolic:
            fresh = all(q in self._fresh for q in qubits)
            if name == "initialize" or fresh:
                if not fresh:
                    raise ValueError(
                        "'initialize' is supported only on qubits that have not been used yet (put it at the start)"
                    )
                self._touch(qubits, name)
                vec = np.asarray(Statevector(op).data, dtype=complex)
                U = _ops.Dense(axes, _unitary_first_column(vec), ndim)
                out.append(_ops.PrepFresh(axes, vec, ndim, unitary=U))
                return
        # qubits are marked as used only where a leaf kernel is emitted (definitions recurse)
        if name == "PauliEvolution" or isinstance(op, PauliEvolutionGate):
            self._touch(qubits, name)
            self._pauli_evolution(op, axes, out, ndim)
            return
        if name in _NATIVE_SYMBOLIC and symbolic:
            self._touch(qubits, name)
            self._native(name, params, axes, out, ndim)
            return
        if symbolic and isinstance(op, ControlledGate) and name in _NATIVE_CONTROLLED:
            self._touch(qubits, name)
            nc = op.num_ctrl_qubits
            ctrl_axes = axes[:nc]
            bits = [(op.ctrl_state >> i) & 1 for i in range(nc)]
            tgt_axes = axes[nc:]
            inner_axes = [a - sum(1 for c in ctrl_axes if c < a) for a in tgt_axes]
            inner: list = []
            base = op.base_gate
            if name == "cu":
                self._native("global_phase", [params[3]], [], inner, ndim - nc)
                self._native("u", params[:3], inner_axes, inner, ndim - nc)
            else:
                bname = {"cu1": "p", "cu3": "u", "mcphase": "p", "mcp": "p"}.get(name, base.name)
                bparams = params if name in ("cu1", "cu3", "mcphase", "mcp") else list(base.params)
                self._native(bname, bparams, inner_axes, inner, ndim - nc)
            if inner:
                out.append(_ops.Controlled(ctrl_axes, bits, inner, ndim, tgt_axes))
            return
        if symbolic:
            if op.definition is None:
                raise ValueError(
                    f"gate '{name}' has free parameters and no definition; the exact engine cannot simulate it"
                )
            self._definition(op, qubits, out, axis_of, ndim)
            return
        # ---- fixed (numeric) instructions
        if isinstance(op, ControlledGate) and op.num_qubits >= 3 and op.base_gate.num_qubits <= 2:
            self._touch(qubits, name)
            nc = op.num_ctrl_qubits
            ctrl_axes = axes[:nc]
            bits = [(op.ctrl_state >> i) & 1 for i in range(nc)]
            inner_axes = [a - sum(1 for c in ctrl_axes if c < a) for a in axes[nc:]]
            m = self._matrix(op.base_gate)
            inner_op = classify_matrix(m, inner_axes, ndim - nc)
            if inner_op is not None:
                out.append(_ops.Controlled(ctrl_axes, bits, [inner_op], ndim, axes[nc:]))
            return
        if len(qubits) > 3 and op.definition is not None and name not in ("unitary", "state_preparation"):
            self._definition(op, qubits, out, axis_of, ndim)
            return
        if name in _FAST_NUMERIC and len(params) == 1 and type(params[0]) is float:
            self._touch(qubits, name)
            o = _numeric_rotation(name, params[0], axes, ndim)
            if o is not None:
                out.append(o)
            return
        kind = _standard_kind(op)
        if kind is not None:
            self._touch(qubits, name)
            o = op_from_kind(kind, axes, ndim)
            if o is not None:
                out.append(o)
            return
        try:
            m = self._matrix(op)
        except Exception as exc:  # noqa: BLE001
            if op.definition is not None:
                self._definition(op, qubits, out, axis_of, ndim)
                return
            raise ValueError(f"instruction '{name}' is not unitary or has no matrix; the exact engine cannot simulate it") from exc
        self._touch(qubits, name)
        o = classify_matrix(m, axes, ndim)
        if o is not None:
            out.append(o)

    def _matrix(self, op) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. scipy sparse-efficiency notes inside to_matrix
            if isinstance(op, Gate):
                try:
                    return np.asarray(op.to_matrix(), dtype=complex)
                except Exception:  # noqa: BLE001
                    pass
            return np.asarray(Operator(op).data, dtype=complex)

    def _pauli_evolution(self, op, axes, out, ndim):
        """exp(-i t H), exact (as Qiskit's Statevector does), with t possibly symbolic.

        Commuting Pauli terms become Pauli rotations; otherwise H = W diag(lam) W^dag and the
        evolution is W^dag, one phase gate exp(-i t lam_r |r><r|) per distinct eigenvalue, W
        (each phase has a two-term shift rule, so parameter-shift stays exact).
        """
        ops = op.operator if isinstance(op.operator, (list, tuple)) else [op.operator]
        terms = []
        for o in ops:
            if isinstance(o, SparseObservable):
                o = SparsePauliOp.from_sparse_observable(o)
            terms.append(SparsePauliOp(o))
        H = terms[0] if len(terms) == 1 else sum(terms[1:], terms[0])
        H = H.simplify(atol=1e-14)
        if np.any(np.abs(H.coeffs.imag) > 1e-12):
            raise ValueError("PauliEvolutionGate needs a Hermitian operator (real Pauli coefficients)")
        t = op.params[0]
        paulis = H.paulis
        commuting = all(
            paulis[i].commutes(paulis[j]) for i in range(len(paulis)) for j in range(i + 1, len(paulis))
        )
        if commuting:
            for label, c in zip(paulis.to_labels(), H.coeffs.real, strict=True):
                if set(label) <= {"I"}:
                    self._global_phase(t * float(-c), out)
                    continue
                sub = [(j, ch) for j, ch in enumerate(reversed(label)) if ch != "I"]
                sub_axes = [axes[j] for j, _ in sub]
                sub_label = "".join(ch for _, ch in reversed(sub))
                angle = t * float(2 * c)
                o = pauli_rotation(sub_label, self._slot(angle), sub_axes, ndim)
                if o is not None:
                    out.append(o)
            return
        lam, W = np.linalg.eigh(H.to_matrix())
        if not _is_symbolic(t):
            m = (W * np.exp(-1j * float(t) * lam)) @ W.conj().T
            o = classify_matrix(m, axes, ndim)
            if o is not None:
                out.append(o)
            return
        out.append(_ops.Dense(axes, W.conj().T, ndim))
        order = np.argsort(lam)
        groups: list[list[int]] = []
        for r in order:
            if groups and abs(lam[r] - lam[groups[-1][0]]) < 1e-12:
                groups[-1].append(int(r))
            else:
                groups.append([int(r)])
        for g in groups:
            value = float(lam[g[0]])
            if abs(value) < 1e-15:
                continue
            slot = self._slot(t * (-value))
            if isinstance(slot, int):
                out.append(_ops.Phase(axes, g, slot, ndim))
        out.append(_ops.Dense(axes, W, ndim))

    def _definition(self, op, qubits, out, axis_of, ndim):
        defn = op.definition
        if defn is None:
            raise ValueError(f"instruction '{op.name}' has no definition")
        sub_index = {q: i for i, q in enumerate(defn.qubits)}
        for inst in defn.data:
            sub = inst.operation
            qs = [qubits[sub_index[q]] for q in inst.qubits]
            self._instruction(sub, qs, inst.clbits, out, axis_of, ndim, top=False)
        self._global_phase(defn.global_phase, out)

    def _native(self, name, params, axes, out, ndim):
        """Emit kernels for a standard gate whose parameters may be symbolic."""
        if name in _PAULI_ROT:
            o = pauli_rotation(_PAULI_ROT[name], self._slot(params[0]), axes, ndim)
            if o is not None:
                out.append(o)
            return
        if name in ("p", "u1"):
            s = self._slot(params[0])
            if isinstance(s, int):
                out.append(_ops.Phase(axes, [1], s, ndim))
            elif s != 0:
                out.append(_ops.Diag(axes, [1.0, np.exp(1j * s)], ndim))
            return
        if name == "global_phase":
            self._global_phase(params[0], out)
            return
        if name in ("u", "u3"):
            theta, phi, lam = params
            self._native("p", [lam], axes, out, ndim)
            self._native("ry", [theta], axes, out, ndim)
            self._native("p", [phi], axes, out, ndim)
            return
        if name == "u2":
            phi, lam = params
            self._native("p", [lam], axes, out, ndim)
            self._native("ry", [np.pi / 2], axes, out, ndim)
            self._native("p", [phi], axes, out, ndim)
            return
        if name == "r":
            theta, phi = params
            self._native("rz", [-phi], axes, out, ndim)
            self._native("rx", [theta], axes, out, ndim)
            self._native("rz", [phi], axes, out, ndim)
            return
        raise AssertionError(name)  # pragma: no cover


# ------------------------------------------------------------------------- cache
_CACHE: dict[int, tuple] = {}
_LOCK = threading.Lock()
_CACHE_MAX = 256


def _hashable(p):
    """``p`` itself when hashable, else a stand-in key.  Some hashes fail with other errors than
    TypeError: a ParameterExpression that cancels to a negative constant, e.g. ``(a - a) - 2``,
    raises OverflowError (Qiskit 2.6); such an expression is keyed by its text."""
    try:
        hash(p)
        return p
    except TypeError:
        return ("id", id(p))
    except (OverflowError, ValueError):
        return ("text", type(p).__name__, str(p))


def _fingerprint(circuit: QuantumCircuit):
    items = tuple(
        (inst.operation.name, inst.qubits, inst.clbits, tuple(_hashable(p) for p in getattr(inst.operation, "params", ())))
        for inst in circuit.data
    )
    gp = circuit.global_phase
    return (circuit.num_qubits, circuit.num_clbits, _hashable(gp), tuple(circuit.parameters), items)


_SEEN: dict[int, tuple] = {}


def first_sighting(circuit: QuantumCircuit) -> bool:
    """True (once) for a circuit object that is neither compiled nor seen before; records it
    as seen.  Callers simulate such a circuit with its parameters bound (no expression
    compilation) and compile it fully when it comes back.  Only a heuristic, keyed by
    identity: a stale answer just picks the other (equally exact) path, and compilation
    itself always re-checks the structure."""
    key = id(circuit)
    with _LOCK:
        for table in (_CACHE, _SEEN):
            hit = table.get(key)
            if hit is not None and hit[0]() is circuit:
                return False
        if len(_SEEN) >= _CACHE_MAX:
            _SEEN.clear()
        _SEEN[key] = (weakref.ref(circuit),)
    return True


def compile_circuit(circuit: QuantumCircuit) -> CompiledCircuit:
    """Compile ``circuit`` (cached: the same unchanged circuit object compiles once).

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(1); _ = qc.h(0)
    >>> compile_circuit(qc).num_qubits
    1
    """
    if not isinstance(circuit, QuantumCircuit):
        raise ValueError(f"expected a qiskit QuantumCircuit, got {type(circuit).__name__}")
    key = id(circuit)
    fp = _fingerprint(circuit)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0]() is circuit and hit[1] == fp:
            return hit[2]
    cc = CompiledCircuit(circuit)
    with _LOCK:
        if len(_CACHE) >= _CACHE_MAX:
            for k in [k for k, v in _CACHE.items() if v[0]() is None] or list(_CACHE)[: _CACHE_MAX // 2]:
                _CACHE.pop(k, None)
        _CACHE[key] = (weakref.ref(circuit), fp, cc)
    return cc
