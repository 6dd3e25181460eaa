"""The kernel manager of a graded kernel: jupyter_client's, with the kernel
started in the sandbox and its memory watched.

nbgrader's ``Execute`` (an nbclient ``NotebookClient``) creates it from
``kernel_manager_class``; the worker points that here and sets
:attr:`GradingKernelManager.spec_file`.  Compared with jupyter_client's own:

* the transport is ZeroMQ's ``ipc`` (Unix sockets in the runtime folder,
  which the sandbox shares), so the kernel needs no network;
* the command is ``bwrap ... -- python -I -S -c SHIM ... -- python -m
  ipykernel_launcher -f CONNECTION_FILE`` (:mod:`coursework.grading.execution.sandbox`);
  without a sandbox, only the kernel command;
* interrupts are sent as ``interrupt_request`` messages (a signal to
  ``bwrap`` would not reach the kernel);
* the environment is reduced to what a kernel needs, its working folder is
  an empty scratch folder, its stdout and stderr go to the kernel log;
* a :class:`~coursework.grading.execution.watch.MemoryWatch` stops the process tree
  above ``Limits.memory``; :attr:`memory_exceeded` then holds the size seen.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode

from .sandbox import bwrap_argv, kernel_environment, shim_argv, write_etc
from .spec import WorkerSpec
from .watch import MemoryWatch

__all__ = ["GradingKernelManager"]


class GradingKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` for one graded kernel (see module doc)."""

    spec_file = Unicode("", help="The WorkerSpec JSON of this submission.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = WorkerSpec.from_json(Path(self.spec_file).read_text())
        runtime = Path(self.spec.runtime)
        self.transport = "ipc"
        self.connection_file = str(runtime / "kernel.json")
        self.ip = str(runtime / "k")
        self.watch: MemoryWatch | None = None
        self.memory_exceeded: int | None = None
        self._log: Any = None

    @property
    def kernel_spec(self) -> Any:
        spec = AsyncKernelManager.kernel_spec.fget(self)  # type: ignore[attr-defined]
        if spec is not None and self.spec.sandbox is not None:
            spec.interrupt_mode = "message"
        return spec

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        uid = self.spec.sandbox.uid if self.spec.sandbox is not None else None
        if uid is not None:  # the kernel runs as this uid: it must read its connection file
            os.chown(self.connection_file, uid, uid)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        sandbox = self.spec.sandbox
        if sandbox is None:
            return cmd
        runtime = Path(self.spec.runtime)
        etc = write_etc(Path(self.spec.report).parent / "sandbox", sandbox.uid)
        prefix = bwrap_argv(sandbox, runtime=runtime, etc=etc, limits=self.spec.limits)
        return prefix + shim_argv(sandbox, self.spec.limits) + cmd

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        env = dict(kw.get("env") or os.environ)
        env.update(self.spec.env)
        if self.spec.sandbox is not None:
            env = kernel_environment(env, self.spec.env)
        kw["env"] = env
        kw["cwd"] = self.spec.scratch  # never the folder holding the sanitized notebook
        self._log = open(self.spec.kernel_log, "ab")  # noqa: SIM115 (closed in cleanup)
        kw["stdout"] = kw["stderr"] = self._log
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        pid = getattr(self.provisioner, "pid", None)
        if pid:
            self.watch = MemoryWatch(pid, self.spec.limits.memory, self._exceeded)
            self.watch.start()

    def _exceeded(self, size: int) -> None:
        self.memory_exceeded = size

    @property
    def peak_memory(self) -> int:
        return self.watch.peak if self.watch is not None else 0

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.watch is not None:
            self.watch.stop()
        if self._log is not None:
            self._log.close()
            self._log = None
