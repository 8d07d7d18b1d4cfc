"""Progress report: run a learner's notebooks headless and list which exercises pass.

The notebooks are executed from a temporary copy (the learner's files are never modified).
Each exercise's checker prints one verdict line (see :mod:`qmlwidgets.checks`), which this
module reads back from the cell outputs.

Example (shell)::

    python -m qmlwidgets progress lessons/
    python -m qmlwidgets progress my_work/03_entanglement.ipynb --timeout 120
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, TextIO

from qmlwidgets.checks._core import FAIL_MARK, PASS_MARK, TODO_MARK

_VERDICT = re.compile(rf"^({re.escape(PASS_MARK)}|{re.escape(FAIL_MARK)}|{re.escape(TODO_MARK)}) (.+?): "
                      r"(correct|not yet|no answer yet)", re.M)
_STATUS = {PASS_MARK: "pass", FAIL_MARK: "fail", TODO_MARK: "todo"}


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

    @property
    def passed(self) -> int:
        return sum(e.status == "pass" for e in self.exercises)


def verdicts(text: str) -> list[ExerciseResult]:
    """Checker verdicts found in printed text, in order.

    >>> verdicts("✅ Exercise 1.1 — Bell state: correct. Well done")
    [ExerciseResult(title='Exercise 1.1 — Bell state', status='pass')]
    """
    return [ExerciseResult(m.group(2), _STATUS[m.group(1)]) for m in _VERDICT.finditer(text)]


def find_notebooks(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand folders into their ``*.ipynb`` files (sorted); keep files as given."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(q for q in p.glob("*.ipynb") if not q.name.startswith(".")))
        elif p.suffix == ".ipynb" and p.exists():
            found.append(p)
        else:
            raise ValueError(f"{p}: expected a notebook (.ipynb) or a folder of notebooks")
    return found


# The kernel's own start-up log (e.g. ipykernel's "running over TCP" notice) would interleave
# with the report; a learner's errors and prints still come back through the notebook outputs.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]


def run_notebook(path: Path, timeout: int = 300) -> NotebookReport:
    """Execute a copy of ``path`` (cells keep running after an error) and collect verdicts."""
    import nbformat
    from nbclient import NotebookClient

    report = NotebookReport(path)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copy(path, copy)
        try:
            nb = nbformat.read(copy, as_version=4)
        except Exception as exc:  # not a readable notebook
            report.errors.append(f"cannot read the notebook: {exc}")
            return report
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                store_widget_state=False, resources={"metadata": {"path": str(path.parent.resolve())}},
                                extra_arguments=QUIET_KERNEL)
        try:
            client.execute()
        except Exception as exc:  # kernel died, timeout, ...
            report.errors.append(f"execution stopped: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stdout":
                    report.exercises.extend(verdicts(out.get("text", "")))
                elif out.get("output_type") == "error":
                    count = cell.get("execution_count")
                    where = f"cell [{count}]" if count else f"code cell {i}"
                    report.errors.append(f"{where} raised {out.get('ename')}: {out.get('evalue', '')[:200]}")
    report.seconds = time.perf_counter() - start
    return report


def _bar(done: int, total: int, width: int = 24) -> str:
    filled = int(width * done / max(total, 1))
    return "[" + "#" * filled + "-" * (width - filled) + f"] {done}/{total}"


def progress(paths: Iterable[str | os.PathLike], *, timeout: int = 300, out: TextIO | None = None,
             status: TextIO | None = None) -> list[NotebookReport]:
    """Run every notebook under ``paths`` and print a per-lesson report; returns the reports.

    The report goes to ``out`` (stdout), the progress bar to ``status`` (stderr), so
    ``python -m qmlwidgets progress alice/ > alice.txt`` shows the bar and saves a clean report.

    >>> progress(["lessons/00_welcome.ipynb"])  # doctest: +SKIP
    """
    out = out or sys.stdout
    status = status or sys.stderr
    notebooks = find_notebooks(paths)
    if not notebooks:
        raise ValueError("no notebooks found: give a folder such as lessons/ or .ipynb files")
    live = getattr(status, "isatty", lambda: False)()  # redraw one line on a terminal, else a line each
    reports = []
    for k, nb in enumerate(notebooks):
        line = f"{_bar(k, len(notebooks))} running {nb.name} ..."
        print(f"\r{line.ljust(78)}" if live else line, end="" if live else "\n", file=status, flush=True)
        reports.append(run_notebook(nb, timeout=timeout))
    done = f"{_bar(len(notebooks), len(notebooks))} done"
    print(f"\r{done.ljust(78)}" if live else done, file=status, flush=True)
    total_pass = total = 0
    for r in reports:
        total_pass += r.passed
        total += len(r.exercises)
        print(f"{r.path.name}: {r.passed}/{len(r.exercises)} exercises pass", file=out)
        for e in r.exercises:
            mark = {"pass": PASS_MARK, "fail": FAIL_MARK, "todo": TODO_MARK}[e.status]
            print(f"    {mark} {e.title}: {e.status}", file=out)
        for err in r.errors:
            print(f"    ⚠️  {err} (the rest of the notebook still ran)", file=out)
    print(f"\nTotal: {total_pass}/{total} exercises pass in {len(reports)} notebook(s).", file=out)
    return reports
