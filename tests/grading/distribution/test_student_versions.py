"""``python -m coursework release``: the student versions, through nbgrader's
real ``generate_assignment`` (a synthetic notebook, then the real ones)."""

from __future__ import annotations

import json

import nbformat
import pytest

from coursework.__main__ import main as cli
from coursework.config import REPOSITORY_URL, STUDENT_REPOSITORY_URL, colab_url
from coursework.grading import ReleaseError, release
from coursework.grading._course_dir import CODE_STUB
from tests.conftest import REPO_ROOT
from tests.grading import synthetic

REAL = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def released_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("release")
    source = synthetic.write_source(root / "notebooks")
    before = source.read_bytes()
    (released,) = release(notebook_dir=root / "notebooks", output_dir=root / "student")
    assert source.read_bytes() == before, "release must not edit the source"
    return released


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_solutions_become_stubs_that_say_what_to_do(released_path):
    text = released_path.read_text()
    nb = nbformat.read(released_path, as_version=4)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    for solution in (synthetic.DOUBLE_SOLUTION, synthetic.SQUARE_SOLUTION, synthetic.MEAN_SOLUTION):
        assert solution not in text
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(answers) == 3
    for cell in answers:
        assert cell.source.startswith("def ")  # the signature stays, outside the region
        assert cell.source.endswith('    raise NotImplementedError("replace this line with your answer")')
    assert CODE_STUB.splitlines()[1] in _code(nb)


def test_hidden_tests_removed_visible_tests_kept(released_path):
    text = released_path.read_text()
    nb = nbformat.read(released_path, as_version=4)
    assert "HIDDEN TESTS" not in text
    for hidden in (synthetic.HIDDEN_DOUBLE, synthetic.HIDDEN_SQUARE, synthetic.HIDDEN_MEAN):
        assert hidden not in text
    assert "assert double(2) == 4" in _code(nb) and "assert square(3) == 9" in _code(nb)


def test_nbgrader_metadata_kept_and_outputs_cleared(released_path):
    nb = nbformat.read(released_path, as_version=4)
    nbformat.validate(nb)
    tests = {c.metadata.nbgrader.grade_id: c.metadata.nbgrader for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade")}
    assert {k: v.points for k, v in tests.items()} == synthetic.EXERCISES
    for meta in tests.values():
        assert meta.locked and meta.checksum and meta.schema_version == 3
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert [c.id for c in nb.cells] == [c.id for c in synthetic.source_notebook().cells]


def test_colab_badge_points_at_the_students_repository(released_path):
    first = nbformat.read(released_path, as_version=4).cells[0].source
    assert colab_url(f"notebooks/{synthetic.NAME}", repository=STUDENT_REPOSITORY_URL) in first
    assert colab_url(f"notebooks/{synthetic.NAME}") not in first


def test_release_is_deterministic(released_path, tmp_path):
    (again,) = release(notebook_dir=released_path.parent.parent / "notebooks", output_dir=tmp_path)
    assert again.read_bytes() == released_path.read_bytes()
    assert json.loads(again.read_text())["nbformat"] == 4


def test_cli_release(released_path, tmp_path):
    out = tmp_path / "student"
    notebook_dir = released_path.parent.parent / "notebooks"
    assert cli(["release", "--notebook-dir", str(notebook_dir), "--output", str(out)]) == 0
    assert (out / synthetic.NAME).read_bytes() == released_path.read_bytes()


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


@pytest.fixture(scope="module")
def real_release(tmp_path_factory):
    out = tmp_path_factory.mktemp("real-student")
    return {p.name: p for p in release(notebook_dir=REPO_ROOT / "notebooks", output_dir=out)}


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_student_versions(real_release, path):
    student = real_release[path.name]
    text = student.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"{path.name} contains {marker!r}"
    nb = nbformat.read(student, as_version=4)
    assert colab_url(f"notebooks/{path.name}", repository=STUDENT_REPOSITORY_URL) in nb.cells[0].source
    setup = next(c.source for c in nb.cells if c.cell_type == "code" and "import coursework" in c.source)
    assert f"git+{STUDENT_REPOSITORY_URL}" in setup and f"git+{REPOSITORY_URL}\"" not in setup
