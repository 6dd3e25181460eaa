"""Peak memory of the running process (notebook 04 reports it)."""

from __future__ import annotations

import sys

__all__ = ["peak_rss_mb"]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (2**20 bytes).

    Uses ``resource.getrusage`` (kilobytes on Linux, bytes on macOS) and, on
    Windows, psutil's peak working set.

    >>> peak_rss_mb() > 0
    True
    """
    try:
        import resource
    except ImportError:  # Windows
        import psutil

        return psutil.Process().memory_info().peak_wset / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10
