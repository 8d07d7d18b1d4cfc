"""Shared machinery for exercise checkers.

A checker is a plain function decorated with :func:`checker`. It returns a :class:`Verdict`
(or raises :class:`Verdict` early); the decorator prints it and returns a :class:`CheckResult` (truthy when passed). Missing
answers (``None`` / ``...``) and any exception raised while checking become friendly
feedback, never a traceback.

Example::

    @checker("Superposition probability")
    def plus_probability(answer):
        if not np.isclose(answer, 0.5):
            return Verdict(False, "Square the amplitude: |1/sqrt(2)|^2 = ?")
        return Verdict(True, "Born rule applied correctly.")
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable

PASS_MARK = "✅"
FAIL_MARK = "❌"
TODO_MARK = "📝"


@dataclass
class Verdict(Exception):
    """Outcome of a check: ``ok`` plus a message (praise or a hint)."""

    ok: bool
    message: str = ""


class CheckResult(int):
    """A checker's outcome: truthy when passed, compares equal to True/False.

    It shows nothing as a cell's last value (the verdict is already printed), so a lesson
    cell ending in ``check.something(answer)`` displays only the verdict.
    """

    def __new__(cls, ok: bool) -> "CheckResult":
        return super().__new__(cls, bool(ok))

    def __repr__(self) -> str:
        return "True" if self else "False"

    def _ipython_display_(self) -> None:  # the printed verdict is the display
        pass


def finite_number(answer: Any, hint: str) -> float:
    """``answer`` as a finite float; otherwise raise a failing :class:`Verdict` (``hint`` when it is
    not a number at all, e.g. "Give one number: the number of shots.")."""
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise Verdict(False, hint) from None
    if not math.isfinite(value):
        raise Verdict(False, "Your answer is not a finite number.")
    return value


def is_missing(answer: Any) -> bool:
    """True for the placeholders a student copy starts with (``None`` or ``...``)."""
    return answer is None or answer is Ellipsis


def checker(title: str) -> Callable[[Callable[..., Verdict]], Callable[..., CheckResult]]:
    """Turn ``fn(answer, ...) -> Verdict`` into a printing, never-raising checker."""

    def decorate(fn: Callable[..., Verdict]) -> Callable[..., bool]:
        @functools.wraps(fn)
        def run(answer: Any = None, *args: Any, **kwargs: Any) -> CheckResult:
            if is_missing(answer):
                print(f"{TODO_MARK} {title}: no answer yet. Replace the placeholder "
                      "(`None` / `...`) with your code and run the cell again.")
                return CheckResult(False)
            try:
                verdict = fn(answer, *args, **kwargs)
            except Verdict as raised:
                verdict = raised
            except Exception as exc:  # a broken answer is feedback, not a crash
                verdict = Verdict(False, f"checking your answer raised {type(exc).__name__}: "
                                         f"{exc}. Look at its type and shape.")
            mark = PASS_MARK if verdict.ok else FAIL_MARK
            word = "correct" if verdict.ok else "not yet"
            print(f"{mark} {title}: {word}. {verdict.message}".rstrip())
            return CheckResult(verdict.ok)

        run.is_checker = True  # type: ignore[attr-defined]
        return run

    return decorate
