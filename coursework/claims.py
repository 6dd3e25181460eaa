"""Claims: the notebooks' comparing sentences, checked on every measured seed.

A sentence in a notebook's markdown that compares or characterises the
course's own trained numbers ("the linear model comes last") carries a marker
``<!-- claim: 05/linear_last -->`` right after it (an HTML comment: invisible
when rendered).  The marker names a claim registered here: a readable
predicate over ONE seed's metrics, ``{metric name: value}``, taken from the
per-seed lists in ``coursework/measured/NN.json`` that the seed sweep
(``benchmarks/distribution.py``) records.  ``tests/test_claims.py`` fails
when a claim does not hold on every seed, or when a marker and a claim do
not match.

>>> failing_seeds("05/linear_last")  # doctest: +SKIP
[]
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .measured import measured_notebook

__all__ = ["CLAIMS", "Claim", "MARKER", "UnknownMetric", "claims_of", "failing_seeds", "seed_metrics"]

#: The marker a sentence carries: ``<!-- claim: NN/name -->``.
MARKER = re.compile(r"<!--\s*claim:\s*(\S+?)\s*-->")

Metrics = Mapping[str, float]


@dataclass(frozen=True)
class Claim:
    """A named statement about one notebook's numbers, checked per seed."""

    name: str  # "NN/short_name"
    statement: str  # what the predicate says, in words
    holds: Callable[[Metrics], bool]

    @property
    def notebook(self) -> str:
        return self.name[:2]


class UnknownMetric(KeyError):
    """A claim reads a metric that the notebook's measured file does not hold."""


class SeedMetrics(dict):
    """One seed's metrics; reading a name that was not recorded raises :class:`UnknownMetric`."""

    def __missing__(self, metric: str) -> float:
        close = difflib.get_close_matches(metric, list(self), n=5, cutoff=0.6)
        raise UnknownMetric(f"no metric {metric!r} in this notebook's measured file; close names: {close}")


def seed_metrics(notebook: str) -> dict[int, SeedMetrics]:
    """``{seed: {metric: value}}`` from ``measured/NN.json`` (a missing value is NaN)."""
    data = measured_notebook(notebook)
    values = data["metrics"]
    return {seed: SeedMetrics({name: math.nan if v[i] is None else float(v[i]) for name, v in values.items()})
            for i, seed in enumerate(data["seeds"])}


def failing_seeds(claim: str | Claim) -> list[int]:
    """The seeds of the claim's notebook on which it does not hold (``[]``: it holds on all)."""
    claim = CLAIMS[claim] if isinstance(claim, str) else claim
    return [seed for seed, metrics in seed_metrics(claim.notebook).items() if not claim.holds(metrics)]


def claims_of(notebook: str) -> list[Claim]:
    """The registered claims of one notebook (``"05"`` or ``"05_fashion_mnist"``)."""
    return [c for c in CLAIMS.values() if c.notebook == str(notebook)[:2]]


CLAIMS: dict[str, Claim] = {}


def _claim(name: str, statement: str, holds: Callable[[Metrics], bool]) -> None:
    CLAIMS[name] = Claim(name, statement, holds)


def _falls(m: Metrics, names: list[str]) -> bool:
    """Each named metric is below the one before it."""
    values = [m[n] for n in names]
    return all(a > b for a, b in zip(values, values[1:]))


def _spread(m: Metrics, prefix: str) -> float:
    """max/min - 1 of the metrics under ``prefix/``."""
    values = [v for k, v in m.items() if k.startswith(prefix + "/")]
    if not values:
        raise UnknownMetric(f"no metrics named {prefix}/... in this notebook's measured file")
    return max(values) / min(values) - 1


LN2, LN10 = math.log(2), math.log(10)

_claim("01/right_long_before_the_end", "all 4 points are right by 60 % of the epochs, and at the end",
       lambda m: m["first_perfect_epoch"] <= 0.6 * m["epochs"] and m["final_accuracy"] == 1)
_claim("02/untrained_loss_near_ln10", "the untrained loss on scaled pixels is above ln 10, by less than 0.5",
       lambda m: LN10 < m["initial_loss"] < LN10 + 0.5)
_claim("02/unscaled_loss_far_above", "on unscaled pixels the untrained loss is over 50 times ln 10",
       lambda m: m["unscaled_loss"] > 50 * LN10)
_claim("02/both_losses_prefer_model2", "MSE and cross-entropy both give model 2 the lower loss",
       lambda m: m["mse_model2"] < m["mse_model1"] and m["ce_model2"] < m["ce_model1"])
