"""Exercise checkers, one module per lesson (``from qmlwidgets.checks import lesson00 as check``).

Every checker prints a short verdict with a targeted hint, returns ``True``/``False`` and
never raises on a wrong or missing answer.
"""
from qmlwidgets.checks._core import CheckResult, Verdict, checker

__all__ = ["CheckResult", "Verdict", "checker"]
