"""Figures used across the course notebooks.

Every function follows the same contract (scikit-learn's
``DecisionBoundaryDisplay`` is the model): it validates its arguments first,
draws only on the Axes it is given (``ax=None`` creates a new figure), passes
extra keyword arguments on to matplotlib, returns what it drew on, and never
touches global state (no ``plt.gca()``, no ``rcParams``).

==============================  ==========================================
Function                        Notebook
==============================  ==========================================
:func:`plot_linear_boundary`    01 (linear classifier, boundary per epoch)
:func:`plot_decision_boundary`  01 and 02 (any 2-feature model)
:func:`plot_history`            every notebook that calls ``fit``
:func:`plot_images`             03 and later (image classification)
:func:`plot_confusion_matrix`   03 and later (which classes get mixed up)
==============================  ==========================================

``import coursework.plotting`` imports neither Keras nor ``matplotlib.pyplot``;
pyplot is imported only when a function has to create a figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.colors import BoundaryNorm, Colormap, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "most_confused_pair",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_history",
    "plot_images",
    "plot_linear_boundary",
]

#: What :func:`plot_history` draws when ``metrics`` is not given (each only
#: when the history recorded it).
DEFAULT_METRICS: tuple[str, ...] = ("loss", "accuracy")

_REGION_ALPHA = 0.35


# --------------------------------------------------------------------------
# Small private helpers
# --------------------------------------------------------------------------
def _new_axes(nrows: int = 1, ncols: int = 1, **subplots_kwargs: Any) -> np.ndarray:
    """A new figure's Axes as a 2-D array (the only place pyplot is used)."""
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(nrows, ncols, squeeze=False, **subplots_kwargs)
    return axes


def _check_int(value: Any, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}. Got {value!r} instead.")
    return int(value)


