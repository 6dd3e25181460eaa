"""Training curves: history_dict, select_metrics, draw_history and plot_history."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursework.plotting import draw_history, history_dict, plot_history, select_metrics
from tests.plotting.conftest import legend_texts

HISTORY = {
    "loss": [0.9, 0.6, 0.4],
    "val_loss": [1.0, 0.7, 0.6],
    "accuracy": [0.5, 0.7, 0.8],
    "val_accuracy": [0.4, 0.6, 0.7],
}


def test_history_dict_accepts_a_history_object_and_arrays():
    class History:  # what model.fit returns, minus Keras
        history = {"loss": np.array([3.0, 2.0], dtype="float32")}

    assert history_dict(History()) == {"loss": [3.0, 2.0]}
    with pytest.raises(TypeError, match="`history` must be a Keras History"):
        history_dict([1.0, 2.0])


def test_select_metrics_defaults_and_explicit_names():
    assert select_metrics(HISTORY) == ["loss", "accuracy"]
    assert select_metrics({"loss": [1.0], "mae": [2.0]}) == ["loss"]
    assert select_metrics(HISTORY, "accuracy") == ["accuracy"]
    assert select_metrics({"val_mae": [1.0]}, ["mae"]) == ["mae"]  # val_ only is enough


@pytest.mark.parametrize(
    ("history", "metrics", "message"),
    [
        (HISTORY, ("loss", "mae"), r"unknown \['mae'\]; available: \['accuracy', 'loss'\]"),
        ({"mae": [1.0]}, None, r"none of the default metrics.*\['mae'\]"),
        ({}, None, "at least one metric"),
        (HISTORY, [], "at least one metric. Got an empty sequence"),
    ],
)
def test_select_metrics_errors(history, metrics, message):
    with pytest.raises(ValueError, match=message):
        select_metrics(history, metrics)


def test_draw_history_draws_only_on_the_given_axes():
    _, given = plt.subplots(1, 2)
    n_figures = len(plt.get_fignums())
    draw_history(given, HISTORY, ["accuracy", "loss"])
    assert len(plt.get_fignums()) == n_figures
    assert [ax.get_title() for ax in given] == ["accuracy", "loss"]
    np.testing.assert_allclose(given[0].lines[1].get_ydata(), HISTORY["val_accuracy"])


def test_history_two_panels_two_lines_each():
    axes = plot_history(HISTORY)
    assert isinstance(axes, np.ndarray) and axes.shape == (2,)
    for ax, metric in zip(axes, ["loss", "accuracy"]):
        assert len(ax.lines) == 2
        for line in ax.lines:
            np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
        np.testing.assert_allclose(ax.lines[0].get_ydata(), HISTORY[metric])
        np.testing.assert_allclose(ax.lines[1].get_ydata(), HISTORY[f"val_{metric}"])
        assert ax.get_title() == metric
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == metric
        assert legend_texts(ax) == ["training", "validation"]


def test_history_skips_missing_default_metrics():
    axes = plot_history({"loss": [3.0, 2.0]})
    assert axes.shape == (1,)
    assert len(axes[0].lines) == 1
    assert legend_texts(axes[0]) == ["training"]


def test_history_on_given_axes():
    _, given = plt.subplots(1, 2)
    axes = plot_history(HISTORY, metrics=["accuracy", "loss"], axes=given)
    assert list(axes) == list(given)
    assert [ax.get_title() for ax in given] == ["accuracy", "loss"]
    n_figures = len(plt.get_fignums())
    plot_history(HISTORY, metrics="loss", axes=given[1])
    assert len(plt.get_fignums()) == n_figures


def test_history_axes_count_must_match():
    _, given = plt.subplots(1, 3)
    with pytest.raises(ValueError, match=r"`axes` must hold 2 Axes, one per metric .* Got 3 instead."):
        plot_history(HISTORY, axes=given)
