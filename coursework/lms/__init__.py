"""Grades out to the LMS: the gradebook in Canvas', Moodle's or a wide CSV
layout, built from the roster the LMS itself exported.

* :mod:`~coursework.lms.gradebook`: the grades an export starts from, read
  from ``grade``'s CSV gradebook or taken from a graded class;
* :mod:`~coursework.lms.roster`: the LMS's own gradebook export, as
  downloaded (Canvas, Moodle, or a plain CSV);
* :mod:`~coursework.lms.columns`: which column each notebook goes to;
* :mod:`~coursework.lms.export`: the file the LMS imports;
* :mod:`~coursework.lms.cli`: ``python -m coursework export GRADEBOOK`` and
  the ``--roster``/``--export`` options of ``python -m coursework grade``.

The instructor's guide: ``docs/instructors.md``, "Exporting to Canvas or Moodle".
"""

from __future__ import annotations

from .columns import Column
from .export import FORMATS, ExportReport, export_grades
from .gradebook import GRADEBOOK_COLUMNS, Gradebook, NotebookGrade, gradebook_from_grades, read_gradebook
from .roster import DEFAULT_MATCH_COLUMN, Roster, RosterError, read_roster

__all__ = [
    "DEFAULT_MATCH_COLUMN",
    "FORMATS",
    "GRADEBOOK_COLUMNS",
    "Column",
    "ExportReport",
    "Gradebook",
    "NotebookGrade",
    "Roster",
    "RosterError",
    "export_grades",
    "gradebook_from_grades",
    "read_gradebook",
    "read_roster",
]
