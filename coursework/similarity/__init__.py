"""Similarity of students' answer cells: ``python -m coursework similarity``.

Stages, one module each: :mod:`~coursework.similarity.load` (answer cells
and the released stubs), :mod:`~coursework.similarity.fingerprint`
(normalised tokens, winnowing), :mod:`~coursework.similarity.compare`
(scores and the flag rule), :mod:`~coursework.similarity.report` (HTML);
:mod:`~coursework.similarity.cli` chains them.  See ``docs/instructors.md``,
"Similar answers".
"""

from __future__ import annotations

from .compare import Answers, NotebookSimilarity, Pair, Rule, compare_class
from .fingerprint import fingerprints, tokens
from .report import CANNOT_SEE, render_report, write_report

__all__ = [
    "CANNOT_SEE",
    "Answers",
    "NotebookSimilarity",
    "Pair",
    "Rule",
    "compare_class",
    "fingerprints",
    "render_report",
    "tokens",
    "write_report",
]
