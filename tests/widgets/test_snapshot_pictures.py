"""The still picture of each explorer (stored notebooks read without a kernel) shows what the live widget shows.

Each test builds the picture as a matplotlib Figure (``snapshot_figure``, the same drawing as the
``image/png`` of the widget's display bundle) and asserts on what was drawn.
"""
from __future__ import annotations

import base64
import math

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from qiskit.circuit.library import real_amplitudes
from qiskit.quantum_info import SparsePauliOp, Statevector

from qmlwidgets import BlochExplorer, CircuitExplorer, LandscapeExplorer
from qmlwidgets.widgets import _snapshot as snap
from qmlwidgets.widgets._figure import figures_in
from qmlwidgets.widgets.landscape import BarrenPlateauView
from qmlwidgets.widgets.sliderplot import SliderPlot


def picture(widget):
    """The widget's still picture as a Figure, built as its display bundle builds it."""
    return snap.widget_snapshot_figure(widget, figures_in(widget),
                                       caption=f"{widget!r} — still picture; run the notebook to use it")


def texts(fig):
    return [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]


def bundle_png(widget) -> bytes:
    return base64.b64decode(widget._repr_mimebundle_()["image/png"])


def proj_point(ax, p):
    from mpl_toolkits.mplot3d import proj3d

    x, y, _ = proj3d.proj_transform(p[0], p[1], p[2], ax.get_proj())
    return x, y


def screen_box(fig, ax, t, renderer):
    """Where a 3-D text lands on the picture (pixels): measured on a 2-D twin at its projected place."""
    x, y = ax.transData.transform(proj_point(ax, t.get_position_3d()))
    twin = fig.text(x, y, t.get_text(), transform=None, ha=t.get_ha(), va=t.get_va(), fontsize=t.get_fontsize())
    box = twin.get_window_extent(renderer)
    twin.remove()
    return box


def is3d(ax) -> bool:
    return getattr(ax, "name", "") == "3d"


# ------------------------------------------------------------------ 1. landscape
@pytest.fixture(scope="module")
def landscape():
    ra = real_amplitudes(2, reps=1)
    H = SparsePauliOp.from_list([("ZZ", 1.0), ("XI", 0.5)])
    ex = LandscapeExplorer(ra, H, point=np.zeros(ra.num_parameters), seed=3, resolution=15)
    ex.run_optimizer("adam", steps=20)
    ex.wait()
    return ex


def test_landscape_contour_once_with_path_point_and_titles(landscape):
    fig = picture(landscape)
    plots = [ax for ax in fig.axes if ax.get_title()]
    assert len(plots) == 2, [ax.get_title() for ax in fig.axes]  # the contour and the slice, no copy of it
    contour, sl = plots
    assert sum(len(ax.images) for ax in fig.axes) == 0  # no heat-map image drawn (twice or at all)
    assert any(isinstance(c, ContourSet) for c in contour.get_children())
    assert contour.get_xlabel() == landscape.fig.layout.xaxis.title.text
    assert contour.get_ylabel() == landscape.fig.layout.yaxis.title.text
    px, py = landscape.fig.data[2].x, landscape.fig.data[2].y  # the optimiser path
    assert len(px) > 2
    lines = {len(line.get_xdata()): line for line in contour.lines}
    path = lines[len(px)]
    np.testing.assert_allclose(path.get_xdata(), px)
    np.testing.assert_allclose(path.get_ydata(), py)
    point = [line for line in contour.lines if len(line.get_xdata()) == 1]
    assert point and point[0].get_marker() == "x"
    assert sl.get_title().startswith("slice through the point")
    assert sl.lines and len(sl.lines[0].get_xdata()) > 2


def test_landscape_gradient_arrows_when_shown(landscape):
    landscape.show_gradients(True)
    landscape.wait()
    try:
        contour = [ax for ax in picture(landscape).axes if ax.get_title()][0]
        arrows = landscape.fig.data[1]
        assert arrows.visible is not False and len(arrows.x) > 10
        assert any(len(line.get_xdata()) == len(arrows.x) for line in contour.lines)
    finally:
        landscape.show_gradients(False)
        landscape.wait()


