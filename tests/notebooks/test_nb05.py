"""Notebook 05, Fashion-MNIST: a linear model, a one-hidden-layer MLP and a 256-128 network.

Quick tests read the notebook: the lesson's ingredients, and exercises in
nbgrader's format whose solutions pass their tests (hidden ones included)
while the student stubs fail them.  Slow tests execute it on the real mirror
and check what it records: exact parameter counts, the lecture's test
accuracy, probabilities that sum to 1, the most confused pair of classes,
memory, and a grading-mode run on a small slice.
"""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from coursework.datasets import CLASS_NAMES
from tests.notebooks.conftest import notebook_path
from tests.notebooks.exercises import (
    assert_hidden_tests_catch,
    assert_answers_unused,
    assert_solutions_pass,
    assert_stubs_fail,
    format_problems,
    lesson_program,
    nbgrader,
)
from tests.notebooks.frame import assert_exercises_last_with_points, assert_lesson_and_optional_sections_before_the_exercises
from tests.notebooks.thresholds import check_memory, check_metric

NOTEBOOK = notebook_path("05")
#: The exercises' answers, and how a lesson cell would call them.
EXERCISE_USES = (r"\bdense_stack_params\(", r"\bbuild_mlp\(", r"\bmost_mixed_up_pair\(")
#: Lesson cells the exercise tests rely on (model building only, no data, no
#: training), found by what they define.
LESSON_DEFINITIONS = ("GRADING = ", "import keras", "linear_model = keras.Sequential(", "n_pixels, n_classes = ",
                      "mlp = keras.Sequential(", "def layer_table(", "deep = keras.Sequential(")


@pytest.fixture(scope="module")
def cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def _code(cells) -> list[str]:
    return [cell.source for cell in cells if cell.cell_type == "code"]


@pytest.fixture(scope="module")
def lesson_source(cells):
    """The lesson cells the exercises need, in notebook order, as one program."""
    return lesson_program(cells, LESSON_DEFINITIONS)


def namespace(lesson_source) -> dict:
    """The lesson's models, plus a confusion matrix standing in for the trained MLP's."""
    from coursework.evaluation import most_confused_pair

    scope: dict = {}
    exec(lesson_source, scope)
    cm = np.random.default_rng(0).integers(0, 60, size=(10, 10))
    np.fill_diagonal(cm, 900)
    scope["cm"] = cm
    scope["confused_count"] = most_confused_pair(cm)[2]
    return scope


# --------------------------------------------------------------------------
# the lesson
# --------------------------------------------------------------------------
def test_the_lesson_covers_the_issue(cells):
    code = "\n".join(_code(cells))
    for needle in (
        # data: loader, names, a grid, [0, 1] float32
        "load_fashion_mnist()", "plot_images(x_train_raw[:20], y_train[:20], CLASS_NAMES",
        'astype("float32") / 255.0',
        # two models, parameter counts derived and checked
        'keras.layers.Dense(10, activation="softmax")', 'keras.layers.Dense(128, activation="relu")',
        "n_pixels * n_classes + n_classes", "n_pixels * n_hidden + n_hidden",
        "n_hidden * n_classes + n_classes", "assert linear_model.count_params() == linear_params",
        "assert mlp.count_params() == mlp_params",
        # lecture 003's deeper network, with a logits output and from_logits=True
        'keras.layers.Dense(256, activation="relu")', "keras.layers.Dense(10),  # logits",
        "assert deep.count_params() == deep_params", "from_logits=True",
        "compile_and_fit(deep, from_logits=True)", "keras.ops.softmax(deep_logits)",
        # reading the models: weight templates, probability bars
        "kernel.T.reshape(n_classes, 28, 28)", "plot_image_probabilities(",
        # Sequential and Functional, compared programmatically
        "keras.Model(inputs=inputs, outputs=outputs", "assert layer_table(mlp) == layer_table(mlp_functional)",
        # the lecture's training recipe
        "keras.optimizers.Adam(", "SparseCategoricalCrossentropy(from_logits=from_logits)",
        "validation_split=0.1",
        "batch_size=BATCH_SIZE", "plot_history(",
        # predictions, mistakes, confusion matrix
        ".predict(x_test", "argmax(axis=1)", "max_sum_error <= 1e-5", "predictions=predicted",
        "plot_confusion_matrix(", "most_confused_pair(cm, CLASS_NAMES)",
        # which classes got better and worse, computed rather than claimed
        'np.flatnonzero(change > 0)', 'np.flatnonzero(change < 0)',
    ):
        assert needle in code, needle
    assert re.search(r"^EPOCHS = 1 if GRADING else 5$", code, re.M)
    assert re.search(r"^BATCH_SIZE = 128$", code, re.M), "Deep Learning with Python's MNIST batch size"
    assert "x_train_raw[:2000]" in code and "x_test_raw[:500]" in code, "the grading slice"


