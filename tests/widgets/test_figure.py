"""CourseFigure syncs numpy data as JSON lists; containers re-send nested figures on display."""
import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
from plotly.basewidget import BaseFigureWidget

from qmlwidgets.widgets._figure import CourseFigure, ResendOnDisplay, _plain, figures_in, resend


class Box(ResendOnDisplay, W.VBox):
    pass


def test_every_synced_message_trait_uses_plain_json():
    names = [n for n in BaseFigureWidget.class_trait_names()
             if n.startswith("_py2js") and n != "_py2js_svgRequest" or n.startswith("_widget")]
    for name in names:
        meta = CourseFigure.class_traits()[name].metadata
        assert meta.get("to_json") is _plain, name


def test_numpy_becomes_lists_in_what_is_sent():
    fig = CourseFigure(data=[go.Scatter(x=np.arange(3.0), y=np.array([1.0, 2.0, 3.0]))])
    sent = []
    fig.comm.send = lambda data=None, buffers=None, **kw: sent.append((data, buffers))  # capture messages
    with fig.batch_update():
        fig.data[0].y = np.array([3.0, 2.0, 1.0])
    state = [d["state"] for d, _ in sent if d and d.get("method") == "update"]
    update = next(s["_py2js_update"] for s in state if s.get("_py2js_update"))
    assert update["style_data"]["y"] == [[3.0, 2.0, 1.0]]
    assert all(not b for _, b in sent)  # no binary buffers


def test_resend_pushes_current_data_and_figures_are_found_in_nested_boxes():
    fig = CourseFigure(data=[go.Bar(y=[1, 2])])
    with fig.batch_update():
        fig.data[0].y = [3, 4]
    box = Box([W.HBox([W.Label("x"), fig])])
    assert figures_in(box) == [fig]
    resend(figures_in(box))
    assert list(fig._widget_data[0]["y"]) == [3, 4]
    assert "application/vnd.jupyter.widget-view+json" in box._repr_mimebundle_()


def test_non_finite_values_become_json_null():
    import json
    out = _plain({"z": np.array([[1.0, np.nan], [np.inf, 2.0]]), "x": float("nan"), "y": np.float64(2.5)})
    assert out == {"z": [[1.0, None], [None, 2.0]], "x": None, "y": 2.5}
    json.dumps(out, allow_nan=False)


def test_plotly_undefined_marker_is_kept():
    from plotly.basedatatypes import Undefined
    assert _plain({"a": [Undefined, 1]}) == {"a": ["_undefined_", 1]}


