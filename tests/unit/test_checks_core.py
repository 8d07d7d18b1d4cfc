"""The checker machinery never raises and always prints a verdict."""
from qmlcourse.checks import Verdict, checker


@checker("Demo")
def demo(answer, expected=2):
    if answer != expected:
        return Verdict(False, "try again")
    return Verdict(True, "well done")


@checker("Explodes")
def explodes(answer):
    return Verdict(answer[10] == 1, "")


def test_right_answer(capsys):
    assert demo(2)
    assert "correct" in capsys.readouterr().out


def test_wrong_answer_gives_hint(capsys):
    assert not demo(3)
    out = capsys.readouterr().out
    assert "not yet" in out and "try again" in out


def test_missing_answer_is_feedback_not_error(capsys):
    assert not demo(None) and not demo(...)
    assert "no answer yet" in capsys.readouterr().out


def test_exception_in_check_becomes_feedback(capsys):
    assert not explodes([1, 2])
    assert "IndexError" in capsys.readouterr().out


def test_result_compares_like_a_bool_and_displays_nothing(capsys):
    ok, bad = demo(2), demo(3)
    assert ok == True and bad == False  # noqa: E712
    assert repr(ok) == "True" and repr(bad) == "False"
    assert ok._ipython_display_() is None


def test_finite_number_turns_non_numbers_into_the_checkers_hint(capsys):
    from qmlcourse.checks import lesson15, lesson18
    from qmlcourse.checks._core import finite_number
    assert finite_number("2.5", "Give one number.") == 2.5
    assert not lesson18.circuit_fidelity("many", 2, 1, 0.99, 0.9)
    assert "Give one number between 0 and 1: the estimated success probability." in capsys.readouterr().out
    assert not lesson15.intercept_qber(float("nan"))
    assert "Your answer is not a finite number." in capsys.readouterr().out


# ----------------------------------------------------------------------------- never raise, never hang
import itertools  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from qmlcourse.checks import _core  # noqa: E402


class PanicException(BaseException):
    """Like pyo3's PanicException (Qiskit, >= 25 qubits): a BaseException, not an Exception."""


@checker("Panics")
def panics(answer):
    raise PanicException("rust panicked")


@checker("Interrupted")
def interrupted(answer):
    raise KeyboardInterrupt


def test_base_exceptions_become_feedback_but_ctrl_c_still_stops(capsys):
    assert panics(1) is not None and not panics(1)
    assert "PanicException" in capsys.readouterr().out
    with pytest.raises(KeyboardInterrupt):
        interrupted(1)


def test_endless_iterator_is_bounded(capsys):
    from qmlcourse.checks import lesson01
    start = time.monotonic()
    assert not lesson01.phase_twins(itertools.count())
    assert time.monotonic() - start < 30
    assert "iterator" in capsys.readouterr().out


def test_oversized_operator_is_refused_before_allocating(capsys):
    from qiskit.quantum_info import SparsePauliOp

    from qmlcourse.checks import lesson01
    assert not lesson01.amplitudes_for_p1(SparsePauliOp("Z" * 16))   # was an 18.8 GB dense matrix
    assert "16 qubits" in capsys.readouterr().out


def test_a_hanging_answer_is_time_boxed(monkeypatch, capsys):
    from qmlcourse.checks import lesson01
    monkeypatch.setattr(_core, "TIME_LIMIT", 1.0)

    def forever(psi):
        while True:
            pass

    assert not lesson01.x_basis_probabilities(forever)
    assert "longer than 1 s" in capsys.readouterr().out


# ----------------------------------------------------------------------------- structured results
def _run_in_kernel(source, key=None):
    import os

    import nbformat
    from nbclient import NotebookClient
    env = {k: v for k, v in os.environ.items() if k != _core.KEY_ENV}
    if key:
        env[_core.KEY_ENV] = key
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute(env=env)
    return nb.cells[0].outputs


def test_in_a_kernel_the_verdict_is_a_signed_structured_display():
    source = ("import os\nfrom qmlcourse.checks import lesson00 as check\n"
              f"print('key left in env:', {_core.KEY_ENV!r} in os.environ)\n"
              "check.quarter_angle(2.0943951)\ncheck.quarter_angle(None)")
    key = "a" * 64
    outs = _run_in_kernel(source, key)
    assert outs[0]["text"] == "key left in env: False\n"  # taken out of the environment at import
    shown = [o for o in outs if o["output_type"] == "display_data"]
    assert [o["data"][_core.MIME]["status"] for o in shown] == ["pass", "todo"]
    assert shown[0]["data"]["text/plain"].startswith("✅ Exercise 0.1 — a 25 % chance of measuring 0: correct.")
    for o in shown:
        assert _core.verify(o["data"][_core.MIME], o["metadata"][_core.MIME]["hmac"], key.encode())
        assert key not in o["data"]["text/plain"]
    # what nbval compares (data, streams) is identical with another key or none: only metadata differs
    other = _run_in_kernel(source, "b" * 64)
    plain = _run_in_kernel(source)
    assert [o.get("data") for o in other] == [o.get("data") for o in outs] == [o.get("data") for o in plain]
    assert all(_core.MIME not in o.get("metadata", {}) for o in plain)


def _student_stub(solution: str):
    """The function make_lessons writes in place of ``solution`` (a solved ``def``)."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    import make_lessons
    namespace: dict = {}
    exec(make_lessons.placeholder(solution, ""), namespace)
    return next(v for k, v in namespace.items() if not k.startswith("__"))


@checker("Function exercise")
def calls_it(fn):
    value = fn(1.0, 2.0)
    if value is None:
        return Verdict(False, "Your function returned None.")
    return Verdict(value == 3.0, "")


def test_untouched_function_stub_is_no_answer_yet(capsys):
    stub = _student_stub('def add(a, b):\n    """Add."""\n    total = a + b\n    return total\n')
    assert not calls_it(stub)
    out = capsys.readouterr().out
    assert "📝" in out and "no answer yet" in out and "returned None" not in out


def test_a_started_function_is_checked_not_skipped(capsys):
    def started(a, b):
        total = a + b  # noqa: F841  (forgot to return)
    def solved(a, b):
        return a + b
    assert not calls_it(started)
    assert "returned None" in capsys.readouterr().out
    assert calls_it(solved)
    assert not calls_it(lambda a, b: None)  # a lambda is written by the learner, not a stub
    assert "returned None" in capsys.readouterr().out


def test_stub_status_is_todo_in_the_structured_result(monkeypatch):
    from qmlcourse.checks import _core
    shown = []
    monkeypatch.setattr(_core, "show", lambda text, title, status: shown.append(status))
    calls_it(_student_stub("def add(a, b):\n    return a + b\n"))
    assert shown == ["todo"]
