"""A static picture of a widget's plotly figures, for stored notebooks read without a kernel.

GitHub, nbviewer and nbconvert cannot run widgets: they show the richest output they can
render. :func:`snapshot_png` draws the current data of every figure in a widget with
matplotlib (no kaleido, no browser) so the stored output carries an ``image/png`` beside the
widget view; a live kernel replaces it with the widget.

Supported trace types: bar, scatter (lines / markers), scatter3d (lines, projected with the
figure's camera), heatmap / contour / surface (as an image). Other traces are skipped.

Example::

    >>> import plotly.graph_objects as go
    >>> png = snapshot_png([go.Figure(go.Bar(x=["0", "1"], y=[0.5, 0.5]))])
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
"""
from __future__ import annotations

import io
import math
from typing import Any, Sequence

import numpy as np

_FALLBACK_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def _num(values: Any) -> np.ndarray:
    """Numbers with None -> NaN (gaps), as float array."""
    if values is None:
        return np.zeros(0)
    return np.array([np.nan if v is None else v for v in np.asarray(values, dtype=object).ravel()], dtype=float)


def _colour(trace: dict, i: int) -> Any:
    for path in (("marker", "color"), ("line", "color")):
        v = trace.get(path[0], {}).get(path[1]) if isinstance(trace.get(path[0]), dict) else None
        if isinstance(v, str):
            return v
    return _FALLBACK_COLOURS[i % len(_FALLBACK_COLOURS)]


def _title(layout: dict) -> str:
    t = layout.get("title")
    text = t.get("text") if isinstance(t, dict) else t
    return str(text or "").replace("<br>", " ").replace("<b>", "").replace("</b>", "")


def _project(trace: dict, layout: dict) -> tuple[np.ndarray, np.ndarray]:
    """Orthographic projection of a scatter3d trace onto the screen of its scene's camera."""
    scene = layout.get(trace.get("scene") or "scene", {}) or {}
    eye = ((scene.get("camera") or {}).get("eye") or {"x": 1.25, "y": 1.25, "z": 1.25})
    d = np.array([eye.get("x", 1.25), eye.get("y", 1.25), eye.get("z", 1.25)], dtype=float)
    d /= np.linalg.norm(d) or 1.0
    up = np.array([0.0, 0.0, 1.0])
    right = np.cross(up, d)
    right /= np.linalg.norm(right) or 1.0
    screen_up = np.cross(d, right)
    pts = np.stack([_num(trace.get(k)) for k in ("x", "y", "z")], axis=1)
    return pts @ right, pts @ screen_up


def _draw(ax: Any, fig: Any) -> None:
    if hasattr(fig, "_data"):  # plotly figure: its raw dicts (numpy arrays stay arrays, no base64 typed arrays)
        data, layout = fig._data, fig._layout
    else:
        data, layout = fig.get("data", []), fig.get("layout", {})
    is3d = False
    for i, tr in enumerate(data):
        if tr.get("visible") is False:
            continue
        kind = tr.get("type", "scatter")
        name = tr.get("name")
        if kind == "bar":
            x = [str(v) for v in (tr.get("x") or range(len(tr.get("y") or [])))]
            y = _num(tr.get("y"))
            if len(x) != len(y):
                continue
            bars = [b for b in data if b.get("type") == "bar" and b.get("visible") is not False]
            k, n = bars.index(tr), len(bars)
            width = 0.8 / n
            pos = np.arange(len(x)) - 0.4 + width * (k + 0.5)
            colour = _colour(tr, i)
            ax.bar(pos, np.nan_to_num(y), width=width, color=colour, label=name)
            ax.set_xticks(np.arange(len(x)), x, fontsize=7, rotation=0 if len(x) <= 8 else 90)
        elif kind == "scatter3d":
            is3d = True
            if tr.get("x") is None:
                continue
            u, v = _project(tr, layout)
            if "text" in str(tr.get("mode", "")) and tr.get("text") is not None:
                for ui, vi, label in zip(u, v, tr["text"], strict=True):
                    ax.text(ui, vi, str(label), fontsize=7, ha="center", va="center", color="#333333")
            if "lines" not in str(tr.get("mode", "lines")):
                continue
            line = tr.get("line") or {}
            ax.plot(u, v, color=_colour(tr, i), lw=max(0.6, float(line.get("width", 2)) / 2.5))
        elif kind == "scatter":
            xn, y = _num(tr.get("x")), _num(tr.get("y"))
            if len(xn) != len(y) or not len(y):
                continue
            marker = "o" if "markers" in str(tr.get("mode", "lines")) else None
            ls = "-" if "lines" in str(tr.get("mode", "lines")) else "none"
            ax.plot(xn, y, marker=marker, ls=ls, ms=3, color=_colour(tr, i), label=name)
        elif kind in ("heatmap", "contour", "surface"):
            z = tr.get("z")
            z = np.array([[np.nan]] if z is None else [[np.nan if v is None else v for v in row] for row in z],
                         dtype=float)
            x, y = tr.get("x"), tr.get("y")
            extent = None
            if x is not None and y is not None and len(x) > 1 and len(y) > 1:
                xs, ys = _num(x), _num(y)
                extent = (float(np.nanmin(xs)), float(np.nanmax(xs)), float(np.nanmin(ys)), float(np.nanmax(ys)))
            ax.imshow(z, origin="lower", aspect="auto", extent=extent, cmap="viridis")
    if is3d:
        ax.set_aspect("equal")
        ax.axis("off")
    else:
        ranges = (layout.get("yaxis") or {}).get("range")
        if ranges and all(isinstance(r, (int, float)) for r in ranges):
            ax.set_ylim(*ranges)
        ax.tick_params(labelsize=7)
        if any(tr.get("type") == "bar" and tr.get("visible") is not False for tr in data) and len(data) > 1:
            ax.legend(fontsize=7, frameon=False)
    ax.set_title(_title(layout)[:70], fontsize=8)


def snapshot_png(figures: Sequence[Any], *, dpi: int = 72, caption: str = "") -> bytes:
    """PNG bytes: one small panel per figure (current data), side by side, with an optional caption."""
    from matplotlib.figure import Figure

    n = max(1, len(figures))
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(3.2 * cols, 2.8 * rows + (0.3 if caption else 0)), dpi=dpi)
    for k, f in enumerate(figures):
        ax = fig.add_subplot(rows, cols, k + 1)
        try:
            _draw(ax, f)
        except Exception:  # a snapshot is a courtesy: never break displaying the widget
            ax.axis("off")
    if caption:
        fig.suptitle(caption if len(caption) <= 28 * cols * 2 else caption[: 28 * cols * 2 - 1] + "…", fontsize=7,
                     y=0.995)
    top = 1 - 0.45 / fig.get_figheight() - (0.3 / fig.get_figheight() if caption else 0)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=top, wspace=0.25, hspace=0.45)  # no tight_layout: a draw less
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
