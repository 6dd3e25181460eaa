"""The self-check from inside a notebook: the last cell of every course
notebook calls :func:`check_notebook`.

What a kernel can check is not always what the student sees:

* **Jupyter (Lab or Notebook, local)**: the kernel runs next to the file,
  but the file is the last *saved* copy.  The check reads it, says when it
  was saved, and asks to save first (File -> Save, Ctrl+S).
* **Colab**: the kernel runs on a virtual machine that does not have the
  notebook file.  Colab's frontend hands the live notebook to the kernel
  through ``google.colab._message.blocking_request("get_ipynb")`` (the call
  behind Colab's own notebook-reading helpers; a private API that may
  change); the check writes it to a temporary file.  It grades what the
  notebook holds *now*, unsaved edits included, with the outputs Colab
  shows.  Checking needs nbgrader on the Colab machine (``%pip install``,
  about a minute); Colab has no bubblewrap, so the check runs unsandboxed.

In both, the notebook is run again from the top in a fresh kernel, in
grading mode, as ``python -m coursework check`` does: the answers as they
are written in the notebook, not the state of the student's kernel.  While
grading or under the course runner the cell does nothing.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from .._notebook_files import copies_of
from ..config import HEADLESS_ENV, env_flag, grading_mode

__all__ = ["check_notebook"]

_INSTALL = "%pip install -q 'nbgrader>=0.9.5,<0.10'"


def _colab_notebook(name: str, folder: Path) -> Path:
    """The live Colab notebook, written to ``folder/name``."""
    from google.colab import _message  # type: ignore[import-not-found]

    reply = _message.blocking_request("get_ipynb", request="", timeout_sec=30)
    if not reply or "ipynb" not in reply:
        raise RuntimeError(f"Colab did not hand over the notebook ({reply!r}). Download it (File -> Download "
                           f"-> .ipynb) and run `python -m coursework check {name}` on your machine.")
    path = folder / name
    path.write_text(json.dumps(reply["ipynb"]), encoding="utf-8")
    return path


def _saved_copy(name: str) -> Path:
    path = Path.cwd() / name
    if not path.is_file():
        matches = copies_of(name, sorted(Path.cwd().glob("*.ipynb")))
        if len(matches) != 1:
            raise FileNotFoundError(f"No saved {name} in {Path.cwd()}: open the notebook from its folder, "
                                    f"or run `python -m coursework check PATH` in a terminal.")
        path = matches[0]
    age = time.time() - path.stat().st_mtime
    print(f"Checking the copy of {path.name} saved {age / 60:.0f} min ago "
          f"({time.strftime('%H:%M:%S', time.localtime(path.stat().st_mtime))}): save the notebook "
          "(Ctrl+S) and run this cell again if you changed it since.", flush=True)
    return path


def check_notebook(name: str) -> bool:
    """Check the notebook ``name`` (``"03_pima_diabetes.ipynb"``) as the
    grader will, with the visible tests only; print the verdict; return
    True when every visible test passes.  Does nothing while grading or
    under the course runner.  Never raises: a problem is printed."""
    if grading_mode() or env_flag(HEADLESS_ENV):
        print("Check your work: skipped (this run is the grader's or the course runner's).")
        return True
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        print(f"Checking needs nbgrader, which is not installed here: run `{_INSTALL}` in a cell, then this "
              "cell again.")
        return False
    from .check import check_submission, format_check

    try:
        with tempfile.TemporaryDirectory(prefix="coursework-live-") as tmp:
            if "google.colab" in sys.modules:
                path = _colab_notebook(name, Path(tmp))
                print(f"Checking {name} as Colab shows it now (a fresh kernel runs it from the top) ...", flush=True)
            else:
                path = _saved_copy(name)
            result = check_submission(path)
            print(format_check(result))
    except Exception as exc:  # shown, not raised: "Run All" must not stop on the last cell
        print(f"Check your work: could not check: {type(exc).__name__}: {exc}")
        return False
    return result.passed
