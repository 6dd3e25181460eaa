"""``python -m coursework grade``: nbgrader's real autograde pipeline, each
kernel in the sandbox, on a synthetic class (every kind of bad submission),
then on the real notebooks.  The hostile submissions are in
``test_hostile.py``; the pieces without a kernel in ``test_pieces.py``.

The synthetic class takes a few minutes on 2 busy cores; the real notebooks
add one batch (each source notebook as a "solution" student, each student
version as a "release" student).
"""

from __future__ import annotations

import csv
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from coursework.__main__ import main as cli
from coursework.grading import format_summary, grade_submissions, release, write_gradebook
from tests.conftest import REAL_MIRROR, REPO_ROOT
from tests.grading import synthetic
from tests.grading.conftest import needs_sandbox, processes_with

CELL_TIMEOUT = 5  # the synthetic cells take milliseconds
TIMEOUT = 120.0  # generous: CI machines are slow and run 2 submissions at once
NAME = synthetic.NAME
NOT_ANSWERED = "not answered: NotImplementedError: replace this line with your answer"

pytestmark = needs_sandbox


@pytest.fixture(scope="module")
def graded_class(course, tmp_path_factory):
    """The whole synthetic class graded once: (ClassGrades, csv path, graded_dir, seconds)."""
    notebook_dir, source, released = course
    root = tmp_path_factory.mktemp("class")
    subs = synthetic.write_submissions(root / "submissions", synthetic.submissions(released, source))
    start = time.monotonic()
    grades = grade_submissions(
        subs, notebook_dir=notebook_dir, graded_dir=root / "graded", timeout=TIMEOUT,
        cell_timeout=CELL_TIMEOUT, jobs=2, echo=None,
    )
    seconds = time.monotonic() - start
    print(f"\nsynthetic class: {len(grades.results)} submissions graded in {seconds:.1f} s")
    print(format_summary(grades))
    return grades, write_gradebook(grades, root / "gradebook.csv"), root / "graded", seconds


# student: ((double, square, mean) points, status, {grade_id: reason fragment}, note fragment)
EXPECTED = {
    "full": ((2, 3, 1), "ok", {}, None),
    "source": ((2, 3, 1), "ok", {}, None),
    "release": ((0, 0, 0), "ok", {g: NOT_ANSWERED for g in synthetic.EXERCISES}, None),
    "partial": ((2, 0, 1), "ok", {"tiny-square-tests": "AssertionError: square(3) should be 9"}, None),
    "hidden-fail": ((0, 3, 1), "ok", {"tiny-double-tests": "AssertionError: hidden: negative numbers"}, None),
    "syntax": (
        (0, 3, 1), "ok",
        {"tiny-double-tests": "NameError: name 'double' is not defined (answer cell tiny-double: SyntaxError"},
        None,
    ),
    "exception": ((0, 3, 1), "ok", {"tiny-double-tests": "(answer cell tiny-double: ValueError: boom: first line)"},
                  None),
    "loop": (
        (2, 0, 1), "ok",
        {"tiny-square-tests": f"(answer cell tiny-square: timeout: the cell ran longer than {CELL_TIMEOUT} s)"},
        f"(answer cell tiny-square) ran longer than {CELL_TIMEOUT} s and was interrupted",
    ),
    "ignores-interrupt": (
        (0, 0, 0), "crashed",
        {
            "tiny-double-tests": "not run: the kernel stopped responding in answer cell tiny-double "
            f"(it ran longer than {CELL_TIMEOUT} s and ignored the interrupt)",
            "tiny-square-tests": "not run: the kernel stopped responding in cell 4 (answer cell tiny-double)",
            "tiny-mean-tests": "not run: the kernel stopped responding in cell 4 (answer cell tiny-double)",
        },
        f"(answer cell tiny-double) ran longer than {CELL_TIMEOUT} s and ignored the interrupt",
    ),
    "sysexit": ((0, 3, 1), "ok", {"tiny-double-tests": "(answer cell tiny-double: SystemExit: 3)"}, None),
    "osexit": (
        (2, 0, 0), "crashed",
        {"tiny-square-tests": "not run: the kernel died in answer cell tiny-square",
         "tiny-mean-tests": "not run: the kernel died in cell 7 (answer cell tiny-square)"},
        "(answer cell tiny-square) killed the kernel",
    ),
    "bigoutput": ((2, 3, 1), "ok", {}, None),
    # exit() stops the kernel, as it does in Jupyter: the cells after it do not run (every time)
    "exit-call": (
        (2, 0, 0), "crashed",
        {"tiny-square-tests": "not run: the kernel died in answer cell tiny-square (the cell called exit()",
         "tiny-mean-tests": "not run: the kernel died in cell 7 (answer cell tiny-square)"},
        "(answer cell tiny-square) killed the kernel",
    ),
    "stderr": ((0, 3, 1), "ok", {"tiny-double-tests": "wrote to stderr (nbgrader gives 0 points"}, None),
    "deleted-test": (
        (0, 3, 1), "ok", {"tiny-double-tests": "AssertionError: hidden: negative numbers"},
        "tiny-double-tests: test cell deleted; restored from the source and graded",
    ),
    "edited-test": (
        (2, 0, 1), "ok", {"tiny-square-tests": "AssertionError: square(3) should be 9"},
        "tiny-square-tests: test cell edited; graded the original",
    ),
    "stripped-metadata": ((2, 3, 1), "ok", {}, "tiny-double-tests: test cell had lost its nbgrader metadata"),
    "tampered-metadata": ((2, 3, 1), "ok", {}, "tiny-double-tests: test cell's nbgrader metadata changed; restored it"),
}


