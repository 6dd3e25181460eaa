"""Reading the LMSs' own gradebook exports as rosters.

The Canvas fixture follows Canvas' gradebook export as written by
``lib/gradebook_exporter.rb`` and read back by
``app/models/gradebook_importer.rb`` (github.com/instructure/canvas-lms) and
described in the Canvas Instructor Guide, "How do I export grades in the
Gradebook?" / "How do I import grades in the Gradebook?"
(community.canvaslms.com): ``Student, ID, SIS User ID, SIS Login ID,
Section``, custom columns, ``Title (id)`` per assignment, read-only totals,
an optional ``Manual Posting`` row and a ``Points Possible`` row.

The Moodle fixture follows Moodle's plain-text grade export
(``grade/export/lib.php``: ``format_column_name`` -> ``Module: item
(Real)``; ``Last downloaded from this course``) and the columns of Moodle's
own import test (``grade/import/csv/tests/load_data_test.php``), described
in Moodle Docs, "Grade export" and "Grade import" (docs.moodle.org/en/Grade_import).
"""

from __future__ import annotations

import pytest

from coursework.lms import Roster, RosterError, read_roster
from tests.lms.conftest import DATA


def test_canvas_roster_columns_points_and_rows():
    roster = read_roster(DATA / "canvas_gradebook.csv")
    assert roster.layout == "canvas"
    assert roster.header[:roster.info_columns] == ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
    # the custom column (Notes) and the computed totals are not assignments
    assert roster.assignments == ("Notebook 01: linear classification (101)", "Notebook 02 (102)", "Quiz 1 (201)")
    assert roster.points("Notebook 01: linear classification (101)") == 10.0
    assert roster.points("Notes") is None
    assert roster.title("Notebook 02 (102)") == "Notebook 02"
    # the Manual Posting and Points Possible rows are not students
    assert [row[0] for row in roster.students] == [
        "Doe, Jane", 'O\'Brien, "Bob" Jr.', "Müller, Zoë", "Nguyễn, Văn An", "Student, Test"]
    assert roster.keys("SIS Login ID") == ["jdoe", "bobrien", "zmuller", "vnguyen", ""]
    assert roster.delimiter == "," and not roster.bom


def test_moodle_roster_columns():
    roster = read_roster(DATA / "moodle_grades.csv")
    assert roster.layout == "moodle"
    assert roster.header[:roster.info_columns] == (
        "First name", "Last name", "ID number", "Institution", "Department", "Email address")
    assert roster.assignments == (
        "Assignment: Notebook 01 (Real)", "Assignment: Notebook 02 (Real)", "Quiz: Quiz 1 (Real)")
    assert roster.title("Assignment: Notebook 01 (Real)") == "Notebook 01"
    assert roster.points("Assignment: Notebook 01 (Real)") is None
    assert roster.students[1][:2] == ('"Bob", Jr.', "O'Brien")


def test_a_semicolon_roster_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("Student;ID;SIS User ID;SIS Login ID;Section;Notebook 01 (7)\n"
                     "    Points Possible;;;;;10,5\n\"Doe; Jane\";1;S1;jdoe;A;\n".encode("utf-8-sig"))
    roster = read_roster(path)
    assert (roster.layout, roster.delimiter, roster.bom) == ("canvas", ";", True)
    assert roster.header[0] == "Student"  # no BOM left in the name
    assert roster.points("Notebook 01 (7)") == 10.5
    assert roster.students == (("Doe; Jane", "1", "S1", "jdoe", "A", ""),)


def test_any_other_csv_is_a_plain_roster(tmp_path):
    path = tmp_path / "class.csv"
    path.write_text("login,name\njdoe,Jane\n", encoding="utf-8")
    roster = read_roster(path)
    assert (roster.layout, roster.assignments, roster.info_columns) == ("plain", (), 2)


def test_duplicate_students_are_an_error_naming_both(tmp_path):
    text = (DATA / "canvas_gradebook.csv").read_text(encoding="utf-8") + "\"Doe, John\",1005,S1005,JDoe ,Section C\n"
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    roster = read_roster(path)
    with pytest.raises(RosterError, match=r"'Doe, Jane' and 'Doe, John' both have SIS Login ID 'JDoe '"):
        roster.keys("SIS Login ID")
    assert len(roster.keys("SIS User ID")) == 6  # another column is still usable


def test_a_missing_match_column_lists_the_columns():
    roster = read_roster(DATA / "canvas_gradebook.csv")
    with pytest.raises(RosterError, match="no column 'Email'; its columns: Student, ID, "):
        roster.index("Email")


def test_a_roster_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("Student,ID,SIS Login ID,Section\nMüller,1,zm,A\n".encode("latin-1"))
    with pytest.raises(RosterError, match="not UTF-8.*CSV UTF-8"):
        read_roster(path)


def test_a_missing_or_empty_roster(tmp_path):
    with pytest.raises(FileNotFoundError, match="Export Entire Gradebook"):
        read_roster(tmp_path / "none.csv")
    (tmp_path / "empty.csv").write_text("\n", encoding="utf-8")
    with pytest.raises(RosterError, match="is empty"):
        read_roster(tmp_path / "empty.csv")


def test_the_roster_is_frozen():
    roster = read_roster(DATA / "moodle_grades.csv")
    assert isinstance(roster, Roster)
    with pytest.raises(AttributeError):
        roster.layout = "canvas"
