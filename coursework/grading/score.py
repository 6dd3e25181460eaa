"""Stage 4, score: turn what a run gave into a :class:`SubmissionGrade`.

The points are nbgrader's (read from the submission's gradebook by the run
stage).  The reasons come from the graded notebook: for each test cell that
lost points, the error it raised (exception type and first line), a
timeout, text on stderr (nbgrader gives 0 points to a test cell that writes
to stderr), a dead kernel or the memory limit, with the error of the
exercise's answer cell added when it had one.  A test cell's outputs are
the judge's (:mod:`~coursework.grading.judge`): no code in the kernel wrote them.
"""

from __future__ import annotations

from typing import Any

from .._kernels import first_line
from .assignments import Assignment
from .cells import KERNEL_DIED, KERNEL_DIED_MESSAGE, MEMORY, NOT_RUN, TIMEOUT, UNRESPONSIVE_MESSAGE
from .cells import grade_id, is_answer, is_test, same_source
from .collect import Submission
from .model import SubmissionGrade
from .run import Outcome

__all__ = ["explain", "execution_notes", "status_of", "score"]

_REASON_CHARS = 200


def _errors(cell: Any) -> list[Any]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _has_error(cell: Any, ename: str) -> bool:
    return any(o.get("ename") == ename for o in _errors(cell))


def _unresponsive(cell: Any) -> bool:
    return any(o.get("ename") == TIMEOUT and o.get("evalue") == UNRESPONSIVE_MESSAGE for o in _errors(cell))


def _stopped_kernel(cell: Any) -> bool:
    """True for the cell after which the kernel ran nothing more."""
    return _has_error(cell, KERNEL_DIED) or _has_error(cell, MEMORY) or _unresponsive(cell)


def _error_of(cell: Any, cell_timeout: float) -> str | None:
    """One line for the error output of a code cell (a timeout first, as the
    interrupted cell also shows a KeyboardInterrupt), or None."""
    errors = _errors(cell)
    if not errors:
        return None
    if _unresponsive(cell):
        return f"timeout: the cell ran longer than {cell_timeout:g} s and ignored the interrupt"
    if _has_error(cell, TIMEOUT):
        return f"timeout: the cell ran longer than {cell_timeout:g} s"
    ename = errors[0].get("ename") or "Error"
    evalue = first_line(errors[0].get("evalue", ""), _REASON_CHARS)
    if ename in (NOT_RUN, MEMORY):
        return evalue
    if ename == KERNEL_DIED:
        return "the kernel died in this cell (os._exit(), a crash or out of memory)"
    return f"{ename}: {evalue}" if evalue else ename


def _why_test_failed(cell: Any, score: float, max_score: float, cell_timeout: float) -> str:
    error = _error_of(cell, cell_timeout)
    if error is not None:
        return error
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return "wrote to stderr (nbgrader gives 0 points to a test cell with stderr output): " + first_line(
                output.get("text", ""), _REASON_CHARS
            )
        if output.get("output_type") == "execute_result":
            return f"partial credit {score:g}/{max_score:g} (the cell's value)"
    return "lost points without an error (see the graded notebook)"


def _culprit_reason(culprit: Any, cell_timeout: float) -> str:
    gid = grade_id(culprit)
    if _has_error(culprit, MEMORY):
        return f"not run: {first_line(_errors(culprit)[0].get('evalue', ''))} in answer cell {gid}"
    if _has_error(culprit, KERNEL_DIED):
        why = next(o.get("evalue", "") for o in _errors(culprit) if o.get("ename") == KERNEL_DIED)
        detail = "os._exit(), a crash or out of memory" if why == KERNEL_DIED_MESSAGE else why
        return f"not run: the kernel died in answer cell {gid} ({detail})"
    return (
        f"not run: the kernel stopped responding in answer cell {gid} "
        f"(it ran longer than {cell_timeout:g} s and ignored the interrupt)"
    )


