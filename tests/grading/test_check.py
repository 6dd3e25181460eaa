"""``python -m coursework check``: the student's self-check is the grader
with the visible tests only, so it agrees with ``grade``, exercise by
exercise, on every submission of the test corpus (the synthetic class of
``test_grade.py`` and the hostile one of ``hostile.py``)."""

from __future__ import annotations

import copy

import nbformat
import pytest

from coursework.__main__ import main as cli
from coursework.grading import check as check_module
from coursework.grading import grade as grade_module
from coursework.grading import grade_submissions, release
from coursework.grading._course_dir import generate_assignments
from coursework.grading.check import check_submission, format_check, grade_visible, template_source
from coursework.grading.sandbox import SandboxUnavailable
from tests.conftest import REPO_ROOT
from tests.grading import hostile, synthetic
from tests.grading.conftest import needs_sandbox

NAME = synthetic.NAME
HIDDEN_FAILURE = "AssertionError: hidden: "  # the synthetic hidden tests' messages
#: Hostile cases left out of the comparison: the CPU hog's own outcome
#: depends on how its kernel fares beside its own busy processes.
UNCOMPARED = {"cpu-hog"}


def test_template_source_releases_back_into_the_release(course, tmp_path):
    _, source, released = course
    rebuilt = template_source(copy.deepcopy(released))
    text = nbformat.writes(rebuilt)
    assert "BEGIN HIDDEN TESTS" not in text and synthetic.DOUBLE_SOLUTION not in text
    assert text.count("### BEGIN SOLUTION") == 3
    (again,) = generate_assignments([(NAME, rebuilt)], tmp_path / "course")
    again = nbformat.read(again.release, as_version=4)
    assert [(c.source, c.metadata) for c in again.cells] == [(c.source, c.metadata) for c in released.cells]


def test_template_source_of_a_real_notebook(tmp_path):
    (path,) = release(["02"], notebook_dir=REPO_ROOT / "notebooks", output_dir=tmp_path / "student")
    released = nbformat.read(path, as_version=4)
    (again,) = generate_assignments([(path.name, template_source(copy.deepcopy(released)))], tmp_path / "course")
    again = nbformat.read(again.release, as_version=4)
    assert [(c.source, c.metadata) for c in again.cells] == [(c.source, c.metadata) for c in released.cells]


def _corpus(released, source) -> dict:
    subs = {f"syn-{k}": v for k, v in synthetic.submissions(released, source).items()}
    subs |= {f"hostile-{k}": synthetic.answered(released, **c.answers(blank=True))
             for k, c in hostile.CASES.items() if k not in UNCOMPARED}
    return subs


@pytest.fixture(scope="module")
def both(course, tmp_path_factory):
    """The corpus graded by ``grade`` and by the check: (grade's, check's)."""
    notebook_dir, source, released = course
    root = tmp_path_factory.mktemp("agree")
    folder = synthetic.write_submissions(root / "subs", _corpus(released, source))
    options = dict(graded_dir=None, timeout=120, cell_timeout=10, memory=hostile.MEMORY_LIMIT, jobs=2, echo=None)
    graded = grade_submissions(folder, notebook_dir=notebook_dir, **options)
    checked = grade_visible(folder, notebook_dir.parent / "student", **options)
    return graded, checked


@needs_sandbox
@pytest.mark.slow
def test_check_and_grade_agree_on_every_visible_test(course, both):
    graded, checked = both
    assert [r.student for r in checked.results] == [r.student for r in graded.results]
    assert len(graded.results) == len(_corpus(course[2], course[1])) == 20 + len(hostile.CASES) - len(UNCOMPARED)
    only_hidden = []
    for g, c in zip(graded.results, checked.results):
        assert (c.status, c.problem) == (g.status, g.problem), c.student
        if c.student == "syn-source":  # its test cells hold the hidden tests: not the check's, graded as released
            assert c.notes == [f"{gid}: test cell edited; graded the original" for gid in synthetic.EXERCISES]
        else:
            assert c.notes == g.notes, c.student
        for gid, top in c.max_scores.items():
            if c.scores[gid] == top:  # passes the visible tests: grade gives all, or fails a hidden test
                if g.scores[gid] != top:
                    assert g.reasons[gid].startswith(HIDDEN_FAILURE), (c.student, gid, g.reasons[gid])
                    only_hidden.append((c.student, gid))
            else:  # fails a visible test: grade gives the same points, for the same reason
                assert (g.scores[gid], g.reasons.get(gid)) == (c.scores[gid], c.reasons.get(gid)), (c.student, gid)
    assert sorted(only_hidden) == [("syn-deleted-test", "tiny-double-tests"), ("syn-hidden-fail", "tiny-double-tests")]
    assert checked.result("syn-source", NAME).total == 6
    assert set(checked.result("syn-release", NAME).reasons.values()) == {
        "not answered: NotImplementedError: replace this line with your answer"}


@needs_sandbox
@pytest.mark.slow
@pytest.mark.parametrize("stem", ["01_linear_classification", "02_softmax_cross_entropy"])
def test_real_source_passes_every_visible_test_and_release_none(stem, tmp_path):
    name = f"{stem}.ipynb"
    release([name], notebook_dir=REPO_ROOT / "notebooks", output_dir=tmp_path / "student")
    source = check_submission(REPO_ROOT / "notebooks" / name, templates=tmp_path / "student")
    assert source.passed and source.sandboxed, format_check(source)
    assert all(note.endswith(": test cell edited; graded the original") for note in source.grade.notes)
    unanswered = check_submission(tmp_path / "student" / name, templates=tmp_path / "student")
    assert not unanswered.passed and unanswered.grade.total == 0
    assert all(why.startswith("not answered: ") for why in unanswered.grade.reasons.values())
    assert set(unanswered.grade.reasons) == set(unanswered.grade.max_scores)


