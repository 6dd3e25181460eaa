"""Screen a submission's code before it runs, outside the kernel.

The first line of defence (the guard in the kernel is the second, the
sandbox the third): every code cell the student wrote or changed is parsed
(IPython syntax translated) and refused if it reaches for what a notebook's
answer never needs:

* IPython's execution machinery and history (``get_ipython``, ``In``,
  ``_ih``...), magics and shell commands other than ``%time``/``%timeit``/
  ``%matplotlib``, and cell magics other than ``%%time``/``%%timeit``/
  ``%%capture``;
* the interpreter's hooks and internals: ``sys.settrace``/``setprofile``/
  ``modules``/``meta_path``/``_getframe``..., frames and code objects,
  ``builtins``, ``exec``/``eval``/``compile``/``__import__``/``globals``,
  ``setattr``, ``getattr`` with a computed name, dunder attributes other
  than the everyday ones (``__init__``, ``__name__``...);
* modules that reach the kernel, other processes or other code: ``ctypes``,
  ``gc``, ``inspect``, ``importlib``, ``pickle``, ``subprocess``,
  ``threading``, ``signal``, ``unittest.mock``..., and ``os.system``,
  ``os.fork``, ``os.kill`` and their kind;
* monkeypatching: assigning an attribute of an imported module
  (``np.testing.assert_allclose = ...``);
* defining a comparison or truth method (``__eq__``, ``__bool__``...): an
  answer that "equals" whatever a test expects;
* redefining a name the lesson's own code imports or defines and a test
  uses (``np``, a helper the tests call), except by the same import.

Lines identical to a line of the lesson's own code are trusted (a student
may edit the setup cell, which installs the package with ``subprocess``).
The first refused cell and every cell after it are not run; the tests after
it earn nothing, with the reason ``test cell did not run as written
(possible tampering)``.  A name is matched as written, so the screen can be
evaded by code it does not recognise; what it stops is the one-liners.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from .cells import grade_id, is_answer, is_test

__all__ = ["Finding", "Screen"]

_NAMES = {"get_ipython", "__builtins__", "__builtin__", "__import__", "exec", "eval", "compile",
          "globals", "locals", "vars", "breakpoint", "setattr", "delattr", "In", "Out", "_ih", "_oh",
          "_ii", "_iii", "_dh", "__loader__", "__spec__"}
_NAME_PATTERN = re.compile(r"^(_i\d+|_coursework\w*)$")
_MODULES = {"IPython", "ipykernel", "jupyter_client", "jupyter_core", "zmq", "traitlets", "comm",
            "builtins", "__builtin__", "ctypes", "_ctypes", "cffi", "gc", "inspect", "importlib", "imp",
            "runpy", "code", "codeop", "pdb", "bdb", "trace", "linecache", "marshal", "pickle", "_pickle",
            "dill", "cloudpickle", "copyreg", "shelve", "subprocess", "multiprocessing", "concurrent",
            "threading", "_thread", "asyncio", "signal", "pty", "pexpect", "mock", "site", "posix"}
_SUBMODULES = {"unittest.mock", "coursework.grading", "numpy.testing.overrides"}
_SYS = {"modules", "settrace", "setprofile", "monitoring", "_getframe", "_current_frames", "meta_path",
        "path_hooks", "path_importer_cache", "path", "displayhook", "excepthook", "breakpointhook",
        "unraisablehook", "addaudithook"}
_OS = {"system", "popen", "fork", "forkpty", "kill", "killpg", "unshare", "setns", "register_at_fork",
       "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe", "spawnl", "spawnle",
       "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "posix_spawn", "posix_spawnp"}
_ATTRIBUTES = {"tb_frame", "tb_next", "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "f_trace",
               "f_lineno", "gi_frame", "gi_code", "cr_frame", "ag_frame", "co_code", "co_consts",
               "input_transformers_cleanup", "input_transformers_post", "input_transformer_manager",
               "ast_transformers", "set_custom_exc", "custom_exceptions", "CustomTB", "run_cell",
               "run_cell_async", "run_ast_nodes", "run_code", "transform_cell", "user_ns", "user_global_ns",
               "user_module", "history_manager", "register_magic_function", "FunctionType", "CodeType",
               "MethodType", "CellType", "FrameType", "TracebackType", "settrace", "setprofile"}
_DUNDERS_OK = {"__init__", "__name__", "__qualname__", "__doc__", "__version__", "__file__", "__module__",
               "__call__", "__len__", "__iter__", "__next__", "__enter__", "__exit__", "__getitem__",
               "__setitem__", "__repr__", "__str__", "__class__", "__annotations__", "__new__"}
#: Methods whose definition lets an answer "equal" anything a test compares it with.
COMPARISONS = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__contains__",
               "__instancecheck__", "__subclasscheck__", "__array_ufunc__", "__array_function__"}
_MAGICS = {"time", "timeit", "matplotlib"}
_CELL_MAGICS = {"time", "timeit", "capture"}
_WORDS = _NAMES | _MODULES | _SYS | _OS | _ATTRIBUTES | COMPARISONS


@dataclass(frozen=True)
class Finding:
    """A refused cell: its index (from 0), a label and what it reached for."""

    cell: int
    label: str
    what: str


def _python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _imports(tree: ast.AST) -> dict[str, str]:
    """``{bound name: what it is}`` for the import statements of ``tree``."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                found[name] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def _module_bindings(tree: ast.Module) -> set[str]:
    """Names a cell binds in the notebook's namespace."""
    bound: set[str] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            bound.update(n for sub in ast.walk(node) if isinstance(sub, ast.Global) for n in sub.names)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        if not isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            stack.extend(ast.iter_child_nodes(node))
        else:  # := in a comprehension binds in the enclosing scope
            bound.update(n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr))
    return bound


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(_python(source))
    except (SyntaxError, ValueError):
        return None


