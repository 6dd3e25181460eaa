"""Warm autograde workers: nbgrader imported once per job slot, a fresh
process forked for each submission.

Importing nbgrader and what it pulls in (nbconvert, SQLAlchemy, setuptools,
jsonschema...) costs a cold ``python -m coursework.grading.execution.worker`` about
2 s of CPU, for each submission.  Instead, each job slot (a thread of the
local pool, or of a Dask worker) keeps one *warm* process,
``python -m coursework.grading.execution.warm``, that imports all that once and then,
for each submission, forks a child that runs
:func:`coursework.grading.execution.worker.main` on the submission's spec and exits.
The warm process itself runs nothing a submission sent, only forks; each
child is what the cold worker was: its own session and process group
(killed as a whole at the time limit), its own environment (the job's),
stdout and stderr to a log file, and it starts the sandboxed kernel, which
dies with it (bubblewrap's ``--die-with-parent``).

Protocol, one JSON line each way on the warm process's stdin and stdout:
``{"spec": PATH, "log": PATH, "env": {...}}`` -> ``{"pid": N}`` at the fork,
then ``{"pid": N, "status": CODE}`` when the child ended (CODE: its exit
status, or minus the signal that killed it).  At end of input it exits.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
import weakref
from typing import Any

from ...config import WARM_ENV
from .servers import end_server

__all__ = ["WARM_ENV", "WarmWorker", "warm_worker"]


def _preload() -> None:
    """Import everything a worker imports (the fork inherits it)."""
    from . import worker  # noqa: F401  (also keeps jsonschema's slow optional import out)
    from nbclient import NotebookClient  # noqa: F401
    from nbgrader.converters import Autograde  # noqa: F401
    from nbgrader.coursedir import CourseDirectory  # noqa: F401
    from nbgrader.preprocessors import Execute, LimitOutput  # noqa: F401
    from sqlalchemy.dialects.sqlite import pysqlite  # noqa: F401

    from .. import _course_dir  # noqa: F401
    from . import kernel_manager, preprocessors  # noqa: F401


def _child(request: dict[str, Any]) -> None:
    """In the forked child: become the cold worker, then exit."""
    code = 70
    try:
        os.setsid()
        fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(os.path.dirname(request["spec"]))
        from .worker import main

        code = main([request["spec"]])
    except BaseException:  # noqa: BLE001 (the child must never return into the loop)
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    """The warm process's loop (see the module doc)."""
    from .worker import die_with_parent

    die_with_parent()  # with the thread that started it
    _preload()
    out = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        out.write(json.dumps({"pid": pid, "status": code}) + "\n")
        out.flush()


class WarmWorker:
    """The client side of one warm process (one per thread, see :func:`warm_worker`)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coursework.grading.execution.warm"], env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        self._buffer = b""
        weakref.finalize(self, end_server, self.proc)

    def start(self, spec: str, log: str, env: dict[str, str]) -> int:
        """Fork a worker for ``spec``; returns its pid."""
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"spec": spec, "log": log, "env": env}) + "\n").encode())
        self.proc.stdin.flush()
        reply = self._read(60.0)
        if reply is None or "pid" not in reply:
            raise OSError("the warm grading worker did not start a worker")
        return int(reply["pid"])

    def wait(self, timeout: float) -> int | None:
        """The worker's exit status, or None when ``timeout`` ran out."""
        reply = self._read(timeout)
        return None if reply is None else int(reply["status"])

    def _read(self, timeout: float) -> dict[str, Any] | None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise OSError("the warm grading worker exited")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None


_local = threading.local()


def warm_worker(env: dict[str, str]) -> WarmWorker | None:
    """This thread's warm process (started on first use), or None when
    :data:`WARM_ENV` is ``"0"`` or ``os.fork`` is unavailable."""
    if os.environ.get(WARM_ENV, "1") == "0" or not hasattr(os, "fork"):
        return None
    worker = getattr(_local, "worker", None)
    if worker is None or not worker.alive:
        worker = _local.worker = WarmWorker(env)
    return worker


def discard() -> None:
    """Drop this thread's warm process (after a protocol error)."""
    worker = getattr(_local, "worker", None)
    _local.worker = None
    if worker is not None:
        worker.proc.kill()


if __name__ == "__main__":
    serve()
