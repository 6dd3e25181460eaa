"""Exceptions raised by :mod:`coursework`.

Every exception subclasses a builtin so that ``except OSError`` or
``except ValueError`` in student code keeps working.
"""

from __future__ import annotations

__all__ = [
    "DatasetError",
    "DatasetUnavailableError",
    "CorruptDatasetError",
    "ChecksumError",
]


class DatasetError(OSError):
    """Base class: a dataset file could not be provided."""


class DatasetUnavailableError(DatasetError, FileNotFoundError):
    """A dataset file is neither in the data mirror or cache nor downloadable.

    Raised when ``COURSEWORK_DATA`` points at a mirror that lacks the file, or
    when the download fails (offline, blocked network, server error).
    """


class CorruptDatasetError(DatasetError):
    """A dataset file exists but its content is not what the loader expects
    (truncated gzip, wrong row count, wrong shape, invalid JSON...)."""


class ChecksumError(CorruptDatasetError):
    """A dataset file's SHA-256 differs from the published or mirrored one."""
