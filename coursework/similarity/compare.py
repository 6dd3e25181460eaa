"""Compare the answers of a class, one notebook at a time.

Evidence is what a student wrote in the answer cells and nobody was given:

1. each answer cell's fingerprints (:mod:`.fingerprint`), keyed by the
   cell's ``grade_id`` (a match counts only within the same exercise);
2. minus every k-gram of the released stub of that cell (the starter code
   students were given, ``raise NotImplementedError`` included);
3. minus the fingerprints whose k-gram more than ``common`` of the
   answering students have (at least 3 of them): the usual way of writing a
   line, not a copy (MOSS's ``-m`` option).

The score of a pair is the Jaccard index of their evidence sets, over the
whole notebook or over one answer cell where they share at least
``min_shared`` fingerprints, whichever is higher (a copy of one exercise
among several is found too).  Pairs are
counted through an inverted index (fingerprint -> students), so the work is
the number of (fingerprint, pair) coincidences, not all pairs times all
fingerprints: pairs with nothing in common cost nothing.

A pair is *flagged* when its score is at least ``min_score``, it shares at
least ``min_shared`` fingerprints, and the score is an outlier of the
class: above the median of all pairs' scores by more than ``mads`` scaled
median absolute deviations (1.4826 x MAD, at least ``min_spread``).  With
fewer than 3 pairs (2 students) there is no class to stand out of, and
``min_score`` alone decides.
"""

from __future__ import annotations

import functools
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .fingerprint import Fingerprint, kgram_hashes, tokens, units, winnow

__all__ = ["Rule", "Answers", "Pair", "NotebookSimilarity", "compare_class", "matching_regions"]

Key = tuple[str, int]  # (grade_id, hash)


