"""The grading stages' pieces, without a kernel: collecting, repairing,
explaining, the gradebook and summary, the worker protocol, the memory
watch, the command line's usage errors."""

from __future__ import annotations

import subprocess
import sys
import time

import nbformat
import pytest

from coursework.__main__ import main as cli
from coursework._kernels import first_line
from coursework.grading import ClassGrades, Exercise, SubmissionGrade, format_summary, grade_submissions
from coursework.grading import write_gradebook
from coursework.grading.collect import find_submission
from coursework.grading.grade import _failure
from coursework.grading.repair import repair
from coursework.grading.report import NO_SANDBOX_NOTE
from coursework.grading.run import Outcome
from coursework.grading.score import explain
from coursework.grading.spec import GIB, Limits, SandboxSpec, WorkerReport, WorkerSpec
from coursework.grading.watch import MemoryWatch, process_tree, resident_bytes
from tests.grading import synthetic


def _ids(nb) -> list:
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_repair_restores_a_deleted_test_cell_in_place(course):
    _, source, released = course
    nb = synthetic.answered(released)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "tiny-double-tests"]
    notes = repair(nb, released, source)
    assert notes == ["tiny-double-tests: test cell deleted; restored from the source and graded"]
    ids = _ids(nb)
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
    nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("grade_id") or "").startswith("tiny-double")]
    notes = repair(nb, released, source)
    assert "tiny-double: answer cell not found (deleted, or its nbgrader metadata removed)" in notes
    assert "tiny-double-tests: test cell deleted; restored from the source and graded" in notes


def test_repair_restores_metadata_and_drops_foreign_ids(course):
    _, source, released = course
    nb = synthetic.submissions(released, source)["tampered-metadata"]
    notes = repair(nb, released, source)
    assert notes == [
        "nb01-from-another-notebook: not a cell of this notebook; graded as an ordinary cell",
        "tiny-double-tests: test cell's nbgrader metadata changed; restored it",
    ]
    assert "nbgrader" not in nb.cells[-1].metadata
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata.nbgrader.grade_id for c in tests] == list(synthetic.EXERCISES)


def _graded_cell(grade_id, outputs, **flags):
    cell = nbformat.v4.new_code_cell("x", metadata=synthetic._meta(grade_id, **flags))
    cell.outputs = [nbformat.NotebookNode(o) for o in outputs]
    return cell


def test_explain_names_the_error_the_answer_cell_and_the_judges_refusal(course):
    _, _, released = course
    graded = nbformat.v4.new_notebook()
    error = {"output_type": "error", "ename": "SyntaxError", "evalue": "invalid syntax (3960470163.py, line 2)",
             "traceback": []}
    name_error = {"output_type": "error", "ename": "NameError", "evalue": "name 'double' is not defined",
                  "traceback": []}
    refused = {"output_type": "error", "ename": "NotGradable", "traceback": [],
               "evalue": "not gradable: the answer is nested more than 40 levels deep"}
    graded.cells = [
        _graded_cell("tiny-double", [error], solution=True),
        _graded_cell("tiny-double-tests", [name_error], grade=True, locked=True, points=2),
        _graded_cell("tiny-square", [], solution=True),
        _graded_cell("tiny-square-tests", [], grade=True, locked=True, points=3),
        _graded_cell("tiny-mean", [], solution=True),
        _graded_cell("tiny-mean-tests", [refused], grade=True, locked=True, points=1),
    ]
    scores = {"tiny-double-tests": 0.0, "tiny-square-tests": 3.0, "tiny-mean-tests": 0.0}
    assert explain(graded, released, scores, synthetic.EXERCISES, cell_timeout=60) == {
        "tiny-double-tests": "NameError: name 'double' is not defined "
        "(answer cell tiny-double: SyntaxError: invalid syntax (line 2))",
        "tiny-mean-tests": "NotGradable: not gradable: the answer is nested more than 40 levels deep",
    }


