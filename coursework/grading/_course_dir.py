"""Temporary nbgrader course directories and ``generate_assignment``.

nbgrader works on a *course directory*::

    <root>/gradebook.db
    <root>/source/<assignment>/<notebook>.ipynb      instructor version
    <root>/release/<assignment>/<notebook>.ipynb     student version
    <root>/submitted/<student>/<assignment>/<notebook>.ipynb
    <root>/autograded/<student>/<assignment>/<notebook>.ipynb

The course keeps its notebooks flat in ``notebooks/``, so every command
builds a throw-away course directory: each notebook becomes an assignment of
its own, named by the notebook's stem (``01_linear_classification``).  The
source notebooks are copied in, never edited.

nbgrader's converters are driven through their Python classes with an
explicit :class:`traitlets.config.Config`; no ``nbgrader_config.py`` from
the current folder or ``~/.jupyter`` is read, so the output does not depend
on who runs the command.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import REPOSITORY_URL, STUDENT_REPOSITORY_URL, github_owner_repo

__all__ = [
    "CODE_STUB",
    "ReleaseError",
    "CourseNotebook",
    "retarget",
    "for_students",
    "has_graded_cells",
    "generate_assignments",
    "nbgrader_config",
    "NbgraderLog",
    "create_gradebook",
]

#: What replaces each solution region in the student version (nbgrader's
#: ``ClearSolutions.code_stub``): it says what to do when run unanswered.
CODE_STUB = '# YOUR CODE HERE\nraise NotImplementedError("replace this line with your answer")'


class ReleaseError(RuntimeError):
    """nbgrader could not generate the student version of a source notebook
    (bad cell metadata, duplicate ``grade_id``, solution region outside a
    solution cell...).  The message quotes nbgrader's error lines."""


@dataclass(frozen=True)
class CourseNotebook:
    """One source notebook laid out as an nbgrader assignment.

    Attributes
    ----------
    name : str
        File name, e.g. ``"01_linear_classification.ipynb"``.
    assignment : str
        nbgrader assignment id (and notebook id): the file's stem.
    source : Path
        The prepared instructor version inside the course directory.
    release : Path
        The student version nbgrader generated.
    """

    name: str
    assignment: str
    source: Path
    release: Path


# --------------------------------------------------------------------------
# notebooks

# the instructor's repository, not a longer name that starts with it
_INSTRUCTOR = re.compile(re.escape(REPOSITORY_URL.removeprefix("https://")) + r"(?![\w.-])")
_STUDENT = STUDENT_REPOSITORY_URL.removeprefix("https://")


def retarget(text: str) -> str:
    """``text`` with the instructor's repository replaced by the students'
    (in plain URLs, ``git+`` URLs and Colab addresses)."""
    instructor, student = github_owner_repo(REPOSITORY_URL), github_owner_repo(STUDENT_REPOSITORY_URL)
    colab = re.compile(r"(colab\.research\.google\.com/github/)" + re.escape(instructor) + r"/")
    text = colab.sub(lambda m: m.group(1) + student + "/", text)
    return _INSTRUCTOR.sub(_STUDENT, text)


def for_students(nb: Any) -> Any:
    """Point ``nb``'s Colab badge and setup cell at the students' repository
    (:data:`~coursework.config.STUDENT_REPOSITORY_URL`), in place; returns it.

    Only markdown cells and code cells without nbgrader metadata are
    touched, so nbgrader's checksums of the graded cells stay those of the
    untouched source.
    """
    for cell in nb.cells:
        if not (cell.get("cell_type") == "code" and "nbgrader" in cell.get("metadata", {})):
            cell.source = retarget(cell.source)
    return nb


def has_graded_cells(nb: Any) -> bool:
    """True when a notebook has at least one nbgrader grade cell."""
    return any(cell.get("metadata", {}).get("nbgrader", {}).get("grade") for cell in nb.cells)


# --------------------------------------------------------------------------
# nbgrader


def nbgrader_config(root: Path, **sections: dict[str, Any]) -> Any:
    """A traitlets ``Config`` for a course directory at ``root``.

    ``sections`` adds settings, e.g. ``Execute={"timeout": 60}``.
    """
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(root)
    for section, values in sections.items():
        for key, value in values.items():
            config[section][key] = value
    return config


# the line of a traceback naming the exception: "nbclient.exceptions.CellTimeoutError: A cell..."
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b(:|$)")


