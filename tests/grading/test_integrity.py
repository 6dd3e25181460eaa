"""The test-cell guard and its proofs, in an in-process IPython shell (no
kernel): what the grader sends for a test cell, and what it accepts back."""

from __future__ import annotations

import base64
import contextlib
import io
import json

import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbformat.notebooknode import NotebookNode

from coursework.grading import integrity
from tests.conftest import REPO_ROOT


@pytest.fixture
def shell(tmp_path):
    """A fresh IPython shell with the guard installed (see :class:`_Lazy`)."""
    lazy = _Lazy(tmp_path)
    yield lazy
    if lazy.context is not None:
        lazy.context.close()


class _Lazy:
    """Installs the guard when the test first uses the shell: in the test's
    own phase, whose ``sys.stdout`` stays the same (pytest swaps it between
    phases, which the guard would rightly call tampering)."""

    def __init__(self, tmp_path):
        self.tmp_path, self.sh, self.context = tmp_path, None, None

    def __getattr__(self, name):
        if self.sh is None:
            self.context = _guarded(self.tmp_path)
            self.sh = next(self.context)
        return getattr(self.sh, name)


def _guarded(tmp_path):
    sh = InteractiveShell()
    sh.key, sh.out = integrity.new_key(), io.StringIO()
    with contextlib.redirect_stdout(sh.out):
        roots = integrity.library_roots() + [str(REPO_ROOT / "tests")]  # pytest imported the tests
        key_file = integrity.write_key_file(tmp_path / "guard.json", sh.key, roots=roots)
        result = sh.run_cell(integrity.prologue(key_file), store_history=False)
        assert result.success, result.error_in_exec
        assert not (tmp_path / "guard.json").exists(), "the guard deletes its key file"
        yield sh
    sh.clear_instance()


def _run(shell, code: str):
    """Run a cell; returns (its stdout, the name of its error or None, its result)."""
    start = len(shell.out.getvalue())
    result = shell.run_cell(code)
    error = result.error_in_exec or result.error_before_exec
    shell.last_error = error
    return shell.out.getvalue()[start:], None if error is None else type(error).__name__, result


def _test(shell, source: str) -> integrity.Verdict:
    wrapped = integrity.wrap_test(source, shell.key, "t")
    text, error, _ = _run(shell, wrapped.source)
    outputs = [NotebookNode(output_type="stream", name="stdout", text=text)]
    if error is not None:
        outputs.append(NotebookNode(output_type="error", ename=error, evalue=str(shell.last_error), traceback=[]))
    return integrity.verify(NotebookNode(cell_type="code", outputs=outputs), wrapped, shell.key)


def test_a_passing_and_a_failing_test(shell):
    _run(shell, "def double(x):\n    return 2 * x")
    assert _test(shell, "assert double(2) == 4") == integrity.Verdict("ok")
    assert _test(shell, "assert double(2) == 5, 'no'") == integrity.Verdict("fail")
    assert _test(shell, "assert 1 < double(1) <= 2 != 3") == integrity.Verdict("ok")  # a chain


def test_the_wrapped_code_is_sealed(shell):
    wrapped = integrity.wrap_test("assert False", shell.key, "t")
    call = wrapped.source
    payload = call.split("'")[1]
    forged = base64.b64encode(json.dumps({"body": "pass", "last": None}).encode()).decode()
    _, error, _ = _run(shell, call.replace(payload, forged))
    assert error == "TestCellTampered"


def test_a_transformer_leaves_no_proof(shell):
    _run(shell, "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])")
    verdict = _test(shell, "assert False")
    assert verdict.kind == "tampered" and "no proof" in verdict.detail


@pytest.mark.parametrize(("code", "detail"), [
    ("import sys\nsys.settrace(lambda *a: None)", "sys.settrace was set"),
    ("get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)", "custom exception handler"),
    ("import numpy\nnumpy.testing.assert_allclose = lambda *a, **k: None", "numpy.testing.assert_allclose"),
    ("import builtins\nbuiltins.AssertionError = Warning", "builtins.AssertionError was replaced"),
    ("get_ipython().events.register('pre_run_cell', lambda info: None)", "'pre_run_cell' event"),
    ("class E:\n    def __eq__(self, o):\n        return True\ndef double(x):\n    return E()",
     "defines __eq__ in the notebook"),
])
def test_the_guard_refuses_an_altered_interpreter(shell, code, detail, monkeypatch):
    import builtins
    import sys

    import numpy.testing

    # this test's own process is the "kernel": put back what the code changes
    monkeypatch.setattr(builtins, "AssertionError", AssertionError)
    monkeypatch.setattr(numpy.testing, "assert_allclose", numpy.testing.assert_allclose)
    request_trace = sys.gettrace()
    try:
        _run(shell, code)
        if "E()" not in code:
            _run(shell, "def double(x):\n    return 2 * x")
        verdict = _test(shell, "assert double(2) == 4")
    finally:
        sys.settrace(request_trace)
    assert verdict.kind == "tampered" and detail in verdict.detail, verdict


def test_partial_credit_value_is_kept(shell):
    _, _, result = _run(shell, integrity.wrap_test("x = 1\nx + 0.5", shell.key, "t").source)
    assert result.result == 1.5


def test_proof_lines_are_removed_and_forgeries_ignored(shell):
    wrapped = integrity.wrap_test("print('hello')", shell.key, "t")
    text, _, _ = _run(shell, wrapped.source)
    text = "[coursework-guard] ok " + "0" * 64 + "\n" + text
    cell = NotebookNode(cell_type="code", outputs=[NotebookNode(output_type="stream", name="stdout", text=text)])
    assert integrity.verify(cell, wrapped, shell.key) == integrity.Verdict("ok")
    assert cell.outputs[0].text == "hello\n"
