"""plot_linear_boundary and its compute step, line_points."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection

from coursework.plotting import plot_linear_boundary
from coursework.plotting.linear import line_points
from tests.plotting.conftest import legend_texts


def _scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_line_points_solve_the_equation():
    xs, ys = line_points([2.0, -1.0], 0.5, (0.0, 3.0))
    np.testing.assert_allclose(2 * xs - ys + 0.5, 0.0, atol=1e-12)
    xs, ys = line_points([2.0, 0.0], -4.0, (-1.0, 1.0))  # vertical: span is the y-range
    np.testing.assert_array_equal(xs, [2.0, 2.0])
    np.testing.assert_array_equal(ys, [-1.0, 1.0])


def test_linear_boundary_points_lie_on_the_line(ax):
    returned = plot_linear_boundary(np.array([1.0, 1.0]), -1.0, ax=ax, xlim=(-3, 4))
    assert returned is ax
    assert len(ax.lines) == 1
    xy = ax.lines[0].get_xydata()
    np.testing.assert_allclose(xy[:, 0] + xy[:, 1] - 1.0, 0.0, atol=1e-9)
    np.testing.assert_allclose(xy[:, 0], [-3, 4])


def test_linear_boundary_accepts_keras_shapes(ax):
    # kernel (2, 1) and bias (1,), as Dense(1).get_weights() returns them
    plot_linear_boundary(np.array([[2.0], [-1.0]]), np.array([0.5]), ax=ax, xlim=(0, 1))
    xy = ax.lines[0].get_xydata()
    np.testing.assert_allclose(2 * xy[:, 0] - xy[:, 1] + 0.5, 0.0, atol=1e-9)


def test_linear_boundary_vertical_line(ax, blobs):
    X, _ = blobs
    plot_linear_boundary([2.0, 0.0], -4.0, X, ax=ax)
    line = ax.lines[-1]
    np.testing.assert_array_equal(line.get_xdata(), [2.0, 2.0])
    lo, hi = line.get_ydata()
    assert lo < X[:, 1].min() and hi > X[:, 1].max()


def test_linear_boundary_zero_weights_raise(ax):
    with pytest.raises(ValueError, match="`w` must not be all zeros"):
        plot_linear_boundary([0.0, 0.0], 1.0, ax=ax)
    assert not ax.lines


@pytest.mark.parametrize(
    ("w", "b", "kwargs", "message"),
    [
        ([1.0, 2.0, 3.0], 0.0, {}, r"`w` must have shape \(2,\) or \(2, 1\). Got shape \(3,\)"),
        ([1.0, 2.0], [1.0, 2.0], {}, r"`b` must be a scalar or have shape \(1,\)"),
        ([1.0, np.nan], 0.0, {}, "`w` and `b` must be finite"),
        ([1.0, 1.0], 0.0, {"xlim": (2, 1)}, r"`xlim` must be increasing"),
        ([1.0, 1.0], 0.0, {"xlim": 3}, r"`xlim` must be a pair"),
    ],
)
def test_linear_boundary_bad_parameters(ax, w, b, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_linear_boundary(w, b, ax=ax, **kwargs)
    assert not ax.lines


def test_linear_boundary_several_epochs_on_one_axes(ax, blobs):
    X, y = blobs
    plot_linear_boundary([1.0, 0.0], -1.0, X, y, ax=ax, label="epoch 0")
    view = (ax.get_xlim(), ax.get_ylim())
    for epoch, (w, b) in enumerate([([1.0, 0.5], -1.0), ([1.0, 0.1], -1.0)], start=1):
        plot_linear_boundary(w, b, ax=ax, label=f"epoch {epoch}")
    assert len(ax.lines) == 3  # one line per call
    assert len(_scatters(ax)) == 2  # the points were drawn once, one scatter per class
    assert legend_texts(ax) == ["-1", "1", "epoch 0", "epoch 1", "epoch 2"]
    assert (ax.get_xlim(), ax.get_ylim()) == view  # later lines do not zoom out
    assert ax.get_xlabel() == "x1" and ax.get_ylabel() == "x2"
    for line, (w, b) in zip(ax.lines[1:], [([1.0, 0.5], -1.0), ([1.0, 0.1], -1.0)]):
        xy = line.get_xydata()
        np.testing.assert_allclose(xy @ np.array(w) + b, 0.0, atol=1e-9)


def test_linear_boundary_y_without_x_raises(ax):
    with pytest.raises(ValueError, match="`y` needs `X`"):
        plot_linear_boundary([1.0, 1.0], 0.0, y=[1, -1], ax=ax)


def test_linear_boundary_creates_a_figure_when_ax_is_none():
    n_before = len(plt.get_fignums())
    ax = plot_linear_boundary([1.0, 1.0], -1.0)
    assert len(plt.get_fignums()) == n_before + 1
    assert len(ax.lines) == 1