def test_slow_optional_iri_grammar_is_not_imported():
    import subprocess
    import sys
    code = ("import time, sys; t = time.perf_counter(); import qmlwidgets.widgets, plotly.graph_objects as go; "
            "go.FigureWidget(); print(sys.modules.get('rfc3987_syntax'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "None"


# ------------------------------------------------------------------ issue 16: static picture, deaf figures
import base64  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _explorers():
    from qmlwidgets import BlochExplorer, CircuitExplorer
    from qmlwidgets.widgets.sliderplot import SliderPlot

    return [BlochExplorer(), CircuitExplorer(num_qubits=2).add("h", 0).add("cx", 0, 1), SliderPlot(1.0)]


@pytest.mark.parametrize("widget", _explorers(), ids=lambda w: type(w).__name__)
def test_every_widget_output_carries_a_static_png_of_its_current_view(widget):
    bundle = widget._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and bundle["text/plain"] == repr(widget)
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000


def test_the_snapshot_follows_the_current_data():
    from qmlwidgets.widgets._snapshot import snapshot_png

    fig = go.Figure(go.Bar(x=["0", "1"], y=[1.0, 0.0]))
    a = snapshot_png([fig])
    fig.data[0].y = [0.0, 1.0]
    assert snapshot_png([fig]) != a


def test_a_figure_whose_page_model_went_deaf_is_rebuilt_in_place():
    from qmlwidgets import BlochExplorer

    w = BlochExplorer()
    w._repr_mimebundle_()
    old = w.histogram
    old._view_answered = True  # a view rendered (it answered once) ...
    w.apply("x")  # ... but never confirms this edit:
    old._check_deaf(old._last_trace_edit_id)
    assert w.histogram is not old and w.histogram in figures_in(w) and old not in figures_in(w)
    assert list(w.histogram.data[0].y) == pytest.approx([0.0, 1.0])  # the copy has the current data
    w.apply("x")
    assert list(w.histogram.data[0].y) == pytest.approx([1.0, 0.0])  # and the widget draws on the copy


def test_a_figure_that_confirms_its_edits_is_kept():
    from qmlwidgets import BlochExplorer

    w = BlochExplorer()
    w._repr_mimebundle_()
    fig = w.histogram
    w.apply("x")
    fig._js2py_traceDeltas = {"trace_deltas": [], "trace_edit_id": fig._last_trace_edit_id}  # rendered: probe sent
    fig._js2py_traceDeltas = {"trace_deltas": [], "trace_edit_id": fig._last_trace_edit_id}  # probe confirmed
    fig._check_deaf(fig._last_trace_edit_id)
    assert w.histogram is fig


def _widget_outputs():
    for folder in ("lessons", "solutions", "demos"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = json.loads(path.read_text())
            for i, cell in enumerate(nb["cells"]):
                for out in cell.get("outputs", []):
                    if WIDGET_VIEW in out.get("data", {}):
                        yield f"{folder}/{path.name}::cell {i}", out["data"]


def test_every_stored_widget_output_has_a_static_image():
    """GitHub / nbviewer / nbconvert readers see a picture, not a repr (regenerate notebooks after widget changes)."""
    missing = [where for where, data in _widget_outputs() if not ({"image/png", "image/svg+xml"} & set(data))]
    assert not missing, f"{len(missing)} stored widget outputs without image/png: {missing[:8]}"


def test_the_first_view_answer_triggers_a_probe_edit():
    from qmlwidgets import BlochExplorer

    w = BlochExplorer()
    w._repr_mimebundle_()
    fig = w.histogram
    before = fig._last_trace_edit_id
    fig._js2py_traceDeltas = {"trace_deltas": [], "trace_edit_id": before}  # the view rendered
    assert fig._last_trace_edit_id == before + 1  # a no-op edit the page must confirm


def test_a_rebuilt_figure_keeps_numpy_data_and_syncs_plain_lists():
    """plotly >= 6 ``to_dict()`` turns arrays into base64 specs; a rebuilt landscape showed a 3×1 'grid'."""
    import numpy as np

    from qiskit.circuit.library import real_amplitudes
    from qiskit.quantum_info import SparsePauliOp

    from qmlwidgets import LandscapeExplorer

    w = LandscapeExplorer(real_amplitudes(2, reps=1), SparsePauliOp("ZZ"), seed=1, resolution=9)
    w._repr_mimebundle_()
    old = w.fig
    old._view_answered = True
    w.set_span(1.0)
    old._check_deaf(old._last_trace_edit_id)
    assert w.fig is not old
    for trace in w.fig.data:
        for key in ("x", "y", "z"):
            value = getattr(trace, key, None)
            assert not isinstance(value, dict), f"{trace.type}.{key} became {value!r:.60}"
    z = np.asarray(next(t for t in w.fig.data if t.type == "contour").z)
    assert z.shape == (9, 9)
    synced = w.fig.get_state()["_widget_data"]
    assert all(not isinstance(t.get("z"), dict) for t in synced)


def test_a_rebuilt_figure_keeps_its_click_handlers():
    """The landscape's click-to-move lives on the contour trace (``on_click``): a figure rebuilt after its page
    model went deaf must still move the point when the learner clicks (it did nothing: lesson 08 in JupyterLab)."""
    from plotly.callbacks import Points

    from qmlwidgets import LandscapeExplorer

    w = LandscapeExplorer(None, lambda p: np.cos(p).sum(axis=-1), point=np.zeros(2), resolution=9)
    old = w.fig
    ResendOnDisplay._rebuild_figure(w, old)
    assert w.fig is not old and w.fig._config.get("responsive") is True
    contour = w.fig.data[0]
    contour._dispatch_on_click(Points(point_inds=[0], xs=[0.5], ys=[-0.25], trace_name=contour.name,
                                      trace_index=0), None)
    assert (w.fig.data[3].x[0], w.fig.data[3].y[0]) == pytest.approx((0.5, -0.25))


def test_a_figure_whose_view_never_rendered_is_rebuilt_once_a_page_is_known(monkeypatch):
    """anywidget drops a model whose module loads too slowly: that view never answers, so only this check
    (other figures answered: a live page exists) can replace it. Without any answer nothing is rebuilt."""
    from qmlwidgets import BlochExplorer
    from qmlwidgets.widgets import _figure

    monkeypatch.setitem(_figure._PAGE, "answered", False)
    w = BlochExplorer()
    w._repr_mimebundle_()
    sphere, histogram = w.figure, w.histogram
    w._check_silent()
    assert w.figure is sphere and w.histogram is histogram  # no page: never rebuild on no evidence
    sphere._js2py_traceDeltas = {"trace_deltas": [], "trace_edit_id": sphere._last_trace_edit_id}
    assert _figure._PAGE["answered"]
    w._check_silent()
    assert w.figure is sphere  # it answered: kept
    assert w.histogram is not histogram and w.histogram in _figure.figures_in(w)  # silent: rebuilt
    w.apply("x")
    assert list(w.histogram.data[0].y) == pytest.approx([0.0, 1.0])
