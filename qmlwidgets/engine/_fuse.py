"""Forward-only gate fusion: runs of single-qubit ops on one qubit become one kernel.

The per-batch 2x2 product is cheap (``B x 2 x 2``); applying it once instead of once per
gate saves whole passes over the state.  Used for states, expectation values, sampling
and parameter-shift (which only runs forward); the adjoint method keeps the unfused ops.
"""
from __future__ import annotations

import numpy as np

from . import _ops
from ._ops import apply_2x2, as_real, rep2


def _cis(x: np.ndarray) -> np.ndarray:
    """exp(i x) for real x (cos/sin are cheaper than a complex exp)."""
    out = np.empty(np.shape(x), dtype=complex)
    out.real = np.cos(x)
    out.imag = np.sin(x)
    return out


def _touched(op) -> tuple | None:
    """Axes an op acts on (None = commutes with everything, e.g. a global phase)."""
    if isinstance(op, (_ops.GPhase, _ops.FixedPhase)):
        return None
    if isinstance(op, _ops.Controlled):
        return op.touched
    if isinstance(op, _ops.PRot):
        return op.P.axes
    return op.axes


def _single_axis_factor(op):
    """Return a factor description for a single-qubit op, or None."""
    if isinstance(op, _ops.PRot) and len(op.P.axes) == 1:
        return op
    if isinstance(op, _ops.Phase) and len(op.axes) == 1:
        return op
    if isinstance(op, (_ops.Diag, _ops.Mono, _ops.Dense)) and len(op.axes) == 1:
        return op
    return None


def _fixed_matrix(op) -> np.ndarray:
    if isinstance(op, _ops.Diag):
        return np.diag(op.diag)
    if isinstance(op, _ops.Mono):
        m = np.zeros((2, 2), dtype=complex)
        for r in range(2):
            m[r, op.perm[r]] = op.ph[r]
        return m
    return op.m


class Fused1Q(_ops.Op):
    kind = "fused1q"

    def __init__(self, axis: int, factors: list, ndim: int):
        self.axes = (axis,)
        self.factors = factors  # in application order
        self.idx = [_ops._index(ndim, self.axes, r) for r in range(2)]
        self.slots = tuple(s for f in factors for s in f.slots)
        self.real = all(self._is_real(f) for f in factors)
        self.diagonal = all(self._is_diag(f) for f in factors)
        self.fixed = {id(f): _fixed_matrix(f) for f in factors if not f.slots}

    @staticmethod
    def _is_real(f) -> bool:
        if isinstance(f, _ops.PRot):
            return not f.diagonal and all(abs(x.imag) < 1e-15 for x in f.cross)
        if isinstance(f, _ops.Phase):
            return False
        return bool(np.all(np.abs(_fixed_matrix(f).imag) < 1e-15))

    @staticmethod
    def _is_diag(f) -> bool:
        if isinstance(f, _ops.PRot):
            return f.diagonal
        if isinstance(f, _ops.Phase):
            return True
        m = _fixed_matrix(f)
        return abs(m[0, 1]) < 1e-15 and abs(m[1, 0]) < 1e-15

    def _factor(self, f, V):
        """Entries (m00, m01, m10, m11) of one factor: scalars, (B,) arrays or None (zero)."""
        if not f.slots:
            m = self.fixed[id(f)]
            if self.real:
                m = m.real
            return tuple(None if abs(m[i, j]) < 1e-15 else m[i, j] for i in range(2) for j in range(2))
        theta = V[f.slots[0]]
        if isinstance(f, _ops.PRot):
            if f.diagonal:
                e = _cis(-0.5 * theta)
                return (e if f.sign[0] > 0 else e.conj(), None, None, e if f.sign[1] > 0 else e.conj())
            c, s = np.cos(0.5 * theta), np.sin(0.5 * theta)
            ent = [[c, None], [None, c]]
            for r in range(2):
                x = f.cross[r]
                x = x.real if self.real else x
                ent[r][f.P.perm[r]] = s * x
            return (ent[0][0], ent[0][1], ent[1][0], ent[1][1])
        return (1.0, None, None, _cis(theta))  # Phase on |1>

    @staticmethod
    def _mul(a, b):
        if a is None or b is None:
            return None
        return a * b

    @staticmethod
    def _add(a, b):
        if a is None:
            return b
        if b is None:
            return a
        return a + b

    def entries(self, V, B: int):
        """Per-batch 2x2 product of all factors as four (B,) arrays (None = zero)."""
        M = None
        mul, add = self._mul, self._add
        for f in self.factors:
            F = self._factor(f, V)
            if M is None:
                M = F
                continue
            f00, f01, f10, f11 = F
            m00, m01, m10, m11 = M
            M = (
                add(mul(f00, m00), mul(f01, m10)),
                add(mul(f00, m01), mul(f01, m11)),
                add(mul(f10, m00), mul(f11, m10)),
                add(mul(f10, m01), mul(f11, m11)),
            )
        return M

    def matrices(self, V, B: int) -> np.ndarray:
        """Per-batch matrices (B, 2, 2) (for tests)."""
        out = np.zeros((B, 2, 2), dtype=float if self.real else complex)
        for k, e in enumerate(self.entries(V, B)):
            if e is not None:
                out[:, k // 2, k % 2] = e
        return out

    def apply(self, a, V):
        B = a.shape[-1]
        m00, m01, m10, m11 = self.entries(V, B)
        i0, i1 = self.idx
        a0, a1 = a[i0], a[i1]
        if m01 is None and m10 is None:
            for v, m in ((a0, m00), (a1, m11)):
                if m is None:
                    v[...] = 0
                elif self.real and v.shape[-1] >= _ops.SHORT_RUN // 2 and np.ndim(m):
                    as_real(v)[...] *= rep2(m)
                else:
                    _ops.scale(v, m)
            return
        apply_2x2(a0, a1, m00, m01, m10, m11, self.real)

    def apply_inv(self, a, V):  # pragma: no cover - forward only
        for f in reversed(self.factors):
            f.apply_inv(a, V)


def fuse(ops: list, ndim: int) -> list:
    out: list = []
    pending: dict[int, list] = {}

    def flush(axis):
        group = pending.pop(axis, None)
        if not group:
            return
        if len(group) == 1:
            out.append(group[0])
        else:
            out.append(Fused1Q(axis, group, ndim))

    for op in ops:
        axes = _touched(op)
        if _single_axis_factor(op) is not None and axes is not None:  # a one-axis PRot: axes is never None
            pending.setdefault(axes[0], []).append(op)
            continue
        if axes is None:
            out.append(op)
            continue
        for ax in axes:
            flush(ax)
        out.append(op)
    for ax in list(pending):
        flush(ax)
    return out
