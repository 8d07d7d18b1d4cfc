"""BB84 quantum key distribution, simulated with circuits and a seeded sampler.

The protocol (Bennett & Brassard 1984), one qubit per round:

1. Alice picks a random bit and a random basis (``0`` = Z: |0⟩/|1⟩, ``1`` = X: |+⟩/|−⟩)
   and sends the qubit (circuit: ``X`` if the bit is 1, then ``H`` for the X basis).
2. Bob measures in a random basis (``H`` before measuring for X).
3. **Sifting**: they announce the bases (not the bits) and keep rounds where they agree.
4. **QBER**: they reveal a random sample of the sifted key and count disagreements.
5. **Error correction** (here a toy *cascade-lite*: block parities + binary search) and
   **privacy amplification** (multiply the key by a random binary matrix, mod 2 — a
   universal hash family) turn the raw key into a shorter, identical, secret one.

An *intercept-resend* eavesdropper (Eve) measures a fraction of the qubits in her own
random basis and resends what she saw; in the sifted key she causes errors in a quarter
of the rounds she touched (QBER ≈ 25 % when she intercepts everything).

Simulation: every distinct round circuit (bit, bases, channel error) runs **once** with as
many shots as rounds use it (shots are independent), so thousands of rounds cost a
handful of PUBs. The default sampler is :class:`qmlwidgets.Sampler` (seeded); any
``BaseSamplerV2`` works, e.g. ``StatevectorSampler(seed=...)``.

Example::

    >>> from qmlcourse import qkd
    >>> run = qkd.simulate_bb84(400, seed=1)
    >>> run.n_sifted > 150, run.qber
    (True, 0.0)
    >>> spy = qkd.simulate_bb84(2000, eve=1.0, seed=1)
    >>> 0.2 < spy.qber < 0.3
    True
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from qmlwidgets.validate import probability as _prob

__all__ = [
    "BASIS_NAMES",
    "STATE_LABELS",
    "bb84_circuit",
    "BB84Result",
    "simulate_bb84",
    "sift",
    "error_rate",
    "QBEREstimate",
    "estimate_qber",
    "binary_entropy",
    "key_rate",
    "CorrectionResult",
    "cascade_lite",
    "hash_matrix",
    "privacy_amplification",
    "final_key_length",
    "ProtocolSummary",
    "run_protocol",
]

#: basis 0 is Z (rectilinear, "+"), basis 1 is X (diagonal, "×")
BASIS_NAMES = ("Z", "X")
#: the state Alice sends for (basis, bit)
STATE_LABELS = {(0, 0): "|0⟩", (0, 1): "|1⟩", (1, 0): "|+⟩", (1, 1): "|−⟩"}
_PAULIS = ("i", "x", "y", "z")


# ----------------------------------------------------------------------------- checks
def _bits(a: Any, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of 0/1 values, got shape {arr.shape}")
    if arr.size and not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must contain only 0 and 1")
    return arr.astype(np.uint8)



def _int(value: Any, name: str, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo or (
            hi is not None and value > hi):
        span = f">= {lo}" if hi is None else f"in {lo}..{hi}"
        raise ValueError(f"{name} must be an integer {span}, got {value!r}")
    return int(value)


# ----------------------------------------------------------------------------- circuits
def bb84_circuit(bit: int, basis: int, bob_basis: int | None = None, *,
                 eve_basis: int | None = None, channel_error: str = "i") -> Any:
    """The circuit of one round: Alice prepares, (Eve measures and resends), Bob measures.

    Alice: ``X`` if ``bit`` is 1, then ``H`` if ``basis`` is 1 (X basis). Eve (optional)
    rotates into her basis, measures into clbit ``eve``, and rotates back — that *is*
    resending the state she saw. ``channel_error`` (``"i"``, ``"x"``, ``"y"``, ``"z"``)
    is a Pauli error on the way. Bob: ``H`` if ``bob_basis`` is 1, then measures (clbit
    ``bob``). Without ``bob_basis`` only Alice's preparation is returned.

    >>> dict(bb84_circuit(1, 1, 1).count_ops())
    {'h': 2, 'x': 1, 'barrier': 1, 'measure': 1}
    """
    from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister

    bit, basis = _int(bit, "bit", 0, 1), _int(basis, "basis", 0, 1)
    if channel_error not in _PAULIS:
        raise ValueError(f"channel_error must be one of {_PAULIS}, got {channel_error!r}")
    q = QuantumRegister(1, "q")
    regs = [q]
    if eve_basis is not None:
        regs.append(ClassicalRegister(1, "eve"))
    if bob_basis is not None:
        regs.append(ClassicalRegister(1, "bob"))
    qc = QuantumCircuit(*regs)
    if bit:
        qc.x(0)
    if basis:
        qc.h(0)
    if eve_basis is not None:
        e = _int(eve_basis, "eve_basis", 0, 1)
        qc.barrier()
        if e:
            qc.h(0)
        qc.measure(0, qc.cregs[0][0])
        if e:
            qc.h(0)
    if channel_error != "i":
        getattr(qc, channel_error)(0)
    if bob_basis is not None:
        b = _int(bob_basis, "bob_basis", 0, 1)
        qc.barrier()
        if b:
            qc.h(0)
        qc.measure(0, qc.cregs[-1][0])
    return qc


def _measure_rounds(keys: np.ndarray, build: Any, sampler: Any) -> np.ndarray:
    """Bits for every round: each distinct key's circuit runs once, shots = its rounds."""
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    pubs, groups = [], []
    for u, key in enumerate(uniq):
        idx = np.flatnonzero(inverse == u)
        pubs.append((build(*key.tolist()), None, int(idx.size)))
        groups.append(idx)
    result = sampler.run(pubs).result()
    out = np.zeros(keys.shape[0], dtype=np.uint8)
    for res, idx in zip(result, groups, strict=True):
        reg = next(iter(res.data.values()))
        out[idx] = np.array([int(s, 2) for s in reg.get_bitstrings()], dtype=np.uint8)
    return out


