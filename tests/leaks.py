"""The scan for the instructor's side in what students get, shared by the
student course's test (tests/grading/test_bundle.py) and the site's
(tests/site/): no nbgrader solution or hidden-test marker, no line of a
solution or hidden test, no address of the instructor's repository.

HTML is read as its text (tags removed, entities decoded), so a solution line
that Pygments split into coloured spans is still found.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from coursework.config import REPOSITORY_URL

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
#: The instructor's repository, not the students' (whose address extends it).
INSTRUCTOR_URL = re.compile(re.escape(REPOSITORY_URL) + r"(?![\w.-])")
#: Solution lines the package holds for its own reasons: the input checks that
#: coursework.plotting's confusion-matrix plot makes too (notebook 05's answer
#: makes the same ones); the answer cannot be recovered from them.
SHARED_WITH_PACKAGE = {
    "cm = np.asarray(cm)",
    "if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] < 2:",
}


def secret_lines(sources: list[Path]) -> dict[str, str]:
    """Every line of every solution and hidden test of the ``sources``
    (stripped, at least 12 characters and not a line the lesson itself
    shows) -> where it is from."""
    secret, shown = {}, set()
    for path in sources:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            regions = _REGION.findall(cell.source)
            rest = _REGION.sub("", cell.source)
            shown |= {line.strip() for line in rest.splitlines()}
            for _, body in regions:
                for line in body.splitlines():
                    if len(line.strip()) >= 12:
                        secret[line.strip()] = f"{path.name}: {line.strip()}"
    return {line: where for line, where in secret.items() if line not in shown and line not in SHARED_WITH_PACKAGE}


def readable_text(path: Path) -> str:
    """A file's text as a reader sees it (HTML without its tags and entities)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in {".html", ".htm"}:
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text.replace("\\n", "\n")


def leaks(root: Path, secrets: dict[str, str], *, check_url: bool = False) -> list[str]:
    """What of the instructor's side each file under ``root`` holds, one line per file (empty: none)."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        text = readable_text(path)
        what = [f"marker {m!r}" for m in MARKERS if m in text]
        lines = {line.strip() for line in text.splitlines()}
        what += [f"solution line {where!r}" for line, where in secrets.items() if line in lines][:3]
        if check_url and INSTRUCTOR_URL.search(text):
            what.append(f"the instructor's repository {REPOSITORY_URL}")
        if what:
            found.append(f"{path.relative_to(root)}: {', '.join(what)}")
    return found
