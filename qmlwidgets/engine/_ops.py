"""In-place batched kernels.

The state is an array of shape ``(2, ..., 2, B)`` (batch axis last, so that every slice
keeps long contiguous inner runs and per-batch coefficients broadcast along the fast
axis); qubit ``q`` of an ``n``-qubit register lives on axis ``n - 1 - q``, so that a C-order
reshape to ``(2**n, B)`` gives Qiskit's little-endian amplitude order.  Every op works in place on an array (or on a
view of it, which is how controlled gates are applied) and knows the *axes* of its targets
in that array.  A basis index ``r`` of a ``k``-qubit op has bit ``j`` on ``axes[j]``
(the order of the gate's qargs, as in Qiskit matrices).

Parameterised ops read their angles from ``V``: a list of ``(B,)`` arrays, one per slot.
``grad`` adds ``2 Re <lam| dU/dtheta |psi_before>`` for each slot into ``acc`` given the
state *after* the op (``psi``) and the co-state ``lam``.
"""
from __future__ import annotations

import threading

import numpy as np

_ATOL = 1e-13


#: scratch size (complex elements) of the blocked kernels: a 2x2 update or an expectation value
#: on more than this works block by block, so scratch stays small beside the state vectors
BLOCK_ELEMENTS = 2**17


class Workspace:
    """Per-thread scratch buffers.

    Large numpy temporaries are served by fresh ``mmap`` pages whose page faults cost
    more than the arithmetic itself; reusing a few buffers keeps kernels fast.
    """

    def __init__(self) -> None:
        self.bufs: list[np.ndarray] = []

    def get(self, i: int, shape) -> np.ndarray:
        size = 1
        for d in shape:
            size *= d
        while len(self.bufs) <= i:
            self.bufs.append(np.empty(0, dtype=complex))
        if self.bufs[i].size < size:
            self.bufs[i] = np.empty(max(size, 2 * self.bufs[i].size), dtype=complex)
        return self.bufs[i][:size].reshape(shape)

    def clear(self) -> None:
        self.bufs = []

    def trim(self, max_elements: int | None = None) -> None:
        """Drop buffers larger than ``max_elements`` (default :data:`BLOCK_ELEMENTS`: a few MiB stay)."""
        if max_elements is None:
            max_elements = BLOCK_ELEMENTS
        self.bufs = [b if b.size <= max_elements else np.empty(0, dtype=complex) for b in self.bufs]


_TLS = threading.local()


def workspace() -> Workspace:
    ws = getattr(_TLS, "ws", None)
    if ws is None:
        ws = _TLS.ws = Workspace()
    return ws


#: a view whose innermost contiguous run is shorter than this is processed as separate
#: 1-D strided pieces (numpy's inner loop would otherwise run only a few elements long)
SHORT_RUN = 16


def short_runs(view: np.ndarray) -> list | None:
    """Index suffixes splitting ``view`` into pieces with long strided loops, or None.

    For a view ``(..., B)`` of the state whose trailing contiguous block has fewer than
    ``SHORT_RUN`` elements (a gate on one of the lowest qubits, small batch), returns
    ``[(suffix, b), ...]``: ``view[(Ellipsis,) + suffix]`` is one piece and ``b`` its batch row.
    """
    shape, strides = view.shape, view.strides
    if not shape or view.size < 64 * SHORT_RUN:  # small: Python overhead dominates anyway
        return None
    expected = view.itemsize
    run, nt = 1, 0
    for i in range(len(shape) - 1, -1, -1):
        if shape[i] != 1 and strides[i] != expected:
            break
        expected *= shape[i]
        run *= shape[i]
        nt += 1
    if run >= SHORT_RUN or nt == len(shape) or view.size // max(run, 1) < 2 * SHORT_RUN:
        return None
    tail = shape[len(shape) - nt :]
    return [(idx, idx[-1]) for idx in np.ndindex(*tail)]


