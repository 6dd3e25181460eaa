"""Autograde a class: the pipeline that chains the stages.

::

    collect submissions  ->  prepare the assignments  ->  run each submission
    (collect.py)             (assignments.py)             in the sandbox (run.py)
                                                          ->  score  ->  write gradebook and summary
                                                              (score.py) (report.py)

Before its run, each submission is repaired (:mod:`~coursework.grading.repair`);
during it, its test cells run in the judge (:mod:`~coursework.grading.judge`),
never in the student's kernel.  A broken or hostile submission never stops the batch: it gets a status and a reason (see
:data:`~coursework.grading.model.STATUSES`).  Only the runs leave this
thread: to ``jobs`` threads here, or to the workers of a Dask cluster
(:mod:`~coursework.grading.cluster`); preparing and scoring stay here.  The command line is
:mod:`coursework.grading.cli`; the instructor's guide ``docs/instructors.md``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._kernels import first_line, kernel_env
from .assignments import Assignment, prepare_course
from .collect import Submission, Unreadable, find_class, read_submission
from .cells import KERNEL_DIED, UNRESPONSIVE_MESSAGE
from .model import ClassGrades, SubmissionGrade
from .repair import repair
from .report import keep_outputs
from .run import Job, Outcome, Runner, local_runner
from .sandbox import sandbox_spec
from .score import score
from .spec import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits, SandboxSpec

__all__ = ["grade_submissions"]

_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b:")


@dataclass(frozen=True)
class _Batch:
    """What every submission of one batch shares."""

    assignments: dict[str, Assignment]
    gradebook: bytes
    limits: Limits
    sandbox: SandboxSpec | None
    env: dict[str, str]
    graded_dir: Path | None


def _check_limits(timeout: Any, cell_timeout: Any, memory: Any, jobs: Any, scheduler: Any) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds. Got {timeout!r} instead.")
    if isinstance(cell_timeout, bool) or not isinstance(cell_timeout, int) or cell_timeout < 1:
        raise ValueError(f"cell_timeout must be a whole number of seconds >= 1. Got {cell_timeout!r} instead.")
    if isinstance(memory, bool) or not isinstance(memory, int) or memory < 2**28:
        raise ValueError(f"memory must be a number of bytes >= 256 MB (2**28). Got {memory!r} instead.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1. Got {jobs!r} instead.")
    if scheduler is not None and jobs != 1:
        raise ValueError(f"jobs={jobs} and a scheduler exclude each other: on a cluster the workers' threads "
                         "set how many submissions run at once (`dask worker ADDRESS --nthreads N`).")
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ValueError(f"scheduler must be a Dask scheduler's address such as 'tcp://HOST:8786'. "
                         f"Got {scheduler!r} instead.")


def _zero(sub: Submission, a: Assignment, status: str, problem: str, start: float, **extra: Any) -> SubmissionGrade:
    notes = [sub.note] if sub.note else []
    return SubmissionGrade(sub.student, sub.notebook, status, {gid: 0.0 for gid in a.max_scores},
                           a.max_scores, problem=problem, notes=notes + extra.pop("notes", []),
                           seconds=time.monotonic() - start, file=sub.file, **extra)


def _failure(outcome: Outcome) -> str:
    """One line on why nbgrader gave up: the exception it logged (not its
    generic NbGraderException), else its first error, else the log's end."""
    errors = list(outcome.report.errors) if outcome.report else []
    raised = [e for e in errors if _EXCEPTION.match(e) and not e.startswith("NbGraderException")]
    if raised or errors:
        return first_line((raised or errors)[0], 200)
    lines = outcome.log.strip().splitlines()
    return first_line(lines[-1], 200) if lines else "the worker stopped without a report"


def _job(sub: Submission, batch: _Batch, nb: Any) -> Job:
    import nbformat

    a = batch.assignments[sub.notebook]
    return Job(sub.notebook, a.assignment, nbformat.writes(nb), batch.gradebook, batch.limits, batch.sandbox,
               batch.env, judge_context=a.judge_context, index=sub.index)


def _prepare(sub: Submission, batch: _Batch) -> tuple[Job, list[str]] | SubmissionGrade:
    """Before the run, on this machine: read and repair a submission.
    Returns its job and the repair notes, or its row when it cannot run."""
    a, start = batch.assignments[sub.notebook], time.monotonic()
    try:
        if sub.file is None:
            keep_outputs(batch.graded_dir, sub.student, sub.notebook, None, keep_log=False)
            return _zero(sub, a, "missing", "missing notebook", start)
        try:
            nb = read_submission(sub.file)
        except Unreadable as exc:
            keep_outputs(batch.graded_dir, sub.student, sub.notebook, None, keep_log=False)
            return _zero(sub, a, "invalid", str(exc), start)
        notes = repair(nb, a.released, a.source)
        return _job(sub, batch, nb), notes
    except Exception as exc:
        return _zero(sub, a, "error", f"grader error: {type(exc).__name__}: {first_line(str(exc), 200)}", start)


