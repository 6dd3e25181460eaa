"""Tests of coursework.plotting: what is drawn, checked on the artists."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection, QuadMesh  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from coursework import plotting  # noqa: E402
from coursework.plotting import (  # noqa: E402
    most_confused_pair,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_images,
    plot_linear_boundary,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    _, ax = plt.subplots()
    return ax


@pytest.fixture
def blobs():
    """40 points in [-2, 3] x [-2, 2] labelled ±1 by the side of x1 = 1."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(-2, 3, 40), rng.uniform(-2, 2, 40)])
    y = np.where(X[:, 0] > 1, 1, -1)
    return X, y


def _legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def _scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_all_is_explicit():
    assert sorted(plotting.__all__) == [
        "most_confused_pair",
        "plot_confusion_matrix",
        "plot_decision_boundary",
        "plot_history",
        "plot_images",
        "plot_linear_boundary",
    ]


# --------------------------------------------------------------------------
# plot_linear_boundary
# --------------------------------------------------------------------------
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
    ("w", "b", "message"),
    [
        ([1.0, 2.0, 3.0], 0.0, r"`w` must have shape \(2,\) or \(2, 1\). Got shape \(3,\)"),
        ([1.0, 2.0], [1.0, 2.0], r"`b` must be a scalar or have shape \(1,\)"),
        ([1.0, np.nan], 0.0, "`w` and `b` must be finite"),
    ],
)
def test_linear_boundary_bad_parameters(ax, w, b, message):
    with pytest.raises(ValueError, match=message):
        plot_linear_boundary(w, b, ax=ax)


def test_linear_boundary_several_epochs_on_one_axes(ax, blobs):
    X, y = blobs
    plot_linear_boundary([1.0, 0.0], -1.0, X, y, ax=ax, label="epoch 0")
    view = (ax.get_xlim(), ax.get_ylim())
    for epoch, (w, b) in enumerate([([1.0, 0.5], -1.0), ([1.0, 0.1], -1.0)], start=1):
        plot_linear_boundary(w, b, ax=ax, label=f"epoch {epoch}")
    assert len(ax.lines) == 3  # one line per call
    assert len(_scatters(ax)) == 2  # the points were drawn once, one scatter per class
    assert _legend_texts(ax) == ["-1", "1", "epoch 0", "epoch 1", "epoch 2"]
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


# --------------------------------------------------------------------------
# plot_decision_boundary
# --------------------------------------------------------------------------
def test_decision_boundary_binary_threshold_contour(ax, blobs):
    X, y = blobs
    returned = plot_decision_boundary(lambda g: g[:, 0] - 1.0, X, y, threshold=0.0, ax=ax)
    assert returned is ax
    regions, boundary = _contour_sets(ax)  # filled regions, then the threshold line
    assert list(boundary.levels) == [0.0]
    vertices = np.concatenate([path.vertices for path in boundary.get_paths()])
    assert len(vertices) > 10
    np.testing.assert_allclose(vertices[:, 0], 1.0, atol=1e-9)
    assert list(regions.levels) == [-0.5, 0.5, 1.5]
    assert len(_scatters(ax)) == 2
    assert _legend_texts(ax) == ["-1", "1", "score = 0"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
    # the grid covers X plus eps = 1
    np.testing.assert_allclose(ax.get_xlim(), (X[:, 0].min() - 1, X[:, 0].max() + 1))
    np.testing.assert_allclose(ax.get_ylim(), (X[:, 1].min() - 1, X[:, 1].max() + 1))


def test_decision_boundary_regions_change_at_threshold(ax, blobs):
    X, y = blobs
    plot_decision_boundary(
        lambda g: g[:, 0] - 1.0, X, y, threshold=0.0, ax=ax,
        plot_method="pcolormesh", grid_resolution=51,
    )
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    region = np.asarray(mesh.get_array()).reshape(51, 51)
    x0 = np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, 51)
    expected = (x0 > 1.0).astype(int)
    np.testing.assert_array_equal(region, np.broadcast_to(expected, (51, 51)))


def test_decision_boundary_sigmoid_threshold_and_zero_one_labels(ax, blobs):
    X, y = blobs
    y01 = (y > 0).astype(int)

    def sigmoid_model(grid):  # column output, like Dense(1, "sigmoid")
        return 1 / (1 + np.exp(-(grid[:, :1] - 1.0)))

    plot_decision_boundary(sigmoid_model, X, y01, ax=ax, class_names=["no", "yes"])
    boundary = _contour_sets(ax)[1]
    vertices = np.concatenate([p.vertices for p in boundary.get_paths()])
    np.testing.assert_allclose(vertices[:, 0], 1.0, atol=1e-6)
    assert _legend_texts(ax) == ["no", "yes", "score = 0.5"]


