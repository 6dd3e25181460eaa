"""The benchmark's workloads: the training of notebooks 01, 03, 04 and 05, each
as the lecture wrote it (``reference``) and as the notebook does it
(``course``: its main path, plain ``fit`` on NumPy arrays); the speed tricks
the notebooks show in their optional sections are ``tuned`` (``tuned.py``).
Each function times its phases on a :class:`Clock` and returns
``(test accuracy, multiply-adds of the run)``; see ``bench.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

Outcome = tuple[float, float]


def mlp_macs(sizes: tuple[int, ...], *, trained: float, evaluated: float,
             nonzeros: float | None = None) -> float:
    """Multiply-adds of a Dense network with layer widths ``sizes`` (input first).

    ``trained`` examples go forward and backward (the weight gradients cost as
    much as the forward pass; the input gradients are needed for every layer
    but the first), ``evaluated`` examples go forward only.  With
    ``nonzeros``, the first layer multiplies only that many inputs per example
    (a sparse input).
    """
    pairs = list(zip(sizes[:-1], sizes[1:]))
    first = (sizes[0] if nonzeros is None else nonzeros) * sizes[1]
    rest = sum(a * b for a, b in pairs[1:])
    forward = first + rest
    return trained * (2 * forward + rest) + evaluated * forward


class Clock:
    """Accumulates wall seconds per phase."""

    def __init__(self) -> None:
        self.seconds = {"prep": 0.0, "train": 0.0}

    def phase(self, name: str):
        clock = self

        class _Timer:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                clock.seconds[name] += time.perf_counter() - self.start

        return _Timer()


# ----------------------------------------------------------------------------
# Notebook 01: linear classifier by regression on 4 points, 50 epochs of SGD.
# ----------------------------------------------------------------------------
def toy_reference(clock: Clock) -> Outcome:
    import keras

    from coursework.datasets import load_toy_points

    with clock.phase("prep"):
        x, y = load_toy_points()
        x, y = x.astype(np.float64), y.astype(np.float64)
    with clock.phase("train"):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="sgd", metrics=["acc"])
        parameter_history = []
        for _ in range(50):  # lecture 000: one fit + one predict per epoch
            model.fit(x, y, epochs=1, verbose=False)
            y_pred = model.predict(x, verbose=False)
            accuracy = float(np.mean(np.sign(y_pred[:, 0]) == y))
            parameter_history.append(model.layers[0].get_weights())
    return accuracy, mlp_macs((2, 1), trained=50 * 4, evaluated=50 * 4)


def toy_course(clock: Clock) -> Outcome:
    # notebooks/01_linear_classification.ipynb: one fit of 50 full-batch epochs
    # with a ParameterHistory callback; accuracy from the recorded weights.
    import keras

    from coursework.callbacks import ParameterHistory
    from coursework.datasets import load_toy_points

    with clock.phase("prep"):
        x, y = load_toy_points()
    with clock.phase("train"):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01))
        params = ParameterHistory(layer=0)
        model.fit(x, y, epochs=50, batch_size=len(x), verbose=0, callbacks=[params])
        w, b = params.weights[-1]
        accuracy = float(np.mean(np.sign(x @ w[:, 0] + b[0]) == y))
    return accuracy, mlp_macs((2, 1), trained=50 * 4, evaluated=0)


# ----------------------------------------------------------------------------
# Notebook 03: Pima, Dense 12-8-1, Adam, 150 epochs, batch 10.
# Both variants train on the same stratified 80 % and are scored on the same
# held-out 20 % (the lecture scores its training data, which says nothing).
# ----------------------------------------------------------------------------
PIMA_SIZES = (8, 12, 8, 1)


def pima_model(steps_per_execution: int = 1):
    import keras

    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(12, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


def pima_reference(clock: Clock) -> Outcome:
    from coursework.datasets import load_pima

    (x_train, y_train), (x_test, y_test) = load_pima(test_size=0.2, seed=42)
    with clock.phase("prep"):
        x_train, y_train = x_train.astype(np.float64), y_train.astype(np.float64)
        x_test, y_test = x_test.astype(np.float64), y_test.astype(np.float64)
    with clock.phase("train"):
        model = pima_model()
        model.fit(x_train, y_train, epochs=150, batch_size=10, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy), mlp_macs(PIMA_SIZES, trained=150 * len(x_train), evaluated=len(x_test))


def keep_best_weights():
    """notebooks/03's callback: the weights of the epoch with the lowest validation loss."""
    import keras

    class KeepBestWeights(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best_loss, self.best_weights = np.inf, None

        def on_epoch_end(self, epoch, logs=None):
            if logs["val_loss"] < self.best_loss:
                self.best_loss, self.best_weights = logs["val_loss"], self.model.get_weights()

    return KeepBestWeights()


def pima_scaled(clock: Clock):
    """notebooks/03's data: float32 features standardised by the training part's
    scaler; returns (x_train, y_train, x_test, y_test, rows to fit on)."""
    import math

    from sklearn.preprocessing import StandardScaler

    from coursework.datasets import load_pima

    (x_train, y_train), (x_test, y_test) = load_pima(test_size=0.2, seed=42)
    with clock.phase("prep"):
        scaler = StandardScaler().fit(x_train)
        x_train = scaler.transform(x_train).astype(np.float32)
        x_test = scaler.transform(x_test).astype(np.float32)
    return x_train, y_train, x_test, y_test, math.ceil(0.8 * len(x_train))


def pima_course(clock: Clock) -> Outcome:
    # notebooks/03_pima_diabetes.ipynb, main path: 150 epochs of batches of
    # 10 on NumPy arrays, validated every epoch on the last 20 % of the
    # training part, weights of the epoch with the lowest validation loss.
    x_train, y_train, x_test, y_test, n_fit = pima_scaled(clock)
    with clock.phase("train"):
        model = pima_model()
        keep_best = keep_best_weights()
        model.fit(x_train[:n_fit], y_train[:n_fit], batch_size=10, epochs=150,
                  validation_data=(x_train[n_fit:], y_train[n_fit:]), callbacks=[keep_best], verbose=0)
        model.set_weights(keep_best.best_weights)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    n_val = len(x_train) - n_fit
    return float(accuracy), mlp_macs(PIMA_SIZES, trained=150 * n_fit, evaluated=150 * n_val + len(x_test))


# ----------------------------------------------------------------------------
# Notebook 04: IMDB, multi-hot 10,000, Dense 16-16-1, RMSprop, 20 epochs with
# 10,000 validation reviews, then retraining on all 25,000 and testing.
# ----------------------------------------------------------------------------
IMDB_SIZES = (10_000, 16, 16, 1)


def imdb_sequences():
    from coursework.datasets import load_imdb

    return load_imdb(num_words=10000)


def imdb_model(sparse: bool = False):
    import keras

    from coursework.sparse import SparseDense

    first = SparseDense if sparse else keras.layers.Dense
    model = keras.Sequential([
        keras.Input((10000,), sparse=sparse),
        first(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def imdb_reference(clock: Clock) -> Outcome:
    (train_data, train_labels), (test_data, test_labels) = imdb_sequences()
    # keras.datasets.imdb returns lists of Python ints: the lecture's input.
    train_data = [seq.tolist() for seq in train_data]
    test_data = [seq.tolist() for seq in test_data]

    def vectorize_sequences(sequences, dimension=10000):
        results = np.zeros((len(sequences), dimension))
        for i, sequence in enumerate(sequences):
            results[i, sequence] = 1.0
        return results

    with clock.phase("prep"):
        x_train = vectorize_sequences(train_data)
        x_test = vectorize_sequences(test_data)
        y_train = np.asarray(train_labels).astype("float32")
        y_test = np.asarray(test_labels).astype("float32")
    with clock.phase("train"):
        model = imdb_model()
        model.fit(x_train[10000:], y_train[10000:], epochs=20, batch_size=512,
                  validation_data=(x_train[:10000], y_train[:10000]), verbose=0)
        model = imdb_model()
        model.fit(x_train, y_train, epochs=IMDB_RETRAIN_EPOCHS, batch_size=512, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    macs = mlp_macs(IMDB_SIZES, trained=20 * 15_000 + IMDB_RETRAIN_EPOCHS * 25_000, evaluated=20 * 10_000 + 25_000)
    return float(accuracy), macs


IMDB_RETRAIN_EPOCHS = 4  # the lecture's choice


def _multi_hot(sequences, dimension: int = 10000) -> np.ndarray:
    """notebooks/04's vectorize_sequences: uint8 rows, one assignment."""
    rows = np.repeat(np.arange(len(sequences)), [len(s) for s in sequences])
    out = np.zeros((len(sequences), dimension), dtype=np.uint8)
    out[rows, np.concatenate(sequences)] = 1
    return out


def imdb_course(clock: Clock) -> Outcome:
    # notebooks/04_imdb_sentiment.ipynb, main path: the uint8 multi-hot
    # matrix, the lecture's network, 20 epochs of batches of 512 with 10,000
    # validation reviews, best epoch = argmin of the validation loss,
    # retrained on all 25,000, the test matrix built after training.
    (train_data, train_labels), (test_data, test_labels) = imdb_sequences()
    with clock.phase("prep"):
        x_train = _multi_hot(train_data)
        y_train = train_labels.astype("float32")
    with clock.phase("train"):
        model = imdb_model()
        history = model.fit(x_train[10000:], y_train[10000:], batch_size=512, epochs=20,
                            validation_data=(x_train[:10000], y_train[:10000]), verbose=0)
        best_epoch = int(np.argmin(history.history["val_loss"])) + 1
        model = imdb_model()
        model.fit(x_train, y_train, batch_size=512, epochs=best_epoch, verbose=0)
    with clock.phase("prep"):
        del x_train
        x_test = _multi_hot(test_data)
    with clock.phase("train"):
        _, accuracy = model.evaluate(x_test, test_labels.astype("float32"), batch_size=512, verbose=0)
    macs = mlp_macs(IMDB_SIZES, trained=20 * 15_000 + best_epoch * 25_000, evaluated=20 * 10_000 + 25_000)
    return float(accuracy), macs


# ----------------------------------------------------------------------------
# Notebook 05: Fashion-MNIST MLP 784-128-10, Adam, validation_split 0.1,
# 5 epochs at batch 32.
# ----------------------------------------------------------------------------
FASHION_SIZES = (784, 128, 10)


def fashion_model():
    import keras

    model = keras.Sequential([
        keras.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    return model


def fashion_reference(clock: Clock) -> Outcome:
    from coursework.datasets import load_fashion_mnist

    (training_images, training_labels), (test_images, test_labels) = load_fashion_mnist()
    with clock.phase("prep"):
        training_images = training_images / 255.0  # float64
        test_images = test_images / 255.0
    with clock.phase("train"):
        model = fashion_model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(training_images, training_labels, validation_split=0.1, epochs=5, verbose=0)
        _, accuracy = model.evaluate(test_images, test_labels, verbose=0)
    return float(accuracy), FASHION_MACS


def fashion_course(clock: Clock) -> Outcome:
    # notebooks/05_fashion_mnist.ipynb, main path: float32 pixels as NumPy
    # arrays, validation_split 0.1, 5 epochs of batches of 128.
    from coursework.datasets import load_fashion_mnist

    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    with clock.phase("prep"):
        x_train = x_train.astype("float32") / 255.0
        x_test = x_test.astype("float32") / 255.0
    with clock.phase("train"):
        model = fashion_model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, validation_split=0.1, epochs=5, batch_size=128, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy), FASHION_MACS


FASHION_MACS = mlp_macs(FASHION_SIZES, trained=5 * 54_000, evaluated=5 * 6_000 + 10_000)

WORKLOADS: dict[str, dict[str, Callable[[Clock], Outcome]]] = {
    "01 toy regression": {"reference": toy_reference, "course": toy_course},
    "03 Pima": {"reference": pima_reference, "course": pima_course},
    "04 IMDB": {"reference": imdb_reference, "course": imdb_course},
    "05 Fashion-MNIST": {"reference": fashion_reference, "course": fashion_course},
}