def _finish(sub: Submission, batch: _Batch, outcome: Outcome, notes: list[str]) -> SubmissionGrade:
    """After the run, on this machine: keep the outputs, score.  ``seconds``
    is the run's own time (queueing on a cluster not included)."""
    a, start = batch.assignments[sub.notebook], time.monotonic() - outcome.seconds
    try:
        graded, log = keep_outputs(batch.graded_dir, sub.student, sub.notebook, outcome,
                                   keep_log=outcome.status != "finished")
        if outcome.status == "timeout":
            where = f" (cell {outcome.running_cell + 1} was running)" if outcome.running_cell is not None else ""
            problem = f"timeout: grading took longer than {batch.limits.timeout:g} s{where}"
            return _zero(sub, a, "timeout", problem, start, notes=notes, graded_path=graded, log_path=log)
        if outcome.status == "failed":
            return _zero(sub, a, "error", f"autograder failed: {_failure(outcome)}", start, notes=notes, log_path=log)
        grade = score(sub, a, outcome, notes=([sub.note] if sub.note else []) + notes,
                      cell_timeout=batch.limits.cell_timeout, graded_path=graded, log_path=log)
        grade.seconds = time.monotonic() - start
        return grade
    except Exception as exc:
        return _zero(sub, a, "error", f"grader error: {type(exc).__name__}: {first_line(str(exc), 200)}", start)


def _lost(sub: Submission, batch: _Batch, exc: BaseException) -> SubmissionGrade:
    """The row of a run that raised (on a cluster: its retries used up)."""
    a = batch.assignments[sub.notebook]
    return _zero(sub, a, "error", f"grader error: {type(exc).__name__}: {first_line(str(exc), 200)}",
                 time.monotonic())


def _run_all(subs: list[Submission], batch: _Batch, runner: Runner,
             echo: Callable[[str], Any] | None) -> list[SubmissionGrade]:
    """Grade ``subs``: each run on ``runner``'s executor, at most
    ``runner.window`` at a time (so a large class is never all in memory);
    preparing and scoring here, one at a time, in completion order."""
    results: list[SubmissionGrade] = []
    pending: dict[Future, tuple[Submission, list[str], Job, int]] = {}
    queue = iter(subs)

    started = time.monotonic()

    def record(result: SubmissionGrade) -> None:
        results.append(result)
        if echo is not None:
            detail = result.problem or f"{result.total:g}/{result.max_total:g}"
            echo(f"[{len(results)}/{len(subs)}] {result.student}/{result.notebook}: "
                 f"{result.status}, {detail} ({result.seconds:.1f} s){progress(len(results), len(subs), started)}")

    def fill() -> None:
        while len(pending) < runner.window:
            sub = next(queue, None)
            if sub is None:
                return
            prepared = _prepare(sub, batch)
            if isinstance(prepared, SubmissionGrade):
                record(prepared)
            else:
                job, notes = prepared
                pending[runner.executor.submit(runner.run, job)] = (sub, notes, job, 0)

    fill()
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=lambda f: pending[f][0].index):
            sub, notes, job, tries = pending.pop(future)
            exc = future.exception()
            if exc is None and tries == 0 and _retry(future.result()):
                pending[runner.executor.submit(runner.run, job)] = (sub, notes, job, 1)
                continue
            record(_lost(sub, batch, exc) if exc is not None else _finish(sub, batch, future.result(), notes))
        fill()
    return results


def progress(done: int, total: int, started: float) -> str:
    """``" | 4.2/min, about 12 min left"``: the rate so far and the time left
    at that rate (nothing before the first result or after the last)."""
    elapsed = time.monotonic() - started
    if done == 0 or done >= total or elapsed <= 0:
        return ""
    rate = done / elapsed * 60
    left = (total - done) / rate
    when = f"{left:.0f} min" if left >= 1 else f"{left * 60:.0f} s"
    return f" | {rate:.1f}/min, about {when} left"


def _retry(outcome: Outcome) -> bool:
    """Run a submission again when its kernel died, stopped responding or ran
    out of time while this machine was overloaded (more runnable processes
    than cores): a neighbour, not the submission, may be the cause.  A run
    stopped by the memory limit is not retried."""
    report = outcome.report
    if report is not None and report.memory_exceeded_cell is not None:
        return False
    stopped = outcome.status == "timeout" or (
        outcome.graded is not None and any(marker in outcome.graded for marker in (KERNEL_DIED, UNRESPONSIVE_MESSAGE))
    )
    return stopped and os.getloadavg()[0] > (os.cpu_count() or 1)


