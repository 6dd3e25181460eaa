"""Notebook 07, backpropagation and optimizers.

Quick tests read the notebook: the lesson's ingredients, and exercises in
nbgrader's format whose solutions pass their tests (hidden ones included)
while the student stubs fail them.  Slow tests execute it and check what it
records against values computed here independently: every local-gradient
rule, the graphs' gradients, the learning-rate paths, the stability limits,
the optimizers' paths by Keras' update rules, RMSprop's first step, clipping;
trained numbers against their measured bounds.
"""

from __future__ import annotations

import importlib.util
import math
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
    format_problems,
    lesson_program,
    nbgrader,
)
from tests.notebooks.thresholds import check_memory, check_metric
from tests.notebooks.frame import assert_lesson_and_optional_sections_before_the_exercises

NOTEBOOK = notebook_path("07")
#: The exercises' answers, and how a lesson cell would call them.
EXERCISE_USES = (r"\bnumerical_gradient\(", r"\bmomentum_step\(")
#: Lesson cells the exercise tests rely on (cheap: no training), found by what they define.
LESSON_DEFINITIONS = ("GRADING = ", "def sigmoid64(", "w0, w1, w2, x0, x1 = ", "def valley_loss(")
OPTIMIZERS = ("SGD", "momentum", "Nesterov", "Adagrad", "RMSprop", "Adam", "Adamax", "Nadam")


@pytest.fixture(scope="module")
def cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


@pytest.fixture(scope="module")
def lesson_source(cells):
    """The lesson cells the exercises need, in notebook order, as one program."""
    return lesson_program(cells, LESSON_DEFINITIONS, with_imports=True)


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
        # 1-2. every local-gradient rule of deck 001, checked; graphs by hand and by autodiff
        '"add":', '"multiply":', '"max":', '"c + x":', '"a x":', '"e^x":', '"1/x":', '"sigmoid":',
        "central_difference(f, args, i)", "q = x * y", "df_dd = -1.0 / d**2", "np.exp(n)",
        "tf.GradientTape()", "jax.value_and_grad(", "torch.autograd.grad(",
        # 3. the learning rate too small, right, too large
        '"too small":', '"about right":', '"too large":',
        # 4. optimizers on one surface, stability computed, RMSprop's first step measured
        "keras.optimizers.SGD(learning_rate=0.25)", "momentum=0.9, nesterov=True",
        "keras.optimizers.Adagrad(", "keras.optimizers.RMSprop(", "keras.optimizers.Adam(",
        "keras.optimizers.Adamax(", "keras.optimizers.Nadam(", "np.linalg.eigvals(",
        "keras.Variable(", "apply_gradients(", "1 / np.sqrt(1 - 0.9)",
        # 5-6. batch sizes, iterations, a smaller batch wants a smaller rate
        "on_train_batch_end", "iterations/epoch", "best_rate[1] < best_rate[16]",
        # 7. decay and clipping
        "keras.optimizers.schedules.ExponentialDecay(", '"clipnorm": 1.0', '"clipvalue": 0.5',
        # 8. one real model
        "load_digits()", "StandardScaler().fit(X_fit)",
    ):
        assert needle in code, needle
    prose = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    for needle in ("iteration", "powers of two", "3.16", "global_clipnorm", "Adadelta"):
        assert needle in prose, needle
    assert "about $\\eta$ or less" not in prose and "thousands of" not in prose


def test_lessons_and_optional_sections_come_before_the_exercises(cells):
    assert_lesson_and_optional_sections_before_the_exercises(cells)


def test_every_exercise_shows_its_points(cells):
    headings = [c.source.splitlines()[0] for c in cells
                if c.cell_type == "markdown" and c.source.startswith("### Exercise")]
    assert headings == ["### Exercise 1 (3 points): a numerical gradient",
                        "### Exercise 2 (3 points): one step of momentum"]


def test_the_notebook_is_backend_agnostic(cells):
    """TensorFlow, JAX and torch are imported only inside the gradient dispatcher."""
    for cell in cells:
        if cell.cell_type != "code":
            continue
        for match in re.finditer(r"^\s*import (tensorflow|jax|torch)\b", cell.source, re.M):
            assert "def backend_gradient(" in cell.source, match.group(0)
        assert "input_shape=" not in cell.source and not re.search(r"\blr=", cell.source)


