"""Notebooks 01, 02 and 05 run unchanged on the JAX backend (CPU JAX from
the `jax` extra; skipped where it is not installed)."""

from __future__ import annotations

import importlib.util

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="pip install '.[jax]'"),
]


@pytest.mark.parametrize("prefix", ["01", "02", "05"])
def test_notebook_runs_on_jax(executed, prefix):
    run = executed(prefix, KERAS_BACKEND="jax")
    assert run.metrics.get("keras_backend") in (None, "jax")
    assert run.headline, "the notebook recorded its headline metric"
