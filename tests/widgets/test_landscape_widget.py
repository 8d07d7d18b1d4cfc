"""Headless tests for LandscapeExplorer and BarrenPlateauView: drive controls and methods,
assert on widget state and on the FigureWidget data."""
from __future__ import annotations

import math

import numpy as np
import pytest
from plotly.callbacks import InputDeviceState, Points
from qiskit.circuit.library import real_amplitudes
from qiskit.quantum_info import SparsePauliOp

from qmlwidgets.widgets.landscape import BarrenPlateauView, LandscapeExplorer

OBS = SparsePauliOp.from_list([("ZZI", 1.0), ("IXX", 0.5), ("ZIZ", -0.3)])


@pytest.fixture(scope="module")
def circuit():
    return real_amplitudes(3, reps=1)  # 6 parameters


@pytest.fixture
def w(circuit):
    return LandscapeExplorer(circuit, OBS, seed=1, resolution=9)


def z(fig):
    return np.array(fig.data[0].z, dtype=float)


def test_construction_and_repr(w):
    assert repr(w) == "LandscapeExplorer(n_params=6, directions='random', resolution=9, span=3.14)"
    assert z(w.surface_fig).shape == (9, 9)
    assert z(w.fig).shape == (9, 9)
    np.testing.assert_array_equal(z(w.surface_fig), w.scan.values)
    np.testing.assert_allclose(w.center, w.point)
    assert w.message.value == ""
    assert w.progress.value == 100


def test_scan_matches_statevector_estimator(w, circuit):
    from qiskit.primitives import StatevectorEstimator

    scan = w.scan
    picks = [(0, 0), (4, 4), (8, 2), (3, 7)]
    params = np.array([scan.params(scan.x[j], scan.y[i]) for i, j in picks])
    ref = StatevectorEstimator().run([(circuit, OBS, params)]).result()[0].data.evs
    np.testing.assert_allclose([scan.values[i, j] for i, j in picks], ref, atol=1e-10)


def test_resolution_slider_changes_surface(w):
    before = z(w.surface_fig)
    w.resolution_slider.value = 15
    assert w.resolution == 15
    assert z(w.surface_fig).shape == (15, 15)
    assert z(w.fig).shape == (15, 15)
    # the 9-point grid is every other point of a 17-point grid (same span): values agree
    w.set_resolution(17)
    np.testing.assert_allclose(z(w.surface_fig)[::2, ::2], before, atol=1e-12)
    w.set_resolution(21)
    assert w.resolution_slider.value == 21 and z(w.surface_fig).shape == (21, 21)
    assert repr(w) == "LandscapeExplorer(n_params=6, directions='random', resolution=21, span=3.14)"


def test_span_slider_changes_surface_and_axes(w):
    before = z(w.surface_fig)
    w.span_slider.value = 1.0
    assert w.span == pytest.approx(1.0)
    assert w.fig.data[0].x[0] == pytest.approx(-1.0) and w.fig.data[0].x[-1] == pytest.approx(1.0)
    assert not np.allclose(before, z(w.surface_fig))
    assert repr(w).endswith("span=1.00)")


def test_direction_controls_change_surface(w):
    before = z(w.surface_fig)
    w.seed_box.value = 7  # new random plane
    after_seed = z(w.surface_fig)
    assert not np.allclose(before, after_seed)
    w.direction_dropdown.value = "axes"
    assert w.direction_mode == "axes"
    assert w.axis_x_dropdown.layout.display == "flex"
    np.testing.assert_array_equal(w.directions, np.eye(6)[[0, 1]])
    axes01 = z(w.surface_fig)
    assert not np.allclose(axes01, after_seed)
    w.axis_y_dropdown.value = 4
    np.testing.assert_array_equal(w.directions, np.eye(6)[[0, 4]])
    assert not np.allclose(axes01, z(w.surface_fig))
    # an axes plane names the parameters and shows their absolute values (lesson 11)
    assert w.fig.layout.yaxis.title.text == "θ[4]"
    assert w.surface_fig.layout.scene.yaxis.title.text == "θ[4]"