def test_the_lesson_runs_without_the_exercise_answers(cells):
    assert_answers_unused(cells, EXERCISE_USES)


# --------------------------------------------------------------------------
# exercises (nbgrader format)
# --------------------------------------------------------------------------
def test_exercises_follow_the_nbgrader_format(cells):
    assert format_problems(cells) == []
    ids = [nbgrader(cell)["grade_id"] for cell in cells if nbgrader(cell)]
    assert ids == ["nb07-numerical-gradient", "nb07-numerical-gradient-tests",
                   "nb07-momentum", "nb07-momentum-tests"]
    assert [nbgrader(c)["points"] for c in cells if nbgrader(c).get("grade")] == [3, 3]


def test_solutions_pass_all_tests(cells, lesson_source):
    scope = namespace(lesson_source)
    assert_solutions_pass(cells, lambda: scope)


def test_student_stubs_fail_the_visible_tests(cells, lesson_source):
    scope = namespace(lesson_source)
    assert_stubs_fail(cells, lambda: scope)


def test_hidden_tests_catch_wrong_answers(cells, lesson_source):
    """Answers that pass the visible tests but miss a stated requirement fail."""
    wrong = {
        # one and two dimensions only, by explicit loops: wrong for a 3-D x
        "numerical_gradient": (
            "def numerical_gradient(f, x, h=1e-5):\n"
            "    x = np.array(x, dtype='float64')\n"
            "    grad = np.zeros_like(x)\n"
            "    if x.ndim == 1:\n"
            "        indices = [(i,) for i in range(x.shape[0])]\n"
            "    else:\n"
            "        indices = [(i, j) for i in range(x.shape[0]) for j in range(x.shape[1])]\n"
            "    for index in indices:\n"
            "        old = x[index]\n"
            "        x[index] = old + h\n"
            "        f_plus = f(x)\n"
            "        x[index] = old - h\n"
            "        f_minus = f(x)\n"
            "        x[index] = old\n"
            "        grad[index] = (f_plus - f_minus) / (2 * h)\n"
            "    return grad\n"
        ),
        # the lecture's momentum 0.9 written in, whatever `momentum` says
        "momentum_step": (
            "def momentum_step(w, velocity, grad, learning_rate, momentum):\n"
            "    new_velocity = 0.9 * np.asarray(velocity) - learning_rate * np.asarray(grad)\n"
            "    return np.asarray(w) + new_velocity, new_velocity\n"
        ),
    }
    scope = namespace(lesson_source)
    assert_hidden_tests_catch(cells, wrong, lambda: scope)


# --------------------------------------------------------------------------
# executed notebook (slow)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def metrics(executed):
    return executed("07").metrics


@pytest.mark.slow
def test_headline_and_mode(metrics):
    assert metrics["_headline"] == "rule_max_error"
    assert metrics["grading"] is False
    assert metrics["optimizer_steps"] == 100 and metrics["gd_epochs"] == 10
    assert metrics["n_train"] == 100 and metrics["real_epochs"] == 10


@pytest.mark.slow
def test_local_gradient_rules_and_graphs(metrics):
    assert set(metrics["rule_errors"]) == {"add", "multiply", "max", "c + x", "a x", "e^x", "1/x", "sigmoid"}
    assert 0 <= metrics["rule_max_error"] < 1e-6
    assert metrics["graph_forward"] == -2.0
    assert metrics["graph_grads_by_hand"] == [-3.0, 2.0, 1.0]
    assert metrics["graph_grads_autodiff"] == [-3.0, 2.0, 1.0]
    # the sigmoid neuron at w = (2, -3, -3), x = (-1, -2): sigma(1) (1 - sigma(1)) (x0, x1, 1)
    s = 1 / (1 + math.exp(-1.0))
    np.testing.assert_allclose(metrics["neuron_grads"], [s * (1 - s) * v for v in (-1.0, -2.0, 1.0)], atol=1e-12)
    assert metrics["neuron_autodiff_diff"] < 1e-6


