"""Notebook 02, softmax and cross-entropy.

Quick tests read the notebook: the lesson's ingredients, and exercises in
nbgrader's format whose solutions pass their tests (hidden ones included)
while the student stubs fail them.  Slow tests execute it and check every
number it records against values computed here independently.
"""

from __future__ import annotations

import math
import re

import nbformat
import numpy as np
import pytest

from tests.notebooks.conftest import notebook_path
from tests.notebooks.thresholds import check_metric
from tests.notebooks.exercises import (
    assert_hidden_tests_catch,
    assert_answers_unused,
    assert_solutions_pass,
    assert_stubs_fail,
    exercises,
    format_problems,
    visible_tests,
)

NOTEBOOK = notebook_path("02")
#: Exercise answers, and how a cell would use them (not as a method or a part of another name).
EXERCISE_USES = (r"(?<![\w.\"])softmax\(", r"\bcross_entropy\(")


@pytest.fixture(scope="module")
def cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def namespace() -> dict:
    import keras

    return {"np": np, "keras": keras}


def softmax_reference(z, T=1.0):
    z = np.asarray(z, dtype=float) / T
    e = np.exp(z - z.max())
    return e / e.sum()


# --------------------------------------------------------------------------
# the lesson
# --------------------------------------------------------------------------
def test_the_lesson_covers_the_issue(cells):
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    for needle in (
        "def naive_softmax", "def stable_softmax", "z - z.max()", "naive_softmax([1000, 1001])",
        "keras.ops.softmax", "np.log2", "keras.losses.categorical_crossentropy",
        "math.log(k)", 'keras.layers.Dense(k, activation="softmax")',
        'activation="sigmoid"', 'loss="binary_crossentropy"',
        'loss="sparse_categorical_crossentropy"', "make_moons(", "make_blobs(",
        "plot_decision_boundary(", "StandardScaler().fit(Xb_train)",
    ):
        assert needle in code, needle
    for logits in ("[-1.85, 0.42, 0.15]", "[1.5, 2.5, 3.5]", "[1, 2, 3]", "[0, 0, 10]",
                   "[-10, -5, -8]", "[130.1, -11.4, 12.8]"):
        assert logits in code, logits


def test_slide_values_are_labelled_as_slide(cells):
    """Numbers typed from the slides live in variables named slide..., and are compared."""
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    for name in ("slide_002", "slide_000"):
        assert re.search(rf"^{name} = \{{", code, re.M), name
    assert code.count("compare_with_slide(") >= 5


def test_the_lesson_runs_without_the_exercise_answers(cells):
    assert_answers_unused(cells, EXERCISE_USES)


# --------------------------------------------------------------------------
# exercises (nbgrader format)
# --------------------------------------------------------------------------
def test_exercises_follow_the_nbgrader_format(cells):
    assert format_problems(cells) == []
    assert len(exercises(cells)) == 2


def test_solutions_pass_all_tests(cells):
    assert_solutions_pass(cells, namespace)


def test_student_stubs_fail_the_visible_tests(cells):
    assert_stubs_fail(cells, namespace)


def test_hidden_tests_catch_wrong_answers(cells):
    """Answers that pass the visible tests but miss a requirement fail."""
    wrong = {
        # stable, row by row, but applies the temperature to 1-D logits only (the visible tests
        # now catch the lectures' overflowing one-liner: overflow is checked on a batch there)
        "softmax": "def softmax(z, T=1.0):\n"
                   "    z = np.asarray(z, dtype=float)\n"
                   "    if z.ndim == 1:\n"
                   "        z = z / T\n"
                   "    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
                   "    return e / e.sum(axis=-1, keepdims=True)\n",
        # adds 1e-7 instead of clipping: a perfect prediction gets a negative loss (the visible
        # tests check the clipping of a 0 only; summing instead of averaging fails them now)
        "cross_entropy": "def cross_entropy(y_true, y_pred):\n"
                         "    p = np.asarray(y_pred, dtype=float) + 1e-7\n"
                         "    return float(np.mean(-np.sum(np.asarray(y_true) * np.log(p), axis=-1)))\n",
    }
    with np.errstate(all="ignore"):
        assert_hidden_tests_catch(cells, wrong, namespace)


def test_every_requirement_is_checked_visibly(cells):
    """Plausible wrong answers that miss a stated requirement fail the visible tests."""
    wrong = {
        # modifies the caller's array
        "softmax": "def softmax(z, T=1.0):\n"
                   "    z = z if isinstance(z, np.ndarray) else np.asarray(z, dtype=float)\n"
                   "    z /= T\n"
                   "    z -= z.max(axis=-1, keepdims=True)\n"
                   "    e = np.exp(z)\n"
                   "    return e / e.sum(axis=-1, keepdims=True)\n",
        # sums over the examples instead of averaging
        "cross_entropy": "def cross_entropy(y_true, y_pred):\n"
                         "    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)\n"
                         "    return float(-np.sum(np.asarray(y_true) * np.log(p)))\n",
    }
    for (answer, test), (name, code) in zip(exercises(cells), wrong.items(), strict=True):
        assert name in answer
        scope = namespace()
        exec(code, scope)
        with np.errstate(all="ignore"), pytest.raises(AssertionError):
            exec(visible_tests(test), scope)


# --------------------------------------------------------------------------
# executed notebook (slow)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def metrics(executed):
    return executed("02").metrics


