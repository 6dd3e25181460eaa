"""The package's import graph, read with ``ast`` (no import runs): arrows
run one way (no cycle between modules, imports inside functions counted) and
no private name crosses from one module to another (STYLE.md, "Layout").

A private *module* (``coursework/_kernels.py``) may be imported by name;
a name starting with ``_`` (dunders aside) is its module's own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "coursework"


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _target(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` reads from."""
    if not node.level:
        return node.module or ""
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def read_imports(modules: dict[str, Path]) -> tuple[dict[str, set[str]], list[str]]:
    """``{module: the package's modules it imports}`` and one line per private
    name one module takes from another (``from m import _x``, ``m._x``)."""
    top = PACKAGE.name
    edges: dict[str, set[str]] = {name: set() for name in modules}
    crossings = []
    for name, path in modules.items():
        aliases: dict[str, str] = {}  # local name -> package module it is bound to
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == top:
                        edges[name].add(alias.name)
                        if alias.asname:
                            aliases[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                target = _target(name, path.name == "__init__.py", node)
                if target.split(".")[0] != top:
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules:
                        edges[name].add(sub)
                        aliases[alias.asname or alias.name] = sub
                    else:
                        edges[name].add(target)
                        if _private(alias.name):
                            crossings.append(f"{name}:{node.lineno} imports {alias.name} from {target}")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and _private(node.attr)):
                crossings.append(f"{name}:{node.lineno} reads {aliases[node.value.id]}.{node.attr}")
    return edges, crossings


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while not group or group[-1] != v:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def package_modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _cycle_lines(edges: dict[str, set[str]]) -> Iterator[str]:
    for group in cycles(edges):
        yield " <-> ".join(group)


def test_no_import_cycle_between_modules():
    edges, _ = read_imports(package_modules())
    assert list(_cycle_lines(edges)) == []


def test_no_private_name_crosses_modules():
    _, crossings = read_imports(package_modules())
    assert crossings == []


def test_the_reader_sees_both_kinds_of_violation(tmp_path):
    package = tmp_path / "coursework"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from .sub import b\n    return b._hidden\n")
    (package / "sub" / "b.py").write_text("from ..a import _helper, f\nfrom .. import _private_module\n")
    (package / "_private_module.py").write_text("import coursework.sub.b as bee\nx = bee._y\n")
    edges, crossings = read_imports(package_modules(package))
    assert cycles(edges) == [["coursework._private_module", "coursework.a", "coursework.sub.b"]]
    assert crossings == [
        "coursework._private_module:2 reads coursework.sub.b._y",
        "coursework.a:3 reads coursework.sub.b._hidden",
        "coursework.sub.b:1 imports _helper from coursework.a",
    ]


# --------------------------------------------------------------------------
# the rooms (docs/architecture.md): which room may import which

#: Room -> the rooms its modules may import (their own included).  From the
#: top: the command lines; the rooms that read what grading wrote (lms,
#: similarity, site); the self-check; the pipeline and its stages (and the
#: ``coursework.grading`` package, their face); what students get; running
#: one submission (the judge inside); the grader's shared vocabulary (cells,
#: the nbgrader course directory); the package's plumbing.
ROOMS_MAY_IMPORT: dict[str, set[str]] = {
    "commands": {"commands", "after", "selfcheck", "face", "stages", "distribution", "execution", "shared", "plumbing"},
    "after": {"after", "face", "stages", "distribution", "shared", "plumbing"},
    "selfcheck": {"selfcheck", "stages", "distribution", "execution", "shared", "plumbing"},
    "stages": {"stages", "execution", "shared", "plumbing"},
    "face": {"stages", "distribution", "execution", "shared", "plumbing"},
    "distribution": {"distribution", "shared", "plumbing"},
    "execution": {"execution", "shared", "plumbing"},
    "shared": {"shared", "plumbing"},
    "plumbing": {"plumbing"},
}

_STAGES = ("grade", "collect", "assignments", "repair", "score", "report", "feedback", "model")


def room(module: str) -> str:
    """The room of one of the package's modules."""
    parts = module.split(".")[1:]
    first = parts[0] if parts else ""
    if first in ("commands", "__main__"):
        return "commands"
    if first in ("lms", "similarity", "site"):
        return "after"
    if first != "grading":
        return "plumbing"
    rest = parts[1:]
    if not rest:
        return "face"
    if rest[0] in ("execution", "distribution"):
        return rest[0]
    if rest[0] in ("check", "in_notebook"):
        return "selfcheck"
    if rest[0] in _STAGES:
        return "stages"
    return "shared"  # cells, _course_dir


def arrows_against_rooms(edges: dict[str, set[str]]) -> list[str]:
    """One line per import that goes against :data:`ROOMS_MAY_IMPORT`."""
    wrong = []
    for module, targets in sorted(edges.items()):
        for target in sorted(targets):
            if target in edges and room(target) not in ROOMS_MAY_IMPORT[room(module)]:
                wrong.append(f"{module} ({room(module)}) imports {target} ({room(target)})")
    return wrong


def test_every_module_is_in_a_known_room():
    assert {room(m) for m in package_modules()} == set(ROOMS_MAY_IMPORT)


def test_the_rooms_arrows_point_one_way():
    edges, _ = read_imports(package_modules())
    assert arrows_against_rooms(edges) == []


def test_the_rooms_check_sees_an_arrow_pointing_back(tmp_path):
    package = tmp_path / "coursework"
    for folder in ("commands", "grading/execution"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "grading" / "__init__.py").write_text("")
    (package / "commands" / "grade.py").write_text("from ..grading.grade import grade_submissions\n")
    (package / "grading" / "grade.py").write_text("from ..commands import grade\nfrom .execution import run\n")
    (package / "grading" / "cells.py").write_text("")
    (package / "grading" / "execution" / "run.py").write_text("from .. import cells\nfrom ..score import explain\n")
    (package / "grading" / "score.py").write_text("")
    (package / "config.py").write_text("from .grading import cells\n")
    edges, _ = read_imports(package_modules(package))
    assert arrows_against_rooms(edges) == [
        "coursework.config (plumbing) imports coursework.grading.cells (shared)",
        "coursework.grading.execution.run (execution) imports coursework.grading.score (stages)",
        "coursework.grading.grade (stages) imports coursework.commands.grade (commands)",
    ]
