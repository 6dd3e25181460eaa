"""Feedback for students: ``grade --feedback DIR`` writes one HTML file per
student and notebook, ``DIR/<student>/<stem>.html``.

Each file is the graded notebook rendered by nbconvert's ``HTMLExporter``,
with

* a table at the top: the points of every exercise, the total, the status,
  and the reason for every lost point (the gradebook's own words) and the
  grader's notes;
* after each test cell, its points and reason;
* the student's own cells and outputs, as the grader ran them.

Without ``show_hidden`` (the default) nothing of the hidden tests is shown:
each test cell's hidden-test region is removed with
nbgrader's own ``ClearHiddenTests``; a test cell's outputs are replaced by
its error's type and message, without the traceback (which quotes the
failing line, hidden or not, and a student's ``print`` inside a function the
hidden tests call would show their inputs); and any output that holds a line
of a hidden test (a submission that printed one) is replaced by a note.
nbgrader's own feedback shows the hidden tests; here ``show_hidden=True``
(``--show-hidden``) does.
"""

from __future__ import annotations

import copy
import html
import os
from pathlib import Path
from typing import Any

from .cells import grade_id, is_test
from .model import ClassGrades, SubmissionGrade

__all__ = ["write_feedback", "feedback_notebook"]

_REMOVED = "[output removed from the feedback: it showed a hidden test]"
_MIN_HIDDEN_LINE = 8  # shorter lines (`pass`, `)`) are too common to mean anything


def _hidden_lines(nb: Any, begin: str, end: str) -> set[str]:
    """The lines of the hidden-test regions (between ``begin`` and ``end``)
    of ``nb``'s test cells."""
    lines: set[str] = set()
    for cell in nb.cells:
        if not is_test(cell):
            continue
        inside = False
        for line in cell.source.splitlines():
            if begin in line:
                inside = True
            elif end in line:
                inside = False
            elif inside and len(line.strip()) >= _MIN_HIDDEN_LINE:
                lines.add(line.strip())
    return lines


def _output_text(output: Any) -> str:
    parts = [output.get("text", ""), output.get("evalue", ""), *output.get("traceback", [])]
    parts += [v if isinstance(v, str) else "".join(v) for v in output.get("data", {}).values()
              if isinstance(v, (str, list))]
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


def _error_only(outputs: list) -> list:
    """A test cell's outputs reduced to its errors' type and message."""
    from nbformat.v4 import new_output

    return [new_output("error", ename=o.get("ename", ""), evalue=o.get("evalue", ""),
                       traceback=[f"{o.get('ename', '')}: {o.get('evalue', '')}"])
            for o in outputs if o.get("output_type") == "error"]


def _hide(nb: Any) -> None:
    """Remove the hidden tests from ``nb`` (in place), as described above."""
    from nbgrader.preprocessors import ClearHiddenTests

    clear = ClearHiddenTests(enforce_metadata=False)
    secret = _hidden_lines(nb, clear.begin_test_delimeter, clear.end_test_delimeter)
    for index, cell in enumerate(nb.cells):
        if is_test(cell):
            clear.preprocess_cell(cell, {}, index)
            cell.outputs = _error_only(cell.get("outputs", []))
    for cell in nb.cells:
        for i, output in enumerate(cell.get("outputs", [])):
            text = _output_text(output)
            if any(line in text for line in secret):
                cell.outputs[i] = {"output_type": "stream", "name": "stdout", "text": _REMOVED + "\n"}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=False)


def _points(value: float | None, maximum: float) -> str:
    return f"{'-' if value is None else f'{value:g}'}/{maximum:g}"


def _summary_cell(result: SubmissionGrade) -> Any:
    """A markdown cell holding one HTML block (no blank line: markdown leaves it as it is)."""
    from nbformat.v4 import new_markdown_cell

    rows = "".join(
        f"<tr><td><code>{_e(gid)}</code></td><td>{_points(result.scores.get(gid), top)}</td>"
        f"<td>{_e(result.reasons.get(gid, ''))}</td></tr>"
        for gid, top in result.max_scores.items()
    )
    lines = [
        f"<h2>{_e(Path(result.notebook).stem)}: {result.total:g}/{result.max_total:g} points</h2>",
        f"<p>Student: <code>{_e(result.student)}</code>; status: <code>{_e(result.status)}</code>"
        + (f"; {_e(result.problem)}" if result.problem else "") + "</p>",
        "<table class='coursework-points'><thead><tr><th>exercise</th><th>points</th>"
        f"<th>why points were lost</th></tr></thead><tbody>{rows}</tbody></table>",
    ]
    if result.notes:
        lines.append("<p>Notes from the grader:</p><ul>" + "".join(f"<li>{_e(n)}</li>" for n in result.notes)
                     + "</ul>")
    return new_markdown_cell("\n".join(lines))


def _verdict_cell(result: SubmissionGrade, gid: str) -> Any:
    from nbformat.v4 import new_markdown_cell

    reason = result.reasons.get(gid)
    text = f"<p><b>{_e(gid)}: {_points(result.scores.get(gid), result.max_scores[gid])} points</b>"
    return new_markdown_cell(text + (f": {_e(reason)}" if reason else "") + "</p>")


def feedback_notebook(result: SubmissionGrade, graded: Any | None, *, show_hidden: bool = False) -> Any:
    """The notebook a feedback file renders: ``graded`` (the graded notebook,
    not modified; None when the submission did not run) with the summary on
    top, a verdict after each test cell and, unless ``show_hidden``, no
    hidden test."""
    from nbformat.v4 import new_notebook

    nb = new_notebook() if graded is None else copy.deepcopy(graded)
    if not show_hidden:
        _hide(nb)
    cells = [_summary_cell(result)]
    for cell in nb.cells:
        cells.append(cell)
        if is_test(cell) and grade_id(cell) in result.max_scores:
            cells.append(_verdict_cell(result, grade_id(cell)))
    nb.cells = cells
    return nb


def write_feedback(grades: ClassGrades, feedback_dir: str | os.PathLike[str], *,
                   show_hidden: bool = False) -> list[Path]:
    """Write ``<feedback_dir>/<student>/<stem>.html`` for every row of
    ``grades``; returns the files written.

    The graded notebooks are read from each row's ``graded_path`` (so grade
    with a ``graded_dir``); a row without one (missing, invalid or timed-out
    submissions) gets the summary alone.  Without ``show_hidden`` the files
    hold no hidden test (see the module docstring).
    """
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    written = []
    for result in grades.results:
        graded = None
        if result.graded_path is not None and Path(result.graded_path).is_file():
            graded = nbformat.read(result.graded_path, as_version=4)
        nb = feedback_notebook(result, graded, show_hidden=show_hidden)
        nb.metadata["title"] = f"{Path(result.notebook).stem}: feedback for {result.student}"
        body, _ = exporter.from_notebook_node(nb)
        target = Path(feedback_dir) / result.student / f"{Path(result.notebook).stem}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written