def _alice_to_eve(bit: int, basis: int, eve_basis: int) -> Any:
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(1, 1)
    if bit:
        qc.x(0)
    if basis:
        qc.h(0)
    if eve_basis:
        qc.h(0)
    qc.measure(0, 0)
    return qc


def _to_bob(bit: int, basis: int, error: int, bob_basis: int) -> Any:
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(1, 1)
    if bit:
        qc.x(0)
    if basis:
        qc.h(0)
    if error:
        getattr(qc, _PAULIS[error])(0)
    if bob_basis:
        qc.h(0)
    qc.measure(0, 0)
    return qc


# ----------------------------------------------------------------------------- the quantum part
@dataclass(repr=False)
class BB84Result:
    """All the random choices and outcomes of a BB84 run (one entry per round)."""

    alice_bits: np.ndarray
    alice_bases: np.ndarray
    bob_bases: np.ndarray
    bob_bits: np.ndarray
    intercepted: np.ndarray
    eve_bases: np.ndarray
    eve_bits: np.ndarray
    channel_errors: np.ndarray
    seed: int | None = None

    @property
    def n_rounds(self) -> int:
        return int(self.alice_bits.size)

    @property
    def sift_mask(self) -> np.ndarray:
        """Rounds where Alice's and Bob's bases agree."""
        return sift(self.alice_bases, self.bob_bases)

    @property
    def alice_key(self) -> np.ndarray:
        """Alice's sifted key."""
        return self.alice_bits[self.sift_mask]

    @property
    def bob_key(self) -> np.ndarray:
        """Bob's sifted key."""
        return self.bob_bits[self.sift_mask]

    @property
    def n_sifted(self) -> int:
        return int(self.sift_mask.sum())

    @property
    def qber(self) -> float:
        """True error rate of the whole sifted key (a simulation can look; Alice and Bob
        can only *estimate* it, see :func:`estimate_qber`)."""
        return error_rate(self.alice_key, self.bob_key)

    def table(self, rounds: int = 12) -> str:
        """The first ``rounds`` rounds as a text table."""
        rounds = min(_int(rounds, "rounds", 1), self.n_rounds)
        eve = bool(self.intercepted.any())
        head = ["round", "Alice bit", "Alice basis", "sent"]
        if eve:
            head += ["Eve basis", "Eve bit"]
        head += ["Bob basis", "Bob bit", "kept", "agree"]
        rows = [head]
        for i in range(rounds):
            a, ab = int(self.alice_bits[i]), int(self.alice_bases[i])
            row = [str(i), str(a), BASIS_NAMES[ab], STATE_LABELS[(ab, a)]]
            if eve:
                if self.intercepted[i]:
                    row += [BASIS_NAMES[int(self.eve_bases[i])], str(int(self.eve_bits[i]))]
                else:
                    row += ["-", "-"]
            kept = bool(self.alice_bases[i] == self.bob_bases[i])
            agree = "yes" if self.alice_bits[i] == self.bob_bits[i] else "NO"
            row += [BASIS_NAMES[int(self.bob_bases[i])], str(int(self.bob_bits[i])),
                    "yes" if kept else "-", agree if kept else ""]
            rows.append(row)
        widths = [max(len(r[j]) for r in rows) for j in range(len(head))]
        return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)

    def __repr__(self) -> str:
        eve = f", intercepted={int(self.intercepted.sum())}" if self.intercepted.any() else ""
        return (f"BB84Result(rounds={self.n_rounds}, sifted={self.n_sifted}, "
                f"qber={self.qber:.4f}{eve})")


