"""The runner's time limits: one cell's and the whole notebook's
(:func:`coursework.runner.run_notebook`), kept by nbclient's hooks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

__all__ = ["CellClock", "NotebookTimeout", "check_timeout"]


class NotebookTimeout(Exception):
    """The notebook's wall-clock budget ran out between cells."""


@dataclass
class CellClock:
    """Mutable state shared with nbclient's hooks during one execution: which
    cell runs, and the time limits of the cell and of the notebook."""

    timeout: float | None
    notebook_timeout: float | None
    start: float
    cell_index: int | None = None
    notebook_limit_binding: bool = False

    @property
    def deadline(self) -> float | None:
        return None if self.notebook_timeout is None else self.start + self.notebook_timeout

    def label(self) -> str:
        return "before the first cell" if self.cell_index is None else f"cell {self.cell_index + 1}"

    def cell_timeout(self, cell: Any) -> float | None:
        """nbclient asks for each cell's limit just after sending it: the
        smaller of the per-cell limit and what is left of the notebook's."""
        remaining = None if self.deadline is None else self.deadline - time.monotonic()
        if remaining is not None and (self.timeout is None or remaining < self.timeout):
            self.notebook_limit_binding = True
            return max(remaining, 0.01)  # 0 would mean "no limit" to nbclient
        self.notebook_limit_binding = False
        return self.timeout

    def on_cell_start(self, cell: Any, cell_index: int) -> None:
        """Called for every cell (markdown too) before it runs."""
        self.cell_index = cell_index
        runs_code = cell.get("cell_type") == "code" and cell.get("source", "").strip()
        if runs_code and self.deadline is not None and time.monotonic() >= self.deadline:
            raise NotebookTimeout


def check_timeout(name: str, value: float | None) -> float | None:
    """``value`` as float seconds (None: no limit); ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(
            f"{name} must be a positive number of seconds (or None for no limit). Got {value!r} instead."
        )
    return float(value)
