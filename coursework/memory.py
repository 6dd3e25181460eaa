"""Peak memory of the running process (the notebooks record it)."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["peak_rss_mb"]

_STATUS = Path("/proc/self/status")


def _linux_high_water_mb() -> float | None:
    """``VmHWM`` of /proc/self/status in MiB, or None where there is none."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10  # kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (2**20 bytes).

    On Linux, the kernel's high-water mark of this process's own memory
    (``VmHWM``).  Not ``getrusage``'s ``ru_maxrss``: Linux carries that
    across ``exec``, so a Jupyter kernel started by a 1.3 GB test runner
    reports 1.3 GB before it has allocated anything.  Elsewhere
    ``resource.getrusage`` (bytes on macOS), and on Windows psutil's peak
    working set.

    >>> peak_rss_mb() > 0
    True
    """
    high_water = _linux_high_water_mb()
    if high_water is not None:
        return high_water
    try:
        import resource
    except ImportError:  # Windows
        import psutil

        return psutil.Process().memory_info().peak_wset / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10
