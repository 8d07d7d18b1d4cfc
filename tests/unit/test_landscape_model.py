"""LandscapeModel alone (no widgets): state, validation, transactions, the one PCA refit."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from qmlwidgets import landscape as L
from qmlwidgets.landscape_model import MAX_SPAN, LandscapeModel, ScanPlane


def _loss(X):
    X = np.atleast_2d(X)
    return np.sum(np.sin(X) ** 2, axis=1) + 0.1 * X[:, 0]


@pytest.fixture
def m():
    return LandscapeModel(None, _loss, point=[0.4, -0.2, 1.0], resolution=7, span=1.0)


def _snapshot(m):
    return (m.plane, m.point.copy(), m.scan, m.slice, m.field, m.result, m.slice_axis, m.arrows)


def _same(m, snap):
    plane, point, scan, sl, field, result, axis, arrows = snap
    return (m.plane is plane and np.array_equal(m.point, point) and m.scan is scan
            and m.slice is sl and m.field is field and m.result is result
            and m.slice_axis == axis and m.arrows == arrows)


def test_the_model_imports_no_widget_library():
    code = ("import sys, qmlwidgets.landscape_model; "
            "bad = [m for m in ('ipywidgets', 'plotly') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_initial_state(m):
    assert isinstance(m.plane, ScanPlane) and m.direction_mode == "random"
    np.testing.assert_array_equal(m.point, [0.4, -0.2, 1.0])
    np.testing.assert_array_equal(m.center, m.point)
    assert m.scan.values.shape == (7, 7) and m.span == 1.0 and m.resolution == 7
    assert m.shots == 0 and m.result is None and m.field is None
    assert m.point_coordinates == pytest.approx((0.0, 0.0), abs=1e-12)
    assert m.point_loss() == pytest.approx(_loss(m.point)[0])
    np.testing.assert_allclose(m.scan.values, _loss(np.stack(
        [m.scan.params(a, b) for b in m.scan.y for a in m.scan.x])).reshape(7, 7))


@pytest.mark.parametrize("kwargs, match", [
    ({"span": 0}, r"span must be in \(0, 12.57\]"),
    ({"span": "wide"}, "span must be a number"),
    ({"span": MAX_SPAN * 1.01}, "span must be in"),
    ({"seed": -1}, "seed must be an integer from 0"),
    ({"seed": True}, "seed must be an integer"),
    ({"resolution": 2}, "resolution"),
    ({"chunk_size": 0}, "chunk_size must be a positive integer"),
    ({"point": [0.0]}, "2-D landscape needs at least 2 parameters"),
])
def test_constructor_refuses_bad_input(kwargs, match):
    args = {"point": [0.0, 0.0], **kwargs}
    with pytest.raises(ValueError, match=match):
        LandscapeModel(None, _loss, **args)


def test_loss_callable_needs_a_point_or_a_circuit():
    with pytest.raises(ValueError, match="pass `point`"):
        LandscapeModel(None, _loss)


@pytest.mark.parametrize("call, match", [
    (lambda m: m.set_span(-1), "span must be in"),
    (lambda m: m.set_resolution(500), "resolution"),
    (lambda m: m.set_directions("diagonal"), "directions must be 'random', 'axes' or 'pca'"),
    (lambda m: m.set_directions("axes", 1, 1), "must differ"),
    (lambda m: m.set_directions("random", seed=-3), "seed must be an integer"),
    (lambda m: m.set_directions("pca"), "optimiser run"),
    (lambda m: m.move_to("left", 0), "move_to needs two numbers"),
    (lambda m: m.move_to(np.inf, 0), "finite"),
    (lambda m: m.set_point([1.0, 2.0]), "point"),
    (lambda m: m.set_slice_axis("z"), "slice axis must be 'x' or 'y'"),
    (lambda m: m.set_shots(100), "shots"),  # a loss callable has no Pauli terms to sample
    (lambda m: m.run_optimizer("newton"), "unknown method"),
])
def test_bad_input_is_a_value_error_and_changes_nothing(m, call, match):
    snap = _snapshot(m)
    with pytest.raises(ValueError, match=match):
        call(m)
    assert _same(m, snap)


def test_a_failing_loss_or_progress_leaves_the_model_unchanged(m):
    snap = _snapshot(m)
    good = m.loss

    def broken(X):
        raise RuntimeError("boom")

    m.loss = broken
    with pytest.raises(RuntimeError, match="boom"):
        m.set_span(2.0)
    m.loss = good
    assert _same(m, snap)

    def stop(done, total):
        if done:
            raise KeyboardInterrupt

    m.progress, m.chunk_size = stop, 5
    with pytest.raises(KeyboardInterrupt):
        m.set_resolution(9)
    assert _same(m, snap)


def test_transactions_commit_the_new_state(m):
    m.set_span(2.0).set_resolution(5)
    assert (m.span, m.resolution, m.scan.values.shape) == (2.0, 5, (5, 5))
    m.move_to(0.5, -0.25)
    assert m.point_coordinates == pytest.approx((0.5, -0.25))
    np.testing.assert_allclose(m.point, m.scan.params(0.5, -0.25))
    np.testing.assert_allclose(m.slice.point, m.point)
    m.recenter()
    np.testing.assert_allclose(m.center, m.point)
    m.set_slice_axis("y").show_gradients(True)
    assert m.slice_axis == "y" and m.field is not None and m.arrows
    np.testing.assert_allclose(m.slice.direction, m.plane.dir_y)
    m.set_point([0.0, 0.0, 0.0])
    np.testing.assert_array_equal(m.center, np.zeros(3))
    assert m.field is not None  # arrows stay on through a rescan


def test_axes_plane_labels_and_offsets(m):
    assert m.axis_titles() == ("direction 1", "direction 2")
    assert m.display_offset() == (0.0, 0.0)
    m.set_directions("axes", 2, 0)
    assert m.axes == (2, 0) and m.direction_mode == "axes"
    np.testing.assert_array_equal(m.directions, np.eye(3)[[2, 0]])
    assert m.axis_titles() == ("x[2]", "x[0]")
    assert m.display_offset() == pytest.approx((1.0, 0.4))
    m.move_to(0.25, -0.5)  # offsets: the parameters themselves are centre + offset
    assert m.point[2] == pytest.approx(1.25) and m.point[0] == pytest.approx(-0.1)


def test_one_pca_refit_serves_set_directions_and_run_optimizer(m, monkeypatch):
    calls = []
    real = LandscapeModel.pca_fit

    def spy(self, trajectory):
        calls.append(np.asarray(trajectory).shape)
        return real(self, trajectory)

    monkeypatch.setattr(LandscapeModel, "pca_fit", spy)
    r = m.run_optimizer("gd", steps=12, lr=0.2)
    assert calls == []  # random plane: the point moves, the plane stays
    np.testing.assert_allclose(m.point, r.x)
    assert m.result is r
    m.set_directions("pca")
    assert calls == [(13, 3)]
    plane = L.pca_plane(r.trajectory, origin="last")
    np.testing.assert_allclose(m.center, r.x)
    np.testing.assert_allclose(m.plane.dir_x, plane.dir_x)
    assert m.span == pytest.approx(min(MAX_SPAN, max(0.1, 1.25 * np.max(np.abs(plane.coords)))))
    assert m.axis_titles()[0].startswith("PC1 (")
    r2 = m.run_optimizer("momentum", steps=8, lr=0.05)
    assert calls == [(13, 3), (9, 3)]  # a run in PCA mode refits through the same method
    np.testing.assert_allclose(m.center, r2.x)
    assert m.result is r2


def test_an_aborted_run_keeps_the_last_result(m):
    m.run_optimizer("gd", steps=5)
    snap = _snapshot(m)

    def stop(k, x, fun):
        if k == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        m.run_optimizer("adam", steps=10, callback=stop)
    assert _same(m, snap)


def test_shots_on_a_circuit_loss():
    from qiskit.circuit.library import real_amplitudes

    m = LandscapeModel(real_amplitudes(2, reps=1), "ZZ", point=np.zeros(4), resolution=5)
    assert m.parameter_names[0].startswith("θ")
    exact = m.scan.values.copy()
    m.set_shots(100)
    assert m.shots == 100 and not np.allclose(m.scan.values, exact)
    m.set_shots(None)
    assert m.shots == 0
    np.testing.assert_allclose(m.scan.values, exact)
    with pytest.raises(ValueError, match="shots"):
        m.set_shots(True)
