"""Text alternatives: every helper describes what it drew, with the numbers of
its data; describe() gives a notebook's own figure one; in a kernel the
displayed figure carries it as the image's alt; no meaning by colour alone."""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursework.plotting import (
    describe,
    description,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_linear_boundary,
)
from coursework.plotting.alt import describe_axes
from coursework.plotting.palette import OKABE_ITO
from tests.conftest import REPO_ROOT

VAL = [0.5, 0.4, 0.35, 0.28, 0.3, 0.45, 0.61]


def test_history_says_where_validation_is_lowest_and_differs_by_style():
    axes = plot_history({"loss": [0.9, 0.6, 0.4, 0.3, 0.25, 0.2, 0.18], "val_loss": VAL})
    assert description(axes[0]) == (
        "loss per epoch: training falling from 0.9 at epoch 1 to 0.18 at epoch 7; "
        "validation lowest at epoch 4 (0.28), then rising to 0.61 at epoch 7 (from 0.5 at epoch 1)."
    )
    training, validation = axes[0].lines
    assert (training.get_linestyle(), training.get_marker()) != (validation.get_linestyle(), validation.get_marker())
    assert {training.get_color(), validation.get_color()} <= set(OKABE_ITO)


def test_panels_of_a_grid_are_named_by_place_and_title():
    fig, axes = plt.subplots(2, 2)
    for i, ax in enumerate(axes.ravel()):
        describe_axes(ax, f"text {i}.")
    axes[1, 1].set_title("last\naccuracy 0.9")
    assert description(fig) == ('4 panels. Panel 1 (top left): text 0. Panel 2 (top right): text 1. '
                                'Panel 3 (bottom left): text 2. Panel 4 (bottom right), "last, accuracy 0.9": text 3.')
    plt.close(fig)


def test_figure_of_several_panels_joins_their_descriptions():
    fig, axes = plt.subplots(1, 2)
    plot_history({"loss": [1.0, 0.5]}, metrics="loss", axes=[axes[0]])
    plot_linear_boundary([1.0, 1.0], -1.0, [[0, 0], [2, 2]], [-1, 1], ax=axes[1], label="start")
    plot_linear_boundary([1.0, 2.0], -1.0, ax=axes[1], label="epoch 10")
    assert description(fig) == (  # each panel named by its place and title (issue 20)
        '2 panels. Panel 1 (left), "loss": loss per epoch: training falling from 1 at epoch 1 to 0.5 at epoch 2. '
        "Panel 2 (right): 2 points (1 of class -1, 1 of class 1), each class with its own marker; 2 decision boundary "
        "lines w·x + b = 0: start: x2 = -1 x1 + 1; epoch 10: x2 = -0.5 x1 + 0.5."
    )
    markers = {c.get_paths()[0].vertices.shape for c in axes[1].collections}
    assert len(markers) == 2, "the two classes must differ by marker, not only by colour"


def test_decision_regions_count_the_points_in_their_region(blobs):
    X, y = blobs
    ax = plot_decision_boundary(lambda g: g[:, 0] - 1, X, y, threshold=0.0)
    text = description(ax)
    assert text.startswith("Decision regions over x1 from ")
    assert "class -1 covers" in text and "a black line where the score equals 0" in text
    assert f"; {len(X)} points ({np.sum(y == -1)} of class -1, {np.sum(y == 1)} of class 1)" in text
    assert text.endswith("100% of them inside their class's region.")


def test_confusion_matrix_names_the_worst_mistake():
    ax = plot_confusion_matrix([0, 1, 2, 2, 1, 0, 2], [0, 1, 1, 2, 1, 2, 2], class_names=["a", "b", "c"])
    assert description(ax) == (
        "Confusion matrix of 7 predictions over 3 classes (rows: true class, columns: predicted class): "
        "71.4% on the diagonal; best recognised b (100% right), worst a (50% right); most frequent "
        "mistake: a predicted as c (1 times)."
    )


def test_describe_overrides_and_checks_its_input():
    fig, ax = plt.subplots()
    assert description(fig, computed=False) is None, "no author gave a notebook's own figure a text yet"
    assert description(fig) == "A plot with nothing drawn on it.", "but it has the computed one"
    plot_history({"loss": [1.0, 0.5]}, metrics="loss", axes=[ax])
    assert describe(ax, "  my own\nwords ") is None  # a cell may end with it: no second display
    assert description(fig) == "my own words"
    with pytest.raises(ValueError, match="non-empty string"):
        describe(fig, " ")
    with pytest.raises(TypeError, match="must be a matplotlib Figure or Axes"):
        describe("fig", "text")


def test_a_kernel_shows_the_text_as_the_images_alt():
    """IPython's own display machinery, with matplotlib's inline support set up
    after the package was imported (the hook must survive it)."""
    code = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
import coursework.plotting as p
import matplotlib.pyplot as plt
from matplotlib_inline.backend_inline import configure_inline_support
configure_inline_support(shell, "inline")  # re-registers the PNG formatter, as %matplotlib inline does
fig, ax = plt.subplots()
ax.plot([0, 1], [2, 3], label="y")
data, md = shell.display_formatter.format(fig)  # the text computed from what is drawn
print(md["image/png"]["alt"], "|", data["text/plain"], "|", sorted(data))
p.describe(fig, "a described figure")
data, md = shell.display_formatter.format(fig)
print(md["image/png"]["alt"], "|", data["text/plain"], "|", sorted(data))
"""
    env = {**os.environ, "COURSEWORK_CAPTIONS": "1"}  # and a printed caption, for JupyterLab's screen readers
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    computed = 'A plot: line "y" rising from 2 at x = 0 to 3 at x = 1.'
    assert done.stdout.splitlines() == [f"Figure: {computed}", f"{computed} | {computed} | ['image/png', 'text/plain']",
                                        "Figure: a described figure",
                                        "a described figure | a described figure | ['image/png', 'text/plain']"]


def test_import_coursework_alone_installs_the_hook_without_matplotlib():
    """A notebook that never imports coursework.plotting still shows every
    figure with a text; ``import coursework`` stays light (no matplotlib)."""
    code = """
import sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
import coursework
assert "matplotlib" not in sys.modules and "coursework.plotting" not in sys.modules
import matplotlib.pyplot as plt
from matplotlib_inline.backend_inline import configure_inline_support
configure_inline_support(shell, "inline")
fig, ax = plt.subplots()
ax.set_title("empty")
data, md = shell.display_formatter.format(fig)
assert "image/png" in data
print(md["image/png"]["alt"])
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ['"empty" with nothing drawn on it.']
