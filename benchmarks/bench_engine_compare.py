"""The exact engine against Qiskit, qiskit-aer and PennyLane: one run, one table of ratios.

    python benchmarks/bench_engine_compare.py [--quick]

Every row runs the same inputs through each simulator that is installed and prints
milliseconds, the ratio ``their time / our time`` (> 1: we are faster) and the largest
``|ours - theirs|`` over the rows compared (exactness checked in the same run).

Rows:
  * landscape 4/8/12 q: a 64x64 grid (4096 parameter rows) of a layered circuit
    (2 x (RY, RZ on every qubit) + CX chain), <Z_0>;
  * 16/18/20 q, B=1 and B=64: the same circuit with one layer;
  * qiskit-machine-learning on the 2-qubit moons VQC (zz_feature_map + real_amplitudes,
    reps=3): ParamShiftEstimatorGradient on 40 points, EstimatorQNN forward and backward;
  * first call: a freshly built circuit (compile included), 4 and 8 qubits.

Slow references are timed on a subset of the rows and scaled to the full batch (marked
``*``): their per-row cost does not depend on the batch (StatevectorEstimator and PennyLane
lightning simulate row by row).  Optional: qiskit-aer, pennylane, pennylane-lightning,
qiskit-machine-learning (``pip install -e .[bench]``).  Timings on a shared machine: read the
ratios, which are measured back to back.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
from qiskit import QuantumCircuit
from qiskit.primitives import StatevectorEstimator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qmlwidgets.engine import Estimator  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import layered_circuit  # noqa: E402

try:
    from qiskit_aer.primitives import EstimatorV2 as AerEstimator
except ImportError:  # pragma: no cover - optional
    AerEstimator = None
try:
    import pennylane as qml
except ImportError:  # pragma: no cover - optional
    qml = None

ROWS: list[dict] = []


def layered(n: int, layers: int) -> QuantumCircuit:
    """RY/RZ layers with a CX chain after each (see bench_engine.layered_circuit)."""
    return layered_circuit(n, layers, cx_every_layer=True)


def z0(n: int) -> str:
    return "I" * (n - 1) + "Z"


def timed(fn, repeats: int):
    times, out = [], None
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def est_evs(est, qc, obs, X):
    return np.asarray(est.run([(qc, obs, X)]).result()[0].data.evs)


def pl_qnode(n: int, layers: int, device: str):
    dev = qml.device(device, wires=n)

    @qml.qnode(dev)
    def circuit(w):
        k = 0
        for _ in range(layers):
            for q in range(n):
                qml.RY(w[..., k], wires=q)
                k += 1
            for q in range(n):
                qml.RZ(w[..., k], wires=q)
                k += 1
            for q in range(n - 1):
                qml.CNOT(wires=[q, q + 1])
        return qml.expval(qml.PauliZ(0))

    return lambda X: np.asarray(circuit(np.asarray(X)), dtype=float)


def add_row(name: str, t_ours: float, ours: np.ndarray, refs: dict) -> None:
    """refs: label -> (seconds for the full batch, values or None, scaled flag)."""
    ROWS.append({"name": name, "ours": t_ours, "refs": refs, "ours_vals": ours})
    cells = [f"{name:<34}", f"{t_ours * 1e3:10.1f}"]
    for label in ("SV", "aer", "PL", "PL-lt"):
        if label not in refs or refs[label] is None:
            cells.append(f"{'—':>18}")
            continue
        t, _vals, scaled = refs[label]
        cells.append(f"{t * 1e3:10.0f}{'*' if scaled else ' '} {t / t_ours:6.1f}x")
    diffs = []
    for item in refs.values():
        if item is None or item[1] is None:
            continue
        vals = np.asarray(item[1])
        diffs.append(float(np.max(np.abs(np.ravel(ours)[: vals.size] - vals.ravel()))))
    cells.append(f"{max(diffs):9.1e}" if diffs else f"{'—':>9}")
    print(" | ".join(cells), flush=True)


def header() -> None:
    cols = ["case", "ours ms", "StatevectorEst ms  ×", "aer ms  ×", "PL default ms  ×", "PL lightning ms  ×", "max|Δ|"]
    widths = [34, 10, 18, 18, 18, 18, 9]
    print(" | ".join(f"{c:>{w}}" if i else f"{c:<{w}}" for i, (c, w) in enumerate(zip(cols, widths, strict=True))))
    print("-" * 160)


def compare_batch(name, qc, obs, X, layers, *, repeats, sv_rows, pl_rows, lt_rows) -> None:
    n = qc.num_qubits
    B = X.shape[0]
    ours_est = Estimator()
    est_evs(ours_est, qc, obs, X[:1])  # compile once (cached)
    t_ours, ours = timed(lambda: est_evs(ours_est, qc, obs, X), repeats)
    refs: dict = {}
    k = min(B, sv_rows)
    t, vals = timed(lambda: est_evs(StatevectorEstimator(), qc, obs, X[:k]), 1)
    refs["SV"] = (t * B / k, vals, k < B)
    if AerEstimator is not None:
        aer = AerEstimator()
        est_evs(aer, qc, obs, X[:1])
        t, vals = timed(lambda: est_evs(aer, qc, obs, X), 1 if n >= 12 else 3)
        refs["aer"] = (t, vals, False)
    if qml is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = pl_qnode(n, layers, "default.qubit")
            k = min(B, pl_rows)
            f(X[:1])
            t, vals = timed(lambda: f(X[:k]), 1)
            refs["PL"] = (t * B / k, vals, k < B)
            try:
                g = pl_qnode(n, layers, "lightning.qubit")
                k = min(B, lt_rows)
                g(X[:1])
                t, vals = timed(lambda: g(X[:k]), 1)
                refs["PL-lt"] = (t * B / k, vals, k < B)
            except Exception as exc:  # noqa: BLE001
                print(f"   (lightning.qubit unavailable: {exc})")
    add_row(name, t_ours, ours, refs)


def landscapes(quick: bool) -> None:
    for n in (4, 8, 12):
        qc = layered(n, 2)
        rng = np.random.default_rng(n)
        base = rng.uniform(-np.pi, np.pi, qc.num_parameters)
        d1, d2 = rng.normal(size=(2, qc.num_parameters))
        a = np.linspace(-np.pi, np.pi, 64)
        X = (base + a[:, None, None] * d1 + a[None, :, None] * d2).reshape(-1, qc.num_parameters)
        compare_batch(
            f"landscape {n} q 64x64", qc, z0(n), X, 2,
            repeats={4: 5, 8: 3, 12: 1}[n], sv_rows={4: 512, 8: 64, 12: 16}[n],
            pl_rows={4: 4096, 8: 4096, 12: 256}[n], lt_rows={4: 256, 8: 32, 12: 8}[n],
        )


def large(quick: bool) -> None:
    sizes = (16, 18) if quick else (16, 18, 20)
    for n in sizes:
        qc = layered(n, 1)
        rng = np.random.default_rng(n)
        for B in (1, 64):
            X = rng.uniform(-np.pi, np.pi, (B, qc.num_parameters))
            compare_batch(
                f"{n} q, B={B}", qc, z0(n), X, 1,
                repeats=1 if n >= 18 else 3, sv_rows=1 if n >= 18 else 2,
                pl_rows=1 if n >= 20 else 4, lt_rows=4 if n >= 20 else 8,
            )


def qiskit_ml(quick: bool) -> None:
    try:
        from qiskit_machine_learning.gradients import ParamShiftEstimatorGradient
        from qiskit_machine_learning.neural_networks import EstimatorQNN
    except ImportError:
        print("qiskit-machine-learning not installed: skipping its rows")
        return
    from qiskit.circuit.library import real_amplitudes, zz_feature_map
    from qiskit.quantum_info import SparsePauliOp
    from sklearn.datasets import make_moons

    fm, an = zz_feature_map(2), real_amplitudes(2, reps=3)
    qc = fm.compose(an)
    obs = SparsePauliOp("ZZ")
    Xd, _ = make_moons(40, noise=0.1, random_state=0)
    w = np.random.default_rng(1).uniform(-1, 1, an.num_parameters)
    vals = np.hstack([Xd, np.tile(w, (len(Xd), 1))])
    ests = {"ours": Estimator(), "SV": StatevectorEstimator()}
    if AerEstimator is not None:
        ests["aer"] = AerEstimator()

    def grad(est):
        g = ParamShiftEstimatorGradient(est)
        return np.array(g.run([qc] * len(vals), [obs] * len(vals), vals).result().gradients)

    def qnn(est):
        return EstimatorQNN(
            circuit=qc, observables=obs, input_params=list(fm.parameters), weight_params=list(an.parameters),
            estimator=est, gradient=ParamShiftEstimatorGradient(est), default_precision=0.0,
        )

    reps = 3 if quick else 5
    for label, fn in (
        ("qiskit-ML ParamShift grad (40 pts)", grad),
        ("qiskit-ML EstimatorQNN forward", lambda est: qnn(est).forward(Xd, w)),
        ("qiskit-ML EstimatorQNN backward", lambda est: qnn(est).backward(Xd, w)[1]),
    ):
        times, outs = {}, {}
        for key, est in ests.items():
            fn(est)  # warm-up (caches of qiskit-ML and ours)
            times[key], outs[key] = timed(partial(fn, est), reps if key == "ours" else max(1, reps // 2))
        refs = {k: (times[k], outs[k], False) for k in ests if k != "ours"}
        add_row(label, times["ours"], outs["ours"], refs)


def first_call(quick: bool) -> None:
    from qiskit.circuit.library import real_amplitudes, zz_feature_map

    for n in (4, 8):
        def fresh(k, n=n):
            qc = zz_feature_map(n).compose(real_amplitudes(n, reps=2))
            return qc, np.random.default_rng(k).uniform(-1, 1, qc.num_parameters)

        reps = 7 if quick else 15
        factories = {"ours": Estimator, "SV": StatevectorEstimator}
        if AerEstimator is not None:
            factories["aer"] = AerEstimator
        ts: dict = {key: [] for key in factories}
        outs = {}
        for k in range(reps + 1):  # interleaved; round 0 warms up each primitive (imports, fixed gates)
            for key, make in factories.items():
                qc, x = fresh(k)
                est = make()
                t0 = time.perf_counter()
                outs[key] = est_evs(est, qc, z0(n), x)
                if k:
                    ts[key].append(time.perf_counter() - t0)
        times = {key: statistics.median(v) for key, v in ts.items()}
        refs = {k: (times[k], outs[k], False) for k in factories if k != "ours"}
        add_row(f"first call, new circuit {n} q", times["ours"], outs["ours"], refs)


_MEMORY_PROBE = """
import sys, numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
sys.path.insert(0, {root!r})
from qmlwidgets.engine import expectation_values, gradients
n, what = {n}, {what!r}
th = ParameterVector("t", 2 * n)
qc = QuantumCircuit(n)
for q in range(n):
    qc.ry(th[q], q)
    qc.rz(th[n + q], q)
