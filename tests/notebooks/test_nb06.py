"""Notebook 06, from the perceptron to the multi-layer network.

Quick tests read the notebook: the lesson's ingredients, and exercises in
nbgrader's format whose solutions pass their tests (hidden ones included)
while the student stubs fail them.  Slow tests execute it and check what it
records against values computed here independently: exact truth tables,
gradients to 1e-6, XOR learned to 4/4, the collapsed linear network, the
optimizers' paths and the batch-size comparison.
"""

from __future__ import annotations

import importlib.util
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
    format_problems,
    nbgrader,
)

NOTEBOOK = notebook_path("06")
#: The exercises' answers, and how a lesson cell would call them.
EXERCISE_USES = (r"\bnand_weights\(", r"\bnumerical_gradient\(", r"\bmomentum_step\(")
#: Lesson cells the exercise tests rely on (cheap: no training), found by what they define.
LESSON_DEFINITIONS = ("GRADING = ", "def sigmoid64(", "def sigmoid_neuron(",
                      "def network_loss_and_grads(", "def valley_loss(")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


@pytest.fixture(scope="module")
def cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


@pytest.fixture(scope="module")
def lesson_source(cells):
    """The lesson cells the exercises need, in notebook order, as one program."""
    code = [cell.source for cell in cells if cell.cell_type == "code" and not nbgrader(cell)]
    picked = [src for src in code
              if any(marker in src for marker in LESSON_DEFINITIONS) or "import keras" in src]
    assert len(picked) == len(LESSON_DEFINITIONS) + 1, "lesson cells moved: update LESSON_DEFINITIONS"
    return "\n\n".join(picked)


def namespace(lesson_source) -> dict:
    scope: dict = {}
    exec(lesson_source, scope)
    return scope


# --------------------------------------------------------------------------
# the lesson
# --------------------------------------------------------------------------
def test_the_lesson_covers_the_issue(cells):
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    for needle in (
        # 1. activations
        "keras.activations.sigmoid", "keras.activations.tanh", "keras.activations.relu",
        "keras.activations.leaky_relu", "sig * (1 - sig)",
        # 2. logic gates with hand-set weights
        'keras.layers.Dense(1, activation="sigmoid")', ".set_weights(",
        "sigmoid_neuron(-30, [20, 20])", "sigmoid_neuron(-10, [20, 20])", "sigmoid_neuron(10, [-20])",
        # 3. XOR: one neuron, the lecture's weights, a learned MLP, decision regions
        "[[-7.0, 7.0]", "[7.0, -7.0]]", "np.array([-3.0, -3.0])", "np.array([[7.0], [7.0]])",
        "np.array([-5.0])", "plot_decision_boundary(",
        # 4. expressive power
        "make_moons(", "build_classifier([])", "build_classifier([20])",
        "build_classifier([20, 20, 20])", "build_classifier([20, 20, 20], activation=None)",
        "W @ kernel", "b @ kernel + bias",
        # 5. backpropagation: by hand, by each backend's autodiff, finite differences
        "q = x * y", "tf.GradientTape()", "jax.value_and_grad(", "torch.autograd.grad(",
        "np.float32(2.0), np.float32(-3.0), np.float32(4.0)", "(p + h * di)",
        # 6. optimizers on a keras.Variable, and batch sizes
        "keras.optimizers.SGD(learning_rate=0.25)", "momentum=0.9, nesterov=True",
        "keras.optimizers.Adagrad(", "keras.optimizers.RMSprop(", "keras.optimizers.Adam(",
        "keras.Variable(", "apply_gradients(", "on_train_batch_end",
    ):
        assert needle in code, needle


def test_the_notebook_is_backend_agnostic(cells):
    """TensorFlow, JAX and torch are imported only inside the gradient dispatcher."""
    for cell in cells:
        if cell.cell_type != "code":
            continue
        for match in re.finditer(r"^\s*import (tensorflow|jax|torch)\b", cell.source, re.M):
            assert "def backend_gradient(" in cell.source, match.group(0)
        assert "input_shape=" not in cell.source and "lr=" not in cell.source