_claim("02/gap_versus_ratio", "the gap between the models is larger for cross-entropy, the ratio larger for MSE",
       lambda m: m["ce_model1"] - m["ce_model2"] > m["mse_model1"] - m["mse_model2"]
       and m["mse_model1"] / m["mse_model2"] > m["ce_model1"] / m["ce_model2"])
_claim("02/linear_models_close", "the regression and logistic models' test accuracies differ by less than 0.03",
       lambda m: abs(m["binary_regression_test_accuracy"] - m["binary_logistic_test_accuracy"]) < 0.03)
_claim("02/mlp_ahead_of_lines", "the MLP's test accuracy is above both linear models'",
       lambda m: m["binary_mlp_test_accuracy"] > max(m["binary_regression_test_accuracy"],
                                                      m["binary_logistic_test_accuracy"]))
_claim("03/training_score_flatters", "after 150 epochs, accuracy on the training rows is above test accuracy",
       lambda m: m["train_accuracy_last_epoch"] > m["test_accuracy_last_epoch"])
_claim("03/speed_up_far_below_round_trips", "50 steps per call cut the CPU time, by less than 10 times",
       lambda m: 1 < m["steps_per_execution_speed_up"] < 10)
_claim("04/validation_loss_turns_early", "the lowest validation loss comes in the first quarter of the epochs",
       lambda m: m["best_epoch"] <= m["epochs"] / 4)
_claim("05/linear_last", "the linear model's test accuracy is below the MLP's and the deep network's",
       lambda m: m["linear_test_accuracy"] < min(m["mlp_test_accuracy"], m["deep_test_accuracy"]))
_claim("05/depth_adds_little", "the deep network's test accuracy is above the MLP's, by less than 2 points",
       lambda m: 0 < m["deep_test_accuracy"] - m["mlp_test_accuracy"] < 0.02)
_claim("06/xor_neuron_coin_flip", "the XOR neuron's loss is within 0.01 of ln 2 and it gets at most 3 of 4 right",
       lambda m: abs(m["xor_single_neuron_loss"] - LN2) < 0.01 and m["xor_single_neuron_correct"] <= 3)
_claim("06/xor_network_solves", "the learned XOR network gets all 4 inputs right",
       lambda m: m["xor_mlp_accuracy"] == 1)
_claim("06/petal_single_lines_fall_short", "on the petals the logistic line is below 'never versicolor', "
       "and the best line below 0.85", lambda m: m["iris_logistic_accuracy/petal"] < m["iris_never_accuracy"]
       and m["iris_line_accuracy/petal"] < 0.85)
_claim("06/deck_weights_sepal_only", "the deck's weights beat 'never versicolor' on the sepals, "
       "not on the petals, and stay below the best sepal line",
       lambda m: m["iris_deck_accuracy/petal"] < m["iris_never_accuracy"] < m["iris_deck_accuracy/sepal"]
       < m["iris_line_accuracy/sepal"])
_claim("06/petal_two_lines_best", "our two petal lines are the most accurate Iris model of section 4",
       lambda m: m["iris_petal_two_line_accuracy"] > max(v for k, v in m.items() if k.startswith("iris_")
                                                         and k != "iris_petal_two_line_accuracy"))
_claim("06/moons_need_activations", "both MLPs validate above logistic regression and the deep network without "
       "activations, which stay within 0.02 of each other",
       lambda m: min(m["moons_scores/MLP (20)/1"], m["moons_scores/MLP (20-20-20)/1"])
       > max(m["moons_scores/logistic regression/1"], m["moons_scores/deep, no activations/1"])
       and abs(m["moons_scores/logistic regression/1"] - m["moons_scores/deep, no activations/1"]) <= 0.02)
_claim("07/learning_rate_regimes", "after 12 steps |w| is near 0 for the right rate, larger for the small one, "
       "largest for the large one, above its start 2 (the loss grew)",
       lambda m: m["lr_final_abs_w/about right"] < 0.01 < m["lr_final_abs_w/too small"]
       < m["lr_final_abs_w/too large"] and m["lr_final_abs_w/too large"] > 2)
_claim("07/momentum_ahead_of_sgd", "on the valley momentum ends at under a tenth of plain SGD's loss",
       lambda m: m["optimizer_final_losses/momentum"] < m["optimizer_final_losses/SGD"] / 10)
