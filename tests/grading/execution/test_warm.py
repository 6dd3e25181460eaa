"""The warm worker process (``coursework.grading.execution.warm``): nbgrader imported
once, a fresh child forked for each submission, that child's output in its
own log file, its exit status reported, and no process left behind."""

from __future__ import annotations

import os

from coursework.grading.execution import warm as _warm
from coursework.grading.execution.run import _worker_env


def test_each_submission_gets_a_fresh_child_of_one_warm_process(tmp_path):
    worker = _warm.WarmWorker(_worker_env({}))
    try:
        pids, logs = [], []
        for i in range(2):
            spec = tmp_path / f"{i}" / "spec.json"
            spec.parent.mkdir()
            spec.write_text("not a WorkerSpec")  # the worker fails on it, with a traceback
            log = spec.parent / "worker.log"
            pids.append(worker.start(str(spec), str(log), {**_worker_env({}), "MARKER": str(i)}))
            assert worker.wait(60) == 70  # the child's "could not run" status
            logs.append(log.read_text())
        assert pids[0] != pids[1] and worker.proc.pid not in pids
        assert all("JSONDecodeError" in text for text in logs), logs
        assert worker.alive
        assert not any(os.path.exists(f"/proc/{pid}") for pid in pids)
    finally:
        worker.proc.stdin.close()
        assert worker.proc.wait(timeout=10) == 0  # end of input: it exits


def test_warm_workers_can_be_switched_off(monkeypatch):
    monkeypatch.setenv(_warm.WARM_ENV, "0")
    assert _warm.warm_worker(_worker_env({})) is None
