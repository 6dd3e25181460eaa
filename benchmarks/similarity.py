"""Benchmark the similarity report on a large synthetic class.

    python benchmarks/similarity.py                  # 300 students, notebook 02
    python benchmarks/similarity.py --students 600

Writes ``--students`` submissions of notebook 02 (the synthetic answers of
``tests/similarity/synthetic.py``, each with its variables renamed at
random: a class far more alike than a real one, so many pairs share
fingerprints, the comparison's worst case), then times each stage of
``python -m coursework similarity``: loading (nbgrader's released notebook
and reading every submission), comparing, writing the report, and the
whole command.  The goal (issue 23): 300 submissions in under a minute.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import machine  # noqa: E402  (benchmarks/machine.py)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    args = parser.parse_args()

    from coursework.grading import release
    from coursework.similarity.compare import compare_class
    from coursework.similarity.load import load_class
    from coursework.similarity.report import write_report
    from tests.similarity import synthetic

    notebooks = HERE.parent / "notebooks"
    with tempfile.TemporaryDirectory(prefix="bench-similarity-") as tmp:
        root = Path(tmp)
        (released,) = release(["02"], notebook_dir=notebooks, output_dir=root / "student")
        synthetic.write_class(root / "class", synthetic.read(released), synthetic.large_class(args.students))
        start = time.perf_counter()
        (klass,) = load_class(root / "class", notebook_dir=notebooks)
        loaded = time.perf_counter()
        result = compare_class(klass.notebook, klass.answers, klass.stubs)
        compared = time.perf_counter()
        write_report([result], root / "similarity.html")
        done = time.perf_counter()
    print(f"Machine: {machine.cpu_model()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"{args.students} submissions of {klass.notebook}: {len(result.pairs)} of {result.n_pairs} pairs share "
          f"fingerprints, {len(result.flagged)} flagged")
    print(f"load (generate_assignment + read): {loaded - start:6.2f} s")
    print(f"compare:                           {compared - loaded:6.2f} s")
    print(f"report:                            {done - compared:6.2f} s")
    print(f"total:                             {done - start:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