def _runner(jobs: int, scheduler: str | None, extra: dict[str, str],
            sandbox: bool) -> contextlib.AbstractContextManager[Runner]:
    """Where the runs go: ``jobs`` threads here, or the workers of a Dask cluster."""
    if scheduler is not None:
        from .cluster import cluster_runner

        return cluster_runner(scheduler, extra, sandbox=sandbox)
    return local_runner(jobs, sandbox_spec(kernel_env(extra)) if sandbox else None)


def grade_submissions(
    submissions_dir: str | os.PathLike[str],
    *,
    notebooks: Iterable[str] | str | None = None,
    notebook_dir: str | os.PathLike[str] = "notebooks",
    graded_dir: str | os.PathLike[str] | None = "build/graded",
    timeout: float = DEFAULT_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
    jobs: int = 1,
    env: Mapping[str, Any] | None = None,
    sandbox: bool = True,
    echo: Callable[[str], Any] | None = print,
    scheduler: str | None = None,
) -> ClassGrades:
    """Autograde every ``<student>/<notebook>.ipynb`` in ``submissions_dir``.

    Parameters
    ----------
    submissions_dir : path-like
        One folder per student (see :mod:`~coursework.grading.collect`).
    notebooks : str or iterable of str, optional
        The notebooks to grade (file name, stem or prefix such as ``"02"``);
        a student without one of them gets a "missing notebook" row.  By
        default, every course notebook with graded cells that at least one
        student submitted.
    notebook_dir : path-like, default "notebooks"
        The source notebooks (with solutions and hidden tests).
    graded_dir : path-like or None, default "build/graded"
        Where the executed notebooks go (``<student>/<notebook>.ipynb``, the
        kernel's log ``<student>/<stem>.stderr.log``, nbgrader's log
        ``<student>/<stem>.log`` when it failed or timed out); None: nothing.
    timeout, cell_timeout : default 180 and 60
        Seconds one submission (kernel start included), and one cell, may run.
    memory : int, default 3 GiB
        Bytes of memory one submission's kernel may use (resident, all its
        processes); above, it is stopped and the row says so.
    jobs : int, default 1
        Submissions graded in parallel (each one runs a kernel).
    env : mapping, optional
        Extra environment variables for the kernels, e.g.
        ``{"COURSEWORK_DATA": "/data/mirror"}``; ``COURSEWORK_GRADING=1`` is
        always set.
    sandbox : bool, default True
        Run each kernel in the bubblewrap sandbox; False (``--no-sandbox``)
        only when bubblewrap is unavailable: student code then runs with
        your privileges, the summary warns and every row says so.
    echo : callable or None, default print
        Receives one progress line per submission.
    scheduler : str, optional
        A Dask distributed scheduler's address (``"tcp://HOST:8786"``): the
        runs go to its workers (:mod:`~coursework.grading.cluster`; needs
        the ``cluster`` extra), everything else stays here.  Excludes
        ``jobs``; the gradebook is the one a local run writes.

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
    SandboxUnavailable
        ``sandbox=True`` but bubblewrap is missing or cannot run here (on
        a cluster: on one of its workers).
    ClusterUnavailable
        Dask is not installed, or the scheduler is unreachable or has no
        workers.
    """
    start = time.monotonic()
    _check_limits(timeout, cell_timeout, memory, jobs, scheduler)
    found = find_class(submissions_dir, notebook_dir, notebooks)
    sources, folders = found.sources, found.folders
    extra = {str(k): str(v) for k, v in (env or {}).items()}
    limits = Limits(timeout=float(timeout), cell_timeout=cell_timeout, memory=memory)
    with contextlib.ExitStack() as stack:
        runner = stack.enter_context(_runner(jobs, scheduler, extra, sandbox))
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="coursework-grade-"))
        course = prepare_course(sources, Path(tmp) / "template")
        batch = _Batch({a.name: a for a in course.assignments}, course.gradebook, limits, runner.sandbox, extra,
                       None if graded_dir is None else Path(graded_dir))
        results = _run_all(found.submissions, batch, runner, echo)
    order = {name: i for i, name in enumerate(sources)}
    results.sort(key=lambda r: (r.student, order[r.notebook]))
    return ClassGrades(
        exercises=[e for a in course.assignments for e in a.exercises], notebooks=list(sources),
        students=[f.name for f in folders], results=results, seconds=time.monotonic() - start,
        skipped=found.skipped, sandboxed=sandbox,
    )