def test_same_axis_twice_is_refused_and_view_kept(w):
    w.set_directions("axes", 0, 1)
    before = z(w.surface_fig)
    w.axis_y_dropdown.value = 0
    assert "must differ" in w.message.value
    assert w.axis_y_dropdown.value == 1  # control reverted to the last good state
    np.testing.assert_array_equal(before, z(w.surface_fig))
    w.axis_y_dropdown.value = 2
    assert w.message.value == ""


def test_pca_needs_a_run_first(w):
    w.direction_dropdown.value = "pca"
    assert "optimiser run" in w.message.value
    assert w.direction_dropdown.value == "random"
    assert w.direction_mode == "random"
    with pytest.raises(ValueError, match="optimiser run"):
        w.set_directions("pca")


def test_run_button_draws_path_and_loss_decreases(w):
    w.steps_slider.value = 20
    w.optimizer_dropdown.value = "adam"
    start = w.point
    w.run_button.click()
    res = w.result
    assert res is not None and res.method == "adam"
    assert len(w.fig.data[2].x) == 21 and len(w.fig.data[2].y) == 21
    assert len(w.surface_fig.data[1].z) == 21
    np.testing.assert_allclose(w.surface_fig.data[1].z, res.losses)
    assert res.losses[-1] < res.losses[0]
    np.testing.assert_allclose(res.trajectory[0], start)
    np.testing.assert_allclose(w.point, res.x)
    assert w.fig.data[2].x[0] == pytest.approx(0.0, abs=1e-12)  # started at the centre
    assert "last run: adam, 20 steps" in w.info.value


def test_pca_plane_after_run_contains_path_end(w):
    res = w.run_optimizer("gd", steps=15, lr=0.2)
    assert len(w.fig.data[2].x) == 16
    w.direction_dropdown.value = "pca"
    assert w.direction_mode == "pca" and w.message.value == ""
    np.testing.assert_allclose(w.center, res.x)
    assert w.fig.layout.xaxis.title.text.startswith("PC1 (")
    px, py = np.array(w.fig.data[2].x), np.array(w.fig.data[2].y)
    assert (px[-1], py[-1]) == pytest.approx((0.0, 0.0), abs=1e-12)
    assert np.all(np.abs(px) <= w.span) and np.all(np.abs(py) <= w.span)
    # a second run in PCA mode refits the plane to the new path
    res2 = w.run_optimizer("momentum", steps=10, lr=0.05)
    np.testing.assert_allclose(w.center, res2.x)
    assert len(w.fig.data[2].x) == 11


@pytest.mark.parametrize("method", ["spsa", "cobyla", "l-bfgs-b"])
def test_other_optimisers_run(w, method):
    res = w.run_optimizer(method, steps=12)
    assert len(w.fig.data[2].x) == len(res.trajectory) <= 13
    assert res.losses[-1] <= res.losses[0] + 1e-9 or method == "spsa"


def test_click_moves_point_and_slice(w):
    before_slice = np.array(w.slice_fig.data[0].y)
    w.fig.data[0]._dispatch_on_click(Points(point_inds=[[3, 5]], xs=[0.5], ys=[-0.25],
                                            trace_name="landscape", trace_index=0),
                                     InputDeviceState())
    assert w.point_coordinates == pytest.approx((0.5, -0.25))
    np.testing.assert_allclose(w.point, w.scan.params(0.5, -0.25))
    assert tuple(w.fig.data[3].x) == pytest.approx((0.5,))
    assert tuple(w.fig.data[3].y) == pytest.approx((-0.25,))
    assert tuple(w.surface_fig.data[2].x) == pytest.approx((0.5,))
    assert not np.allclose(before_slice, w.slice_fig.data[0].y)
    assert w.slice_fig.data[1].x[0] == pytest.approx(0.5)
    # the landscape itself is kept until "Centre here"
    center = w.center
    w.center_button.click()
    np.testing.assert_allclose(w.center, w.point)
    assert not np.allclose(center, w.center)
    assert w.point_coordinates == pytest.approx((0.0, 0.0), abs=1e-12)


def test_move_to_rejects_non_finite(w):
    with pytest.raises(ValueError, match="finite"):
        w.move_to(float("nan"), 0.0)
    assert "finite" in w.message.value
    assert w.point_coordinates == pytest.approx((0.0, 0.0), abs=1e-12)


