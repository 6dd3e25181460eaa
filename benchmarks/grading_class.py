"""A class graded: CPU per submission for every notebook, and where it goes.

    sudo python benchmarks/grading_class.py --students 10
    sudo python benchmarks/grading_class.py --notebooks 01 02 --students 10 --jobs 2

For each notebook, a synthetic class of ``--students`` students: student
``i`` answers a random share of the exercises with the solution's code
(seeded; the first student answers all, the second none) and leaves the
others as released.  Measured, all with a cgroup-v1 ``cpuacct`` group
(``benchmarks/cpuacct.py``: the sandboxed kernel and judge included):

* **own**: the source notebook run once by nbclient alone, in grading mode,
  unsandboxed: kernel start with the setup and imports cells (timed as the
  notebook cut after its ``import keras`` cell), then the rest;
* **graded**: ``grade_submissions`` of the whole class (``--jobs``), CPU and
  wall-clock per submission;
* **overhead**: graded CPU minus own CPU, what grading adds (nbgrader's
  worker, the sandbox, the judge, scoring).

The class estimate divides the CPU of 300 students x the nine notebooks by
the cores (CPU-bound work packs onto cores; the scheduler's own cost on a
Dask cluster is in ``benchmarks/grading.py``'s LocalCluster row).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import cpuacct  # noqa: E402  (benchmarks/cpuacct.py)
import machine  # noqa: E402  (benchmarks/machine.py)

ALL = ("01", "02", "03", "04", "05", "06", "07", "08", "09")
CLASS = 300  # students, for the estimate
GOAL_CPU_S, GOAL_OVERHEAD_S = 10.0, 1.5  # issue 23 §3


def _solution_text(source: str) -> str:
    """A solution cell as a student would submit it: nbgrader's markers dropped."""
    return "\n".join(line for line in source.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def write_class(source, released, students: int, folder: Path, name: str) -> None:
    """``folder/student<i>/<name>``: the released notebook with a random
    share of its answer cells replaced by the solution's."""
    import nbformat

    from coursework.grading.cells import grade_id, is_answer

    solutions = {grade_id(c): _solution_text(c.source) for c in source.cells if is_answer(c)}
    rng = random.Random(0)
    for i in range(students):
        share = 1.0 if i == 0 else 0.0 if i == 1 else rng.random()
        nb = nbformat.from_dict(released)
        for cell in nb.cells:
            if is_answer(cell) and rng.random() < share:
                cell.source = solutions[grade_id(cell)]
        (folder / f"student{i + 1:03d}").mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"student{i + 1:03d}" / name)


def own_cpu(nb, usage) -> float:
    """CPU seconds of nbclient running ``nb`` in grading mode, kernel included."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="bench-own-") as tmp:
        before = usage()
        NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": tmp}}).execute()
        return usage() - before


def imports_only(nb):
    """The notebook cut after its imports: the first code cell that imports Keras."""
    import nbformat

    cut = nbformat.from_dict(nb)
    last = next(i for i, c in enumerate(cut.cells) if c.cell_type == "code" and "import keras" in c.source)
    cut.cells = cut.cells[: last + 1]
    return cut


def measure(prefix: str, students: int, jobs: int, usage, root: Path) -> dict:
    import nbformat

    from coursework.grading import grade_submissions, release

    repo = HERE.parent
    (source_path,) = sorted((repo / "notebooks").glob(f"{prefix}_*.ipynb"))
    source = nbformat.read(source_path, as_version=4)
    (released_path,) = release([prefix], notebook_dir=repo / "notebooks", output_dir=root / "student")
    released = nbformat.read(released_path, as_version=4)
    subs = root / f"subs-{prefix}"
    write_class(source, released, students, subs, source_path.name)
    imports = own_cpu(imports_only(source), usage)
    own = own_cpu(source, usage)
    before, start = usage(), time.monotonic()
    grades = grade_submissions(subs, notebook_dir=repo / "notebooks", graded_dir=None, jobs=jobs, echo=None)
    cpu, wall = usage() - before, time.monotonic() - start
    n = len(grades.results)
    bad = [f"{r.student}: {r.status}" for r in grades.results if r.status != "ok"]
    return {"notebook": prefix, "n": n, "imports": imports, "own": own, "cpu": cpu / n, "wall": wall / n,
            "points": sorted(r.total for r in grades.results), "bad": bad,
            "load": os.getloadavg()[0]}


def report(rows: list[dict], jobs: int) -> str:
    lines = [
        f"Machine: {machine.cpu_model()}, {os.cpu_count()} cores; `--jobs {jobs}`; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "| notebook | submissions | own CPU s: kernel + imports / rest | graded CPU s per submission "
        "| overhead CPU s | wall s per submission | points (min-max) | load after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['notebook']} | {r['n']} | {r['imports']:.1f} / {r['own'] - r['imports']:.1f} | {r['cpu']:.1f} "
            f"| {r['cpu'] - r['own']:+.1f} | {r['wall']:.1f} | {r['points'][0]:g}-{r['points'][-1]:g} "
            f"| {r['load']:.1f} |" + (f" not ok: {', '.join(r['bad'])}" if r["bad"] else ""))
    cpus = [r["cpu"] for r in rows]
    overheads = [r["cpu"] - r["own"] for r in rows]
    per_student = sum(cpus) * (len(ALL) / len(rows))
    lines += [
        "",
        f"Median graded CPU per submission: {statistics.median(cpus):.1f} s (goal {GOAL_CPU_S:g} s); "
        f"median overhead beyond the notebook's own run: {statistics.median(overheads):+.1f} s "
        f"(goal {GOAL_OVERHEAD_S:g} s).",
        f"A class of {CLASS} x nine notebooks: {per_student * CLASS / 3600:.1f} CPU hours, "
        f"{per_student * CLASS / 3600 / 2:.1f} h on 2 cores, {per_student * CLASS / 3600 / 4:.1f} h on two "
        "such machines (a Dask cluster, before the scheduler's own cost)"
        + ("" if len(rows) == len(ALL) else f" (extrapolated from {len(rows)} of the nine notebooks)") + ".",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="+", default=list(ALL))
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if not cpuacct.available():
        print("error: needs root and a cgroup-v1 cpuacct hierarchy at /sys/fs/cgroup/cpuacct", file=sys.stderr)
        return 2
    from coursework.config import GRADING_ENV, HEADLESS_ENV

    # the own runs' kernels inherit this environment, as a graded kernel's
    os.environ.update({GRADING_ENV: "1", HEADLESS_ENV: "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2"})
    rows = []
    with cpuacct.accounted() as usage, tempfile.TemporaryDirectory() as tmp:
        for prefix in args.notebooks:
            rows.append(measure(prefix, args.students, args.jobs, usage, Path(tmp)))
            print(report(rows, args.jobs).splitlines()[-4], flush=True)
    print(report(rows, args.jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
