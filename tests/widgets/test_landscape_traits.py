"""LandscapeExplorer state as traitlets (issue 19): observe fires once per change whichever way
it came, link keeps two explorers in step, bad input is a clear TraitError and keeps the last
good state, read-only traits refuse sets. Also: an axes plane shows absolute parameter values
(lesson 11 could read an angle off the picture)."""
from __future__ import annotations

import numpy as np
import pytest
import traitlets
from plotly.callbacks import InputDeviceState, Points
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from qmlwidgets.landscape_model import LandscapeModel
from qmlwidgets.widgets.landscape import LandscapeExplorer

TRAITS = ("point", "center", "span", "resolution", "shots", "view", "direction_mode", "axes",
          "slice_axis", "gradient_arrows", "result")


def _loss(X):
    X = np.atleast_2d(X)
    return np.sum(np.sin(X) ** 2, axis=1) + 0.1 * X[:, 0]


def _explorer(**kw):
    args = {"point": [0.4, -0.2, 1.0], "resolution": 5, "span": 1.0, **kw}
    return LandscapeExplorer(None, _loss, **args)


@pytest.fixture
def w():
    return _explorer()


class Log:
    """Every trait notification, as (name, old, new)."""

    def __init__(self, widget):
        self.events = []
        widget.observe(lambda c: self.events.append((c["name"], c["old"], c["new"])),
                       names=list(TRAITS))

    def names(self):
        return [e[0] for e in self.events]

    def clear(self):
        self.events.clear()


def _figure_state(w):
    c = w.fig.data[0]
    return (np.array(c.x).copy(), np.array(c.y).copy(), np.array(c.z).copy(),
            w.fig.layout.xaxis.title.text, tuple(w.fig.data[3].x), np.array(w.slice_fig.data[0].x))


def _same_figure(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))


def test_traits_are_documented_kernel_side_and_hold_todays_values(w):
    for name in TRAITS:
        trait = w.traits()[name]
        assert trait.metadata.get("sync") is False, name
        assert trait.help, name
        assert name in LandscapeExplorer.__doc__
    assert "State (traitlets)" in LandscapeExplorer.__doc__
    assert isinstance(w.point, np.ndarray) and isinstance(w.center, np.ndarray)
    np.testing.assert_array_equal(w.point, [0.4, -0.2, 1.0])
    assert (w.span, w.resolution, w.shots, w.view, w.direction_mode, w.axes, w.slice_axis,
            w.gradient_arrows, w.result) == (1.0, 5, 0, "contour", "random", (0, 1), "x",
                                             False, None)
    assert isinstance(w.model, LandscapeModel)
    with pytest.raises(ValueError, match="read-only"):
        w.point[0] = 3.0  # a snapshot: it cannot silently disagree with the model


@pytest.mark.parametrize("how", ["control", "method", "trait"])
def test_span_change_notifies_once_whichever_way(w, how):
    log = Log(w)
    {"control": lambda: setattr(w.span_slider, "value", 2.0),
     "method": lambda: w.set_span(2.0),
     "trait": lambda: setattr(w, "span", 2.0)}[how]()
    assert log.events == [("span", 1.0, 2.0)]
    assert w.span == w.model.span == 2.0 and w.span_slider.value == 2.0
    assert w.scan.x[-1] == pytest.approx(2.0) and w.fig.layout.xaxis.range[1] == pytest.approx(2.0)


