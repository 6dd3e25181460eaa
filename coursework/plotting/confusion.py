"""The confusion matrix of class predictions (notebook 05 and later).

A thin wrapper of scikit-learn's ``ConfusionMatrixDisplay``; the counting
itself is scikit-learn's ``confusion_matrix``, and naming the worst mix-up is
:func:`coursework.evaluation.most_confused_pair`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..evaluation import most_confused_pair
from ._checks import as_class_ids, check_names_cover, new_axes
from .alt import describe_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_confusion_matrix"]

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

    Wraps ``ConfusionMatrixDisplay.from_predictions``, accepts Keras outputs
    directly and rotates the x tick labels.  Used in notebook 05 and later.

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
        If the label arrays differ in length, a label has no name, or
        ``normalize`` is not one of the accepted values.

    Examples
    --------
    >>> probs = model.predict(x_test, verbose=0)  # doctest: +SKIP
    >>> ax = plot_confusion_matrix(y_test, probs, class_names=CLASS_NAMES)  # doctest: +SKIP
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    y_true = as_class_ids(y_true, "y_true")
    y_pred = as_class_ids(y_pred, "y_pred", n_samples=len(y_true))
    if normalize not in _NORMALIZE:
        raise ValueError(
            f"`normalize` must be one of {list(_NORMALIZE)}. Got {normalize!r} instead."
        )
    labels = None
    if class_names is not None:
        if isinstance(class_names, str):
            raise ValueError(f"`class_names` must be a sequence of names. Got {class_names!r} instead.")
        labels = list(range(len(class_names)))
        check_names_cover(class_names, np.union1d(y_true, y_pred), "labels")
    kwargs.setdefault("xticks_rotation", 45)
    if ax is None:
        k = len(class_names) if class_names is not None else len(np.union1d(y_true, y_pred))
        side = max(4.0, 0.55 * k + 2.0)
        ax = new_axes(figsize=(side + 1.0, side), layout="constrained")[0, 0]
    display = ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=labels, display_labels=class_names,
        normalize=normalize, ax=ax, **kwargs,
    )
    ax = display.ax_
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
        tick.set_rotation_mode("anchor")
    ids = labels if labels is not None else np.union1d(y_true, y_pred).tolist()
    names = list(class_names) if class_names is not None else [str(i) for i in ids]
    describe_axes(ax, _describe(y_true, y_pred, ids, names))
    return ax


def _describe(y_true: np.ndarray, y_pred: np.ndarray, ids: list, names: list[str]) -> str:
    """The matrix in words: accuracy, the best and worst recognised class, the worst mix-up (counted)."""
    from sklearn.metrics import confusion_matrix

    counts = confusion_matrix(y_true, y_pred, labels=ids)
    text = (f"Confusion matrix of {len(y_true)} predictions over {len(names)} classes (rows: true class, "
            f"columns: predicted class): {np.mean(y_true == y_pred):.1%} on the diagonal")
    rows = counts.sum(axis=1)
    present = np.flatnonzero(rows)
    if len(present):
        recall = np.diag(counts)[present] / rows[present]
        best, worst = present[np.argmax(recall)], present[np.argmin(recall)]
        text += (f"; best recognised {names[best]} ({recall.max():.0%} right), "
                 f"worst {names[worst]} ({recall.min():.0%} right)")
    if counts.sum() > np.trace(counts):
        true, predicted, n = most_confused_pair(counts, names)
        text += f"; most frequent mistake: {true} predicted as {predicted} ({n} times)"
    return text
