"""Command line: ``python -m coursework similarity SUBMISSIONS_DIR``.

::

    python -m coursework similarity submissions/ --report build/similarity.html
    python -m coursework similarity submissions/ --notebooks 02 09 --min-score 0.6

Exit status: 0 when the report was written (flagged pairs or not), 1 when
nbgrader could not generate a released notebook, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..grading import ReleaseError
from .compare import Rule, compare_class
from .load import load_class
from .report import write_report

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    default = Rule()
    parser = argparse.ArgumentParser(
        prog="python -m coursework similarity",
        description="Point out pairs of students whose answer cells are unusually similar (token fingerprints "
        "as MOSS, the released starter code set aside) in an HTML report. The report points; you judge.",
    )
    add = parser.add_argument
    add("submissions", metavar="SUBMISSIONS_DIR", help="folder of <student>/<notebook>.ipynb")
    add("--report", default="build/similarity.html", help="HTML report to write (default: %(default)s)")
    add("--notebooks", nargs="+", metavar="NOTEBOOK",
        help="notebooks to compare (name, stem or prefix such as 02; default: every course notebook submitted)")
    add("--notebook-dir", default="notebooks", help="source notebooks (default: %(default)s)")
    add("--min-score", type=float, default=default.min_score,
        help="lowest score (0-1) a flagged pair may have (default: %(default)g)")
    add("--min-shared", type=int, default=default.min_shared,
        help="fewest fingerprints a flagged pair shares (default: %(default)s)")
    add("--top", type=int, default=10,
        help="pairs listed per notebook, besides the flagged ones (default: %(default)s)")
    add("--show", type=int, default=50,
        help="flagged pairs shown side by side per notebook (default: %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework similarity`` (see the module doc)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.top < 1 or args.show < 0:
        parser.error(f"--top must be >= 1 and --show >= 0. Got {args.top} and {args.show} instead.")
    try:
        rule = Rule(min_score=args.min_score, min_shared=args.min_shared)
        classes = load_class(args.submissions, notebooks=args.notebooks, notebook_dir=args.notebook_dir)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    results = [compare_class(c.notebook, c.answers, c.stubs, rule=rule) for c in classes]
    path = write_report(results, args.report, {c.notebook: c.unreadable for c in classes}, top=args.top, show=args.show)
    for r in results:
        names = "; ".join(f"{p.a} & {p.b} ({p.score:.2f})" for p in r.flagged[:5]) or "none"
        more = f" and {len(r.flagged) - 5} more" if len(r.flagged) > 5 else ""
        print(f"{r.notebook}: {len(r.students)} students compared, flagged pairs: {names}{more}")
    print(f"Report: {path} (it points; you judge)")
    return 0
