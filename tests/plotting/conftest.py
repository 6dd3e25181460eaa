"""Shared fixtures of the plotting tests: the Agg backend, an Axes, toy data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


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


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]
