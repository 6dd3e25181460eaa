"""What a check may take from the course itself, and what it must ask the kernel.

A test cell names three kinds of things: libraries (``np``, ``keras``),
the lesson's own helpers and constants (``sigmoid64``, ``INPUTS``), and the
student's answers (``softmax``, ``w_hand``) or the lesson's data as the
student's kernel holds it (``x_train``, ``history``).  The judge takes the
first two from the *released* notebook's lesson cells, which the grader
holds (the student's copy of a lesson cell may have been edited): every
import statement, every top-level ``def``/``class``, and every constant whose
value is pure (literals, NumPy and a few builtins).  A name bound anywhere
else in the notebook (an answer cell, a loop, a second assignment) is not
taken: its value depends on the run.  Everything the check needs beyond
that is asked of the kernel as evidence.

Only what a check uses is built, so a check of plain NumPy never imports
Keras.
"""

from __future__ import annotations

import ast
import builtins
import symtable
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TrustedContext", "free_names", "bound_names", "lesson_context"]

_PURE_CALLS = {"abs", "bool", "dict", "float", "int", "len", "list", "max", "min", "range", "round",
               "set", "sorted", "str", "sum", "tuple", "zip", "enumerate", "reversed"}
_PURE_MODULES = {"numpy", "math"}


def _parse(source: str) -> ast.Module | None:
    """A cell's code without IPython's ``%magic`` and ``!shell`` lines."""
    lines = [line if not line.lstrip().startswith(("%", "!")) else "" for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def bound_names(tree: ast.AST) -> set[str]:
    """Every name the code binds, at any depth (assignments, defs, imports,
    loop and ``with`` targets, arguments, comprehension variables)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def free_names(tree: ast.AST) -> set[str]:
    """Names the code reads from its global namespace without binding them
    there (builtins left out), scope by scope: a class attribute or a
    function's parameter of the same name does not bind it (Python's own
    :mod:`symtable` decides)."""
    top = symtable.symtable(ast.unparse(tree), "<check>", "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    names: set[str] = set()
    tables = [top]
    while tables:
        table = tables.pop()
        names |= {s.get_name() for s in table.get_symbols() if s.is_referenced() and s.is_global()}
        tables.extend(table.get_children())
    return names - bound - set(dir(builtins))


def _top_bindings(tree: ast.Module) -> Iterable[tuple[str, ast.stmt]]:
    """(name, statement) for each name a cell binds outside functions."""
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield stmt.name, stmt
        else:
            for name in bound_names(ast.Module(body=[stmt], type_ignores=[])):
                if not (isinstance(stmt, (ast.Import, ast.ImportFrom))):
                    yield name, stmt


def _imports(node: ast.AST) -> Iterable[ast.stmt]:
    """Import statements outside function and class bodies, in order."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.expr)):
            yield from _imports(child)


@dataclass
class TrustedContext:
    """Imports, helpers and constants of the lesson, by the name they bind."""

    imports: dict[str, ast.stmt] = field(default_factory=dict)
    definitions: dict[str, ast.stmt] = field(default_factory=dict)

    def needed(self, names: set[str]) -> set[str]:
        """``names`` and, transitively, what the trusted definitions among them read."""
        needed, todo = set(), set(names)
        while todo:
            name = todo.pop()
            if name in needed:
                continue
            needed.add(name)
            if name in self.definitions:
                todo |= free_names(ast.Module(body=[self.definitions[name]], type_ignores=[]))
        return needed

    def preload(self, sources: Iterable[str]) -> None:
        """Import, ahead of time, the libraries the test cells in ``sources``
        will need (Keras takes seconds: the judge does it while the kernel
        runs the lesson)."""
        names: set[str] = set()
        for source in sources:
            tree = _parse(source)
            names |= free_names(tree) if tree is not None else set()
        scratch: dict[str, Any] = {}
        for name in sorted(self.needed(names) & set(self.imports)):
            _run(self.imports[name], scratch)

    def build(self, names: set[str], namespace: dict[str, Any]) -> set[str]:
        """Bind the trusted ones of ``names`` (and what they need) in
        ``namespace``; returns the names left for the kernel to answer."""
        needed = self.needed(names)
        done: set[int] = set()
        for name in sorted(needed & set(self.imports)):
            stmt = self.imports[name]
            if id(stmt) not in done:
                done.add(id(stmt))
                _run(stmt, namespace)
        for name, stmt in self.definitions.items():  # in the notebook's order
            if name in needed:
                _run(stmt, namespace)
        return {n for n in needed if n not in namespace and n not in self.imports and n not in self.definitions}


def _run(stmt: ast.stmt, namespace: dict[str, Any]) -> None:
    code = compile(ast.Module(body=[stmt], type_ignores=[]), "<lesson>", "exec")
    try:
        exec(code, namespace)
    except Exception:  # an import the judge can't make (google.colab): the name stays unbound
        pass


def _pure(node: ast.AST, trusted: set[str], modules: dict[str, str]) -> bool:
    """An expression of literals, trusted names, NumPy and a few builtins."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in trusted and sub.id not in _PURE_CALLS:
            return False
        if isinstance(sub, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
            return False
        if isinstance(sub, ast.Call):
            root = sub.func
            while isinstance(root, ast.Attribute):
                root = root.value
            if not isinstance(root, ast.Name):
                return False
            if root.id not in _PURE_CALLS and modules.get(root.id) not in _PURE_MODULES:
                return False
    return True


def lesson_context(lesson_sources: Iterable[str], other_sources: Iterable[str]) -> TrustedContext:
    """The trusted part of a notebook: ``lesson_sources`` are its lesson code
    cells (from the released notebook), ``other_sources`` its answer and test
    cells (whose bindings make a name untrusted)."""
    context = TrustedContext()
    modules: dict[str, str] = {}
    candidates: dict[str, list[ast.stmt]] = {}
    for source in lesson_sources:
        tree = _parse(source)
        if tree is None:
            continue
        for stmt in _imports(tree):
            for alias in stmt.names:  # type: ignore[attr-defined]
                name = (alias.asname or alias.name).split(".")[0]
                context.imports[name] = stmt
                if isinstance(stmt, ast.Import):
                    modules[name] = alias.name.split(".")[0] if alias.asname is None else alias.name
        for name, stmt in _top_bindings(tree):
            candidates.setdefault(name, []).append(stmt)
    untrusted = set()
    for source in other_sources:
        tree = _parse(source)
        untrusted |= bound_names(tree) if tree is not None else set()
    trusted = set(context.imports)
    for name, stmts in candidates.items():  # in the notebook's order
        if name in untrusted or name in context.imports or len(stmts) != 1:
            continue
        stmt = stmts[0]
        simple = isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) or (simple and _pure(stmt.value, trusted, modules)):
            context.definitions[name] = stmt
            trusted.add(name)
    return context
