"""Python-side update time of BlochExplorer on 1 and 5 qubits (target: median <= 10 ms per control change).

Run: ``python benchmarks/bench_bloch.py [--repeats 30]``. Every row goes through the same
code path as the controls (``slider.value = ...``, ``button.click()``), including the
figure, readout and histogram updates. Wall time is what a learner feels; CPU time of
this process is also shown because it stays meaningful on a shared machine.

A second table times the pure maths (:mod:`qmlwidgets.states`) against the equivalent
``qiskit.quantum_info`` calls on the same inputs, as ratios, with an exactness check.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Callable

import numpy as np
from qiskit import QuantumCircuit
from qiskit.quantum_info import DensityMatrix, Kraus, Pauli, partial_trace, random_statevector

from qmlwidgets import states as S
from qmlwidgets.widgets.bloch import BlochExplorer

TARGET_MS = 10.0


def entangled(n: int) -> QuantumCircuit:
    """Partially entangled n-qubit state: every reduced Bloch vector is non-zero (sliders stay live)."""
    qc = QuantumCircuit(n)
    for q in range(n):
        qc.ry(0.3 + 0.25 * q, q)
    for q in range(n - 1):
        qc.cx(q, q + 1)
    return qc


def timed(fn: Callable[[int], object], repeats: int, setup: Callable[[int], object] | None = None
          ) -> tuple[float, float, float]:
    """Median wall ms, 90th-percentile wall ms, median CPU ms."""
    wall, cpu = [], []
    for i in range(repeats):
        if setup is not None:
            setup(i)
        t0, c0 = time.perf_counter(), time.process_time()
        fn(i)
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    wall.sort()
    return statistics.median(wall), wall[min(len(wall) - 1, int(0.9 * len(wall)))], statistics.median(cpu)


def widget_rows(n: int, reps: int) -> list[tuple[str, float, float, float]]:
    state = None if n == 1 else entangled(n)
    BlochExplorer(state)  # warm-up: first FigureWidget pays plotly's one-off imports
    rows = [(f"construct ({n} qubit{'s' * (n > 1)})", *timed(lambda i: BlochExplorer(state), max(5, reps // 3)))]
    w = BlochExplorer(state)
    w.qubit_dropdown.value = n - 1

    thetas = np.linspace(0.2, 2.9, 17)
    rows.append(("θ slider move (drag)", *timed(lambda i: setattr(w.theta_slider, "value", thetas[i % 17]), reps)))
    rows.append(("φ slider move (drag)",
                 *timed(lambda i: setattr(w.phi_slider, "value", 0.1 + 0.37 * (i % 17)), reps)))
    gates = ["h", "s", "t", "x", "sdg", "y"]
    rows.append(("gate button (H/S/T/X/S†/Y)", *timed(lambda i: w.gate_buttons[gates[i % 6]].click(), reps)))
    w.angle_slider.value = 0.7
    rows.append(("Ry button + angle", *timed(lambda i: w.gate_buttons["ry"].click(), reps)))
    rows.append(("undo button", *timed(lambda i: w.undo_button.click(), reps)))
    w.reset()
    w.strength_slider.value = 0.05
    rows.append(("noise button (depolarising)", *timed(lambda i: w.channel_button.click(), reps)))
    w.shots_input.value = 1000
    rows.append(("measure button (1000 shots)", *timed(lambda i: w.measure_button.click(), reps)))
    rows.append(("basis toggle", *timed(lambda i: setattr(w.basis_buttons, "value", "ZXY"[i % 3]), reps)))
    assert w.message.value == "", w.message.value
    return rows


def maths_rows(reps: int) -> list[tuple[str, float, float, bool]]:
    """(name, ours ms, qiskit ms, exact) on a random 5-qubit state."""
    n = 5
    psi = random_statevector(2**n, seed=1)
    rho = DensityMatrix(psi)
    out = []

    def ref_bloch() -> np.ndarray:
        rows = []
        for q in range(n):
            red = partial_trace(psi, [p for p in range(n) if p != q])
            rows.append([red.expectation_value(Pauli(p)).real for p in "XYZ"])
        return np.array(rows)

    ours = S.bloch_vectors(psi.data)
    exact = bool(np.allclose(ours, ref_bloch(), atol=1e-12))
    out.append(("bloch_vectors, 5 qubits", timed(lambda i: S.bloch_vectors(psi.data), reps)[0],
                timed(lambda i: ref_bloch(), reps)[0], exact))

    keep = [0, 2]
    exact = bool(np.allclose(S.reduced_density_matrix(rho.data, keep), partial_trace(rho, [1, 3, 4]).data))
    out.append(("partial trace ρ (5 → 2 qubits)", timed(lambda i: S.reduced_density_matrix(rho.data, keep), reps)[0],
                timed(lambda i: partial_trace(rho, [1, 3, 4]), reps)[0], exact))

    u = S.gate_matrix("h")
    exact = bool(np.allclose(S.apply_unitary(psi.data, u, 3), psi.evolve(u, qargs=[3]).data))
    out.append(("1-qubit gate on ψ (5 qubits)", timed(lambda i: S.apply_unitary(psi.data, u, 3), reps)[0],
                timed(lambda i: psi.evolve(u, qargs=[3]), reps)[0], exact))

    ks = S.kraus_operators("amplitude_damping", 0.3)
    kraus = Kraus(ks)
    exact = bool(np.allclose(S.apply_kraus(rho.data, ks, 2), rho.evolve(kraus, qargs=[2]).data))
    out.append(("channel on ρ (5 qubits)", timed(lambda i: S.apply_kraus(rho.data, ks, 2), reps)[0],
                timed(lambda i: rho.evolve(kraus, qargs=[2]), reps)[0], exact))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    reps = args.repeats
    try:
        load = f"{os.getloadavg()[0]:.2f}"
    except OSError:  # pragma: no cover
        load = "n/a"
    print(f"BlochExplorer update times, median of {reps} repeats (load average {load}); target ≤ {TARGET_MS:.0f} ms")
    print(f"{'qubits':>6}  {'operation':<30} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>8}  ok")
    worst = 0.0
    for n in (1, 5):
        for name, med, p90, cpu in widget_rows(n, reps):
            control = not name.startswith("construct")
            ok = "yes" if (not control or med <= TARGET_MS) else "NO"
            if control:
                worst = max(worst, med)
            print(f"{n:>6}  {name:<30} {med:>10.2f} {p90:>8.2f} {cpu:>8.2f}  {ok}")
    print()
    print("Pure maths vs qiskit.quantum_info (same inputs, median ms)")
    print(f"{'operation':<32} {'ours':>8} {'qiskit':>8} {'ours/qiskit':>12}  exact")
    all_exact = True
    for name, ours, ref, exact in maths_rows(reps):
        all_exact &= exact
        print(f"{name:<32} {ours:>8.3f} {ref:>8.3f} {ours / ref:>12.3f}  {'yes' if exact else 'NO'}")
    print()
    print(f"slowest control median: {worst:.2f} ms ({'within' if worst <= TARGET_MS else 'OVER'} target)")
    return 0 if all_exact else 1


if __name__ == "__main__":
    sys.exit(main())
