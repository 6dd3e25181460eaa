"""The head and tail of a log: what the course runner and the grader keep of
a kernel's or a worker's output, however long it grew."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["HeadTail", "head_and_tail", "log_tail"]


class HeadTail:
    """Keep the first and the last ``keep // 2`` bytes of a stream fed in
    chunks, and count the bytes dropped in between."""

    def __init__(self, keep: int) -> None:
        self.half = keep // 2
        self.head, self.tail, self.dropped = bytearray(), bytearray(), 0

    def feed(self, chunk: bytes) -> None:
        room = self.half - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        self.tail += chunk
        if len(self.tail) > self.half:
            self.dropped += len(self.tail) - self.half
            del self.tail[: len(self.tail) - self.half]

    def text(self) -> str:
        """Head and tail decoded, with a ``[... N bytes dropped ...]`` line between when any were."""
        middle = f"\n[... {self.dropped:,} bytes dropped ...]\n" if self.dropped else ""
        return self.head.decode("utf-8", "replace") + middle + self.tail.decode("utf-8", "replace")


def head_and_tail(path: Path, keep: int) -> str:
    """A log file as :meth:`HeadTail.text` gives it, reading only the
    ``keep`` bytes kept ('' when the file cannot be read)."""
    kept = HeadTail(keep)
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(0)
            if size <= keep:
                return fh.read().decode("utf-8", "replace")
            kept.head += fh.read(kept.half)
            fh.seek(size - kept.half)
            kept.tail += fh.read()
            kept.dropped = size - len(kept.head) - len(kept.tail)
    except OSError:
        return ""
    return kept.text()


def log_tail(path: Path | None, lines: int = 15, *, limit: int = 4000) -> str:
    """The last ``lines`` non-blank lines of a log ('' when there is none or
    it is empty), at most ``limit`` characters."""
    if path is None:
        return ""
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - 64_000))
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    kept = [line.rstrip() for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(kept)[-limit:]