def test_slice_toggle(w):
    x_slice = np.array(w.slice_fig.data[0].y)
    w.slice_toggle.value = "y"
    assert not np.allclose(x_slice, w.slice_fig.data[0].y)
    np.testing.assert_allclose(w.slice.direction, w.directions[1])
    # the slice passes through the current point at its loss
    mid = len(w.slice.values) // 2
    assert w.slice.values[mid] == pytest.approx(w.loss(w.point[None])[0], abs=1e-12)


def test_gradient_arrows_toggle(w):
    assert w.fig.data[1].visible is False
    w.arrows_checkbox.value = True
    arrows = w.fig.data[1]
    assert arrows.visible is True and len(arrows.x) == 7 * 9 * 9
    # first arrow points downhill: along -grad of the 2-D slice at the grid corner
    x0, y0, x1, y1 = arrows.x[0], arrows.y[0], arrows.x[1], arrows.y[1]
    h = 1e-5
    f = lambda a, b: w.loss(w.scan.params(a, b)[None])[0]  # noqa: E731
    g = np.array([(f(x0 + h, y0) - f(x0 - h, y0)) / (2 * h),
                  (f(x0, y0 + h) - f(x0, y0 - h)) / (2 * h)])
    step = np.array([x1 - x0, y1 - y0])
    assert step @ g < 0
    cross = step[0] * g[1] - step[1] * g[0]  # parallel to -g
    assert cross == pytest.approx(0.0, abs=1e-6 * np.linalg.norm(g) * np.linalg.norm(step))
    w.set_resolution(11)  # arrows follow a rescan
    assert len(w.fig.data[1].x) == 7 * 11 * 11
    w.arrows_checkbox.value = False
    assert w.fig.data[1].visible is False and len(w.fig.data[1].x) == 0


def _shown(box):
    return box.layout.visibility != "hidden" and box.layout.height != "0px"


def test_view_toggle_collapses_the_other_figure_but_keeps_both_in_the_page(w):
    # a plotly view removed from the page keeps listening and throws on every later update
    # ("Error setting state"), so both figures stay mounted and the hidden one is collapsed
    assert w.fig in w._contour_box.children and w.surface_fig in w._surface_box.children
    assert _shown(w._contour_box) and not _shown(w._surface_box)
    w.view_toggle.value = "surface"
    assert w.view == "surface" and _shown(w._surface_box) and not _shown(w._contour_box)
    assert w.fig in w._contour_box.children and w.surface_fig in w._surface_box.children
    with pytest.raises(ValueError, match="contour"):
        w.set_view("3d")
    assert w.view_toggle.value == "surface"


@pytest.mark.parametrize("bad", [2, 202, 0, 3.5])
def test_bad_resolution_keeps_last_view(w, bad):
    before = z(w.surface_fig)
    with pytest.raises(ValueError, match="resolution"):
        w.set_resolution(bad)
    assert "resolution" in w.message.value and "⚠" in w.message.value
    assert w.resolution == 9 and w.resolution_slider.value == 9
    np.testing.assert_array_equal(before, z(w.surface_fig))


def test_bad_span_is_refused(w):
    for bad in (0.0, -1.0, float("nan"), 100.0):
        with pytest.raises(ValueError, match="span"):
            w.set_span(bad)
    assert w.span == pytest.approx(math.pi)


def test_nan_loss_message_and_last_good_view():
    def loss(X):
        out = np.cos(X[:, 0]) * np.sin(X[:, 1]) + 0.1 * X[:, 2]
        out[np.abs(X[:, 0]) > 2.0] = np.nan
        return out

    w = LandscapeExplorer(None, loss, point=np.zeros(3), resolution=7, span=1.5)
    assert repr(w) == "LandscapeExplorer(n_params=3, directions='random', resolution=7, span=1.50)"
    before = z(w.surface_fig)
    w.set_directions("axes", 0, 1)
    good = z(w.surface_fig)
    assert not np.array_equal(before, good)
    w.span_slider.value = 3.0  # reaches |x0| > 2 -> NaN
    assert "NaN" in w.message.value
    assert w.span == pytest.approx(1.5) and w.span_slider.value == pytest.approx(1.5)
    np.testing.assert_array_equal(good, z(w.surface_fig))
    with pytest.raises(ValueError, match="NaN"):
        w.set_span(3.0)
    w.set_span(1.0)  # a good change clears the message
    assert w.message.value == ""


