"""plot_confusion_matrix: scikit-learn's display, fed Keras outputs."""

from __future__ import annotations

import numpy as np
import pytest

from coursework.plotting import plot_confusion_matrix

NAMES = ["zero", "one", "two"]


def test_confusion_matrix_on_given_axes(ax):
    y_true = [0, 0, 1, 1, 2, 2]
    y_pred = np.eye(3)[[0, 1, 1, 0, 2, 0]]  # one-hot rows are argmaxed
    returned = plot_confusion_matrix(y_true, y_pred, class_names=NAMES, ax=ax)
    assert returned is ax
    (image,) = ax.images
    np.testing.assert_array_equal(image.get_array(), [[1, 1, 0], [1, 1, 0], [1, 0, 1]])
    assert [t.get_text() for t in ax.get_xticklabels()] == NAMES
    assert all(t.get_rotation() == 45 for t in ax.get_xticklabels())
    assert ax.get_xlabel() == "Predicted label" and ax.get_ylabel() == "True label"


def test_confusion_matrix_keeps_absent_classes_and_normalizes():
    ax = plot_confusion_matrix([0, 0, 1], [0, 1, 1], class_names=NAMES, normalize="true")
    # class "two" never occurs: its row is shown, as zeros (scikit-learn's choice)
    np.testing.assert_allclose(
        ax.images[0].get_array(), [[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES


def test_confusion_matrix_invalid_arguments(ax):
    with pytest.raises(ValueError, match=r"`y_pred` must have one entry per sample \(3\)"):
        plot_confusion_matrix([0, 1, 2], [0, 1], ax=ax)
    with pytest.raises(ValueError, match=r"`normalize` must be one of \[None, 'true'"):
        plot_confusion_matrix([0, 1], [0, 1], normalize="rows", ax=ax)
    with pytest.raises(ValueError, match=r"`class_names` must have a name for every class id"):
        plot_confusion_matrix([0, 1], [0, 3], class_names=NAMES, ax=ax)
    assert not ax.images