@pytest.mark.slow
def test_learning_rate_paths(metrics):
    # on L = w^2 one step multiplies w by (1 - 2 eta); 12 steps from w = 2
    expected = {"too small": 2 * 0.9**12, "about right": 2 * 0.2**12, "too large": 2 * 1.06**12}
    for label, value in expected.items():
        assert metrics["lr_final_abs_w"][label] == pytest.approx(value, rel=1e-4, abs=1e-6), label
    assert metrics["lr_final_abs_w"]["too large"] > 2 > metrics["lr_final_abs_w"]["too small"]


@pytest.mark.slow
def test_stability_limits(metrics):
    """SGD 2/lambda, heavy ball 2(1 + beta)/lambda, Nesterov 2(1 + beta)/(lambda (1 + 2 beta)),
    on the notebook's scanning grid of step 0.001."""
    lam, beta = 5.0, 0.9
    limits = {"SGD": 2 / lam, "momentum": 2 * (1 + beta) / lam,
              "Nesterov": 2 * (1 + beta) / (lam * (1 + 2 * beta))}
    for name, limit in limits.items():
        assert limit - 0.0015 <= metrics["stable_rates"][name] <= limit + 1e-6, name
    assert metrics["stable_rates"]["Nesterov"] == pytest.approx(0.27, abs=0.005)


#: The notebook's loss surface: L(w) = w.A.w / 2, curvatures 0.05 and 5, tilted by 20 degrees.
_ROTATION = np.array([[np.cos(np.deg2rad(20)), -np.sin(np.deg2rad(20))],
                      [np.sin(np.deg2rad(20)), np.cos(np.deg2rad(20))]])
VALLEY = _ROTATION @ np.diag([0.05, 5.0]) @ _ROTATION.T
START = np.array([-5.0, -1.0])


def reference_optimizer_paths(steps: int) -> dict[str, float]:
    """Final losses on the notebook's valley by Keras' update rules in NumPy float32 (Keras keeps
    the variable and the optimizer's state in float32; on RMSprop's jittery path float64 would
    end up 10 % away).  Nadam's momentum schedule is left to its own test."""
    f32 = np.float32

    def run(update):
        w, state = START.astype(f32), {}
        for t in range(1, steps + 1):
            g = (VALLEY @ w.astype(np.float64)).astype(f32)
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

    def adamax(w, g, s, t):
        s["m"] = s.get("m", f32(0)) + (g - s.get("m", f32(0))) * f32(0.1)
        s["u"] = np.maximum(f32(0.999) * s.get("u", f32(0)), np.abs(g))
        return w - f32(0.3) * s["m"] / ((f32(1) - f32(0.9) ** f32(t)) * (s["u"] + f32(1e-7)))

    return {
        "SGD": run(sgd), "momentum": run(momentum),
        "Nesterov": run(lambda w, g, s, t: momentum(w, g, s, t, nesterov=True)),
        "Adagrad": run(adagrad), "RMSprop": run(rmsprop), "Adam": run(adam), "Adamax": run(adamax),
    }


@pytest.mark.slow
def test_optimizers_follow_keras_update_rules(metrics):
    final = metrics["optimizer_final_losses"]
    assert set(final) == set(OPTIMIZERS) | {"Adadelta"}
    expected = reference_optimizer_paths(metrics["optimizer_steps"])
    for name in expected:
        assert final[name] == pytest.approx(expected[name], rel=1e-3), name
    start_loss = 0.5 * START @ VALLEY @ START
    assert all(loss < start_loss / 10 for name, loss in final.items() if name != "Adadelta")
    # Adadelta (learning_rate=1.0) moves, but its steps start at sqrt(epsilon): the highest loss
    assert max(loss for name, loss in final.items() if name != "Adadelta") < final["Adadelta"] < start_loss
    # what the lesson says about them
    for name in ("momentum", "Nesterov", "Adam", "Nadam"):
        assert final[name] < final["SGD"] / 100, name
    assert final["Adagrad"] < final["SGD"] < final["Adamax"]


