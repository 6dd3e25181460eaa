"""The student's self-check: grade one notebook exactly as ``grade`` does,
with the visible tests only.

::

    python -m coursework check 03                       # notebooks/03_*.ipynb (or ./03_*.ipynb)
    python -m coursework check "Copy of 03_pima_diabetes.ipynb"

"All my tests passed, then I got a lower grade" must be impossible, so the
check *is* the grader: :func:`check_submission` calls
:func:`~coursework.grading.grade_submissions` (the same collect, repair,
judge, sandbox, grading mode, limits and scoring code) on the student's
file, with an assignment built from the **released** notebook instead of the
instructor's source.  The released notebook is all a student has: no
solution and no hidden test.  :func:`template_source` turns it back into a
source notebook by wrapping each answer stub in nbgrader's solution
delimiters, so nbgrader's ``generate_assignment`` gives back the released
notebook exactly (same stubs, same locked test cells, same checksums), and
its gradebook holds the visible tests alone.  A visible test that fails here
fails under ``grade`` with the same reason; one that passes here can still
fail there on a hidden test.

The released notebooks come from ``coursework/grading/templates/`` (the
student course ships them there, see :mod:`~coursework.grading.bundle`), or,
in the instructor's checkout, from releasing ``notebooks/`` on the fly.
Without bubblewrap (macOS, Colab, a locked-down Linux) the kernel runs
unsandboxed, with a note: it is the student's own code on their own machine.
In a notebook, :func:`check_notebook` checks the saved copy (Jupyter) or the
live notebook (Colab).  Student-facing limits: the student README, written
by :mod:`~coursework.grading.bundle`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._kernels import package_root
from ..config import DATA_ENV
from ._course_dir import CODE_STUB, NOTEBOOK_PATTERN
from .cells import is_answer
from .model import SubmissionGrade

__all__ = ["TEMPLATES", "Check", "template_source", "grade_visible", "check_submission", "format_check", "main"]

#: Where the student course keeps the released notebooks the check starts from.
TEMPLATES = Path(__file__).resolve().parent / "templates"
_STUDENT = "you"


@dataclass(frozen=True)
class Check:
    """What :func:`check_submission` found.

    ``grade``: the grade with the visible tests only (points and the
    gradebook's reasons); ``file``: the file checked; ``sandboxed``: whether
    the kernel ran in the sandbox (``note`` says why not).
    """

    grade: SubmissionGrade
    file: Path
    sandboxed: bool
    note: str = ""

    @property
    def passed(self) -> bool:
        """Every visible test passed."""
        return self.grade.status == "ok" and self.grade.total == self.grade.max_total


def template_source(released: Any) -> Any:
    """A source notebook that nbgrader releases back into ``released`` (in
    place; returns it): every answer stub wrapped in nbgrader's solution
    delimiters.  It holds no solution and no hidden test."""
    from nbgrader.preprocessors import ClearSolutions

    clear = ClearSolutions()
    begin, end = clear.begin_solution_delimeter, clear.end_solution_delimeter
    stub = CODE_STUB.split("\n")
    for cell in released.cells:
        if not is_answer(cell) or cell.cell_type != "code":
            continue
        lines, out, i = cell.source.split("\n"), [], 0
        while i < len(lines):
            indent = re.match(r"\s*", lines[i]).group(0)
            if lines[i:i + len(stub)] == [indent + s for s in stub]:
                out += [f"{indent}### {begin}", *lines[i:i + len(stub)], f"{indent}### {end}"]
                i += len(stub)
            else:
                out.append(lines[i])
                i += 1
        cell.source = "\n".join(out)
    return released


def _match(file: Path, folder: Path) -> Path:
    """The course notebook in ``folder`` whose stem the file's name holds (the longest)."""
    available = sorted(folder.glob(NOTEBOOK_PATTERN))
    matches = [p for p in available if p.stem in file.name]
    if not matches:
        names = ", ".join(p.name for p in available) or f"(none in {folder})"
        raise ValueError(f"{file.name} is not a course notebook: its name must contain one of {names}.")
    return max(matches, key=lambda p: len(p.stem))


def _template(file: Path, templates: Path | None, tmp: Path) -> Path:
    """The released notebook ``file`` is a copy of: from ``templates``, the
    packaged templates, or the instructor's ``notebooks/`` released now."""
    folder = templates or (TEMPLATES if TEMPLATES.is_dir() else None)
    if folder is not None:
        return _match(file, folder)
    root = package_root()
    if root is None or not (root / "notebooks").is_dir():
        raise FileNotFoundError(
            f"This copy of the course has no released notebooks to check against (expected in {TEMPLATES}). "
            "Reinstall the course package from the students' repository."
        )
    from .release import release

    (released,) = release([_match(file, root / "notebooks").name], notebook_dir=root / "notebooks",
                          output_dir=tmp / "released")
    return released


def _data_env() -> dict[str, str]:
    """The datasets a student downloaded, as the sandbox's read-only mirror
    (the sandbox has no network)."""
    from ..datasets import DEFAULT_CACHE

    cache = DEFAULT_CACHE.expanduser()
    return {DATA_ENV: str(cache)} if not os.environ.get(DATA_ENV) and cache.is_dir() else {}


def grade_visible(
    submissions_dir: str | os.PathLike[str], released_dir: str | os.PathLike[str], *,
    notebooks: Sequence[str] | None = None, **options: Any,
) -> Any:
    """:func:`~coursework.grading.grade_submissions` on ``submissions_dir``
    with the visible tests only: the assignments are built from the released
    notebooks in ``released_dir`` (through :func:`template_source`);
    ``options`` are ``grade_submissions``'s.  Returns its ``ClassGrades``."""
    import nbformat

    from .grade import grade_submissions

    with tempfile.TemporaryDirectory(prefix="coursework-check-") as tmp:
        for released in sorted(Path(released_dir).glob(NOTEBOOK_PATTERN)):
            nbformat.write(template_source(nbformat.read(released, as_version=4)), Path(tmp) / released.name)
        return grade_submissions(submissions_dir, notebooks=notebooks, notebook_dir=tmp, **options)


def check_submission(
    file: str | os.PathLike[str], *, templates: str | os.PathLike[str] | None = None, sandbox: bool | None = None,
) -> Check:
    """Grade ``file`` as ``grade`` would, with the visible tests only.

    Parameters
    ----------
    file : path-like
        The student's notebook; its name must contain the course notebook's
        stem (``Copy of 03_pima_diabetes.ipynb`` works).
    templates : path-like, optional
        Folder of the released notebooks (default: the packaged ones, else
        the instructor's ``notebooks/`` released now).
    sandbox : bool, optional
        None (default): in the sandbox when bubblewrap works here, else
        without it (:attr:`Check.note` says so); True: only in the sandbox.

    Raises
    ------
    FileNotFoundError, ValueError
        No such file, or not a course notebook.
    SandboxUnavailable
        ``sandbox=True`` and bubblewrap cannot run here.
    """
    from .sandbox import SandboxUnavailable

    file = Path(file)
    if not file.is_file():
        raise FileNotFoundError(f"No notebook {file}: pass the path of your .ipynb file, or its number (03).")
    with tempfile.TemporaryDirectory(prefix="coursework-check-") as tmp:
        template = _template(file, Path(templates) if templates else None, Path(tmp))
        released_dir, name = template.parent, template.name
        (Path(tmp) / "subs" / _STUDENT).mkdir(parents=True)
        (Path(tmp) / "subs" / _STUDENT / name).write_bytes(file.read_bytes())

        def run(sandboxed: bool) -> Any:
            return grade_visible(Path(tmp) / "subs", released_dir, notebooks=[name], graded_dir=None,
                                 sandbox=sandboxed, env=_data_env() if sandboxed else {}, echo=None)

        try:
            grades, sandboxed, note = run(sandbox is not False), sandbox is not False, ""
        except SandboxUnavailable as exc:
            if sandbox:
                raise
            grades, sandboxed = run(False), False
            note = (f"checked without the sandbox ({str(exc).split('. ')[0]}): your code ran as you, "
                    "with your files and network; the grader runs it in a sandbox without either")
    return Check(grades.results[0], file, sandboxed, note)


def format_check(check: Check) -> str:
    """What ``check`` prints: one line per exercise, then the verdict, e.g.
    ``visible tests: 2 of 3 exercises pass; the grader also runs hidden tests``."""
    g = check.grade
    lines = [f"{check.file.name}: {Path(g.notebook).stem}, graded as the grader does, with the visible tests only"]
    if check.note:
        lines.append(f"note: {check.note}")
    if g.problem:
        lines.append(f"  not graded: {g.problem}")
    width = max((len(gid) for gid in g.max_scores), default=0)
    for gid, top in g.max_scores.items():
        got = g.scores.get(gid) or 0.0
        verdict = "pass" if got == top else g.reasons.get(gid, "not graded" if g.problem else "failed")
        lines.append(f"  {gid:<{width}}  {got:g}/{top:g}  {verdict}")
    lines += [f"  note: {n}" for n in g.notes]
    passed = sum((g.scores.get(gid) or 0.0) == top for gid, top in g.max_scores.items())
    lines.append(f"visible tests: {passed} of {len(g.max_scores)} exercises pass ({g.total:g}/{g.max_total:g} "
                 "points if the hidden tests pass too); the grader also runs hidden tests, which this check "
                 "does not have")
    return "\n".join(lines)


def _student_file(selector: str, folder: str | None) -> Path:
    """A path, or the notebook a number, stem or name selects in ``folder``
    (default: ``notebooks/`` when it exists, else the current folder)."""
    from .._kernels import find_notebooks

    if Path(selector).is_file():
        return Path(selector)
    where = Path(folder) if folder else (Path("notebooks") if Path("notebooks").is_dir() else Path("."))
    found = find_notebooks(where, [selector], pattern=NOTEBOOK_PATTERN, option="--notebook-dir")
    if len(found) > 1:
        raise ValueError(f"{selector!r} matches {len(found)} notebooks in {where}: pass one file name.")
    return found[0]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework check``: 0 when every visible
    test passes, 1 when one fails, 2 for a usage error."""
    parser = argparse.ArgumentParser(
        prog="python -m coursework check",
        description="Check your notebook as the grader will: the same sandbox, grading mode, limits and "
        "scoring, with the visible tests only (the grader also runs hidden tests). Save the notebook first.",
    )
    parser.add_argument("notebook", metavar="NOTEBOOK", help="your .ipynb file, or its number such as 03")
    parser.add_argument("--notebook-dir", help="where to look for NOTEBOOK (default: notebooks/ or .)")
    args = parser.parse_args(argv)
    from .sandbox import SandboxUnavailable

    try:
        file = _student_file(args.notebook, args.notebook_dir)
        saved = time.strftime("%H:%M:%S", time.localtime(file.stat().st_mtime))
        print(f"checking {file} (saved at {saved}) ...", flush=True)
        check = check_submission(file)
    except (FileNotFoundError, ValueError, SandboxUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("nbgrader"):
            raise
        print("error: checking needs nbgrader: pip install 'nbgrader>=0.9.5,<0.10' (scripts/setup.sh installs it).",
              file=sys.stderr)
        return 2
    print(format_check(check))
    return 0 if check.passed else 1
