"""Fast expectation values of Pauli sums on batched states.

A Pauli term with X-mask ``x`` and Z-mask ``z`` maps basis state ``i ^ x`` to ``i`` with
phase ``(-i)^{#Y} (-1)^{popcount(i & z)}``.  Terms sharing ``x`` are summed into one weight
vector ``w_x``, so ``<psi|O|psi> = sum_x sum_i conj(psi_i) w_x[i] psi_{i^x}``; the
``x = 0`` group (diagonal part) is evaluated from probabilities.  ``psi_{i^x}`` is a
reversed-strides view of the state tensor (``np.flip`` over the flipped qubits), so no
index gathers are needed.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
from qiskit.quantum_info import Pauli, SparseObservable, SparsePauliOp

from . import _ops
from ._ops import workspace

_MAX_CACHE = 512


def _popcount_parity(idx: np.ndarray, mask: int) -> np.ndarray:
    v = idx & mask
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(v) & 1
    par = np.zeros_like(v)
    while mask:
        low = mask & -mask
        par ^= (v & low) != 0
        mask ^= low
    return par


class PauliSum:
    """Compiled observable for ``num_qubits`` qubits: list of (flip axes, weights)."""

    def __init__(self, labels_coeffs: dict, num_qubits: int):
        n = num_qubits
        self.num_qubits = n
        N = 2**n
        idx = np.arange(N, dtype=np.int64)
        groups: dict[int, np.ndarray] = {}
        self.constant: complex = 0j
        for label, coeff in labels_coeffs.items():
            coeff = complex(coeff)
            if coeff == 0:
                continue
            label = label.upper()
            xm = zm = ny = 0
            for j, ch in enumerate(reversed(label)):
                if ch in "XY":
                    xm |= 1 << j
                if ch in "ZY":
                    zm |= 1 << j
                if ch == "Y":
                    ny += 1
            f = coeff * (-1j) ** ny
            if xm == 0 and zm == 0:
                self.constant += f
                continue
            w = groups.get(xm)
            if w is None:
                w = groups[xm] = np.zeros(N, dtype=complex)
            w += f * (1.0 - 2.0 * _popcount_parity(idx, zm).astype(np.float64))
        self.diag = None
        self.offdiag = []
        for xm, w in groups.items():
            if xm == 0:
                self.diag = w.real.copy() if not np.any(np.abs(w.imag) > 1e-14) else w
            else:
                axes = tuple(n - 1 - j for j in range(n) if (xm >> j) & 1)
                self.offdiag.append((axes, w))
        self.hermitian_constant = abs(np.imag(self.constant)) < 1e-12
        # Pauli strings are Hermitian, so O is Hermitian iff all coefficients are real
        self.hermitian = all(abs(complex(c).imag) < 1e-12 for c in labels_coeffs.values())
        self.constant = complex(self.constant)

    def expectation(self, psi: np.ndarray, probs: np.ndarray | None = None) -> np.ndarray:
        """``psi``: state tensor (2, ..., 2, B).  Returns complex (B,)."""
        B = psi.shape[-1]
        if not psi.flags.c_contiguous:
            psi = np.ascontiguousarray(psi)
        flat = psi.reshape(-1, B)
        out = np.full(B, self.constant, dtype=complex)
        if self.diag is not None:
            if probs is None:
                f = flat.view(float)  # (N, 2B): re, im interleaved
                rows = max(1, _ops.BLOCK_ELEMENTS // B)  # block by block: a small scratch, not a state
                for r in range(0, f.shape[0], rows):
                    blk = f[r : r + rows]
                    sq = workspace().get(0, blk.shape[:1] + (B,)).view(float)
                    np.multiply(blk, blk, out=sq)
                    out += (self.diag[r : r + rows] @ sq).reshape(B, 2).sum(axis=1)
            else:
                out += self.diag @ probs
        if self.offdiag:
            conj = flat.conj()
            for axes, w in self.offdiag:
                flipped = np.flip(psi, axis=axes).reshape(-1, B)
                out += w @ (conj * flipped)
        return out

    def apply(self, psi: np.ndarray) -> np.ndarray:
        """O |psi> for a batch ``psi`` (2, ..., 2, B) (used as the adjoint co-state).

        Needs one new state (the result) and a half-size scratch, whatever the number of terms:
        the off-diagonal terms are added one half (leading qubit axis) at a time."""
        shape = psi.shape
        wshape = shape[:-1] + (1,)
        if self.diag is not None:
            out = np.multiply(psi, self.diag.reshape(wshape))
            if self.constant:
                self._add_halves(out, psi, None, self.constant)
        else:
            out = np.multiply(psi, self.constant)
        for axes, w in self.offdiag:
            self._add_halves(out, psi, axes, w.reshape(wshape))
        return out

    @staticmethod
    def _add_halves(out: np.ndarray, psi: np.ndarray, axes: tuple | None, w: Any) -> None:
        """out += w * flip(psi, axes), one half of the leading axis at a time (half-size scratch)."""
        tmp = workspace().get(0, psi.shape[1:])
        inner = tuple(a - 1 for a in axes if a != 0) if axes else ()
        for k in (0, 1):
            src = psi[1 - k] if axes and 0 in axes else psi[k]
            if inner:
                src = np.flip(src, axis=inner)
            np.multiply(src, w[k] if np.ndim(w) else w, out=tmp)
            out[k] += tmp


_CACHE: "OrderedDict[tuple, PauliSum]" = OrderedDict()


def as_observable(observable: Any, num_qubits: int) -> SparsePauliOp:
    """One observable as a ``SparsePauliOp`` on ``num_qubits`` qubits, or a ValueError saying what
    is expected. Accepts a Pauli label (``"ZI"``, any case; qubit 0 is the rightmost letter), a
    ``Pauli``, a ``SparsePauliOp`` or a ``SparseObservable``.

    >>> as_observable("zi", 2)
    SparsePauliOp(['ZI'],
                  coeffs=[1.+0.j])
    """
    n = int(num_qubits)
    expected = (f"expected a Pauli label of {n} letter{'s' * (n != 1)} from I, X, Y, Z (e.g. {'Z' + 'I' * (n - 1)!r}; "
                "qubit 0 is the rightmost letter), a Pauli, a SparsePauliOp or a SparseObservable")
    if isinstance(observable, str):
        label = observable.strip().upper()
        if not label or set(label) - set("IXYZ"):
            raise ValueError(f"could not read observable {observable!r} as a Pauli label; {expected}")
        observable = SparsePauliOp(label)
    elif isinstance(observable, Pauli):
        observable = SparsePauliOp(observable)
    elif isinstance(observable, SparseObservable):
        observable = SparsePauliOp.from_sparse_observable(observable)
    if not isinstance(observable, SparsePauliOp):
        raise ValueError(f"observable must be one Pauli observable, got {type(observable).__name__}; {expected}")
    if observable.num_qubits != n:
        raise ValueError(f"the observable acts on {observable.num_qubits} qubits but the circuit has {n}; {expected}")
    return observable


def to_pauli_dict(obs) -> dict:
    """Coerce str / Pauli / SparsePauliOp / SparseObservable / dict to {label: coeff}."""
    if isinstance(obs, dict):
        return obs
    if isinstance(obs, SparseObservable):
        spo = SparsePauliOp.from_sparse_observable(obs)
    elif isinstance(obs, SparsePauliOp):
        spo = obs
    else:
        spo = SparsePauliOp(obs)
    return dict(zip(spo.paulis.to_labels(), spo.coeffs, strict=True))


def pauli_sum_from_sparse_observable(obs: SparseObservable, num_qubits: int) -> PauliSum:
    """Compile a SparseObservable (projector terms are expanded into Paulis)."""
    spo = SparsePauliOp.from_sparse_observable(obs)
    d: dict[str, complex] = {}
    for label, coeff in zip(spo.paulis.to_labels(), spo.coeffs, strict=True):
        d[label] = d.get(label, 0) + coeff
    return compile_observable(d, num_qubits)


def compile_observable(labels_coeffs: dict, num_qubits: int) -> PauliSum:
    for label in labels_coeffs:
        if len(label) != num_qubits:
            raise ValueError(
                f"observable {label!r} acts on {len(label)} qubit(s) but the circuit has {num_qubits}; "
                f"the observable must have exactly {num_qubits} Pauli letters (e.g. {'Z' + 'I' * (num_qubits - 1)!r})"
            )
    key = (num_qubits, tuple(sorted((k, complex(v)) for k, v in labels_coeffs.items())))
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    ps = PauliSum(labels_coeffs, num_qubits)
    _CACHE[key] = ps
    if len(_CACHE) > _MAX_CACHE:
        _CACHE.popitem(last=False)
    return ps