def test_the_lesson_runs_without_the_exercise_answers(cells):
    assert_answers_unused(cells, EXERCISE_USES)


# --------------------------------------------------------------------------
# exercises (nbgrader format)
# --------------------------------------------------------------------------
def test_exercises_follow_the_nbgrader_format(cells):
    assert format_problems(cells) == []
    ids = [nbgrader(cell)["grade_id"] for cell in cells if nbgrader(cell)]
    assert ids == ["nb06-nand", "nb06-nand-tests", "nb06-numerical-gradient",
                   "nb06-numerical-gradient-tests", "nb06-momentum", "nb06-momentum-tests"]


def test_solutions_pass_all_tests(cells, lesson_source):
    scope = namespace(lesson_source)  # one namespace shared by the exercises
    assert_solutions_pass(cells, lambda: scope)


def test_student_stubs_fail_the_visible_tests(cells, lesson_source):
    scope = namespace(lesson_source)
    assert_stubs_fail(cells, lambda: scope)


def test_hidden_tests_catch_wrong_answers(cells, lesson_source):
    """Answers that pass the visible tests but miss a stated requirement fail."""
    wrong = {
        # right bits, but far from confident: sigma(+-1) is 0.73 / 0.27
        "nand_weights": "def nand_weights():\n    return 3.0, -2.0, -2.0\n",
        # central differences, but with its own step instead of `h`
        "numerical_gradient": (
            "def numerical_gradient(f, x, h=1e-5):\n"
            "    x = np.array(x, dtype='float64')\n"
            "    grad = np.zeros_like(x)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        e = np.zeros_like(x); e[i] = 1e-6\n"
            "        grad[i] = (f(x + e) - f(x - e)) / 2e-6\n"
            "    return grad\n"
        ),
        # right numbers, but updates the caller's arrays in place
        "momentum_step": (
            "def momentum_step(w, velocity, grad, learning_rate, momentum):\n"
            "    velocity *= momentum\n"
            "    velocity -= learning_rate * np.asarray(grad)\n"
            "    w += velocity\n"
            "    return w, velocity\n"
        ),
    }
    scope = namespace(lesson_source)
    assert_hidden_tests_catch(cells, wrong, lambda: scope)


# --------------------------------------------------------------------------
# executed notebook (slow)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def metrics(executed):
    return executed("06").metrics


@pytest.mark.slow
def test_headline_and_mode(metrics):
    assert metrics["_headline"] == "xor_mlp_accuracy"
    assert metrics["grading"] is False
    assert metrics["optimizer_steps"] == 100 and metrics["gd_epochs"] == 10
    assert metrics["n_train"] == 100


