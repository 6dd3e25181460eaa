"""Instructor tooling: release the student course, autograde a class.

The notebooks in ``notebooks/`` are plain nbgrader *source* notebooks
(cell metadata schema 3, solution regions, locked test cells with points
and hidden-test sections, in nbgrader's delimiters), so nbgrader's own
tools (formgrader, JupyterHub's nbgrader integration) work on them too.
This subpackage wraps nbgrader for a course kept as a flat folder of
notebooks:

* ``python -m coursework release`` (:mod:`~coursework.grading.release`,
  :mod:`~coursework.grading.bundle`): nbgrader's ``generate_assignment`` ->
  the student versions, or a self-contained student course to publish;
* ``python -m coursework grade SUBMISSIONS_DIR``
  (:mod:`~coursework.grading.cli`): a pipeline (:mod:`~coursework.grading.grade`)
  of stages, one module each -- :mod:`~coursework.grading.collect`,
  :mod:`~coursework.grading.assignments`, :mod:`~coursework.grading.run`
  (nbgrader's ``autograde`` in a worker, the kernel in a bubblewrap sandbox:
  :mod:`~coursework.grading.sandbox`), :mod:`~coursework.grading.score`,
  :mod:`~coursework.grading.report` -- on this machine or, the runs, on a
  Dask cluster (:mod:`~coursework.grading.cluster`).  Test cells never run
  in the student's kernel: the judge (:mod:`~coursework.grading.judge`)
  runs them in a process of its own and asks the kernel only for evidence,
  plain data it compares with expectations the kernel never sees.

``import coursework.grading`` is cheap; nbgrader is imported when a
function needs it.  The instructor's guide, with the threat model, is
``docs/instructors.md``.
"""

from __future__ import annotations

from ._course_dir import ReleaseError
from .cluster import ClusterUnavailable
from .grade import grade_submissions
from .model import STATUSES, ClassGrades, Exercise, SubmissionGrade
from .release import release
from .report import format_summary, write_gradebook
from .run import Job, Outcome, run_submission
from .sandbox import SandboxUnavailable
from .spec import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits

__all__ = [
    "DEFAULT_CELL_TIMEOUT",
    "DEFAULT_MEMORY",
    "DEFAULT_TIMEOUT",
    "STATUSES",
    "ClassGrades",
    "ClusterUnavailable",
    "Exercise",
    "Job",
    "Limits",
    "Outcome",
    "ReleaseError",
    "SandboxUnavailable",
    "SubmissionGrade",
    "format_summary",
    "grade_submissions",
    "release",
    "run_submission",
    "write_gradebook",
]
