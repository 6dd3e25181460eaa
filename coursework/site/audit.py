"""Which figures of a built site have no text alternative.

Sphinx gives an ``<img>`` without one its file name as ``alt``
(``../_images/3f2a...png``), which a screen reader reads out as noise: such an
image counts as undescribed here, as does an empty or missing ``alt``.  The
``site`` command prints what this finds, so that a notebook's author sees which
of their figures need :func:`coursework.plotting.describe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

__all__ = ["Figure", "figures", "undescribed"]


@dataclass(frozen=True)
class Figure:
    """One ``<img>`` of a page: the page (relative to the site), its ``src`` and ``alt``."""

    page: str
    src: str
    alt: str

    @property
    def described(self) -> bool:
        alt = self.alt.strip()
        return bool(alt) and alt != self.src and PurePosixPath(alt).name != PurePosixPath(self.src).name


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            values = dict(attrs)
            self.images.append((values.get("src") or "", values.get("alt") or ""))


def figures(site: str | Path, *, under: str = "notebooks") -> list[Figure]:
    """The images of the lesson pages (``under`` the site), page by page."""
    site = Path(site)
    found = []
    for page in sorted((site / under).rglob("*.html")):
        parser = _Images()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [Figure(page.relative_to(site).as_posix(), src, alt) for src, alt in parser.images]
    return found


def undescribed(site: str | Path) -> list[Figure]:
    """The lesson figures without a text alternative."""
    return [figure for figure in figures(site) if not figure.described]