def test_landscape_surface_view_is_a_3d_surface(landscape):
    landscape.set_view("surface")
    landscape.wait()
    try:
        fig = picture(landscape)
        assert sum(is3d(ax) for ax in fig.axes) == 1
        assert not any(isinstance(c, ContourSet) for ax in fig.axes for c in ax.get_children())
    finally:
        landscape.set_view("contour")
        landscape.wait()


# ------------------------------------------------------------------ 2. and 3. Bloch spheres
def test_bloch_one_sphere_per_qubit_with_titles():
    state = Statevector([np.cos(0.4), 0, 0, 1j * np.sin(0.4)]).tensor(Statevector.from_label("+"))
    b = BlochExplorer(state, seed=5)
    fig = picture(b)
    spheres = [ax for ax in fig.axes if is3d(ax)]
    assert len(spheres) == 3
    assert [ax.get_title().replace(" ◀", "") for ax in spheres] == ["qubit 0", "qubit 1", "qubit 2"]
    rows = {round(ax.get_position().y0, 3) for ax in spheres}
    assert len(rows) == 1  # side by side
    for ax, r in zip(spheres, b.bloch_vectors, strict=True):  # each sphere carries its own qubit's vector
        tips = [line.get_data_3d() for line in ax.lines if len(line.get_data_3d()[0]) == 2]
        ends = [np.array([xs[1], ys[1], zs[1]]) for xs, ys, zs in tips if np.allclose([xs[0], ys[0], zs[0]], 0)]
        assert any(np.allclose(e, r, atol=1e-6) for e in ends), (ends, r)


def test_bloch_projection_is_the_cameras_and_the_arrow_is_unit_length():
    psi = np.array([np.cos(np.pi / 6), np.exp(1j * np.pi / 6) * np.sin(np.pi / 6)])  # lesson 01
    b = BlochExplorer(psi, seed=11)
    fig = picture(b)
    (ax,) = [a for a in fig.axes if is3d(a)]
    eye = b.figure.layout.scene.camera.eye
    assert ax.azim == pytest.approx(math.degrees(math.atan2(eye.y, eye.x)))
    assert ax.elev == pytest.approx(math.degrees(math.atan2(eye.z, math.hypot(eye.x, eye.y))))
    r = np.array([math.sin(math.pi / 3) * math.cos(math.pi / 6), math.sin(math.pi / 3) * math.sin(math.pi / 6),
                  math.cos(math.pi / 3)])
    arrows = [np.array(line.get_data_3d())[:, 1] for line in ax.lines
              if np.array(line.get_data_3d()).shape == (3, 2) and np.allclose(np.array(line.get_data_3d())[:, 0], 0)]
    assert any(np.allclose(a, r, atol=1e-6) for a in arrows)  # drawn in 3-D, unit length, its true direction
    labels = {t.get_text(): np.array(t.get_position_3d()) for t in ax.texts if t.get_text().startswith("|")}
    assert set(labels) == {"|0⟩", "|1⟩", "|+⟩", "|−⟩", "|+i⟩", "|−i⟩"}
    tips = {"|0⟩": (0, 0, 1), "|1⟩": (0, 0, -1), "|+⟩": (1, 0, 0), "|−⟩": (-1, 0, 0), "|+i⟩": (0, 1, 0),
            "|−i⟩": (0, -1, 0)}
    for name, where in labels.items():  # at the axis tips (just outside the unit sphere)
        np.testing.assert_allclose(where, 1.04 * np.array(tips[name]), atol=1e-9)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # 3-D texts are placed on the screen when drawn
    renderer = canvas.get_renderer()
    boxes = [screen_box(fig, ax, t, renderer) for t in ax.texts if t.get_text() in labels]
    for i, a in enumerate(boxes):  # labels stay off each other
        for b_ in boxes[i + 1:]:
            assert not a.overlaps(b_), (a, b_)
    tip = ax.transData.transform(proj_point(ax, r))  # lesson 01's ψ does not end on a label
    for t in ax.texts:
        if t.get_text() in labels:
            assert not screen_box(fig, ax, t, renderer).contains(*tip), t.get_text()


