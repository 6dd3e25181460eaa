"""Plumbing shared by the course runner and the grader: where the package
lives, the environment a notebook's kernel gets, a message's first line,
and the log file a kernel's own output goes to.

Both ``python -m coursework run`` (:mod:`coursework.runner`) and
``python -m coursework grade`` (:mod:`coursework.grading`) import this module;
neither imports the other.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "package_root",
    "kernel_env",
    "first_line",
    "open_kernel_log",
]

#: Longest line :func:`first_line` returns.
MAX_LINE_CHARS = 300
# IPython names cell code after a hash of the source: "(3960470163.py, line 2)"
_CELL_FILE = re.compile(r"\((?:[^()]*[/\\])?[^()/\\]*\.py, line (\d+)\)")
# object addresses differ from run to run: "<function f at 0x7f3a2c1d5e50>"
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")


def package_root() -> Path | None:
    """The folder holding the imported ``coursework`` package, unless it is a
    ``site-packages`` folder (already on every kernel's path; putting it in
    front of the standard library would be wrong)."""
    root = Path(__file__).resolve().parent.parent
    return None if root.name in {"site-packages", "dist-packages"} else root


def kernel_env(
    extra: Mapping[str, Any] | None = None,
    *,
    fixed: Mapping[str, str] = {},
    defaults: Mapping[str, str] = {},
    drop: Iterable[str] = (),
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A kernel's complete environment.

    Starts from ``base`` (default: this process's environment), removes
    ``drop``, adds ``defaults`` where unset, then the caller's ``extra``, then
    ``fixed`` (which nothing overrides).  The package root goes in front of
    ``PYTHONPATH``, so a kernel imports the very package this process runs
    from (a source checkout wins over another installed copy).
    """
    env = dict(os.environ if base is None else base)
    for name in drop:
        env.pop(name, None)
    for name, value in defaults.items():
        env.setdefault(name, value)
    if extra:
        env.update({str(k): str(v) for k, v in extra.items()})
    env.update(fixed)
    root = package_root()
    if root is not None:
        parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        parts = [str(root)] + [p for p in parts if Path(p).resolve() != root]
        env["PYTHONPATH"] = os.pathsep.join(parts)
    return env


def first_line(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """The first non-blank line of ``text``, stripped and shortened, with
    what changes from run to run (IPython's cell file names, object
    addresses) replaced."""
    for line in str(text).splitlines():
        line = line.strip()
        if line:
            line = _ADDRESS.sub("0x...", _CELL_FILE.sub(r"(line \1)", line))
            return line if len(line) <= limit else line[: limit - 3] + "..."
    return ""


def open_kernel_log(path: Path) -> BinaryIO:
    """Open (truncate) the file that receives a kernel process's own stdout
    and stderr: what C libraries and Python print below the notebook's
    streams (TensorFlow's start-up messages, crashes).  Pass it to the kernel
    launch as ``stdout=`` and ``stderr=`` (nbclient hands ``execute(**kwargs)``
    to ``KernelManager.start_kernel``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("wb")
