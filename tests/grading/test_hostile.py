"""Hostile submissions graded as a class, in CI, with the sandbox on.

``tests/grading/hostile.py`` holds the cases.  Each is graded in one batch
twice: alone on an unanswered notebook (``CASE-blank``: it must earn
nothing) and in front of correct answers (``CASE-answered``: the honest
parts keep their points).  The batch also holds an honest student, who must
score exactly as alone.  Then: what a kernel can see (no file, test or
expectation of the grader), what it can reach (no network, no package, no
signal), and what it can take from its neighbour (memory, CPU).
"""

from __future__ import annotations

import csv
import hashlib
import json
import uuid

import nbformat
import pytest

import coursework
from coursework.__main__ import main as cli
from coursework.grading import format_summary, grade_submissions, release, write_gradebook
from tests.conftest import REAL_MIRROR, REPO_ROOT
from tests.grading import hostile, synthetic
from tests.grading.conftest import needs_sandbox, processes_with

pytestmark = [needs_sandbox, pytest.mark.slow]
NAME = synthetic.NAME
CELL_TIMEOUT = 10
#: Text of the synthetic hidden tests that must never reach a kernel (their
#: messages and expected values).
HIDDEN_CANARIES = ("hidden: negative numbers", "BEGIN HIDDEN TESTS", "== -6", "assert_allclose(mean")


def _package_digest() -> str:
    return hashlib.sha256(open(coursework.__file__, "rb").read()).hexdigest()


def _corpus(released) -> dict:
    subs = {}
    for name, case in hostile.CASES.items():
        subs[f"{name}-blank"] = synthetic.answered(released, **case.answers(blank=True))
        subs[f"{name}-answered"] = synthetic.answered(released, **case.answers(blank=False))
    subs["honest"] = synthetic.answered(released)
    subs["spy"] = synthetic.answered(released, **SPY)
    return subs


#: Records every probe request the kernel receives, then prints them (in the last answer cell).
SPY = {
    "double": "import json\nfrom coursework.grading.judge import probe\n_seen = []\n_serve = probe.serve\n"
              "def _spy(request_path, response_path):\n    _seen.append(open(request_path).read())\n"
              "    return _serve(request_path, response_path)\n"
              "probe.serve = _spy\n" + hostile.DOUBLE,
    "mean": "print('SEEN', json.dumps(_seen))\nprint('HISTORY', json.dumps(list(In)))\n" + hostile.MEAN,
}


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    notebook_dir, _, released = course
    root = tmp_path_factory.mktemp("hostile")
    folder = synthetic.write_submissions(root / "subs", _corpus(released))
    before = _package_digest()
    grades = grade_submissions(folder, notebook_dir=notebook_dir, graded_dir=root / "graded", timeout=120,
                               cell_timeout=CELL_TIMEOUT, memory=hostile.MEMORY_LIMIT, jobs=2, echo=None)
    print(format_summary(grades))
    assert _package_digest() == before, "a submission changed the course package"
    return grades, write_gradebook(grades, root / "gradebook.csv"), root / "graded"


def _points(result) -> tuple:
    return tuple(result.scores[g] for g in synthetic.EXERCISES)


@pytest.mark.parametrize("case", sorted(hostile.CASES))
def test_hostile_code_earns_nothing_on_an_unanswered_notebook(graded, case):
    r = graded[0].result(f"{case}-blank", NAME)
    assert r.total == 0, (_points(r), r.reason_text())


@pytest.mark.parametrize("case", sorted(c for c, v in hostile.CASES.items() if v.answered is not None))
def test_the_honest_parts_keep_their_points(graded, case):
    r = graded[0].result(f"{case}-answered", NAME)
    points, status = hostile.CASES[case].answered
    assert (_points(r), r.status) == (tuple(float(p) for p in points), status), r.reason_text()


def test_nothing_else_in_the_batch_is_affected(graded):
    r = graded[0].result("honest", NAME)
    assert (r.status, r.total, r.reasons, r.notes) == ("ok", 6, {}, [])


def _output(graded_dir, student: str, cell: str = "tiny-double") -> str:
    nb = nbformat.read(graded_dir / student / NAME, as_version=4)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == cell)
    return "".join(o.get("text", "") for o in answer.outputs if o.get("output_type") == "stream")


def test_no_hidden_test_or_expectation_ever_reaches_the_kernel(graded):
    grades, _, graded_dir = graded
    assert grades.result("spy", NAME).total == 6
    seen = _output(graded_dir, "spy", "tiny-mean")
    requests = json.loads(seen.split("SEEN", 1)[1].split("HISTORY", 1)[0])
    history = json.loads(seen.split("HISTORY", 1)[1])
    assert any('"describe"' in r for r in requests) and any("-3" in r for r in requests), requests  # the spy works
    assert any("def double" in h for h in history)  # so does reading the history
    everything = seen + "".join(_output(graded_dir, f"{case}-answered", cell)
                                for case in ("read-history", "grep-hidden-tests")
                                for cell in ("tiny-double", "tiny-mean"))
    for canary in HIDDEN_CANARIES:
        assert canary not in everything, canary


