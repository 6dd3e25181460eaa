"""Read a class's answer cells and the released stubs they started from.

Submissions are found as the grader finds them
(:mod:`coursework.grading.collect`: ``<student>/<notebook>.ipynb``, nbgrader's
``<student>/<assignment>/<notebook>.ipynb``, or a renamed copy), and the
released notebooks are generated in memory as ``grade`` does
(:func:`coursework.grading.assignments.prepare_course`, nbgrader's
``generate_assignment``), so the baseline is exactly what students were given.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..grading.assignments import prepare_course
from ..grading.cells import grade_id, is_answer
from ..grading.collect import Unreadable, find_class, read_submission
from .compare import Answers

__all__ = ["NotebookClass", "answer_cells", "load_class"]


@dataclass(frozen=True)
class NotebookClass:
    """One notebook's answers: the released stubs (``{grade_id: source}``),
    each submitting student's answer cells, and the files that could not be
    read (``{student: reason}``)."""

    notebook: str
    stubs: dict[str, str]
    answers: tuple[Answers, ...]
    unreadable: dict[str, str]


def answer_cells(nb: Any, released: Any = None) -> dict[str, str]:
    """``{grade_id: source}`` of a notebook's answer cells (nbgrader
    ``solution`` cells); cells sharing a ``grade_id`` are joined.

    With ``released`` (the notebook students were given), only its answer
    cells count, and one whose nbgrader metadata the student's editor lost
    is found by its cell id (nbformat 4.5), as long as that was kept.
    """
    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and is_answer(cell):
            found.setdefault(grade_id(cell), []).append(str(cell.get("source", "")))
    if released is not None:
        by_id = {c.get("id"): c for c in nb.cells if c.get("id") and c.get("cell_type") == "code"}
        wanted = {grade_id(c): c.get("id") for c in released.cells if is_answer(c)}
        found = {gid: parts for gid, parts in found.items() if gid in wanted}
        for gid, cell_id in wanted.items():
            if gid not in found and cell_id in by_id and not grade_id(by_id[cell_id]):
                found[gid] = [str(by_id[cell_id].get("source", ""))]
    return {gid: "\n".join(parts) for gid, parts in found.items()}


def load_class(
    submissions_dir: str | os.PathLike[str],
    *,
    notebooks: Iterable[str] | None = None,
    notebook_dir: str | os.PathLike[str] = "notebooks",
) -> list[NotebookClass]:
    """The answers of every student folder in ``submissions_dir`` for each
    course notebook (``notebooks`` selects some; by default those somebody
    submitted), in course order.

    Raises
    ------
    FileNotFoundError
        ``submissions_dir`` or ``notebook_dir`` is missing.
    ValueError
        No student folder, no submitted course notebook, or a selector that
        matches nothing.
    ReleaseError
        nbgrader could not generate a released notebook.
    """
    found = find_class(submissions_dir, notebook_dir, notebooks)
    sources, subs = found.sources, found.submissions
    with tempfile.TemporaryDirectory(prefix="coursework-similarity-") as tmp:
        course = prepare_course(sources, Path(tmp) / "course")
    result = []
    for assignment in course.assignments:
        stubs = answer_cells(assignment.released)
        answers, unreadable = [], {}
        for sub in subs:
            if sub.notebook != assignment.name or sub.file is None:
                continue
            try:
                answers.append(Answers(sub.student, answer_cells(read_submission(sub.file), assignment.released)))
            except Unreadable as exc:
                unreadable[sub.student] = str(exc)
        result.append(NotebookClass(assignment.name, stubs, tuple(answers), unreadable))
    return result
