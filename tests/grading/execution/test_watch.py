"""watch: the memory watch, from outside the kernel."""

from __future__ import annotations

import subprocess
import sys
import time

from coursework.grading.execution.watch import MemoryWatch, process_tree, resident_bytes

HOG = "import time\nchunks = []\nfor _ in range(200):\n    chunks.append(bytearray(8 * 2**20))\n    time.sleep(0.02)\ntime.sleep(30)"


def test_memory_watch_kills_a_process_tree_over_the_limit():
    proc = subprocess.Popen([sys.executable, "-c", HOG])
    try:
        watch = MemoryWatch(proc.pid, 300 * 2**20)
        watch.start()
        proc.wait(timeout=60)
        watch.join(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == -9
    assert watch.exceeded is not None and watch.exceeded > 300 * 2**20
    assert watch.peak >= watch.exceeded


def test_process_tree_and_resident_size():
    proc = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time\n"
                             "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
                             "time.sleep(30)"])
    try:
        deadline = time.monotonic() + 20
        while len(process_tree(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        tree = process_tree(proc.pid)
        assert len(tree) == 2 and tree[0] == proc.pid
        assert resident_bytes(tree) > resident_bytes(tree[:1]) > 1_000_000
    finally:
        for pid in process_tree(proc.pid)[::-1]:
            subprocess.run(["kill", "-9", str(pid)], check=False)
        proc.wait()
