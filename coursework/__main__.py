"""Command line: ``python -m coursework COMMAND [options]``.

Each subcommand lives in its own module, which provides
``main(argv: Sequence[str] | None) -> int`` parsing its own options (so
``python -m coursework run --help`` shows them).  The module is imported only
when its subcommand is used, so ``run`` does not pay for ``grade``'s imports.

To add a subcommand, add one line to :data:`SUBCOMMANDS`::

    "grade": ("coursework.grading.cli", "grade submitted notebooks"),
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["SUBCOMMANDS", "main"]

#: Subcommand name -> (module with ``main(argv) -> int``, one-line help).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("coursework._run_cli", "execute every notebook headless and print a results table"),
    "release": ("coursework.grading.release", "write the student versions or the student course (nbgrader)"),
    "grade": ("coursework.grading.cli", "autograde students' notebooks into a CSV gradebook"),
    "similarity": ("coursework.similarity.cli", "point out unusually similar answer cells (HTML report)"),
    "check": ("coursework.grading.check", "check your notebook as the grader will, with the visible tests"),
    "export": ("coursework.lms.cli", "write a gradebook for Canvas, Moodle or as a wide CSV"),
    "site": ("coursework.site.cli", "build the course site (the lessons executed, as HTML) from the student versions"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m coursework",
        description="Tools for the Keras course. "
        "Run `python -m coursework COMMAND --help` for a command's options.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in SUBCOMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a subcommand; returns its exit status.

    With no arguments prints the help and returns 2.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if not argv:
        parser.print_help(sys.stderr)
        return 2
    if argv[0] in SUBCOMMANDS:
        try:
            module = importlib.import_module(SUBCOMMANDS[argv[0]][0])
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("coursework."):
                raise
            print(f"error: `{argv[0]}` is not part of this copy of the course "
                  f"({exc.name} is missing).", file=sys.stderr)
            return 2
        return int(module.main(argv[1:]))
    parser.parse_args(argv)  # -h exits 0; an unknown command exits 2 with a message
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
