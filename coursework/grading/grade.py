"""Autograde a class's submissions with nbgrader and write a CSV gradebook.

::

    python -m coursework grade submissions/ --output gradebook.csv
    python -m coursework grade submissions/ --notebooks 02 04 --jobs 2

``SUBMISSIONS_DIR`` holds one folder per student with that student's
notebooks: ``<student>/<notebook>.ipynb`` (nbgrader's own layout
``<student>/<assignment>/<notebook>.ipynb``, where the assignment is the
notebook's stem, works too, and so does a single file whose name contains
the notebook's stem, such as ``Copy of 02_softmax_cross_entropy.ipynb``).

How a submission is graded
--------------------------
1. The *source* notebooks (``notebooks/``, solutions and hidden tests
   included) are laid out as one nbgrader assignment each in a temporary
   course directory and ``generate_assignment`` is run, so the gradebook
   knows every test cell, its points, its checksum and its hidden tests.
2. Each submission gets a private copy of that course directory (so
   submissions cannot interfere, may run in parallel, and grading one twice
   gives the same scores).  :func:`~coursework.grading._submission.repair`
   restores deleted test cells (see there).
3. nbgrader's ``autograde`` runs in a subprocess of its own
   (``python -m coursework.grading._worker``) with ``COURSEWORK_GRADING=1``
   in the kernel's environment, so every notebook shrinks its data and
   epochs.  Limits:

   * per cell, nbgrader's ``Execute.timeout``: ``--cell-timeout``, default
     60 s (nbgrader's default is 30 s).  In grading mode a whole notebook
     needs about 15 s of compute, its slowest cell a few seconds; 60 s
     leaves room for a slow or busy machine and for the first ``import
     keras``, so a correct answer never times out, while an infinite loop
     costs one minute.  The timed-out cell is interrupted and gets a
     ``CellTimeoutError``; the following cells still run, so the other
     exercises are still graded.  (If the kernel ignores the interrupt or
     dies, the remaining cells are marked "not run" and the notebook is
     graded as ``crashed``: see ``_preprocessors.GradingExecute``);
   * per notebook, a wall-clock limit on the subprocess: ``--timeout``,
     default 180 s (six times the 30 s an honest submission may take
     here), for many slow cells in a row, a kernel that never starts or
     nbgrader hanging.  When it runs out, the subprocess and the kernel
     (its own process group) are killed and the submission scores 0 with
     reason ``timeout``.

4. The scores are read from the submission's gradebook, the reasons from
   the graded notebook (:func:`~coursework.grading._submission.explain`).

One row per (student, notebook) goes to the CSV; see :func:`write_gradebook`
for its columns and ``docs/instructors.md`` for what each kind of bad
submission gets.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import GRADING_ENV, RESULTS_ENV
from ._course_dir import (
    CourseNotebook,
    ReleaseError,
    generate_assignments,
    has_graded_cells,
    select_notebooks,
)
from ._submission import execution_notes, explain, first_line, grade_id, is_test, repair, was_cut_short

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_CELL_TIMEOUT",
    "STATUSES",
    "Exercise",
    "SubmissionGrade",
    "ClassGrades",
    "grade_submissions",
    "write_gradebook",
    "format_summary",
    "main",
]

#: Seconds one submitted notebook may take, kernel start and nbgrader included.
DEFAULT_TIMEOUT = 180.0
#: Seconds one cell may run (nbgrader's ``Execute.timeout``; its default is 30).
DEFAULT_CELL_TIMEOUT = 60
#: Longest text kept from one output in the graded notebook.
MAX_OUTPUT_CHARS = 20_000

#: What ``SubmissionGrade.status`` can be.
STATUSES = {
    "ok": "graded (the points may still be partial)",
    "crashed": "the kernel died (os._exit(), a crash, out of memory) or stopped responding "
    "(a cell that timed out ignored the interrupt); the cells after that one did not run, "
    "exercises before it keep their points",
    "timeout": "the notebook exceeded the per-notebook time limit; 0 points",
    "missing": "no such notebook in the student's folder; 0 points",
    "invalid": "the file is not a readable notebook (invalid JSON...); 0 points",
    "error": "nbgrader itself failed on the submission; 0 points, see the log",
}

_STUDENT_ID = "student"  # nbgrader's student id inside each private course directory
_ERROR_PREFIX = "AUTOGRADE ERROR: "  # how the worker reports nbgrader's errors
_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b:")
_LOG_KEEP = 100_000  # characters of a worker's output kept (head and tail)


@dataclass(frozen=True)
class Exercise:
    """One autograded test cell of a source notebook."""

    notebook: str
    grade_id: str
    points: float


@dataclass
class SubmissionGrade:
    """The grade of one student's notebook.

    Attributes
    ----------
    student, notebook : str
        Student folder name and notebook file name.
    status : str
        One of :data:`STATUSES`.
    scores : dict
        ``{grade_id: points earned}`` for the notebook's exercises (None for
        a cell nbgrader could not autograde).
    max_scores : dict
        ``{grade_id: points available}``.
    reasons : dict
        ``{grade_id: why points were lost}``, for each exercise that lost any.
    problem : str or None
        Why the whole notebook got no grade (missing, invalid, timeout, error).
    notes : list of str
        What the grader noticed or repaired without necessarily costing
        points (edited or deleted test cells...).
    seconds : float
        Wall-clock time spent on this submission.
    file : Path or None
        The submitted file.
    graded_path : Path or None
        The executed notebook, when written (``graded_dir``).
    """

    student: str
    notebook: str
    status: str
    scores: dict[str, float | None]
    max_scores: dict[str, float]
    reasons: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    file: Path | None = None
    graded_path: Path | None = None

    @property
    def total(self) -> float:
        return float(sum(score or 0.0 for score in self.scores.values()))

    @property
    def max_total(self) -> float:
        return float(sum(self.max_scores.values()))

    def reason_text(self) -> str:
        """The CSV's ``reasons`` cell."""
        if self.problem:
            return self.problem
        return "; ".join(f"{gid}: {why}" for gid, why in self.reasons.items())


