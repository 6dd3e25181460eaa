"""Command line: ``python -m coursework grade SUBMISSIONS_DIR``.

::

    python -m coursework grade submissions/ --output gradebook.csv
    python -m coursework grade submissions/ --notebooks 02 04 --jobs 2 --memory 4
    python -m coursework grade submissions/ --feedback build/feedback   # one HTML file per student and notebook
    python -m coursework grade submissions/ --scheduler tcp://HOST:8786
    python -m coursework grade submissions/ --roster roster.csv --export canvas build/canvas.csv  # coursework/lms

Exit status: 0 when the gradebook was written (bad submissions included),
1 when nbgrader itself failed on a submission or a source notebook, 2 for a
usage error or when the sandbox is unavailable (the message says how to
install bubblewrap, or to pass ``--no-sandbox``), or when ``--scheduler``
cannot be used (Dask missing, scheduler unreachable, no workers).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..config import GRADING_ENV
from ..lms.cli import add_export_options, prepare_export
from ._course_dir import ReleaseError
from .cluster import ClusterUnavailable
from .grade import grade_submissions
from .report import format_summary, write_gradebook
from .sandbox import SandboxUnavailable
from .spec import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY, DEFAULT_TIMEOUT, GIB

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m coursework grade",
        description="Autograde students' notebooks with nbgrader, each kernel in a sandbox and in grading "
        f"mode ({GRADING_ENV}=1), and write a CSV gradebook.",
    )
    add = parser.add_argument
    add("submissions", metavar="SUBMISSIONS_DIR", help="folder of <student>/<notebook>.ipynb")
    add("--output", default="gradebook.csv", help="CSV gradebook to write (default: %(default)s)")
    add("--graded-dir", default="build/graded",
        help="where the executed notebooks and kernel logs go, <student>/<notebook>.ipynb "
        "(default: %(default)s); '' to keep none")
    add("--notebooks", nargs="+", metavar="NOTEBOOK",
        help="notebooks to grade (name, stem or prefix such as 02); students without one get a "
        "'missing notebook' row (default: every course notebook someone submitted)")
    add("--notebook-dir", default="notebooks", help="source notebooks (default: %(default)s)")
    add("--timeout", type=float, default=DEFAULT_TIMEOUT,
        help="seconds one submitted notebook may take in all (default: %(default)g)")
    add("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT,
        help="seconds one cell may run (default: %(default)s; nbgrader's own default is 30)")
    add("--memory", type=float, default=DEFAULT_MEMORY / GIB,
        help="GB of memory one kernel may use, all its processes together (default: %(default)g)")
    add("--jobs", type=int, default=1, help="submissions graded in parallel (default: 1)")
    add("--feedback", metavar="DIR",
        help="also write feedback for students, DIR/<student>/<notebook>.html: the points and the reason "
        "for every lost point on top, the student's outputs, no hidden test (see --show-hidden)")
    add("--show-hidden", action="store_true",
        help="show the hidden tests in the feedback files (by default they are left out)")
    add("--scheduler", metavar="ADDRESS",
        help="run the submissions on the workers of a Dask distributed cluster, e.g. tcp://HOST:8786 "
        "(needs the cluster extra: pip install 'coursework[cluster]'; excludes --jobs)")
    add("--no-sandbox", action="store_true",
        help="run the kernels without the bubblewrap sandbox (student code then runs with your "
        "privileges; the summary warns and every gradebook row says so)")
    add_export_options(parser)  # --export FORMAT PATH, --roster...: coursework/lms/cli.py
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework grade`` (see the module doc)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.show_hidden and not args.feedback:
        parser.error("--show-hidden only applies to feedback files: pass --feedback DIR too.")
    if args.feedback and not args.graded_dir:
        parser.error("--feedback renders the graded notebooks: pass a --graded-dir (not '').")
    export = prepare_export(parser, args)  # a bad roster fails now, not after grading
    try:
        grades = grade_submissions(
            args.submissions,
            notebooks=args.notebooks,
            notebook_dir=args.notebook_dir,
            graded_dir=args.graded_dir or None,
            timeout=args.timeout,
            cell_timeout=args.cell_timeout,
            memory=int(args.memory * GIB),
            jobs=args.jobs,
            sandbox=not args.no_sandbox,
            scheduler=args.scheduler,
            echo=lambda line: print(line, flush=True),
        )
    except (FileNotFoundError, ValueError, SandboxUnavailable, ClusterUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    path = write_gradebook(grades, args.output)
    print()
    print(format_summary(grades))
    print(f"Gradebook: {path}" + (f"; graded notebooks: {args.graded_dir}/" if args.graded_dir else ""))
    if args.feedback:
        from .feedback import write_feedback

        written = write_feedback(grades, args.feedback, show_hidden=args.show_hidden)
        hidden = "with the hidden tests (--show-hidden)" if args.show_hidden else "without the hidden tests"
        print(f"Feedback: {len(written)} files in {args.feedback}/, {hidden}")
    status = 1 if any(r.status == "error" for r in grades.results) else 0
    return max(status, export(grades)) if export else status
