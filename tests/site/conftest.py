"""Fixtures of the site tests: the real course site built in grading mode, a
synthetic one-lesson site, Chromium and axe-core.

axe-core comes from the npm registry, at the version ``ci/npm-packages.txt``
pins: ``npm install --prefix build/node $(cat ci/npm-packages.txt)`` (CI's
``.ci/run`` does it; ``COURSEWORK_AXE`` names another ``axe.min.js``).
Chromium is Debian's, driven by Playwright as in ``tests/browser``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import REAL_MIRROR, REPO_ROOT

AXE = Path(os.environ.get("COURSEWORK_AXE", REPO_ROOT / "build/node/node_modules/axe-core/axe.min.js"))
#: Screenshots of the site, kept after the run (as tests/browser keeps its own).
SHOTS = REPO_ROOT / "build" / "site-screens"
#: Executed outputs of the grading-mode build, kept between runs and shared with
#: `python -m coursework site --grading-mode` (a warm rerun executes nothing).
WORK = REPO_ROOT / "build" / "site-work"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium with Playwright")


@pytest.fixture(scope="session")
def course_site(tmp_path_factory) -> Path:
    """The whole course site, built in grading mode into a temporary folder."""
    pytest.importorskip("myst_nb", reason="the site needs the `site` extra: pip install -e '.[site]'")
    if REAL_MIRROR is None or not REAL_MIRROR.is_dir():
        pytest.skip("set COURSEWORK_DATA to the real dataset mirror (shared/datasets)")
    from coursework.site import build_site

    os.environ["COURSEWORK_DATA"] = str(REAL_MIRROR)  # the autouse fixture unsets it per test
    try:
        started = time.perf_counter()
        built = build_site(tmp_path_factory.mktemp("site") / "site", grading_mode=True,
                           notebook_dir=REPO_ROOT / "notebooks", work=WORK)
        print(f"\nsite built in {time.perf_counter() - started:.0f} s: {len(built.lessons)} lessons")
    finally:
        os.environ.pop("COURSEWORK_DATA", None)
    return built.output


@pytest.fixture(scope="session")
def browser(chromium):
    """The shared Chromium (tests/conftest.py), once axe-core is there."""
    if not AXE.is_file():
        pytest.fail(f"no axe-core at {AXE}: npm install --prefix build/node $(cat ci/npm-packages.txt)")
    return chromium
