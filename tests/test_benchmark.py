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


def _bench_module(name):
    import importlib

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(REPO_ROOT / "benchmarks"))


def test_multiply_adds_of_a_dense_network_by_hand():
    mlp_macs = _bench_module("workloads").mlp_macs
    # 8-12-8-1: forward 96 + 96 + 8 = 200; backward: weight gradients 200, input gradients 96 + 8
    assert mlp_macs((8, 12, 8, 1), trained=1, evaluated=0) == 200 + 200 + 104
    assert mlp_macs((8, 12, 8, 1), trained=0, evaluated=3) == 3 * 200
    # a sparse input: the first layer multiplies only the non-zero inputs
    assert mlp_macs((10_000, 16, 1), trained=0, evaluated=1, nonzeros=100) == 100 * 16 + 16


def test_the_machine_is_described():
    machine = _bench_module("machine")
    assert machine.simd_level().split(" ")[0] in ("AVX-512", "AVX2", "NEON", "SVE", "SSE", "unknown")
    assert machine.cpu_model()
    assert machine.peak_matmul_macs(size=256, repeats=1) > 1e6


@pytest.mark.slow
def test_sparse_and_dense_first_layers_agree():
    import numpy as np

    import coursework
    from coursework.sparse import multi_hot_dataset, multi_hot_tensor

    workloads = _bench_module("workloads")
    coursework.seed_everything(0)
    dense, sparse = workloads.imdb_model(), workloads.imdb_model(sparse=True)
    sparse.set_weights(dense.get_weights())
    reviews = [np.array([1, 14, 14, 9999]), np.array([1, 2]), np.array([1, 5, 7])]
    x = np.zeros((3, 10_000), dtype=np.float32)
    for row, review in enumerate(reviews):
        x[row, review] = 1
    expected = dense.predict(x, verbose=0)
    assert np.allclose(sparse.predict(multi_hot_tensor(reviews), verbose=0), expected, atol=1e-6)
    assert np.allclose(sparse.predict(multi_hot_dataset(reviews, batch_size=2), verbose=0), expected, atol=1e-6)


def test_the_headline_is_the_plain_main_path_and_the_tricks_are_reported_beside_it():
    bench = _bench_module("bench")
    assert {w: list(bench.variants(w)) for w in bench.WORKLOADS} == {
        "01 toy regression": ["reference", "course"],
        "03 Pima": ["reference", "course", "tuned"],
        "04 IMDB": ["reference", "course", "tuned"],
        "05 Fashion-MNIST": ["reference", "course", "tuned"],
    }
    import inspect

    plain = "".join(inspect.getsource(bench.variants(w)["course"]) for w in bench.WORKLOADS)
    for trick in ("steps_per_execution=", "tf.data", "sparse=True", "convert_to_tensor", "multi_hot_dataset"):
        assert trick not in plain, f"the course variant mirrors the plain main path: no {trick}"


def test_main_path_time_sums_cell_timings_outside_the_optional_sections(tmp_path):
    import nbformat

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from main_path_time import split_seconds

    def timed(source: str, start: str, end: str):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["execution"] = {"iopub.execute_input": f"2026-12-04T10:00:{start}Z",
                                      "shell.execute_reply": f"2026-12-04T10:00:{end}Z"}
        return cell

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## 1. Lesson"), timed("fit()", "00.0", "02.5"),
        nbformat.v4.new_markdown_cell("## Under the hood (optional): speed"), timed("tricks()", "03.0", "10.0"),
        nbformat.v4.new_markdown_cell("## 8. Exercises"), timed("answer()", "11.0", "11.5"),
        nbformat.v4.new_code_cell("never_run()"),
    ])
    path = tmp_path / "01_x.ipynb"
    nbformat.write(notebook, path)
    assert split_seconds(path) == (3.0, 7.0)
