"""The exported files, column by column, against the formats as the LMSs
document and implement them.

Canvas: the Canvas Instructor Guide, "How do I import grades in the
Gradebook?" (community.canvaslms.com); Ohio State's "Import a CSV File into
Carmen Grades"
(teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades:
"Student Name ... OR Student ID OR Student SIS User ID", "SIS Login ID",
"Section", "Assignment Name"); and the code that reads the file,
``app/models/gradebook_importer.rb`` in github.com/instructure/canvas-lms: the header starts ``Student, ID``, the
student columns end with ``Section`` (``header?``), SIS User ID and SIS
Login ID follow ID, an assignment column is ``Title (id)`` (a new title
creates an assignment), a first cell holding ``Points Possible`` marks the
points row, and an empty cell is no grade.

Moodle: Moodle Docs, "Grade import" (docs.moodle.org/en/Grade_import), and
``grade/import/csv``: one column identifies the user (mapped to user id,
username, ID number or email address), each other column maps to a grade
item, ``''`` or ``-`` is no grade; a user the identifier does not find
aborts the whole import.
"""

from __future__ import annotations

import csv
import re

import pytest

from coursework.lms import RosterError, export_grades, gradebook_from_grades, read_gradebook, read_roster
from coursework.lms.export import _number
from tests.lms.conftest import DATA, NB1, NB2, make_class

CANVAS_NB1, CANVAS_NB2 = "Notebook 01: linear classification (101)", "Notebook 02 (102)"


def _rows(path):
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def canvas():
    return read_roster(DATA / "canvas_gradebook.csv")


@pytest.fixture
def moodle():
    return read_roster(DATA / "moodle_grades.csv")


def test_canvas_export_column_by_column(gradebook_csv, canvas, tmp_path):
    report = export_grades(read_gradebook(gradebook_csv), tmp_path / "canvas.csv", format="canvas", roster=canvas)
    header, points, *students = _rows(tmp_path / "canvas.csv")
    # Canvas' documented student columns, then one column per notebook named as Canvas named the assignment
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", CANVAS_NB1, CANVAS_NB2]
    assert "Points Possible" in points[0] and points[1:5] == ["", "", "", ""]
    assert points[5:] == ["10", "4"]  # the roster's Points Possible row: notebook 01 (5 points) scaled to 10
    # every roster student, in roster order, their cells as downloaded (commas, quotes, non-ASCII intact)
    assert [row[:5] for row in students] == [list(row[:5]) for row in canvas.students]
    assert {row[3]: row[5:] for row in students} == {
        "jdoe": ["8", "3"],        # 4/5 -> 8/10; 3/4
        "bobrien": ["5", ""],      # 2.5/5 -> 5/10; no notebook 02: empty, not 0
        "ZMuller": ["", "4"],      # the grader failed on 01: empty, listed
        "vnguyen": ["", ""],       # on the roster, submitted nothing
        "": ["", ""],              # Canvas' test student
    }
    assert report.unmatched == ("stranger",)
    assert report.no_submission == ("Nguyễn, Văn An (vnguyen)", "Student, Test (no SIS Login ID)")
    assert report.not_graded == ("zmuller/01_linear_classification.ipynb",)
    assert report.students == 5 and not any(c.new for c in report.columns)
    assert "Not exported, no roster entry (1): stranger" in report.summary()


def _canvas_student_columns(row: list[str]) -> int:
    """``GradebookImporter#update_column_count``, transliterated: how many
    leading columns Canvas reads as the student's (name, ID, SIS ids, Section)."""
    count = 3
    if re.search(r"SIS\s+Login\s+ID", row[2]):
        count += 1
    elif re.search(r"SIS\s+User\s+ID", row[2]) and re.search(r"SIS\s+Login\s+ID", row[3]):
        count += 2 + (1 if re.search(r"Integration\s+ID", row[4]) else 0)
    return count


