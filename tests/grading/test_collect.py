"""collect: which file of a student's folder is graded as which notebook."""

from __future__ import annotations

from coursework.grading.collect import find_submission


def test_find_submission_layouts(tmp_path):
    name = "02_softmax.ipynb"
    ann, bob, cy, dee = (tmp_path / s for s in ("ann", "bob", "cy", "dee"))
    for folder, files in (
        (ann, [name]),
        (bob, ["02_softmax/" + name]),  # nbgrader's submitted/ layout
        (cy, ["Copy of 02_softmax.ipynb", ".ipynb_checkpoints/02_softmax-checkpoint.ipynb"]),
        (dee, ["02_softmax (1).ipynb", "02_softmax (2).ipynb"]),  # ambiguous
    ):
        for file in files:
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            (folder / file).write_text("{}")
    assert find_submission(ann, name) == (ann / name, None)
    assert find_submission(bob, name) == (bob / "02_softmax" / name, None)
    assert find_submission(cy, name) == (cy / "Copy of 02_softmax.ipynb",
                                         "graded 'Copy of 02_softmax.ipynb' as 02_softmax.ipynb")
    assert find_submission(dee, name) == (None, None)
    assert find_submission(ann, "03_other.ipynb") == (None, None)
