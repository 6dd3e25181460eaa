"""The judge process against a stand-in kernel (the probe module, in this
process, over a namespace dict): what crosses, and what the verdict is."""

from __future__ import annotations

import builtins
import json
import os
import sys

import pytest

from coursework.grading.judge import probe
from coursework.grading.judge.session import JudgeSession
from coursework.grading.spec import Limits

LESSON = ["import numpy as np", "INPUTS = np.array([1.0, 2.0])\ndef twice(x):\n    return 2 * x"]


class FakeKernel:
    """The kernel's side, run here on ``namespace``; records every request."""

    def __init__(self, namespace: dict, folder, monkeypatch) -> None:
        self.namespace, self.folder, self.requests = namespace, folder, []
        monkeypatch.setattr(probe, "_namespace", lambda: self.namespace)

    def ask(self, message: dict, callback) -> dict:
        self.requests.append(json.dumps(message))
        request, response = self.folder / "request.json", self.folder / "response.json"
        request.write_text(json.dumps(message))
        original = builtins.input

        def relay(prompt: str = "") -> str:
            assert prompt.startswith(probe.PROMPT)
            asked = json.loads(prompt[len(probe.PROMPT):])
            return json.dumps(callback({"callback": asked["callback"], "args": asked["args"]}))

        builtins.input = relay
        try:
            probe.serve(str(request), str(response))
        finally:
            builtins.input = original
        return {"raw": response.read_text()}


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    session = JudgeSession(None, Limits(cell_timeout=30), tmp_path_factory.mktemp("judge"), env)
    session.set_context(LESSON, ["def answer(x):\n    pass"])
    yield session
    session.close()


def _run(judge, tmp_path, monkeypatch, namespace: dict, test: str) -> tuple[dict, FakeKernel]:
    kernel = FakeKernel(namespace, tmp_path, monkeypatch)
    return judge.test(test, kernel.ask), kernel


def test_a_right_answer_passes_and_the_expectation_stays_in_the_judge(judge, tmp_path, monkeypatch):
    ns = {"answer": lambda x: [v * 3 for v in x]}
    done, kernel = _run(judge, tmp_path, monkeypatch, ns,
                        "assert answer([1, 2]) == [3, 6], 'CANARY-123'\nprint('ok', twice(INPUTS))")
    assert (done["status"], done["stdout"]) == ("ok", "ok [2. 4.]\n")
    assert all("CANARY" not in r and "[3, 6]" not in r and "twice" not in r for r in kernel.requests)


def test_a_wrong_answer_fails_with_the_tests_message(judge, tmp_path, monkeypatch):
    done, _ = _run(judge, tmp_path, monkeypatch, {"answer": lambda x: 0}, "assert answer(2) == 6, 'three times'")
    assert (done["status"], done["ename"], done["evalue"]) == ("error", "AssertionError", "three times")


def test_an_object_that_lies_is_not_gradable(judge, tmp_path, monkeypatch):
    class Liar(float):
        def __eq__(self, other):
            return True

    test = "try:\n    assert answer(2) == 6\nexcept (ValueError, AssertionError, Exception):\n    print('caught')"
    done, _ = _run(judge, tmp_path, monkeypatch, {"answer": lambda x: Liar(1)}, test)
    assert done["status"] == "error" and done["ename"] == "NotGradable", done


def test_exceptions_cross_by_type_and_missing_names_are_name_errors(judge, tmp_path, monkeypatch):
    def answer(x):
        raise ValueError("bad x")

    test = "try:\n    answer(-1)\nexcept ValueError as e:\n    print('caught', e)\nmissing_name"
    done, _ = _run(judge, tmp_path, monkeypatch, {"answer": answer}, test)
    assert done["stdout"] == "caught bad x\n"
    assert (done["ename"], done["evalue"]) == ("NameError", "name 'missing_name' is not defined")


