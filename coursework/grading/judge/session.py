"""The grader's side of the judge: start it, relay its questions to the kernel.

:class:`JudgeSession` starts one judge process per submission (in its own
bubblewrap sandbox when the kernel has one: no network, no instructor
files, no student files), hands it the released notebook's lesson cells
once, then one test cell at a time.  While a test runs, the judge's
requests go to ``ask_kernel`` (the autograde worker runs them in the
student's kernel as probes) and the kernel's answers go back unread: the
judge is the one that reads evidence.
"""

from __future__ import annotations

import dataclasses
import json
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..sandbox import bwrap_argv, shim_argv, write_etc
from ..spec import Limits, SandboxSpec

__all__ = ["JudgeSession", "JudgeFailed"]

AskKernel = Callable[[dict, Callable[[dict], dict]], dict]


class JudgeFailed(RuntimeError):
    """The judge process died or did not answer in time."""


class JudgeSession:
    """One judge process for one submission (see the module docstring)."""

    def __init__(self, sandbox: SandboxSpec | None, limits: Limits, work: Path, env: dict[str, str],
                 evidence: str | None = None) -> None:
        argv = [sys.executable, "-m", "coursework.grading.judge.process"]
        if sandbox is not None:
            work.mkdir(parents=True, exist_ok=True)
            etc = write_etc(work, sandbox.uid)
            also = (evidence,) if evidence is not None else ()  # the kernel's folder: its answers' large arrays
            argv = (bwrap_argv(sandbox, runtime=work, etc=etc, limits=limits, also_read_only=also)
                    + shim_argv(sandbox, limits) + argv)
        self.timeout = float(limits.cell_timeout) * 2 + 30
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, text=True, encoding="utf-8",
                                     start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.put(line)
        self.lines.put("")

    def _send(self, message: dict) -> None:
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except (OSError, ValueError) as exc:
            raise JudgeFailed(f"the judge stopped ({exc})") from None

    def _receive(self) -> dict:
        try:
            line = self.lines.get(timeout=self.timeout)
        except queue.Empty:
            raise JudgeFailed(f"the judge did not answer within {self.timeout:g} s") from None
        if not line:
            raise JudgeFailed("the judge stopped")
        return json.loads(line)

    def set_context(self, lesson: list[str], other: list[str], evidence: str | None = None) -> None:
        """The released notebook's lesson cells, its answer and test cells, and
        the kernel's folder where large arrays of its answers are."""
        self._send({"op": "context", "lesson": lesson, "other": other, "evidence": evidence})
        if self._receive().get("op") != "ready":
            raise JudgeFailed("the judge did not start")

    def test(self, source: str, ask_kernel: AskKernel) -> dict:
        """Run one test cell; its ``done`` message (see :mod:`.process`)."""
        self._send({"op": "test", "source": source})
        while True:
            message = self._receive()
            if message.get("op") == "done":
                return message
            self._send(ask_kernel(message, self._callback))

    def _callback(self, request: dict) -> dict:
        """Run a judge function the kernel called (while a probe runs)."""
        self._send({"op": "callback", **request})
        return self._receive()

    def close(self) -> None:
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> JudgeSession:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def start_judge(spec_file: str, uid: int) -> JudgeSession:
    """The judge of the submission described by the worker's ``spec_file``:
    sandboxed like its kernel (with ``uid`` when grading as root), given the
    released notebook's cells (``WorkerSpec.judge_context``)."""
    import os

    from ..sandbox import kernel_environment
    from ..spec import WorkerSpec

    spec = WorkerSpec.from_json(Path(spec_file).read_text())
    sandbox = spec.sandbox
    env = {**os.environ, **spec.env}
    if sandbox is not None:
        env = kernel_environment(os.environ, spec.env)
        if sandbox.uid is not None:
            sandbox = dataclasses.replace(sandbox, uid=uid if uid >= 0 else 65534)
    session = JudgeSession(sandbox, spec.limits, Path(spec.report).parent / "judge", env, spec.runtime)
    context = json.loads(Path(spec.judge_context).read_text(encoding="utf-8")) if spec.judge_context else {}
    session.set_context(list(context.get("lesson", [])), list(context.get("other", [])), spec.runtime)
    return session
