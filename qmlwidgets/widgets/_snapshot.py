"""A static picture of a widget, for stored notebooks read without a kernel.

GitHub, nbviewer and nbconvert cannot run widgets: they show the richest output they can
render. :func:`snapshot_png` draws the current data of every figure in a widget with
matplotlib (no kaleido, no browser) so the stored output carries an ``image/png`` beside the
widget view; a live kernel replaces it with the widget. :func:`widget_snapshot_png` does it for
a whole widget: only the figures a reader would see (not those in a collapsed box), then, under
them, any circuit diagram (``<pre>`` text), the current control values and the readouts.

Panels: a figure's 2-D traces (bar, scatter lines / markers, heatmap, contour) share one panel;
each 3-D scene (scatter3d lines and text, mesh3d, surface) gets a panel of its own, drawn with
mplot3d from the scene's camera. A figure with nothing to draw shows a note instead of empty axes.

Example::

    >>> import plotly.graph_objects as go
    >>> png = snapshot_png([go.Figure(go.Bar(x=["0", "1"], y=[0.5, 0.5]))])
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    >>> fig = snapshot_figure([go.Figure(go.Bar(x=["0", "1"], y=[0.5, 0.5]))], caption="two bars")
    >>> len(fig.axes)
    1
"""
from __future__ import annotations

import html
import io
import math
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

_FALLBACK_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
_2D = ("bar", "scatter", "heatmap", "contour")
_3D = ("scatter3d", "mesh3d", "surface")
_MARKERS = {"x": "x", "cross": "P", "square": "s", "diamond": "D", "circle": "o"}
EMPTY_NOTE = "nothing computed yet: run the notebook to fill this plot"
_TEXT_WIDTH = 110  # characters per line of the text block under the figures (at 7 pt)
_MAX_NOTE_LINES = 6
_PANEL_W, _PANEL_H = 3.2, 2.8  # inches
_LINE_IN = 0.15  # height of one line of 7 pt text, inches


def _num(values: Any) -> np.ndarray:
    """Numbers with None -> NaN (gaps), as float array."""
    if values is None:
        return np.zeros(0)
    return np.array([np.nan if v is None else v for v in np.asarray(values, dtype=object).ravel()], dtype=float)


def css_colour(value: Any) -> Any:
    """A plotly (CSS) colour string as matplotlib reads it (``rgb(...)``/``rgba(...)`` -> tuple); None if unknown.

    >>> css_colour("rgba(255, 255, 255, 0.5)")
    (1.0, 1.0, 1.0, 0.5)
    """
    from matplotlib.colors import is_color_like

    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"\s*rgba?\(([^)]*)\)\s*", value)
    if m:
        try:
            parts = [float(p.strip().rstrip("%")) for p in m.group(1).split(",")]
        except ValueError:
            return None
        if len(parts) in (3, 4):
            rgb = tuple(min(1.0, max(0.0, v / 255)) for v in parts[:3])
            return rgb + (min(1.0, max(0.0, parts[3])),) if len(parts) == 4 else rgb
        return None
    return value if is_color_like(value) else None


def _colour(trace: dict, i: int) -> Any:
    for path in (("marker", "color"), ("line", "color"), ("color", None)):
        holder = trace.get(path[0])
        v = holder if path[1] is None else (holder.get(path[1]) if isinstance(holder, dict) else None)
        c = css_colour(v)
        if c is not None:
            return c
    return _FALLBACK_COLOURS[i % len(_FALLBACK_COLOURS)]


def html_text(value: Any) -> str:
    """Plain text of a bit of HTML: no tags, styles or scripts; ``<br>``, rows and blocks become new lines.

    >>> html_text("<style>b {}</style><b>P(0)</b> = 0.25&nbsp;<br>next")
    'P(0) = 0.25\\nnext'
    """
    s = re.sub(r"(?is)<(style|script|svg)\b.*?</\1>", "", str(value or ""))
    s = re.sub(r"(?i)<br\s*/?>|</tr>|</div>|</p>|</li>|</h\d>", "\n", s)
    s = re.sub(r"(?i)</t[dh]>", "\0", s)  # table cells: two spaces apart (kept when runs of spaces collapse)
    s = re.sub("[ \t]*\xa0[ \t\xa0]*", "\1", html.unescape(re.sub(r"<[^>]*>", "", s)))
    lines = (re.sub(r"[ \t]*\0[ \t]*", "\0", re.sub(r"[ \t]+", " ", line)).replace("\0", "  ")
             .replace("\1", "   ").strip() for line in s.splitlines())
    return "\n".join(line for line in lines if line)


