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
