"""Shared machinery for exercise checkers.

A checker is a plain function decorated with :func:`checker`. It returns a :class:`Verdict`
(or raises :class:`Verdict` early); the decorator shows it and returns a :class:`CheckResult`
(truthy when passed). Missing answers (``None`` / ``...`` / an untouched function stub), oversized answers and any exception
raised while checking become friendly feedback, never a traceback (only ``KeyboardInterrupt``
passes through, so a learner can still stop a cell).

The verdict is shown as one short line of text. In a Jupyter kernel it is a ``display_data``
whose ``text/plain`` is that line and which also carries a machine-readable result under
:data:`MIME` (``{"exercise", "status", "passed"}``); when the kernel was given a per-run key
(:data:`KEY_ENV`, set by ``python -m qmlcourse progress``) the output's metadata also holds an
HMAC of that result, so the progress report counts only results a checker produced — a
``print`` of a verdict line is not one. Outside a kernel the line is printed.

Example::

    @checker("Superposition probability")
    def plus_probability(answer):
        if not np.isclose(answer, 0.5):
            return Verdict(False, "Square the amplitude: |1/sqrt(2)|^2 = ?")
        return Verdict(True, "Born rule applied correctly.")
"""
from __future__ import annotations

import dis
import functools
import hashlib
import hmac
import itertools
import json
import math
import os
import signal
import sys
import threading
import types
from dataclasses import dataclass
from typing import Any, Callable

PASS_MARK = "✅"
FAIL_MARK = "❌"
TODO_MARK = "📝"

#: MIME type of a checker's structured result (a JSON object: exercise, status, passed)
MIME = "application/vnd.qmlwidgets.check+json"
#: environment variable through which ``progress`` hands the kernel its per-run HMAC key
KEY_ENV = "QMLWIDGETS_CHECK_KEY"
#: a checker gives up (with a message) after this many seconds (main thread only)
TIME_LIMIT = 60.0
#: answers larger than these are refused before anything is allocated
MAX_QUBITS = 12
MAX_ITEMS = 1_000_000
MAX_STRING = 100_000

_KEY: bytes | None = None


def _take_key() -> None:
    """Move the per-run key out of the environment (done once, at import)."""
    global _KEY
    value = os.environ.pop(KEY_ENV, None)
    if value:
        _KEY = value.encode()


_take_key()


def result_payload(title: str, status: str) -> dict[str, Any]:
    """The structured result of one check: ``status`` is "pass", "fail" or "todo"."""
    return {"exercise": title, "status": status, "passed": status == "pass"}


