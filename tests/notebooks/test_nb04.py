"""Notebook 04 (IMDB reviews): the notebook's structure (exercises after the
lesson, points in their headings, the closing sections), then, executed on
the real mirror, its recorded results: the data facts, the lecture's network,
the sparse network equal to the dense one, the test accuracy and the
notebook's peak memory (measured inside the kernel)."""

from __future__ import annotations


import nbformat
import pytest

from tests.notebooks.conftest import notebook_path
from tests.notebooks.exercises import assert_answers_unused, format_problems
from tests.notebooks.frame import (
    assert_exercises_last_with_points,
    assert_lesson_and_optional_sections_before_the_exercises,
)
from tests.notebooks.thresholds import check_memory, check_metric

#: The exercises' answers, and how a lesson cell would call them.
EXERCISE_USES = (r"\bcount_vectors\(", r"\bbest_epoch_of\(", r"\bpositive_probability\(")




@pytest.fixture(scope="module")
def metrics(executed):
    return executed("04").metrics


@pytest.mark.slow
def test_headline_is_the_test_accuracy(metrics):
    assert metrics["_headline"] == "test_accuracy"
    assert metrics["grading"] is False
    assert (metrics["n_train"], metrics["n_val"], metrics["n_test"]) == (25_000, 10_000, 25_000)
    assert metrics["epochs"] == 20


@pytest.mark.slow
def test_data_facts(metrics):
    assert metrics["max_index"] == 9999
    assert metrics["train_label_counts"] == [12_500, 12_500]
    assert metrics["test_label_counts"] == [12_500, 12_500]


@pytest.mark.slow
def test_the_sparse_network_computes_what_the_dense_one_does(metrics):
    # same weights, same outputs up to float32 rounding (the notebook asserts < 1e-5)
    assert 0 <= metrics["sparse_dense_largest_difference"] < 1e-5
    # a review uses about 1 % of the 10,000 words
    assert 50 < metrics["distinct_words_mean"] < 300


@pytest.mark.slow
def test_the_lecture_network(metrics):
    assert metrics["n_params"] == (10_000 * 16 + 16) + (16 * 16 + 16) + (16 + 1) == 160_305


@pytest.mark.slow
def test_best_epoch_is_the_argmin_of_the_validation_loss(metrics):
    val_loss = metrics["val_loss"]
    assert len(val_loss) == 20
    assert metrics["best_epoch"] == val_loss.index(min(val_loss)) + 1
    # the lecture's curves bottom out after a few epochs, then overfit
    check_metric(metrics, "04", "best_epoch")
    assert val_loss[-1] > min(val_loss)


@pytest.mark.slow
def test_test_accuracy_reaches_the_lecture(metrics):
    # lecture 001: 0.8735, one run; the bound comes from 10 seeds
    check_metric(metrics, "04", "test_accuracy")


@pytest.mark.slow
def test_peak_memory_within_budget(metrics):
    # peak RSS of the kernel process, reported from inside the notebook
    check_memory(metrics, "04")


@pytest.mark.slow
def test_fit_time_is_recorded(metrics):
    # recorded only: wall-clock time depends on the machine and its load
    assert metrics["fit_seconds"] > 0


@pytest.mark.slow
def test_grading_mode_runs_on_a_small_slice(executed):
    run = executed("04", COURSEWORK_GRADING="1")  # fails the test unless every cell ran
    m = run.metrics
    assert m["grading"] is True
    assert m["n_train"] < 25_000 and m["n_test"] < 25_000 and m["epochs"] < 20
    assert m["n_params"] == 160_305
    assert m["max_index"] < 10_000
    assert 1 <= m["best_epoch"] <= m["epochs"]


# --------------------------------------------------------------------------
# the notebook's structure (quick: read, not executed)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cells():
    return nbformat.read(notebook_path("04"), as_version=4).cells


def test_exercises_follow_the_nbgrader_format(cells):
    assert format_problems(cells) == []


def test_exercises_come_after_the_lesson_with_points_in_their_headings(cells):
    assert_exercises_last_with_points(cells)


def test_the_lesson_runs_without_the_exercise_answers(cells):
    assert_answers_unused(cells, EXERCISE_USES)


def test_the_optional_sections_come_before_the_exercises(cells):
    assert_lesson_and_optional_sections_before_the_exercises(cells)

