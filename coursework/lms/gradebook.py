"""The grades an export starts from: one :class:`NotebookGrade` per student
and notebook, read from the CSV gradebook that ``python -m coursework grade``
writes (:func:`~coursework.grading.report.write_gradebook`) or taken from the
in-memory :class:`~coursework.grading.model.ClassGrades`, so that ``grade
--export`` and ``export gradebook.csv`` go through the same code."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotation only: reading a CSV needs nothing from the grader
    from ..grading.model import ClassGrades

__all__ = ["GRADEBOOK_COLUMNS", "NotebookGrade", "Gradebook", "read_gradebook", "gradebook_from_grades"]

#: The columns of ``write_gradebook``'s CSV that an export reads (the
#: per-exercise columns between ``notebook`` and ``total`` are not needed).
GRADEBOOK_COLUMNS = ("student", "notebook", "total", "max_total", "status")


@dataclass(frozen=True)
class NotebookGrade:
    """One gradebook row: ``total`` of ``max_total`` points, and the
    grader's status (``ok``, ``missing``, ``error``... see
    :data:`coursework.grading.model.STATUSES`)."""

    student: str
    notebook: str
    total: float
    max_total: float
    status: str


@dataclass(frozen=True)
class Gradebook:
    """The rows of a gradebook, in its order, with its students and
    notebooks in order of first appearance."""

    rows: tuple[NotebookGrade, ...]

    @property
    def students(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.student for r in self.rows))

    @property
    def notebooks(self) -> tuple[str, ...]:
        return tuple(sorted(dict.fromkeys(r.notebook for r in self.rows)))

    def max_points(self, notebook: str) -> float:
        """The points available in ``notebook`` (the largest ``max_total``)."""
        return max((r.max_total for r in self.rows if r.notebook == notebook), default=0.0)


def _number(text: str, where: str) -> float:
    try:
        return float(text) if text.strip() else 0.0
    except ValueError:
        raise ValueError(f"{where}: {text!r} is not a number.") from None


def read_gradebook(path: str | os.PathLike[str]) -> Gradebook:
    """Read the CSV that ``python -m coursework grade`` wrote.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it lacks one of :data:`GRADEBOOK_COLUMNS`, holds a student and
        notebook twice, or a total that is not a number.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Gradebook {path} does not exist: pass the CSV that `python -m coursework "
                                f"grade` wrote (its --output, gradebook.csv by default).")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        lacking = [c for c in GRADEBOOK_COLUMNS if c not in (reader.fieldnames or [])]
        if lacking:
            raise ValueError(f"{path} is not a gradebook written by `python -m coursework grade`: it has no "
                             f"{', '.join(lacking)} column (columns: {', '.join(reader.fieldnames or []) or 'none'}).")
        rows = []
        for line, row in enumerate(reader, start=2):
            where = f"{path}, line {line}"
            rows.append(NotebookGrade(row["student"], row["notebook"], _number(row["total"], where),
                                      _number(row["max_total"], where), row["status"]))
    return _checked(Gradebook(tuple(rows)), str(path))


def gradebook_from_grades(grades: ClassGrades) -> Gradebook:
    """The same table as :func:`read_gradebook` gives for the CSV that
    :func:`~coursework.grading.report.write_gradebook` writes of ``grades``."""
    rows = tuple(NotebookGrade(r.student, r.notebook, r.total, r.max_total, r.status) for r in grades.results)
    return _checked(Gradebook(rows), "the graded class")


def _checked(book: Gradebook, source: str) -> Gradebook:
    seen: set[tuple[str, str]] = set()
    for r in book.rows:
        if (r.student, r.notebook) in seen:
            raise ValueError(f"{source} grades {r.student}'s {r.notebook} twice; keep one row per student "
                             f"and notebook (regrade, or merge the gradebooks by hand).")
        seen.add((r.student, r.notebook))
    return book
