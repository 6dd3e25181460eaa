"""``grade --feedback DIR``: one HTML file per student and notebook, with the
points and reasons on top, the student's outputs, and no hidden test
unless ``--show-hidden``."""

from __future__ import annotations

import html
import re

import pytest

from coursework.commands import grade as grade_cli
from coursework.grading import grade_submissions
from coursework.grading.feedback import write_feedback
from tests.grading import synthetic
from tests.grading.conftest import needs_sandbox

HIDDEN = (synthetic.HIDDEN_DOUBLE, synthetic.HIDDEN_SQUARE, synthetic.HIDDEN_MEAN)
MARKER = "BEGIN HIDDEN TESTS"
# prints its argument: the hidden test's call double(-3) would show its input
SPY = "def double(x):\n    print('SPY called with', x)\n    print('SPY output of the answer cell')\n    return 2 * x"


@pytest.fixture(scope="module")
def feedback(course, tmp_path_factory):
    """A small class graded once, its feedback written without and with the hidden tests."""
    notebook_dir, source, released = course
    root = tmp_path_factory.mktemp("feedback")
    subs = synthetic.submissions(released, source)
    chosen = {k: subs[k] for k in ("full", "partial", "hidden-fail", "missing")}
    chosen["spy"] = synthetic.answered(released, double=SPY + "\nprint('SPY', double(5))")
    folder = synthetic.write_submissions(root / "subs", chosen)
    grades = grade_submissions(folder, notebook_dir=notebook_dir, graded_dir=root / "graded", timeout=120,
                               cell_timeout=5, jobs=2, echo=None)
    plain = write_feedback(grades, root / "plain")
    shown = write_feedback(grades, root / "shown", show_hidden=True)
    return grades, root, plain, shown


def _read(root, folder, student):
    return (root / folder / student / "99_tiny.html").read_text(encoding="utf-8")


def _plain(page: str) -> str:
    """The page's text: nbconvert highlights code, one <span> per token."""
    body = page[page.index("<body"):]
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)\b.*?</\1>", "", body, flags=re.S)))


@needs_sandbox
@pytest.mark.slow
def test_one_file_per_student_and_notebook(feedback):
    grades, root, plain, shown = feedback
    students = ["full", "hidden-fail", "missing", "partial", "spy"]
    assert sorted(p.relative_to(root / "plain").as_posix() for p in plain) == [f"{s}/99_tiny.html" for s in students]
    assert len(shown) == len(plain)
    assert all(p.read_text().startswith("<!DOCTYPE html>") for p in plain)


@needs_sandbox
@pytest.mark.slow
@pytest.mark.parametrize("student", ["full", "partial", "hidden-fail", "missing", "spy"])
def test_feedback_holds_points_and_reasons_and_no_hidden_test(feedback, student):
    grades, root, _, _ = feedback
    text = _read(root, "plain", student)
    r = grades.result(student, synthetic.NAME)
    assert f"99_tiny: {r.total:g}/6 points" in text
    for gid, top in synthetic.EXERCISES.items():
        assert f"<td><code>{gid}</code></td><td>{r.scores[gid]:g}/{top:g}</td>" in text
    for why in r.reasons.values():
        assert html.escape(why, quote=False) in text
    if r.problem:
        assert html.escape(r.problem, quote=False) in text
    shown = _plain(text)
    for line in HIDDEN:
        assert line not in shown and line.split(",")[0] not in shown
    assert "double(-3)" not in shown and MARKER not in text


@needs_sandbox
@pytest.mark.slow
def test_reasons_are_the_gradebooks(feedback):
    grades, root, _, _ = feedback
    assert grades.result("hidden-fail", synthetic.NAME).reasons == {
        "tiny-double-tests": "AssertionError: hidden: negative numbers"}
    text = _read(root, "plain", "hidden-fail")
    assert "<b>tiny-double-tests: 0/2 points</b>: AssertionError: hidden: negative numbers" in text
    partial = _read(root, "plain", "partial")
    assert "<b>tiny-square-tests: 0/3 points</b>: AssertionError: square(3) should be 9" in partial
    assert "assert square(3) == 9, 'square(3) should be 9'" in _plain(partial), "the visible tests stay"


@needs_sandbox
@pytest.mark.slow
def test_student_outputs_stay_but_not_what_the_hidden_tests_made_them_print(feedback):
    _, root, _, _ = feedback
    text = _read(root, "plain", "spy")
    assert "SPY 10" in text, "the answer cell's own output"
    assert "SPY called with -3" not in text, "printed during the hidden test: shows its input"
    shown = _read(root, "shown", "spy")
    assert "SPY called with -3" in shown


@needs_sandbox
@pytest.mark.slow
def test_show_hidden_shows_them(feedback):
    _, root, _, _ = feedback
    text = _read(root, "shown", "hidden-fail")
    assert synthetic.HIDDEN_DOUBLE in _plain(text) and MARKER in text


@needs_sandbox
@pytest.mark.slow
def test_command_line_writes_feedback(feedback, monkeypatch, tmp_path, capsys):
    grades, root, _, _ = feedback
    monkeypatch.setattr(grade_cli, "grade_submissions", lambda *args, **kwargs: grades)
    status = grade_cli.main([str(root / "subs"), "--output", str(tmp_path / "gb.csv"), "--feedback",
                             str(tmp_path / "fb")])
    assert status == 0
    assert (tmp_path / "fb" / "partial" / "99_tiny.html").is_file()
    assert "Feedback: 5 files in" in capsys.readouterr().out
    assert MARKER not in (tmp_path / "fb" / "hidden-fail" / "99_tiny.html").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--show-hidden"], "--show-hidden only applies to feedback files"),
     (["--feedback", "fb", "--graded-dir", ""], "--feedback renders the graded notebooks")],
)
def test_command_line_refuses_inconsistent_options(args, message, capsys):
    with pytest.raises(SystemExit) as exc:
        grade_cli.main(["subs", *args])
    assert exc.value.code == 2 and message in capsys.readouterr().err
