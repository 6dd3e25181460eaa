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


def test_seed_sweeps_override_the_notebook_seed(monkeypatch):
    monkeypatch.setenv("COURSEWORK_SEED", "11")
    assert seed_everything(42) == 11
    first = _draw()
    monkeypatch.delenv("COURSEWORK_SEED")
    assert seed_everything(11) == 11
    np.testing.assert_array_equal(first[1], _draw()[1])


def test_bad_seed_override(monkeypatch):
    monkeypatch.setenv("COURSEWORK_SEED", "-3")
    with pytest.raises(ValueError, match="COURSEWORK_SEED must be a non-negative integer"):
        seed_everything(42)


def test_no_tensorflow_stderr_at_first_predict():
    """On a CPU, seed_everything must not trigger TensorFlow's
    ``use_unbounded_threadpool`` message (students see it as a red box)."""
    import subprocess
    import sys

    code = (
        "import numpy as np, keras, coursework\n"
        "coursework.seed_everything(0)\n"
        "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
        "m.predict(np.zeros((4, 3)), verbose=0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "use_unbounded_threadpool" not in done.stderr


# --- fit(shuffle=True) reshuffles every epoch, repeatably (issue 19 §1) ---

N_EXAMPLES, BATCH, EPOCHS = 20, 5, 3


def batch_orders(seed: int) -> list[list[int]]:
    """The example ids each training batch held, over EPOCHS seeded epochs.

    The model's input is the example id; a pass-through layer records it
    (``run_eagerly`` so it sees concrete batches on every backend)."""
    import keras

    seen: list[list[int]] = []

    class Record(keras.layers.Layer):
        def call(self, x):
            try:
                seen.append(np.asarray(x)[:, 0].astype(int).tolist())
            except Exception:  # a symbolic trace while Keras builds the model
                pass
            return x

        def compute_output_spec(self, x):
            return keras.KerasTensor(x.shape, x.dtype)

    seed_everything(seed)
    model = keras.Sequential([keras.Input((1,)), Record(), keras.layers.Dense(1)])
    model.compile("sgd", "mse", run_eagerly=True)
    ids = np.arange(N_EXAMPLES, dtype="float32")[:, None]
    model.fit(ids, np.zeros(N_EXAMPLES, "float32"), batch_size=BATCH, epochs=EPOCHS,
              shuffle=True, verbose=0)
    return seen


def _check_orders(first: list[list[int]], again: list[list[int]]) -> None:
    per_epoch = N_EXAMPLES // BATCH
    assert len(first) == EPOCHS * per_epoch, first
    epochs = [sum(first[e * per_epoch:(e + 1) * per_epoch], []) for e in range(EPOCHS)]
    for order in epochs:
        assert sorted(order) == list(range(N_EXAMPLES)), order  # each epoch sees each example once
    assert epochs[0] != list(range(N_EXAMPLES)), "the first epoch was not shuffled"
    assert len({tuple(order) for order in epochs}) == EPOCHS, f"an epoch replayed an order: {epochs}"
    assert first == again, "one seed gave two different batch sequences"


def test_fit_reshuffles_every_epoch_tensorflow():
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("this process runs another backend; the subprocess tests cover it")
    _check_orders(batch_orders(0), batch_orders(0))


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_fit_reshuffles_every_epoch_other_backends(backend):
    import importlib.util
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "KERAS_BACKEND": backend,
           "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    code = ("import json, tests.test_reproducibility as t\n"
            "print(json.dumps([t.batch_orders(0), t.batch_orders(0)]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env=env, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    _check_orders(*json.loads(done.stdout.strip().splitlines()[-1]))


def _tf_adapter(shuffle):
    """An ArrayDataAdapter over a dict input, labels and sample weights of
    23 rows (so the last batch of 5 is partial); row i holds i everywhere."""
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    ids = np.arange(23)
    x = {"pair": np.stack([ids, -ids], axis=1).astype("float32"), "id": ids.astype("int64")}
    return ArrayDataAdapter(x, ids.astype("uint8"), sample_weight=ids / 10, batch_size=5, shuffle=shuffle)


def _as_numpy(dataset):
    from keras.src import tree

    return [[np.asarray(leaf) for leaf in tree.flatten(batch)] for batch in dataset]


def test_tensorflow_batches_equal_keras_own_without_shuffle():
    """The NumPy-batch path feeds what Keras' own TensorFlow path feeds:
    same structure, dtypes, shapes and values, partial last batch included."""
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("the patched path is TensorFlow's")
    seed_everything(0)
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    adapter = _tf_adapter(shuffle=False)
    ours = _as_numpy(adapter.get_tf_dataset())
    theirs = _as_numpy(ArrayDataAdapter.get_tf_dataset.keras_original(adapter))
    assert [[(a.dtype, a.shape) for a in b] for b in ours] == [[(a.dtype, a.shape) for a in b] for b in theirs]
    assert all(np.array_equal(a, b) for x, y in zip(ours, theirs) for a, b in zip(x, y))
    assert [len(batch[0]) for batch in ours] == [5, 5, 5, 5, 3]


def test_tensorflow_shuffled_batches_keep_rows_together():
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("the patched path is TensorFlow's")
    seed_everything(0)
    batches = _as_numpy(_tf_adapter(shuffle=True).get_tf_dataset())
    ids = np.concatenate([b[0] for b in batches])  # flatten order: id, pair, y, sample weight
    assert sorted(ids.tolist()) == list(range(23)) and ids.tolist() != list(range(23))
    for identity, pair, label, weight in batches:
        assert np.array_equal(pair[:, 0], identity) and np.array_equal(pair[:, 1], -identity)
        assert np.array_equal(label, identity) and np.allclose(weight, identity / 10)
