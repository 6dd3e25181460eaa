"""Generate the student versions of the course notebooks with nbgrader.

The notebooks in ``notebooks/`` are the instructor's *source*: solutions
between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and hidden tests
between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``.  This module
runs nbgrader's ``generate_assignment`` on each of them in a temporary course
directory (one assignment per notebook, named by its stem) and writes the
student versions, flat, to an output folder (``student/`` by default)::

    python -m coursework release                 # every notebook -> student/
    python -m coursework release 02 04           # just these two
    python -m coursework release --output /tmp/x # elsewhere
    python -m coursework release --check         # exit 1 if student/ is stale

The student version has

* each solution region replaced by nbgrader's stub
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()``;
* the hidden tests removed (nbgrader keeps them in its gradebook; the
  ``grade`` command restores them when autograding);
* every output cleared;
* nbgrader's cell metadata (``grade_id``, points, ``locked``, a checksum of
  each graded cell) kept, as ``autograde`` needs it;
* the "Open in Colab" badge pointing at ``student/<name>`` instead of
  ``notebooks/<name>``.  The setup cell's ``sys.path.insert(0,
  str(Path.cwd().parent))`` still finds the package from ``student/``,
  because ``student/`` is a top-level folder like ``notebooks/``.

The sources are never edited.

Decision: the student versions are committed
--------------------------------------------
``student/`` is committed to the repository, because a Colab badge can only
open a file that is in the repository.  To keep it from going stale,
``tests/grading/test_release.py`` regenerates every student version into a
temporary folder and checks the committed files are byte-identical (and
``--check`` does the same from the command line).  After editing a source
notebook, run ``python -m coursework release`` and commit ``student/``
together with ``notebooks/``.

The output is deterministic: nbgrader's checksums are MD5s of the cell
contents, cell ids are the source's, and files are written with
``nbformat.write`` (nbformat's default indentation, sorted keys), so running
the command twice gives identical bytes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ._course_dir import (
    NOTEBOOK_PATTERN,
    STUDENT_FOLDER,
    ReleaseError,
    generate_assignments,
    select_notebooks,
)

__all__ = ["release", "outdated_release", "main"]


def _normalise(nb) -> None:
    """Remove what could differ between two runs or machines (execution
    timestamps left by nbclient; nbgrader clears outputs itself)."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def _generate(sources: Sequence[Path], output_dir: Path, badge_folder: str) -> list[Path]:
    import nbformat

    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="coursework-release-") as tmp:
        for notebook in generate_assignments(sources, Path(tmp), badge_folder=badge_folder):
            nb = nbformat.read(notebook.release, as_version=4)
            _normalise(nb)
            target = output_dir / notebook.name
            nbformat.write(nb, target)
            written.append(target)
    return written


def release(
    notebooks: Iterable[str] | str | None = None,
    *,
    notebook_dir: str | os.PathLike[str] = "notebooks",
    output_dir: str | os.PathLike[str] = STUDENT_FOLDER,
    badge_folder: str = STUDENT_FOLDER,
) -> list[Path]:
    """Write the student version of each source notebook to ``output_dir``.

    Parameters
    ----------
    notebooks : str or iterable of str, optional
        Subset, each a file name, stem or prefix (``"02"``).  By default every
        ``NN_*.ipynb`` in ``notebook_dir``.  Nothing else in ``output_dir``
        is touched (a student version whose source was deleted stays:
        :func:`outdated_release` reports it).
    notebook_dir : path-like, default "notebooks"
        The source notebooks (read only).
    output_dir : path-like, default "student"
        Where the student versions go, flat: ``<output_dir>/<name>``.
    badge_folder : str, default "student"
        Repository folder the rewritten Colab badges point at (where the
        student versions are committed).

    Returns
    -------
    list of Path
        The files written, in notebook order.

    Raises
    ------
    FileNotFoundError, ValueError
        Missing folder, no notebooks, or a selector that matches nothing.
    ReleaseError
        nbgrader rejected a source notebook (the message says why).

    Examples
    --------
    >>> release(["02"], output_dir="/tmp/student")  # doctest: +SKIP
    [PosixPath('/tmp/student/02_softmax_cross_entropy.ipynb')]
    """
    if isinstance(notebooks, str):
        notebooks = [notebooks]
    sources = select_notebooks(notebook_dir, notebooks)
    output_dir = Path(output_dir)
    if any(output_dir.resolve() == p.parent.resolve() for p in sources):
        raise ValueError(
            f"output_dir={str(output_dir)!r} is the source folder: the student versions "
            f"would overwrite the sources. Pass another folder, e.g. {STUDENT_FOLDER!r}."
        )
    return _generate(sources, output_dir, badge_folder)


def outdated_release(
    *,
    notebook_dir: str | os.PathLike[str] = "notebooks",
    student_dir: str | os.PathLike[str] = STUDENT_FOLDER,
) -> list[str]:
    """Problems that make the committed student versions differ from a fresh
    :func:`release`: one line per stale, missing or extra file (empty when
    ``student_dir`` is up to date)."""
    student_dir = Path(student_dir)
    with tempfile.TemporaryDirectory(prefix="coursework-release-check-") as tmp:
        fresh = {p.name: p.read_bytes() for p in release(notebook_dir=notebook_dir, output_dir=tmp)}
    committed = {p.name: p.read_bytes() for p in sorted(student_dir.glob("*.ipynb"))}
    problems = []
    for name in sorted(fresh.keys() | committed.keys()):
        if name not in committed:
            problems.append(f"{student_dir / name}: missing")
        elif name not in fresh:
            problems.append(f"{student_dir / name}: no source notebook any more")
        elif fresh[name] != committed[name]:
            problems.append(f"{student_dir / name}: out of date")
    return problems


# --------------------------------------------------------------------------
# command line: python -m coursework release


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework release``.

    Returns 0 on success, 1 when ``--check`` finds stale files or nbgrader
    rejects a notebook, 2 for a usage error.
    """
    parser = argparse.ArgumentParser(
        prog="python -m coursework release",
        description="Generate the student versions of the notebooks with nbgrader "
        "(solutions stubbed, hidden tests removed, outputs cleared, Colab badges "
        "pointing at the student versions). The sources are not modified.",
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebooks to release: file name, stem or prefix such as 02 (default: all)",
    )
    parser.add_argument(
        "--notebook-dir", default="notebooks", help="source notebooks (default: %(default)s)"
    )
    parser.add_argument(
        "--output", default=STUDENT_FOLDER, help="folder for the student versions (default: %(default)s)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the student versions in --output are not up to date",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            if args.notebooks:
                parser.error("--check compares every notebook; do not name notebooks")
            problems = outdated_release(notebook_dir=args.notebook_dir, student_dir=args.output)
            for line in problems:
                print(line)
            if problems:
                print("Run `python -m coursework release` and commit the result.")
                return 1
            print(f"{args.output}: up to date")
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
    names = {p.name for p in written}
    if not args.notebooks:
        for extra in sorted(Path(args.output).glob(NOTEBOOK_PATTERN)):
            if extra.name not in names:
                print(f"note: {extra} has no source notebook any more; delete it if it is stale")
    return 0
