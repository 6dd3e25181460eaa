"""Record a notebook's headline numbers so the course runner and the tests
can read them.

A notebook calls :func:`record` in its last cells.  When the course runner
executes the notebook it sets ``COURSEWORK_RESULTS`` to a JSON file; the
metrics are merged into that file.  Outside the runner (a student in Jupyter)
the call only returns the metrics, so it is harmless everywhere.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from .config import RESULTS_ENV

__all__ = ["record", "read_results", "HEADLINE_KEY"]

#: Key under which the name of the headline metric is stored.
HEADLINE_KEY = "_headline"


def _to_builtin(value: Any) -> Any:
    """Convert NumPy scalars/arrays (and nested containers) to JSON types."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): _to_builtin(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_builtin(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"record() stores numbers, strings, lists and dicts; got {type(value).__name__}. "
        "Convert it first, e.g. float(x)."
    )


def record(*, headline: str | None = None, **metrics: Any) -> dict[str, Any]:
    """Record metrics for the course runner; returns them (converted to builtins).

    Parameters
    ----------
    headline : str, optional
        Name of the metric the runner shows in its table (must be one of the
        keywords given in this or an earlier call).
    **metrics
        Numbers, strings, lists or dicts (NumPy values are converted).

    Examples
    --------
    >>> record(test_accuracy=0.8812, headline="test_accuracy")["test_accuracy"]
    0.8812
    """
    converted = {name: _to_builtin(value) for name, value in metrics.items()}
    path = os.environ.get(RESULTS_ENV)
    if path:
        stored = read_results(path)
        stored.update(converted)
        if headline is not None:
            stored[HEADLINE_KEY] = headline
        if HEADLINE_KEY in stored and stored[HEADLINE_KEY] not in stored:
            raise ValueError(
                f"headline={stored[HEADLINE_KEY]!r} names no recorded metric; "
                f"recorded: {sorted(k for k in stored if k != HEADLINE_KEY)}"
            )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(f"{path}.tmp")
        tmp.write_text(json.dumps(stored, indent=1, sort_keys=True))
        tmp.replace(path)
    return converted


def read_results(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a results file written by :func:`record` (``{}`` if absent)."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        return {}
