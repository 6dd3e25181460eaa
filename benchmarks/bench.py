"""Benchmark the course's training workloads against the lecture code.

    python benchmarks/bench.py                 # 1 seed, prints the table
    python benchmarks/bench.py --seeds 3 --write benchmarks/results.md

Four workloads (notebooks 01, 03, 04, 05, in ``workloads.py``), each in two
variants:

* ``reference``: the lecture code as written in ``shared/lectures`` with only
  the changes Keras 3 needs (50 one-epoch ``fit`` + ``predict`` calls for 01;
  float64 arrays; the Python-loop multi-hot with ``np.zeros((n, 10000))``;
  default ``steps_per_execution``).
* ``course``: what the notebooks' main paths do, plain ``fit`` on NumPy
  arrays (same data, hyperparameters and architectures; see the comment on
  each function for the notebook cells it mirrors).  This is the headline.
* ``tuned`` (03, 04, 05; ``tuned.py``): the speed tricks the notebooks show
  in their optional sections (``tf.data`` with ``steps_per_execution``, the
  sparse first layer, one backend tensor), reported beside it.

Every (workload, variant, seed) runs in its own subprocess so that peak RSS
is that workload's alone; the reference and course runs of a workload follow
each other, so both see the same load on a shared machine.  Reported:
data-preparation seconds, training seconds (fit + evaluate), the arithmetic
floor (the run's multiply-adds divided by this machine's measured peak
float32 matmul rate, ``machine.py``), peak RSS of the process, accuracy.
Loading the raw dataset files is common to both variants and not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import machine  # noqa: E402  (benchmarks/machine.py)
from tuned import TUNED  # noqa: E402
from workloads import WORKLOADS, Clock  # noqa: E402

Result = dict[str, float]
VARIANTS = ("reference", "course", "tuned")
# Set by issue 15 for the code then on the notebooks' main paths (now ``tuned``);
# since issue 19 the headline is the plain main path, reported against them as it is.
TARGETS = "course <= 0.5x the lecture code in total, every workload <= 0.7x, IMDB training >= 3x faster"


def variants(workload: str) -> dict:
    """The workload's functions by variant: reference, course and, where there is one, tuned."""
    return {**WORKLOADS[workload], **({"tuned": TUNED[workload]} if workload in TUNED else {})}


def _worker(workload: str, variant: str, seed: int) -> Result:
    """Run one workload in this process and return its measurements."""
    import coursework

    coursework.seed_everything(seed)
    clock = Clock()
    accuracy, macs = variants(workload)[variant](clock)
    return {
        "prep_s": clock.seconds["prep"],
        "train_s": clock.seconds["train"],
        "peak_rss_mb": coursework.peak_rss_mb(),
        "accuracy": accuracy,
        "macs": float(macs),
    }


