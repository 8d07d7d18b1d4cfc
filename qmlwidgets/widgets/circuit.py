"""CircuitExplorer: build a 1–5 qubit circuit and watch the state change, gate by gate.

A thin view over :class:`qmlwidgets.circuit_model.CircuitModel` (all maths and
validation live there). Shows, live after every change: the circuit diagram, exact
probabilities (with a seeded measured histogram beside them), amplitudes (height =
magnitude, colour = phase), each qubit's reduced Bloch vector and the entanglement
entropy across a chosen cut. A step slider replays the state after each gate, and every
named parameter gets a slider.

Example::

    >>> from qmlwidgets import CircuitExplorer
    >>> w = CircuitExplorer(num_qubits=2)
    >>> w.add("h", 0).add("cx", 0, 1)           # QuantumCircuit argument order
    CircuitExplorer(2 qubits, 2 gates)
    >>> [round(p, 3) for p in w.prob_fig.data[0].y]   # Qiskit order '00', '01', '10', '11'
    [0.5, 0.0, 0.0, 0.5]
    >>> w.add_gate("ry", targets=1, parameter="theta", angle=0.3)   # keyword form
    CircuitExplorer(2 qubits, 3 gates)
    >>> w.set_parameter("theta", 1.2).parameter_values
    {'theta': 1.2}

Errors (a control equal to its target, a qubit out of range, a NaN angle, an
unsupported gate in a loaded circuit, ...) raise ``ValueError`` from the methods,
``traitlets.TraitError`` from a trait set, and are shown in ``w.message`` (also when they
come from the controls); the last good state is kept.

Model and view: the model is :class:`qmlwidgets.circuit_model.CircuitModel` (``w.model``:
gates, undo history, parameter values, step, cut, last counts, validation, all maths); the
view is this widget, which mirrors the model's state in traitlets (``num_qubits``, ``step``,
``parameter_values``, ``cut``, ``gates``, ``counts``) so ``observe`` and ``link`` work.
"""
from __future__ import annotations

import html
import math
from typing import Any, Callable, Iterable, Mapping, Sequence

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import traitlets

from qmlwidgets.widgets._figure import CourseFigure, ResendOnDisplay
from qmlwidgets.widgets._pagefit import fit_to_page

from qmlwidgets.circuit_model import (
    GATES,
    MAX_QUBITS,
    CircuitModel,
    sampler_backend,
)

__all__ = ["CircuitExplorer"]

_DEFAULT_ANGLE = math.pi / 2
_SLIDER_SPAN = math.pi
_ERR_STYLE = "color:#b00020"
# phase colours: matplotlib's "twilight", a perceptually uniform cyclic map that keeps +π/2 (orange-red) and
# −π/2 (blue) apart under red-green colour blindness (plotly's "Phase" does not); the bars' labels
# carry the phase as text too
PHASE_COLORSCALE = "Twilight"
# responsive sizing: the two figures have no pixel width; each sits in a flex slot (basis, min, max width)
# that follows the cell, side by side down to a ~560 px cell, so controls and plots fit one screen
_FIG_HEIGHT = 320
_FIG_SLOT = dict(flex="1 1 300px", min_width="260px", max_width="600px")
_SLIDER_NAMES = {"step": ["circuit step shown (gates applied)", "gates"]}
_TABLE_STYLE = ("<style>.qw-circ td, .qw-circ th {padding: 1px 8px; text-align: right;}"
                " .qw-circ th {font-weight: bold;}</style>")


def _refuse_read_only(trait: traitlets.TraitType, obj: Any) -> None:
    """A user's set of a read-only trait: say which trait, and what changes it instead (tag ``instead=``)."""
    raise traitlets.TraitError(
        f'The "{trait.name}" trait of {type(obj).__name__} is read-only; {trait.metadata.get("instead", "")}'
    )


class _CopiedDict(traitlets.Dict):
    """A Dict trait whose reads return a copy: editing ``w.parameter_values[...]`` in place cannot
    put the trait out of step with the model (set the trait or call a method instead)."""

    def get(self, obj: Any, cls: Any = None) -> Any:
        value = super().get(obj, cls)
        return dict(value) if isinstance(value, dict) else value

    def __set__(self, obj: Any, value: Any) -> None:
        if self.read_only:
            _refuse_read_only(self, obj)
        super().__set__(obj, value)


class _ReadOnlyTuple(traitlets.Tuple):
    """A read-only Tuple trait whose refusal says what to use instead (internal updates use set_trait)."""

    def __set__(self, obj: Any, value: Any) -> None:
        _refuse_read_only(self, obj)


def _fmt(x: float, digits: int = 3) -> str:
    """Stable number text (no '-0.000')."""
    v = round(float(x), digits) + 0.0
    return f"{v:.{digits}f}"


