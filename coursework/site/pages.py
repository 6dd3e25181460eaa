"""Stage 1 of the site: the Sphinx source folder, from the student versions.

:func:`write_sources` releases the student version of every notebook (in a
temporary folder, with :func:`coursework.grading.release.release`: never the
instructor's notebooks), prepares each for the site and writes::

    SOURCE/index.md                  the home page: the table of the lessons
    SOURCE/notebooks/NN_*.ipynb      one page per lesson (executed by myst-nb)
    SOURCE/conf.py                   Sphinx's settings (:mod:`.config`)

A file is rewritten only when its content changed, so Sphinx (which compares
modification times) re-reads only the pages that changed.

What the site's copy of a notebook changes (:func:`for_site`):

* the Colab badge, an image from colab.research.google.com (the site works
  offline), becomes two text links: "Open in Colab" and "Download the
  notebook", both into the students' repository;
* the cells that must not run on the site get nbclient's ``skip-execution``
  tag: the exercises' answer cells (their stub raises
  ``NotImplementedError``), the tests after them (they would fail on the
  stub) and the "Check your work" cell (it runs the grader).  They are shown
  as students get them, without an output and without a traceback.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import STUDENT_REPOSITORY_URL, colab_url

__all__ = ["Lesson", "SKIP_TAG", "download_url", "for_site", "lesson_table", "write_sources"]

#: nbclient's tag for a cell it does not execute.
SKIP_TAG = "skip-execution"
_BADGE = re.compile(r"\[!\[Open [Ii]n Colab\]\([^)]*\)\]\([^)]*\)")
_TITLE = re.compile(r"^#\s+(.+)$", re.M)
_README_ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*`notebooks/([^`]+)`\s*\|\s*(.+?)\s*\|\s*$", re.M)


@dataclass(frozen=True)
class Lesson:
    """One lesson page: its notebook file name, title and one-line summary."""

    name: str
    title: str
    summary: str

    @property
    def page(self) -> str:
        return f"notebooks/{self.name}"


def download_url(name: str, *, branch: str = "main") -> str:
    """The students' repository's download address of notebook ``name``."""
    return f"{STUDENT_REPOSITORY_URL.rstrip('/')}/raw/{branch}/notebooks/{name}"


def _links(name: str) -> str:
    return (f"[Open in Colab]({colab_url(f'notebooks/{name}', repository=STUDENT_REPOSITORY_URL)}) · "
            f"[Download the notebook]({download_url(name)})")


def _must_skip(cell: Any) -> bool:
    nbgrader = cell.metadata.get("nbgrader", {})
    return bool(nbgrader.get("solution") or nbgrader.get("grade")) or "check_notebook(" in cell.source


def for_site(nb: Any, name: str) -> Any:
    """The site's copy of the student notebook ``nb`` (changed in place; returned)."""
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is not None and _BADGE.search(first.source):
        first.source = _BADGE.sub(lambda _: _links(name), first.source, count=1)
    elif first is not None:
        first.source = _TITLE.sub(lambda m: f"{m.group(0)}\n\n{_links(name)}", first.source, count=1)
    for cell in nb.cells:
        if cell.cell_type == "code" and _must_skip(cell):
            tags = cell.metadata.setdefault("tags", [])
            if SKIP_TAG not in tags:
                tags.append(SKIP_TAG)
    return nb


def _summaries(readme: Path | None) -> dict[str, str]:
    if readme is None or not readme.is_file():
        return {}
    return {m.group(2): m.group(3) for m in _README_ROW.finditer(readme.read_text(encoding="utf-8"))}


def lesson_table(lessons: list[Lesson]) -> str:
    """The home page's Markdown: the table of the lessons and the (hidden) toctree."""
    rows = "\n".join(f"| [{lesson.title}]({lesson.page}) | {lesson.summary} |" for lesson in lessons)
    toctree = "\n".join(lesson.page.removesuffix(".ipynb") for lesson in lessons)
    return (
        "# Deep learning with Keras\n\n"
        "The lessons of the course, executed, one page each. Every page opens in Colab or "
        "downloads as a notebook, to run and to answer its exercises.\n\n"
        f"| lesson | what it teaches |\n| --- | --- |\n{rows}\n\n"
        f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{toctree}\n```\n"
    )


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def write_sources(source: Path, *, notebook_dir: Path, conf: str, readme: Path | None = None,
                  notebooks: list[str] | None = None) -> list[Lesson]:
    """Write the site's sources to ``source``; returns the lessons in order.

    Raises what :func:`~coursework.grading.release.release` raises.
    """
    import nbformat

    from ..grading.release import release

    summaries = _summaries(readme)
    lessons = []
    with tempfile.TemporaryDirectory(prefix="coursework-site-") as tmp:
        for path in release(notebooks, notebook_dir=notebook_dir, output_dir=tmp):
            nb = for_site(nbformat.read(path, as_version=4), path.name)
            title_match = _TITLE.search(nb.cells[0].source) if nb.cells else None
            title = title_match.group(1).strip() if title_match else path.stem
            lessons.append(Lesson(path.name, title, summaries.get(path.name, "")))
            _write_if_changed(source / "notebooks" / path.name, nbformat.writes(nb) + "\n")
    stale = {p.name for p in (source / "notebooks").glob("*.ipynb")} - {lesson.name for lesson in lessons}
    for name in stale:
        (source / "notebooks" / name).unlink()
    _write_if_changed(source / "index.md", lesson_table(lessons))
    _write_if_changed(source / "conf.py", conf)
    return lessons
