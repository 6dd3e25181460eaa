"""One call that makes a notebook repeatable."""

from __future__ import annotations

import os
import random

import numpy as np

__all__ = ["seed_everything"]


def seed_everything(seed: int = 42, *, deterministic: bool = True) -> int:
    """Seed Python, NumPy and the Keras backend; optionally ask for
    deterministic kernels.

    Every notebook calls this first.  ``keras.utils.set_random_seed`` seeds
    Python's ``random``, NumPy and the backend's generator.  With
    ``deterministic=True`` TensorFlow is also asked for deterministic ops
    (``tf.config.experimental.enable_op_determinism``: same results run to
    run on the same machine, at some speed cost on GPUs).  JAX on CPU is
    deterministic already; PyTorch gets ``use_deterministic_algorithms``.

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
    seed = int(seed)
    import keras  # imported here: `import coursework` stays light

    os.environ["PYTHONHASHSEED"] = str(seed)  # for subprocesses (e.g. data workers)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    if deterministic:
        backend = keras.backend.backend()
        if backend == "tensorflow":
            import tensorflow as tf

            tf.config.experimental.enable_op_determinism()
        elif backend == "torch":
            import torch

            torch.use_deterministic_algorithms(True, warn_only=True)
    return seed