@dataclass
class ClassGrades:
    """Everything :func:`grade_submissions` found."""

    exercises: list[Exercise]
    notebooks: list[str]
    students: list[str]
    results: list[SubmissionGrade]
    seconds: float
    skipped: list[str] = field(default_factory=list)

    def result(self, student: str, notebook: str) -> SubmissionGrade:
        """The grade of one submission (``notebook``: name, stem or prefix)."""
        for r in self.results:
            if r.student == student and (
                r.notebook == notebook or Path(r.notebook).stem == notebook or r.notebook.startswith(notebook)
            ):
                return r
        raise KeyError(f"no result for student {student!r} and notebook {notebook!r}")


# --------------------------------------------------------------------------
# finding submissions


def _student_folders(submissions_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in submissions_dir.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_"))
    )


def _find_submission(folder: Path, name: str) -> tuple[Path | None, str | None]:
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


# --------------------------------------------------------------------------
# one submission


def _package_root() -> Path | None:
    """The folder holding the imported ``coursework`` package (put in front
    of the kernel's PYTHONPATH), unless it is a site-packages folder."""
    root = Path(__file__).resolve().parents[2]
    return None if root.name in {"site-packages", "dist-packages"} else root


def _worker_env(extra: Mapping[str, Any] | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(RESULTS_ENV, None)  # record() in the notebooks writes nothing
    env.update({"MPLBACKEND": "Agg", "COURSEWORK_HEADLESS": "1", "PYTHONUNBUFFERED": "1"})
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if extra:
        env.update({str(k): str(v) for k, v in extra.items()})
    env[GRADING_ENV] = "1"
    root = _package_root()
    if root is not None:
        parts = [str(root)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    return env


class _Drain(threading.Thread):
    """Read a pipe to its end, keeping only its head and tail (a kernel
    writing gigabytes to its file descriptors cannot fill memory or disk)."""

    def __init__(self, pipe: Any) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def run(self) -> None:
        half = _LOG_KEEP // 2
        for chunk in iter(lambda: self.pipe.read(65536), b""):
            room = half - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            self.tail += chunk
            if len(self.tail) > half:
                self.dropped += len(self.tail) - half
                del self.tail[: len(self.tail) - half]

    def text(self) -> str:
        middle = f"\n[... {self.dropped:,} bytes dropped ...]\n" if self.dropped else ""
        head = bytes(self.head).decode("utf-8", "replace")
        return head + middle + bytes(self.tail).decode("utf-8", "replace")


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _run_worker(work: Path, spec: dict, timeout: float, env: dict[str, str]) -> tuple[int | None, str]:
    """Run the autograde worker; returns (exit status or None on timeout, its output)."""
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec))
    proc = subprocess.Popen(
        [sys.executable, "-m", "coursework.grading._worker", str(spec_path)],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as a whole
    )
    drain = _Drain(proc.stdout)
    drain.start()
    try:
        # the same as subprocess.run(..., timeout=...), except that on
        # timeout the kernel (a process group of its own) is killed too
        status: int | None = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        status = None
        kernel = _read_int(Path(spec["root"]) / "kernel.pid")
        if kernel is not None and _parent_of(kernel) in (proc.pid, None):
            _kill_group(kernel)
        _kill_group(proc.pid)
        proc.wait()
    drain.join(timeout=5)
    if drain.is_alive():
        # A process the student's code started still holds the output pipe
        # open after the kernel exited: it is in the kernel's process group.
        kernel = _read_int(Path(spec["root"]) / "kernel.pid")
        if kernel is not None:
            _kill_group(kernel)
        drain.join(timeout=5)
    if not drain.is_alive():
        proc.stdout.close()
    return status, drain.text()


