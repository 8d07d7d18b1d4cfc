"""Binder's environment.yml, pyproject.toml and the README agree."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip().strip('"'), maxsplit=1)[0].lower()


def binder_requirements() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    lines = text.split("  - pip:", 1)[1].splitlines()  # the pip section
    reqs = {}
    for line in lines:
        m = re.match(r'\s*-\s+"?([A-Za-z0-9_.\-]+[^"]*)"?\s*$', line)
        if m and not m.group(1).startswith(("-e", "python", "pip")):
            reqs[_name(m.group(1))] = m.group(1).replace(" ", "")
    return reqs


def test_environment_yml_matches_pyproject_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r): r.replace(" ", "") for r in project["dependencies"]}
    assert binder_requirements() == runtime


def test_environment_yml_installs_the_repo_and_pins_python():
    text = (ROOT / "environment.yml").read_text()
    assert "- -e ." in text
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
    code = "import sys, qmlwidgets; print('qiskit' in sys.modules, 'plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_lab_command_opens_lesson_00_with_the_whole_course_in_the_file_browser(monkeypatch):
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location("course_cli", ROOT / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    calls = []
    monkeypatch.setattr(course, "install", lambda: None)
    monkeypatch.setattr(course, "run", lambda *cmd, **kw: calls.append([str(c) for c in cmd]) or 0)
    monkeypatch.setattr(sys, "argv", ["course.py", "lab"])
    assert course.lab() == 0
    (cmd,) = calls
    assert cmd[1:3] == ["-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={ROOT}" in cmd and "lessons/00_welcome.ipynb" in cmd
    assert (ROOT / "lessons" / "00_welcome.ipynb").exists()
