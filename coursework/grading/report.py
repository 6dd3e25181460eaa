"""Stage 5, write: the graded notebooks and logs, the CSV gradebook, the summary."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from .._kernels import log_tail
from .model import STATUSES, ClassGrades, SubmissionGrade
from .run import Outcome
from .spec import GIB

__all__ = ["NO_SANDBOX_NOTE", "keep_outputs", "write_gradebook", "format_summary"]

#: The note every gradebook row gets when grading ran with ``--no-sandbox``.
NO_SANDBOX_NOTE = "graded without the sandbox (--no-sandbox): the kernel could read and change this machine's files"


def keep_outputs(graded_dir: Path | None, student: str, name: str, outcome: Outcome | None,
                 *, keep_log: bool) -> tuple[Path | None, Path | None]:
    """Write ``<student>/<name>`` (the graded notebook), ``<student>/<stem>.log``
    (nbgrader's log, when the run failed or timed out) and
    ``<student>/<stem>.stderr.log`` (the kernel's own output) into
    ``graded_dir``, removing what an earlier run left there; returns the
    notebook's and the kernel log's paths."""
    if graded_dir is None:
        return None, None
    folder = graded_dir / student
    stem = Path(name).stem
    notebook, log, kernel_log = folder / name, folder / f"{stem}.log", folder / f"{stem}.stderr.log"
    for path in (notebook, log, kernel_log):
        path.unlink(missing_ok=True)
    if outcome is None:
        return None, None
    folder.mkdir(parents=True, exist_ok=True)
    if keep_log:
        log.write_text(outcome.log, encoding="utf-8")
    if outcome.kernel_log:
        kernel_log.write_bytes(outcome.kernel_log)
    if outcome.graded is not None:
        notebook.write_text(outcome.graded, encoding="utf-8")
    return (notebook if outcome.graded is not None else None), (kernel_log if outcome.kernel_log else None)


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def write_gradebook(grades: ClassGrades, path: str | os.PathLike[str]) -> Path:
    """Write the CSV gradebook; returns its path.

    Columns, one row per student and notebook (sorted)::

        student, notebook, <grade_id>..., total, max_total, status, reasons, notes

    * ``<grade_id>``: one column per exercise (test cell) of every graded
      notebook, in course order: the points earned, empty for another
      notebook's exercises;
    * ``total`` / ``max_total``: points earned / available in the notebook;
    * ``status``: see :data:`~coursework.grading.model.STATUSES`;
    * ``reasons``: why points were lost, ``"<grade_id>: <reason>"`` joined
      by ``"; "``, or one reason for the whole notebook (``missing
      notebook``, ``invalid notebook JSON: ...``, ``timeout: ...``);
    * ``notes``: what the grader repaired or noticed (edited or deleted test
      cells, a file graded under another name, grading without the
      sandbox), joined by ``"; "``.

    The file is UTF-8 with a header row; nothing in it depends on timing, so
    grading the same submissions twice writes the same file.
    """
    path = Path(path)
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    ids = [e.grade_id for e in grades.exercises]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "notebook", *ids, "total", "max_total", "status", "reasons", "notes"])
        for r in grades.results:
            notes = r.notes if grades.sandboxed else [*r.notes, NO_SANDBOX_NOTE]
            writer.writerow([
                r.student, r.notebook, *(_points(r.scores[gid]) if gid in r.max_scores else "" for gid in ids),
                _points(r.total), _points(r.max_total), r.status, r.reason_text(), "; ".join(notes),
            ])
    return path


def _table(grades: ClassGrades) -> list[str]:
    by_key = {(r.student, r.notebook): r for r in grades.results}
    stems = [Path(name).stem for name in grades.notebooks]
    lines = ["| student | " + " | ".join(stems) + " | total |", "|---|" + "---:|" * (len(stems) + 1)]
    for student in grades.students:
        rows = [by_key[(student, name)] for name in grades.notebooks]
        cells = [f"{r.total:g}/{r.max_total:g}" + ("" if r.status == "ok" else f" ({r.status})") for r in rows]
        total, maximum = sum(r.total for r in rows), sum(r.max_total for r in rows)
        lines.append(f"| {student} | " + " | ".join(cells) + f" | {total:g}/{maximum:g} |")
    if grades.students:
        means = []
        for name in grades.notebooks:
            rows = [r for r in grades.results if r.notebook == name]
            means.append(f"{sum(r.total for r in rows) / len(rows):.3g}/{rows[0].max_total:g}")
        grand = sum(r.total for r in grades.results) / len(grades.students)
        grand_max = sum(r.max_total for r in grades.results) / len(grades.students)
        lines.append("| mean | " + " | ".join(means) + f" | {grand:.3g}/{grand_max:g} |")
    return lines


def _problem_lines(results: list[SubmissionGrade]) -> list[str]:
    lines = []
    for r in results:
        if r.status == "ok":
            continue
        lines.append(f"- {r.student}/{r.notebook}: {r.status}: {r.reason_text()}")
        tail = log_tail(r.log_path, 5) if r.status in ("crashed", "error", "timeout") else ""
        if tail:
            lines.append(f"  last lines of the kernel's log {r.log_path}:")
            lines += ["    " + line for line in tail.splitlines()]
    return lines


def format_summary(grades: ClassGrades) -> str:
    """A markdown table (one row per student, a column per notebook with
    ``points/max``, a mean row), then the submissions with a problem (with
    the last lines of the kernel's log of one that crashed), the largest
    memory use per notebook, the time taken, and a warning when grading ran
    without the sandbox.

    Example::

        | student | 01_x | 02_y | total |
        |---|---:|---:|---:|
        | alice | 5/5 | 4/4 | 9/9 |
        | bob | 0/5 (missing) | 2/4 | 2/9 |
        | mean | 2.5/5 | 3/4 | 5.5/9 |

        Problems:
        - bob/01_x.ipynb: missing: missing notebook

        Graded 4 submissions (2 students x 2 notebooks) in 31.2 s: 3 ok, 1 missing.
    """
    lines = _table(grades)
    problems = _problem_lines(grades.results)
    if problems:
        lines += ["", "Problems:", *problems]
    counts = {s: sum(r.status == s for r in grades.results) for s in STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    ran = [r.seconds for r in grades.results if r.status not in ("missing", "invalid")]
    per = f", {sum(ran) / len(ran):.1f} s per executed notebook" if ran else ""
    peaks = {}
    for r in grades.results:
        peaks[r.notebook] = max(peaks.get(r.notebook, 0), r.peak_memory)
    lines += ["", f"Graded {len(grades.results)} submissions ({len(grades.students)} students x "
              f"{len(grades.notebooks)} notebooks) in {grades.seconds:.1f} s{per}: {summary}."]
    if any(peaks.values()):
        lines.append("Largest memory use: " + ", ".join(
            f"{Path(name).stem} {peak / GIB:.2f} GB" for name, peak in peaks.items() if peak) + ".")
    if grades.skipped:
        lines.append("Not graded (no graded cells): " + ", ".join(grades.skipped) + ".")
    if not grades.sandboxed:
        lines.append("WARNING: graded without the sandbox (--no-sandbox): the students' code ran with your "
                     "privileges and could read or change your files; every gradebook row says so.")
    return "\n".join(lines)
