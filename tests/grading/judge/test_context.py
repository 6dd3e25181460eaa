"""What the judge takes from the released notebook, and what it asks the kernel."""

from __future__ import annotations

import ast

from coursework.grading.judge.context import free_names, lesson_context

LESSON = [
    "import os\ntry:\n    import coursework\nexcept ImportError:\n    import sys\n",
    "import numpy as np\nimport keras\n%matplotlib inline",
    "INPUTS = np.array([[0, 0], [0, 1]], dtype='float32')\nSCALE = 2 * len(INPUTS)\n"
    "def helper(x):\n    return x * SCALE + OFFSET\n",
    "x_train = load_data()\nOFFSET = x_train.mean()\nLATER = 1\n",
    "LATER = 2\nsteps = np.arange(3)\n",
]
OTHER = ["def answer(x):\n    raise NotImplementedError", "assert answer(2) == helper(1)\nw_hand = 3\n"]


def test_imports_helpers_and_pure_constants_are_trusted():
    context = lesson_context(LESSON, OTHER)
    assert {"os", "coursework", "sys", "np", "keras"} <= set(context.imports)
    assert set(context.definitions) == {"INPUTS", "SCALE", "helper", "steps"}


def test_a_check_binds_trusted_names_and_asks_the_kernel_for_the_rest():
    context = lesson_context(LESSON, OTHER)
    namespace: dict = {}
    test = ast.parse("assert answer(INPUTS).shape == helper(x_train).shape\nw_hand\nLATER")
    remote = context.build(free_names(test), namespace)
    assert remote == {"answer", "x_train", "w_hand", "LATER", "OFFSET"}  # OFFSET: read by helper
    assert namespace["SCALE"] == 4 and namespace["np"].__name__ == "numpy"
    assert "keras" not in namespace, "only what the check needs is imported"


def test_names_bound_by_answer_cells_are_never_trusted():
    context = lesson_context(["def answer(x):\n    return 1\nnp_alias = 3"], ["def answer(x):\n    return 2"])
    assert "answer" not in context.definitions and "np_alias" in context.definitions


def test_free_names_leave_out_what_the_cell_binds_and_builtins():
    tree = ast.parse("def f(a):\n    return a + b\nfor i in range(3):\n    c = f(i)\nprint(c, d)")
    assert free_names(tree) == {"b", "d"}


def test_a_class_attribute_or_a_parameter_does_not_bind_a_global():
    tree = ast.parse("class Like:\n    history = 1\n\ndef f(history):\n    return history\n"
                     "assert best(history) == best(Like())")
    assert free_names(tree) == {"best", "history"}
