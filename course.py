#!/usr/bin/env python3
"""One entry point for learners, instructors and CI (needs only Python 3.11+ and pip).

    python3 course.py lab     # install into ./.venv (first time), open JupyterLab on lesson 00
    python3 course.py test    # install (if needed), lint (ruff, mypy), then every test: unit, widgets, notebooks, browser

Other commands: ``install`` (only install), ``lint`` (ruff and mypy, the first step of ``test``),
``bench`` (speed benchmarks), ``lessons`` (regenerate student copies from solutions/ and re-run them), ``canary`` (the unit, widget
and notebook tiers against the newest releases, in ./.venv-canary) and ``lock`` (refresh
requirements/lock.txt and environment.yml's pins); see CONTRIBUTING.md for the last two.

Installs use the exact, hash-checked versions in requirements/lock.txt. Set
``QML_RANGES=1`` (or pass ``--ranges`` to ``install``) to install from pyproject.toml's
version ranges instead, e.g. to add the course to an existing environment's versions.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("QML_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".qmlwidgets-installed"
LOCK = ROOT / "requirements" / "lock.txt"
CANARY_VENV = ROOT / ".venv-canary"
# Released ahead of the lock, pre-releases included, by the canary.
CANARY_PRE = ["qiskit", "qiskit-aer", "plotly", "ipywidgets", "anywidget", "jupyterlab", "voila"]
# Deprecations are errors in the pytest process already (filterwarnings = error); the canary
# repeats it on the command line (with Qiskit's own warning base class) and shows
# deprecations in notebook kernels too (stderr fails nbval; other warnings show by default).
STRICT = ["-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning",
          "-W", "error::FutureWarning", "-W", "error::qiskit.exceptions.QiskitWarning"]
CANARY_TIERS = {
    "unit": ["tests/unit"],
    "widgets": ["tests/widgets"],
    "nbval": ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
              "lessons", "solutions", "demos"],
}
FIRST_LESSON = "lessons/00_welcome.ipynb"
# Tier 1-3: unit, headless widgets, every notebook under nbval (two workers).
TEST_ARGS = ["-n", "2", "--dist", "loadscope", "--nbval", "--nbval-current-env",
             "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "--ignore=tests/browser",
             "tests", "lessons", "solutions", "demos"]
# Tier 0: ruff over these (notebooks excluded in pyproject.toml), then mypy over the kit ([tool.mypy] files).
LINT_PATHS = ["qmlwidgets", "qmlcourse", "tests", "benchmarks", "tools", "course.py"]
# Tier 4: real JupyterLab + Chromium, in its own process (Playwright's sync API runs an
# event loop in the main thread, which would change how widgets behave in tier 2).
BROWSER_ARGS = ["tests/browser"]


def run(*cmd: str | Path, **kw) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)


def ranges_wanted() -> bool:
    """True when the learner asked for pyproject.toml's ranges instead of the lock file."""
    return os.environ.get("QML_RANGES", "") not in ("", "0") or "--ranges" in sys.argv[2:]


