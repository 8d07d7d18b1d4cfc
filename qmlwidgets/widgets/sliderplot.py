"""A first widget: one slider driving a plotly bar chart of measurement probabilities.

Used in lesson 00 to show how the course's widgets work before the big explorers.

Example::

    >>> from qmlwidgets.widgets.sliderplot import SliderPlot
    >>> w = SliderPlot(theta=0.0)
    >>> w.slider.value = 3.1416 / 2      # drag the slider ...
    >>> [round(p, 3) for p in w.figure.data[0].y]   # ... and the bars follow
    [0.5, 0.5]
"""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from qmlwidgets.widgets._figure import CourseFigure, ResendOnDisplay
from qmlwidgets.widgets._pagefit import fit_to_page


def rotation_probabilities(theta: float) -> tuple[float, float]:
    """Probabilities of measuring 0 and 1 after RY(theta) on |0>: (cos²(θ/2), sin²(θ/2))."""
    if not np.isfinite(theta):
        raise ValueError(f"theta must be a finite angle in radians, got {theta!r}")
    c = math.cos(theta / 2) ** 2
    return c, 1.0 - c


class SliderPlot(ResendOnDisplay, widgets.VBox):
    """RY(θ)|0⟩: a slider for θ (radians) and a live bar chart of P(0), P(1)."""

    def __init__(self, theta: float = 0.0) -> None:
        rotation_probabilities(theta)  # validates
        # step 1/64 is exact in binary: the handle never announces 0.07000000000000001
        self.slider = widgets.FloatSlider(value=theta, min=0.0, max=2 * math.pi, step=1 / 64,
                                          description="θ (rad)", continuous_update=True,
                                          readout_format=".2f",
                                          tooltip="rotation angle θ of RY(θ), in radians")
        self.figure = CourseFigure(
            data=[go.Bar(x=["0", "1"], y=list(rotation_probabilities(theta)),
                         marker_color=["#1f77b4", "#ff7f0e"])],
            layout=go.Layout(autosize=True, height=300, margin=dict(l=40, r=10, t=40, b=40),
                             yaxis=dict(range=[0, 1], title="probability"),
                             xaxis=dict(title="measured bit"),
                             title=dict(text="RY(θ)|0⟩ measured")))
        self.figure._config = {**self.figure._config, "responsive": True}
        self.readout = widgets.HTML()
        self._good = float(theta)
        self.slider.observe(self._on_change, names="value")
        super().__init__([self.slider, self.figure, self.readout],
                         layout=widgets.Layout(width="100%", max_width="420px"))
        fit_to_page(self, {"θ (rad)": ["rotation angle θ in radians", "rad"]})
        self._update_readout(theta)  # the figure was built with its data: no update before display

    @property
    def probabilities(self) -> tuple[float, float]:
        """(P(0), P(1)) currently shown."""
        return rotation_probabilities(self.slider.value)

    def _on_change(self, change: dict) -> None:
        try:
            self._update(change["new"])
            self._good = float(change["new"])
        except Exception as exc:  # show it, put the slider back on the last good angle
            self.slider.value = self._good
            self.readout.value = (f'<span style="color:#b00020">⚠ {type(exc).__name__}: '
                                  f"{exc}</span>")

    def _update(self, theta: float) -> None:
        p0, p1 = rotation_probabilities(theta)
        with self.figure.batch_update():
            self.figure.data[0].y = [p0, p1]
        self._update_readout(theta)

    def _update_readout(self, theta: float) -> None:
        p0, p1 = rotation_probabilities(theta)
        self.readout.value = f"θ = {theta:.2f} rad &nbsp; P(0) = {p0:.3f} &nbsp; P(1) = {p1:.3f}"

    def __repr__(self) -> str:
        return f"SliderPlot(theta={self.slider.value:.2f})"
