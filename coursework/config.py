"""Project-wide settings: the repository address and the environment
variables the package honours.

The repository URLs live here and nowhere else in the code; the notebooks'
setup cells and "Open in Colab" badges are checked against them by
``tests/test_notebooks_static.py``.  There are two repositories (see
``docs/instructors.md``, "Distribution"): the instructor's, with the source
notebooks, solutions and hidden tests (keep it private), and the students',
which holds only what ``python -m coursework release --bundle`` writes.
"""

from __future__ import annotations

import os

__all__ = [
    "REPOSITORY_URL",
    "STUDENT_REPOSITORY_URL",
    "DATA_ENV",
    "RESULTS_ENV",
    "GRADING_ENV",
    "HEADLESS_ENV",
    "SEED_ENV",
    "CAPTIONS_ENV",
    "env_flag",
    "grading_mode",
    "captions_on",
    "github_owner_repo",
    "colab_url",
]

#: The instructor's repository (notebooks/ with the solutions): the source
#: notebooks' badges and setup cells name it.
REPOSITORY_URL = "https://github.com/keras-course/keras-course"
#: The students' repository, published from ``release --bundle``: the student
#: notebooks' Colab badges open it and their setup cell installs the package
#: from it.  The one setting to change for a course of your own.
STUDENT_REPOSITORY_URL = "https://github.com/keras-course/keras-course-student"

#: Folder laid out like ``shared/datasets`` (a read-only, offline mirror).
DATA_ENV = "COURSEWORK_DATA"
#: Set by the course runner: the JSON file where a notebook records metrics.
RESULTS_ENV = "COURSEWORK_RESULTS"
#: Set to ``1`` while autograding: notebooks shrink data and epochs.
GRADING_ENV = "COURSEWORK_GRADING"
#: Set to ``1`` by the course runner (and grading, CI): live training figures
#: are not redrawn; ``0`` forces live drawing inside a kernel.
HEADLESS_ENV = "COURSEWORK_HEADLESS"
#: Overrides the seed a notebook passes to ``seed_everything`` (seed sweeps).
SEED_ENV = "COURSEWORK_SEED"
#: Set to ``1`` to print each described figure's text above it in a notebook
#: (for screen readers in JupyterLab: see ``coursework.plotting.alt``).
CAPTIONS_ENV = "COURSEWORK_CAPTIONS"
#: Set to ``0`` to grade with a cold worker and a judge process per
#: submission instead of the warm ones forked per job slot.
WARM_ENV = "COURSEWORK_WARM_WORKER"


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_flag(name: str) -> bool | None:
    """The true/false environment variable ``name``: True for
    ``1``/``true``/``yes``/``on``, False for ``0``/``false``/``no``/``off``
    (any case, spaces ignored), None when unset or anything else."""
    value = os.environ.get(name, "").strip().lower()
    return True if value in _TRUE else False if value in _FALSE else None


def grading_mode() -> bool:
    """True when ``COURSEWORK_GRADING`` is set to a true value (1/true/yes/on)."""
    return env_flag(GRADING_ENV) is True


def captions_on() -> bool:
    """True when ``COURSEWORK_CAPTIONS`` is set to a true value (1/true/yes/on)."""
    return env_flag(CAPTIONS_ENV) is True


def github_owner_repo(url: str) -> str:
    """``"owner/repo"`` of a GitHub repository's address.

    >>> github_owner_repo("https://github.com/keras-course/keras-course/")
    'keras-course/keras-course'
    """
    return url.removeprefix("https://github.com/").rstrip("/")


def colab_url(notebook_path: str, *, branch: str = "main", repository: str = REPOSITORY_URL) -> str:
    """The "Open in Colab" address of a notebook path inside the repository.

    >>> colab_url("notebooks/01_linear_classification.ipynb")
    'https://colab.research.google.com/github/keras-course/keras-course/blob/main/notebooks/01_linear_classification.ipynb'
    """
    return (
        f"https://colab.research.google.com/github/{github_owner_repo(repository)}/blob/{branch}/"
        f"{notebook_path.lstrip('/')}"
    )