def _points(result) -> tuple:
    return tuple(result.scores[g] for g in synthetic.EXERCISES)


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_kind_of_submission(graded_class, student):
    grades = graded_class[0]
    points, status, reasons, note = EXPECTED[student]
    r = grades.result(student, NAME)
    assert (_points(r), r.status) == (points, status), r.reason_text()
    assert r.total == sum(points) and r.max_total == 6
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
    assert (r.status, r.total) == (status, 0)
    assert r.problem.startswith(reason)
    assert r.reason_text() == r.problem


@pytest.mark.slow
def test_gradebook_csv(graded_class):
    grades, path, _, _ = graded_class
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["student", "notebook", *synthetic.EXERCISES, "total", "max_total", "status",
                             "reasons", "notes"]
    assert [row["student"] for row in rows] == sorted(EXPECTED.keys() | {"invalid-json", "missing"})
    row = {r["student"]: r for r in rows}
    assert [row["partial"][g] for g in synthetic.EXERCISES] == ["2", "0", "1"]
    assert (row["partial"]["total"], row["partial"]["max_total"]) == ("3", "6")
    assert row["partial"]["reasons"] == "tiny-square-tests: AssertionError: square(3) should be 9"
    assert row["full"]["reasons"] == row["full"]["notes"] == ""
    assert row["missing"]["reasons"] == "missing notebook"


