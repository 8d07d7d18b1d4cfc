"""Speed of the exact engine against Qiskit's own primitives, in one run, same inputs.

    python benchmarks/bench_engine.py [--quick]

Prints three tables (median of repeats, exactness checked in the same run):
  1. a 64x64 landscape of a 4-qubit, 16-parameter circuit (2 layers of RY and RZ on every
     qubit, then a CX chain), <Z> on qubit 0: ours vs StatevectorEstimator, qiskit-aer's
     EstimatorV2 and PennyLane default.qubit (the last two only if installed);
  2. scaling: 2..12 qubits x batch 1..4096 (ms per call);
  3. a full-batch gradient (40 points x 16 parameters): ours parameter-shift and adjoint
     vs StatevectorEstimator running the same parameter-shift rule.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.primitives import StatevectorEstimator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qmlwidgets.engine import expectation_values, gradients  # noqa: E402


def layered_circuit(n: int, layers: int = 2, cx_every_layer: bool = False) -> QuantumCircuit:
    """``layers`` x (RY and RZ on every qubit), and a CX chain after every layer
    (``cx_every_layer``) or once at the end: 2*layers*n parameters."""
    th = ParameterVector("θ", 2 * layers * n)
    qc = QuantumCircuit(n)
    k = 0
    for layer in range(layers):
        for q in range(n):
            qc.ry(th[k], q)
            k += 1
        for q in range(n):
            qc.rz(th[k], q)
            k += 1
        if cx_every_layer or layer == layers - 1:
            for q in range(n - 1):
                qc.cx(q, q + 1)
    return qc


def z_on(n: int, q: int = 0) -> str:
    return "".join("Z" if i == q else "I" for i in reversed(range(n)))


def timed(fn, repeats: int) -> tuple[float, object]:
    """Median wall time in seconds over ``repeats`` calls, and the last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:10.2f}"


def landscape(quick: bool) -> None:
    n, size = 4, 64
    qc = layered_circuit(n)
    obs = z_on(n, 0)
    rng = np.random.default_rng(0)
    base = rng.uniform(-np.pi, np.pi, qc.num_parameters)
    d1, d2 = rng.normal(size=(2, qc.num_parameters))
    a = np.linspace(-np.pi, np.pi, size)
    X = base + a[:, None, None] * d1 + a[None, :, None] * d2  # (64, 64, 16)

    t0 = time.perf_counter()
    ours = expectation_values(qc, obs, X)  # includes compiling the circuit once
    first = time.perf_counter() - t0
    t_ours, ours = timed(lambda: expectation_values(qc, obs, X), 7 if quick else 21)

    ref_repeats = 1 if quick else 3
    est = StatevectorEstimator()
    t_ref, ref = timed(lambda: est.run([(qc, obs, X)]).result()[0].data.evs, ref_repeats)
    rows = [("qmlwidgets.engine (warm)", t_ours, 0.0), ("qmlwidgets.engine (first call, compiles)", first, 0.0)]
    rows.append(("qiskit StatevectorEstimator", t_ref, float(np.max(np.abs(ours - ref)))))

    try:
        from qiskit_aer.primitives import EstimatorV2 as AerEstimator
    except ImportError:
        rows.append(("qiskit-aer EstimatorV2", None, "not installed"))
    else:
        aer = AerEstimator()
        aer.run([(qc, obs, X[:2])]).result()  # warm-up
        t_aer, r_aer = timed(lambda: aer.run([(qc, obs, X)]).result()[0].data.evs, 1 if quick else 5)
        rows.append(("qiskit-aer EstimatorV2", t_aer, float(np.max(np.abs(ours - r_aer)))))

    try:
        import pennylane as qml  # noqa: F401
    except ImportError:
        rows.append(("PennyLane default.qubit (broadcast)", None, "not installed (optional extra) - skipped"))
    else:
        dev = qml.device("default.qubit", wires=n)

        @qml.qnode(dev)
        def node(w):
            k = 0
            for _ in range(2):
                for q in range(n):
                    qml.RY(w[..., k], wires=n - 1 - q)  # qiskit qubit q -> wire n-1-q
                    k += 1
                for q in range(n):
                    qml.RZ(w[..., k], wires=n - 1 - q)
                    k += 1
            for q in range(n - 1):
                qml.CNOT(wires=[n - 1 - q, n - 2 - q])
            return qml.expval(qml.PauliZ(n - 1))

        W = X.reshape(-1, qc.num_parameters)
        node(W[:2])
        t_pl, r_pl = timed(lambda: np.asarray(node(W)).reshape(size, size), 3)
        rows.append(("PennyLane default.qubit (broadcast)", t_pl, float(np.max(np.abs(ours - r_pl)))))

    print(f"\n1) 64x64 landscape: {n} qubits, {qc.num_parameters} parameters, <Z> on qubit 0, {X.shape[0] * X.shape[1]} points")
    print(f"{'implementation':42s} {'ms':>10s} {'ours/this':>10s}  max |diff| vs ours")
    for name, t, diff in rows:
        if t is None:
            print(f"{name:42s} {'-':>10s} {'-':>10s}  {diff}")
            continue
        ratio = "" if name.startswith("qmlwidgets") else f"1/{t / t_ours:,.0f}"
        d = "" if name.startswith("qmlwidgets") else f"{diff:.1e}"
        print(f"{name:42s} {fmt_ms(t)} {ratio:>10s}  {d}")
    ok = np.max(np.abs(ours - ref)) < 1e-10
    print(f"exact vs StatevectorEstimator (1e-10): {'OK' if ok else 'FAILED'};  "
          f"target ratio <= 1/150: {'met' if t_ours * 150 <= t_ref else 'NOT met'} (1/{t_ref / t_ours:,.0f})")


