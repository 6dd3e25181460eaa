"""The judge: ``python -m coursework.grading.execution.judge.process``, in a sandbox of its own.

It runs each test cell of a notebook (hidden tests included) in *its own*
interpreter, where no student code ever runs: libraries, lesson helpers and
pure lesson constants are its own (:mod:`.context`); every other name the
cell reads is asked of the submission's kernel, and every call of a
student's function is a request to the kernel whose answer comes back as
plain data (:mod:`.evidence`).  Comparisons, tolerances and expected values
stay here, so the student's code can change what it answers but not how
the answer is judged.

The grader talks to it through its standard input and output, one JSON
object per line (the test cells' ``print`` output is captured, never mixed
in).  The grader sends ``{"op": "context", "lesson": [...], "other": [...]}``
once, then ``{"op": "test", "source": ...}`` per test cell; the judge asks
``{"op": "describe"|"call", ...}`` and gets the kernel's response line, or
is asked ``{"op": "callback", ...}`` while the kernel runs a call; each test
ends with ``{"op": "done", "status": "ok"|"error", "ename", "evalue",
"stdout"}``.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import os
import sys
import threading
from typing import Any, TextIO

from . import evidence
from .context import TrustedContext, free_names, lesson_context

__all__ = ["Channel", "Judge", "RemoteFunction", "KernelLost", "main", "serve"]

#: ``__name__`` of a test cell's namespace (and so ``__module__`` of the classes it defines).
JUDGE_MODULE = "__judge__"
#: The file name a test cell's code is compiled under.
TEST_FILE = "<test cell>"
#: Exceptions a kernel may report by name (anything else arrives as RemoteError).
_RAISABLE = {name: getattr(builtins, name)
             for name in ("ArithmeticError", "AssertionError", "AttributeError", "FloatingPointError", "IndexError",
                          "KeyError", "LookupError", "NameError", "NotImplementedError", "OverflowError",
                          "RecursionError", "RuntimeError", "TypeError", "ValueError", "ZeroDivisionError")}


class KernelLost(BaseException):
    """The kernel died, timed out or broke the protocol during a check
    (a ``BaseException``: no ``except`` in a test can catch it)."""


class RemoteError(Exception):
    """An exception the student's code raised, of a type the judge does not re-create."""


class Channel:
    """One JSON object per line to the grader and back."""

    def __init__(self, reader: TextIO, writer: TextIO) -> None:
        self.reader, self.writer = reader, writer
        self.callbacks: dict[int, Any] = {}
        self.judge: Judge | None = None

    def send(self, message: dict) -> None:
        self.writer.write(json.dumps(message) + "\n")
        self.writer.flush()

    def receive(self) -> dict:
        line = self.reader.readline()
        if not line:
            raise SystemExit(0)  # the grader is gone
        return json.loads(line)

    def ask(self, message: dict) -> dict:
        """Send a request; answer the kernel's callbacks until its reply comes."""
        self.send(message)
        while True:
            reply = self.receive()
            if reply.get("op") != "callback":
                return reply
            self.send(self._run_callback(reply))

    def _run_callback(self, request: dict) -> dict:
        try:
            function = self.callbacks[int(request["callback"])]
            args, kwargs = evidence.loads(request["args"], _no_special)
            return {"result": self.encode(function(*args, **kwargs))}
        except BaseException as exc:  # reported to the kernel as its function's error
            return {"raised": {"type": type(exc).__name__, "message": str(exc)[:2000]}}

    def encode(self, value: Any) -> str:
        def other(obj: Any, encode: Any) -> dict:
            if isinstance(obj, RemoteFunction):
                return {"handle": obj.handle}
            if isinstance(obj, evidence.Handle):
                return {"handle": obj.number}
            if type(obj).__module__ == JUDGE_MODULE and not isinstance(obj, type):
                # an object of a class the test defined (a stand-in model): its data travels,
                # its methods stay here and are called back
                names = {k for k in {**vars(type(obj)), **vars(obj)} if not k.startswith("__") or k == "__call__"}
                return {"object": [[k, encode(getattr(obj, k))] for k in sorted(names)]}
            if callable(obj):
                number = len(self.callbacks) + 1
                self.callbacks[number] = obj
                return {"callback": number}
            raise evidence.NotGradable(f"the check cannot send a {type(obj).__name__} to the kernel")

        return evidence.dumps(value, other)


