"""Exact loss landscapes from a handful of evaluations: trigonometric (Fourier) reconstruction.

When every parameter enters a circuit through Pauli rotations ``exp(-i x P/2)`` (RX, RY, RZ,
RZZ, P, PauliEvolutionGate, ...) with an argument ``x = c·θ + b`` that is *affine* in the
parameters, an expectation value — and any *linear* function of expectation values — is a
trigonometric polynomial along every line ``θ0 + t·d``::

    f(t) = sum_{k=-R..R} c_k exp(i k ω t)

Each rotation contributes frequencies ``{0, ±|c·d|}`` and the frequencies of all rotations add,
so ``R·ω ≤ Σ_u |c_u·d|``. When all ``|c_u·d|`` are integer multiples of one ``ω`` (axis
directions, integer combinations of axes, reused parameters, integer coefficients), ``2R + 1``
equally spaced evaluations determine ``f`` exactly (Dirichlet-kernel interpolation), and a 2-D
grid needs only ``(2R_x + 1)(2R_y + 1)`` of them: 3 × 3 = 9 for two single-rotation angles,
however fine the grid. Nonlinear parameter expressions, unknown gates and incommensurate
directions are reported (``Spectrum.reason`` / :meth:`Spectrum.along` returns None) so the
caller falls back to direct evaluation. Pure numpy; Qiskit is used only to read the circuit.

Example::

    >>> from qiskit import QuantumCircuit
    >>> from qiskit.circuit import Parameter
    >>> a, b = Parameter("a"), Parameter("b")
    >>> qc = QuantumCircuit(2); _ = qc.rx(a, 0); _ = qc.rzz(2 * b, 0, 1); _ = qc.ry(a, 1)
    >>> spec = circuit_spectrum(qc)
    >>> spec.along([1.0, 0.0]), spec.along([0.0, 1.0])     # (ω, R): a used twice, b with 2b
    ((1.0, 2), (2.0, 1))
    >>> spec.along([1.0, 0.5])                              # speeds 1, 1 and 1: ω = 1
    (1.0, 3)
    >>> print(spec.along([1.0, 0.7071]))                    # 1 and 1.4142: incommensurate
    None
    >>> nodes(1)                                            # 3 evaluations for degree 1
    array([-2.0943951,  0.       ,  2.0943951])
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

__all__ = ["Spectrum", "circuit_spectrum", "nodes", "interpolation_matrix", "trig_interpolate",
           "MAX_DEGREE"]

MAX_DEGREE = 200          # highest degree R reconstructed along one direction
_MAX_DENOMINATOR = 24     # frequency ratios are recognised as fractions p/q with q <= this
_RTOL = 1e-9              # tolerance when recognising a ratio of frequencies as rational

# base frequencies (in units of the gate's argument) of each parameter slot of known gates:
# exp(-i x G) contributes the differences of G's eigenvalues.
_HALF_ONE = (0.5, 1.0)    # controlled rotations: eigenvalues {0, 0, ±1/2}
_ONE_TWO = (1.0, 2.0)     # an angle that conjugates (RZ(φ) · RX · RZ(-φ)): frequencies 1 and 2
_GATES: dict[str, tuple[tuple[float, ...], ...]] = {
    **{g: ((1.0,),) for g in ("rx", "ry", "rz", "rxx", "ryy", "rzz", "rzx", "p", "u1",
                              "cp", "cu1")},
    **{g: (_HALF_ONE,) for g in ("crx", "cry", "crz")},
    "u": ((1.0,), (1.0,), (1.0,)),
    "u3": ((1.0,), (1.0,), (1.0,)),
    "u2": ((1.0,), (1.0,)),
    "r": ((1.0,), _ONE_TWO),
    "xx_plus_yy": (_HALF_ONE, _ONE_TWO),
    "xx_minus_yy": (_HALF_ONE, _ONE_TWO),
    "global_phase": ((),),  # a global phase never changes an expectation value
}


@dataclass(frozen=True, repr=False)
class Spectrum:
    """Where the parameters enter a circuit: one row per rotation ("use").

    The argument of use ``u`` is ``coefficients[u] @ θ + const``; it contributes the base
    frequencies ``frequencies[u]`` (e.g. ``(1.0,)`` for RX, ``(0.5, 1.0)`` for CRX).
    ``reason`` is None when the expectation value is a trigonometric polynomial in the
    parameters, else a sentence saying why not (then :meth:`along` always returns None).
    """

    n_params: int
    coefficients: np.ndarray
    frequencies: tuple[tuple[float, ...], ...]
    reason: str | None = None

    @property
    def applies(self) -> bool:
        """True if reconstruction is exact for suitable directions."""
        return self.reason is None

    def along(self, direction: Any) -> tuple[float, int] | None:
        """``(ω, R)``: along ``θ0 + t·direction`` the loss has frequencies ``k·ω``, ``|k| ≤ R``.

        None when the frequencies of the rotations are not integer multiples of one ``ω``
        (e.g. a generic random direction) or ``R > MAX_DEGREE``: reconstruction is not exact.

        Example::

            >>> from qiskit.circuit.library import real_amplitudes
            >>> spec = circuit_spectrum(real_amplitudes(2, reps=1))
            >>> spec.along([0, 1.0, 0, 0]), spec.along([0.5, 0.5, 0, 0])
            ((1.0, 1), (0.5, 2))
            >>> print(spec.along([0.3, 0.7071, 0, 0]))
            None
        """
        if self.reason is not None:
            return None
        d = np.asarray(direction, dtype=float)
        if d.shape != (self.n_params,):
            raise ValueError(f"direction must have shape ({self.n_params},), got {d.shape}")
        if self.coefficients.shape[0] == 0:
            return 1.0, 0
        speed = np.abs(self.coefficients @ d)  # |dx/dt| of each rotation angle
        scale = float(np.max(speed))
        freqs = [f * s for s, fs in zip(speed, self.frequencies, strict=True) for f in fs
                 if s > 1e-12 * max(scale, 1e-300)]
        if not freqs:
            return 1.0, 0  # the loss does not change along this direction
        omega = _common_unit(freqs)
        if omega is None:
            return None
        top = sum(max(fs) * s for s, fs in zip(speed, self.frequencies, strict=True) if fs and s > 0)
        degree = int(round(top / omega))
        if degree > MAX_DEGREE:
            return None
        return float(omega), degree

    def __repr__(self) -> str:
        what = "trigonometric" if self.reason is None else f"not trigonometric: {self.reason}"
        return f"Spectrum(n_params={self.n_params}, rotations={len(self.frequencies)}, {what})"


def _common_unit(freqs: Sequence[float]) -> float | None:
    """Largest ω with every ``f`` an integer multiple of ω (None if there is none small)."""
    base = min(freqs)
    ratios = []
    for f in freqs:
        r = f / base
        q = Fraction(r).limit_denominator(_MAX_DENOMINATOR)
        if abs(r - float(q)) > _RTOL * r:
            return None
        ratios.append(q)
    lcm = 1
    for q in ratios:
        lcm = lcm * q.denominator // math.gcd(lcm, q.denominator)
    g = 0
    for q in ratios:
        g = math.gcd(g, int(q * lcm))
    return base * g / lcm


# ----------------------------------------------------------------------------- circuit analysis
def _linear_coefficients(expr: Any, index: dict) -> dict[int, float] | str:
    """``{parameter index: coefficient}`` of an affine expression, or a reason why it is not."""
    from qiskit.circuit import Parameter, ParameterExpression

    if isinstance(expr, Parameter):
        return {index[expr]: 1.0}
    out: dict[int, float] = {}
    for p in expr.parameters:
        g = expr.gradient(p)
        if isinstance(g, ParameterExpression):
            if g.parameters:
                return f"the angle {expr} is not a linear function of the parameters"
            g = complex(g)
        g = complex(g)
        if abs(g.imag) > 1e-12:
            return f"the angle {expr} has a complex coefficient"
        if g.real != 0.0:
            out[index[p]] = g.real
    return out


def _is_free(value: Any) -> bool:
    from qiskit.circuit import ParameterExpression

    return isinstance(value, ParameterExpression) and bool(value.parameters)


def _pauli_evolution_uses(op: Any) -> list[float] | str:
    """Base frequencies contributed by ``exp(-i t H)``: ``2|c_k|`` per commuting Pauli term,
    else the differences of H's eigenvalues."""
    from qiskit.quantum_info import SparseObservable, SparsePauliOp

    ops = op.operator if isinstance(op.operator, (list, tuple)) else [op.operator]
    try:
        terms = [SparsePauliOp.from_sparse_observable(o) if isinstance(o, SparseObservable)
                 else SparsePauliOp(o) for o in ops]
        H = sum(terms[1:], terms[0]).simplify(atol=1e-14)
        coeffs = np.asarray(H.coeffs, dtype=complex)
    except (TypeError, ValueError):
        return "a PauliEvolutionGate with symbolic coefficients"
    if np.any(np.abs(coeffs.imag) > 1e-12):
        return "a PauliEvolutionGate with a non-Hermitian operator"
    paulis = H.paulis
    labels = paulis.to_labels()
    keep = [k for k, lab in enumerate(labels) if set(lab) - {"I"}]
    commuting = all(paulis[i].commutes(paulis[j]) for i in keep for j in keep if i < j)
    if commuting:
        return [2.0 * abs(float(coeffs[k].real)) for k in keep]
    if H.num_qubits > 10:
        return "a PauliEvolutionGate with non-commuting terms on more than 10 qubits"
    lam = np.linalg.eigvalsh(H.to_matrix())
    diffs = np.abs(lam[:, None] - lam[None, :]).ravel()
    return sorted({round(float(x), 12) for x in diffs if x > 1e-12})


