"""``python -m coursework grade``: nbgrader's real autograde pipeline on a
synthetic class (every kind of bad submission), then on the real notebooks.

The synthetic tests run in about a minute on 2 cores; the real notebooks
add one batch (each source notebook as a "solution" student, each student
version as a "release" student).
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import nbformat
import pytest

from coursework.__main__ import main as cli
from coursework.grading import (
    ClassGrades,
    Exercise,
    SubmissionGrade,
    format_summary,
    grade_submissions,
    release,
    write_gradebook,
)
from coursework.grading._submission import explain, first_line, repair
from tests.conftest import REAL_MIRROR, REPO_ROOT
from tests.grading import synthetic

CELL_TIMEOUT = 5  # the synthetic cells take milliseconds
TIMEOUT = 90.0  # generous: CI machines are slow and run 2 submissions at once
NAME = synthetic.NAME


# --------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """(notebook_dir, source notebook, released notebook) of the synthetic course."""
    root = tmp_path_factory.mktemp("course")
    path = synthetic.write_source(root / "notebooks")
    (released,) = release(notebook_dir=root / "notebooks", output_dir=root / "student")
    return root / "notebooks", nbformat.read(path, as_version=4), nbformat.read(released, as_version=4)


@pytest.fixture(scope="module")
def graded_class(course, tmp_path_factory):
    """The whole synthetic class graded once: (ClassGrades, csv path, graded_dir, seconds)."""
    notebook_dir, source, released = course
    root = tmp_path_factory.mktemp("class")
    subs = synthetic.write_submissions(root / "submissions", synthetic.submissions(released, source))
    start = time.monotonic()
    grades = grade_submissions(
        subs,
        notebook_dir=notebook_dir,
        graded_dir=root / "graded",
        timeout=TIMEOUT,
        cell_timeout=CELL_TIMEOUT,
        jobs=2,
        echo=None,
    )
    seconds = time.monotonic() - start
    print(f"\nsynthetic class: {len(grades.results)} submissions graded in {seconds:.1f} s")
    print(format_summary(grades))
    return grades, write_gradebook(grades, root / "gradebook.csv"), root / "graded", seconds


# --------------------------------------------------------------------------
# the synthetic class, one submission per kind

# student: (double points, square points, status, {grade_id: reason fragment}, note fragment)
EXPECTED = {
    "full": (2, 3, "ok", {}, None),
    "source": (2, 3, "ok", {}, None),
    "release": (
        0,
        0,
        "ok",
        {
            "tiny-double-tests": "not answered: NotImplementedError",
            "tiny-square-tests": "not answered: NotImplementedError",
        },
        None,
    ),
    "partial": (2, 0, "ok", {"tiny-square-tests": "AssertionError: square(3) should be 9"}, None),
    "hidden-fail": (0, 3, "ok", {"tiny-double-tests": "AssertionError: hidden: negative numbers"}, None),
    "syntax": (
        0,
        3,
        "ok",
        {"tiny-double-tests": "NameError: name 'double' is not defined (answer cell tiny-double: SyntaxError"},
        None,
    ),
    "exception": (
        0,
        3,
        "ok",
        {"tiny-double-tests": "(answer cell tiny-double: ValueError: boom: first line)"},
        None,
    ),
    "loop": (
        2,
        0,
        "ok",
        {"tiny-square-tests": f"(answer cell tiny-square: timeout: the cell ran longer than {CELL_TIMEOUT} s)"},
        f"(answer cell tiny-square) ran longer than {CELL_TIMEOUT} s and was interrupted",
    ),
    "ignores-interrupt": (
        0,
        0,
        "crashed",
        {
            "tiny-double-tests": "not run: the kernel stopped responding in answer cell tiny-double "
            f"(it ran longer than {CELL_TIMEOUT} s and ignored the interrupt)",
            "tiny-square-tests": "not run: the kernel stopped responding in cell 4",
        },
        f"(answer cell tiny-double) ran longer than {CELL_TIMEOUT} s and ignored the interrupt",
    ),
    "sysexit": (0, 3, "ok", {"tiny-double-tests": "(answer cell tiny-double: SystemExit: 3)"}, None),
    "osexit": (
        2,
        0,
        "crashed",
        {"tiny-square-tests": "not run: the kernel died in answer cell tiny-square"},
        "(answer cell tiny-square) killed the kernel",
    ),
    "bigoutput": (2, 3, "ok", {}, None),
    "exit-call": (2, 3, "ok", {}, None),
    "stderr": (0, 3, "ok", {"tiny-double-tests": "wrote to stderr (nbgrader gives 0 points"}, None),
    "deleted-test": (
        0,
        3,
        "ok",
        {"tiny-double-tests": "AssertionError: hidden: negative numbers"},
        "tiny-double-tests: test cell deleted; restored from the source and graded",
    ),
    "edited-test": (
        2,
        0,
        "ok",
        {"tiny-square-tests": "AssertionError: square(3) should be 9"},
        "tiny-square-tests: test cell edited; graded the original",
    ),
    "stripped-metadata": (2, 3, "ok", {}, "tiny-double-tests: test cell had lost its nbgrader metadata"),
    "tampered-metadata": (2, 3, "ok", {}, "tiny-double-tests: test cell's nbgrader metadata changed; restored it"),
}


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_kind_of_submission(graded_class, student):
    grades = graded_class[0]
    double, square, status, reasons, note = EXPECTED[student]
    r = grades.result(student, NAME)
    assert (r.scores, r.status) == (
        {"tiny-double-tests": double, "tiny-square-tests": square},
        status,
    ), r.reason_text()
    assert r.total == double + square and r.max_total == 5
    assert set(r.reasons) == set(reasons), r.reasons
    for gid, fragment in reasons.items():
        assert fragment in r.reasons[gid]
    if note is None:
        assert r.notes == []
    else:
        assert any(note in n for n in r.notes), r.notes


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "status", "reason"),
    [("invalid-json", "invalid", "invalid notebook JSON: "), ("missing", "missing", "missing notebook")],
)
def test_unreadable_and_missing_notebooks_score_zero(graded_class, student, status, reason):
    r = graded_class[0].result(student, NAME)
    assert (r.status, r.total, r.problem) == (status, 0, r.problem)
    assert r.problem.startswith(reason)
    assert r.reason_text() == r.problem


@pytest.mark.slow
def test_gradebook_csv(graded_class):
    grades, path, _, _ = graded_class
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    assert header == [
        "student", "notebook", "tiny-double-tests", "tiny-square-tests",
        "total", "max_total", "status", "reasons", "notes",
    ]
    students = [row["student"] for row in rows]
    assert students == sorted(EXPECTED.keys() | {"invalid-json", "missing"})
    row = {r["student"]: r for r in rows}
    assert (row["partial"]["tiny-double-tests"], row["partial"]["tiny-square-tests"]) == ("2", "0")
    assert (row["partial"]["total"], row["partial"]["max_total"]) == ("2", "5")
    assert row["partial"]["reasons"] == "tiny-square-tests: AssertionError: square(3) should be 9"
    assert row["full"]["reasons"] == row["full"]["notes"] == ""
    assert row["missing"]["reasons"] == "missing notebook"


@pytest.mark.slow
def test_graded_notebooks_are_written_and_stay_small(graded_class):
    _, _, graded_dir, _ = graded_class
    big = graded_dir / "bigoutput" / NAME
    assert big.is_file() and big.stat().st_size < 100_000, "5 MB of output must be truncated"
    assert "Output truncated" in big.read_text()
    assert (graded_dir / "full" / NAME).is_file()
    assert not (graded_dir / "missing" / NAME).exists()


@pytest.mark.slow
def test_summary_names_the_problems(graded_class):
    summary = format_summary(graded_class[0])
    assert "| full | 5/5 | 5/5 |" in summary
    assert "- missing/99_tiny.ipynb: missing: missing notebook" in summary
    assert "osexit/99_tiny.ipynb: crashed" in summary


@pytest.mark.slow
def test_grading_twice_gives_the_same_scores(course, graded_class, tmp_path):
    """A second run, through the command line, on a few of the same
    submissions: the same CSV rows."""
    notebook_dir, source, released = course
    subs = synthetic.submissions(released, source)
    chosen = ["full", "partial", "syntax", "osexit"]
    folder = synthetic.write_submissions(tmp_path / "subs", {k: subs[k] for k in chosen})
    out = tmp_path / "again.csv"
    status = cli(
        [
            "grade", str(folder), "--notebook-dir", str(notebook_dir), "--output", str(out),
            "--graded-dir", "", "--cell-timeout", str(CELL_TIMEOUT), "--timeout", str(TIMEOUT),
            "--jobs", "2",
        ]
    )
    assert status == 0
    with graded_class[1].open(newline="") as fh:
        first = {row["student"]: row for row in csv.DictReader(fh) if row["student"] in chosen}
    with out.open(newline="") as fh:
        again = {row["student"]: row for row in csv.DictReader(fh)}
    assert again == first


@pytest.mark.slow
def test_notebook_timeout_kills_the_kernel(course, tmp_path):
    """The per-notebook limit is the backstop: here the per-cell limit is
    longer than it, the code ignores the interrupt anyway; the submission
    scores 0 and its kernel is killed."""
    notebook_dir, _, released = course
    pid_file = tmp_path / "kernel.pid"
    hang = (
        "import os, signal, time\n"
        "open(os.environ['HANG_PID_FILE'], 'w').write(str(os.getpid()))\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "while True:\n    time.sleep(0.1)"
    )
    folder = synthetic.write_submissions(tmp_path / "subs", {"hang": synthetic.answered(released, double=hang)})
    grades = grade_submissions(
        folder,
        notebook_dir=notebook_dir,
        graded_dir=tmp_path / "graded",
        timeout=15,
        cell_timeout=600,
        env={"HANG_PID_FILE": pid_file},
        echo=None,
    )
    r = grades.result("hang", NAME)
    assert (r.status, r.total) == ("timeout", 0)
    assert r.problem == "timeout: grading took longer than 15 s (cell 4 was running)"
    assert (tmp_path / "graded" / "hang" / "99_tiny.log").is_file()
    assert pid_file.exists(), "the kernel did not even reach the hanging cell in 15 s"
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid), "the kernel of a timed-out submission must be killed"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


# --------------------------------------------------------------------------
# quick tests of the pieces (no kernel)


def test_repair_restores_a_deleted_test_cell_in_place(course):
    _, source, released = course
    nb = synthetic.answered(released)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "tiny-double-tests"]
    nb.cells.remove(tests[0])
    notes = repair(nb, released, source)
    assert notes == ["tiny-double-tests: test cell deleted; restored from the source and graded"]
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids.index("tiny-double-tests") == ids.index("tiny-double") + 1


def test_repair_leaves_an_intact_submission_alone(course):
    _, source, released = course
    nb = synthetic.answered(released)
    before = nbformat.writes(nb)
    assert repair(nb, released, source) == []
    assert repair(source.copy(), released, source) == []  # hidden tests are not "edits"
    assert nbformat.writes(nb) == before


def test_repair_with_answer_cell_and_test_cell_deleted(course):
    """nbgrader's own add_missing_cells crashes on this (KeyError)."""
    _, source, released = course
    nb = synthetic.answered(released)
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("tiny-double")]
    notes = repair(nb, released, source)
    assert "tiny-double: answer cell not found (deleted, or its nbgrader metadata removed)" in notes
    assert "tiny-double-tests: test cell deleted; restored from the source and graded" in notes


