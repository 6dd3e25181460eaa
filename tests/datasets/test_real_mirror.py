"""The real dataset mirror (shared/datasets): skipped when absent, run in CI."""

from __future__ import annotations

import numpy as np

from coursework.datasets import (
    decode_review,
    get_word_index,
    load_fashion_mnist,
    load_imdb,
    load_pima,
    load_pima_full,
)


def test_fashion_mnist(real_mirror):
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(data_home=real_mirror)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and int(x_train.max()) == 255
    np.testing.assert_array_equal(y_train[:10], [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)
    assert round(float(x_train.mean()), 2) == 72.94


def test_pima(real_mirror):
    x, y = load_pima_full(data_home=real_mirror)
    np.testing.assert_allclose(x[0], [6, 148, 72, 35, 0, 33.6, 0.627, 50], rtol=1e-6)
    assert np.bincount(y).tolist() == [500, 268]
    (x_train, _), (x_test, _) = load_pima(data_home=real_mirror)
    assert x_train.shape == (614, 8) and x_test.shape == (154, 8)


def test_imdb(real_mirror):
    (x_train, y_train), (x_test, y_test) = load_imdb(num_words=10000, data_home=real_mirror)
    assert len(x_train) == len(x_test) == 25000
    assert max(int(s.max()) for s in x_train) == 9999
    assert np.bincount(y_train).tolist() == [12500, 12500]
    assert all(s[0] == 1 for s in x_train[:100])
    text = decode_review(x_train[0], data_home=real_mirror)
    assert text.startswith("<start> ")
    common = {"the", "and", "a", "of", "to", "is", "this", "it"}
    assert len(common & set(text.split())) >= 3  # reads as English
    assert get_word_index(data_home=real_mirror)["the"] == 1
