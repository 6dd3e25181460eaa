"""Hostile submissions graded as a class, in CI, with the sandbox on.

``tests/grading/hostile.py`` holds the cases: the issue's (an IPython input
transformer, ``grep`` for the hidden tests, reading other files, memory to
16 GB) and more tamper and escape attempts.  Each batch also holds an honest
student, who must score exactly as alone.  The class is graded twice:

* with every defence (``screened``): what instructors get;
* with the static screen off (``inside``): the guard in the kernel and the
  sandbox must hold on their own.
"""

from __future__ import annotations

import csv
import hashlib
import json

import nbformat
import pytest

import coursework
from coursework.__main__ import main as cli
from coursework.grading import format_summary, grade_submissions, release, write_gradebook
from coursework.grading.integrity import TAMPERING_REASON
from tests.conftest import REAL_MIRROR, REPO_ROOT
from tests.grading import hostile, synthetic
from tests.grading.conftest import needs_sandbox

pytestmark = [needs_sandbox, pytest.mark.slow]
NAME = synthetic.NAME
CELL_TIMEOUT = 10


def _package_digest() -> str:
    return hashlib.sha256(open(coursework.__file__, "rb").read()).hexdigest()


def _grade(course, root, *, screen: bool):
    notebook_dir, _, released = course
    subs = {name: synthetic.answered(released, **case.answers) for name, case in hostile.CASES.items()}
    subs["honest"] = synthetic.answered(released)
    folder = synthetic.write_submissions(root / "subs", subs)
    before = _package_digest()
    grades = grade_submissions(folder, notebook_dir=notebook_dir, graded_dir=root / "graded", timeout=120,
                               cell_timeout=CELL_TIMEOUT, memory=hostile.MEMORY_LIMIT, jobs=2, screen=screen,
                               echo=None)
    print(format_summary(grades))
    assert _package_digest() == before, "a submission changed the course package"
    return grades, write_gradebook(grades, root / "gradebook.csv"), root / "graded"


@pytest.fixture(scope="module")
def screened(course, tmp_path_factory):
    return _grade(course, tmp_path_factory.mktemp("screened"), screen=True)


@pytest.fixture(scope="module")
def inside(course, tmp_path_factory):
    return _grade(course, tmp_path_factory.mktemp("inside"), screen=False)


def _check(result, expected) -> None:
    points, status = expected
    got = tuple(result.scores[g] for g in synthetic.EXERCISES)
    assert (got, result.status) == (tuple(float(p) for p in points), status), result.reason_text()
    earned = dict(zip(synthetic.EXERCISES, points))
    for gid, reason in result.reasons.items():
        if status == "tampered" and earned[gid] == 0 and gid not in _failed_before_tampering(result):
            assert reason == TAMPERING_REASON, (gid, reason)


def _failed_before_tampering(result) -> set:
    """Tests that failed for their own reasons (not answered...) before the tampering."""
    return {gid for gid, why in result.reasons.items() if why != TAMPERING_REASON}


@pytest.mark.parametrize("case", sorted(hostile.CASES))
def test_hostile_submission_with_every_defence(screened, case):
    _check(screened[0].result(case, NAME), hostile.CASES[case].screened)


@pytest.mark.parametrize("case", sorted(hostile.CASES))
def test_hostile_submission_with_guard_and_sandbox_alone(inside, case):
    _check(inside[0].result(case, NAME), hostile.CASES[case].inside)


@pytest.mark.parametrize("batch", ["screened", "inside"])
def test_nothing_else_in_the_batch_is_affected(request, batch):
    r = request.getfixturevalue(batch)[0].result("honest", NAME)
    assert (r.status, r.total, r.reasons, r.notes) == ("ok", 6, {}, [])


def _output(graded_dir, student: str) -> str:
    nb = nbformat.read(graded_dir / student / NAME, as_version=4)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "tiny-double")
    return "".join(o.get("text", "") for o in answer.outputs if o.get("output_type") == "stream")


