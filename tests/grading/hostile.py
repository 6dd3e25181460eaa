"""Hostile submissions of the synthetic notebook: the corpus every grader
change is checked against.

Each :class:`Case` is a piece of hostile code placed in one answer cell
(``cell``) of the released notebook, graded twice in one batch:

* **blank**: the hostile code alone, every other answer cell left as the
  release's stub.  It must earn nothing: no case may score on an unanswered
  notebook.
* **answered**: the hostile code followed by the correct answer of its cell,
  every other answer correct.  The honest parts must keep their points
  (``answered``: the points of double (2), square (3) and mean (1), and the
  status); code that stops the kernel or keeps later cells from running
  costs what those cells would have earned, nothing more.

The cases: the tamper attempts that defeated the in-kernel guard of earlier
versions (IPython hooks, patched modules, trace functions, forged proofs,
objects that lie about their comparisons or arithmetic, the kernel's
messages, partial credit, the history), escapes (files, network, the
package, signals, processes, memory, a CPU hog), and attacks on the judge's
design itself (forged probe answers, answers that are not plain data, too
deep or too large, too slow).
"""

from __future__ import annotations

from dataclasses import dataclass

DOUBLE = "def double(x):\n    return x + x"
SQUARE = "def square(x):\n    return x * x"
MEAN = "def mean(xs):\n    return sum(xs) / len(xs)"
CORRECT = {"double": DOUBLE, "square": SQUARE, "mean": MEAN}
MEMORY_LIMIT = 2**30  # the class is graded with a 1 GB limit
FULL = ((2, 3, 1), "ok")
#: Code that rewrites what the kernel runs also rewrites the judge's probes: the kernel can no longer
#: answer, and every check after it fails ("not gradable: the kernel wrote no readable answer").  A
#: submission can hurt its own grade, never earn from it.
MUTED = ((0, 0, 0), "ok")


@dataclass(frozen=True)
class Case:
    """Hostile ``code`` in answer cell ``cell``; ``answered``: the expected
    (points, status) once every answer is correct (None: not compared, see ``why``)."""

    cell: str
    code: str
    answered: tuple[tuple[float, float, float], str] | None
    why: str

    def answers(self, blank: bool) -> dict:
        """The answer cells for :func:`tests.grading.synthetic.answered`."""
        from tests.grading.synthetic import STUB

        out = {name: (STUB if blank else None) for name in CORRECT}
        out[self.cell] = self.code if blank else f"{self.code}\n{CORRECT[self.cell]}"
        return out


_LIAR = ("class Anything(float):\n"
         "    def __eq__(self, other):\n        return True\n"
         "    def __sub__(self, other):\n        return 0.0\n"
         "    __rsub__ = __sub__\n"
         "    def __abs__(self):\n        return 0.0\n"
         "    def __bool__(self):\n        return True\n")

