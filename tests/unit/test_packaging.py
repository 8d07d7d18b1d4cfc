"""The lock file, Binder's environment.yml, pyproject.toml, course.py and the README agree."""
import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"


def _name(req: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[ ;]", req.strip().strip('"'), maxsplit=1)[0]).lower()


def course_cli():
    spec = importlib.util.spec_from_file_location("course_cli", ROOT / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    return course


def binder_requirements() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    lines = text.split("  - pip:", 1)[1].splitlines()  # the pip section
    reqs = {}
    for line in lines:
        m = re.match(r'\s*-\s+"?([A-Za-z0-9_.\-]+[^"]*)"?\s*$', line)
        if m and not m.group(1).startswith(("-e", "python", "pip")):
            reqs[_name(m.group(1))] = m.group(1).replace(" ", "")
    return reqs


def project_requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in (project["optional-dependencies"][extra] if extra else project["dependencies"])]


def test_lock_file_pins_every_dependency_exactly_with_hashes_inside_pyproject_ranges():
    locked = course_cli().locked_versions()
    text = LOCK.read_text()
    assert "uv pip compile pyproject.toml --extra course --extra test --generate-hashes --universal --python-version 3.11" in text
    for req in project_requirements() + project_requirements("course") + project_requirements("test"):
        name = _name(req.name)
        assert name in locked, f"requirements/lock.txt misses {name}: run `python3 course.py lock --keep`"
        assert req.specifier.contains(locked[name], prereleases=True), \
            f"{name}=={locked[name]} in the lock is outside pyproject's {req}: run `python3 course.py lock --keep`"
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for block in blocks:
        if "==" in block.split("\n", 1)[0]:
            assert "--hash=sha256:" in block, f"no hash for {block.splitlines()[0]}"
    assert len(locked) > 60


def test_environment_yml_pins_the_lock_files_versions_and_every_runtime_dependency():
    locked: dict[str, set] = {}
    for m in re.finditer(r"^([A-Za-z0-9][\w.-]*)==([^\s;\\]+)", LOCK.read_text(), re.M):
        locked.setdefault(_name(m.group(1)), set()).add(m.group(2))
    binder = binder_requirements()
    for name, pin in binder.items():
        assert pin.split("==")[1] in locked.get(name, ()), \
            f"environment.yml has {pin}, the lock {locked.get(name)}: run `python3 course.py lock --keep`"
    for req in project_requirements() + project_requirements("course"):
        assert _name(req.name) in binder, f"environment.yml misses {req.name}: run `python3 course.py lock --keep`"
    assert not {"pytest", "playwright", "nbval"} & set(binder), "Binder needs the runtime dependencies only"


def test_environment_yml_installs_the_repo_and_pins_python():
    text = (ROOT / "environment.yml").read_text()
    assert "- -e .[course]" in text
    assert re.search(r"- python=3\.11\b", text)
    assert project_python() == ">=3.11"


def project_python() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]


def test_readme_gives_the_two_commands_and_binder_badge():
    readme = (ROOT / "README.md").read_text()
    assert "python3 course.py lab" in readme and "python3 course.py test" in readme
    assert re.search(r"mybinder\.org/v2/gh/[^)\s]+\?urlpath=lab/tree/lessons/00_welcome\.ipynb", readme)
    for nb in sorted((ROOT / "solutions").glob("*.ipynb")):
        assert nb.stem[:2] in readme, f"course map misses {nb.name}"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 course.py test" in ci and "QML_REQUIRE_BROWSER=1" in ci


def test_public_api_is_lazy():
    import subprocess
    import sys
    for package in ("qmlwidgets", "qmlcourse"):
        code = f"import sys, {package}; print('qiskit' in sys.modules, 'plotly' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.split() == ["False", "False"], package


