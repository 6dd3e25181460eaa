"""Every committed notebook: no outputs, valid format, the course's structure
(Colab badge from the one repository URL, setup cell, seeding, recorded
results, a "Check your understanding" section)."""

from __future__ import annotations

import json

import nbformat
import pytest

from coursework.config import REPOSITORY_URL, colab_url
from tests.conftest import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_valid_and_without_outputs(notebook):
    path, nb = notebook
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {index} has outputs"
            assert cell.execution_count is None, f"{path.name} cell {index} has an execution count"
    raw = json.loads(path.read_text())
    assert raw["nbformat"] == 4


def test_badge_setup_and_seed(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.lstrip().startswith("# ")
    assert colab_url(f"notebooks/{path.name}") in first.source, "Colab badge must point at this notebook"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    setup = next(src for src in code if "import coursework" in src)
    assert f"git+{REPOSITORY_URL}" in setup, "setup cell must install from config.REPOSITORY_URL"
    assert "google.colab" in setup and "sys.path.insert" in setup
    first_code = code.index(setup)
    assert any("seed_everything(" in src for src in code[first_code : first_code + 2])


def test_records_a_headline_and_ends_with_questions(notebook):
    path, nb = notebook
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "record(" in code and "headline=" in code
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    questions = [i for i, src in enumerate(markdown) if "Check your understanding" in src]
    assert questions, f"{path.name} needs a 'Check your understanding' section"
    tail = "\n".join(markdown[questions[-1]:])
    assert "<details>" in tail, "answers go in collapsed <details> blocks"


def test_markdown_before_code(notebook):
    """A lesson explains before it computes: no two code cells in a row
    without prose, except short runs (at most 3)."""
    path, nb = notebook
    run = 0
    for cell in nb.cells:
        run = run + 1 if cell.cell_type == "code" else 0
        assert run <= 3, f"{path.name}: more than 3 code cells without an explanation"


def test_notebooks_with_exercises_end_with_the_self_check(notebook):
    """The last cell checks this very notebook (``coursework.grading.in_notebook``)
    and is not an nbgrader cell; a markdown cell before it says to save first."""
    path, nb = notebook
    if not any(c.metadata.get("nbgrader", {}).get("grade") for c in nb.cells):
        pytest.skip(f"{path.name} has no exercises")
    intro, last = nb.cells[-2:]
    assert last.cell_type == "code" and "nbgrader" not in last.metadata
    assert last.source.splitlines()[-1] == f'check_notebook("{path.name}")'
    assert "from coursework.grading.in_notebook import check_notebook" in last.source
    assert intro.cell_type == "markdown" and intro.source.startswith("## Check your work")
    assert "Save the notebook first" in intro.source and "hidden tests" in intro.source


# --------------------------------------------------------------------------
# issue 19: plain Keras on the main path; Run All reaches every lesson cell
# --------------------------------------------------------------------------
#: Speed plumbing the lecture does not teach: allowed only in "(optional)"
#: sections (``tests/test_density.py`` defines the main path).
PLUMBING = ("import tensorflow", "tf.data", "SparseDense", "sparse=True", "steps_per_execution",
            "convert_to_tensor(x_", "np.tile(")


def plumbing_on_the_main_path(cells) -> list[tuple[int, str]]:
    """(cell index, construct) for every PLUMBING construct in a main-path code cell."""
    from tests.test_density import main_path

    kept = {id(cell) for cell in main_path(cells)}
    return [(index, construct) for index, cell in enumerate(cells)
            if id(cell) in kept and cell.cell_type == "code"
            for construct in PLUMBING if construct in cell.source]


def test_the_main_path_is_plain_keras(notebook):
    path, nb = notebook
    assert plumbing_on_the_main_path(nb.cells) == [], \
        f"{path.name}: move these speed tricks to an 'Under the hood (optional)' section"


def test_the_plumbing_check_sees_only_the_main_path():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [md("## 1. Lesson"), code("import tensorflow as tf\nmodel.compile(steps_per_execution=50)"),
             md("## Under the hood (optional): speed"), code("ds = tf.data.Dataset.range(3)"),
             md("## 2. Exercises"), code("x = np.tile(x, 4)")]
    assert plumbing_on_the_main_path(cells) == [(1, "import tensorflow"), (1, "steps_per_execution"), (5, "np.tile(")]


def test_lesson_and_optional_sections_come_before_the_exercises(notebook):
    """A student's Run All stops at the first unanswered exercise."""
    from tests.notebooks.frame import assert_lesson_and_optional_sections_before_the_exercises

    path, nb = notebook
    if not any(cell.get("metadata", {}).get("nbgrader") for cell in nb.cells):
        pytest.skip(f"{path.name} has no exercises")
    assert_lesson_and_optional_sections_before_the_exercises(nb.cells)
