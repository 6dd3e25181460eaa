"""Reading classification results (not plots): which classes a model mixes up.

:func:`most_confused_pair` is also importable from :mod:`coursework.plotting`,
where it lived first.  Used in notebook 05.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["most_confused_pair"]


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
        in row-major order.

    Raises
    ------
    ValueError
        If ``cm`` is not a square numeric matrix of at least 2 x 2, or
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
