"""Layering of the two packages, read statically (ast) from every file, so nothing is imported.

* the widget kit ``qmlwidgets`` never imports the course package ``qmlcourse``;
* no module reaches into another module's private names (the rules are in :func:`private_uses`);
* no import cycles among the modules of both packages (function-local imports count too: a cycle
  hidden behind a lazy import is still two modules that cannot be understood one at a time).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("qmlwidgets", "qmlcourse")
SELF_NAMES = {"self", "cls"}
# Private members of *third-party* objects that we read on purpose, each with its reason. They are
# couplings to a library's internals (issue 19 lists the plotly ones): keep the list short, pin
# the library tightly, and remove an entry as soon as a public API does the job.
THIRD_PARTY_INTERNALS = {
    "qmlwidgets/widgets/_figure.py fig._layout_obj":
        "plotly FigureWidget: re-sends the current layout when a figure is displayed again",
    "qmlwidgets/widgets/_figure.py fig._data":
        "plotly FigureWidget: re-sends the current data when a figure is displayed again",
    "qmlwidgets/widgets/_snapshot.py fig._data":
        "plotly figure: raw data dicts for the still picture (no base64 typed arrays)",
    "qmlwidgets/widgets/_snapshot.py fig._layout":
        "plotly figure: raw layout dict for the still picture",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> dict[str, Path]:
    files = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            files[module_name(path)] = path
    return files


FILES = source_files()


def is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def is_module(name: str) -> bool:
    return name in FILES


@dataclass(frozen=True)
class Use:
    """``importer`` uses ``name`` of module ``module`` (``name`` None: the module itself)."""
    importer: str
    module: str
    name: str | None
    line: int

    def __str__(self) -> str:
        what = self.module if self.name is None else f"{self.module}.{self.name}"
        return f"{FILES[self.importer].relative_to(ROOT)}:{self.line} uses {what}"


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if FILES[importer].name != "__init__.py":
        base = base[:-1]  # a module's relative imports start from its package
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def uses(importer: str) -> list[Use]:
    """Every module and module-level name ``importer`` takes from our packages: imports (also
    function-local ones) and attributes read from a name bound to one of our modules."""
    tree = ast.parse(FILES[importer].read_text(encoding="utf-8"))
    found: list[Use] = []
    aliases: dict[str, str] = {}  # local name -> our module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in PACKAGES:
                    found.append(Use(importer, a.name, None, node.lineno))
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        aliases[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            mod = _resolve(importer, node)
            if mod.split(".")[0] not in PACKAGES:
                continue
            for a in node.names:
                sub = f"{mod}.{a.name}"
                if is_module(sub):  # `from pkg import submodule`
                    found.append(Use(importer, sub, None, node.lineno))
                    aliases[a.asname or a.name] = sub
                else:
                    found.append(Use(importer, mod, a.name, node.lineno))
    for node in ast.walk(tree):  # `L._as_point` on `from qmlwidgets import landscape as L`
        if isinstance(node, ast.Attribute):
            chain = []
            base = node
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases:
                mod = aliases[base.id]
                for attr in reversed(chain):
                    if is_module(f"{mod}.{attr}"):
                        mod = f"{mod}.{attr}"
                        continue
                    found.append(Use(importer, mod, attr, node.lineno))
                    break
    return sorted(set(found), key=lambda u: (u.line, u.module, u.name or ""))


def private_uses(importer: str) -> list[Use]:
    """The uses that break privacy.

    * A *private module* (a dotted path with a ``_part``, e.g. ``qmlwidgets.engine._compile``) is
      internal to the package that holds it: only modules inside that package (at any depth, its
      ``__init__`` too) may import it or its names, its ``_names`` included. That is what the
      underscore says in Python, and it lets a subpackage split its internals over files
      (``engine/_compile`` used by ``engine/``) without making each helper public API.
    * A *public module*'s ``_names`` belong to that module alone: no other module imports them or
      reads them as attributes (``landscape._as_point`` from ``widgets/landscape.py``). A helper that
      two modules need is a public, documented function.
    """
    bad = []
    for use in uses(importer):
        parts = use.module.split(".")
        private_at = next((i for i, p in enumerate(parts) if is_private(p)), None)
        if private_at is not None:
            owner = ".".join(parts[:private_at])
            if not (importer == owner or importer.startswith(owner + ".")):
                bad.append(use)
        elif use.name is not None and is_private(use.name) and use.module != importer:
            bad.append(use)
    return bad


def foreign_private_attributes(importer: str) -> list[str]:
    """``obj._name`` on an object other than ``self``/``cls`` where ``_name`` is defined nowhere in
    this module (no def, class, assignment or attribute assignment): a private member of a class
    from another module, e.g. ``model._check_data(...)`` in ``train.py`` on a model from ``models.py``.
    """
    tree = ast.parse(FILES[importer].read_text(encoding="utf-8"))
    defined = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
            defined.add(node.attr)
    imported = {a.asname or a.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr) and node.attr not in defined:
            base = node.value
            # a name bound by an import is a module: our modules are checked by private_uses
            if isinstance(base, ast.Name) and base.id not in SELF_NAMES | imported:
                where = f"{FILES[importer].relative_to(ROOT)} {base.id}.{node.attr}"
                if where not in THIRD_PARTY_INTERNALS:
                    found.append(f"{where} (line {node.lineno})")
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the modules of our packages it imports (a package counts as its ``__init__``)."""
    graph: dict[str, set[str]] = {m: set() for m in FILES}
    for importer in FILES:
        for use in uses(importer):
            target = use.module
            while target not in FILES and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in FILES and target != importer:
                graph[importer].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


