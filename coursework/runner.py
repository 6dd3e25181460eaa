"""Execute the course notebooks headless and summarise their results.

Each notebook runs top to bottom in a fresh kernel (``nbclient``), with its
own folder as working directory, so relative paths and ``sys.path`` setup
cells behave as they do for a student who opens it in Jupyter.  The executed
copy (outputs included, even when a cell failed) is written to the output
folder, never over the source; the metrics the notebook passes to
:func:`coursework.results.record` are read back and shown in a table::

    python -m coursework run                 # every notebook in notebooks/
    python -m coursework run 01 03 --timeout 300

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
  package in front, so the notebooks import the very package the runner
  runs from (a source checkout is used even when another copy is installed).
  Nothing is added when the package lives in ``site-packages``.

The environment is handed to ``KernelManager.start_kernel(env=...)`` through
``NotebookClient.execute(env=..., cwd=...)``; the runner's own
``os.environ`` is never modified.

Cell numbers
------------
Errors name cells by their 1-based position among *all* cells, markdown
included, i.e. the n-th cell a student sees scrolling from the top.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import HEADLESS_ENV, RESULTS_ENV
from .results import HEADLINE_KEY, read_results

__all__ = [
    "HEADLESS_ENV",
    "NotebookRun",
    "run_notebook",
    "run_course",
    "format_table",
    "match_notebooks",
    "add_arguments",
    "main",
]


_DEFAULT_TIMEOUT = 600.0
_DEFAULT_NOTEBOOK_TIMEOUT = 1200.0
_MAX_ERROR_CHARS = 300


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
    """

    name: str
    path: Path
    ok: bool
    seconds: float
    metrics: dict[str, Any] = field(default_factory=dict)
    headline: str | None = None
    error: str | None = None
    executed_path: Path | None = None


class _NotebookTimeout(Exception):
    """Internal: the notebook's wall-clock budget ran out between cells."""


@dataclass
class _Progress:
    """Mutable state shared with nbclient's hooks during one execution."""

    cell_index: int | None = None
    notebook_limit_binding: bool = False


# --------------------------------------------------------------------------
# helpers


