"""Each submission's CPU share, and nothing left running after it.

A kernel can start busy processes (in sessions of their own, so its process
group is not enough to find them) and starve the submission graded beside
it.  When the grader runs as root on Linux, each submission's worker (and
so its kernel and judge, which inherit it) goes into a control group of its
own, every group with the same CPU weight (``cpu.weight``, cgroup v2, or
``cpu.shares``, v1): under contention the scheduler shares the cores
between *submissions*, not between processes, so 32 busy processes of one
submission get what one honest kernel beside them gets.  A weight, not a
quota: a submission alone on the machine may use every core.  When the run
ends, every process still in the group is killed before the group is
removed.  The sandbox
does not mount ``/sys``, so code inside cannot move itself out.

Without root (or without a writable ``cpu`` controller) there is no group:
:func:`cpu_share` then does nothing, and a busy neighbour can still slow a
run down; the per-cell time limit and the retry of a run that crashed on a
loaded machine (:mod:`~coursework.grading.grade`) are what remain.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CpuShare", "cpu_share", "cgroup_root"]

_V2 = Path("/sys/fs/cgroup")
_V1 = Path("/sys/fs/cgroup/cpu")
#: Every submission's weight (the default of both cgroup versions' siblings).
_WEIGHT = {2: ("cpu.weight", "100"), 1: ("cpu.shares", "1024")}
_COUNTER = itertools.count()


def cgroup_root() -> tuple[Path, int] | None:
    """(folder to create groups in, cgroup version), or None when unavailable."""
    if os.name != "posix" or os.geteuid() != 0:
        return None
    controllers = _V2 / "cgroup.controllers"
    if controllers.is_file() and "cpu" in controllers.read_text().split() and os.access(_V2, os.W_OK):
        return _V2, 2
    if (_V1 / "cpu.shares").is_file() and os.access(_V1, os.W_OK):
        return _V1, 1
    return None


class CpuShare:
    """One control group: :meth:`add` a process, :meth:`close` kills what is left."""

    def __init__(self, folder: Path, version: int) -> None:
        self.folder, self.version = folder, version
        folder.mkdir()
        name, value = _WEIGHT[version]
        (folder / name).write_text(f"{value}\n")

    def add(self, pid: int) -> None:
        """Move ``pid`` (and the children it starts from now on) into the group."""
        try:
            (self.folder / "cgroup.procs").write_text(f"{pid}\n")
        except OSError:
            pass  # it already ended

    def pids(self) -> list[int]:
        try:
            return [int(line) for line in (self.folder / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def close(self) -> None:
        """Kill every process still in the group, then remove it."""
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)
        with contextlib.suppress(OSError):
            self.folder.rmdir()


@contextlib.contextmanager
def cpu_share() -> Iterator[CpuShare | None]:
    """A :class:`CpuShare` for one submission, or None where control groups
    are unavailable."""
    root = cgroup_root()
    if root is None:
        yield None
        return
    folder = root[0] / f"coursework-{os.getpid()}-{next(_COUNTER)}"
    try:
        share = CpuShare(folder, root[1])
    except OSError:
        yield None
        return
    try:
        yield share
    finally:
        share.close()
