"""The flag rule on a synthetic class of notebook 02 (its released stubs as the baseline)."""

from __future__ import annotations

import pytest

from coursework.similarity.compare import Answers, Rule, compare_class
from coursework.similarity.load import answer_cells
from tests.similarity import synthetic


def compare(released, stubs, students):
    answers = [Answers(s, answer_cells(synthetic.submission(released, a), released)) for s, a in students.items()]
    return compare_class(synthetic.NOTEBOOK, answers, stubs)


def test_independent_answers_are_not_flagged(released, stubs):
    result = compare(released, stubs, synthetic.INDEPENDENT)
    assert len(result.students) == len(synthetic.INDEPENDENT)
    assert result.flagged == ()
    assert result.pairs and max(p.score for p in result.pairs) < result.threshold


def test_a_renamed_reordered_copy_is_flagged(released, stubs):
    result = compare(released, stubs, {**synthetic.INDEPENDENT, "zoe": synthetic.COPY_OF_GINA})
    assert [(p.a, p.b) for p in result.flagged] == [("gina", "zoe")]
    top, second = result.pairs[0], result.pairs[1]
    assert top.score >= 0.9 and second.score < 0.5
    assert result.shared_cells(top) == [synthetic.CROSS_ENTROPY, synthetic.SOFTMAX]


def test_a_copy_of_one_exercise_is_flagged(released, stubs):
    own = """def cross_entropy(y_true, y_pred):
    picked = np.take_along_axis(np.asarray(y_pred), np.argmax(y_true, axis=1)[:, None], axis=1)
    return float(-np.log(np.maximum(picked, 1e-7)).mean())
"""
    half = {synthetic.SOFTMAX: synthetic.COPY_OF_GINA[synthetic.SOFTMAX], synthetic.CROSS_ENTROPY: own}
    result = compare(released, stubs, {**synthetic.INDEPENDENT, "zoe": half})
    assert [(p.a, p.b) for p in result.flagged] == [("gina", "zoe")]


def test_the_starter_code_alone_is_not_evidence(released, stubs):
    starter = {gid: src + "\n# I tried\n" for gid, src in stubs.items()}
    students = {**synthetic.INDEPENDENT, "sam": None, "tom": starter, "una": None}
    result = compare(released, stubs, students)
    assert set(result.unanswered) == {"sam", "tom", "una"}
    assert result.flagged == ()
    assert not any({p.a, p.b} & {"sam", "tom", "una"} for p in result.pairs)


def test_an_unanswered_class_is_not_flagged(released, stubs):
    result = compare(released, stubs, {s: None for s in ("a", "b", "c")})
    assert (result.students, result.pairs, result.n_pairs, result.flagged) == ((), (), 0, ())
    assert result.scores() == []


def test_the_released_solution_twice_is_flagged(released, stubs):
    """Two identical real answers (the instructor's solution) against the class."""
    from tests.conftest import REPO_ROOT

    solution = answer_cells(synthetic.read(REPO_ROOT / "notebooks" / synthetic.NOTEBOOK))
    result = compare(released, stubs, {**synthetic.INDEPENDENT, "x": solution, "y": solution})
    assert [(p.a, p.b) for p in result.flagged] == [("x", "y")]


def test_a_class_of_300_is_compared_in_near_linear_work(stubs):
    """Each student's fingerprints are computed once and pairs meet only
    through shared fingerprints; this class (7 answers renamed 300 times,
    far more alike than a real class) must still take seconds, not minutes."""
    import time

    students = synthetic.large_class(300)
    start = time.perf_counter()
    result = compare_class(synthetic.NOTEBOOK, [Answers(s, a) for s, a in students.items()], stubs)
    assert time.perf_counter() - start < 60
    assert result.n_pairs == 300 * 299 // 2 and len(result.students) == 300


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="min_score must be between 0 and 1"):
        Rule(min_score=2)
    with pytest.raises(ValueError, match="min_shared"):
        Rule(min_shared=0)


def test_two_students_are_judged_by_min_score_alone(released, stubs):
    result = compare(released, stubs, {"gina": synthetic.INDEPENDENT["gina"], "zoe": synthetic.COPY_OF_GINA})
    assert [(p.a, p.b) for p in result.flagged] == [("gina", "zoe")]
    result = compare(released, stubs, {s: synthetic.INDEPENDENT[s] for s in ("ana", "ben")})
    assert result.flagged == ()


def test_code_most_of_the_class_shares_is_not_evidence(released, stubs):
    """A helper everyone took from the lecture is the usual way, not a copy."""
    helper = "\n\ndef _check(values):\n    if np.any(np.isnan(values)):\n        raise ValueError('NaN in the input')\n"
    students = {s: {gid: src + helper for gid, src in a.items()} for s, a in synthetic.INDEPENDENT.items()}
    result = compare(released, stubs, students)
    assert result.flagged == ()
    assert result.pairs[0].score < 0.5  # the helper added nothing to any pair


def test_an_answer_cell_that_lost_its_metadata_is_found_by_its_id(released):
    nb = synthetic.submission(released, synthetic.COPY_OF_GINA)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == synthetic.SOFTMAX:
            del cell.metadata["nbgrader"]
    assert synthetic.SOFTMAX not in answer_cells(nb)
    assert answer_cells(nb, released) == synthetic.COPY_OF_GINA


def test_pairs_with_nothing_in_common_cost_nothing(stubs, monkeypatch):
    """The work is the (fingerprint, pair) coincidences, not all pairs: 300
    students with nothing in common make no pair at all."""
    from coursework.similarity import compare as module

    visited = []

    def counting(items, r):
        for pair in module_combinations(items, r):
            visited.append(pair)
            yield pair

    module_combinations = module.combinations
    monkeypatch.setattr(module, "combinations", counting)
    answer = "def softmax(z, T=1.0):\n    return np.f{i}(z).g{i}().h{i}().k{i}()\n"  # every k-gram its own
    students = [Answers(f"s{i:03d}", {synthetic.SOFTMAX: answer.format(i=i)}) for i in range(300)]
    result = compare_class(synthetic.NOTEBOOK, students, stubs)
    assert (len(result.students), result.n_pairs, visited, result.pairs) == (300, 44850, [], ())
    assert result.scores() == [0.0] * 44850
