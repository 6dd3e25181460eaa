"""Training curves: one panel per metric, training and validation (every notebook).

Three steps, public so that :class:`coursework.callbacks.LivePlot` reuses them:
:func:`history_dict` (normalise what ``fit`` returned), :func:`select_metrics`
(which panels), :func:`draw_history` (draw on given Axes).
:func:`plot_history` chains them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._checks import axes_array, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DEFAULT_METRICS", "draw_history", "history_dict", "plot_history", "select_metrics"]

#: What :func:`plot_history` draws when ``metrics`` is not given (each only
#: when the history recorded it).
DEFAULT_METRICS: tuple[str, ...] = ("loss", "accuracy")


def history_dict(history: Any) -> dict[str, list[float]]:
    """``{name: [value per epoch]}`` from a Keras ``History`` or a dict of sequences.

    Raises ``TypeError`` for anything else.

    >>> history_dict({"loss": (0.5, 0.25)})
    {'loss': [0.5, 0.25]}
    """
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    if not isinstance(history, Mapping):
        raise TypeError(
            "`history` must be a Keras History (what `fit` returns) or a dict of "
            f"lists. Got {type(history).__name__} instead."
        )
    return {str(k): [float(v) for v in np.ravel(np.asarray(values, dtype=float))]
            for k, values in history.items()}


def select_metrics(
    history: Mapping[str, Any], metrics: Sequence[str] | str | None = None
) -> list[str]:
    """The metrics to draw: those of :data:`DEFAULT_METRICS` that were recorded,
    or exactly those asked for (names without the ``val_`` prefix).

    Raises ``ValueError`` when the history is empty, holds none of the
    defaults, or lacks a metric asked for (the message lists those recorded).

    >>> select_metrics({"loss": [1.0], "val_loss": [1.2], "mae": [0.3]})
    ['loss']
    """
    available = sorted({key.removeprefix("val_") for key in history})
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
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    if not metrics:
        raise ValueError("`metrics` must name at least one metric. Got an empty sequence instead.")
    unknown = [m for m in metrics if m not in available]
    if unknown:
        raise ValueError(
            f"`metrics` must name metrics recorded in the history. Got unknown {unknown}; "
            f"available: {available}."
        )
    return metrics


def draw_history(
    axes: Sequence[Axes], history: Mapping[str, Sequence[float]], metrics: Sequence[str]
) -> None:
    """Draw metric ``metrics[i]`` on ``axes[i]``: a ``training`` line and, when
    ``val_<metric>`` was recorded, a ``validation`` line, over epochs 1, 2, ...

    Titles each panel with the metric's name and labels its axes; draws
    nothing else (no figure, no clearing).
    """
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
        The panels, in the order of ``metrics`` (see :func:`draw_history`).

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
    hist = history_dict(history)
    chosen = select_metrics(hist, metrics)
    if axes is None:
        panels = new_axes(1, len(chosen), figsize=(4.5 * len(chosen), 3.5),
                          layout="constrained").ravel()
    else:
        panels = axes_array(axes, len(chosen), f"one per metric {chosen}", exact=True)
    draw_history(panels, hist, chosen)
    return panels
