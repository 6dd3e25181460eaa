"""The whole CPU cost of grading: every process of every submission, sandboxes included.

    python benchmarks/grading_cpu.py 01 02 --rounds 2

Grades each named notebook twice per round, as its source ("solution": every
cell runs, full marks) and as its student version ("release": every test
fails), with ``--jobs 1``, and reports per submission the wall-clock seconds
and the CPU seconds of *everything* grading ran: this process, nbgrader's
worker, the sandboxed kernel and the judge.  The sandboxes' processes are
reaped inside their own PID namespaces, so ``getrusage`` never sees them;
a cgroup-v1 ``cpuacct`` group does (membership is inherited across
namespaces), so the script needs root and ``/sys/fs/cgroup/cpuacct``.

Run it in two checkouts, alternating, to compare two versions of the grader
on the same machine and load (``benchmarks/results.md``, "Grading").
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import cpuacct  # noqa: E402  (benchmarks/cpuacct.py)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", help="notebook prefixes, e.g. 01 02")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    if not cpuacct.available():
        print("error: needs root and a cgroup-v1 cpuacct hierarchy at /sys/fs/cgroup/cpuacct", file=sys.stderr)
        return 2
    from coursework.grading import grade_submissions, release

    repo = HERE.parent
    with cpuacct.accounted() as usage, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        released = release(args.notebooks, notebook_dir=repo / "notebooks", output_dir=root / "student")
        for path in released:
            for student, folder in (("solution", repo / "notebooks"), ("release", root / "student")):
                (root / "subs" / student).mkdir(parents=True, exist_ok=True)
                shutil.copy(folder / path.name, root / "subs" / student / path.name)
        for _ in range(args.rounds):
            cpu, wall = usage(), time.monotonic()
            grades = grade_submissions(root / "subs", notebook_dir=repo / "notebooks", graded_dir=None,
                                       jobs=1, echo=None)
            cpu, wall = usage() - cpu, time.monotonic() - wall
            n = len(grades.results)
            points = " ".join(f"{r.student}/{r.notebook[:2]}={r.total:g}" for r in grades.results)
            print(f"{repo.name}: {n} submissions, {wall / n:.1f} s wall and {cpu / n:.1f} CPU s each "
                  f"(load {os.getloadavg()[0]:.1f}); {points}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
