"""Helpers for testing a notebook's nbgrader exercises without nbgrader.

An exercise is an answer cell (``solution: true``, code between
``### BEGIN SOLUTION`` and ``### END SOLUTION``) followed by a locked test cell
(``grade: true``, ``points``) whose instructor-only asserts sit between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``.  These helpers
rebuild what nbgrader gives students (stubbed answers, visible tests only) so
tests can check that solutions pass, stubs fail, and hidden tests add checks.
"""

from __future__ import annotations

from typing import Any

SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
#: What nbgrader puts in place of a solution region (its default code stub).
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]


def nbgrader(cell: Any) -> dict:
    """The cell's nbgrader metadata ({} for ordinary cells)."""
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def _replace_region(source: str, markers: tuple[str, str], replacement: list[str]) -> str:
    begin, end = markers
    out, inside = [], False
    for line in source.splitlines():
        if line.strip() == begin:
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + text for text in replacement]
            inside = True
        elif line.strip() == end:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def student_version(answer: str) -> str:
    """An answer cell as nbgrader releases it: solutions replaced by the stub."""
    return _replace_region(answer, SOLUTION, STUB)


def visible_tests(test: str) -> str:
    """A test cell as students see it: hidden tests removed."""
    return _replace_region(test, HIDDEN, [])


def exercises(cells: list) -> list[tuple[str, str]]:
    """(answer source, test source) of each exercise, in notebook order."""
    code = [cell for cell in cells if cell.cell_type == "code"]
    pairs = []
    for cell, following in zip(code, code[1:]):
        if nbgrader(cell).get("solution"):
            pairs.append((cell.source, following.source))
    return pairs


def format_problems(cells: list) -> list[str]:
    """Everything that breaks the course's nbgrader conventions ([] when fine)."""
    problems = []
    graded = [cell for cell in cells if nbgrader(cell)]
    ids = [nbgrader(cell).get("grade_id") for cell in graded]
    if len(ids) != len(set(ids)) or None in ids:
        problems.append(f"grade_id missing or not unique: {ids}")
    code = [cell for cell in cells if cell.cell_type == "code"]
    for cell in graded:
        meta, name = nbgrader(cell), nbgrader(cell).get("grade_id")
        if cell.cell_type != "code" or meta.get("schema_version") != 3:
            problems.append(f"{name}: not a code cell with schema_version 3")
        if meta.get("solution"):
            if meta.get("grade") or meta.get("locked"):
                problems.append(f"{name}: an answer cell is neither graded nor locked")
            if not all(marker in cell.source for marker in SOLUTION):
                problems.append(f"{name}: no BEGIN/END SOLUTION region")
            position = next(i for i, c in enumerate(code) if c is cell)
            following = code[position + 1] if position + 1 < len(code) else None
            if following is None or not nbgrader(following).get("grade"):
                problems.append(f"{name}: not followed by a test cell")
        elif meta.get("grade"):
            if not meta.get("locked") or not meta.get("points", 0) > 0:
                problems.append(f"{name}: a test cell must be locked and worth points")
            if not all(marker in cell.source for marker in HIDDEN):
                problems.append(f"{name}: no BEGIN/END HIDDEN TESTS region")
            if "assert" not in visible_tests(cell.source):
                problems.append(f"{name}: no visible assert for students")
        else:
            problems.append(f"{name}: neither an answer nor a test cell")
    n = len(exercises(cells))
    if not 2 <= n <= 4:
        problems.append(f"{n} exercises; the course asks for 2 to 4")
    return problems


def assert_answers_unused(cells: list, patterns: "list[str] | tuple[str, ...]") -> None:
    """No lesson cell uses an exercise answer: released notebooks raise
    NotImplementedError in the answer cells, and the lesson must still run."""
    import re

    for cell in cells:
        if cell.cell_type != "code" or nbgrader(cell):
            continue
        for pattern in patterns:
            assert not re.search(pattern, cell.source), f"{pattern} used outside the exercises"


def assert_solutions_pass(cells: list, make_scope) -> None:
    """Every reference answer passes its test cell, hidden tests included.

    ``make_scope()`` gives the namespace each exercise runs in (return the
    same dict every time to let exercises share one namespace)."""
    for answer, test in exercises(cells):
        scope = make_scope()
        exec(answer, scope)
        exec(test, scope)


def assert_stubs_fail(cells: list, make_scope, raises=NotImplementedError) -> None:
    """The student version of every answer fails its visible tests."""
    import pytest

    for answer, test in exercises(cells):
        scope = make_scope()
        with pytest.raises(raises):
            exec(student_version(answer), scope)
            exec(visible_tests(test), scope)


def assert_hidden_tests_catch(cells: list, wrong: dict, make_scope, *,
                              raises=AssertionError, marker: str = "def {name}(") -> None:
    """Each plausible wrong answer in ``wrong`` (name -> code, in exercise
    order) passes the visible tests but fails the full test cell."""
    import pytest

    for (answer, test), (name, code) in zip(exercises(cells), wrong.items(), strict=True):
        assert marker.format(name=name) in answer
        scope = make_scope()
        exec(code, scope)
        exec(visible_tests(test), scope)  # passes what the student sees...
        with pytest.raises(raises):
            exec(test, scope)  # ...but not the hidden tests


def assert_visible_tests_catch(cells: list, wrong: dict, make_scope) -> None:
    """Each wrong answer in ``wrong`` (exercise name -> code) misses a
    requirement its task states, and fails the *visible* tests: nothing the
    grader checks is checked only where the student cannot see it."""
    import numpy as np
    import pytest

    for name, code in wrong.items():
        test = next(test for answer, test in exercises(cells) if f"def {name}(" in answer)
        scope = make_scope()
        exec(code, scope)
        with np.errstate(all="ignore"), pytest.raises(AssertionError):
            exec(visible_tests(test), scope)


def lesson_program(cells: list, definitions: "tuple[str, ...]", *, with_imports: bool = False) -> str:
    """The lesson cells the exercises need, in notebook order, as one program:
    the non-exercise code cells holding one of ``definitions`` (plus the one
    that imports keras, ``with_imports``)."""
    code = [cell.source for cell in cells if cell.cell_type == "code" and not nbgrader(cell)]
    picked = [src for src in code if any(marker in src for marker in definitions)
              or (with_imports and "import keras" in src)]
    assert len(picked) == len(definitions) + with_imports, "lesson cells moved: update LESSON_DEFINITIONS"
    return "\n\n".join(picked)
