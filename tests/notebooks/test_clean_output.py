"""A student sees no stderr box that is not about their own code.

Every notebook is executed once per test session (the ``executed`` fixture
shares the run with the notebook's own tests); no cell of the executed copy
may hold stderr output: TensorFlow's start-up chatter, Keras warnings and
deprecation notices all show as red boxes in Jupyter.
"""

from __future__ import annotations

import nbformat
import pytest

from tests.notebooks.conftest import NOTEBOOK_DIR

PREFIXES = sorted(p.name[:2] for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("prefix", PREFIXES)
def test_no_cell_writes_to_stderr(executed, prefix):
    run = executed(prefix)
    cells = nbformat.read(run.executed_path, as_version=4).cells
    boxes = [
        f"cell {number}: {output['text'][:200]!r}"
        for number, cell in enumerate(cells, start=1)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    ]
    assert not boxes, f"{run.name} shows stderr boxes:\n" + "\n".join(boxes)
