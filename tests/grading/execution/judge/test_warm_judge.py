"""The warm judge server: Keras imported once, a judge forked per connection,
each handed only its own kernel's folder, none outliving its connection."""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pytest

from coursework.grading.execution.judge.session import JudgeSession
from coursework.grading.execution.judge.warm import WarmJudge
from coursework.grading.execution.spec import Limits

from .test_judge import LESSON, FakeKernel

LIMITS = Limits(cell_timeout=30)


@pytest.fixture(scope="module")
def server():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    warm = WarmJudge(None, LIMITS, env)
    assert warm.ready()
    yield warm
    warm.close()
    assert not os.path.exists(warm.folder)


def _session(server, folder) -> JudgeSession:
    session = JudgeSession.connect(server.socket, LIMITS, str(folder))
    session.set_context(LESSON, ["def answer(x):\n    pass"], None)
    return session


def _pid_of_judge(session, tmp_path, monkeypatch) -> int:
    done = session.test("import os\nprint(os.getpid())", FakeKernel({}, tmp_path, monkeypatch).ask)
    return int(done["stdout"])


def _gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().split(") ", 1)[1].startswith("Z"):
                    return True  # a zombie: dead, not yet reaped
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def test_each_connection_gets_a_fresh_judge_with_keras_already_imported(server, tmp_path, monkeypatch):
    first = _session(server, tmp_path)
    done = first.test("import keras\nLEAK = 1\nprint(type(keras.ops.ones(2)).__name__ != '')",
                      FakeKernel({}, tmp_path, monkeypatch).ask)
    assert (done["status"], done["stdout"]) == ("ok", "True\n")
    first_pid = _pid_of_judge(first, tmp_path, monkeypatch)
    first.close()
    second = _session(server, tmp_path)
    kernel = FakeKernel({"answer": lambda x: 3 * x}, tmp_path, monkeypatch)
    done = second.test("assert answer(2) == 6\nprint('LEAK' in globals(), 'keras' in __import__('sys').modules)",
                       kernel.ask)
    assert (done["status"], done["stdout"]) == ("ok", "False True\n")  # nothing of the first; Keras preloaded
    assert _pid_of_judge(second, tmp_path, monkeypatch) != first_pid
    second.close()


def test_a_judge_dies_with_its_connection(server, tmp_path, monkeypatch):
    session = _session(server, tmp_path)
    pid = _pid_of_judge(session, tmp_path, monkeypatch)
    session.close()
    assert _gone(pid)


def test_a_judge_reads_large_arrays_through_its_own_folder_only(server, tmp_path, monkeypatch):
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    theirs.mkdir()
    big = np.arange(400_000, dtype=np.float64)  # over 1 MB: travels as a file in the kernel's folder
    session = _session(server, mine)
    done = session.test("assert answer(0).sum() == 79999800000.0", FakeKernel({"answer": lambda _: big}, mine,
                                                                                monkeypatch).ask)
    assert done["status"] == "ok", done
    # the same answer written to another folder is not readable: the judge holds only its own
    done = session.test("answer(0)", FakeKernel({"answer": lambda _: big}, theirs, monkeypatch).ask)
    assert (done["status"], done["ename"]) == ("error", "NotGradable"), done
    session.close()


def test_a_fifo_in_place_of_an_array_file_is_refused_without_blocking(server, tmp_path, monkeypatch):
    session = _session(server, tmp_path)
    name = "0123456789abcdef.npy"
    os.mkfifo(tmp_path / name)

    def ask(message, callback):
        return {"raw": '{"result": {"array_file": "%s"}, "after": null}' % name} if message["op"] == "call" \
            else FakeKernel({"answer": lambda x: x}, tmp_path, monkeypatch).ask(message, callback)

    start = time.monotonic()
    done = session.test("answer(1)", ask)
    assert (done["status"], done["ename"]) == ("error", "NotGradable") and time.monotonic() - start < 20, done
    session.close()


@pytest.mark.parametrize("bwrap", ["/nonexistent/bwrap", "/bin/false"])
def test_a_server_that_cannot_start_means_a_judge_per_submission(bwrap, monkeypatch):
    from coursework.grading.execution.judge import warm
    from coursework.grading.execution.spec import SandboxSpec

    monkeypatch.setattr(warm, "_local", type(warm._local)())
    sandbox = SandboxSpec(bwrap=bwrap)
    start = time.monotonic()
    assert warm.warm_judge(sandbox, LIMITS, {}) is None
    assert warm.warm_judge(sandbox, LIMITS, {}) is None  # not tried again for the same jobs
    assert time.monotonic() - start < 15
