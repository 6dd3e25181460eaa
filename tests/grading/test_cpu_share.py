"""Each submission's CPU share and clean-up (grading as root), and its fresh uid."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from coursework.grading.cpu_share import cgroup_root, cpu_share
from coursework.grading.sandbox import FIRST_UID, UID_RANGE, fresh_uid

needs_cgroups = pytest.mark.skipif(cgroup_root() is None, reason="needs root and a writable cpu cgroup controller")


@needs_cgroups
def test_a_share_caps_the_cpu_and_kills_what_is_left():
    busy = "import os, time\nif os.fork() == 0:\n    os.setsid()\nend = time.time() + 30\nwhile time.time() < end:\n    pass"
    with cpu_share(0.25) as share:
        proc = subprocess.Popen([sys.executable, "-c", busy])
        share.add(proc.pid)
        time.sleep(2.0)
        pids = share.pids()
        assert len(pids) == 2, pids  # the process and the child it forked into a session of its own
        used = sum(_cpu_seconds(pid) for pid in pids)
        assert used < 2.0 * 0.25 * 2 + 0.3, f"{used:.2f} CPU s in 2 s at a quarter of a core"
    proc.wait(timeout=10)
    assert not any(os.path.exists(f"/proc/{pid}") and _state(pid) != "Z" for pid in pids)


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _state(pid: int) -> str:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_no_cap_wanted_or_possible_gives_no_group():
    with cpu_share(0) as share:
        assert share is None


def test_fresh_uids_are_never_reused():
    uids = [fresh_uid() for _ in range(2000)]
    assert len(set(uids)) == 2000 and all(FIRST_UID <= u < FIRST_UID + UID_RANGE for u in uids)
