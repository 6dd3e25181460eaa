"""Make ``import tensorflow`` honour ``TF_CPP_MIN_LOG_LEVEL`` again.

TensorFlow 2.21 logs through Abseil, and Abseil writes *every* message to
stderr until ``absl::InitializeLog()`` is called, whatever the minimum level
(abseil-cpp PRs #1718 and #1957, TensorFlow PR #102212).  So each notebook's
first ``import keras`` printed, twice::

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:... port.cc:153] oneDNN custom operations are on. ...

which Jupyter shows as a red stderr box although the setup cell asks for
``TF_CPP_MIN_LOG_LEVEL=2``.  No environment variable reaches Abseil's
pre-initialisation logging, so :func:`install` puts a one-shot import hook in
front of ``import tensorflow``: while TensorFlow's package initialiser runs,
file descriptor 2 goes to a temporary file; afterwards every line goes back
to stderr except Abseil's banner and the log lines below the level that
``TF_CPP_MIN_LOG_LEVEL`` asks for (``I`` = 0, ``W`` = 1, ``E`` = 2, ``F`` =
3).  Warnings and errors that the setting keeps stay visible, and nothing is
filtered once TensorFlow is imported.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

_BANNER = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
_SEVERITY = re.compile(r"^([IWEF])\d{4} ")
_LEVELS = {"I": 0, "W": 1, "E": 2, "F": 3}


def _min_level() -> int:
    text = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0").strip()
    return int(text) if text.isdigit() else 0


def kept_lines(lines: list[str], min_level: int) -> list[str]:
    """The lines TensorFlow printed while importing that should reach stderr.

    A line without a severity prefix continues the message above it and
    shares its fate (``cpu_feature_guard`` writes two lines).
    """
    kept, keep = [], True
    for line in lines:
        if line.rstrip("\n") == _BANNER:
            continue
        match = _SEVERITY.match(line)
        if match is not None:
            keep = _LEVELS[match.group(1)] >= min_level
        if keep:
            kept.append(line)
    return kept


@contextmanager
def _stderr_filtered() -> Iterator[None]:
    """Route fd 2 to a temporary file, then write back the lines worth keeping."""
    min_level = _min_level()
    if min_level == 0:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(keepends=True)
            kept = "".join(kept_lines(lines, min_level))
            if kept:
                os.write(2, kept.encode())


class _FilteringLoader(importlib.abc.Loader):
    """Runs the real loader of ``tensorflow`` with stderr filtered."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        with _stderr_filtered():
            self._loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:  # resource readers and the like
        return getattr(self._loader, name)


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """One-shot finder: the first ``import tensorflow`` gets the filtering loader."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != "tensorflow":
            return None
        uninstall()
        spec = importlib.util.find_spec("tensorflow")
        if spec is not None and spec.loader is not None:
            spec.loader = _FilteringLoader(spec.loader)
        return spec


def install() -> None:
    """Put the hook in front of ``import tensorflow`` (no-op once it is imported)."""
    if "tensorflow" in sys.modules or any(isinstance(f, _QuietTensorFlowFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _QuietTensorFlowFinder())


def uninstall() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _QuietTensorFlowFinder)]
