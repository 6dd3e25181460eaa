"""Fixtures of the browser tests: the student versions, one JupyterLab server,
one Chromium page, and one "Restart Kernel and Run All Cells" per notebook.

Needs Debian's Chromium (``apt-get install -y chromium``; another binary with
``COURSEWORK_CHROMIUM=/path/to/chromium``) and the real dataset mirror
(``COURSEWORK_DATA``).  Playwright drives that Chromium through
``executable_path``: its own browser download (``playwright install``) needs
the internet, which CI does not have.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coursework.grading._course_dir import NOTEBOOK_PATTERN
from tests.conftest import REAL_MIRROR, REPO_ROOT

from .jupyterlab import JupyterLab
from .notebook_page import PROBE, LabNotebook, NotebookRun

#: Screenshots, and each run's final cell states (run.json), one folder per notebook.
SHOTS = REPO_ROOT / "build" / "browser"
#: Generous but bounded: the slowest notebook takes about 2.5 min here.
RUN_ALL_TIMEOUT_S = 480
#: The course notebooks, discovered (new ones are picked up without a change here).
NOTEBOOKS = sorted(path.name for path in (REPO_ROOT / "notebooks").glob(NOTEBOOK_PATTERN))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives JupyterLab in Debian's Chromium with Playwright (apt-get install -y chromium)",
    )


@pytest.fixture(scope="session")
def student_dir(tmp_path_factory) -> Path:
    """The student versions of every notebook, released into a temporary folder
    (JupyterLab autosaves outputs into the files it runs: never the real ones)."""
    output = tmp_path_factory.mktemp("student")
    result = subprocess.run(
        [sys.executable, "-m", "coursework", "release", "--output", str(output)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"`python -m coursework release` failed:\n{result.stdout}\n{result.stderr}")
    return output


@pytest.fixture(scope="session")
def lab(student_dir, tmp_path_factory) -> Iterator[JupyterLab]:
    """JupyterLab serving the student versions; always stopped at the end."""
    if REAL_MIRROR is None or not REAL_MIRROR.is_dir():
        pytest.skip("set COURSEWORK_DATA to the real dataset mirror (shared/datasets)")
    home = tmp_path_factory.mktemp("lab-home")
    with JupyterLab(student_dir, home, env={"COURSEWORK_DATA": str(REAL_MIRROR)}) as server:
        yield server


@pytest.fixture(scope="session")
def page(lab, chromium) -> Iterator:
    """One Chromium page (1280 x 900) with the probe of ``probe.js``."""
    shutil.rmtree(SHOTS, ignore_errors=True)
    tab = chromium.new_page(viewport={"width": 1280, "height": 900})
    tab.set_default_timeout(30_000)
    tab.add_init_script(path=str(PROBE))
    try:
        yield tab
    finally:
        tab.close()


@pytest.fixture(scope="module")
def notebook_run(request, page, lab) -> Iterator[tuple[LabNotebook, NotebookRun]]:
    """``(notebook, run)`` for the notebook file name in ``request.param``: opened
    in JupyterLab, then Run -> "Restart Kernel and Run All Cells…" -> Restart.

    Module-scoped and parametrized, so pytest runs every test of one notebook
    before opening the next; the kernel is shut down afterwards.
    """
    name = request.param
    notebook = LabNotebook(page, lab, name, SHOTS / Path(name).stem)
    try:
        notebook.open()
        run = notebook.restart_and_run_all(RUN_ALL_TIMEOUT_S)
        (notebook.shots / "run.json").write_text(
            json.dumps({"seconds": round(run.seconds, 1), "slowest_cells": run.cell_seconds(),
                        "cells": run.cells}, indent=1)
        )
        yield notebook, run
    finally:
        notebook.shutdown()
