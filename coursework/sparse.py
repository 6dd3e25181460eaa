"""Multi-hot vectors without their zeros: sparse batches and a Dense layer that
adds up kernel rows.

A multi-hot row ``x`` (1 where a word occurs, 0 elsewhere) times a kernel
``W`` is the sum of the rows of ``W`` of the words present: ``x @ W ==
W[words].sum(axis=0)``.  A review of IMDB uses about 1 % of a 10,000-word
vocabulary, so computing ``x @ W`` densely multiplies 99 % zeros.  This module
keeps only the ones:

* :func:`multi_hot_dataset` turns reviews (sequences of word indices) into a
  ``tf.data`` pipeline of sparse multi-hot batches, built once, reshuffled
  every epoch;
* :class:`SparseDense` is a ``keras.layers.Dense`` (same weights, same
  maths) whose product with a sparse batch adds up the kernel rows of the
  words present.

Taught in notebook 04 (IMDB), section "What a multi-hot vector really is".
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

__all__ = ["SparseDense", "multi_hot_dataset", "multi_hot_tensor"]


def _distinct_words(sequences: Sequence[Sequence[int]], chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct word indices of every review end to end, their count per review).

    Fills a small dense multi-hot block of ``chunk`` reviews at a time and reads
    its ones back with ``np.nonzero`` (faster than sorting every word).
    """
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    width = 1 + max((int(np.max(s)) for s in sequences if len(s)), default=0)
    words, counts = [], []
    for start in range(0, len(lengths), chunk):
        part = sequences[start:start + chunk]
        block = np.zeros((len(part), width), dtype=bool)
        rows = np.repeat(np.arange(len(part)), lengths[start:start + chunk])
        if len(rows):
            block[rows, np.concatenate([np.asarray(s, dtype=np.int64) for s in part])] = True
        block_rows, block_words = np.nonzero(block)
        words.append(block_words.astype(np.int64))
        counts.append(np.bincount(block_rows, minlength=len(part)))
    if not words:
        return np.zeros(0, dtype=np.int64), lengths
    return np.concatenate(words), np.concatenate(counts).astype(np.int64)


def multi_hot_tensor(sequences: Sequence[Sequence[int]], *, num_words: int = 10_000):
    """The multi-hot matrix of ``sequences`` as one ``tf.SparseTensor``.

    Shape ``(len(sequences), num_words)``, ``float32`` ones at ``(i, j)`` for
    every distinct word index ``j`` of review ``i``; nothing stored for the
    zeros.  Equal to ``tf.sparse.from_dense`` of the dense multi-hot matrix.
    """
    import tensorflow as tf

    flat, lengths = _distinct_words(sequences)
    _check_indices(flat, num_words)
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    return tf.SparseTensor(np.stack([rows, flat], axis=1), np.ones(len(flat), np.float32),
                           (len(lengths), num_words))


def _check_indices(flat: np.ndarray, num_words: int) -> None:
    if len(flat) and (flat.min() < 0 or flat.max() >= num_words):
        raise ValueError(f"word indices must lie in [0, {num_words}); got {flat.min()}..{flat.max()}. "
                         "Load the reviews with the same `num_words`.")


def multi_hot_dataset(sequences: Sequence[Sequence[int]], labels=None, *, num_words: int = 10_000,
                      batch_size: int = 512, shuffle: bool = False, seed: int | None = None):
    """A ``tf.data.Dataset`` of sparse multi-hot batches, ready for ``fit``.

    Each element is ``(x, y)``: ``x`` a ``tf.SparseTensor`` of shape
    ``(batch, num_words)`` holding ``float32`` ones where a word occurs, ``y``
    the ``float32`` labels (``x`` alone when ``labels`` is None).  The reviews
    are stored once, as their distinct word indices (a few MB); each batch is
    cut from them inside TensorFlow's data pipeline.  With ``shuffle=True``
    the order of the reviews is drawn anew every epoch (from ``seed``), as
    ``fit(shuffle=True)`` does for arrays; the last batch may be smaller.
    Without shuffling the batches are the same every epoch, so they are cut
    once and cached (validation and test sets).

    Works as ``fit`` / ``evaluate`` / ``predict`` input on every backend that
    reads ``tf.data`` (TensorFlow, JAX); the model's ``keras.Input`` must be
    declared with ``sparse=True``.
    """
    import tensorflow as tf

    if batch_size < 1:
        raise ValueError(f"`batch_size` must be >= 1. Got {batch_size} instead.")
    flat, lengths = _distinct_words(sequences)
    _check_indices(flat, num_words)
    n = len(lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    flat_t, starts_t, lengths_t = tf.constant(flat), tf.constant(starts), tf.constant(lengths)
    y_t = None if labels is None else tf.constant(np.asarray(labels, dtype=np.float32))

    def to_batch(rows):
        first, count = tf.gather(starts_t, rows), tf.gather(lengths_t, rows)
        positions = tf.ragged.range(first, first + count)  # where each review's words are in `flat`
        columns = tf.gather(flat_t, positions.flat_values)
        indices = tf.stack([positions.value_rowids(), columns], axis=1)
        x = tf.SparseTensor(indices, tf.ones_like(columns, dtype=tf.float32),
                            tf.stack([tf.size(rows, out_type=tf.int64), tf.constant(num_words, tf.int64)]))
        return x if y_t is None else (x, tf.gather(y_t, rows))

    dataset = tf.data.Dataset.range(n)
    if shuffle:
        dataset = dataset.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size).map(to_batch)
    if not shuffle:
        dataset = dataset.cache()
    return dataset.prefetch(tf.data.AUTOTUNE)


@keras.saving.register_keras_serializable(package="coursework")
class SparseDense(keras.layers.Dense):
    """``keras.layers.Dense`` that is fast on sparse inputs.

    Same weights (``kernel``, ``bias``), same arguments and the same maths as
    ``Dense``: ``activation(x @ kernel + bias)``.  When ``x`` is a
    ``tf.SparseTensor`` on the TensorFlow backend, the product is
    ``tf.sparse.sparse_dense_matmul``, which adds up the kernel rows of the
    non-zero entries (Keras' own ``Dense`` takes a slower embedding-lookup
    route there).  Any other input goes through ``Dense.call`` unchanged, so
    the layer also accepts dense batches, and other backends.
    """

    def call(self, inputs, training=None):
        if keras.backend.backend() == "tensorflow" and not getattr(self, "lora_enabled", False) \
                and not getattr(self, "quantization_mode", None):
            import tensorflow as tf

            if isinstance(inputs, tf.SparseTensor):
                outputs = tf.sparse.sparse_dense_matmul(inputs, self.kernel)
                if self.use_bias:
                    outputs = outputs + self.bias
                return self.activation(outputs)
        return super().call(inputs, training=training)
