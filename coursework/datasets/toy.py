"""The four-point toy set of lecture 000 (notebook 01)."""

from __future__ import annotations

import numpy as np

__all__ = ["load_toy_points"]


def load_toy_points() -> tuple[np.ndarray, np.ndarray]:
    """The 4-point set used to teach a linear classifier by regression.

    Unlike the other loaders this returns ``(x, y)`` with no test split: with
    four points the lesson is about fitting, and splitting would leave two.

    Returns
    -------
    x : ndarray of shape (4, 2), float32
        Points (2, 0), (5, -2), (-2, 2), (-1, -3).
    y : ndarray of shape (4,), float32
        Targets -1, -1, +1, +1 (the regression target and the class).

    Examples
    --------
    >>> x, y = load_toy_points()
    >>> x.shape, y.tolist()
    ((4, 2), [-1.0, -1.0, 1.0, 1.0])
    """
    x = np.array([[2, 0], [5, -2], [-2, 2], [-1, -3]], dtype=np.float32)
    y = np.array([-1, -1, 1, 1], dtype=np.float32)
    return x, y