def test_loss_callable_with_circuit_and_parameter_count_mismatch(circuit):
    from qmlwidgets.landscape import circuit_loss

    loss = circuit_loss(circuit, OBS)
    w = LandscapeExplorer(circuit, loss, resolution=5)
    assert w.n_params == 6 and w.grad is not None  # CircuitLoss brings its exact gradient
    with pytest.raises(ValueError, match="point has 4 entries but the circuit has 6"):
        LandscapeExplorer(circuit, OBS, point=np.zeros(4))
    with pytest.raises(ValueError, match="acts on 2 qubits but the circuit has 3"):
        LandscapeExplorer(circuit, "ZZ")
    with pytest.raises(ValueError, match="pass `point`"):
        LandscapeExplorer(None, lambda X: X.sum(axis=1))
    with pytest.raises(ValueError, match="resolution"):
        LandscapeExplorer(circuit, OBS, resolution=500)
    with pytest.raises(ValueError, match="the loss takes 4 parameters but the circuit has 6"):
        LandscapeExplorer(circuit, circuit_loss(real_amplitudes(2, reps=1), "ZZ"))
    with pytest.raises(ValueError, match="seed"):
        LandscapeExplorer(circuit, OBS, seed=-1)
    with pytest.raises(ValueError, match="at least 2 parameters"):
        LandscapeExplorer(None, lambda X: X[:, 0], point=[0.0])


def test_progress_bar_advances_in_chunks(circuit):
    w = LandscapeExplorer(circuit, OBS, resolution=9, chunk_size=20)
    seen = []
    w.progress.observe(lambda c: seen.append(c["new"]), names="value")
    w.set_resolution(11)  # 121 points -> 7 chunks
    assert seen[0] == 0 and seen[-1] == 100
    assert len([v for v in seen if 0 < v < 100]) >= 5
    assert seen == sorted(seen)


def test_barren_plateau_view():
    v = BarrenPlateauView(n_qubits=(2, 6), n_layers=[2, 4], samples=60, seed=3)
    assert repr(v) == ("BarrenPlateauView(n_qubits=2..6, layers=[2, 4], "
                       "costs=('global', 'local'), samples=60)")
    assert len(v.fig.data) == 0  # nothing computed until asked
    v.compute_button.click()
    assert len(v.fig.data) == 4
    glob = np.array(v.fig.data[0].y)
    assert list(v.fig.data[0].x) == [2, 3, 4, 5, 6]
    assert np.all(glob > 0) and glob[-1] < glob[0]
    np.testing.assert_allclose(glob, v.results["global"].variance[:, 0])
    assert v.progress.value == 100 and v.message.value == ""
    v.layers_text.value = "abc"
    v.compute_button.click()
    assert "layers" in v.message.value
    assert len(v.fig.data) == 4  # last good plot kept
    res = v.compute(n_qubits=(2, 4), n_layers=3, costs=["local"])
    assert list(res) == ["local"] and len(v.fig.data) == 1
    assert v.layers_text.value == "3"


def test_bad_optimiser_input_keeps_last_path(w):
    res = w.run_optimizer("adam", steps=5)
    path = list(w.fig.data[2].x)
    with pytest.raises(ValueError, match="unknown method"):
        w.run_optimizer("newton", steps=5)
    assert "unknown method" in w.message.value
    with pytest.raises(ValueError, match="steps"):
        w.run_optimizer("adam", steps=-3)
    assert w.result is res and list(w.fig.data[2].x) == path


def test_optimiser_hitting_nan_keeps_last_good_state():
    def loss(X):
        out = np.sum(X**2, axis=1)
        out[np.abs(X[:, 0]) > 3.0] = np.nan
        return out

    w = LandscapeExplorer(None, loss, point=np.array([1.0, 0.5]), resolution=7, span=1.0)
    start = w.point
    w.steps_slider.value = 10
    w.lr_box.value = 5.0  # gd overshoots into the NaN region
    w.optimizer_dropdown.value = "gd"
    w.run_button.click()
    assert "NaN" in w.message.value
    assert w.result is None and len(w.fig.data[2].x) == 0
    np.testing.assert_array_equal(w.point, start)
    w.lr_box.value = 0.1
    w.run_button.click()
    assert w.message.value == "" and len(w.fig.data[2].x) == 11


