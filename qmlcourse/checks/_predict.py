"""Predict-then-reveal: record a learner's prediction, later compare it with the truth.

The learner commits a number in one cell (:func:`record`), the lesson computes the truth,
and :func:`reveal` prints both side by side. Lines start with 🔮 / 🔍, not with a checker's
✅/❌/📝, so the progress report does not count predictions as exercises (a prediction is
never wrong to make). Neither function raises on a missing or malformed prediction.

Example::

    >>> record("demo", 0.8, "the boundary h/J")
    🔮 Prediction recorded: the boundary h/J ≈ 0.8. Run on to see the truth.
    True
    >>> reveal("demo", 0.75, "the boundary h/J", tolerance=0.1)
    🔍 the boundary h/J: you predicted 0.8, the computation gives 0.75 — close (within 0.1).
    True
"""
from __future__ import annotations

import math
from typing import Any

from qmlcourse.checks._core import CheckResult

_RECORDED: dict[str, float] = {}

#: what :func:`reveal` says instead of the truth when no prediction has been recorded
NO_PREDICTION = ("no prediction recorded yet — write your guess in the prediction cell above and run it, "
                 "then run this cell again.")


def _number(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def record(key: str, value: Any, what: str) -> CheckResult:
    """Store ``value`` as the prediction ``key``; print what was recorded.

    Returns a :class:`CheckResult` (falsy when ``value`` is not a finite number) that displays
    nothing, so a cell ending in this call shows only the printed line."""
    v = _number(value)
    if v is None:
        _RECORDED.pop(key, None)
        print(f"🔮 Prediction for {what}: none recorded yet — write one finite number "
              f"(a guess is fine) and run the cell again.")
        return CheckResult(False)
    _RECORDED[key] = v
    print(f"🔮 Prediction recorded: {what} ≈ {v:g}. Run on to see the truth.")
    return CheckResult(True)


def recorded(key: str) -> float | None:
    """The recorded prediction ``key`` (None when there is none)."""
    return _RECORDED.get(key)


def reveal(key: str, truth: float, what: str, tolerance: float, note: str = "") -> CheckResult:
    """Print the recorded prediction next to ``truth``; True when within ``tolerance``.

    Without a recorded prediction the truth is *not* printed (only :data:`NO_PREDICTION`), so
    pressing Run All, or reading a student lesson's stored outputs, does not give the answer away.

    >>> _RECORDED.pop("demo2", None)
    >>> reveal("demo2", 0.75, "the boundary h/J", tolerance=0.1)
    🔍 the boundary h/J: no prediction recorded yet — write your guess in the prediction cell above and run it, then run this cell again.
    False
    """
    t = float(truth)
    guess = _RECORDED.get(key)
    tail = f" {note}" if note else ""
    if guess is None:  # keep the truth hidden: Run All (or a stored output) must not spoil it
        print(f"🔍 {what}: {NO_PREDICTION}")
        return CheckResult(False)
    close = abs(guess - t) <= tolerance
    exact = math.isclose(guess, t, rel_tol=1e-9, abs_tol=1e-12) or f"{guess:.3g}" == f"{t:.3g}"
    verdict = ("exactly right" if exact else f"close (within {tolerance:g})" if close
               else f"off by {abs(guess - t):.2g}")
    print(f"🔍 {what}: you predicted {guess:g}, the computation gives {t:.3g} — {verdict}.{tail}")
    return CheckResult(close)