class CircuitExplorer(ResendOnDisplay, widgets.VBox):
    """Interactive circuit builder for 1–5 qubits (an ipywidgets VBox).

    Parameters
    ----------
    circuit : a Qiskit ``QuantumCircuit`` to start from (palette gates only; barriers
        are skipped). ``num_qubits`` is then taken from it.
    num_qubits : 1..5, used when ``circuit`` is None.
    seed : seeds the measurement sampler (the sequence of measurements is reproducible).
    parameter_values : starting values for the circuit's parameters (names or Parameters).
    shots : default number of shots of the Measure button.

    API (mirrors the controls; edits return ``self`` so calls chain):
    ``add(name, *args)`` in QuantumCircuit order — ``add("h", 0)``, ``add("rx", 0.5, 0)``,
    ``add("rx", "theta", 0)``, ``add("cx", control, target)``, ``add("ccx", c1, c2, t)``;
    ``add_gate(name, targets, controls=(), angle=None, parameter=None)``; ``undo()``,
    ``redo()``, ``clear()``, ``load(circuit)``, ``set_num_qubits(n)``; ``set_step(k)``,
    ``set_parameter(name, value)``, ``set_cut(qubits)``, ``measure(shots)`` (returns counts).
    Export: ``circuit`` (parameterised), ``bound_circuit``, ``parameter_values``, ``to_code()``.
    ``model`` is the widget-free :class:`~qmlwidgets.circuit_model.CircuitModel` behind it
    (read it freely; change the state through the explorer so the view follows).

    State (traitlets)
    -----------------
    Kernel-side traits (nothing extra is sent to the page). Each changes exactly once per
    change of state, whichever way it came (a control in the page, a method, a trait set,
    undo/redo, load), so ``observe`` fires once with ``old``/``new`` and ``traitlets.link``
    keeps two explorers in step. Observers run after the model, figures and controls are
    updated, and all traits are up to date when the first observer runs.

    - ``num_qubits`` (int, 1..5): setting it = ``set_num_qubits(n)`` (undoable).
    - ``step`` (int, 0..len(gates)): the state shown is the one after the first ``step``
      gates; setting it = ``set_step(k)``. An edit jumps to the end.
    - ``parameter_values`` (dict name → radians): setting it = ``set_parameters(values)``
      (a subset of the names is fine; the trait then holds every parameter). Reads give a copy.
    - ``cut`` (tuple of qubits, sorted): side A of the entanglement cut; setting it =
      ``set_cut(qubits)`` (an int or any ints are accepted and stored as a sorted tuple).
    - ``gates`` (read-only tuple of :class:`~qmlwidgets.circuit_model.Gate`).
    - ``counts`` (read-only dict bitstring → count, or None): the last measurement; None
      again once the shown state changes. Equal counts from a new measurement do not notify.

    A bad value raises ``traitlets.TraitError`` naming the trait and what is expected (a
    read-only trait refuses every set); the explorer keeps its last good state (traits,
    model, figures and controls) and shows the error in ``message``.

    >>> import traitlets
    >>> a, b = CircuitExplorer(num_qubits=2), CircuitExplorer(num_qubits=2)
    >>> seen = []
    >>> a.observe(lambda change: seen.append((change["old"], change["new"])), names="num_qubits")
    >>> link = traitlets.link((a, "num_qubits"), (b, "num_qubits"))
    >>> a.num_qubits = 3
    >>> b.num_qubits, seen
    (3, [(2, 3)])
    >>> _ = a.undo()                       # undo changes the trait too, once
    >>> b.num_qubits, seen
    (2, [(2, 3), (3, 2)])
    >>> try:
    ...     a.step = 4                     # bad input: TraitError, last good state kept
    ... except traitlets.TraitError as exc:
    ...     print(exc)
    CircuitExplorer.step = 4 was refused: step must be from 0 to 0 (the number of gates), got 4
    >>> a.step, b.num_qubits, len(seen)
    (0, 2, 2)
    """

    num_qubits = traitlets.Int(
        2, help="Number of qubits, 1..5. Setting it = set_num_qubits(n): undoable; refuses to drop a qubit in use."
    ).tag(sync=False)
    step = traitlets.Int(
        0, help="Gates applied in the shown state, 0..len(gates). Setting it = set_step(k)."
    ).tag(sync=False)
    parameter_values = _CopiedDict(
        help="Current value (radians) of every named parameter. Setting it = set_parameters(values); reads give a copy."
    ).tag(sync=False)
    cut = traitlets.Any(
        (), help="Side A of the entanglement cut: a sorted tuple of qubits (empty for 1 qubit). Setting it = set_cut(q)."
    ).tag(sync=False)
    gates = _ReadOnlyTuple(
        read_only=True, help="The gates, in order: immutable Gate records (name, targets, controls, angle, parameter)."
    ).tag(sync=False, instead="edit with add(), add_gate(), undo(), redo(), clear() or load()")
    counts = _CopiedDict(
        default_value=None, allow_none=True, read_only=True,
        help="Counts of the last measure() (bitstring -> count), None once the shown state changes.",
    ).tag(sync=False, instead="measure(shots) or the Measure button sets it")
    # readouts under the still picture of a stored notebook (read without a kernel): the step, the cut's entropy
    still_picture_readouts = ("step_label", "entropy_html")

    def __init__(
        self,
        circuit: Any = None,
        num_qubits: int = 2,
        *,
        seed: int | None = 1234,
        parameter_values: Mapping[Any, float] | None = None,
        shots: int = 1024,
    ) -> None:
        if circuit is not None:
            model = CircuitModel(1, seed=seed)
            model.load(circuit, parameter_values, undoable=False)
        else:
            model = CircuitModel(num_qubits, seed=seed)
        self.model = model
        self._diagram_cache: dict[tuple, str] = {}
        self._shown_n = -1

        # --- palette ---------------------------------------------------------------
        def dropdown(description: str, **kw: Any) -> widgets.Dropdown:
            # each control gets its own Layout: palette fields are shown/hidden one by one
            return widgets.Dropdown(description=description, layout=widgets.Layout(width="auto"),
                                    style={"description_width": "initial"}, **kw)

        self.qubits_dropdown = dropdown("qubits", options=list(range(1, MAX_QUBITS + 1)), value=model.num_qubits)
        self.gate_dropdown = dropdown("gate", options=[(spec.label, name) for name, spec in GATES.items()], value="h")
        self.control_dropdown = dropdown("control")
        self.control2_dropdown = dropdown("control 2")
        self.target_dropdown = dropdown("target")
        self.target2_dropdown = dropdown("qubit 2")
        self.angle_box = widgets.FloatText(
            value=round(_DEFAULT_ANGLE, 4), description="angle (rad)", tooltip="rotation angle in radians",
            style={"description_width": "initial"}, layout=widgets.Layout(width="190px")
        )
        self.parameter_text = widgets.Text(
            value="", placeholder="fixed angle", description="parameter",
            layout=widgets.Layout(width="200px"),
        )
        self.add_button = widgets.Button(description="Add", button_style="primary", icon="plus",
                                         layout=widgets.Layout(width="80px"))
        self.undo_button = widgets.Button(description="Undo", icon="undo", layout=widgets.Layout(width="80px"))
        self.redo_button = widgets.Button(description="Redo", icon="repeat", layout=widgets.Layout(width="80px"))
        self.clear_button = widgets.Button(description="Clear", icon="trash", layout=widgets.Layout(width="80px"))

        # --- views -------------------------------------------------------------------
        self.diagram = widgets.HTML()
        self.step_slider = widgets.IntSlider(min=0, max=0, value=0, description="step",
                                             continuous_update=True,
                                             layout=widgets.Layout(width="420px", max_width="100%"))
        self.step_label = widgets.HTML()
        self.parameter_sliders: dict[str, widgets.FloatSlider] = {}
        self.parameter_box = widgets.VBox()
        self.prob_fig = self._make_prob_fig()
        self.amp_fig = self._make_amp_fig()
        self.bloch_html = widgets.HTML()
        self.cut_select = widgets.SelectMultiple(description="cut: side A", rows=min(MAX_QUBITS, 5),
                                                 style={"description_width": "initial"},
                                                 layout=widgets.Layout(width="190px"))
        self.entropy_html = widgets.HTML()
        self.shots_box = widgets.BoundedIntText(value=shots, min=1, max=1_000_000, description="shots",
                                                layout=widgets.Layout(width="170px"))
        self.measure_button = widgets.Button(description="Measure", icon="bar-chart",
                                             layout=widgets.Layout(width="100px"))
        self.message = widgets.HTML()

        # --- wiring ------------------------------------------------------------------
        self.gate_dropdown.observe(lambda _c: self._sync_palette(), names="value")
        self.qubits_dropdown.observe(self._on_qubits, names="value")
        self.add_button.on_click(lambda _b: self._ui(self._add_from_palette))
        self.undo_button.on_click(lambda _b: self._ui(self.undo))
        self.redo_button.on_click(lambda _b: self._ui(self.redo))
        self.clear_button.on_click(lambda _b: self._ui(self.clear))
        self.step_slider.observe(self._on_step, names="value")
        self.cut_select.observe(self._on_cut, names="value")
        self.measure_button.on_click(lambda _b: self._ui(lambda: self.measure(self.shots_box.value)))

        palette = widgets.HBox(
            [self.qubits_dropdown, self.gate_dropdown, self.control_dropdown, self.control2_dropdown,
             self.target_dropdown, self.target2_dropdown, self.angle_box, self.parameter_text, self.add_button],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        # top to bottom: palette, edit + measure, message, diagram, step and parameter sliders, then both
        # figures side by side (each in a flex slot), then the Bloch table and the entanglement cut
        edit_row = widgets.HBox([self.undo_button, self.redo_button, self.clear_button, self.shots_box,
                                 self.measure_button], layout=widgets.Layout(flex_flow="row wrap"))
        figures = widgets.HBox([widgets.VBox([self.prob_fig], layout=widgets.Layout(**_FIG_SLOT)),
                                widgets.VBox([self.amp_fig], layout=widgets.Layout(**_FIG_SLOT))],
                               layout=widgets.Layout(flex_flow="row wrap", width="100%", align_items="flex-start"))
        states_row = widgets.HBox(
            [self.bloch_html, widgets.VBox([self.cut_select, self.entropy_html])],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="24px"),
        )
        super().__init__(
            [palette, edit_row, self.message, self.diagram,
             widgets.HBox([self.step_slider, self.step_label], layout=widgets.Layout(flex_flow="row wrap")),
             self.parameter_box, figures, states_row],
            layout=widgets.Layout(width="100%"),
        )
        fit_to_page(self, _SLIDER_NAMES)  # re-fits the figures to the cell; names the sliders
        self._sync_palette()
        self._refresh(structure=True)
        self._publish()

    # ------------------------------------------------------------------ figures
    def _make_prob_fig(self) -> go.FigureWidget:
        fig = CourseFigure(
            data=[
                go.Bar(name="exact", marker_color="#1f77b4", hovertemplate="%{x}: %{y:.4f}<extra>exact</extra>"),
                go.Bar(name="measured", marker_color="#ff7f0e", visible=False,
                       hovertemplate="%{x}: %{y:.4f}<extra>measured</extra>"),
            ],
            layout=go.Layout(
                title=dict(text="Probabilities", font=dict(size=14), x=0.02, xanchor="left", y=0.98, yanchor="top"),
                barmode="group", autosize=True, height=_FIG_HEIGHT, margin=dict(l=50, r=10, t=70, b=60),
                yaxis=dict(title="probability", range=[0, 1.02]),
                xaxis=dict(type="category", title="basis state, Qiskit order (qubit 0 = rightmost bit)"),
                legend=dict(orientation="h", x=1, xanchor="right", y=1.01, yanchor="bottom"),
            ),
        )
        fig._config = {**fig._config, "responsive": True}  # width follows the cell
        return fig

    def _make_amp_fig(self) -> go.FigureWidget:
        # bar colours are sent as colour strings: plotly.js logs "Invalid color specifier" for every bar
        # drawn from a numeric colour array; an empty marker-only trace carries the phase colour bar
        fig = CourseFigure(
            data=[go.Bar(
                name="amplitude", marker=dict(color=[]), showlegend=False,
                textposition="outside", cliponaxis=False, textfont=dict(size=11),
                hovertemplate="%{x}: %{customdata[0]:.3f} %{customdata[1]:+.3f}i, phase %{customdata[2]:.3f}"
                              "<extra></extra>",
            ), go.Scatter(
                name="phase scale", x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                marker=dict(color=[0.0], colorscale=PHASE_COLORSCALE, cmin=-math.pi, cmax=math.pi, showscale=True,
                            colorbar=dict(title=dict(text="phase arg(a)<br>(cyclic,<br>colour-blind<br>safe)",
                                                     font=dict(size=11)),
                                          tickvals=[-math.pi, -math.pi / 2, 0, math.pi / 2, math.pi],
                                          ticktext=["−π", "−π/2", "0", "π/2", "π"], thickness=12)),
            )],
            layout=go.Layout(
                title=dict(text="Amplitudes: height |a|, colour and label arg(a)", font=dict(size=14)),
                autosize=True, height=_FIG_HEIGHT, margin=dict(l=50, r=10, t=50, b=60),
                yaxis=dict(title="|amplitude|", range=[0, 1.02]),
                xaxis=dict(type="category", title="basis state, Qiskit order (qubit 0 = rightmost bit)"),
            ),
        )
        fig._config = {**fig._config, "responsive": True}  # width follows the cell
        return fig

    # ------------------------------------------------------------------ helpers
    def __repr__(self) -> str:
        n, g = self.model.num_qubits, len(self.model.gates)
        return f"CircuitExplorer({n} qubit{'s' * (n != 1)}, {g} gate{'s' * (g != 1)})"

    def _show_error(self, exc: Exception) -> None:
        text = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
        self.message.value = f'<span style="{_ERR_STYLE}" role="alert">⚠ {html.escape(text[:500])}</span>'

    def _info(self, text: str) -> None:
        self.message.value = html.escape(text)

    def _api(self, fn: Callable[[], Any]) -> Any:
        """Run a model call; on ValueError show it in ``message`` and re-raise."""
        try:
            return fn()
        except ValueError as exc:
            self._show_error(exc)
            raise

    def _ui(self, fn: Callable[[], Any]) -> None:
        """Run a control's action. Any error goes to ``message``, model and view go back to the last good state."""
        saved = self.model.snapshot()
        try:
            fn()
        except Exception as exc:  # a callback must never raise into the front end
            self.model.restore(saved)
            try:
                self._refresh(structure=True)
                self._publish()
            except Exception:  # pragma: no cover - the last good state could not even be drawn
                pass
            self._show_error(exc)

    def _done(self, info: str | None = None, *, structure: bool = True) -> "CircuitExplorer":
        """After a model change: message, figures and controls, then the traits."""
        if info is None:
            self.message.value = ""
        else:
            self._info(info)
        self._refresh(structure=structure)
        self._publish()
        return self

    # ------------------------------------------------------------- traits
    def _publish(self) -> None:
        """Copy the model's state into the traits; each trait whose value changed notifies once.

        Held together: every trait holds its new value before the first observer runs. An equal
        value does not notify (traitlets compares), so publishing twice is harmless.
        """
        m = self.model
        with self.hold_trait_notifications():
            self.set_trait("num_qubits", m.num_qubits)
            self.set_trait("gates", m.gates)
            self.set_trait("step", m.step)
            self.set_trait("cut", m.cut)
            self.set_trait("parameter_values", m.parameter_values)
            self.set_trait("counts", m.counts)

    def _checked(self, name: str, value: Any, check: Callable[[Any], Any]) -> Any:
        """A trait's proposed value, validated by the model (nothing changes); TraitError naming the trait if bad."""
        try:
            return check(value)
        except ValueError as exc:
            self._show_error(exc)
            raise traitlets.TraitError(f"CircuitExplorer.{name} = {value!r} was refused: {exc}") from exc

    @traitlets.validate("num_qubits")
    def _valid_num_qubits(self, proposal: Mapping[str, Any]) -> int:
        return self._checked("num_qubits", proposal["value"], self.model.check_num_qubits)

    @traitlets.validate("step")
    def _valid_step(self, proposal: Mapping[str, Any]) -> int:
        return self._checked("step", proposal["value"], self.model.check_step)

    @traitlets.validate("cut")
    def _valid_cut(self, proposal: Mapping[str, Any]) -> tuple[int, ...]:
        if self.model.num_qubits == 1 and proposal["value"] == ():
            return ()  # the only cut of one qubit (set_cut refuses every other)
        return self._checked("cut", proposal["value"], self.model.check_cut)

    @traitlets.validate("parameter_values")
    def _valid_parameter_values(self, proposal: Mapping[str, Any]) -> dict[str, float]:
        values = self._checked("parameter_values", proposal["value"], self.model.check_parameters)
        return {**self.model.parameter_values, **values}  # a subset sets those; the trait holds them all

    # A trait set (or a link) lands here after validation; a change that came from the model is
    # already there, so the equality test makes this a no-op for it (no guard flag needed).
    _TRAIT_SETTERS = {"num_qubits": "set_num_qubits", "step": "set_step", "cut": "set_cut",
                      "parameter_values": "set_parameters"}

    @traitlets.observe(*_TRAIT_SETTERS)
    def _trait_set(self, change: Mapping[str, Any]) -> None:
        name = change["name"]
        if change["new"] != getattr(self.model, name):
            getattr(self, self._TRAIT_SETTERS[name])(change["new"])

    # ------------------------------------------------------------- public: edit
    def add_gate(
        self,
        name: str,
        targets: int | Sequence[int],
        controls: int | Sequence[int] = (),
        angle: float | None = None,
        parameter: str | None = None,
    ) -> "CircuitExplorer":
        """Append a gate; see :meth:`CircuitModel.add_gate`. Returns self."""
        self._api(lambda: self.model.add_gate(name, targets, controls, angle, parameter))
        return self._done(f"added {self.model.gates[-1].call()}")

    def add(self, name: str, *args: Any) -> "CircuitExplorer":
        """Append a gate with QuantumCircuit's argument order: ``add("cx", 0, 1)``, ``add("rx", "theta", 0)``."""
        self._api(lambda: self.model.add(name, *args))
        return self._done(f"added {self.model.gates[-1].call()}")

    def undo(self) -> "CircuitExplorer":
        """Undo the last edit. ValueError when there is nothing to undo."""
        self._api(self.model.undo)
        return self._done("undone")

    def redo(self) -> "CircuitExplorer":
        """Redo the last undone edit. ValueError when there is nothing to redo."""
        self._api(self.model.redo)
        return self._done("redone")

    def clear(self) -> "CircuitExplorer":
        """Remove all gates (undoable)."""
        self._api(self.model.clear)
        return self._done("cleared (Undo brings the gates back)")

    def load(self, circuit: Any, parameter_values: Mapping[Any, float] | None = None) -> "CircuitExplorer":
        """Replace the circuit by a Qiskit QuantumCircuit (undoable)."""
        self._api(lambda: self.model.load(circuit, parameter_values))
        return self._done(f"loaded a circuit with {len(self.model.gates)} gates")

    def set_num_qubits(self, num_qubits: int) -> "CircuitExplorer":
        """Change the number of qubits, 1..5 (undoable). Same as setting the ``num_qubits`` trait."""
        self._api(lambda: self.model.set_num_qubits(num_qubits))
        return self._done()

    # ------------------------------------------------------- public: view state
    def set_step(self, k: int) -> "CircuitExplorer":
        """Show the state after the first ``k`` gates (0 = initial state). Same as setting ``step``."""
        self._api(lambda: self.model.set_step(k))
        return self._done(structure=False)

    def set_parameter(self, name: str, value: float) -> "CircuitExplorer":
        """Set a named parameter (radians); its slider and the ``parameter_values`` trait follow."""
        self._api(lambda: self.model.set_parameter(name, value))
        return self._done(structure=False)

    def set_parameters(self, values: Mapping[str, float]) -> "CircuitExplorer":
        """Set several parameters at once. Same as setting the ``parameter_values`` trait."""
        self._api(lambda: self.model.set_parameters(values))
        return self._done(structure=False)

    def set_cut(self, qubits: int | Iterable[int]) -> "CircuitExplorer":
        """Choose the qubits on side A of the entanglement cut. Same as setting the ``cut`` trait."""
        self._api(lambda: self.model.set_cut(qubits))
        self.message.value = ""
        self._refresh_controls()
        self._update_entropy()
        self._publish()
        return self

    def measure(self, shots: int | None = None) -> dict[str, int]:
        """Sample the shown state ``shots`` times (seeded); shows the histogram beside the exact bars.

        The result is also the read-only ``counts`` trait, until the shown state changes.
        """
        s = self.shots_box.value if shots is None else shots
        counts = self._api(lambda: self.model.measure(s))
        self.shots_box.value = self.model.measured_shots
        self._update_measured()
        self._info(f"measured {s} shots (seeded, {sampler_backend()})")
        self._publish()
        return counts

    # ------------------------------------------------------------ public: export
    @property
    def parameters(self) -> list[str]:
        """Names of the free parameters in use, in order of first appearance."""
        return self.model.parameters

    @property
    def circuit(self) -> Any:
        """A fresh parameterised ``QuantumCircuit`` of all gates."""
        return self.model.circuit()

    @property
    def bound_circuit(self) -> Any:
        """Like :attr:`circuit` with the current parameter values bound."""
        return self.model.circuit(bound=True)

    @property
    def statevector(self) -> np.ndarray:
        """Statevector at the current step (Qiskit order)."""
        return self.model.state()

    @property
    def probabilities(self) -> np.ndarray:
        """Exact probabilities at the current step (Qiskit order)."""
        return self.model.probabilities()

    def to_code(self, *, bind: bool = False) -> str:
        """Python source that rebuilds the circuit; see :meth:`CircuitModel.to_code`."""
        return self.model.to_code(bind=bind)

    # ------------------------------------------------------------ control glue
    def _qubit_options(self) -> list[tuple[str, int]]:
        return [(f"q{q}", q) for q in range(self.model.num_qubits)]

    def _sync_palette(self) -> None:
        spec = GATES[self.gate_dropdown.value]
        two_targets = spec.n_targets == 2
        self.target_dropdown.description = "qubit 1" if two_targets else "target"
        show = {
            self.control_dropdown: spec.n_controls >= 1,
            self.control2_dropdown: spec.n_controls >= 2,
            self.target2_dropdown: two_targets,
            self.angle_box: spec.has_angle,
            self.parameter_text: spec.has_angle,
        }
        for w, visible in show.items():
            w.layout.display = None if visible else "none"
        if self.target_dropdown.options:
            self._target_off_controls()

    def _set_qubit_dropdowns(self) -> None:
        n = self.model.num_qubits
        opts = self._qubit_options()
        # defaults that make a valid gate right away: control(s) first, target after them
        defaults = {  # H then CX with the defaults makes a Bell state: H on q0, CX q0 -> q1
            self.control_dropdown: 0,
            self.control2_dropdown: min(1, n - 1),
            self.target_dropdown: 0,
            self.target2_dropdown: min(1, n - 1),
        }
        for w, default in defaults.items():
            old = w.value
            w.options = opts
            w.value = old if old is not None and old < n else default
        self._target_off_controls()

    def _target_off_controls(self) -> None:
        """A controlled gate's target defaults to the first qubit that is not one of its controls."""
        spec = GATES[self.gate_dropdown.value]
        controls = (self.control_dropdown.value, self.control2_dropdown.value)[: spec.n_controls]
        if spec.n_controls and self.target_dropdown.value in controls:
            free = [q for q in range(self.model.num_qubits) if q not in controls]
            if free:
                self.target_dropdown.value = free[0]
        if spec.n_targets == 2 and self.target2_dropdown.value == self.target_dropdown.value:
            free = [q for q in range(self.model.num_qubits) if q != self.target_dropdown.value]
            if free:
                self.target2_dropdown.value = free[0]

    def _add_from_palette(self) -> None:
        spec = GATES[self.gate_dropdown.value]
        name = self.gate_dropdown.value
        if spec.n_targets == 2:
            targets: tuple[int, ...] = (self.target_dropdown.value, self.target2_dropdown.value)
        else:
            targets = (self.target_dropdown.value,)
        controls = (self.control_dropdown.value, self.control2_dropdown.value)[: spec.n_controls]
        angle = parameter = None
        if spec.has_angle:
            angle = self.angle_box.value
            parameter = self.parameter_text.value.strip() or None
        self.add_gate(name, targets, controls, angle, parameter)

    # A control's change acts only when it differs from the model: when _refresh_controls puts a
    # control on the model's state the model already holds that value, so no guard flag is needed.
    def _on_qubits(self, change: Mapping[str, Any]) -> None:
        if change["new"] != self.model.num_qubits:
            self._ui(lambda: self.set_num_qubits(change["new"]))

    def _on_step(self, change: Mapping[str, Any]) -> None:
        if change["new"] != self.model.step:
            self._ui(lambda: self.set_step(change["new"]))

    def _on_cut(self, change: Mapping[str, Any]) -> None:
        if change["new"] != self.model.cut:
            self._ui(lambda: self.set_cut(change["new"]))

    def _on_parameter(self, name: str, change: Mapping[str, Any]) -> None:
        if change["new"] != self.model.parameter_values.get(name):
            self._ui(lambda: self.set_parameter(name, change["new"]))

    def _make_parameter_slider(self, name: str) -> widgets.FloatSlider:
        slider = widgets.FloatSlider(
            min=-_SLIDER_SPAN, max=_SLIDER_SPAN, step=0.01, value=0.0, description=name,
            readout_format=".2f", continuous_update=True, layout=widgets.Layout(width="420px", max_width="100%"),
            style={"description_width": "80px"},
        )
        slider.observe(lambda change, _n=name: self._on_parameter(_n, change), names="value")
        return slider

    # ------------------------------------------------------------------ refresh
    def _refresh_controls(self) -> None:
        """Put every control on the model's state (their callbacks see the model's values: no-ops)."""
        m = self.model
        n = m.num_qubits
        self.qubits_dropdown.value = n
        if n != self._shown_n:
            self._set_qubit_dropdowns()
            # the one guard left: new options reset the selection to (), which is not the learner's
            # choice (and not a valid cut), so the cut callback is off while the options change
            self.cut_select.unobserve(self._on_cut, names="value")
            try:
                self.cut_select.options = self._qubit_options()
            finally:
                self.cut_select.observe(self._on_cut, names="value")
        g = len(m.gates)
        self.step_slider.max = g
        self.step_slider.value = m.step
        self.undo_button.disabled = not m.can_undo
        self.redo_button.disabled = not m.can_redo
        self.clear_button.disabled = g == 0
        self.cut_select.disabled = n == 1
        self.cut_select.value = m.cut
        # one slider per parameter in use, in order of first appearance
        values = m.parameter_values
        for name in list(self.parameter_sliders):
            if name not in values:
                del self.parameter_sliders[name]
        for name, value in values.items():
            slider = self.parameter_sliders.get(name)
            if slider is None:
                slider = self.parameter_sliders[name] = self._make_parameter_slider(name)
            span = max(_SLIDER_SPAN, math.ceil(abs(value)))
            if slider.max < span:
                slider.max, slider.min = span, -span
            slider.value = value
        kids = tuple(self.parameter_sliders[name] for name in values)
        if self.parameter_box.children != kids:
            self.parameter_box.children = kids

    def _refresh(self, structure: bool = False) -> None:
        """Recompute and redraw after a change (structure: gates or qubit count changed)."""
        self._refresh_controls()
        m = self.model
        n = m.num_qubits
        labels = m.labels()
        psi = m.state()
        probs = psi.real**2 + psi.imag**2
        mags = np.sqrt(probs)
        phases = np.where(mags > 1e-9, np.angle(psi), 0.0)
        amp_parts = np.stack([psi.real, psi.imag, phases], axis=1).round(6) + 0.0  # hover: re, im, phase
        with self.prob_fig.batch_update():
            if n != self._shown_n:
                self.prob_fig.data[0].x = labels
                self.prob_fig.data[1].x = labels
            self.prob_fig.data[0].y = probs.tolist()  # plain lists: the browser side wants JSON numbers
            if m.counts is None:  # the model drops a histogram when the shown state changes
                self.prob_fig.data[1].visible = False
                self.prob_fig.data[1].y = [0.0] * len(labels)
            else:
                self._update_measured()
        with self.amp_fig.batch_update():
            if n != self._shown_n:
                self.amp_fig.data[0].x = labels
            self.amp_fig.data[0].y = mags.tolist()
            self.amp_fig.data[0].marker.color = phase_colours(phases)
            self.amp_fig.data[0].text = [_phase_text(p) if a > 1e-9 else "" for p, a in zip(phases.tolist(),
                                                                                         mags.tolist(), strict=True)]
            self.amp_fig.data[0].customdata = amp_parts.tolist()
        self._shown_n = n
        self._update_diagram()
        self._update_step_label()
        self._update_bloch()
        self._update_entropy()

    def _update_diagram(self) -> None:
        m = self.model
        key = (m.num_qubits, m.gates, m.step)
        text = self._diagram_cache.get(key)
        if text is None:
            text = m.diagram()
            if len(self._diagram_cache) > 128:
                self._diagram_cache.clear()
            self._diagram_cache[key] = text
        self.diagram.value = (
            '<pre style="font-family:monospace;line-height:1.15;margin:0;overflow-x:auto">'
            f"{html.escape(text)}</pre>"
        )

    def _update_step_label(self) -> None:
        m = self.model
        k, g = m.step, len(m.gates)
        if k == 0:
            what = f"initial state |{'0' * m.num_qubits}⟩"
        else:
            what = f"after {html.escape(m.gates[k - 1].call())}"
        self.step_label.value = f"step {k} of {g}: {what}"

    def _update_bloch(self) -> None:
        vecs = self.model.bloch_vectors()
        rows = []
        for q, (x, y, z) in enumerate(vecs):
            r = math.sqrt(x * x + y * y + z * z)
            rows.append(
                f"<tr><td>q{q}</td><td>{_fmt(x)}</td><td>{_fmt(y)}</td><td>{_fmt(z)}</td>"
                f"<td>{_fmt(r)}</td><td>{_mini_bloch(x, y, z)}</td></tr>"
            )
        self.bloch_html.value = (
            "<div style='white-space:nowrap'><b>Reduced Bloch vectors</b> (|r| &lt; 1: mixed, i.e. entangled)</div>"
            + _TABLE_STYLE + '<table class="qw-circ" style="border-collapse:collapse;font-family:monospace">'
            "<tr><th>qubit</th><th>x</th><th>y</th><th>z</th><th>|r|</th><th>x–z</th></tr>"
            + "".join(rows) + "</table>"
        )

    def _update_entropy(self) -> None:
        m = self.model
        s = m.entanglement_entropy()
        if s is None:  # one qubit
            self.entropy_html.value = "Entanglement entropy needs at least 2 qubits."
            return
        a = m.cut
        b = tuple(q for q in range(m.num_qubits) if q not in a)
        side = lambda qs: " ".join(f"q{q}" for q in qs)  # noqa: E731
        self.entropy_html.value = (
            f"S({side(a)} | {side(b)}) = <b>{_fmt(s)}</b> bits "
            f"<span style='color:#666'>(max {min(len(a), len(b))})</span>"
        )

    def _update_measured(self) -> None:
        labels = self.model.labels()
        counts = self.model.counts or {}
        shots = max(self.model.measured_shots, 1)
        freq = np.array([counts.get(b, 0) / shots for b in labels])
        with self.prob_fig.batch_update():
            self.prob_fig.data[1].y = freq.tolist()
            self.prob_fig.data[1].name = f"measured ({self.model.measured_shots} shots)"
            self.prob_fig.data[1].visible = True


