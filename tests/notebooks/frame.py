"""Checks of a notebook's frame that several notebook tests share (issue 14):
exercises after the lesson with their points in the headings, the closing
sections.  The length of the main path is measured for every notebook by
``tests/test_density.py``."""

from __future__ import annotations

import re
from typing import Any

from tests.notebooks.exercises import nbgrader

OPTIONAL = "## Under the hood"


def _optional_start(cells: list[Any], after: int = 0) -> int:
    return next((i for i, c in enumerate(cells) if i >= after and c.source.startswith(OPTIONAL)), len(cells))


def assert_exercises_last_with_points(cells: list[Any]) -> None:
    """Between the first exercise and the optional section only the results
    cell runs lesson code, and each heading names its test cell's points."""
    first = next(i for i, c in enumerate(cells) if nbgrader(c))
    later_code = [c.source for c in cells[first:_optional_start(cells, first)]
                  if c.cell_type == "code" and not nbgrader(c)]
    assert all("coursework.record(" in src or "check_notebook(" in src for src in later_code), \
        "between the exercises and the optional section, only the results cell and the self-check"
    headings = [c.source.splitlines()[0] for c in cells if c.cell_type == "markdown"
                and c.source.startswith("### Exercise")]
    test_points = [nbgrader(c)["points"] for c in cells if nbgrader(c).get("grade")]
    assert [int(re.search(r"\((\d+) points?\)", h).group(1)) for h in headings] == test_points


def assert_ends_with_questions_experiments_and_optional(cells: list[Any]) -> None:
    """... then the self-check section that ends every notebook with exercises."""
    titles = [c.source.splitlines()[0] for c in cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert titles[-1] == "## Check your work"
    assert titles[-4:-2] == ["## Check your understanding", "## Experiments to try"]
    assert titles[-2].startswith("## Under the hood (optional)")


def assert_lesson_and_optional_sections_before_the_exercises(cells: list[Any]) -> None:
    """Issue 19, section 5: a student's Run All stops at the first unanswered
    exercise, so every lesson and optional section comes before the exercises;
    after them only the results, the questions and the self-check."""
    titles = [c.source.splitlines()[0] for c in cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    exercises = next(i for i, t in enumerate(titles) if t.endswith(". Exercises"))
    assert [re.sub(r"^## \d+\. ", "## ", t) for t in titles[exercises:]] == [
        "## Exercises", "## Results", "## Check your understanding", "## Check your work"]
    assert "## Experiments to try" in titles[:exercises]
