"""Shared by the grading tests: the synthetic course, and whether the
sandbox can run here.

Tests that grade need bubblewrap.  They are skipped only where it is not
installed, and never in CI (``CI=true``), where grading must be tested with
the sandbox on: there a missing bubblewrap fails them.  An installed
bubblewrap that cannot build the sandbox fails them everywhere.
"""

from __future__ import annotations

import os
import shutil

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
    shutil.which("bwrap") is None and not IN_CI, reason=f"bubblewrap is not installed: {SANDBOX_PROBLEM}"
)


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """(notebook_dir, source notebook, released notebook) of the synthetic course."""
    root = tmp_path_factory.mktemp("course")
    path = synthetic.write_source(root / "notebooks")
    (released,) = release(notebook_dir=root / "notebooks", output_dir=root / "student")
    return root / "notebooks", nbformat.read(path, as_version=4), nbformat.read(released, as_version=4)


def processes_with(variable: str) -> list[int]:
    """Live processes whose environment holds ``variable`` (NAME=value)."""
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and variable.encode() in (entry / "environ").read_bytes().split(b"\0"):
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found
