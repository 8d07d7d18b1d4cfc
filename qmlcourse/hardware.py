"""Hardware landscapes for lesson 18: device connectivities and native gates, transpile costs,
a product-of-fidelities estimate, and boson sampling in miniature (permanents, Fock space).

Pure compute: no widgets. The numbers in :data:`PLATFORMS` are round, hedged figures from the
cited papers and documentation (see lesson 18), not a live calibration.

Example::

    >>> permanent([[1, 2], [3, 4]])          # 1·4 + 2·3 (a determinant would subtract)
    10.0
    >>> round(estimated_fidelity(10, 4, 0.999, 0.99), 4)
    0.951
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np


@dataclass(frozen=True)
class Platform:
    """One row of the lesson's hardware table (round numbers, with the source and year)."""

    name: str
    qubit: str
    connectivity: str
    native_2q: str
    t2q_us: float | None          # typical two-qubit gate time, microseconds (None: not a gate)
    f2q: float | None             # reported two-qubit gate fidelity (round)
    source: str


PLATFORMS: tuple[Platform, ...] = (
    Platform("superconducting (IBM)", "transmon", "heavy-hex (2–3 neighbours)", "ECR or CZ", 0.3,
             0.995, "Chamberland et al. (2020); IBM Quantum docs, processor types (2025)"),
    Platform("superconducting (Google)", "transmon", "square grid (4 neighbours)", "fSim (iSWAP-like)",
             0.012, 0.994, "Arute et al. (2019)"),
    Platform("trapped ions", "hyperfine levels of an ion", "all-to-all (one chain)",
             "Mølmer–Sørensen (XX)", 100.0, 0.999, "Sørensen & Mølmer (1999); Ballance et al. (2016)"),
    Platform("neutral atoms", "atom in an optical tweezer", "reconfigurable (atoms are moved)",
             "CZ via Rydberg blockade", 0.3, 0.995, "Jaksch et al. (2000); Evered et al. (2023)"),
    Platform("photonic", "dual-rail photon (one photon, two modes)", "set by the optical circuit",
             "probabilistic (heralded, measurement-based)", None, None,
             "Knill, Laflamme & Milburn (2001); Zhong et al. (2020)"),
)

#: transpiler targets of the lesson: (coupling-map kind, native basis gates)
TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "heavy-hex (IBM-style)": ("heavy-hex", ("ecr", "rz", "sx", "x")),
    "grid (Google-style)": ("grid", ("cz", "rz", "sx", "x")),
    "line": ("line", ("cz", "rz", "sx", "x")),
    "all-to-all, MS (ions)": ("all-to-all", ("rxx", "rz", "ry", "rx")),
    "all-to-all, CZ (atoms)": ("all-to-all", ("cz", "rz", "sx", "x")),
}


