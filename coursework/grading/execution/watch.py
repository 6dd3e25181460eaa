"""Watch the memory of a kernel's process tree from outside, and stop it
at the limit.

Why a watchdog, and not a cgroup or an rlimit:

* a cgroup (``memory.max``) is exact but needs a writable, delegated cgroup:
  as root on a VM, yes; unprivileged only through a systemd user session
  with delegation, and not in most containers (CI, Docker), where the
  cgroup file system is read-only or version 1;
* ``RLIMIT_AS`` counts address space, not memory: TensorFlow and JAX
  reserve gigabytes they never touch (notebook 05 in grading mode: 2.6 GB
  of address space for 0.85 GB resident), so any useful value either
  breaks honest notebooks or lets a student through; ``RLIMIT_DATA`` counts
  every thread's stack (8 MB each, two threads per core), so it depends on
  the machine;
* reading ``/proc`` works the same unprivileged and as root, in every
  container, covers the kernel and every process it starts, and tells the
  grader exactly what happened and in which cell.

Every :data:`INTERVAL` seconds the resident sizes (``/proc/PID/statm``) of
the process tree under the sandbox's first process are added up (pages
shared between processes count once per process: a fork bomb is stopped
sooner, never later); over the limit, the whole tree is killed with
SIGKILL.  Between two looks memory can grow by what a process writes in
:data:`INTERVAL` seconds (about a gigabyte at memory speed), so the
limit is the size a submission may *use*, not a hard ceiling; the
sandbox's scratch folders are separately bounded (``Limits.scratch``).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable

__all__ = ["INTERVAL", "MemoryWatch", "process_tree", "resident_bytes"]

#: Seconds between two looks at the process tree.
INTERVAL = 0.1
_PAGE = os.sysconf("SC_PAGE_SIZE")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from each thread's ``children`` file)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    stack += [int(child) for child in fh.read().split()]
            except (OSError, ValueError):
                pass
    return found


def resident_bytes(pids: list[int]) -> int:
    """The sum of the resident sizes of ``pids`` (gone processes count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            pass
    return total


class MemoryWatch(threading.Thread):
    """A daemon thread that kills ``pid``'s process tree above ``limit`` bytes.

    ``exceeded`` is set to the resident size seen when it did, and
    ``on_exceeded`` (if given) is called once, after the kill.  ``peak`` is
    the largest size seen.  The thread ends when the process is gone or
    :meth:`stop` is called.
    """

    def __init__(self, pid: int, limit: int, on_exceeded: Callable[[int], None] | None = None) -> None:
        super().__init__(daemon=True, name=f"memory-watch-{pid}")
        self.pid = pid
        self.limit = limit
        self.on_exceeded = on_exceeded
        self.peak = 0
        self.exceeded: int | None = None
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def run(self) -> None:
        while not self._halt.wait(INTERVAL):
            if not os.path.exists(f"/proc/{self.pid}"):
                return
            pids = process_tree(self.pid)
            size = resident_bytes(pids)
            self.peak = max(self.peak, size)
            if size > self.limit:
                self.exceeded = size
                for pid in pids:  # the sandbox's first process first: its PID namespace dies with it
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                if self.on_exceeded is not None:
                    self.on_exceeded(size)
                return