def phase_colours(phases: np.ndarray) -> list[str]:
    """Colour strings of phases in [-π, π] on the cyclic, colour-blind-safe :data:`PHASE_COLORSCALE`.

    >>> phase_colours(np.array([-math.pi, math.pi]))[0] == phase_colours(np.array([math.pi]))[0]
    True
    """
    from plotly.colors import sample_colorscale

    pos = np.clip((np.asarray(phases, dtype=float) + math.pi) / (2 * math.pi), 0.0, 1.0)
    return sample_colorscale(PHASE_COLORSCALE, pos.tolist()) if len(pos) else []


def _phase_text(phase: float) -> str:
    """Phase as a bar label in units of π: '0', 'π/2', '−π/2', '0.25π'."""
    k = round(phase / math.pi, 2) + 0.0
    named = {0.0: "0", 1.0: "π", -1.0: "π", 0.5: "π/2", -0.5: "−π/2", 0.25: "π/4", -0.25: "−π/4",
             0.75: "3π/4", -0.75: "−3π/4"}
    return named.get(k, f"{k:.2f}π".replace("-", "−"))


def _mini_bloch(x: float, y: float, z: float, size: int = 34) -> str:
    """Tiny SVG: the x–z projection of a Bloch vector (z up), dot shaded by y."""
    c = size / 2
    r = c - 3
    px, pz = c + r * x, c - r * z
    shade = int(round(127 + 110 * y))
    return (
        f'<svg width="{size}" height="{size}" style="vertical-align:middle">'
        f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="#999"/>'
        f'<line x1="{c}" y1="{c}" x2="{px:.1f}" y2="{pz:.1f}" stroke="#1f77b4" stroke-width="2"/>'
        f'<circle cx="{px:.1f}" cy="{pz:.1f}" r="3" fill="rgb({shade},60,{255 - shade})"/></svg>'
    )
