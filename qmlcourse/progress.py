"""Progress report: run learners' notebooks headless and list which exercises pass.

Made to be run by an instructor on a class's folders, so each notebook runs at arm's length:

* in a fresh temporary folder holding only a copy of that notebook (the kernel's working
  directory and ``HOME``); the learner's folder is read once, never written;
* with an allow-listed environment (``PATH``, locale, the Python/venv and Jupyter settings):
  tokens, keys and passwords of the instructor's shell never reach learner code;
* without network where Linux allows an empty network namespace (else with a note);
* in its own session/process group, with resource limits (CPU seconds, address space, file
  size, number of processes, no core dumps), a wall-time limit, its output streams sent to
  ``/dev/null``; at the end every process it started is killed, detached ones too (Linux);
* only checker results count: a checker's structured output signed with a per-notebook key
  (see :mod:`qmlcourse.checks._core`); a printed verdict line is ignored;
* symlinks that leave the folder or loop, FIFOs, devices, other non-regular files and
  oversized files are skipped with a line in the report; one bad notebook never stops the rest.

It is not a sandbox: see docs/instructors.md ("What the progress report protects against").

Example (shell)::

    python -m qmlcourse progress lessons/
    python -m qmlcourse progress my_work/03_entanglement.ipynb --timeout 120 --wall 600
"""
from __future__ import annotations

import ctypes
import errno
import glob
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TextIO

from qmlcourse.checks import FAIL_MARK, KEY_ENV, MIME, PASS_MARK, TODO_MARK, verify

_STATUS_MARK = {"pass": PASS_MARK, "fail": FAIL_MARK, "todo": TODO_MARK}
_PRINTED = re.compile(rf"^({re.escape(PASS_MARK)}|{re.escape(FAIL_MARK)}|{re.escape(TODO_MARK)}) .+?: "
                      r"(correct|not yet|no answer yet)", re.M)

#: notebooks larger than this are skipped (bytes)
MAX_NOTEBOOK_BYTES = 20 * 2**20

# The kernel's own start-up log (e.g. ipykernel's "running over TCP" notice) would interleave
# with the report; a learner's errors and prints still come back through the notebook outputs.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]

