"""The typed protocol between the grader and its autograde worker.

The "run one submission" stage (:mod:`coursework.grading.execution.run`) starts
``python -m coursework.grading.execution.worker SPEC.json`` in a subprocess of its
own; the worker drives nbgrader's ``autograde`` (outside the sandbox) and the
kernel it starts (inside).  Everything the worker needs is one
:class:`WorkerSpec`, written as JSON; everything it found out comes back as
one :class:`WorkerReport`, also JSON.  Both are frozen dataclasses with
``to_json`` / ``from_json``, so a field added on one side is a field on the
other: there are no string constants shared between modules.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = [
    "GIB",
    "DEFAULT_TIMEOUT",
    "DEFAULT_CELL_TIMEOUT",
    "DEFAULT_MEMORY",
    "DEFAULT_MAX_PROCESSES",
    "Limits",
    "SandboxSpec",
    "WorkerSpec",
    "WorkerReport",
]

GIB = 2**30
#: Seconds one submitted notebook may take, kernel start and nbgrader included.
DEFAULT_TIMEOUT = 180.0
#: Seconds one cell may run (nbgrader's ``Execute.timeout``; its default is 30).
DEFAULT_CELL_TIMEOUT = 60
#: Bytes of memory (resident, the kernel's whole process tree) one submission
#: may use: three times the largest peak measured in grading mode (notebook 05,
#: about 0.85 GB; see docs/instructors.md, "Limits"), rounded up.
DEFAULT_MEMORY = 3 * GIB
#: Processes and threads one sandboxed kernel may run: 512, or 8 per core on
#: larger machines (TensorFlow starts about two threads per core; an honest
#: notebook needs about 45 on 2 cores).
DEFAULT_MAX_PROCESSES = max(512, 8 * (os.cpu_count() or 1))
#: Bytes each writable tmpfs of the sandbox (home, /tmp) may hold.
DEFAULT_SCRATCH = 512 * 2**20
#: Longest text kept from one output in the graded notebook.
MAX_OUTPUT_CHARS = 20_000


def _build(cls: type, data: dict[str, Any]) -> Any:
    """``cls(**data)`` with nested dataclasses (by field name) rebuilt."""
    nested = {"limits": Limits, "sandbox": SandboxSpec}
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in nested and isinstance(value, dict):
            value = _build(nested[f.name], value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


class _Json:
    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)  # type: ignore[call-overload]

    @classmethod
    def from_json(cls, text: str) -> Any:
        return _build(cls, json.loads(text))


@dataclass(frozen=True)
class Limits(_Json):
    """What one submission may use.  ``memory`` is in bytes."""

    timeout: float = DEFAULT_TIMEOUT
    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    memory: int = DEFAULT_MEMORY
    max_processes: int = DEFAULT_MAX_PROCESSES
    scratch: int = DEFAULT_SCRATCH
    max_output_chars: int = MAX_OUTPUT_CHARS

    def memory_text(self) -> str:
        """``"3 GB"``, ``"1.5 GB"``, ``"512 MB"``: the limit as the gradebook says it."""
        if self.memory >= GIB:
            return f"{self.memory / GIB:g} GB"
        return f"{self.memory / 2**20:g} MB"


@dataclass(frozen=True)
class SandboxSpec(_Json):
    """The bubblewrap sandbox of one kernel (see :mod:`coursework.grading.execution.sandbox`).

    Attributes
    ----------
    bwrap : str
        The ``bwrap`` executable.
    read_only : tuple of str
        Host folders bound read-only at the same path: the system's
        ``/usr``, the Python environment, the course package, the data mirror.
    links : tuple of str
        ``"path=target"``: top-level symbolic links to recreate (``/lib`` ->
        ``usr/lib`` on merged-/usr systems).
    uid : int or None
        When grading as root, the unprivileged user id the kernel runs as
        (each submission its own); None when already unprivileged.
    disable_userns : bool
        Forbid the kernel to create user namespaces (bubblewrap >= 0.8,
        unprivileged mode).
    nproc : bool
        Whether ``RLIMIT_NPROC`` counts this sandbox alone (Linux >= 5.14, or
        a uid of its own); otherwise only the memory cap limits a fork bomb.
    """

    bwrap: str
    read_only: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    uid: int | None = None
    disable_userns: bool = False
    nproc: bool = True


@dataclass(frozen=True)
class WorkerSpec(_Json):
    """Everything the autograde worker needs for one submission.

    ``root`` is the private nbgrader course directory (``gradebook.db`` and
    ``submitted/<student>/<assignment>/<notebook>``); ``runtime`` is the
    folder shared with the kernel (its connection file and sockets, the
    judge's probe files); ``scratch`` is the kernel's working folder when
    there is no sandbox.  ``report``: where the :class:`WorkerReport` goes;
    ``kernel_log``: the kernel process's own stdout and stderr;
    ``judge_context``: a JSON file with the released notebook's lesson cells
    and its answer and test cells (:mod:`coursework.grading.execution.judge.context`);
    ``judge_socket``: the job slot's warm judge server (:mod:`.judge.warm`; '': none).
    The worker's progress, read by the grader while it runs (the only files
    both sides touch): ``kernel_pid_file``, the kernel's process id (killed
    with its sandbox when the time limit runs out); ``cell_file``, the index
    of the cell running now (named in a timeout's reason).  Each holds one
    integer and a newline; '' writes nothing.
    """

    root: str
    assignment: str
    student: str
    runtime: str
    scratch: str
    report: str
    kernel_log: str
    limits: Limits = field(default_factory=Limits)
    sandbox: SandboxSpec | None = None
    env: dict[str, str] = field(default_factory=dict)
    judge_context: str = ""
    judge_socket: str = ""
    kernel_pid_file: str = ""
    cell_file: str = ""


@dataclass(frozen=True)
class WorkerReport(_Json):
    """What the worker found out (the scores are in the gradebook).

    ``finished``: nbgrader wrote the graded notebook; ``errors``: one line
    per error nbgrader logged (its own exceptions, not the notebook's);
    ``memory_exceeded_cell``: the cell during which the kernel went over the
    memory limit and was killed; ``peak_memory``: the largest resident size
    (bytes) of the kernel's process tree.
    """

    finished: bool
    errors: tuple[str, ...] = ()
    memory_exceeded_cell: int | None = None
    peak_memory: int = 0
