"""Command line: ``python -m coursework export GRADEBOOK``, and the export
options of ``python -m coursework grade``.

::

    python -m coursework export gradebook.csv --roster canvas_gradebook.csv --format canvas --output build/canvas.csv
    python -m coursework export gradebook.csv --roster moodle_grades.csv --format moodle --output build/moodle.csv
    python -m coursework export gradebook.csv --format wide --output build/wide.csv --points 03=10
    python -m coursework grade submissions/ --roster canvas_gradebook.csv --export canvas build/canvas.csv

Exit status: 0 when the file was written (students left out or left empty
are listed), 2 for a usage error: a file missing, a roster of the wrong
layout, without the match column or naming a student twice, an ambiguous
notebook or assignment.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .export import FORMATS, export_grades
from .gradebook import Gradebook, gradebook_from_grades, read_gradebook
from .roster import Roster, read_roster

if TYPE_CHECKING:
    from ..grading.model import ClassGrades

__all__ = ["add_roster_arguments", "add_export_options", "prepare_export", "main"]


def add_roster_arguments(parser: argparse.ArgumentParser) -> None:
    """The options ``export`` and ``grade`` share: the roster and how to fill it."""
    add = parser.add_argument
    add("--roster", metavar="CSV",
        help="the LMS's own gradebook export, as downloaded (Canvas: Grades > Export > Export Entire Gradebook; "
        "Moodle: Grades > Export > Plain text file); the export keeps its students, order and columns")
    add("--roster-column", metavar="COLUMN",
        help="roster column holding the submission folder names (default: 'SIS Login ID' for Canvas, "
        "'Email address' for Moodle, the first column of another CSV)")
    add("--missing-as-zero", action="store_true",
        help="write 0 for a student without the notebook (default: an empty cell, which the LMS reads as no grade)")
    add("--points", action="append", default=[], metavar="NOTEBOOK=POINTS",
        help="scale a notebook's points to its LMS assignment's, e.g. --points 03=10 (repeat per notebook; "
        "default: the Canvas roster's Points Possible row, else no scaling)")
    add("--assignment", action="append", default=[], metavar="NOTEBOOK=COLUMN",
        help="the roster column of a notebook when matching by title or number fails or is ambiguous, "
        "e.g. --assignment '03=Lab 3 (12345)'")


def add_export_options(parser: argparse.ArgumentParser) -> None:
    """``grade``'s options: :func:`add_roster_arguments` and ``--export FORMAT PATH``."""
    parser.add_argument("--export", nargs=2, metavar=("FORMAT", "PATH"),
                        help=f"also write the grades for the LMS: FORMAT is one of {', '.join(FORMATS)} "
                        "(canvas and moodle need --roster); see `python -m coursework export --help`")
    add_roster_arguments(parser)


def _pairs(parser: argparse.ArgumentParser, items: Sequence[str], option: str, number: bool) -> dict:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not (sep and key.strip() and value.strip()):
            parser.error(f"{option} takes NOTEBOOK={'POINTS' if number else 'COLUMN'}, e.g. "
                         f"{option} {'03=10' if number else '03=Notebook 3 (1234)'}; got {item!r}.")
        if number:
            try:
                value = float(value)
            except ValueError:
                value = -1.0
            if value <= 0:
                parser.error(f"{option} {item}: the points must be a number > 0.")
        pairs[key.strip()] = value
    return pairs


def _load_roster(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Roster | None:
    if args.roster is None:
        return None
    try:
        return read_roster(args.roster)
    except (FileNotFoundError, ValueError) as exc:
        parser.error(str(exc))


def prepare_export(parser: argparse.ArgumentParser, args: argparse.Namespace, fmt: str | None = None,
                   output: str | None = None) -> Callable[[Gradebook | ClassGrades], int] | None:
    """Check the export options now (a bad roster fails before grading, not
    after) and return the function that writes the export and prints its
    summary (returning the exit status), or None when nothing is exported.

    ``fmt`` and ``output`` default to ``args.export``; usage errors exit 2
    through ``parser.error``.
    """
    if fmt is None and getattr(args, "export", None):
        fmt, output = args.export
    if fmt is None:
        if args.roster or args.roster_column or args.points or args.assignment or args.missing_as_zero:
            parser.error("--roster, --roster-column, --points, --assignment and --missing-as-zero only apply "
                         "to an export: pass --export FORMAT PATH too.")
        return None
    if fmt not in FORMATS:
        parser.error(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    points = _pairs(parser, args.points, "--points", number=True)
    assignments = _pairs(parser, args.assignment, "--assignment", number=False)
    roster = _load_roster(parser, args)
    if FORMATS[fmt] and roster is None:
        parser.error(f"a {fmt} export needs --roster: the gradebook {fmt.title()} exports, as downloaded.")
    if roster is not None and args.roster_column:
        try:
            roster.index(args.roster_column)
        except ValueError as exc:
            parser.error(str(exc))

    def export(grades: Gradebook | ClassGrades) -> int:
        try:
            book = grades if isinstance(grades, Gradebook) else gradebook_from_grades(grades)
            report = export_grades(book, output, format=fmt, roster=roster, match_column=args.roster_column,
                                   missing_as_zero=args.missing_as_zero, points=points, assignments=assignments)
        except ValueError as exc:
            again = "" if isinstance(grades, Gradebook) else (
                " The gradebook is written: export it again with `python -m coursework export GRADEBOOK "
                "--format ...`, no need to regrade.")
            print(f"error: {exc}{again}", file=sys.stderr)
            return 2
        print(report.summary())
        return 0

    return export


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework export`` (see the module doc)."""
    parser = argparse.ArgumentParser(
        prog="python -m coursework export",
        description="Write a gradebook from `python -m coursework grade` in the layout an LMS imports "
        "(Canvas, Moodle) or as a wide CSV, without grading again.",
    )
    parser.add_argument("gradebook", metavar="GRADEBOOK", help="the CSV gradebook that `grade` wrote")
    parser.add_argument("--format", required=True, choices=list(FORMATS), help="the layout to write")
    parser.add_argument("--output", required=True, metavar="PATH", help="the file to write")
    add_roster_arguments(parser)
    args = parser.parse_args(argv)
    export = prepare_export(parser, args, args.format, args.output)
    try:
        book = read_gradebook(args.gradebook)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return export(book)