def test_callbacks_run_in_the_judge_and_modified_inputs_are_seen(judge, tmp_path, monkeypatch):
    def answer(f, x):
        x[0] = 99.0  # modifies its input
        return f(x)

    test = ("import numpy as np\nx = np.array([1.0, 2.0])\nassert answer(lambda v: float(v.sum()), x) == 101.0\n"
            "assert x[0] == 99.0, 'the judge sees the modification'")
    done, kernel = _run(judge, tmp_path, monkeypatch, {"answer": answer}, test)
    assert done["status"] == "ok", done
    assert not any("lambda" in r for r in kernel.requests)


def test_kernel_objects_travel_back_as_handles(judge, tmp_path, monkeypatch):
    class History:
        history = {"loss": [3, 1, 2]}

    ns = {"history": History(), "best": lambda h: h.history["loss"].index(min(h.history["loss"])) + 1}
    done, _ = _run(judge, tmp_path, monkeypatch, ns, "assert best(history) == 2\nhistory.history")
    assert (done["ename"], done["evalue"].startswith("not gradable")) == ("NotGradable", True), done


def test_an_object_of_the_tests_own_class_arrives_as_its_data(judge, tmp_path, monkeypatch):
    ns = {"best": lambda h: h.history["loss"].index(min(h.history["loss"])) + 1}
    test = "class Like:\n    history = {'loss': [3, 1, 2]}\n\nassert best(Like()) == 2"
    done, _ = _run(judge, tmp_path, monkeypatch, ns, test)
    assert done["status"] == "ok", done


def test_a_timed_call_is_timed_without_the_transfers(judge, tmp_path, monkeypatch):
    import numpy as np

    def fake_ask(kernel):
        def ask(message, callback):
            answer = kernel.ask(message, callback)
            if message["op"] == "call":
                import time
                time.sleep(1.0)  # a slow transfer, outside the kernel
                answer["kernel_seconds"] = 0.01
            return answer
        return ask

    kernel = FakeKernel({"answer": lambda x: np.zeros(3)}, tmp_path, monkeypatch)
    test = "import time\nstart = time.perf_counter()\nanswer(1)\nassert time.perf_counter() - start < 0.5"
    assert judge.test(test, fake_ask(kernel))["status"] == "ok"


def test_a_stand_in_object_keeps_its_methods_in_the_judge(judge, tmp_path, monkeypatch):
    import numpy as np

    ns = {"ask": lambda model, x: float(model.predict(np.asarray(x))[0, 0]) + model(x)[0, 0] * 0}
    test = ("import numpy as np\nclass Stub:\n    def __init__(self):\n        self.inputs = []\n"
            "    def predict(self, x, verbose=0):\n        self.inputs.append(np.asarray(x))\n"
            "        return np.full((len(x), 1), 0.75)\n    __call__ = predict\n\n"
            "stub = Stub()\nassert ask(stub, [[1.0, 2.0]]) == 0.75\nassert len(stub.inputs) == 2\n"
            "assert stub.inputs[0].tolist() == [[1.0, 2.0]]")
    done, _ = _run(judge, tmp_path, monkeypatch, ns, test)
    assert done["status"] == "ok", done


def test_modified_dict_arguments_do_not_break_the_check(judge, tmp_path, monkeypatch):
    done, _ = _run(judge, tmp_path, monkeypatch, {"best": lambda h: int(np_argmin(h["val_loss"])) + 1},  # noqa: F821
                   "import numpy as np\nassert best({'val_loss': np.array([0.9, 0.1])}) == 2")
    assert done["ename"] == "NameError"  # the kernel's own NameError, reported; no crash of the judge


def test_a_kernel_objects_plain_attributes_are_readable(judge, tmp_path, monkeypatch):
    class History:
        def __init__(self):
            self.history, self.epoch, self.model, self._private = {"val_accuracy": [0.5, 0.9]}, [0, 1], object(), 1

    ns = {"history": History(), "best": lambda h: 2}
    test = "import numpy as np\nassert best(history) == int(np.argmax(history.history['val_accuracy'])) + 1\nhistory.model"
    done, _ = _run(judge, tmp_path, monkeypatch, ns, test)
    assert (done["ename"], "test line 3" in done["evalue"]) == ("NotGradable", True), done
