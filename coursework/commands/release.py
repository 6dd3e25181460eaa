"""Command line of ``python -m coursework release``: the student versions
(:func:`coursework.grading.distribution.student_versions.release`) or, with ``--bundle``, the
student course (:func:`coursework.grading.distribution.bundle.write_bundle`).

Options, messages and exit codes only; it sits above both modules, so
neither imports the other's command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..grading._course_dir import ReleaseError
from ..grading.distribution.student_versions import STUDENT_BUILD, release

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework release``.

    Returns 0 on success, 1 when nbgrader rejects a notebook, 2 for a usage
    error.
    """
    parser = argparse.ArgumentParser(
        prog="python -m coursework release",
        description="Generate the student versions of the notebooks with nbgrader (solutions stubbed, "
        "hidden tests removed, outputs cleared, Colab badges and setup cells pointing at the students' "
        "repository), or with --bundle the whole student course. The sources are not modified.",
    )
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebooks to release: file name, stem or prefix such as 02 (default: all)")
    parser.add_argument("--notebook-dir", default="notebooks", help="source notebooks (default: %(default)s)")
    parser.add_argument("--output", default=STUDENT_BUILD,
                        help="folder for the student versions (default: %(default)s)")
    parser.add_argument("--bundle", metavar="DIR",
                        help="write the self-contained student course to DIR (a new folder, or one a "
                        "previous --bundle wrote; its .git is kept) instead")
    parser.add_argument("--site", metavar="SITE", help="with --bundle: add the site built by "
                        "`python -m coursework site SITE` to the course as site/")
    args = parser.parse_args(argv)
    if args.site and not args.bundle:
        parser.error("--site adds the site to the student course: pass --bundle DIR too")
    try:
        if args.bundle:
            from ..grading.distribution.bundle import write_bundle

            written = write_bundle(args.bundle, notebook_dir=args.notebook_dir, notebooks=args.notebooks or None)
            if args.site:
                from ..site.publish import add_to_course

                written += add_to_course(args.site, args.bundle)
            print(f"wrote the student course to {args.bundle}: {len(written)} files; publish it as the "
                  "students' repository (see docs/instructors.md, 'Distribution')")
            return 0
        written = release(args.notebooks or None, notebook_dir=args.notebook_dir, output_dir=args.output)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0
