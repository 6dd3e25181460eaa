"""The benchmark's seed-sweep mode: trained numbers as distributions.

    python benchmarks/distribution.py                      # every notebook, 10 seeds
    python benchmarks/distribution.py --notebooks 03 05 --seeds 10
    python benchmarks/distribution.py --report             # only rewrite the table

Each notebook is executed headless (``coursework.runner``) once per seed,
with ``COURSEWORK_SEED`` overriding the seed it passes to
``coursework.seed_everything``.  Every numeric value it passes to
``coursework.record`` (nested dicts and lists of up to 12 items flattened
to ``a/b/0`` names) is kept, one value per seed, in
``coursework/measured/NN.json`` together with the CPU, its SIMD level and the
versions.  Notebooks quote these figures (``coursework.measured``), the
tests derive their thresholds from them (``tests/notebooks/thresholds.py``),
and the prose's claims (``coursework/claims.py``) are checked on every seed:
the sweep prints each claim's verdict, ``tests/test_claims.py`` enforces it.

The first seed's executed copy of each notebook stays in
``build/sweep/<notebook>/42/`` (for an editor to read the numbers the prose
sits next to); the other seeds' copies are deleted.

``--report`` (also done after every sweep) writes
``benchmarks/distributions.md``: mean, standard deviation, min and max of
every bounded metric, with the threshold the tests derive from it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import sys
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from coursework.config import SEED_ENV  # noqa: E402
from coursework.measured import MEASURED_DIR, measured, measured_notebook  # noqa: E402

FIRST_SEED = 42  # the notebooks' own seed comes first
MAX_LIST = 12
VERSIONED = ("tensorflow-cpu", "tensorflow", "keras", "numpy", "scikit-learn", "jax")
REPORT = REPO / "benchmarks" / "distributions.md"
KEPT = REPO / "build" / "sweep"  # the first seed's executed copy of each notebook, to read


def cpu_description() -> str:
    """CPU model and its widest SIMD level, e.g. ``"AMD EPYC 7B13 (AVX2)"``."""
    model, flags = platform.processor() or platform.machine(), ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key == "model name" and model in ("", platform.machine(), platform.processor()):
                model = value.strip()
            elif key in ("flags", "Features") and not flags:
                flags = value
    except OSError:
        pass
    words = set(flags.split())
    if "avx512f" in words:
        simd = "AVX-512"
    elif "avx2" in words:
        simd = "AVX2"
    elif words & {"asimd", "neon"} or platform.machine() in ("arm64", "aarch64"):
        simd = "NEON"
    else:
        simd = "SSE or unknown"
    return f"{model} ({simd})"


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def flatten(metrics: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, float]]:
    """Numeric leaves of a recorded-metrics dict as ``("a/b/0", value)``."""
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool) or key.startswith("_"):
            continue
        if isinstance(value, (int, float)):
            yield name, float(value)
        elif isinstance(value, dict):
            yield from flatten(value, f"{name}/")
        elif isinstance(value, list) and len(value) <= MAX_LIST:
            yield from flatten({str(i): v for i, v in enumerate(value)}, f"{name}/")


def sweep(notebook: Path, seeds: Sequence[int], workdir: Path) -> dict[str, Any]:
    """Execute one notebook once per seed; the measurement file's content."""
    from coursework.runner import run_notebook

    per_metric: dict[str, list[float | None]] = {}
    seconds = []
    for i, seed in enumerate(seeds):
        env = {SEED_ENV: str(seed)}
        run = run_notebook(notebook, output_dir=workdir / str(seed), timeout=900, env=env)
        if not run.ok:
            raise SystemExit(f"{notebook.name} failed with seed {seed}: {run.error}")
        if i > 0:  # the first seed's executed copy stays for reading (KEPT); the others go
            shutil.rmtree(workdir / str(seed), ignore_errors=True)
        seconds.append(round(run.seconds, 1))
        for name, value in flatten(run.metrics):
            per_metric.setdefault(name, [None] * i).append(value)
        for values in per_metric.values():  # a metric this seed did not record
            values.extend([None] * (i + 1 - len(values)))
        print(f"  {notebook.name} seed {seed}: {run.headline} ({run.seconds:.0f} s)", flush=True)
    return {
        "notebook": notebook.stem,
        "seeds": list(seeds),
        "machine": {"cpu": cpu_description(), "versions": versions()},
        "date": datetime.date.today().isoformat(),
        "seconds_per_run": seconds,
        "metrics": dict(sorted(per_metric.items())),
    }


def _dumps(data: dict[str, Any]) -> str:
    """JSON with one line per metric, so a diff shows which metric moved."""
    head = {k: v for k, v in data.items() if k != "metrics"}
    body = json.dumps(head, indent=1)[:-2]
    metrics = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in data["metrics"].items())
    return f"{body},\n \"metrics\": {{\n{metrics}\n }}\n}}\n"


