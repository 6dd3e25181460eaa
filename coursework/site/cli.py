"""``python -m coursework site OUTPUT``: build the course site (see :mod:`coursework.site`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns 0 when built, 1 when Sphinx or a lesson failed, 2 for a usage error."""
    parser = argparse.ArgumentParser(
        prog="python -m coursework site",
        description="Build the course site (HTML, for GitHub Pages) from the student versions of the "
        "notebooks, executed. Executed outputs are cached by the notebooks' code: a rebuild after a "
        "prose edit takes seconds.",
    )
    parser.add_argument("output", help="folder for the built site, e.g. build/site (replaced)")
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="only these lessons: file name, stem or prefix such as 03 (default: all)")
    parser.add_argument("--grading-mode", action="store_true",
                        help="execute with COURSEWORK_GRADING=1 (less data, fewer epochs): a quick build "
                        "for checking the site's structure, not for publishing")
    parser.add_argument("--notebook-dir", default="notebooks", help="source notebooks (default: %(default)s)")
    parser.add_argument("--work", default="build/site-work",
                        help="sources, cached outputs and Sphinx's state (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        import myst_nb  # noqa: F401  (the engine: checked before any work)
        import sphinx_book_theme  # noqa: F401
    except ImportError as exc:
        print(f"error: the site needs the `site` extra ({exc.name} is missing): "
              "pip install -c ci/constraints.txt -e '.[site]'", file=sys.stderr)
        return 2
    from ..grading._course_dir import ReleaseError
    from .build import SiteBuildError, build_site

    try:
        built = build_site(args.output, grading_mode=args.grading_mode, notebook_dir=args.notebook_dir,
                           notebooks=args.notebooks or None, work=args.work)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (SiteBuildError, ReleaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from .audit import figures, undescribed

    missing = undescribed(built.output)
    print(f"figures: {len(figures(built.output))}, {len(missing)} without a text alternative"
          + "".join(f"\n  {figure.page}: {figure.src}" for figure in missing)
          + ("\n  (give them one with coursework.plotting.describe(fig, text): notebooks/README.md)"
             if missing else ""))
    mode = " (grading mode: fewer epochs, not for publishing)" if built.grading_mode else ""
    print(f"built the site of {len(built.lessons)} lessons in {built.output} in {built.seconds:.0f} s{mode}; "
          f"open {built.output / 'index.html'}")
    return 0