def _check_real(value: Any, name: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"`{name}` must be a real number. Got {value!r} instead.")
    value = float(value)
    if not np.isfinite(value) or (minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise ValueError(f"`{name}` must be a finite number{bound}. Got {value!r} instead.")
    return value


def _check_X(X: Any, name: str = "X") -> np.ndarray:
    """A float array of shape (n_samples, 2)."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must be a numeric array of shape (n_samples, 2). {exc}") from exc
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(
            f"`{name}` must be a 2-D array of shape (n_samples, 2) with at least one row. "
            f"Got shape {X.shape} instead."
        )
    if not np.all(np.isfinite(X)):
        raise ValueError(f"`{name}` must contain only finite values (no NaN or inf).")
    return X


def _as_class_ids(values: Any, name: str, n_samples: int | None = None) -> np.ndarray:
    """1-D labels from labels, a (n, 1) column, or one-hot/probability rows."""
    values = np.asarray(values)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    elif values.ndim == 2:
        values = np.argmax(values, axis=1)
    if values.ndim != 1:
        raise ValueError(
            f"`{name}` must be 1-D (one label per sample) or 2-D (one row of scores or "
            f"one-hot values per sample). Got shape {values.shape} instead."
        )
    if n_samples is not None and len(values) != n_samples:
        raise ValueError(
            f"`{name}` must have one entry per sample ({n_samples}). Got {len(values)} instead."
        )
    return values


def _class_colors(cmap: str | Colormap | None, n_classes: int) -> list[tuple[float, ...]]:
    """``n_classes`` distinct RGBA colours (qualitative colormaps are not stretched)."""
    import matplotlib

    if cmap is None:
        cmap = "tab10" if n_classes <= 10 else "tab20"
    if isinstance(cmap, str):
        try:
            cmap = matplotlib.colormaps[cmap]
        except KeyError:
            raise ValueError(
                f"`cmap` must be a matplotlib colormap or its name. Got {cmap!r} instead."
            ) from None
    if not isinstance(cmap, Colormap):
        raise ValueError(f"`cmap` must be a matplotlib colormap or its name. Got {cmap!r} instead.")
    if isinstance(cmap, ListedColormap) and cmap.N >= n_classes:
        return [cmap(i) for i in range(n_classes)]
    return [cmap(x) for x in np.linspace(0.0, 1.0, n_classes)]


def _class_names(class_names: Sequence[str] | None, classes: Sequence[Any]) -> list[str]:
    if class_names is None:
        return [str(c.item() if isinstance(c, np.generic) else c) for c in classes]
    if isinstance(class_names, str) or len(class_names) != len(classes):
        raise ValueError(
            f"`class_names` must be a sequence of {len(classes)} names, one per class "
            f"{list(classes)}. Got {class_names!r} instead."
        )
    return [str(name) for name in class_names]


def _feature_names(feature_names: Sequence[str] | None) -> tuple[str, str]:
    if feature_names is None:
        return ("x1", "x2")
    if isinstance(feature_names, str) or len(feature_names) != 2:
        raise ValueError(
            f"`feature_names` must be a sequence of 2 names. Got {feature_names!r} instead."
        )
    return (str(feature_names[0]), str(feature_names[1]))


_RESERVED_SCATTER_KEYS = ("c", "color", "label")


def _check_scatter_kwargs(scatter_kwargs: Mapping[str, Any]) -> None:
    reserved = [key for key in _RESERVED_SCATTER_KEYS if key in scatter_kwargs]
    if reserved:
        raise ValueError(
            f"`scatter_kwargs` must not contain {reserved}: points are coloured and labelled "
            "by class; pass `cmap` and `class_names` instead."
        )


def _scatter_classes(
    ax: Axes,
    X: np.ndarray,
    y_index: np.ndarray,
    names: Sequence[str],
    colors: Sequence[Any],
    **scatter_kwargs: Any,
) -> None:
    """One scatter (one legend entry) per class that has points."""
    kwargs = {"edgecolors": "k", "linewidths": 0.5, "s": 25} | dict(scatter_kwargs)
    for index, (name, color) in enumerate(zip(names, colors)):
        mask = y_index == index
        if np.any(mask):
            ax.scatter(X[mask, 0], X[mask, 1], color=color, label=name, **kwargs)


# --------------------------------------------------------------------------
# Decision boundaries (notebooks 01 and 02)
# --------------------------------------------------------------------------
def _predict_grid(model: Any, grid: np.ndarray) -> np.ndarray:
    """Scores of ``model`` on every grid point, in one batched call."""
    if hasattr(model, "predict"):
        # A Keras model: one batch holding the whole grid, no progress bar.
        scores = model.predict(grid.astype("float32"), verbose=0, batch_size=len(grid))
    elif callable(model):
        scores = model(grid)
    else:
        raise TypeError(
            "`model` must have a `predict(x, verbose=0)` method (a Keras model) or be a "
            f"callable f(grid) -> scores. Got {type(model).__name__} instead."
        )
    if hasattr(scores, "numpy") and not isinstance(scores, np.ndarray):
        scores = scores.numpy()  # eager tensor from calling a Keras model directly
    return np.asarray(scores, dtype=float)


def _binary_classes(y: np.ndarray | None) -> np.ndarray:
    """Labels of the (score <= threshold, score > threshold) regions."""
    if y is None:
        return np.array([0, 1])
    values = np.unique(y)
    if len(values) == 2:
        return values
    if len(values) == 1 and values[0] in (-1, 0, 1):
        return np.array([-1, 1]) if values[0] == -1 else np.array([0, 1])
    raise ValueError(
        "`y` must hold at most 2 classes for a model with one output column (binary "
        f"scores, thresholded at `threshold`). Got classes {values.tolist()} instead; "
        "a multi-class model needs one output column per class."
    )


def plot_decision_boundary(
    model: Any | Callable[[np.ndarray], Any],
    X: Any,
    y: Any = None,
    *,
    threshold: float = 0.5,
    grid_resolution: int = 200,
    eps: float = 1.0,
    ax: Axes | None = None,
    class_names: Sequence[str] | None = None,
    feature_names: Sequence[str] | None = None,
    cmap: str | Colormap | None = None,
    plot_method: str = "contourf",
    **scatter_kwargs: Any,
) -> Axes:
    """Colour the plane by the class a 2-feature model predicts, then scatter the data.

    The model is evaluated on a ``grid_resolution`` x ``grid_resolution`` grid
    that covers ``X`` plus a margin ``eps``, in one batched call.  How its
    output becomes regions:

    * one column, or 1-D output (a score): two regions, ``score > threshold``
      and ``score <= threshold``, plus the line ``score == threshold``.  Use
      ``threshold=0`` for a ±1 regression classifier (tanh or linear output)
      and ``threshold=0.5`` for a sigmoid output.
    * several columns (e.g. softmax): one region per column, by argmax.

    Used in notebook 01 (linear classifier) and notebook 02 (multi-layer
    perceptrons on 2-D toy data).

    Parameters
    ----------
    model : keras.Model or callable
        Anything with ``predict(x, verbose=0)`` (called once with
        ``batch_size=len(grid)``), or a callable ``f(grid) -> scores`` taking a
        float array of shape (n_points, 2).
    X : array-like of shape (n_samples, 2)
        The data; the grid covers it.
    y : array-like of shape (n_samples,), optional
        Labels of ``X``: ±1, 0/1, or class ids ``0..k-1`` (a one-hot array of
        shape (n_samples, k) is accepted too).  Points are coloured by class.
        With a binary model the lower label goes with ``score <= threshold``.
    threshold : float, default=0.5
        Decision threshold for single-column outputs; ignored otherwise.
    grid_resolution : int, default=200
        Number of grid points along each axis; must be > 1.
    eps : float, default=1.0
        Margin added around ``X`` on each side; must be >= 0.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is created when omitted.
    class_names : sequence of str, optional
        Legend names of the classes, in label order (``-1, 1`` or ``0, 1`` or
        ``0..k-1``).  Defaults to the labels themselves.
    feature_names : sequence of 2 str, optional
        Axis labels; default ``("x1", "x2")``.
    cmap : str or Colormap, optional
        Colours of the classes (regions and points); default ``"tab10"``.
    plot_method : {"contourf", "pcolormesh"}, default="contourf"
        How the regions are drawn: smooth filled contours, or one cell per
        grid point (exact, handy to inspect).
    **scatter_kwargs
        Passed to ``Axes.scatter`` for the points (``s``, ``marker``,
        ``alpha``...).  ``c``, ``color`` and ``label`` are set per class.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.  Its children include the region artist (a
        ``QuadContourSet`` or ``QuadMesh`` whose values are class indices),
        the threshold contour for binary models, and one scatter per class.

    Raises
    ------
    ValueError
        If ``X`` is not of shape (n_samples, 2), ``y`` does not have one
        label per row, ``grid_resolution <= 1``, the model does not return one
        row of scores per grid point, or the labels do not fit the model's
        output.

    Examples
    --------
    >>> ax = plot_decision_boundary(model, X_train, y_train, threshold=0.0)  # doctest: +SKIP
    >>> ax = plot_decision_boundary(lambda g: g[:, 0] - 1, X, threshold=0)  # doctest: +SKIP
    """
    # ---- validate everything before computing anything
    X = _check_X(X)
    if y is not None:
        y = _as_class_ids(y, "y", n_samples=len(X))
    threshold = _check_real(threshold, "threshold")
    if (
        isinstance(grid_resolution, bool)
        or not isinstance(grid_resolution, (int, np.integer))
        or grid_resolution <= 1
    ):
        raise ValueError(f"`grid_resolution` must be an integer > 1. Got {grid_resolution!r} instead.")
    eps = _check_real(eps, "eps", minimum=0.0)
    if plot_method not in ("contourf", "pcolormesh"):
        raise ValueError(
            f"`plot_method` must be 'contourf' or 'pcolormesh'. Got {plot_method!r} instead."
        )
    xlabel, ylabel = _feature_names(feature_names)
    _check_scatter_kwargs(scatter_kwargs)

    # ---- compute
    x0 = np.linspace(X[:, 0].min() - eps, X[:, 0].max() + eps, int(grid_resolution))
    x1 = np.linspace(X[:, 1].min() - eps, X[:, 1].max() + eps, int(grid_resolution))
    xx0, xx1 = np.meshgrid(x0, x1)
    grid = np.column_stack([xx0.ravel(), xx1.ravel()])
    scores = _predict_grid(model, grid)
    if scores.ndim == 0 or scores.shape[0] != len(grid) or scores.ndim > 2:
        raise ValueError(
            f"`model` must return one row of scores per grid point: shape ({len(grid)},) or "
            f"({len(grid)}, n_outputs). Got shape {scores.shape} instead."
        )
    binary = scores.ndim == 1 or scores.shape[1] == 1
    if binary:
        scores = scores.reshape(-1)
        classes = _binary_classes(y)
        region = (scores > threshold).astype(int)
    else:
        classes = np.arange(scores.shape[1])
        region = np.argmax(scores, axis=1)
    n_classes = len(classes)
    if y is not None:
        unknown = np.setdiff1d(np.unique(y), classes)
        if unknown.size:
            raise ValueError(
                f"`y` must hold labels in {classes.tolist()} for a model with "
                f"{1 if binary else n_classes} output column(s). Got labels "
                f"{unknown.tolist()} instead."
            )
    names = _class_names(class_names, classes)
    colors = _class_colors(cmap, n_classes)

    # ---- draw
    if ax is None:
        ax = _new_axes()[0, 0]
    region_cmap = ListedColormap(colors)
    levels = np.arange(n_classes + 1) - 0.5
    norm = BoundaryNorm(levels, n_classes)
    zz = region.reshape(xx0.shape)
    if plot_method == "contourf":
        ax.contourf(xx0, xx1, zz, levels=levels, cmap=region_cmap, norm=norm, alpha=_REGION_ALPHA)
    else:
        ax.pcolormesh(
            xx0, xx1, zz, cmap=region_cmap, norm=norm, alpha=_REGION_ALPHA,
            shading="nearest", rasterized=True,
        )
    handles: list[Any] = []
    if binary and scores.min() < threshold < scores.max():
        ax.contour(
            xx0, xx1, scores.reshape(xx0.shape), levels=[threshold], colors="k", linewidths=1.5
        )
        handles.append(Line2D([], [], color="k", linewidth=1.5, label=f"score = {threshold:g}"))

    if y is not None:
        _scatter_classes(ax, X, np.searchsorted(classes, y), names, colors, **scatter_kwargs)
        class_handles: list[Any] = []
    else:
        kwargs = {"color": "k", "s": 15} | dict(scatter_kwargs)
        ax.scatter(X[:, 0], X[:, 1], **kwargs)
        class_handles = [
            Patch(facecolor=color, alpha=_REGION_ALPHA, label=name)
            for name, color in zip(names, colors)
        ]
    ax.set_xlim(x0[0], x0[-1])
    ax.set_ylim(x1[0], x1[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    existing, _ = ax.get_legend_handles_labels()
    ax.legend(handles=existing + class_handles + handles, loc="best")
    return ax


def plot_linear_boundary(
    w: Any,
    b: Any,
    X: Any = None,
    y: Any = None,
    *,
    ax: Axes | None = None,
    label: str | None = None,
    xlim: tuple[float, float] | None = None,
    **line_kwargs: Any,
) -> Axes:
    """Draw the line ``w · x + b = 0`` of a linear classifier in the plane.

    Notebook 01 calls it once per recorded epoch on the same Axes to show the
    boundary moving during training; each call adds exactly one line (and the
    points of ``X`` when given).

    The line spans ``xlim`` when given, else the x-range of ``X`` (plus 5 %),
    else the current x-limits of ``ax`` (a vertical line, ``w[1] == 0``, spans
    the y-range of ``X`` or the current y-limits instead).  When ``ax`` already holds data (or
    ``X`` is given) the line does not change the view, so a boundary far from
    the data does not zoom the plot out; it is clipped instead.

    Parameters
    ----------
    w : array-like of shape (2,) or (2, 1)
        Weights, e.g. the kernel of a ``Dense(1)`` layer.
    b : float or array-like of shape (1,)
        Bias.
    X : array-like of shape (n_samples, 2), optional
        Points to scatter before drawing the line.
    y : array-like of shape (n_samples,), optional
        Labels of ``X`` (±1, 0/1 or class ids); colours the points.  Needs ``X``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is created when omitted.
    label : str, optional
        Legend label of the line (e.g. ``"epoch 10"``); adds a legend.
    xlim : (float, float), optional
        x-range covered by the line.
    **line_kwargs
        Passed to ``Axes.plot`` (``color``, ``linestyle``, ``alpha``...).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; the new line is ``ax.lines[-1]``.

    Raises
    ------
    ValueError
        If ``w`` does not hold 2 numbers, ``b`` is not one number, both
        weights are 0 (there is no boundary), ``xlim`` is not an increasing
        pair, or ``X``/``y`` are malformed.

    Examples
    --------
    >>> ax = plot_linear_boundary([1.0, 1.0], -1.0, X, y, label="start")  # doctest: +SKIP
    >>> for epoch, (w, b) in enumerate(params.weights):  # doctest: +SKIP
    ...     plot_linear_boundary(w, b, ax=ax, label=f"epoch {epoch}")
    """
    try:
        w_arr = np.asarray(w, dtype=float)
        b_arr = np.asarray(b, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`w` and `b` must be numeric. {exc}") from exc
    if w_arr.shape not in {(2,), (2, 1)}:
        raise ValueError(f"`w` must have shape (2,) or (2, 1). Got shape {w_arr.shape} instead.")
    if b_arr.size != 1:
        raise ValueError(f"`b` must be a scalar or have shape (1,). Got shape {b_arr.shape} instead.")
    w0, w1 = (float(v) for v in w_arr.reshape(2))
    b0 = float(b_arr.reshape(()))
    if not np.all(np.isfinite([w0, w1, b0])):
        raise ValueError(f"`w` and `b` must be finite. Got w={[w0, w1]}, b={b0} instead.")
    if w0 == 0 and w1 == 0:
        raise ValueError(
            "`w` must not be all zeros: w · x + b = 0 then has no solution or every point "
            f"is on it, so there is no boundary to draw. Got w={[w0, w1]} instead."
        )
    if xlim is not None:
        try:
            lo, hi = (float(v) for v in xlim)
        except (TypeError, ValueError):
            raise ValueError(f"`xlim` must be a pair (min, max). Got {xlim!r} instead.") from None
        if not lo < hi:
            raise ValueError(f"`xlim` must be increasing (min < max). Got {xlim!r} instead.")
        xlim = (lo, hi)
    if y is not None and X is None:
        raise ValueError("`y` needs `X`: pass the points whose labels `y` holds.")
    if X is not None:
        X = _check_X(X)
        if y is not None:
            y = _as_class_ids(y, "y", n_samples=len(X))

    if ax is None:
        ax = _new_axes()[0, 0]
    if X is not None:
        if y is None:
            ax.scatter(X[:, 0], X[:, 1], color="k", s=15)
        else:
            classes = np.unique(y)
            _scatter_classes(
                ax, X, np.searchsorted(classes, y), _class_names(None, classes),
                _class_colors(None, len(classes)),
            )
    if not ax.get_xlabel() and not ax.get_ylabel():
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")

    def _span(column: int, current: tuple[float, float]) -> tuple[float, float]:
        if X is not None:
            lo, hi = X[:, column].min(), X[:, column].max()
            pad = 0.05 * (hi - lo) if hi > lo else 1.0
            return (lo - pad, hi + pad)
        return current

    autoscale = not ax.has_data()
    if w1 == 0:  # vertical line x1 = -b / w0
        x_at = -b0 / w0
        ys = np.array(_span(1, ax.get_ylim()))
        xs = np.full(2, x_at)
    else:
        xs = np.array(xlim if xlim is not None else _span(0, ax.get_xlim()))
        ys = -(w0 * xs + b0) / w1
    ax.plot(xs, ys, label=label, scalex=autoscale, scaley=autoscale, **line_kwargs)
    if label is not None or y is not None:
        ax.legend(loc="best")
    return ax


# --------------------------------------------------------------------------
# Training curves
# --------------------------------------------------------------------------
def _history_dict(history: Any) -> dict[str, list[float]]:
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    if not isinstance(history, Mapping):
        raise TypeError(
            "`history` must be a Keras History (what `fit` returns) or a dict of "
            f"lists. Got {type(history).__name__} instead."
        )
    return {str(k): list(np.ravel(np.asarray(v, dtype=float))) for k, v in history.items()}


def _available_metrics(history: Mapping[str, Any]) -> list[str]:
    names = {key.removeprefix("val_") for key in history}
    return sorted(names)


def _resolve_metrics(
    history: Mapping[str, Any], metrics: Sequence[str] | str | None
) -> list[str]:
    """The metrics to draw: the defaults that exist, or exactly those asked for."""
    available = _available_metrics(history)
    if not available:
        raise ValueError("`history` must hold at least one metric. Got an empty history instead.")
    if metrics is None:
        chosen = [m for m in DEFAULT_METRICS if m in available]
        if not chosen:
            raise ValueError(
                f"`history` holds none of the default metrics {list(DEFAULT_METRICS)}; pass "
                f"`metrics` with some of the recorded ones: {available}."
            )
        return chosen
    if isinstance(metrics, str):
        metrics = (metrics,)
    metrics = list(metrics)
    if not metrics:
        raise ValueError("`metrics` must name at least one metric. Got an empty sequence instead.")
    unknown = [m for m in metrics if m not in available]
    if unknown:
        raise ValueError(
            f"`metrics` must name metrics recorded in the history. Got unknown {unknown}; "
            f"available: {available}."
        )
    return metrics


def _draw_history(axes: Sequence[Axes], history: Mapping[str, Sequence[float]], metrics: Sequence[str]) -> None:
    """Draw one metric per Axes: training curve and, if recorded, validation curve."""
    for ax, metric in zip(axes, metrics):
        for key, label in ((metric, "training"), (f"val_{metric}", "validation")):
            values = history.get(key)
            if values is not None and len(values) > 0:
                epochs = np.arange(1, len(values) + 1)
                ax.plot(epochs, values, marker="o" if len(values) < 30 else None,
                        markersize=3, label=label)
        ax.set_title(metric)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend(loc="best")


def plot_history(
    history: Any,
    *,
    metrics: Sequence[str] | str | None = None,
    axes: Axes | Sequence[Axes] | None = None,
) -> np.ndarray:
    """Plot training (and validation) curves, one panel per metric.

    Used after every ``fit`` in the course, from notebook 01 on.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        What ``model.fit`` returns, or its ``.history`` dict mapping a metric
        name (``"loss"``, ``"val_loss"``, ...) to one value per epoch.
    metrics : str or sequence of str, optional
        Metrics to plot, without the ``val_`` prefix.  By default ``"loss"``
        and ``"accuracy"``, each only when recorded.  A metric named
        explicitly must be recorded (as ``m`` or ``val_m``).
    axes : Axes or sequence of Axes, optional
        One Axes per metric; a new row of panels is created when omitted.

    Returns
    -------
    numpy.ndarray of Axes, shape (n_metrics,)
        The panels, in the order of ``metrics``.  Each holds a ``training``
        line and, when ``val_<metric>`` was recorded, a ``validation`` line;
        x values are the epochs 1, 2, ...

    Raises
    ------
    ValueError
        If a requested metric was not recorded (the message lists those that
        were), or ``axes`` does not hold one Axes per metric.

    Examples
    --------
    >>> history = model.fit(x, y, validation_split=0.2, epochs=10)  # doctest: +SKIP
    >>> axes = plot_history(history)  # doctest: +SKIP
    >>> axes = plot_history({"loss": [0.9, 0.5, 0.4]}, metrics="loss")  # doctest: +SKIP
    """
    hist = _history_dict(history)
    chosen = _resolve_metrics(hist, metrics)
    if axes is None:
        axes_array = _new_axes(1, len(chosen), figsize=(4.5 * len(chosen), 3.5),
                               layout="constrained").ravel()
    else:
        axes_array = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
        if len(axes_array) != len(chosen):
            raise ValueError(
                f"`axes` must hold {len(chosen)} Axes, one per metric {chosen}. "
                f"Got {len(axes_array)} instead."
            )
    _draw_history(axes_array, hist, chosen)
    return axes_array


# --------------------------------------------------------------------------
# Images and classification results (notebooks 03+)
# --------------------------------------------------------------------------
def plot_images(
    images: Any,
    labels: Any = None,
    class_names: Sequence[str] | None = None,
    *,
    predictions: Any = None,
    ncols: int = 5,
    axes: Sequence[Axes] | np.ndarray | None = None,
    cmap: str | Colormap | None = "gray",
) -> np.ndarray:
    """Show images in a grid, titled by label and, optionally, prediction.

    With ``predictions`` each title reads ``"predicted (true)"`` and is red
    when the prediction is wrong, green when it is right.  Used in notebook 03
    (first look at an image dataset) and later to inspect mistakes.

    Parameters
    ----------
    images : array-like of shape (N, H, W), (N, H, W, 1) or (N, H, W, 3)
        Grey-level or RGB images; uint8 0..255 or floats.  Float RGB images
        with values above 1 are taken to be on a 0..255 scale.
    labels : array-like of shape (N,), optional
        True class ids (one-hot rows of shape (N, k) are accepted).
    class_names : sequence of str, optional
        Names indexed by class id; titles show the ids when omitted.
    predictions : array-like of shape (N,) or (N, k), optional
        Predicted class ids, or one row of scores/probabilities per image
        (the argmax is taken), e.g. ``model.predict(x)``.
    ncols : int, default=5
        Number of columns of the grid when ``axes`` is not given.
    axes : sequence of Axes, optional
        At least N Axes to draw on (extra ones are turned off).
    cmap : str or Colormap, default="gray"
        Colormap of grey-level images (ignored for RGB).

    Returns
    -------
    numpy.ndarray of Axes, shape (n_axes,)
        All Axes of the grid, flattened row by row; ``axes[i]`` shows image i.

    Raises
    ------
    ValueError
        If the images do not have one of the accepted shapes, ``labels`` or
        ``predictions`` do not have one entry per image, a class id has no
        name in ``class_names``, ``ncols < 1``, or too few ``axes`` are given.

    Examples
    --------
    >>> plot_images(x_test[:10], y_test[:10], CLASS_NAMES)  # doctest: +SKIP
    >>> plot_images(x_test[:10], y_test[:10], CLASS_NAMES,
    ...             predictions=model.predict(x_test[:10], verbose=0))  # doctest: +SKIP
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if not (images.ndim == 3 or (images.ndim == 4 and images.shape[-1] in (3, 4))):
        raise ValueError(
            "`images` must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3). "
            f"Got shape {images.shape} instead."
        )
    n = len(images)
    if n == 0:
        raise ValueError("`images` must hold at least one image. Got 0 instead.")
    if labels is not None:
        labels = _as_class_ids(labels, "labels", n_samples=n)
    if predictions is not None:
        predictions = _as_class_ids(predictions, "predictions", n_samples=n)
    if class_names is not None:
        used = [a for a in (labels, predictions) if a is not None]
        for values in used:
            if values.size and (values.min() < 0 or values.max() >= len(class_names)):
                raise ValueError(
                    f"`class_names` must have a name for every class id; it has "
                    f"{len(class_names)} names but the ids go from {values.min()} to "
                    f"{values.max()}."
                )
    ncols = _check_int(ncols, "ncols", minimum=1)
    if images.ndim == 4 and np.issubdtype(images.dtype, np.floating) and images.max() > 1.0:
        images = np.clip(images / 255.0, 0.0, 1.0)

    if axes is None:
        ncols = min(ncols, n)
        nrows = -(-n // ncols)
        axes_array = _new_axes(nrows, ncols, figsize=(1.8 * ncols, 2.0 * nrows),
                               layout="constrained").ravel()
    else:
        axes_array = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
        if len(axes_array) < n:
            raise ValueError(
                f"`axes` must hold at least one Axes per image ({n}). "
                f"Got {len(axes_array)} instead."
            )

    def name(class_id: Any) -> str:
        return str(class_names[int(class_id)]) if class_names is not None else str(class_id)

    for i, ax in enumerate(axes_array):
        if i >= n:
            ax.set_axis_off()
            continue
        ax.imshow(images[i], cmap=cmap if images.ndim == 3 else None)
        ax.set_xticks([])
        ax.set_yticks([])
        if predictions is not None and labels is not None:
            correct = predictions[i] == labels[i]
            ax.set_title(f"{name(predictions[i])} ({name(labels[i])})",
                         color="green" if correct else "red", fontsize="small")
        elif predictions is not None:
            ax.set_title(name(predictions[i]), fontsize="small")
        elif labels is not None:
            ax.set_title(name(labels[i]), fontsize="small")
    return axes_array


_NORMALIZE = (None, "true", "pred", "all")


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    *,
    class_names: Sequence[str] | None = None,
    normalize: str | None = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Plot the confusion matrix of class predictions (rows: true, columns: predicted).

    A thin wrapper of scikit-learn's
    ``ConfusionMatrixDisplay.from_predictions`` that also accepts Keras
    outputs directly and rotates the x tick labels.  Used in notebook 03 and
    later; :func:`most_confused_pair` names the worst mix-up.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (N,) or (N, k)
        Class ids, or one-hot/probability rows (the argmax is taken), e.g.
        ``model.predict(x_test)`` for ``y_pred``.
    class_names : sequence of str, optional
        Names of the classes ``0..k-1``; all k rows/columns are shown even
        for classes absent from the data.
    normalize : {None, "true", "pred", "all"}, default=None
        Show counts, or fractions over true classes (rows), predicted
        classes (columns) or all samples.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is created when omitted.
    **kwargs
        Passed to ``ConfusionMatrixDisplay.from_predictions`` (``cmap``,
        ``values_format``, ``colorbar``, ``xticks_rotation``...).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes holding the matrix.

    Raises
    ------
    ValueError
        If the label arrays differ in length or ``normalize`` is not one of
        the accepted values.

    Examples
    --------
    >>> probs = model.predict(x_test, verbose=0)  # doctest: +SKIP
    >>> ax = plot_confusion_matrix(y_test, probs, class_names=CLASS_NAMES)  # doctest: +SKIP
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    y_true = _as_class_ids(y_true, "y_true")
    y_pred = _as_class_ids(y_pred, "y_pred", n_samples=len(y_true))
    if normalize not in _NORMALIZE:
        raise ValueError(
            f"`normalize` must be one of {list(_NORMALIZE)}. Got {normalize!r} instead."
        )
    labels = None
    if class_names is not None:
        if isinstance(class_names, str):
            raise ValueError(f"`class_names` must be a sequence of names. Got {class_names!r} instead.")
        labels = list(range(len(class_names)))
        present = np.union1d(y_true, y_pred)
        if present.size and (present.min() < 0 or present.max() >= len(class_names)):
            raise ValueError(
                f"`class_names` must have a name for every class id; it has {len(class_names)} "
                f"names but the labels go from {present.min()} to {present.max()}."
            )
    kwargs.setdefault("xticks_rotation", 45)
    if ax is None:
        k = len(class_names) if class_names is not None else len(np.union1d(y_true, y_pred))
        side = max(4.0, 0.55 * k + 2.0)
        ax = _new_axes(figsize=(side + 1.0, side), layout="constrained")[0, 0]
    display = ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=labels, display_labels=class_names,
        normalize=normalize, ax=ax, **kwargs,
    )
    ax = display.ax_
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
        tick.set_rotation_mode("anchor")
    return ax


def most_confused_pair(
    cm: Any, class_names: Sequence[str] | None = None
) -> tuple[Any, Any, int | float]:
    """The largest off-diagonal entry of a confusion matrix.

    Parameters
    ----------
    cm : array-like of shape (k, k), k >= 2
        Confusion matrix with true classes as rows and predicted classes as
        columns (scikit-learn's ``confusion_matrix`` convention).
    class_names : sequence of str, optional
        Names of the k classes; class ids are returned when omitted.

    Returns
    -------
    (true, predicted, count) : tuple
        The true class, the class it was most often mistaken for, and how
        often (an ``int`` for integer matrices).  Ties go to the first entry
        in row-major order.  Used in notebook 03.

    Raises
    ------
    ValueError
        If ``cm`` is not a square matrix of at least 2 x 2, or
        ``class_names`` does not have k names.

    Examples
    --------
    >>> most_confused_pair([[5, 1, 0], [3, 4, 0], [0, 2, 6]])
    (1, 0, 3)
    >>> most_confused_pair([[5, 1], [3, 4]], class_names=["cat", "dog"])
    ('dog', 'cat', 3)
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] < 2:
        raise ValueError(
            f"`cm` must be a square matrix of shape (k, k) with k >= 2. Got shape {cm.shape} instead."
        )
    if not np.issubdtype(cm.dtype, np.number):
        raise ValueError(f"`cm` must be numeric. Got dtype {cm.dtype} instead.")
    k = cm.shape[0]
    if class_names is not None and (isinstance(class_names, str) or len(class_names) != k):
        raise ValueError(
            f"`class_names` must be a sequence of {k} names. Got {class_names!r} instead."
        )
    off_diagonal = cm.astype(float)
    np.fill_diagonal(off_diagonal, -np.inf)
    true, predicted = np.unravel_index(int(np.argmax(off_diagonal)), cm.shape)
    count = cm[true, predicted].item()
    if class_names is not None:
        return class_names[true], class_names[predicted], count
    return int(true), int(predicted), count
