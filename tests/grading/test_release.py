"""``python -m coursework release``: the student versions, through nbgrader's
real ``generate_assignment`` (a synthetic notebook, then the real ones)."""

from __future__ import annotations

import json

import nbformat
import pytest

from coursework.__main__ import main as cli
from coursework.config import colab_url
from coursework.grading import ReleaseError, outdated_release, release
from tests.conftest import REPO_ROOT
from tests.grading import synthetic

STUDENT_DIR = REPO_ROOT / "student"
COMMITTED = sorted(STUDENT_DIR.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """(notebook_dir, output_dir, released path) for the synthetic notebook."""
    root = tmp_path_factory.mktemp("release")
    source = synthetic.write_source(root / "notebooks")
    before = source.read_bytes()
    (released,) = release(notebook_dir=root / "notebooks", output_dir=root / "student")
    assert source.read_bytes() == before, "release must not edit the source"
    return root / "notebooks", root / "student", released


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_solutions_become_stubs(course):
    _, _, released = course
    text = released.read_text()
    nb = nbformat.read(released, as_version=4)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert synthetic.DOUBLE_SOLUTION not in text and synthetic.SQUARE_SOLUTION not in text
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == 2
    for cell in answers:
        assert cell.source.startswith("def ")  # the signature stays, outside the region
        assert "raise NotImplementedError()" in cell.source


def test_hidden_tests_removed_visible_tests_kept(course):
    _, _, released = course
    text = released.read_text()
    nb = nbformat.read(released, as_version=4)
    assert "HIDDEN TESTS" not in text
    assert synthetic.HIDDEN_DOUBLE not in text and synthetic.HIDDEN_SQUARE not in text
    assert "assert double(2) == 4" in _code(nb) and "assert square(3) == 9" in _code(nb)


def test_nbgrader_metadata_kept_and_outputs_cleared(course):
    _, _, released = course
    nb = nbformat.read(released, as_version=4)
    nbformat.validate(nb)
    tests = {
        c.metadata.nbgrader.grade_id: c.metadata.nbgrader
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert {k: v.points for k, v in tests.items()} == synthetic.EXERCISES
    for meta in tests.values():
        assert meta.locked and meta.checksum and meta.schema_version == 3
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # the source's cell ids are kept, so the release is stable
    assert [c.id for c in nb.cells] == [c.id for c in synthetic.source_notebook().cells]


def test_colab_badge_points_at_the_student_version(course):
    _, _, released = course
    first = nbformat.read(released, as_version=4).cells[0].source
    assert colab_url(f"student/{synthetic.NAME}") in first
    assert colab_url(f"notebooks/{synthetic.NAME}") not in first


def test_release_is_deterministic(course, tmp_path):
    notebook_dir, _, released = course
    (again,) = release(notebook_dir=notebook_dir, output_dir=tmp_path)
    assert again.read_bytes() == released.read_bytes()
    assert json.loads(again.read_text())["nbformat"] == 4


def test_outdated_release_reports_stale_missing_and_extra(course, tmp_path):
    notebook_dir, output_dir, released = course
    assert outdated_release(notebook_dir=notebook_dir, student_dir=output_dir) == []
    student = tmp_path / "student"
    student.mkdir()
    assert outdated_release(notebook_dir=notebook_dir, student_dir=student) == [
        f"{student / synthetic.NAME}: missing"
    ]
    (student / synthetic.NAME).write_text(released.read_text().replace("double(2)", "double(3)"))
    (student / "98_gone.ipynb").write_text("{}")
    problems = outdated_release(notebook_dir=notebook_dir, student_dir=student)
    assert problems == [
        f"{student / '98_gone.ipynb'}: no source notebook any more",
        f"{student / synthetic.NAME}: out of date",
    ]


def test_cli_release_and_check(course, tmp_path, capsys):
    notebook_dir, _, released = course
    out = tmp_path / "student"
    assert cli(["release", "--notebook-dir", str(notebook_dir), "--output", str(out)]) == 0
    assert (out / synthetic.NAME).read_bytes() == released.read_bytes()
    assert cli(["release", "--notebook-dir", str(notebook_dir), "--output", str(out), "--check"]) == 0
    (out / synthetic.NAME).write_text("{}")
    assert cli(["release", "--notebook-dir", str(notebook_dir), "--output", str(out), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out


def test_cli_usage_errors(tmp_path, capsys):
    assert cli(["release", "--notebook-dir", str(tmp_path / "nowhere")]) == 2
    synthetic.write_source(tmp_path / "notebooks")
    assert cli(["release", "--notebook-dir", str(tmp_path / "notebooks"), "42"]) == 2
    assert "No notebook" in capsys.readouterr().err
    with pytest.raises(ValueError, match="overwrite the sources"):
        release(notebook_dir=tmp_path / "notebooks", output_dir=tmp_path / "notebooks")


def test_nbgrader_rejection_is_reported(tmp_path):
    nb = synthetic.source_notebook()
    nb.cells[6].metadata.nbgrader.grade_id = "tiny-double"  # duplicate grade_id
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / "notebooks" / synthetic.NAME)
    with pytest.raises(ReleaseError, match=synthetic.NAME):
        release(notebook_dir=tmp_path / "notebooks", output_dir=tmp_path / "student")
    assert not (tmp_path / "student" / synthetic.NAME).exists()


# --------------------------------------------------------------------------
# the real notebooks and the committed student versions


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.stem)
def test_committed_student_versions_hold_no_solutions(path):
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"{path.name} contains {marker!r}"
    nb = nbformat.read(path, as_version=4)
    assert colab_url(f"student/{path.name}") in nb.cells[0].source


def test_committed_student_versions_are_up_to_date():
    problems = outdated_release(notebook_dir=REPO_ROOT / "notebooks", student_dir=STUDENT_DIR)
    assert not problems, (
        "student/ is stale; run `python -m coursework release` and commit it:\n" + "\n".join(problems)
    )
