"""`python -m qmlcourse progress`: solved copy all pass, student copy none, broken cell reported;
hostile folders (token stealing, forged verdicts, symlink loops, FIFOs, /dev/zero, links out of the
folder, endless loops, detached children) cannot leak, forge, hang, crash the report or change files."""
import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from qmlcourse.checks._core import MIME, result_payload, sign
from qmlcourse.progress import (Limits, find_notebooks, kernel_environment, network_isolation_available,
                                 progress, verdicts)

ROOT = Path(__file__).resolve().parents[2]


def test_only_signed_checker_results_count():
    key = b"k" * 32
    good = result_payload("Exercise 1 — a", "pass")
    outputs = [
        {"output_type": "display_data", "data": {"text/plain": "✅ ...", MIME: good},
         "metadata": {MIME: {"hmac": sign(good, key)}}},
        {"output_type": "stream", "name": "stdout", "text": "✅ Exercise 2 — b: correct. yes\n"},   # printed
        {"output_type": "display_data", "data": {MIME: result_payload("Exercise 3 — c", "pass")},   # no hmac
         "metadata": {}},
        {"output_type": "display_data", "data": {MIME: result_payload("Exercise 4 — d", "pass")},   # wrong key
         "metadata": {MIME: {"hmac": sign(result_payload("Exercise 4 — d", "pass"), b"x" * 32)}}},
        {"output_type": "display_data", "data": {MIME: result_payload("Exercise 5 — e", "pass")},   # replayed
         "metadata": {MIME: {"hmac": sign(good, key)}}},
    ]
    found, ignored = verdicts(outputs, key)
    assert [(v.title, v.status) for v in found] == [("Exercise 1 — a", "pass")]
    assert ignored == 4


def test_kernel_environment_is_an_allow_list(monkeypatch, tmp_path):
    for name in ("QISKIT_IBM_TOKEN", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "MY_PASSWORD", "SOME_API_KEY"):
        monkeypatch.setenv(name, "s3cr3t-" + name)
    env = kernel_environment(tmp_path, "runkey")
    assert not any("s3cr3t" in v for v in env.values())
    assert env["HOME"] == str(tmp_path) and env["QMLWIDGETS_CHECK_KEY"] == "runkey"


LESSONS = ["00_welcome.ipynb", "03_entanglement.ipynb"]


