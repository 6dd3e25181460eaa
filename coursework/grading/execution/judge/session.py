"""The grader's side of the judge: start it, relay its questions to the kernel.

:class:`JudgeSession` connects to a judge forked for this submission by the
job slot's warm judge server (:mod:`.server`, :mod:`.warm`), or starts one
judge process per submission (in its own bubblewrap sandbox when the kernel
has one: no network, no instructor files, no student files); it hands the
judge the released notebook's lesson cells
once, then one test cell at a time.  While a test runs, the judge's
requests go to ``ask_kernel`` (the autograde worker runs them in the
student's kernel as probes) and the kernel's answers go back unread: the
judge is the one that reads evidence.
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

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
        """Start a judge process of its own (sandboxed when ``sandbox`` is given)."""
        argv = [sys.executable, "-m", "coursework.grading.execution.judge.process"]
        if sandbox is not None:
            work.mkdir(parents=True, exist_ok=True)
            etc = write_etc(work, sandbox.uid)
            also = (evidence,) if evidence is not None else ()  # the kernel's folder: its answers' large arrays
            argv = (bwrap_argv(sandbox, runtime=work, etc=etc, limits=limits, also_read_only=also)
                    + shim_argv(sandbox, limits) + argv)
        self.proc: subprocess.Popen | None = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
            encoding="utf-8", start_new_session=True)
        self._attach(self.proc.stdout, self.proc.stdin, limits)  # type: ignore[arg-type]

    @classmethod
    def connect(cls, path: str, limits: Limits, evidence: str | None, wait: float = 10.0) -> JudgeSession:
        """A judge forked for this submission by the warm judge server at
        ``path`` (:mod:`.server`), handed the kernel's folder ``evidence`` as a
        directory descriptor; waits up to ``wait`` s for the server to listen.
        Raises ``OSError`` when it can't connect."""
        deadline = time.monotonic() + wait
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        folder = [os.open(evidence, os.O_RDONLY | os.O_DIRECTORY)] if evidence else []
        try:
            socket.send_fds(sock, [b"\0"], folder)
        finally:
            for fd in folder:
                os.close(fd)
        session = cls.__new__(cls)
        session.proc, session.sock = None, sock
        session._attach(sock.makefile("r", encoding="utf-8"), sock.makefile("w", encoding="utf-8"), limits)
        return session

    def _attach(self, reader: TextIO, writer: TextIO, limits: Limits) -> None:
        self.reader, self.writer = reader, writer
        self.timeout = float(limits.cell_timeout) * 2 + 30
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.reader:
                self.lines.put(line)
        except (OSError, ValueError):
            pass
        self.lines.put("")

    def _send(self, message: dict) -> None:
        try:
            self.writer.write(json.dumps(message) + "\n")
            self.writer.flush()
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
        """End the judge: a connected one is ended by its server when the
        connection closes, a process of its own here."""
        try:
            self.writer.close()
        except OSError:
            pass
        if self.proc is None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)  # the reader thread holds a file of it open
            except OSError:
                pass
            self.sock.close()
            return
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
    forked by this job slot's warm judge server (``WorkerSpec.judge_socket``)
    or, where there is none or it can't be reached, a process of its own
    sandboxed like its kernel (with ``uid`` when grading as root); given the
    released notebook's cells (``WorkerSpec.judge_context``)."""
    from ..spec import WorkerSpec
    from .warm import judge_environment

    spec = WorkerSpec.from_json(Path(spec_file).read_text())
    session = None
    if spec.judge_socket:
        try:
            session = JudgeSession.connect(spec.judge_socket, spec.limits, spec.runtime)
        except OSError:
            session = None
    if session is None:
        sandbox = spec.sandbox
        if sandbox is not None and sandbox.uid is not None:
            sandbox = dataclasses.replace(sandbox, uid=uid if uid >= 0 else 65534)
        session = JudgeSession(sandbox, spec.limits, Path(spec.report).parent / "judge",
                               judge_environment(spec.sandbox, spec.env), spec.runtime)
    context = json.loads(Path(spec.judge_context).read_text(encoding="utf-8")) if spec.judge_context else {}
    folder = spec.runtime if session.proc is not None else None  # a connected judge holds it as a descriptor
    session.set_context(list(context.get("lesson", [])), list(context.get("other", [])), folder)
    return session
