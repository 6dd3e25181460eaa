"""Read the roster: the gradebook an LMS exports, as the instructor downloads it.

Three layouts are recognised from the header (:func:`read_roster`):

``canvas``
    Canvas' gradebook export (Grades > Export > Export Entire Gradebook):
    ``Student, ID, SIS User ID, SIS Login ID, [Integration ID], [Root
    Account], Section``, the custom columns, one column per assignment named
    ``Title (assignment id)``, then read-only totals (``Current Score``...).
    Under the header, an optional ``Manual Posting`` row and a ``Points
    Possible`` row.  As Canvas writes it in ``lib/gradebook_exporter.rb`` and
    reads it back in ``app/models/gradebook_importer.rb`` (instructure/canvas-lms).
``moodle``
    Moodle's "Export to plain text file": the user profile fields (``First
    name, Last name, ID number, Institution, Department, Email address`` by
    default), one column per grade item named ``Module: item (Real)``, the
    course total and ``Last downloaded from this course``
    (``grade/export/lib.php``, ``format_column_name``).
``plain``
    Any other CSV with a header: one row per student, only usable for the
    ``wide`` export.

The file is read as UTF-8 (a byte-order mark is allowed and remembered, so
the export can write one back); the delimiter (comma, semicolon as Canvas
writes for some locales, or tab) is taken from the header line.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_MATCH_COLUMN", "RosterError", "Roster", "read_roster"]

#: The roster column that student folder names are matched to, by layout.
DEFAULT_MATCH_COLUMN = {"canvas": "SIS Login ID", "moodle": "Email address", "plain": None}

#: Canvas: columns after ``Section`` that are computed, never assignments
#: (``GradebookImporter::NON_ASSIGNMENT_COLUMN_HEADERS``; "Unposted ..." too).
_CANVAS_COMPUTED = re.compile(r"(Current|Final|Override|Unposted) (Score|Points|Grade|Status)")
_CANVAS_HIDDEN_ROW = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE)
_CANVAS_ID = re.compile(r"^(?P<title>.*?)\s*\((?P<id>\d+)\)$")
#: Moodle: a grade item column, ``{name} ({display type})``, and the profile fields it may export.
_MOODLE_ITEM = re.compile(r"^(?P<name>.+) \((?P<kind>Real|Percentage|Letter|Feedback)\)$")
_MOODLE_EXPORTED = "Last downloaded from this course"
_MOODLE_PROFILE = {"First name", "Last name", "Surname", "ID number", "Email address", "Username"}
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


class RosterError(ValueError):
    """The roster cannot be used: unreadable, lacking the match column,
    or naming a student twice."""


@dataclass(frozen=True)
class Roster:
    """A roster as downloaded, kept cell for cell so the export can write the
    same layout back.

    Attributes
    ----------
    layout : str
        ``"canvas"``, ``"moodle"`` or ``"plain"``.
    header : tuple of str
        The header row.
    info_columns : int
        How many leading columns describe the student (Canvas: through
        ``Section``; Moodle: the profile fields).
    assignments : tuple of str
        The header names of the gradable columns (Canvas assignments,
        Moodle grade items), in file order.
    points_row : tuple of str or None
        Canvas' ``Points Possible`` row.
    students : tuple of tuple of str
        One row per student, each as long as the header.
    delimiter : str
        The file's delimiter.
    bom : bool
        Whether the file starts with a UTF-8 byte-order mark.
    """

    path: Path
    layout: str
    header: tuple[str, ...]
    info_columns: int
    assignments: tuple[str, ...]
    points_row: tuple[str, ...] | None
    students: tuple[tuple[str, ...], ...]
    delimiter: str = ","
    bom: bool = False

    def index(self, column: str) -> int:
        """The position of ``column`` in the header.

        Raises
        ------
        RosterError
            If the roster has no such column (the message lists them).
        """
        if column not in self.header:
            raise RosterError(f"Roster {self.path} has no column {column!r}; its columns: "
                              f"{', '.join(self.header)}. Pass --roster-column with one of them.")
        return self.header.index(column)

    def points(self, column: str) -> float | None:
        """The assignment's points in the ``Points Possible`` row, if any."""
        if self.points_row is None:
            return None
        cell = self.points_row[self.index(column)].strip()
        return float(cell.replace(",", ".")) if _NUMBER.match(cell) else None

    def title(self, column: str) -> str:
        """The assignment's name without Canvas' ``(id)`` or Moodle's
        ``Module: `` and ``(Real)``."""
        match = _CANVAS_ID.match(column) if self.layout == "canvas" else _MOODLE_ITEM.match(column)
        name = match.group(1) if match else column
        return name.split(": ", 1)[-1] if self.layout == "moodle" else name

    def keys(self, column: str) -> list[str]:
        """Each student's match key (``column``'s cell, stripped and
        case-folded; ``""`` where empty), in roster order.

        Raises
        ------
        RosterError
            If two students share a non-empty key: which folder is whose
            would be a guess.
        """
        at = self.index(column)
        keys = [row[at].strip().casefold() for row in self.students]
        first: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key and key in first:
                raise RosterError(
                    f"Roster {self.path}: {self.students[first[key]][0]!r} and {self.students[i][0]!r} both have "
                    f"{column} {self.students[i][at]!r}, so a submission folder of that name could be either's. "
                    f"Fix the roster or match on another column (--roster-column).")
            first.setdefault(key, i)
        return keys


