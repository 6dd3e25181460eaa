"""A student sees no stderr box that is not about their own code, and every
figure has a text alternative.

Every notebook is executed once per test session (the ``executed`` fixture
shares the run with the notebook's own tests); no cell of the executed copy
may hold stderr output: TensorFlow's start-up chatter, Keras warnings and
deprecation notices all show as red boxes in Jupyter.  Every image output
carries an ``alt`` (issue 22: figures every reader can use).
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


@pytest.mark.slow
@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_figure_carries_a_text_alternative(executed, prefix):
    """Each image a notebook shows has a non-empty ``alt`` in its output
    metadata (the course's display hook: the author's ``describe``, a helper's
    text, or the one computed from what is drawn), which the course site turns
    into the ``<img alt>`` and screen readers read."""
    run = executed(prefix)
    cells = nbformat.read(run.executed_path, as_version=4).cells
    images, missing = 0, []
    for number, cell in enumerate(cells, start=1):
        for output in cell.get("outputs", []):
            if "image/png" not in output.get("data", {}):
                continue
            images += 1
            alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
            if not isinstance(alt, str) or not alt.strip() or "could not be computed" in alt:
                first = cell.source.strip().splitlines()[0][:80] if cell.source.strip() else ""
                missing.append(f"cell {number} ({first!r}): alt {alt!r}")
    assert not missing, f"{run.name}: {len(missing)} of {images} figures without a text alternative:\n" + "\n".join(missing)
