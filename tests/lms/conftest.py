"""A small graded class built in memory (no notebook runs) and the roster
fixtures in ``tests/lms/data``: Canvas' and Moodle's own gradebook exports
with names holding commas, quotes and non-ASCII letters, a student without
a submission, and Canvas' test student."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursework.grading.model import ClassGrades, Exercise, SubmissionGrade
from coursework.grading.report import write_gradebook

DATA = Path(__file__).parent / "data"
NB1, NB2 = "01_linear_classification.ipynb", "02_softmax_cross_entropy.ipynb"
EXERCISES = [Exercise(NB1, "nb01_a", 2.0), Exercise(NB1, "nb01_b", 3.0), Exercise(NB2, "nb02_a", 4.0)]


def _grade(student: str, notebook: str, status: str, *scores: float) -> SubmissionGrade:
    ids = [e for e in EXERCISES if e.notebook == notebook]
    return SubmissionGrade(student, notebook, status, {e.grade_id: s for e, s in zip(ids, scores)},
                           {e.grade_id: e.points for e in ids},
                           problem="missing notebook" if status == "missing" else None)


def make_class(students: dict[str, list[tuple[str, str, tuple[float, ...]]]]) -> ClassGrades:
    """``{student: [(notebook, status, scores)]}`` -> a ClassGrades."""
    results = [_grade(s, nb, status, *scores) for s, rows in students.items() for nb, status, scores in rows]
    return ClassGrades(EXERCISES, [NB1, NB2], list(students), results, seconds=1.0)


@pytest.fixture
def grades() -> ClassGrades:
    """jdoe: 4/5 and 3/4; bobrien: 2.5/5 and missing 02; ZMuller (folder
    ``zmuller``): an ``error`` on 01 and 4/4; ``stranger``: on no roster.
    vnguyen is on the rosters and submitted nothing."""
    return make_class({
        "bobrien": [(NB1, "ok", (1.0, 1.5)), (NB2, "missing", (0.0,))],
        "jdoe": [(NB1, "ok", (2.0, 2.0)), (NB2, "ok", (3.0,))],
        "stranger": [(NB1, "ok", (2.0, 3.0)), (NB2, "ok", (4.0,))],
        "zmuller": [(NB1, "error", (0.0, 0.0)), (NB2, "tampered", (4.0,))],
    })


@pytest.fixture
def gradebook_csv(grades, tmp_path) -> Path:
    """``grades`` written by the grader's own ``write_gradebook``."""
    return write_gradebook(grades, tmp_path / "gradebook.csv")