def simulate_bb84(n_rounds: int = 256, *, eve: float = 0.0, channel_noise: float = 0.0,
                  seed: int | None = 0, sampler: Any = None) -> BB84Result:
    """Simulate the quantum part of BB84 (preparation, transmission, measurement).

    ``eve`` — fraction of rounds Eve intercepts (measure in a random basis, resend);
    ``channel_noise`` — probability of a random Pauli error (X, Y or Z) on the way, which
    alone gives a QBER of about ``2/3 · channel_noise``. All random choices come from
    ``np.random.default_rng(seed)``; the default sampler is ``qmlwidgets.Sampler(seed=seed)``.
    """
    n = _int(n_rounds, "n_rounds", 1, 1_000_000)
    f = _prob(eve, "eve (fraction of intercepted rounds)")
    p = _prob(channel_noise, "channel_noise")
    rng = np.random.default_rng(seed)
    if sampler is None:
        from qmlwidgets.engine import Sampler

        sampler = Sampler(seed=seed)
    a_bits = rng.integers(0, 2, n).astype(np.uint8)
    a_bases = rng.integers(0, 2, n).astype(np.uint8)
    b_bases = rng.integers(0, 2, n).astype(np.uint8)
    intercepted = rng.random(n) < f
    e_bases = np.where(intercepted, rng.integers(0, 2, n), 0).astype(np.uint8)
    errors = np.where(rng.random(n) < p, rng.integers(1, 4, n), 0).astype(np.uint8)
    e_bits = np.zeros(n, dtype=np.uint8)
    if intercepted.any():
        idx = np.flatnonzero(intercepted)
        keys = np.column_stack([a_bits[idx], a_bases[idx], e_bases[idx]])
        e_bits[idx] = _measure_rounds(keys, _alice_to_eve, sampler)
    # what travels to Bob: Alice's state, or Eve's re-prepared one
    sent_bits = np.where(intercepted, e_bits, a_bits)
    sent_bases = np.where(intercepted, e_bases, a_bases)
    keys = np.column_stack([sent_bits, sent_bases, errors, b_bases])
    b_bits = _measure_rounds(keys, _to_bob, sampler)
    return BB84Result(a_bits, a_bases, b_bases, b_bits, intercepted, e_bases, e_bits, errors,
                      seed)


def sift(alice_bases: Sequence[int], bob_bases: Sequence[int]) -> np.ndarray:
    """Boolean mask of the rounds where the bases agree (they are announced publicly).

    >>> sift([0, 1, 1, 0], [0, 0, 1, 1]).tolist()
    [True, False, True, False]
    """
    a, b = _bits(alice_bases, "alice_bases"), _bits(bob_bases, "bob_bases")
    if a.size != b.size:
        raise ValueError(f"alice_bases has {a.size} entries but bob_bases has {b.size}")
    return a == b


def error_rate(a: Sequence[int], b: Sequence[int]) -> float:
    """Fraction of positions where two bit strings differ (0.0 for empty strings).

    >>> error_rate([0, 1, 1, 0], [0, 1, 0, 0])
    0.25
    """
    x, y = _bits(a, "a"), _bits(b, "b")
    if x.size != y.size:
        raise ValueError(f"the keys have different lengths: {x.size} and {y.size}")
    return float(np.mean(x != y)) if x.size else 0.0


@dataclass(repr=False)
class QBEREstimate:
    """QBER measured on a revealed sample, and the unrevealed rest of both keys."""

    qber: float
    sample: np.ndarray
    alice_rest: np.ndarray
    bob_rest: np.ndarray

    @property
    def sample_size(self) -> int:
        return int(self.sample.size)

    def standard_error(self) -> float:
        """Binomial standard error ``sqrt(Q (1 - Q) / m)`` of the estimate."""
        m = max(self.sample_size, 1)
        return math.sqrt(self.qber * (1 - self.qber) / m)

    def __repr__(self) -> str:
        return (f"QBEREstimate(qber={self.qber:.4f}, sample={self.sample_size}, "
                f"kept={self.alice_rest.size})")


