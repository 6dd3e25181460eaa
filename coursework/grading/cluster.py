"""Run the submissions of a batch on a Dask distributed cluster.

``grade --scheduler tcp://HOST:8786`` sends each submission's run (stage 3,
:func:`~coursework.grading.run.run_submission`) to the workers of a running
Dask scheduler (https://distributed.dask.org); collecting, repairing,
scoring and writing stay on this machine::

    dask scheduler                                  # on one machine
    dask worker tcp://HOST:8786 --nthreads 2        # on each grading machine
    python -m coursework grade submissions/ --scheduler tcp://HOST:8786

The workers need no shared filesystem: a :class:`~coursework.grading.run.Job`
carries the submission and the gradebook template as data and the
:class:`~coursework.grading.run.Outcome` brings back the graded notebook,
the scores and the logs.  Each worker needs the course package (the same
version), nbgrader and, unless ``--no-sandbox``, bubblewrap: it runs the very
subprocess and sandbox a local run does, with the sandbox built for *its*
machine (:func:`run_on_worker`).  A run whose worker dies is run again
elsewhere (Dask reschedules it), and one that raises is retried
:data:`RETRIES` times; after that the submission gets an ``error`` row.

``distributed.Client.get_executor()`` is a :class:`concurrent.futures.Executor`,
so the batch loop (:mod:`~coursework.grading.grade`) is the local one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Iterator
from typing import Any

from .._kernels import first_line, kernel_env
from .run import Job, Outcome, Runner, run_submission
from .sandbox import SandboxUnavailable, sandbox_spec
from .spec import SandboxSpec

__all__ = ["RETRIES", "ClusterUnavailable", "cluster_runner", "run_on_worker"]

#: Times a run that raised on a worker is tried again.
RETRIES = 2
#: Seconds to wait for the scheduler, then for a first worker.
CONNECT_TIMEOUT = 30
INSTALL_HINT = "pip install 'coursework[cluster]' (or: pip install 'dask[distributed]')"


class ClusterUnavailable(RuntimeError):
    """Dask is not installed, or its scheduler cannot be reached or has no
    workers (the message says which and what to do)."""


@functools.lru_cache(maxsize=8)
def _worker_sandbox(env: tuple[tuple[str, str], ...]) -> SandboxSpec:
    """This worker's sandbox for kernels given ``env``, built once per process."""
    return sandbox_spec(kernel_env(dict(env)))


def run_on_worker(job: Job) -> Outcome:
    """:func:`~coursework.grading.run.run_submission` on a Dask worker, in
    the sandbox of the worker's machine when ``job`` asks for one."""
    if job.sandbox is not None:
        job = dataclasses.replace(job, sandbox=_worker_sandbox(tuple(sorted(job.env.items()))))
    return run_submission(job)


def _probe_worker(env: dict[str, str], sandbox: bool) -> SandboxSpec | None:
    """Run on each worker before the batch: can it grade?"""
    import coursework.grading._worker  # noqa: F401 (the package and nbgrader are there)
    import nbgrader  # noqa: F401

    return _worker_sandbox(tuple(sorted(env.items()))) if sandbox else None


def _connect(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise ClusterUnavailable(f"--scheduler needs Dask's distributed scheduler, which is not installed: "
                                 f"{INSTALL_HINT}.") from None
    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterUnavailable(
            f"Cannot reach the Dask scheduler at {address}: {first_line(str(exc), 200)}. Check the address "
            "(tcp://HOST:8786) and that `dask scheduler` runs there, or grade here without --scheduler."
        ) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError:
        client.close()
        raise ClusterUnavailable(f"The Dask scheduler at {address} has no workers after {CONNECT_TIMEOUT} s: "
                                 f"start some with `dask worker {address}`.") from None
    return client


def _check_workers(client: Any, env: dict[str, str], sandbox: bool) -> SandboxSpec | None:
    """Each worker's sandbox (the first one's is returned), or a clear error."""
    found = client.run(_probe_worker, env, sandbox, on_error="return")
    for address, result in sorted(found.items()):
        if isinstance(result, SandboxUnavailable):
            raise SandboxUnavailable(f"on the Dask worker {address}: {result}")
        if isinstance(result, BaseException):
            raise ClusterUnavailable(
                f"The Dask worker {address} cannot grade: {type(result).__name__}: {first_line(str(result), 200)}. "
                "Install the course package with its grading extra there (pip install 'coursework[grading]')."
            )
    return next(iter(found.values())) if sandbox else None


@contextlib.contextmanager
def cluster_runner(address: str, env: dict[str, str], *, sandbox: bool = True) -> Iterator[Runner]:
    """A :class:`~coursework.grading.run.Runner` on the Dask cluster whose
    scheduler is at ``address``; ``env``: the kernels' extra variables.

    At most twice as many runs as the cluster has worker threads are
    submitted at a time.

    Raises
    ------
    ClusterUnavailable
        Dask missing, scheduler unreachable, no workers, or a worker
        without the course package or nbgrader.
    SandboxUnavailable
        ``sandbox`` and a worker cannot build the sandbox.
    """
    client = _connect(address)
    try:
        spec = _check_workers(client, env, sandbox)
        slots = sum(client.nthreads().values())
        executor = client.get_executor(retries=RETRIES, pure=False)
        try:
            yield Runner(executor, max(2, 2 * slots), spec, run_on_worker)
        finally:
            executor.shutdown(wait=False)
    finally:
        client.close()
