"""coursework._time_limits.check_timeout: the runner's and the grader's timeout check."""

from __future__ import annotations

import pytest

from coursework._time_limits import check_timeout


def test_a_positive_timeout_is_seconds():
    assert check_timeout("timeout", 3) == 3.0
    assert check_timeout("timeout", None) is None


@pytest.mark.parametrize("value", [0, -1, True, "60", float("nan")])
def test_anything_else_is_refused_with_its_name(value):
    with pytest.raises(ValueError, match=r"^notebook_timeout must be a positive number of seconds \(or None"):
        check_timeout("notebook_timeout", value)


@pytest.mark.parametrize("value", [None, 0])
def test_without_none_the_message_does_not_offer_it(value):
    with pytest.raises(ValueError) as info:
        check_timeout("timeout", value, none_ok=False)
    assert str(info.value) == f"timeout must be a positive number of seconds. Got {value!r} instead."


def test_grade_submissions_checks_its_timeout_first(tmp_path):
    from coursework.grading import grade_submissions

    with pytest.raises(ValueError, match=r"^timeout must be a positive number of seconds\. Got None instead\.$"):
        grade_submissions(tmp_path / "missing", timeout=None, echo=None)
