"""The pipeline's own steps, without a kernel: the reason a run failed, the progress line.
(The pipeline end to end, in the sandbox: ``test_grade.py``.)"""

from __future__ import annotations

from coursework.grading.execution.run import Outcome
from coursework.grading.execution.spec import WorkerReport
from coursework.grading.grade import _failure


def _outcome(log: str = "", errors: tuple = ()) -> Outcome:
    return Outcome("failed", None, {}, log, b"", WorkerReport(False, errors), None, 1.0)


def test_failure_names_the_exception_not_nbgraders_wrapper():
    errors = ("There was an error processing assignment: /tmp/x", "KeyError: 'tiny-double'",
              "NbGraderException: Please see the above traceback")
    assert _failure(_outcome(errors=errors)) == "KeyError: 'tiny-double'"
    assert _failure(_outcome(errors=("No notebooks found",))) == "No notebooks found"
    assert _failure(_outcome(log="[INFO] a\nsomething broke\n")) == "something broke"
    assert _failure(_outcome()) == "the worker stopped without a report"


def test_progress_says_the_rate_and_the_time_left():
    import time

    from coursework.grading.grade import progress

    now = time.monotonic()
    assert progress(3, 10, now - 60) == " | 3.0/min, about 2 min left"
    assert progress(9, 10, now - 60) == " | 9.0/min, about 7 s left"
    assert progress(0, 10, now) == progress(10, 10, now - 5) == ""