# ------------------------------------------------------------------ 4. controls and readouts
def test_slider_value_and_readout_under_the_figure_and_caption_not_cut():
    w = SliderPlot(theta=np.pi / 3)
    fig = picture(w)
    words = "\n".join(texts(fig))
    assert "θ (rad) = 1.05" in words
    assert "P(0) = 0.750" in words and "P(1) = 0.250" in words
    caption = "SliderPlot(theta=1.05) — still picture; run the notebook to use it"
    assert any(t.get_text().replace("\n", " ") == caption for t in fig.texts)
    width_px = fig.get_figwidth() * fig.dpi
    renderer = FigureCanvasAgg(fig).get_renderer()
    for t in fig.texts:  # nothing runs off the picture
        box = t.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width_px + 1, t.get_text()
    notes = snap.widget_notes(w)
    assert len("\n".join(notes).splitlines()) <= 6
    w.slider.value = 2.0
    assert "θ (rad) = 2.00" in "\n".join(texts(picture(w)))


def test_hidden_controls_are_left_out():
    ra = real_amplitudes(2, reps=1)
    ex = LandscapeExplorer(ra, SparsePauliOp("ZZ"), seed=1, resolution=9)
    line = snap.control_values(ex)
    assert "directions = " in line and "resolution = 9" in line
    assert "x axis" not in line  # its dropdown is hidden until directions = axes


def test_bundle_png_is_the_picture_and_fast():
    import time

    w = SliderPlot(theta=0.5)
    t = time.perf_counter()
    png = bundle_png(w)
    assert time.perf_counter() - t < 3.0  # ~0.3 s here; generous for a loaded CI machine
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ 5. circuit explorer
def test_circuit_diagram_in_the_picture_and_no_phase_scale_dot():
    e = CircuitExplorer(num_qubits=2, seed=5)
    e.add("h", 0).add("cx", 0, 1)
    fig = picture(e)
    mono = [t for t in fig.texts if "monospace" in t.get_fontfamily()]
    assert mono and "q_0" in mono[0].get_text() and "q_1" in mono[0].get_text()
    assert mono[0].get_text().count("H") >= 1
    for ax in fig.axes:
        legend = ax.get_legend()
        names = [t.get_text() for t in legend.get_texts()] if legend else []
        assert "phase scale" not in names
        assert not any(len(line.get_xdata()) == 1 and not np.isfinite(line.get_ydata()).any() for line in ax.lines)
    assert "step = 2" in "\n".join(texts(fig))
    probs, amps = [ax for ax in fig.axes if ax.get_title()]
    assert [t.get_text() for t in probs.get_xticklabels()] == ["00", "01", "10", "11"]
    phases = [t.get_text() for t in amps.texts]  # without the colour bar, each bar carries its phase
    assert phases == ["0", "0"]  # |00⟩ and |11⟩, both with phase 0


# ------------------------------------------------------------------ 6. barren plateau view
def test_barren_plateau_before_compute_shows_a_note_not_empty_axes():
    v = BarrenPlateauView(n_qubits=(2, 3), n_layers=[1], samples=10, seed=1)
    fig = picture(v)
    assert "press Compute (or call .compute()) to fill this plot" in " ".join(
        t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts)
    assert not any(ax.lines for ax in fig.axes)
    assert [ax.get_title() for ax in fig.axes] == ["Var[∂C/∂θ₀] over random parameters"]
    assert snap.snapshot_figure([], empty_note="x").axes[0].texts[0].get_text() == "x"
    v.compute()
    v.wait()
    fig = picture(v)
    assert any(ax.lines for ax in fig.axes)
    assert not any("press Compute" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_picture_never_raises_on_odd_figures():
    import plotly.graph_objects as go

    odd = go.Figure([go.Scatter(x=[1, 2], y=[1, 2], line={"color": "rgba(1,2,3,0.5)"}),
                     go.Scatter(x=[1, 2], y=[1, 2], marker={"color": "hsl(0, 100%, 50%)"}),
                     go.Scatter3d(x=[0, 1], y=[0, 1], z=[0, None], mode="lines+text", text=["a", "b"])])
    fig = snap.snapshot_figure([odd, {"data": "junk"}], notes=["x" * 500], diagram="a\nb")
    assert fig.axes
