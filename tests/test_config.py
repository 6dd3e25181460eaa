"""coursework.config: the true/false variables and the repository's address."""

from __future__ import annotations

import pytest

from coursework.config import (
    CAPTIONS_ENV,
    GRADING_ENV,
    HEADLESS_ENV,
    REPOSITORY_URL,
    captions_on,
    colab_url,
    env_flag,
    github_owner_repo,
    grading_mode,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), (" TRUE ", True), ("yes", True), ("On", True), ("0", False), ("false", False),
     ("NO", False), ("off", False), ("", None), ("2", None), ("maybe", None)],
)
def test_env_flag(monkeypatch, value, expected):
    monkeypatch.setenv("COURSEWORK_TEST_FLAG", value)
    assert env_flag("COURSEWORK_TEST_FLAG") is expected


def test_an_unset_flag_is_none(monkeypatch):
    monkeypatch.delenv("COURSEWORK_TEST_FLAG", raising=False)
    assert env_flag("COURSEWORK_TEST_FLAG") is None


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("0", False), ("", False), ("x", False)])
def test_grading_mode_and_captions_read_the_flag(monkeypatch, value, expected):
    monkeypatch.setenv(GRADING_ENV, value)
    monkeypatch.setenv(CAPTIONS_ENV, value)
    assert grading_mode() is expected
    assert captions_on() is expected


def test_github_owner_repo():
    assert github_owner_repo(REPOSITORY_URL) == "keras-course/keras-course"
    assert github_owner_repo("https://github.com/a/b/") == "a/b"
    assert colab_url("notebooks/x.ipynb", repository="https://github.com/a/b") == (
        "https://colab.research.google.com/github/a/b/blob/main/notebooks/x.ipynb"
    )


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_the_check_cell_does_nothing_under_the_runner(monkeypatch, capsys, value):
    from coursework.grading.in_notebook import check_notebook

    monkeypatch.delenv(GRADING_ENV, raising=False)
    monkeypatch.setenv(HEADLESS_ENV, value)
    assert check_notebook("01_linear_classification.ipynb") is True
    assert "skipped" in capsys.readouterr().out