def coupling_map(kind: str, num_qubits: int) -> Any:
    """A Qiskit ``CouplingMap`` with at least ``num_qubits`` qubits.

    ``kind``: ``"line"``, ``"all-to-all"``, ``"grid"`` (⌊√n⌋ rows, enough columns)
    or ``"heavy-hex"`` (smallest ``CouplingMap.from_heavy_hex(d)``, d odd: 19, 57, … qubits).

    >>> coupling_map("grid", 6).size(), coupling_map("heavy-hex", 6).size()
    (6, 19)
    """
    from qiskit.transpiler import CouplingMap

    n = int(num_qubits)
    if isinstance(num_qubits, bool) or n < 2 or n > 127:
        raise ValueError(f"num_qubits must be between 2 and 127, got {num_qubits!r}")
    if kind == "line":
        return CouplingMap.from_line(n)
    if kind == "all-to-all":
        return CouplingMap.from_full(n)
    if kind == "grid":
        rows = math.isqrt(n)
        return CouplingMap.from_grid(rows, -(-n // rows))
    if kind == "heavy-hex":
        d = 3
        while CouplingMap.from_heavy_hex(d).size() < n:
            d += 2
        return CouplingMap.from_heavy_hex(d)
    raise ValueError(f"kind must be 'line', 'all-to-all', 'grid' or 'heavy-hex', got {kind!r}")


def _is_two_qubit(inst: Any) -> bool:
    return len(inst.qubits) == 2 and not getattr(inst.operation, "_directive", False)


@dataclass(frozen=True)
class Cost:
    """Gate counts of a (transpiled) circuit."""

    target: str
    depth: int
    two_qubit: int
    two_qubit_depth: int
    one_qubit: int


def circuit_cost(circuit: Any, target: str = "logical") -> Cost:
    """Depth, two-qubit gates, two-qubit depth and one-qubit gates (measurements and barriers
    not counted)."""
    skip = {"measure", "barrier", "delay", "reset"}
    two = sum(1 for inst in circuit.data if _is_two_qubit(inst))
    one = sum(1 for inst in circuit.data if len(inst.qubits) == 1 and inst.operation.name not in skip)
    depth2 = circuit.depth(lambda inst: _is_two_qubit(inst))
    return Cost(target, int(circuit.depth(lambda i: i.operation.name not in skip)), int(two),
                int(depth2), int(one))


def transpile_to(circuit: Any, target: str, *, seed: int = 18, optimization_level: int = 1) -> Any:
    """Transpile ``circuit`` to one of :data:`TARGETS` (coupling map + basis gates), seeded."""
    from qiskit import transpile

    if target not in TARGETS:
        raise ValueError(f"target must be one of {list(TARGETS)}, got {target!r}")
    kind, basis = TARGETS[target]
    return transpile(circuit, coupling_map=coupling_map(kind, circuit.num_qubits),
                     basis_gates=list(basis), optimization_level=int(optimization_level),
                     seed_transpiler=int(seed))


def estimated_fidelity(n_one: int, n_two: int, f_one: float, f_two: float) -> float:
    """Crude success estimate: every gate works independently, ``f_one**n_one · f_two**n_two``.

    Ignores idle errors, readout and crosstalk, so it is an optimistic upper estimate.

    >>> estimated_fidelity(0, 100, 1.0, 0.99) < 0.37
    True
    """
    for f in (f_one, f_two):
        if not 0.0 <= float(f) <= 1.0:
            raise ValueError(f"fidelities must be between 0 and 1, got {f!r}")
    if int(n_one) < 0 or int(n_two) < 0:
        raise ValueError("gate counts must be non-negative")
    return float(f_one) ** int(n_one) * float(f_two) ** int(n_two)


# ----------------------------------------------------------------------------- photonics
def _matrix(M: Any) -> np.ndarray:
    A = np.asarray(M, dtype=complex)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"expected a square matrix, got shape {A.shape}")
    if A.shape[0] > 12:
        raise ValueError(f"a {A.shape[0]}×{A.shape[0]} permanent is too slow here (at most 12)")
    return A


def permanent(M: Any) -> complex | float:
    """Permanent by Ryser's formula (2ⁿ·n steps): like a determinant, without the signs.

    >>> permanent(np.ones((3, 3)))      # 3! permutations, each contributing 1
    6.0
    """
    A = _matrix(M)
    n = A.shape[0]
    if n == 0:
        return 1.0
    total = 0j
    for subset in range(1, 2**n):
        cols = [j for j in range(n) if subset >> j & 1]
        total += (-1) ** len(cols) * np.prod(A[:, cols].sum(axis=1))
    value = (-1) ** n * total
    return float(value.real) if abs(value.imag) < 1e-12 and np.isrealobj(np.asarray(M)) else complex(value)


def haar_unitary(m: int, seed: int = 0) -> np.ndarray:
    """A Haar-random ``m × m`` unitary (QR of a complex Gaussian matrix, phases fixed)."""
    rng = np.random.default_rng(seed)
    Z = (rng.normal(size=(m, m)) + 1j * rng.normal(size=(m, m))) / math.sqrt(2)
    Q, R = np.linalg.qr(Z)
    d = np.diag(R)
    return Q * (d / np.abs(d))


def beam_splitter(theta: float = math.pi / 4) -> np.ndarray:
    """2-mode beam splitter; ``theta = π/4`` is 50:50."""
    c, s = math.cos(theta), math.sin(theta)
    return np.array([[c, -s], [s, c]], dtype=complex)


def _modes(inputs: Sequence[int], m: int) -> list[int]:
    modes = [int(i) for i in inputs]
    if not modes or any(not 0 <= i < m for i in modes):
        raise ValueError(f"input modes must be between 0 and {m - 1}, got {list(inputs)}")
    return modes


def fock_distribution(U: Any, inputs: Sequence[int]) -> dict[tuple[int, ...], float]:
    """Brute-force output distribution of photons entering modes ``inputs`` of interferometer ``U``.

    Expands ``∏_k (Σ_j U[j, i_k] a_j†) |0⟩`` term by term (no permanents), then normalises each
    occupation pattern ``n`` by ``√(∏ n_j!)``. Keys are occupation tuples (photons per output mode).

    >>> d = fock_distribution(beam_splitter(), [0, 1])     # Hong–Ou–Mandel: never one in each
    >>> round(d.get((1, 1), 0.0), 12), round(d[(2, 0)], 3)
    (0.0, 0.5)
    """
    A = np.asarray(U, dtype=complex)
    m = A.shape[0]
    if A.shape != (m, m) or not np.allclose(A.conj().T @ A, np.eye(m), atol=1e-9):
        raise ValueError("U must be a square unitary matrix")
    modes = _modes(inputs, m)
    if len(modes) > 6:
        raise ValueError("at most 6 photons in this brute-force simulation")
    amps: dict[tuple[int, ...], complex] = {}
    for outs in itertools.product(range(m), repeat=len(modes)):
        a = np.prod([A[o, i] for o, i in zip(outs, modes, strict=True)])
        key = tuple(np.bincount(outs, minlength=m).tolist())
        amps[key] = amps.get(key, 0j) + a
    norm_in = math.prod(math.factorial(c) for c in np.bincount(modes, minlength=m))
    return {k: float(abs(v) ** 2 * math.prod(math.factorial(c) for c in k) / norm_in)
            for k, v in sorted(amps.items())}


def boson_probability(U: Any, inputs: Sequence[int], outputs: Sequence[int]) -> float:
    """``|Perm(U[outputs, inputs])|²`` for distinct inputs and a collision-free output pattern."""
    A = np.asarray(U, dtype=complex)
    sub = A[np.ix_(list(outputs), list(inputs))]
    return float(abs(permanent(sub)) ** 2)


def distinguishable_probability(U: Any, inputs: Sequence[int], outputs: Sequence[int]) -> float:
    """The same pattern for distinguishable particles: ``Perm(|U[outputs, inputs]|²)`` (no interference)."""
    A = np.abs(np.asarray(U, dtype=complex)[np.ix_(list(outputs), list(inputs))]) ** 2
    return float(np.real(permanent(A)))
