"""coursework.sparse: sparse multi-hot batches and a Dense layer that adds kernel rows."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import keras  # noqa: E402

from coursework.sparse import SparseDense, multi_hot_dataset, multi_hot_tensor  # noqa: E402

REVIEWS = [np.array([1, 3, 5, 3]), [2], np.array([], dtype=np.int32), np.array([9, 0])]


def _dense(reviews, num_words=10):
    out = np.zeros((len(reviews), num_words), dtype=np.float32)
    for row, review in enumerate(reviews):
        out[row, np.asarray(review, dtype=int)] = 1
    return out


def test_multi_hot_tensor_is_the_multi_hot_matrix():
    sparse = multi_hot_tensor(REVIEWS, num_words=10)
    assert tuple(sparse.dense_shape.numpy()) == (4, 10)
    assert np.array_equal(tf.sparse.to_dense(sparse).numpy(), _dense(REVIEWS))
    assert int(tf.size(sparse.values)) == 6, "one stored value per distinct word, none for the zeros"


def test_dataset_batches_cover_every_review_once_per_epoch():
    labels = np.arange(4, dtype=np.float32)
    data = multi_hot_dataset(REVIEWS, labels, num_words=10, batch_size=3, shuffle=True, seed=0)
    for _ in range(2):  # two epochs: each a permutation of the reviews
        xs, ys = zip(*[(tf.sparse.to_dense(x).numpy(), y.numpy()) for x, y in data])
        y = np.concatenate(ys)
        assert sorted(y.tolist()) == [0, 1, 2, 3]
        assert np.array_equal(np.concatenate(xs), _dense(REVIEWS)[y.astype(int)])
    assert [len(y) for _, y in multi_hot_dataset(REVIEWS, labels, num_words=10, batch_size=3)] == [3, 1]


def test_out_of_range_indices_are_refused():
    with pytest.raises(ValueError, match="num_words"):
        multi_hot_tensor([[1, 10]], num_words=10)
    with pytest.raises(ValueError, match="batch_size"):
        multi_hot_dataset(REVIEWS, batch_size=0)


def test_sparse_dense_is_dense_with_the_same_weights():
    keras.utils.set_random_seed(0)
    dense = keras.Sequential([keras.Input((10,)), keras.layers.Dense(4, activation="relu")])
    sparse = keras.Sequential([keras.Input((10,), sparse=True), SparseDense(4, activation="relu")])
    sparse.set_weights(dense.get_weights())
    x = _dense(REVIEWS)
    expected = dense.predict(x, verbose=0)
    assert np.allclose(sparse.predict(multi_hot_tensor(REVIEWS, num_words=10), verbose=0), expected, atol=1e-6)
    assert np.allclose(sparse.predict(x, verbose=0), expected, atol=1e-6), "dense batches work too"
    assert isinstance(SparseDense.from_config(sparse.layers[0].get_config()), keras.layers.Dense)
