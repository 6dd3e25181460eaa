"""The two nbgrader preprocessors of the autograde worker (it needs nbgrader).

* :class:`GradingExecute` replaces nbgrader's ``Execute``:

  - when the kernel dies (``os._exit()``, a segfault, the memory limit) or
    stops responding (a cell that timed out ignores the interrupt), the cell
    responsible gets an error output, every later code cell a "not run"
    error output (a test cell without output would otherwise earn full
    marks) and grading goes on, so the exercises before that cell keep their
    points (nbgrader alone would lose the whole submission);
  - it boots the test-cell guard in the fresh kernel and sends each test
    cell through it (:mod:`coursework.grading.integrity`); a test cell
    without a valid proof, and every test cell after it, gets the error
    output ``TestCellTampered`` and scores 0;
  - cells from ``untrusted_from`` on (refused by the static screen) are not
    run: the test cells among them score 0 the same way;
  - it records the kernel's process id and the running cell in
    ``progress_dir`` (for the per-notebook time limit) and its findings in
    :data:`FINDINGS` (for the worker's report).

* :class:`LimitOutputSize` runs after nbgrader's ``LimitOutput`` (which
  limits the number of *lines*): it truncates any single output longer than
  ``max_chars`` characters, so a cell printing megabytes on one line does not
  bloat the graded notebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Integer, Unicode

from . import integrity
from .cells import KERNEL_DIED, KERNEL_DIED_MESSAGE, MEMORY, NOT_RUN, REFUSED, TIMEOUT, UNRESPONSIVE_MESSAGE
from .cells import error_output, grade_id, is_answer, is_test

__all__ = ["FINDINGS", "GradingExecute", "LimitOutputSize"]

#: What the last :class:`GradingExecute` found: ``tampering`` [(cell, detail)],
#: ``memory_exceeded_cell`` and ``peak_memory`` (bytes).
FINDINGS: dict[str, Any] = {}


def _label(cell: NotebookNode, index: int) -> str:
    """``"cell 7 (answer cell nb02-softmax)"``: cells count from 1, markdown included."""
    return f"cell {index + 1}" + (f" (answer cell {grade_id(cell)})" if is_answer(cell) else "")


class GradingExecute(Execute):
    """nbgrader's ``Execute`` with the guard, the limits and dead kernels handled."""

    progress_dir = Unicode("", help="Folder for kernel.pid and cell (index of the running cell).").tag(config=True)
    guard = Bool(True, help="Send test cells through the in-kernel guard.").tag(config=True)
    key_file = Unicode("", help="Where the guard's key file is written (the kernel's runtime folder).").tag(
        config=True
    )
    kernel_uid = Integer(-1, help="The sandboxed kernel's uid when grading as root (-1: none).").tag(config=True)
    untrusted_from = Integer(-1, help="Index of the first cell refused by the screen (-1: none).").tag(config=True)
    untrusted_reason = Unicode("", help="Why that cell was refused.").tag(config=True)
    memory_text = Unicode("", help="The memory limit in words, e.g. '3 GB'.").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # nbgrader's Execute passes AsyncKernelManager as an argument, which beats configuration
        from ._kernel_manager import GradingKernelManager

        self.kernel_manager_class = GradingKernelManager

    def _write_progress(self, name: str, value: Any) -> None:
        if self.progress_dir:
            try:
                (Path(self.progress_dir) / name).write_text(f"{value}\n")
            except OSError:
                pass

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        self._stopped: tuple[str, str] | None = None  # (ename for test cells, evalue for the others)
        self._key = integrity.new_key()
        FINDINGS.clear()
        FINDINGS.update(tampering=[], memory_exceeded_cell=None, peak_memory=0)
        return super().preprocess(nb, resources, km)

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        await Execute.async_start_new_kernel(self, **kwargs)
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        if pid:
            self._write_progress("kernel.pid", pid)

    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_start_new_kernel_client(self) -> Any:
        kc = await Execute.async_start_new_kernel_client(self)
        if self.guard:
            uid = None if self.kernel_uid < 0 else self.kernel_uid
            key_file = integrity.write_key_file(Path(self.key_file), self._key, uid)
            msg_id = kc.execute(integrity.prologue(key_file), silent=True, store_history=False)
            reply = await self.async_wait_for_reply(msg_id)
            content = (reply or {}).get("content", {})
            if content.get("status") != "ok":
                why = f"{content.get('ename', 'no reply')}: {content.get('evalue', '')}"
                raise RuntimeError(f"the test-cell guard did not start in the kernel ({why})")
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if self._stopped is None and index == self.untrusted_from:
            self._refuse(index, self.untrusted_reason)
            cell.outputs = [error_output(REFUSED, self.untrusted_reason)]
            return cell, resources
        if self._stopped is not None:
            test_ename, evalue = self._stopped
            if is_test(cell) and test_ename == integrity.TAMPERED:
                cell.outputs = [integrity.tampered_output()]
            else:
                cell.outputs = [error_output(NOT_RUN, evalue)]
            return cell, resources
        self._write_progress("cell", index)
        if self.guard and is_test(cell):
            self._run_test(cell, resources, index)
        else:
            self._run(cell, resources, index)
        return cell, resources

    def _refuse(self, index: int, detail: str) -> None:
        FINDINGS["tampering"].append((index, detail))
        self._stopped = (integrity.TAMPERED, "not run: a cell before it did not run as written (possible tampering)")

    def _run_test(self, cell: NotebookNode, resources: Any, index: int) -> None:
        original = cell.source
        wrapped = integrity.wrap_test(original, self._key, grade_id(cell) or f"cell-{index + 1}")
        if wrapped is not None:
            cell.source = wrapped.source
        try:
            alive = self._run(cell, resources, index)
        finally:
            cell.source = original
        if not alive or wrapped is None:
            return
        verdict = integrity.verify(cell, wrapped, self._key)
        if verdict.kind == "tampered":
            self._refuse(index, verdict.detail)
            cell.outputs = [integrity.tampered_output()]

    def _run(self, cell: NotebookNode, resources: Any, index: int) -> bool:
        """Execute one code cell; False when the kernel is gone (or stuck)."""
        try:
            super().preprocess_cell(cell, resources, index)
            return True
        except DeadKernelError:
            self._kernel_gone(cell, index, KERNEL_DIED_MESSAGE)
        except CellTimeoutError:
            # With error_on_timeout set, a cell that runs too long is
            # interrupted and gets an error output; this exception means the
            # kernel still did not answer after the interrupt: it died
            # (before nbclient's liveness check noticed) or it ignores SIGINT
            # (or is stuck in C code).  Either way it will run nothing else.
            if self._kernel_exited():
                self._kernel_gone(cell, index, KERNEL_DIED_MESSAGE)
            else:
                cell.outputs.append(error_output(TIMEOUT, UNRESPONSIVE_MESSAGE))
                self._stopped = ("", f"not run: the kernel stopped responding in {_label(cell, index)}")
        finally:
            FINDINGS["peak_memory"] = max(FINDINGS.get("peak_memory", 0), getattr(self.km, "peak_memory", 0))
        return False

    def _kernel_gone(self, cell: NotebookNode, index: int, message: str) -> None:
        if getattr(self.km, "memory_exceeded", None) is not None:
            cell.outputs.append(error_output(MEMORY, f"memory limit of {self.memory_text} exceeded"))
            FINDINGS["memory_exceeded_cell"] = index
            self._stopped = ("", f"not run: memory limit of {self.memory_text} exceeded in {_label(cell, index)}")
        else:
            cell.outputs.append(error_output(KERNEL_DIED, message))
            self._stopped = ("", f"not run: the kernel died in {_label(cell, index)}")

    def _kernel_exited(self) -> bool:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        try:
            return process is not None and process.poll() is not None
        except Exception:
            return False


class LimitOutputSize(NbGraderPreprocessor):
    """Truncate every text output to ``max_chars`` characters and drop
    binary outputs (images) larger than ``max_binary_chars``."""

    max_chars = Integer(20_000, help="Longest text output kept, in characters.").tag(config=True)
    max_binary_chars = Integer(
        2_000_000, help="Largest base64 image or other binary output kept, in characters."
    ).tag(config=True)

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        return text[: self.max_chars] + f"\n... Output truncated ({len(text):,} characters) ...\n"

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if cell.cell_type != "code":
            return cell, resources
        for output in cell.outputs:
            if output.output_type == "stream":
                output.text = self._cut(output.text)
            elif output.output_type == "error":
                output.evalue = self._cut(output.evalue)
                output.traceback = [self._cut(line) for line in output.traceback]
            elif "data" in output:
                for mime, value in list(output.data.items()):
                    if not isinstance(value, str):
                        continue  # JSON outputs
                    if mime.startswith("text/") or mime in ("application/javascript",):
                        output.data[mime] = self._cut(value)
                    elif len(value) > self.max_binary_chars:
                        del output.data[mime]
                        output.data.setdefault("text/plain", f"[{mime} output of {len(value):,} characters removed]")
        return cell, resources
