"""The boundary line ``w · x + b = 0`` of a linear classifier (notebook 01)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._checks import as_class_ids, check_X, class_colors, class_counts, class_names_for, new_axes, scatter_classes
from .alt import describe_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_linear_boundary"]


def _line_parameters(w: Any, b: Any) -> tuple[float, float, float]:
    """``(w0, w1, b)`` as floats, checked: finite, and not both weights 0."""
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
    return w0, w1, b0


def _check_xlim(xlim: Any) -> tuple[float, float] | None:
    if xlim is None:
        return None
    try:
        lo, hi = (float(v) for v in xlim)
    except (TypeError, ValueError):
        raise ValueError(f"`xlim` must be a pair (min, max). Got {xlim!r} instead.") from None
    if not lo < hi:
        raise ValueError(f"`xlim` must be increasing (min < max). Got {xlim!r} instead.")
    return (lo, hi)


def line_points(
    w: Any, b: Any, span: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Two points ``(xs, ys)`` of the line ``w · x + b = 0``.

    ``span`` is the x-range covered, or the y-range for a vertical line
    (``w[1] == 0``).  The compute step of :func:`plot_linear_boundary`.

    >>> xs, ys = line_points([1.0, 1.0], -2.0, (0.0, 2.0))
    >>> xs.tolist(), ys.tolist()
    ([0.0, 2.0], [2.0, 0.0])
    """
    w0, w1, b0 = _line_parameters(w, b)
    if w1 == 0:  # vertical line x1 = -b / w0
        return np.full(2, -b0 / w0), np.array(span, dtype=float)
    xs = np.array(span, dtype=float)
    return xs, (-b0 - w0 * xs) / w1


def _span(X: np.ndarray | None, column: int, current: tuple[float, float]) -> tuple[float, float]:
    """The range of ``X[:, column]`` plus 5 %, else ``current``."""
    if X is None:
        return current
    lo, hi = X[:, column].min(), X[:, column].max()
    pad = 0.05 * (hi - lo) if hi > lo else 1.0
    return (lo - pad, hi + pad)


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
    points of ``X`` when given).  The line spans ``xlim`` when given, else the
    x-range of ``X`` (plus 5 %), else the current x-limits of ``ax`` (a
    vertical line spans the y-range instead).  When ``ax`` already holds data
    (or ``X`` is given) the line does not change the view: a boundary far
    from the data is clipped rather than zooming the plot out.

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
        weights are 0, ``xlim`` is not an increasing pair, or ``X``/``y`` are
        malformed.

    Examples
    --------
    >>> ax = plot_linear_boundary([1.0, 1.0], -1.0, X, y, label="start")  # doctest: +SKIP
    >>> for epoch, (w, b) in enumerate(params.weights):  # doctest: +SKIP
    ...     plot_linear_boundary(w, b, ax=ax, label=f"epoch {epoch}")
    """
    _, w1, _ = _line_parameters(w, b)
    xlim = _check_xlim(xlim)
    if y is not None and X is None:
        raise ValueError("`y` needs `X`: pass the points whose labels `y` holds.")
    if X is not None:
        X = check_X(X)
        if y is not None:
            y = as_class_ids(y, "y", n_samples=len(X))

    ax = new_axes()[0, 0] if ax is None else ax
    if X is not None and y is None:
        ax.scatter(X[:, 0], X[:, 1], color="k", s=15)
        _note(ax, "points", f"{len(X)} points")
    elif X is not None:
        classes = np.unique(y)
        names = class_names_for(None, classes)
        scatter_classes(ax, X, np.searchsorted(classes, y), names, class_colors(None, len(classes)))
        _note(ax, "points", f"{len(X)} points ({class_counts(np.searchsorted(classes, y), names)}), "
                            "each class with its own marker")
    if not ax.get_xlabel() and not ax.get_ylabel():
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
    autoscale = not ax.has_data()
    if w1 == 0:
        span = _span(X, 1, ax.get_ylim())
    else:
        span = xlim if xlim is not None else _span(X, 0, ax.get_xlim())
    xs, ys = line_points(w, b, span)
    ax.plot(xs, ys, label=label, scalex=autoscale, scaley=autoscale, **line_kwargs)
    if label is not None or y is not None:
        ax.legend(loc="best")
    _note(ax, "lines", f"{label + ': ' if label else ''}{_equation(w, b)}")
    return ax


def _equation(w: Any, b: Any) -> str:
    w0, w1, b = _line_parameters(w, b)
    if w1 == 0:
        return f"x1 = {-b / w0:.3g}"
    return f"x2 = {-w0 / w1:.3g} x1 {'+' if -b / w1 >= 0 else '-'} {abs(b / w1):.3g}"


def _note(ax: Axes, kind: str, text: str) -> None:
    """Add to what the Axes' text alternative says: its points, then every boundary line drawn on it."""
    notes = ax.__dict__.setdefault("_coursework_linear", {"points": "", "lines": []})
    if kind == "points":
        notes["points"] = text
    else:
        notes["lines"].append(text)
    lines = notes["lines"]
    parts = [notes["points"]] if notes["points"] else []
    if lines:
        shown = lines if len(lines) <= 12 else lines[:5] + [f"... {len(lines) - 10} more ..."] + lines[-5:]
        parts.append(f"{len(lines)} decision boundary line{'s' if len(lines) != 1 else ''} w·x + b = 0: "
                     + "; ".join(shown))
    describe_axes(ax, "; ".join(parts))
