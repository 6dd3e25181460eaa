"""Notebook 01, linear classification by regression.

Quick tests read the notebook: the lecture's model and a single ``fit`` with a
callback, and exercises in nbgrader's format whose solutions pass their tests
(hidden ones included) while the student stubs fail them.  Slow tests execute
it and check the numbers it records with ``coursework.record``.
"""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from coursework.datasets import load_toy_points
from tests.notebooks.conftest import notebook_path
from tests.notebooks.thresholds import check_metric
from tests.notebooks.exercises import (
    assert_hidden_tests_catch,
    assert_answers_unused,
    assert_solutions_pass,
    assert_stubs_fail,
    exercises,
    format_problems,
    nbgrader,
    visible_tests,
)

NOTEBOOK = notebook_path("01")
EXERCISE_NAMES = ("predict_class", "boundary_x2", "w_hand", "b_hand")


@pytest.fixture(scope="module")
def cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def _code(cells) -> list[str]:
    return [cell.source for cell in cells if cell.cell_type == "code"]


def namespace() -> dict:
    import keras

    X, y = load_toy_points()
    return {"np": np, "keras": keras, "X": X, "y": y}


# --------------------------------------------------------------------------
# the lesson
# --------------------------------------------------------------------------
def test_the_lectures_model_trained_with_one_fit_and_a_callback(cells):
    code = "\n".join(_code(cells))
    assert "load_toy_points()" in code
    assert re.search(r"keras\.layers\.Dense\(1\b", code)
    assert "keras.Input(shape=(2,))" in code
    assert "model.summary()" in code and "assert n_params == 3" in code
    assert 'loss="mse"' in code and "keras.optimizers.SGD(learning_rate=LEARNING_RATE)" in code
    assert re.search(r"^LEARNING_RATE = 0\.01\b", code, re.M), "the lecture's SGD default"
    assert re.search(r"^EPOCHS = 10 if GRADING else 50\b", code, re.M)
    (training,) = [src for src in _code(cells) if "callbacks=[params]" in src]
    assert "ParameterHistory(layer=0)" in training and "epochs=EPOCHS" in training
    assert "for " not in training, "the lesson trains with one fit call, not a loop"
    assert "plot_linear_boundary(" in code and "plot_decision_boundary(" in code


def test_accuracy_comes_from_the_recorded_weights(cells):
    (cell,) = [src for src in _code(cells) if "X @ kernels" in src]
    assert "accuracy = np.mean(np.sign(scores) == y" in cell
    assert "predict(" not in cell


def test_the_lesson_runs_without_the_exercise_answers(cells):
    """Released notebooks raise NotImplementedError in the answer cells; no
    other cell may use the answers, or the rest of the notebook would break."""
    assert_answers_unused(cells, [rf"\b{name}\b" for name in EXERCISE_NAMES])


# --------------------------------------------------------------------------
# exercises (nbgrader format)
# --------------------------------------------------------------------------
def test_exercises_follow_the_nbgrader_format(cells):
    assert format_problems(cells) == []
    assert len(exercises(cells)) == 3


def test_solutions_pass_all_tests(cells):
    assert_solutions_pass(cells, namespace)


def test_student_stubs_fail_the_visible_tests(cells):
    assert_stubs_fail(cells, namespace, raises=(NotImplementedError, AssertionError, NameError))


def test_hidden_tests_catch_wrong_answers(cells):
    """Answers that pass the visible tests but fail on other inputs fail the hidden tests.
    Exercise 3's visible tests check everything its hidden ones do (the signs and the
    margin of the 4 points): no wrong answer passes them, so it is left out here."""
    wrong = {
        # forgets the w1 * x1 term (both visible examples have w1 = 0)
        "predict_class": "def predict_class(X, w, b):\n"
                         "    w = np.ravel(w); b = float(np.ravel(b)[0])\n"
                         "    return np.where(np.asarray(X)[:, 1] * w[1] + b > 0, 1, -1)\n",
        # swaps w1 and w2 (the visible lines have w1 = w2)
        "boundary_x2": "def boundary_x2(x1, w, b):\n"
                       "    w = np.ravel(w); b = float(np.ravel(b)[0])\n"
                       "    if w[1] == 0:\n"
                       "        raise ValueError('vertical boundary')\n"
                       "    return -(w[1] * np.asarray(x1, float) + b) / w[0]\n",
    }
    first_two = [cell for cell in cells if not nbgrader(cell).get("grade_id", "").startswith("nb01_hand_weights")]
    assert_hidden_tests_catch(first_two, wrong, namespace, raises=Exception, marker="{name}")