def _title(layout: dict) -> str:
    t = layout.get("title")
    text = t.get("text") if isinstance(t, dict) else t
    return html_text(str(text or "").replace("<br>", " "))


def _panel_title(text: str) -> str:
    """A title wrapped to a panel's width (two lines at most)."""
    lines = textwrap.wrap(text, 42)
    return "\n".join(lines[:2]) + (" …" if len(lines) > 2 else "")


def _axis_title(axis: Any) -> str:
    if not isinstance(axis, dict):
        return ""
    t = axis.get("title")
    text = t.get("text") if isinstance(t, dict) else t
    return html_text(str(text or "").replace("<br>", " "))


def _has_data(trace: dict) -> bool:
    if trace.get("visible") is False:
        return False
    keys = ("z",) if trace.get("type") in ("heatmap", "contour", "surface") else ("y", "x", "z")
    for key in keys:
        v = trace.get(key)
        if v is not None:
            try:
                return bool(np.isfinite(_num(v)).any())
            except (TypeError, ValueError):
                return len(v) > 0
    return False


@dataclass
class _Panel:
    data: list
    layout: dict
    scene: str | None = None  # None: the figure's 2-D traces; else a 3-D scene's name
    note: str = ""  # nothing to draw: this text instead of empty axes
    title: str = ""
    extra: dict = field(default_factory=dict)


def _parts(fig: Any) -> tuple[list, dict]:
    if hasattr(fig, "_data"):  # plotly figure: its raw dicts (numpy arrays stay arrays, no base64 typed arrays)
        return list(fig._data), dict(fig._layout)
    return list(fig.get("data", [])), dict(fig.get("layout", {}))


def _scene_titles(layout: dict, scenes: list[str]) -> dict[str, str]:
    """Title of each scene: the paper annotation centred over its domain (e.g. "qubit 1")."""
    titles: dict[str, str] = {}
    notes = [a for a in (layout.get("annotations") or []) if isinstance(a, dict) and a.get("text")]
    for s in scenes:
        dom = ((layout.get(s) or {}).get("domain") or {}).get("x") or [0, 1]
        for a in notes:
            x = a.get("x")
            if isinstance(x, (int, float)) and dom[0] <= x <= dom[1]:
                titles[s] = html_text(a["text"])
                break
    return titles


def panels_of(fig: Any, empty_note: str = EMPTY_NOTE) -> list[_Panel]:
    """The panels a figure is drawn as: its 2-D traces, then one per 3-D scene (a note if it has no data)."""
    data, layout = _parts(fig)
    flat = [tr for tr in data if tr.get("type", "scatter") in _2D and tr.get("visible") is not False]
    scenes: list[str] = []
    for tr in data:
        if tr.get("type") in _3D and tr.get("visible") is not False:
            s = tr.get("scene") or "scene"
            if s not in scenes:
                scenes.append(s)
    out = []
    if any(_has_data(tr) for tr in flat):
        out.append(_Panel(data, layout))
    titles = _scene_titles(layout, scenes)
    for s in scenes:
        if any(_has_data(tr) for tr in data if tr.get("type") in _3D and (tr.get("scene") or "scene") == s):
            out.append(_Panel(data, layout, scene=s, title=titles.get(s, "")))
    if not out:
        out.append(_Panel(data, layout, note=empty_note))
    return out


