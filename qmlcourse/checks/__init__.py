"""Exercise checkers, one module per lesson (``from qmlcourse.checks import lesson00 as check``).

Every checker shows a short verdict with a targeted hint, returns ``True``/``False`` and
never raises on a wrong, missing, oversized or hostile answer (only ``KeyboardInterrupt`` passes).
In a Jupyter kernel the verdict is a display whose text is the verdict line and which carries a
structured result (``application/vnd.qmlwidgets.check+json``) that the progress report reads;
see :mod:`qmlcourse.checks._core`. The signing names below (``MIME``, ``KEY_ENV``, the marks and
:func:`verify`) are the public interface the progress report (:mod:`qmlcourse.progress`) reads.
"""
from qmlcourse.checks._core import FAIL_MARK, KEY_ENV, MIME, PASS_MARK, TODO_MARK, CheckResult, Verdict, checker, verify

__all__ = ["CheckResult", "FAIL_MARK", "KEY_ENV", "MIME", "PASS_MARK", "TODO_MARK", "Verdict", "checker", "verify"]
