"""Exercise checkers, one module per lesson (``from qmlwidgets.checks import lesson00 as check``).

Every checker shows a short verdict with a targeted hint, returns ``True``/``False`` and
never raises on a wrong, missing, oversized or hostile answer (only ``KeyboardInterrupt`` passes).
In a Jupyter kernel the verdict is a display whose text is the verdict line and which carries a
structured result (``application/vnd.qmlwidgets.check+json``) that the progress report reads;
see :mod:`qmlwidgets.checks._core`.
"""
from qmlwidgets.checks._core import CheckResult, Verdict, checker

__all__ = ["CheckResult", "Verdict", "checker"]
