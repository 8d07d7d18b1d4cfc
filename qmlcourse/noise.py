"""Noise and hardware: qiskit-aer noise models, readout-error mitigation, transpile costs.

Three parts, all seeded and small:

* **Noise models** (qiskit-aer, imported only when used): :func:`make_noise_model`
  combines depolarising gate errors, thermal relaxation (T1/T2 during each gate) and
  readout errors; :func:`depolarizing_noise_model`, :func:`thermal_noise_model` and
  :func:`readout_noise_model` are one-ingredient shortcuts. :func:`noisy_estimator` /
  :func:`noisy_sampler` wrap them (or a fake backend's noise) in qiskit-aer's primitives V2
  — drop-ins for ``StatevectorEstimator`` / ``StatevectorSampler``.
* **Readout mitigation**: :func:`calibration_circuits` prepare every basis state,
  :func:`calibration_matrix` turns their counts into ``A[i, j] = P(read i | prepared j)``,
  :func:`mitigate` applies ``A⁻¹`` (then clips to a probability vector).
  :func:`readout_matrix` gives the exact ``A`` of independent per-qubit flips.
* **Hardware cost**: :func:`fake_backend` builds a ``GenericBackendV2`` for a named
  topology (``"linear"``, ``"heavy-hex"``, ``"falcon"``, ``"grid"``, ``"all-to-all"``) with that
  platform's basis gates; :func:`transpile_cost` / :func:`transpile_table` transpile one
  circuit for several targets (seeded) and count depth and two-qubit gates.

Example::

    >>> from qiskit import QuantumCircuit
    >>> from qmlcourse import noise
    >>> qc = QuantumCircuit(3); _ = qc.h(0); _ = qc.cx(0, 1); _ = qc.cx(0, 2)
    >>> table = noise.transpile_table(qc, ["linear", "all-to-all"], seed_transpiler=7)
    >>> [(row.target, row.two_qubit_gates) for row in table]
    [('logical', 2), ('linear', 2), ('all-to-all', 2)]
    >>> noise.readout_matrix(0.02, 0.05).round(2).tolist()
    [[0.98, 0.05], [0.02, 0.95]]
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
from qmlwidgets.validate import probability as _prob, positive as _positive

__all__ = [
    "ONE_QUBIT_GATES",
    "TWO_QUBIT_GATES",
    "GATE_TIMES",
    "TOPOLOGIES",
    "make_noise_model",
    "depolarizing_noise_model",
    "thermal_noise_model",
    "readout_noise_model",
    "describe_noise_model",
    "noisy_estimator",
    "noisy_sampler",
    "readout_matrix",
    "calibration_circuits",
    "calibration_matrix",
    "mitigate",
    "counts_to_probabilities",
    "fake_backend",
    "two_qubit_gate_count",
    "TranspileCost",
    "CostTable",
    "transpile_cost",
    "transpile_table",
]

#: gate names that get the one-qubit error (every name Qiskit's standard gates use)
ONE_QUBIT_GATES = ("id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz",
                   "p", "u", "r")
#: gate names that get the two-qubit error
TWO_QUBIT_GATES = ("cx", "cz", "ecr", "cy", "swap", "rxx", "rzz")
#: typical superconducting durations in microseconds (one-qubit gate, two-qubit gate, readout)
GATE_TIMES = {"one_qubit": 0.05, "two_qubit": 0.3, "measure": 1.0}


# ----------------------------------------------------------------------------- checks


def _int(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be an integer in {lo}..{hi}, got {value!r}")
    return int(value)


# ----------------------------------------------------------------------------- noise models
def make_noise_model(*, p1: float = 0.0, p2: float = 0.0,
                     readout: tuple[float, float] | None = None,
                     t1: float | None = None, t2: float | None = None,
                     gate_times: Mapping[str, float] | None = None,
                     one_qubit_gates: Sequence[str] = ONE_QUBIT_GATES,
                     two_qubit_gates: Sequence[str] = TWO_QUBIT_GATES) -> Any:
    """A qiskit-aer ``NoiseModel`` with the same errors on every qubit.

    * ``p1`` / ``p2``: depolarising probability after each one- / two-qubit gate (Qiskit's
      convention: with probability ``p`` the qubits are replaced by the maximally mixed
      state, so a Bloch vector shrinks by ``1 - p``).
    * ``t1``, ``t2`` (µs, ``t2 ≤ 2 t1``): thermal relaxation during each gate and before
      each readout, for the durations in ``gate_times`` (default :data:`GATE_TIMES`).
    * ``readout = (p1_given_0, p0_given_1)``: probability of reading 1 when the qubit is 0,
      and 0 when it is 1.

    >>> nm = make_noise_model(p1=0.001, p2=0.02, readout=(0.02, 0.05))
    >>> describe_noise_model(nm)["two-qubit gates"][:3]
    ['cx', 'cy', 'cz']
    """
    from qiskit_aer.noise import (NoiseModel, ReadoutError, depolarizing_error,
                                  thermal_relaxation_error)

    p1 = _prob(p1, "p1")
    p2 = _prob(p2, "p2")
    times = dict(GATE_TIMES)
    times.update(gate_times or {})
    thermal = t1 is not None or t2 is not None
    if thermal:
        if t1 is None or t2 is None:
            raise ValueError("give both t1 and t2 (in microseconds) for thermal relaxation")
        t1, t2 = _positive(t1, "t1"), _positive(t2, "t2")
        if t2 > 2 * t1:
            raise ValueError(f"t2 must be at most 2·t1 (physics: T2 ≤ 2 T1), got t1={t1:g}, "
                             f"t2={t2:g}")
        for key in ("one_qubit", "two_qubit", "measure"):
            times[key] = _positive(times[key], f"gate_times[{key!r}]")
    nm = NoiseModel()
    err1 = depolarizing_error(p1, 1) if p1 > 0 else None
    err2 = depolarizing_error(p2, 2) if p2 > 0 else None
    if thermal:
        r1 = thermal_relaxation_error(t1, t2, times["one_qubit"])
        r2 = thermal_relaxation_error(t1, t2, times["two_qubit"])
        err1 = r1 if err1 is None else err1.compose(r1)
        err2 = r2.expand(r2) if err2 is None else err2.compose(r2.expand(r2))
        rm = thermal_relaxation_error(t1, t2, times["measure"])
        nm.add_all_qubit_quantum_error(rm, ["measure"])
    if err1 is not None and one_qubit_gates:
        nm.add_all_qubit_quantum_error(err1, list(one_qubit_gates))
    if err2 is not None and two_qubit_gates:
        nm.add_all_qubit_quantum_error(err2, list(two_qubit_gates))
    if readout is not None:
        try:
            a, b = readout
        except (TypeError, ValueError):
            raise ValueError("readout must be a pair (p1_given_0, p0_given_1), e.g. (0.02, 0.05)"
                             ) from None
        a, b = _prob(a, "readout p1_given_0"), _prob(b, "readout p0_given_1")
        if a > 0 or b > 0:
            nm.add_all_qubit_readout_error(ReadoutError([[1 - a, a], [b, 1 - b]]))
    return nm


def depolarizing_noise_model(p1: float = 0.001, p2: float = 0.01) -> Any:
    """Only depolarising gate errors (see :func:`make_noise_model`)."""
    return make_noise_model(p1=p1, p2=p2)


def thermal_noise_model(t1: float = 100.0, t2: float = 80.0,
                        gate_times: Mapping[str, float] | None = None) -> Any:
    """Only thermal relaxation (T1, T2 in µs) during gates and readout."""
    return make_noise_model(t1=t1, t2=t2, gate_times=gate_times)


def readout_noise_model(p1_given_0: float = 0.02, p0_given_1: float = 0.05) -> Any:
    """Only readout errors: 0 read as 1 with ``p1_given_0``, 1 read as 0 with ``p0_given_1``."""
    return make_noise_model(readout=(p1_given_0, p0_given_1))


def describe_noise_model(noise_model: Any) -> dict[str, list[str]]:
    """A stable, sorted summary of which instructions carry errors.

    (``print(noise_model)`` lists them in set order, which changes from run to run.)
    """
    noisy = set(noise_model.noise_instructions)
    one = sorted(noisy & set(ONE_QUBIT_GATES))
    two = sorted(noisy & set(TWO_QUBIT_GATES))
    other = sorted(noisy - set(ONE_QUBIT_GATES) - set(TWO_QUBIT_GATES) - {"measure"})
    out = {"one-qubit gates": one, "two-qubit gates": two,
           "readout": ["measure"] if "measure" in noisy else []}
    if other:
        out["other"] = other
    return out


def _aer_options(noise_model: Any, backend: Any, seed: int | None, method: str) -> dict:
    opts: dict[str, Any] = {"method": method}
    if noise_model is not None and backend is not None:
        raise ValueError("give either a noise_model or a backend, not both")
    if backend is not None:
        from qiskit_aer.noise import NoiseModel

        noise_model = NoiseModel.from_backend(backend)
    if noise_model is not None:
        opts["noise_model"] = noise_model
    if seed is not None:
        opts["seed_simulator"] = int(seed)
    return opts


def noisy_estimator(noise_model: Any = None, *, backend: Any = None, seed: int | None = 0,
                    precision: float = 0.0) -> Any:
    """qiskit-aer's ``EstimatorV2`` with a noise model (or a fake backend's noise).

    Density-matrix simulation, so ``precision=0`` gives the *exact* noisy expectation values
    (readout errors do not enter: Aer's estimator reads the state, it does not measure).
    Circuits must use gates that carry errors: transpile to the backend first when using
    ``backend`` (``generate_preset_pass_manager(backend=..., seed_transpiler=...)``).
    """
    from qiskit_aer.primitives import EstimatorV2

    opts = _aer_options(noise_model, backend, seed, "density_matrix")
    run = {} if seed is None else {"seed_simulator": int(seed)}
    return EstimatorV2(options={"default_precision": float(precision), "backend_options": opts,
                                "run_options": run})


def noisy_sampler(noise_model: Any = None, *, backend: Any = None, seed: int | None = 0,
                  shots: int = 1024) -> Any:
    """qiskit-aer's ``SamplerV2`` (seeded) with a noise model or a fake backend's noise."""
    from qiskit_aer.primitives import SamplerV2

    shots = _int(shots, "shots", 1, 10**7)
    opts = _aer_options(noise_model, backend, None, "automatic")
    return SamplerV2(default_shots=shots, seed=seed, options={"backend_options": opts})


# ----------------------------------------------------------------------------- readout mitigation
def readout_matrix(p1_given_0: float, p0_given_1: float, num_qubits: int = 1) -> np.ndarray:
    """Calibration matrix of independent, identical readout flips on ``num_qubits`` qubits.

    ``A[i, j] = P(read i | prepared j)`` in Qiskit order (qubit 0 is the lowest bit), so
    every **column** sums to 1 and ``noisy = A @ ideal``.

    >>> readout_matrix(0.1, 0.2).tolist()
    [[0.9, 0.2], [0.1, 0.8]]
    """
    a, b = _prob(p1_given_0, "p1_given_0"), _prob(p0_given_1, "p0_given_1")
    n = _int(num_qubits, "num_qubits", 1, 10)
    one = np.array([[1 - a, b], [a, 1 - b]])
    A = np.ones((1, 1))
    for _ in range(n):
        A = np.kron(one, A)
    return A


def calibration_circuits(num_qubits: int) -> list:
    """One circuit per basis state ``|j⟩`` (Qiskit order): prepare it with X gates, measure.

    >>> [qc.count_ops().get("x", 0) for qc in calibration_circuits(2)]
    [0, 1, 1, 2]
    """
    from qiskit import QuantumCircuit

    n = _int(num_qubits, "num_qubits", 1, 6)
    out = []
    for j in range(2 ** n):
        qc = QuantumCircuit(n, name=f"cal_{j:0{n}b}")
        for q in range(n):
            if (j >> q) & 1:
                qc.x(q)
        qc.measure_all()
        out.append(qc)
    return out


def counts_to_probabilities(counts: Mapping[str, int] | Sequence[int] | np.ndarray,
                            num_qubits: int | None = None) -> np.ndarray:
    """Frequencies ``(2**n,)`` in Qiskit order from a counts dict (``'10'`` is index 2)."""
    from qmlcourse.viz import counts_to_frequencies

    return counts_to_frequencies(counts, num_qubits)


def calibration_matrix(counts: Sequence[Mapping[str, int]], num_qubits: int | None = None
                       ) -> np.ndarray:
    """``A[i, j] = P(read i | prepared j)`` from the counts of :func:`calibration_circuits`
    (list in the same order): column ``j`` is the normalised histogram of circuit ``j``.

    >>> calibration_matrix([{"0": 90, "1": 10}, {"0": 20, "1": 80}]).tolist()
    [[0.9, 0.2], [0.1, 0.8]]
    """
    counts = list(counts)
    m = len(counts)
    n = int(round(math.log2(m))) if m else 0
    if m < 2 or 2 ** n != m:
        raise ValueError(f"give one counts dict per basis state (2, 4, 8, ... of them), got {m}")
    if num_qubits is not None and num_qubits != n:
        raise ValueError(f"{m} counts dicts means {n} qubits, not num_qubits={num_qubits}")
    return np.column_stack([counts_to_probabilities(c, n) for c in counts])


def mitigate(noisy: Any, A: Any, *, clip: bool = True) -> np.ndarray:
    """Undo readout errors: solve ``A p = noisy`` for ``p`` (the ideal distribution).

    ``noisy`` is a probability vector or a counts dict. The raw solution can have small
    negative entries (shot noise); with ``clip`` they are set to 0 and the vector is
    renormalised.

    >>> A = readout_matrix(0.1, 0.2)
    >>> mitigate(A @ np.array([0.5, 0.5]), A).round(6).tolist()
    [0.5, 0.5]
    """
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square calibration matrix, got shape {A.shape}")
    if not np.allclose(A.sum(axis=0), 1.0, atol=1e-6):
        raise ValueError("the columns of A must sum to 1 (A[i, j] = P(read i | prepared j)); "
                         "did you pass its transpose?")
    n = int(round(math.log2(A.shape[0])))
    if isinstance(noisy, Mapping):
        p = counts_to_probabilities(noisy, n)
    else:
        p = np.asarray(noisy, dtype=float).reshape(-1)
        if p.size != A.shape[0]:
            raise ValueError(f"noisy has {p.size} entries but A is {A.shape[0]}×{A.shape[0]}")
    x = np.linalg.solve(A, p)
    if clip:
        x = np.clip(x, 0.0, None)
        s = x.sum()
        x = x / s if s > 0 else np.full_like(x, 1.0 / x.size)
    return x


# ----------------------------------------------------------------------------- hardware cost
@dataclass(frozen=True)
class _Topology:
    description: str
    basis_gates: tuple[str, ...]


#: named targets: coupling map builder + native gates of that kind of device
TOPOLOGIES: dict[str, _Topology] = {
    "linear": _Topology("superconducting chain (nearest neighbours only)",
                        ("cz", "rz", "sx", "x")),
    "heavy-hex": _Topology("IBM-style heavy-hex lattice", ("ecr", "rz", "sx", "x")),
    "falcon": _Topology("IBM Falcon, 7 qubits: an H-shaped piece of heavy-hex",
                        ("ecr", "rz", "sx", "x")),
    "grid": _Topology("square grid (Google-style)", ("cz", "rz", "sx", "x")),
    "all-to-all": _Topology("trapped ions: every pair coupled",
                            ("rxx", "rz", "ry", "rx")),
}


def _coupling(topology: str, n: int) -> Any:
    from qiskit.transpiler import CouplingMap

    if topology == "linear":
        return CouplingMap.from_line(n)
    if topology == "all-to-all":
        return CouplingMap.from_full(n)
    if topology == "grid":
        side = max(2, math.ceil(math.sqrt(n)))
        return CouplingMap.from_grid(side, side)
    if topology == "falcon":
        if n > 7:
            raise ValueError(f"the falcon topology has 7 qubits, but {n} are needed; use "
                             "'heavy-hex'")
        return CouplingMap([list(e) for a, b in _FALCON_7_EDGES for e in ((a, b), (b, a))])
    d = 3
    while CouplingMap.from_heavy_hex(d).size() < n:
        d += 2
    return CouplingMap.from_heavy_hex(d)


# IBM's 7-qubit Falcon chips (ibm_nairobi, ibm_lagos, ibm_perth): an H-shaped piece of the
# heavy-hex lattice — a small device whose noise model is quick to build
_FALCON_7_EDGES = ((0, 1), (1, 2), (1, 3), (3, 5), (4, 5), (5, 6))


def fake_backend(topology: str = "heavy-hex", num_qubits: int = 5, *, seed: int = 11) -> Any:
    """A ``GenericBackendV2`` with a topology from :data:`TOPOLOGIES` and its native gates.

    ``num_qubits`` is the circuit size to fit: ``heavy-hex`` is the smallest
    ``CouplingMap.from_heavy_hex`` lattice with that many qubits (19, 57, … qubits),
    ``falcon`` IBM's 7-qubit H-shaped piece of it (a noise model for 7 qubits builds in a
    fraction of the time one for 19 needs), ``grid`` the smallest square. The
    backend carries seeded, realistic-looking error rates and durations (Qiskit's generic
    calibration), so ``AerSimulator.from_backend`` gives a matching noise model.

    >>> b = fake_backend("linear", 4)
    >>> b.num_qubits, sorted(b.operation_names)[:3]
    (4, ['cz', 'delay', 'measure'])
    """
    from qiskit.providers.fake_provider import GenericBackendV2

    if topology not in TOPOLOGIES:
        raise ValueError(f"topology must be one of {sorted(TOPOLOGIES)}, got {topology!r}")
    n = _int(num_qubits, "num_qubits", 2, 127)
    cmap = _coupling(topology, n)
    return GenericBackendV2(cmap.size(), basis_gates=list(TOPOLOGIES[topology].basis_gates),
                            coupling_map=cmap, seed=seed)


def two_qubit_gate_count(circuit: Any) -> int:
    """Number of two-qubit gates (barriers and other directives are not gates).

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(2); _ = qc.cx(0, 1); _ = qc.barrier(); _ = qc.cz(1, 0)
    >>> two_qubit_gate_count(qc)
    2
    """
    return sum(1 for inst in circuit.data
               if len(inst.qubits) == 2 and not getattr(inst.operation, "_directive", False))


def _two_qubit_depth(circuit: Any) -> int:
    return circuit.depth(lambda inst: len(inst.qubits) == 2
                         and not getattr(inst.operation, "_directive", False))


@dataclass(frozen=True)
class TranspileCost:
    """What one circuit costs on one target after transpiling."""

    target: str
    device_qubits: int
    depth: int
    two_qubit_gates: int
    two_qubit_depth: int
    one_qubit_gates: int
    two_qubit_gate: str


class CostTable(list):
    """A list of :class:`TranspileCost` rows that prints as an aligned text table and
    renders as an HTML table in Jupyter."""

    columns = ("target", "device_qubits", "two_qubit_gate", "two_qubit_gates",
               "two_qubit_depth", "depth", "one_qubit_gates")
    headers = ("target", "device qubits", "native 2q gate", "2q gates", "2q depth", "depth",
               "1q gates")

    def rows(self) -> list[tuple]:
        return [tuple(getattr(r, c) for c in self.columns) for r in self]

    def __str__(self) -> str:
        cells = [self.headers] + [tuple(str(v) for v in row) for row in self.rows()]
        widths = [max(len(c[i]) for c in cells) for i in range(len(self.headers))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(row, widths, strict=True))) for row in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in self.headers)
        body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>"
                       for row in self.rows())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def by_target(self) -> dict[str, TranspileCost]:
        return {r.target: r for r in self}


def transpile_cost(circuit: Any, target: str | Any = "heavy-hex", *, seed_transpiler: int = 7,
                   optimization_level: int = 1, backend_seed: int = 11,
                   return_circuit: bool = False) -> TranspileCost | tuple[TranspileCost, Any]:
    """Transpile ``circuit`` for a target and count its cost.

    ``target`` is a name from :data:`TOPOLOGIES` (a :func:`fake_backend` sized to the
    circuit) or any ``BackendV2``. Parameters may stay unbound. Measurements are kept.
    With ``return_circuit`` also returns the transpiled (ISA) circuit.
    """
    from qiskit.transpiler import generate_preset_pass_manager

    level = _int(optimization_level, "optimization_level", 0, 3)
    if isinstance(target, str):
        backend = fake_backend(target, max(circuit.num_qubits, 2), seed=backend_seed)
        name = target
    else:
        backend = target
        name = getattr(backend, "name", type(backend).__name__)
    pm = generate_preset_pass_manager(optimization_level=level, backend=backend,
                                      seed_transpiler=int(seed_transpiler))
    isa = pm.run(circuit)
    twoq = two_qubit_gate_count(isa)
    ops = isa.count_ops()
    native = sorted({inst.operation.name for inst in isa.data if len(inst.qubits) == 2
                     and not getattr(inst.operation, "_directive", False)})
    skip = {"measure", "barrier", "delay", "reset"}
    oneq = sum(v for k, v in ops.items() if k not in skip) - twoq
    cost = TranspileCost(name, int(backend.num_qubits), int(isa.depth()), int(twoq),
                         int(_two_qubit_depth(isa)), int(oneq), "/".join(native) or "-")
    return (cost, isa) if return_circuit else cost


def transpile_table(circuit: Any, targets: Iterable[str | Any] = ("linear", "heavy-hex",
                                                                   "all-to-all"),
                    *, seed_transpiler: int = 7, optimization_level: int = 1,
                    include_logical: bool = True) -> CostTable:
    """:func:`transpile_cost` for every target; with ``include_logical`` a first row
    ``"logical"`` counts the circuit as written (gates decomposed to at most two qubits,
    no connectivity constraint)."""
    table = CostTable()
    if include_logical:
        qc = circuit
        for _ in range(4):
            if all(len(i.qubits) <= 2 for i in qc.data) and not any(
                    i.operation.name in _LIBRARY_BLOCKS for i in qc.data):
                break
            qc = qc.decompose()
        ops = qc.count_ops()
        twoq = two_qubit_gate_count(qc)
        skip = {"measure", "barrier", "delay", "reset"}
        names = sorted({i.operation.name for i in qc.data if len(i.qubits) == 2
                        and not getattr(i.operation, "_directive", False)})
        table.append(TranspileCost("logical", circuit.num_qubits, int(qc.depth()), int(twoq),
                                   int(_two_qubit_depth(qc)),
                                   int(sum(v for k, v in ops.items() if k not in skip) - twoq),
                                   "/".join(names) or "-"))
    for t in targets:
        table.append(transpile_cost(circuit, t, seed_transpiler=seed_transpiler,
                                    optimization_level=optimization_level))
    return table


# circuit-library blocks that ``decompose`` should open for the logical count
_LIBRARY_BLOCKS = {"ZZFeatureMap", "PauliFeatureMap", "RealAmplitudes", "EfficientSU2",
                   "TwoLocal", "ZFeatureMap", "PauliEvolution", "PauliEvolutionGate"}
