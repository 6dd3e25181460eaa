"""A warm judge: ``python -m coursework.grading.execution.judge.server SOCKET``.

Importing Keras (TensorFlow) costs a judge about 5 s of CPU, more than
everything else it does for a submission.  So each job slot keeps one judge
*server*, started in a sandbox of its own (:mod:`.warm`), that imports what
checks use once, listens on a Unix socket in its runtime folder and, for
each connection, forks a judge (:func:`.process.serve`) that serves that
connection and exits.  The server itself reads nothing a submission sent:
it accepts and forks; the first byte of a connection, with the kernel's
folder as an open directory descriptor beside it (``SCM_RIGHTS``), is read
by the forked judge.  So a judge sees its own submission's array files
through that descriptor and nothing of another submission's, though no
folder is bound into the server's sandbox.

A judge ends when its connection closes (end of input), and the server
kills it then in any case (it watches the connection for the peer's
hang-up), so nothing a judge holds outlives its submission.  The server
exits when its standard input closes, and with the thread that started it
(bubblewrap's ``--die-with-parent``).
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys

__all__ = ["serve"]

#: Imported before any fork: what the checks of this course use.
PRELOAD = ("numpy", "keras", "coursework.sparse")


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (a check that needs it fails in its judge, with its own message)
            pass


def _judge(conn: socket.socket) -> None:
    """In the forked child: serve one submission's grader, then exit."""
    code = 0
    try:
        _, fds, _, _ = socket.recv_fds(conn, 1, 1)
        from .process import Channel, serve

        reader = conn.makefile("r", encoding="utf-8")
        writer = conn.makefile("w", encoding="utf-8")
        code = serve(Channel(reader, writer), fds[0] if fds else None)
    except SystemExit:
        pass
    except BaseException:  # noqa: BLE001 (the child must never return into the server's loop)
        code = 70
    finally:
        os._exit(code)


def _fork(listener: socket.socket, watched: dict[int, tuple[socket.socket, int]]) -> int:
    """Fork a judge for the next connection; the connection's descriptor."""
    conn, _ = listener.accept()
    pid = os.fork()
    if pid == 0:
        listener.close()
        for other, _pid in watched.values():
            other.close()
        _judge(conn)
    watched[conn.fileno()] = (conn, pid)  # kept only to see the grader hang up
    return conn.fileno()


def _end(conn: socket.socket, pid: int) -> None:
    conn.close()
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def serve(path: str) -> int:
    """Listen on ``path`` and fork a judge per connection (see the module doc)."""
    os.nice(19)  # the kernels come first
    _preload()
    sys.stdout = sys.stderr
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(8)
    watched: dict[int, tuple[socket.socket, int]] = {}
    poller = select.poll()
    poller.register(listener, select.POLLIN)
    poller.register(sys.stdin, select.POLLIN)
    while True:
        for fd, events in poller.poll():
            if fd == listener.fileno():
                poller.register(_fork(listener, watched), select.POLLRDHUP)
            elif fd == sys.stdin.fileno():
                if not os.read(fd, 4096):  # the grader closed our input: stop
                    for conn, pid in watched.values():
                        _end(conn, pid)
                    return 0
            elif fd in watched and events & (select.POLLRDHUP | select.POLLHUP | select.POLLERR):
                poller.unregister(fd)
                _end(*watched.pop(fd))


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