def _failure(log: str, status: int | None) -> str:
    """One line on why the worker failed: the exception nbgrader logged
    (not its generic NbGraderException), else its first error message."""
    errors = [line.removeprefix(_ERROR_PREFIX) for line in log.splitlines() if line.startswith(_ERROR_PREFIX)]
    raised = [e for e in errors if _EXCEPTION.match(e) and not e.startswith("NbGraderException")]
    if raised:
        return first_line(raised[0])
    if errors:
        return first_line(errors[0])
    lines = log.strip().splitlines()
    return first_line(lines[-1]) if lines else f"exit status {status}"


def _read_scores(root: Path, assignment: str) -> dict[str, float | None]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(assignment, assignment, _STUDENT_ID)
        return {g.name: (None if g.auto_score is None else float(g.auto_score)) for g in submission.grades}


class _Unreadable(ValueError):
    """A submission that is not a readable notebook (message: the reason)."""


def _read_submission(path: Path) -> Any:
    """Read a submitted notebook, filling in what a sloppy editor may have
    left out of a cell (metadata, outputs...)."""
    import nbformat
    from nbformat.reader import NotJSONError

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _Unreadable("invalid notebook JSON: the file is not UTF-8 text") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except NotJSONError as exc:
        raise _Unreadable(f"invalid notebook JSON: {first_line(str(exc))}") from None
    except Exception as exc:  # ValidationError, NBFormatError, AttributeError...
        raise _Unreadable(f"not a Jupyter notebook: {first_line(str(exc)) or type(exc).__name__}") from None
    if not isinstance(nb.get("cells"), list) or not all(isinstance(c, dict) for c in nb.cells):
        raise _Unreadable("not a Jupyter notebook: no list of cells")
    for cell in nb.cells:
        cell.setdefault("metadata", nbformat.NotebookNode())
        cell.setdefault("source", "")
        cell.setdefault("cell_type", "code")
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    return nb


@dataclass
class _Task:
    index: int
    student: str
    notebook: CourseNotebook
    file: Path | None
    note: str | None


