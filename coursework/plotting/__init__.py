"""Figures used across the course notebooks, one module per topic.

Every function follows the same contract (scikit-learn's
``DecisionBoundaryDisplay`` is the model): it validates its arguments first,
computes, then draws only on the Axes it is given (``ax=None`` creates a new
figure), passes extra keyword arguments on to matplotlib, returns what it drew
on, and never touches global state (no ``plt.gca()``, no ``rcParams``).

===================================  ===========================  ==================
Function                             Module                       Notebook
===================================  ===========================  ==================
:func:`plot_linear_boundary`         :mod:`.linear`               01
:func:`plot_decision_boundary`       :mod:`.decision`             01, 02
:class:`DecisionRegions`             :mod:`.decision`             (compute, then draw)
:func:`plot_history`                 :mod:`.history`              every ``fit``
:func:`plot_images`                  :mod:`.images`               05 and later
:func:`plot_image_probabilities`     :mod:`.images`               05
:func:`plot_confusion_matrix`        :mod:`.confusion`            05 and later
===================================  ===========================  ==================

:func:`most_confused_pair` is not a plot; it lives in
:mod:`coursework.evaluation` and is re-exported here.  ``import
coursework.plotting`` imports neither Keras nor ``matplotlib.pyplot``; pyplot
is imported only when a function has to create a figure.
"""

from __future__ import annotations

from ..evaluation import most_confused_pair
from .confusion import plot_confusion_matrix
from .decision import DecisionRegions, plot_decision_boundary
from .history import DEFAULT_METRICS, draw_history, history_dict, plot_history, select_metrics
from .images import plot_image_probabilities, plot_images
from .linear import plot_linear_boundary

__all__ = [
    "DEFAULT_METRICS",
    "DecisionRegions",
    "draw_history",
    "history_dict",
    "most_confused_pair",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_history",
    "plot_image_probabilities",
    "plot_images",
    "plot_linear_boundary",
    "select_metrics",
]