def _check_timeout(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(
            f"{name} must be a positive number of seconds (or None for no limit). "
            f"Got {value!r} instead."
        )
    return float(value)


def _first_line(text: str) -> str:
    for line in str(text).splitlines():
        if line.strip():
            line = line.strip()
            if len(line) > _MAX_ERROR_CHARS:
                line = line[: _MAX_ERROR_CHARS - 3] + "..."
            return line
    return ""


def _describe_exception(exc: BaseException) -> str:
    """``"Type: first line of message"`` (just ``"Type"`` without a message)."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str):
        message = exc.args[0]  # avoids KeyError's quotes
    else:
        message = str(exc)
    message = _first_line(message)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _format_seconds(seconds: float) -> str:
    return f"{seconds:g}"


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _headline(metrics: Mapping[str, Any]) -> str | None:
    name = metrics.get(HEADLINE_KEY)
    if not isinstance(name, str) or name not in metrics:
        return None
    return f"{name}={_format_value(metrics[name])}"


def _package_root() -> Path | None:
    """The folder holding the imported ``coursework`` package, unless that is
    a ``site-packages`` folder (already on the kernel's path; putting it in
    front of the standard library would be wrong)."""
    root = Path(__file__).resolve().parent.parent
    if root.name in {"site-packages", "dist-packages"}:
        return None
    return root


#: ipykernel's default backend: renders figures into the notebook, needs no display.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def _kernel_env(results_path: Path, extra: Mapping[str, Any] | None) -> dict[str, str]:
    """The kernel's complete environment (see the module docstring)."""
    env = dict(os.environ)
    env[HEADLESS_ENV] = "1"
    env["MPLBACKEND"] = INLINE_BACKEND
    if extra:
        env.update({str(k): str(v) for k, v in extra.items()})
    env[RESULTS_ENV] = str(results_path)
    root = _package_root()
    if root is not None:
        parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        parts = [str(root)] + [p for p in parts if Path(p).resolve() != root]
        env["PYTHONPATH"] = os.pathsep.join(parts)
    return env


def _cell_label(progress: _Progress) -> str:
    if progress.cell_index is None:
        return "before the first cell"
    return f"cell {progress.cell_index + 1}"


# --------------------------------------------------------------------------
# one notebook


def run_notebook(
    path: str | os.PathLike[str],
    *,
    output_dir: str | os.PathLike[str],
    timeout: float | None = _DEFAULT_TIMEOUT,
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
        Where the executed copy ``<output_dir>/<name>`` and the results file
        ``<output_dir>/<stem>.results.json`` go (created if needed).  Must
        not be the notebook's own folder.
    timeout : float or None, default 600
        Seconds one cell may run; None for no limit.
    notebook_timeout : float or None, default None
        Seconds the whole notebook may run (kernel start included); when
        exceeded, the running cell is stopped, the kernel shut down and the
        run reported as failed.  None for no limit.
    kernel_name : str, default "python3"
        Kernel spec to start; ``""`` uses the notebook's own metadata.
    env : mapping, optional
        Extra environment variables for the kernel, on top of the runner's
        environment; they may override ``COURSEWORK_HEADLESS`` and
        ``MPLBACKEND`` but not ``COURSEWORK_RESULTS``.

    Returns
    -------
    NotebookRun

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If a timeout is not positive or the executed copy would overwrite
        the source.

    Examples
    --------
    >>> run = run_notebook("notebooks/01_linear_classification.ipynb",
    ...                    output_dir="build/executed")  # doctest: +SKIP
    >>> run.ok, run.headline  # doctest: +SKIP
    (True, 'test_accuracy=0.8812')
    """
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    timeout = _check_timeout("timeout", timeout)
    notebook_timeout = _check_timeout("notebook_timeout", notebook_timeout)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No notebook at {path}.")
    output_dir = Path(output_dir)
    executed_path = output_dir / path.name
    if executed_path.resolve() == path.resolve():
        raise ValueError(
            f"output_dir={str(output_dir)!r} is the notebook's own folder: the executed "
            "copy would overwrite the source. Pass another folder, e.g. 'build/executed'."
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    results_path = (output_dir / f"{path.stem}.results.json").resolve()
    results_path.unlink(missing_ok=True)

    start = time.monotonic()
    deadline = None if notebook_timeout is None else start + notebook_timeout
    progress = _Progress()
    error: str | None = None
    written: Path | None = None

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # invalid JSON, unknown nbformat, unreadable file...
        error = f"not a valid notebook: {_describe_exception(exc)}"
        return NotebookRun(path.name, path, False, time.monotonic() - start, error=error)

    def cell_timeout(cell: Any) -> float | None:
        # nbclient asks for each cell's limit just after sending the cell:
        # the smaller of the per-cell limit and what is left of the notebook's.
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and (timeout is None or remaining < timeout):
            progress.notebook_limit_binding = True
            return max(remaining, 0.01)  # 0 would mean "no limit" to nbclient
        progress.notebook_limit_binding = False
        return timeout

    def on_cell_start(cell: Any, cell_index: int) -> None:
        # Called for every cell (markdown too) before it runs.
        progress.cell_index = cell_index
        runs_code = cell.get("cell_type") == "code" and cell.get("source", "").strip()
        if runs_code and deadline is not None and time.monotonic() >= deadline:
            raise _NotebookTimeout

    client = NotebookClient(
        nb,
        timeout=None if timeout is None else math.ceil(timeout),
        timeout_func=cell_timeout,
        kernel_name=kernel_name,
        allow_errors=False,
        shutdown_kernel="immediate",
        on_cell_start=on_cell_start,
    )
    cwd = str(path.resolve().parent)
    try:
        if client.create_kernel_manager().ipykernel:
            # Keep ipykernel's start-up chatter ("running over TCP without
            # encryption") out of the runner's stderr; errors still show.
            client.extra_arguments = [*client.extra_arguments, "--IPKernelApp.log_level=ERROR"]
        client.execute(env=_kernel_env(results_path, env), cwd=cwd)
    except CellTimeoutError:
        if progress.notebook_limit_binding:
            error = (
                f"notebook timeout after {_format_seconds(notebook_timeout)} s "
                f"in {_cell_label(progress)}"
            )
        else:
            error = f"timeout after {_format_seconds(timeout)} s in {_cell_label(progress)}"
    except _NotebookTimeout:
        error = (
            f"notebook timeout after {_format_seconds(notebook_timeout)} s "
            f"in {_cell_label(progress)}"
        )
    except CellExecutionError as exc:
        message = _first_line(exc.evalue)
        kind = f"{exc.ename}: {message}" if message else exc.ename
        error = f"{_cell_label(progress)}: {kind}"
    except DeadKernelError as exc:
        error = f"{_cell_label(progress)}: kernel died ({_describe_exception(exc)})"
    except NoSuchKernel:
        error = f"no Jupyter kernel named {kernel_name!r} (see `jupyter kernelspec list`)"
    except Exception as exc:  # kernel failed to start, malformed cells...
        error = f"{_cell_label(progress)}: {_describe_exception(exc)}"
    finally:
        try:
            nbformat.write(nb, executed_path)
            written = executed_path
        except Exception as exc:
            if error is None:
                error = f"could not write the executed notebook: {_describe_exception(exc)}"
    seconds = time.monotonic() - start

    try:
        metrics = read_results(results_path)
    except (OSError, ValueError) as exc:
        metrics = {}
        if error is None:
            error = f"unreadable results file {results_path}: {_describe_exception(exc)}"
    return NotebookRun(
        name=path.name,
        path=path,
        ok=error is None,
        seconds=seconds,
        metrics=metrics,
        headline=_headline(metrics),
        error=error,
        executed_path=written,
    )


# --------------------------------------------------------------------------
# the course


def match_notebooks(available: Sequence[Path], wanted: Iterable[str], notebook_dir: Path) -> list[Path]:
    """Notebooks (in ``available``'s order) matching any of ``wanted`` by
    file name, stem or name prefix; ``"notebooks/01_x.ipynb"`` also works."""
    chosen: set[Path] = set()
    for selector in wanted:
        key = Path(str(selector)).name
        matches = [
            p for p in available if key in (p.name, p.stem) or (key and p.name.startswith(key))
        ]
        if not matches:
            names = ", ".join(p.name for p in available) or "(none)"
            raise ValueError(
                f"No notebook in {notebook_dir} matches {selector!r}. "
                f"Pass a file name, stem or prefix such as '01'. Available: {names}"
            )
        chosen.update(matches)
    return [p for p in available if p in chosen]


def run_course(
    notebooks: Iterable[str] | str | None = None,
    *,
    notebook_dir: str | os.PathLike[str] = "notebooks",
    output_dir: str | os.PathLike[str] = "build/executed",
    timeout: float | None = _DEFAULT_TIMEOUT,
    notebook_timeout: float | None = _DEFAULT_NOTEBOOK_TIMEOUT,
    kernel_name: str = "python3",
    env: Mapping[str, Any] | None = None,
    echo: Callable[[str], Any] | None = print,
) -> list[NotebookRun]:
    """Execute the course's notebooks one after the other, in sorted order.

    A failing notebook does not stop the others.  One progress line per
    notebook is passed to ``echo`` as soon as it finishes.

    Parameters
    ----------
    notebooks : str or iterable of str, optional
        Subset to run, each item a file name (``"01_intro.ipynb"``), a stem
        (``"01_intro"``) or a prefix (``"01"``).  All ``*.ipynb`` files in
        ``notebook_dir`` by default.
    notebook_dir : path-like, default "notebooks"
        Folder holding the notebooks (not searched recursively).
    output_dir : path-like, default "build/executed"
        Where executed copies and results files go.
    timeout : float or None, default 600
        Seconds one cell may run.
    notebook_timeout : float or None, default 1200
        Seconds one notebook may run.
    kernel_name : str, default "python3"
        Kernel spec to start.
    env : mapping, optional
        Extra environment variables for the kernels.
    echo : callable or None, default print
        Receives the progress lines; None for silence.

    Returns
    -------
    list of NotebookRun
        In the order run.

    Raises
    ------
    FileNotFoundError
        If ``notebook_dir`` is not a folder.
    ValueError
        If the folder holds no notebook, or a requested one matches nothing
        (the message lists the available notebooks).
    """
    notebook_dir = Path(notebook_dir)
    if not notebook_dir.is_dir():
        raise FileNotFoundError(
            f"Notebook folder {notebook_dir} does not exist. Pass notebook_dir= "
            "(--notebook-dir) or run from the repository root."
        )
    _check_timeout("timeout", timeout)
    _check_timeout("notebook_timeout", notebook_timeout)
    available = sorted(notebook_dir.glob("*.ipynb"))
    if not available:
        raise ValueError(f"No *.ipynb notebooks in {notebook_dir}.")
    if notebooks is None:
        selected = available
    else:
        if isinstance(notebooks, str):
            notebooks = [notebooks]
        selected = match_notebooks(available, notebooks, notebook_dir)

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
            if run.ok:
                detail = f" ({run.headline})" if run.headline else ""
                echo(f"[{i}/{len(selected)}] {run.name}: ok in {run.seconds:.1f} s{detail}")
            else:
                echo(
                    f"[{i}/{len(selected)}] {run.name}: FAILED in {run.seconds:.1f} s: "
                    f"{run.error}"
                )
    return runs


def format_table(runs: Sequence[NotebookRun]) -> str:
    """A markdown table of the runs, a total line, then the failures.

    Example output::

        | notebook | status | headline metric | seconds |
        |---|---|---|---:|
        | 01_intro.ipynb | ok | test_accuracy=0.8812 | 41.2 |
        | 02_mlp.ipynb | FAILED | - | 3.1 |

        Total: 2 notebooks, 1 ok, 1 failed, 44.3 s

        Failures:
        - 02_mlp.ipynb: cell 7: ValueError: ...
    """

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "| notebook | status | headline metric | seconds |",
        "|---|---|---|---:|",
    ]
    for run in runs:
        status = "ok" if run.ok else "FAILED"
        lines.append(
            f"| {cell(run.name)} | {status} | {cell(run.headline or '-')} | {run.seconds:.1f} |"
        )
    failed = [run for run in runs if not run.ok]
    total = sum(run.seconds for run in runs)
    lines += [
        "",
        f"Total: {len(runs)} notebook{'' if len(runs) == 1 else 's'}, "
        f"{len(runs) - len(failed)} ok, "
        f"{len(failed)} failed, {total:.1f} s",
    ]
    if failed:
        lines += ["", "Failures:"]
        lines += [f"- {run.name}: {run.error}" for run in failed]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# command line: python -m coursework run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``run`` subcommand's arguments to ``parser``."""
    parser.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebooks to run: file name, stem or prefix such as 01 (default: all)",
    )
    parser.add_argument(
        "--notebook-dir", default="notebooks", help="folder of notebooks (default: %(default)s)"
    )
    parser.add_argument(
        "--output-dir",
        default="build/executed",
        help="where executed copies and results go (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=_DEFAULT_TIMEOUT,
        help="seconds one cell may run (default: %(default)g)",
    )
    parser.add_argument(
        "--notebook-timeout",
        type=float,
        default=_DEFAULT_NOTEBOOK_TIMEOUT,
        help="seconds one notebook may run (default: %(default)g)",
    )
    parser.add_argument(
        "--kernel", default="python3", help="Jupyter kernel spec name (default: %(default)s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m coursework run``.

    Prints one progress line per notebook, then :func:`format_table`.

    Returns
    -------
    int
        0 when every notebook ran cleanly, 1 when one failed, 2 for a usage
        error (unknown notebook, missing folder, bad timeout).
    """
    parser = argparse.ArgumentParser(
        prog="python -m coursework run",
        description="Execute the course notebooks headless and print a results table.",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        runs = run_course(
            args.notebooks or None,
            notebook_dir=args.notebook_dir,
            output_dir=args.output_dir,
            timeout=args.timeout,
            notebook_timeout=args.notebook_timeout,
            kernel_name=args.kernel,
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print()
    print(format_table(runs))
    return 0 if all(run.ok for run in runs) else 1
