"""Every sentence that compares the course's trained numbers holds on every seed.

A comparing sentence in a notebook's markdown either carries a marker
``<!-- claim: NN/name -->`` naming a claim of :mod:`coursework.claims`,
which must hold on every seed of ``coursework/measured/NN.json``, or points
at the cell that computes the comparison ("the cell prints ...").  See
``notebooks/README.md``, "Claims in the prose".
"""

from __future__ import annotations

import re

import nbformat
import pytest

from coursework.claims import CLAIMS, MARKER, Claim, UnknownMetric, claims_of, failing_seeds, seed_metrics
from tests.conftest import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

#: Wording that compares or characterises results: such a sentence needs a claim.
COMPARING = re.compile(
    r"\b(beats|outperforms?|better than|worse than|ahead of|higher than|lower than"
    r"|on (every|all) seeds?|(falls?|rises?|grows?|drops?|improves?) (at|in) (every|each|most) epochs?)\b",
    re.IGNORECASE)
#: A sentence that points at the cell computing its comparison needs no claim.
COMPUTED = re.compile(r"\b(the (cell|last line)|prints?|printed|checks?|computes?|computed|counts?)\b",
                      re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n\s*\n")


def markdown(path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def markers(path) -> list[str]:
    return [name for source in markdown(path) for name in MARKER.findall(source)]


def unbacked(source: str) -> list[str]:
    """The comparing sentences of a markdown text with neither a claim marker nor a computing cell.

    A sentence runs from the previous sentence end to the next one; a marker
    right after its end belongs to it. Questions claim nothing.
    """
    found = []
    for match in COMPARING.finditer(source):
        ends = [m.end() for m in SENTENCE_END.finditer(source)]
        start = max([e for e in ends if e <= match.start()], default=0)
        end = min([e for e in ends if e > match.end()], default=len(source))
        end += len(re.match(r"\s*(<!--.*?-->)?", source[end:]).group(0))
        sentence = source[start:end]
        if not (MARKER.search(sentence) or COMPUTED.search(sentence) or sentence.rstrip().endswith("?")):
            found.append(" ".join(sentence.split()))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markers_name_claims_of_their_notebook(path):
    for source in markdown(path):  # at a line's start a comment would open an HTML block
        assert not re.search(r"^\s*<!--\s*claim", source, re.MULTILINE), f"{path.name}: a marker starts a line"
    for name in markers(path):
        assert name in CLAIMS, f"{path.name}: marker names no registered claim {name!r} (coursework/claims.py)"
        assert name[:2] == path.name[:2], f"{path.name}: marker {name!r} is another notebook's claim"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_claim_is_used_in_its_notebook(path):
    unused = {c.name for c in claims_of(path.name)} - set(markers(path))
    assert not unused, f"{path.name}: registered claims no sentence carries: {sorted(unused)}"


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_claim_holds_on_every_seed(name):
    failing = failing_seeds(name)
    assert not failing, (f"{name} ({CLAIMS[name].statement}) fails on seeds {failing}: "
                         "rewrite the sentence to say what holds, then the claim")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_comparing_sentences_carry_a_claim(path):
    found = [s for source in markdown(path) for s in unbacked(source)]
    assert not found, f"{path.name}: comparing sentences without a claim marker or a computing cell: {found}"


def test_a_false_claim_fails():
    seeds = list(seed_metrics("05"))
    planted = Claim("05/planted", "the linear model beats the MLP",
                    lambda m: m["linear_test_accuracy"] > m["mlp_test_accuracy"])
    assert failing_seeds(planted) == seeds
    median = sorted(m["mlp_test_accuracy"] for m in seed_metrics("05").values())[5]
    some = Claim("05/some", "the MLP is above its median", lambda m: m["mlp_test_accuracy"] > median)
    assert 0 < len(failing_seeds(some)) < len(seeds)


def test_an_unknown_metric_is_a_clear_error():
    typo = Claim("05/typo", "a misspelt metric", lambda m: m["mlp_test_acuracy"] > 0)
    with pytest.raises(UnknownMetric, match="mlp_test_acuracy.*measured file"):
        failing_seeds(typo)


def test_the_lint_flags_an_unbacked_comparison():
    assert unbacked("The MLP beats the linear model. Fine.") == ["The MLP beats the linear model."]
    assert unbacked("The MLP beats the linear model. <!-- claim: 05/x --> Fine.") == []
    assert unbacked("The MLP beats the linear model (the cell prints by how much).") == []
    assert unbacked("Does the MLP do better than the linear model?") == []
    assert unbacked("The loss falls at most epochs\n\nNext paragraph.") == ["The loss falls at most epochs"]