@pytest.mark.parametrize("how", ["control", "method", "trait"])
def test_resolution_shots_view_slice_arrows_notify_once(how):
    from qiskit.circuit.library import real_amplitudes

    w = LandscapeExplorer(real_amplitudes(2, reps=1), "ZZ", point=np.zeros(4), resolution=5)
    log = Log(w)
    steps = {
        "control": [lambda: setattr(w.resolution_slider, "value", 7),
                    lambda: setattr(w.shots_dropdown, "value", 100),
                    lambda: setattr(w.view_toggle, "value", "surface"),
                    lambda: setattr(w.slice_toggle, "value", "y"),
                    lambda: setattr(w.arrows_checkbox, "value", True)],
        "method": [lambda: w.set_resolution(7), lambda: w.set_shots(100),
                   lambda: w.set_view("surface"), lambda: w.set_slice_axis("y"),
                   lambda: w.show_gradients(True)],
        "trait": [lambda: setattr(w, "resolution", 7), lambda: setattr(w, "shots", 100),
                  lambda: setattr(w, "view", "surface"), lambda: setattr(w, "slice_axis", "y"),
                  lambda: setattr(w, "gradient_arrows", True)],
    }[how]
    for step in steps:
        step()
    assert log.events == [("resolution", 5, 7), ("shots", 0, 100), ("view", "contour", "surface"),
                          ("slice_axis", "x", "y"), ("gradient_arrows", False, True)]
    assert w.scan.values.shape == (7, 7) and w.scan.shots == 100
    assert w.fig.data[1].visible is True and w.slice_fig.layout.xaxis.title.text == "direction 2"


@pytest.mark.parametrize("how", ["control", "method", "trait"])
def test_direction_mode_and_axes_notify_once(w, how):
    log = Log(w)
    {"control": lambda: setattr(w.direction_dropdown, "value", "axes"),
     "method": lambda: w.set_directions("axes"),
     "trait": lambda: setattr(w, "direction_mode", "axes")}[how]()
    assert log.events == [("direction_mode", "random", "axes")]
    log.clear()
    {"control": lambda: setattr(w.axis_y_dropdown, "value", 2),
     "method": lambda: w.set_directions("axes", 0, 2),
     "trait": lambda: setattr(w, "axes", (0, 2))}[how]()
    assert log.events == [("axes", (0, 1), (0, 2))]
    np.testing.assert_array_equal(w.directions, np.eye(3)[[0, 2]])


def test_setting_axes_shows_that_plane(w):
    log = Log(w)
    w.axes = (0, 1)  # the pair already stored, but the plane was random: now it is shown
    assert w.direction_mode == "axes" and log.names() == ["direction_mode"]


@pytest.mark.parametrize("how", ["click", "box", "method"])
def test_moving_the_point_notifies_point_once(w, how):
    log = Log(w)
    before = w.point
    if how == "click":
        w.fig.data[0]._dispatch_on_click(Points(point_inds=[[1, 2]], xs=[0.5], ys=[-0.25],
                                                trace_name="landscape", trace_index=0),
                                         InputDeviceState())
    elif how == "box":
        w.a_box.value = 0.5
        log.clear()  # the first box moved a only; count the second change alone
        before = w.point
        w.b_box.value = -0.25
    else:
        w.move_to(0.5, -0.25)
    assert log.names() == ["point"]
    name, old, new = log.events[0]
    np.testing.assert_array_equal(old, before)
    np.testing.assert_allclose(new, w.model.point)
    assert w.point_coordinates == pytest.approx((0.5, -0.25))


def test_point_trait_set_rescans_around_it(w):
    log = Log(w)
    w.point = [0.1, 0.2, 0.3]
    assert sorted(log.names()) == ["center", "point"]
    np.testing.assert_array_equal(w.point, [0.1, 0.2, 0.3])
    np.testing.assert_array_equal(w.center, [0.1, 0.2, 0.3])
    np.testing.assert_array_equal(w.scan.point, [0.1, 0.2, 0.3])


def test_run_button_and_method_notify_point_and_result_once(w):
    log = Log(w)
    w.steps_slider.value = 5
    w.run_button.click()
    assert sorted(log.names()) == ["point", "result"]
    res = w.result
    assert res is w.model.result and res.nit == 5
    log.clear()
    w.run_optimizer("gd", steps=4, lr=0.1)
    assert sorted(log.names()) == ["point", "result"]
    log.clear()
    w.direction_mode = "pca"  # plane refit: mode, centre and span change, once each
    assert sorted(log.names()) == ["center", "direction_mode", "span"]
    log.clear()
    w.recenter()  # the point is the PCA centre already: nothing changes
    assert log.events == []