def test_find_submission_layouts(tmp_path):
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
    assert find_submission(ann, name) == (ann / name, None)
    assert find_submission(bob, name) == (bob / "02_softmax" / name, None)
    assert find_submission(cy, name) == (cy / "Copy of 02_softmax.ipynb",
                                         "graded 'Copy of 02_softmax.ipynb' as 02_softmax.ipynb")
    assert find_submission(dee, name) == (None, None)
    assert find_submission(ann, "03_other.ipynb") == (None, None)


def _outcome(log: str = "", errors: tuple = ()) -> Outcome:
    return Outcome("failed", None, {}, log, b"", WorkerReport(False, errors), None, 1.0)


def test_failure_names_the_exception_not_nbgraders_wrapper():
    errors = ("There was an error processing assignment: /tmp/x", "KeyError: 'tiny-double'",
              "NbGraderException: Please see the above traceback")
    assert _failure(_outcome(errors=errors)) == "KeyError: 'tiny-double'"
    assert _failure(_outcome(errors=("No notebooks found",))) == "No notebooks found"
    assert _failure(_outcome(log="[INFO] a\nsomething broke\n")) == "something broke"
    assert _failure(_outcome()) == "the worker stopped without a report"


def test_first_line():
    assert first_line("\n  ValueError: a\nb") == "ValueError: a"
    assert first_line("x" * 500, 200).endswith("...") and len(first_line("x" * 500, 200)) == 200
    assert first_line("") == ""
    assert first_line("invalid syntax (3960470163.py, line 2)") == "invalid syntax (line 2)"
    assert first_line("got <function f at 0x7f3a2c1d5e50>") == "got <function f at 0x...>"


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


def test_worker_protocol_round_trips():
    spec = WorkerSpec(root="/r", assignment="a", student="s", runtime="/t", scratch="/w", report="/p",
                      kernel_log="/k", limits=Limits(memory=GIB), sandbox=SandboxSpec("bwrap", ("/usr",), uid=7),
                      env={"A": "1"}, judge_context="/c.json")
    assert WorkerSpec.from_json(spec.to_json()) == spec
    report = WorkerReport(True, ("e",), 4, 123)
    assert WorkerReport.from_json(report.to_json()) == report
    assert Limits(memory=3 * GIB).memory_text() == "3 GB" and Limits(memory=GIB // 2).memory_text() == "512 MB"


HOG = "import time\nchunks = []\nfor _ in range(200):\n    chunks.append(bytearray(8 * 2**20))\n    time.sleep(0.02)\ntime.sleep(30)"


def test_memory_watch_kills_a_process_tree_over_the_limit():
    proc = subprocess.Popen([sys.executable, "-c", HOG])
    try:
        watch = MemoryWatch(proc.pid, 300 * 2**20)
        watch.start()
        proc.wait(timeout=60)
        watch.join(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == -9
    assert watch.exceeded is not None and watch.exceeded > 300 * 2**20
    assert watch.peak >= watch.exceeded


def test_process_tree_and_resident_size():
    proc = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time\n"
                             "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
                             "time.sleep(30)"])
    try:
        deadline = time.monotonic() + 20
        while len(process_tree(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        tree = process_tree(proc.pid)
        assert len(tree) == 2 and tree[0] == proc.pid
        assert resident_bytes(tree) > resident_bytes(tree[:1]) > 1_000_000
    finally:
        for pid in process_tree(proc.pid)[::-1]:
            subprocess.run(["kill", "-9", str(pid)], check=False)
        proc.wait()


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
    with pytest.raises(ValueError, match="memory must be"):
        grade_submissions(tmp_path / "subs", notebook_dir=tmp_path / "notebooks", memory=1000)


def test_progress_says_the_rate_and_the_time_left():
    import time

    from coursework.grading.grade import progress

    now = time.monotonic()
    assert progress(3, 10, now - 60) == " | 3.0/min, about 2 min left"
    assert progress(9, 10, now - 60) == " | 9.0/min, about 7 s left"
    assert progress(0, 10, now) == progress(10, 10, now - 5) == ""