for q in range(n - 1):
    qc.cx(q, q + 1)
X = np.random.default_rng(0).uniform(-1, 1, ({rows}, qc.num_parameters))
def hwm():  # peak resident memory of this process in bytes (VmHWM restarts at exec, ru_maxrss does not)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
expectation_values(QuantumCircuit(1), "Z")  # warm up imports, not the big state
base = hwm()
fn = gradients if what == "gradient" else expectation_values
fn(qc, "I" * (n - 1) + "Z", X)
print(f"{{(hwm() - base) / (2**n * 16):.2f}}")
"""


def memory(quick: bool) -> None:
    """Peak memory above the baseline (VmHWM of a fresh process), in state vectors."""
    import subprocess

    root = str(Path(__file__).resolve().parents[1])
    n = 18 if quick else 20
    for what, rows in (("expectation values", 1), ("expectation values", 8), ("gradient", 1)):
        code = _MEMORY_PROBE.format(root=root, n=n, what="gradient" if what == "gradient" else "ev", rows=rows)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        dt = time.perf_counter() - t0
        states = out.stdout.strip().splitlines()[-1] if out.returncode == 0 else f"failed: {out.stderr[-200:]}"
        print(f"memory {n} q {what}, {rows} row(s): peak {states} state vectors above baseline ({dt:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no 20-qubit rows")
    args = ap.parse_args()
    t0 = time.perf_counter()
    print("ratios: their time / our time (> 1: ours faster); * = timed on a subset of rows and scaled")
    header()
    first_call(args.quick)
    qiskit_ml(args.quick)
    landscapes(args.quick)
    large(args.quick)
    memory(args.quick)
    print(f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
