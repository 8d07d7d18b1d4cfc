"""Headless tests of the LandscapeExplorer's exact <-> shots control and of its use of the
reconstruction (parameter-axis planes are rebuilt from 3 x 3 evaluations)."""
from __future__ import annotations

import numpy as np
import pytest
from qiskit.circuit.library import real_amplitudes
from qiskit.quantum_info import SparsePauliOp

from qmlwidgets import landscape as L
from qmlwidgets.widgets.landscape import LandscapeExplorer

OBS = SparsePauliOp.from_list([("ZZI", 1.0), ("IXX", 0.5), ("ZIZ", -0.3)])


def z(fig):
    return np.array(fig.data[0].z, dtype=float)


@pytest.fixture
def w():
    return LandscapeExplorer(real_amplitudes(3, reps=1), OBS, seed=1, resolution=17)


def test_shots_control_switches_exact_and_sampled_views(w):
    exact = z(w.fig).copy()
    exact_slice = np.array(w.slice_fig.data[0].y, dtype=float)
    assert w.shots_dropdown.value == 0 and not w.shots_dropdown.disabled
    w.shots_dropdown.value = 1000  # what a learner's click does
    noisy = z(w.fig)
    assert w.scan.shots == 1000 and w.message.value == ""
    assert noisy.shape == exact.shape and not np.allclose(noisy, exact)
    assert np.abs(noisy - exact).max() < 0.25  # 1000 shots: errors of a few hundredths
    np.testing.assert_array_equal(z(w.surface_fig), noisy)
    assert not np.allclose(np.array(w.slice_fig.data[0].y, dtype=float), exact_slice)
    w.shots_dropdown.value = 100
    assert np.std(z(w.fig) - exact) > 2 * np.std(noisy - exact)  # fewer shots, more noise
    w.shots_dropdown.value = 0
    np.testing.assert_array_equal(z(w.fig), exact)
    np.testing.assert_array_equal(np.array(w.slice_fig.data[0].y, dtype=float), exact_slice)
    assert w.scan.shots is None


def test_set_shots_method_syncs_the_control_and_survives_other_changes(w):
    w.set_shots(250)
    assert w.shots_dropdown.value == 250 and (("250 shots", 250) in w.shots_dropdown.options)
    first = z(w.fig).copy()
    w.set_span(2.0).set_span(w.span_slider.max)
    w.set_span(np.pi)
    np.testing.assert_array_equal(z(w.fig), first)  # seeded: same view, same draws
    w.set_resolution(9)
    assert w.scan.shots == 250 and z(w.fig).shape == (9, 9)
    w.set_shots(None)
    assert w.shots_dropdown.value == 0 and w.scan.shots is None


@pytest.mark.parametrize("bad", [-1, 2.5, "many"])
def test_bad_shots_keep_the_last_good_view(w, bad):
    w.set_shots(1000)
    before = z(w.fig).copy()
    with pytest.raises(ValueError, match="shots must be a positive integer"):
        w.set_shots(bad)
    assert "shots" in w.message.value
    np.testing.assert_array_equal(z(w.fig), before)
    assert w.shots_dropdown.value == 1000


def test_shots_need_a_circuit_loss():
    loss = L.batched(lambda x: float(np.cos(x[0]) * np.sin(x[1])))
    w = LandscapeExplorer(None, loss, point=[0.1, 0.2], resolution=9)
    assert w.shots_dropdown.disabled
    with pytest.raises(ValueError, match="shots need a circuit loss"):
        w.set_shots(100)
    assert w.shots_dropdown.value == 0 and w.scan.shots is None


def test_axis_planes_are_reconstructed_and_exact(w):
    from qiskit.primitives import StatevectorEstimator

    assert w.scan.method == "direct"  # random plane: incommensurate, evaluated point by point
    w.set_directions("axes", 0, 4).set_resolution(64)
    scan = w.scan
    assert scan.method == "reconstruct" and scan.evaluations == 9
    assert w.slice.method == "reconstruct" and w.slice.evaluations == 3
    picks = [(0, 0), (10, 50), (63, 63), (31, 7)]
    params = np.array([scan.params(scan.x[j], scan.y[i]) for i, j in picks])
    ref = StatevectorEstimator().run([(w.circuit, OBS, params)]).result()[0].data.evs
    np.testing.assert_allclose([z(w.fig)[i, j] for i, j in picks], ref, atol=1e-10)
