"""Tests of coursework.callbacks on tiny Keras models (a few tenths of a second each)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

from coursework import callbacks  # noqa: E402
from coursework.callbacks import HEADLESS_ENV, LivePlot, ParameterHistory, is_headless  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2)).astype("float32")
    y = (x[:, :1] + x[:, 1:] > 0).astype("float32")
    return x, y


def _linear_model(*, metrics=()):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                  metrics=list(metrics))
    return model


# --------------------------------------------------------------------------
# ParameterHistory
# --------------------------------------------------------------------------
def test_parameter_history_records_start_and_every_epoch(data):
    x, y = data
    model = _linear_model()
    initial = [w.copy() for w in model.get_weights()]
    params = ParameterHistory()
    model.fit(x, y, epochs=3, batch_size=16, callbacks=[params], verbose=0)

    assert len(params.weights) == 4
    for recorded, expected in zip(params.weights[0], initial):
        np.testing.assert_array_equal(recorded, expected)
    for recorded, expected in zip(params.weights[-1], model.get_weights()):
        np.testing.assert_array_equal(recorded, expected)
    # copies, not views: the snapshots differ from epoch to epoch
    assert not np.array_equal(params.weights[0][0], params.weights[1][0])
    assert all(isinstance(w, np.ndarray) for snapshot in params.weights for w in snapshot)


@pytest.mark.parametrize("layer", [0, -1, "dense_layer", "object"])
def test_parameter_history_single_dense_layer_gives_w_and_b(data, layer):
    x, y = data
    model = _linear_model()
    dense = model.layers[0]
    if layer == "dense_layer":
        layer = dense.name
    elif layer == "object":
        layer = dense
    params = ParameterHistory(layer=layer)
    model.fit(x, y, epochs=2, batch_size=32, callbacks=[params], verbose=0)
    assert len(params.weights) == 3
    for w, b in params.weights:
        assert w.shape == (2, 1) and b.shape == (1,)
    np.testing.assert_array_equal(params.weights[-1][0], dense.get_weights()[0])


def test_parameter_history_continues_over_several_fits(data):
    x, y = data
    model = _linear_model()
    params = ParameterHistory(layer=0)
    model.fit(x, y, epochs=2, batch_size=32, callbacks=[params], verbose=0)
    model.fit(x, y, epochs=1, batch_size=32, callbacks=[params], verbose=0)
    assert len(params.weights) == 4


def test_parameter_history_invalid_layer(data):
    x, y = data
    with pytest.raises(ValueError, match="`layer` must be a Keras layer"):
        ParameterHistory(layer=1.5)
    model = _linear_model()
    with pytest.raises(ValueError, match=r"`layer` must be an index into `model.layers` \(0..0\). Got 3"):
        model.fit(x, y, epochs=1, callbacks=[ParameterHistory(layer=3)], verbose=0)
    with pytest.raises(ValueError, match="`layer` must name a layer of the model"):
        model.fit(x, y, epochs=1, callbacks=[ParameterHistory(layer="nope")], verbose=0)


# --------------------------------------------------------------------------
# Headless detection
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("env", "kernel", "backend", "expected"),
    [
        ("1", True, "module://matplotlib_inline.backend_inline", True),
        ("", False, "qtagg", True),  # plain python / terminal: nothing to update in place
        ("", True, "module://matplotlib_inline.backend_inline", False),  # Jupyter, Colab
        ("", True, "agg", True),  # MPLBACKEND=Agg in a kernel
        ("0", True, "agg", False),  # forced live
        ("0", False, "agg", True),  # no kernel: still nowhere to draw
    ],
)
def test_is_headless_rule(monkeypatch, env, kernel, backend, expected):
    monkeypatch.setenv(HEADLESS_ENV, env)
    monkeypatch.setattr(callbacks, "_in_ipython_kernel", lambda: kernel)
    monkeypatch.setattr(matplotlib, "get_backend", lambda: backend)
    assert is_headless() is expected


def test_no_kernel_under_pytest(monkeypatch):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    assert callbacks._in_ipython_kernel() is False
    assert is_headless() is True


# --------------------------------------------------------------------------
# LivePlot
# --------------------------------------------------------------------------
def _kind(obj) -> str:
    from IPython.display import Image

    return "Image" if isinstance(obj, Image) else type(obj).__name__


class _Handle:
    def __init__(self, log):
        self.log = log

    def update(self, obj):
        self.log.append(("update", _kind(obj)))


@pytest.fixture
def display_log(monkeypatch):
    """Replace IPython's display with a recorder."""
    pytest.importorskip("IPython")
    log = []

    def fake_display(obj, *, update=None):
        if update is not None:
            update.update(obj)
            return update
        log.append(("display", _kind(obj)))
        return _Handle(log)

    monkeypatch.setattr(callbacks, "_display", fake_display)
    return log