@dataclass(frozen=True)
class Rule:
    """When a pair is flagged (see the module doc)."""

    min_score: float = 0.6
    min_shared: int = 4
    mads: float = 4.0
    min_spread: float = 0.05
    common: float = 0.5

    def __post_init__(self) -> None:
        for name in ("min_score", "common", "min_spread"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1. Got {value!r} instead.")
        if self.min_shared < 1 or self.mads < 0:
            raise ValueError(f"min_shared must be >= 1 and mads >= 0. Got {self.min_shared!r}, {self.mads!r}.")


@dataclass(frozen=True)
class Answers:
    """One student's answer cells of one notebook: ``{grade_id: source}``."""

    student: str
    cells: Mapping[str, str]


@dataclass(frozen=True)
class Pair:
    """Two students' similarity: Jaccard ``score`` of ``shared`` fingerprints."""

    a: str
    b: str
    score: float
    shared: int
    flagged: bool


@dataclass(frozen=True)
class NotebookSimilarity:
    """A notebook's class comparison.

    ``pairs`` holds the pairs with anything in common, highest score first;
    the other ``n_pairs - len(pairs)`` pairs score 0.  ``evidence`` maps a
    student to ``{key: [(grade_id, fingerprint)...]}`` for highlighting.
    """

    notebook: str
    students: tuple[str, ...]
    unanswered: tuple[str, ...]
    pairs: tuple[Pair, ...]
    n_pairs: int
    median: float
    spread: float
    threshold: float
    rule: Rule
    stubs: Mapping[str, str] = field(repr=False)
    answers: Mapping[str, Mapping[str, str]] = field(repr=False)
    evidence: Mapping[str, Mapping[Key, list[tuple[str, Fingerprint]]]] = field(repr=False)

    @property
    def flagged(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.flagged)

    def scores(self) -> list[float]:
        """Every pair's score, zeros included."""
        return [p.score for p in self.pairs] + [0.0] * (self.n_pairs - len(self.pairs))

    def shared_keys(self, pair: Pair) -> set[Key]:
        return set(self.evidence[pair.a]) & set(self.evidence[pair.b])

    def shared_cells(self, pair: Pair) -> list[str]:
        """The ``grade_id`` of each answer cell where the pair matches."""
        return sorted({gid for gid, _ in self.shared_keys(pair)})


@functools.lru_cache(maxsize=64)
def _baseline(stub: str) -> frozenset[int]:
    """Every k-gram hash of a released stub (not only the winnowed ones)."""
    return frozenset(fp.hash for unit in units(tokens(stub)) for fp in kgram_hashes(unit))


@functools.lru_cache(maxsize=1024)
def _all_kgrams(source: str) -> tuple[Fingerprint, ...]:
    return tuple(fp for unit in units(tokens(source)) for fp in kgram_hashes(unit))


def matching_regions(a: str, b: str, stub: str = "") -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character spans of ``a`` and of ``b`` covered by k-grams the two
    have in common and ``stub`` has not: every k-gram, not only the winnowed
    ones, so the whole matching region is shown."""
    given = _baseline(stub)
    grams_a, grams_b = _all_kgrams(a), _all_kgrams(b)
    common = ({g.hash for g in grams_a} & {g.hash for g in grams_b}) - given
    return ([(g.start, g.end) for g in grams_a if g.hash in common],
            [(g.start, g.end) for g in grams_b if g.hash in common])


def _evidence(answers: Answers, stubs: Mapping[str, str]) -> tuple[dict[Key, list[tuple[str, Fingerprint]]], set[Key]]:
    """A student's winnowed fingerprints not in the stubs, and the keys of
    all their k-grams (to tell which are common: winnowing picks a k-gram
    that everyone has in some answers and not in others)."""
    found: dict[Key, list[tuple[str, Fingerprint]]] = defaultdict(list)
    every: set[Key] = set()
    for gid, source in answers.cells.items():
        given = _baseline(stubs.get(gid, ""))
        for unit in units(tokens(source)):
            grams = kgram_hashes(unit)
            every.update((gid, g.hash) for g in grams)
            for fp in winnow(grams):
                if fp.hash not in given:
                    found[(gid, fp.hash)].append((gid, fp))
    return dict(found), every


def _stats(scores: Sequence[float], rule: Rule) -> tuple[float, float, float]:
    """(median, spread, threshold) of a class's pair scores."""
    if len(scores) < 3:  # no distribution to stand out of: min_score alone
        return (statistics.median(scores) if scores else 0.0), rule.min_spread, rule.min_score
    median = statistics.median(scores)
    mad = statistics.median(abs(s - median) for s in scores)
    spread = max(1.4826 * mad, rule.min_spread)
    return median, spread, max(rule.min_score, median + rule.mads * spread)


def _pair_scores(
    evidence: Mapping[str, Mapping[Key, object]], answered: list[str], min_shared: int
) -> tuple[dict[tuple[str, str], float], Counter[tuple[str, str]]]:
    """Each pair's score and shared fingerprints, through an inverted index:
    only pairs that share something are ever touched."""
    holders: dict[Key, list[str]] = defaultdict(list)
    sizes: Counter[tuple[str, str]] = Counter()  # (student, grade_id) -> fingerprints
    for s in answered:
        for key in evidence[s]:
            holders[key].append(s)
            sizes[s, key[0]] += 1
    shared: Counter[tuple[str, str]] = Counter()
    per_cell: Counter[tuple[str, str, str]] = Counter()
    for (gid, _), students in holders.items():
        for a, b in combinations(students, 2):  # students are sorted, so a < b
            shared[a, b] += 1
            per_cell[a, b, gid] += 1
    raw = {(a, b): n / (len(evidence[a]) + len(evidence[b]) - n) for (a, b), n in shared.items()}
    for (a, b, gid), n in per_cell.items():
        if n >= min_shared:
            raw[a, b] = max(raw[a, b], n / (sizes[a, gid] + sizes[b, gid] - n))
    return raw, shared


def compare_class(
    notebook: str, answers: Sequence[Answers], stubs: Mapping[str, str], *, rule: Rule = Rule()
) -> NotebookSimilarity:
    """Score every pair of ``answers`` (one per student) against the
    released ``stubs`` (``{grade_id: released source}``); see the module doc."""
    found = {a.student: _evidence(a, stubs) for a in answers}
    evidence = {s: keys for s, (keys, _) in found.items()}
    answered = sorted(s for s, keys in evidence.items() if keys)
    counts = Counter(key for s in answered for key in found[s][1])
    too_common = max(2, rule.common * len(answered))
    for s in answered:
        evidence[s] = {k: v for k, v in evidence[s].items() if counts[k] <= too_common}
    raw, shared = _pair_scores(evidence, answered, rule.min_shared)
    n_pairs = len(answered) * (len(answered) - 1) // 2
    scores = list(raw.values()) + [0.0] * (n_pairs - len(raw))
    median, spread, threshold = _stats(scores, rule)
    pairs = sorted(
        (Pair(a, b, score, shared[a, b], score >= threshold and shared[a, b] >= rule.min_shared)
         for (a, b), score in raw.items()),
        key=lambda p: (-p.score, p.a, p.b),
    )
    return NotebookSimilarity(
        notebook, tuple(answered), tuple(sorted(s for s in evidence if s not in answered)), tuple(pairs), n_pairs,
        median, spread, threshold, rule, dict(stubs), {a.student: dict(a.cells) for a in answers}, evidence,
    )
