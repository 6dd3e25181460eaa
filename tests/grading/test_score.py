"""score: a reason for every lost point."""

from __future__ import annotations

import nbformat

from coursework.grading.score import explain
from tests.grading import synthetic


def _graded_cell(grade_id, outputs, **flags):
    cell = nbformat.v4.new_code_cell("x", metadata=synthetic._meta(grade_id, **flags))
    cell.outputs = [nbformat.NotebookNode(o) for o in outputs]
    return cell


def test_explain_names_the_error_the_answer_cell_and_the_judges_refusal(course):
    _, _, released = course
    graded = nbformat.v4.new_notebook()
    error = {"output_type": "error", "ename": "SyntaxError", "evalue": "invalid syntax (3960470163.py, line 2)",
             "traceback": []}
    name_error = {"output_type": "error", "ename": "NameError", "evalue": "name 'double' is not defined",
                  "traceback": []}
    refused = {"output_type": "error", "ename": "NotGradable", "traceback": [],
               "evalue": "not gradable: the answer is nested more than 40 levels deep"}
    graded.cells = [
        _graded_cell("tiny-double", [error], solution=True),
        _graded_cell("tiny-double-tests", [name_error], grade=True, locked=True, points=2),
        _graded_cell("tiny-square", [], solution=True),
        _graded_cell("tiny-square-tests", [], grade=True, locked=True, points=3),
        _graded_cell("tiny-mean", [], solution=True),
        _graded_cell("tiny-mean-tests", [refused], grade=True, locked=True, points=1),
    ]
    scores = {"tiny-double-tests": 0.0, "tiny-square-tests": 3.0, "tiny-mean-tests": 0.0}
    assert explain(graded, released, scores, synthetic.EXERCISES, cell_timeout=60) == {
        "tiny-double-tests": "NameError: name 'double' is not defined "
        "(answer cell tiny-double: SyntaxError: invalid syntax (line 2))",
        "tiny-mean-tests": "NotGradable: not gradable: the answer is nested more than 40 levels deep",
    }