def test_decision_boundary_softmax_three_classes(ax):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    y = rng.integers(0, 3, size=30)

    def softmax_model(grid):
        logits = np.column_stack([grid[:, 0], grid[:, 1], -grid[:, 0] - grid[:, 1]])
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    plot_decision_boundary(softmax_model, X, y, ax=ax, plot_method="pcolormesh",
                           class_names=["a", "b", "c"])
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert sorted(np.unique(mesh.get_array())) == [0, 1, 2]
    assert len(_contour_sets(ax)) == 0  # no threshold line for argmax regions
    assert _legend_texts(ax) == ["a", "b", "c"]
    colours = {tuple(s.get_facecolor()[0]) for s in _scatters(ax)}
    assert len(colours) == 3


def test_decision_boundary_without_labels_shows_region_legend(ax, blobs):
    X, _ = blobs
    plot_decision_boundary(lambda g: np.column_stack([g[:, 0], -g[:, 0]]), X, ax=ax)
    assert len(_scatters(ax)) == 1
    assert _legend_texts(ax) == ["0", "1"]


class _FakeKerasModel:
    """Records how predict is called."""

    def __init__(self):
        self.calls = []

    def predict(self, x, verbose="auto", batch_size=None):
        self.calls.append((x.shape, verbose, batch_size))
        return np.tanh(x[:, :1] + x[:, 1:])


def test_decision_boundary_predicts_the_grid_in_one_call(ax, blobs):
    X, y = blobs
    model = _FakeKerasModel()
    plot_decision_boundary(model, X, y, threshold=0.0, grid_resolution=30, ax=ax)
    assert model.calls == [((900, 2), 0, 900)]


def test_decision_boundary_with_a_keras_model(ax, blobs):
    keras = pytest.importorskip("keras")
    X, _ = blobs
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    plot_decision_boundary(model, X, [0, 1, 2, 0] * 10, ax=ax, grid_resolution=20)
    assert len(_scatters(ax)) == 3


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
    ],
)
def test_decision_boundary_invalid_arguments(ax, blobs, kwargs, message):
    X, y = blobs
    arguments = {"X": X, "y": y, "threshold": 0.0, "ax": ax} | kwargs
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(lambda g: g[:, 0], **arguments)
    assert not ax.collections  # validation happens before drawing


def test_decision_boundary_model_output_rows_must_match_grid(ax, blobs):
    X, y = blobs
    with pytest.raises(ValueError, match=r"`model` must return one row of scores per grid point"):
        plot_decision_boundary(lambda g: g[:10, 0], X, y, threshold=0.0, ax=ax, grid_resolution=5)


def test_decision_boundary_labels_must_match_output_columns(ax, blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match=r"`y` must hold labels in \[0, 1\]"):
        plot_decision_boundary(lambda g: np.column_stack([g[:, 0], -g[:, 0]]), X,
                               np.arange(40) % 3, ax=ax)


def test_decision_boundary_rejects_non_models(ax, blobs):
    X, y = blobs
    with pytest.raises(TypeError, match="`model` must have a `predict"):
        plot_decision_boundary(42, X, y, ax=ax)


# --------------------------------------------------------------------------
# plot_history
# --------------------------------------------------------------------------
HISTORY = {
    "loss": [0.9, 0.6, 0.4],
    "val_loss": [1.0, 0.7, 0.6],
    "accuracy": [0.5, 0.7, 0.8],
    "val_accuracy": [0.4, 0.6, 0.7],
}


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
        assert _legend_texts(ax) == ["training", "validation"]


def test_history_accepts_a_history_object_and_skips_missing_default_metrics():
    class History:  # what model.fit returns, minus Keras
        history = {"loss": [3.0, 2.0]}

    axes = plot_history(History())
    assert axes.shape == (1,)
    assert len(axes[0].lines) == 1
    assert _legend_texts(axes[0]) == ["training"]


def test_history_on_given_axes():
    _, given = plt.subplots(1, 2)
    axes = plot_history(HISTORY, metrics=["accuracy", "loss"], axes=given)
    assert list(axes) == list(given)
    assert [ax.get_title() for ax in given] == ["accuracy", "loss"]
    n_figures = len(plt.get_fignums())
    plot_history(HISTORY, metrics="loss", axes=given[1])
    assert len(plt.get_fignums()) == n_figures


