"""Drive one notebook in JupyterLab the way a student does, and read what it shows.

The actions go through the user interface (the Run menu, the dialog's button,
a slider's handle); what the notebook shows is read through JupyterLab's
application object by ``probe.js``.  Each cell is a dict from that probe:
``index``, ``type``, ``nbgrader`` (metadata or None), ``count`` (execution
count), ``running``, ``nOutputs`` and, when asked for, ``source``,
``outputs`` (``type``, ``name``, ``mimes``, ``text``, ``plain``, ``image``)
and ``dom`` (``images``, ``stderrBoxes``, ``sliders``).
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .jupyterlab import JupyterLab

__all__ = [
    "PROBE", "LabNotebook", "NotebookRun", "Sample",
    "describe", "is_exercise", "lesson_cells",
]

PROBE = Path(__file__).with_name("probe.js")
_POLL_S = 0.2
_RUN_ALL = "Restart Kernel and Run All Cells…"

Cell = dict[str, Any]


@dataclass(frozen=True)
class Sample:
    """What a running cell showed at one moment of the run."""

    seconds: float
    model_images: tuple[str, ...]  # fingerprints of the image/png outputs in the model
    dom_images: tuple[str, ...]  # fingerprints of the <img> elements on screen
    n_outputs: int


@dataclass
class NotebookRun:
    """One "Restart Kernel and Run All Cells" of a notebook, as the student saw it."""

    name: str
    cells: list[Cell]  # the final state, with outputs
    samples: dict[int, list[Sample]] = field(default_factory=dict)  # cell index -> samples
    seconds: float = 0.0

    def cell_seconds(self, slowest: int = 5) -> dict[int, float]:
        """The ``slowest`` cells: index -> seconds it was the executing cell (to a poll)."""
        spans = {i: s[-1].seconds - s[0].seconds + _POLL_S for i, s in self.samples.items()}
        top = sorted(spans, key=spans.get, reverse=True)[:slowest]
        return {i: round(spans[i], 1) for i in top}


def describe(cell: Cell) -> str:
    """``cell 25 (In [13]) `print(...)`` for failure messages."""
    count = cell.get("count")
    prompt = f"In [{count}]" if count is not None else "never ran"
    first_line = (cell.get("source") or "").strip().splitlines()[:1]
    return f"cell {cell['index']} ({prompt}) `{first_line[0][:70] if first_line else ''}`"


def is_exercise(cell: Cell) -> bool:
    """An nbgrader answer (``solution``) or test (``grade``) code cell."""
    meta = cell["nbgrader"] or {}
    return cell["type"] == "code" and bool(meta.get("solution") or meta.get("grade"))


def lesson_cells(cells: list[Cell]) -> list[Cell]:
    """The code cells of the lesson: not exercises, and before the last exercise
    (every code cell when there is no exercise).  With the exercises at the end
    (issue 14) these are all the cells before the first exercise; a lesson cell
    after a mid-lesson exercise is included on purpose, since Run All never
    reaches it in a student version."""
    exercises = [c["index"] for c in cells if is_exercise(c)]
    end = exercises[-1] if exercises else len(cells)
    return [c for c in cells if c["type"] == "code" and not is_exercise(c) and c["index"] < end]


class LabNotebook:
    """A notebook of ``lab.root`` opened in ``page``; screenshots go to ``shots``."""

    def __init__(self, page: Any, lab: JupyterLab, name: str, shots: Path) -> None:
        self.page, self.lab, self.name = page, lab, name
        self.shots = shots
        self.shots.mkdir(parents=True, exist_ok=True)

    # -- reading -------------------------------------------------------
    def kernel_status(self) -> str | None:
        return self.page.evaluate("name => window.courseProbe.kernelStatus(name)", self.name)

    def cells(self, detail: str = "all") -> list[Cell]:
        """Every cell; ``detail`` is ``"all"``, ``"running"`` or ``"none"`` (see probe.js)."""
        cells = self.page.evaluate(
            "([path, detail]) => window.courseProbe.cells(path, detail)", [self.name, detail]
        )
        if cells is None:
            raise AssertionError(f"{self.name} is not open in JupyterLab any more")
        return cells

    def screenshot_cell(self, index: int, label: str) -> Path:
        """A picture of cell ``index`` (scrolled into view) as ``shots/<label>.png``."""
        self.page.evaluate("([path, i]) => window.courseProbe.reveal(path, i)", [self.name, index])
        path = self.shots / f"{label}.png"
        self.page.locator(f'[data-course-cell="{index}"]').screenshot(path=path, timeout=30_000)
        return path

    # -- acting ----------------------------------------------------------
    def open(self, timeout: float = 120.0) -> None:
        """Open the notebook and wait until its kernel is idle."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self.page.goto(self.lab.notebook_url(self.name), timeout=timeout * 1000)
        try:
            self.page.wait_for_function(
                "name => window.courseProbe.kernelStatus(name) === 'idle'", arg=self.name,
                timeout=timeout * 1000, polling=500,
            )
        except PlaywrightTimeout as error:  # say what the page showed
            self.page.screenshot(path=self.shots / "open-failed.png")
            raise AssertionError(
                f"{self.name}: the kernel was not idle {timeout:.0f} s after opening the notebook "
                f"(status {self.kernel_status()!r}); see {self.shots / 'open-failed.png'}"
            ) from error

    def restart_and_run_all(self, timeout: float) -> NotebookRun:
        """Run menu -> "Restart Kernel and Run All Cells…" -> the dialog's Restart
        button, then wait (at most ``timeout`` s) until every cell is done."""
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name=_RUN_ALL).click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(timeout=10_000)
        dialog.screenshot(path=self.shots / "restart-dialog.png")
        dialog.locator(".jp-mod-accept").click()
        return self._wait_until_done(timeout)

    def _wait_until_done(self, timeout: float) -> NotebookRun:
        run = NotebookRun(self.name, cells=[])
        start = time.monotonic()
        shot: set[int] = set()
        while True:
            elapsed = time.monotonic() - start
            status, cells = self.kernel_status(), self.cells("running")
            running = [c for c in cells if c["running"]]
            if running:  # the first queued cell is the one executing
                self._record(run, running[0], elapsed, shot)
            first_code = next(c for c in cells if c["type"] == "code")
            if status == "idle" and not running and first_code["count"] is not None:
                break
            if status == "dead" or elapsed > timeout:
                self.page.screenshot(path=self.shots / "stuck.png")
                where = describe(running[0]) if running else "no cell"
                log = f"\nJupyterLab's log ends:\n{self.lab.log(1500)}" if status == "dead" else ""
                raise AssertionError(
                    f"{self.name}: Run All did not finish (kernel {status!r} after {elapsed:.0f} s, "
                    f"limit {timeout:.0f} s; running {where}); see {self.shots / 'stuck.png'}{log}"
                )
            time.sleep(_POLL_S)
        run.seconds = time.monotonic() - start
        run.cells = self.cells("all")
        return run

    def _record(self, run: NotebookRun, cell: Cell, elapsed: float, shot: set[int]) -> None:
        sample = Sample(
            seconds=elapsed,
            model_images=tuple(o["image"] for o in cell["outputs"] if o["image"]),
            dom_images=tuple(i["src"] for i in cell["dom"]["images"]),
            n_outputs=cell["nOutputs"],
        )
        samples = run.samples.setdefault(cell["index"], [])
        samples.append(sample)
        seen = {s.dom_images for s in samples if s.dom_images}
        if len(seen) >= 3 and cell["index"] not in shot:  # a figure updated in place, twice
            from playwright.sync_api import Error as PlaywrightError

            shot.add(cell["index"])
            try:
                self.screenshot_cell(cell["index"], f"cell{cell['index']:02d}-updating")
            except PlaywrightError:  # a picture for people; the run and its checks go on
                pass

    def shutdown(self) -> None:
        """Shut the notebook's kernel down (REST API), so the next notebook has the CPUs."""
        url = f"{self.lab.url}/api/sessions"
        headers = {"Authorization": f"token {self.lab.token}"}
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as reply:
            sessions = json.load(reply)
        for session in sessions:
            if session.get("path") == self.name:
                request = urllib.request.Request(f"{url}/{session['id']}", headers=headers, method="DELETE")
                urllib.request.urlopen(request, timeout=30).close()
