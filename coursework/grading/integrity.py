"""Test cells that cannot be switched off: the grader's side, outside the kernel.

The kernel runs the guard (:mod:`coursework.grading._guard`).  Here:

* :func:`prologue` is the first code a fresh kernel runs (before any cell of
  the submission): it loads the guard from the read-only package and hands it
  the key file written by :func:`write_key_file`;
* :func:`wrap_test` turns a test cell into the one-line call the kernel
  receives: its code (IPython syntax translated, every comparison routed
  through the guard's check, the last expression kept for nbgrader's partial
  credit) base64-encoded, a fresh nonce, and an HMAC of both;
* :func:`verify` reads what came back: a test cell counts only with exactly
  one valid proof line (``ok`` or ``fail``) for its nonce; the proof lines
  are removed from the graded notebook.  No valid proof (the cell was
  replaced, its output suppressed or forged), or the guard's own
  ``TestCellTampered`` error, means the cell did not run as written.
"""

from __future__ import annotations

import ast
import base64
import hmac
import json
import os
import re
import secrets
import site
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._kernels import package_root

__all__ = ["TAMPERED", "TAMPERING_REASON", "Verdict", "Wrapped", "new_key", "library_roots",
           "write_key_file", "prologue", "wrap_test", "verify", "tampered_output"]

GUARD_FILE = Path(__file__).with_name("_guard.py")
#: ``ename`` of the error the guard raises, and of the error output a refused test cell gets.
TAMPERED = "TestCellTampered"
#: The gradebook's reason for a test that earned nothing because of tampering.
TAMPERING_REASON = "test cell did not run as written (possible tampering)"
_PROOF = re.compile(r"\n?\[coursework-guard\] (ok|fail) ([0-9a-f]{64})\n")
_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
        ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}


@dataclass(frozen=True)
class Wrapped:
    """A test cell as sent: the call's ``source`` and its ``nonce``."""

    source: str
    nonce: str


@dataclass(frozen=True)
class Verdict:
    """``kind``: ``"ok"`` or ``"fail"`` (the test ran as written and passed or
    raised), or ``"tampered"`` (``detail`` says why)."""

    kind: str
    detail: str = ""


def _digest(key: bytes, *parts: bytes) -> str:
    return hmac.digest(key, b"\0".join(parts), "sha256").hex()


def new_key() -> bytes:
    return secrets.token_bytes(32)


def library_roots() -> list[str]:
    """Folders whose code the guard trusts: the Python environment (its
    prefixes and site-packages folders, the user's site-packages), the
    ``PYTHONPATH`` folders the grader set, and the course package; all
    read-only in the sandbox, or not there at all."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots.update(site.getsitepackages() if hasattr(site, "getsitepackages") else [])
    if site.ENABLE_USER_SITE:
        roots.add(site.getusersitepackages())
    roots.update(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if os.path.isabs(p))
    root = package_root()
    roots.add(str(root / "coursework") if root else str(Path(__file__).resolve().parents[1]))
    return sorted(roots)


def write_key_file(path: Path, key: bytes, uid: int | None = None, roots: list[str] | None = None) -> Path:
    """The guard's configuration (the key, and the folders whose code it
    trusts: :func:`library_roots` by default), readable by the kernel's uid
    only; the guard deletes it before the submission's first cell."""
    path.write_text(json.dumps({"key": key.hex(), "roots": library_roots() if roots is None else roots}))
    os.chmod(path, 0o600)
    if uid is not None:
        os.chown(path, uid, uid)
    return path


def prologue(key_file: Path) -> str:
    """The code that installs the guard in a fresh kernel."""
    return (
        "def _coursework_boot():\n"
        f"    path = {str(GUARD_FILE)!r}\n"
        "    namespace = {'__name__': '_coursework_guard', '__file__': path}\n"
        "    with open(path, encoding='utf-8') as fh:\n"
        "        exec(compile(fh.read(), path, 'exec'), namespace)\n"
        f"    namespace['install'](get_ipython(), {str(key_file)!r})\n"
        "_coursework_boot()\n"
        "del _coursework_boot\n"
    )


class _RouteComparisons(ast.NodeTransformer):
    """``a == b`` -> ``_coursework_compare(a, ('==',), (lambda: b,))``.

    Comparisons directly in a class body stay (a lambda there would not see
    the class's names), as do those whose right side assigns (``:=``) or
    awaits."""

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        node.body = [self.visit(n) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) else n
                     for n in node.body]
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        risky = (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)
        if any(isinstance(n, risky) for c in node.comparators for n in ast.walk(c)):
            return node
        no_args = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
        ops = ast.Tuple([ast.Constant(_OPS[type(op)]) for op in node.ops], ast.Load())
        thunks = ast.Tuple([ast.Lambda(no_args, c) for c in node.comparators], ast.Load())
        return ast.copy_location(ast.Call(ast.Name("_coursework_compare", ast.Load()), [node.left, ops, thunks], []),
                                 node)


def _python(source: str) -> str:
    """IPython syntax (magics, ``!`` commands) translated to Python."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def wrap_test(source: str, key: bytes, label: str) -> Wrapped | None:
    """The call the kernel receives for a test cell, or None when the cell
    is not valid Python (it is then sent as it is, and fails)."""
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return None
    tree = ast.fix_missing_locations(_RouteComparisons().visit(tree))
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = ast.unparse(tree.body.pop().value)
    payload = json.dumps({"body": ast.unparse(tree), "last": last}).encode()
    nonce = secrets.token_hex(16)
    mac = _digest(key, b"run", nonce.encode(), payload)
    encoded = base64.b64encode(payload).decode()
    label = re.sub(r"[^\w.-]", "_", label)[:80]
    return Wrapped(f"_coursework_test({encoded!r}, {nonce!r}, {mac!r}, {label!r})", nonce)


def _strip_proofs(cell: Any) -> list[tuple[str, str]]:
    """Remove the proof lines from the cell's stdout; return them."""
    found: list[tuple[str, str]] = []
    kept = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            found += _PROOF.findall(output.get("text", ""))
            output["text"] = _PROOF.sub("", output.get("text", ""))
            if not output["text"]:
                continue
        kept.append(output)
    cell["outputs"] = kept
    return found


def verify(cell: Any, wrapped: Wrapped, key: bytes) -> Verdict:
    """Check the outputs of an executed test cell (proof lines removed)."""
    proofs = _strip_proofs(cell)
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    for error in errors:
        if error.get("ename") == TAMPERED:
            return Verdict("tampered", str(error.get("evalue", "")) or "the guard refused the cell")
    valid = [kind for kind, digest in proofs
             if hmac.compare_digest(digest, _digest(key, kind.encode(), wrapped.nonce.encode()))]
    if len(valid) != 1:
        why = "no proof that it ran came back" if not valid else "its proof came back twice"
        return Verdict("tampered", f"the test cell's code did not run as sent ({why})")
    if valid[0] == "ok" and errors:
        return Verdict("fail")
    return Verdict(valid[0])


def tampered_output(detail: str = TAMPERING_REASON) -> Any:
    """The error output a refused test cell gets (nbgrader gives it 0)."""
    from nbformat.notebooknode import NotebookNode

    return NotebookNode(output_type="error", ename=TAMPERED, evalue=detail,
                        traceback=[f"{TAMPERED}: {detail}"])
