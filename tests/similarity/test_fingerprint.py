"""Fingerprints: what they ignore (names, comments, order) and what they keep."""

from __future__ import annotations

from coursework.similarity.fingerprint import K, WINDOW, fingerprints, tokens

ORIGINAL = '''
def _shift(x):
    # largest value first
    return x - np.max(x, axis=-1, keepdims=True)


def softmax(z, T=1.0):
    """Softmax."""
    e = np.exp(_shift(np.asarray(z, dtype=float) / T))
    return e / e.sum(axis=-1, keepdims=True)
'''

RENAMED_AND_REORDERED = '''
def softmax(z, T=1.0):
    exps = np.exp(_minus_top(np.asarray(z, dtype=float) / T))  # stable
    return exps / exps.sum(axis=-1, keepdims=True)


def _minus_top(values):
    """Subtract the maximum."""
    return values - np.max(values, axis=-1, keepdims=True)
'''


def hashes(source: str) -> set[int]:
    return {fp.hash for fp in fingerprints(source)}


def test_names_comments_docstrings_and_helper_order_do_not_matter():
    assert hashes(ORIGINAL) == hashes(RENAMED_AND_REORDERED)
    assert len(hashes(ORIGINAL)) >= 5


def test_the_api_and_the_shape_of_the_code_matter():
    other_api = ORIGINAL.replace("np.max", "np.min")
    assert hashes(other_api) != hashes(ORIGINAL)
    texts = [t.text for t in tokens("y = np.sum(x, axis=0)  # total\n")]
    assert texts == ["V", "=", "V", ".", "sum", "(", "V", ",", "axis", "=", "N", ")", ";"]


def test_a_def_parameter_is_a_name_a_call_keyword_is_kept():
    assert [t.text for t in tokens("def f(a, eps=1e-7):\n    pass\n")][:8] == ["def", "V", "(", "V", ",", "V", "=", "N"]


def test_statements_swapped_in_a_body_keep_their_fingerprints():
    a = "def f(x):\n    y = np.exp(x - 1)\n    w = np.log(x + 2)\n    return y + w\n"
    b = "def f(x):\n    w = np.log(x + 2)\n    y = np.exp(x - 1)\n    return y + w\n"
    assert hashes(a) == hashes(b)


def test_winnowing_finds_every_long_enough_match():
    shared = "q = np.where(np.abs(a - b) > 0.5 * c, np.sqrt(a * a + b * b), np.minimum(a, b) / 2)\n"
    assert len(tokens(shared)) >= K + WINDOW - 1
    one = "def f(a, b, c):\n    s = list(range(10))\n" + "    " + shared + "    return q\n"
    two = "for i in range(3):\n    print(i, i ** 2)\n" + shared
    assert hashes(one) & hashes(two)


def test_broken_code_and_magics_do_not_raise():
    assert fingerprints("def f(:\n  return [1, 2\n") is not None
    src = "%timeit softmax(x)\n!pip install numpy\ny = np.exp(x) / np.exp(x).sum()\n"
    assert {t.text for t in tokens(src)} >= {"exp", "sum"}
    assert "timeit" not in {t.text for t in tokens(src)}
    assert fingerprints("") == []