@pytest.mark.slow
def test_softmax_tables(metrics):
    np.testing.assert_allclose(metrics["softmax_lecture"], softmax_reference([-1.85, 0.42, 0.15]))
    assert np.round(metrics["softmax_lecture"], 2).tolist() == [0.06, 0.54, 0.41]  # slide: 0.40
    table = metrics["temperature_table"]
    for T in (0.5, 1, 2):
        np.testing.assert_allclose(table[f"T={T}"], softmax_reference([1.5, 2.5, 3.5], T))
    assert np.round(table["T=0.5"], 2).tolist() == [0.02, 0.12, 0.87]  # slide: 0.86
    assert np.round(table["T=1"], 2).tolist() == [0.09, 0.24, 0.67]
    assert np.round(table["T=2"], 2).tolist() == [0.19, 0.31, 0.51]   # slide: 0.50
    examples = metrics["softmax_examples"]
    for name, logits in (("003 [1, 2, 3]", [1, 2, 3]), ("003 [0, 0, 10]", [0, 0, 10]),
                         ("003 [-10, -5, -8]", [-10, -5, -8]),
                         ("003 [130.1, -11.4, 12.8]", [130.1, -11.4, 12.8])):
        np.testing.assert_allclose(examples[name], softmax_reference(logits), rtol=1e-9, atol=1e-300)
    assert metrics["naive_overflow_is_nan"] is True
    assert metrics["keras_max_difference"] < 1e-6


@pytest.mark.slow
def test_where_the_slides_differ(metrics):
    notes = metrics["slide_notes"]
    truncated = ["same", "same", "slide truncates"]
    assert notes["000 [-1.85, 0.42, 0.15]"] == truncated
    assert notes["002 fruit T=0.5"] == truncated
    assert notes["002 fruit T=1"] == ["same"] * 3
    assert notes["002 fruit T=2"] == truncated
    assert notes["003 [1, 2, 3]"] == truncated
    assert notes["003 [0, 0, 10]"] == ["slide truncates"] * 3
    assert notes["003 [-10, -5, -8]"] == ["same"] * 3
    assert notes["003 [130.1, -11.4, 12.8]"] == ["slide differs"] * 3
    for model in ("model 1", "model 2"):
        for loss in ("mse", "ce"):
            assert notes[f"000 {model} {loss}"] == ["same"] * 4, (model, loss)


@pytest.mark.slow
def test_cross_entropy_by_hand(metrics):
    assert metrics["ce_nats"] == pytest.approx(-math.log(0.6))
    assert metrics["ce_bits"] == pytest.approx(-math.log2(0.6))
    assert round(metrics["ce_nats"], 2) == 0.51 and round(metrics["ce_bits"], 2) == 0.74
    assert metrics["ce_keras"] == pytest.approx(metrics["ce_nats"], abs=1e-6)
    assert metrics["expected_initial_loss"] == pytest.approx(math.log(10))
    assert abs(metrics["initial_loss"] - math.log(10)) < 0.5
    assert metrics["unscaled_loss"] > 5 * metrics["initial_loss"]


@pytest.mark.slow
def test_mse_versus_cross_entropy(metrics):
    assert metrics["mse_model1"] == pytest.approx((0.54 + 0.54 + 1.34) / 3)
    assert metrics["mse_model2"] == pytest.approx((0.14 + 0.14 + 0.74) / 3)
    assert metrics["ce_model1"] == pytest.approx((2 * -math.log(0.4) - math.log(0.1)) / 3)
    assert metrics["ce_model2"] == pytest.approx((2 * -math.log(0.7) - math.log(0.3)) / 3)
    rounded = [round(metrics[k], 2) for k in ("mse_model1", "mse_model2", "ce_model1", "ce_model2")]
    assert rounded == [0.81, 0.34, 1.38, 0.64]
    assert metrics["error_model1"] == metrics["error_model2"] == pytest.approx(1 / 3)
    assert 3 * metrics["keras_mse_model1"] == pytest.approx(metrics["mse_model1"], rel=1e-6)
    assert 3 * metrics["keras_mse_model2"] == pytest.approx(metrics["mse_model2"], rel=1e-6)


@pytest.mark.slow
def test_the_gradient_argument(metrics):
    s = 1 / (1 + math.exp(6.0))
    assert metrics["grad_at_wrong"]["ce"] == pytest.approx(s - 1)
    assert metrics["grad_at_wrong"]["mse"] == pytest.approx(2 * (s - 1) * s * (1 - s))
    assert abs(metrics["grad_at_wrong"]["mse"]) < 0.01 < 0.99 < abs(metrics["grad_at_wrong"]["ce"])
    assert metrics["softmax_grad_norm_mse"] < 0.01 < 1 < metrics["softmax_grad_norm_ce"]
    steps = metrics["steps_to_right"]
    assert steps["ce"] is not None and (steps["mse"] is None or steps["mse"] > 5 * steps["ce"])


@pytest.mark.slow
def test_keras_classifiers(metrics):
    assert metrics["_headline"] == "multiclass_test_accuracy"
    assert metrics["grading"] is False and metrics["epochs"] == 40 and metrics["n_samples"] == 1000
    assert abs(metrics["binary_initial_loss"] - math.log(2)) < 0.3
    assert abs(metrics["multiclass_initial_loss"] - math.log(3)) < 0.3
    mlp = metrics["binary_mlp_test_accuracy"]
    check_metric(metrics, "02", "binary_mlp_test_accuracy")
    assert mlp > metrics["binary_regression_test_accuracy"]
    assert mlp > metrics["binary_logistic_test_accuracy"]
    check_metric(metrics, "02", "binary_regression_test_accuracy")  # a line on two moons
    check_metric(metrics, "02", "multiclass_test_accuracy")


@pytest.mark.slow
def test_grading_mode_shrinks_data_and_epochs(executed):
    metrics = executed("02", COURSEWORK_GRADING="1").metrics
    assert metrics["grading"] is True
    assert metrics["epochs"] < 40 and metrics["n_samples"] < 1000
    assert round(metrics["ce_model1"], 2) == 1.38  # the lesson's numbers do not depend on it
