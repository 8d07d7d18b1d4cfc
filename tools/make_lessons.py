"""Generate student notebooks (lessons/) from the solved notebooks (solutions/).

In a solution notebook, the answer to an exercise sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` lines of a code cell. The student copy replaces that block with a
placeholder that still runs: every name the block assigns at its top level becomes
``name = None  # YOUR CODE HERE``; a function the block defines keeps its signature and
returns ``None``. Outputs are cleared here; ``tools/run_notebooks.py`` stores fresh ones.

Predict-then-reveal: in a student copy, the code cells after a prediction cell (one that calls
``check.predict_…``) up to and including the cell that reveals the truth (the next one that
calls a ``reveal`` function) are tagged ``reveal`` and ``nbval-ignore-output``, and their stored
output is one line saying "run this cell after your prediction" (:data:`REVEAL_PLACEHOLDER`), so
a lesson opened in JupyterLab, Notebook 7 or a static view on GitHub does not show the answer
under the question. nbval still runs those cells (an error fails); their real outputs are stored
and compared in the solved copy.

Usage::

    python tools/make_lessons.py            # write lessons/ from solutions/
    python tools/make_lessons.py --check    # exit 1 if lessons/ is out of sync
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
TODO = "# YOUR CODE HERE"
_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n(.*?)^[ \t]*{re.escape(END)}[^\n]*(\n|$)",
                    re.M | re.S)


def placeholder(block: str, indent: str) -> str:
    """Runnable stand-in for a solution block (names it assigns become ``None``)."""
    body = textwrap.dedent(block)
    try:
        tree = ast.parse(body)
    except SyntaxError as exc:
        raise ValueError(f"solution block is not valid Python on its own: {exc}") from exc
    lines: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        line = f"{name.id} = None  {TODO}"
                        if line not in lines:
                            lines.append(line)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            header = ast.get_source_segment(body, node).split("\n")
            sig = []
            for h in header:
                sig.append(h)
                if h.rstrip().endswith(":"):
                    break
            doc = ast.get_docstring(node)
            inner = "    "
            lines.extend(sig)
            if doc:
                lines.append(f'{inner}"""{doc}"""')
            lines.append(f"{inner}{TODO}")
            lines.append(f"{inner}return None")
    if not lines:
        lines = [TODO, "pass"]
    return "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def student_source(source: str) -> str:
    """The student version of one code cell's source."""
    def swap(match: re.Match) -> str:
        indent, block = match.group(1), match.group(2)
        return placeholder(block, indent)

    out = _BLOCK.sub(swap, source)
    if BEGIN in out or END in out:
        raise ValueError("unbalanced ### BEGIN SOLUTION / ### END SOLUTION markers")
    return out.rstrip("\n")


_PREDICT = re.compile(r"\bcheck\.predict_\w+\(")
_REVEAL = re.compile(r"\breveal\w*\(")
#: the code cells between a prediction and its reveal are folded when there are at most this
#: many (a reveal far below its prediction folds only itself: the lesson goes on in between)
_REVEAL_WITHIN = 8


def reveal_ranges(cells: list) -> list[tuple[int, int]]:
    """(prediction, reveal) cell indices: each prediction cell and the first later code cell that
    calls a reveal function."""
    ranges = []
    for p, cell in enumerate(cells):
        if cell.cell_type == "code" and _PREDICT.search(cell.source):
            r = next((r for r in range(p + 1, len(cells))
                      if cells[r].cell_type == "code" and _REVEAL.search(cells[r].source)), None)
            if r is not None:
                ranges.append((p, r))
    return ranges


def hidden_cells(cells: list) -> set[int]:
    """Code cells whose stored outputs a student copy folds (see the module docstring)."""
    hidden = set()
    for p, r in reveal_ranges(cells):
        between = [i for i in range(p + 1, r) if cells[i].cell_type == "code"]
        hidden.add(r)
        if len(between) <= _REVEAL_WITHIN:
            hidden.update(between)
    return hidden


#: the tag of a student cell whose stored output is the placeholder (see the module docstring)
REVEAL_TAG = "reveal"
_NBVAL_IGNORE = "nbval-ignore-output"
REVEAL_PLACEHOLDER = ("🙈 Output folded so it does not give the answer away: make your prediction above, "
                      "then run this cell.\n")


