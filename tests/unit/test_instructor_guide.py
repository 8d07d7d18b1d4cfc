"""docs/instructors.md stays true to the course: timings, widget map, checker table, paths, commands."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def lesson(number: str) -> Path:
    (path,) = [p for p in SOLUTIONS if p.name.startswith(number + "_")]
    return path


def cells(path: Path, kind: str | None = None) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if kind is None or c["cell_type"] == kind]


def table_row(first_cell: str) -> list[str]:
    for line in GUIDE.splitlines():
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if parts and parts[0] == first_cell:
            return parts[1:]
    raise AssertionError(f"no table row starting with {first_cell!r} in docs/instructors.md")


def test_guide_is_linked_from_readme():
    assert "docs/instructors.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_timings_table_matches_each_lessons_stated_time():
    numbers, minutes = table_row("Lesson"), table_row("min")
    assert numbers == [p.name[:2] for p in SOLUTIONS], "the table must list every lesson in order"
    for number, stated in zip(numbers, minutes, strict=True):
        first = cells(lesson(number))[0]
        time_line = re.search(r"Time:\**\s*([^\n]*)", first)
        assert time_line, f"lesson {number} states no 'Time:' in its first cell"
        in_lesson = re.search(r"(\d+(?:–\d+)?)\s*(minutes|hours)", time_line.group(1))
        value, unit = re.match(r"(\d+(?:–\d+)?)\s*(h)?$", stated).groups()
        assert value == in_lesson.group(1), f"lesson {number}: guide says {stated}, lesson says {time_line.group(1)}"
        assert (unit == "h") == (in_lesson.group(2) == "hours"), f"lesson {number}: unit differs"


def plain(text: str) -> str:
    """Lower case without Markdown/LaTeX markup, so "The *p* = 1" matches "The $p = 1$"."""
    return re.sub(r"\s+", " ", re.sub(r"[$*`\\]", "", text)).lower()


WIDGET_ROWS = {"BlochExplorer": "**BlochExplorer**", "CircuitExplorer": "**CircuitExplorer**",
               "LandscapeExplorer": "**LandscapeExplorer**", "BarrenPlateauView": "**BarrenPlateauView**"}


@pytest.mark.parametrize("widget", WIDGET_ROWS)
def test_widget_map_names_sections_that_exist_and_use_that_widget(widget):
    row = next(line for line in GUIDE.splitlines() if line.startswith(f"| {WIDGET_ROWS[widget]}"))
    places = re.findall(r"(\d\d)(?: §\d+)?(?: \"([^\"]+)\")?", row.split("|")[2])
    assert places, f"no lessons listed for {widget}"
    for number, section in places:
        path = lesson(number)
        code = "\n".join(cells(path, "code"))
        assert f"{widget}(" in code, f"the guide projects {widget} in lesson {number}, which never creates one"
        if section:
            assert plain(section) in plain(" ".join(cells(path))), f"lesson {number} has no section {section!r}"


def test_checker_table_covers_exactly_the_courses_exercises():
    in_guide = re.findall(r"^\| \*\*(\d+\.\d+)\*\* ", GUIDE, flags=re.M)
    titles = re.findall(r'@checker\("Exercise (\d+\.\d+) ',
                        "".join(p.read_text(encoding="utf-8") for p in (ROOT / "qmlcourse" / "checks").glob("lesson*.py")))
    assert len(in_guide) == len(set(in_guide)), "an exercise is listed twice"
    assert sorted(in_guide, key=lambda s: tuple(map(int, s.split(".")))) == in_guide, "exercises out of order"
    assert set(in_guide) == set(titles)


def test_paths_named_in_the_guide_exist():
    named = set(re.findall(r"(?<![\w/.-])((?:lessons|solutions|demos|docs|tools|qmlwidgets|qmlcourse|tests)/[\w./-]*\w)", GUIDE))
    assert len(named) > 5
    for rel in sorted(named):
        if "NN" in rel:
            continue
        path = ROOT / rel
        assert path.exists() or path.with_suffix(".ipynb").exists(), f"the guide names {rel}, which does not exist"


def test_binder_links_match_the_readme_badge_and_open_existing_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badge = re.search(r"https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/HEAD", readme).group(1)
    links = re.findall(r"https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/HEAD\?urlpath=(?:lab/tree|voila/render)/([\w./-]+)", GUIDE)
    assert len(links) >= 2
    for repo, target in links:
        assert repo == badge
        assert (ROOT / target).is_file(), target
    assert f"github.com/{badge}" in GUIDE, "the hub section should clone the same repository"
    for target in re.findall(r"urlpath=(?:lab/tree|voila/render)/([\w./-]+)", GUIDE):
        if not target.startswith("qml-course/"):  # nbgitpuller's clone folder, checked below
            assert (ROOT / target).is_file(), f"a link opens {target}, which does not exist"
    for target in re.findall(r"urlpath=lab/tree/qml-course/([\w./-]+)", GUIDE):
        assert (ROOT / target).is_file(), target


def test_z2jh_config_snippet_is_valid_yaml_that_copies_existing_folders():
    block = re.search(r"```yaml\n(.*?)```", GUIDE, flags=re.S).group(1)
    config = yaml.safe_load(block)
    single = config["singleuser"]
    assert single["image"]["name"] and isinstance(single["image"]["tag"], str)
    command = " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    for folder in re.findall(r"/srv/qml-course/(\w+)", command):
        assert (ROOT / folder).is_dir(), folder
    assert "--target-repo-dir /srv/qml-course" in GUIDE


def test_commands_in_the_guide_exist():
    course = (ROOT / "course.py").read_text(encoding="utf-8")
    for command in re.findall(r"python3 course\.py (\w+)", GUIDE):
        assert f'"{command}"' in course, f"course.py has no '{command}' command"
    helptext = subprocess.run([sys.executable, "-m", "qmlcourse", "progress", "--help"], capture_output=True,
                              text=True, cwd=ROOT, timeout=120).stdout
    for flag in re.findall(r"`(--[\w-]+)", GUIDE.split("## 4.")[1].split("## 5.")[0]):
        assert flag in helptext, f"the progress command has no {flag} option"


def test_example_progress_report_has_the_shape_the_command_prints():
    block = GUIDE.split("Example output:")[1].split("```")[1].strip("\n").splitlines()
    shapes = [r"\[[#-]+\] \d+/\d+ done", r"", r"\d\d_\w+\.ipynb: \d+/\d+ exercises pass",
              r"    (✅|❌|📝) Exercise \d+\.\d+ — .+: (pass|fail|todo)",
              r"    ⚠️  cell \[\d+\] raised \w+: .+ \(the rest of the notebook still ran\)",
              r"Total: \d+/\d+ exercises pass in \d+ notebook\(s\)\."]
    for line in block:
        assert any(re.fullmatch(s, line) for s in shapes), f"the example shows a line the command never prints: {line!r}"
    source = (ROOT / "qmlcourse" / "progress.py").read_text(encoding="utf-8")
    for fragment in ["exercises pass", "(the rest of the notebook still ran)", "Total: ", " done"]:
        assert fragment in source


def test_rehearsal_totals_match_the_course():
    """§4's "rehearse it before class" line states what `progress solutions/` and `lessons/` must print."""
    checkers = len(re.findall(r'@checker\("Exercise ', "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "qmlcourse" / "checks").glob("lesson*.py"))))
    assert f"`Total: {checkers}/{checkers} exercises pass in {len(SOLUTIONS)} notebook(s).`" in GUIDE
    assert f"`lessons/` with `0/{checkers}`" in GUIDE