class _Grader:
    """State shared by the submissions of one :func:`grade_submissions` call."""

    def __init__(
        self,
        template: Path,
        notebooks: list[CourseNotebook],
        *,
        work_dir: Path,
        graded_dir: Path | None,
        timeout: float,
        cell_timeout: int,
        env: dict[str, str],
    ) -> None:
        import nbformat

        self.template = template
        self.work_dir = work_dir
        self.graded_dir = graded_dir
        self.timeout = timeout
        self.cell_timeout = cell_timeout
        self.env = env
        self.released = {nb.name: nbformat.read(nb.release, as_version=4) for nb in notebooks}
        self.sources = {nb.name: nbformat.read(nb.source, as_version=4) for nb in notebooks}
        self.exercises = _exercises(notebooks, self.released)
        exercises = self.exercises
        self.max_scores = {
            nb.name: {e.grade_id: e.points for e in exercises if e.notebook == nb.name} for nb in notebooks
        }

    def _result(self, task: _Task, status: str, start: float, **kwargs: Any) -> SubmissionGrade:
        max_scores = dict(self.max_scores[task.notebook.name])
        scores = kwargs.pop("scores", None) or {gid: 0.0 for gid in max_scores}
        notes = kwargs.pop("notes", [])
        if task.note:
            notes = [task.note, *notes]
        return SubmissionGrade(
            student=task.student,
            notebook=task.notebook.name,
            status=status,
            scores=scores,
            max_scores=max_scores,
            notes=notes,
            seconds=time.monotonic() - start,
            file=task.file,
            **kwargs,
        )

    def grade(self, task: _Task) -> SubmissionGrade:
        """Grade one submission; never raises (a bug here is an ``error`` row)."""
        start = time.monotonic()
        try:
            return self._grade(task, start)
        except Exception as exc:
            problem = f"grader error: {type(exc).__name__}: {first_line(str(exc))}"
            return self._result(task, "error", start, problem=problem)
        finally:
            shutil.rmtree(self.work_dir / f"{task.index:04d}", ignore_errors=True)

    def _grade(self, task: _Task, start: float) -> SubmissionGrade:
        import nbformat

        name = task.notebook.name
        if task.file is None:
            self._keep(task, None, "", keep_log=False)  # drop an earlier run's files
            return self._result(task, "missing", start, problem="missing notebook")
        try:
            nb = _read_submission(task.file)
        except _Unreadable as exc:
            self._keep(task, None, "", keep_log=False)
            return self._result(task, "invalid", start, problem=str(exc))

        notes = repair(nb, self.released[name], self.sources[name])
        work = self.work_dir / f"{task.index:04d}"
        root = work / "course"
        submitted = root / "submitted" / _STUDENT_ID / task.notebook.assignment / name
        submitted.parent.mkdir(parents=True)
        shutil.copyfile(self.template / "gradebook.db", root / "gradebook.db")
        try:
            nbformat.write(nb, submitted)
        except Exception as exc:
            problem = f"not a valid notebook: {first_line(str(exc)) or type(exc).__name__}"
            return self._result(task, "invalid", start, problem=problem, notes=notes)

        spec = {
            "root": str(root),
            "assignment": task.notebook.assignment,
            "student": _STUDENT_ID,
            "cell_timeout": self.cell_timeout,
            "max_output_chars": MAX_OUTPUT_CHARS,
        }
        status, log = _run_worker(work, spec, self.timeout, self.env)
        graded = root / "autograded" / _STUDENT_ID / task.notebook.assignment / name
        graded_path = self._keep(task, graded, log, keep_log=status != 0)

        if status is None:
            running = _read_int(root / "cell")
            where = f" (cell {running + 1} was running)" if running is not None else ""
            problem = f"timeout: grading took longer than {self.timeout:g} s{where}"
            return self._result(task, "timeout", start, problem=problem, notes=notes, graded_path=graded_path)
        if status != 0 or not graded.is_file():
            problem = f"autograder failed: {_failure(log, status)}"
            return self._result(task, "error", start, problem=problem, notes=notes)

        try:
            graded_nb = nbformat.read(graded, as_version=4)
            scores = _read_scores(root, task.notebook.assignment)
        except Exception as exc:
            problem = f"autograder failed: could not read its results: {first_line(str(exc))}"
            return self._result(task, "error", start, problem=problem, notes=notes)
        max_scores = self.max_scores[name]
        scores = {gid: scores.get(gid) for gid in max_scores}
        reasons = explain(graded_nb, self.released[name], scores, max_scores, cell_timeout=self.cell_timeout)
        notes += execution_notes(graded_nb, cell_timeout=self.cell_timeout)
        return self._result(
            task,
            "crashed" if was_cut_short(graded_nb) else "ok",
            start,
            scores=scores,
            reasons=reasons,
            notes=notes,
            graded_path=graded_path,
        )

    def _keep(self, task: _Task, graded: Path | None, log: str, *, keep_log: bool) -> Path | None:
        """Copy the graded notebook (and the log of a failed run) to
        graded_dir, removing what an earlier run left there."""
        if self.graded_dir is None:
            return None
        folder = self.graded_dir / task.student
        log_path = folder / f"{task.notebook.assignment}.log"
        target = folder / task.notebook.name
        log_path.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        if keep_log:
            folder.mkdir(parents=True, exist_ok=True)
            log_path.write_text(log, encoding="utf-8")
        if graded is not None and graded.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(graded, target)
            return target
        return None