def test_canvas_importer_header_rule_holds(gradebook_csv, canvas, tmp_path):
    """``GradebookImporter#header?``: row[0] includes Student, row[1] includes
    ID, and the last student column is Section; the rest are assignments."""
    export_grades(read_gradebook(gradebook_csv), tmp_path / "c.csv", format="canvas", roster=canvas)
    header = _rows(tmp_path / "c.csv")[0]
    assert "Student" in header[0] and "ID" in header[1]
    count = _canvas_student_columns(header)
    assert "Section" in header[count - 1]
    assert header[count:] == [CANVAS_NB1, CANVAS_NB2]


def test_missing_as_zero_fills_missing_work_but_not_grader_failures(grades, canvas, tmp_path):
    export_grades(gradebook_from_grades(grades), tmp_path / "c.csv", format="canvas", roster=canvas,
                  missing_as_zero=True)
    cells = {row[3]: row[5:] for row in _rows(tmp_path / "c.csv")[2:]}
    assert cells["bobrien"] == ["5", "0"] and cells["vnguyen"] == ["0", "0"]
    assert cells["ZMuller"] == ["", "4"]  # status error: regrade, never a silent 0


def test_points_option_overrides_the_roster_and_scales(grades, canvas, tmp_path):
    report = export_grades(gradebook_from_grades(grades), tmp_path / "c.csv", format="canvas", roster=canvas,
                           points={"01": 20, "02_softmax_cross_entropy": 3})
    header, points, *students = _rows(tmp_path / "c.csv")
    assert points[5:] == ["20", "3"]
    assert {row[3]: row[5:] for row in students}["jdoe"] == ["16", "2.25"]
    assert "scaled from 4 to 3 points" in report.summary()


def test_numbers_have_at_most_two_decimals_and_no_exponent():
    assert [_number(20 / 3), _number(7.0), _number(2.5), _number(1234567.0)] == ["6.67", "7", "2.5", "1234567"]


def test_a_notebook_the_roster_lacks_becomes_a_new_canvas_column(grades, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Notebook 1 (11)\n"
                    "    Points Possible,,,,,5.00\n\"Doe, Jane\",1,S1,jdoe,A,\n", encoding="utf-8")
    report = export_grades(gradebook_from_grades(grades), tmp_path / "c.csv", format="canvas",
                           roster=read_roster(path))
    header, points, jane = _rows(tmp_path / "c.csv")
    assert header[5:] == ["Notebook 1 (11)", "02_softmax_cross_entropy"]  # no id: Canvas creates it
    assert points[5:] == ["5", "4"] and jane[5:] == ["4", "3"]
    assert [c.new for c in report.columns] == [False, True]


def test_an_ambiguous_assignment_asks_for_the_option(grades, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Notebook 1 (11),Notebook 1 retake (12)\n"
                    "\"Doe, Jane\",1,S1,jdoe,A,,\n", encoding="utf-8")
    roster = read_roster(path)
    with pytest.raises(ValueError, match=r"could be any of .*'Notebook 1 \(11\)', 'Notebook 1 retake \(12\)'.*"
                                         r"--assignment 01=COLUMN"):
        export_grades(gradebook_from_grades(grades), tmp_path / "c.csv", format="canvas", roster=roster)
    report = export_grades(gradebook_from_grades(grades), tmp_path / "c.csv", format="canvas", roster=roster,
                           assignments={"01": "Notebook 1 retake (12)"})
    assert report.columns[0].header == "Notebook 1 retake (12)"
    assert _rows(tmp_path / "c.csv")[0][5:] == ["Notebook 1 retake (12)", "02_softmax_cross_entropy"]


