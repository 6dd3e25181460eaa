"""Benchmark grading: throughput and the overhead per submission.

    python benchmarks/grading.py                        # notebooks 01 and 02, 2 students
    python benchmarks/grading.py --students 3 --write benchmarks/grading.md

A corpus of the source notebooks (solutions included, so every cell runs)
submitted by ``--students`` students is graded, in one run, in four
settings: ``--jobs 1`` with a cold worker process per submission (nbgrader
imported each time, ``COURSEWORK_WARM_WORKER=0``: how grading ran before),
then with warm workers (the default) ``--jobs 1``, ``--jobs 2`` and a
2-worker Dask ``LocalCluster`` (``--scheduler``, one thread per worker).  Before them, each notebook is
executed once with nbclient alone, in grading mode (``COURSEWORK_GRADING=1``,
kernel start included, no nbgrader, no sandbox): its *own* time.  Reported
per setting:

* submissions per minute: submissions / wall-clock time of the whole batch
  (``grade_submissions``: generate_assignment once, then every submission);
* seconds per submission: the mean of the rows' ``seconds`` (one
  submission's run: nbgrader's worker, the sandboxed kernel, scoring);
* overhead: that minus the notebook's own time, the cost of grading beyond
  running the notebook.  With 2 runs at once on 2 cores, both runs are also
  slowed by each other, which the single-run own time does not include;
* CPU seconds outside the kernel per submission: the CPU time of this
  process and of its reaped descendants (nbgrader's workers and their warm
  processes, bubblewrap, the cluster's processes), divided by the
  submissions.  A sandboxed kernel's own CPU time is not in it (the
  kernel's process is reaped inside the sandbox's PID namespace, never into
  this process's ``RUSAGE_CHILDREN``), so this is the CPU that grading adds,
  plus the share of nbclient's driver that any run has, and it depends far
  less on what else the machine runs than wall-clock differences do.  The
  own runs' CPU time, kernel included, is shown for scale.

The cluster's start (about 5-10 s) is measured apart and not counted.

On a shared machine the wall-clock overhead of a 30 s notebook drowns in
the load, so the run ends with the overhead measured where it is most of the
time: the tiny notebook of the grading tests (``tests/grading/synthetic.py``,
about 1 s on its own), 5 submissions at ``--jobs 1``, cold then warm
workers, each between own runs; the *steady* figure is the median of
submissions 2-5 (the first one of a batch also starts the warm process).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import machine  # noqa: E402  (benchmarks/machine.py)

from coursework.config import GRADING_ENV, HEADLESS_ENV  # noqa: E402
from coursework.grading.execution.warm import WARM_ENV  # noqa: E402

NOTEBOOKS = ("01", "02")
TARGET = 1.5  # seconds of overhead per submission, at --jobs 1


def _grading_env() -> None:
    """This process's environment as a graded kernel's (nbclient's kernels inherit it)."""
    os.environ.update({GRADING_ENV: "1", HEADLESS_ENV: "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2"})


def _cpu() -> float:
    """CPU seconds of this process and of its reaped descendants."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def own_time(path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds nbclient takes to run a notebook (kernel start
    included), alone."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="bench-own-") as tmp:
        start, cpu = time.monotonic(), _cpu()
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp}}).execute()
        return time.monotonic() - start, _cpu() - cpu


def write_corpus(sources: list[Path], students: int, folder: Path) -> Path:
    for i in range(students):
        student = folder / f"student{i + 1}"
        student.mkdir(parents=True)
        for path in sources:
            shutil.copy(path, student / path.name)
    return folder


def grade(corpus: Path, notebook_dir: Path, **kwargs) -> tuple[float, list]:
    """(batch seconds, rows) of one setting; every row must be ok."""
    from coursework.grading import grade_submissions

    start = time.monotonic()
    grades = grade_submissions(corpus, notebook_dir=notebook_dir, graded_dir=None, echo=None, **kwargs)
    seconds = time.monotonic() - start
    bad = [f"{r.student}/{r.notebook}: {r.status} {r.reason_text()}" for r in grades.results if r.status != "ok"]
    if bad:
        raise RuntimeError("a benchmark submission did not grade: " + "; ".join(bad))
    return seconds, grades.results


def _cluster_grade(corpus: Path, notebook_dir: Path) -> tuple[float, list, float]:
    """``grade`` on a fresh 2-worker LocalCluster; also the cluster's start time."""
    import distributed

    start = time.monotonic()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  scheduler_port=0, silence_logs=logging.ERROR) as cluster:
        started = time.monotonic() - start
        seconds, rows = grade(corpus, notebook_dir, scheduler=cluster.scheduler_address)
    return seconds, rows, started