def _reason(cell: Any, answers: list[Any], stubs: dict, score: float, max_score: float, timeout: float) -> str:
    """Why one test cell lost points, given the answer cells before it."""
    reason = _why_test_failed(cell, score, max_score, timeout)
    culprit = next((a for a in answers if _stopped_kernel(a)), None)
    if _has_error(cell, NOT_RUN):
        return reason if culprit is None else _culprit_reason(culprit, timeout)
    unanswered = [a for a in answers if grade_id(a) in stubs and same_source(a.source, stubs[grade_id(a)])]
    if answers and len(unanswered) == len(answers):
        return f"not answered: {reason}"
    for answer in answers:
        error = _error_of(answer, timeout)
        if error is not None:
            return f"{reason} (answer cell {grade_id(answer)}: {error})"
    return reason


def explain(
    graded: Any, released: Any, scores: dict[str, float | None], max_scores: dict[str, float], *,
    cell_timeout: float,
) -> dict[str, str]:
    """``{grade_id: reason}`` for each test cell of the graded notebook that
    earned less than its points, e.g. ``"NameError: name 'softmax' is not
    defined (answer cell nb02-softmax: SyntaxError: invalid syntax (line
    3))"`` or ``"not answered: NotImplementedError: replace this line with
    your answer"``.  ``released`` is the student version (to recognise
    unanswered exercises)."""
    stubs = {grade_id(c): c.source for c in released.cells if is_answer(c)}
    reasons: dict[str, str] = {}
    answers: list[Any] = []
    for cell in graded.cells:
        if is_answer(cell):
            answers.append(cell)
            continue
        if not is_test(cell):
            continue
        gid, exercise_answers, answers = grade_id(cell), answers, []
        if gid not in max_scores:
            continue
        score = scores.get(gid)
        if score is None:
            reasons[gid] = "not autograded (needs manual grading)"
        elif score < max_scores[gid]:
            reasons[gid] = _reason(cell, exercise_answers, stubs, score, max_scores[gid], cell_timeout)
    return reasons


def execution_notes(graded: Any, *, cell_timeout: float) -> list[str]:
    """Notes on cells other than test cells that timed out, killed the
    kernel or went over the memory limit (cell numbers count every cell of
    the graded notebook from 1)."""
    notes = []
    for number, cell in enumerate(graded.cells, start=1):
        if cell.get("cell_type") != "code" or is_test(cell):
            continue
        label = f"cell {number}" + (f" (answer cell {grade_id(cell)})" if is_answer(cell) else "")
        if _has_error(cell, MEMORY):
            notes.append(f"{label}: {_errors(cell)[0].get('evalue', '')}; the kernel was stopped and "
                         "the cells after it did not run")
        elif _has_error(cell, KERNEL_DIED):
            notes.append(f"{label} killed the kernel; the cells after it did not run")
        elif _unresponsive(cell):
            notes.append(f"{label} ran longer than {cell_timeout:g} s and ignored the interrupt; "
                         "the cells after it did not run")
        elif _has_error(cell, TIMEOUT):
            notes.append(f"{label} ran longer than {cell_timeout:g} s and was interrupted")
    return notes


def status_of(graded: Any) -> str:
    """``crashed`` (the kernel died or stopped responding before the end) or ``ok``."""
    if any(_has_error(cell, NOT_RUN) or _stopped_kernel(cell) for cell in graded.cells):
        return "crashed"
    return "ok"


def score(submission: Submission, assignment: Assignment, outcome: Outcome, *, notes: list[str],
          cell_timeout: float, **extra: Any) -> SubmissionGrade:
    """The grade of a submission whose run finished (``outcome.graded`` set)."""
    import nbformat

    graded = nbformat.reads(outcome.graded or "", as_version=4)
    max_scores = assignment.max_scores
    scores = {gid: outcome.scores.get(gid) for gid in max_scores}
    reasons = explain(graded, assignment.released, scores, max_scores, cell_timeout=cell_timeout)
    notes = notes + execution_notes(graded, cell_timeout=cell_timeout)
    return SubmissionGrade(
        student=submission.student, notebook=submission.notebook, status=status_of(graded), scores=scores,
        max_scores=max_scores, reasons=reasons, notes=notes, seconds=outcome.seconds,
        peak_memory=outcome.report.peak_memory if outcome.report else 0, file=submission.file, **extra,
    )
