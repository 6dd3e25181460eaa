"""Inspect a submitted notebook before and after nbgrader sees it.

Before autograding, :func:`repair` compares the submission with the
released and the source versions of the notebook and puts back what a
student's editor may have lost, recording what it did as notes:

* a **deleted test cell** (or one whose nbgrader metadata was stripped)
  is restored from the release at its place (after the cell that preceded
  it), so the student's answer is still graded.  nbgrader's own
  ``OverwriteCells.add_missing_cells`` does the same but crashes with a
  ``KeyError`` when the answer cell before it is gone too;
* an **edited test cell** or one turned into markdown is only noted:
  nbgrader's ``OverwriteCells`` replaces a locked cell whose checksum
  differs by the source version from its gradebook (hidden tests included),
  and restores its cell type;
* a **missing answer cell** is noted.

After autograding, :func:`explain` reads the graded notebook and says, for
each test cell that lost points, why: the error it raised (exception type
and first line of the message), a timeout, text on stderr (nbgrader gives 0
points to a test cell that writes to stderr), a dead kernel, with the error
of the exercise's answer cell added when it had one.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

__all__ = [
    "TIMEOUT",
    "KERNEL_DIED",
    "NOT_RUN",
    "grade_id",
    "is_test",
    "is_answer",
    "repair",
    "explain",
    "execution_notes",
    "was_cut_short",
    "KERNEL_DIED_MESSAGE",
    "UNRESPONSIVE_MESSAGE",
    "first_line",
]

#: ``ename`` of the error output nbgrader's Execute gives a cell that timed out.
TIMEOUT = "CellTimeoutError"
#: ``ename`` of the error output added to the cell during which the kernel died.
KERNEL_DIED = "DeadKernelError"
#: ``ename`` of the error output added to the code cells after that one.
NOT_RUN = "KernelDiedEarlier"
#: ``evalue`` of the error output of the cell during which the kernel died.
KERNEL_DIED_MESSAGE = "the kernel died while running this cell (os._exit(), a crash or out of memory)"
#: ``evalue`` of the (TIMEOUT) error output of a cell whose kernel ignored the interrupt.
UNRESPONSIVE_MESSAGE = "the kernel did not respond to the interrupt after the cell timeout"

_MAX_REASON_CHARS = 200
# IPython names cell code after a hash of the source: "(3960470163.py, line 2)"
_CELL_FILE = re.compile(r"\((?:[^()]*[/\\])?[^()/\\]*\.py, line (\d+)\)")
# object addresses differ from run to run: "<function f at 0x7f3a2c1d5e50>"
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")


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


def first_line(text: str, limit: int = _MAX_REASON_CHARS) -> str:
    """The first non-blank line of ``text``, stripped and shortened."""
    for line in str(text).splitlines():
        line = line.strip()
        if line:
            line = _ADDRESS.sub("0x...", _CELL_FILE.sub(r"(line \1)", line))
            return line if len(line) <= limit else line[: limit - 3] + "..."
    return ""


#: nbgrader metadata that makes a cell a test cell worth its points
_FLAGS = ("grade", "solution", "locked", "points", "task")


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return "\n".join(line.rstrip() for line in s.strip().splitlines())

    return norm(a) == norm(b)


# --------------------------------------------------------------------------
# before autograding


def _index(cells: list, cell: Any) -> int | None:
    """Position in ``cells`` of the counterpart of a released ``cell``: same
    grade_id, or for a cell without one the same cell id."""
    gid = grade_id(cell)
    cell_id = cell.get("id")
    for i, candidate in enumerate(cells):
        if gid is not None:
            if grade_id(candidate) == gid:
                return i
        elif cell_id and candidate.get("id") == cell_id:
            return i
    return None


def _insertion_point(cells: list, released: list, k: int) -> int:
    """Where released cell ``k`` goes back: after the nearest earlier
    released cell still present, else before the nearest later one, else at
    the end."""
    for j in range(k - 1, -1, -1):
        i = _index(cells, released[j])
        if i is not None:
            return i + 1
    for j in range(k + 1, len(released)):
        i = _index(cells, released[j])
        if i is not None:
            return i
    return len(cells)


def repair(nb: Any, released: Any, source: Any) -> list[str]:
    """Restore deleted test cells in ``nb`` (in place); return notes.

    Also puts back a test cell's nbgrader metadata when it was changed, and
    removes nbgrader metadata with a ``grade_id`` this notebook does not
    have (nbgrader's autograde would fail on it).

    Parameters
    ----------
    nb : NotebookNode
        The submission (modified in place).
    released, source : NotebookNode
        The student version nbgrader generated and the instructor version.

    Returns
    -------
    list of str
        One note per finding, e.g. ``"nb02-softmax-tests: test cell edited;
        graded with the original"``.
    """
    notes: list[str] = []
    source_cells = {grade_id(c): c for c in source.cells if grade_id(c)}
    for cell in nb.cells:
        if "nbgrader" in cell.get("metadata", {}) and grade_id(cell) not in source_cells:
            # e.g. a cell pasted from another notebook: nbgrader would fail on it
            unknown = grade_id(cell)
            del cell.metadata["nbgrader"]
            if unknown:
                notes.append(f"{unknown}: not a cell of this notebook; graded as an ordinary cell")
    counts = Counter(grade_id(c) for c in nb.cells if grade_id(c))
    for gid, count in sorted(counts.items()):
        if count > 1 and gid in source_cells:
            notes.append(f"{gid}: {count} cells carry this id (copied cell?); nbgrader grades the last one")

    has_ids = any("id" in c for c in nb.cells) or nb.get("nbformat_minor", 0) >= 5
    used_ids = {c.get("id") for c in nb.cells}
    released_cells = released.cells
    for k, rcell in enumerate(released_cells):
        gid = grade_id(rcell)
        if gid is None:
            continue
        originals = [rcell.source]
        if gid in source_cells:
            originals.append(source_cells[gid].source)
        present = [c for c in nb.cells if grade_id(c) == gid]
        if is_test(rcell):
            if present:
                cell = present[-1]
                expected = rcell.metadata["nbgrader"]
                if any(_nbgrader(cell).get(key) != expected.get(key) for key in _FLAGS):
                    cell.metadata["nbgrader"] = copy.deepcopy(expected)
                    notes.append(f"{gid}: test cell's nbgrader metadata changed; restored it")
                if cell.cell_type != rcell.cell_type:
                    notes.append(f"{gid}: test cell changed to {cell.cell_type}; graded the original")
                elif not any(_same(cell.source, text) for text in originals):
                    notes.append(f"{gid}: test cell edited; graded the original")
                continue
            unmarked = next(
                (
                    c
                    for c in nb.cells
                    if not grade_id(c)
                    and c.cell_type == rcell.cell_type
                    and any(_same(c.source, text) for text in originals)
                ),
                None,
            )
            if unmarked is not None:
                unmarked.metadata["nbgrader"] = copy.deepcopy(rcell.metadata["nbgrader"])
                notes.append(f"{gid}: test cell had lost its nbgrader metadata; restored it")
                continue
            restored = copy.deepcopy(rcell)
            if not has_ids:
                restored.pop("id", None)
            elif restored.get("id") in used_ids:
                restored["id"] = f"{restored['id']}-restored"
            nb.cells.insert(_insertion_point(nb.cells, released_cells, k), restored)
            notes.append(f"{gid}: test cell deleted; restored from the source and graded")
        elif is_answer(rcell) and not present:
            notes.append(f"{gid}: answer cell not found (deleted, or its nbgrader metadata removed)")
    return notes


# --------------------------------------------------------------------------
# after autograding


def _error_of(cell: Any, cell_timeout: float) -> str | None:
    """One line for the error output of a code cell (a timeout first, as
    the interrupted cell also shows a KeyboardInterrupt), or None."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if not errors:
        return None
    if any(o.get("ename") == TIMEOUT and o.get("evalue") == UNRESPONSIVE_MESSAGE for o in errors):
        return f"timeout: the cell ran longer than {cell_timeout:g} s and ignored the interrupt"
    if any(o.get("ename") == TIMEOUT for o in errors):
        return f"timeout: the cell ran longer than {cell_timeout:g} s"
    output = errors[0]
    ename = output.get("ename") or "Error"
    evalue = first_line(output.get("evalue", ""))
    if ename == NOT_RUN:
        return evalue
    if ename == KERNEL_DIED:
        return "the kernel died in this cell (os._exit(), a crash or out of memory)"
    return f"{ename}: {evalue}" if evalue else ename


def _why_test_failed(cell: Any, score: float | None, max_score: float, cell_timeout: float) -> str:
    error = _error_of(cell, cell_timeout)
    if error is not None:
        return error
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return (
                "wrote to stderr (nbgrader gives 0 points to a test cell with stderr output): "
                + first_line(output.get("text", ""))
            )
        if output.get("output_type") == "execute_result":
            return f"partial credit {score:g}/{max_score:g} (the cell's value)"
    return "lost points without an error (see the graded notebook)"


def _has_error(cell: Any, ename: str) -> bool:
    return any(o.get("ename") == ename for o in cell.get("outputs", []))


def _stopped_kernel(cell: Any) -> bool:
    """True for the cell after which the kernel ran nothing more."""
    return _has_error(cell, KERNEL_DIED) or any(
        o.get("ename") == TIMEOUT and o.get("evalue") == UNRESPONSIVE_MESSAGE
        for o in cell.get("outputs", [])
    )


def was_cut_short(graded: Any) -> bool:
    """True when the kernel died or stopped responding before the end."""
    return any(_has_error(cell, NOT_RUN) or _stopped_kernel(cell) for cell in graded.cells)


def execution_notes(graded: Any, *, cell_timeout: float) -> list[str]:
    """Notes on cells other than test cells that timed out or killed the
    kernel (cell numbers count every cell of the graded notebook from 1)."""
    notes = []
    for number, cell in enumerate(graded.cells, start=1):
        if cell.get("cell_type") != "code" or is_test(cell):
            continue
        label = f"cell {number}" + (f" (answer cell {grade_id(cell)})" if is_answer(cell) else "")
        if _has_error(cell, KERNEL_DIED):
            notes.append(f"{label} killed the kernel; the cells after it did not run")
        elif _stopped_kernel(cell):
            notes.append(
                f"{label} ran longer than {cell_timeout:g} s and ignored the interrupt; "
                "the cells after it did not run"
            )
        elif _has_error(cell, TIMEOUT):
            notes.append(f"{label} ran longer than {cell_timeout:g} s and was interrupted")
    return notes


def explain(
    graded: Any,
    released: Any,
    scores: dict[str, float | None],
    max_scores: dict[str, float],
    *,
    cell_timeout: float,
) -> dict[str, str]:
    """Why each test cell of the graded notebook lost points.

    Parameters
    ----------
    graded : NotebookNode
        The notebook nbgrader executed (``autograded/...``).
    released : NotebookNode
        The student version, to recognise unanswered exercises.
    scores, max_scores : dict
        Points earned (None: not autograded) and available, by grade_id.
    cell_timeout : float
        The per-cell limit, quoted in timeout messages.

    Returns
    -------
    dict
        ``{grade_id: reason}`` for each test cell that earned less than its
        points, e.g. ``"NameError: name 'softmax' is not defined (answer cell
        nb02-softmax: SyntaxError: invalid syntax (line 3))"`` or
        ``"not answered: NotImplementedError"``.
    """
    stubs = {grade_id(c): c.source for c in released.cells if is_answer(c)}
    reasons: dict[str, str] = {}
    answers: list[Any] = []
    for cell in graded.cells:
        if is_answer(cell):
            answers.append(cell)
            continue
        if not is_test(cell):
            continue
        gid = grade_id(cell)
        exercise_answers, answers = answers, []
        if gid not in max_scores:
            continue
        score = scores.get(gid)
        if score is None:
            reasons[gid] = "not autograded (needs manual grading)"
            continue
        if score >= max_scores[gid]:
            continue
        reason = _why_test_failed(cell, score, max_scores[gid], cell_timeout)
        culprit = next((a for a in exercise_answers if _stopped_kernel(a)), None)
        if _has_error(cell, NOT_RUN) and culprit is None:
            reasons[gid] = reason  # "not run: the kernel died in cell N"
            continue
        if culprit is not None and _has_error(cell, NOT_RUN):
            culprit_id = grade_id(culprit)
            reasons[gid] = (
                f"not run: the kernel died in answer cell {culprit_id} (os._exit(), a crash or out of memory)"
                if _has_error(culprit, KERNEL_DIED)
                else f"not run: the kernel stopped responding in answer cell {culprit_id} "
                f"(it ran longer than {cell_timeout:g} s and ignored the interrupt)"
            )
            continue
        unanswered = [
            a for a in exercise_answers if grade_id(a) in stubs and _same(a.source, stubs[grade_id(a)])
        ]
        if exercise_answers and len(unanswered) == len(exercise_answers):
            reason = f"not answered: {reason}"
        else:
            for answer in exercise_answers:
                error = _error_of(answer, cell_timeout)
                if error is not None:
                    reason = f"{reason} (answer cell {grade_id(answer)}: {error})"
                    break
        reasons[gid] = reason
    return reasons
