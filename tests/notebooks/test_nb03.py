"""Notebook 03 (Pima Indians diabetes): executed on the real mirror, then its
recorded results checked against the dataset's known facts and the issue's
thresholds."""

from __future__ import annotations


import nbformat
import pytest

from tests.notebooks.conftest import notebook_path
from tests.notebooks.exercises import assert_answers_unused, format_problems
from tests.notebooks.frame import (
    assert_exercises_last_with_points,
    assert_lesson_and_optional_sections_before_the_exercises,
)
from tests.notebooks.thresholds import bounds_for, check_memory, check_metric

#: The exercises' answers, and how a lesson cell would call them.
EXERCISE_USES = (r"\bstandardize\(", r"\bbuild_mlp\(", r"\bimpute_zeros\(")



@pytest.fixture(scope="module")
def metrics(executed):
    return executed("03").metrics


@pytest.mark.slow
def test_headline_is_the_test_accuracy(metrics):
    assert metrics["_headline"] == "test_accuracy"
    assert metrics["grading"] is False
    assert metrics["epochs"] == 150
    assert (metrics["n_train"], metrics["n_test"]) == (614, 154)


@pytest.mark.slow
def test_class_counts_and_majority_baseline(metrics):
    assert metrics["class_counts"] == [500, 268]
    assert round(metrics["majority_baseline"], 3) == 0.651
    # stratified split: 100 of the 154 test rows are negative
    assert metrics["test_majority_baseline"] == pytest.approx(100 / 154)


@pytest.mark.slow
def test_zeros_meaning_missing_are_counted_exactly(metrics):
    assert metrics["zero_counts"] == {
        "glucose": 5,
        "blood_pressure": 35,
        "skin_thickness": 227,
        "insulin": 374,
        "bmi": 11,
    }
    assert metrics["rows_with_missing"] == 376


@pytest.mark.slow
def test_the_lecture_network(metrics):
    assert metrics["n_params"] == (8 * 12 + 12) + (12 * 8 + 8) + (8 + 1) == 221
    assert 1 <= metrics["best_epoch"] <= 150


@pytest.mark.slow
def test_fits_in_a_laptops_memory(metrics):
    check_memory(metrics, "03")


@pytest.mark.slow
def test_steps_per_execution_does_not_change_the_weights(metrics):
    assert metrics["steps_per_execution"] > 1
    assert metrics["same_weights_with_steps_per_execution"] is True


@pytest.mark.slow
def test_held_out_accuracy(metrics):
    check_metric(metrics, "03", "test_accuracy")
    low, _ = bounds_for("03", "test_accuracy")
    # the derived bound itself beats always answering "no diabetes"
    assert low > metrics["test_majority_baseline"]
    check_metric(metrics, "03", "logistic_regression_accuracy")


@pytest.mark.slow
def test_training_data_accuracy_is_optimistic(metrics):
    # the lecture's way (accuracy on the training data) flatters the model
    assert metrics["train_accuracy_last_epoch"] > metrics["test_accuracy_last_epoch"]
    check_metric(metrics, "03", "train_accuracy_last_epoch")


@pytest.mark.slow
def test_grading_mode_runs_quickly_on_a_few_epochs(executed):
    run = executed("03", COURSEWORK_GRADING="1")  # fails the test unless every cell ran
    m = run.metrics
    assert m["grading"] is True
    assert m["epochs"] < 150
    # the data facts do not depend on the amount of training
    assert m["class_counts"] == [500, 268]
    assert m["n_params"] == 221
    assert m["same_weights_with_steps_per_execution"] is True


# --------------------------------------------------------------------------
# the notebook's structure (quick: read, not executed)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cells():
    return nbformat.read(notebook_path("03"), as_version=4).cells


def test_exercises_follow_the_nbgrader_format(cells):
    assert format_problems(cells) == []


def test_exercises_come_after_the_lesson_with_points_in_their_headings(cells):
    assert_exercises_last_with_points(cells)


def test_the_lesson_runs_without_the_exercise_answers(cells):
    assert_answers_unused(cells, EXERCISE_USES)


def test_the_optional_sections_come_before_the_exercises(cells):
    assert_lesson_and_optional_sections_before_the_exercises(cells)

