"""The checker machinery never raises and always prints a verdict."""
from qmlwidgets.checks import Verdict, checker


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
    from qmlwidgets.checks import lesson05, lesson15
    from qmlwidgets.checks._core import finite_number
    assert finite_number("2.5", "Give one number.") == 2.5
    assert not lesson05.shots_needed("many")
    assert "Give one number: the number of shots." in capsys.readouterr().out
    assert not lesson15.intercept_qber(float("nan"))
    assert "Your answer is not a finite number." in capsys.readouterr().out
