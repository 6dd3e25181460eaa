"""coursework.results.record: what the course runner reads back."""

from __future__ import annotations

import json

import numpy as np
import pytest

from coursework.results import HEADLINE_KEY, read_results, record


def test_record_without_runner_only_returns(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSEWORK_RESULTS", raising=False)
    assert record(acc=np.float32(0.5)) == {"acc": 0.5}
    assert list(tmp_path.iterdir()) == []


def test_record_merges_into_the_results_file(monkeypatch, tmp_path):
    path = tmp_path / "out" / "nb.results.json"
    monkeypatch.setenv("COURSEWORK_RESULTS", str(path))
    record(table=np.array([[0.1, 0.9]]), epochs=np.int64(4))
    record(test_accuracy=0.875, headline="test_accuracy")
    stored = json.loads(path.read_text())
    assert stored == {"table": [[0.1, 0.9]], "epochs": 4, "test_accuracy": 0.875,
                      HEADLINE_KEY: "test_accuracy"}
    assert read_results(path) == stored
    assert read_results(tmp_path / "absent.json") == {}


def test_record_rejects_bad_values(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSEWORK_RESULTS", str(tmp_path / "r.json"))
    with pytest.raises(TypeError, match="Convert it first"):
        record(model=object())
    with pytest.raises(ValueError, match="headline='nope' names no recorded metric"):
        record(acc=1.0, headline="nope")