# ----------------------------------------------------------------------------- the rules
def test_both_packages_are_found():
    assert "qmlwidgets.engine" in FILES and "qmlwidgets.widgets.bloch" in FILES
    assert "qmlcourse.checks" in FILES and "qmlcourse.progress" in FILES


def test_the_kit_never_imports_the_course():
    bad = [str(u) for m in FILES if m.startswith("qmlwidgets")
           for u in uses(m) if u.module.split(".")[0] == "qmlcourse"]
    assert not bad, "qmlwidgets imports qmlcourse:\n" + "\n".join(bad)


def test_no_module_imports_another_modules_private_names():
    bad = [str(u) for m in FILES for u in private_uses(m)]
    assert not bad, "private names used from outside their module or package:\n" + "\n".join(bad)


def test_no_module_reads_a_private_member_defined_in_another_module():
    bad = [hit for m in FILES for hit in foreign_private_attributes(m)]
    assert not bad, "private members of objects from other modules:\n" + "\n".join(bad)


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def third_party_imports(module: str) -> set[str]:
    """Top-level names of the outside packages ``module`` imports (stdlib included)."""
    tree = ast.parse(FILES[module].read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names - set(PACKAGES)


def test_pure_modules_never_import_the_front_end():
    front_end = {"ipywidgets", "plotly", "anywidget", "traitlets"}  # IPython.display is fine: checkers print through it
    bad = {m: sorted(third_party_imports(m) & front_end) for m in FILES
           if not m.startswith("qmlwidgets.widgets")}
    bad = {m: names for m, names in bad.items() if names}
    assert not bad, f"only qmlwidgets.widgets may import the front end: {bad}"


def test_the_kit_imports_only_its_declared_dependencies():
    import sys
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {Requirement(r).name.replace("-", "_").lower() for r in project["dependencies"]}
    declared |= {"traitlets"}  # ipywidgets' own trait library (a dependency of ipywidgets, imported with it)
    course = {Requirement(r).name.replace("-", "_").lower() for r in project["optional-dependencies"]["course"]}
    for m in FILES:
        if m.startswith("qmlwidgets"):
            outside = {n for n in third_party_imports(m) if n not in sys.stdlib_module_names}
            assert outside <= declared, f"{m} imports {sorted(outside - declared)}, not a kit dependency"
    assert not declared & course, "a kit dependency is listed again in the course extra"


# ----------------------------------------------------------------------------- the checker itself
@pytest.fixture
def fake_tree(tmp_path, monkeypatch):
    """A tiny tree with one violation of each kind, to show the rules can fail."""
    files = {
        "qmlwidgets/__init__.py": "",
        "qmlwidgets/a.py": "from qmlwidgets import b as B\nfrom qmlcourse import c\nx = B._helper()\n",
        "qmlwidgets/b.py": "import qmlwidgets.a\ndef _helper(): return 1\n",
        "qmlwidgets/eng/__init__.py": "from ._core import run\n",
        "qmlwidgets/eng/_core.py": "def run(): return 0\ndef _inner(): return 1\n",
        "qmlwidgets/eng/user.py": "from ._core import _inner\n",  # allowed: same package
        "qmlcourse/__init__.py": "",
        "qmlcourse/c.py": "from qmlwidgets.eng._core import run\ndef f(m): return m._secret()\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "FILES", {module_name(p): p for pkg in PACKAGES
                                             for p in sorted((tmp_path / pkg).rglob("*.py"))})

def test_the_rules_catch_each_kind_of_violation(fake_tree):
    assert [u.module for u in uses("qmlwidgets.a") if u.module.startswith("qmlcourse")] == ["qmlcourse.c"]
    assert [(u.module, u.name) for u in private_uses("qmlwidgets.a")] == [("qmlwidgets.b", "_helper")]
    assert private_uses("qmlwidgets.eng.user") == [] and private_uses("qmlwidgets.eng") == []
    assert [(u.module, u.name) for u in private_uses("qmlcourse.c")] == [("qmlwidgets.eng._core", "run")]
    assert [h.split()[1] for h in foreign_private_attributes("qmlcourse.c")] == ["m._secret"]
    assert cycles(import_graph()) == [["qmlwidgets.a", "qmlwidgets.b"]]
