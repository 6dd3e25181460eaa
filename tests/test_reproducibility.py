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
