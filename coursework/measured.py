"""What the notebooks' trained numbers look like over many seeds.

A seed makes a run repeatable on one machine, not across machines: another
CPU (AVX2 instead of AVX-512, ARM), another BLAS or TensorFlow build rounds
sums differently, and training drifts to a different, equally good result.
So every number a notebook or a test states about a trained model is stated
as a distribution, measured by ``benchmarks/distribution.py``: each notebook
executed under 10 seeds, every numeric value it passes to
:func:`coursework.record` kept in ``coursework/measured/NN.json`` with the
machine and versions it was measured on.

Notebooks print these figures next to their own result, so a student reads
"about 0.868 (0.862-0.874 over 10 seeds on our machine)" instead of an exact
number the next CPU contradicts; the tests derive their thresholds from them
(``tests/notebooks/thresholds.py``).

>>> print(measured("05", "mlp_test_accuracy"))  # doctest: +SKIP
about 0.868 (0.862-0.874 over 10 seeds on our machine)
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Distribution", "measured", "measured_notebook"]

MEASURED_DIR = Path(__file__).with_name("measured")


@dataclass(frozen=True)
class Distribution:
    """One recorded metric of one notebook, over the seeds it was measured with.

    Attributes
    ----------
    notebook, metric : str
        E.g. ``"05"`` and ``"mlp_test_accuracy"``.
    values : tuple of float
        One value per seed, in the order of ``seeds``.
    seeds : tuple of int
    machine : str
        The CPU and SIMD level, e.g. ``"Intel(R) Xeon(R) Processor (AVX-512)"``.
    """

    notebook: str
    metric: str
    values: tuple[float, ...]
    seeds: tuple[int, ...]
    machine: str

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.values)

    @property
    def std(self) -> float:
        """Sample standard deviation (ddof=1); 0 for a single value."""
        return statistics.stdev(self.values) if self.n > 1 else 0.0

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def __str__(self) -> str:
        if self.min == self.max:
            return f"{_format(self.min)} in every one of {self.n} seeds on our machine"
        return (
            f"about {_format(self.mean)} ({_format(self.min)}-{_format(self.max)} "
            f"over {self.n} seeds on our machine)"
        )


def _format(value: float) -> str:
    """Whole numbers as such, others to 3 decimals (1 from 10 on)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"


@cache
def measured_notebook(notebook: str) -> dict[str, Any]:
    """The raw measurement file of one notebook (``"05"`` or ``"05_fashion_mnist"``)."""
    prefix = str(notebook)[:2]
    path = MEASURED_DIR / f"{prefix}.json"
    if not path.is_file():
        known = sorted(p.stem for p in MEASURED_DIR.glob("*.json"))
        raise KeyError(
            f"No measurements for notebook {notebook!r} in {MEASURED_DIR}. "
            f"Measured: {known}. Run `python benchmarks/distribution.py --notebooks {prefix}`."
        )
    return json.loads(path.read_text())


def measured(notebook: str, metric: str) -> Distribution:
    """The distribution of ``metric`` recorded by ``notebook`` over seeds.

    Nested values recorded as dicts or short lists are addressed with ``/``,
    e.g. ``measured("06", "scores/MLP (20-20-20)/0")``.

    Raises
    ------
    KeyError
        The notebook was not measured, or did not record that metric (the
        message lists what it recorded).
    """
    data = measured_notebook(notebook)
    values = data["metrics"].get(metric)
    if values is None:
        raise KeyError(
            f"Notebook {notebook} recorded no metric {metric!r} over seeds. "
            f"Recorded: {sorted(data['metrics'])}"
        )
    finite = tuple(float(v) for v in values if v is not None and math.isfinite(float(v)))
    return Distribution(
        notebook=str(notebook)[:2],
        metric=metric,
        values=finite,
        seeds=tuple(data["seeds"]),
        machine=data["machine"]["cpu"],
    )
