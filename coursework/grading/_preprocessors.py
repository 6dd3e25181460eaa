"""The two nbgrader preprocessors of the autograde worker (it needs nbgrader).

* :class:`GradingExecute` replaces nbgrader's ``Execute``:

  - lesson and answer cells run in the student's (sandboxed) kernel, as in
    nbgrader; **test cells never do**: the judge runs each one in its own
    process (:mod:`coursework.grading.judge`), asking the kernel for
    evidence (values, calls of the student's functions) through probes,
    and the cell gets what the student's code printed during those calls
    (as if the cell had run in the kernel: text on stderr still costs the
    cell its points, nbgrader's rule), then the judge's ``print`` output,
    and an error output when a check failed.  nbgrader then scores the cell
    from those outputs, which no code in the kernel wrote;
  - when the kernel dies (``os._exit()``, a segfault, the memory limit) or
    stops responding (a cell that timed out ignores the interrupt), the cell
    responsible gets an error output, every later code cell a "not run"
    error output and grading goes on, so the exercises before that cell
    keep their points (nbgrader alone would lose the whole submission);
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
from traitlets import Integer, Unicode

from .cells import KERNEL_DIED, KERNEL_DIED_MESSAGE, MEMORY, NOT_RUN, TIMEOUT, UNRESPONSIVE_MESSAGE
from .cells import error_output, grade_id, is_answer, is_test
from .judge.kernel_probe import KernelProbe
from .judge.session import JudgeFailed, JudgeSession

__all__ = ["FINDINGS", "GradingExecute", "LimitOutputSize"]

#: The error output's text for a cell that called ``exit()``.
EXIT_MESSAGE = "the cell called exit() (or quit()), which stops the kernel"
#: What the last :class:`GradingExecute` found: ``memory_exceeded_cell`` and
#: ``peak_memory`` (bytes).
FINDINGS: dict[str, Any] = {}


def _label(cell: NotebookNode, index: int) -> str:
    """``"cell 7 (answer cell nb02-softmax)"``: cells count from 1, markdown included."""
    return f"cell {index + 1}" + (f" (answer cell {grade_id(cell)})" if is_answer(cell) else "")


class GradingExecute(Execute):
    """nbgrader's ``Execute`` with the judge, the limits and dead kernels handled."""

    progress_dir = Unicode("", help="Folder for kernel.pid and cell (index of the running cell).").tag(config=True)
    spec_file = Unicode("", help="The WorkerSpec JSON of this submission (sandbox, limits, judge context).").tag(
        config=True
    )
    memory_text = Unicode("", help="The memory limit in words, e.g. '3 GB'.").tag(config=True)
    judge_uid = Integer(-1, help="The judge's uid when grading as root (-1: none).").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # nbgrader's Execute passes AsyncKernelManager as an argument, which beats configuration
        from ._kernel_manager import GradingKernelManager

        self.kernel_manager_class = GradingKernelManager
        self._asked_exit = False

    def on_cell_executed(self, **kwargs: Any) -> None:
        """nbgrader's hook (it records a timeout's error), then: ``exit()`` in
        a cell asks the kernel to stop (ipykernel stops 0.1 s later): note it,
        so the cells after it are "not run" every time."""
        super().on_cell_executed(**kwargs)
        payload = ((kwargs.get("execute_reply") or {}).get("content") or {}).get("payload") or []
        self._asked_exit = any(isinstance(p, dict) and p.get("source") == "ask_exit" and not p.get("keepkernel")
                               for p in payload)

    def _write_progress(self, name: str, value: Any) -> None:
        if self.progress_dir:
            try:
                (Path(self.progress_dir) / name).write_text(f"{value}\n")
            except OSError:
                pass

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        from .judge.session import start_judge

        self._stopped: str | None = None  # evalue of the "not run" outputs once the kernel is gone
        FINDINGS.clear()
        FINDINGS.update(memory_exceeded_cell=None, peak_memory=0)
        self._judge: JudgeSession | None = start_judge(self.spec_file, self.judge_uid)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._judge.close()

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        await Execute.async_start_new_kernel(self, **kwargs)
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        if pid:
            self._write_progress("kernel.pid", pid)

    start_new_kernel = run_sync(async_start_new_kernel)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if self._stopped is not None:
            cell.outputs = [error_output(NOT_RUN, self._stopped)]
            return cell, resources
        self._write_progress("cell", index)
        if is_test(cell):
            self._judge_test(cell, index)
        else:
            self._run(cell, resources, index)
        return cell, resources

    def _judge_test(self, cell: NotebookNode, index: int) -> None:
        """Run a test cell in the judge, with the kernel answering its probes."""
        from nbformat.v4 import new_output

        probe = KernelProbe(self, self.spec_file)
        try:
            done = self._judge.test(cell.source, probe.ask)  # type: ignore[union-attr]
        except JudgeFailed as exc:
            done = {"status": "error", "ename": "JudgeFailed", "evalue": f"the grader's judge failed: {exc}"}
        cell.outputs = [new_output("stream", name=name if name in ("stdout", "stderr") else "stdout", text=text)
                        for name, text in probe.streams]  # what the student's code printed, as in the kernel
        cell.execution_count = None
        if done.get("stdout"):
            cell.outputs.append(new_output("stream", name="stdout", text=str(done["stdout"])))
        if done.get("status") != "ok":
            cell.outputs.append(error_output(str(done.get("ename") or "Error"), str(done.get("evalue") or "")))
        if probe.gone is not None:
            self._kernel_gone(cell, index, probe.gone) if probe.gone != "unresponsive" else self._unresponsive(
                cell, index)

    def _run(self, cell: NotebookNode, resources: Any, index: int) -> bool:
        """Execute one code cell; False when the kernel is gone (or stuck)."""
        try:
            super().preprocess_cell(cell, resources, index)
            if self._asked_exit:
                self._kernel_gone(cell, index, EXIT_MESSAGE)
                return False
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
                self._unresponsive(cell, index)
        finally:
            self.note_memory()
        return False

    def note_memory(self) -> None:
        FINDINGS["peak_memory"] = max(FINDINGS.get("peak_memory", 0), getattr(self.km, "peak_memory", 0))

    def _unresponsive(self, cell: NotebookNode, index: int) -> None:
        cell.outputs.append(error_output(TIMEOUT, UNRESPONSIVE_MESSAGE))
        self._stopped = f"not run: the kernel stopped responding in {_label(cell, index)}"

    def _kernel_gone(self, cell: NotebookNode, index: int, message: str) -> None:
        if getattr(self.km, "memory_exceeded", None) is not None:
            cell.outputs.append(error_output(MEMORY, f"memory limit of {self.memory_text} exceeded"))
            FINDINGS["memory_exceeded_cell"] = index
            self._stopped = f"not run: memory limit of {self.memory_text} exceeded in {_label(cell, index)}"
        else:
            cell.outputs.append(error_output(KERNEL_DIED, message))
            self._stopped = f"not run: the kernel died in {_label(cell, index)}"

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