def scaling(quick: bool) -> None:
    qubits = [2, 4, 6, 8, 10, 12]
    batches = [1, 16, 256, 4096]
    limit = 2**19 if quick else 2**23  # amplitudes per call; bigger combos are skipped
    print(f"\n2) scaling: {'/'.join(map(str, qubits))} qubits x batch, 2 layers RY/RZ + CX chain, <Z0>; ms per call (median)")
    print(f"{'qubits':>6s} {'params':>6s} " + " ".join(f"{'B=' + str(b):>10s}" for b in batches) + f" {'qiskit B=16':>12s}")
    rng = np.random.default_rng(1)
    for n in qubits:
        qc = layered_circuit(n)
        obs = z_on(n, 0)
        cells = []
        for b in batches:
            if b * 2**n > limit:
                cells.append(f"{'skip':>10s}")
                continue
            X = rng.uniform(-np.pi, np.pi, (b, qc.num_parameters))
            expectation_values(qc, obs, X)
            reps = 3 if b * 2**n > 2**18 else (5 if quick else 11)
            t, _ = timed(partial(expectation_values, qc, obs, X), reps)
            cells.append(fmt_ms(t))
        X16 = rng.uniform(-np.pi, np.pi, (16, qc.num_parameters))
        est = StatevectorEstimator()
        t_ref, ref = timed(lambda: est.run([(qc, obs, X16)]).result()[0].data.evs, 1)  # noqa: B023 (called in this iteration)
        diff = np.max(np.abs(expectation_values(qc, obs, X16) - ref))
        assert diff < 1e-10, f"mismatch {diff} at {n} qubits"
        print(f"{n:6d} {qc.num_parameters:6d} " + " ".join(cells) + f" {t_ref * 1e3:12.1f}")
    print("('skip': more than %d amplitudes per call in this mode)" % limit)


def gradient_bench(quick: bool) -> None:
    n, B = 4, 40
    qc = layered_circuit(n)
    P = qc.num_parameters
    obs = z_on(n, 0)
    X = np.random.default_rng(2).uniform(-np.pi, np.pi, (B, P))
    gradients(qc, obs, X, method="adjoint")
    reps = 5 if quick else 15
    t_adj, g_adj = timed(lambda: gradients(qc, obs, X, method="adjoint"), reps)
    t_ps, g_ps = timed(lambda: gradients(qc, obs, X, method="parameter-shift"), reps)

    est = StatevectorEstimator()

    def qiskit_ps():
        shifts = np.eye(P) * (np.pi / 2)
        plus = X[:, None, :] + shifts[None]
        minus = X[:, None, :] - shifts[None]
        evs = est.run([(qc, obs, np.stack([plus, minus]))]).result()[0].data.evs  # (2, B, P)
        return 0.5 * (evs[0] - evs[1])

    t_ref, g_ref = timed(qiskit_ps, 1 if quick else 3)
    print(f"\n3) full-batch gradient: {B} points x {P} parameters, {n} qubits, <Z0>")
    print(f"{'implementation':42s} {'ms':>10s} {'ours/qiskit':>12s}  max |diff| vs qiskit")
    for name, t, g in (("ours adjoint", t_adj, g_adj), ("ours parameter-shift", t_ps, g_ps)):
        print(f"{name:42s} {fmt_ms(t)} {'1/' + format(t_ref / t, ',.0f'):>12s}  {np.max(np.abs(g - g_ref)):.1e}")
    print(f"{'StatevectorEstimator parameter-shift':42s} {fmt_ms(t_ref)} {'1':>12s}")
    ok = np.max(np.abs(g_adj - g_ref)) < 1e-10 and np.max(np.abs(g_ps - g_ref)) < 1e-10
    print(f"gradients exact vs qiskit (1e-10): {'OK' if ok else 'FAILED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and sizes (< 60 s)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    import platform

    import qiskit

    print(f"qmlwidgets engine benchmark ({'quick' if args.quick else 'full'}): python {platform.python_version()}, "
          f"numpy {np.__version__}, qiskit {qiskit.__version__}")
    landscape(args.quick)
    scaling(args.quick)
    gradient_bench(args.quick)
    print(f"\ntotal benchmark time: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
