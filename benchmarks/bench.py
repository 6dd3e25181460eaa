"""Benchmark the course's training workloads against the lecture code.

    python benchmarks/bench.py                 # 1 seed, prints the table
    python benchmarks/bench.py --seeds 3 --write benchmarks/results.md

Four workloads (notebooks 01, 03, 04, 05), each in two variants:

* ``reference``: the lecture code as written in ``shared/lectures`` with only
  the changes Keras 3 needs (50 one-epoch ``fit`` + ``predict`` calls for 01;
  float64 arrays; the Python-loop multi-hot with ``np.zeros((n, 10000))``;
  default ``steps_per_execution``).
* ``course``: what the notebooks do (same data, hyperparameters and
  architectures; see the comment on each function for the notebook cells it
  mirrors).

Every (workload, variant, seed) runs in its own subprocess so that peak RSS
is that workload's alone.  Reported: data-preparation seconds, training
seconds (fit + evaluate), peak RSS of the process, accuracy.  Loading the raw
dataset files is common to both variants and not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

Result = dict[str, float]


class _Clock:
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
def toy_reference(clock: _Clock) -> float:
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
    return accuracy


def toy_course(clock: _Clock) -> float:
    # notebooks/01_linear_classification.ipynb: one fit of 50 epochs with a
    # ParameterHistory callback; accuracy per epoch from the recorded weights.
    import keras

    from coursework.callbacks import ParameterHistory
    from coursework.datasets import load_toy_points

    with clock.phase("prep"):
        x, y = load_toy_points()
    with clock.phase("train"):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01))
        params = ParameterHistory(layer=0)
        model.fit(x, y, epochs=50, batch_size=4, verbose=0, callbacks=[params])
        w, b = params.weights[-1]
        accuracy = float(np.mean(np.sign(x @ w[:, 0] + b[0]) == y))
    return accuracy


# ----------------------------------------------------------------------------
# Notebook 03: Pima, Dense 12-8-1, Adam, 150 epochs, batch 10.
# Both variants train on the same stratified 80 % and are scored on the same
# held-out 20 % (the lecture scores its training data, which says nothing).
# ----------------------------------------------------------------------------
def _pima_model(steps_per_execution: int):
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


def pima_reference(clock: _Clock) -> float:
    from coursework.datasets import load_pima

    (x_train, y_train), (x_test, y_test) = load_pima(test_size=0.2, seed=42)
    with clock.phase("prep"):
        x_train, y_train = x_train.astype(np.float64), y_train.astype(np.float64)
        x_test, y_test = x_test.astype(np.float64), y_test.astype(np.float64)
    with clock.phase("train"):
        model = _pima_model(steps_per_execution=1)
        model.fit(x_train, y_train, epochs=150, batch_size=10, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy)


def pima_course(clock: _Clock) -> float:
    # notebooks/03_pima_diabetes.ipynb: standardised float32 features (scaler
    # fitted on the training part), steps_per_execution=50, 150 epochs with 20 %
    # of the training part held out for validation, weights of the epoch with
    # the lowest validation loss.
    import keras
    from sklearn.preprocessing import StandardScaler

    from coursework.datasets import load_pima

    class KeepBestWeights(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best_loss, self.best_weights = np.inf, None

        def on_epoch_end(self, epoch, logs=None):
            if logs["val_loss"] < self.best_loss:
                self.best_loss, self.best_weights = logs["val_loss"], self.model.get_weights()

    (x_train, y_train), (x_test, y_test) = load_pima(test_size=0.2, seed=42)
    with clock.phase("prep"):
        scaler = StandardScaler().fit(x_train)
        x_train = scaler.transform(x_train).astype(np.float32)
        x_test = scaler.transform(x_test).astype(np.float32)
    with clock.phase("train"):
        model = _pima_model(steps_per_execution=50)
        keep_best = KeepBestWeights()
        model.fit(x_train, y_train, epochs=150, batch_size=10, validation_split=0.2,
                  callbacks=[keep_best], verbose=0)
        model.set_weights(keep_best.best_weights)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy)




# ----------------------------------------------------------------------------
# Notebook 04: IMDB, multi-hot 10,000, Dense 16-16-1, RMSprop, 20 epochs with
# 10,000 validation reviews, then retraining on all 25,000 and testing.
# ----------------------------------------------------------------------------
def _imdb_sequences():
    from coursework.datasets import load_imdb

    return load_imdb(num_words=10000)


def _imdb_model():
    import keras

    model = keras.Sequential([
        keras.Input((10000,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def imdb_reference(clock: _Clock) -> float:
    (train_data, train_labels), (test_data, test_labels) = _imdb_sequences()
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
        model = _imdb_model()
        model.fit(x_train[10000:], y_train[10000:], epochs=20, batch_size=512,
                  validation_data=(x_train[:10000], y_train[:10000]), verbose=0)
        model = _imdb_model()
        model.fit(x_train, y_train, epochs=IMDB_RETRAIN_EPOCHS, batch_size=512, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy)


IMDB_RETRAIN_EPOCHS = 4  # the lecture's choice


def imdb_course(clock: _Clock) -> float:
    # notebooks/04_imdb_sentiment.ipynb: multi-hot rows filled in one NumPy
    # assignment into uint8, fed as uint8 batches through a PyDataset (Keras
    # casts each batch to float32), best epoch = argmin of the validation loss,
    # the test matrix built only after training.
    import math

    import keras

    (train_data, train_labels), (test_data, test_labels) = _imdb_sequences()

    def vectorize_sequences(sequences, dimension=10000):
        rows = np.repeat(np.arange(len(sequences)), [len(s) for s in sequences])
        out = np.zeros((len(sequences), dimension), dtype=np.uint8)
        out[rows, np.concatenate(sequences)] = 1
        return out

    class MultiHotBatches(keras.utils.PyDataset):
        def __init__(self, x, y, batch_size=512, shuffle=False, seed=42, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.batch_size, self.shuffle = x, y, batch_size, shuffle
            self.order = np.arange(len(x))
            self.rng = np.random.default_rng(seed)
            self.on_epoch_end()

        def __len__(self):
            return math.ceil(len(self.x) / self.batch_size)

        def __getitem__(self, index):
            rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
            return self.x[rows], self.y[rows]

        def on_epoch_end(self):
            if self.shuffle:
                self.rng.shuffle(self.order)

    with clock.phase("prep"):
        x_train = vectorize_sequences(train_data)
        y_train = train_labels.astype("float32")
        y_test = test_labels.astype("float32")
    with clock.phase("train"):
        model = _imdb_model()
        history = model.fit(MultiHotBatches(x_train[10000:], y_train[10000:], shuffle=True),
                            validation_data=MultiHotBatches(x_train[:10000], y_train[:10000]),
                            epochs=20, verbose=0)
        best_epoch = int(np.argmin(history.history["val_loss"])) + 1
        model = _imdb_model()
        model.fit(MultiHotBatches(x_train, y_train, shuffle=True), epochs=best_epoch, verbose=0)
    del x_train
    with clock.phase("prep"):
        x_test = vectorize_sequences(test_data)
    with clock.phase("train"):
        _, accuracy = model.evaluate(MultiHotBatches(x_test, y_test), verbose=0)
    return float(accuracy)


# ----------------------------------------------------------------------------
# Notebook 05: Fashion-MNIST MLP 784-128-10, Adam, validation_split 0.1,
# 5 epochs at batch 32.
# ----------------------------------------------------------------------------
def _fashion_model():
    import keras

    model = keras.Sequential([
        keras.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    return model


def fashion_reference(clock: _Clock) -> float:
    from coursework.datasets import load_fashion_mnist

    (training_images, training_labels), (test_images, test_labels) = load_fashion_mnist()
    with clock.phase("prep"):
        training_images = training_images / 255.0  # float64
        test_images = test_images / 255.0
    with clock.phase("train"):
        model = _fashion_model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(training_images, training_labels, validation_split=0.1, epochs=5, verbose=0)
        _, accuracy = model.evaluate(test_images, test_labels, verbose=0)
    return float(accuracy)


def fashion_course(clock: _Clock) -> float:
    # notebooks/05_fashion_mnist.ipynb: float32 pixels converted to one backend
    # tensor for the fit, uint8 originals freed, steps_per_execution=100.
    import keras

    from coursework.datasets import load_fashion_mnist

    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    with clock.phase("prep"):
        x_train = keras.ops.convert_to_tensor(x_train.astype("float32") / 255.0)
        x_test = x_test.astype("float32") / 255.0
    with clock.phase("train"):
        model = _fashion_model()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      steps_per_execution=100)
        model.fit(x_train, y_train, validation_split=0.1, epochs=5, batch_size=32, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy)


WORKLOADS: dict[str, dict[str, Callable[[_Clock], float]]] = {
    "01 toy regression": {"reference": toy_reference, "course": toy_course},
    "03 Pima": {"reference": pima_reference, "course": pima_course},
    "04 IMDB": {"reference": imdb_reference, "course": imdb_course},
    "05 Fashion-MNIST": {"reference": fashion_reference, "course": fashion_course},
}


def _worker(workload: str, variant: str, seed: int) -> Result:
    """Run one workload in this process and return its measurements."""
    import coursework

    coursework.seed_everything(seed)
    clock = _Clock()
    accuracy = WORKLOADS[workload][variant](clock)
    return {
        "prep_s": clock.seconds["prep"],
        "train_s": clock.seconds["train"],
        "peak_rss_mb": coursework.peak_rss_mb(),
        "accuracy": accuracy,
    }


def _run_in_subprocess(workload: str, variant: str, seed: int) -> Result:
    command = [sys.executable, __file__, "--worker", workload, variant, str(seed)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{workload}/{variant} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _machine() -> str:
    import keras

    backend = keras.backend.backend()
    versions = [f"Python {platform.python_version()}", f"Keras {keras.__version__}",
                f"NumPy {np.__version__}"]
    if backend == "tensorflow":
        import tensorflow as tf

        versions.append(f"TensorFlow {tf.__version__}")
    elif backend == "jax":
        import jax

        versions.append(f"JAX {jax.__version__} ({jax.devices()[0].platform})")
    return (f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}; backend {backend}; "
            + ", ".join(versions))


def _table(selected: list[str], results: dict[tuple[str, str], list[Result]], seeds: int) -> str:
    def mean(rows, key):
        return float(np.mean([r[key] for r in rows]))

    lines = [
        "| workload | variant | prep s | train s | total s | peak RSS MB | accuracy |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = {"reference": 0.0, "course": 0.0}
    ratios = []
    for workload in selected:
        row = {}
        for variant in ("reference", "course"):
            rows = results[workload, variant]
            total = mean(rows, "prep_s") + mean(rows, "train_s")
            totals[variant] += total
            accuracies = [r["accuracy"] for r in rows]
            acc = f"{np.mean(accuracies):.4f}" + (f" ± {np.std(accuracies):.4f}" if seeds > 1 else "")
            lines.append(
                f"| {workload} | {variant} | {mean(rows, 'prep_s'):.2f} | {mean(rows, 'train_s'):.2f} | "
                f"{total:.2f} | {max(r['peak_rss_mb'] for r in rows):.0f} | {acc} |"
            )
            row[variant] = (total, max(r["peak_rss_mb"] for r in rows), np.mean(accuracies))
        ratios.append(
            f"| {workload} | {row['course'][0] / row['reference'][0]:.2f} | "
            f"{row['course'][1] / row['reference'][1]:.2f} | {row['course'][2] - row['reference'][2]:+.4f} |"
        )
    lines += [
        "",
        "Ratios course / reference (time and peak memory), accuracy difference course - reference:",
        "",
        "| workload | time | peak RSS | accuracy |",
        "| --- | ---: | ---: | ---: |",
        *ratios,
        f"| **all {len(selected)}** | **{totals['course'] / totals['reference']:.2f}** | | |",
        "",
        f"Total: reference {totals['reference']:.1f} s, course {totals['course']:.1f} s"
        f" (means over {seeds} seed{'s' if seeds > 1 else ''}; peak RSS is the maximum).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=1, help="seeds per workload (accuracy mean ± std)")
    parser.add_argument("--only", nargs="*", help="workload prefixes, e.g. 03 04")
    parser.add_argument("--write", type=Path, help="also write the markdown report here")
    parser.add_argument("--worker", nargs=3, metavar=("WORKLOAD", "VARIANT", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        workload, variant, seed = args.worker
        print(json.dumps(_worker(workload, variant, int(seed))))
        return 0
    if "COURSEWORK_DATA" not in os.environ:
        print("note: COURSEWORK_DATA is unset; datasets are downloaded to ~/.coursework/datasets", file=sys.stderr)
    selected = [w for w in WORKLOADS if not args.only or any(w.startswith(p) for p in args.only)]
    results: dict[tuple[str, str], list[Result]] = {}
    for workload in selected:
        for variant in ("reference", "course"):
            for seed in range(42, 42 + args.seeds):
                result = _run_in_subprocess(workload, variant, seed)
                results.setdefault((workload, variant), []).append(result)
                print(f"{workload:18s} {variant:9s} seed {seed}: "
                      + ", ".join(f"{k} {v:.3f}" for k, v in result.items()), flush=True)
    report = _table(selected, results, args.seeds)
    text = f"Machine: {_machine()}\n\n{report}\n"
    print("\n" + text)
    if args.write:
        args.write.write_text(f"# Benchmark: course vs lecture code\n\n`python benchmarks/bench.py --seeds {args.seeds}`\n\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