def _row(name: str, seconds: float, cpu: float, rows: list, own: dict[str, tuple[float, float]], load: str) -> str:
    n = len(rows)
    per = sum(r.seconds for r in rows) / n
    overhead = sum(r.seconds - own[r.notebook][0] for r in rows) / n
    return (f"| {name} | {n} | {seconds:.1f} | {60 * n / seconds:.2f} | {per:.1f} | {overhead:+.1f} | "
            f"{cpu / n:.2f} | {load} |")


def tiny_overhead(folder: Path, submissions: int = 5) -> list[str]:
    """Lines of the steady-state overhead on the tests' tiny notebook, cold and warm."""
    from tests.grading import synthetic

    source = synthetic.write_source(folder / "notebooks")
    corpus = write_corpus([source], submissions, folder / "subs")
    lines = ["| tiny notebook, `--jobs 1` | own s (median of 4) | s per submission | steady s | steady overhead s "
             "| load |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, warm in (("cold workers", "0"), ("warm workers", "1")):
        os.environ[WARM_ENV] = warm
        own = [own_time(source)[0] for _ in range(2)]
        _, rows = grade(corpus, source.parent, jobs=1)
        own += [own_time(source)[0] for _ in range(2)]
        seconds = [r.seconds for r in rows]
        steady, median = statistics.median(seconds[1:]), statistics.median(own)
        lines.append(f"| {name} | {median:.2f} | {' '.join(f'{x:.1f}' for x in seconds)} | {steady:.2f} | "
                     f"{steady - median:+.2f} | {_load()} |")
        print(lines[-1], flush=True)
    del os.environ[WARM_ENV]
    return lines


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=2, help="students in the corpus (default: %(default)s)")
    parser.add_argument("--notebooks", nargs="+", default=list(NOTEBOOKS), help="notebook prefixes")
    parser.add_argument("--notebook-dir", type=Path, default=HERE.parent / "notebooks")
    parser.add_argument("--write", type=Path, help="also write the table to this markdown file")
    args = parser.parse_args(argv)
    import distributed  # noqa: F401 (fail before measuring anything)

    _grading_env()
    sources = [next(args.notebook_dir.glob(f"{prefix}_*.ipynb")) for prefix in args.notebooks]
    load_before = _load()
    first = {path.name: own_time(path) for path in sources}
    print(f"own time: {first} (load {_load()})", flush=True)
    table = []
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        corpus = write_corpus(sources, args.students, Path(tmp) / "subs")
        runs = []
        for name, jobs, warm in (("--jobs 1, cold workers", 1, "0"), ("--jobs 1", 1, "1"), ("--jobs 2", 2, "1")):
            os.environ[WARM_ENV] = warm
            cpu = _cpu()
            seconds, rows = grade(corpus, args.notebook_dir, jobs=jobs)
            runs.append((name, seconds, _cpu() - cpu, rows, _load()))
            print(name, f"{seconds:.1f} s", flush=True)
        del os.environ[WARM_ENV]
        cpu = _cpu()
        seconds, rows, started = _cluster_grade(corpus, args.notebook_dir)
        runs.append(("LocalCluster, 2 workers", seconds, _cpu() - cpu, rows, _load()))
        second = {path.name: own_time(path) for path in sources}
        tiny = tiny_overhead(Path(tmp) / "tiny")
    own = {name: ((first[name][0] + second[name][0]) / 2, (first[name][1] + second[name][1]) / 2)
           for name in first}
    for name, seconds, cpu, rows, load in runs:
        table.append(_row(name, seconds, cpu, rows, own, load))
    lines = [
        f"Machine: {machine.cpu_model()}, {os.cpu_count()} cores. Load average (1, 5, 15 min): {load_before} "
        f"before, {_load()} after.",
        "",
        "Own time of each notebook (nbclient alone, grading mode, kernel start included; mean of a run "
        "before and one after the settings), wall / CPU s: "
        + ", ".join(f"{Path(n).stem} {w:.1f} / {c:.1f} (runs: {first[n][0]:.1f}, {second[n][0]:.1f})"
                    for n, (w, c) in own.items()),
        "",
        "| setting | submissions | batch s | submissions/min | s per submission | wall overhead s "
        "| CPU s outside the kernel per submission | load after (1, 5, 15 min) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *table,
        "",
        f"LocalCluster start: {started:.1f} s (not counted). Target: overhead <= {TARGET} s per submission.",
        "",
        *tiny,
    ]
    text = "\n".join(lines)
    print()
    print(text)
    if args.write:
        args.write.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
