"""Notebook density (issue 14 §3, issue 13): every lesson's main path within
the length target, and no markdown cell too long to read in one go.

The measure (also written down in ``notebooks/README.md``):

* **Main path**: every cell of the notebook except the optional sections.  An
  optional section starts at a markdown cell whose first ``## `` heading says
  ``(optional)`` (by convention ``## Under the hood (optional): ...``, after
  "Experiments to try") and runs to the next ``## `` heading.  The exercises,
  the results cell and the closing questions are on the main path: a student
  reads them all.  The final self-check section (``## Check your work``) is
  the grader's plumbing, like the exercise cells, and is not counted.
* **Words**: markdown tokens holding a letter or a digit, after dropping HTML
  tags and link targets (the Colab badge's URL is not prose).
* **Code cells / lines of code**: the main path's code cells other than the
  nbgrader exercise cells (answers and their tests are the student's work
  and the grader's, not lesson code), and of their lines those that are
  neither blank nor comments.

Targets: at most 2,500 words and 250 lines of code per main path, and no
markdown cell anywhere (optional sections included) over 150 words.

``python tests/test_density.py`` prints the table the closing note quotes.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

#: The closing self-check section (coursework.grading.in_notebook): the
#: grader's plumbing, like the exercise cells, not lesson.
SELF_CHECK = "Check your work"

MAX_WORDS = 2500
MAX_CODE_LINES = 250
MAX_CELL_WORDS = 150

#: Notebooks not yet cut to size, with their figures when this was written
#: (words, lines of code, words of the longest markdown cell): each must not
#: grow, and leaves this table once it meets the target.
NOT_YET: dict[str, tuple[int, int, int]] = {}


def words(markdown: str) -> int:
    """Words of prose in a markdown cell's source."""
    text = re.sub(r"<[^>]+>", " ", markdown)       # HTML tags (<details>, <summary>)
    text = re.sub(r"\]\([^)]*\)", "] ", text)      # link and image targets
    return sum(1 for token in text.split() if re.search(r"[A-Za-z0-9]", token))