class NbgraderLog:
    """Collect nbgrader's log messages (they would go to the ``traitlets``
    logger) in memory, and silence SQLAlchemy's warnings while open.

    Use as a context manager; ``logger`` is passed to nbgrader's converters
    as ``log=``; :attr:`text` is the collected log and :meth:`errors` the
    gist of each ERROR message.
    """

    def __init__(self, name: str = "coursework.grading.nbgrader") -> None:
        self.logger = logging.getLogger(name)
        self.records: list[logging.LogRecord] = []
        self._buffer = io.StringIO()
        self._handler = _ListHandler(self.records, self._buffer)
        self._handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
        self._warnings = warnings.catch_warnings()

    def __enter__(self) -> NbgraderLog:
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False
        self.logger.addHandler(self._handler)
        self._warnings.__enter__()
        warnings.simplefilter("ignore")  # SAWarning noise from nbgrader's gradebook
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._warnings.__exit__(*exc_info)
        self.logger.removeHandler(self._handler)

    @property
    def text(self) -> str:
        return self._buffer.getvalue()

    def errors(self) -> list[str]:
        """One line per ERROR message (a traceback is reduced to its last
        line, the exception), without duplicates."""
        found: list[str] = []
        for record in self.records:
            if record.levelno < logging.ERROR:
                continue
            lines = [line.strip() for line in record.getMessage().splitlines() if line.strip()]
            if not lines:
                continue
            message = lines[0]
            if message.startswith("Traceback"):
                raised = [line for line in lines if _EXCEPTION_LINE.match(line)]
                message = raised[-1] if raised else lines[-1]
            if message not in found:
                found.append(message)
        return found


class _ListHandler(logging.StreamHandler):
    def __init__(self, records: list[logging.LogRecord], stream: io.StringIO) -> None:
        super().__init__(stream)
        self._records = records

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append(record)
        super().emit(record)


def create_gradebook(path: Path) -> None:
    """Create an empty nbgrader gradebook (SQLite) at ``path``.

    nbgrader creates a missing gradebook itself, but asks the ``alembic``
    command line for the schema version in a subprocess: that takes seconds,
    and fails when the environment's ``bin`` folder is not on ``PATH`` (a
    virtual environment used as ``.venv/bin/python`` without activating it,
    as CI does).  Here the version comes from alembic's Python API, in
    process; the result is what nbgrader would have written.
    """
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR
    from sqlalchemy import create_engine, text

    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    engine = create_engine(f"sqlite:///{path}", future=True)
    try:
        Base.metadata.create_all(bind=engine)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    finally:
        engine.dispose()


def generate_assignments(notebooks: Sequence[tuple[str, Any]], root: Path) -> list[CourseNotebook]:
    """Lay out ``notebooks`` (``(file name, NotebookNode)`` pairs, already
    read) as assignments of a course directory at ``root`` and run nbgrader's
    ``generate_assignment`` on each, with :data:`CODE_STUB` as the stub.

    ``root/gradebook.db`` then knows every graded cell (its points, its
    checksum and its full source, hidden tests included), which is what
    ``autograde`` needs; the student versions are in ``root/release``.

    Raises
    ------
    ReleaseError
        If nbgrader rejects a notebook (or it cannot be written).
    """
    import nbformat
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "gradebook.db").exists():
        create_gradebook(root / "gradebook.db")
    laid_out = []
    for name, nb in notebooks:
        assignment = Path(name).stem
        source = root / "source" / assignment / name
        source.parent.mkdir(parents=True, exist_ok=True)
        try:
            nbformat.write(nb, source)
        except Exception as exc:  # a notebook nbformat cannot write back
            raise ReleaseError(f"Cannot write the source notebook {name}: {exc}") from exc
        laid_out.append(CourseNotebook(name, assignment, source, root / "release" / assignment / name))

    for notebook in laid_out:
        config = nbgrader_config(
            root,
            CourseDirectory={"assignment_id": notebook.assignment},
            ClearSolutions={"code_stub": {"python": CODE_STUB}},
        )
        with NbgraderLog() as log:
            coursedir = CourseDirectory(config=config, log=log.logger)
            converter = GenerateAssignment(coursedir=coursedir, config=config, log=log.logger)
            converter.force = True
            try:
                converter.start()
                failure = None
            except Exception as exc:  # NbGraderException, SchemaTooOldError...
                failure = exc
        if failure is not None or not notebook.release.is_file():
            details = "; ".join(log.errors()) or f"{type(failure).__name__}: {failure}"
            raise ReleaseError(f"nbgrader could not generate the student version of {notebook.name}: {details}")
    return laid_out