def kernel_answer(reply: dict) -> dict:
    """The kernel's answer in a grader's reply: the kernel's own text parsed
    here (size checked first), or what the grader found (``lost``,
    ``not_gradable``); ``kernel_seconds`` is the grader's."""
    if "raw" not in reply:
        return reply
    evidence.check_size(reply["raw"])
    try:
        answer = json.loads(reply["raw"])
    except (ValueError, RecursionError):
        raise evidence.NotGradable("the kernel's answer is not valid JSON") from None
    if type(answer) is not dict:
        raise evidence.NotGradable("the kernel's answer is not an object")
    answer.pop("kernel_seconds", None)
    return {**answer, **{k: v for k, v in reply.items() if k == "kernel_seconds"}}


def _no_special(tag: str, number: int) -> Any:
    raise evidence.NotGradable(f"unexpected {tag} in a callback's arguments")


def _special(tag: str, value: Any) -> Any:
    if tag == "handle":
        return evidence.Handle(value)
    raise evidence.NotGradable(f"the kernel answered with a {tag}, which only the judge may send")


class _Clock:
    """``time.perf_counter`` and ``time.monotonic`` for the checks, minus the
    time spent carrying data to and from the kernel (a check that times a
    student's function measures the function, as it would in the kernel,
    not the judge's protocol).  The kernel's own time is measured by the
    grader, outside the kernel."""

    def __init__(self) -> None:
        import time

        self.perf_counter, self.monotonic = time.perf_counter, time.monotonic
        self.carrying = 0.0
        time.perf_counter = lambda: self.perf_counter() - self.carrying  # type: ignore[assignment]
        time.monotonic = lambda: self.monotonic() - self.carrying  # type: ignore[assignment]

    def add(self, seconds: float) -> None:
        self.carrying += max(0.0, seconds)


CLOCK: _Clock | None = None
#: The kernel's folder, where an answer's large arrays are, as an open
#: directory descriptor (read-only here).
EVIDENCE: list[int | None] = [None]


def _copy_back(mine: Any, theirs: Any) -> None:
    """Apply the kernel's changes to an argument to the judge's own copy, so a
    check can see that a function modified its input (arrays in place,
    lists and dicts item by item)."""
    import numpy as np

    if type(mine) is np.ndarray and type(theirs) is np.ndarray and mine.shape == theirs.shape:
        if mine.dtype == object and theirs.dtype == object:
            for a, b in zip(mine.flat, theirs.flat):
                _copy_back(a, b)
        elif mine.dtype != object:
            np.copyto(mine, theirs, casting="unsafe")
    elif type(mine) is list and type(theirs) is list and len(mine) == len(theirs):
        for i, (a, b) in enumerate(zip(mine, theirs)):
            if type(a) in (list, dict, np.ndarray):
                _copy_back(a, b)
            elif type(a) in (int, float, str, bool) and type(b) is type(a) and a != b:
                mine[i] = b
    elif type(mine) is dict and type(theirs) is dict and mine.keys() == theirs.keys():
        for key in mine:
            _copy_back(mine[key], theirs[key])


class RemoteFunction:
    """A function of the student's kernel, called with plain data."""

    def __init__(self, channel: Channel, handle: int, name: str) -> None:
        self.channel, self.handle, self.__name__ = channel, handle, name

    def __repr__(self) -> str:
        return f"<function {self.__name__} of the kernel>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = CLOCK.perf_counter() if CLOCK is not None else 0.0
        try:
            return self._call(args, kwargs)
        finally:
            if CLOCK is not None:
                CLOCK.add(CLOCK.perf_counter() - start - self.kernel_seconds)

    def _call(self, args: tuple, kwargs: dict) -> Any:
        self.kernel_seconds = 0.0
        reply = kernel_answer(self.channel.ask({"op": "call", "handle": self.handle,
                                                "args": self.channel.encode((list(args), kwargs))}))
        seconds = reply.get("kernel_seconds")
        self.kernel_seconds = float(seconds) if type(seconds) in (int, float) else 0.0
        if "lost" in reply:
            raise KernelLost(reply["lost"])
        if "not_gradable" in reply:
            raise evidence.NotGradable(str(reply["not_gradable"]))
        if "raised" in reply:
            raised = reply["raised"] if type(reply["raised"]) is dict else {}
            name, message = str(raised.get("type", "Error")), str(raised.get("message", ""))
            kind = _RAISABLE.get(name)
            raise kind(message) if kind is not None else RemoteError(f"{name}: {message}")
        result = evidence.loads(reply.get("result"), _special, EVIDENCE[0])
        after = evidence.loads(reply.get("after"), _special, EVIDENCE[0])
        if type(after) is list and len(after) == len(args):
            for mine, theirs in zip(args, after):
                _copy_back(mine, theirs)
        return result