def test_the_notebook_is_backend_agnostic(cells):
    for source in _code(cells):
        assert not re.search(r"^\s*(import|from) (tensorflow|jax|torch)\b", source, re.M)
        assert not re.search(r"\b(Dense|Flatten)\([^)]*input_shape=", source), "use keras.Input"
        assert not re.search(r"\blr=", source), "learning_rate="


def test_exercises_come_after_the_lesson_with_points_in_their_headings(cells):
    assert_exercises_last_with_points(cells)


def test_the_optional_section_comes_before_the_exercises(cells):
    assert_lesson_and_optional_sections_before_the_exercises(cells)
    assert "## Under the hood (optional): memory and speed" in [c.source.splitlines()[0] for c in cells]


def test_the_lesson_runs_without_the_exercise_answers(cells):
    """Released notebooks raise NotImplementedError in the answer cells; no
    other cell may use the answers, or the rest of the notebook would break."""
    assert_answers_unused(cells, EXERCISE_USES)


# --------------------------------------------------------------------------
# exercises (nbgrader format)
# --------------------------------------------------------------------------
def test_exercises_follow_the_nbgrader_format(cells):
    assert format_problems(cells) == []
    ids = [nbgrader(cell)["grade_id"] for cell in cells if nbgrader(cell)]
    assert ids == ["nb05-dense-params", "nb05-dense-params-tests", "nb05-functional-mlp",
                   "nb05-functional-mlp-tests", "nb05-mixed-up-pair", "nb05-mixed-up-pair-tests"]


def test_solutions_pass_all_tests(cells, lesson_source):
    scope = namespace(lesson_source)  # one namespace shared by the exercises
    assert_solutions_pass(cells, lambda: scope)


def test_student_stubs_fail_the_visible_tests(cells, lesson_source):
    scope = namespace(lesson_source)
    assert_stubs_fail(cells, lambda: scope)


def test_hidden_tests_catch_wrong_answers(cells, lesson_source):
    """Answers that pass the visible tests but miss a stated requirement fail."""
    wrong = {
        # unrolled for the visible stacks (up to three layers): misses a fourth
        "dense_stack_params": (
            "def dense_stack_params(n_inputs, units):\n"
            "    sizes = [n_inputs] + list(units)[:3]\n"
            "    return int(sum(a * b + b for a, b in zip(sizes, sizes[1:])))\n"
        ),
        # written for the visible cases, at most two hidden layers
        "build_mlp": (
            "def build_mlp(hidden_units=(128,), n_classes=10, input_shape=(28, 28)):\n"
            "    inputs = keras.Input(shape=input_shape)\n"
            "    x = keras.layers.Flatten()(inputs)\n"
            "    for units in list(hidden_units)[:2]:\n"
            "        x = keras.layers.Dense(units, activation='relu')(x)\n"
            "    outputs = keras.layers.Dense(n_classes, activation='softmax')(x)\n"
            "    return keras.Model(inputs=inputs, outputs=outputs)\n"
        ),
        # rejects too few class names, not too many (the visible tests try too few)
        "most_mixed_up_pair": (
            "def most_mixed_up_pair(cm, class_names):\n"
            "    cm = np.asarray(cm)\n"
            "    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or len(cm) < 2 or len(class_names) < len(cm):\n"
            "        raise ValueError('square')\n"
            "    both = cm + cm.T\n"
            "    rows, cols = np.triu_indices(len(cm), k=1)\n"
            "    best = int(np.argmax(both[rows, cols]))\n"
            "    a, b = rows[best], cols[best]\n"
            "    return class_names[a], class_names[b], both[a, b].item()\n"
        ),
    }
    scope = namespace(lesson_source)
    assert_hidden_tests_catch(cells, wrong, lambda: scope, raises=(AssertionError, IndexError))


