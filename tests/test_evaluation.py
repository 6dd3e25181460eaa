"""coursework.evaluation: reading a confusion matrix."""

from __future__ import annotations

import numpy as np
import pytest

from coursework.evaluation import most_confused_pair

NAMES = ["zero", "one", "two"]


def test_most_confused_pair_exact():
    cm = np.array([[50, 2, 7], [1, 40, 3], [9, 0, 30]])
    assert most_confused_pair(cm) == (2, 0, 9)
    assert most_confused_pair(cm, class_names=NAMES) == ("two", "zero", 9)
    # the diagonal never counts, even when it is the largest; ties go row-major
    assert most_confused_pair([[0, 4], [4, 100]]) == (0, 1, 4)
    true, predicted, count = most_confused_pair(np.array([[0.9, 0.1], [0.3, 0.7]]))
    assert (true, predicted) == (1, 0) and count == pytest.approx(0.3)
    assert isinstance(most_confused_pair(cm)[2], int)


@pytest.mark.parametrize(
    ("cm", "names", "message"),
    [
        (np.zeros((2, 3)), None, r"`cm` must be a square matrix .* Got shape \(2, 3\)"),
        (np.zeros((1, 1)), None, r"`cm` must be a square matrix .* k >= 2"),
        (np.array([["a", "b"], ["c", "d"]]), None, r"`cm` must be numeric"),
        (np.zeros((2, 2)), ["a"], r"`class_names` must be a sequence of 2 names"),
    ],
)
def test_most_confused_pair_invalid(cm, names, message):
    with pytest.raises(ValueError, match=message):
        most_confused_pair(cm, names)
