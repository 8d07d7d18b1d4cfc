"""qmlcourse: the course package of the hands-on quantum machine learning course.

Lesson helpers (datasets, encodings, kernels, models and training, QAOA, chemistry, noise, RL, QKD,
static pictures), the exercise checkers (``qmlcourse.checks``) and the instructor's progress report
(``python -m qmlcourse progress lessons/``). It builds on the widget kit ``qmlwidgets`` (the engine,
states, landscapes, optimisers, explorers) and may import it; the kit never imports this package.

Submodules are imported on first use::

    >>> import qmlcourse
    >>> qmlcourse.datasets.make_moons(8, seed=0).X.shape   # imports qmlcourse.datasets only now
    (8, 2)
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = {"checks", "chemistry", "datasets", "encodings", "generative", "hardware", "honesty", "kernels",
               "models", "noise", "progress", "qaoa", "qkd", "quantum_data", "qubo", "rl", "train", "viz"}

__all__ = sorted(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"qmlcourse.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'qmlcourse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
