"""Static matplotlib pictures shared by the lessons (they read on GitHub, without a kernel).

Every function draws into an existing ``ax`` when given one (so pictures combine into
subplots) or creates a new figure, and returns the Axes. None of them calls
``plt.show()``: a lesson cell ends with ``plt.show()`` itself.

* :func:`plot_bloch_vectors` — 3-D Bloch sphere with one or several vectors (and arcs).
* :func:`plot_bloch_circle` — 2-D cut of the Bloch ball (``"xz"``, ``"xy"`` or ``"yz"``).
* :func:`plot_amplitudes` — amplitude bars: height ``|a|``, colour = phase ``arg(a)``.
* :func:`plot_probabilities_vs_counts` — exact probabilities beside sampled frequencies.
* Helpers: :func:`ket_text` (a state in Dirac notation), :func:`basis_labels`,
  :func:`counts_to_frequencies`, :func:`phase_text`.

Qubit order is Qiskit's: basis label ``b_{n-1} ... b_1 b_0`` (qubit 0 is the rightmost bit).

Example
-------
>>> import numpy as np, matplotlib
>>> matplotlib.use("Agg")
>>> from qmlcourse import viz
>>> ax = viz.plot_bloch_vectors([[0, 0, 1], [1, 0, 0]], labels=["|0⟩", "|+⟩"])
>>> ax = viz.plot_amplitudes(np.array([1, 1j]) / np.sqrt(2))
>>> ax = viz.plot_probabilities_vs_counts([0.5, 0.5], {"0": 46, "1": 54})
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, Normalize, hsv_to_rgb

__all__ = [
    "COLORS",
    "PHASE_CMAP",
    "basis_labels",
    "counts_to_frequencies",
    "phase_text",
    "ket_text",
    "plot_bloch_vectors",
    "plot_bloch_circle",
    "plot_amplitudes",
    "plot_probabilities_vs_counts",
]

COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
                           "#000000")
"""Colour-blind-safe cycle (Okabe–Ito) used for vectors and bars."""

def _make_phase_cmap() -> ListedColormap:
    # a hue wheel turned so that phase 0 is blue, pi is orange, pi/2 magenta and -pi/2 green
    t = np.linspace(0.0, 1.0, 256)
    hsv = np.stack([(t + 0.1) % 1.0, np.full_like(t, 0.7), np.full_like(t, 0.85)], axis=1)
    return ListedColormap(hsv_to_rgb(hsv), name="qml_phase")


PHASE_CMAP: ListedColormap = _make_phase_cmap()
"""Cyclic colormap for phases in [-pi, pi]: 0 blue, pi/2 magenta, ±pi orange, -pi/2 green."""

_EXACT_COLOR = "#0072B2"
_SAMPLED_COLOR = "#E69F00"
_AXIS_LABELS = {"x": ("|+⟩", "|−⟩"), "y": ("|+i⟩", "|−i⟩"), "z": ("|0⟩", "|1⟩")}


# --------------------------------------------------------------------------- helpers
def basis_labels(num_qubits: int) -> list[str]:
    """Basis-state labels in Qiskit order (qubit 0 is the rightmost bit).

    >>> basis_labels(2)
    ['00', '01', '10', '11']
    """
    n = int(num_qubits)
    if n < 1:
        raise ValueError(f"num_qubits must be at least 1, got {num_qubits!r}")
    return [format(i, f"0{n}b") for i in range(2**n)]


def _num_qubits_of_length(length: int, what: str) -> int:
    if length < 2 or length & (length - 1):
        raise ValueError(f"{what} has length {length}; expected a power of two (2 for one qubit, 4 for two, ...)")
    return length.bit_length() - 1


def counts_to_frequencies(counts: Mapping[str, int] | Sequence[int] | np.ndarray, num_qubits: int | None = None,
                          shots: int | None = None) -> np.ndarray:
    """Relative frequencies (length ``2**n``, Qiskit order) from a counts dict or a counts array.

    ``shots`` defaults to the total of the counts.

    >>> counts_to_frequencies({"00": 3, "11": 1}).tolist()
    [0.75, 0.0, 0.0, 0.25]
    """
    if isinstance(counts, Mapping):
        keys = [str(k).replace(" ", "") for k in counts]
        if not keys:
            raise ValueError("counts is empty; expected a dict such as {'0': 48, '1': 52}")
        if any(set(k) - {"0", "1"} for k in keys):
            raise ValueError(f"counts keys must be bitstrings such as '01', got {sorted(counts)[:4]}")
        n = num_qubits if num_qubits is not None else max(len(k) for k in keys)
        arr = np.zeros(2**n)
        for k, c in zip(keys, counts.values(), strict=True):
            i = int(k, 2)
            if i >= 2**n:
                raise ValueError(f"bitstring {k!r} does not fit in {n} qubits")
            arr[i] += float(c)
    else:
        arr = np.asarray(counts, dtype=float).ravel()
        n = _num_qubits_of_length(len(arr), "counts")
        if num_qubits is not None and n != num_qubits:
            raise ValueError(f"counts has {len(arr)} entries but num_qubits={num_qubits} needs {2**num_qubits}")
    if np.any(arr < 0):
        raise ValueError("counts must not be negative")
    total = float(arr.sum()) if shots is None else float(shots)
    if total <= 0:
        raise ValueError("the counts add up to 0 shots; expected at least one shot")
    return arr / total


def phase_text(angle: float, max_denominator: int = 12, atol: float = 1e-3) -> str:
    """A phase in (-pi, pi] as a short multiple of pi (``'π/2'``, ``'−3π/4'``), else in radians.

    >>> [phase_text(a) for a in (0, np.pi / 2, -np.pi / 4, np.pi, 1.0)]
    ['0', 'π/2', '−π/4', 'π', '1.00']
    """
    a = float(np.angle(np.exp(1j * float(angle))))  # wrap to (-pi, pi]
    if abs(a + np.pi) < atol:
        a = np.pi
    frac = Fraction(a / np.pi).limit_denominator(max_denominator)
    if abs(float(frac) * np.pi - a) > atol:
        return f"{a:.2f}".replace("-", "−")
    if frac == 0:
        return "0"
    sign = "−" if frac < 0 else ""
    num, den = abs(frac.numerator), frac.denominator
    top = "π" if num == 1 else f"{num}π"
    return f"{sign}{top}" if den == 1 else f"{sign}{top}/{den}"


def _number_text(x: float, digits: int) -> str:
    t = f"{abs(x):.{digits}f}".rstrip("0").rstrip(".")
    return t


def _coefficient_text(a: complex, digits: int) -> tuple[str, str]:
    """(sign, magnitude text) of one amplitude; the text is '' for a coefficient of exactly 1."""
    re_, im = round(a.real, digits) + 0.0, round(a.imag, digits) + 0.0
    if im == 0:
        return ("−" if re_ < 0 else "+"), ("" if abs(re_) == 1 else _number_text(re_, digits))
    if re_ == 0:
        return ("−" if im < 0 else "+"), ("" if abs(im) == 1 else _number_text(im, digits)) + "i"
    inner = f"{'−' if re_ < 0 else ''}{_number_text(re_, digits)}{'−' if im < 0 else '+'}{_number_text(im, digits)}i"
    return "+", f"({inner})"


def ket_text(state: Any, digits: int = 4) -> str:
    """A statevector in Dirac notation, Qiskit order, amplitudes rounded to ``digits`` decimals.

    Terms whose rounded amplitude is 0 are left out; a real negative or imaginary amplitude
    shows as ``−`` or ``i``.

    >>> ket_text(np.array([1, 0, 0, 1]) / np.sqrt(2))
    '0.7071|00⟩ + 0.7071|11⟩'
    >>> ket_text([0.6, -0.8j])
    '0.6|0⟩ − 0.8i|1⟩'
    """
    a = np.asarray(getattr(state, "data", state))
    if a.ndim != 1 or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise ValueError(f"state has shape {a.shape} and dtype {a.dtype}; expected a 1-D array of 2**n amplitudes")
    a = a.astype(complex)
    n = _num_qubits_of_length(len(a), "state")
    terms = []
    for label, amp in zip(basis_labels(n), a, strict=True):
        sign, text = _coefficient_text(complex(amp), digits)
        if text in ("0", "0i", "(0+0i)"):
            continue
        terms.append((sign, f"{text}|{label}⟩"))
    if not terms:
        return "0"
    out = ("−" if terms[0][0] == "−" else "") + terms[0][1]
    for sign, body in terms[1:]:
        out += f" {sign} {body}"
    return out


def _as_vectors(vectors: Any, what: str = "vectors") -> np.ndarray:
    try:
        arr = np.asarray(vectors, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{what} could not be read as real numbers; expected Bloch vectors (x, y, z), "
                         "e.g. states.bloch_vector(psi)") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"{what} has shape {np.shape(vectors)}; expected one Bloch vector (3,) or several (m, 3) "
                         "— convert states with qmlwidgets.states.bloch_vector(psi)")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} contains NaN or infinite entries")
    too_long = np.linalg.norm(arr, axis=1) > 1 + 1e-6
    if np.any(too_long):
        raise ValueError(f"{what}: a Bloch vector has length at most 1, got length "
                         f"{np.linalg.norm(arr, axis=1)[too_long][0]:.4g}")
    return arr


def _labels(labels: Any, m: int, default: str) -> list[str | None]:
    if labels is None:
        return [None] * m if default == "" else [f"{default}{i}" for i in range(m)]
    if isinstance(labels, str):
        labels = [labels]
    labels = list(labels)
    if len(labels) != m:
        raise ValueError(f"got {len(labels)} labels for {m} items; give one label per item")
    return [None if lab is None else str(lab) for lab in labels]


def _colors(colors: Any, m: int) -> list:
    if colors is None:
        return [COLORS[i % len(COLORS)] for i in range(m)]
    if isinstance(colors, str):
        return [colors] * m
    colors = list(colors)
    if len(colors) != m:
        raise ValueError(f"got {len(colors)} colors for {m} items; give one colour per item (or one string)")
    return colors


def _paths(paths: Any) -> list[np.ndarray]:
    if paths is None:
        return []
    arr = np.asarray(paths, dtype=float) if not isinstance(paths, (list, tuple)) else None
    items = [arr] if arr is not None and arr.ndim == 2 else list(paths)
    out = []
    for p in items:
        p = np.asarray(p, dtype=float)
        if p.ndim != 2 or p.shape[1] != 3:
            raise ValueError(f"a path has shape {p.shape}; expected (m, 3) points, e.g. states.rotation_path(...)")
        out.append(p)
    return out


# --------------------------------------------------------------------------- Bloch sphere
def plot_bloch_vectors(vectors: Any, labels: Sequence[str | None] | str | None = None,
                       colors: Sequence[str] | str | None = None, *, paths: Any = None,
                       path_colors: Sequence[str] | str | None = None, ax: Axes | None = None,
                       title: str | None = None, elev: float = 20.0, azim: float = 30.0,
                       show_basis_labels: bool = True) -> Axes:
    """Draw Bloch vectors as arrows inside a 3-D Bloch sphere; returns the 3-D Axes.

    ``vectors``: one ``(3,)`` or several ``(m, 3)`` Bloch vectors (length <= 1; shorter
    arrows are mixed states, e.g. one qubit of an entangled pair). ``labels`` go to a
    legend. ``paths``: optional ``(k, 3)`` point arrays drawn as dashed arcs (e.g. from
    ``states.rotation_path``). ``ax`` must be a 3-D Axes (``subplot_kw={"projection": "3d"}``).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = plot_bloch_vectors([[0, 0, 1], [0, 0.5, 0]], labels=["|0⟩", "mixed"])
    >>> len(ax.get_legend().get_texts())
    2
    """
    vecs = _as_vectors(vectors)
    m = len(vecs)
    labs = _labels(labels, m, "")
    cols = _colors(colors, m)
    arcs = _paths(paths)
    arc_cols = _colors(path_colors if path_colors is not None else ["#888888"] * len(arcs), len(arcs))
    if ax is None:
        fig = plt.figure(figsize=(3.6, 3.6))
        ax = fig.add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise ValueError("ax must be a 3-D Axes: create it with fig.add_subplot(projection='3d') or "
                         "plt.subplots(subplot_kw={'projection': '3d'})")

    # sphere: light surface, equator and two meridians
    u, v = np.mgrid[0:2 * np.pi:25j, 0:np.pi:13j]
    ax.plot_surface(np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v), color="#dde6f0", alpha=0.15,
                    linewidth=0, shade=False)
    t = np.linspace(0, 2 * np.pi, 97)
    c, s, z0 = np.cos(t), np.sin(t), np.zeros_like(t)
    for xs, ys, zs in ((c, s, z0), (c, z0, s), (z0, c, s)):
        ax.plot(xs, ys, zs, color="#9aa5b1", lw=0.6)
    for axis in np.eye(3):
        ax.plot(*np.stack([-axis, axis], axis=1), color="#9aa5b1", lw=0.6, ls=":")
    if show_basis_labels:
        d = 1.22
        for (x, y, z), text in (((0, 0, d), "|0⟩"), ((0, 0, -d), "|1⟩"), ((d, 0, 0), "|+⟩"), ((-d, 0, 0), "|−⟩"),
                                ((0, d, 0), "|+i⟩"), ((0, -d, 0), "|−i⟩")):
            ax.text(x, y, z, text, ha="center", va="center", fontsize=9, color="#444444")
    for p, col in zip(arcs, arc_cols, strict=True):
        ax.plot(p[:, 0], p[:, 1], p[:, 2], color=col, lw=1.6, ls="--")
    for r, lab, col in zip(vecs, labs, cols, strict=True):
        length = float(np.linalg.norm(r))
        if length > 1e-9:
            ax.quiver(0, 0, 0, *r, color=col, lw=2.2, arrow_length_ratio=min(0.25, 0.12 / length))
        ax.scatter([r[0]], [r[1]], [r[2]], color=col, s=18, depthshade=False, label=lab)
    for setter in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
        setter(-1.05, 1.05)
    ax.set_box_aspect((1, 1, 1), zoom=1.25)
    ax.set_axis_off()
    ax.view_init(elev=elev, azim=azim)
    if any(lab is not None for lab in labs):
        ax.legend(loc="upper left", fontsize=8, frameon=False, bbox_to_anchor=(-0.05, 1.02))
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_bloch_circle(vectors: Any, labels: Sequence[str | None] | str | None = None,
                      colors: Sequence[str] | str | None = None, *, plane: str = "xz", paths: Any = None,
                      ax: Axes | None = None, title: str | None = None) -> Axes:
    """2-D cut of the Bloch ball: the unit circle in ``plane`` with the projected vectors.

    ``plane`` is ``"xz"`` (default: |0⟩ up, |+⟩ right), ``"xy"`` (the equator, seen from
    above) or ``"yz"``. Lengths below 1 show mixed (or projected) states.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = plot_bloch_circle([[1, 0, 0], [0, 0, -1]], labels=["|+⟩", "|1⟩"])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('x', 'z')
    """
    key = str(plane).strip().lower()
    if key not in ("xz", "xy", "yz"):
        raise ValueError(f"plane {plane!r} is not valid; expected 'xz', 'xy' or 'yz'")
    vecs = _as_vectors(vectors)
    m = len(vecs)
    labs = _labels(labels, m, "")
    cols = _colors(colors, m)
    i, j = "xyz".index(key[0]), "xyz".index(key[1])
    if ax is None:
        _, ax = plt.subplots(figsize=(3.3, 3.3))
    t = np.linspace(0, 2 * np.pi, 181)
    ax.plot(np.cos(t), np.sin(t), color="#9aa5b1", lw=1)
    ax.axhline(0, color="#9aa5b1", lw=0.6, ls=":")
    ax.axvline(0, color="#9aa5b1", lw=0.6, ls=":")
    (hp, hm), (vp, vm) = _AXIS_LABELS[key[0]], _AXIS_LABELS[key[1]]
    d = 1.16
    for (x, y), text in (((d, 0), hp), ((-d, 0), hm), ((0, d), vp), ((0, -d), vm)):
        ax.text(x, y, text, ha="center", va="center", fontsize=9, color="#444444")
    for p in _paths(paths):
        ax.plot(p[:, i], p[:, j], color="#888888", lw=1.4, ls="--")
    for r, lab, col in zip(vecs, labs, cols, strict=True):
        x, y = r[i], r[j]
        if np.hypot(x, y) > 1e-9:
            ax.annotate("", xy=(x, y), xytext=(0, 0),
                        arrowprops=dict(arrowstyle="-|>", color=col, lw=2, shrinkA=0, shrinkB=0))
        ax.plot([x], [y], "o", color=col, ms=4, label=lab)
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.set_xlabel(key[0])
    ax.set_ylabel(key[1])
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    if any(lab is not None for lab in labs):
        ax.legend(loc="lower left", fontsize=8, frameon=False, bbox_to_anchor=(-0.08, -0.12))
    if title:
        ax.set_title(title, fontsize=10)
    return ax


# --------------------------------------------------------------------------- amplitudes
def plot_amplitudes(state: Any, *, ax: Axes | None = None, title: str | None = None,
                    labels: Sequence[str] | None = None, colorbar: bool = True, show_phases: bool = True,
                    atol: float = 1e-9) -> Axes:
    """Bar chart of a statevector: height ``|a|``, colour = phase ``arg(a)`` (cyclic colormap).

    Accepts amplitudes (a list or array of length ``2**n``) or anything with ``.data``
    (a Qiskit ``Statevector``). With ``show_phases`` the phase is written above each bar as
    a multiple of π. Bars are in Qiskit order (qubit 0 = rightmost bit).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = plot_amplitudes([2 ** -0.5, -(2 ** -0.5)])
    >>> [t.get_text() for t in ax.texts]
    ['0', 'π']
    """
    a = np.asarray(getattr(state, "data", state))
    if a.ndim != 1 or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise ValueError(f"state has shape {a.shape} and dtype {a.dtype}; expected a 1-D array of 2**n amplitudes")
    a = a.astype(complex)
    if not np.all(np.isfinite(a)):
        raise ValueError("state contains NaN or infinite amplitudes")
    n = _num_qubits_of_length(len(a), "state")
    labs = list(labels) if labels is not None else basis_labels(n)
    if len(labs) != len(a):
        raise ValueError(f"got {len(labs)} labels for {len(a)} amplitudes")
    mags = np.abs(a)
    phases = np.where(mags > atol, np.angle(a), 0.0)
    cmap = PHASE_CMAP
    norm = Normalize(-np.pi, np.pi)
    cols = [cmap(norm(p)) if mg > atol else "#cccccc" for p, mg in zip(phases, mags, strict=True)]
    if ax is None:
        _, ax = plt.subplots(figsize=(max(3.2, 0.55 * len(a) + 1.8), 2.8))
    x = np.arange(len(a))
    ax.bar(x, mags, color=cols, edgecolor="#333333", linewidth=0.6)
    ax.set_xticks(x)
    ax.set_xticklabels([f"|{lab}⟩" for lab in labs], rotation=0 if len(a) <= 8 else 90)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("|amplitude|")
    if show_phases:
        for xi, mg, p in zip(x, mags, phases, strict=True):
            if mg > atol:
                ax.text(xi, mg + 0.03, phase_text(p), ha="center", va="bottom", fontsize=8)
    if colorbar:
        sm = plt.cm.ScalarMappable(cmap=cmap, norm=norm)
        cb = ax.figure.colorbar(sm, ax=ax, pad=0.02, fraction=0.05)
        cb.set_ticks([-np.pi, -np.pi / 2, 0, np.pi / 2, np.pi])
        cb.set_ticklabels(["−π", "−π/2", "0", "π/2", "π"])
        cb.set_label("phase", fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


# --------------------------------------------------------------------------- sampling
def plot_probabilities_vs_counts(probabilities: Sequence[float] | np.ndarray,
                                 counts: Mapping[str, int] | Sequence[int] | np.ndarray | None, *,
                                 shots: int | None = None, labels: Sequence[str] | None = None,
                                 ax: Axes | None = None, title: str | None = None, legend: bool = True) -> Axes:
    """Side-by-side bars: exact probabilities (blue) and sampled frequencies ``counts / shots`` (orange).

    ``counts`` is a Qiskit counts dict (``{'01': 12, ...}``) or an array in Qiskit order, or
    None to show only the exact bars. The title defaults to the number of shots.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = plot_probabilities_vs_counts([0.25, 0.75], {"0": 30, "1": 70})
    >>> ax.get_title()
    '100 shots'
    """
    p = np.asarray(probabilities, dtype=float).ravel()
    n = _num_qubits_of_length(len(p), "probabilities")
    if np.any(p < -1e-9) or abs(p.sum() - 1) > 1e-6:
        raise ValueError(f"probabilities must be >= 0 and add up to 1 (they add up to {p.sum():.4g}); "
                         "if you have amplitudes, square their magnitudes first")
    labs = list(labels) if labels is not None else basis_labels(n)
    if len(labs) != len(p):
        raise ValueError(f"got {len(labs)} labels for {len(p)} probabilities")
    if ax is None:
        _, ax = plt.subplots(figsize=(max(3.2, 0.6 * len(p) + 1.6), 2.8))
    x = np.arange(len(p))
    if counts is None:
        ax.bar(x, p, 0.6, color=_EXACT_COLOR, label="exact")
        default_title = "exact probabilities"
    else:
        freq = counts_to_frequencies(counts, n, shots)
        total = int(round(shots if shots is not None else (
            sum(counts.values()) if isinstance(counts, Mapping) else float(np.sum(counts)))))
        ax.bar(x - 0.2, p, 0.4, color=_EXACT_COLOR, label="exact")
        ax.bar(x + 0.2, freq, 0.4, color=_SAMPLED_COLOR, label="sampled")
        default_title = f"{total} shot{'s' * (total != 1)}"
    ax.set_xticks(x)
    ax.set_xticklabels(labs, rotation=0 if len(p) <= 8 else 90)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("probability")
    if legend:
        ax.legend(fontsize=8, frameon=False)
    ax.set_title(default_title if title is None else title, fontsize=10)
    return ax
