"""Stage 2, prepare the assignments: each source notebook, read once, laid
out as an nbgrader assignment and released.

:func:`read_sources` reads the selected source notebooks (solutions and
hidden tests included); :func:`prepare_course` runs nbgrader's
``generate_assignment`` on those to be graded, in a course directory whose
``gradebook.db`` (every test cell with its points, checksum and hidden
tests) becomes the template each submission's private course directory
starts from.  The released version is the one students were given (badges
and setup cell pointing at the students' repository), which is what
:mod:`~coursework.grading.repair` compares a submission with, and whose
lesson cells the judge trusts (:mod:`~coursework.grading.judge.context`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._kernels import find_notebooks, first_line
from ._course_dir import NOTEBOOK_PATTERN, ReleaseError, for_students, generate_assignments, has_graded_cells
from .cells import grade_id, is_answer, is_test
from .model import Exercise

__all__ = ["Assignment", "Course", "read_sources", "prepare_course"]


@dataclass(frozen=True)
class Assignment:
    """One notebook to grade: its source and released versions (in memory),
    its exercises and the judge's context (JSON: the released lesson
    cells, and its answer and test cells)."""

    name: str
    assignment: str
    source: Any
    released: Any
    exercises: tuple[Exercise, ...]
    judge_context: str

    @property
    def max_scores(self) -> dict[str, float]:
        return {e.grade_id: e.points for e in self.exercises}


@dataclass(frozen=True)
class Course:
    """The assignments to grade and the gradebook template (``gradebook.db``
    bytes) that knows all of them."""

    assignments: tuple[Assignment, ...]
    gradebook: bytes


def read_sources(
    notebook_dir: str | os.PathLike[str], wanted: Iterable[str] | None
) -> tuple[dict[str, Any], list[str]]:
    """The selected source notebooks with graded cells (``{name: notebook}``,
    in course order) and the names of those without any.

    Raises
    ------
    FileNotFoundError, ValueError
        Missing folder, no course notebooks, a selector that matches
        nothing, or a requested notebook without graded cells.
    ReleaseError
        A source notebook is unreadable.
    """
    import nbformat

    graded, skipped = {}, []
    for path in find_notebooks(notebook_dir, wanted, pattern=NOTEBOOK_PATTERN):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:
            raise ReleaseError(f"Cannot read the source notebook {path}: {first_line(str(exc))}") from exc
        if has_graded_cells(nb):
            graded[path.name] = nb
        elif wanted is not None:
            raise ValueError(f"{path.name} has no graded (nbgrader test) cells: nothing to grade.")
        else:
            skipped.append(path.name)
    return graded, skipped


def prepare_course(sources: dict[str, Any], root: Path) -> Course:
    """Generate the assignments of ``sources`` in a course directory at
    ``root``; returns them with the gradebook template.

    Raises
    ------
    ReleaseError
        nbgrader rejected a notebook.
    """
    import copy

    import nbformat

    prepared = [(name, for_students(copy.deepcopy(nb))) for name, nb in sources.items()]
    assignments = []
    for notebook in generate_assignments(prepared, root):
        released = nbformat.read(notebook.release, as_version=4)
        source = sources[notebook.name]
        exercises = tuple(
            Exercise(notebook.name, grade_id(cell), float(cell.metadata["nbgrader"].get("points", 0)))
            for cell in released.cells
            if is_test(cell)
        )
        assignments.append(
            Assignment(notebook.name, notebook.assignment, source, released, exercises, judge_context(released))
        )
    return Course(tuple(assignments), (Path(root) / "gradebook.db").read_bytes())


def judge_context(released: Any) -> str:
    """The judge's view of a released notebook (see
    :func:`coursework.grading.judge.context.lesson_context`): its lesson code
    cells, which it may trust, and its answer and test cells, which it may not."""
    import json

    code = [c for c in released.cells if c.cell_type == "code"]
    lesson = [c.source for c in code if not is_answer(c) and not is_test(c)]
    other = [c.source for c in code if is_answer(c) or is_test(c)]
    return json.dumps({"lesson": lesson, "other": other})
