"""Prepare a submission: put back what a student's editor may have lost.

:func:`repair` compares the submission with the released and the source
versions of the notebook, and records what it did as notes:

* a **deleted test cell** (or one whose nbgrader metadata was stripped)
  is restored from the release at its place (after the cell that preceded
  it), so the student's answer is still graded.  nbgrader's own
  ``OverwriteCells.add_missing_cells`` does the same but crashes with a
  ``KeyError`` when the answer cell before it is gone too;
* an **edited test cell** or one turned into markdown is only noted:
  nbgrader's ``OverwriteCells`` replaces a locked cell whose checksum
  differs by the source version from its gradebook (hidden tests included),
  and restores its cell type;
* a **missing answer cell** is noted.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from .cells import grade_id, is_answer, is_test, same_source

__all__ = ["repair"]

#: nbgrader metadata that makes a cell a test cell worth its points
_FLAGS = ("grade", "solution", "locked", "points", "task")


def _index(cells: list, cell: Any) -> int | None:
    """Position in ``cells`` of the counterpart of a released ``cell``: same
    grade_id, or for a cell without one the same cell id."""
    gid = grade_id(cell)
    cell_id = cell.get("id")
    for i, candidate in enumerate(cells):
        if gid is not None:
            if grade_id(candidate) == gid:
                return i
        elif cell_id and candidate.get("id") == cell_id:
            return i
    return None


def _insertion_point(cells: list, released: list, k: int) -> int:
    """Where released cell ``k`` goes back: after the nearest earlier
    released cell still present, else before the nearest later one, else at
    the end."""
    for j in range(k - 1, -1, -1):
        i = _index(cells, released[j])
        if i is not None:
            return i + 1
    for j in range(k + 1, len(released)):
        i = _index(cells, released[j])
        if i is not None:
            return i
    return len(cells)


def repair(nb: Any, released: Any, source: Any) -> list[str]:
    """Restore deleted test cells in ``nb`` (in place); return notes.

    Also puts back a test cell's nbgrader metadata when it was changed, and
    removes nbgrader metadata with a ``grade_id`` this notebook does not
    have (nbgrader's autograde would fail on it).

    Parameters
    ----------
    nb : NotebookNode
        The submission (modified in place).
    released, source : NotebookNode
        The student version nbgrader generated and the instructor version.

    Returns
    -------
    list of str
        One note per finding, e.g. ``"nb02-softmax-tests: test cell edited;
        graded with the original"``.
    """
    notes: list[str] = []
    source_cells = {grade_id(c): c for c in source.cells if grade_id(c)}
    for cell in nb.cells:
        if "nbgrader" in cell.get("metadata", {}) and grade_id(cell) not in source_cells:
            # e.g. a cell pasted from another notebook: nbgrader would fail on it
            unknown = grade_id(cell)
            del cell.metadata["nbgrader"]
            if unknown:
                notes.append(f"{unknown}: not a cell of this notebook; graded as an ordinary cell")
    counts = Counter(grade_id(c) for c in nb.cells if grade_id(c))
    for gid, count in sorted(counts.items()):
        if count > 1 and gid in source_cells:
            notes.append(f"{gid}: {count} cells carry this id (copied cell?); nbgrader grades the last one")

    has_ids = any("id" in c for c in nb.cells) or nb.get("nbformat_minor", 0) >= 5
    used_ids = {c.get("id") for c in nb.cells}
    released_cells = released.cells
    for k, rcell in enumerate(released_cells):
        gid = grade_id(rcell)
        if gid is None:
            continue
        originals = [rcell.source]
        if gid in source_cells:
            originals.append(source_cells[gid].source)
        present = [c for c in nb.cells if grade_id(c) == gid]
        if is_test(rcell):
            if present:
                cell = present[-1]
                expected = rcell.metadata["nbgrader"]
                if any(cell.get('metadata', {}).get('nbgrader', {}).get(key) != expected.get(key) for key in _FLAGS):
                    cell.metadata["nbgrader"] = copy.deepcopy(expected)
                    notes.append(f"{gid}: test cell's nbgrader metadata changed; restored it")
                if cell.cell_type != rcell.cell_type:
                    notes.append(f"{gid}: test cell changed to {cell.cell_type}; graded the original")
                elif not any(same_source(cell.source, text) for text in originals):
                    notes.append(f"{gid}: test cell edited; graded the original")
                continue
            unmarked = next(
                (
                    c
                    for c in nb.cells
                    if not grade_id(c)
                    and c.cell_type == rcell.cell_type
                    and any(same_source(c.source, text) for text in originals)
                ),
                None,
            )
            if unmarked is not None:
                unmarked.metadata["nbgrader"] = copy.deepcopy(rcell.metadata["nbgrader"])
                notes.append(f"{gid}: test cell had lost its nbgrader metadata; restored it")
                continue
            restored = copy.deepcopy(rcell)
            if not has_ids:
                restored.pop("id", None)
            elif restored.get("id") in used_ids:
                restored["id"] = f"{restored['id']}-restored"
            nb.cells.insert(_insertion_point(nb.cells, released_cells, k), restored)
            notes.append(f"{gid}: test cell deleted; restored from the source and graded")
        elif is_answer(rcell) and not present:
            notes.append(f"{gid}: answer cell not found (deleted, or its nbgrader metadata removed)")
    return notes