def test_repair_restores_metadata_and_drops_foreign_ids(course):
    _, source, released = course
    subs = synthetic.submissions(released, source)
    nb = subs["tampered-metadata"]
    notes = repair(nb, released, source)
    assert notes == [
        "nb01-from-another-notebook: not a cell of this notebook; graded as an ordinary cell",
        "tiny-double-tests: test cell's nbgrader metadata changed; restored it",
    ]
    assert "nbgrader" not in nb.cells[-1].metadata
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata.nbgrader.grade_id for c in tests] == ["tiny-double-tests", "tiny-square-tests"]


def _graded_cell(grade_id, outputs, **flags):
    cell = nbformat.v4.new_code_cell("x", metadata=synthetic._meta(grade_id, **flags))
    cell.outputs = [nbformat.NotebookNode(o) for o in outputs]
    return cell


def test_explain_names_the_error_and_the_answer_cell(course):
    _, _, released = course
    graded = nbformat.v4.new_notebook()
    error = {"output_type": "error", "ename": "SyntaxError", "evalue": "invalid syntax (3960470163.py, line 2)", "traceback": []}
    name_error = {"output_type": "error", "ename": "NameError", "evalue": "name 'double' is not defined", "traceback": []}
    graded.cells = [
        _graded_cell("tiny-double", [error], solution=True),
        _graded_cell("tiny-double-tests", [name_error], grade=True, locked=True, points=2),
        _graded_cell("tiny-square", [], solution=True),
        _graded_cell("tiny-square-tests", [], grade=True, locked=True, points=3),
    ]
    reasons = explain(
        graded, released, {"tiny-double-tests": 0.0, "tiny-square-tests": 3.0}, synthetic.EXERCISES, cell_timeout=60
    )
    assert reasons == {
        "tiny-double-tests": "NameError: name 'double' is not defined "
        "(answer cell tiny-double: SyntaxError: invalid syntax (line 2))"
    }