@pytest.mark.slow
def test_first_adaptive_steps(metrics):
    rmsprop, adam = metrics["first_steps"]["RMSprop"], metrics["first_steps"]["Adam"]
    np.testing.assert_allclose(rmsprop[0], [1 / math.sqrt(0.1)] * 2, rtol=1e-3)   # 3.16 eta
    assert all(a < b for a, b in zip(rmsprop[1], rmsprop[0]))
    np.testing.assert_allclose(adam[0], [1.0, 1.0], rtol=1e-3)                    # exactly eta


@pytest.mark.slow
def test_batch_minibatch_stochastic(metrics):
    n_train = metrics["n_train"]
    assert metrics["gd_steps_per_epoch"] == {
        "batch": 1, "mini-batch (16)": math.ceil(n_train / 16), "stochastic (1)": n_train}
    up = metrics["gd_up_fraction"]
    assert up["batch"] == 0.0                   # full-batch steps with a small rate never go up
    assert up["stochastic (1)"] > up["mini-batch (16)"]
    for name in ("batch", "mini-batch (16)", "stochastic (1)"):
        assert metrics["gd_final_loss"][name] > metrics["best_loss"] - 1e-6, name  # no line beats the optimum
    check_metric(metrics, "07", "gd_up_fraction/stochastic (1)")


@pytest.mark.slow
def test_smaller_batches_want_smaller_rates_and_decay_helps(metrics):
    excess = metrics["batch_excess"]
    assert len(excess) == 6 and all(value > -1e-6 for value in excess.values())
    # the robust part of the lesson: the largest rate fails with one example per step, not with 16
    assert excess["1@3.0"] > 5 * excess["16@3.0"]
    assert min(excess["1@0.03"], excess["1@0.3"]) < excess["1@3.0"] / 5
    check_metric(metrics, "07", "batch_excess/1@3.0")
    assert metrics["decay_excess"] < excess["1@3.0"]
    check_metric(metrics, "07", "decay_excess")


@pytest.mark.slow
def test_clipping(metrics):
    steps = metrics["clip_steps"]
    assert steps["no clipping"] == [-3.0, -4.0]
    np.testing.assert_allclose(steps["clipnorm=1.0"], [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(steps["clipvalue=0.5"], [-0.5, -0.5], rtol=1e-6)
    # eta = 0.45 > 2/5: without clipping the steep direction grows by 1.25 per step
    start_loss = 0.5 * START @ VALLEY @ START
    assert metrics["clip_losses"]["no clipping"] > 1e6 * start_loss
    assert metrics["clip_losses"]["clipnorm=1.0"] < start_loss


@pytest.mark.slow
def test_optimizers_on_a_real_model(metrics):
    assert set(metrics["real_val_accuracy"]) == set(OPTIMIZERS)
    for name in ("RMSprop", "Adam", "momentum"):
        check_metric(metrics, "07", f"real_val_accuracy/{name}")


@pytest.mark.slow
def test_the_network_gradient_check(metrics):
    assert metrics["network_autodiff_max_abs_diff"] < 1e-5   # float32 autodiff vs float64 backprop
    assert metrics["network_gradient_check_error"] < 1e-6    # float64 finite differences
    assert metrics["network_gradient_check_error_float32"] > 1e3 * metrics["network_gradient_check_error"]


@pytest.mark.slow
def test_fits_in_a_laptops_memory(metrics):
    check_memory(metrics, "07")


@pytest.mark.slow
def test_grading_mode_runs_quickly(executed):
    m = executed("07", COURSEWORK_GRADING="1").metrics  # fails the test unless every cell ran
    assert m["grading"] is True
    assert m["optimizer_steps"] < 100 and m["gd_epochs"] < 10 and m["real_epochs"] < 10
    assert m["graph_grads_autodiff"] == [-3.0, 2.0, 1.0] and m["rule_max_error"] < 1e-6
    assert m["network_gradient_check_error"] < 1e-6


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="pip install '.[jax]'")
def test_runs_on_jax(executed):
    m = executed("07", KERAS_BACKEND="jax", COURSEWORK_GRADING="1").metrics
    assert m["backend"] == "jax"
    assert m["graph_grads_autodiff"] == [-3.0, 2.0, 1.0]
    assert m["neuron_autodiff_diff"] < 1e-6
    assert m["network_autodiff_max_abs_diff"] < 1e-5