def test_moodle_export_matched_on_email(moodle, tmp_path):
    book = gradebook_from_grades(make_class({
        "Jane.Doe@uni.example": [(NB1, "ok", (2.0, 2.0)), (NB2, "ok", (3.0,))],
        "zoe.muller@uni.example": [(NB1, "ok", (1.0, 0.5)), (NB2, "missing", (0.0,))],
    }))
    report = export_grades(book, tmp_path / "m.csv", format="moodle", roster=moodle)
    header, *students = _rows(tmp_path / "m.csv")
    assert header == ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                      "Assignment: Notebook 01 (Real)", "Assignment: Notebook 02 (Real)",
                      "Last downloaded from this course"]
    assert [row[:6] for row in students] == [list(row[:6]) for row in moodle.students]
    assert [row[6:] for row in students] == [
        ["4", "3", "1764720000"], ["", "", "1764720000"], ["1.5", "", "1764720000"], ["", "", "1764720000"]]
    assert report.no_submission == ('"Bob", Jr. (bob.obrien@uni.example)', "Văn An (van.nguyen@uni.example)")


def test_moodle_export_on_another_column_with_scaling(moodle, tmp_path):
    book = gradebook_from_grades(make_class({"s1003": [(NB1, "ok", (2.0, 2.0)), (NB2, "ok", (4.0,))]}))
    export_grades(book, tmp_path / "m.csv", format="moodle", roster=moodle, match_column="ID number",
                  points={"01": 100})
    assert _rows(tmp_path / "m.csv")[3][6:8] == ["80", "4"]


def test_wide_export_without_and_with_a_roster(grades, canvas, tmp_path):
    book = gradebook_from_grades(grades)
    export_grades(book, tmp_path / "w.csv", format="wide")
    assert _rows(tmp_path / "w.csv") == [
        ["student", "01_linear_classification", "02_softmax_cross_entropy", "total", "max_total"],
        ["bobrien", "2.5", "", "2.5", "9"], ["jdoe", "4", "3", "7", "9"], ["stranger", "5", "4", "9", "9"],
        ["zmuller", "", "4", "4", "9"]]
    report = export_grades(book, tmp_path / "w2.csv", format="wide", roster=canvas)
    assert [row[0] for row in _rows(tmp_path / "w2.csv")] == ["SIS Login ID", "jdoe", "bobrien", "ZMuller",
                                                                 "vnguyen", ""]
    assert report.unmatched == ("stranger",)


def test_the_roster_must_be_the_formats_own(grades, canvas, moodle, tmp_path):
    book = gradebook_from_grades(grades)
    with pytest.raises(RosterError, match="looks like a canvas gradebook, not moodle's"):
        export_grades(book, tmp_path / "m.csv", format="moodle", roster=canvas)
    with pytest.raises(ValueError, match="needs the roster"):
        export_grades(book, tmp_path / "c.csv", format="canvas")
    with pytest.raises(ValueError, match="Unknown export format 'blackboard'"):
        export_grades(book, tmp_path / "c.csv", format="blackboard", roster=canvas)


def test_no_folder_matching_the_column_is_an_error_not_an_empty_export(grades, moodle, tmp_path):
    with pytest.raises(RosterError, match="No submission folder .* is a Email address.*--roster-column"):
        export_grades(gradebook_from_grades(grades), tmp_path / "m.csv", format="moodle", roster=moodle)
    assert not (tmp_path / "m.csv").exists()


def test_the_roster_delimiter_and_bom_are_kept(grades, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("Student;ID;SIS User ID;SIS Login ID;Section;Notebook 01 (7)\n"
                     "    Points Possible;;;;;10\n\"Doe; Jane\";1;S1;jdoe;A;\n".encode("utf-8-sig"))
    export_grades(gradebook_from_grades(grades), tmp_path / "c.csv", format="canvas", roster=read_roster(path))
    raw = (tmp_path / "c.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[2] == '"Doe; Jane";1;S1;jdoe;A;8;3'


def test_two_folders_for_one_roster_student_are_an_error(canvas, tmp_path):
    book = gradebook_from_grades(make_class({"JDoe": [(NB1, "ok", (1.0, 1.0))], "jdoe": [(NB1, "ok", (2.0, 2.0))]}))
    with pytest.raises(RosterError, match="'JDoe' and 'jdoe' are both SIS Login ID 'jdoe'"):
        export_grades(book, tmp_path / "c.csv", format="canvas", roster=canvas)
