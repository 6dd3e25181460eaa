"""Write a gradebook in the layout an LMS imports: ``canvas``, ``moodle`` or
``wide`` (one row per student, one column per notebook).

The Canvas and Moodle files are built from the roster the LMS exported
(:mod:`~coursework.lms.roster`), so they go back in the layout they came
out in: the roster's student columns copied cell for cell, in its order,
then one column per notebook, named as the LMS named the assignment when the
roster has it (matched by title or number, or ``--assignment``), else after
the notebook (Canvas then creates the assignment on import; in Moodle choose
"new grade item" for it).

* Canvas: ``Student, ID, SIS User ID, SIS Login ID, Section`` (as in the
  roster), the assignment columns, and the ``Points Possible`` row under the
  header, as Canvas' own export writes them; Canvas reads it back under
  Grades > Import.  Computed columns (``Current Score``...) and custom
  columns are left out, so the import changes nothing else.
* Moodle: the roster's profile columns (choose one as "Map from", e.g.
  ``Email address`` -> ``Email address``), the grade item columns, and
  ``Last downloaded from this course`` when the roster has it (Moodle then
  refuses to overwrite a grade changed after that download).

An empty cell means "no grade" to both LMSs: a student without a submission
gets one (``missing_as_zero`` writes 0), and so does a notebook the grader
itself failed on (status ``error``: regrade it, it is listed).  Students
without a roster entry are not written (Moodle aborts a whole import on an
unknown user) and are listed in the :class:`ExportReport`, as are roster
students without any submission.

Encoding: UTF-8 (what both importers read by default), with the delimiter
and byte-order mark the roster had.  Canvas' export adds a BOM when the
user's "include byte-order mark" setting is on (for Excel), Moodle's does
not; both importers accept one (Moodle's ``csv_import_reader`` strips it,
Canvas' header check looks for ``Student`` inside the first cell), so
keeping the roster's choice means the file opens in the instructor's
spreadsheet as the roster did and imports either way.  Points are written with a dot and at
most two decimals, the precision Canvas exports and compares at.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .columns import Column, plan_columns
from .gradebook import Gradebook, NotebookGrade
from .roster import DEFAULT_MATCH_COLUMN, Roster, RosterError

__all__ = ["FORMATS", "ExportReport", "export_grades"]

#: Export formats, with the roster layout each needs (None: no roster needed).
FORMATS = {"canvas": "canvas", "moodle": "moodle", "wide": None}
_MOODLE_EXPORTED = "Last downloaded from this course"


@dataclass(frozen=True)
class ExportReport:
    """What :func:`export_grades` wrote, and who was left out or empty.

    Attributes
    ----------
    path, format : Path, str
        The file written and its format.
    columns : tuple of Column
        One per notebook, in course order.
    students : int
        Student rows written.
    unmatched : tuple of str
        Submission folders with no roster entry: not written.
    no_submission : tuple of str
        Roster students (``name (match value)``) with no submission at all:
        written with empty cells (0 with ``missing_as_zero``).
    not_graded : tuple of str
        ``student/notebook`` the grader itself failed on (status
        ``error``): left empty, to regrade.
    """

    path: Path
    format: str
    columns: tuple[Column, ...]
    students: int
    unmatched: tuple[str, ...]
    no_submission: tuple[str, ...]
    not_graded: tuple[str, ...]

    def summary(self) -> str:
        """Lines for the terminal: the file, each column, then every student
        left out or left empty."""
        lines = [f"Export ({self.format}): {self.path}, {self.students} students."]
        for c in self.columns:
            scale = f", scaled from {_number(c.max_points)} to {_number(c.points)} points" if c.points is not None \
                and c.points != c.max_points else ""
            lines.append(f"  {c.notebook} -> {c.header!r}{' (new column)' if c.new else ''}{scale}")
        if self.unmatched:
            lines.append(f"Not exported, no roster entry ({len(self.unmatched)}): {', '.join(self.unmatched)}")
        if self.no_submission:
            lines.append(f"On the roster, no submission ({len(self.no_submission)}): {', '.join(self.no_submission)}")
        if self.not_graded:
            lines.append(f"Left empty, the grader failed ({len(self.not_graded)}): {', '.join(self.not_graded)}")
        return "\n".join(lines)


def _number(value: float | None) -> str:
    """``7``, ``7.5``, ``6.67``: at most two decimals, never an exponent."""
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _cell(grade: NotebookGrade | None, column: Column, missing_as_zero: bool) -> str:
    if grade is None or grade.status == "missing":
        return "0" if missing_as_zero else ""
    if grade.status == "error":
        return ""
    value = grade.total
    if column.points is not None and column.max_points > 0:
        value = value * column.points / column.max_points
    return _number(value)


def _match(book: Gradebook, roster: Roster, match_column: str) -> tuple[dict[int, str], list[str], list[str]]:
    """``{roster row: student folder}``, the folders without a roster row,
    and the roster students without a folder (``name (key)``)."""
    keys = roster.keys(match_column)
    row_of = {key: i for i, key in enumerate(keys) if key}
    paired, unmatched = {}, []
    for student in book.students:
        i = row_of.get(student.strip().casefold())
        if i is None:
            unmatched.append(student)
        elif i in paired:
            raise RosterError(f"Submission folders {paired[i]!r} and {student!r} are both {match_column} "
                              f"{roster.students[i][roster.index(match_column)]!r}: merge or rename one.")
        else:
            paired[i] = student
    at = roster.index(match_column)
    if book.students and not paired:
        sample = ", ".join(repr(row[at]) for row in roster.students[:3])
        raise RosterError(f"No submission folder ({', '.join(book.students[:3])}...) is a {match_column} of "
                          f"roster {roster.path} ({sample}...): pass --roster-column with the column holding "
                          f"the folder names.")
    absent = [f"{row[0]} ({row[at] or f'no {match_column}'})" for i, row in enumerate(roster.students)
              if i not in paired]
    return paired, unmatched, absent


def _cells_of(book: Gradebook, columns: Sequence[Column], missing_as_zero: bool):
    """A function giving a student's (or None's) score cells."""
    grades = {(r.student, r.notebook): r for r in book.rows}

    def cells(student: str | None) -> list[str]:
        return [_cell(grades.get((student, c.notebook)) if student else None, c, missing_as_zero) for c in columns]

    return cells


def _wide_table(book: Gradebook, roster: Roster | None, match_column: str | None, columns: Sequence[Column],
                paired: dict[int, str], missing_as_zero: bool) -> list[list[str]]:
    """``student`` (or the roster's match column), one column per notebook,
    ``total`` and ``max_total``; one row per roster student, or per
    gradebook student without a roster."""
    cells = _cells_of(book, columns, missing_as_zero)
    maximum = _number(sum(c.points if c.points is not None else c.max_points for c in columns))
    if roster is None:
        first, entries = "student", [(s, s) for s in book.students]
    else:
        first = match_column or "student"
        at = roster.index(first)
        entries = [(row[at], paired.get(i)) for i, row in enumerate(roster.students)]
    table = [[first, *(c.header for c in columns), "total", "max_total"]]
    for name, student in entries:
        row = cells(student)
        table.append([name, *row, _number(sum(float(c) for c in row if c)) if any(row) else "", maximum])
    return table


def _lms_table(book: Gradebook, roster: Roster, fmt: str, columns: Sequence[Column], paired: dict[int, str],
               missing_as_zero: bool) -> list[list[str]]:
    """The roster's student columns, then the notebooks' (see the module doc)."""
    cells = _cells_of(book, columns, missing_as_zero)
    info = list(roster.header[:roster.info_columns])
    headers = [c.header for c in columns]
    if fmt == "canvas":
        pp = ["    Points Possible"] + [""] * (len(info) - 1)  # Canvas' own export writes the four spaces
        pp += [_number(c.points if c.points is not None else c.max_points) for c in columns]
        return [info + headers, pp] + [list(row[:len(info)]) + cells(paired.get(i))
                                      for i, row in enumerate(roster.students)]
    stamp = [roster.header.index(_MOODLE_EXPORTED)] if _MOODLE_EXPORTED in roster.header else []
    return [info + headers + [_MOODLE_EXPORTED] * len(stamp)] + [
        list(row[:len(info)]) + cells(paired.get(i)) + [row[j] for j in stamp] for i, row in enumerate(roster.students)]


def _match_column(roster: Roster, column: str | None) -> str:
    return column or DEFAULT_MATCH_COLUMN[roster.layout] or roster.header[0]


def export_grades(
    book: Gradebook,
    output: str | os.PathLike[str],
    *,
    format: str,
    roster: Roster | None = None,
    match_column: str | None = None,
    missing_as_zero: bool = False,
    points: Mapping[str, float] | None = None,
    assignments: Mapping[str, str] | None = None,
) -> ExportReport:
    """Write ``book`` to ``output`` in ``format`` (one of :data:`FORMATS`).

    Parameters
    ----------
    book : Gradebook
        From :func:`~coursework.lms.read_gradebook` or
        :func:`~coursework.lms.gradebook_from_grades`.
    roster : Roster, optional
        The LMS's own gradebook export; required for ``canvas`` and
        ``moodle``, optional for ``wide`` (then one row per roster student).
    match_column : str, optional
        The roster column holding the students' folder names (default:
        ``SIS Login ID`` for Canvas, ``Email address`` for Moodle, the first
        column of another CSV); compared stripped and case-insensitively.
    missing_as_zero : bool
        Write 0, not an empty cell, for a student without the notebook.
    points : mapping, optional
        ``{notebook: points}`` (name, stem or prefix such as ``"03"``): scale
        the notebook's points to the LMS assignment's; overrides the Canvas
        roster's ``Points Possible`` row, which otherwise sets the scale.
    assignments : mapping, optional
        ``{notebook: roster column}`` where the automatic match (by title,
        then by number) fails or is ambiguous.

    Returns
    -------
    ExportReport

    Raises
    ------
    ValueError
        For an unknown format, a roster of the wrong layout or without the
        match column (:class:`~coursework.lms.RosterError`), or an ambiguous
        notebook selector or assignment match.

    Example
    -------
    >>> from coursework.lms import read_gradebook, read_roster, export_grades
    >>> report = export_grades(read_gradebook("gradebook.csv"), "canvas.csv", format="canvas",
    ...                        roster=read_roster("canvas_gradebook.csv"))  # doctest: +SKIP
    >>> print(report.summary())  # doctest: +SKIP
    """
    if format not in FORMATS:
        raise ValueError(f"Unknown export format {format!r}: choose one of {', '.join(FORMATS)}.")
    needed = FORMATS[format]
    if needed and roster is None:
        raise ValueError(f"A {format} export needs the roster: download the gradebook from {format.title()} "
                         f"and pass it as --roster.")
    if needed and roster is not None and roster.layout != needed:
        raise RosterError(f"Roster {roster.path} looks like a {roster.layout} gradebook, not {format}'s "
                          f"(its columns: {', '.join(roster.header[:8])}...). Pass the file {format.title()} exports.")
    if roster is None and match_column:
        raise ValueError("--roster-column needs a --roster.")
    paired: dict[int, str] = {}
    unmatched: list[str] = []
    absent: list[str] = []
    if roster is not None:
        paired, unmatched, absent = _match(book, roster, _match_column(roster, match_column))
    columns = plan_columns(book, roster, format, points or {}, assignments or {})
    if roster is None or format == "wide":
        column = _match_column(roster, match_column) if roster is not None else None
        table = _wide_table(book, roster, column, columns, paired, missing_as_zero)
    else:
        table = _lms_table(book, roster, format, columns, paired, missing_as_zero)
    output = Path(output)
    if output.parent != Path(""):
        output.parent.mkdir(parents=True, exist_ok=True)
    bom = roster is not None and roster.bom
    with output.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        csv.writer(fh, delimiter=roster.delimiter if roster else ",").writerows(table)
    exported = set(paired.values()) if roster is not None else set(book.students)
    failed = tuple(f"{r.student}/{r.notebook}" for r in book.rows if r.status == "error" and r.student in exported)
    return ExportReport(output, format, columns, len(table) - (2 if format == "canvas" else 1),
                        tuple(unmatched), tuple(absent), failed)
