"""The solutions -> lessons generator, and the sync between the two folders."""
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import make_lessons  # noqa: E402


def test_assignments_become_none_placeholders():
    src = "x = 1\n### BEGIN SOLUTION\nanswer = x + 1\nother, more = 1, 2\n### END SOLUTION\ncheck(answer)"
    out = make_lessons.student_source(src)
    assert "answer = None  # YOUR CODE HERE" in out
    assert "other = None  # YOUR CODE HERE" in out and "more = None" in out
    assert "x + 1" not in out and "BEGIN SOLUTION" not in out
    assert out.startswith("x = 1\n") and out.endswith("check(answer)")
    exec(compile(out, "<student>", "exec"), {"check": lambda a: None})  # still runs


def test_function_keeps_signature_and_returns_none():
    src = ('### BEGIN SOLUTION\ndef f(a, b=2):\n    """Add."""\n    return a + b\n### END SOLUTION\n')
    out = make_lessons.student_source(src)
    ns: dict = {}
    exec(out, ns)
    assert ns["f"](1) is None
    assert "def f(a, b=2):" in out and "a + b" not in out


def test_indented_block_keeps_indentation():
    src = "for i in range(2):\n    ### BEGIN SOLUTION\n    y = i\n    ### END SOLUTION\n    print(y)"
    out = make_lessons.student_source(src)
    assert "    y = None  # YOUR CODE HERE" in out
    exec(out, {})


def test_unbalanced_markers_are_an_error():
    with pytest.raises(ValueError, match="unbalanced"):
        make_lessons.student_source("### BEGIN SOLUTION\nx = 1\n")


def test_solution_tagged_cells_are_dropped_and_outputs_cleared():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Hi"),
                nbformat.v4.new_markdown_cell("The answer is 4", metadata={"tags": ["solution"]}),
                nbformat.v4.new_code_cell("### BEGIN SOLUTION\nz = 4\n### END SOLUTION", execution_count=3,
                                          outputs=[nbformat.v4.new_output("stream", text="4")])]
    student = make_lessons.student_notebook(nb)
    assert [c.cell_type for c in student.cells] == ["markdown", "code"]
    assert student.cells[1].outputs == [] and student.cells[1].execution_count is None


def test_out_of_sync_lesson_is_detected(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "lessons").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("### BEGIN SOLUTION\nz = 4\n### END SOLUTION")]
    nbformat.write(nb, tmp_path / "solutions" / "01_x.ipynb")
    assert make_lessons.out_of_sync(tmp_path) == ["01_x.ipynb: missing from lessons/"]
    nbformat.write(make_lessons.student_notebook(nb), tmp_path / "lessons" / "01_x.ipynb")
    assert make_lessons.out_of_sync(tmp_path) == []
    nb.cells[0].source = "### BEGIN SOLUTION\nz = 5\nw = 1\n### END SOLUTION"
    nbformat.write(nb, tmp_path / "solutions" / "01_x.ipynb")
    assert make_lessons.out_of_sync(tmp_path) == ["01_x.ipynb: lessons/ copy differs from what solutions/ generates"]


def test_repository_lessons_are_in_sync_with_solutions():
    assert (ROOT / "solutions").is_dir() and any((ROOT / "solutions").glob("*.ipynb"))
    problems = make_lessons.out_of_sync(ROOT)
    assert not problems, "run `python tools/make_lessons.py` then `python tools/run_notebooks.py`:\n" + "\n".join(problems)


def _predict_reveal_notebook(between: int = 1):
    code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    cells = [md("## Predict first"), code("my_guess = None  # YOUR CODE HERE\ncheck.predict_thing(my_guess)")]
    cells += [code(f"truth_{k} = 0.25  # a computation that prints the answer") for k in range(between)]
    cells += [md("What did you get?"), code("check.reveal_thing(truth_0)"), code("print('the lesson goes on')")]
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb


def test_a_solution_cells_own_tags_survive_in_the_student_copy():
    nb = _predict_reveal_notebook()
    nb.cells[-1].metadata["tags"] = ["nbval-ignore-output"]  # e.g. a cell printing a run time
    assert make_lessons.student_notebook(nb).cells[-1].metadata["tags"] == ["nbval-ignore-output"]


def test_cells_between_a_prediction_and_its_reveal_are_reveal_cells_in_the_student_copy():
    student = make_lessons.student_notebook(_predict_reveal_notebook(between=2))
    assert make_lessons.reveal_flags(student) == [False, False, True, True, False, True, False]
    assert student.cells[2].metadata["tags"] == ["reveal", "nbval-ignore-output"]  # nbval runs it, compares nothing
    assert "tags" not in student.cells[-1].metadata  # the cell after the reveal keeps its output


def test_an_executed_reveal_cell_stores_the_placeholder_not_the_answer():
    student = make_lessons.student_notebook(_predict_reveal_notebook())
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="P = 0.25\n")]
    make_lessons.fold_reveals(student)
    texts = ["".join(o.get("text", "") for o in c.outputs) for c in student.cells if c.cell_type == "code"]
    assert texts == ["P = 0.25\n", make_lessons.REVEAL_PLACEHOLDER, make_lessons.REVEAL_PLACEHOLDER, "P = 0.25\n"]


def test_a_far_reveal_folds_only_itself():
    n = make_lessons._REVEAL_WITHIN + 1
    flags = make_lessons.reveal_flags(make_lessons.student_notebook(_predict_reveal_notebook(between=n)))
    assert flags.count(True) == 1 and flags[-2] is True


def test_reveal_tags_are_part_of_the_sync_check_and_applied_to_stored_lessons(tmp_path, monkeypatch):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "lessons").mkdir()
    nb = _predict_reveal_notebook()
    nb.cells[-1].metadata["tags"] = ["nbval-ignore-output"]  # the solution's own tag must survive
    nbformat.write(nb, tmp_path / "solutions" / "01_x.ipynb")
    stale = make_lessons.student_notebook(nb)
    for cell in stale.cells:
        cell.get("metadata", {}).pop("tags", None)
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="the answer 0.25\n")]
    nbformat.write(stale, tmp_path / "lessons" / "01_x.ipynb")
    assert make_lessons.out_of_sync(tmp_path) == [
        "01_x.ipynb: lessons/ copy has other cell tags (e.g. folded reveal cells) than solutions/ generates"]
    monkeypatch.setattr(make_lessons, "ROOT", tmp_path)
    assert make_lessons.main([]) == 0
    assert make_lessons.out_of_sync(tmp_path) == []
    fixed = nbformat.read(tmp_path / "lessons" / "01_x.ipynb", as_version=4)
    assert fixed.cells[-1].metadata["tags"] == ["nbval-ignore-output"]
    texts = ["".join(o.get("text", "") for o in c.outputs) for c in fixed.cells if c.cell_type == "code"]
    assert texts == ["the answer 0.25\n", make_lessons.REVEAL_PLACEHOLDER, make_lessons.REVEAL_PLACEHOLDER,
                     "the answer 0.25\n"]


def test_no_stored_student_lesson_shows_a_reveal_output():
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if make_lessons.REVEAL_TAG in cell.get("metadata", {}).get("tags", []):
                texts = ["".join(o.get("text", "")) for o in cell.outputs]
                assert texts in ([], [make_lessons.REVEAL_PLACEHOLDER]), f"{path.name} cell {i}"