class Judge:
    """Runs test cells against one kernel."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.context = TrustedContext()
        channel.judge = self

    def test(self, source: str) -> dict:
        """Run one test cell; the ``done`` message."""
        stdout = io.StringIO()
        try:
            tree = ast.parse(source)
            namespace: dict[str, Any] = {"__name__": JUDGE_MODULE}
            remote = self.context.build(free_names(tree), namespace)
            self._bind_remote(sorted(remote), namespace)
            with contextlib.redirect_stdout(stdout):
                exec(compile(tree, TEST_FILE, "exec"), namespace)
        except evidence.NotGradable as exc:
            return _done("error", "NotGradable", f"not gradable: {exc}{_where(exc)}", stdout)
        except KernelLost as exc:
            return _done("error", "KernelLost", str(exc), stdout)
        except Exception as exc:
            return _done("error", type(exc).__name__, str(exc), stdout)
        return _done("ok", "", "", stdout)

    def _bind_remote(self, names: list[str], namespace: dict[str, Any]) -> None:
        if not names:
            return
        reply = kernel_answer(self.channel.ask({"op": "describe", "names": names}))
        if "lost" in reply:
            raise KernelLost(reply["lost"])
        described = reply.get("names")
        if type(described) is not dict:
            raise evidence.NotGradable(str(reply.get("not_gradable", "the kernel did not describe its names")))
        for name in names:
            item = described.get(name)
            kind = item.get("kind") if type(item) is dict else None
            if kind == "function" and type(item.get("handle")) is int:
                namespace[name] = RemoteFunction(self.channel, item["handle"], name)
            elif kind == "value":
                namespace[name] = evidence.loads(item.get("value"), _special, EVIDENCE[0])


def _where(exc: BaseException) -> str:
    """`` (test line N)``: where in the test cell (a number, never the code)."""
    lines = [frame.tb_lineno for frame in _frames(exc.__traceback__) if frame.tb_frame.f_code.co_filename == TEST_FILE]
    return f" (test line {lines[-1]})" if lines else ""


def _frames(tb: Any) -> list:
    frames = []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    return frames


def _done(status: str, ename: str, evalue: str, stdout: io.StringIO) -> dict:
    return {"op": "done", "status": status, "ename": ename, "evalue": evalue[:2000],
            "stdout": stdout.getvalue()[-20_000:]}


def _open_folder(path: Any) -> int | None:
    """The kernel's folder as a directory descriptor (None: no folder)."""
    if not isinstance(path, str) or not path:
        return None
    try:
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None


def serve(channel: Channel, folder: int | None = None) -> int:
    """Answer the grader on ``channel`` until it closes: a ``context``
    message, then one ``test`` message per test cell.  ``folder``: the
    kernel's folder as a directory descriptor (else the context names it)."""
    global CLOCK
    CLOCK = _Clock()
    EVIDENCE[0] = folder
    judge = Judge(channel)
    while True:
        message = channel.receive()
        if message.get("op") == "context":
            judge.context = lesson_context(message.get("lesson", []), message.get("other", []))
            if EVIDENCE[0] is None:
                EVIDENCE[0] = _open_folder(message.get("evidence"))
            threading.Thread(target=judge.context.preload, args=(message.get("other", []),), daemon=True).start()
            channel.send({"op": "ready"})
        elif message.get("op") == "test":
            channel.send(judge.test(str(message.get("source", ""))))
        else:
            return 0


def main() -> int:
    """Serve the grader on the original standard input and output."""
    os.nice(19)  # while a test runs the kernel waits for the judge; otherwise the kernel comes first
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the protocol
    sys.stdout = sys.stderr
    return serve(Channel(sys.stdin, out))


if __name__ == "__main__":
    sys.exit(main())
