"""qmlwidgets: a small widget kit for exploring quantum circuits — a fast exact simulator behind
Qiskit's primitives V2, widget-free models (states, circuits, loss landscapes) and three explorers
(Bloch sphere, circuit, loss landscape). It never imports the course package ``qmlcourse``.

Heavy parts (Qiskit, plotly, ipywidgets) are imported lazily, on first use::

    >>> import qmlwidgets as qw
    >>> est = qw.Estimator()          # imports the engine only now
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (imported on first attribute access)
_LAZY = {
    "Estimator": "qmlwidgets.engine",
    "Sampler": "qmlwidgets.engine",
    "BlochExplorer": "qmlwidgets.widgets.bloch",
    "CircuitExplorer": "qmlwidgets.widgets.circuit",
    "LandscapeExplorer": "qmlwidgets.widgets.landscape",
    "BarrenPlateauView": "qmlwidgets.widgets.landscape",
    "SliderPlot": "qmlwidgets.widgets.sliderplot",
}
_SUBMODULES = {"engine", "states", "bloch_model", "circuit_model", "landscape", "landscape_model", "reconstruct", "optimizers", "ties",
               "validate", "widgets"}

__all__ = sorted(_LAZY) + sorted(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"qmlwidgets.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'qmlwidgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
