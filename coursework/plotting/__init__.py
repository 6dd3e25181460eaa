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

Every function also attaches a text alternative computed from what it drew
("validation lowest at epoch 4 (0.28), then rising to 0.61 at epoch 20"):
:func:`description` reads it, :func:`describe` gives a notebook's own figure
one, a figure that has neither is described from what is drawn on it
(:mod:`.summary`), and in a Jupyter kernel each displayed figure carries its
text as the image's ``alt`` (see :mod:`.alt`).  Colours come from the Okabe–Ito palette and never
carry a meaning alone (:mod:`.palette`).

:func:`most_confused_pair` is not a plot; it lives in
:mod:`coursework.evaluation` and is re-exported here.  ``import
coursework.plotting`` imports neither Keras nor ``matplotlib.pyplot``; pyplot
is imported only when a function has to create a figure.
"""

from __future__ import annotations

from ..evaluation import most_confused_pair
from .alt import describe, description, install_display_hook
from .confusion import plot_confusion_matrix
from .decision import DecisionRegions, plot_decision_boundary
from .history import DEFAULT_METRICS, draw_history, history_dict, plot_history, select_metrics
from .images import plot_image_probabilities, plot_images
from .linear import plot_linear_boundary
from .palette import OKABE_ITO

__all__ = [
    "DEFAULT_METRICS",
    "DecisionRegions",
    "OKABE_ITO",
    "describe",
    "description",
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

install_display_hook()  # a no-op outside an IPython kernel