def circuit_spectrum(circuit: Any) -> Spectrum:
    """Read where each parameter enters ``circuit`` (columns follow ``circuit.parameters``).

    Known rotation gates (rx, ry, rz, rxx, ryy, rzz, rzx, p, u, r, crx, cry, crz, cp,
    xx_plus_yy, PauliEvolutionGate, global phase) with affine angles are supported; anything
    else that carries a parameter (a custom gate, a nonlinear angle like ``a*b`` or ``sin(a)``,
    control flow) makes ``reason`` say why reconstruction does not apply.

    Example::

        >>> from qiskit.circuit.library import efficient_su2
        >>> circuit_spectrum(efficient_su2(2, reps=1))
        Spectrum(n_params=8, rotations=8, trigonometric)
    """
    params = list(circuit.parameters)
    index = {p: i for i, p in enumerate(params)}
    rows: list[dict[int, float]] = []
    freqs: list[tuple[float, ...]] = []

    def fail(reason: str) -> Spectrum:
        return Spectrum(len(params), np.zeros((0, len(params))), (), reason)

    for inst in circuit.data:
        op = inst.operation
        name = op.name
        blocks = getattr(op, "blocks", None)
        if blocks and any(b.num_parameters for b in blocks):
            return fail(f"a parameter is used inside control flow ('{name}')")
        free = [k for k, v in enumerate(op.params) if _is_free(v)]
        if not free:
            continue
        if name == "PauliEvolution":
            base = _pauli_evolution_uses(op)
            if isinstance(base, str):
                return fail(base)
            coeff = _linear_coefficients(op.params[0], index)
            if isinstance(coeff, str):
                return fail(coeff)
            for f in base:
                rows.append(coeff)
                freqs.append((f,))
            continue
        slots = _GATES.get(name)
        if slots is None or len(slots) != len(op.params):
            return fail(f"a parameter enters the gate '{name}', which is not a known Pauli "
                        "rotation")
        for k in free:
            coeff = _linear_coefficients(op.params[k], index)
            if isinstance(coeff, str):
                return fail(coeff)
            if slots[k]:
                rows.append(coeff)
                freqs.append(slots[k])
    C = np.zeros((len(rows), len(params)))
    for u, row in enumerate(rows):
        for i, c in row.items():
            C[u, i] += c
    return Spectrum(len(params), C, tuple(freqs))


