"""Notebook 08, regression and loss functions.

Quick tests read the notebook: the lesson's ingredients, and exercises in
nbgrader's format whose solutions pass their tests (hidden ones included)
while the student stubs fail them.  Slow tests execute it and check what it
records: a sigmoid head cannot output an age, the mean baseline recomputed,
the multi-output cost against Keras' MSE, MAE more robust to outliers than
MSE, every task's output layer; trained numbers against their measured bounds.
"""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from tests.notebooks.conftest import notebook_path
from tests.notebooks.exercises import (
    assert_answers_unused,
    assert_hidden_tests_catch,
    assert_solutions_pass,
    assert_stubs_fail,
    assert_visible_tests_catch,
    format_problems,
    lesson_program,
    nbgrader,
)
from tests.notebooks.thresholds import check_memory, check_metric
from tests.notebooks.frame import assert_lesson_and_optional_sections_before_the_exercises

NOTEBOOK = notebook_path("08")
EXERCISE_USES = (r"\bmulti_output_cost\(", r"\bhuber_loss\(")
#: Lesson cells the exercise tests rely on (no data, no training), found by what they define.
LESSON_DEFINITIONS = ("GRADING = ", "import keras")


@pytest.fixture(scope="module")
def cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


@pytest.fixture(scope="module")
def lesson_source(cells):
    """The lesson cells the exercises need, in notebook order, as one program."""
    return lesson_program(cells, LESSON_DEFINITIONS)


def namespace(lesson_source) -> dict:
    """The lesson's imports, plus Linnerud-shaped stand-ins for the trained model's predictions."""
    scope: dict = {}
    exec(lesson_source, scope)
    rng = np.random.default_rng(0)
    scope["Y_lin"], scope["Y_hat"] = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    scope["J"] = float(np.sum((scope["Y_hat"] - scope["Y_lin"]) ** 2) / (2 * 20 * 3))
    return scope


# --------------------------------------------------------------------------
# the lesson
# --------------------------------------------------------------------------
def test_the_lesson_covers_the_issue(cells):
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    for needle in (
        "load_diabetes(scaled=False)", "load_linnerud()", "StandardScaler().fit(X_train_raw)",
        # a linear head vs a sigmoid head, predicting an age
        '"linear head": regressor(9, None', '"sigmoid head": regressor(9, "sigmoid")',
        "assert sigmoid_age_max <= 1.0",
        # honest evaluation: a mean baseline, errors in the target's units
        'DummyRegressor(strategy="mean")', "mean_absolute_error(", "root_mean_squared_error(",
        "target_scaler.inverse_transform(",
        # MSE vs MAE with injected outliers
        "y_dirty[outliers] = 6.0", 'fit_line(y_dirty, "mse")', 'fit_line(y_dirty, "mae")',
        # the multi-output cost, checked against Keras
        "keras.layers.Dense(3)", "(2 * m * k)", "assert abs(J - keras_mse / 2) < 1e-5",
        # the output-and-loss table, each row a model
        'keras.layers.Dense(1, activation="sigmoid")', '"binary_crossentropy"',
        'keras.layers.Dense(3, activation="softmax")', '"sparse_categorical_crossentropy"',
        'keras.layers.Dense(4, activation="sigmoid")', "make_multilabel_classification(",
    ):
        assert needle in code, needle
    prose = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    for needle in ("\\frac{1}{2mk}", "L_1 = ", "L_2 = ", "keras.losses.Huber", "swapped"):
        assert needle in prose, needle


def test_lessons_and_optional_sections_come_before_the_exercises(cells):
    assert_lesson_and_optional_sections_before_the_exercises(cells)


def test_every_exercise_shows_its_points(cells):
    headings = [c.source.splitlines()[0] for c in cells
                if c.cell_type == "markdown" and c.source.startswith("### Exercise")]
    assert headings == ["### Exercise 1 (2 points): the multi-output cost",
                        "### Exercise 2 (3 points): the Huber loss"]


def test_the_notebook_is_backend_agnostic(cells):
    for cell in cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(import|from) (tensorflow|jax|torch)\b", cell.source, re.M)
            assert "input_shape=" not in cell.source and not re.search(r"\blr=", cell.source)


def test_the_lesson_runs_without_the_exercise_answers(cells):
    assert_answers_unused(cells, EXERCISE_USES)


# --------------------------------------------------------------------------
# exercises (nbgrader format)
# --------------------------------------------------------------------------
def test_exercises_follow_the_nbgrader_format(cells):
    assert format_problems(cells) == []
    ids = [nbgrader(cell)["grade_id"] for cell in cells if nbgrader(cell)]
    assert ids == ["nb08-multi-output-cost", "nb08-multi-output-cost-tests", "nb08-huber", "nb08-huber-tests"]
    assert [nbgrader(c)["points"] for c in cells if nbgrader(c).get("grade")] == [2, 3]


def test_solutions_pass_all_tests(cells, lesson_source):
    scope = namespace(lesson_source)
    assert_solutions_pass(cells, lambda: scope)


def test_student_stubs_fail_the_visible_tests(cells, lesson_source):
    scope = namespace(lesson_source)
    assert_stubs_fail(cells, lambda: scope)


