"""The computed text alternative (coursework.plotting.summary): what a figure
that neither describe() nor a helper described shows, read from its artists
with the numbers of their data."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from coursework.plotting import describe, description, plot_history
from coursework.plotting.alt import figure_mimebundle
from coursework.plotting.summary import summarize


def test_a_line_plot_says_where_each_line_starts_ends_and_turns(ax):
    z = np.linspace(-2, 2, 5)
    ax.plot(z, z**2, label="square")
    ax.plot(z, 2 * z + 1, label="_hidden")  # matplotlib's convention: not in the legend, still drawn
    ax.plot(z, np.exp(-z), marker="o", linestyle="", label="decay")
    ax.plot(z, (z >= 0).astype(float), label="$H(z)$")  # a tie with an end counts as that end
    ax.axhline(1 / 3, color="k", linestyle="--", label="uniform 1/3")
    ax.axvline(0.5, color="grey")
    ax.axvline(-1.25, color="grey")
    ax.set(title="Curves", xlabel="z", ylabel="value (log scale)", yscale="symlog")
    assert description(ax.figure) == (
        '"Curves" (x: z; y: value (log scale)): line "square" from 4 at z = -2 to 4 at z = 2, '
        "lowest 0 at z = 0; line rising from -3 at z = -2 to 5 at z = 2; points \"decay\" falling from "
        '7.39 at z = -2 to 0.135 at z = 2; line "H(z)" rising from 0 at z = -2 to 1 at z = 2; '
        'horizontal line "uniform 1/3" at y = 0.333; '
        "vertical lines at x = -1.25, 0.5."
    )


def test_a_path_and_a_single_point(ax):
    ax.plot([3.0, 1.0, 0.5, 0.8], [2.0, -1.0, 0.4, 0.1], ".-", label="path of $w$ ($\\eta = 0.1$)")
    ax.plot(3.0, 2.0, "o", label="start")
    ax.set(xlabel="$w_1$", xscale="log")
    assert summarize(ax.figure) == (
        'A plot (x: w_1, log scale): line "path of w (eta = 0.1)" of 4 points from (3, 2) to (0.8, 0.1), '
        'y between -1 and 2; point "start" at (3, 2).'
    )


def test_a_histogram_counts_its_values_and_names_its_tallest_bin(ax):
    values = np.array([1, 2, 2, 3, 3, 3, 4, 12] * 250)
    ax.hist(values, bins=[0, 1, 2, 3, 4, 13], label="reviews")
    ax.hist(values[:20], bins=[0, 1, 2, 3, 4, 13], histtype="step", hatch="//", label="a step outline")
    ax.hist(values, bins=4, density=True)
    ax.set(title="Lengths", xlabel="words", ylabel="number of reviews", yscale="log")
    assert description(ax) == (
        '"Lengths" (x: words; y: number of reviews, log scale): histogram "reviews" of 2,000 values in 5 bins '
        "from 0 to 13, tallest bin 3 to 4 (750 values); histogram \"a step outline\" of 20 values in 5 bins "
        "from 0 to 13, tallest bin 3 to 4 (7 values); histogram of total height 0.364 in 4 bins from 1 to 12, "
        "tallest bin 1 to 3.75 (height 0.273)."
    )


def test_bars_are_named_by_their_tick_labels(ax):
    names = ["cat", "dog", "cow", "hen", "elk", "ant", "bee"]
    ax.bar(np.arange(7) - 0.2, [0.1, 0.2, 0.05, 0.3, 0.15, 0.1, 0.1], width=0.4, label="clean")
    ax.bar(np.arange(3) + 0.2, [0.5, 0.25, 0.25], width=0.4, label="production")
    ax.set_xticks(range(7), names, rotation=60)
    ax.set(ylabel="share of predictions")
    assert summarize(ax.figure) == (
        'A plot (y: share of predictions): bars "clean", 7 of them, highest 0.3 at hen, lowest 0.05 at cow; '
        'bars "production", 3 of them: cat: 0.5, dog: 0.25, cow: 0.25.'
    )


def test_images_scatter_text_and_panels():
    fig, axes = plt.subplots(1, 3)
    axes[0].imshow(np.linspace(0, 1, 12).reshape(3, 4), cmap="gray_r")
    axes[0].set(title="an image", xticks=[], yticks=[])
    axes[1].scatter([1.0, 2.0, 3.0], [10.0, 1500.0, 20.0], label="patients")
    axes[1].text(2, 700, "outlier")
    axes[2].imshow(np.zeros((2, 5, 3)))
    fig.suptitle("Mixed panels")
    fig.supxlabel("shared x")
    assert summarize(fig) == (
        'Mixed panels. 3 panels (x: shared x). Panel 1, "an image": image of 4×3 pixels, values from 0 to 1. '
        'Panel 2, a plot: points "patients", 3 of them, x from 1 to 3, y from 10 to 1,500; text "outlier". '
        "Panel 3, a plot: colour image of 5×2 pixels."
    )


def test_an_axes_with_nothing_drawn_and_spare_panels():
    fig, axes = plt.subplots(1, 3)
    axes[0].set(title="Waiting for data", xlabel="epoch")
    axes[2].axis("off")  # a spare panel: not mentioned
    assert summarize(fig) == (
        '2 panels. Panel 1, "Waiting for data" (x: epoch) with nothing drawn on it. '
        "Panel 2, a plot with nothing drawn on it."
    )
    axes[0].remove(), axes[1].remove()
    assert summarize(fig) == "A figure with nothing drawn on it."


def test_explicit_and_helper_texts_win_over_the_computed_one(ax):
    ax.plot([0, 1], [1, 0], label="line")
    assert description(ax) == 'A plot: line "line" falling from 1 at x = 0 to 0 at x = 1.'
    assert description(ax, computed=False) is None
    _, helped = plt.subplots()
    plot_history({"loss": [1.0, 0.5]}, metrics="loss", axes=[helped])
    assert description(helped) == "loss per epoch: training falling from 1 at epoch 1 to 0.5 at epoch 2."
    describe(ax, f"a line falling to {0:.1f}")
    assert description(ax) == "a line falling to 0.0"
    assert figure_mimebundle(ax.figure)[1] == {"image/png": {"alt": "a line falling to 0.0"},
                                         "image/svg+xml": {"alt": "a line falling to 0.0"}}


def test_numbers_are_rounded_for_reading(ax):
    ax.plot([0, 1, 2], [0.000012345, 12345.6, 2.5e7], label="growth")
    assert summarize(ax.figure) == 'A plot: line "growth" rising from 1.23e-05 at x = 0 to 2.50e+07 at x = 2.'


def test_the_display_hook_survives_a_figure_it_cannot_read(ax, monkeypatch):
    from coursework.plotting import summary

    def broken(figure):
        raise RuntimeError("unreadable")

    monkeypatch.setattr(summary, "summarize", broken)
    text, metadata = figure_mimebundle(ax.figure)
    expected = "A figure (its text alternative could not be computed: RuntimeError)."
    assert (text["text/plain"], metadata["image/png"]["alt"]) == (expected, expected)


def test_a_two_line_title_reads_as_two_phrases():
    from coursework.plotting.summary import spoken

    assert spoken("petals\ndeck 004's weights") == "petals, deck 004's weights"
    assert spoken("$-\\ln a$ loss\n\n  per   epoch ") == "-ln a loss, per epoch"
