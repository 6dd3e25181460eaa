"""Stage 1, collect: find each student's file for each notebook, and read it.

``SUBMISSIONS_DIR`` holds one folder per student with that student's
notebooks: ``<student>/<notebook>.ipynb``.  nbgrader's own layout
``<student>/<assignment>/<notebook>.ipynb`` (the assignment is the
notebook's stem) works too, and so does a single file whose name contains
the notebook's stem, such as ``Copy of 02_softmax_cross_entropy.ipynb``.
Folders whose name starts with ``.`` or ``_`` are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._kernels import first_line

__all__ = ["Submission", "Unreadable", "student_folders", "find_submission", "collect", "read_submission"]


@dataclass(frozen=True)
class Submission:
    """One student's file for one notebook (``file`` None: not submitted;
    ``note``: the file was found under another name)."""

    index: int
    student: str
    notebook: str
    file: Path | None
    note: str | None = None


class Unreadable(ValueError):
    """A submission that is not a readable notebook (message: the reason)."""


def student_folders(submissions_dir: Path) -> list[Path]:
    """The student folders, sorted (``.``/``_`` folders are ignored)."""
    return sorted(p for p in submissions_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def find_submission(folder: Path, name: str) -> tuple[Path | None, str | None]:
    """The file of notebook ``name`` in a student's folder, and a note when
    it was found under another name."""
    stem = Path(name).stem
    for candidate in (folder / name, folder / stem / name):
        if candidate.is_file():
            return candidate, None
    others = [
        p
        for p in sorted(folder.glob("*.ipynb")) + sorted(folder.glob("*/*.ipynb"))
        if stem in p.name and ".ipynb_checkpoints" not in p.parts
    ]
    if len(others) == 1:
        return others[0], f"graded {others[0].relative_to(folder).as_posix()!r} as {name}"
    return None, None


def collect(folders: Sequence[Path], names: Sequence[str]) -> list[Submission]:
    """One :class:`Submission` per student folder and notebook name, sorted
    by student, then in the order of ``names``."""
    found = []
    for folder in sorted(folders, key=lambda p: p.name):
        for name in names:
            file, note = find_submission(folder, name)
            found.append(Submission(len(found), folder.name, name, file, note))
    return found


def read_submission(path: Path) -> Any:
    """Read a submitted notebook, filling in what a sloppy editor may have
    left out of a cell (metadata, outputs...).

    Raises
    ------
    Unreadable
        Not UTF-8, not JSON, not a notebook.
    """
    import nbformat
    from nbformat.reader import NotJSONError

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Unreadable("invalid notebook JSON: the file is not UTF-8 text") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except NotJSONError as exc:
        raise Unreadable(f"invalid notebook JSON: {first_line(str(exc), 200)}") from None
    except Exception as exc:  # ValidationError, NBFormatError, AttributeError...
        raise Unreadable(f"not a Jupyter notebook: {first_line(str(exc), 200) or type(exc).__name__}") from None
    if not isinstance(nb.get("cells"), list) or not all(isinstance(c, dict) for c in nb.cells):
        raise Unreadable("not a Jupyter notebook: no list of cells")
    for cell in nb.cells:
        cell.setdefault("metadata", nbformat.NotebookNode())
        cell.setdefault("source", "")
        cell.setdefault("cell_type", "code")
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    return nb


@dataclass(frozen=True)
class ClassFolder:
    """A class to grade: the source notebooks submitted (``{name: notebook}``,
    in course order), those without graded cells, the student folders and
    one :class:`Submission` per student and notebook."""

    sources: dict[str, Any]
    skipped: list[str]
    folders: list[Path]
    submissions: list[Submission]


def find_class(submissions_dir: str | Path, notebook_dir: str | Path, notebooks: Any) -> ClassFolder:
    """The class in ``submissions_dir`` for the source notebooks of
    ``notebook_dir`` (``notebooks``: names, stems or prefixes; None: every
    course notebook with graded cells that at least one student submitted).

    Raises
    ------
    FileNotFoundError
        ``submissions_dir`` or ``notebook_dir`` is missing.
    ValueError
        No student folder, no submitted course notebook, or a selector that
        matches nothing.
    ReleaseError
        A source notebook is unreadable.
    """
    from .assignments import read_sources

    submissions_dir = Path(submissions_dir)
    if not submissions_dir.is_dir():
        raise FileNotFoundError(f"Submissions folder {submissions_dir} does not exist.")
    requested = [notebooks] if isinstance(notebooks, str) else (None if notebooks is None else list(notebooks))
    sources, skipped = read_sources(notebook_dir, requested)
    folders = student_folders(submissions_dir)
    if not folders:
        raise ValueError(f"No student folders in {submissions_dir}: expected <student>/<notebook>.ipynb.")
    subs = collect(folders, list(sources))
    if requested is None:
        submitted = {s.notebook for s in subs if s.file is not None}
        sources = {name: nb for name, nb in sources.items() if name in submitted}
        if not sources:
            raise ValueError(f"No student folder in {submissions_dir} holds a course notebook with graded cells "
                             f"(looked for the names in {notebook_dir}).")
        subs = [s for s in subs if s.notebook in sources]
    return ClassFolder(sources, skipped, folders, subs)