def _tag_reveal(cell: nbformat.NotebookNode) -> None:
    """Tag a code cell of a fresh student copy as a reveal cell (its own tags, from the solution, stay)."""
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    tags += [t for t in (REVEAL_TAG, _NBVAL_IGNORE) if t not in tags]


def placeholder_outputs() -> list:
    """The stored output of a reveal cell in a student copy."""
    return [nbformat.v4.new_output("stream", name="stdout", text=REVEAL_PLACEHOLDER)]


def fold_reveals(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Replace the outputs of the reveal cells of an executed student notebook by the placeholder."""
    for cell in nb.cells:
        if cell.cell_type == "code" and REVEAL_TAG in cell.get("metadata", {}).get("tags", []) and cell.outputs:
            cell.outputs = placeholder_outputs()
    return nb


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A student copy: solution blocks replaced, cells tagged ``solution`` dropped, outputs cleared,
    the cells from a prediction to its reveal tagged as reveal cells."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            continue
        new = nbformat.from_dict(dict(cell))
        if new.cell_type == "code":
            new.source = student_source(new.source)
            new.outputs = []
            new.execution_count = None
        out.cells.append(new)
    for i in hidden_cells(out.cells):
        _tag_reveal(out.cells[i])
    return out


def tags(nb: nbformat.NotebookNode) -> list[list[str]]:
    """Per cell: its tags."""
    return [list(c.get("metadata", {}).get("tags", [])) for c in nb.cells]


def reveal_flags(nb: nbformat.NotebookNode) -> list[bool]:
    """Per cell: is it a reveal cell whose stored output a student copy folds?"""
    return [REVEAL_TAG in c.get("metadata", {}).get("tags", []) for c in nb.cells]


def sources(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.rstrip("\n")) for c in nb.cells]


def out_of_sync(root: Path = ROOT) -> list[str]:
    """Names of lessons that differ from what their solution generates (or are missing/extra)."""
    problems = []
    sol = {p.name: p for p in sorted((root / "solutions").glob("*.ipynb"))}
    les = {p.name: p for p in sorted((root / "lessons").glob("*.ipynb"))}
    for name in sorted(set(sol) | set(les)):
        if name not in les:
            problems.append(f"{name}: missing from lessons/")
        elif name not in sol:
            problems.append(f"{name}: in lessons/ but not in solutions/")
        else:
            want_nb = student_notebook(nbformat.read(sol[name], as_version=4))
            have_nb = nbformat.read(les[name], as_version=4)
            if sources(want_nb) != sources(have_nb):
                problems.append(f"{name}: lessons/ copy differs from what solutions/ generates")
            elif tags(want_nb) != tags(have_nb):
                problems.append(f"{name}: lessons/ copy has other cell tags (e.g. folded reveal cells) than "
                                "solutions/ generates")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report lessons out of sync")
    ap.add_argument("names", nargs="*", help="notebook names (default: all)")
    args = ap.parse_args(argv)
    if args.check:
        problems = out_of_sync()
        for p in problems:
            print(p)
        return 1 if problems else 0
    (ROOT / "lessons").mkdir(exist_ok=True)
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        if args.names and path.name not in args.names and path.stem not in args.names:
            continue
        target = ROOT / "lessons" / path.name
        student = student_notebook(nbformat.read(path, as_version=4))
        if target.exists():
            stored = nbformat.read(target, as_version=4)
            if sources(stored) == sources(student):  # unchanged: keep its stored outputs
                if tags(stored) != tags(student):
                    for have, want in zip(stored.cells, student.cells, strict=True):
                        have.metadata.pop("tags", None)
                        if want.get("metadata", {}).get("tags"):
                            have.metadata["tags"] = list(want.metadata.tags)
                    nbformat.write(fold_reveals(stored), target)
                    print(f"updated the folded reveal outputs of {target.relative_to(ROOT)}")
                continue
        nbformat.write(student, target)
        print(f"wrote {target.relative_to(ROOT)} (run tools/run_notebooks.py on it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