def code_lines(source: str) -> int:
    """Lines of a code cell that are neither blank nor comments."""
    return sum(1 for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def _section_title(cell: Any) -> str | None:
    """The cell's first ``## `` heading, if it is a markdown cell with one."""
    if cell.cell_type != "markdown":
        return None
    return next((line[3:] for line in cell.source.splitlines() if line.startswith("## ")), None)


def main_path(cells: list[Any]) -> list[Any]:
    """The cells outside the optional sections."""
    kept, optional = [], False
    for cell in cells:
        title = _section_title(cell)
        if title is not None:
            optional = "(optional)" in title.lower() or title == SELF_CHECK
        if not optional:
            kept.append(cell)
    return kept


def _exercise_cell(cell: Any) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader"))


@dataclass(frozen=True)
class Density:
    name: str
    words: int            # main path
    code_cells: int       # main path, lesson code (no exercise cells)
    code_lines: int       # main path, lesson code (no exercise cells)
    longest_cell: int     # words of the longest markdown cell, anywhere
    optional_words: int
    optional_lines: int

    @property
    def within_target(self) -> bool:
        return (self.words <= MAX_WORDS and self.code_lines <= MAX_CODE_LINES
                and self.longest_cell <= MAX_CELL_WORDS)


def measure(nb: Any, name: str = "") -> Density:
    """The :class:`Density` of a notebook node."""
    main = main_path(nb.cells)
    main_ids = {id(c) for c in main}
    rest = [c for c in nb.cells if id(c) not in main_ids]
    lesson = [c for c in main if c.cell_type == "code" and not _exercise_cell(c)]
    return Density(
        name=name,
        words=sum(words(c.source) for c in main if c.cell_type == "markdown"),
        code_cells=len(lesson),
        code_lines=sum(code_lines(c.source) for c in lesson),
        longest_cell=max((words(c.source) for c in nb.cells if c.cell_type == "markdown"), default=0),
        optional_words=sum(words(c.source) for c in rest if c.cell_type == "markdown"),
        optional_lines=sum(code_lines(c.source) for c in rest if c.cell_type == "code"),
    )


def problems(density: Density) -> list[str]:
    """What keeps a notebook off the target ([] when within it)."""
    found = []
    if density.words > MAX_WORDS:
        found.append(f"{density.words} words of prose on the main path (at most {MAX_WORDS})")
    if density.code_lines > MAX_CODE_LINES:
        found.append(f"{density.code_lines} lines of code on the main path (at most {MAX_CODE_LINES})")
    if density.longest_cell > MAX_CELL_WORDS:
        found.append(f"a markdown cell of {density.longest_cell} words (at most {MAX_CELL_WORDS})")
    return found


def long_cells(nb: Any) -> list[str]:
    """'cell N: W words' for every markdown cell over the limit (1-based, as Jupyter counts)."""
    return [f"cell {i}: {words(c.source)} words" for i, c in enumerate(nb.cells, start=1)
            if c.cell_type == "markdown" and words(c.source) > MAX_CELL_WORDS]


def table(paths: list[Path] = NOTEBOOKS) -> str:
    """The density table of the given notebooks, as markdown."""
    rows = ["| notebook | words | code cells | lines of code | longest markdown cell | optional: words, lines |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for path in paths:
        d = measure(nbformat.read(path, as_version=4), path.stem)
        rows.append(f"| `{d.name}` | {d.words} | {d.code_cells} | {d.code_lines} | {d.longest_cell} "
                    f"| {d.optional_words}, {d.optional_lines} |")
    return "\n".join(rows)


# --- tests -------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_main_path_within_the_length_target(path):
    nb = nbformat.read(path, as_version=4)
    density = measure(nb, path.stem)
    if path.name[:2] in NOT_YET:
        words_then, lines_then, longest_then = NOT_YET[path.name[:2]]
        assert not density.within_target, f"{path.name} meets the target now: remove it from NOT_YET"
        assert density.words <= words_then and density.code_lines <= lines_then \
            and density.longest_cell <= longest_then, f"{path.name} grew: {density}"
    else:
        assert problems(density) == [], f"{path.name}: {problems(density)}; {long_cells(nb)}"


def test_not_yet_names_only_existing_notebooks():
    prefixes = {p.name[:2] for p in NOTEBOOKS}
    assert set(NOT_YET) <= prefixes


def _notebook(*cells: Any) -> Any:
    return nbformat.v4.new_notebook(cells=list(cells))


def test_the_measure_counts_prose_code_and_optional_sections():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    exercise = code("def f():\n    return 1\n", metadata={"nbgrader": {"solution": True}})
    nb = _notebook(
        md("# 01 — Title [![Open](https://colab.example/badge.svg)](https://colab.example/nb)"),
        code("import os\n\n# a comment\nx = 1  # counted\n"),
        md("## 1. Lesson\nTwo <b>words</b>, $x_2$ and 3 more - then."),
        exercise,
        md("## Under the hood (optional): speed\nnot counted on the main path"),
        code("y = 2\nz = 3\n"),
        md("## Check your understanding\nCounted again."),
    )
    d = measure(nb)
    # "01 — Title [Open]": 3; "1. Lesson Two words, $x_2$ and 3 more then.": 9;
    # "Check your understanding Counted again.": 5 ("—" and "-" are not words)
    assert (d.words, d.code_cells, d.code_lines) == (3 + 9 + 5, 1, 2)
    assert (d.optional_words, d.optional_lines) == (5 + 6, 2)
    assert problems(d) == []


def test_the_measure_fails_a_notebook_over_the_target():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    long_cell = md("word " * (MAX_CELL_WORDS + 1))
    assert problems(measure(_notebook(long_cell))) == [f"a markdown cell of {MAX_CELL_WORDS + 1} words (at most 150)"]
    many_words = _notebook(*[md("word " * 100) for _ in range(26)])
    assert problems(measure(many_words)) == ["2600 words of prose on the main path (at most 2500)"]
    many_lines = _notebook(code("x = 1\n" * 251))
    assert problems(measure(many_lines)) == ["251 lines of code on the main path (at most 250)"]
    # a long cell in an optional section still fails; its words do not count on the main path
    hidden = _notebook(md("## Under the hood (optional): x"), long_cell)
    assert measure(hidden).words == 0 and problems(measure(hidden))
    # an optional section ends at the next "## " heading
    after = _notebook(md("## More (optional)"), md("## Back"), md("word " * 10))
    assert measure(after).words == 1 + 10


if __name__ == "__main__":
    print(table([Path(p) for p in sys.argv[1:]] or NOTEBOOKS))
