"""The notebooks run unchanged on Keras' other backends: JAX (the `jax`
extra) and PyTorch (the `torch` extra, a CPU build); each is skipped where
its package is not installed.

JAX runs notebooks 01, 02 and 05 in full.  PyTorch runs, in grading mode
(less data, fewer epochs: what is checked is that every cell runs), the
notebooks with backend-dependent optional sections: 03 and 05
(`steps_per_execution`), 04 (sparse inputs) and 07 (each backend's own
gradient tool).  All nine were run on both backends by hand
(`KERAS_BACKEND=... python -m coursework run`); `benchmarks/results.md` has
the table.
"""

from __future__ import annotations

import importlib.util

import pytest

pytestmark = pytest.mark.slow


def _backend(run) -> str | None:
    """The backend a notebook recorded (03 and 04 as `keras_backend`, 06 and 07 as `backend`)."""
    return run.metrics.get("keras_backend", run.metrics.get("backend"))


def _installed(package: str):
    return pytest.mark.skipif(importlib.util.find_spec(package) is None,
                              reason=f"pip install '.[{package}]'")


@_installed("jax")
@pytest.mark.parametrize("prefix", ["01", "02", "05"])
def test_notebook_runs_on_jax(executed, prefix):
    run = executed(prefix, KERAS_BACKEND="jax")
    assert _backend(run) in (None, "jax")
    assert run.headline, "the notebook recorded its headline metric"


@_installed("torch")
@pytest.mark.parametrize("prefix", ["03", "04", "05", "07"])
def test_notebook_runs_on_torch(executed, prefix):
    run = executed(prefix, KERAS_BACKEND="torch", COURSEWORK_GRADING="1")
    assert _backend(run) in (None, "torch")
    assert run.headline, "the notebook recorded its headline metric"
