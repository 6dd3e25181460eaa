"""``grade --scheduler``: the runs on a Dask cluster (a ``LocalCluster`` of
2 worker processes here) give the gradebook ``--jobs 1`` writes, byte for
byte, even when a worker is killed in the middle of the batch."""

from __future__ import annotations

import csv
import logging
import os
import signal
import sys

import pytest

from coursework.__main__ import main as cli
from coursework.grading import grade_submissions, write_gradebook
from coursework.grading.execution import cluster
from tests.grading import synthetic
from tests.grading.conftest import needs_sandbox

distributed = pytest.importorskip("distributed")

CELL_TIMEOUT, TIMEOUT = 5, 120.0
KINDS = ["full", "partial", "syntax", "osexit", "deleted-test", "release", "invalid-json", "missing"]
# student: (total, status) in the gradebook
EXPECTED = {
    "full": ("6", "ok"), "partial": ("3", "ok"), "syntax": ("4", "ok"), "osexit": ("2", "crashed"),
    "deleted-test": ("4", "ok"), "release": ("0", "ok"), "invalid-json": ("0", "invalid"),
    "missing": ("0", "missing"),
}


@pytest.fixture(scope="module")
def submissions(course, tmp_path_factory):
    notebook_dir, source, released = course
    subs = synthetic.submissions(released, source)
    return synthetic.write_submissions(tmp_path_factory.mktemp("subs"), {k: subs[k] for k in KINDS})


def _grade(course, submissions, path, **kwargs):
    grades = grade_submissions(submissions, notebook_dir=course[0], graded_dir=None, timeout=TIMEOUT,
                               cell_timeout=CELL_TIMEOUT, **kwargs)
    return write_gradebook(grades, path).read_bytes()


@pytest.fixture(scope="module")
def local_gradebook(course, submissions, tmp_path_factory):
    """The gradebook of ``--jobs 1``."""
    return _grade(course, submissions, tmp_path_factory.mktemp("local") / "gradebook.csv", jobs=1, echo=None)


@pytest.fixture(scope="module")
def local_cluster():
    cluster_ = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                        dashboard_address=None, scheduler_port=0, silence_logs=logging.ERROR)
    with cluster_, distributed.Client(cluster_, set_as_default=False) as client:
        yield cluster_, client


@needs_sandbox
@pytest.mark.slow
def test_cluster_writes_the_gradebook_of_jobs_1(course, submissions, local_gradebook, local_cluster, tmp_path):
    rows = {r["student"]: (r["total"], r["status"]) for r in csv.DictReader(local_gradebook.decode().splitlines())}
    assert rows == EXPECTED
    lines = []
    on_cluster = _grade(course, submissions, tmp_path / "gradebook.csv", echo=lines.append,
                        scheduler=local_cluster[0].scheduler_address)
    assert on_cluster == local_gradebook
    assert len(lines) == len(KINDS)


@needs_sandbox
@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_submission(course, submissions, local_gradebook, local_cluster,
                                                       tmp_path):
    cluster_, client = local_cluster
    pids = client.run(os.getpid)
    killed: list[tuple[str, list]] = []

    def kill_a_busy_worker(line: str) -> None:
        if killed or ": missing," in line or ": invalid," in line:
            return
        busy = sorted((addr, list(keys)) for addr, keys in client.processing().items() if keys)
        if busy:
            os.kill(pids[busy[0][0]], signal.SIGKILL)
            killed.append(busy[0])

    on_cluster = _grade(course, submissions, tmp_path / "gradebook.csv", echo=kill_a_busy_worker,
                        scheduler=cluster_.scheduler_address)
    assert killed, "no worker was running a submission when the first one finished"
    assert on_cluster == local_gradebook
    assert pids[killed[0][0]] not in client.run(os.getpid).values()


def test_an_unreachable_scheduler_is_a_usage_error(course, submissions, monkeypatch, capsys):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    status = cli(["grade", str(submissions), "--notebook-dir", str(course[0]), "--graded-dir", "",
                  "--no-sandbox", "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 2
    err = capsys.readouterr().err
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "`dask scheduler`" in err


def test_scheduler_without_dask_says_what_to_install(course, submissions, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    status = cli(["grade", str(submissions), "--notebook-dir", str(course[0]), "--graded-dir", "",
                  "--no-sandbox", "--scheduler", "tcp://127.0.0.1:9"])
    assert status == 2
    assert "pip install 'coursework[cluster]'" in capsys.readouterr().err


def test_scheduler_and_jobs_exclude_each_other(course, submissions):
    with pytest.raises(ValueError, match=r"jobs=2 and a scheduler exclude each other"):
        grade_submissions(submissions, notebook_dir=course[0], jobs=2, scheduler="tcp://127.0.0.1:9")
