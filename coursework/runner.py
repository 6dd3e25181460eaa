"""Execute the course notebooks headless and summarise their results.

Each notebook runs top to bottom in a fresh kernel (``nbclient``), with its
own folder as working directory, so relative paths and ``sys.path`` setup
cells behave as they do for a student who opens it in Jupyter.  The executed
copy (outputs included, even when a cell failed) is written to the output
folder, never over the source; the metrics the notebook passes to
:func:`coursework.results.record` are read back and shown in a table::

    python -m coursework run                 # every notebook in notebooks/
    python -m coursework run 01 03 --timeout 300

(the command line is :mod:`coursework._run_cli`).

The kernel's environment
------------------------
The kernel inherits the runner's environment (``COURSEWORK_DATA``,
``KERAS_BACKEND``, ``CUDA_VISIBLE_DEVICES``...), plus:

* ``COURSEWORK_RESULTS=<output_dir>/<stem>.results.json`` (a stale file is
  deleted first), where :func:`~coursework.results.record` writes metrics;
* ``COURSEWORK_HEADLESS=1`` (live training plots are not redrawn) and
  ``MPLBACKEND`` set to Jupyter's inline backend, so figures land in the
  executed copies as PNG outputs even when the caller exports
  ``MPLBACKEND=Agg`` (as CI does);
* ``PYTHONPATH`` with the folder that holds the imported ``coursework``
  package in front (:func:`coursework._kernels.kernel_env`).

The environment is handed to ``KernelManager.start_kernel(env=...)`` through
``NotebookClient.execute(env=..., cwd=...)``; the runner's own
``os.environ`` is never modified.

The kernel's own output
-----------------------
What the kernel *process* writes to its stdout and stderr, below the
notebook's streams (TensorFlow's C++ start-up messages, a crash report),
goes to ``<output_dir>/<stem>.stderr.log`` beside the executed copy, never
to the terminal.  For a notebook that failed, the progress line is followed
by the log's last lines and its path.

Cell numbers
------------
Errors name cells by their 1-based position among *all* cells, markdown
included, i.e. the n-th cell a student sees scrolling from the top.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._kernels import find_notebooks, first_line, kernel_env, log_tail, open_kernel_log
from ._time_limits import CellClock, NotebookTimeout, check_timeout
from .config import HEADLESS_ENV, RESULTS_ENV
from .results import HEADLINE_KEY, read_results

__all__ = [
    "DEFAULT_NOTEBOOK_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "HEADLESS_ENV",
    "INLINE_BACKEND",
    "NotebookRun",
    "run_notebook",
    "run_course",
]

#: Seconds one cell may run, and one notebook (``python -m coursework run``'s defaults).
DEFAULT_TIMEOUT = 600.0
DEFAULT_NOTEBOOK_TIMEOUT = 1200.0
#: ipykernel's default backend: renders figures into the notebook, needs no display.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


@dataclass
class NotebookRun:
    """The outcome of executing one notebook.

    Attributes
    ----------
    name : str
        File name, e.g. ``"01_linear_classification.ipynb"``.
    path : Path
        The source notebook.
    ok : bool
        True when every cell ran without error within the time limits.
    seconds : float
        Wall-clock time, kernel start and shutdown included.
    metrics : dict
        Content of the results file written by
        :func:`coursework.results.record` (``{}`` when nothing was recorded;
        the ``"_headline"`` key names the headline metric).
    headline : str or None
        ``"name=value"`` of the headline metric, floats to 4 significant
        digits, e.g. ``"test_accuracy=0.8812"``.
    error : str or None
        One line: ``"cell N: ExceptionType: first line of message"`` or
        ``"timeout after S s in cell N"`` (N counts all cells from 1).
    executed_path : Path or None
        The executed copy, or None when the notebook could not even be read.
    kernel_log : Path or None
        The kernel process's stdout and stderr (``<stem>.stderr.log``).
    """

    name: str
    path: Path
    ok: bool
    seconds: float
    metrics: dict[str, Any] = field(default_factory=dict)
    headline: str | None = None
    error: str | None = None
    executed_path: Path | None = None
    kernel_log: Path | None = None


def _describe_exception(exc: BaseException) -> str:
    """``"Type: first line of message"`` (just ``"Type"`` without a message)."""
    message = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
    message = first_line(message)  # exc.args[0] avoids KeyError's quotes
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _headline(metrics: Mapping[str, Any]) -> str | None:
    name = metrics.get(HEADLINE_KEY)
    if not isinstance(name, str) or name not in metrics:
        return None
    value = metrics[name]
    return f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}"


def _execute(nb: Any, path: Path, progress: CellClock, kernel_name: str, env: dict, log: Any) -> str | None:
    """Run ``nb`` in a fresh kernel; returns the error line, or None."""
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client = NotebookClient(
        nb,
        timeout=None if progress.timeout is None else math.ceil(progress.timeout),
        timeout_func=progress.cell_timeout,
        kernel_name=kernel_name,
        allow_errors=False,
        shutdown_kernel="immediate",
        on_cell_start=progress.on_cell_start,
    )
    limit = f"notebook timeout after {progress.notebook_timeout or 0:g} s in {{}}"
    try:
        if client.create_kernel_manager().ipykernel:
            # ipykernel's start-up chatter ("running over TCP without encryption") stays out
            client.extra_arguments = [*client.extra_arguments, "--IPKernelApp.log_level=ERROR"]
        client.execute(env=env, cwd=str(path.resolve().parent), stdout=log, stderr=log)
    except CellTimeoutError:
        if progress.notebook_limit_binding:
            return limit.format(progress.label())
        return f"timeout after {progress.timeout:g} s in {progress.label()}"
    except NotebookTimeout:
        return limit.format(progress.label())
    except CellExecutionError as exc:
        message = first_line(exc.evalue)
        return f"{progress.label()}: {exc.ename}: {message}" if message else f"{progress.label()}: {exc.ename}"
    except DeadKernelError as exc:
        return f"{progress.label()}: kernel died ({_describe_exception(exc)})"
    except NoSuchKernel:
        return f"no Jupyter kernel named {kernel_name!r} (see `jupyter kernelspec list`)"
    except Exception as exc:  # kernel failed to start, malformed cells...
        return f"{progress.label()}: {_describe_exception(exc)}"
    return None


def run_notebook(
    path: str | os.PathLike[str],
    *,
    output_dir: str | os.PathLike[str],
    timeout: float | None = DEFAULT_TIMEOUT,
    notebook_timeout: float | None = None,
    kernel_name: str = "python3",
    env: Mapping[str, Any] | None = None,
) -> NotebookRun:
    """Execute one notebook top to bottom in a fresh kernel.

    A failing notebook never raises: the failure is reported in the returned
    :class:`NotebookRun` (``ok=False`` and a one-line ``error``), and the
    executed copy, outputs and traceback included, is still written.

    Parameters
    ----------
    path : path-like
        The ``.ipynb`` file.  It is read, never written.
    output_dir : path-like
        Where the executed copy ``<name>``, the results file
        ``<stem>.results.json`` and the kernel log ``<stem>.stderr.log`` go
        (created if needed).  Must not be the notebook's own folder.
    timeout, notebook_timeout : float or None, default 600 and None
        Seconds one cell, and the whole notebook (kernel start included),
        may run; None for no limit.
    kernel_name : str, default "python3"
        Kernel spec to start; ``""`` uses the notebook's own metadata.
    env : mapping, optional
        Extra environment variables for the kernel; they may override
        ``COURSEWORK_HEADLESS`` and ``MPLBACKEND``, not ``COURSEWORK_RESULTS``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If a timeout is not positive or the executed copy would overwrite
        the source.

    >>> run_notebook("notebooks/01_linear_classification.ipynb",
    ...              output_dir="build/executed").headline  # doctest: +SKIP
    'test_accuracy=0.8812'
    """
    import nbformat

    timeout = check_timeout("timeout", timeout)
    notebook_timeout = check_timeout("notebook_timeout", notebook_timeout)
    path, output_dir = Path(path), Path(output_dir)
    if not path.is_file():
        raise FileNotFoundError(f"No notebook at {path}.")
    executed_path = output_dir / path.name
    if executed_path.resolve() == path.resolve():
        raise ValueError(
            f"output_dir={str(output_dir)!r} is the notebook's own folder: the executed "
            "copy would overwrite the source. Pass another folder, e.g. 'build/executed'."
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    results_path = (output_dir / f"{path.stem}.results.json").resolve()
    results_path.unlink(missing_ok=True)
    log_path = output_dir / f"{path.stem}.stderr.log"

    start = time.monotonic()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # invalid JSON, unknown nbformat, unreadable file...
        error = f"not a valid notebook: {_describe_exception(exc)}"
        return NotebookRun(path.name, path, False, time.monotonic() - start, error=error)

    progress = CellClock(timeout, notebook_timeout, start)
    # the caller's env may override the headless and backend settings, not the results file
    preset = {HEADLESS_ENV: "1", "MPLBACKEND": INLINE_BACKEND, **(env or {})}
    kernel_env_ = kernel_env(preset, fixed={RESULTS_ENV: str(results_path)})
    with open_kernel_log(log_path) as log:
        error = _execute(nb, path, progress, kernel_name, kernel_env_, log)
    written: Path | None = None
    try:
        nbformat.write(nb, executed_path)
        written = executed_path
    except Exception as exc:
        error = error or f"could not write the executed notebook: {_describe_exception(exc)}"
    seconds = time.monotonic() - start
    try:
        metrics = read_results(results_path)
    except (OSError, ValueError) as exc:
        metrics = {}
        error = error or f"unreadable results file {results_path}: {_describe_exception(exc)}"
    return NotebookRun(
        name=path.name,
        path=path,
        ok=error is None,
        seconds=seconds,
        metrics=metrics,
        headline=_headline(metrics),
        error=error,
        executed_path=written,
        kernel_log=log_path,
    )


def _progress_line(i: int, total: int, run: NotebookRun) -> str:
    if run.ok:
        detail = f" ({run.headline})" if run.headline else ""
        return f"[{i}/{total}] {run.name}: ok in {run.seconds:.1f} s{detail}"
    line = f"[{i}/{total}] {run.name}: FAILED in {run.seconds:.1f} s: {run.error}"
    tail = log_tail(run.kernel_log)
    if tail:
        indented = "\n".join("    " + text for text in tail.splitlines())
        line += f"\n  last lines of the kernel's log {run.kernel_log}:\n{indented}"
    return line


def run_course(
    notebooks: Iterable[str] | str | None = None,
    *,
    notebook_dir: str | os.PathLike[str] = "notebooks",
    output_dir: str | os.PathLike[str] = "build/executed",
    timeout: float | None = DEFAULT_TIMEOUT,
    notebook_timeout: float | None = DEFAULT_NOTEBOOK_TIMEOUT,
    kernel_name: str = "python3",
    env: Mapping[str, Any] | None = None,
    echo: Callable[[str], Any] | None = print,
) -> list[NotebookRun]:
    """Execute the course's notebooks one after the other, in sorted order.

    A failing notebook does not stop the others.  One progress line per
    notebook is passed to ``echo`` as soon as it finishes; a failed one also
    gets the last lines of its kernel log.

    ``notebooks`` selects a subset: each item a file name
    (``"01_intro.ipynb"``), a stem (``"01_intro"``) or a prefix (``"01"``);
    all ``*.ipynb`` files in ``notebook_dir`` by default.  The other
    arguments are :func:`run_notebook`'s; ``echo`` receives the progress
    lines (None for silence).  Returns the runs in the order run.

    Raises
    ------
    FileNotFoundError
        If ``notebook_dir`` is not a folder.
    ValueError
        If the folder holds no notebook, or a requested one matches nothing
        (the message lists the available notebooks).
    """
    selected = find_notebooks(notebook_dir, notebooks, option="notebook_dir= (--notebook-dir)")
    check_timeout("timeout", timeout)
    check_timeout("notebook_timeout", notebook_timeout)
    runs = []
    for i, path in enumerate(selected, start=1):
        run = run_notebook(
            path,
            output_dir=output_dir,
            timeout=timeout,
            notebook_timeout=notebook_timeout,
            kernel_name=kernel_name,
            env=env,
        )
        runs.append(run)
        if echo is not None:
            echo(_progress_line(i, len(selected), run))
    return runs
