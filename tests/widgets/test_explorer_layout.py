"""Bloch and circuit explorers size to the cell (issue 16 item 5): layout and trait state, headless.

The page side (figures inside their cell, controls and plots on one screen at 1280×800 and
1920×1080) is tested in tests/browser/test_explorer_fit.py; here: no figure has a pixel width,
every figure follows its container (plotly ``responsive``), sits in a flex slot with a minimum
and a maximum width, the explorer carries a PageFit (which re-fits the figures when the cell
changes), and the controls come before the plots' row so that both fit one screen.
"""
from __future__ import annotations

import ipywidgets as W
import pytest
from qiskit.quantum_info import Statevector

from qmlwidgets.widgets._figure import ResendOnDisplay, figures_in
from qmlwidgets.widgets._pagefit import CSS_CLASS, PageFit
from qmlwidgets.widgets.bloch import BlochExplorer
from qmlwidgets.widgets.circuit import CircuitExplorer


def _px(value: str | None) -> float:
    assert value and value.endswith("px"), value
    return float(value[:-2])


def _parent(root: W.Widget, child: W.Widget) -> W.Box:
    stack = [root]
    while stack:
        w = stack.pop()
        kids = getattr(w, "children", ()) or ()
        if any(k is child for k in kids):
            return w
        stack.extend(kids)
    raise AssertionError(f"{child!r} is not inside {root!r}")


def _path(root: W.Widget, child: W.Widget) -> list[int]:
    """Child indexes from ``root`` down to ``child`` (document order of the widget tree)."""
    if root is child:
        return []
    for i, k in enumerate(getattr(root, "children", ()) or ()):
        try:
            return [i, *_path(k, child)]
        except AssertionError:
            continue
    raise AssertionError(f"{child!r} is not inside {root!r}")


def assert_responsive(explorer: W.Box) -> None:
    """Every figure: no pixel width, autosize, responsive config, alone in a flex slot with min/max width."""
    figs = figures_in(explorer)
    assert figs
    for fig in figs:
        assert fig.layout.width is None, f"figure has a fixed width of {fig.layout.width}px"
        assert fig.layout.autosize is True and fig.layout.height
        assert fig._config.get("responsive") is True
        slot = _parent(explorer, fig)
        assert slot.children == (fig,), "each figure sits alone in its slot"
        flex = slot.layout.flex or ""
        grow, shrink, basis = flex.split()
        assert grow == "1" and shrink == "1", flex
        assert _px(slot.layout.min_width) <= _px(basis) <= _px(slot.layout.max_width)
        assert _px(slot.layout.min_width) <= 280, "a figure must fit a narrow cell"
        row = _parent(explorer, slot)
        assert row.layout.flex_flow == "row wrap" and row.layout.width == "100%"
    helpers = [k for k in explorer.children if isinstance(k, PageFit)]
    assert len(helpers) == 1 and CSS_CLASS in explorer._dom_classes
    assert explorer.layout.width == "100%"


@pytest.mark.parametrize("state", [None, Statevector.from_label("01"), Statevector.from_label("0+1-0")])
def test_bloch_explorer_figures_follow_the_cell(state):
    w = BlochExplorer(state)
    assert_responsive(w)
    n = w.num_qubits
    slot = _parent(w, w.figure)
    assert _px(slot.layout.max_width) >= 330 * min(n, 3), "spheres may grow to their natural size"


def test_bloch_one_qubit_sphere_and_histogram_share_the_top_row_before_the_controls():
    """One qubit: [sphere | histogram] row, then the sliders and buttons (both fit 1280×800)."""
    w = BlochExplorer()
    top = w.children[0]
    assert figures_in(top) == [w.figure, w.histogram]
    assert _path(w, w.figure) < _path(w, w.theta_slider) < _path(w, w.measure_button)
    assert w.figure.layout.height == w.histogram.layout.height <= 340


def test_bloch_layout_and_page_fit_survive_a_change_of_qubit_count():
    w = BlochExplorer()
    helper = next(k for k in w.children if isinstance(k, PageFit))
    w.set_state(Statevector.from_label("0+1"))
    assert_responsive(w)
    assert [k for k in w.children if isinstance(k, PageFit)] == [helper]  # the same helper, not lost
    assert figures_in(w.children[0]) == [w.figure]  # three spheres take the top row, histogram below
    w.undo()
    assert_responsive(w)
    assert figures_in(w.children[0]) == [w.figure, w.histogram]


def test_bloch_slider_names_carry_units():
    w = BlochExplorer()
    names = next(k for k in w.children if isinstance(k, PageFit)).names
    for slider in (w.theta_slider, w.phi_slider, w.angle_slider):
        assert names[slider.description][1] == "rad"


def test_circuit_explorer_figures_follow_the_cell():
    w = CircuitExplorer(num_qubits=3)
    assert_responsive(w)
    row = _parent(w, _parent(w, w.prob_fig))
    assert figures_in(row) == [w.prob_fig, w.amp_fig], "probabilities and amplitudes side by side"


def test_circuit_controls_and_message_come_before_the_plots():
    """Palette, Measure, message, diagram and sliders above the figures: a screen shows them with the plots."""
    w = CircuitExplorer(num_qubits=2).add("rx", "theta", 0)
    plots = _path(w, w.prob_fig)
    for control in (w.add_button, w.measure_button, w.message, w.diagram, w.step_slider,
                    w.parameter_sliders["theta"]):
        assert _path(w, control) < plots, control
    for slider in (w.step_slider, w.parameter_sliders["theta"]):
        assert slider.layout.max_width == "100%"


def test_rebuilt_figure_keeps_following_the_cell():
    """A figure rebuilt after its page model went deaf is still responsive and still in its slot."""
    w = CircuitExplorer(num_qubits=2)
    old = w.prob_fig
    slot = _parent(w, old)
    ResendOnDisplay._rebuild_figure(w, old)
    assert w.prob_fig is not old and slot.children == (w.prob_fig,)
    assert_responsive(w)