def _with_suffix(ix: tuple, suf: tuple) -> tuple:
    """Fix the last ``len(suf)`` free (sliced) axes of the index ``ix`` to ``suf``."""
    lst = list(ix)
    free = [i for i, v in enumerate(lst) if isinstance(v, slice)]
    for i, v in zip(free[len(free) - len(suf) :], suf, strict=True):
        lst[i] = v
    return tuple(lst)


def pick(c, b: int):
    """Row ``b`` of a per-batch coefficient (scalars pass through)."""
    return c[b] if np.ndim(c) else c


def scale(v: np.ndarray, c) -> None:
    """In place ``v *= c`` (c scalar or per-batch (B,)), fast for short inner runs too."""
    runs = short_runs(v) if np.ndim(c) or v.ndim > 1 else None
    if runs is None:
        v *= c
        return
    for suf, b in runs:
        v[(Ellipsis,) + suf] *= pick(c, b)


def lin_comb(terms, out, tmp) -> np.ndarray:
    """out = sum(view * coef); coefficients are scalars or (B,) arrays (last axis)."""
    (v0, c0), rest = terms[0], terms[1:]
    if isinstance(c0, (int, float, complex)) and c0 == 1:
        np.copyto(out, v0)
    else:
        np.multiply(v0, c0, out=out)
    for v, c in rest:
        np.multiply(v, c, out=tmp)
        out += tmp
    return out


def apply_2x2(x: np.ndarray, y: np.ndarray, m00, m01, m10, m11, real: bool = False) -> None:
    """In place: (x, y) <- (m00 x + m01 y, m10 x + m11 y).

    Coefficients are scalars, per-batch ``(B,)`` arrays, or None (zero).  At most six
    passes over the halves and no copies; with ``real`` the arithmetic runs on float views.
    Views with short contiguous runs are processed piece by piece (see :func:`short_runs`).
    """
    runs = short_runs(x)
    if runs is not None:
        for suf, b in runs:
            ix = (Ellipsis,) + suf
            c00, c01, c10, c11 = (None if m is None else pick(m, b) for m in (m00, m01, m10, m11))
            _apply_2x2(x[ix], y[ix], c00, c01, c10, c11, real=False)
        return
    if real and x.shape[-1] < SHORT_RUN // 2:
        real = False  # the float view would make the inner loop 2B long
    _apply_2x2(x, y, m00, m01, m10, m11, real)


def _apply_2x2(x: np.ndarray, y: np.ndarray, m00, m01, m10, m11, real: bool = False) -> None:
    if x.size > BLOCK_ELEMENTS and x.ndim > 1 and x.shape[0] > 1:
        for k in range(x.shape[0]):
            _apply_2x2(x[k], y[k], m00, m01, m10, m11, real)
        return
    ws = workspace()
    shape = x.shape

    def scratch(i):
        buf = ws.get(i, shape)
        return buf.view(float) if real else buf

    if real:
        x, y = x.view(float), y.view(float)
        m00, m01, m10, m11 = (None if m is None else rep2(m) for m in (m00, m01, m10, m11))
    tmp = None
    if m10 is not None:
        tmp = np.multiply(x, m10, out=scratch(0))
    if m00 is None:
        if m01 is None:
            x[...] = 0
        else:
            np.multiply(y, m01, out=x)
    else:
        x *= m00
        if m01 is not None:
            x += np.multiply(y, m01, out=scratch(1))
    if m11 is None:
        if tmp is None:
            y[...] = 0
        else:
            np.copyto(y, tmp)
    else:
        y *= m11
        if tmp is not None:
            y += tmp


def as_real(view: np.ndarray) -> np.ndarray:
    """Float view (..., 2B) of a complex array whose last axis is contiguous."""
    return view.view(float)


def rep2(c):
    """Real per-batch coefficient -> coefficient for the float view."""
    return np.repeat(c, 2) if np.ndim(c) else c


