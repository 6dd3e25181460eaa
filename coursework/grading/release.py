"""Generate the student versions of the course notebooks with nbgrader.

The notebooks in ``notebooks/`` are the instructor's *source*: solution
regions and hidden tests between nbgrader's delimiters (see
``notebooks/README.md``, "Exercises"; the student course ships this module,
so it does not spell them).  This module
runs nbgrader's ``generate_assignment`` on each of them in a temporary course
directory (one assignment per notebook, named by its stem)::

    python -m coursework release                     # every notebook -> build/student/
    python -m coursework release 02 04 --output DIR  # just these two, elsewhere
    python -m coursework release --bundle ../course  # the student course to publish

The student version has

* each solution region replaced by the stub ``# YOUR CODE HERE`` /
  ``raise NotImplementedError("replace this line with your answer")``;
* the hidden tests removed (nbgrader keeps them in its gradebook; the
  ``grade`` command restores them when autograding);
* every output cleared;
* nbgrader's cell metadata (``grade_id``, points, ``locked``, a checksum of
  each graded cell) kept, as ``autograde`` needs it;
* the "Open in Colab" badge and the setup cell's ``pip install`` pointing at
  the students' repository (``coursework.config.STUDENT_REPOSITORY_URL``).

The sources are never edited.  The output is deterministic: nbgrader's
checksums are MD5s of the cell contents, cell ids are the source's, and
files are written with ``nbformat.write``, so running the command twice
gives identical bytes.  ``--bundle`` (:mod:`coursework.grading.bundle`)
writes the whole student course: see ``docs/instructors.md``,
"Distribution".
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .._kernels import find_notebooks
from ._course_dir import NOTEBOOK_PATTERN, ReleaseError, for_students, generate_assignments

__all__ = ["STUDENT_BUILD", "release", "main"]

#: Where ``release`` writes the student versions by default (not committed).
STUDENT_BUILD = "build/student"


def _normalise(nb) -> None:
    """Remove what could differ between two runs or machines (execution
    timestamps left by nbclient; nbgrader clears outputs itself)."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def release(
    notebooks: Iterable[str] | str | None = None,
    *,
    notebook_dir: str | os.PathLike[str] = "notebooks",
    output_dir: str | os.PathLike[str] = STUDENT_BUILD,
) -> list[Path]:
    """Write the student version of each source notebook to ``output_dir``.

    Parameters
    ----------
    notebooks : str or iterable of str, optional
        Subset, each a file name, stem or prefix (``"02"``).  By default every
        ``NN_*.ipynb`` in ``notebook_dir``.
    notebook_dir : path-like, default "notebooks"
        The source notebooks (read only, each read once).
    output_dir : path-like, default "build/student"
        Where the student versions go, flat: ``<output_dir>/<name>``.

    Returns
    -------
    list of Path
        The files written, in notebook order.

    Raises
    ------
    FileNotFoundError, ValueError
        Missing folder, no notebooks, a selector that matches nothing, or
        ``output_dir`` is the source folder.
    ReleaseError
        nbgrader rejected a source notebook (the message says why).
    """
    import nbformat

    sources = find_notebooks(notebook_dir, notebooks, pattern=NOTEBOOK_PATTERN)
    output_dir = Path(output_dir)
    if any(output_dir.resolve() == p.parent.resolve() for p in sources):
        raise ValueError(
            f"output_dir={str(output_dir)!r} is the source folder: the student versions would "
            f"overwrite the sources. Pass another folder, e.g. {STUDENT_BUILD!r}."
        )
    read = []
    for path in sources:
        try:
            read.append((path.name, for_students(nbformat.read(path, as_version=4))))
        except Exception as exc:  # invalid JSON, unknown nbformat...
            raise ReleaseError(f"Cannot read the source notebook {path}: {exc}") from exc
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="coursework-release-") as tmp:
        for notebook in generate_assignments(read, Path(tmp)):
            nb = nbformat.read(notebook.release, as_version=4)
            _normalise(nb)
            target = output_dir / notebook.name
            nbformat.write(nb, target)
            written.append(target)
    return written


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
            from .bundle import write_bundle

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
