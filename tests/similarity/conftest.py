"""Notebook 02 as released to students: the baseline of the similarity tests."""

from __future__ import annotations

import pytest

from coursework.grading import release
from coursework.similarity.load import answer_cells
from tests.conftest import REPO_ROOT
from tests.similarity import synthetic


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """The released notebook 02 (nbgrader's student version)."""
    (path,) = release(["02"], notebook_dir=REPO_ROOT / "notebooks", output_dir=tmp_path_factory.mktemp("student"))
    return synthetic.read(path)


@pytest.fixture(scope="session")
def stubs(released):
    """``{grade_id: released source}`` of notebook 02's answer cells."""
    return answer_cells(released)