# ---------------------------------------------------------------- issue 16/17 widget items
def test_a_loss_raising_any_error_is_shown_and_the_last_good_state_kept():
    calls = {"n": 0}

    def loss(X):
        if np.max(np.abs(X)) > 2.5:
            raise RuntimeError("learner loss broke")
        calls["n"] += 1
        return np.sum(np.cos(X), axis=1)

    w = LandscapeExplorer(None, loss, point=np.zeros(3), resolution=5, span=1.0)
    before, x_before = z(w.fig), list(w.fig.data[0].x)
    w.span_slider.value = 3.0  # the scan reaches |x| > 2.5: the loss raises RuntimeError
    assert "RuntimeError" in w.message.value and "learner loss broke" in w.message.value
    assert w.span == pytest.approx(1.0) and w.span_slider.value == pytest.approx(1.0)
    np.testing.assert_array_equal(before, z(w.fig))
    assert list(w.fig.data[0].x) == x_before
    w.span_slider.value = 0.5  # a good change works again and clears the message
    assert w.message.value == "" and w.span == pytest.approx(0.5)


def test_stop_flag_interrupts_a_scan_and_keeps_the_last_good_view(circuit):
    w = LandscapeExplorer(circuit, OBS, seed=1, resolution=9, chunk_size=10)
    before = z(w.fig)
    w._runner.flag.set()  # what the Stop button does while a scan runs
    with pytest.raises(Exception, match="stopped"):
        w.set_resolution(21)
    assert "stopped" in w.message.value
    assert w.resolution == 9 and w.resolution_slider.value == 9
    np.testing.assert_array_equal(before, z(w.fig))
    w.resolution_slider.value = 11  # a control clears the flag and runs again
    assert w.resolution == 11 and w.message.value == ""
    w._runner.flag.set()
    with pytest.raises(Exception, match="stopped"):
        w.run_optimizer("adam", steps=20)
    assert w.result is None and len(w.fig.data[2].x) == 0


def test_stop_button_reaches_background_work_in_a_kernel_like_loop():
    """With an event loop running (as in a kernel) work runs in a thread; Stop ends it."""
    import asyncio
    import threading
    import time

    started = threading.Event()

    def slow(X):
        started.set()
        time.sleep(0.05)
        return np.sum(np.sin(X), axis=1)

    w = LandscapeExplorer(None, slow, point=np.zeros(2), resolution=5, span=1.0, chunk_size=4)

    async def scenario():
        w.resolution_slider.value = 61  # 3721 points in chunks of 4: minutes if not stopped
        assert w._runner.busy
        w.span_slider.value = 2.0  # queued while busy, with a message
        assert "still computing" in w.message.value and w._runner.pending is not None
        started.wait(5)
        w.stop_button.click()  # stops the scan and drops the queued change
        w._runner.thread.join(10)
        assert w._runner.pending is None

    asyncio.run(scenario())
    assert not w._runner.busy
    assert "stopped" in w.message.value
    assert w.resolution == 5 and w.resolution_slider.value == 5 and z(w.fig).shape == (5, 5)
    assert w.span == pytest.approx(1.0) and w.span_slider.value == pytest.approx(1.0)


def test_a_change_made_while_busy_runs_when_the_job_ends():
    import asyncio
    import time

    def slow(X):
        time.sleep(0.02)
        return np.sum(np.sin(X), axis=1)

    w = LandscapeExplorer(None, slow, point=np.zeros(2), resolution=5, span=1.0, chunk_size=8)

    async def scenario():
        w.resolution_slider.value = 9
        w.span_slider.value = 2.0  # queued: runs after the resolution scan
        for _ in range(500):
            await asyncio.sleep(0.02)
            if not w._runner.busy and w._runner.pending is None and w.span == 2.0:
                break

    asyncio.run(scenario())
    assert w.resolution == 9 and w.span == pytest.approx(2.0) and w.message.value == ""


def test_keyboard_point_inputs_move_the_point_like_a_click(w):
    w.a_box.value = 0.5
    w.b_box.value = -0.25
    assert w.point_coordinates == pytest.approx((0.5, -0.25))
    assert list(w.fig.data[3].x) == pytest.approx([0.5])
    w.a_box.value = float("inf")
    assert "finite" in w.message.value
    assert w.point_coordinates == pytest.approx((0.5, -0.25)) and w.a_box.value == 0.5


