#!/usr/bin/env python3
"""One entry point for learners, instructors and CI (needs only Python 3.11+ and pip).

    python3 course.py lab     # install into ./.venv (first time), open JupyterLab on lesson 00
    python3 course.py test    # install (if needed) and run every test: unit, widgets, notebooks, browser

Other commands: ``install`` (only install), ``bench`` (speed benchmarks), ``lessons``
(regenerate student copies from solutions/ and re-run them).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("QML_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".qmlwidgets-installed"
FIRST_LESSON = "lessons/00_welcome.ipynb"
# Tier 1-3: unit, headless widgets, every notebook under nbval (two workers).
TEST_ARGS = ["-n", "2", "--dist", "loadscope", "--nbval", "--nbval-current-env",
             "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "--ignore=tests/browser",
             "tests", "lessons", "solutions", "demos"]
# Tier 4: real JupyterLab + Chromium, in its own process (Playwright's sync API runs an
# event loop in the main thread, which would change how widgets behave in tier 2).
BROWSER_ARGS = ["tests/browser"]


def run(*cmd: str | Path, **kw) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)


def install() -> None:
    """Create ./.venv and install the course with its test extras (skipped when up to date)."""
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want and PY.exists():
        return
    if not PY.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    steps = [[PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
             [PY, "-m", "pip", "install", "--quiet", "-e", ".[test]"]]
    for step in steps:
        if run(*step) != 0:
            sys.exit("Installation failed: see the pip messages above.")
    STAMP.write_text(want)


def env() -> dict:
    return dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def lab() -> int:
    install()
    extra = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    # root_dir = the course folder, so the file browser shows lessons/, solutions/ and demos/
    return run(PY, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}", FIRST_LESSON, *extra, *sys.argv[2:],
               env=env())


def test() -> int:
    install()
    code = run(PY, "-m", "pytest", *TEST_ARGS, *sys.argv[2:], env=env())
    code |= run(PY, "-m", "pytest", *BROWSER_ARGS, *sys.argv[2:], env=env())
    return code


def bench() -> int:
    install()
    run(PY, "-m", "pip", "install", "--quiet", "-e", ".[test,bench]")
    code = 0
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        code |= run(PY, script, *sys.argv[2:], env=env())
    return code


def lessons() -> int:
    install()
    return run(PY, "tools/make_lessons.py", env=env()) or run(PY, "tools/run_notebooks.py", env=env())


COMMANDS = {"lab": lab, "test": test, "install": lambda: install() or 0, "bench": bench, "lessons": lessons}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]]())
