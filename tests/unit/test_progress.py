"""`python -m qmlwidgets progress`: solved copy all pass, student copy none, broken cell reported."""
import io
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from qmlwidgets.progress import find_notebooks, progress, verdicts

ROOT = Path(__file__).resolve().parents[2]


def test_verdict_lines_are_parsed():
    text = ("✅ Exercise 1 — a: correct. yes\nnoise\n❌ Exercise 2 — b: not yet. hint\n"
            "📝 Exercise 3 — c: no answer yet. Replace")
    assert [(v.title, v.status) for v in verdicts(text)] == [
        ("Exercise 1 — a", "pass"), ("Exercise 2 — b", "fail"), ("Exercise 3 — c", "todo")]


LESSONS = ["00_welcome.ipynb", "03_entanglement.ipynb"]


def _report(paths):
    buf, bar = io.StringIO(), io.StringIO()
    reports = progress(paths, out=buf, status=bar, timeout=120)
    assert "] 0/" in bar.getvalue() and "done" in bar.getvalue() and "\r" not in bar.getvalue()  # not a terminal
    assert "[#" not in buf.getvalue() and "running" not in buf.getvalue()  # the report has no progress bar
    return reports, buf.getvalue()


def test_solved_student_and_broken_copies(tmp_path):
    solved = tmp_path / "solved"
    student = tmp_path / "student"
    for src, dst in ((ROOT / "solutions", solved), (ROOT / "lessons", student)):
        dst.mkdir()
        for name in LESSONS:  # two lessons keep this quick; nbval runs every notebook anyway
            shutil.copy(src / name, dst / name)
    broken = tmp_path / "broken"
    broken.mkdir()
    nb = nbformat.read(ROOT / "solutions" / "00_welcome.ipynb", as_version=4)
    exercise = next(c for c in nb.cells if "check.quarter_angle" in c.source)
    idx = nb.cells.index(exercise)
    nb.cells.insert(idx, nbformat.v4.new_code_cell("1 / 0  # a learner's broken cell"))
    nb.cells.append(nbformat.v4.new_code_cell(exercise.source.replace("2 * np.arccos(0.5)", "1.0")))
    nbformat.write(nb, broken / "00_welcome.ipynb")
    before = (broken / "00_welcome.ipynb").read_bytes()

    reports, text = _report([solved])
    assert [r.path.name for r in reports] == LESSONS and sum(len(r.exercises) for r in reports) == 4
    assert all(r.passed == len(r.exercises) > 0 and not r.errors for r in reports)
    reports, text = _report([student])
    assert all(r.passed == 0 and r.exercises for r in reports)
    assert "todo" in text

    reports, text = _report([broken / "00_welcome.ipynb"])
    (r,) = reports
    assert [e.status for e in r.exercises] == ["pass", "fail"]  # later exercises still reported
    assert any("ZeroDivisionError" in e for e in r.errors)
    assert "ZeroDivisionError" in text and "1/2 exercises pass" in text
    assert (broken / "00_welcome.ipynb").read_bytes() == before  # never modified


def test_bad_path_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="expected a notebook"):
        find_notebooks([tmp_path / "nope.txt"])
    out = subprocess.run([sys.executable, "-m", "qmlwidgets", "progress", str(tmp_path / "nothing")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "expected a notebook" in out.stderr


def test_command_line_report_is_clean_when_redirected(tmp_path):
    """`progress alice/ > alice.txt`: the file gets the report only; the bar goes to stderr and the
    kernel's start-up log (ipykernel's TCP notice) is not interleaved with either."""
    out = subprocess.run([sys.executable, "-m", "qmlwidgets", "progress", str(ROOT / "lessons" / "00_welcome.ipynb")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "00_welcome.ipynb: 0/1 exercises pass"
    assert out.stdout.rstrip().endswith("Total: 0/1 exercises pass in 1 notebook(s).")
    assert out.stderr.splitlines() == ["[------------------------] 0/1 running 00_welcome.ipynb ...",
                                       "[########################] 1/1 done"]
