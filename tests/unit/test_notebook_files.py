"""Static health of the stored notebooks: executed, no errors, no warnings, lesson structure.

nbval (the notebook tier) re-runs every notebook and compares outputs; these checks catch
what nbval cannot: a stored warning or error, or a cell stored without being run.
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "solutions").glob("*.ipynb")) + sorted((ROOT / "lessons").glob("*.ipynb"))
IDS = [f"{p.parent.name}/{p.name}" for p in NOTEBOOKS]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2


def test_names_are_numbered_slugs():
    for p in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name), p.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_was_run_in_order(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in code_cells(nb)]
    assert None not in counts, f"{path.name}: run tools/run_notebooks.py (unrun cells compare nothing)"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: not run top to bottom from a clean kernel"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_stored_error_or_warning(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(code_cells(nb)):
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name} code cell {i}: stored error {out.get('ename')}"
            assert out.get("name") != "stderr", f"{path.name} code cell {i}: stored stderr {out.get('text')!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_lesson_structure(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "starts with a title"
    for heading in ("objectives", "key points"):
        assert heading in text, f"{path.name}: missing a '{heading}' section"
    assert "seed" in "\n".join(c.source for c in code_cells(nb)).lower() or path.name.startswith("00"), \
        f"{path.name}: nothing is seeded"


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")), ids=lambda p: p.name)
def test_every_exercise_has_a_checker_call(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c.source for c in code_cells(nb)]
    exercises = [i for i, s in enumerate(cells) if "### BEGIN SOLUTION" in s]
    assert exercises, f"{path.name}: no exercise"
    for i in exercises:
        following = "\n".join(cells[i:i + 2])
        assert "check." in following, f"{path.name}: exercise in code cell {i} has no checker call"
