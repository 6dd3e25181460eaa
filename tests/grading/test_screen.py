"""The static screen: what it refuses, and that honest notebooks pass it."""

from __future__ import annotations

import copy

import nbformat
import pytest

from coursework.grading import release
from coursework.grading.screen import Screen
from tests.conftest import REPO_ROOT
from tests.grading import synthetic

REAL = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def screen(course):
    _, source, released = course
    return Screen(source, released)


def _what(screen, course, code: str, cell: str = "double") -> str | None:
    _, _, released = course
    found = screen.findings(synthetic.answered(released, **{cell: code}))
    return found[0].what if found else None


@pytest.mark.parametrize("code", [
    "def double(x):\n    return 2 * x",
    "import numpy as np\ndef double(x):\n    return np.multiply(x, 2)",  # the lesson's own import again
    "%timeit sum(range(10))\ndef double(x):\n    return x + x",
    "%%time\ndef double(x):\n    return x + x",
    "from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\ndef double(x):\n    return P(x).x * 2",
    "import sys\nprint('hi', file=sys.stderr)\ndef double(x):\n    return 2 * x",
    "class Layer:\n    def __init__(self):\n        super().__init__()\n        self.name = type(self).__name__",
])
def test_honest_code_passes(screen, course, code):
    assert _what(screen, course, code) is None


@pytest.mark.parametrize(("code", "what"), [
    ("get_ipython().events.register('pre_run_cell', print)", "uses `get_ipython`"),
    ("print(In[1])", "uses `In`"),
    ("import sys\nsys.settrace(None)", "uses `sys.settrace`"),
    ("import sys as s\nprint(s.modules)", "uses `sys.modules`"),
    ("import builtins", "imports the module `builtins`"),
    ("from unittest import mock", "imports `mock` from `unittest`"),
    ("import ctypes", "imports the module `ctypes`"),
    ("import os\nos.system('ls')", "uses `os.system`"),
    ("exec('x = 1')", "uses `exec`"),
    ("f = getattr(object, 'x' + 'y')", "uses `getattr` with a computed name"),
    ("x = (1).__class__.__subclasses__()", "uses `.__subclasses__`"),
    ("import numpy\nnumpy.testing.assert_allclose = print", "assigns `numpy.testing.assert_allclose`"),
    ("class A:\n    def __eq__(self, other):\n        return True", "defines __eq__"),
    ("A = type('A', (), {'__eq__': lambda s, o: True})", "names '__eq__' in a string"),
    ("np = None", "redefines `np`"),
    ("!ls /", "runs a shell command (!)"),
    ("%load_ext autoreload", "uses the magic %load_ext"),
    ("%%bash\nls", "uses the cell magic %%bash"),
    ("%timeit get_ipython()", "uses `get_ipython`"),
])
def test_refused(screen, course, code, what):
    found = _what(screen, course, code)
    assert found is not None and found.startswith(what), found


def test_findings_name_the_cell(screen, course):
    _, _, released = course
    nb = synthetic.answered(released, square="import gc")
    (finding,) = screen.findings(nb)
    assert (finding.cell, finding.label) == (6, "cell 7 (answer cell tiny-square)")


def test_an_edited_lesson_cell_keeps_its_trusted_lines(screen, course):
    """A student may edit the setup cell; its own lines stay trusted, new ones are screened."""
    _, _, released = course
    nb = copy.deepcopy(released)
    lesson = nb.cells[1]
    lesson.source = "import sys\nimport math\n\nimport numpy as np\nprint(sys.version)"
    assert screen.findings(nb) == []
    lesson.source += "\nsys.setprofile(None)"
    assert [f.what for f in screen.findings(nb)] == ["uses `sys.setprofile`"]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_the_real_notebooks_pass_the_screen(path, tmp_path):
    """The source (solutions in the answer cells) and the student version."""
    (student,) = release([path.name], notebook_dir=path.parent, output_dir=tmp_path)
    source, released = nbformat.read(path, as_version=4), nbformat.read(student, as_version=4)
    screen = Screen(source, released)
    assert screen.findings(source) == []
    assert screen.findings(released) == []