_claim("07/adamax_behind_adam", "on the valley Adamax ends at a higher loss than Adam",
       lambda m: m["optimizer_final_losses/Adamax"] > m["optimizer_final_losses/Adam"])
_claim("07/batch1_large_rate_swamped", "with batch size 1 the largest rate ends furthest above the best line",
       lambda m: m["batch_excess/1@3.0"] > max(m["batch_excess/1@0.03"], m["batch_excess/1@0.3"]))
_claim("07/batch16_large_rate_usable", "with batch size 16 the largest rate ends under a third as far above "
       "the best line as with batch size 1", lambda m: m["batch_excess/16@3.0"] < m["batch_excess/1@3.0"] / 3)
_claim("07/batch16_small_rate_slow", "with batch size 16 the smallest rate ends further above the best line "
       "than the middle one", lambda m: m["batch_excess/16@0.03"] > m["batch_excess/16@0.3"])
_claim("07/default_rates_slow", "on the digits SGD, Adagrad and Adamax validate below Adam, Nadam and RMSprop",
       lambda m: max(m[f"real_val_accuracy/{o}"] for o in ("SGD", "Adagrad", "Adamax"))
       < min(m[f"real_val_accuracy/{o}"] for o in ("Adam", "Nadam", "RMSprop")))
_claim("07/stable_rates", "0.25 is below every SGD variant's largest stable rate; "
       "Nesterov's is below SGD's, momentum's above",
       lambda m: 0.25 < m["stable_rates/Nesterov"] < m["stable_rates/SGD"] < m["stable_rates/momentum"])
_claim("07/clipping_bounds_not_cures", "with clipnorm the too-large rate ends at a loss above 0.01; "
       "without it above 10^6", lambda m: m["clip_losses/clipnorm=1.0"] > 0.01
       and m["clip_losses/no clipping"] > 1e6)
_claim("07/float64_gradient_check", "the float64 gradient check errs below 10^-6, the float32 one above it",
       lambda m: m["network_gradient_check_error"] < 1e-6 < m["network_gradient_check_error_float32"])
_claim("08/sigmoid_head_useless", "the sigmoid head predicts at most 1 year; its MAE is within 5 % "
       "of the mean test age", lambda m: m["sigmoid_age_max"] <= 1
       and abs(m["age_mae/sigmoid head"] - m["age_mean_test"]) < 0.05 * m["age_mean_test"])
_claim("08/mlp_not_ahead_of_linear", "the MLP's test MAE is not below the linear model's",
       lambda m: m["test_mae/MLP (32 ReLU)"] >= m["test_mae/linear"])
_claim("08/outliers_move_mae_less", "the outliers shift the MAE line's slope less than the MSE line's",
       lambda m: m["slope_shift/MAE"] < m["slope_shift/MSE"])
_claim("08/test_errors_vary_less_than_slopes", "the three lines' test MAEs spread (max/min - 1) under a tenth "
       "as much as their slopes", lambda m: _spread(m, "line_test_mae") < _spread(m, "line_slopes") / 10)
_claim("09/shortcut", "the marked model finds over 95 % of marked shirts, fewer clean shirts than the clean "
       "model, and calls over half of the marked others 'Shirt'",
       lambda m: m["shortcut_accuracy/marked model, marked shirts"] > 0.95 and m["others_called_shirt"] > 0.5
       and m["shortcut_accuracy/marked model, clean shirts"] < m["shortcut_accuracy/clean model, clean shirts"])
_claim("09/shift_curves_fall", "accuracy falls with every larger shift, and with every noise level from 0.1 on",
       lambda m: _falls(m, [f"shift_accuracy/{k}" for k in (0, 1, 2, 3, 4, 6)])
       and _falls(m, [f"noise_accuracy/{s}" for s in ("0.1", "0.2", "0.3", "0.5", "0.8")]))
_claim("09/reuse_optimism_by_size", "choosing on 200, 1,000, 5,000 test images overstates by less each time, "
       "always above 0, under 0.01 at 5,000, over 0.02 (a claimed improvement's size) at 200",
       lambda m: _falls(m, [f"mean_reuse_optimism/{n}" for n in (200, 1000, 5000)])
       and 0 < m["mean_reuse_optimism/5000"] < 0.01 and m["mean_reuse_optimism/200"] > 0.02)
_claim("09/worst_class_far_behind", "the worst class's accuracy is over 0.2 below the overall test accuracy",
       lambda m: m["worst_class_accuracy"] < m["clean_test_accuracy"] - 0.2)