def _index(ndim: int, axes, r: int) -> tuple:
    idx: list[slice | int] = [slice(None)] * ndim
    for j, ax in enumerate(axes):
        idx[ax] = (r >> j) & 1
    return tuple(idx)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _inner(lam: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per-batch <lam|x> for arrays of identical shape (..., B), without copying the views
    (real and imaginary parts from float views: the adjoint method keeps its memory at a
    few state vectors)."""
    B = lam.shape[-1]
    if lam.strides[-1] != lam.itemsize and B > 1 or x.strides[-1] != x.itemsize and B > 1:
        return np.einsum("ib,ib->b", lam.reshape(-1, B).conj(), x.reshape(-1, B))
    lf = lam[..., None].view(float)  # (..., B, 2): re, im
    xf = x[..., None].view(float)
    lr, li, xr, xi = lf[..., 0], lf[..., 1], xf[..., 0], xf[..., 1]
    sub = _LETTERS[: lr.ndim]
    spec = f"{sub},{sub}->{sub[-1]}"
    re = np.einsum(spec, lr, xr) + np.einsum(spec, li, xi)
    im = np.einsum(spec, lr, xi) - np.einsum(spec, li, xr)
    return re + 1j * im


class Op:
    slots: tuple = ()
    kind = "op"

    def apply(self, a, V):  # pragma: no cover - interface
        raise NotImplementedError

    def apply_inv(self, a, V):  # pragma: no cover - interface
        raise NotImplementedError

    def grad(self, lam, psi, V, acc):
        return None

    def shift_rules(self):
        """Per slot: 'two' (+-pi/2, eigenvalue gap 1) or 'four' (controlled rotation)."""
        return ()


# --------------------------------------------------------------------------- fixed ops
class Mono(Op):
    """Permutation with phases: out[r] = ph[r] * in[perm[r]] (X, Y, Z, S, CX, SWAP, CCX...)."""

    kind = "mono"

    def __init__(self, axes, perm, phases, ndim):
        self.axes = tuple(axes)
        self.ndim = ndim
        self.perm = [int(p) for p in perm]
        self.ph = [complex(p) for p in phases]
        self.idx = [_index(ndim, self.axes, r) for r in range(len(self.perm))]
        self.moves = [r for r in range(len(self.perm)) if self.perm[r] != r]
        self.scales = [r for r in range(len(self.perm)) if self.perm[r] == r and abs(self.ph[r] - 1) > _ATOL]
        self._inv = None

    def apply(self, a, V):
        runs = short_runs(a[self.idx[0]]) if a.ndim > 1 else None
        if runs is None:
            self._apply(a)
            return
        for suf, _ in runs:  # fixed phases: every piece is an independent copy of the op
            self._apply(a, suf)

    def _apply(self, a, suf=()):
        idx, ph = self.idx, self.ph
        if suf:
            idx = [_with_suffix(ix, suf) for ix in idx]
        if self.moves:
            ws = workspace()
            srcs = {}
            for i, r in enumerate(self.moves):
                src = self.perm[r]
                if src not in srcs:
                    buf = ws.get(i, a[idx[src]].shape)
                    np.copyto(buf, a[idx[src]])
                    srcs[src] = buf
            for r in self.moves:
                p = ph[r]
                moved = srcs[self.perm[r]]
                if p == 1:
                    np.copyto(a[idx[r]], moved)
                elif p == -1:
                    np.negative(moved, out=a[idx[r]])
                else:
                    np.multiply(moved, p, out=a[idx[r]])
        for r in self.scales:
            a[idx[r]] *= ph[r]

    def inverse(self):
        if self._inv is None:
            k = len(self.perm)
            perm = [0] * k
            ph = [0j] * k
            for r in range(k):
                perm[self.perm[r]] = r
                ph[self.perm[r]] = np.conj(self.ph[r])
            self._inv = Mono(self.axes, perm, ph, self.ndim)
        return self._inv

    def apply_inv(self, a, V):
        self.inverse().apply(a, V)

    def apply_out(self, x):
        """Out-of-place application (for Pauli rotations and observables)."""
        out = np.empty_like(x)
        for r in range(len(self.perm)):
            p = self.ph[r]
            src = x[self.idx[self.perm[r]]]
            if p == 1:
                out[self.idx[r]] = src
            else:
                np.multiply(src, p, out=out[self.idx[r]])
        return out

    def inner(self, lam, x):
        """Per-batch <lam| M |x> without building M x."""
        tot: np.ndarray | complex = 0
        for r in range(len(self.perm)):
            tot = tot + self.ph[r] * _inner(lam[self.idx[r]], x[self.idx[self.perm[r]]])
        return tot


class Diag(Op):
    kind = "diag"

    def __init__(self, axes, diag, ndim):
        self.axes = tuple(axes)
        self.ndim = ndim
        self.diag = np.asarray(diag, dtype=complex)
        k = len(self.axes)
        self.idx = [_index(ndim, self.axes, r) for r in range(2**k)]
        self.scales = [r for r in range(2**k) if abs(self.diag[r] - 1) > _ATOL]

    def apply(self, a, V):
        for r in self.scales:
            scale(a[self.idx[r]], self.diag[r])

    def apply_inv(self, a, V):
        for r in self.scales:
            scale(a[self.idx[r]], np.conj(self.diag[r]))


class Dense(Op):
    kind = "dense"

    def __init__(self, axes, matrix, ndim):
        self.axes = tuple(axes)
        self.ndim = ndim
        self.m = np.asarray(matrix, dtype=complex)
        k = len(self.axes)
        self.k = k
        self._inv = None
        if k <= 2:
            self.idx = [_index(ndim, self.axes, r) for r in range(2**k)]
            eye = np.eye(2**k)
            self.rows = []
            for r in range(2**k):
                if float(np.max(np.abs(self.m[r] - eye[r]))) <= _ATOL:
                    continue
                terms = [(c, self.m[r, c]) for c in range(2**k) if abs(self.m[r, c]) > _ATOL]
                self.rows.append((r, terms))
        else:
            # tensor form: rows (bit k-1 .. bit 0) x cols (bit k-1 .. bit 0)
            self.tensor = self.m.reshape((2,) * (2 * k))
            self.src_axes = tuple(reversed(self.axes))

    def apply(self, a, V):
        if self.k <= 2:
            ws = workspace()
            shape = a[self.idx[0]].shape
            tmp = ws.get(len(self.rows), shape)
            outs = []
            for i, (r, terms) in enumerate(self.rows):
                out = ws.get(i, shape)
                if terms:
                    lin_comb([(a[self.idx[c]], m) for c, m in terms], out, tmp)
                else:
                    out[...] = 0
                outs.append((r, out))
            for r, out in outs:
                np.copyto(a[self.idx[r]], out)
            return
        k = self.k
        res = np.tensordot(self.tensor, a, axes=(list(range(k, 2 * k)), list(self.src_axes)))
        # res axes: (out bit k-1 .. out bit 0, remaining axes of a in order)
        a[...] = np.moveaxis(res, list(range(k)), list(self.src_axes))

    def inverse(self):
        if self._inv is None:
            self._inv = Dense(self.axes, self.m.conj().T, self.ndim)
        return self._inv

    def apply_inv(self, a, V):
        self.inverse().apply(a, V)


class PrepFresh(Op):
    """State preparation on qubits still in |0>: amplitude r := vec[r] * amplitude 0 (exact)."""

    kind = "prep"

    def __init__(self, axes, vec, ndim, unitary=None):
        self.axes = tuple(axes)
        self.ndim = ndim
        self.vec = np.asarray(vec, dtype=complex)
        self.unitary = unitary  # Dense op for the inverse (gradients)
        k = len(self.axes)
        self.tensor = self.vec.reshape((2,) * k)  # axes: bit k-1 .. bit 0
        self.src_axes = tuple(reversed(self.axes))

    def apply(self, a, V):
        base = a[_index(a.ndim, self.axes, 0)].copy()
        k = len(self.axes)
        res = np.multiply.outer(self.tensor, base)  # (bits..., remaining)
        a[...] = np.moveaxis(res, list(range(k)), list(self.src_axes))

    def apply_inv(self, a, V):
        if self.unitary is None:
            raise ValueError("cannot invert this state preparation")
        self.unitary.apply_inv(a, V)


# ----------------------------------------------------------------- parameterised ops
class PRot(Op):
    """exp(-i theta/2 P) for a Pauli string P given as a Mono (or diagonal signs)."""

    kind = "prot"

    def __init__(self, pauli: Mono, slot: int, rule: str = "two"):
        self.P = pauli
        self.slots = (slot,)
        self.rule = rule
        self.diagonal = not pauli.moves
        # U = cos I - i sin P: the coefficient of in[perm[r]] in row r is  -i * ph[r] * sin
        self.cross = [(-1j * pauli.ph[r]) for r in range(len(pauli.perm))]
        self.real = all(abs(x.imag) < 1e-15 for x in self.cross)
        # a Pauli string's permutation is an involution: rows come in pairs (r, r ^ xmask)
        self.pairs = [(r, p) for r, p in enumerate(pauli.perm) if r < p]
        if self.diagonal:
            # P = diag(sign) (phases are +-1 for Z-type strings)
            self.sign = np.array([pauli.ph[r].real for r in range(len(pauli.perm))])

    def _rot(self, a, theta):
        P = self.P
        idx = P.idx
        if self.diagonal:
            # per-batch phases broadcast along the last (batch) axis
            ph_plus = np.exp(-0.5j * theta)  # sign +1
            ph_minus = np.conj(ph_plus)
            for r, s in enumerate(self.sign):
                scale(a[idx[r]], ph_plus if s > 0 else ph_minus)
            return
        c = np.cos(0.5 * theta)
        s = np.sin(0.5 * theta)
        real = self.real
        for r, p in self.pairs:
            kr, kp = self.cross[r], self.cross[p]
            if real:
                kr, kp = kr.real, kp.real
            apply_2x2(a[idx[r]], a[idx[p]], c, s * kr, s * kp, c, real)

    def apply(self, a, V):
        self._rot(a, V[self.slots[0]])

    def apply_inv(self, a, V):
        self._rot(a, -V[self.slots[0]])

    def grad(self, lam, psi, V, acc):
        # dU = -i/2 P U  ->  2 Re<lam|dU psi_b> = Im <lam|P|psi>
        if self.diagonal:
            z = 0
            for r, s in enumerate(self.sign):
                z = z + s * _inner(lam[self.P.idx[r]], psi[self.P.idx[r]])
        else:
            z = self.P.inner(lam, psi)
        acc[self.slots[0]] += np.imag(z)

    def shift_rules(self):
        return (self.rule,)


class Phase(Op):
    """exp(i theta Pi) for a diagonal projector Pi (set of basis indices ``on``)."""

    kind = "phase"

    def __init__(self, axes, on, slot: int, ndim: int):
        self.axes = tuple(axes)
        self.on = list(on)
        self.slots = (slot,)
        self.idx = [_index(ndim, self.axes, r) for r in self.on]

    def _ph(self, a, theta):
        ph = np.exp(1j * theta)
        for ix in self.idx:
            scale(a[ix], ph)

    def apply(self, a, V):
        self._ph(a, V[self.slots[0]])

    def apply_inv(self, a, V):
        self._ph(a, -V[self.slots[0]])

    def grad(self, lam, psi, V, acc):
        z: np.ndarray | complex = 0
        for ix in self.idx:
            z = z + _inner(lam[ix], psi[ix])
        acc[self.slots[0]] += -2.0 * np.imag(z)

    def shift_rules(self):
        return ("two",)


class GPhase(Op):
    kind = "gphase"

    def __init__(self, slot: int):
        self.slots = (slot,)

    def apply(self, a, V):
        a *= np.exp(1j * V[self.slots[0]])

    def apply_inv(self, a, V):
        a *= np.exp(-1j * V[self.slots[0]])

    def grad(self, lam, psi, V, acc):
        acc[self.slots[0]] += -2.0 * np.imag(_inner(lam, psi))

    def shift_rules(self):
        return ("two",)


class FixedPhase(Op):
    kind = "fphase"

    def __init__(self, phase: float):
        self.ph = np.exp(1j * phase)

    def apply(self, a, V):
        a *= self.ph

    def apply_inv(self, a, V):
        a *= np.conj(self.ph)


class Controlled(Op):
    """Apply ``inner`` ops to the sub-array where the control axes hold ``state``."""

    kind = "ctrl"

    def __init__(self, ctrl_axes, ctrl_bits, inner, ndim, target_axes=()):
        self.touched = tuple(ctrl_axes) + tuple(target_axes)
        idx: list[slice | int] = [slice(None)] * ndim
        for ax, b in zip(ctrl_axes, ctrl_bits, strict=True):
            idx[ax] = int(b)
        self.idx = tuple(idx)
        self.inner = list(inner)
        self.slots = tuple(s for op in self.inner for s in op.slots)

    def apply(self, a, V):
        view = a[self.idx]
        for op in self.inner:
            op.apply(view, V)

    def apply_inv(self, a, V):
        view = a[self.idx]
        for op in reversed(self.inner):
            op.apply_inv(view, V)

    def grad(self, lam, psi, V, acc):
        lv = lam[self.idx].copy()
        pv = psi[self.idx].copy()
        n = len(self.inner)
        for i in range(n - 1, -1, -1):
            op = self.inner[i]
            if op.slots:
                op.grad(lv, pv, V, acc)
            if i:
                op.apply_inv(pv, V)
                op.apply_inv(lv, V)

    def shift_rules(self):
        rules = []
        for op in self.inner:
            for rule in op.shift_rules():
                # a controlled Pauli rotation has generator spectrum {0, +-1/2}
                rules.append("four" if isinstance(op, PRot) else rule)
        return tuple(rules)


class Reset(Op):
    """Reset of a used qubit: not unitary.  The state becomes a mixture of two branches,
    P0|psi> and X P1|psi> (unnormalised), stored side by side on the batch axis
    (column ``branch * B + row``); see :func:`reset_branches`."""

    kind = "reset"

    def __init__(self, axis: int):
        self.axes = (axis,)

    def apply(self, a, V):  # pragma: no cover - handled by the forward loop
        raise TypeError("Reset changes the batch size; use reset_branches")


def reset_branches(a: np.ndarray, axis: int) -> np.ndarray:
    """(..., B) -> (..., 2B): branch 0 keeps the |0> part of qubit ``axis``, branch 1 moves
    its |1> part to |0> (the two outcomes of a reset; their norms are the probabilities)."""
    B = a.shape[-1]
    out = np.zeros(a.shape[:-1] + (2 * B,), dtype=a.dtype)
    i0: list[slice | int] = [slice(None)] * a.ndim
    i0[axis] = 0
    i1 = list(i0)
    i1[axis] = 1
    out[..., :B][tuple(i0)] = a[tuple(i0)]
    out[..., B:][tuple(i0)] = a[tuple(i1)]
    return out


def fold_branches(x: np.ndarray, B: int) -> np.ndarray:
    """Sum per-column results (2**k * B, ...) over reset branches -> (B, ...)."""
    if x.shape[0] == B:
        return x
    return x.reshape((-1, B) + x.shape[1:]).sum(axis=0)