def write_report(path: Path = REPORT) -> None:
    """The bounded metrics' figures and thresholds, as one Markdown table."""
    from tests.notebooks.thresholds import BOUNDS, bounds_for

    lines = [
        "# Trained numbers over seeds, and the thresholds the tests derive from them",
        "",
        "Written by `python benchmarks/distribution.py` (do not edit by hand).",
        "Each notebook was executed once per seed; the rule that turns a distribution",
        "into a threshold is in `tests/notebooks/thresholds.py`.",
        "",
        "| notebook | metric | n | mean | std | min | max | test bound | machine |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for (notebook, metric), _ in sorted(BOUNDS.items()):
        try:
            dist = measured(notebook, metric)
        except KeyError:
            lines.append(f"| {notebook} | `{metric}` | 0 | | | | | not measured | |")
            continue
        low, high = bounds_for(notebook, metric)
        bound = " and ".join(
            part for part in (f">= {low:.4g}" if low is not None else "",
                              f"<= {high:.4g}" if high is not None else "") if part
        )
        lines.append(
            f"| {notebook} | `{metric}` | {dist.n} | {dist.mean:.4f} | {dist.std:.4f} | "
            f"{dist.min:.4f} | {dist.max:.4f} | {bound} | {dist.machine} |"
        )
    lines += _memory_rows()
    versions_seen = sorted({json.dumps(json.loads(p.read_text())["machine"]["versions"], sort_keys=True)
                            for p in MEASURED_DIR.glob("*.json")})
    lines += ["", "Versions:", ""] + [f"- `{v}`" for v in versions_seen]
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path.relative_to(REPO)}")


def _memory_rows() -> list[str]:
    """Peak memory per notebook with the relative bound the tests derive."""
    from tests.notebooks.thresholds import JAX_ALLOWANCE_MB, LAPTOP_BUDGET_MB, MEMORY_MARGIN, memory_bound_mb

    rows = ["", f"Peak memory (MB): bound = max x {1 + MEMORY_MARGIN:g} (+ {JAX_ALLOWANCE_MB} where the sweep ran "
            f"without JAX); every bound must fit the laptop budget of {LAPTOP_BUDGET_MB} MB "
            "(`tests/test_thresholds.py` lists the notebooks that do not yet, and why).", "",
            "| notebook | n | min | max | test bound |", "| --- | ---: | ---: | ---: | ---: |"]
    for path in sorted(MEASURED_DIR.glob("*.json")):
        notebook = path.stem
        try:
            dist = measured(notebook, "peak_rss_mb")
        except KeyError:
            continue
        rows.append(f"| {notebook} | {dist.n} | {dist.min:.0f} | {dist.max:.0f} | "
                    f"<= {memory_bound_mb(notebook):.0f} |")
    return rows


def report_claims(prefix: str) -> None:
    """Say which of the notebook's claims (``coursework/claims.py``) the new sweep breaks."""
    from coursework.claims import claims_of, failing_seeds

    measured_notebook.cache_clear()  # read the file just written
    for claim in claims_of(prefix):
        failing = failing_seeds(claim)
        verdict = f"FAILS on seeds {failing}: rewrite the sentence" if failing else "holds on every seed"
        print(f"  claim {claim.name} ({claim.statement}): {verdict}", flush=True)


def chosen_notebooks(wanted: Sequence[str]) -> list[Path]:
    """The course notebooks named by ``wanted`` (prefixes such as ``"05"``), or all."""
    from coursework._notebook_files import find_notebooks  # the runner's own selection

    return find_notebooks(REPO / "notebooks", list(wanted) or None, pattern="[0-9][0-9]_*.ipynb")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="*", default=[], help="prefixes such as 03 (default: all)")
    parser.add_argument("--seeds", type=int, default=10, help="how many seeds (default 10)")
    parser.add_argument("--report", action="store_true", help="only rewrite distributions.md")
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error(f"--seeds must be at least 2 to give a spread. Got {args.seeds}.")
    if not args.report:
        chosen = chosen_notebooks(args.notebooks)
        seeds = [FIRST_SEED + i for i in range(args.seeds)]
        MEASURED_DIR.mkdir(exist_ok=True)
        for notebook in chosen:
            shutil.rmtree(KEPT / notebook.stem, ignore_errors=True)
            data = sweep(notebook, seeds, KEPT / notebook.stem)
            out = MEASURED_DIR / f"{notebook.name[:2]}.json"
            out.write_text(_dumps(data))
            print(f"wrote {out.relative_to(REPO)}", flush=True)
            report_claims(notebook.name[:2])
    os.chdir(REPO)
    write_report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
