"""Decision regions: the compute step (DecisionRegions.from_model), the draw
step (.plot) and plot_decision_boundary, which chains them.

Artists are read from what ``.plot`` keeps (``surface_``, ``boundary_``,
``points_``), never searched for in ``ax.collections``: matplotlib < 3.8 stores
a contour set there as one collection per level, later versions as one artist.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import Collection, QuadMesh

from coursework.plotting import DecisionRegions, plot_decision_boundary
from tests.plotting.conftest import legend_texts


def contour_vertices(contour_set) -> np.ndarray:
    """All vertices of a contour set, on every matplotlib version we support."""
    if isinstance(contour_set, Collection):  # matplotlib >= 3.8
        paths = contour_set.get_paths()
    else:  # matplotlib 3.7: one PathCollection per level
        paths = [p for c in contour_set.collections for p in c.get_paths()]
    return np.concatenate([p.vertices for p in paths if len(p.vertices)])


def shift(g):
    return g[:, 0] - 1.0


def softmax_model(grid):
    logits = np.column_stack([grid[:, 0], grid[:, 1], -grid[:, 0] - grid[:, 1]])
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------
# compute
# --------------------------------------------------------------------------
def test_regions_change_at_the_threshold(blobs):
    X, y = blobs
    regions = DecisionRegions.from_model(shift, X, y, threshold=0.0, grid_resolution=51)
    x0 = np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, 51)
    np.testing.assert_array_equal(regions.xx0[0], x0)
    np.testing.assert_array_equal(regions.region, np.broadcast_to((x0 > 1.0).astype(int), (51, 51)))
    assert regions.binary and regions.classes.tolist() == [-1, 1]
    np.testing.assert_allclose(regions.scores, regions.xx0 - 1.0)


def test_regions_of_a_sigmoid_column_and_zero_one_labels(blobs):
    X, y = blobs
    regions = DecisionRegions.from_model(lambda g: 1 / (1 + np.exp(-(g[:, :1] - 1.0))), X,
                                         (y > 0).astype(int), grid_resolution=21)
    assert regions.classes.tolist() == [0, 1] and regions.threshold == 0.5
    np.testing.assert_array_equal(regions.region, (regions.xx0 > 1.0).astype(int))


def test_regions_of_a_softmax_are_the_argmax():
    X = np.random.default_rng(1).normal(size=(30, 2))
    regions = DecisionRegions.from_model(softmax_model, X, grid_resolution=30)
    assert not regions.binary and regions.scores is None
    grid = np.column_stack([regions.xx0.ravel(), regions.xx1.ravel()])
    np.testing.assert_array_equal(regions.region.ravel(), softmax_model(grid).argmax(axis=1))
    assert sorted(np.unique(regions.region)) == [0, 1, 2]


class _FakeKerasModel:
    """Records how predict is called."""

    def __init__(self):
        self.calls = []

    def predict(self, x, verbose="auto", batch_size=None):
        self.calls.append((x.shape, x.dtype, verbose, batch_size))
        return np.tanh(x[:, :1] + x[:, 1:])


def test_regions_predict_the_grid_in_one_call(blobs):
    X, y = blobs
    model = _FakeKerasModel()
    DecisionRegions.from_model(model, X, y, threshold=0.0, grid_resolution=30)
    assert model.calls == [((900, 2), np.float32, 0, 900)]


def test_regions_with_a_keras_model(blobs):
    keras = pytest.importorskip("keras")
    X, _ = blobs
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    regions = DecisionRegions.from_model(model, X, [0, 1, 2, 0] * 10, grid_resolution=20)
    assert regions.region.shape == (20, 20) and regions.classes.tolist() == [0, 1, 2]


def test_model_output_rows_must_match_grid(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match=r"`model` must return one row of scores per grid point"):
        DecisionRegions.from_model(lambda g: g[:10, 0], X, y, threshold=0.0, grid_resolution=5)


def test_labels_must_match_output_columns(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match=r"`y` must hold labels in \[0, 1\]"):
        DecisionRegions.from_model(lambda g: np.column_stack([g[:, 0], -g[:, 0]]), X,
                                   np.arange(40) % 3)


def test_rejects_non_models(blobs):
    X, y = blobs
    with pytest.raises(TypeError, match="`model` must have a `predict"):
        DecisionRegions.from_model(42, X, y)


# --------------------------------------------------------------------------
# draw
# --------------------------------------------------------------------------
def test_plot_draws_regions_threshold_line_and_points(ax, blobs):
    X, y = blobs
    regions = DecisionRegions.from_model(shift, X, y, threshold=0.0)
    assert regions.plot(X, y, ax=ax) is regions and regions.ax_ is ax
    assert list(regions.surface_.levels) == [-0.5, 0.5, 1.5]
    assert list(regions.boundary_.levels) == [0.0]
    vertices = contour_vertices(regions.boundary_)
    assert len(vertices) > 10
    np.testing.assert_allclose(vertices[:, 0], 1.0, atol=1e-9)
    assert len(regions.points_) == 2  # one scatter per class
    assert legend_texts(ax) == ["-1", "1", "score = 0"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
    # the grid covers X plus eps = 1
    np.testing.assert_allclose(ax.get_xlim(), (X[:, 0].min() - 1, X[:, 0].max() + 1))
    np.testing.assert_allclose(ax.get_ylim(), (X[:, 1].min() - 1, X[:, 1].max() + 1))


def test_plot_pcolormesh_shows_the_computed_regions(ax, blobs):
    X, y = blobs
    regions = DecisionRegions.from_model(shift, X, y, threshold=0.0, grid_resolution=51)
    regions.plot(X, y, ax=ax, plot_method="pcolormesh")
    assert isinstance(regions.surface_, QuadMesh)
    np.testing.assert_array_equal(np.asarray(regions.surface_.get_array()).reshape(51, 51),
                                  regions.region)


def test_plot_softmax_has_no_threshold_line(ax):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 2)), rng.integers(0, 3, size=30)
    regions = DecisionRegions.from_model(softmax_model, X, y).plot(
        X, y, ax=ax, class_names=["a", "b", "c"])
    assert regions.boundary_ is None
    assert legend_texts(ax) == ["a", "b", "c"]
    assert len({tuple(s.get_facecolor()[0]) for s in regions.points_}) == 3


def test_plot_without_labels_shows_region_legend(ax, blobs):
    X, _ = blobs
    regions = DecisionRegions.from_model(lambda g: np.column_stack([g[:, 0], -g[:, 0]]), X)
    regions.plot(X, ax=ax)
    assert len(regions.points_) == 1
    assert legend_texts(ax) == ["0", "1"]


def test_plot_without_points(ax, blobs):
    X, _ = blobs
    regions = DecisionRegions.from_model(shift, X, threshold=0.0).plot(ax=ax)
    assert regions.points_ == []
    assert legend_texts(ax) == ["0", "1", "score = 0"]


# --------------------------------------------------------------------------
# plot_decision_boundary: both steps in one call
# --------------------------------------------------------------------------
def test_plot_decision_boundary_returns_the_axes(ax, blobs):
    X, y = blobs
    assert plot_decision_boundary(shift, X, y, threshold=0.0, ax=ax) is ax
    assert legend_texts(ax) == ["-1", "1", "score = 0"]


def test_sigmoid_threshold_and_class_names(ax, blobs):
    X, y = blobs
    plot_decision_boundary(lambda g: 1 / (1 + np.exp(-(g[:, :1] - 1.0))), X, (y > 0).astype(int),
                           ax=ax, class_names=["no", "yes"])
    assert legend_texts(ax) == ["no", "yes", "score = 0.5"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"X": np.zeros((5, 3))}, r"`X` must be a 2-D array of shape \(n_samples, 2\).*Got shape \(5, 3\)"),
        ({"X": np.zeros(5)}, r"`X` must be a 2-D array.*Got shape \(5,\)"),
        ({"y": [1, -1]}, r"`y` must have one entry per sample \(40\). Got 2 instead."),
        ({"grid_resolution": 1}, r"`grid_resolution` must be an integer > 1. Got 1 instead."),
        ({"eps": -1.0}, r"`eps` must be a finite number >= 0.0. Got -1.0 instead."),
        ({"plot_method": "scatter"}, r"`plot_method` must be 'contourf' or 'pcolormesh'"),
        ({"class_names": ["only one"]}, r"`class_names` must be a sequence of 2 names"),
        ({"feature_names": ["a"]}, r"`feature_names` must be a sequence of 2 names"),
        ({"c": "red"}, r"`scatter_kwargs` must not contain \['c'\]"),
        ({"y": np.arange(40) % 3}, r"`y` must hold at most 2 classes"),
        ({"cmap": "no such map"}, r"`cmap` must be a matplotlib colormap"),
    ],
)
def test_invalid_arguments_raise_before_drawing(ax, blobs, kwargs, message):
    X, y = blobs
    arguments = {"X": X, "y": y, "threshold": 0.0, "ax": ax} | kwargs
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(lambda g: g[:, 0], **arguments)
    assert not ax.collections and not ax.images


def test_plot_validates_y_against_the_regions(ax, blobs):
    X, y = blobs
    regions = DecisionRegions.from_model(shift, X, y, threshold=0.0)
    with pytest.raises(ValueError, match=r"`y` must hold labels in \[-1, 1\]"):
        regions.plot(X, (y > 0).astype(int) * 2, ax=ax)
    with pytest.raises(ValueError, match="`y` needs `X`"):
        regions.plot(y=y, ax=ax)
    assert not ax.collections
