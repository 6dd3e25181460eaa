"""``python -m coursework export`` and ``grade --export``: exit 0 when the
file is written, 2 with a clear message for a usage error; ``grade`` checks
the roster before grading anything."""

from __future__ import annotations

import csv

import pytest

import coursework.grading.cli as grade_cli
from coursework.__main__ import SUBCOMMANDS
from coursework.__main__ import main as coursework_main
from coursework.lms.cli import main
from tests.lms.conftest import DATA

CANVAS = str(DATA / "canvas_gradebook.csv")


def test_export_is_a_subcommand(gradebook_csv, tmp_path, capsys):
    assert SUBCOMMANDS["export"][0] == "coursework.lms.cli"
    out = tmp_path / "build" / "canvas.csv"
    assert coursework_main(["export", str(gradebook_csv), "--roster", CANVAS, "--format", "canvas",
                            "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Export (canvas): {out}, 5 students." in printed
    assert "Not exported, no roster entry (1): stranger" in printed
    assert "On the roster, no submission (2): Nguyễn, Văn An (vnguyen)" in printed
    with out.open(newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh))[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


@pytest.mark.parametrize("extra, message", [
    (["--format", "canvas"], "a canvas export needs --roster"),
    (["--format", "canvas", "--roster", "nowhere.csv"], "Roster nowhere.csv does not exist"),
    (["--format", "canvas", "--roster", CANVAS, "--roster-column", "Login"], "has no column 'Login'"),
    (["--format", "wide", "--points", "03"], "--points takes NOTEBOOK=POINTS"),
    (["--format", "wide", "--points", "01=-3"], "the points must be a number > 0"),
    (["--format", "blackboard"], "invalid choice: 'blackboard'"),
])
def test_usage_errors_exit_2_with_a_message(gradebook_csv, tmp_path, capsys, extra, message):
    with pytest.raises(SystemExit) as exit:
        main([str(gradebook_csv), "--output", str(tmp_path / "x.csv"), *extra])
    assert exit.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_problems_found_while_exporting_exit_2(gradebook_csv, tmp_path, capsys):
    assert main([str(tmp_path / "none.csv"), "--format", "wide", "--output", str(tmp_path / "x.csv")]) == 2
    assert "Gradebook" in capsys.readouterr().err
    duplicate = tmp_path / "roster.csv"
    duplicate.write_text((DATA / "canvas_gradebook.csv").read_text(encoding="utf-8") + "Again,9,S9,jdoe,A\n",
                         encoding="utf-8")
    assert main([str(gradebook_csv), "--format", "canvas", "--roster", str(duplicate),
                 "--output", str(tmp_path / "x.csv")]) == 2
    assert "both have SIS Login ID 'jdoe'" in capsys.readouterr().err


def test_grade_refuses_a_bad_roster_before_grading(monkeypatch, tmp_path, capsys):
    def never(*args, **kwargs):
        raise AssertionError("graded before checking the roster")

    monkeypatch.setattr(grade_cli, "grade_submissions", never)
    for extra, message in [
        (["--roster", "nowhere.csv", "--export", "canvas", "c.csv"], "does not exist"),
        (["--roster", CANVAS], "pass --export FORMAT PATH too"),
        (["--export", "moodle", "m.csv"], "a moodle export needs --roster"),
        (["--export", "pdf", "m.csv"], "unknown export format 'pdf'"),
    ]:
        with pytest.raises(SystemExit) as exit:
            grade_cli.main([str(tmp_path), "--graded-dir", "", "--output", str(tmp_path / "g.csv"), *extra])
        assert exit.value.code == 2
        assert message in capsys.readouterr().err


def test_grade_writes_the_gradebook_then_the_export(grades, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(grade_cli, "grade_submissions", lambda *args, **kwargs: grades)
    status = grade_cli.main([str(tmp_path), "--graded-dir", "", "--output", str(tmp_path / "g.csv"),
                             "--roster", CANVAS, "--export", "canvas", str(tmp_path / "canvas.csv"),
                             "--missing-as-zero"])
    assert status == 1  # zmuller's notebook 01: nbgrader failed (status error), as without --export
    assert (tmp_path / "g.csv").is_file()
    with (tmp_path / "canvas.csv").open(newline="", encoding="utf-8") as fh:
        rows = {row[3]: row[5:] for row in list(csv.reader(fh))[2:]}
    assert rows["bobrien"] == ["5", "0"] and rows["vnguyen"] == ["0", "0"]
    assert "Left empty, the grader failed (1): zmuller/01_linear_classification.ipynb" in capsys.readouterr().out


def test_an_export_failing_after_grading_says_the_gradebook_is_written(grades, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(grade_cli, "grade_submissions", lambda *args, **kwargs: grades)
    moodle = str(DATA / "moodle_grades.csv")
    status = grade_cli.main([str(tmp_path), "--graded-dir", "", "--output", str(tmp_path / "g.csv"),
                             "--roster", moodle, "--export", "moodle", str(tmp_path / "m.csv")])
    assert status == 2
    err = capsys.readouterr().err
    assert "No submission folder" in err and "python -m coursework export GRADEBOOK" in err
    assert (tmp_path / "g.csv").is_file()