def test_liveplot_headless_fit_draws_nothing_during_training(data, monkeypatch, display_log):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)  # under pytest: no kernel, Agg
    x, y = data
    live = LivePlot()
    drawn = []
    monkeypatch.setattr(live, "_draw", lambda: drawn.append(live._n_epochs()) or LivePlot._draw(live))
    model = _linear_model(metrics=["accuracy"])
    model.fit(x, y, epochs=3, batch_size=16, validation_data=(x, y),
              callbacks=[live], verbose=0)

    assert drawn == [3]  # once, at the end of training
    assert display_log == []  # no kernel: nothing shown
    assert len(plt.get_fignums()) <= 1
    assert plt.get_fignums() == []  # the figure is not a pyplot figure
    axes = live.figure.axes
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    for ax in axes:
        assert len(ax.lines) == 2
        np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), live.history["loss"])
    assert set(live.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_liveplot_live_updates_one_output(data, monkeypatch, display_log):
    monkeypatch.setattr(callbacks, "is_headless", lambda: False)
    x, y = data
    live = LivePlot(metrics="loss")
    _linear_model().fit(x, y, epochs=3, batch_size=32, callbacks=[live], verbose=0)
    assert display_log == [("display", "Image"), ("update", "Image"), ("update", "Image")]
    assert plt.get_fignums() == []
    (ax,) = live.figure.axes
    assert len(ax.lines) == 1  # redrawn in place, not stacked
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])


def test_liveplot_every_and_final_draw(data, monkeypatch, display_log):
    monkeypatch.setattr(callbacks, "is_headless", lambda: False)
    x, y = data
    live = LivePlot(every=2)
    _linear_model().fit(x, y, epochs=3, batch_size=32, callbacks=[live], verbose=0)
    # epoch 2, then the last epoch at the end of training
    assert display_log == [("display", "Image"), ("update", "Image")]
    np.testing.assert_array_equal(live.figure.axes[0].lines[0].get_xdata(), [1, 2, 3])


def test_liveplot_headless_in_a_kernel_shows_the_final_figure_once(data, monkeypatch, display_log):
    monkeypatch.setenv(HEADLESS_ENV, "1")
    monkeypatch.setattr(callbacks, "_in_ipython_kernel", lambda: True)
    x, y = data
    live = LivePlot()
    _linear_model().fit(x, y, epochs=3, batch_size=32, callbacks=[live], verbose=0)
    assert display_log == [("display", "Image")]


def test_liveplot_image_reads_as_its_description_in_plain_text(data, monkeypatch, display_log):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    x, y = data
    live = LivePlot()
    _linear_model().fit(x, y, epochs=2, batch_size=32, callbacks=[live], verbose=0)
    image = live._png()
    assert image.metadata["alt"] and repr(image) == image.metadata["alt"]  # not "<IPython...Image object>"
    assert "loss" in repr(image)


def test_liveplot_title_names_the_model(data, monkeypatch, display_log):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    x, y = data
    live = LivePlot(title="linear model")
    _linear_model().fit(x, y, epochs=2, batch_size=32, callbacks=[live], verbose=0)
    assert [t.get_text() for t in live.figure.texts] == ["linear model"]  # the suptitle
    assert LivePlot().title is None


def test_liveplot_unknown_metric_raises(data, monkeypatch):
    monkeypatch.delenv(HEADLESS_ENV, raising=False)
    x, y = data
    with pytest.raises(ValueError, match=r"unknown \['mae'\]; available: \['loss'\]"):
        _linear_model().fit(x, y, epochs=1, callbacks=[LivePlot(metrics=["mae"])], verbose=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every": 0}, r"`every` must be an integer >= 1. Got 0 instead."),
        ({"metrics": []}, r"`metrics` must be a metric name or a non-empty sequence"),
        ({"title": 3}, r"`title` must be a string or None. Got 3 instead."),
    ],
)
def test_liveplot_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LivePlot(**kwargs)