def test_the_kernel_sees_nothing_outside_its_sandbox(inside, tmp_path_factory):
    grades, _, graded_dir = inside
    visible = json.loads(_output(graded_dir, "read-files").split("VISIBLE", 1)[1])
    # the data mirror is mounted read-only by design (the notebooks load from it)
    mirror = f"{REAL_MIRROR.resolve()}/" if REAL_MIRROR is not None else None
    visible = [path for path in visible if not (mirror and path.startswith(mirror))]
    assert visible == [], "no notebook, gradebook, CSV or log is visible outside the Python environment"
    found = _output(graded_dir, "grep-hidden-tests").split()
    assert found and all("/site-packages/nbgrader/" in path for path in found), found  # nbgrader's own examples
    assert str(REPO_ROOT / "notebooks") not in _output(graded_dir, "grep-hidden-tests")


def test_no_network_no_writes_no_signals_no_thread_bomb(inside):
    _, _, graded_dir = inside
    assert _output(graded_dir, "network").startswith("NETWORK unreachable")
    assert _output(graded_dir, "write-package").startswith("WRITE refused: OSError")
    assert "Operation not permitted" in _output(graded_dir, "kill-parent")
    started = int(_output(graded_dir, "thread-bomb").split()[1])
    assert 100 < started < 512, "the process cap (threads count) stops it"


@pytest.mark.parametrize("batch", ["screened", "inside"])
def test_memory_is_stopped_at_the_limit(request, batch):
    r = request.getfixturevalue(batch)[0].result("memory-hog", NAME)
    assert r.reasons["tiny-square-tests"] == "not run: memory limit of 1 GB exceeded in answer cell tiny-square"
    assert "cell 7 (answer cell tiny-square): memory limit of 1 GB exceeded" in r.notes[0]
    assert r.peak_memory < 3 * hostile.MEMORY_LIMIT


def test_screen_and_guard_name_what_they_refused(screened, inside):
    note = screened[0].result("input-transformer", NAME).notes[0]
    assert note.startswith("cell 4 (answer cell tiny-double): refused by the grader's screen: it uses `.input_transformers_cleanup`")
    assert "possible tampering" in note
    note = inside[0].result("monkeypatch-numpy", NAME).notes[0]
    assert note.startswith("cell 11 (test cell tiny-mean-tests): numpy.testing.assert_allclose was replaced")


def test_regrading_gives_an_identical_gradebook(course, screened, tmp_path):
    notebook_dir, _, released = course
    chosen = ["input-transformer", "always-equal", "memory-hog", "monkeypatch-alias", "network"]
    subs = {name: synthetic.answered(released, **hostile.CASES[name].answers) for name in chosen}
    folder = synthetic.write_submissions(tmp_path / "subs", subs)
    out = tmp_path / "again.csv"
    assert cli(["grade", str(folder), "--notebook-dir", str(notebook_dir), "--output", str(out), "--graded-dir", "",
                "--cell-timeout", str(CELL_TIMEOUT), "--memory", "1", "--jobs", "2"]) == 0
    with screened[1].open(newline="") as fh:
        first = {row["student"]: row for row in csv.DictReader(fh) if row["student"] in chosen}
    with out.open(newline="") as fh:
        assert {row["student"]: row for row in csv.DictReader(fh)} == first


def test_the_issues_one_liner_on_a_real_notebook(tmp_path):
    """The issue's case: notebook 02's student version, unanswered but for one
    line in its first answer cell, earned 5/5; now 0, for tampering."""
    (student,) = release(["02"], notebook_dir=REPO_ROOT / "notebooks", output_dir=tmp_path / "student")
    nb = nbformat.read(student, as_version=4)
    first = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first.source = "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n" + first.source
    (tmp_path / "subs" / "mallory").mkdir(parents=True)
    nbformat.write(nb, tmp_path / "subs" / "mallory" / student.name)
    for screen in (True, False):
        r = grade_submissions(tmp_path / "subs", notebook_dir=REPO_ROOT / "notebooks", graded_dir=None,
                              screen=screen, echo=None).result("mallory", student.name)
        assert (r.total, r.status) == (0, "tampered"), r.reason_text()
        assert set(r.reasons.values()) == {TAMPERING_REASON}