def _run_in_subprocess(workload: str, variant: str, seed: int) -> Result:
    command = [sys.executable, __file__, "--worker", workload, variant, str(seed)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{workload}/{variant} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _versions() -> str:
    import platform

    import keras

    backend = keras.backend.backend()
    versions = [f"Python {platform.python_version()}", f"Keras {keras.__version__}", f"NumPy {np.__version__}"]
    if backend == "tensorflow":
        import tensorflow as tf

        versions.append(f"TensorFlow {tf.__version__}")
    elif backend == "jax":
        import jax

        versions.append(f"JAX {jax.__version__} ({jax.devices()[0].platform})")
    return f"backend {backend}; " + ", ".join(versions)


def _mean(rows: list[Result], key: str) -> float:
    return float(np.mean([r[key] for r in rows]))


def _accuracy(rows: list[Result]) -> str:
    values = [r["accuracy"] for r in rows]
    return f"{np.mean(values):.4f}" + (f" ± {np.std(values):.4f}" if len(values) > 1 else "")


def _summary(rows: list[Result]) -> tuple[float, float, float, float]:
    """(total s, train s, peak RSS MB, accuracy) of one (workload, variant)."""
    total = _mean(rows, "prep_s") + _mean(rows, "train_s")
    return total, _mean(rows, "train_s"), max(r["peak_rss_mb"] for r in rows), _mean(rows, "accuracy")


def _table(selected: list[str], results: dict[tuple[str, str], list[Result]], peak: float) -> str:
    """The markdown report: one row per (workload, variant), then the ratios and the targets."""
    lines = ["| workload | variant | prep s | train s | total s | floor s | peak RSS MB | accuracy |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    ratios, totals, worst, seeds = [], {v: 0.0 for v in VARIANTS}, 0.0, 0
    for workload in selected:
        row = {}
        for variant in variants(workload):
            rows = results[workload, variant]
            seeds = len(rows)
            row[variant] = _summary(rows)
            totals[variant] += row[variant][0]
            lines.append(f"| {workload} | {variant} | {_mean(rows, 'prep_s'):.2f} | {_mean(rows, 'train_s'):.2f} | "
                         f"{row[variant][0]:.2f} | {_mean(rows, 'macs') / peak:.2g} | {row[variant][2]:.0f} | "
                         f"{_accuracy(rows)} |")
        (ct, ctrain, crss, cacc), (rt, rtrain, rrss, racc) = row["course"], row["reference"]
        worst = max(worst, ct / rt)
        tuned = f"{row['tuned'][0] / rt:.2f}" if "tuned" in row else "-"
        ratios.append(f"| {workload} | {ct / rt:.2f} | {rtrain / ctrain:.1f}x | {crss / rrss:.2f} | "
                      f"{cacc - racc:+.4f} | {tuned} |")
    overall = totals["course"] / totals["reference"]
    lines += ["", "Course (the plain main path) / reference: total time, training speed-up "
              "(reference train s / course train s), peak memory, accuracy difference; and the tuned "
              "variant's total time / reference:", "",
              "| workload | time | training speed-up | peak RSS | accuracy | tuned time |",
              "| --- | ---: | ---: | ---: | ---: | ---: |",
              *ratios, f"| **all {len(selected)}** | **{overall:.2f}** | | | | |", "",
              f"Total: reference {totals['reference']:.1f} s, course {totals['course']:.1f} s, "
              f"tuned (where there is one) {totals['tuned']:.1f} s "
              f"(means over {seeds} seed{'s' if seeds > 1 else ''}; peak RSS is the maximum); "
              f"worst workload {worst:.2f}x.",
              f"Floor: multiply-adds of the run's forward and backward passes / {peak / 1e9:.1f} GMAC/s "
              "(best float32 2048x2048 NumPy matmul on this machine, measured before the runs)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=1, help="seeds per workload (accuracy mean ± std)")
    parser.add_argument("--only", nargs="*", help="workload prefixes, e.g. 03 04")
    parser.add_argument("--write", type=Path, help="also write the markdown report here")
    parser.add_argument("--worker", nargs=3, metavar=("WORKLOAD", "VARIANT", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        workload, variant, seed = args.worker
        print(json.dumps(_worker(workload, variant, int(seed))))
        return 0
    if "COURSEWORK_DATA" not in os.environ:
        print("note: COURSEWORK_DATA is unset; datasets are downloaded to ~/.coursework/datasets", file=sys.stderr)
    selected = [w for w in WORKLOADS if not args.only or any(w.startswith(p) for p in args.only)]
    peak = machine.peak_matmul_macs()
    results: dict[tuple[str, str], list[Result]] = {}
    for seed in range(42, 42 + args.seeds):
        for workload in selected:
            for variant in variants(workload):  # interleaved: all variants under the same load
                result = _run_in_subprocess(workload, variant, seed)
                results.setdefault((workload, variant), []).append(result)
                print(f"{workload:18s} {variant:9s} seed {seed}: "
                      + ", ".join(f"{k} {v:.4g}" for k, v in result.items()), flush=True)
    text = (f"Machine: {machine.describe(_versions())}\n\nTargets: {TARGETS}.\n\n"
            f"{_table(selected, results, peak)}\n")
    print("\n" + text)
    if args.write:
        command = f"python benchmarks/bench.py --seeds {args.seeds}" + (f" --only {' '.join(args.only)}" if args.only else "")
        args.write.write_text(f"# Benchmark: course vs lecture code\n\n`{command}`\n\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