# environment variables a kernel may keep (values are not secrets); everything else is dropped
_ENV_KEEP = ("LANG", "LANGUAGE", "TZ", "PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX", "OMP_NUM_THREADS",
             "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "JUPYTER_PLATFORM_DIRS")


@dataclass
class Limits:
    """Per-notebook limits. ``wall``: seconds for the whole notebook; ``cell``: seconds per cell;
    ``cpu``: CPU seconds of the kernel process; ``memory``: address space in bytes;
    ``file_size``: largest file the kernel may write (bytes); ``processes``: extra processes/threads;
    ``network``: leave the network on (by default the kernel gets an empty network namespace
    where Linux allows it, see :func:`network_isolation_available`)."""

    network: bool = False
    wall: float = 900.0
    cell: int = 300
    cpu: int = 900
    memory: int = 6 * 2**30
    file_size: int = 256 * 2**20
    processes: int = 256


@dataclass
class ExerciseResult:
    title: str
    status: str  # "pass", "fail" or "todo"


@dataclass
class NotebookReport:
    path: Path
    exercises: list[ExerciseResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    skipped: str = ""   # why the file was not run ("" when it ran)
    ignored: int = 0    # verdict-looking outputs that no checker produced

    @property
    def passed(self) -> int:
        return sum(e.status == "pass" for e in self.exercises)


def _clean(text: Any, limit: int = 200) -> str:
    """One line of text, control characters shown as escapes, at most ``limit`` characters."""
    s = str(text)
    s = "".join(c if c.isprintable() else repr(c)[1:-1] for c in s[: 4 * limit])
    return s if len(s) <= limit else s[:limit] + " …"


def verdicts(outputs: Iterable[dict], key: bytes) -> tuple[list[ExerciseResult], int]:
    """Checker results found in cell outputs: those signed with ``key``, in order, and the number
    of verdicts that are not (forged displays, or verdict lines that were only printed).

    >>> verdicts([{"output_type": "stream", "name": "stdout", "text": "✅ Exercise 1 — a: correct."}], b"k")
    ([], 1)
    """
    found: list[ExerciseResult] = []
    ignored = 0
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            ignored += len(_PRINTED.findall(str(out.get("text", ""))))
        elif kind in ("display_data", "execute_result"):
            data = out.get("data") or {}
            if MIME not in data:
                continue
            payload = data[MIME]
            signature = ((out.get("metadata") or {}).get(MIME) or {}).get("hmac")
            if verify(payload, signature, key):
                found.append(ExerciseResult(payload["exercise"], payload["status"]))
            else:
                ignored += 1
    return found, ignored


# ----------------------------------------------------------------------------- finding files
def _check_file(p: Path, folder: Path) -> tuple[Path | None, str]:
    """``(resolved path, "")`` for a regular notebook file inside ``folder``, else ``(None, reason)``."""
    try:
        st = os.lstat(p)
    except OSError as exc:
        return None, f"cannot read it ({errno.errorcode.get(exc.errno, 'error')})"
    target = p
    if stat.S_ISLNK(st.st_mode):
        try:
            target = Path(os.path.realpath(p, strict=True))
        except (OSError, RuntimeError):
            return None, "a symlink that loops or points nowhere"
        try:
            target.relative_to(folder)
        except ValueError:
            return None, "a symlink to a file outside the folder"
        st = os.stat(target)
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device file" if stat.S_ISCHR(st.st_mode)
                or stat.S_ISBLK(st.st_mode) else "a folder" if stat.S_ISDIR(st.st_mode)
                else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        return None, f"{kind}, not a regular file"
    if st.st_size > MAX_NOTEBOOK_BYTES:
        return None, f"too large ({st.st_size / 2**20:.0f} MiB > {MAX_NOTEBOOK_BYTES // 2**20} MiB)"
    return target, ""


def scan(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Notebooks to run and files to skip (with the reason) under ``paths``.

    Folders give their ``*.ipynb`` entries (sorted, hidden ones left out); a file is kept as
    given. Raises ValueError for a path that is neither a folder nor a notebook.
    """
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():  # a folder the instructor names (even through a link) is trusted; its entries are not
            folder = Path(os.path.realpath(p))
            entries = sorted(q for q in p.iterdir() if q.name.endswith(".ipynb") and not q.name.startswith("."))
        elif p.suffix == ".ipynb" and (p.exists() or p.is_symlink()):
            folder = Path(os.path.realpath(p.parent))
            entries = [p]
        else:
            raise ValueError(f"{p}: expected a notebook (.ipynb) or a folder of notebooks")
        for q in entries:
            ok, why = _check_file(q, folder)
            if ok is None:
                skipped.append((q, why))
            else:
                found.append(q)
    return found, skipped


def find_notebooks(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand folders into their ``*.ipynb`` files (sorted); keep files as given. Files that
    :func:`scan` would skip (FIFOs, symlinks out of the folder, ...) are left out."""
    return scan(paths)[0]


def _read_regular(path: Path, limit: int) -> bytes:
    """Bytes of a regular file (no FIFO/device, no following a swapped-in symlink), at most ``limit``."""
    target = os.path.realpath(path)
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(errno.EFBIG, "file too large")
    return data


# ----------------------------------------------------------------------------- processes
def _become_subreaper() -> None:
    """Orphaned descendants (a learner's detached daemons) are re-parented to us, not to init."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        except Exception:
            pass


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(d, "rb") as f:
                raw = f.read().decode(errors="replace")
            pid = int(raw.split(" ", 1)[0])
            ppid = int(raw.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(pid)
    return kids


def _descendants(root: int) -> set[int]:
    kids = _children_map()
    out, todo = set(), [root]
    while todo:
        for c in kids.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def _user_tasks() -> int:
    """Processes + threads of this user (what RLIMIT_NPROC counts)."""
    uid, n = os.getuid(), 0
    for d in glob.glob("/proc/[0-9]*/status"):
        try:
            with open(d) as f:
                text = f.read()
            if int(re.search(r"^Uid:\s+(\d+)", text, re.M).group(1)) == uid:
                n += int(re.search(r"^Threads:\s+(\d+)", text, re.M).group(1))
        except (OSError, AttributeError, ValueError):
            continue
    return n


def _kill_all(pids: Iterable[int]) -> None:
    for pid in pids:
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except (OSError, PermissionError):
                pass
    deadline = time.monotonic() + 5
    for pid in pids:  # reap the ones re-parented to us
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            time.sleep(0.02)


_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000
_NETNS: bool | None = None


def _unshare_network() -> bool:
    """In the calling process: move into a new, empty network namespace (only loopback, down).
    Root needs no user namespace; anyone else gets one that maps their own uid/gid."""
    libc = ctypes.CDLL(None, use_errno=True)
    if os.geteuid() == 0:
        return libc.unshare(_CLONE_NEWNET) == 0
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return False
    try:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    except OSError:
        return False
    return True


def network_isolation_available() -> bool:
    """Whether kernels can be started without network here (Linux namespaces; probed once in a child)."""
    global _NETNS
    if _NETNS is None:
        _NETNS = False
        if sys.platform.startswith("linux"):
            try:
                pid = os.fork()
                if pid == 0:  # pragma: no cover - child
                    os._exit(0 if _unshare_network() else 1)
                _NETNS = os.waitpid(pid, 0)[1] == 0
            except OSError:
                _NETNS = False
    return _NETNS


def _preexec(limits: Limits, nproc: int, isolate: bool = False) -> Any:
    def apply() -> None:
        import resource

        if isolate:
            _unshare_network()

        def cap(which: int, value: int) -> None:
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass

        cap(resource.RLIMIT_CPU, int(limits.cpu))
        cap(resource.RLIMIT_AS, int(limits.memory))
        cap(resource.RLIMIT_FSIZE, int(limits.file_size))
        cap(resource.RLIMIT_CORE, 0)
        if hasattr(resource, "RLIMIT_NPROC"):
            cap(resource.RLIMIT_NPROC, nproc)

    return apply


def kernel_environment(home: Path, key: str) -> dict[str, str]:
    """The allow-listed environment of a progress kernel (``HOME`` = ``home``)."""
    env = {k: os.environ[k] for k in _ENV_KEEP if k in os.environ}
    env.update(PATH=os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
               HOME=str(home), TMPDIR=str(home / "tmp"), MPLCONFIGDIR=str(home / ".matplotlib"),
               IPYTHONDIR=str(home / ".ipython"), JUPYTER_PLATFORM_DIRS="1", PYTHONNOUSERSITE="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.setdefault("LANG", "C.UTF-8")
    env[KEY_ENV] = key
    return env


def _seed_font_cache(home: Path) -> None:
    """Copy matplotlib's font list (read-only data) so each kernel does not rebuild it."""
    src = os.environ.get("MPLCONFIGDIR") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "matplotlib")
    dst = home / ".matplotlib"
    dst.mkdir(exist_ok=True)
    for f in glob.glob(os.path.join(os.path.expanduser(src), "fontlist-*.json"))[:4]:
        try:
            shutil.copyfile(f, dst / os.path.basename(f))
        except OSError:
            pass


_SETUP = "import qmlcourse.checks._core  # progress: takes the per-run key out of the environment"


# ----------------------------------------------------------------------------- one notebook
def run_notebook(path: Path, timeout: int = 300, limits: Limits | None = None) -> NotebookReport:
    """Execute a temporary copy of ``path`` under ``limits`` and collect its signed checker results."""
    import nbformat
    from nbclient import NotebookClient

    limits = limits or Limits(cell=timeout)
    report = NotebookReport(path)
    start = time.perf_counter()
    try:
        data = _read_regular(path, MAX_NOTEBOOK_BYTES)
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:  # never quote the file: it may not be a notebook at all
        report.errors.append(f"not a readable notebook ({type(exc).__name__})")
        return report
    key = secrets.token_hex(32)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_SETUP))
    _become_subreaper()
    me = os.getpid()
    before = _descendants(me)
    with tempfile.TemporaryDirectory(prefix="qmlw-progress-") as tmp:
        home = Path(tmp)
        (home / "tmp").mkdir()
        _seed_font_cache(home)
        copy = home / "notebook.ipynb"
        copy.write_bytes(data)
        client = NotebookClient(nb, timeout=int(limits.cell), kernel_name="python3", allow_errors=True,
                                store_widget_state=False, resources={"metadata": {"path": str(home)}},
                                extra_arguments=QUIET_KERNEL + ["--HistoryManager.enabled=False"])
        client.km = client.create_kernel_manager()
        isolate = not limits.network and network_isolation_available()
        if isolate:  # no TCP inside an empty network namespace: talk over Unix sockets in the temp folder
            client.km.transport = "ipc"
            client.km.ip = str(home / "kernel")
        stopped = threading.Event()

        def over_time() -> None:
            stopped.set()
            proc = getattr(getattr(client.km, "provisioner", None), "process", None)
            if proc is not None:
                _kill_all([proc.pid])

        timer = threading.Timer(float(limits.wall), over_time)
        timer.daemon = True
        timer.start()
        try:
            client.execute(env=kernel_environment(home, key), cwd=str(home),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           preexec_fn=_preexec(limits, _user_tasks() + int(limits.processes), isolate))
        except BaseException as exc:  # kernel died, timeout, ... (Ctrl-C still stops the report)
            if isinstance(exc, KeyboardInterrupt):
                raise
            if stopped.is_set():
                report.errors.append(f"stopped after the wall-time limit of {limits.wall:g} s; "
                                     "the cells after that point did not run")
            else:
                first = str(exc).splitlines()[0] if str(exc) else ""
                report.errors.append(f"execution stopped: {type(exc).__name__}: {_clean(first)}")
        finally:
            timer.cancel()
            _kill_all(sorted(_descendants(me) - before))
    setup, *cells = nb.cells
    for out in setup.get("outputs", []):
        if out.get("output_type") == "error":
            report.errors.append(f"could not load the checkers: {_clean(out.get('ename'))}")
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        found, ignored = verdicts(outputs, key.encode())
        report.exercises.extend(found)
        report.ignored += ignored
        for out in outputs:
            if out.get("output_type") == "error":
                count = cell.get("execution_count")
                where = f"cell [{count - 1}]" if isinstance(count, int) and count > 1 else f"code cell {i}"
                report.errors.append(f"{where} raised {_clean(out.get('ename'), 60)}: {_clean(out.get('evalue', ''))}")
    report.seconds = time.perf_counter() - start
    return report