def test_slice_buttons_have_short_labels_and_full_tooltips(w):
    labels = [label for label, _ in w.slice_toggle.options]
    assert all(len(label) <= 3 for label in labels)
    assert all("slice" in t for t in w.slice_toggle.tooltips)


def test_span_slider_has_units_and_exact_steps(w):
    assert "rad" in w.span_slider.description
    assert (w.span_slider.step * 2**20).is_integer() and (w.span_slider.min * 2**20).is_integer()


def test_out_of_range_seed_is_refused_not_clamped(circuit):
    with pytest.raises(ValueError, match="seed"):
        LandscapeExplorer(circuit, OBS, seed=2**40, resolution=5)


def test_barren_plateau_placeholder_labels_and_visible_refusals():
    v = BarrenPlateauView(n_qubits=(2, 3), n_layers=[1], samples=20, seed=1)
    assert "Compute" in v.placeholder.value and "θ₀" in v.placeholder.value
    assert v._fig_box.layout.visibility == "hidden"  # no empty axes before Compute
    v.compute_button.click()
    assert v.placeholder.layout.display == "none" and v._fig_box.layout.visibility is None
    assert "θ₀" in v.fig.layout.yaxis.title.text and "θ₁" not in v.fig.layout.title.text
    for bad in (dict(samples=5), dict(samples=10**6), dict(seed=2**40), dict(seed=-1)):
        with pytest.raises(ValueError, match="samples|seed"):
            BarrenPlateauView(**bad)
    with pytest.raises(ValueError, match="samples"):
        v.compute(samples=3)
    assert "samples" in v.message.value and len(v.fig.data) == 2  # last plot kept


def test_barren_plateau_stop_keeps_the_last_plot():
    v = BarrenPlateauView(n_qubits=(2, 3), n_layers=[1], samples=20, seed=1)
    v.compute()
    ys = list(v.fig.data[0].y)
    v._runner.flag.set()
    with pytest.raises(Exception, match="stopped"):
        v.compute(n_qubits=(2, 6), n_layers=[3])
    assert "stopped" in v.message.value and list(v.fig.data[0].y) == ys


# ---------------------------------------------------------------- page sync (issue 16, items 2, 3)
def _sent(fig, trait):
    seen = []
    fig.observe(lambda c: c["new"] is not None and seen.append(c["new"]), names=trait)
    return seen


def test_state_requested_later_is_the_current_figure_not_the_constructed_one(w):
    """Voilà asks for widget state after the notebook ran: the surface must not be 1×1."""
    w.set_span(1.0)
    state = w.surface_fig.get_state()
    surface = state["_widget_data"][0]
    assert surface["x"] == pytest.approx(list(w.scan.x)) and len(surface["z"]) == 9
    assert state["_widget_layout"]["title"]["text"] == w.surface_fig.layout.title.text


def test_batch_updates_never_send_the_undefined_placeholder(w):
    """The page's model stores '_undefined_' verbatim: a surface shown later had no x."""
    from qmlwidgets.widgets._figure import _plain

    figs = (w.fig, w.surface_fig, w.slice_fig)
    msgs = [_sent(f, "_py2js_update") for f in figs]
    w.run_optimizer("adam", steps=5)
    w.set_directions("axes")
    w.set_directions("pca")
    w.set_span(1.0)
    for fig, seen in zip(figs, msgs, strict=True):
        assert seen, "no update was sent"
        assert "_undefined_" not in repr(_plain(seen)), f"placeholder sent to {fig!r}"
    # and the page's copy, rebuilt from the messages as plotly's model does, matches Python
    data = w.surface_fig.get_state()["_widget_data"]
    assert data[0]["x"] == pytest.approx(list(w.scan.x))


def test_page_fit_helper_names_sliders_and_marks_the_container(w):
    from qmlwidgets.widgets._pagefit import CSS_CLASS, PageFit

    helper = [c for c in w.children if isinstance(c, PageFit)]
    assert len(helper) == 1 and CSS_CLASS in w._dom_classes
    assert helper[0].names["span ± (rad)"] == ["scan half-width in radians", "rad"]
    assert helper[0].layout.display == "none"
