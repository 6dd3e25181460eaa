"""Seconds each notebook's main path takes, from executed copies' cell timings.

    python -m coursework run                      # executed copies in build/executed/
    python benchmarks/main_path_time.py           # the table, from build/executed/
    python benchmarks/main_path_time.py build/executed-jax/*.ipynb

nbclient stamps every executed code cell with when its execution started
and when the kernel replied (``metadata.execution``); this script sums them
over the *main path* (every cell outside the optional sections, exercises
included: the definition of ``tests/test_density.py``) and over the optional
sections, so the figure is what a student waits for on the main path, the
kernel's start left out.  It runs nothing itself: time the notebooks with
the course runner on the backend and machine you want, then read them here.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

from tests.test_density import main_path  # noqa: E402  (the one definition of the main path)


def _seconds(cell: nbformat.NotebookNode) -> float:
    stamps = cell.get("metadata", {}).get("execution", {})
    start, end = stamps.get("iopub.execute_input"), stamps.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def split_seconds(path: Path) -> tuple[float, float]:
    """(main path, optional sections) seconds of an executed notebook."""
    cells = nbformat.read(path, as_version=4).cells
    main = {id(cell) for cell in main_path(cells)}
    code = [cell for cell in cells if cell.cell_type == "code"]
    on_main = sum(_seconds(cell) for cell in code if id(cell) in main)
    return on_main, sum(_seconds(cell) for cell in code) - on_main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        default=sorted((HERE.parent / "build" / "executed").glob("[0-9][0-9]_*.ipynb")))
    args = parser.parse_args(argv)
    if not args.notebooks:
        print("error: no executed notebooks (run `python -m coursework run` first)", file=sys.stderr)
        return 2
    print("| notebook | main path s | optional sections s |")
    print("| --- | ---: | ---: |")
    for path in args.notebooks:
        on_main, optional = split_seconds(path)
        print(f"| {path.name[:2]} | {on_main:.1f} | {optional:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