def _bar(done: int, total: int, width: int = 24) -> str:
    filled = int(width * done / max(total, 1))
    return "[" + "#" * filled + "-" * (width - filled) + f"] {done}/{total}"


def progress(paths: Iterable[str | os.PathLike], *, timeout: int = 300, limits: Limits | None = None,
             out: TextIO | None = None, status: TextIO | None = None) -> list[NotebookReport]:
    """Run every notebook under ``paths`` and print a per-lesson report; returns the reports
    (skipped files included, with ``skipped`` set).

    The report goes to ``out`` (stdout), the progress bar to ``status`` (stderr), so
    ``python -m qmlcourse progress alice/ > alice.txt`` shows the bar and saves a clean report.

    >>> progress(["lessons/00_welcome.ipynb"])  # doctest: +SKIP
    """
    out = out or sys.stdout
    status = status or sys.stderr
    limits = limits or Limits(cell=timeout)
    notebooks, skipped = scan(paths)
    if not notebooks and not skipped:
        raise ValueError("no notebooks found: give a folder such as lessons/ or .ipynb files")
    live = getattr(status, "isatty", lambda: False)()  # redraw one line on a terminal, else a line each
    if notebooks and not limits.network and not network_isolation_available():
        print("note: no network namespace available here; learner code can use the network", file=status)
    reports = []
    for k, nb in enumerate(notebooks):
        line = f"{_bar(k, len(notebooks))} running {_clean(nb.name, 60)} ..."
        print(f"\r{line.ljust(78)}" if live else line, end="" if live else "\n", file=status, flush=True)
        try:
            reports.append(run_notebook(nb, limits=limits))
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # never lose the rest of the class
            r = NotebookReport(nb)
            r.errors.append(f"could not be run ({type(exc).__name__})")
            reports.append(r)
    done = f"{_bar(len(notebooks), len(notebooks))} done"
    print(f"\r{done.ljust(78)}" if live else done, file=status, flush=True)
    reports.extend(NotebookReport(p, skipped=why) for p, why in skipped)
    reports.sort(key=lambda r: r.path.name)
    total_pass = total = 0
    for r in reports:
        name = _clean(r.path.name, 80)
        if r.skipped:
            print(f"{name}: skipped — {r.skipped}", file=out)
            continue
        total_pass += r.passed
        total += len(r.exercises)
        print(f"{name}: {r.passed}/{len(r.exercises)} exercises pass", file=out)
        for e in r.exercises:
            print(f"    {_STATUS_MARK[e.status]} {_clean(e.title, 120)}: {e.status}", file=out)
        if r.ignored:
            print(f"    ⚠️  {r.ignored} verdict line(s) not produced by a checker were ignored", file=out)
        for err in r.errors:
            more = " (the rest of the notebook still ran)" if err.startswith(("cell [", "code cell")) else ""
            print(f"    ⚠️  {err}{more}", file=out)
    ran = sum(not r.skipped for r in reports)
    print(f"\nTotal: {total_pass}/{total} exercises pass in {ran} notebook(s)"
          + (f"; {len(reports) - ran} file(s) skipped." if len(reports) > ran else "."), file=out)
    return reports