def _draw_flat(ax: Any, data: list, layout: dict) -> None:
    bars = [b for b in data if b.get("type") == "bar" and b.get("visible") is not False]
    for i, tr in enumerate(data):
        try:
            if tr.get("visible") is False:
                continue
            kind = tr.get("type", "scatter")
            name = tr.get("name")
            if kind == "bar":
                x = [str(v) for v in (tr.get("x") if tr.get("x") is not None else range(len(tr.get("y") or [])))]
                y = _num(tr.get("y"))
                if len(x) != len(y):
                    continue
                k, n = bars.index(tr), len(bars)
                width = 0.8 / n
                pos = np.arange(len(x)) - 0.4 + width * (k + 0.5)
                colours = (tr.get("marker") or {}).get("color")
                many = ([css_colour(c) for c in colours] if isinstance(colours, (list, tuple, np.ndarray))
                        and len(colours) == len(x) else [])
                colour = many if many and all(c is not None for c in many) else _colour(tr, i)
                ax.bar(pos, np.nan_to_num(y), width=width, color=colour, label=name)
                labels = tr.get("text")
                if isinstance(labels, (list, tuple, np.ndarray)) and len(labels) == len(x):  # e.g. each phase
                    for xi, yi, label in zip(pos, np.nan_to_num(y), labels, strict=True):
                        if label:
                            ax.text(xi, yi, html_text(label), ha="center", va="bottom", fontsize=6)
                ax.set_xticks(np.arange(len(x)), x, fontsize=7, rotation=0 if len(x) <= 8 else 90)
            elif kind == "scatter":
                xn, y = _num(tr.get("x")), _num(tr.get("y"))
                if len(xn) != len(y) or not np.isfinite(y).any():
                    continue
                mode = str(tr.get("mode", "lines"))
                symbol = (tr.get("marker") or {}).get("symbol")
                marker = _MARKERS.get(str(symbol), "o") if "markers" in mode else None
                size = (tr.get("marker") or {}).get("size")
                ms = min(10.0, float(size) * 0.7) if isinstance(size, (int, float)) and "lines" not in mode else 3
                ls = "-" if "lines" in mode else "none"
                lw = float((tr.get("line") or {}).get("width") or 1.5) * 0.8
                ax.plot(xn, y, marker=marker, ls=ls, ms=ms, lw=lw, mew=1.5 if marker == "x" else 0.5,
                        color=_colour(tr, i), label=name, zorder=3 if "markers" in mode else 2)
            elif kind in ("heatmap", "contour"):
                z = tr.get("z")
                z = np.array([[np.nan]] if z is None else [[np.nan if v is None else v for v in row] for row in z],
                             dtype=float)
                x, y = tr.get("x"), tr.get("y")
                if kind == "contour" and z.shape[0] > 1 and z.shape[1] > 1 and np.isfinite(z).any():
                    xs = _num(x) if x is not None and len(x) == z.shape[1] else np.arange(z.shape[1], dtype=float)
                    ys = _num(y) if y is not None and len(y) == z.shape[0] else np.arange(z.shape[0], dtype=float)
                    levels = int(tr.get("ncontours") or 20)
                    cs = ax.contourf(xs, ys, z, levels=levels, cmap="viridis", zorder=1)
                    cbar = ax.figure.colorbar(cs, ax=ax, fraction=0.05, pad=0.02)
                    cbar.ax.tick_params(labelsize=6)
                    continue
                extent = None
                if x is not None and y is not None and len(x) > 1 and len(y) > 1:
                    xs, ys = _num(x), _num(y)
                    extent = (float(np.nanmin(xs)), float(np.nanmax(xs)), float(np.nanmin(ys)), float(np.nanmax(ys)))
                ax.imshow(z, origin="lower", aspect="auto", extent=extent, cmap="viridis")
        except Exception:  # one trace the picture cannot read: leave it out, draw the rest
            continue
    for which, axis in (("x", layout.get("xaxis")), ("y", layout.get("yaxis"))):
        rng = (axis or {}).get("range") if isinstance(axis, dict) else None
        if rng and len(rng) == 2 and all(isinstance(r, (int, float)) and math.isfinite(r) for r in rng):
            if (axis or {}).get("type") == "log":
                continue
            (ax.set_xlim if which == "x" else ax.set_ylim)(*rng)
        if isinstance(axis, dict) and axis.get("type") == "log":
            (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    ax.set_xlabel(_axis_title(layout.get("xaxis"))[:60], fontsize=7, labelpad=1)
    ax.set_ylabel(_axis_title(layout.get("yaxis"))[:40], fontsize=7, labelpad=1)
    ax.tick_params(labelsize=7)
    if isinstance(layout.get("yaxis"), dict) and layout["yaxis"].get("scaleanchor") == "x":
        ax.set_aspect("equal", adjustable="box")
    labelled = [tr for tr in data if tr.get("visible") is not False and tr.get("type") in ("bar", "scatter")
                and tr.get("showlegend") is not False and _has_data(tr)]
    if bars and len(labelled) > 1 and layout.get("showlegend") is not False:
        ax.legend(fontsize=7, frameon=False)


def _camera(layout: dict, scene: str) -> tuple[float, float, float]:
    eye = (((layout.get(scene) or {}).get("camera") or {}).get("eye") or {})
    return tuple(float(eye.get(k, 1.25)) for k in ("x", "y", "z"))  # type: ignore[return-value]


def _screen_axes(eye: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors pointing right and up on the screen of a camera at ``eye`` looking at the origin (z up)."""
    d = np.asarray(eye, dtype=float)
    d /= np.linalg.norm(d) or 1.0
    right = np.cross([0.0, 0.0, 1.0], d)
    right /= np.linalg.norm(right) or 1.0
    return right, np.cross(d, right)


def _segment_distance(p: np.ndarray, b: np.ndarray) -> float:
    """Distance from point ``p`` to the segment from the origin to ``b`` (screen units)."""
    t = float(np.clip(p @ b / (b @ b), 0.0, 1.0)) if b @ b > 0 else 0.0
    return float(np.linalg.norm(p - t * b))


def _clear_of(vectors: list[tuple[float, float]], at: tuple[float, float], label: str,
              first: tuple[str, str]) -> tuple[str, str]:
    """Alignment of a label anchored ``at`` (screen units, sphere radius 1) that keeps it off the vectors
    drawn from the centre: ``first`` if it is clear, else the corner farthest from them."""
    if not vectors:
        return first
    w, h = 0.1 * len(label) + 0.05, 0.22  # the label's box at 8 pt on a sphere about 110 px across
    segs = [np.array(v, dtype=float) for v in vectors]

    def clearance(ha: str, va: str) -> float:
        x0 = at[0] - (w if ha == "right" else w / 2 if ha == "center" else 0.0)
        y0 = at[1] - (h if va == "top" else h / 2 if va == "center" else 0.0)
        pts = [np.array([x0 + fx * w, y0 + fy * h]) for fx in (0.2, 0.5, 0.8) for fy in (0.2, 0.5, 0.8)]
        return min(_segment_distance(p, b) for p in pts for b in segs)

    if clearance(*first) > 0.12:
        return first
    options = [first] + [(ha, va) for ha in ("left", "right") for va in ("bottom", "top")]
    return max(options, key=lambda o: clearance(*o))


def _vector_tips(data: list, scene: str) -> list[np.ndarray]:
    """Ends of the vectors drawn from the centre of a scene (two-point lines starting at the origin)."""
    out = []
    for tr in data:
        if tr.get("type") == "scatter3d" and (tr.get("scene") or "scene") == scene and tr.get("visible") is not False:
            p = np.stack([_num(tr.get(k)) for k in ("x", "y", "z")], axis=1) if tr.get("x") is not None else None
            if p is not None and p.shape == (2, 3) and np.allclose(p[0], 0) and np.isfinite(p[1]).all():
                out.append(p[1])
    return out


def _draw_scene(ax: Any, data: list, layout: dict, scene: str) -> None:
    """A plotly 3-D scene in mplot3d, seen from the scene's camera (perspective, as plotly draws it)."""
    ex, ey, ez = _camera(layout, scene)
    ax.view_init(elev=math.degrees(math.atan2(ez, math.hypot(ex, ey))), azim=math.degrees(math.atan2(ey, ex)))
    ax.set_proj_type("persp", focal_length=1 / math.tan(math.pi / 8))  # plotly's field of view: 45°
    spec = layout.get(scene) or {}
    hidden = all((spec.get(a) or {}).get("visible") is False for a in ("xaxis", "yaxis", "zaxis"))
    for i, tr in enumerate(data):
        try:
            if tr.get("visible") is False or (tr.get("scene") or "scene") != scene or tr.get("type") not in _3D:
                continue
            kind = tr["type"]
            if kind == "surface":
                z = tr.get("z")
                z = np.array([[np.nan if v is None else v for v in row] for row in z], dtype=float)
                if z.shape[0] < 2 or z.shape[1] < 2:
                    continue
                xs = _num(tr.get("x")) if tr.get("x") is not None else np.arange(z.shape[1], dtype=float)
                ys = _num(tr.get("y")) if tr.get("y") is not None else np.arange(z.shape[0], dtype=float)
                gx, gy = np.meshgrid(xs, ys)
                step = max(1, max(z.shape) // 32)
                ax.plot_surface(gx, gy, z, cmap="viridis", rstride=step, cstride=step, linewidth=0, alpha=0.9)
                continue
            x, y, z = (_num(tr.get(k)) for k in ("x", "y", "z"))
            if not (len(x) == len(y) == len(z)) or not len(x):
                continue
            if kind == "mesh3d":
                faces = np.stack([np.asarray(tr.get(k), dtype=int) for k in ("i", "j", "k")], axis=1)
                ax.plot_trisurf(x, y, z, triangles=faces, color=_colour(tr, i), linewidth=0, shade=False,
                                zorder=4)
                continue
            mode = str(tr.get("mode", "lines"))
            if "text" in mode and tr.get("text") is not None:
                font = tr.get("textfont") or {}
                colour = css_colour(font.get("color")) or "#333333"
                pts = np.stack([x, y, z], axis=1)
                radius = np.linalg.norm(pts, axis=1)
                # labels of axis tips on a sphere (all at one radius beyond it): pinned at the tips, set off
                # outward on the screen, so a vector's tip is never read as the label's direction
                tips = hidden and len(pts) > 1 and radius.min() > 1 and np.ptp(radius) < 1e-6
                right, up = _screen_axes((ex, ey, ez))
                vectors = [(float(t @ right), float(t @ up)) for t in _vector_tips(data, scene)]
                for p, label in zip(pts, tr["text"], strict=True):
                    if tips:
                        p = p / np.linalg.norm(p) * 1.04
                        u, v = float(p @ right), float(p @ up)
                        ha = "left" if u > 0.25 else "right" if u < -0.25 else "center"
                        va = "bottom" if v > 0.25 else "top" if v < -0.25 else "center"
                        ha, va = _clear_of(vectors, (u, v), str(label), (ha, va))
                    else:
                        ha, va = "center", "center"
                    ax.text(*p, str(label), fontsize=8, ha=ha, va=va, color=colour, zorder=3,
                            bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none", alpha=0.7) if tips else None)
            if hidden and "lines" in mode and len(x) == 2 and np.allclose([x[0], y[0], z[0]], 0) \
                    and abs(z[1]) > 0.05 and math.hypot(x[1], y[1]) > 0.05:
                # a vector from the centre: its shadow on the equator plane and the drop to it, so its
                # direction is read in 3-D (not from what it happens to cover on the screen)
                ax.plot([0, x[1], x[1]], [0, y[1], y[1]], [0, 0, z[1]], color=_colour(tr, i), lw=0.8,
                        ls=(0, (3, 2)), alpha=0.7)
            if "lines" in mode or "markers" in mode:
                line = tr.get("line") or {}
                ax.plot(x, y, z, color=_colour(tr, i), lw=max(0.6, float(line.get("width") or 2) / 2.2),
                        zorder=4 if len(x) == 2 else 1,
                        marker="o" if "markers" in mode else None, ms=2.5, ls="-" if "lines" in mode else "none",
                        alpha=float(tr.get("opacity", 1.0)))
        except Exception:  # one trace the picture cannot read: leave it out, draw the rest
            continue
    if hidden:
        ax.computed_zorder = False  # vectors over the labels they pass, labels over the wireframe
        rng = (spec.get("xaxis") or {}).get("range") or [-1.25, 1.25]
        ax.set_xlim(*rng)
        ax.set_ylim(*((spec.get("yaxis") or {}).get("range") or rng))
        ax.set_zlim(*((spec.get("zaxis") or {}).get("range") or rng))
        ax.set_box_aspect((1, 1, 1), zoom=1.55)
        ax.set_axis_off()
    else:
        for setter, label in ((ax.set_xlabel, "xaxis"), (ax.set_ylabel, "yaxis"), (ax.set_zlabel, "zaxis")):
            setter(_axis_title(spec.get(label))[:30], fontsize=7, labelpad=-2)
        ax.tick_params(labelsize=6, pad=0)


def _draw_panel(fig: Any, spot: Any, p: _Panel) -> Any:
    if p.note:
        ax = fig.add_subplot(spot)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_linestyle((0, (4, 3)))
            side.set_color("#999999")
        ax.text(0.5, 0.5, textwrap.fill(p.note, 34), ha="center", va="center", fontsize=8, color="#444444",
                transform=ax.transAxes)
        ax.set_title(_panel_title(_title(p.layout)), fontsize=8)
        return ax
    if p.scene is not None:
        ax = fig.add_subplot(spot, projection="3d")
        ax.patch.set_alpha(0)
        _draw_scene(ax, p.data, p.layout, p.scene)
        if p.title:
            ax.set_title(p.title[:40], fontsize=8, y=1.04)
        elif _title(p.layout):
            ax.set_title(_panel_title(_title(p.layout)), fontsize=8)
        return ax
    ax = fig.add_subplot(spot)
    _draw_flat(ax, p.data, p.layout)
    ax.set_title(_panel_title(_title(p.layout)), fontsize=8)
    return ax


def snapshot_figure(figures: Sequence[Any], *, dpi: int = 72, caption: str = "",
                    notes: Sequence[str] = (), diagram: str = "", empty_note: str = EMPTY_NOTE) -> Any:
    """The still picture as a matplotlib ``Figure``: the panels of every figure side by side (up to 3 a
    row), the ``diagram`` (monospace) and the ``notes`` (control values, readouts) under them, the
    ``caption`` (wrapped, never cut) on top. No figure at all: one panel with ``empty_note``."""
    from matplotlib.figure import Figure

    panels: list[_Panel] = []
    for f in figures:
        try:
            panels.extend(panels_of(f, empty_note))
        except Exception:  # a snapshot is a courtesy: a figure it cannot read is left out
            continue
    if not panels:
        panels = [_Panel([], {}, note=empty_note)]
    n = len(panels)
    cols = n if n <= 4 else 3
    rows = math.ceil(n / cols)
    width = _PANEL_W * cols
    chars = int(width * 72 / 4.3)  # 7 pt text: about 4.3 points per character
    cap_lines = textwrap.wrap(caption, chars) if caption else []
    diagram_lines = diagram.splitlines()[:12] if diagram else []
    note_lines = [line for note in notes for line in textwrap.wrap(note, min(chars, _TEXT_WIDTH))]
    if len(note_lines) > _MAX_NOTE_LINES:
        note_lines = note_lines[: _MAX_NOTE_LINES - 1] + [note_lines[_MAX_NOTE_LINES - 1][: chars - 2] + " …"]
    top_in = 0.12 + _LINE_IN * len(cap_lines)
    bottom_in = 0.1 + _LINE_IN * (len(note_lines) + len(diagram_lines)) + (0.1 if diagram_lines else 0)
    plots_in = _PANEL_H * rows
    height = top_in + plots_in + bottom_in
    fig = Figure(figsize=(width, height), dpi=dpi)
    grid = fig.add_gridspec(rows, cols, left=0.7 / width, right=1 - 0.1 / width,
                            top=1 - (top_in + 0.3) / height, bottom=(bottom_in + 0.42) / height,
                            wspace=0.35, hspace=0.55)
    for k, p in enumerate(panels):
        spot = grid[k // cols, k % cols]
        try:
            _draw_panel(fig, spot, p)
        except Exception:  # a snapshot is a courtesy: never break displaying the widget
            for ax in fig.axes:
                if ax.get_subplotspec() is not None and ax.get_subplotspec() == spot:
                    ax.set_axis_off()
    if cap_lines:
        fig.text(0.5, 1 - 0.06 / height, "\n".join(cap_lines), ha="center", va="top", fontsize=7,
                 linespacing=1.3)
    y = (bottom_in - 0.04) / height
    if diagram_lines:
        fig.text(0.02, y, "\n".join(line[:chars] for line in diagram_lines), ha="left", va="top", fontsize=7,
                 family="monospace", linespacing=1.15)
        y -= (_LINE_IN * len(diagram_lines) + 0.1) / height
    if note_lines:
        fig.text(0.02, y, "\n".join(note_lines), ha="left", va="top", fontsize=7, linespacing=1.3,
                 color="#222222")
    return fig


def snapshot_png(figures: Sequence[Any], *, dpi: int = 72, caption: str = "", notes: Sequence[str] = (),
                 diagram: str = "", empty_note: str = EMPTY_NOTE) -> bytes:
    """PNG bytes of :func:`snapshot_figure`."""
    return _png(snapshot_figure(figures, dpi=dpi, caption=caption, notes=notes, diagram=diagram,
                                empty_note=empty_note), dpi)


def _png(fig: Any, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


# --------------------------------------------------------------------------- the widget around the figures
def _shown(w: Any) -> bool:
    lay = getattr(w, "layout", None)
    if lay is None:
        return True
    return not (getattr(lay, "display", None) == "none" or getattr(lay, "visibility", None) == "hidden"
                or getattr(lay, "height", None) in ("0px", "0"))


def shown_widgets(widget: Any) -> list[Any]:
    """Every widget a reader sees, depth first: children of hidden or collapsed boxes are left out."""
    found, stack = [], [widget]
    while stack:
        w = stack.pop()
        if not _shown(w):
            continue
        found.append(w)
        stack.extend(reversed(getattr(w, "children", ()) or ()))
    return found


def _value_text(w: Any) -> str:
    import ipywidgets as W

    if isinstance(w, (W.Dropdown, W.ToggleButtons)):
        return str(w.label if w.label is not None else w.value)
    if isinstance(w, W.FloatSlider):
        fmt = str(getattr(w, "readout_format", "") or ".2f")
        try:
            return format(w.value, fmt)
        except (ValueError, TypeError):
            return f"{w.value:.2f}"
    if isinstance(w, W.IntRangeSlider):
        return f"{w.value[0]}…{w.value[1]}"
    return str(w.value)


def control_values(widget: Any) -> str:
    """The visible sliders, dropdowns and toggle buttons as ``description = value``, joined by `` · ``."""
    import ipywidgets as W

    kinds = (W.FloatSlider, W.IntSlider, W.IntRangeSlider, W.Dropdown, W.ToggleButtons)
    parts = []
    for w in shown_widgets(widget):
        if isinstance(w, kinds):
            name = html_text(w.description)
            parts.append(f"{name} = {_value_text(w)}" if name else _value_text(w))
    return " · ".join(parts)


def readout_widgets(widget: Any) -> list[Any]:
    """The widget's readouts: the HTML widgets named in its ``still_picture_readouts`` (attribute names),
    or else its HTML attributes whose name contains "readout" or is "info"; visible ones only."""
    import ipywidgets as W

    names = getattr(widget, "still_picture_readouts", None)
    attrs = vars(widget)
    if names is None:
        names = [k for k in attrs if not k.startswith("_") and ("readout" in k or k == "info")]
    seen = {id(w) for w in shown_widgets(widget)}
    out = []
    for k in names:
        w = attrs.get(k, getattr(widget, k, None))
        if isinstance(w, W.HTML) and id(w) in seen and html_text(w.value):
            out.append(w)
    return out


def widget_notes(widget: Any) -> list[str]:
    """Text lines for under the picture: the control values, then each readout's text."""
    notes = []
    controls = control_values(widget)
    if controls:
        notes.append(controls)
    for w in readout_widgets(widget):
        notes.extend(html_text(w.value).splitlines())
    return notes


def widget_diagram(widget: Any) -> str:
    """The text of the first visible HTML widget showing preformatted text (a circuit diagram), else ""."""
    import ipywidgets as W

    for w in shown_widgets(widget):
        if isinstance(w, W.HTML) and "<pre" in str(w.value):
            m = re.search(r"(?is)<pre[^>]*>(.*?)</pre>", str(w.value))
            if m:
                return html.unescape(re.sub(r"<[^>]*>", "", m.group(1))).strip("\n")
    return ""


def widget_snapshot_figure(widget: Any, figures: Sequence[Any], *, caption: str = "", dpi: int = 72) -> Any:
    """The still picture of a whole widget (a matplotlib ``Figure``): its visible ``figures``, its diagram,
    control values and readouts. A widget may say what to draw while no figure is shown yet with a
    ``still_picture_note`` attribute."""
    shown = {id(w) for w in shown_widgets(widget)}
    visible: list[Any] = [f for f in figures if id(f) in shown]
    if not visible and figures:  # none shown yet (e.g. before Compute): the first one's title over the note
        visible = [{"data": [], "layout": _parts(figures[0])[1]}]
    return snapshot_figure(visible, dpi=dpi, caption=caption, notes=widget_notes(widget),
                           diagram=widget_diagram(widget),
                           empty_note=str(getattr(widget, "still_picture_note", None) or EMPTY_NOTE))


def widget_snapshot_png(widget: Any, figures: Sequence[Any], *, caption: str = "", dpi: int = 72) -> bytes:
    """PNG bytes of :func:`widget_snapshot_figure` (what a widget's display bundle carries as ``image/png``)."""
    return _png(widget_snapshot_figure(widget, figures, caption=caption, dpi=dpi), dpi)