@pytest.mark.slow
def test_graded_notebooks_and_kernel_logs_are_written(graded_class):
    _, _, graded_dir, _ = graded_class
    big = graded_dir / "bigoutput" / NAME
    assert big.is_file() and big.stat().st_size < 100_000, "5 MB of output must be truncated"
    assert "Output truncated" in big.read_text()
    full = nbformat.read(graded_dir / "full" / NAME, as_version=4)
    tests = [c for c in full.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert all(c.source.startswith(("assert", "np.testing")) for c in tests), "test cells keep their own code"
    assert not (graded_dir / "missing" / NAME).exists()
    assert (graded_dir / "osexit" / "99_tiny.stderr.log").is_file(), "the kernel's own output is kept"


@pytest.mark.slow
def test_summary_names_the_problems(graded_class):
    summary = format_summary(graded_class[0])
    assert "| full | 6/6 | 6/6 |" in summary
    assert "- missing/99_tiny.ipynb: missing: missing notebook" in summary
    assert "osexit/99_tiny.ipynb: crashed" in summary
    assert "Largest memory use: 99_tiny " in summary
    assert "WARNING" not in summary


@pytest.mark.slow
def test_grading_twice_gives_the_same_gradebook(course, graded_class, tmp_path):
    """A second run, through the command line, on some of the same
    submissions: the same CSV rows."""
    notebook_dir, source, released = course
    subs = synthetic.submissions(released, source)
    chosen = ["full", "partial", "syntax", "osexit", "deleted-test"]
    folder = synthetic.write_submissions(tmp_path / "subs", {k: subs[k] for k in chosen})
    out = tmp_path / "again.csv"
    status = cli([
        "grade", str(folder), "--notebook-dir", str(notebook_dir), "--output", str(out), "--graded-dir", "",
        "--cell-timeout", str(CELL_TIMEOUT), "--timeout", str(TIMEOUT), "--jobs", "2",
    ])
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
    scores 0 and its kernel, in its sandbox, is killed."""
    notebook_dir, _, released = course
    hang = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)"
    folder = synthetic.write_submissions(tmp_path / "subs", {"hang": synthetic.answered(released, double=hang)})
    marker = f"HANG_MARKER={uuid.uuid4().hex}"
    grades = grade_submissions(folder, notebook_dir=notebook_dir, graded_dir=tmp_path / "graded", timeout=20,
                               cell_timeout=600, env=dict([marker.split("=")]), echo=None)
    r = grades.result("hang", NAME)
    assert (r.status, r.total) == ("timeout", 0)
    assert r.problem == "timeout: grading took longer than 20 s (cell 4 was running)"
    assert (tmp_path / "graded" / "hang" / "99_tiny.log").is_file()
    deadline = time.monotonic() + 10
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_with(marker), "the kernel of a timed-out submission must be killed"


# --------------------------------------------------------------------------
# the real notebooks

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NEEDS_DATA = ("03", "04", "05", "09")  # the notebooks that read a dataset of the mirror (Pima, IMDB, Fashion-MNIST)


def _has_exercises(path: Path) -> bool:
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return False
    return any(c.metadata.get("nbgrader", {}).get("grade") for c in nb.cells)


REAL = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def real_root(tmp_path_factory) -> Path:
    """The folder of :func:`real_class`: ``student/``, ``subs/``, ``graded/``."""
    return tmp_path_factory.mktemp("real")


@pytest.fixture(scope="module")
def real_class(real_root):
    """Every real notebook with exercises (and its data), graded in one batch
    with every defence on: the source as student "solution", the student
    version as student "release"."""
    gradable = [p for p in REAL if _has_exercises(p) and not (p.name[:2] in NEEDS_DATA and REAL_MIRROR is None)]
    if not gradable:
        pytest.skip("no notebook with exercises (or no data mirror)")
    root = real_root
    release([p.name for p in gradable], notebook_dir=NOTEBOOK_DIR, output_dir=root / "student")
    for path in gradable:
        for student, folder in (("solution", NOTEBOOK_DIR), ("release", root / "student")):
            (root / "subs" / student).mkdir(parents=True, exist_ok=True)
            (root / "subs" / student / path.name).write_bytes((folder / path.name).read_bytes())
    env = {"COURSEWORK_DATA": str(REAL_MIRROR)} if REAL_MIRROR else {}
    grades = grade_submissions(root / "subs", notebook_dir=NOTEBOOK_DIR, graded_dir=root / "graded", jobs=2,
                               env=env, echo=print)
    print()
    print(format_summary(grades))
    return grades


def _real_result(real_class, path: Path, student: str):
    if not _has_exercises(path):
        pytest.skip(f"{path.name} has no nbgrader exercises yet")
    if path.name[:2] in NEEDS_DATA and REAL_MIRROR is None:
        pytest.skip("set COURSEWORK_DATA to the real dataset mirror")
    return real_class.result(student, path.name)


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_source_scores_full_marks(real_class, path):
    r = _real_result(real_class, path, "solution")
    print(f"{path.name}: source graded in {r.seconds:.1f} s, {r.peak_memory / 2**30:.2f} GB")
    assert r.status == "ok", r.reason_text()
    assert r.total == r.max_total > 0, r.reason_text()
    assert r.notes == [], r.notes


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_release_scores_zero_without_crashing(real_class, path):
    r = _real_result(real_class, path, "release")
    print(f"{path.name}: student version graded in {r.seconds:.1f} s")
    assert r.status == "ok", r.reason_text()
    assert r.total == 0, r.scores
    assert set(r.reasons) == set(r.scores), r.reasons
    assert all(why.startswith("not answered: ") for why in r.reasons.values()), r.reasons


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_release_runs_every_lesson_cell(real_class, real_root, path):
    """Issue 14: "Restart & Run All" of an unanswered student version runs the
    whole lesson; only the exercises fail.  The graded student version is that
    run (grading mode, every cell executed, errors allowed): every code cell
    outside the exercises (the lesson, optional sections, results) ran, and
    none raised."""
    _real_result(real_class, path, "release")
    nb = nbformat.read(real_root / "graded" / "release" / path.name, as_version=4)
    lesson = [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code" and "nbgrader" not in c.metadata]
    assert lesson, f"{path.name}: no lesson code cell"
    not_run = [i for i, c in lesson if c.execution_count is None]
    failed = [f"cell {i}: {o.ename}: {o.evalue[:200]}" for i, c in lesson for o in c.outputs if o.output_type == "error"]
    assert not_run == [] and failed == [], f"{path.name}: not run {not_run}; failed {failed}"
