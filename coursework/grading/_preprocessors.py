"""Two nbgrader preprocessors that keep one bad submission from breaking a
batch.  Imported only by the autograde worker (it needs nbgrader).

* :class:`GradingExecute` replaces nbgrader's ``Execute``.  When the kernel
  dies (``os._exit()``, a segfault, the OOM killer), or stops responding
  (a cell that timed out ignores the interrupt), nbgrader's own
  preprocessor raises ``DeadKernelError`` or ``CellTimeoutError`` and the
  whole submission is lost with no grade.  Here the cell responsible gets
  an error output, every later code cell gets a "not run" error output (a
  test cell without any output would otherwise earn full marks) and
  grading goes on, so the exercises before that cell keep their points.  It also records the
  kernel's process id and the running cell in ``progress_dir`` so that the
  parent can kill the kernel and say where it was stuck when the
  per-notebook time limit runs out.
* :class:`LimitOutputSize` runs after nbgrader's ``LimitOutput`` (which
  limits the number of *lines*): it truncates any single output longer than
  ``max_chars`` characters, so a cell printing megabytes on one line does
  not bloat the graded notebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer, Unicode

from ._submission import (
    KERNEL_DIED,
    KERNEL_DIED_MESSAGE,
    NOT_RUN,
    TIMEOUT,
    UNRESPONSIVE_MESSAGE,
)

__all__ = ["GradingExecute", "LimitOutputSize"]


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GradingExecute(Execute):
    """nbgrader's ``Execute`` that survives a dead kernel (see module doc)."""

    progress_dir = Unicode(
        "", help="Folder where kernel.pid and cell (index of the running cell) are written."
    ).tag(config=True)

    def _write_progress(self, name: str, value: Any) -> None:
        if self.progress_dir:
            try:
                (Path(self.progress_dir) / name).write_text(f"{value}\n")
            except OSError:
                pass

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        await super().async_start_new_kernel(**kwargs)
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        if pid:
            self._write_progress("kernel.pid", pid)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        self._stopped: str | None = None  # why the remaining cells are not run
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if self._stopped is not None:
            cell.outputs = [_error_output(NOT_RUN, self._stopped)]
            return cell, resources
        self._write_progress("cell", index)
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            cell.outputs.append(_error_output(KERNEL_DIED, KERNEL_DIED_MESSAGE))
            self._stopped = f"not run: the kernel died in cell {index + 1}"
        except CellTimeoutError:
            # With error_on_timeout set, a cell that runs too long is
            # interrupted and gets an error output; this exception means the
            # kernel still did not answer after the interrupt: it died
            # (before nbclient's liveness check noticed) or it ignores SIGINT
            # (or is stuck in C code).  Either way it will run nothing else.
            if self._kernel_exited():
                cell.outputs.append(_error_output(KERNEL_DIED, KERNEL_DIED_MESSAGE))
                self._stopped = f"not run: the kernel died in cell {index + 1}"
            else:
                cell.outputs.append(_error_output(TIMEOUT, UNRESPONSIVE_MESSAGE))
                self._stopped = f"not run: the kernel stopped responding in cell {index + 1}"
        return cell, resources

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
                        output.data.setdefault(
                            "text/plain", f"[{mime} output of {len(value):,} characters removed]"
                        )
        return cell, resources
