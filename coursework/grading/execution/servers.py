"""Ending a helper process that serves until its standard input closes
(the warm worker, the warm judge server)."""

from __future__ import annotations

import subprocess

__all__ = ["end_server"]


def end_server(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """Close ``proc``'s input, wait up to ``grace`` s for it to exit, then kill it."""
    try:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=grace)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