@pytest.mark.slow
def test_truth_tables_are_exact(metrics):
    assert metrics["gate_bits"] == {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NOT": [1, 0]}
    assert metrics["xnor_bits"] == [1, 0, 0, 1]
    assert metrics["xor_by_hand_bits"] == [0, 1, 1, 0]
    # the outputs themselves, recomputed from the lecture's weights
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    and_out = sigmoid(-30 + inputs @ [20, 20])
    or_out = sigmoid(-10 + inputs @ [20, 20])
    nor_out = sigmoid(10 + inputs @ [-20, -20])
    np.testing.assert_allclose(metrics["gate_outputs"]["AND"], and_out, atol=1e-6)
    np.testing.assert_allclose(metrics["gate_outputs"]["OR"], or_out, atol=1e-6)
    np.testing.assert_allclose(metrics["gate_outputs"]["NOT"], sigmoid([10, -10]), atol=1e-6)
    np.testing.assert_allclose(metrics["xnor_outputs"], sigmoid(-10 + 20 * and_out + 20 * nor_out),
                               atol=1e-6)
    h1 = sigmoid(inputs @ [-7, 7] - 3)
    h2 = sigmoid(inputs @ [7, -7] - 3)
    np.testing.assert_allclose(metrics["xor_by_hand_outputs"], sigmoid(7 * h1 + 7 * h2 - 5), atol=1e-6)


@pytest.mark.slow
def test_xor_needs_a_hidden_layer(metrics):
    # no line separates XOR, and a single neuron's cross-entropy cannot go below ln 2
    assert metrics["xor_single_neuron_correct"] <= 3
    assert metrics["xor_single_neuron_loss"] >= math.log(2) - 1e-4
    assert metrics["xor_single_neuron_loss"] == pytest.approx(math.log(2), abs=1e-3)
    assert metrics["xor_mlp_correct"] == 4
    assert metrics["xor_mlp_accuracy"] == 1.0


@pytest.mark.slow
def test_sigmoid_identity(metrics):
    assert 0 <= metrics["sigmoid_identity_max_error"] < 1e-9


@pytest.mark.slow
def test_expressive_power(metrics):
    scores = metrics["moons_scores"]
    logistic_train, logistic_val = scores["logistic regression"]
    check_metric(metrics, "06", "moons_scores/logistic regression/0")  # a straight line on two moons
    for mlp in ("MLP (20)", "MLP (20-20-20)"):
        assert scores[mlp][0] > logistic_train + 0.05, mlp
    check_metric(metrics, "06", "moons_scores/MLP (20-20-20)/0")
    # without activations the deep network is a linear model again
    linear_train, linear_val = scores["deep, no activations"]
    assert abs(linear_train - logistic_train) <= 0.06
    assert abs(linear_val - logistic_val) <= 0.06


@pytest.mark.slow
def test_the_linear_network_collapses(metrics):
    assert metrics["deep_linear_params"] == (2 * 20 + 20) + 2 * (20 * 20 + 20) + (20 + 1) == 921
    assert metrics["composed_params"] == 3
    assert 0 <= metrics["composed_max_abs_diff"] < 1e-5


@pytest.mark.slow
def test_backpropagation(metrics):
    assert metrics["graph_forward"] == -2.0
    assert metrics["graph_grads_by_hand"] == [-3.0, 2.0, 1.0]
    assert metrics["graph_grads_autodiff"] == [-3.0, 2.0, 1.0]
    assert metrics["network_autodiff_max_abs_diff"] < 1e-5   # float32 autodiff vs float64 backprop
    assert metrics["network_gradient_check_error"] < 1e-6    # float64 finite differences
    # the lesson's point about precision: float32 finite differences are useless
    assert metrics["network_gradient_check_error_float32"] > 1e3 * metrics["network_gradient_check_error"]


#: The notebook's loss surface: L(w) = w.A.w / 2, curvatures 0.05 and 5, tilted by 20 degrees.
_ROTATION = np.array([[np.cos(np.deg2rad(20)), -np.sin(np.deg2rad(20))],
                      [np.sin(np.deg2rad(20)), np.cos(np.deg2rad(20))]])
VALLEY = _ROTATION @ np.diag([0.05, 5.0]) @ _ROTATION.T
START = np.array([-5.0, -1.0])


def reference_optimizer_paths(steps: int) -> dict[str, float]:
    """Final losses of the six optimizers on the notebook's valley, by Keras' update rules
    in NumPy float32 (Keras keeps the variable and the optimizer's state in float32; on
    RMSprop's jittery path float64 would end up 10 % away)."""
    f32 = np.float32

    def run(update):
        w, state = START.astype(f32), {}
        for t in range(1, steps + 1):
            g = (VALLEY @ w.astype(np.float64)).astype(f32)  # the notebook's gradient, cast to float32
            w = update(w, g, state, t).astype(f32)
        return float(0.5 * w @ VALLEY @ w)

    def sgd(w, g, s, t):
        return w - f32(0.25) * g

    def momentum(w, g, s, t, nesterov=False):
        s["v"] = f32(0.9) * s.get("v", f32(0)) - f32(0.25) * g
        return w + (f32(0.9) * s["v"] - f32(0.25) * g if nesterov else s["v"])

    def adagrad(w, g, s, t):
        s["G"] = s.get("G", f32(0.1)) + g**2
        return w - f32(1.0) * g / np.sqrt(s["G"] + f32(1e-7))

    def rmsprop(w, g, s, t):
        s["s"] = f32(0.9) * s.get("s", f32(0)) + f32(0.1) * g**2
        return w - f32(0.1) * g / np.sqrt(s["s"] + f32(1e-7))

    def adam(w, g, s, t):
        s["m"] = s.get("m", f32(0)) + (g - s.get("m", f32(0))) * f32(0.1)
        s["v"] = s.get("v", f32(0)) + (g**2 - s.get("v", f32(0))) * f32(0.001)
        alpha = f32(0.3) * np.sqrt(f32(1) - f32(0.999) ** f32(t)) / (f32(1) - f32(0.9) ** f32(t))
        return w - alpha * s["m"] / (np.sqrt(s["v"]) + f32(1e-7))

    return {
        "SGD": run(sgd), "momentum": run(momentum),
        "Nesterov": run(lambda w, g, s, t: momentum(w, g, s, t, nesterov=True)),
        "Adagrad": run(adagrad), "RMSprop": run(rmsprop), "Adam": run(adam),
    }


@pytest.mark.slow
def test_optimizers_follow_keras_update_rules(metrics):
    final = metrics["optimizer_final_losses"]
    expected = reference_optimizer_paths(metrics["optimizer_steps"])
    assert set(final) == set(expected)
    for name in expected:
        assert final[name] == pytest.approx(expected[name], rel=1e-3), name
    start_loss = 0.5 * START @ VALLEY @ START
    assert all(loss < start_loss / 10 for loss in final.values())
    # what the lesson says about them
    assert final["momentum"] < final["SGD"] / 100 and final["Nesterov"] < final["SGD"] / 100
    assert final["Adam"] < final["SGD"] / 100
    assert final["Adagrad"] < final["SGD"]


@pytest.mark.slow
def test_batch_minibatch_stochastic(metrics):
    n_train = metrics["n_train"]
    steps = metrics["gd_steps_per_epoch"]
    assert steps == {"batch": 1, "mini-batch (16)": math.ceil(n_train / 16), "stochastic (1)": n_train}
    final, up = metrics["gd_final_loss"], metrics["gd_up_fraction"]
    assert final["stochastic (1)"] < final["mini-batch (16)"] < final["batch"]
    assert up["batch"] == 0.0                      # full-batch steps with a small rate never go up
    assert up["stochastic (1)"] > 0.1              # one-example steps often do
    assert up["stochastic (1)"] > up["mini-batch (16)"]


@pytest.mark.slow
def test_grading_mode_runs_quickly(executed):
    run = executed("06", COURSEWORK_GRADING="1")  # fails the test unless every cell ran
    m = run.metrics
    assert m["grading"] is True
    assert m["optimizer_steps"] < 100 and m["gd_epochs"] < 10
    # exact results do not depend on the amount of training
    assert m["gate_bits"] == {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NOT": [1, 0]}
    assert m["xnor_bits"] == [1, 0, 0, 1] and m["xor_by_hand_bits"] == [0, 1, 1, 0]
    assert m["xor_single_neuron_correct"] <= 3
    assert m["graph_grads_autodiff"] == [-3.0, 2.0, 1.0]
    assert m["network_gradient_check_error"] < 1e-6
    assert m["composed_max_abs_diff"] < 1e-5


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="pip install '.[jax]'")
def test_runs_on_jax(executed):
    m = executed("06", KERAS_BACKEND="jax", COURSEWORK_GRADING="1").metrics
    assert m["backend"] == "jax"
    assert m["graph_grads_autodiff"] == [-3.0, 2.0, 1.0]
    assert m["network_autodiff_max_abs_diff"] < 1e-5
    assert m["network_gradient_check_error"] < 1e-6
    assert m["composed_max_abs_diff"] < 1e-5
    assert m["xnor_bits"] == [1, 0, 0, 1]
