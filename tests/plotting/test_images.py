"""Image grids: plot_images and plot_image_probabilities."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursework.plotting import description, plot_image_probabilities, plot_images
from coursework.plotting.palette import RIGHT, WRONG

NAMES = ["zero", "one", "two"]


def test_images_titles_and_ticks():
    images = np.zeros((4, 8, 8), dtype="uint8")
    axes = plot_images(images, [0, 1, 2, 1], NAMES, ncols=3)
    assert len(axes) == 6  # 2 rows of 3
    assert [ax.get_title() for ax in axes[:4]] == ["zero", "one", "two", "one"]
    for ax in axes[:4]:
        assert len(ax.images) == 1
        assert len(ax.get_xticks()) == 0 and len(ax.get_yticks()) == 0
    assert all(not ax.axison for ax in axes[4:])


def test_images_predictions_mark_exactly_the_wrong_ones():
    images = np.zeros((5, 6, 6, 1), dtype="float32")
    labels = np.array([0, 1, 2, 2, 0])
    probabilities = np.eye(3)[[0, 2, 2, 1, 0]] * 0.8 + 0.05  # argmax: 0, 2, 2, 1, 0
    axes = plot_images(images, labels, NAMES, predictions=probabilities)
    titles = [ax.get_title() for ax in axes]
    # right and wrong differ by a mark, not by colour alone
    assert titles == ["✓ zero (zero)", "✗ two (one)", "✓ two (two)", "✗ one (two)", "✓ zero (zero)"]
    colours = [ax.title.get_color() for ax in axes]
    assert colours == [RIGHT["color"], WRONG["color"], RIGHT["color"], WRONG["color"], RIGHT["color"]]
    assert description(axes[0]) == ("5 images titled by predicted class (true class): 3 right, 2 wrong "
                                     "(one predicted as two, two predicted as one).")


def test_images_predictions_only_and_imshow_kwargs():
    images = np.random.default_rng(0).normal(size=(2, 4, 4))
    axes = plot_images(images, predictions=[1, 0], cmap="RdBu", vmin=-3, vmax=3)
    assert [ax.get_title() for ax in axes] == ["1", "0"]
    assert axes[0].images[0].get_clim() == (-3, 3)


def test_images_rgb_and_given_axes():
    images = np.full((2, 4, 4, 3), 200.0)  # float RGB on a 0..255 scale
    _, given = plt.subplots(1, 3)
    axes = plot_images(images, axes=given)
    assert axes[0].images[0].get_array().max() <= 1.0
    assert axes[0].get_title() == ""
    assert not axes[2].axison


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((2, 4, 4, 2))}, r"`images` must have shape \(N, H, W\)"),
        ({"images": np.zeros((0, 4, 4))}, r"`images` must hold at least one image"),
        ({"labels": [0, 1]}, r"`labels` must have one entry per sample \(3\). Got 2 instead."),
        ({"predictions": [0]}, r"`predictions` must have one entry per sample \(3\). Got 1"),
        ({"labels": [0, 1, 5]}, r"`class_names` must have a name for every class id"),
        ({"ncols": 0}, r"`ncols` must be an integer >= 1. Got 0 instead."),
        ({"axes": "few"}, r"`axes` must hold at least 3 Axes, one per image. Got 1 instead."),
    ],
)
def test_images_invalid_arguments(kwargs, message):
    arguments = {"images": np.zeros((3, 4, 4)), "labels": [0, 1, 2], "class_names": NAMES} | kwargs
    with pytest.raises(ValueError, match=message):
        plot_images(**arguments)


PROBABILITIES = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])


def test_image_probabilities_pairs_of_image_and_bars():
    axes = plot_image_probabilities(np.zeros((2, 5, 5)), PROBABILITIES, [0, 1], NAMES, ncols=1)
    assert len(axes) == 4  # one (image, bars) pair per row
    image_ax, bars_ax = axes[0], axes[1]
    assert len(image_ax.images) == 1 and not bars_ax.images
    assert image_ax.get_title() == "✓ zero 70% (zero)" and image_ax.title.get_color() == RIGHT["color"]
    np.testing.assert_allclose([bar.get_height() for bar in bars_ax.patches], PROBABILITIES[0])
    assert [t.get_text() for t in bars_ax.get_xticklabels()] == NAMES
    assert bars_ax.get_ylim() == (0, 1)
    # image 1: predicted "two" (wrong: vermillion and hatched), true "one" (blue)
    assert axes[2].get_title() == "✗ two 60% (one)" and axes[2].title.get_color() == WRONG["color"]
    bars = axes[3].patches
    from matplotlib.colors import to_rgba
    assert bars[2].get_facecolor() == to_rgba(WRONG["color"]) and bars[2].get_hatch() == WRONG["hatch"]
    assert bars[1].get_facecolor() == to_rgba(RIGHT["color"]) and not bars[1].get_hatch()
    assert bars[0].get_facecolor() == to_rgba("0.75")
    assert description(axes[0]).endswith("zero 70% (right); two 60% (wrong, true class one 30%).")


def test_image_probabilities_without_labels_turns_off_spare_axes():
    _, given = plt.subplots(1, 6)
    axes = plot_image_probabilities(np.zeros((2, 5, 5)), PROBABILITIES, axes=given)
    assert axes[0].get_title() == "0 70%"
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["0", "1", "2"]
    assert not axes[4].axison and not axes[5].axison


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"probabilities": PROBABILITIES[0]}, r"`probabilities` must have shape \(2, k\)"),
        ({"probabilities": PROBABILITIES[:1]}, r"`probabilities` must have shape \(2, k\)"),
        ({"class_names": ["a", "b"]}, r"`class_names` must hold 3 names"),
        ({"labels": [0, 3]}, r"`class_names` must have a name for every class id"),
        ({"labels": [0]}, r"`labels` must have one entry per sample \(2\)"),
        ({"axes": "few"}, r"`axes` must hold at least 4 Axes, two per image. Got 1 instead."),
    ],
)
def test_image_probabilities_invalid_arguments(kwargs, message):
    arguments = {"images": np.zeros((2, 4, 4)), "probabilities": PROBABILITIES,
                 "labels": [0, 1], "class_names": NAMES} | kwargs
    with pytest.raises(ValueError, match=message):
        plot_image_probabilities(**arguments)
