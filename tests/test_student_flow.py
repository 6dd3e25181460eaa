"""The student versions run their whole lesson with the exercises unanswered.

Issue 14: "Restart & Run All" of a released notebook, before a student has
written anything, must run every lesson cell; only the exercises' test cells
may fail (their answer cells hold nbgrader's stub, which raises
``NotImplementedError`` when called).  For every notebook in ``notebooks/``
(discovered, so new notebooks are covered), these tests release the student
version into a temporary folder with nbgrader, execute it with nbclient and
``allow_errors=True`` (every cell runs, as in a notebook where an error does
not stop the run), and check that every code cell that is not part of an
exercise (no nbgrader metadata: the lesson, results, optional sections) ran
without error.

The kernels run in grading mode (``COURSEWORK_GRADING=1``: less data, fewer
epochs), which keeps the run short and leaves the cells the same.
"""

from __future__ import annotations

import nbformat
import pytest

from tests.conftest import REAL_MIRROR, REPO_ROOT
from tests.notebooks.conftest import NEEDS_DATA
from tests.notebooks.exercises import nbgrader

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("student")


def _errors(nb) -> list[str]:
    """One line per code cell that should have run cleanly but raised."""
    problems = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or nbgrader(cell):
            continue  # an unanswered exercise (answer stub, test cell) is expected to fail
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                problems.append(f"cell {index} ({first_line[:50]!r}): "
                                f"{output.ename}: {output.evalue[:200]}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_unanswered_student_version_runs_every_lesson_cell(source, student_dir, monkeypatch):
    from nbclient import NotebookClient

    from coursework.grading.release import release

    prefix = source.name[:2]
    if prefix in NEEDS_DATA and REAL_MIRROR is None:
        pytest.skip("set COURSEWORK_DATA to the real dataset mirror")
    (path,) = release([source.stem], notebook_dir=source.parent, output_dir=student_dir)
    nb = nbformat.read(path, as_version=4)
    assert any(nbgrader(c).get("solution") for c in nb.cells), "a student version has exercises"

    monkeypatch.setenv("COURSEWORK_GRADING", "1")
    monkeypatch.setenv("COURSEWORK_HEADLESS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    if REAL_MIRROR is not None:
        monkeypatch.setenv("COURSEWORK_DATA", str(REAL_MIRROR))
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(student_dir)}})
    client.execute()

    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "every code cell was executed"
    assert _errors(nb) == [], f"{path.name}: lesson cells failed with the exercises unanswered"
    graded = [c for c in code if nbgrader(c).get("grade")]
    failed = [c for c in graded if any(o.output_type == "error" for o in c.outputs)]
    assert failed, "an unanswered exercise's test cell should fail"
