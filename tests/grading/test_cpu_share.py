"""Each submission's CPU share and clean-up (grading as root), and its fresh uid."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from coursework.grading.cpu_share import cgroup_root, cpu_share
from coursework.grading.sandbox import FIRST_UID, UID_RANGE, fresh_uid

needs_cgroups = pytest.mark.skipif(cgroup_root() is None, reason="needs root and a writable cpu cgroup controller")
BUSY = "import os, time\nif os.fork() == 0:\n    os.setsid()\nend = time.time() + 30\nwhile time.time() < end:\n    pass"


@needs_cgroups
def test_a_share_holds_every_process_of_a_submission_and_kills_what_is_left():
    with cpu_share() as share:
        weight = (share.folder / ("cpu.weight" if share.version == 2 else "cpu.shares")).read_text().strip()
        assert weight == ("100" if share.version == 2 else "1024")
        proc = subprocess.Popen([sys.executable, "-c", BUSY])
        share.add(proc.pid)
        deadline = time.monotonic() + 10
        while len(share.pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        pids = share.pids()
        assert len(pids) == 2, pids  # the process and the child it forked into a session of its own
        folder = share.folder
    proc.wait(timeout=10)
    assert not any(_alive(pid) for pid in pids), "nothing a submission started outlives it"
    assert not folder.exists()


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_fresh_uids_are_never_reused():
    uids = [fresh_uid() for _ in range(2000)]
    assert len(set(uids)) == 2000 and all(FIRST_UID <= u < FIRST_UID + UID_RANGE for u in uids)
