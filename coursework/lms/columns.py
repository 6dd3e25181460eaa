"""Which export column each notebook goes to: the roster's assignment
(Canvas) or grade item (Moodle) that names it, or a new one, and the points
it is scaled to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .._kernels import match_notebooks
from .gradebook import Gradebook
from .roster import Roster

__all__ = ["Column", "plan_columns"]


@dataclass(frozen=True)
class Column:
    """One notebook's column in the export: its ``header``, the LMS points
    it is scaled to (None: the notebook's own points), and whether the
    roster lacked it (``new``: the LMS creates it on import)."""

    notebook: str
    header: str
    points: float | None
    max_points: float
    new: bool


def _selected(book: Gradebook, selectors: Mapping[str, object], option: str) -> dict[str, object]:
    """``{notebook: value}`` for ``{selector: value}``, a selector being a
    notebook's name, stem or prefix (``03``)."""
    available = [Path(n) for n in book.notebooks]
    chosen = {}
    for selector, value in selectors.items():
        matches = match_notebooks(available, [selector], Path("the gradebook"))
        if len(matches) > 1:
            raise ValueError(f"{option} {selector}=...: {selector!r} matches several notebooks "
                             f"({', '.join(p.name for p in matches)}); give more of the name.")
        chosen[matches[0].name] = value
    return chosen


def _normal(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().casefold()


def _first_number(text: str) -> int | None:
    match = re.search(r"\d+", text)
    return int(match[0]) if match else None


def _find_assignment(notebook: str, roster: Roster) -> str | None:
    """The roster column of ``notebook``, by the first of these rules that
    finds any: the title is the notebook's stem; the title holds the stem's
    words (``linear classification``); the title says notebook (or nb) and
    its first number is the notebook's (``Notebook 3 (1234)`` for
    ``03_pima_diabetes.ipynb``); the title's first number is the notebook's.
    None when no rule finds one.

    Raises
    ------
    ValueError
        If the first rule that finds any finds several.
    """
    stem = Path(notebook).stem
    words = _normal(re.sub(r"^\d+", "", stem))
    number = _first_number(stem) if re.match(r"\d", stem) else None
    rules = [
        lambda t: _normal(t) == _normal(stem),
        lambda t: bool(words) and f" {words} " in f" {_normal(t)} ",
        lambda t: number is not None and _first_number(t) == number and re.search(r"notebook|\bnb", t, re.I),
        lambda t: number is not None and _first_number(t) == number,
    ]
    titles = {column: roster.title(column) for column in roster.assignments}
    for rule in rules:
        found = [column for column, title in titles.items() if rule(title)]
        if len(found) > 1:
            raise ValueError(f"{notebook} could be any of the roster's assignments {', '.join(map(repr, found))}: "
                             f"say which with --assignment {stem.split('_')[0]}=COLUMN.")
        if found:
            return found[0]
    return None


def plan_columns(book: Gradebook, roster: Roster | None, fmt: str, points: Mapping[str, float],
                 assignments: Mapping[str, str]) -> tuple[Column, ...]:
    """One :class:`Column` per notebook of ``book``, in course order.

    ``points`` and ``assignments`` are keyed by notebook name, stem or prefix
    (``"03"``); an assignment named there wins over the roster match (see
    :func:`_find_assignment`; none for the ``wide`` format, whose columns are
    the notebooks), and points named there win over the Canvas roster's
    ``Points Possible`` row.

    Raises
    ------
    ValueError
        If a key matches no notebook or several, or a match is ambiguous.
    """
    points = _selected(book, points, "--points")
    assignments = _selected(book, assignments, "--assignment")
    columns = []
    for notebook in book.notebooks:
        header = assignments.get(notebook)
        if header is None and roster is not None and fmt != "wide":
            header = _find_assignment(notebook, roster)
        header = header or Path(notebook).stem
        known = roster is not None and header in roster.header
        lms_points = points.get(notebook)
        if lms_points is None and known and fmt != "wide":
            lms_points = roster.points(header)
        columns.append(Column(notebook, header, lms_points, book.max_points(notebook),
                              new=fmt != "wide" and not known))
    return tuple(columns)
