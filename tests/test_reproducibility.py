"""seed_everything makes Keras initialisation and NumPy draws repeatable."""

from __future__ import annotations

import numpy as np
import pytest

from coursework import seed_everything


def _draw():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    return np.random.rand(3), model.get_weights()[0]


def test_same_seed_same_numbers():
    seed_everything(7)
    first = _draw()
    seed_everything(7)
    second = _draw()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    seed_everything(8)
    assert not np.array_equal(first[0], _draw()[0])


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_seed(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        seed_everything(bad)