def install_fingerprint(ranges: bool) -> str:
    """What the stamp records: a change to pyproject.toml, the lock file or the mode reinstalls."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(b"ranges" if ranges else LOCK.read_bytes())
    return digest.hexdigest()


def install_steps(py: Path, ranges: bool) -> list[list]:
    """pip commands: the hash-checked lock file (kit, course extra, tests), then the repo without dependencies."""
    if ranges:
        return [[py, "-m", "pip", "install", "--quiet", "-e", ".[course,test]"]]
    return [[py, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", LOCK.relative_to(ROOT)],
            [py, "-m", "pip", "install", "--quiet", "--no-deps", "-e", "."]]


def install() -> None:
    """Create ./.venv and install the course with its test extras (skipped when up to date)."""
    ranges = ranges_wanted()
    want = install_fingerprint(ranges)
    if STAMP.exists() and STAMP.read_text() == want and PY.exists():
        return
    if not PY.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing " + ("from pyproject.toml's version ranges" if ranges else f"the exact versions in {LOCK.relative_to(ROOT)}")
          + " (a few minutes the first time) ...", flush=True)
    for step in install_steps(PY, ranges):
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


def lint() -> int:
    """Tier 0: ruff over the Python sources and mypy over the kit (config: pyproject.toml), a few seconds."""
    return run(PY, "-m", "ruff", "check", *LINT_PATHS, env=env()) | run(PY, "-m", "mypy", env=env())


def test() -> int:
    install()
    if lint():
        print("Lint failed (ruff / mypy output above): fix it before the test tiers run.", flush=True)
        return 1
    code = run(PY, "-m", "pytest", *TEST_ARGS, *sys.argv[2:], env=env())
    code |= run(PY, "-m", "pytest", *BROWSER_ARGS, *sys.argv[2:], env=env())
    return code


def bench() -> int:
    install()
    extra = ["-e", ".[bench]"]
    if not ranges_wanted():  # the bench extra on top, holding every locked package at its version
        pins = VENV / "lock-constraints.txt"
        pins.write_text("".join(f"{n}=={v}\n" for n, v in locked_versions().items()))
        extra = ["-c", pins, *extra]
    run(PY, "-m", "pip", "install", "--quiet", *extra)
    code = 0
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        code |= run(PY, script, *sys.argv[2:], env=env())
    return code


def lessons() -> int:
    install()
    return run(PY, "tools/make_lessons.py", env=env()) or run(PY, "tools/run_notebooks.py", env=env())


def locked_versions(lock: Path | None = None) -> dict[str, str]:
    """``{name: version}`` from the lock file's ``name==version`` lines (names normalised).

    Where the lock has two versions for different Pythons, the one for the newest Python 3.11.x wins.
    """
    versions: dict[str, str] = {}
    text = (lock or LOCK).read_text()
    for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)( ; [^\\\n]*)?", text, re.M):
        marker = m.group(3) or ""
        if ">= '3.12'" not in marker and "> '3.11'" not in marker:
            versions[_norm(m.group(1))] = m.group(2)
    return versions


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def project_requirements() -> list[str]:
    """Names of the kit's, the course extra's and the test dependencies in pyproject.toml (no ranges)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    reqs = project["dependencies"] + extras["course"] + extras["test"]
    return [_norm(re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0]) for r in reqs]


def newest(py: Path, name: str) -> str:
    """The newest release of ``name`` on the package index, pre-releases included."""
    out = subprocess.run([str(py), "-m", "pip", "index", "versions", "--pre", name],
                         capture_output=True, text=True).stdout
    m = re.match(r"\S+ \(([^)]+)\)", out)
    if not m:
        sys.exit(f"canary: could not find the newest {name} on the package index:\n{out}")
    return m.group(1)


def canary_table(locked: dict[str, str], installed: dict[str, str], results: dict[str, bool],
                 names: list[str]) -> str:
    """Markdown table: package, locked version, newest installed by the canary, tier results."""
    tiers = " | ".join(results)
    verdict = " | ".join("pass" if ok else "FAIL" for ok in results.values())
    lines = [f"| package | locked | newest | {tiers} |", "|---|---|---|" + "---|" * len(results)]
    for name in names:
        old, new = locked.get(name, "-"), installed.get(name, "-")
        mark = "" if old == new else " (new)"
        lines.append(f"| {name} | {old} | {new}{mark} | {verdict} |")
    return "\n".join(lines)


