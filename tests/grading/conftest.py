"""Shared by the grading tests: the synthetic course, and whether the
sandbox can run here.

Tests that grade need bubblewrap.  They are skipped where it is missing,
except in CI (``CI=true``), where a missing or broken bubblewrap fails them:
there grading must be tested with the sandbox on.
"""

from __future__ import annotations

import os

import nbformat
import pytest

from coursework.grading import SandboxUnavailable, release
from coursework.grading.sandbox import sandbox_spec
from tests.grading import synthetic


def _sandbox_problem() -> str | None:
    try:
        sandbox_spec(os.environ)
    except SandboxUnavailable as exc:
        return str(exc)
    return None


SANDBOX_PROBLEM = _sandbox_problem()
IN_CI = os.environ.get("CI", "").strip().lower() == "true"
needs_sandbox = pytest.mark.skipif(
    SANDBOX_PROBLEM is not None and not IN_CI, reason=f"no grading sandbox here: {SANDBOX_PROBLEM}"
)


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """(notebook_dir, source notebook, released notebook) of the synthetic course."""
    root = tmp_path_factory.mktemp("course")
    path = synthetic.write_source(root / "notebooks")
    (released,) = release(notebook_dir=root / "notebooks", output_dir=root / "student")
    return root / "notebooks", nbformat.read(path, as_version=4), nbformat.read(released, as_version=4)