# --------------------------------------------------------------------------
# the class


def _exercises(notebooks: Sequence[CourseNotebook], released: Mapping[str, Any]) -> list[Exercise]:
    exercises = []
    for nb in notebooks:
        for cell in released[nb.name].cells:
            if is_test(cell):
                points = float(cell.metadata["nbgrader"].get("points", 0))
                exercises.append(Exercise(nb.name, grade_id(cell), points))
    return exercises


def grade_submissions(
    submissions_dir: str | os.PathLike[str],
    *,
    notebooks: Iterable[str] | str | None = None,
    notebook_dir: str | os.PathLike[str] = "notebooks",
    graded_dir: str | os.PathLike[str] | None = "build/graded",
    timeout: float = DEFAULT_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    jobs: int = 1,
    env: Mapping[str, Any] | None = None,
    echo: Callable[[str], Any] | None = print,
) -> ClassGrades:
    """Autograde every ``<student>/<notebook>.ipynb`` in ``submissions_dir``.

    A broken submission never stops the batch: it gets a status and a reason
    (see :data:`STATUSES`).

    Parameters
    ----------
    submissions_dir : path-like
        One folder per student (folders starting with ``.`` or ``_`` are
        ignored).
    notebooks : str or iterable of str, optional
        The notebooks to grade (file name, stem or prefix such as ``"02"``);
        a student without one of them gets a "missing notebook" row.  By
        default, every course notebook with graded cells that at least one
        student submitted.
    notebook_dir : path-like, default "notebooks"
        The source notebooks (with solutions and hidden tests).
    graded_dir : path-like or None, default "build/graded"
        Where the executed notebooks go (``<student>/<notebook>.ipynb``,
        plus ``<student>/<stem>.log`` for a submission that timed out or
        broke nbgrader); None to keep nothing.
    timeout : float, default 180
        Seconds one submission may take in all (kernel start included).
    cell_timeout : int, default 60
        Seconds one cell may run (nbgrader's ``Execute.timeout``).
    jobs : int, default 1
        Submissions graded in parallel (each one runs a kernel).
    env : mapping, optional
        Extra environment variables for the kernels, e.g.
        ``{"COURSEWORK_DATA": "/data/mirror"}``.  ``COURSEWORK_GRADING=1``
        is always set.
    echo : callable or None, default print
        Receives one progress line per submission.

    Returns
    -------
    ClassGrades
        ``results`` sorted by student, then notebook.

    Raises
    ------
    FileNotFoundError
        If ``submissions_dir`` or ``notebook_dir`` is missing.
    ValueError
        Bad limits, no student folders, no submitted course notebook, or a
        requested notebook that has no graded cells.
    ReleaseError
        A source notebook is unreadable or nbgrader rejected it.
    """
    import nbformat

    start = time.monotonic()
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds. Got {timeout!r} instead.")
    if isinstance(cell_timeout, bool) or not isinstance(cell_timeout, int) or cell_timeout < 1:
        raise ValueError(
            f"cell_timeout must be a whole number of seconds >= 1. Got {cell_timeout!r} instead."
        )
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1. Got {jobs!r} instead.")
    submissions_dir = Path(submissions_dir)
    if not submissions_dir.is_dir():
        raise FileNotFoundError(f"Submissions folder {submissions_dir} does not exist.")
    if isinstance(notebooks, str):
        notebooks = [notebooks]
    requested = notebooks is not None
    sources = select_notebooks(notebook_dir, notebooks)

    skipped = []
    graded_sources = []
    for path in sources:
        try:
            source_nb = nbformat.read(path, as_version=4)
        except Exception as exc:
            raise ReleaseError(f"Cannot read the source notebook {path}: {first_line(str(exc))}") from exc
        if has_graded_cells(source_nb):
            graded_sources.append(path)
        elif requested:
            raise ValueError(f"{path.name} has no graded (nbgrader test) cells: nothing to grade.")
        else:
            skipped.append(path.name)

    folders = _student_folders(submissions_dir)
    if not folders:
        raise ValueError(
            f"No student folders in {submissions_dir}: expected <student>/<notebook>.ipynb."
        )
    found = {
        folder.name: {path.name: _find_submission(folder, path.name) for path in graded_sources}
        for folder in folders
    }
    if not requested:
        submitted = {name for files in found.values() for name, (file, _) in files.items() if file}
        graded_sources = [p for p in graded_sources if p.name in submitted]
        if not graded_sources:
            raise ValueError(
                f"No student folder in {submissions_dir} holds a course notebook with graded cells "
                f"(looked for the names in {notebook_dir})."
            )

    with tempfile.TemporaryDirectory(prefix="coursework-grade-") as tmp:
        template = Path(tmp) / "template"
        course = generate_assignments(graded_sources, template)
        grader = _Grader(
            template,
            course,
            work_dir=Path(tmp) / "work",
            graded_dir=None if graded_dir is None else Path(graded_dir),
            timeout=float(timeout),
            cell_timeout=cell_timeout,
            env=_worker_env(env),
        )
        exercises = grader.exercises
        tasks = []
        for student in sorted(found):
            for nb in course:
                file, note = found[student][nb.name]
                tasks.append(_Task(len(tasks), student, nb, file, note))

        results: list[SubmissionGrade] = []
        lock = threading.Lock()

        def report(result: SubmissionGrade) -> None:
            with lock:
                results.append(result)
                if echo is not None:
                    detail = result.problem or f"{result.total:g}/{result.max_total:g}"
                    echo(
                        f"[{len(results)}/{len(tasks)}] {result.student}/{result.notebook}: "
                        f"{result.status}, {detail} ({result.seconds:.1f} s)"
                    )

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy's SAWarnings from nbgrader's Gradebook
            if jobs == 1:
                for task in tasks:
                    report(grader.grade(task))
            else:
                with ThreadPoolExecutor(max_workers=jobs) as pool:
                    for future in as_completed([pool.submit(grader.grade, task) for task in tasks]):
                        report(future.result())

    order = {nb.name: i for i, nb in enumerate(course)}
    results.sort(key=lambda r: (r.student, order[r.notebook]))
    return ClassGrades(
        exercises=exercises,
        notebooks=[nb.name for nb in course],
        students=sorted(found),
        results=results,
        seconds=time.monotonic() - start,
        skipped=skipped,
    )