def test_find_submission_layouts(tmp_path):
    from coursework.grading.grade import _find_submission

    name = "02_softmax.ipynb"
    ann, bob, cy, dee = (tmp_path / s for s in ("ann", "bob", "cy", "dee"))
    for folder, files in (
        (ann, [name]),
        (bob, ["02_softmax/" + name]),  # nbgrader's submitted/ layout
        (cy, ["Copy of 02_softmax.ipynb", ".ipynb_checkpoints/02_softmax-checkpoint.ipynb"]),
        (dee, ["02_softmax (1).ipynb", "02_softmax (2).ipynb"]),  # ambiguous
    ):
        for file in files:
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            (folder / file).write_text("{}")
    assert _find_submission(ann, name) == (ann / name, None)
    assert _find_submission(bob, name) == (bob / "02_softmax" / name, None)
    assert _find_submission(cy, name) == (
        cy / "Copy of 02_softmax.ipynb",
        "graded 'Copy of 02_softmax.ipynb' as 02_softmax.ipynb",
    )
    assert _find_submission(dee, name) == (None, None)
    assert _find_submission(ann, "03_other.ipynb") == (None, None)


def test_failure_names_the_exception_not_nbgraders_wrapper():
    from coursework.grading.grade import _failure

    log = (
        "[INFO] Autograding\n"
        "AUTOGRADE ERROR: There was an error processing assignment: /tmp/x\n"
        "AUTOGRADE ERROR: KeyError: 'tiny-double'\n"
        "AUTOGRADE ERROR: NbGraderException: Please see the above traceback\n"
    )
    assert _failure(log, 1) == "KeyError: 'tiny-double'"
    assert _failure("AUTOGRADE ERROR: No notebooks found\n", 1) == "No notebooks found"
    assert _failure("", 1) == "exit status 1"