def test_the_kernel_sees_nothing_outside_its_sandbox(graded):
    _, _, graded_dir = graded
    visible = json.loads(_output(graded_dir, "read-files-blank").split("VISIBLE", 1)[1])
    # the data mirror is mounted read-only by design (the notebooks load from it)
    mirror = f"{REAL_MIRROR.resolve()}/" if REAL_MIRROR is not None else None
    visible = [path for path in visible if not (mirror and path.startswith(mirror))]
    assert visible == [], "no notebook, gradebook, CSV or log is visible outside the Python environment"
    found = _output(graded_dir, "grep-hidden-tests-blank").split()
    assert found and all("/site-packages/nbgrader/" in path for path in found), found  # nbgrader's own examples
    assert str(REPO_ROOT / "notebooks") not in _output(graded_dir, "grep-hidden-tests-blank")


def test_no_network_no_writes_no_signals_no_thread_bomb(graded):
    _, _, graded_dir = graded
    assert _output(graded_dir, "network-blank").startswith("NETWORK unreachable")
    assert _output(graded_dir, "write-package-blank").startswith("WRITE refused: OSError")
    assert "Operation not permitted" in _output(graded_dir, "kill-parent-blank")
    started = int(_output(graded_dir, "thread-bomb-blank").split()[1])
    assert 100 < started < 512, "the process cap (threads count) stops it"


def test_memory_is_stopped_at_the_limit(graded):
    r = graded[0].result("memory-hog-answered", NAME)
    assert r.reasons["tiny-square-tests"] == "not run: memory limit of 1 GB exceeded in answer cell tiny-square"
    assert "cell 7 (answer cell tiny-square): memory limit of 1 GB exceeded" in r.notes[0]
    assert r.peak_memory < 3 * hostile.MEMORY_LIMIT


def test_answers_that_are_not_plain_data_say_so(graded):
    deep = graded[0].result("deep-answer-blank", NAME).reasons["tiny-double-tests"]
    assert deep == "NotGradable: not gradable: the answer is nested more than 40 levels deep (test line 1)"
    huge = graded[0].result("huge-answer-blank", NAME).reasons["tiny-mean-tests"]
    assert huge.startswith("NotGradable: not gradable: the answer is too large"), huge
    assert "took longer than" in graded[0].result("slow-answer-blank", NAME).reasons["tiny-double-tests"]


def test_an_honest_submission_beside_a_cpu_hog_gets_full_marks(course, tmp_path):
    notebook_dir, _, released = course
    subs = {"a-hog": synthetic.answered(released, **hostile.CASES["cpu-hog"].answers(blank=True)),
            "b-honest": synthetic.answered(released)}
    folder = synthetic.write_submissions(tmp_path / "subs", subs)
    marker = f"COURSEWORK_TEST_MARKER={uuid.uuid4().hex}"  # inherited by every process the kernels start
    grades = grade_submissions(folder, notebook_dir=notebook_dir, graded_dir=None, timeout=120,
                               cell_timeout=CELL_TIMEOUT, jobs=2, env=dict([marker.split("=")]), echo=None)
    honest = grades.result("b-honest", NAME)
    assert (honest.status, honest.total) == ("ok", 6), honest.reason_text()
    assert grades.result("a-hog", NAME).total == 0
    assert processes_with(marker) == [], "nothing a submission started outlives it"


def test_regrading_gives_an_identical_gradebook(course, graded, tmp_path):
    notebook_dir, _, released = course
    chosen = ["input-transformer-blank", "always-equal-answered", "memory-hog-answered", "forged-answers-answered",
              "network-blank"]
    corpus = _corpus(released)
    folder = synthetic.write_submissions(tmp_path / "subs", {name: corpus[name] for name in chosen})
    out = tmp_path / "again.csv"
    assert cli(["grade", str(folder), "--notebook-dir", str(notebook_dir), "--output", str(out), "--graded-dir", "",
                "--cell-timeout", str(CELL_TIMEOUT), "--memory", "1", "--jobs", "2"]) == 0
    with graded[1].open(newline="") as fh:
        first = {row["student"]: row for row in csv.DictReader(fh) if row["student"] in chosen}
    with out.open(newline="") as fh:
        again = {row["student"]: row for row in csv.DictReader(fh)}
    for row in list(first.values()) + list(again.values()):
        row.pop("seconds", None)
    assert again == first


def test_the_issues_one_liner_on_a_real_notebook(tmp_path):
    """The issue's case: notebook 02's student version, unanswered but for one
    line in its first answer cell, earned 5/5 before the judge; now 0."""
    (student,) = release(["02"], notebook_dir=REPO_ROOT / "notebooks", output_dir=tmp_path / "student")
    nb = nbformat.read(student, as_version=4)
    first = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first.source = "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n" + first.source
    (tmp_path / "subs" / "mallory").mkdir(parents=True)
    nbformat.write(nb, tmp_path / "subs" / "mallory" / student.name)
    r = grade_submissions(tmp_path / "subs", notebook_dir=REPO_ROOT / "notebooks", graded_dir=None,
                          echo=None).result("mallory", student.name)
    assert r.total == 0, r.reason_text()
