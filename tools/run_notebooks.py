"""Execute notebooks in place from a clean kernel, storing outputs and execution counts.

Fails (exit 1) on any error or any stderr output (warnings count), and reports each
notebook's run time, which must stay under 30 s.

Usage::

    python tools/run_notebooks.py                       # every notebook in solutions/, lessons/, demos/
    python tools/run_notebooks.py solutions/03_*.ipynb  # some
    python tools/run_notebooks.py lessons/              # a folder
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from qmlcourse.checks import KEY_ENV

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_lessons import fold_reveals  # noqa: E402
from qmlcourse.progress import QUIET_KERNEL, find_notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def run(path: Path, timeout: int = 120) -> tuple[float, list[str]]:
    """Execute one notebook in place; return (seconds, problems)."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata.pop("widgets", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            extra_arguments=QUIET_KERNEL,
                            store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    problems = []
    for i, cell in enumerate(nb.cells):
        cell.get("metadata", {}).pop("execution", None)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
            if out.get("name") == "stderr":
                problems.append(f"cell {i}: stderr: {out.get('text', '')[:300]}")
    nb.metadata.pop("widgets", None)
    fold_reveals(nb)  # student copies: a reveal cell stores a placeholder, not the answer (make_lessons.py)
    nbformat.write(nb, path)
    return seconds, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    args = ap.parse_args(argv)
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    os.environ.pop(KEY_ENV, None)  # stored checker outputs carry no signature (it would change every run)
    try:
        paths = find_notebooks(args.paths or [ROOT / f for f in ("solutions", "lessons", "demos")])
    except ValueError as exc:
        ap.error(str(exc))
    if not paths:
        ap.error("no notebooks found: give .ipynb files or folders that contain them")
    failed = 0
    for path in paths:
        seconds, problems = run(path)
        flag = "" if seconds < 30 else "  (over the 30 s budget!)"
        print(f"{seconds:6.1f} s  {path}{flag}")
        for p in problems:
            print(f"         {p}")
        failed += bool(problems) or seconds >= 30
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