def _read_rows(path: Path) -> tuple[list[list[str]], str, bool]:
    if not path.is_file():
        raise FileNotFoundError(f"Roster {path} does not exist: download the gradebook from the LMS (Canvas: "
                                f"Grades > Export > Export Entire Gradebook; Moodle: Grades > Export > "
                                f"Plain text file).")
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError(f"Roster {path} is not UTF-8 ({exc.reason} at byte {exc.start}): export it from the "
                          f"LMS again, or save it from a spreadsheet as 'CSV UTF-8'.") from None
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    rows = [row for row in csv.reader(text.splitlines(), delimiter=delimiter) if any(c.strip() for c in row)]
    if not rows:
        raise RosterError(f"Roster {path} is empty.")
    return rows, delimiter, bom


def _layout(header: list[str]) -> str:
    if header[0].startswith(("Student", "LastName")) and "ID" in header[1:3] and "Section" in header:
        return "canvas"
    if _MOODLE_PROFILE & set(header) or any(_MOODLE_ITEM.match(h) for h in header):
        return "moodle"
    return "plain"


def read_roster(path: str | os.PathLike[str]) -> Roster:
    """Read a roster and recognise its layout (see the module doc).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    RosterError
        If it is not UTF-8 or holds no header.
    """
    path = Path(path)
    rows, delimiter, bom = _read_rows(path)
    header = tuple(h.strip() for h in rows[0])
    width = len(header)
    body = [tuple(row[:width]) + ("",) * (width - len(row)) for row in rows[1:]]
    layout = _layout(list(header))
    points_row = None
    if layout == "canvas":
        points_row = next((row for row in body if "Points Possible" in row[0]), None)
        body = [row for row in body if row is not points_row and not all(_CANVAS_HIDDEN_ROW.match(c) for c in row)]
        info = header.index("Section") + 1
        candidates = [h for h in header[info:] if not _CANVAS_COMPUTED.search(h)]
        if points_row is not None:  # custom columns have no points (or "(read only)")
            candidates = [h for h in candidates if _NUMBER.match(points_row[header.index(h)].strip())]
        assignments = tuple(candidates)
    elif layout == "moodle":
        info = next((i for i, h in enumerate(header) if _MOODLE_ITEM.match(h) or h == _MOODLE_EXPORTED), width)
        assignments = tuple(h for h in header if (m := _MOODLE_ITEM.match(h)) and m.group("kind") != "Feedback"
                            and not m.group("name").endswith("total"))
    else:
        info, assignments = width, ()
    return Roster(path, layout, header, info, assignments, points_row, tuple(body), delimiter, bom)
