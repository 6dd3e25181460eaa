"""Execute each course notebook once per test session (slow tests)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coursework.runner import NotebookRun, run_notebook
from tests.conftest import REAL_MIRROR, REPO_ROOT

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NEEDS_DATA = ("03", "04", "05", "09")


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """``executed("01")`` -> the :class:`NotebookRun` of ``notebooks/01_*.ipynb``.

    Runs the notebook in a fresh kernel the first time it is asked for, with
    ``COURSEWORK_DATA`` pointing at the real mirror; fails the test with the
    notebook's one-line error if it did not run through.
    """
    runs: dict[str, NotebookRun] = {}
    output_dir = tmp_path_factory.mktemp("executed")

    def run(prefix: str, **env: str) -> NotebookRun:
        key = prefix + repr(sorted(env.items()))
        if key not in runs:
            (path,) = sorted(NOTEBOOK_DIR.glob(f"{prefix}_*.ipynb"))
            if prefix in NEEDS_DATA and REAL_MIRROR is None:
                pytest.skip("set COURSEWORK_DATA to the real dataset mirror")
            kernel_env = {"COURSEWORK_DATA": str(REAL_MIRROR)} if REAL_MIRROR else {}
            kernel_env.update(env)
            # ipykernel forwards what libraries write to file descriptor 2
            # (TensorFlow's C++ log) into cell outputs only when
            # PYTEST_CURRENT_TEST is unset: without this the kernel would hide
            # the very stderr boxes that test_clean_output.py looks for.
            hidden = os.environ.pop("PYTEST_CURRENT_TEST", None)
            try:
                runs[key] = run_notebook(
                    path, output_dir=output_dir / key.replace("'", "")[:40], timeout=600, env=kernel_env
                )
            finally:
                if hidden is not None:
                    os.environ["PYTEST_CURRENT_TEST"] = hidden
        result = runs[key]
        if not result.ok:
            pytest.fail(f"{path.name} failed: {result.error}")
        return result

    return run


def notebook_path(prefix: str) -> Path:
    (path,) = sorted(NOTEBOOK_DIR.glob(f"{prefix}_*.ipynb"))
    return path