def estimate_qber(alice_key: Sequence[int], bob_key: Sequence[int], *,
                  sample_fraction: float = 0.25, seed: int | None = 0) -> QBEREstimate:
    """Reveal a random ``sample_fraction`` of the sifted key, count errors there, and
    throw the revealed bits away (Eve heard them too)."""
    a, b = _bits(alice_key, "alice_key"), _bits(bob_key, "bob_key")
    if a.size != b.size:
        raise ValueError(f"the keys have different lengths: {a.size} and {b.size}")
    frac = _prob(sample_fraction, "sample_fraction")
    m = int(round(frac * a.size))
    if a.size and m == 0:
        m = 1
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(a.size, m, replace=False)) if a.size else np.zeros(0, int)
    keep = np.ones(a.size, bool)
    keep[sample] = False
    q = error_rate(a[sample], b[sample]) if m else 0.0
    return QBEREstimate(q, sample, a[keep], b[keep])


def binary_entropy(p: Any) -> Any:
    """``h(p) = −p log₂ p − (1−p) log₂(1−p)`` (0 at p = 0 and 1); works on arrays.

    >>> round(float(binary_entropy(0.11)), 4)
    0.4999
    """
    q = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -q * np.log2(q) - (1 - q) * np.log2(1 - q)
    h = np.where((q == 0) | (q == 1), 0.0, h)
    return float(h) if np.ndim(h) == 0 else h


def key_rate(qber: Any) -> Any:
    """Asymptotic secret bits per sifted bit, ``max(0, 1 − 2 h(Q))`` (Shor–Preskill):
    one ``h(Q)`` pays for error correction, one for what Eve may know. Zero above ≈ 11 %."""
    r = np.maximum(0.0, 1.0 - 2.0 * np.asarray(binary_entropy(qber)))
    return float(r) if np.ndim(r) == 0 else r


# ----------------------------------------------------------------------------- classical post-processing
@dataclass(repr=False)
class CorrectionResult:
    """Bob's corrected key and what the public discussion cost."""

    bob_key: np.ndarray
    leaked_bits: int
    corrected: int
    residual_errors: int
    passes: int

    def __repr__(self) -> str:
        return (f"CorrectionResult(corrected={self.corrected}, leaked_bits={self.leaked_bits}, "
                f"residual_errors={self.residual_errors})")


