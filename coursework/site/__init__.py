"""The course site: the student versions of the lessons, executed, as a web book.

``python -m coursework site build/site`` (:mod:`.cli`) chains two stages:
:mod:`.pages` writes the Sphinx sources from the student versions (never the
instructor's notebooks), :mod:`.build` runs Sphinx with myst-nb and
sphinx-book-theme on them.  :mod:`._alt_text` gives each figure's ``<img>``
its text alternative (:mod:`coursework.plotting.alt`: the author's, a plotting
helper's, or the one computed from what is drawn).  Needs the ``site`` extra
(``pip install -e ".[site]"``).
"""

from __future__ import annotations

from .build import SiteBuild, SiteBuildError, build_site
from .pages import Lesson

__all__ = ["Lesson", "SiteBuild", "SiteBuildError", "build_site"]
