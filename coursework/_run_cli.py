"""Command line of the course runner: ``python -m coursework run``.

The work is done by :func:`coursework.runner.run_course`; this module parses
the options and prints the progress lines and :func:`format_table`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .runner import DEFAULT_NOTEBOOK_TIMEOUT, DEFAULT_TIMEOUT, NotebookRun, run_course

__all__ = ["format_table", "add_arguments", "main"]


def format_table(runs: Sequence[NotebookRun]) -> str:
    """A markdown table of the runs, a total line, then the failures.

    Example output::

        | notebook | status | headline metric | seconds |
        |---|---|---|---:|
        | 01_intro.ipynb | ok | test_accuracy=0.8812 | 41.2 |
        | 02_mlp.ipynb | FAILED | - | 3.1 |

        Total: 2 notebooks, 1 ok, 1 failed, 44.3 s

        Failures:
        - 02_mlp.ipynb: cell 7: ValueError: ...
    """

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| notebook | status | headline metric | seconds |", "|---|---|---|---:|"]
    for run in runs:
        status = "ok" if run.ok else "FAILED"
        lines.append(f"| {cell(run.name)} | {status} | {cell(run.headline or '-')} | {run.seconds:.1f} |")
    failed = [run for run in runs if not run.ok]
    total = sum(run.seconds for run in runs)
    lines += [
        "",
        f"Total: {len(runs)} notebook{'' if len(runs) == 1 else 's'}, {len(runs) - len(failed)} ok, "
        f"{len(failed)} failed, {total:.1f} s",
    ]
    if failed:
        lines += ["", "Failures:"] + [f"- {run.name}: {run.error}" for run in failed]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``run`` subcommand's arguments to ``parser``."""
    parser.add_argument(
        "notebooks", nargs="*", metavar="NOTEBOOK",
        help="notebooks to run: file name, stem or prefix such as 01 (default: all)",
    )
    parser.add_argument("--notebook-dir", default="notebooks", help="folder of notebooks (default: %(default)s)")
    parser.add_argument(
        "--output-dir", default="build/executed",
        help="where executed copies, results and kernel logs go (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds one cell may run (default: %(default)g)"
    )
    parser.add_argument(
        "--notebook-timeout", type=float, default=DEFAULT_NOTEBOOK_TIMEOUT,
        help="seconds one notebook may run (default: %(default)g)",
    )
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel spec name (default: %(default)s)")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework run``.

    Prints one progress line per notebook, then :func:`format_table`.

    Returns
    -------
    int
        0 when every notebook ran cleanly, 1 when one failed, 2 for a usage
        error (unknown notebook, missing folder, bad timeout).
    """
    parser = argparse.ArgumentParser(
        prog="python -m coursework run",
        description="Execute the course notebooks headless and print a results table.",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        runs = run_course(
            args.notebooks or None,
            notebook_dir=args.notebook_dir,
            output_dir=args.output_dir,
            timeout=args.timeout,
            notebook_timeout=args.notebook_timeout,
            kernel_name=args.kernel,
            echo=lambda line: print(line, flush=True),
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print()
    print(format_table(runs))
    return 0 if all(run.ok for run in runs) else 1