def test_link_keeps_two_explorers_in_step():
    a, b = _explorer(), _explorer()
    links = [traitlets.link((a, n), (b, n)) for n in ("span", "resolution", "direction_mode",
                                                       "axes", "view")]
    a.span_slider.value = 2.0
    assert b.span == 2.0 and b.scan.x[-1] == pytest.approx(2.0)
    b.set_resolution(7)
    assert a.resolution == 7 and a.scan.values.shape == (7, 7)
    a.axes = (1, 2)
    assert b.direction_mode == "axes" and b.axes == (1, 2)
    np.testing.assert_array_equal(b.directions, np.eye(3)[[1, 2]])
    b.view_toggle.value = "surface"
    assert a.view == "surface"
    for link in links:
        link.unlink()
    point = traitlets.dlink((a, "point"), (b, "point"))  # arrays: one way (no == between them)
    a.move_to(0.3, 0.0)
    np.testing.assert_allclose(b.point, a.point)
    point.unlink()


@pytest.mark.parametrize("name, value, match", [
    ("span", -1.0, r"span: span must be in \(0, 12.57\]"),
    ("span", "wide", "'span' trait .* expected a float"),
    ("resolution", 1, "resolution: resolution must be between 3 and 201"),
    ("shots", 100, "shots: "),  # a loss callable cannot be sampled
    ("view", "table", "view: view must be 'contour' or 'surface'"),
    ("direction_mode", "pca", "direction_mode: PCA directions need an optimiser run"),
    ("direction_mode", "diagonal", "direction_mode: directions must be 'random', 'axes' or 'pca'"),
    ("axes", (1, 1), "axes: the two parameter axes must differ"),
    ("axes", (0, 9), "axes: "),
    ("slice_axis", "z", "slice_axis: slice axis must be 'x' or 'y'"),
    ("point", [1.0, 2.0], "point: "),
    ("point", "origin", "point: "),
])
def test_bad_trait_input_is_a_clear_error_and_keeps_the_last_good_state(w, name, value, match):
    w.set_directions("axes", 0, 1).set_span(0.5)
    log = Log(w)
    plane, scan, point = w.model.plane, w.model.scan, w.point
    traits = {n: getattr(w, n) for n in TRAITS}
    figure = _figure_state(w)
    controls = (w.span_slider.value, w.resolution_slider.value, w.direction_dropdown.value,
                w.a_box.value, w.view_toggle.value)
    with pytest.raises(traitlets.TraitError, match=match):
        setattr(w, name, value)
    assert log.events == []
    for n, v in traits.items():
        now = getattr(w, n)
        assert np.array_equal(now, v) if isinstance(v, np.ndarray) else now == v, n
    assert w.model.plane is plane and w.model.scan is scan
    np.testing.assert_array_equal(w.model.point, point)
    assert _same_figure(figure, _figure_state(w))
    assert controls == (w.span_slider.value, w.resolution_slider.value,
                        w.direction_dropdown.value, w.a_box.value, w.view_toggle.value)


@pytest.mark.parametrize("name, value", [("center", np.zeros(3)), ("result", None)])
def test_read_only_traits_refuse_sets(w, name, value):
    with pytest.raises(traitlets.TraitError, match=f"\"{name}\" trait is read-only"):
        setattr(w, name, value)


def test_methods_keep_raising_value_error(w):
    with pytest.raises(ValueError, match="span must be in"):
        w.set_span(0)
    assert w.span == 1.0 and "span must be in" in w.message.value


# ------------------------------------------------------------------ absolute angles on an axes plane
def _qaoa_like():
    beta, gamma = Parameter("β"), Parameter("γ")
    qc = QuantumCircuit(2)
    qc.h([0, 1])
    qc.rzz(gamma, 0, 1)
    qc.rx(2 * beta, [0, 1])
    return qc  # parameters sorted by name: 0 = β, 1 = γ