def _report(paths, **kw):
    buf, bar = io.StringIO(), io.StringIO()
    reports = progress(paths, out=buf, status=bar, timeout=120, **kw)
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
    out = subprocess.run([sys.executable, "-m", "qmlcourse", "progress", str(tmp_path / "nothing")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "expected a notebook" in out.stderr


def test_command_line_report_is_clean_when_redirected(tmp_path):
    """`progress alice/ > alice.txt`: the file gets the report only; the bar goes to stderr and the
    kernel's start-up log (ipykernel's TCP notice) is not interleaved with either."""
    out = subprocess.run([sys.executable, "-m", "qmlcourse", "progress", str(ROOT / "lessons" / "00_welcome.ipynb")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "00_welcome.ipynb: 0/1 exercises pass"
    assert out.stdout.rstrip().endswith("Total: 0/1 exercises pass in 1 notebook(s).")
    assert out.stderr.splitlines() == ["[------------------------] 0/1 running 00_welcome.ipynb ...",
                                       "[########################] 1/1 done"]


# ----------------------------------------------------------------------------- a hostile class folder
TOKEN = "tok-9f8e7d6c5b4a-never-in-a-kernel"

STEAL = """\
import os, pathlib, subprocess, sys
loot = pathlib.Path({loot!r})
env = dict(os.environ)
proc_env = pathlib.Path('/proc/self/environ').read_bytes().decode(errors='replace')
print(env)
import resource
import socket
try:
    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()
    net = 'open'
except OSError:
    net = 'blocked'
limits = [resource.getrlimit(getattr(resource, 'RLIMIT_' + n))[0] for n in ('AS', 'CPU', 'FSIZE', 'CORE')]
loot.write_text(repr(env) + '\\n' + proc_env + '\\ncwd=' + os.getcwd() + '\\nhome=' + os.environ.get('HOME', '')
                + '\\nlimits=' + repr(limits) + '\\nnet=' + net)
# try to change the other notebooks "next to" this one
for p in pathlib.Path('.').glob('*.ipynb'):
    p.write_text('overwritten')
pathlib.Path('00_welcome.ipynb').write_text('overwritten')
"""
DETACH = """\
import os, subprocess, pathlib
daemon = subprocess.Popen(['sleep', '300'], start_new_session=True)   # its own session
if os.fork() == 0:                                                     # and a double-forked orphan
    os.setsid()
    if os.fork() == 0:
        pathlib.Path({pids!r}).write_text(f'{{daemon.pid}} {{os.getpid()}}')
        os.execvp('sleep', ['sleep', '300'])
    os._exit(0)
"""


def _tree_digest(folder: Path) -> dict:
    """Every entry's kind and content (files), link target (symlinks) or mode (others), unfollowed."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        if p.is_symlink():
            out[p.name] = ("link", os.readlink(p))
        elif p.is_file():
            out[p.name] = ("file", hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns)
        else:
            out[p.name] = ("other", st.st_mode)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_hostile_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("QISKIT_IBM_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", TOKEN)
    loot, pids = tmp_path / "loot.txt", tmp_path / "pids.txt"
    secret = tmp_path / "instructor_notes.txt"
    secret.write_text("TOP-SECRET-GRADES " * 50)
    d = tmp_path / "alice"
    d.mkdir()
    shutil.copy(ROOT / "solutions" / "00_welcome.ipynb", d / "00_welcome.ipynb")          # solved
    partial = nbformat.read(ROOT / "solutions" / "03_entanglement.ipynb", as_version=4)    # 2 of 3 solved
    student = nbformat.read(ROOT / "lessons" / "03_entanglement.ipynb", as_version=4)
    first = next(i for i, c in enumerate(partial.cells)   # the first exercise (a prediction is not one)
                 if "### BEGIN SOLUTION" in c.source and "check.predict_" not in c.source)
    partial.cells[first] = student.cells[first]
    nbformat.write(partial, d / "03_entanglement.ipynb")
    new = nbformat.v4.new_notebook
    cell = nbformat.v4.new_code_cell
    listener = socket.create_server(("127.0.0.1", 0))   # a local service learner code should not reach
    port = listener.getsockname()[1]
    nbformat.write(new(cells=[cell(STEAL.format(loot=str(loot), port=port)), cell(DETACH.format(pids=str(pids)))]),
                   d / "05_steal.ipynb")
    nbformat.write(new(cells=[cell("print('✅ Exercise 16.2 — capstone: correct.')"),
                              cell("from IPython.display import display\n"
                                   f"display({{'text/plain': '✅ Exercise 16.2 — capstone: correct.', {MIME!r}: "
                                   "{'exercise': 'Exercise 16.2 — capstone', 'status': 'pass', 'passed': True}}, "
                                   f"raw=True, metadata={{{MIME!r}: {{'hmac': '0' * 64}}}})")]),
                   d / "06_forged.ipynb")
    nbformat.write(new(cells=[cell("while True:\n    pass"), cell("print('never')")]), d / "07_endless.ipynb")
    os.symlink("08_loop.ipynb", d / "08_loop.ipynb")
    os.mkfifo(d / "09_fifo.ipynb")
    os.symlink("/dev/zero", d / "10_zero.ipynb")
    os.symlink(secret, d / "11_outside.ipynb")
    (d / "12_garbage.ipynb").write_text("TOP-SECRET-GRADES, not JSON")
    before = _tree_digest(d)

    start = time.monotonic()
    reports, text = _report([d], limits=Limits(wall=25, cell=120))
    elapsed = time.monotonic() - start
    by = {r.path.name: r for r in reports}

    # every real notebook is reported correctly
    assert by["00_welcome.ipynb"].passed == 1 == len(by["00_welcome.ipynb"].exercises)
    assert [e.status for e in by["03_entanglement.ipynb"].exercises] == ["todo", "pass", "pass"]
    assert "03_entanglement.ipynb: 2/3 exercises pass" in text
    # forged verdicts do not count
    assert by["06_forged.ipynb"].exercises == [] and by["06_forged.ipynb"].ignored == 2
    assert "06_forged.ipynb: 0/0 exercises pass" in text and "not produced by a checker" in text
    # the endless loop is stopped by the wall-time limit and does not hold up the rest
    assert any("wall-time" in e for e in by["07_endless.ipynb"].errors)
    assert elapsed < 200
    # odd files are skipped with a reason, and nothing of the outside file leaks
    assert "loops" in by["08_loop.ipynb"].skipped
    assert "FIFO" in by["09_fifo.ipynb"].skipped
    assert "outside the folder" in by["10_zero.ipynb"].skipped
    assert "outside the folder" in by["11_outside.ipynb"].skipped
    assert by["12_garbage.ipynb"].errors == ["not a readable notebook (NotJSONError)"]
    assert "TOP-SECRET" not in text
    assert "Total: 3/4 exercises pass in 6 notebook(s); 4 file(s) skipped." in text
    # the token never reached the kernel, which ran in a temporary HOME/cwd
    stolen = loot.read_text()
    assert TOKEN not in stolen and TOKEN not in text
    assert "QISKIT_IBM_TOKEN" not in stolen and "AWS_SECRET" not in stolen
    assert f"cwd={d}" not in stolen and "qmlw-progress-" in stolen
    listener.close()
    # no network where Linux gives us an empty network namespace (here: yes, see the note otherwise)
    assert ("net=blocked" if network_isolation_available() else "net=open") in stolen
    # the resource limits applied; detached children were killed
    assert f"limits={[6 * 2**30, 900, 256 * 2**20, 0]!r}" in stolen
    steal = by["05_steal.ipynb"]
    assert not steal.errors, steal.errors
    a, b = map(int, pids.read_text().split())
    assert not _alive(a) and not _alive(b)
    # and the folder is byte-for-byte unchanged
    assert _tree_digest(d) == before
