"""Decision regions of a 2-feature model (notebooks 01 and 02), computed then drawn.

The split follows scikit-learn's ``DecisionBoundaryDisplay``:
:meth:`DecisionRegions.from_model` evaluates the model on a grid (no
drawing), :meth:`DecisionRegions.plot` draws the result and keeps its artists
(``surface_``, ``boundary_``, ``points_``), and :func:`plot_decision_boundary`
chains the two in one call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.colors import BoundaryNorm, Colormap, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .alt import describe_axes
from ._checks import (
    as_class_ids, check_real, check_scatter_kwargs, check_X, class_colors, class_counts, class_label, class_names_for,
    feature_names_for, new_axes, scatter_classes,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DecisionRegions", "plot_decision_boundary"]

_REGION_ALPHA = 0.35
_PLOT_METHODS = ("contourf", "pcolormesh")


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
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 0 or scores.ndim > 2 or scores.shape[0] != len(grid):
        raise ValueError(
            f"`model` must return one row of scores per grid point: shape ({len(grid)},) or "
            f"({len(grid)}, n_outputs). Got shape {scores.shape} instead."
        )
    return scores


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


def _check_labels(y: np.ndarray, classes: np.ndarray, binary: bool) -> None:
    unknown = np.setdiff1d(np.unique(y), classes)
    if unknown.size:
        raise ValueError(
            f"`y` must hold labels in {classes.tolist()} for a model with "
            f"{1 if binary else len(classes)} output column(s). Got labels "
            f"{unknown.tolist()} instead."
        )


@dataclass
class DecisionRegions:
    """The class a 2-feature model predicts on a grid, ready to draw.

    Build it with :meth:`from_model` (computes, draws nothing), draw it with
    :meth:`plot`.  ``region[i, j]`` is the index into ``classes`` predicted at
    ``(xx0[i, j], xx1[i, j])``; ``scores`` holds the single-column scores of a
    binary model (None for a multi-column one).

    After :meth:`plot`: ``ax_`` (the Axes), ``surface_`` (the ``QuadContourSet``
    or ``QuadMesh`` of the regions), ``boundary_`` (the ``score == threshold``
    contour, or None) and ``points_`` (the scatters drawn).
    """

    xx0: np.ndarray
    xx1: np.ndarray
    region: np.ndarray
    classes: np.ndarray
    threshold: float
    scores: np.ndarray | None = None
    ax_: Any = field(default=None, init=False, repr=False)
    surface_: Any = field(default=None, init=False, repr=False)
    boundary_: Any = field(default=None, init=False, repr=False)
    points_: list = field(default_factory=list, init=False, repr=False)

    @property
    def binary(self) -> bool:
        """True for a single-column (thresholded) model."""
        return self.scores is not None

    @classmethod
    def from_model(
        cls,
        model: Any | Callable[[np.ndarray], Any],
        X: Any,
        y: Any = None,
        *,
        threshold: float = 0.5,
        grid_resolution: int = 200,
        eps: float = 1.0,
    ) -> DecisionRegions:
        """Evaluate ``model`` on a grid covering ``X`` plus ``eps`` (one batched call).

        Arguments as in :func:`plot_decision_boundary`; ``y`` only decides
        the labels of a binary model's two regions (±1 or 0/1) and is checked
        against the model's output.
        """
        X = check_X(X)
        if y is not None:
            y = as_class_ids(y, "y", n_samples=len(X))
        threshold = check_real(threshold, "threshold")
        if (isinstance(grid_resolution, bool) or not isinstance(grid_resolution, (int, np.integer))
                or grid_resolution <= 1):
            raise ValueError(
                f"`grid_resolution` must be an integer > 1. Got {grid_resolution!r} instead."
            )
        eps = check_real(eps, "eps", minimum=0.0)
        x0 = np.linspace(X[:, 0].min() - eps, X[:, 0].max() + eps, int(grid_resolution))
        x1 = np.linspace(X[:, 1].min() - eps, X[:, 1].max() + eps, int(grid_resolution))
        xx0, xx1 = np.meshgrid(x0, x1)
        scores = _predict_grid(model, np.column_stack([xx0.ravel(), xx1.ravel()]))
        binary = scores.ndim == 1 or scores.shape[1] == 1
        if binary:
            scores = scores.reshape(xx0.shape)
            classes, region = _binary_classes(y), (scores > threshold).astype(int)
        else:
            classes = np.arange(scores.shape[1])
            region = np.argmax(scores, axis=1).reshape(xx0.shape)
        if y is not None:
            _check_labels(y, classes, binary)
        return cls(xx0, xx1, region, classes, threshold, scores if binary else None)

    def plot(
        self,
        X: Any = None,
        y: Any = None,
        *,
        ax: Axes | None = None,
        class_names: Sequence[str] | None = None,
        feature_names: Sequence[str] | None = None,
        cmap: str | Colormap | None = None,
        plot_method: str = "contourf",
        **scatter_kwargs: Any,
    ) -> DecisionRegions:
        """Draw the regions, the threshold line and the points; returns ``self``."""
        if plot_method not in _PLOT_METHODS:
            raise ValueError(
                f"`plot_method` must be 'contourf' or 'pcolormesh'. Got {plot_method!r} instead."
            )
        xlabel, ylabel = feature_names_for(feature_names)
        check_scatter_kwargs(scatter_kwargs)
        names = class_names_for(class_names, self.classes)
        colors = class_colors(cmap, len(self.classes))
        if X is not None:
            X = check_X(X)
        if y is not None:
            if X is None:
                raise ValueError("`y` needs `X`: pass the points whose labels `y` holds.")
            y = as_class_ids(y, "y", n_samples=len(X))
            _check_labels(y, self.classes, self.binary)

        ax = new_axes()[0, 0] if ax is None else ax
        self.ax_ = ax
        self.surface_ = self._draw_surface(ax, colors, plot_method)
        handles = self._draw_boundary(ax)
        self.points_ = self._draw_points(ax, X, y, names, colors, scatter_kwargs)
        if y is None:
            handles = [Patch(facecolor=color, alpha=_REGION_ALPHA, label=name)
                       for name, color in zip(names, colors)] + handles
        ax.set_xlim(self.xx0[0, 0], self.xx0[0, -1])
        ax.set_ylim(self.xx1[0, 0], self.xx1[-1, 0])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        existing, _ = ax.get_legend_handles_labels()
        ax.legend(handles=existing + handles, loc="best")
        describe_axes(ax, self.describe(X, y, names, (xlabel, ylabel)))
        return self

    def describe(self, X: np.ndarray | None, y: np.ndarray | None, names: list[str],
                 features: tuple[str, str]) -> str:
        """The figure in words: each class's share of the plane, the points, how many lie in their region."""
        shares = np.bincount(self.region.ravel(), minlength=len(names)) / self.region.size
        text = (f"Decision regions over {features[0]} from {self.xx0[0, 0]:.3g} to {self.xx0[0, -1]:.3g} and "
                f"{features[1]} from {self.xx1[0, 0]:.3g} to {self.xx1[-1, 0]:.3g}: "
                + ", ".join(f"{class_label(name)} covers {share:.0%}" for name, share in zip(names, shares)))
        if self.boundary_ is not None:
            text += f"; a black line where the score equals {self.threshold:g}"
        if X is not None and y is not None:
            index = np.searchsorted(self.classes, y)
            cols = np.clip(np.searchsorted(self.xx0[0], X[:, 0]), 0, self.xx0.shape[1] - 1)
            rows = np.clip(np.searchsorted(self.xx1[:, 0], X[:, 1]), 0, self.xx1.shape[0] - 1)
            inside = np.mean(self.region[rows, cols] == index)
            text += (f"; {len(X)} points ({class_counts(index, names)}), each class with its own marker, "
                     f"{inside:.0%} of them inside their class's region")
        elif X is not None:
            text += f"; {len(X)} unlabelled points"
        return text

    def _draw_surface(self, ax: Axes, colors: list, plot_method: str) -> Any:
        n_classes = len(self.classes)
        levels = np.arange(n_classes + 1) - 0.5
        style = {"cmap": ListedColormap(colors), "norm": BoundaryNorm(levels, n_classes),
                 "alpha": _REGION_ALPHA}
        if plot_method == "contourf":
            return ax.contourf(self.xx0, self.xx1, self.region, levels=levels, **style)
        return ax.pcolormesh(self.xx0, self.xx1, self.region, shading="nearest",
                             rasterized=True, **style)

    def _draw_boundary(self, ax: Axes) -> list[Line2D]:
        """The ``score == threshold`` line of a binary model, when it crosses the grid."""
        self.boundary_ = None
        if not self.binary or not self.scores.min() < self.threshold < self.scores.max():
            return []
        self.boundary_ = ax.contour(self.xx0, self.xx1, self.scores, levels=[self.threshold],
                                    colors="k", linewidths=1.5)
        return [Line2D([], [], color="k", linewidth=1.5, label=f"score = {self.threshold:g}")]

    def _draw_points(self, ax: Axes, X: np.ndarray | None, y: np.ndarray | None,
                     names: list[str], colors: list, scatter_kwargs: dict) -> list:
        if X is None:
            return []
        before = len(ax.collections)
        if y is None:
            ax.scatter(X[:, 0], X[:, 1], **({"color": "k", "s": 15} | scatter_kwargs))
        else:
            scatter_classes(ax, X, np.searchsorted(self.classes, y), names, colors,
                            **scatter_kwargs)
        return list(ax.collections[before:])


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

    ``DecisionRegions.from_model(...).plot(...)`` in one call.  The model is
    evaluated on a ``grid_resolution`` x ``grid_resolution`` grid covering
    ``X`` plus a margin ``eps``, in one batched call.  One output column (or
    1-D output, a score) gives two regions, ``score > threshold`` and
    ``score <= threshold``, and the line ``score == threshold`` (use
    ``threshold=0`` for a ±1 regression classifier, ``0.5`` for a sigmoid);
    several columns (softmax) give one region per column, by argmax.  Used in
    notebooks 01 and 02.

    Parameters
    ----------
    model : keras.Model or callable
        Anything with ``predict(x, verbose=0)`` (called once with
        ``batch_size=len(grid)``), or ``f(grid) -> scores`` on a float array
        of shape (n_points, 2).
    X : array-like of shape (n_samples, 2)
        The data; the grid covers it.
    y : array-like of shape (n_samples,), optional
        Labels of ``X``: ±1, 0/1 or class ids ``0..k-1`` (one-hot rows too).
        With a binary model the lower label goes with ``score <= threshold``.
    threshold : float, default=0.5
        Decision threshold for single-column outputs; ignored otherwise.
    grid_resolution : int, default=200
        Grid points along each axis; must be > 1.
    eps : float, default=1.0
        Margin around ``X`` on each side; must be >= 0.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is created when omitted.
    class_names : sequence of str, optional
        Legend names of the classes, in label order; default the labels.
    feature_names : sequence of 2 str, optional
        Axis labels; default ``("x1", "x2")``.
    cmap : str or Colormap, optional
        Colours of the classes (regions and points); default the Okabe–Ito
        palette (colour-blind safe; classes also differ by marker).
    plot_method : {"contourf", "pcolormesh"}, default="contourf"
        Smooth filled contours, or one cell per grid point (exact).
    **scatter_kwargs
        Passed to ``Axes.scatter`` (``s``, ``marker``, ``alpha``...); ``c``,
        ``color`` and ``label`` are set per class.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (use :class:`DecisionRegions` to get the artists).

    Raises
    ------
    ValueError
        If ``X`` is not of shape (n_samples, 2), ``y`` does not have one label
        per row or does not fit the model's output, ``grid_resolution <= 1``,
        or the model does not return one row of scores per grid point.

    Examples
    --------
    >>> ax = plot_decision_boundary(model, X_train, y_train, threshold=0.0)  # doctest: +SKIP
    >>> ax = plot_decision_boundary(lambda g: g[:, 0] - 1, X, threshold=0)  # doctest: +SKIP
    """
    # validate the drawing options before computing anything
    if plot_method not in _PLOT_METHODS:
        raise ValueError(
            f"`plot_method` must be 'contourf' or 'pcolormesh'. Got {plot_method!r} instead."
        )
    feature_names_for(feature_names)
    check_scatter_kwargs(scatter_kwargs)
    regions = DecisionRegions.from_model(model, X, y, threshold=threshold,
                                         grid_resolution=grid_resolution, eps=eps)
    return regions.plot(X, y, ax=ax, class_names=class_names, feature_names=feature_names,
                        cmap=cmap, plot_method=plot_method, **scatter_kwargs).ax_
