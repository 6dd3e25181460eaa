"""The CPU time of a process and of everything it starts, sandboxes included.

Processes reaped inside a sandbox's PID namespace never reach ``getrusage``;
a cgroup-v1 ``cpuacct`` group counts them (membership is inherited across
namespaces).  Needs root and ``/sys/fs/cgroup/cpuacct``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

ACCT = Path("/sys/fs/cgroup/cpuacct")


def available() -> bool:
    """Whether this process can make a cpuacct group."""
    return os.geteuid() == 0 and (ACCT / "cpuacct.usage").is_file()


@contextlib.contextmanager
def accounted() -> Iterator[Callable[[], float]]:
    """Move this process into a cpuacct group of its own for the block; yields
    a function that returns the CPU seconds the group has used so far (this
    process and every process started from it meanwhile)."""
    if not available():
        raise RuntimeError("needs root and a cgroup-v1 cpuacct hierarchy at /sys/fs/cgroup/cpuacct")
    group = ACCT / f"coursework-bench-{os.getpid()}"
    group.mkdir()
    (group / "cgroup.procs").write_text(f"{os.getpid()}\n")
    try:
        yield lambda: int((group / "cpuacct.usage").read_text()) / 1e9
    finally:
        (ACCT / "cgroup.procs").write_text(f"{os.getpid()}\n")
        with contextlib.suppress(OSError):
            group.rmdir()