def test_axes_plane_names_parameters_and_shows_absolute_values():
    w = LandscapeExplorer(_qaoa_like(), "ZZ", point=[0.3, 0.42], resolution=5, span=0.5)
    w.set_directions("axes", 1, 0)  # x: γ, y: β (as lesson 11)
    assert (w.fig.layout.xaxis.title.text, w.fig.layout.yaxis.title.text) == ("γ", "β")
    assert (w.surface_fig.layout.scene.xaxis.title.text,
            w.surface_fig.layout.scene.yaxis.title.text) == ("γ", "β")
    c = w.fig.data[0]
    np.testing.assert_allclose(c.x, 0.42 + w.scan.x)  # absolute γ from 0.42 - 0.5 to 0.42 + 0.5
    np.testing.assert_allclose(c.y, 0.3 + w.scan.y)
    np.testing.assert_allclose(w.surface_fig.data[0].x, c.x)
    assert w.fig.layout.xaxis.range == pytest.approx((0.42 - 0.5, 0.42 + 0.5))
    assert "γ = %{x:.3f}" in c.hovertemplate and "β = %{y:.3f}" in c.hovertemplate
    assert "γ = %{x:.3f}" in w.surface_fig.data[0].hovertemplate
    assert tuple(w.fig.data[3].x) == pytest.approx((0.42,))
    assert tuple(w.fig.data[3].y) == pytest.approx((0.3,))
    assert "point: γ = 0.420, β = 0.300" in w.info.value
    assert w.slice_fig.layout.xaxis.title.text == "γ"
    np.testing.assert_allclose(w.slice_fig.data[0].x, 0.42 + w.slice.alphas)
    assert (w.a_box.description, w.b_box.description) == ("γ", "β")
    assert (w.a_box.value, w.b_box.value) == (0.42, 0.3)
    # a click and the boxes speak absolute values too
    c._dispatch_on_click(Points(point_inds=[[1, 2]], xs=[0.7], ys=[0.1], trace_name="landscape",
                                trace_index=0), InputDeviceState())
    np.testing.assert_allclose(w.point, [0.1, 0.7])
    assert "point: γ = 0.700, β = 0.100" in w.info.value
    w.b_box.value = 0.25
    np.testing.assert_allclose(w.point, [0.25, 0.7])
    assert w.point_coordinates == pytest.approx((0.7 - 0.42, 0.25 - 0.3))  # offsets, as before
    # an optimiser path is drawn in the same absolute coordinates
    res = w.run_optimizer("gd", steps=3, lr=0.1)
    np.testing.assert_allclose(w.fig.data[2].x, res.trajectory[:, 1])
    np.testing.assert_allclose(w.fig.data[2].y, res.trajectory[:, 0])
    w.show_gradients(True)
    xs = np.array([v for v in w.fig.data[1].x if v is not None])
    assert xs.min() >= 0.42 - 0.5 - 0.2 and xs.max() <= 0.42 + 0.5 + 0.2


def test_random_and_pca_planes_keep_offset_labels():
    w = LandscapeExplorer(_qaoa_like(), "ZZ", point=[0.3, 0.42], resolution=5, span=0.5)
    assert w.fig.layout.xaxis.title.text == "direction 1"
    np.testing.assert_allclose(w.fig.data[0].x, w.scan.x)
    assert w.fig.data[0].hovertemplate.startswith("a=%{x:.3f}")
    assert "point: a = +0.000, b = +0.000" in w.info.value
    assert w.a_box.description == "point a"
    w.set_directions("axes", 1, 0).set_directions("random")
    assert w.fig.data[0].hovertemplate.startswith("a=%{x:.3f}")
    assert w.a_box.description == "point a" and w.a_box.value == 0.0
    w.run_optimizer("gd", steps=4, lr=0.2)
    w.set_directions("pca")
    assert w.fig.layout.xaxis.title.text.startswith("PC1 (")
    np.testing.assert_allclose(w.fig.data[0].x, w.scan.x)
