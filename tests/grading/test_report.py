"""report: the gradebook CSV and the summary."""

from __future__ import annotations

from coursework.grading import (
    ClassGrades,
    Exercise,
    SubmissionGrade,
    format_summary,
    write_gradebook,
)
from coursework.grading.execution.spec import GIB
from coursework.grading.report import NO_SANDBOX_NOTE


def _fake_grades(sandboxed: bool = True) -> ClassGrades:
    exercises = [Exercise("01_a.ipynb", "a-tests", 2.0), Exercise("02_b.ipynb", "b-tests", 1.5)]
    results = [
        SubmissionGrade("ann", "01_a.ipynb", "ok", {"a-tests": 2.0}, {"a-tests": 2.0}, peak_memory=GIB // 2),
        SubmissionGrade("ann", "02_b.ipynb", "ok", {"b-tests": 0.0}, {"b-tests": 1.5},
                        reasons={"b-tests": "AssertionError: no"},
                        notes=["b-tests: test cell edited; graded the original"]),
        SubmissionGrade("bob", "01_a.ipynb", "missing", {"a-tests": 0.0}, {"a-tests": 2.0},
                        problem="missing notebook"),
        SubmissionGrade("bob", "02_b.ipynb", "ok", {"b-tests": 1.5}, {"b-tests": 1.5}),
    ]
    return ClassGrades(exercises, ["01_a.ipynb", "02_b.ipynb"], ["ann", "bob"], results, seconds=12.0,
                       sandboxed=sandboxed)


def test_write_gradebook_format(tmp_path):
    path = write_gradebook(_fake_grades(), tmp_path / "out" / "gradebook.csv")
    assert path.read_text().splitlines() == [
        "student,notebook,a-tests,b-tests,total,max_total,status,reasons,notes",
        "ann,01_a.ipynb,2,,2,2,ok,,",
        "ann,02_b.ipynb,,0,0,1.5,ok,b-tests: AssertionError: no,b-tests: test cell edited; graded the original",
        "bob,01_a.ipynb,0,,0,2,missing,missing notebook,",
        "bob,02_b.ipynb,,1.5,1.5,1.5,ok,,",
    ]


def test_no_sandbox_is_recorded_in_every_row_and_the_summary(tmp_path):
    lines = write_gradebook(_fake_grades(sandboxed=False), tmp_path / "g.csv").read_text().splitlines()
    assert all(NO_SANDBOX_NOTE in line for line in lines[1:])
    assert "WARNING: graded without the sandbox (--no-sandbox)" in format_summary(_fake_grades(sandboxed=False))


def test_format_summary():
    summary = format_summary(_fake_grades())
    assert "| ann | 2/2 | 0/1.5 | 2/3.5 |" in summary
    assert "| bob | 0/2 (missing) | 1.5/1.5 | 1.5/3.5 |" in summary
    assert "| mean | 1/2 | 0.75/1.5 | 1.75/3.5 |" in summary
    assert "- bob/01_a.ipynb: missing: missing notebook" in summary
    assert "Graded 4 submissions (2 students x 2 notebooks) in 12.0 s" in summary
    assert "Largest memory use: 01_a 0.50 GB." in summary
    assert "WARNING" not in summary