def test_first_line():
    assert first_line("\n  ValueError: a\nb") == "ValueError: a"
    assert first_line("x" * 500).endswith("...") and len(first_line("x" * 500)) == 200
    assert first_line("") == ""
    # nothing that changes from run to run
    assert first_line("invalid syntax (3960470163.py, line 2)") == "invalid syntax (line 2)"
    assert first_line("got <function f at 0x7f3a2c1d5e50>") == "got <function f at 0x...>"


def _fake_grades() -> ClassGrades:
    exercises = [Exercise("01_a.ipynb", "a-tests", 2.0), Exercise("02_b.ipynb", "b-tests", 1.5)]
    results = [
        SubmissionGrade("ann", "01_a.ipynb", "ok", {"a-tests": 2.0}, {"a-tests": 2.0}),
        SubmissionGrade(
            "ann", "02_b.ipynb", "ok", {"b-tests": 0.0}, {"b-tests": 1.5},
            reasons={"b-tests": "AssertionError: no"}, notes=["b-tests: test cell edited; graded the original"],
        ),
        SubmissionGrade("bob", "01_a.ipynb", "missing", {"a-tests": 0.0}, {"a-tests": 2.0}, problem="missing notebook"),
        SubmissionGrade("bob", "02_b.ipynb", "ok", {"b-tests": 1.5}, {"b-tests": 1.5}),
    ]
    return ClassGrades(exercises, ["01_a.ipynb", "02_b.ipynb"], ["ann", "bob"], results, seconds=12.0)


