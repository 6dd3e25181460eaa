"""Warm judges, the grader's side: one judge server per job slot (:mod:`.server`).

A job slot (a thread of the local pool, or of a Dask worker) starts its
server on first use, in a bubblewrap sandbox of its own when the jobs have
one (no network, no instructor or student files, a uid no kernel has when
grading as root), and hands its socket's path to each submission's worker
(``WorkerSpec.judge_socket``), which connects to it
(:meth:`.session.JudgeSession.connect`).  A server is kept while the jobs
ask for the same sandbox, limits and environment, and replaced otherwise.

``COURSEWORK_WARM_WORKER=0`` (or a platform without ``fork``) turns warm
judges off with the warm workers: each submission then starts a judge
process of its own, as :func:`.session.start_judge` does when it can't
connect.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Mapping
from pathlib import Path

from ....config import WARM_ENV
from ..sandbox import JUDGE_UID_OFFSET, bwrap_argv, fresh_uid, kernel_environment, shim_argv, write_etc
from ..servers import end_server
from ..spec import Limits, SandboxSpec

__all__ = ["WarmJudge", "judge_environment", "warm_judge"]

#: Seconds a new server may take to import what checks use and listen.
READY_TIMEOUT = 120.0


def judge_environment(sandbox: SandboxSpec | None, extra: Mapping[str, str]) -> dict[str, str]:
    """A judge's environment: a sandboxed kernel's, or this process's plus ``extra``."""
    if sandbox is not None:
        return kernel_environment(os.environ, extra)
    return {**os.environ, **extra}


class WarmJudge:
    """One judge server and the folder holding its socket."""

    def __init__(self, sandbox: SandboxSpec | None, limits: Limits, env: dict[str, str]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="cw-judge-", dir="/tmp" if os.path.isdir("/tmp") else None))
        self.socket = str(self.folder / "judge.sock")
        argv = [sys.executable, "-m", "coursework.grading.execution.judge.server", self.socket]
        if sandbox is not None:
            if sandbox.uid is not None:
                sandbox = dataclasses.replace(sandbox, uid=fresh_uid() + JUDGE_UID_OFFSET)
            etc = write_etc(self.folder, sandbox.uid)
            if sandbox.uid is not None:
                os.chown(self.folder, sandbox.uid, sandbox.uid)
            argv = bwrap_argv(sandbox, runtime=self.folder, etc=etc, limits=limits) + shim_argv(sandbox, limits) + argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        self.close = weakref.finalize(self, _close, self.proc, self.folder)  # once, or at collection

    def ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """Wait until the server listens (its socket exists); False when it
        exited or did not get there in ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while self.alive and time.monotonic() < deadline:
            if os.path.exists(self.socket):
                return True
            time.sleep(0.1)
        return False

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

def _close(proc: subprocess.Popen, folder: Path) -> None:
    end_server(proc)
    shutil.rmtree(folder, ignore_errors=True)


_local = threading.local()


def warm_judge(sandbox: SandboxSpec | None, limits: Limits, extra_env: Mapping[str, str]) -> str | None:
    """The socket of this thread's judge server for these jobs (started on
    first use), or None when warm judges are off (see the module doc) or the
    server could not start (then each submission starts its own judge)."""
    if os.environ.get(WARM_ENV, "1") == "0" or not hasattr(os, "fork") or not hasattr(socket, "send_fds"):
        return None
    key = json.dumps([None if sandbox is None else sandbox.to_json(), limits.to_json(), dict(extra_env)],
                     sort_keys=True)
    judge = getattr(_local, "judge", None)
    if judge is not None and judge[0] == key and judge[1] is None:
        return None  # a server for these jobs failed to start in this thread: judges per submission
    if judge is None or judge[0] != key or not judge[1].alive:
        if judge is not None and judge[1] is not None:
            judge[1].close()
        try:
            server: WarmJudge | None = WarmJudge(sandbox, limits, judge_environment(sandbox, extra_env))
        except OSError:  # no bwrap, or no fork here
            server = None
        if server is not None and not server.ready():
            server.close()
            server = None
        judge = _local.judge = (key, server)
    return None if judge[1] is None else judge[1].socket