def test_lab_command_opens_lesson_00_with_the_whole_course_in_the_file_browser(monkeypatch):
    course = course_cli()
    calls = []
    monkeypatch.setattr(course, "install", lambda: None)
    monkeypatch.setattr(course, "run", lambda *cmd, **kw: calls.append([str(c) for c in cmd]) or 0)
    monkeypatch.setattr(sys, "argv", ["course.py", "lab"])
    assert course.lab() == 0
    (cmd,) = calls
    assert cmd[1:3] == ["-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={ROOT}" in cmd and "lessons/00_welcome.ipynb" in cmd
    assert (ROOT / "lessons" / "00_welcome.ipynb").exists()


def test_install_uses_the_lock_file_with_hashes_then_the_course_without_dependencies(monkeypatch):
    course = course_cli()
    monkeypatch.delenv("QML_RANGES", raising=False)
    monkeypatch.setattr(sys, "argv", ["course.py", "install"])
    assert not course.ranges_wanted()
    locked, own = [[str(c) for c in step] for step in course.install_steps(Path("py"), ranges=False)]
    assert locked[-3:] == ["--require-hashes", "-r", str(Path("requirements/lock.txt"))]
    assert own[-3:] == ["--no-deps", "-e", "."]
    (ranged,) = course.install_steps(Path("py"), ranges=True)
    assert ranged[-2:] == ["-e", ".[course,test]"]
    monkeypatch.setenv("QML_RANGES", "1")
    assert course.ranges_wanted()


def test_install_stamp_notices_a_changed_lock_file_and_a_change_of_mode(tmp_path, monkeypatch):
    course = course_cli()
    lock = tmp_path / "lock.txt"
    lock.write_text("qiskit==2.6.2\n")
    monkeypatch.setattr(course, "LOCK", lock)
    before = course.install_fingerprint(ranges=False)
    lock.write_text("qiskit==2.6.3\n")
    assert course.install_fingerprint(ranges=False) != before
    assert course.install_fingerprint(ranges=True) != course.install_fingerprint(ranges=False)


def test_canary_runs_three_tiers_with_deprecations_as_errors_and_prints_a_table():
    course = course_cli()
    assert list(course.CANARY_TIERS) == ["unit", "widgets", "nbval"]
    strict = " ".join(course.STRICT)
    assert "error::DeprecationWarning" in strict and "error::PendingDeprecationWarning" in strict
    assert {"qiskit", "qiskit-aer", "plotly", "ipywidgets", "anywidget", "jupyterlab", "voila"} == set(course.CANARY_PRE)
    table = course.canary_table({"qiskit": "2.6.2"}, {"qiskit": "3.0.0rc1"}, {"unit": True, "nbval": False}, ["qiskit"])
    assert table.splitlines()[0] == "| package | locked | newest | unit | nbval |"
    assert table.splitlines()[2] == "| qiskit | 2.6.2 | 3.0.0rc1 (new) | pass | FAIL |"
    assert "canary" not in (ROOT / ".ci" / "run").read_text(), "the canary is not part of CI"


def test_readme_and_docs_point_only_inside_the_repository():
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    for doc in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text()
        assert "shared folder" not in text and "/work/" not in text, f"{doc.name} points outside the repository"
        for target in re.findall(r"\]\((?!https?://|#)([^)\s#]+)", text):
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"
    assert "CONTRIBUTING.md" in (ROOT / "README.md").read_text()
    for command in ("python3 course.py lock", "python3 course.py canary", "python3 course.py test"):
        assert command in contributing, f"CONTRIBUTING.md does not explain `{command}`"


def test_bench_adds_its_extra_editable_while_holding_the_locked_versions(tmp_path, monkeypatch):
    course = course_cli()
    calls = []
    monkeypatch.delenv("QML_RANGES", raising=False)
    monkeypatch.setattr(sys, "argv", ["course.py", "bench"])
    monkeypatch.setattr(course, "install", lambda: None)
    monkeypatch.setattr(course, "VENV", tmp_path)
    monkeypatch.setattr(course, "ROOT", tmp_path)  # no benchmarks/ here: only the install step runs
    monkeypatch.setattr(course, "run", lambda *cmd, **kw: calls.append([str(c) for c in cmd]) or 0)
    course.bench()
    (cmd,) = calls
    assert cmd[-4:] == ["-c", str(tmp_path / "lock-constraints.txt"), "-e", ".[bench]"]
    pins = (tmp_path / "lock-constraints.txt").read_text().splitlines()
    assert f"qiskit=={course.locked_versions()['qiskit']}" in pins



@pytest.mark.parametrize("failing", ["ruff", "mypy", None])
def test_test_command_lints_first_and_stops_when_ruff_or_mypy_fail(monkeypatch, failing):
    course = course_cli()
    calls = []
    monkeypatch.setattr(course, "install", lambda: None)
    monkeypatch.setattr(sys, "argv", ["course.py", "test"])
    monkeypatch.setattr(course, "run", lambda *cmd, **kw: calls.append([str(c) for c in cmd])
                        or int(failing is not None and failing in map(str, cmd)))
    code = course.test()
    tools = [cmd[2] for cmd in calls]
    assert tools[:2] == ["ruff", "mypy"], tools  # both run, so one run shows both outputs
    assert calls[0][3:] == ["check", *course.LINT_PATHS]
    if failing:
        assert code == 1 and tools == ["ruff", "mypy"], f"{failing} failed but the tests ran"
    else:
        assert code == 0 and tools == ["ruff", "mypy", "pytest", "pytest"]