@pytest.fixture()
def student_course(course, tmp_path, monkeypatch):
    """A student's folder holding notebook 99, and the check's templates pointing at the synthetic release."""
    notebook_dir, source, released = course
    monkeypatch.setattr(check_module, "TEMPLATES", notebook_dir.parent / "student")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notebooks").mkdir()
    return tmp_path, released


@needs_sandbox
@pytest.mark.slow
def test_command_line_exits_1_on_a_failing_visible_test(student_course, capsys):
    folder, released = student_course
    nbformat.write(synthetic.answered(released, square="def square(x):\n    return x + x"),
                   folder / "notebooks" / NAME)
    assert cli(["check", "99"]) == 1
    out = capsys.readouterr().out
    assert "  tiny-square-tests  0/3  AssertionError: square(3) should be 9\n" in out
    assert "  tiny-double-tests  2/2  pass\n" in out
    assert out.rstrip().endswith("visible tests: 2 of 3 exercises pass (3/6 points if the hidden tests pass too); "
                                 "the grader also runs hidden tests, which this check does not have")


@needs_sandbox
@pytest.mark.slow
def test_command_line_exits_0_for_a_copy_that_passes(student_course, capsys):
    folder, released = student_course
    nbformat.write(synthetic.answered(released), folder / f"Copy of {NAME}")
    assert cli(["check", f"Copy of {NAME}"]) == 0
    assert "visible tests: 3 of 3 exercises pass" in capsys.readouterr().out


@pytest.mark.slow
def test_without_bubblewrap_the_check_runs_unsandboxed_and_says_so(student_course, monkeypatch):
    folder, released = student_course

    def unavailable(env):
        raise SandboxUnavailable("bubblewrap (`bwrap`) is not installed. Install it")

    monkeypatch.setattr(grade_module, "sandbox_spec", unavailable)
    nbformat.write(synthetic.answered(released, double=synthetic.STUB), folder / NAME)
    result = check_submission(folder / NAME)
    assert not result.sandboxed and result.note.startswith("checked without the sandbox (bubblewrap")
    assert result.grade.scores == {"tiny-double-tests": 0.0, "tiny-square-tests": 3.0, "tiny-mean-tests": 1.0}
    assert format_check(result).splitlines()[1].startswith("note: checked without the sandbox")
    with pytest.raises(SandboxUnavailable):
        check_submission(folder / NAME, sandbox=True)


def test_command_line_usage_errors(student_course, capsys):
    folder, released = student_course
    nbformat.write(released, folder / "notebooks" / NAME)
    (folder / "thesis.ipynb").write_text("{}")
    assert cli(["check", "42"]) == 2
    assert "No notebook in notebooks matches '42'" in capsys.readouterr().err
    assert cli(["check", str(folder / "thesis.ipynb")]) == 2
    assert "thesis.ipynb is not a course notebook: its name must contain one of 99_tiny.ipynb" in capsys.readouterr().err


# --------------------------------------------------------------------------
# the "Check your work" cell: coursework.grading.in_notebook.check_notebook


def test_check_cell_does_nothing_while_grading(monkeypatch, capsys):
    from coursework.grading.in_notebook import check_notebook

    monkeypatch.setenv("COURSEWORK_GRADING", "1")
    assert check_notebook("99_tiny.ipynb") is True
    assert "skipped" in capsys.readouterr().out


@pytest.fixture()
def notebook_kernel(student_course, monkeypatch):
    """A student's kernel: not grading, not headless."""
    for name in ("COURSEWORK_GRADING", "COURSEWORK_HEADLESS"):
        monkeypatch.delenv(name, raising=False)
    return student_course


@needs_sandbox
@pytest.mark.slow
def test_check_cell_in_jupyter_checks_the_saved_copy(notebook_kernel, capsys):
    from coursework.grading.in_notebook import check_notebook

    folder, released = notebook_kernel
    nbformat.write(synthetic.answered(released, mean="def mean(xs):\n    return 0"), folder / NAME)
    assert check_notebook(NAME) is False
    out = capsys.readouterr().out
    assert f"Checking the copy of {NAME} saved 0 min ago" in out and "save the notebook (Ctrl+S)" in out
    assert "  tiny-mean-tests    0/1  AssertionError: " in out
    assert "visible tests: 2 of 3 exercises pass" in out


@needs_sandbox
@pytest.mark.slow
def test_check_cell_on_colab_checks_the_live_notebook(notebook_kernel, monkeypatch, capsys):
    """Colab's kernel has no notebook file: the live one comes from the frontend."""
    import sys
    import types

    from coursework.grading.in_notebook import check_notebook

    folder, released = notebook_kernel
    live = synthetic.answered(released)
    requests = []

    def blocking_request(kind, request="", timeout_sec=None):
        requests.append(kind)
        return {"ipynb": nbformat.from_dict(live)}

    colab = types.ModuleType("google.colab")
    colab._message = types.SimpleNamespace(blocking_request=blocking_request)
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    assert not (folder / NAME).exists()
    assert check_notebook(NAME) is True
    assert requests == ["get_ipynb"]
    out = capsys.readouterr().out
    assert f"Checking {NAME} as Colab shows it now" in out and "visible tests: 3 of 3 exercises pass" in out
