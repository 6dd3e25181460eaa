"""Finding and matching notebook names, once for every command.

Two rules, used by the course runner, ``release``, ``grade``, ``check``,
``export`` and the gradebook's :meth:`~coursework.grading.model.ClassGrades.result`:

* a **selector** (what a user types: ``"01"``, ``"01_intro"``,
  ``"01_intro.ipynb"``, ``"notebooks/01_intro.ipynb"``) picks the notebooks
  whose file name it is, whose stem it is, or whose name starts with it
  (:func:`selects`, :func:`match_notebooks`, :func:`find_notebooks`);
* a student's **copy** of a course notebook is a file whose name holds the
  notebook's stem (``"Copy of 03_pima_diabetes.ipynb"``) (:func:`holds_stem`,
  :func:`copies_of`, :func:`notebook_of`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = [
    "NOTEBOOK_PATTERN",
    "selects",
    "match_notebooks",
    "find_notebooks",
    "holds_stem",
    "copies_of",
    "notebook_of",
]

#: The course notebooks inside ``notebooks/``: ``01_linear_classification.ipynb``...
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"


def selects(selector: str, name: str) -> bool:
    """Whether ``selector`` names the notebook file ``name``: its file name,
    stem or a prefix of its name (a folder in front is ignored; ``""``
    names nothing)."""
    key = Path(str(selector)).name
    return key in (name, Path(name).stem) or bool(key and name.startswith(key))


def match_notebooks(available: Sequence[Path], wanted: Iterable[str], notebook_dir: Path) -> list[Path]:
    """Notebooks (in ``available``'s order) that any of ``wanted`` selects
    (:func:`selects`).

    Raises
    ------
    ValueError
        If an item matches nothing (the message lists what is available).
    """
    chosen: set[Path] = set()
    for selector in wanted:
        matches = [p for p in available if selects(selector, p.name)]
        if not matches:
            names = ", ".join(p.name for p in available) or "(none)"
            raise ValueError(
                f"No notebook in {notebook_dir} matches {selector!r}. "
                f"Pass a file name, stem or prefix such as '01'. Available: {names}"
            )
        chosen.update(matches)
    return [p for p in available if p in chosen]


def find_notebooks(
    notebook_dir: str | os.PathLike[str],
    wanted: Iterable[str] | str | None = None,
    *,
    pattern: str = "*.ipynb",
    option: str = "--notebook-dir",
) -> list[Path]:
    """The notebooks in ``notebook_dir`` matching ``pattern`` (sorted), or
    those of them that ``wanted`` names (see :func:`match_notebooks`).

    Raises
    ------
    FileNotFoundError
        If ``notebook_dir`` is not a folder (the message names ``option``).
    ValueError
        If the folder holds no such notebook, or an item matches none.
    """
    notebook_dir = Path(notebook_dir)
    if not notebook_dir.is_dir():
        raise FileNotFoundError(
            f"Notebook folder {notebook_dir} does not exist. Pass {option} or run from the repository root."
        )
    available = sorted(notebook_dir.glob(pattern))
    if not available:
        raise ValueError(f"No {pattern} notebooks in {notebook_dir}.")
    if wanted is None:
        return available
    if isinstance(wanted, str):
        wanted = [wanted]
    return match_notebooks(available, wanted, notebook_dir)


def holds_stem(file_name: str, notebook: str) -> bool:
    """Whether ``file_name`` holds the stem of the notebook file ``notebook``
    (``"Copy of 03_x.ipynb"`` holds ``"03_x.ipynb"``'s)."""
    return Path(notebook).stem in file_name


def copies_of(notebook: str, files: Iterable[Path]) -> list[Path]:
    """The ``files`` (in their order) whose names hold ``notebook``'s stem,
    leaving out Jupyter's ``.ipynb_checkpoints`` folders."""
    return [p for p in files if holds_stem(p.name, notebook) and ".ipynb_checkpoints" not in p.parts]


def notebook_of(file_name: str, notebooks: Iterable[Path]) -> Path | None:
    """The notebook whose stem ``file_name`` holds (the longest such stem;
    None when none does)."""
    matches = [p for p in notebooks if holds_stem(file_name, p.name)]
    return max(matches, key=lambda p: len(p.stem)) if matches else None