def test_write_gradebook_format(tmp_path):
    path = write_gradebook(_fake_grades(), tmp_path / "out" / "gradebook.csv")
    assert path.read_text().splitlines() == [
        "student,notebook,a-tests,b-tests,total,max_total,status,reasons,notes",
        "ann,01_a.ipynb,2,,2,2,ok,,",
        "ann,02_b.ipynb,,0,0,1.5,ok,b-tests: AssertionError: no,b-tests: test cell edited; graded the original",
        "bob,01_a.ipynb,0,,0,2,missing,missing notebook,",
        "bob,02_b.ipynb,,1.5,1.5,1.5,ok,,",
    ]


def test_format_summary():
    summary = format_summary(_fake_grades())
    assert "| ann | 2/2 | 0/1.5 | 2/3.5 |" in summary
    assert "| bob | 0/2 (missing) | 1.5/1.5 | 1.5/3.5 |" in summary
    assert "| mean | 1/2 | 0.75/1.5 | 1.75/3.5 |" in summary
    assert "- bob/01_a.ipynb: missing: missing notebook" in summary
    assert "Graded 4 submissions (2 students x 2 notebooks) in 12.0 s" in summary


def test_grade_usage_errors(tmp_path, capsys):
    assert cli(["grade", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    synthetic.write_source(tmp_path / "notebooks")
    (tmp_path / "subs").mkdir()
    assert cli(["grade", str(tmp_path / "subs"), "--notebook-dir", str(tmp_path / "notebooks")]) == 2
    assert "No student folders" in capsys.readouterr().err
    (tmp_path / "subs" / "ann").mkdir()
    assert cli(["grade", str(tmp_path / "subs"), "--notebook-dir", str(tmp_path / "notebooks")]) == 2
    assert "holds a course notebook" in capsys.readouterr().err
    with pytest.raises(ValueError, match="jobs"):
        grade_submissions(tmp_path / "subs", notebook_dir=tmp_path / "notebooks", jobs=0)


# --------------------------------------------------------------------------
# the real notebooks

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NEEDS_DATA = ("03", "04", "05")


def _has_exercises(path: Path) -> bool:
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return False
    return any(c.metadata.get("nbgrader", {}).get("grade") for c in nb.cells)


REAL = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def real_class(tmp_path_factory):
    """Every real notebook with exercises (and its data), graded twice in one
    batch: the source as student "solution", the student version as student
    "release"."""
    gradable = [
        p for p in REAL
        if _has_exercises(p) and not (p.name[:2] in NEEDS_DATA and REAL_MIRROR is None)
    ]
    if not gradable:
        pytest.skip("no notebook with exercises (or no data mirror)")
    root = tmp_path_factory.mktemp("real")
    release([p.name for p in gradable], notebook_dir=NOTEBOOK_DIR, output_dir=root / "student")
    for path in gradable:
        for student, folder in (("solution", NOTEBOOK_DIR), ("release", root / "student")):
            (root / "subs" / student).mkdir(parents=True, exist_ok=True)
            (root / "subs" / student / path.name).write_bytes((folder / path.name).read_bytes())
    env = {"COURSEWORK_DATA": str(REAL_MIRROR)} if REAL_MIRROR else {}
    grades = grade_submissions(
        root / "subs",
        notebook_dir=NOTEBOOK_DIR,
        graded_dir=root / "graded",
        jobs=2,
        env=env,
        echo=print,
    )
    print()
    print(format_summary(grades))
    return grades


def _real_result(real_class, path: Path, student: str) -> SubmissionGrade:
    if not _has_exercises(path):
        pytest.skip(f"{path.name} has no nbgrader exercises yet")
    if path.name[:2] in NEEDS_DATA and REAL_MIRROR is None:
        pytest.skip("set COURSEWORK_DATA to the real dataset mirror")
    return real_class.result(student, path.name)


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_source_scores_full_marks(real_class, path):
    r = _real_result(real_class, path, "solution")
    print(f"{path.name}: source graded in {r.seconds:.1f} s")
    assert r.status == "ok", r.reason_text()
    assert r.total == r.max_total > 0, r.reason_text()


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_release_scores_zero_without_crashing(real_class, path):
    r = _real_result(real_class, path, "release")
    print(f"{path.name}: student version graded in {r.seconds:.1f} s")
    assert r.status == "ok", r.reason_text()
    assert r.total == 0, r.scores
    assert set(r.reasons) == set(r.scores), r.reasons
    assert all(why.startswith("not answered: ") for why in r.reasons.values()), r.reasons
