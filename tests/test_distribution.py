"""The seed-sweep script: notebook selection, flattening of recorded metrics,
and the measurement file format (no notebook is executed here)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def distribution():
    spec = importlib.util.spec_from_file_location("distribution", REPO_ROOT / "benchmarks" / "distribution.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_are_chosen_by_prefix(distribution):
    assert [p.name[:2] for p in distribution.chosen_notebooks(["05", "03"])] == ["03", "05"]
    assert len(distribution.chosen_notebooks([])) >= 9
    with pytest.raises(ValueError, match="matches '77'"):
        distribution.chosen_notebooks(["77"])


def test_recorded_metrics_are_flattened(distribution):
    recorded = {"_headline": "a", "a": 0.5, "flag": True, "nested": {"x": [1, 2]}, "long": list(range(20))}
    assert dict(distribution.flatten(recorded)) == {"a": 0.5, "nested/x/0": 1.0, "nested/x/1": 2.0}


def test_measurement_files_round_trip(distribution):
    data = {"notebook": "05_x", "seeds": [42, 43], "metrics": {"a": [0.1, None], "b/0": [1.0, 2.0]}}
    text = distribution._dumps(data)
    assert json.loads(text) == data
    assert '  "a": [0.1, null]' in text  # one line per metric


def test_the_cpu_is_described_with_its_simd_level(distribution):
    assert distribution.cpu_description().endswith(("(AVX-512)", "(AVX2)", "(NEON)", "(SSE or unknown)"))
