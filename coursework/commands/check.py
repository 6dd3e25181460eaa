"""``python -m coursework check NOTEBOOK``: the student's self-check from a
terminal (options, messages, exit codes); the check itself is
:func:`coursework.grading.check.check_submission`.

::

    python -m coursework check 03                       # notebooks/03_*.ipynb (or ./03_*.ipynb)
    python -m coursework check "Copy of 03_pima_diabetes.ipynb"
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .._notebook_files import NOTEBOOK_PATTERN, find_notebooks
from ..grading.check import check_submission, format_check

__all__ = ["main"]


def _student_file(selector: str, folder: str | None) -> Path:
    """A path, or the notebook a number, stem or name selects in ``folder``
    (default: ``notebooks/`` when it exists, else the current folder)."""
    if Path(selector).is_file():
        return Path(selector)
    where = Path(folder) if folder else (Path("notebooks") if Path("notebooks").is_dir() else Path("."))
    found = find_notebooks(where, [selector], pattern=NOTEBOOK_PATTERN, option="--notebook-dir")
    if len(found) > 1:
        raise ValueError(f"{selector!r} matches {len(found)} notebooks in {where}: pass one file name.")
    return found[0]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework check``: 0 when every visible
    test passes, 1 when one fails, 2 for a usage error."""
    parser = argparse.ArgumentParser(
        prog="python -m coursework check",
        description="Check your notebook as the grader will: the same sandbox, grading mode, limits and "
        "scoring, with the visible tests only (the grader also runs hidden tests). Save the notebook first.",
    )
    parser.add_argument("notebook", metavar="NOTEBOOK", help="your .ipynb file, or its number such as 03")
    parser.add_argument("--notebook-dir", help="where to look for NOTEBOOK (default: notebooks/ or .)")
    args = parser.parse_args(argv)
    from ..grading.execution.sandbox import SandboxUnavailable

    try:
        file = _student_file(args.notebook, args.notebook_dir)
        saved = time.strftime("%H:%M:%S", time.localtime(file.stat().st_mtime))
        print(f"checking {file} (saved at {saved}) ...", flush=True)
        check = check_submission(file)
    except (FileNotFoundError, ValueError, SandboxUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("nbgrader"):
            raise
        print("error: checking needs nbgrader: pip install 'nbgrader>=0.9.5,<0.10' (scripts/setup.sh installs it).",
              file=sys.stderr)
        return 2
    print(format_check(check))
    return 0 if check.passed else 1
