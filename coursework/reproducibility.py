"""One call that makes a notebook repeatable."""

from __future__ import annotations

import os
import random

import numpy as np

from . import _reshuffle
from .config import SEED_ENV

__all__ = ["seed_everything"]


def _seed_override() -> int:
    """The seed in ``COURSEWORK_SEED``, validated."""
    text = os.environ[SEED_ENV].strip()
    if not text.isdigit():
        raise ValueError(
            f"{SEED_ENV} must be a non-negative integer. Got {text!r} instead; "
            f"unset it to use the notebook's own seed."
        )
    return int(text)


def seed_everything(seed: int = 42, *, deterministic: bool = True) -> int:
    """Seed Python, NumPy and the Keras backend; optionally ask for
    deterministic kernels.

    Every notebook calls this first.  ``keras.utils.set_random_seed`` seeds
    Python's ``random``, NumPy and the backend's generator.  With
    ``deterministic=True`` TensorFlow is also asked for deterministic ops
    (``tf.config.experimental.enable_op_determinism``) when it has a GPU,
    whose kernels are not deterministic by default.  On a CPU TensorFlow's
    kernels already give the same results run to run for a fixed thread
    count (checked: identical weights over repeated Fashion-MNIST fits), and
    enabling op determinism there only triggers a TensorFlow bug that prints
    ``NodeDef mentions attribute use_unbounded_threadpool`` to stderr at the
    first ``fit``/``predict`` (tf.data's determinism rewrite copies that
    attribute onto ``MapDataset``), which students would see as a red box.
    JAX on CPU is deterministic already; PyTorch gets
    ``use_deterministic_algorithms``.

    On TensorFlow it also makes ``fit(..., shuffle=True)`` draw a new order
    every epoch (Keras' TensorFlow path replays one order per epoch once a
    global seed is set; see ``coursework/_reshuffle.py``).  On every backend
    a seed then gives one repeatable sequence of orders.

    ``COURSEWORK_SEED``, when set, replaces ``seed``: the benchmark's seed
    sweep (``benchmarks/distribution.py``) runs a notebook under many seeds
    this way without editing it.

    Parameters
    ----------
    seed : int
        Non-negative integer seed.
    deterministic : bool
        Also request deterministic kernels where the backend supports it.

    Returns
    -------
    int
        The seed, so a notebook can print what it used.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer. Got {seed!r} instead.")
    seed = _seed_override() if os.environ.get(SEED_ENV) else int(seed)
    import keras  # imported here: `import coursework` stays light

    os.environ["PYTHONHASHSEED"] = str(seed)  # for subprocesses (e.g. data workers)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        _reshuffle.install()  # else every epoch replays one order; see there
    if deterministic:
        backend = keras.backend.backend()
        if backend == "tensorflow":
            import tensorflow as tf

            if tf.config.list_physical_devices("GPU"):
                tf.config.experimental.enable_op_determinism()
        elif backend == "torch":
            import torch

            torch.use_deterministic_algorithms(True, warn_only=True)
    return seed
