"""What grading produces: one :class:`SubmissionGrade` per student and
notebook, gathered in a :class:`ClassGrades`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["STATUSES", "Exercise", "SubmissionGrade", "ClassGrades"]

#: What ``SubmissionGrade.status`` can be.
STATUSES = {
    "ok": "graded (the points may still be partial)",
    "crashed": "the kernel died (os._exit(), exit(), a crash, the memory limit) or stopped responding "
    "(a cell that timed out ignored the interrupt); the cells after that one did not run, "
    "exercises before it keep their points",
    "timeout": "the notebook exceeded the per-notebook time limit; 0 points",
    "missing": "no such notebook in the student's folder; 0 points",
    "invalid": "the file is not a readable notebook (invalid JSON...); 0 points",
    "error": "nbgrader itself failed on the submission; 0 points, see the log",
}


@dataclass(frozen=True)
class Exercise:
    """One autograded test cell of a source notebook."""

    notebook: str
    grade_id: str
    points: float


@dataclass
class SubmissionGrade:
    """The grade of one student's notebook.

    Attributes
    ----------
    student, notebook : str
        Student folder name and notebook file name.
    status : str
        One of :data:`STATUSES`.
    scores : dict
        ``{grade_id: points earned}`` for the notebook's exercises (None for
        a cell nbgrader could not autograde).
    max_scores : dict
        ``{grade_id: points available}``.
    reasons : dict
        ``{grade_id: why points were lost}``, for each exercise that lost any.
    problem : str or None
        Why the whole notebook got no grade (missing, invalid, timeout, error).
    notes : list of str
        What the grader noticed or repaired without necessarily costing
        points (edited or deleted test cells, no sandbox...).
    seconds : float
        Wall-clock time spent on this submission.
    peak_memory : int
        Largest resident size of the kernel's process tree, in bytes (0 when
        the notebook did not run).
    file, graded_path, log_path : Path or None
        The submitted file, the executed notebook and the kernel's log (when
        written to ``graded_dir``).
    """

    student: str
    notebook: str
    status: str
    scores: dict[str, float | None]
    max_scores: dict[str, float]
    reasons: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_memory: int = 0
    file: Path | None = None
    graded_path: Path | None = None
    log_path: Path | None = None

    @property
    def total(self) -> float:
        return float(sum(score or 0.0 for score in self.scores.values()))

    @property
    def max_total(self) -> float:
        return float(sum(self.max_scores.values()))

    def reason_text(self) -> str:
        """The CSV's ``reasons`` cell."""
        if self.problem:
            return self.problem
        return "; ".join(f"{gid}: {why}" for gid, why in self.reasons.items())


@dataclass
class ClassGrades:
    """Everything :func:`~coursework.grading.grade_submissions` found.

    ``sandboxed`` is False when the kernels ran without the sandbox
    (``--no-sandbox``): the summary warns, every gradebook row says so.
    """

    exercises: list[Exercise]
    notebooks: list[str]
    students: list[str]
    results: list[SubmissionGrade]
    seconds: float
    skipped: list[str] = field(default_factory=list)
    sandboxed: bool = True

    def result(self, student: str, notebook: str) -> SubmissionGrade:
        """The grade of one submission (``notebook``: name, stem or prefix)."""
        for r in self.results:
            if r.student == student and (
                r.notebook == notebook or Path(r.notebook).stem == notebook or r.notebook.startswith(notebook)
            ):
                return r
        raise KeyError(f"no result for student {student!r} and notebook {notebook!r}")
