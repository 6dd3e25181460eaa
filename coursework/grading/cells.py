"""nbgrader's cell metadata, and the error outputs the grader writes into a
graded notebook (their ``ename`` tells the scoring stage what happened)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "TIMEOUT", "KERNEL_DIED", "NOT_RUN", "MEMORY",
    "KERNEL_DIED_MESSAGE", "UNRESPONSIVE_MESSAGE",
    "grade_id", "is_test", "is_answer", "error_output", "same_source",
]

#: ``ename`` of the error output nbgrader's Execute gives a cell that timed out.
TIMEOUT = "CellTimeoutError"
#: ``ename`` of the error output added to the cell during which the kernel died.
KERNEL_DIED = "DeadKernelError"
#: ``ename`` of the error output added to the code cells after that one.
NOT_RUN = "KernelDiedEarlier"
#: ``ename`` of the error output of the cell during which the memory limit was hit.
MEMORY = "MemoryLimitExceeded"
#: ``evalue`` of the error output of the cell during which the kernel died.
KERNEL_DIED_MESSAGE = "the kernel died while running this cell (os._exit(), a crash or out of memory)"
#: ``evalue`` of the (TIMEOUT) error output of a cell whose kernel ignored the interrupt.
UNRESPONSIVE_MESSAGE = "the kernel did not respond to the interrupt after the cell timeout"


def _nbgrader(cell: Any) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell: Any) -> str | None:
    """The cell's nbgrader ``grade_id``, or None."""
    return _nbgrader(cell).get("grade_id") or None


def is_test(cell: Any) -> bool:
    """An autograded test cell (nbgrader ``grade`` and not ``solution``)."""
    meta = _nbgrader(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and bool(meta.get("grade_id"))


def is_answer(cell: Any) -> bool:
    """A student's answer cell (nbgrader ``solution`` and not ``grade``)."""
    meta = _nbgrader(cell)
    return bool(meta.get("solution")) and not meta.get("grade") and bool(meta.get("grade_id"))


def same_source(a: str, b: str) -> bool:
    """Equal up to trailing whitespace and blank lines at either end."""

    def norm(s: str) -> str:
        return "\n".join(line.rstrip() for line in s.strip().splitlines())

    return norm(a) == norm(b)


def error_output(ename: str, evalue: str) -> Any:
    """An nbformat error output (what nbgrader scores as a failure)."""
    from nbformat.notebooknode import NotebookNode

    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