# --------------------------------------------------------------------------
# output


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def write_gradebook(grades: ClassGrades, path: str | os.PathLike[str]) -> Path:
    """Write the CSV gradebook; returns its path.

    Columns, one row per student and notebook (sorted)::

        student, notebook, <grade_id>..., total, max_total, status, reasons, notes

    * ``<grade_id>``: one column per exercise (test cell) of every graded
      notebook, in course order: the points earned, empty for another
      notebook's exercises;
    * ``total`` / ``max_total``: points earned / available in the notebook;
    * ``status``: see :data:`STATUSES`;
    * ``reasons``: why points were lost, ``"<grade_id>: <reason>"`` joined
      by ``"; "``, or one reason for the whole notebook (``missing
      notebook``, ``invalid notebook JSON: ...``, ``timeout: ...``);
    * ``notes``: what the grader repaired or noticed (edited or deleted test
      cells, a file graded under another name), joined by ``"; "``.

    The file is UTF-8 with a header row; nothing in it depends on timing, so
    grading the same submissions twice writes the same file.
    """
    path = Path(path)
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    ids = [e.grade_id for e in grades.exercises]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "notebook", *ids, "total", "max_total", "status", "reasons", "notes"])
        for r in grades.results:
            writer.writerow(
                [
                    r.student,
                    r.notebook,
                    *(_points(r.scores[gid]) if gid in r.max_scores else "" for gid in ids),
                    _points(r.total),
                    _points(r.max_total),
                    r.status,
                    r.reason_text(),
                    "; ".join(r.notes),
                ]
            )
    return path


