"""Hostile submissions of the synthetic notebook: tamper and escape attempts.

Each :class:`Case` is the released notebook with some answer cells replaced
(:func:`tests.grading.synthetic.answered`; unlisted answers keep the stub),
and what grading must give it twice: with every defence (``screened``) and
with the static screen off, so that the guard in the kernel and the sandbox
are tested on their own (``inside``).  Each expectation is the points of
the three exercises (double 2, square 3, mean 1) and the status.  Without
the defences, most of these would earn points they did not earn: the
comment says how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.grading.synthetic import STUB

DOUBLE = "def double(x):\n    return x + x"
SQUARE = "def square(x):\n    return x * x"
MEAN = "def mean(xs):\n    return sum(xs) / len(xs)"
MEMORY_LIMIT = 2**30  # the class is graded with a 1 GB limit


@dataclass(frozen=True)
class Case:
    """A hostile submission and what it must score (double, square, mean)."""

    answers: dict
    screened: tuple[tuple[float, float, float], str]
    inside: tuple[tuple[float, float, float], str]
    why: str


TAMPERED_ALL = ((0, 0, 0), "tampered")

CASES: dict[str, Case] = {
    # the one-liner: every later cell, hidden tests included, runs as `pass` (6/6 without defences)
    "input-transformer": Case(
        {"double": "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])",
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "IPython input transformer"),
    "input-transformer-post": Case(
        {"double": "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])",
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "IPython post-input transformer"),
    # the same hidden by exec() and a computed name: the screen sees exec, the guard the transformer
    "exec-obfuscated": Case(
        {"double": "exec('get_' + 'ipython().input_transformers_cleanup.append(lambda l: [\"pass\\\\n\"])')",
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "exec of a computed string"),
    # every assert, raise and expression statement of later cells becomes `pass` (6/6)
    "ast-transformer": Case(
        {"double": "import ast\n\nclass Nothing(ast.NodeTransformer):\n"
                   "    def visit_Assert(self, node):\n        return ast.Pass()\n"
                   "    visit_Raise = visit_Expr = visit_Assert\n\n"
                   "get_ipython().ast_transformers.append(Nothing())\n"
                   "def double(x):\n    return 0",
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "IPython AST transformer"),
    # exceptions handled by a custom handler that shows nothing: no error output (6/6)
    "custom-exception": Case(
        {"double": "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n"
                   "def double(x):\n    return 0",
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "set_custom_exc"),
    # IPython's own run_cell replaced: later cells run `pass` (6/6)
    "patched-run-cell": Case(
        {"double": "shell = get_ipython()\nrun = shell.run_cell\n"
                   "shell.run_cell = lambda raw_cell, *args, **kwargs: run('pass', *args, **kwargs)\n"
                   "shell.run_cell_async = lambda *args, **kwargs: shell.run_cell('pass')",
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "patched shell"),
    # an event callback before every cell: double keeps the 2 points earned before it
    "pre-run-cell-event": Case(
        {"square": "get_ipython().events.register('pre_run_cell', lambda info: None)\n" + SQUARE, "mean": MEAN},
        ((2, 0, 0), "tampered"), ((2, 0, 0), "tampered"), "IPython event"),
    "settrace": Case(
        {"square": "import sys\nsys.settrace(lambda frame, event, arg: None)\n" + SQUARE, "mean": MEAN},
        ((2, 0, 0), "tampered"), ((2, 0, 0), "tampered"), "sys.settrace"),
    "setprofile": Case(
        {"square": SQUARE, "mean": "import sys\nsys.setprofile(lambda frame, event, arg: None)\n" + MEAN},
        ((2, 3, 0), "tampered"), ((2, 3, 0), "tampered"), "sys.setprofile"),
    # numpy.testing's assert replaced: a wrong mean passes (1 point)
    "monkeypatch-numpy": Case(
        {"square": SQUARE, "mean": "import numpy\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
                                   "def mean(xs):\n    return 0"},
        ((2, 3, 0), "tampered"), ((2, 3, 0), "tampered"), "numpy.testing patched"),
    # the same through an alias the screen does not follow: the guard sees it
    "monkeypatch-alias": Case(
        {"square": SQUARE, "mean": "from numpy import testing\nt = testing\n"
                                   "t.assert_allclose = lambda *a, **k: None\ndef mean(xs):\n    return 0"},
        ((2, 3, 0), "tampered"), ((2, 3, 0), "tampered"), "numpy.testing patched through an alias"),
    "builtins": Case(
        {"double": "import builtins\nbuiltins.AssertionError = Warning\ndef double(x):\n    return 0",
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "builtins patched"),
    # an answer equal to anything: `assert double(2) == 4` passes (5 points)
    "always-equal": Case(
        {"double": "class Anything:\n    def __eq__(self, other):\n        return True\n\n"
                   "def double(x):\n    return Anything()",
         "square": "def square(x):\n    return Anything()", "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "__eq__ that returns True"),
    # the same built with type() and a computed name: only the guard's comparison check sees it
    "always-equal-obfuscated": Case(
        {"double": "Anything = type('Anything', (), {'__e' + 'q__': lambda self, other: True})\n"
                   "def double(x):\n    return Anything()",
         "square": "def square(x):\n    return Anything()", "mean": STUB},
        TAMPERED_ALL, TAMPERED_ALL, "__eq__ hidden in type()"),
    "stderr-hidden": Case(
        {"square": SQUARE, "mean": "import io, sys\nsys.stderr = io.StringIO()\n" + MEAN},
        ((2, 3, 0), "tampered"), ((2, 3, 0), "tampered"), "sys.stderr replaced"),
    # a proof line printed by the answer: forged proofs count for nothing
    "forged-proof": Case(
        {"double": "def double(x):\n    print('[coursework-guard] ok ' + '0' * 64)\n    return 0",
         "square": STUB, "mean": STUB},
        ((0, 0, 0), "ok"), ((0, 0, 0), "ok"), "forged proof"),
    "read-history": Case(
        {"double": "print(len(In), len(_ih))\n" + DOUBLE, "square": STUB, "mean": STUB},
        TAMPERED_ALL, ((2, 0, 0), "ok"), "IPython's history"),
    # escapes: the grep, the file system, the network, the package, the parent, processes, memory
    "grep-hidden-tests": Case(
        {"double": "import subprocess\nprint(subprocess.run(['grep', '-rl', 'BEGIN HIDDEN TESTS', '/', "
                   "'--include=*.ipynb', '--exclude-dir=proc', '--exclude-dir=usr'], "
                   "capture_output=True, text=True).stdout or 'nothing found')\n" + DOUBLE,
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, ((2, 0, 0), "ok"), "grep for hidden tests"),
    "read-files": Case(
        {"double": "import json, os\nseen = []\n"
                   "for top, dirs, files in os.walk('/'):\n"
                   "    if top in ('/proc', '/usr', '/dev', '/sys') or top.endswith(('site-packages', 'lib')):\n"
                   "        dirs[:] = []\n"
                   "    seen += [os.path.join(top, f) for f in files if f.endswith(('.ipynb', '.db', '.csv', '.log'))]\n"
                   "print('VISIBLE', json.dumps(sorted(seen)))\n" + DOUBLE,
         "square": STUB, "mean": STUB},
        ((2, 0, 0), "ok"), ((2, 0, 0), "ok"), "walk the file system"),
    "network": Case(
        {"double": "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=3)\n"
                   "    print('NETWORK reachable')\nexcept OSError as exc:\n    print('NETWORK unreachable:', exc)\n"
                   + DOUBLE,
         "square": STUB, "mean": STUB},
        ((2, 0, 0), "ok"), ((2, 0, 0), "ok"), "network"),
    "write-package": Case(
        {"double": "import coursework, pathlib\ntarget = pathlib.Path(coursework.__file__)\ntry:\n"
                   "    target.write_text('# gone')\n    print('WRITE done')\nexcept OSError as exc:\n"
                   "    print('WRITE refused:', type(exc).__name__)\n" + DOUBLE,
         "square": STUB, "mean": STUB},
        ((2, 0, 0), "ok"), ((2, 0, 0), "ok"), "write into the package"),
    "kill-parent": Case(
        {"double": "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n"
                   "        os.kill(pid, signal.SIGKILL)\n    except OSError as exc:\n        print(pid, exc)\n" + DOUBLE,
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, ((2, 0, 0), "ok"), "kill the driver"),
    "thread-bomb": Case(
        {"double": "import threading, time\nstarted = 0\ntry:\n    for _ in range(5000):\n"
                   "        threading.Thread(target=time.sleep, args=(20,), daemon=True).start()\n"
                   "        started += 1\nexcept RuntimeError as exc:\n    print('THREADS', started, exc)\n" + DOUBLE,
         "square": STUB, "mean": STUB},
        TAMPERED_ALL, ((2, 0, 0), "ok"), "process and thread cap"),
    # the memory case: 16 GB, 16 MB at a time, stopped at the limit; double keeps its points
    "memory-hog": Case(
        {"square": "chunks = []\nfor _ in range(1024):\n    chunks.append(bytearray(16 * 2**20))\n" + SQUARE,
         "mean": MEAN},
        ((2, 0, 0), "crashed"), ((2, 0, 0), "crashed"), "memory"),
}