def test_every_requirement_is_checked_visibly(cells):
    """Plausible wrong answers that miss a stated requirement fail the visible tests."""
    wrong = {
        # ignores a Dense kernel of shape (2, 1) and a (1,) bias
        "predict_class": "def predict_class(X, w, b):\n"
                         "    return np.where(X @ np.asarray(w) + b > 0, 1, -1)\n",
        # no ValueError when w2 == 0
        "boundary_x2": "def boundary_x2(x1, w, b):\n"
                       "    w = np.ravel(w); b = float(np.ravel(b)[0])\n"
                       "    with np.errstate(all='ignore'):\n"
                       "        return -(w[0] * np.asarray(x1, float) + b) / w[1]\n",
        # right signs, no margin of 1
        "w_hand": "w_hand = np.array([-0.1, 0.0])\nb_hand = 0.0\n",
    }
    for (answer, test), (name, code) in zip(exercises(cells), wrong.items(), strict=True):
        assert name in answer
        scope = namespace()
        exec(code, scope)
        with pytest.raises(Exception):
            exec(visible_tests(test), scope)


# --------------------------------------------------------------------------
# executed notebook (slow)
# --------------------------------------------------------------------------
@pytest.mark.slow
def test_training_classifies_all_four_points(executed):
    metrics = executed("01").metrics
    assert metrics["_headline"] == "final_accuracy"
    assert metrics["final_accuracy"] == 1.0  # 4 separable points: 1 for every seed measured
    check_metric(metrics, "01", "final_accuracy")
    assert metrics["grading"] is False
    assert metrics["n_params"] == 3
    assert metrics["epochs"] == 50 and metrics["learning_rate"] == 0.01

    accuracy = metrics["accuracy_per_epoch"]
    assert len(accuracy) == 51 and accuracy[0] < 1.0
    first = metrics["first_perfect_epoch"]
    assert 0 < first <= 50 and all(a == 1.0 for a in accuracy[first:]), "accuracy stays at 1"

    loss = metrics["loss_per_epoch"]
    assert len(loss) == 51
    assert all(b <= a for a, b in zip(loss, loss[1:])), "full-batch GD at this rate: loss never rises"
    assert loss[-1] < loss[0] / 10

    X, y = load_toy_points()
    w, b = np.array(metrics["final_w"]), metrics["final_b"]
    assert np.array_equal(np.sign(X @ w + b), y), "the recorded weights classify the 4 points"
    np.testing.assert_allclose(np.mean((X @ w + b - y) ** 2), loss[-1], rtol=1e-4)

    X1 = np.column_stack([X, np.ones(4)])
    solution = np.linalg.lstsq(X1, y, rcond=None)[0]
    np.testing.assert_allclose(metrics["least_squares_w"], solution[:2], rtol=1e-5)
    np.testing.assert_allclose(metrics["least_squares_b"], solution[2], rtol=1e-5)
    assert loss[-1] >= np.mean((X1 @ solution - y) ** 2) - 1e-6, "least squares is the minimum"
    assert metrics["loop_seconds"] > 0 and metrics["one_fit_seconds"] > 0


@pytest.mark.slow
def test_grading_mode_shrinks_training(executed):
    metrics = executed("01", COURSEWORK_GRADING="1").metrics
    assert metrics["grading"] is True
    assert metrics["epochs"] < 50
    assert len(metrics["accuracy_per_epoch"]) == metrics["epochs"] + 1
    assert metrics["n_params"] == 3