def format_summary(grades: ClassGrades) -> str:
    """A markdown table (one row per student, a column per notebook with
    ``points/max``, a mean row), then the submissions with a problem and the
    time taken.

    Example::

        | student | 01_x | 02_y | total |
        |---|---:|---:|---:|
        | alice | 5/5 | 4/4 | 9/9 |
        | bob | 0/5 (missing) | 2/4 | 2/9 |
        | mean | 2.5/5 | 3/4 | 5.5/9 |

        Problems:
        - bob/01_x.ipynb: missing: missing notebook

        Graded 4 submissions (2 students x 2 notebooks) in 31.2 s: 1 ok... 
    """
    by_key = {(r.student, r.notebook): r for r in grades.results}
    stems = [Path(name).stem for name in grades.notebooks]
    lines = [
        "| student | " + " | ".join(stems) + " | total |",
        "|---|" + "---:|" * (len(stems) + 1),
    ]
    for student in grades.students:
        cells = []
        total = maximum = 0.0
        for name in grades.notebooks:
            r = by_key[(student, name)]
            flag = "" if r.status == "ok" else f" ({r.status})"
            cells.append(f"{r.total:g}/{r.max_total:g}{flag}")
            total += r.total
            maximum += r.max_total
        lines.append(f"| {student} | " + " | ".join(cells) + f" | {total:g}/{maximum:g} |")
    if grades.students:
        means = []
        for name in grades.notebooks:
            rows = [r for r in grades.results if r.notebook == name]
            means.append(f"{sum(r.total for r in rows) / len(rows):.3g}/{rows[0].max_total:g}")
        grand = sum(r.total for r in grades.results) / len(grades.students)
        grand_max = sum(r.max_total for r in grades.results) / len(grades.students)
        lines.append("| mean | " + " | ".join(means) + f" | {grand:.3g}/{grand_max:g} |")

    problems = [r for r in grades.results if r.status != "ok"]
    if problems:
        lines += ["", "Problems:"]
        lines += [f"- {r.student}/{r.notebook}: {r.status}: {r.reason_text()}" for r in problems]
    counts = {s: sum(r.status == s for r in grades.results) for s in STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    ran = [r.seconds for r in grades.results if r.status not in ("missing", "invalid")]
    per = f", {sum(ran) / len(ran):.1f} s per executed notebook" if ran else ""
    lines += [
        "",
        f"Graded {len(grades.results)} submissions ({len(grades.students)} students x "
        f"{len(grades.notebooks)} notebooks) in {grades.seconds:.1f} s{per}: {summary}.",
    ]
    if grades.skipped:
        lines.append("Not graded (no graded cells): " + ", ".join(grades.skipped) + ".")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# command line: python -m coursework grade


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework grade``.

    Returns 0 when the gradebook was written (bad submissions included),
    1 when nbgrader itself failed on a submission or a source notebook,
    2 for a usage error.
    """
    parser = argparse.ArgumentParser(
        prog="python -m coursework grade",
        description="Autograde students' notebooks with nbgrader (in grading mode, "
        f"{GRADING_ENV}=1) and write a CSV gradebook.",
    )
    parser.add_argument("submissions", metavar="SUBMISSIONS_DIR", help="folder of <student>/<notebook>.ipynb")
    parser.add_argument(
        "--output", default="gradebook.csv", help="CSV gradebook to write (default: %(default)s)"
    )
    parser.add_argument(
        "--graded-dir",
        default="build/graded",
        help="where the executed notebooks go, <student>/<notebook>.ipynb (default: %(default)s); "
        "'' to keep none",
    )
    parser.add_argument(
        "--notebooks",
        nargs="+",
        metavar="NOTEBOOK",
        help="notebooks to grade (name, stem or prefix such as 02); students without one get a "
        "'missing notebook' row (default: every course notebook someone submitted)",
    )
    parser.add_argument("--notebook-dir", default="notebooks", help="source notebooks (default: %(default)s)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="seconds one submitted notebook may take in all (default: %(default)g)",
    )
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=DEFAULT_CELL_TIMEOUT,
        help="seconds one cell may run (default: %(default)s; nbgrader's own default is 30)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel (default: 1)")
    args = parser.parse_args(argv)
    try:
        grades = grade_submissions(
            args.submissions,
            notebooks=args.notebooks,
            notebook_dir=args.notebook_dir,
            graded_dir=args.graded_dir or None,
            timeout=args.timeout,
            cell_timeout=args.cell_timeout,
            jobs=args.jobs,
            echo=lambda line: print(line, flush=True),
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    path = write_gradebook(grades, args.output)
    print()
    print(format_summary(grades))
    print(f"Gradebook: {path}" + (f"; graded notebooks: {args.graded_dir}/" if args.graded_dir else ""))
    return 1 if any(r.status == "error" for r in grades.results) else 0
