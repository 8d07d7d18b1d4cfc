"""Static lesson pictures (qmlcourse.viz): they draw what they are given and reject bad input clearly."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from qmlwidgets import states as S  # noqa: E402
from qmlcourse import viz  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def bar_heights(ax, color=None):
    return [p.get_height() for p in ax.patches if color is None or p.get_facecolor() == to_rgba(color)]


# --------------------------------------------------------------------------- helpers
def test_basis_labels_are_qiskit_order():
    assert viz.basis_labels(1) == ["0", "1"]
    assert viz.basis_labels(3)[1] == "001" and viz.basis_labels(3)[4] == "100"
    with pytest.raises(ValueError, match="at least 1"):
        viz.basis_labels(0)


def test_counts_to_frequencies_dict_and_array():
    f = viz.counts_to_frequencies({"01": 3, "10": 1})
    assert f.tolist() == [0.0, 0.75, 0.25, 0.0]
    assert viz.counts_to_frequencies({"1": 5}, num_qubits=2).tolist() == [0.0, 1.0, 0.0, 0.0]
    assert viz.counts_to_frequencies([1, 3]).tolist() == [0.25, 0.75]
    assert viz.counts_to_frequencies({"0": 1}, shots=4).tolist() == [0.25, 0.0]
    assert viz.counts_to_frequencies({"0 1": 2}).tolist() == [0.0, 1.0, 0.0, 0.0]  # register spaces ignored


@pytest.mark.parametrize("counts, kw, match", [
    ({}, {}, "empty"),
    ({"2": 1}, {}, "bitstrings"),
    ({"111": 1}, {"num_qubits": 2}, "does not fit"),
    ([1, 2, 3], {}, "power of two"),
    ([1, -1], {}, "negative"),
    ([0, 0], {}, "0 shots"),
    ([1, 1], {"num_qubits": 2}, "needs 4"),
])
def test_counts_to_frequencies_rejects_bad_input(counts, kw, match):
    with pytest.raises(ValueError, match=match):
        viz.counts_to_frequencies(counts, **kw)


@pytest.mark.parametrize("angle, text", [
    (0.0, "0"), (np.pi, "π"), (-np.pi, "π"), (np.pi / 2, "π/2"), (-np.pi / 2, "−π/2"),
    (3 * np.pi / 4, "3π/4"), (-np.pi / 4, "−π/4"), (2 * np.pi + np.pi / 4, "π/4"), (1.0, "1.00"), (-1.0, "−1.00"),
    (np.pi / 12, "π/12"), (5 * np.pi / 6, "5π/6"),
])
def test_phase_text(angle, text):
    assert viz.phase_text(angle) == text


# --------------------------------------------------------------------------- Bloch sphere
def test_bloch_vectors_draws_one_arrow_per_nonzero_vector_with_legend():
    vecs = [[0, 0, 1], [1, 0, 0], [0, 0, 0]]
    ax = viz.plot_bloch_vectors(vecs, labels=["|0⟩", "|+⟩", "centre"], title="three")
    assert ax.name == "3d" and ax.get_title() == "three"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["|0⟩", "|+⟩", "centre"]
    quivers = [c for c in ax.collections if type(c).__name__ == "Line3DCollection"]
    assert len(quivers) == 2  # the zero vector has no arrow, only a dot
    basis = {t.get_text() for t in ax.texts}
    assert {"|0⟩", "|1⟩", "|+⟩", "|−⟩", "|+i⟩", "|−i⟩"} <= basis


def test_bloch_vectors_draws_paths_and_accepts_a_single_vector():
    path = S.rotation_path([0, 0, 1], *S.gate_axis_angle("h"))
    ax = viz.plot_bloch_vectors([1, 0, 0], paths=[path], path_colors="red", show_basis_labels=False)
    assert ax.get_legend() is None and not ax.texts
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_color() == "red"
    xs, ys, zs = dashed[0].get_data_3d()
    assert np.allclose([xs[-1], ys[-1], zs[-1]], [1, 0, 0], atol=1e-9)


def test_bloch_vectors_into_existing_3d_axes():
    fig, axes = plt.subplots(1, 2, subplot_kw={"projection": "3d"})
    out = viz.plot_bloch_vectors(np.array([[0, 0.5, 0]]), ax=axes[1], colors=["k"])
    assert out is axes[1]


@pytest.mark.parametrize("vectors, match", [
    ([[1, 0]], "shape"),
    ([2, 0, 0], "at most 1"),
    ([[np.nan, 0, 0]], "NaN"),
    ("abc", "real numbers"),
])
def test_bloch_vectors_rejects_bad_vectors(vectors, match):
    with pytest.raises(ValueError, match=match):
        viz.plot_bloch_vectors(vectors)


def test_bloch_vectors_rejects_2d_axes_and_mismatched_labels():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="3-D Axes"):
        viz.plot_bloch_vectors([0, 0, 1], ax=ax)
    with pytest.raises(ValueError, match="one label per item"):
        viz.plot_bloch_vectors([[0, 0, 1], [1, 0, 0]], labels=["only one"])
    with pytest.raises(ValueError, match="one colour per item"):
        viz.plot_bloch_vectors([[0, 0, 1], [1, 0, 0]], colors=["r"])
    with pytest.raises(ValueError, match="points"):
        viz.plot_bloch_vectors([0, 0, 1], paths=[[0, 0, 1]])


def test_bloch_circle_projects_onto_the_plane():
    ax = viz.plot_bloch_circle([[0.6, 0.0, 0.8], [0.0, 0.5, 0.0]], labels=["a", "b"], plane="xy")
    dots = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert np.allclose(dots[0].get_xydata(), [[0.6, 0.0]])
    assert np.allclose(dots[1].get_xydata(), [[0.0, 0.5]])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    assert {"|+⟩", "|−⟩", "|+i⟩", "|−i⟩"} == {t.get_text() for t in ax.texts if t.get_text()}
    with pytest.raises(ValueError, match="plane"):
        viz.plot_bloch_circle([0, 0, 1], plane="xx")


# --------------------------------------------------------------------------- amplitudes
def test_amplitudes_heights_and_phase_colours():
    psi = np.array([1, 1j, -1, 0]) / np.sqrt(3)
    ax = viz.plot_amplitudes(psi, title="psi")
    heights = bar_heights(ax)
    assert np.allclose(heights, np.abs(psi))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["|00⟩", "|01⟩", "|10⟩", "|11⟩"]
    assert [t.get_text() for t in ax.texts] == ["0", "π/2", "π"]  # no phase text on the zero amplitude
    faces = [p.get_facecolor() for p in ax.patches]
    assert faces[0] != faces[1] != faces[2]  # different phases, different colours
    assert faces[3] == to_rgba("#cccccc")  # zero amplitude: grey, whatever its phase
    assert faces[0] == viz.PHASE_CMAP(0.5)  # phase 0 sits in the middle of the colormap
    assert len(ax.figure.axes) == 2  # bar chart + colour bar


def test_amplitudes_same_colour_for_plus_and_minus_pi():
    ax = viz.plot_amplitudes([np.exp(1j * np.pi) / np.sqrt(2), np.exp(-1j * (np.pi - 1e-12)) / np.sqrt(2)],
                             colorbar=False, show_phases=False)
    a, b = (np.array(p.get_facecolor()) for p in ax.patches)
    assert np.allclose(a, b, atol=0.02)
    assert len(ax.figure.axes) == 1 and not ax.texts


def test_amplitudes_accepts_statevector():
    from qiskit.quantum_info import Statevector

    ax = viz.plot_amplitudes(Statevector.from_label("+1"), colorbar=False)
    assert np.allclose(bar_heights(ax), [0, 2**-0.5, 0, 2**-0.5])


@pytest.mark.parametrize("state, match", [
    ([1, 0, 0], "power of two"),
    ([[1, 0], [0, 0]], "1-D"),
    (["a", "b"], "1-D"),
    ([np.inf, 0], "NaN or infinite"),
])
def test_amplitudes_rejects_bad_state(state, match):
    with pytest.raises(ValueError, match=match):
        viz.plot_amplitudes(state)


# --------------------------------------------------------------------------- sampling
def test_probabilities_vs_counts_bars_side_by_side():
    ax = viz.plot_probabilities_vs_counts([0.5, 0, 0, 0.5], {"00": 30, "11": 70})
    exact = bar_heights(ax, viz._EXACT_COLOR)
    sampled = bar_heights(ax, viz._SAMPLED_COLOR)
    assert exact == [0.5, 0, 0, 0.5]
    assert np.allclose(sampled, [0.3, 0, 0, 0.7])
    assert ax.get_title() == "100 shots"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["exact", "sampled"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["00", "01", "10", "11"]


def test_probabilities_vs_counts_options():
    _, ax = plt.subplots()
    out = viz.plot_probabilities_vs_counts([1.0, 0.0], [1, 0], ax=ax, title="one", legend=False)
    assert out is ax and ax.get_title() == "one" and ax.get_legend() is None
    ax2 = viz.plot_probabilities_vs_counts([0.25, 0.75], None, labels=["a", "b"])
    assert bar_heights(ax2) == [0.25, 0.75] and ax2.get_title() == "exact probabilities"
    ax3 = viz.plot_probabilities_vs_counts([0.5, 0.5], {"0": 1}, shots=1)
    assert ax3.get_title() == "1 shot"


@pytest.mark.parametrize("probs, counts, match", [
    ([0.7, 0.7], None, "add up to 1"),
    ([0.5, 0.5, 0.0], None, "power of two"),
    ([0.5, 0.5], {"0": 0, "1": 0}, "0 shots"),
])
def test_probabilities_vs_counts_rejects_bad_input(probs, counts, match):
    with pytest.raises(ValueError, match=match):
        viz.plot_probabilities_vs_counts(probs, counts)


# --------------------------------------------------------------------------- ket text
@pytest.mark.parametrize("state, text", [
    ([1, 0], "|0⟩"),
    ([0, -1], "−|1⟩"),
    ([1j, 0], "i|0⟩"),
    ([0.6, -0.8j], "0.6|0⟩ − 0.8i|1⟩"),
    ([-0.6, 0.8], "−0.6|0⟩ + 0.8|1⟩"),
    ([0.5 + 0.5j, -0.5 + 0.5j], "(0.5+0.5i)|0⟩ + (−0.5+0.5i)|1⟩"),
    (np.array([1, 0, 0, 1]) / np.sqrt(2), "0.7071|00⟩ + 0.7071|11⟩"),
    ([1e-9, 0, 1, 0], "|10⟩"),
    ([0, 0], "0"),
])
def test_ket_text(state, text):
    assert viz.ket_text(state) == text


def test_ket_text_qiskit_order_digits_and_errors():
    from qiskit.quantum_info import Statevector

    assert viz.ket_text(Statevector.from_label("01")) == "|01⟩"
    assert viz.ket_text(np.array([1, 1]) / np.sqrt(2), digits=2) == "0.71|0⟩ + 0.71|1⟩"
    with pytest.raises(ValueError, match="power of two"):
        viz.ket_text([1, 0, 0])
    with pytest.raises(ValueError, match="1-D"):
        viz.ket_text(np.eye(2))
