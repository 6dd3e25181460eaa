"""Stage 3, run one submission in the sandbox: data in, data out.

:func:`run_submission` takes a :class:`Job` (the prepared submission as
notebook JSON, the gradebook template as bytes, the assignment id, the
limits, the sandbox) and returns an :class:`Outcome` (the graded notebook
as JSON, the scores nbgrader recorded, the logs, the worker's report).  It
touches nothing but a temporary folder of its own, so it can run anywhere
the course package is installed, in parallel with others, or on a remote
worker.

Inside: a private nbgrader course directory is built from the template,
the worker (:mod:`coursework.grading.execution.worker`) runs nbgrader's
``autograde`` in a process of its own (its own process group, killed as a
whole when the per-notebook limit ``Limits.timeout`` runs out, and its own
CPU share, :mod:`~coursework.grading.execution.cpu_share`), and the kernel and the
judge it starts run in sandboxes.  The worker is forked from the
calling thread's warm process, which has nbgrader imported already
(:mod:`coursework.grading.execution.warm`), or, where there is none, started cold as
``python -m coursework.grading.execution.worker``.  Only the head and tail of the
worker's output are kept.

:class:`Runner` says where the runs of a batch go: :func:`local_runner`
(threads here) or :func:`coursework.grading.execution.cluster.cluster_runner` (a Dask
cluster).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..._kernels import kernel_env
from ..._logs import HeadTail, head_and_tail
from ...config import GRADING_ENV, HEADLESS_ENV, RESULTS_ENV
from . import warm as _warm
from .cpu_share import cpu_share
from .judge.warm import warm_judge
from .sandbox import fresh_uid
from .spec import Limits, SandboxSpec, WorkerReport, WorkerSpec

__all__ = ["STUDENT_ID", "Job", "Outcome", "Runner", "local_runner", "run_submission"]

#: nbgrader's student id inside each private course directory.
STUDENT_ID = "student"
_LOG_KEEP = 100_000  # characters of a worker's output kept (head and tail)


@dataclass(frozen=True)
class Job:
    """Everything needed to grade one submission.

    ``notebook`` is the submission (notebook JSON, already repaired),
    ``gradebook`` the template ``gradebook.db``; ``judge_context`` the
    released notebook's cells for the judge (JSON, see
    :func:`coursework.grading.execution.judge.context.lesson_context`); ``env`` holds
    extra variables for the kernel; ``index`` numbers the job within its batch.
    """

    name: str
    assignment: str
    notebook: str
    gradebook: bytes
    limits: Limits = field(default_factory=Limits)
    sandbox: SandboxSpec | None = None
    env: dict[str, str] = field(default_factory=dict)
    judge_context: str = ""
    index: int = 0


@dataclass(frozen=True)
class Outcome:
    """What running one submission gave.

    ``status``: ``"finished"`` (nbgrader wrote the graded notebook),
    ``"failed"`` (it gave up; ``report.errors`` says why) or ``"timeout"``
    (``running_cell`` was running when the limit ran out).  ``graded``: the
    executed notebook as JSON; ``scores``: ``{grade_id: points}`` from the
    gradebook; ``log``: nbgrader's output; ``kernel_log``: the kernel
    process's own stdout and stderr.
    """

    status: str
    graded: str | None
    scores: dict[str, float | None]
    log: str
    kernel_log: bytes
    report: WorkerReport | None
    running_cell: int | None
    seconds: float


def _worker_env(extra: dict[str, str]) -> dict[str, str]:
    """The worker's (and, without a sandbox, the kernel's) environment."""
    return kernel_env(
        extra,
        drop=(RESULTS_ENV,),  # record() in the notebooks writes nothing
        defaults={"TF_CPP_MIN_LOG_LEVEL": "2"},
        fixed={"MPLBACKEND": "Agg", HEADLESS_ENV: "1", "PYTHONUNBUFFERED": "1", GRADING_ENV: "1"},
    )


class _Drain(threading.Thread):
    """Read a pipe to its end, keeping only its head and tail."""

    def __init__(self, pipe: Any) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.kept = HeadTail(_LOG_KEEP)

    def run(self) -> None:
        for chunk in iter(lambda: self.pipe.read(65536), b""):
            self.kept.feed(chunk)

    def text(self) -> str:
        return self.kept.text()


def _kill_group(pid: int | None) -> None:
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _start_worker(spec_path: Path, env: dict[str, str]) -> tuple[subprocess.Popen, _Drain]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "coursework.grading.execution.worker", str(spec_path)],
        cwd=spec_path.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as a whole
    )
    drain = _Drain(proc.stdout)
    drain.start()
    return proc, drain


def _wait(proc: subprocess.Popen, drain: _Drain, timeout: float, kernel_pid: Path) -> bool:
    """Wait for the worker; False when the time limit ran out (it and the
    kernel's sandbox are then killed)."""
    try:
        proc.wait(timeout=timeout)
        finished = True
    except subprocess.TimeoutExpired:
        finished = False
        _kill_group(_read_int(kernel_pid))  # the sandbox dies with its first process
        _kill_group(proc.pid)
        proc.wait()
    drain.join(timeout=5)
    if drain.is_alive():  # a process the kernel started still holds the pipe
        _kill_group(_read_int(kernel_pid))
        drain.join(timeout=5)
    if not drain.is_alive():
        proc.stdout.close()  # type: ignore[union-attr]
    return finished


def _run_cold(spec_path: Path, env: dict[str, str], timeout: float, kernel_pid: Path,
              on_start: Callable[[int], None]) -> tuple[bool, str]:
    """A new ``python -m coursework.grading.execution.worker``: (finished in time, its output)."""
    proc, drain = _start_worker(spec_path, env)
    on_start(proc.pid)
    finished = _wait(proc, drain, timeout, kernel_pid)
    return finished, drain.text()


def _wait_warm(warm: _warm.WarmWorker, pid: int, log: Path, timeout: float,
               kernel_pid: Path) -> tuple[bool, str]:
    """Wait for a worker forked by a warm process: (finished in time, its output)."""
    try:
        finished = warm.wait(timeout) is not None
        if not finished:
            _kill_group(_read_int(kernel_pid))  # the sandbox dies with its first process
            _kill_group(pid)
            if warm.wait(30) is None:
                raise OSError("the warm grading worker did not reap a killed worker")
    except OSError:
        _kill_group(pid)
        _warm.discard()
        raise
    return finished, head_and_tail(log, _LOG_KEEP)


def _run_worker(spec_path: Path, env: dict[str, str], timeout: float, kernel_pid: Path,
                on_start: Callable[[int], None]) -> tuple[bool, str]:
    """Run the worker on ``spec_path``: forked from this thread's warm process
    (:mod:`._warm`), or a cold one when there is none or it cannot fork;
    ``on_start(pid)`` as soon as it has started."""
    log = spec_path.parent / "worker.log"
    try:
        warm = _warm.warm_worker(_worker_env({}))
        pid = None if warm is None else warm.start(str(spec_path), str(log), env)
    except OSError:
        _warm.discard()
        warm, pid = None, None
    if warm is None or pid is None:
        return _run_cold(spec_path, env, timeout, kernel_pid, on_start)
    on_start(pid)
    return _wait_warm(warm, pid, log, timeout, kernel_pid)


def _layout(job: Job, work: Path) -> WorkerSpec:
    """The private course directory, runtime and scratch folders of a job."""
    root = work / "course"
    submitted = root / "submitted" / STUDENT_ID / job.assignment / job.name
    submitted.parent.mkdir(parents=True)
    (root / "gradebook.db").write_bytes(job.gradebook)
    submitted.write_text(job.notebook, encoding="utf-8")
    runtime = Path(tempfile.mkdtemp(prefix="cw-", dir="/tmp" if os.path.isdir("/tmp") else None))
    (work / "scratch").mkdir()
    (work / "judge_context.json").write_text(job.judge_context or "{}", encoding="utf-8")
    sandbox = job.sandbox
    if sandbox is not None and sandbox.uid is not None:
        sandbox = dataclasses.replace(sandbox, uid=fresh_uid())
        os.chown(runtime, sandbox.uid, sandbox.uid)
        os.chmod(runtime, 0o711)  # the judge (another uid) reads the answers' array files in it
    return WorkerSpec(
        root=str(root), assignment=job.assignment, student=STUDENT_ID, runtime=str(runtime),
        scratch=str(work / "scratch"), report=str(work / "report.json"), kernel_log=str(work / "kernel.log"),
        limits=job.limits, sandbox=sandbox, env=dict(job.env), judge_context=str(work / "judge_context.json"),
        kernel_pid_file=str(root / "kernel.pid"), cell_file=str(root / "cell"),
    )


def _read_scores(root: Path, assignment: str) -> dict[str, float | None]:
    import warnings

    from nbgrader.api import Gradebook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's SAWarnings
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            submission = gb.find_submission_notebook(assignment, assignment, STUDENT_ID)
            return {g.name: (None if g.auto_score is None else float(g.auto_score)) for g in submission.grades}


def _results(spec: WorkerSpec, job: Job) -> tuple[str | None, dict[str, float | None], WorkerReport | None]:
    root = Path(spec.root)
    graded = root / "autograded" / STUDENT_ID / job.assignment / job.name
    try:
        report = WorkerReport.from_json(Path(spec.report).read_text())
    except (OSError, ValueError, TypeError):
        report = None
    if report is None or not report.finished or not graded.is_file():
        return None, {}, report
    return graded.read_text(encoding="utf-8"), _read_scores(root, job.assignment), report


def run_submission(job: Job) -> Outcome:
    """Grade one submission in a worker subprocess and a sandboxed kernel
    (see the module docstring); never raises for what the submission does."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="coursework-run-") as tmp, cpu_share() as share:
        work = Path(tmp)
        spec = _layout(job, work)
        spec = dataclasses.replace(spec, judge_socket=warm_judge(job.sandbox, job.limits, job.env) or "")
        try:
            spec_path = work / "spec.json"
            spec_path.write_text(spec.to_json())
            on_start = share.add if share is not None else (lambda pid: None)
            finished, log = _run_worker(spec_path, _worker_env(job.env), job.limits.timeout,
                                        Path(spec.kernel_pid_file), on_start)
            graded, scores, report = _results(spec, job) if finished else (None, {}, None)
            kernel_log = Path(spec.kernel_log).read_bytes()[-200_000:] if Path(spec.kernel_log).exists() else b""
            running = _read_int(Path(spec.cell_file))
        finally:
            shutil.rmtree(spec.runtime, ignore_errors=True)
    status = "timeout" if not finished else ("finished" if graded is not None else "failed")
    return Outcome(status, graded, scores, log, kernel_log, report, running, time.monotonic() - start)


@dataclass(frozen=True)
class Runner:
    """Where the runs of a batch happen: ``executor.submit(run, job)`` returns
    a future of the :class:`Outcome`; at most ``window`` jobs are submitted
    at a time; ``sandbox`` is the sandbox the jobs ask for (None: none)."""

    executor: Executor
    window: int
    sandbox: SandboxSpec | None
    run: Callable[[Job], Outcome] = run_submission


@contextlib.contextmanager
def local_runner(jobs: int, sandbox: SandboxSpec | None) -> Iterator[Runner]:
    """``jobs`` runs at a time on this machine (threads, each waiting on its
    worker subprocess)."""
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade") as pool:
        yield Runner(pool, jobs, sandbox)