def sign(payload: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 (hex) of a result payload under ``key``.

    >>> len(sign(result_payload("Exercise 1", "pass"), b"k"))
    64
    """
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(payload: Any, signature: Any, key: bytes) -> bool:
    """True when ``signature`` is the HMAC of ``payload`` under ``key`` and the payload is well formed."""
    if not (isinstance(payload, dict) and isinstance(signature, str) and set(payload) == {"exercise", "status", "passed"}
            and isinstance(payload["exercise"], str) and payload["status"] in ("pass", "fail", "todo")
            and payload["passed"] is (payload["status"] == "pass")):
        return False
    return hmac.compare_digest(sign(payload, key), signature)


def _shell() -> Any:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        return ipython.get_ipython()
    except Exception:
        return None


def show(text: str, title: str, status: str) -> None:
    """Show a verdict line: a display with the structured result in a kernel, else ``print``."""
    shell = _shell()
    if shell is None:
        print(text)
        return
    try:
        from IPython.display import display

        payload = result_payload(title, status)
        metadata = {MIME: {"hmac": sign(payload, _KEY)}} if _KEY else {}
        display({"text/plain": text, MIME: payload}, raw=True, metadata=metadata)
    except Exception:  # an odd front end: the learner still gets the text
        print(text)


@dataclass
class Verdict(Exception):
    """Outcome of a check: ``ok`` plus a message (praise or a hint)."""

    ok: bool
    message: str = ""


class CheckResult(int):
    """A checker's outcome: truthy when passed, compares equal to True/False.

    It shows nothing as a cell's last value (the verdict is already shown), so a lesson
    cell ending in ``check.something(answer)`` displays only the verdict.
    """

    def __new__(cls, ok: bool) -> "CheckResult":
        return super().__new__(cls, bool(ok))

    def __repr__(self) -> str:
        return "True" if self else "False"

    def _ipython_display_(self) -> None:  # the verdict is the display
        pass


def finite_number(answer: Any, hint: str) -> float:
    """``answer`` as a finite float; otherwise raise a failing :class:`Verdict` (``hint`` when it is
    not a number at all, e.g. "Give one number: the number of shots.")."""
    try:
        value = float(answer)
    except (TypeError, ValueError, OverflowError):
        raise Verdict(False, hint) from None
    if not math.isfinite(value):
        raise Verdict(False, "Your answer is not a finite number.")
    return value


def call_on_test(answer: Callable[..., Any], args: tuple, where: str, advice: str,
                 none_hint: str | None = None) -> Any:
    """Call the learner's function on an unseen test case; a crash (or, with ``none_hint``, a None
    result) becomes a failing :class:`Verdict` that says where it happened and what to do.

    >>> call_on_test(lambda a: a + 1, (1,), "the test", "Use its argument.")
    2
    """
    try:
        out = answer(*args)
    except Exception as exc:
        raise Verdict(False, f"On {where} your function raised {type(exc).__name__}: {exc}. {advice}") from exc
    if out is None and none_hint is not None:
        raise Verdict(False, f"Your function returns None: {none_hint}")
    return out


def is_missing(answer: Any) -> bool:
    """True for the placeholders a student copy starts with: ``None``, ``...``, or an untouched
    function stub (a ``def`` whose body only returns None, as tools/make_lessons.py writes it).

    >>> def stub(x):
    ...     return None  # YOUR CODE HERE
    >>> is_missing(stub), is_missing(lambda x: None), is_missing(0)
    (True, False, False)
    """
    return answer is None or answer is Ellipsis or is_stub(answer)


#: the only instructions a function that does nothing but ``return None`` compiles to
_STUB_OPS = frozenset({"RESUME", "NOP", "LOAD_CONST", "RETURN_CONST", "RETURN_VALUE"})


def is_stub(fn: Any) -> bool:
    """True when ``fn`` is a ``def`` function (not a lambda) whose body does nothing but return
    None (docstring, comments, ``pass``, ``...``, ``return None``): an exercise not yet started.

    >>> def f():
    ...     pass
    >>> is_stub(f), is_stub(print)
    (True, False)
    """
    if not isinstance(fn, types.FunctionType) or fn.__name__ == "<lambda>":
        return False
    try:
        for ins in dis.get_instructions(fn):
            if ins.opname not in _STUB_OPS or (ins.opname in ("LOAD_CONST", "RETURN_CONST")
                                              and ins.argval is not None):
                return False
    except Exception:
        return False
    return True


def bounded(value: Any, name: str = "your answer") -> Any:
    """Refuse ``value`` with a failing :class:`Verdict` when it is too large to check safely.

    Looks only at cheap properties (never converts): a circuit or operator on more than
    :data:`MAX_QUBITS` qubits, a string longer than :data:`MAX_STRING`, a container or array with
    more than :data:`MAX_ITEMS` entries. A one-shot iterator (e.g. a generator, possibly
    infinite) is read into a list of at most :data:`MAX_ITEMS` items.

    >>> bounded(iter([1, 2]))
    [1, 2]
    """
    try:
        nq = getattr(value, "num_qubits", None)
    except Exception:
        nq = None
    if isinstance(nq, int) and not isinstance(nq, bool) and nq > MAX_QUBITS:
        raise Verdict(False, f"{name} acts on {nq} qubits; the exercises need at most {MAX_QUBITS} "
                             "(a bigger object is not checked, to protect your memory).")
    if isinstance(value, (str, bytes)):
        if len(value) > MAX_STRING:
            raise Verdict(False, f"{name} is a text of {len(value)} characters; that is far too long.")
        return value
    size = getattr(value, "size", None)
    if isinstance(size, int) and size > MAX_ITEMS:
        raise Verdict(False, f"{name} has {size} entries; that is far more than this exercise needs.")
    try:
        n = len(value) if hasattr(value, "__len__") else None
    except Exception:
        n = None
    if isinstance(n, int) and n > MAX_ITEMS:
        raise Verdict(False, f"{name} has {n} entries; that is far more than this exercise needs.")
    if n is None and hasattr(value, "__next__") and hasattr(value, "__iter__"):
        items = list(itertools.islice(value, MAX_ITEMS + 1))
        if len(items) > MAX_ITEMS:
            raise Verdict(False, f"{name} is an iterator with more than {MAX_ITEMS} items "
                                 "(maybe endless); give a list instead.")
        return items
    return value


class _TimeUp(BaseException):
    pass


def _call_with_time_limit(fn: Callable[[], Any], seconds: float) -> Any:
    """Run ``fn()``; in the main thread with no other timer, stop it after ``seconds``."""
    usable = (threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None))
    if not usable:
        return fn()

    def alarm(signum: int, frame: Any) -> None:
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:
        text = ""
    return text if len(text) <= 300 else text[:300] + " …"


def checker(title: str) -> Callable[[Callable[..., Verdict]], Callable[..., CheckResult]]:
    """Turn ``fn(answer, ...) -> Verdict`` into a showing, never-raising checker."""

    def decorate(fn: Callable[..., Verdict]) -> Callable[..., bool]:
        @functools.wraps(fn)
        def run(answer: Any = None, *args: Any, **kwargs: Any) -> CheckResult:
            try:
                missing = is_missing(answer)
            except BaseException:
                missing = False
            if missing:
                show(f"{TODO_MARK} {title}: no answer yet. Replace the placeholder "
                     "(`None` / `...`) with your code and run the cell again.", title, "todo")
                return CheckResult(False)
            try:
                verdict = _call_with_time_limit(lambda: fn(bounded(answer), *args, **kwargs), TIME_LIMIT)
                if not isinstance(verdict, Verdict):
                    raise TypeError(f"the checker returned {type(verdict).__name__}")
            except Verdict as raised:
                verdict = raised
            except KeyboardInterrupt:
                raise
            except _TimeUp:
                verdict = Verdict(False, f"checking your answer took longer than {TIME_LIMIT:g} s "
                                         "(an endless loop, or a very large input?).")
            except RecursionError:
                verdict = Verdict(False, "checking your answer hit Python's recursion limit "
                                         "(a function that calls itself without end?).")
            except MemoryError:
                verdict = Verdict(False, "checking your answer ran out of memory; is it much larger than "
                                         "the exercise asks for?")
            except BaseException as exc:  # a broken answer is feedback, not a crash (PanicException too)
                verdict = Verdict(False, f"checking your answer raised {type(exc).__name__}: "
                                         f"{_describe(exc)}. Look at its type and shape.")
            ok = verdict.ok is True or (type(verdict.ok) is not bool and _truthy(verdict.ok))
            mark = PASS_MARK if ok else FAIL_MARK
            word = "correct" if ok else "not yet"
            show(f"{mark} {title}: {word}. {verdict.message}".rstrip(), title, "pass" if ok else "fail")
            return CheckResult(ok)

        run.is_checker = True  # type: ignore[attr-defined]
        return run

    return decorate


def _truthy(value: Any) -> bool:
    try:
        return bool(value)
    except BaseException:
        return False
