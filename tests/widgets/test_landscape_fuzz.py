"""Hypothesis: drive every control of LandscapeExplorer and BarrenPlateauView with hostile values.

No exception escapes a control, nothing hangs (each example is time-boxed by a deadline), and
the widget keeps a consistent last good state (controls agree with the view).
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmlwidgets.widgets.landscape import BarrenPlateauView, LandscapeExplorer

HOSTILE_FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                           st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 12.5, 100.0]))
HOSTILE_INTS = st.one_of(st.integers(-10**9, 10**9), st.sampled_from([0, 1, 2, 3, 201, 202, -1]))


def _loss(X):
    out = np.cos(X[:, 0]) * np.sin(X[:, 1]) + 0.1 * X[:, 2]
    if np.any(np.abs(X) > 6):
        raise RuntimeError("hostile region")
    return out


ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("span"), HOSTILE_FLOATS),
    st.tuples(st.just("resolution"), HOSTILE_INTS),
    st.tuples(st.just("seed"), HOSTILE_INTS),
    st.tuples(st.just("direction"), st.sampled_from(["random", "axes", "pca", "bogus"])),
    st.tuples(st.just("axes"), st.tuples(st.integers(-2, 4), st.integers(-2, 4))),
    st.tuples(st.just("view"), st.sampled_from(["contour", "surface"])),
    st.tuples(st.just("slice"), st.sampled_from(["x", "y"])),
    st.tuples(st.just("arrows"), st.booleans()),
    st.tuples(st.just("a"), HOSTILE_FLOATS), st.tuples(st.just("b"), HOSTILE_FLOATS),
    st.tuples(st.just("steps"), st.integers(1, 8)),
    st.tuples(st.just("lr"), HOSTILE_FLOATS),
    st.tuples(st.just("optimizer"), st.sampled_from(["adam", "gd", "spsa", "cobyla"])),
    st.tuples(st.just("run"), st.none()), st.tuples(st.just("centre"), st.none()),
    st.tuples(st.just("click"), st.tuples(HOSTILE_FLOATS, HOSTILE_FLOATS)),
), min_size=1, max_size=8)


def _set(control, value):
    """Set a control as the front end would; traitlets may refuse a value (as the page does)."""
    try:
        control.value = value
    except Exception as exc:  # a TraitError is the control refusing, not the widget failing
        assert type(exc).__name__ == "TraitError", repr(exc)


@settings(max_examples=25, deadline=20_000, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_landscape_controls_survive_hostile_values(actions):
    from plotly.callbacks import InputDeviceState, Points

    w = LandscapeExplorer(None, _loss, point=np.zeros(3), resolution=5, span=1.0)
    for name, value in actions:
        if name == "span":
            _set(w.span_slider, value)
        elif name == "resolution":
            _set(w.resolution_slider, value)
        elif name == "seed":
            _set(w.seed_box, value)
        elif name == "direction":
            _set(w.direction_dropdown, value)
        elif name == "axes":
            _set(w.axis_x_dropdown, value[0])
            _set(w.axis_y_dropdown, value[1])
        elif name == "view":
            w.view_toggle.value = value
        elif name == "slice":
            w.slice_toggle.value = value
        elif name == "arrows":
            w.arrows_checkbox.value = value
        elif name in ("a", "b"):
            _set(w.a_box if name == "a" else w.b_box, value)
        elif name == "steps":
            w.steps_slider.value = value
        elif name == "lr":
            _set(w.lr_box, value)
        elif name == "optimizer":
            w.optimizer_dropdown.value = value
        elif name == "run":
            w.run_button.click()
        elif name == "centre":
            w.center_button.click()
        elif name == "click":
            pts = Points(point_inds=[0], xs=[value[0]], ys=[value[1]], trace_name="landscape",
                         trace_index=0)
            w._on_click(w.fig.data[0], pts, InputDeviceState(ctrl=False, alt=False, shift=False,
                                                              meta=False, button=0, buttons=1))
        # consistent last good state after every action
        assert w.resolution_slider.value == w.resolution
        assert w.direction_dropdown.value == w.direction_mode
        assert np.array(w.fig.data[0].z).shape == (w.resolution, w.resolution)
        assert math.isfinite(w.span) and 0 < w.span <= 4 * math.pi
        assert np.all(np.isfinite(w.point))
        assert w.view_toggle.value == w.view


@settings(max_examples=20, deadline=20_000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.tuples(st.just("qubits"), st.tuples(HOSTILE_INTS, HOSTILE_INTS)),
    st.tuples(st.just("layers"), st.one_of(st.text(max_size=12),
                                           st.sampled_from(["1", "0", "51", "1,,2", "9**9**9",
                                                            "-" * 300 + "1", "1e9", "nan"]))),
    st.tuples(st.just("costs"), st.sampled_from([(), ("global",), ("local",), ("global", "local")])),
    st.tuples(st.just("samples"), HOSTILE_INTS),
    st.tuples(st.just("seed"), HOSTILE_INTS),
    st.tuples(st.just("compute"), st.none()),
), min_size=1, max_size=6))
def test_barren_plateau_controls_survive_hostile_values(actions):
    v = BarrenPlateauView(n_qubits=(2, 3), n_layers=[1], samples=10, seed=0)
    for name, value in actions:
        if name == "qubits":
            lo, hi = value
            _set(v.qubits_slider, (min(lo, hi), max(lo, hi)))
            if v.qubits_slider.value[1] > 5:  # keep each example quick
                v.qubits_slider.value = (v.qubits_slider.value[0] if v.qubits_slider.value[0] <= 5
                                         else 2, 5)
        elif name == "layers":
            v.layers_text.value = value
        elif name == "costs":
            _set(v.costs_select, value)
        elif name == "samples":
            _set(v.samples_slider, min(value, 200) if value > 0 else value)
        elif name == "seed":
            _set(v.seed_box, value)
        else:
            ys = [list(t.y) for t in v.fig.data]
            v.compute_button.click()
            if v.message.value:  # refused: the last plot is kept
                assert [list(t.y) for t in v.fig.data] == ys
            else:
                assert len(v.fig.data) == len(v.costs_select.value) * len(v.results[
                    v.costs_select.value[0]].n_layers)
