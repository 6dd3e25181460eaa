"""Instructor tooling: release the student versions, autograde a class.

The notebooks in ``notebooks/`` are plain nbgrader *source* notebooks
(cell metadata schema 3, ``### BEGIN SOLUTION`` regions, locked test cells
with points and ``### BEGIN HIDDEN TESTS`` sections), so nbgrader's own
tools (formgrader, JupyterHub's nbgrader integration) work on them too.
This subpackage wraps nbgrader for a course kept as a flat folder of
notebooks:

* :mod:`coursework.grading.release` -- ``python -m coursework release``:
  nbgrader's ``generate_assignment`` -> ``student/`` (committed);
* :mod:`coursework.grading.grade` -- ``python -m coursework grade
  SUBMISSIONS_DIR``: nbgrader's ``autograde`` on every submission in a
  subprocess with time limits, in grading mode (``COURSEWORK_GRADING=1``),
  -> a CSV gradebook with a reason for every lost point.

``import coursework.grading`` is cheap; nbgrader is imported when a
function needs it.  The instructor's guide is ``docs/instructors.md``.
"""

from __future__ import annotations

from ._course_dir import ReleaseError
from .grade import (
    DEFAULT_CELL_TIMEOUT,
    DEFAULT_TIMEOUT,
    STATUSES,
    ClassGrades,
    Exercise,
    SubmissionGrade,
    format_summary,
    grade_submissions,
    write_gradebook,
)
from .release import outdated_release, release

__all__ = [
    "DEFAULT_CELL_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "STATUSES",
    "ClassGrades",
    "Exercise",
    "ReleaseError",
    "SubmissionGrade",
    "format_summary",
    "grade_submissions",
    "outdated_release",
    "release",
    "write_gradebook",
]
