"""A tiny synthetic nbgrader course notebook and student submissions built
from it, so the grading tests do not depend on the real notebooks (nor on
Keras): three exercises, ``double`` (2 points), ``square`` (3 points) and
``mean`` (1 point, tested with ``numpy.testing``), each an answer cell
followed by a locked test cell with visible and hidden tests.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursework.config import colab_url

NAME = "99_tiny.ipynb"
EXERCISES = {"tiny-double-tests": 2.0, "tiny-square-tests": 3.0, "tiny-mean-tests": 1.0}

DOUBLE_SOLUTION = "return 2 * x  # reference solution"
SQUARE_SOLUTION = "return x ** 2  # reference solution"
HIDDEN_DOUBLE = "assert double(-3) == -6, 'hidden: negative numbers'"
HIDDEN_SQUARE = "assert square(-2) == 4, 'hidden: negative numbers'"
MEAN_SOLUTION = "return sum(xs) / len(xs)  # reference solution"
HIDDEN_MEAN = "np.testing.assert_allclose(mean([-1.0, 1.0, 3.0]), 1.0)"


def _meta(grade_id: str, **flags) -> dict:
    nbgrader = {
        "grade": False,
        "grade_id": grade_id,
        "locked": False,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    nbgrader.update(flags)
    return {"nbgrader": nbgrader}


def source_notebook() -> nbformat.NotebookNode:
    """The instructor's version (solutions and hidden tests included)."""
    nb = new_notebook()
    nb.metadata.kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    cells = [
        new_markdown_cell(
            "# 99 — Tiny\n\n"
            f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url('notebooks/' + NAME)})"
        ),
        new_code_cell("import math\n\nimport numpy as np"),
        new_markdown_cell("**Exercise 1.** Write `double(x)`."),
        new_code_cell(
            f"def double(x):\n    ### BEGIN SOLUTION\n    {DOUBLE_SOLUTION}\n    ### END SOLUTION",
            metadata=_meta("tiny-double", solution=True),
        ),
        new_code_cell(
            "assert double(2) == 4, 'double(2) should be 4'\n"
            f"### BEGIN HIDDEN TESTS\n{HIDDEN_DOUBLE}\n### END HIDDEN TESTS",
            metadata=_meta("tiny-double-tests", grade=True, locked=True, points=2),
        ),
        new_markdown_cell("**Exercise 2.** Write `square(x)`."),
        new_code_cell(
            f"def square(x):\n    ### BEGIN SOLUTION\n    {SQUARE_SOLUTION}\n    ### END SOLUTION",
            metadata=_meta("tiny-square", solution=True),
        ),
        new_code_cell(
            "assert square(3) == 9, 'square(3) should be 9'\n"
            f"### BEGIN HIDDEN TESTS\n{HIDDEN_SQUARE}\n### END HIDDEN TESTS",
            metadata=_meta("tiny-square-tests", grade=True, locked=True, points=3),
        ),
        new_markdown_cell("**Exercise 3.** Write `mean(xs)`."),
        new_code_cell(
            f"def mean(xs):\n    ### BEGIN SOLUTION\n    {MEAN_SOLUTION}\n    ### END SOLUTION",
            metadata=_meta("tiny-mean", solution=True),
        ),
        new_code_cell(
            "np.testing.assert_allclose(mean([1.0, 2.0, 3.0]), 2.0)\n"
            f"### BEGIN HIDDEN TESTS\n{HIDDEN_MEAN}\n### END HIDDEN TESTS",
            metadata=_meta("tiny-mean-tests", grade=True, locked=True, points=1),
        ),
        new_markdown_cell("The end."),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"  # fixed ids: the release is compared byte for byte
    nb.cells = cells
    return nb


def write_source(notebook_dir: Path) -> Path:
    notebook_dir.mkdir(parents=True, exist_ok=True)
    path = notebook_dir / NAME
    nbformat.write(source_notebook(), path)
    return path


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


