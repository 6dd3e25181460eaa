"""The export reads the grader's own gradebook CSV (write_gradebook), and
the in-memory path of ``grade --export`` gives the same table."""

from __future__ import annotations

import pytest

from coursework.lms import GRADEBOOK_COLUMNS, NotebookGrade, gradebook_from_grades, read_gradebook
from tests.lms.conftest import NB1, NB2


def test_the_csv_write_gradebook_writes_reads_back_as_the_in_memory_table(grades, gradebook_csv):
    book = read_gradebook(gradebook_csv)
    assert book == gradebook_from_grades(grades)
    assert book.students == ("bobrien", "jdoe", "stranger", "zmuller")
    assert book.notebooks == (NB1, NB2)
    assert NotebookGrade("bobrien", NB1, 2.5, 5.0, "ok") in book.rows
    assert NotebookGrade("bobrien", NB2, 0.0, 4.0, "missing") in book.rows
    assert book.max_points(NB1) == 5.0 and book.max_points(NB2) == 4.0


def test_the_columns_it_needs_are_in_write_gradebooks_header(gradebook_csv):
    header = gradebook_csv.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert set(GRADEBOOK_COLUMNS) <= set(header)


def test_a_file_that_is_not_a_gradebook_is_refused_with_the_missing_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("student,points\nalice,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no notebook, total, max_total, status column"):
        read_gradebook(path)


def test_a_student_graded_twice_on_a_notebook_is_refused(gradebook_csv):
    lines = gradebook_csv.read_text(encoding="utf-8").splitlines()
    gradebook_csv.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="grades bobrien's 01_linear_classification.ipynb twice"):
        read_gradebook(gradebook_csv)


def test_a_total_that_is_not_a_number_names_the_line(gradebook_csv):
    text = gradebook_csv.read_text(encoding="utf-8").replace(",2.5,5,ok", ",two,5,ok")
    gradebook_csv.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: 'two' is not a number"):
        read_gradebook(gradebook_csv)


def test_a_missing_gradebook_says_which_file_to_pass(tmp_path):
    with pytest.raises(FileNotFoundError, match="gradebook.csv by default"):
        read_gradebook(tmp_path / "none.csv")