class _Visitor(ast.NodeVisitor):
    """Collects ``(line, what)`` for one cell."""

    def __init__(self, imports: dict[str, str]) -> None:
        self.imports = imports
        self.found: list[tuple[int, str]] = []

    def flag(self, node: ast.AST, what: str) -> None:
        self.found.append((getattr(node, "lineno", 1), what))

    def _module_of(self, node: ast.AST) -> str | None:
        return self.imports.get(node.id) if isinstance(node, ast.Name) else None

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _NAMES or _NAME_PATTERN.match(node.id):
            self.flag(node, f"uses `{node.id}`")
        if node.id in COMPARISONS and isinstance(node.ctx, ast.Store):
            self.flag(node, f"defines {node.id} (a value that compares as the test expects)")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        module = self._module_of(node.value)
        attr = node.attr
        if module == "sys" and (attr in _SYS or attr in {"stdout", "stderr", "stdin"} and isinstance(node.ctx, ast.Store)):
            self.flag(node, f"uses `sys.{attr}`")
        elif module == "os" and attr in _OS:
            self.flag(node, f"uses `os.{attr}`")
        elif attr in _ATTRIBUTES or (attr.startswith("__") and attr.endswith("__") and attr not in _DUNDERS_OK):
            self.flag(node, f"uses `.{attr}`")
        if isinstance(node.ctx, (ast.Store, ast.Del)) and self._root_import(node):
            self.flag(node, f"assigns `{ast.unparse(node)}` (monkeypatching an imported module)")
        self.generic_visit(node)

    def _root_import(self, node: ast.AST) -> bool:
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id in self.imports

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        self._check_module(node, module)
        for alias in node.names:
            full = f"{module}.{alias.name}"
            if alias.name in _NAMES or alias.name in _ATTRIBUTES or full in _SUBMODULES or (
                module in ("sys", "os") and alias.name in (_SYS | _OS)
            ):
                self.flag(node, f"imports `{alias.name}` from `{module}`")

    def _check_module(self, node: ast.AST, name: str) -> None:
        if name.split(".")[0] in _MODULES or any(name == m or name.startswith(m + ".") for m in _SUBMODULES):
            self.flag(node, f"imports the module `{name}`")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node.value in _WORDS:
            self.flag(node, f"names {node.value!r} in a string")

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.name in COMPARISONS:
            self.flag(node, f"defines {node.name} (a value that compares as the test expects)")
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) >= 2:
            name = node.args[1]
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                self.flag(node, "uses `getattr` with a computed name")
        if self._magic(node):
            for arg in node.args[1:]:
                self.visit(arg)
            return
        self.generic_visit(node)

    def _magic(self, node: ast.Call) -> bool:
        """``get_ipython().run_line_magic('timeit', 'code')``: allowed ones pass
        (their code is screened too), others are flagged."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"):
            return False
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if func.attr == "run_line_magic" and args and args[0] in _MAGICS:
            code = _parse(str(args[1])) if len(args) > 1 and args[0] != "matplotlib" else None
            if code is not None:
                self.visit(code)
            return True
        what = "runs a shell command (!)" if func.attr in ("system", "getoutput") else f"uses the magic %{args[0] if args else '?'}"
        self.flag(node, what)
        return True


class Screen:
    """The screen of one assignment, built once from its source and released
    versions; :meth:`findings` screens a (repaired) submission."""

    def __init__(self, source: Any, released: Any) -> None:
        lesson = [c.source for nb in (source, released) for c in nb.cells
                  if c.cell_type == "code" and not grade_id(c)]
        self.trusted_cells = {_norm(s) for s in lesson}
        self.trusted_lines = {line.strip() for s in lesson for line in s.splitlines() if line.strip()}
        self.lesson_imports: dict[str, str] = {}
        lesson_names: set[str] = set()
        for text in lesson:
            tree = _parse(text)
            if tree is not None:
                self.lesson_imports.update(_imports(tree))
                lesson_names |= {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        answers = set()
        tested: set[str] = set()
        for cell in source.cells:
            tree = _parse(cell.source) if cell.cell_type == "code" else None
            if tree is not None and is_answer(cell):
                answers |= _module_bindings(tree)
            elif tree is not None and is_test(cell):
                tested |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        self.protected = ((lesson_names | set(self.lesson_imports)) & tested) - answers

    def findings(self, nb: Any) -> list[Finding]:
        """The refused cells of ``nb``, in order (empty for an honest notebook)."""
        imports = dict(self.lesson_imports)
        for cell in nb.cells:
            tree = _parse(cell.source) if cell.get("cell_type") == "code" else None
            if tree is not None:
                imports.update(_imports(tree))
        found = []
        for index, cell in enumerate(nb.cells):
            if cell.get("cell_type") != "code" or is_test(cell) or _norm(cell.source) in self.trusted_cells:
                continue
            what = self._check(cell.source, imports)
            if what:
                gid = grade_id(cell)
                label = f"cell {index + 1}" + (f" (answer cell {gid})" if gid else "")
                found.append(Finding(index, label, what))
        return found

    def _check(self, source: str, imports: dict[str, str]) -> str | None:
        lines = source.splitlines()
        body, offset = source, 0
        if source.lstrip().startswith("%%"):
            magic = source.lstrip()[2:].split(None, 1)[0] if source.lstrip()[2:].strip() else ""
            if magic not in _CELL_MAGICS:
                return f"uses the cell magic %%{magic}"
            body, offset = "\n".join(source.lstrip().splitlines()[1:]), 1
        tree = _parse(body)
        if tree is None:
            return None  # a syntax error: the cell will not run either
        visitor = _Visitor(imports)
        visitor.visit(tree)
        for name in sorted(_module_bindings(tree) & self.protected):
            if not _same_import(tree, name, self.lesson_imports):
                visitor.flag(tree.body[0], f"redefines `{name}`, which the lesson defines and a test uses")
        for line, what in visitor.found:
            text = lines[line - 1 + offset].strip() if 0 <= line - 1 + offset < len(lines) else ""
            if text not in self.trusted_lines:
                return what
        return None


def _same_import(tree: ast.Module, name: str, lesson_imports: dict[str, str]) -> bool:
    """True when the cell binds ``name`` only by importing what the lesson imported."""
    imported = _imports(tree)
    others = _module_bindings(ast.Module([n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))], []))
    return imported.get(name) == lesson_imports.get(name) and name not in others


def _norm(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())