def test_hidden_tests_catch_wrong_answers(cells, lesson_source):
    wrong = {
        # right on the visible inputs (three targets) only: k hard-coded to 3
        "multi_output_cost": (
            "def multi_output_cost(y_true, y_pred):\n"
            "    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)\n"
            "    if y_true.shape != y_pred.shape:\n"
            "        raise ValueError('shapes differ')\n"
            "    k = 3 if y_true.ndim == 2 else 1\n"
            "    return float(np.sum((y_pred - y_true) ** 2) / (2 * len(y_true) * k))\n"
        ),
        # switches between the pieces at |e| = 1 instead of at delta
        "huber_loss": (
            "def huber_loss(y_true, y_pred, delta=1.0):\n"
            "    if not delta > 0:\n"
            "        raise ValueError(delta)\n"
            "    e = np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float))\n"
            "    return float(np.mean(np.where(e <= 1.0, 0.5 * e**2, delta * (e - 0.5 * delta))))\n"
        ),
    }
    scope = namespace(lesson_source)
    assert_hidden_tests_catch(cells, wrong, lambda: scope)


def test_every_requirement_is_checked_visibly(cells, lesson_source):
    """Wrong answers that miss a requirement the task states fail the visible tests."""
    wrong = {
        # compares sizes, not shapes: lets NumPy broadcast (4,) against (4, 1)
        "multi_output_cost": (
            "def multi_output_cost(y_true, y_pred):\n"
            "    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)\n"
            "    if y_true.size != y_pred.size:\n"
            "        raise ValueError('sizes differ')\n"
            "    return float(np.mean((y_pred - y_true) ** 2) / 2)\n"
        ),
    }
    assert_visible_tests_catch(cells, wrong, lambda: namespace(lesson_source))


# --------------------------------------------------------------------------
# executed notebook (slow)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def metrics(executed):
    return executed("08").metrics


@pytest.mark.slow
def test_headline_and_mode(metrics):
    assert metrics["_headline"] == "mae_vs_baseline"
    assert metrics["grading"] is False and metrics["epochs"] == 30
    assert metrics["n_train"] == 331


@pytest.mark.slow
def test_a_sigmoid_cannot_predict_an_age(metrics):
    assert 0 < metrics["sigmoid_age_max"] <= 1.0
    # every prediction is at most 1 year, so the error is at least the mean age minus 1
    assert metrics["age_mae"]["sigmoid head"] >= metrics["age_mean_test"] - 1.0
    assert metrics["age_mae"]["linear head"] < metrics["age_mae"]["sigmoid head"] / 2


@pytest.mark.slow
def test_the_mean_baseline_and_the_networks(metrics):
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    data = load_diabetes(scaled=False)
    _, _, y_train, y_test = train_test_split(data.data.astype("float32"), data.target.astype("float32"),
                                             test_size=0.25, random_state=0)
    baseline = np.full_like(y_test, y_train.mean())
    assert metrics["test_mae"]["mean baseline"] == pytest.approx(np.mean(np.abs(y_test - baseline)), rel=1e-5)
    assert metrics["test_rmse"]["mean baseline"] == pytest.approx(
        np.sqrt(np.mean((y_test - baseline) ** 2)), rel=1e-5)
    check_metric(metrics, "08", "mae_vs_baseline")
    check_metric(metrics, "08", "test_mae/linear")
    assert metrics["test_mae"]["linear"] < metrics["test_mae"]["mean baseline"]
    assert metrics["mae_vs_baseline"] == pytest.approx(
        metrics["test_mae"][metrics["best_model"]] / metrics["test_mae"]["mean baseline"])


@pytest.mark.slow
def test_mae_resists_the_outliers(metrics):
    shift = metrics["slope_shift"]
    assert shift["MAE"] < shift["MSE"]
    check_metric(metrics, "08", "slope_shift/MSE")
    # the outliers sit at the lowest BMIs with huge targets: they flatten the MSE line
    assert metrics["line_slopes"]["MSE, with outliers"] < metrics["line_slopes"]["MSE, clean data"]


@pytest.mark.slow
def test_multi_output_cost_is_half_keras_mse(metrics):
    assert metrics["multi_shape"] == [20, 3]
    assert metrics["multi_cost"] == pytest.approx(metrics["multi_keras_mse"] / 2, abs=1e-5)


@pytest.mark.slow
def test_every_task_beats_the_majority_guess(metrics):
    scores = metrics["task_scores"]
    assert set(scores) == {"binary", "multi-class", "multi-class, logits", "multi-label"}
    for name, (accuracy, majority) in scores.items():
        assert accuracy > majority + 0.1, name
    check_metric(metrics, "08", "task_scores/binary/0")


@pytest.mark.slow
def test_fits_in_a_laptops_memory(metrics):
    check_memory(metrics, "08")


@pytest.mark.slow
def test_grading_mode_runs_quickly(executed):
    m = executed("08", COURSEWORK_GRADING="1").metrics  # fails the test unless every cell ran
    assert m["grading"] is True and m["epochs"] < 30
    assert m["sigmoid_age_max"] <= 1.0
    assert m["multi_cost"] == pytest.approx(m["multi_keras_mse"] / 2, abs=1e-5)
