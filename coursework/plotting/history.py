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
from .alt import describe_axes
from .palette import TRAINING_STYLE, VALIDATION_STYLE

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DEFAULT_METRICS", "describe_curve", "draw_history", "history_dict", "plot_history", "select_metrics"]

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


def describe_curve(label: str, values: Sequence[float]) -> str:
    """One curve in words, its numbers from the data:
    ``"validation lowest at epoch 4 (0.28), then rising to 0.61 at epoch 20"``.

    >>> describe_curve("training", [0.9, 0.5, 0.4])
    'training falling from 0.9 at epoch 1 to 0.4 at epoch 3'
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 1:
        return f"{label} {values[0]:.3g} after 1 epoch"
    first, last = f"{values[0]:.3g} at epoch 1", f"{values[-1]:.3g} at epoch {n}"
    low, high = int(np.argmin(values)) + 1, int(np.argmax(values)) + 1
    if 1 < low < n and values[-1] > values[low - 1]:
        return f"{label} lowest at epoch {low} ({values[low - 1]:.3g}), then rising to {last} (from {first})"
    if 1 < high < n and values[-1] < values[high - 1]:
        return f"{label} highest at epoch {high} ({values[high - 1]:.3g}), then falling to {last} (from {first})"
    trend = "falling" if values[-1] < values[0] else "rising" if values[-1] > values[0] else "flat"
    return f"{label} {trend} from {first} to {last}"


def draw_history(
    axes: Sequence[Axes], history: Mapping[str, Sequence[float]], metrics: Sequence[str]
) -> None:
    """Draw metric ``metrics[i]`` on ``axes[i]``: a ``training`` line (solid,
    circles) and, when ``val_<metric>`` was recorded, a ``validation`` line
    (dashed, squares), over epochs 1, 2, ...

    Titles each panel with the metric's name, labels its axes and attaches
    its text alternative (:func:`describe_curve` per line); draws nothing
    else (no figure, no clearing).
    """
    for ax, metric in zip(axes, metrics):
        described = []
        for key, label, style in ((metric, "training", TRAINING_STYLE),
                                  (f"val_{metric}", "validation", VALIDATION_STYLE)):
            values = history.get(key)
            if values is not None and len(values) > 0:
                epochs = np.arange(1, len(values) + 1)
                marker = style["marker"] if len(values) < 30 else None
                ax.plot(epochs, values, **(style | {"marker": marker}), markersize=3, label=label)
                described.append(describe_curve(label, values))
        ax.set_title(metric)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend(loc="best")
        describe_axes(ax, f"{metric} per epoch: " + "; ".join(described))


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