def test_history_unknown_metric_lists_available_keys():
    with pytest.raises(ValueError, match=r"unknown \['mae'\]; available: \['accuracy', 'loss'\]"):
        plot_history(HISTORY, metrics=("loss", "mae"))


def test_history_axes_count_must_match():
    _, given = plt.subplots(1, 3)
    with pytest.raises(ValueError, match=r"`axes` must hold 2 Axes, one per metric .* Got 3 instead."):
        plot_history(HISTORY, axes=given)


def test_history_without_default_metrics_raises():
    with pytest.raises(ValueError, match=r"none of the default metrics.*\['mae'\]"):
        plot_history({"mae": [1.0]})


# --------------------------------------------------------------------------
# plot_images
# --------------------------------------------------------------------------
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
    assert titles == ["zero (zero)", "two (one)", "two (two)", "one (two)", "zero (zero)"]
    wrong = [ax.title.get_color() == "red" for ax in axes]
    assert wrong == [False, True, False, True, False]
    assert all(ax.title.get_color() == "green" for ax, w in zip(axes, wrong) if not w)


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
        ({"labels": [0, 1]}, r"`labels` must have one entry per sample \(3\). Got 2 instead."),
        ({"predictions": [0]}, r"`predictions` must have one entry per sample \(3\). Got 1"),
        ({"labels": [0, 1, 5]}, r"`class_names` must have a name for every class id"),
        ({"ncols": 0}, r"`ncols` must be an integer >= 1. Got 0 instead."),
        ({"axes": "few"}, r"`axes` must hold at least one Axes per image \(3\). Got 1 instead."),
    ],
)
def test_images_invalid_arguments(kwargs, message):
    arguments = {"images": np.zeros((3, 4, 4)), "labels": [0, 1, 2], "class_names": NAMES} | kwargs
    with pytest.raises(ValueError, match=message):
        plot_images(**arguments)


# --------------------------------------------------------------------------
# confusion matrix
# --------------------------------------------------------------------------
def test_confusion_matrix_on_given_axes(ax):
    y_true = [0, 0, 1, 1, 2, 2]
    y_pred = np.eye(3)[[0, 1, 1, 0, 2, 0]]  # one-hot rows are argmaxed
    returned = plot_confusion_matrix(y_true, y_pred, class_names=NAMES, ax=ax)
    assert returned is ax
    (image,) = ax.images
    np.testing.assert_array_equal(image.get_array(), [[1, 1, 0], [1, 1, 0], [1, 0, 1]])
    assert [t.get_text() for t in ax.get_xticklabels()] == NAMES
    assert all(t.get_rotation() == 45 for t in ax.get_xticklabels())
    assert ax.get_xlabel() == "Predicted label" and ax.get_ylabel() == "True label"


def test_confusion_matrix_keeps_absent_classes_and_normalizes():
    ax = plot_confusion_matrix([0, 0, 1], [0, 1, 1], class_names=NAMES, normalize="true")
    # class "two" never occurs: its row is shown, as zeros (scikit-learn's choice)
    np.testing.assert_allclose(
        ax.images[0].get_array(), [[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES


def test_confusion_matrix_invalid_arguments(ax):
    with pytest.raises(ValueError, match=r"`y_pred` must have one entry per sample \(3\)"):
        plot_confusion_matrix([0, 1, 2], [0, 1], ax=ax)
    with pytest.raises(ValueError, match=r"`normalize` must be one of \[None, 'true'"):
        plot_confusion_matrix([0, 1], [0, 1], normalize="rows", ax=ax)


def test_most_confused_pair_exact():
    cm = np.array([[50, 2, 7], [1, 40, 3], [9, 0, 30]])
    assert most_confused_pair(cm) == (2, 0, 9)
    assert most_confused_pair(cm, class_names=NAMES) == ("two", "zero", 9)
    # the diagonal never counts, even when it is the largest; ties go row-major
    assert most_confused_pair([[0, 4], [4, 100]]) == (0, 1, 4)
    true, predicted, count = most_confused_pair(np.array([[0.9, 0.1], [0.3, 0.7]]))
    assert (true, predicted) == (1, 0) and count == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("cm", "names", "message"),
    [
        (np.zeros((2, 3)), None, r"`cm` must be a square matrix .* Got shape \(2, 3\)"),
        (np.zeros((1, 1)), None, r"`cm` must be a square matrix .* k >= 2"),
        (np.zeros((2, 2)), ["a"], r"`class_names` must be a sequence of 2 names"),
    ],
)
def test_most_confused_pair_invalid(cm, names, message):
    with pytest.raises(ValueError, match=message):
        most_confused_pair(cm, names)
