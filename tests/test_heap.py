"""coursework._heap: large freed buffers go back to the OS on glibc."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coursework import _heap

#: Allocate and free 20 MB blocks from 8 threads, as TensorFlow does per batch.
_CHURN = """
import importlib.util, sys, threading
# the module alone, from its file, in both modes: importing the package would install the fix in both
spec = importlib.util.spec_from_file_location("heap", sys.argv[2])
h = importlib.util.module_from_spec(spec)
spec.loader.exec_module(h)
if sys.argv[1] == "on":
    assert h.install()
def rss():
    return int(dict(l.split(":", 1) for l in open("/proc/self/status"))["VmRSS"].split()[0]) // 1024
start = rss()
pins = []
def work():
    for i in range(10):
        block = bytearray(20 << 20)
        pins.append(bytearray(1000))  # a small block above it keeps the heap from shrinking
        del block
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
print(rss() - start)
"""


def test_not_linux_does_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert _heap.install() is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_freed_blocks_return_to_the_os():
    def growth(mode):
        done = subprocess.run([sys.executable, "-c", _CHURN, mode, _heap.__file__], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return int(done.stdout.split()[-1])

    without, with_fix = growth("off"), growth("on")
    assert with_fix <= 40, f"with the fix the process still grew by {with_fix} MB"  # measured: 0 MB (AMD EPYC)
    if without < 80:
        # glibc keeps the freed blocks only when the threads' heaps overlap in time; on a
        # loaded machine (CI under xdist: 11 MB) they may not, and there is nothing to compare
        pytest.skip(f"without the fix the process grew by only {without} MB on this run")
    assert with_fix <= 0.5 * without, (without, with_fix)  # measured: 120 -> 0 MB (AMD EPYC, 2026-12-04)