CASES: dict[str, Case] = {
    # IPython's machinery: later cells of the kernel run `pass` or lose their asserts
    "input-transformer": Case("double", "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])",
                              MUTED, "IPython input transformer"),
    "input-transformer-post": Case("double", "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])",
                                   MUTED, "IPython post-input transformer"),
    "exec-obfuscated": Case(
        "double", "exec('get_' + 'ipython().input_transformers_cleanup.append(lambda l: [\"pass\\\\n\"])')",
        MUTED, "exec of a computed string"),
    "ast-transformer": Case(
        "double", "import ast\n\nclass Nothing(ast.NodeTransformer):\n"
                  "    def visit_Assert(self, node):\n        return ast.Pass()\n"
                  "    visit_Raise = visit_Expr = visit_Assert\n\n"
                  "get_ipython().ast_transformers.append(Nothing())",
        MUTED, "IPython AST transformer"),
    "custom-exception": Case("double", "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
                             FULL, "set_custom_exc"),
    "patched-run-cell": Case(
        "double", "shell = get_ipython()\nrun = shell.run_cell\n"
                  "shell.run_cell = lambda raw_cell, *args, **kwargs: run('pass', *args, **kwargs)\n"
                  "shell.run_cell_async = lambda *args, **kwargs: shell.run_cell('pass')",
        ((0, 0, 0), "crashed"), "patched shell: the kernel stops answering any request"),
    "pre-run-cell-event": Case("square", "get_ipython().events.register('pre_run_cell', lambda info: None)",
                               FULL, "IPython event"),
    "settrace": Case("square", "import sys\nsys.settrace(lambda frame, event, arg: None)", FULL, "sys.settrace"),
    "setprofile": Case("mean", "import sys\nsys.setprofile(lambda frame, event, arg: None)", FULL, "sys.setprofile"),
    "builtins": Case("double", "import builtins\nbuiltins.AssertionError = Warning", FULL, "builtins patched"),
    "stderr-hidden": Case("mean", "import io, sys\nsys.stderr = io.StringIO()", FULL, "sys.stderr replaced"),
    # patched libraries: the judge uses its own
    "monkeypatch-numpy": Case("mean", "import numpy\nnumpy.testing.assert_allclose = lambda *a, **k: None",
                              FULL, "numpy.testing patched"),
    "monkeypatch-alias": Case("mean", "from numpy import testing\nt = testing\nt.assert_allclose = lambda *a, **k: None",
                              FULL, "numpy.testing patched through an alias"),
    "private-modules": Case(
        "mean", "import numpy\nfrom numpy.testing._private import utils\n"
                "utils.assert_allclose = utils.assert_array_compare = lambda *a, **k: None\n"
                "core = getattr(numpy, '_core', None) or numpy.core\n"
                "core.numeric.isclose = core.numeric.allclose = lambda *a, **k: True",
        FULL, "private NumPy modules patched"),
    "namespace-proxy": Case(
        "mean", "class Yes:\n    def __getattr__(self, name):\n        return Yes()\n"
                "    def __call__(self, *a, **k):\n        return True\n"
                "def _f():\n    pass\n_f.__globals__['np'] = Yes()",
        FULL, "the notebook's np rebound to a proxy that accepts anything"),
    # answers that lie: the judge reads plain data only
    "always-equal": Case(
        "double", "class Anything:\n    def __eq__(self, other):\n        return True\n\n"
                  "def double(x):\n    return Anything()\n\ndef square(x):\n    return Anything()",
        FULL, "__eq__ that returns True"),
    "always-equal-obfuscated": Case(
        "double", "Anything = type('Anything', (), {'__e' + 'q__': lambda self, other: True})\n"
                  "def double(x):\n    return Anything()\n\ndef square(x):\n    return Anything()",
        FULL, "__eq__ hidden in type()"),
    "arithmetic": Case(
        "double", _LIAR + "def double(x):\n    return Anything(0)\n\ndef square(x):\n    return Anything(0)\n\n"
                          "def mean(xs):\n    return Anything(0)",
        FULL, "a float subclass whose subtraction gives 0"),
    "partial-credit": Case(
        "double", "import sys\n\ndef double(x):\n    sys.displayhook(99)\n    raise ValueError('no')",
        FULL, "a value shown before raising (nbgrader's partial credit)"),
    "kernel-messages": Case(
        "double", "kernel = get_ipython().kernel\nsend = kernel.session.send\n"
                  "def quiet(stream, msg_or_type, content=None, *args, **kwargs):\n"
                  "    kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get('msg_type')\n"
                  "    if kind == 'error' or (kind == 'stream' and (content or {}).get('name') == 'stderr'):\n"
                  "        return None\n"
                  "    if isinstance(content, dict) and content.get('status') == 'error':\n"
                  "        content = {'status': 'ok', 'execution_count': 1, 'user_expressions': {}, 'payload': []}\n"
                  "    return send(stream, msg_or_type, content, *args, **kwargs)\n"
                  "kernel.session.send = quiet",
        FULL, "the kernel's messages rewritten (errors dropped, error replies made ok)"),
    "trace-jump": Case(
        "double", "import sys\n\ndef jump(frame, event, arg):\n"
                  "    if event == 'line' and 'assert' in (frame.f_code.co_name + ''):\n        frame.f_lineno += 1\n"
                  "    return jump\n\nsys.settrace(jump)\nimport threading\nthreading.settrace(jump)",
        FULL, "a trace function that jumps over lines"),
    # the judge's protocol: forged answers and answers that are not plain data
    "forged-answers": Case(
        "double", "import json\nfrom coursework.grading.judge import probe\n"
                  "def serve(request_path, response_path):\n"
                  "    request = json.load(open(request_path))\n"
                  "    if request['op'] == 'describe':\n"
                  "        answer = {'names': {n: {'kind': 'value', 'value': '4'} for n in request['names']}}\n"
                  "    else:\n        answer = {'result': '4', 'after': '{\"list\": []}'}\n"
                  "    json.dump(answer, open(response_path, 'w'))\n"
                  "probe.serve = serve",
        ((0, 0, 0), "ok"), "every probe answered with 4: the judge's own inputs and expectations still decide"),
    "forged-handles": Case(
        "double", "def double(x):\n    return {'handle': 1}\n\ndef square(x):\n"
                  "    return float('nan')",
        FULL, "answers shaped like the evidence format's own tags"),
    "deep-answer": Case("double", "def double(x):\n    a = []\n    for _ in range(500):\n        a = [a]\n    return a",
                        FULL, "an answer nested too deeply to read"),
    "huge-answer": Case("mean", "def mean(xs):\n    return list(range(3_000_000))", FULL,
                        "an answer with too many values to read"),
    "slow-answer": Case("double", "def double(x):\n    import time\n    time.sleep(10**6)", FULL,
                        "an answer that never returns (the probe's time limit)"),
    "not-gradable-caught": Case(
        "double", "class Weird:\n    pass\n\ndef double(x):\n    return Weird()",
        FULL, "an object that isn't plain data (reaches the judge as a handle it cannot compare)"),
    # reading what it must not: the judge never sends a test to the kernel
    "read-history": Case("mean", "print('HISTORY', repr(In), repr(_ih))", FULL, "IPython's history"),
    "grep-hidden-tests": Case(
        "double", "import subprocess\nprint(subprocess.run(['grep', '-rl', 'BEGIN HIDDEN TESTS', '/', "
                  "'--include=*.ipynb', '--exclude-dir=proc', '--exclude-dir=usr'], "
                  "capture_output=True, text=True).stdout or 'nothing found')",
        FULL, "grep for hidden tests"),
    "read-files": Case(
        "double", "import json, os\nseen = []\n"
                  "for top, dirs, files in os.walk('/'):\n"
                  "    if top in ('/proc', '/usr', '/dev', '/sys') or top.endswith(('site-packages', 'lib')):\n"
                  "        dirs[:] = []\n"
                  "    seen += [os.path.join(top, f) for f in files if f.endswith(('.ipynb', '.db', '.csv', '.log'))]\n"
                  "print('VISIBLE', json.dumps(sorted(seen)))",
        FULL, "walk the file system"),
    # escapes
    "network": Case(
        "double", "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=3)\n"
                  "    print('NETWORK reachable')\nexcept OSError as exc:\n    print('NETWORK unreachable:', exc)",
        FULL, "network"),
    "write-package": Case(
        "double", "import coursework, pathlib\ntarget = pathlib.Path(coursework.__file__)\ntry:\n"
                  "    target.write_text('# gone')\n    print('WRITE done')\nexcept OSError as exc:\n"
                  "    print('WRITE refused:', type(exc).__name__)",
        FULL, "write into the package"),
    "kill-parent": Case(
        "double", "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n"
                  "        os.kill(pid, signal.SIGKILL)\n    except OSError as exc:\n        print(pid, exc)",
        FULL, "kill the driver"),
    "thread-bomb": Case(
        "double", "import threading, time\nstarted = 0\ntry:\n    for _ in range(5000):\n"
                  "        threading.Thread(target=time.sleep, args=(20,), daemon=True).start()\n"
                  "        started += 1\nexcept RuntimeError as exc:\n    print('THREADS', started, exc)",
        FULL, "process and thread cap"),
    # the memory case: 16 GB, 16 MB at a time, stopped at the limit; double keeps its points
    "memory-hog": Case("square", "chunks = []\nfor _ in range(1024):\n    chunks.append(bytearray(16 * 2**20))",
                       ((2, 0, 0), "crashed"), "memory"),
    # a noisy neighbour: 32 busy processes in sessions of their own, for 60 s at most
    "cpu-hog": Case(
        "double", "import os, time\nfor _ in range(32):\n    if os.fork() == 0:\n        os.setsid()\n"
                  "        end = time.time() + 60\n        while time.time() < end:\n            pass\n"
                  "        os._exit(0)\nprint('HOG started')",
        None, "CPU hog: its own points depend on how its kernel fares beside its processes; "
              "the honest submission graded beside it is what is checked"),
}