# ----------------------------------------------------------------------------- interpolation
def nodes(degree: int, omega: float = 1.0) -> np.ndarray:
    """The ``2R + 1`` equally spaced sample coordinates (one period ``2π/ω``, centred on 0).

    Example::

        >>> nodes(2, omega=2.0).round(4)
        array([-1.2566, -0.6283,  0.    ,  0.6283,  1.2566])
    """
    m = 2 * int(degree) + 1
    return (np.arange(m) - int(degree)) * (2 * math.pi / (omega * m))


def interpolation_matrix(targets: Any, degree: int, omega: float = 1.0) -> np.ndarray:
    """Matrix ``A`` (len(targets), 2R+1) with ``f(targets) = A @ f(nodes(R, ω))`` for every
    trigonometric polynomial ``f`` of degree ``R`` in ``ω t`` (the Dirichlet kernel).

    Example::

        >>> t = np.linspace(-3, 3, 7)
        >>> A = interpolation_matrix(t, 1)
        >>> f = lambda x: 0.2 + np.cos(x) - 0.5 * np.sin(x)
        >>> bool(np.allclose(A @ f(nodes(1)), f(t)))
        True
    """
    t = np.asarray(targets, dtype=float).reshape(-1)
    R = int(degree)
    diff = omega * (t[:, None] - nodes(R, omega)[None, :])
    k = np.arange(1, R + 1)
    return (1.0 + 2.0 * np.cos(diff[:, :, None] * k).sum(axis=2)) / (2 * R + 1)


def trig_interpolate(samples: Any, targets: Any, degree: int, omega: float = 1.0) -> np.ndarray:
    """Values at ``targets`` of the trigonometric polynomial through ``samples`` taken at
    :func:`nodes` ``(degree, omega)`` (exact when the function has degree ≤ ``degree``).

    Example::

        >>> f = lambda x: 1 + np.sin(x) + 0.25 * np.cos(2 * x)
        >>> trig_interpolate(f(nodes(2)), [0.0, 1.0], 2).round(6)
        array([1.25    , 1.737434])
    """
    s = np.asarray(samples, dtype=float)
    R = int(degree)
    if s.shape[-1] != 2 * R + 1:
        raise ValueError(f"degree {R} needs {2 * R + 1} samples, got {s.shape[-1]}")
    return s @ interpolation_matrix(targets, R, omega).T
