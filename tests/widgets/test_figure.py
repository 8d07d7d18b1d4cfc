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