def test_visible_tests_cover_the_graded_requirements(cells):
    """Hidden tests may use other inputs, never other requirements (issue 14)."""
    from tests.notebooks.exercises import exercises, visible_tests

    (_, params), (_, builder), (_, pair) = [(a, visible_tests(t)) for a, t in exercises(cells)]
    assert "dense_stack_params(5, [])" in params and "(256, 128, 10)" in params
    assert "hidden_units=()" in builder and "hidden_units=(256, 128)" in builder
    assert "n_classes=3, input_shape=(8, 8)" in builder and "is not _model.layers[-1]" in builder
    for needle in ("[[0, 0, 7], [1, 0, 0], [0, 0, 0]]", "np.array([[0.5, 0.2], [0.1, 0.7]])",
                   'np.zeros((3, 3)), ["a", "b"]', 'np.zeros(4), ["a"] * 4', "do not modify the matrix"):
        assert needle in pair, needle


# --------------------------------------------------------------------------
# executed notebook (slow)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def metrics(executed):
    return executed("05").metrics


@pytest.mark.slow
def test_headline_and_mode(metrics):
    assert metrics["_headline"] == "mlp_test_accuracy"
    assert metrics["grading"] is False
    assert metrics["epochs"] == 5
    assert (metrics["n_train"], metrics["n_fit"], metrics["n_test"]) == (60000, 54000, 10000)


@pytest.mark.slow
def test_mlp_reaches_the_lecture_accuracy(metrics):
    # lecture 002: 0.8751 after 5 epochs, one run; the bound comes from 10 seeds
    check_metric(metrics, "05", "mlp_test_accuracy")


@pytest.mark.slow
def test_linear_model_is_worse_than_the_mlp(metrics):
    check_metric(metrics, "05", "linear_test_accuracy")
    assert metrics["linear_test_accuracy"] < metrics["mlp_test_accuracy"]


@pytest.mark.slow
def test_parameter_counts_are_exact(metrics):
    assert metrics["linear_params"] == 784 * 10 + 10 == 7_850
    assert metrics["mlp_layer_params"] == [0, 784 * 128 + 128, 128 * 10 + 10] == [0, 100_480, 1_290]
    assert metrics["mlp_params"] == 101_770
    assert metrics["deep_params"] == 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10 == 235_146


@pytest.mark.slow
def test_from_logits_avoids_the_clip(metrics):
    """Logits 0 and 30, true class 0: the loss from logits is exact, from a
    probability it stops at Keras' clip, -ln(1e-7)."""
    assert metrics["loss_from_logits"] == pytest.approx(30.0, abs=1e-4)
    assert metrics["loss_from_probabilities"] == pytest.approx(-np.log(1e-7), abs=1e-3)


@pytest.mark.slow
def test_hidden_layers_beat_the_linear_model(metrics):
    check_metric(metrics, "05", "deep_test_accuracy")
    assert metrics["linear_test_accuracy"] < min(metrics["mlp_test_accuracy"],
                                                 metrics["deep_test_accuracy"])
    assert 0 <= metrics["classes_better_with_mlp"] <= 10


@pytest.mark.slow
def test_sequential_and_functional_summaries_agree(metrics):
    assert metrics["summaries_identical"] is True


@pytest.mark.slow
def test_predictions_are_probabilities(metrics):
    assert 0.0 <= metrics["probability_row_sum_max_error"] <= 1e-5


@pytest.mark.slow
def test_most_confused_pair_is_two_distinct_classes(metrics):
    true, predicted = metrics["most_confused_true"], metrics["most_confused_predicted"]
    assert true in CLASS_NAMES and predicted in CLASS_NAMES
    assert true != predicted
    assert isinstance(metrics["most_confused_count"], int)
    # 10,000 test images at ~87 % accuracy: the worst mix-up is far from rare
    assert 50 <= metrics["most_confused_count"] <= 1000
    assert metrics["hardest_class"] in CLASS_NAMES


@pytest.mark.slow
def test_fits_in_a_laptops_memory(metrics):
    check_memory(metrics, "05")


@pytest.mark.slow
def test_grading_mode_runs_on_a_small_slice(executed):
    run = executed("05", COURSEWORK_GRADING="1")  # fails the test unless every cell ran
    m = run.metrics
    assert m["grading"] is True
    assert (m["n_train"], m["n_test"], m["epochs"]) == (2000, 500, 1)
    # structure does not depend on the amount of training
    assert (m["linear_params"], m["mlp_params"]) == (7_850, 101_770)
    assert m["summaries_identical"] is True
    assert m["probability_row_sum_max_error"] <= 1e-5