def cascade_lite(alice_key: Sequence[int], bob_key: Sequence[int], *, block_size: int = 8,
                 passes: int = 4, seed: int | None = 0) -> CorrectionResult:
    """Toy error correction by public parities (the first idea of *Cascade*).

    Each pass shuffles the positions (seeded, the same for Alice and Bob), cuts them into
    blocks, and compares block parities. A block whose parities differ holds an odd number
    of errors; a binary search on half-block parities finds and flips one. Block size
    doubles every pass. Every announced parity is one bit Eve learns (``leaked_bits``).
    Errors can survive (even numbers per block); ``residual_errors`` counts them (a
    simulation can look — real protocols compare a hash to check).
    """
    a, b = _bits(alice_key, "alice_key"), _bits(bob_key, "bob_key").copy()
    if a.size != b.size:
        raise ValueError(f"the keys have different lengths: {a.size} and {b.size}")
    k = _int(block_size, "block_size", 1)
    passes = _int(passes, "passes", 1, 64)
    rng = np.random.default_rng(seed)
    leaked = corrected = 0
    n = a.size
    for pass_no in range(passes):
        order = np.arange(n) if pass_no == 0 else rng.permutation(n)
        size = k * 2 ** pass_no
        for start in range(0, n, size):
            block = order[start:start + size]
            leaked += 1
            if int(a[block].sum() % 2) == int(b[block].sum() % 2):
                continue
            while block.size > 1:
                half = block[: block.size // 2]
                leaked += 1
                if int(a[half].sum() % 2) != int(b[half].sum() % 2):
                    block = half
                else:
                    block = block[block.size // 2:]
            b[block[0]] ^= 1
            corrected += 1
    return CorrectionResult(b, leaked, corrected, int(np.sum(a != b)), passes)


def hash_matrix(out_length: int, n: int, *, seed: int | None = 0) -> np.ndarray:
    """A random binary matrix ``(out_length, n)``: the public seed of a universal hash.

    For two different keys, the chance that they hash to the same output is ``2^-out_length``;
    the output of a key Eve only partly knows is (nearly) uniform to her.
    """
    m = _int(out_length, "out_length", 0)
    n = _int(n, "n", 1)
    if m > n:
        raise ValueError(f"out_length ({m}) cannot exceed the key length ({n}): hashing "
                         "shortens keys")
    return np.random.default_rng(seed).integers(0, 2, (m, n)).astype(np.uint8)


def privacy_amplification(key: Sequence[int], out_length: int, *, seed: int | None = 0
                          ) -> np.ndarray:
    """Compress ``key`` to ``out_length`` bits: ``M · key mod 2`` with ``M`` from
    :func:`hash_matrix` (Alice and Bob use the same public ``seed``).

    >>> privacy_amplification([1, 0, 1, 1, 0, 1], 3, seed=5).tolist()
    [1, 0, 1]
    """
    k = _bits(key, "key")
    M = hash_matrix(out_length, max(k.size, 1), seed=seed)
    return ((M.astype(np.int64) @ k.astype(np.int64)) % 2).astype(np.uint8)


def final_key_length(n: int, qber: float, leaked_bits: int, *, margin: int = 10) -> int:
    """How many secret bits to keep after privacy amplification (toy, asymptotic bound):
    ``n (1 − h(Q)) − leaked_bits − margin``, at least 0.

    ``n h(Q)`` bounds what Eve learned from the qubits (in BB84 her information grows with
    the errors she causes), ``leaked_bits`` is what error correction announced, ``margin``
    a safety allowance for finite sizes.

    >>> final_key_length(1000, 0.0, 0)
    990
    >>> final_key_length(1000, 0.25, 300)
    0
    """
    n = _int(n, "n", 0)
    q = _prob(qber, "qber")
    leaked = _int(leaked_bits, "leaked_bits", 0)
    margin = _int(margin, "margin", 0)
    return max(0, int(math.floor(n * (1.0 - binary_entropy(q)) - leaked - margin)))


@dataclass(repr=False)
class ProtocolSummary:
    """Every stage's numbers for one end-to-end BB84 run."""

    rounds: int
    sifted: int
    qber_estimate: float
    qber_true: float
    kept_after_sample: int
    leaked_bits: int
    residual_errors: int
    final_length: int
    keys_match: bool
    alice_final: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    bob_final: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    aborted: bool = False

    def lines(self) -> list[str]:
        out = [f"rounds sent           {self.rounds}",
               f"sifted key            {self.sifted}",
               f"QBER (sample)         {self.qber_estimate:.3f}",
               f"kept after sampling   {self.kept_after_sample}"]
        if self.aborted:
            out.append("ABORT: the QBER is above the threshold — no key")
            return out
        out += [f"parities announced    {self.leaked_bits}",
                f"errors left           {self.residual_errors}",
                f"final key length      {self.final_length}",
                f"keys identical        {self.keys_match}"]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return (f"ProtocolSummary(sifted={self.sifted}, qber_estimate={self.qber_estimate:.4f}, "
                f"final_length={self.final_length}, aborted={self.aborted})")


def run_protocol(n_rounds: int = 2000, *, eve: float = 0.0, channel_noise: float = 0.0,
                 sample_fraction: float = 0.25, abort_above: float = 0.11, block_size: int = 8,
                 passes: int = 4, margin: int = 10, seed: int | None = 0,
                 sampler: Any = None) -> ProtocolSummary:
    """BB84 end to end: simulate, sift, estimate the QBER (abort above ``abort_above``),
    correct errors with :func:`cascade_lite`, and hash to :func:`final_key_length` bits."""
    run = simulate_bb84(n_rounds, eve=eve, channel_noise=channel_noise, seed=seed,
                        sampler=sampler)
    s = None if seed is None else seed + 1
    est = estimate_qber(run.alice_key, run.bob_key, sample_fraction=sample_fraction, seed=s)
    base = dict(rounds=run.n_rounds, sifted=run.n_sifted, qber_estimate=est.qber,
                qber_true=run.qber, kept_after_sample=int(est.alice_rest.size))
    if est.qber > abort_above or est.alice_rest.size == 0:
        return ProtocolSummary(**base, leaked_bits=0, residual_errors=0, final_length=0,
                               keys_match=False, aborted=True)
    ec = cascade_lite(est.alice_rest, est.bob_rest, block_size=block_size, passes=passes,
                      seed=s)
    length = final_key_length(est.alice_rest.size, est.qber, ec.leaked_bits, margin=margin)
    ka = privacy_amplification(est.alice_rest, length, seed=s)
    kb = privacy_amplification(ec.bob_key, length, seed=s)
    return ProtocolSummary(**base, leaked_bits=ec.leaked_bits,
                           residual_errors=ec.residual_errors, final_length=length,
                           keys_match=bool(np.array_equal(ka, kb)), alice_final=ka,
                           bob_final=kb)