def canary() -> int:
    """Build ./.venv-canary with the newest releases and run the unit, widget and nbval tiers.

    ``canary --reuse`` runs the tiers again in the existing ./.venv-canary (no downloads);
    other arguments go to pytest.
    """
    args = [a for a in sys.argv[2:] if a != "--reuse"]
    py = CANARY_VENV / PY.relative_to(VENV)
    if "--reuse" not in sys.argv[2:] or not py.exists():
        if CANARY_VENV.exists():
            shutil.rmtree(CANARY_VENV)
        print(f"Creating {CANARY_VENV} with the newest releases (pre-releases of {', '.join(CANARY_PRE)}) ...",
              flush=True)
        venv.EnvBuilder(with_pip=True).create(CANARY_VENV)
        if run(py, "-m", "pip", "install", "--quiet", "--upgrade", "pip") != 0:
            sys.exit("canary: could not upgrade pip")
        pins = {name: newest(py, name) for name in CANARY_PRE}
        # Our own upper bounds are ignored on purpose: the canary must see the next major release.
        reqs = [f"{n}=={pins[n]}" if n in pins else n for n in project_requirements()]
        if run(py, "-m", "pip", "install", "--quiet", "--upgrade", *reqs) != 0:
            sys.exit("canary: the newest releases do not install together (see pip's message above)")
        run(py, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
    listed = subprocess.run([str(py), "-m", "pip", "list", "--format=json"], capture_output=True, text=True).stdout
    installed = {_norm(p["name"]): p["version"] for p in json.loads(listed)}
    cenv = dict(env(), PATH=f"{py.parent}{os.pathsep}{os.environ.get('PATH', '')}",
                # notebook kernels: print deprecations on stderr, which nbval reports as a change
                PYTHONWARNINGS="default::DeprecationWarning,default::PendingDeprecationWarning")
    workers = ["-n", os.environ.get("QML_WORKERS", "2"), "--dist", "loadscope"]
    results = {}
    for tier, tier_args in CANARY_TIERS.items():
        results[tier] = run(py, "-m", "pytest", *workers, *STRICT, *tier_args, *args, env=cenv) == 0
    names = CANARY_PRE + [n for n in project_requirements() if n not in CANARY_PRE]
    print("\nCanary: the course against the newest releases\n")
    print(canary_table(locked_versions(), installed, results, names))
    if not all(results.values()):
        print("\nA tier failed: see 'When the canary fails' in CONTRIBUTING.md. Keep the lock file as it is.")
    return 0 if all(results.values()) else 1

ENV_YML_HEAD = """\
# Binder (repo2docker) environment, generated by `python3 course.py lock`: do not edit the pins
# by hand. They are the runtime part of requirements/lock.txt for Linux (a test checks it).
name: qml-course
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def lock() -> int:
    """Refresh requirements/lock.txt (newest releases within pyproject's ranges) and environment.yml.

    ``lock --keep`` re-resolves after a change to pyproject.toml but keeps every other pin.
    """
    install()
    if run(PY, "-m", "pip", "install", "--quiet", "uv") != 0:
        sys.exit("lock: could not install uv")
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    keep = "--keep" in sys.argv[2:]
    code = run(uv, "pip", "compile", "pyproject.toml", "--extra", "course", "--extra", "test", "--generate-hashes", "--universal",
               "--python-version", "3.11", *([] if keep else ["--upgrade"]), "--quiet", "-o", LOCK.relative_to(ROOT))
    if code:
        return code
    # Binder runs Linux x86_64 and conda-forge's newest Python 3.11.x: the runtime dependencies
    # only (the kit and the course extra), at the lock's versions (where the lock splits on the 3.11
    # patch level, the newer side).
    runtime = subprocess.run([str(uv), "pip", "compile", "pyproject.toml", "--extra", "course",
                              "-c", str(LOCK.relative_to(ROOT)),
                              "--python-version", "3.11.14", "--python-platform", "x86_64-manylinux_2_28",
                              "--no-header", "--no-annotate", "--quiet"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    pins = [line.strip() for line in runtime.splitlines() if "==" in line]
    (ROOT / "environment.yml").write_text(ENV_YML_HEAD + "".join(f"      - {p}\n" for p in pins) + "      - -e .[course]\n")
    print(f"Wrote {LOCK.relative_to(ROOT)} and environment.yml ({len(pins)} runtime pins). "
          "Next: python3 course.py test (after a canary run, see CONTRIBUTING.md).")
    return 0


COMMANDS = {"lab": lab, "test": test, "lint": lambda: install() or lint(), "install": lambda: install() or 0, "bench": bench, "lessons": lessons,
            "canary": canary, "lock": lock}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]]())
