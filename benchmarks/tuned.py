"""The speed tricks the notebooks used on their main paths before issue 19,
and now show in their "Under the hood (optional)" sections: the ``tuned``
variant of ``bench.py``'s workloads 03, 04 and 05, reported beside the plain
``course`` variant (``workloads.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from workloads import (FASHION_MACS, IMDB_SIZES, PIMA_SIZES, Clock, Outcome, fashion_model, imdb_model,
                       imdb_sequences, keep_best_weights, mlp_macs, pima_model, pima_scaled)


def pima_tuned(clock: Clock) -> Outcome:
    # notebooks/03_pima_diabetes.ipynb as it was before issue 19: standardised float32 features (scaler
    # fitted on the training part), steps_per_execution=50, 150 epochs on the
    # first 80 % of the training part, validated after every epoch on the last
    # 20 % (the rows validation_split=0.2 would take), weights of the epoch
    # with the lowest validation loss.  The batches come from tf.data pipelines
    # built once and repeated, with steps_per_epoch / validation_steps given,
    # so that Keras keeps one iterator for all 150 epochs instead of setting
    # one up per epoch; the validation set is one batch.
    import math

    import tensorflow as tf

    x_train, y_train, x_test, y_test, n_fit = pima_scaled(clock)
    with clock.phase("prep"):
        x_fit, y_fit = x_train[:n_fit], y_train[:n_fit].astype(np.float32)
        x_val, y_val = x_train[n_fit:], y_train[n_fit:].astype(np.float32)
        train_batches = (tf.data.Dataset.from_tensor_slices((x_fit, y_fit))
                         .shuffle(n_fit, seed=42).batch(10).repeat())
        val_batches = tf.data.Dataset.from_tensors((x_val, y_val)).repeat()
    with clock.phase("train"):
        model = pima_model(steps_per_execution=50)
        keep_best = keep_best_weights()
        model.fit(train_batches, steps_per_epoch=math.ceil(n_fit / 10), epochs=150,
                  validation_data=val_batches, validation_steps=1, callbacks=[keep_best], verbose=0)
        model.set_weights(keep_best.best_weights)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy), mlp_macs(PIMA_SIZES, trained=150 * n_fit, evaluated=150 * len(x_val) + len(x_test))



def imdb_tuned(clock: Clock) -> Outcome:
    # notebooks/04_imdb_sentiment.ipynb before issue 19 (now its optional
    # section "the sparse view"): the multi-hot rows kept sparse (only
    # the ones: coursework.sparse.multi_hot_dataset, a tf.data pipeline built
    # once, reshuffled every epoch), the lecture's network with a SparseDense
    # first layer (the same weights and maths as Dense, adding up the kernel
    # rows of the words present), best epoch = argmin of the validation loss,
    # retrained on all 25,000, the test batches built only after training.
    from coursework.sparse import multi_hot_dataset

    (train_data, train_labels), (test_data, test_labels) = imdb_sequences()
    with clock.phase("prep"):
        partial_train = multi_hot_dataset(train_data[10000:], train_labels[10000:], shuffle=True, seed=42)
        validation = multi_hot_dataset(train_data[:10000], train_labels[:10000])
        all_train = multi_hot_dataset(train_data, train_labels, shuffle=True, seed=42)
    with clock.phase("train"):
        model = imdb_model(sparse=True)
        history = model.fit(partial_train, validation_data=validation, epochs=20, shuffle=False, verbose=0)
        best_epoch = int(np.argmin(history.history["val_loss"])) + 1
        model = imdb_model(sparse=True)
        model.fit(all_train, epochs=best_epoch, shuffle=False, verbose=0)
    with clock.phase("prep"):
        test = multi_hot_dataset(test_data, test_labels)
    with clock.phase("train"):
        _, accuracy = model.evaluate(test, verbose=0)
    # the sparse first layer multiplies only the ones: ~132 distinct words a review
    nonzeros = np.mean([len(np.unique(s)) for s in train_data])
    macs = mlp_macs(IMDB_SIZES, trained=20 * 15_000 + best_epoch * 25_000, evaluated=20 * 10_000 + 25_000,
                    nonzeros=nonzeros)
    return float(accuracy), macs



def fashion_tuned(clock: Clock) -> Outcome:
    # notebooks/05_fashion_mnist.ipynb before issue 19 (its optional section
    # now times these tricks), batches of 32 as then: float32 pixels converted to one backend
    # tensor for the fit, uint8 originals freed, steps_per_execution=100.
    import keras

    from coursework.datasets import load_fashion_mnist

    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    with clock.phase("prep"):
        x_train = keras.ops.convert_to_tensor(x_train.astype("float32") / 255.0)
        x_test = x_test.astype("float32") / 255.0
    with clock.phase("train"):
        model = fashion_model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      steps_per_execution=100)
        model.fit(x_train, y_train, validation_split=0.1, epochs=5, batch_size=32, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy), FASHION_MACS


TUNED: dict[str, Callable[[Clock], Outcome]] = {
    "03 Pima": pima_tuned,
    "04 IMDB": imdb_tuned,
    "05 Fashion-MNIST": fashion_tuned,
}
