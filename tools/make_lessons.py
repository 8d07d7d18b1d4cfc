"""Generate student notebooks (lessons/) from the solved notebooks (solutions/).

In a solution notebook, the answer to an exercise sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` lines of a code cell. The student copy replaces that block with a
placeholder that still runs: every name the block assigns at its top level becomes
``name = None  # YOUR CODE HERE``; a function the block defines keeps its signature and
returns ``None``. Outputs are cleared here; ``tools/run_notebooks.py`` stores fresh ones.

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


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A student copy: solution blocks replaced, cells tagged ``solution`` dropped, outputs cleared."""
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
    return out


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
            want = sources(student_notebook(nbformat.read(sol[name], as_version=4)))
            have = sources(nbformat.read(les[name], as_version=4))
            if want != have:
                problems.append(f"{name}: lessons/ copy differs from what solutions/ generates")
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
        if target.exists() and sources(nbformat.read(target, as_version=4)) == sources(student):
            continue  # unchanged: keep its stored outputs
        nbformat.write(student, target)
        print(f"wrote {target.relative_to(ROOT)} (run tools/run_notebooks.py on it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
