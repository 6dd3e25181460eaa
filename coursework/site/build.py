"""Stage 2 of the site: Sphinx with myst-nb and sphinx-book-theme builds it.

The engine is Sphinx + myst-nb + sphinx-book-theme, all from PyPI (the
``site`` extra).  It builds offline: the theme's CSS, JavaScript and fonts
ship in its wheel, and nothing is downloaded at build time (Jupyter Book 2's
themes are: not used here).  Sphinx's own search (``searchindex.js``) works on
the built files, with no server.

Executed outputs are cached by myst-nb's ``cache`` execution mode
(jupyter-cache): a notebook's key is a hash of its code cells and kernel, so
a prose edit reuses the outputs and a rebuild takes seconds; grading-mode and
full builds keep separate caches (the code is the same, the outputs are not).

Sphinx runs in a subprocess, so the kernels get an environment of their own
(:func:`coursework._kernels.kernel_env`): Jupyter's inline backend (figures
become outputs), headless training plots (one final figure, not one per
epoch), grading mode on or off, and this checkout's package first on the path.
"""

from __future__ import annotations

import hashlib
import pprint
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .._kernels import kernel_env, package_root
from ..config import GRADING_ENV, HEADLESS_ENV, STUDENT_REPOSITORY_URL
from .pages import Lesson, write_sources

__all__ = ["SiteBuild", "SiteBuildError", "build_site", "sphinx_conf"]

#: Where the executed outputs and Sphinx's own state are kept between builds.
DEFAULT_WORK = "build/site-work"
_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: The course's template and CSS overrides of the theme (accessibility fixes).
_THEME = Path(__file__).resolve().with_name("theme")


class SiteBuildError(RuntimeError):
    """Sphinx (or a notebook it executed) failed; the message has Sphinx's last lines."""


@dataclass(frozen=True)
class SiteBuild:
    """What :func:`build_site` built: the output folder, the lessons, the seconds it took."""

    output: Path
    lessons: tuple[Lesson, ...]
    seconds: float
    grading_mode: bool


def sphinx_conf(cache: Path, *, timeout_s: int) -> str:
    """The text of the site's ``conf.py`` (a file, so that ``sphinx-build`` alone works too)."""
    settings = {
        "project": "Deep learning with Keras",
        "author": "the course's instructors",
        "extensions": ["myst_nb", "coursework.site._alt_text"],
        "exclude_patterns": ["_build", "**.ipynb_checkpoints"],
        "html_theme": "sphinx_book_theme",
        "html_title": "Deep learning with Keras",
        "html_copy_source": False,
        "templates_path": [str(_THEME / "templates")],
        "html_static_path": [str(_THEME / "static")],
        "html_css_files": ["coursework.css"],
        "html_theme_options": {
            "repository_url": STUDENT_REPOSITORY_URL,
            "use_repository_button": True,
            "use_download_button": False,
            "show_toc_level": 2,
        },
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "nb_execution_mode": "cache",
        "nb_execution_cache_path": str(cache),
        "nb_execution_timeout": timeout_s,
        "nb_execution_raise_on_error": True,
        "nb_merge_streams": True,
        "suppress_warnings": ["mystnb.unknown_mime_type", "myst.header"],
    }
    lines = [f"{name} = {pprint.pformat(value, sort_dicts=False)}" for name, value in settings.items()]
    theme = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(_THEME.rglob("*")) if p.is_file()))
    return ('"""Written by `python -m coursework site`; do not edit (coursework/site/build.py)."""\n'
            f"# theme overrides: sha256 {theme.hexdigest()}\n\n" + "\n".join(lines) + "\n")


def _sphinx(source: Path, output: Path, doctrees: Path, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees), str(source), str(output)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise SiteBuildError(f"Sphinx failed (exit {done.returncode}):\n{tail}")


def build_site(
    output: str | Path,
    *,
    grading_mode: bool = False,
    notebook_dir: str | Path = "notebooks",
    notebooks: list[str] | None = None,
    work: str | Path = DEFAULT_WORK,
    timeout_s: int = 1800,
) -> SiteBuild:
    """Build the course site into ``output`` (HTML, ready for GitHub Pages).

    Parameters
    ----------
    output : path-like
        The built site (created; its previous content replaced).
    grading_mode : bool, default False
        Execute with ``COURSEWORK_GRADING=1`` (less data, fewer epochs):
        seconds per notebook, for CI's structure and accessibility tests.
    notebook_dir : path-like, default "notebooks"
        The instructor's notebooks; only their student versions reach the site.
    notebooks : list of str, optional
        A subset (file names, stems or prefixes such as ``"03"``).
    work : path-like, default "build/site-work"
        Sources, executed outputs (one cache per mode) and Sphinx's state.
    timeout_s : int, default 1800
        Time limit of one cell.

    Raises
    ------
    SiteBuildError
        Sphinx failed, e.g. a lesson cell raised (the message has the details).
    FileNotFoundError, ValueError, ReleaseError
        As :func:`coursework.grading.release.release`.
    """
    started = time.perf_counter()
    mode = "grading" if grading_mode else "full"
    work, output = Path(work).resolve() / mode, Path(output).resolve()
    root = package_root()
    readme = root / "README.md" if root is not None else None
    conf = sphinx_conf(work / "jupyter-cache", timeout_s=timeout_s)
    if not (work / "source" / "conf.py").is_file() or (work / "source" / "conf.py").read_text() != conf:
        for stale in (work / "doctrees", work / "html"):  # settings or theme changed: write every page again
            shutil.rmtree(stale, ignore_errors=True)
    lessons = write_sources(work / "source", notebook_dir=Path(notebook_dir), readme=readme, notebooks=notebooks,
                            conf=conf)
    env = kernel_env(fixed={GRADING_ENV: "1" if grading_mode else "0", HEADLESS_ENV: "1",
                            "MPLBACKEND": _INLINE_BACKEND})
    html = work / "html"
    _sphinx(work / "source", html, work / "doctrees", env)
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(html, output, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    (output / ".nojekyll").touch()  # GitHub Pages: serve _static/ and _images/ as they are
    return SiteBuild(output, tuple(lessons), time.perf_counter() - started, grading_mode)