#: Keep the release's stub in an answer cell (see :func:`answered`).
STUB = object()
CORRECT = {
    "double": "def double(x):\n    return x + x",
    "square": "def square(x):\n    return x * x",
    "mean": "def mean(xs):\n    return sum(xs) / len(xs)",
}


def answered(released, double: str | None = None, square: str | None = None, mean: str | None = None):
    """A copy of the released notebook with the answer cells' code replaced
    (``None``: the correct answer; ``STUB``: the release's stub)."""
    nb = copy.deepcopy(released)
    for name, code in (("double", double), ("square", square), ("mean", mean)):
        cell = _cell(nb, f"tiny-{name}")
        if code is not STUB:
            cell.source = CORRECT[name] if code is None else code
    return nb



def submissions(released, source) -> dict[str, object]:
    """``{student: notebook, or bytes for a raw file, or None for no file}``:
    one student per kind of (bad) submission."""
    subs: dict[str, object] = {}
    subs["full"] = answered(released)
    subs["source"] = copy.deepcopy(source)
    subs["release"] = copy.deepcopy(released)
    subs["partial"] = answered(released, square="def square(x):\n    return x + x")
    subs["hidden-fail"] = answered(released, double="def double(x):\n    return 4 if x == 2 else 0")
    subs["syntax"] = answered(released, double="def double(x):\n    return 2 *")
    subs["exception"] = answered(
        released, double="raise ValueError('boom: first line\\nsecond line')\ndef double(x):\n    return 2 * x"
    )
    subs["loop"] = answered(released, square="while True:\n    pass\ndef square(x):\n    return x * x")
    subs["ignores-interrupt"] = answered(
        released,
        double="sum(range(10 ** 15))  # stuck in C code, deaf to interrupts",
    )
    subs["sysexit"] = answered(released, double="import sys\nsys.exit(3)\ndef double(x):\n    return 2 * x")
    subs["osexit"] = answered(released, square="import os\nos._exit(1)\ndef square(x):\n    return x * x")
    subs["exit-call"] = answered(released, square="exit()\ndef square(x):\n    return x * x")
    subs["bigoutput"] = answered(
        released,
        double="print('x' * 5_000_000)\nfor i in range(20_000):\n    print(i)\n"
        "def double(x):\n    return 2 * x",
    )
    subs["stderr"] = answered(
        released, double="import sys\ndef double(x):\n    print('careful', file=sys.stderr)\n    return 2 * x"
    )
    # passes the visible test only: the restored cell must hold the hidden tests
    deleted = answered(released, double="def double(x):\n    return 4 if x == 2 else 0")
    deleted.cells.remove(_cell(deleted, "tiny-double-tests"))
    subs["deleted-test"] = deleted
    edited = answered(released, square="def square(x):\n    return 0")
    _cell(edited, "tiny-square-tests").source = "pass  # tests are overrated"
    subs["edited-test"] = edited
    stripped = answered(released)
    for cell in stripped.cells:
        cell.metadata.pop("nbgrader", None)
    subs["stripped-metadata"] = stripped
    tampered = answered(released)
    _cell(tampered, "tiny-double-tests").metadata.nbgrader.grade = False  # no longer graded?
    pasted = copy.deepcopy(_cell(tampered, "tiny-square-tests"))
    pasted.metadata.nbgrader.grade_id = "nb01-from-another-notebook"
    pasted["id"] = "pasted"
    tampered.cells.append(pasted)
    subs["tampered-metadata"] = tampered
    subs["invalid-json"] = b'{"cells": [{"cell_type": "code", '
    subs["missing"] = None
    return subs


def write_submissions(folder: Path, subs: dict[str, object]) -> Path:
    for student, content in subs.items():
        student_dir = folder / student
        student_dir.mkdir(parents=True, exist_ok=True)
        if content is None:
            (student_dir / "README.txt").write_text("I forgot to upload my notebook.\n")
        elif isinstance(content, bytes):
            (student_dir / NAME).write_bytes(content)
        else:
            nbformat.write(content, student_dir / NAME)
    return folder
