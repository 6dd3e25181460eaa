"""Run the judge's requests in the student's kernel, as probes.

Each request (``describe`` some names, ``call`` a function) is written to a
file in the kernel's runtime folder, and one line of code sent to the kernel
calls :func:`coursework.grading.judge.probe.serve` on it; the kernel writes
its answer to another file, which is passed to the judge *unread* (beyond
its size): the judge is the one that parses what a kernel wrote.  While the kernel works, a callback to a judge function
arrives as an ``input()`` request on the kernel's stdin channel and is
relayed to the judge.  A probe has the cell time limit; a kernel that dies
or ignores the interrupt ends the submission's run as a cell would.
"""

from __future__ import annotations

import json
import os
import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync

from ..cells import KERNEL_DIED_MESSAGE
from ..spec import WorkerSpec
from .evidence import MAX_BYTES
from .probe import PROMPT

__all__ = ["KernelProbe"]

#: Characters of printed output kept from one test cell's probes.
MAX_STREAM = 20_000


class KernelProbe:
    """The probes of one test cell; ``gone`` is set when the kernel died
    (its message) or stopped responding (``"unresponsive"``)."""

    def __init__(self, executor: Any, spec_file: str) -> None:
        self.executor = executor
        spec = WorkerSpec.from_json(Path(spec_file).read_text())
        self.folder = Path(spec.runtime)
        self.uid = spec.sandbox.uid if spec.sandbox is not None else None
        self.timeout = float(spec.limits.cell_timeout)
        self.gone: str | None = None
        self.count = 0
        self.callback_seconds = 0.0
        #: What the student's code printed during the probes, [(stream name, text)]:
        #: it belongs to the test cell's outputs, as it would if the cell ran in the kernel.
        self.streams: list[tuple[str, str]] = []

    def ask(self, message: dict, callback: Callable[[dict], dict]) -> dict:
        """The kernel's answer to one judge request."""
        if self.gone is not None:
            return {"lost": "the kernel is no longer running"}
        if message.get("op") not in ("describe", "call"):
            return {"lost": f"unknown request {message.get('op')!r}"}
        self.count += 1
        for stale in self.folder.glob("*.npy"):  # the last answer's arrays: the judge has read them
            stale.unlink(missing_ok=True)
        request = self.folder / f"probe-{self.count}.json"
        response = self.folder / f"answer-{self.count}.json"
        request.write_text(json.dumps(message), encoding="utf-8")
        if self.uid is not None:
            os.chown(request, self.uid, self.uid)
        code = (f"__import__('coursework.grading.judge.probe', fromlist=['serve'])"
                f".serve({str(request)!r}, {str(response)!r})")
        try:
            start, self.callback_seconds = time.monotonic(), 0.0
            reply = run_sync(self._execute)(code, callback)
            answer = self._answer(reply, response)
            # measured here, outside the kernel: the judge's clock leaves out the transfers
            answer["kernel_seconds"] = time.monotonic() - start - self.callback_seconds
            return answer
        finally:
            request.unlink(missing_ok=True)
            response.unlink(missing_ok=True)
            self.executor.note_memory()

    def _answer(self, reply: dict | None, response: Path) -> dict:
        if reply is None:
            return {"lost": self.gone or "the kernel did not answer"}
        content = reply.get("content", {})
        if content.get("status") != "ok":
            return {"not_gradable": f"the kernel could not answer ({content.get('ename', 'no reply')}: "
                                    f"{str(content.get('evalue', ''))[:200]})"}
        try:
            if response.stat().st_size > MAX_BYTES:
                return {"not_gradable": f"the answer is larger than {MAX_BYTES // 2**20} MB"}
            return {"raw": response.read_text(encoding="utf-8")}  # read by the judge, not here
        except (OSError, ValueError):
            return {"not_gradable": "the kernel wrote no readable answer (did a cell change how the kernel "
                                    "runs code, e.g. with an IPython input or AST transformer?)"}

    async def _execute(self, code: str, callback: Callable[[dict], dict]) -> dict | None:
        kc = self.executor.kc
        msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=True)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            reply = await self._shell_reply(kc, msg_id)
            if reply is not None:
                await self._collect_streams(kc, msg_id, until_idle=True)
                return reply
            await self._collect_streams(kc, msg_id)
            await self._serve_stdin(kc, callback)
            if not await self.executor.km.is_alive():
                self.gone = KERNEL_DIED_MESSAGE
                return None
        await self.executor.km.interrupt_kernel()
        end = time.monotonic() + 5
        while time.monotonic() < end:
            reply = await self._shell_reply(kc, msg_id)
            if reply is not None:
                return {"content": {"status": "error", "ename": "TimeoutError",
                                    "evalue": f"the answer took longer than {self.timeout:g} s"}}
        self.gone = "unresponsive"
        return None

    async def _collect_streams(self, kc: Any, msg_id: str, until_idle: bool = False) -> None:
        """Keep the probe's ``stream`` outputs (at most MAX_STREAM characters);
        with ``until_idle``, read until the kernel says it is idle (1 s at most)."""
        end = time.monotonic() + (1.0 if until_idle else 0.0)
        while True:
            try:
                msg = await kc.get_iopub_msg(timeout=max(0.0, end - time.monotonic()) if until_idle else 0)
            except queue.Empty:
                return
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            content = msg.get("content", {})
            if msg.get("msg_type") == "stream" and sum(len(t) for _, t in self.streams) < MAX_STREAM:
                self.streams.append((str(content.get("name", "stdout")), str(content.get("text", ""))[:MAX_STREAM]))
            elif msg.get("msg_type") == "status" and content.get("execution_state") == "idle":
                return

    @staticmethod
    async def _shell_reply(kc: Any, msg_id: str) -> dict | None:
        try:
            msg = await kc.get_shell_msg(timeout=0.05)
        except queue.Empty:
            return None
        return msg if msg.get("parent_header", {}).get("msg_id") == msg_id else None

    async def _serve_stdin(self, kc: Any, callback: Callable[[dict], dict]) -> None:
        try:
            msg = await kc.get_stdin_msg(timeout=0.05)
        except queue.Empty:
            return
        prompt = str(msg.get("content", {}).get("prompt", ""))
        if not prompt.startswith(PROMPT):
            kc.input("")  # the student's own input(): an empty line
            return
        start = time.monotonic()
        try:
            request = json.loads(prompt[len(PROMPT):])
            answer = callback({"callback": request["callback"], "args": request["args"]})
        except (ValueError, KeyError, TypeError):
            answer = {"raised": {"type": "ValueError", "message": "malformed callback request"}}
        answer.pop("op", None)
        kc.input(json.dumps(answer))
        self.callback_seconds += time.monotonic() - start
