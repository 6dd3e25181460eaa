"""repair: what an editor lost (test cells, metadata) put back before grading."""

from __future__ import annotations

import nbformat

from coursework.grading.repair import repair
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
