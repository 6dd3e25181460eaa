"""The benchmark script's workers run and report sane measurements (no
timing assertions: machines are noisy; memory bounds are asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

BENCH = REPO_ROOT / "benchmarks" / "bench.py"


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["reference", "course"])
def test_toy_workload(variant):
    done = subprocess.run(
        [sys.executable, str(BENCH), "--worker", "01 toy regression", variant, "42"],
        capture_output=True, text=True, check=True, timeout=300,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["accuracy"] == 1.0
    assert result["train_s"] > 0
    assert 0 < result["peak_rss_mb"] <= 1536
