"""The similarity report: one self-contained HTML file.

For each notebook: the class's distribution of pair scores (a table with a
text bar), the highest-scoring pairs, and each flagged pair's answers side
by side with the matching code marked (``<mark>``, bold and underlined, and
a ``▸`` before each line holding a match, so colour is never the only cue).
No script, no external file: it opens offline.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

from .compare import NotebookSimilarity, Pair, matching_regions
from .fingerprint import K

__all__ = ["CANNOT_SEE", "render_report", "write_report"]

#: What a fingerprint comparison cannot tell (stated in every report).
CANNOT_SEE = (
    "The same idea written independently: short exercises have few ways to be solved, and two students "
    "may write the same code without seeing each other's.",
    "Code shared before the assignment (a study group, a lecture example, last year's solutions) looks "
    "like copying, and copying from a source outside the class matches nobody.",
    "Help from outside tools (an AI assistant, a web search): two students given similar code by the same "
    "tool can match; one who rewrote a copy thoroughly, or in another style, may not.",
    "Anything outside the answer cells (prose answers, lesson cells, outputs) and answers written in cells "
    "the released notebook did not mark as answer cells.",
)

_CSS = """
body{font-family:system-ui,sans-serif;max-width:80rem;margin:1rem auto;padding:0 1rem;line-height:1.45;color:#111}
table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #555;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{margin:0;white-space:pre-wrap;font-size:.9rem}
.side td{width:50%}
mark{background:#fde68a;color:#000;font-weight:bold;text-decoration:underline}
.bar{font-family:monospace}
"""
_BINS = 10


def _e(text: object) -> str:
    return html.escape(str(text))


def _mask(source: str, spans: list[tuple[int, int]]) -> list[bool]:
    in_match = [False] * len(source)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(source))):
            in_match[i] = True
    return in_match


def _code(source: str, spans: list[tuple[int, int]]) -> str:
    """``source`` as HTML lines, the characters in ``spans`` in ``<mark>``,
    a ``▸`` before each line that holds any."""
    marked = _mask(source, spans)
    lines, offset = [], 0
    for line in source.splitlines(keepends=True):
        text = line.rstrip("\n")
        indent = len(text) - len(text.lstrip())
        flags = [False] * indent + marked[offset + indent:offset + len(text)]
        parts, i = [], 0
        while i < len(text):
            j = i
            while j < len(text) and flags[j] == flags[i]:
                j += 1
            chunk = _e(text[i:j])
            parts.append(f"<mark>{chunk}</mark>" if flags[i] and text[i:j].strip() else chunk)
            i = j
        lines.append(("▸ " if any(flags) else "  ") + "".join(parts))
        offset += len(line)
    return "<pre><code>" + "\n".join(lines) + "</code></pre>"


def _histogram(result: NotebookSimilarity) -> str:
    counts = [0] * _BINS
    for score in result.scores():
        counts[min(int(score * _BINS), _BINS - 1)] += 1
    top = max(counts) or 1
    rows = []
    for b, n in enumerate(counts):
        low, high = b / _BINS, (b + 1) / _BINS
        note = " (flag threshold)" if low <= result.threshold < high or (b == _BINS - 1 and result.threshold >= 1) \
            else ""
        bar = "█" * (0 if n == 0 else max(1, round(30 * n / top)))
        closing = "]" if b == _BINS - 1 else ")"
        rows.append(f"<tr><th scope='row'>[{low:.1f}, {high:.1f}{closing}{note}</th><td class='num'>{n}</td>"
                    f"<td class='bar' aria-hidden='true'>{bar}</td></tr>")
    return ("<table><caption>Pairs of students by score (Jaccard index of their answers' fingerprints)</caption>"
            "<thead><tr><th scope='col'>Score</th><th scope='col'>Pairs</th><th scope='col'>Bar</th></tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table>")


def _top(result: NotebookSimilarity, top: int) -> str:
    """The ``top`` highest-scoring pairs, and every flagged one."""
    if not result.pairs:
        return "<p>No two students share any fingerprint beyond the starter code.</p>"
    top = max([top] + [i + 1 for i, p in enumerate(result.pairs) if p.flagged])
    rows = "".join(
        f"<tr><td class='num'>{i}</td><td>{_e(p.a)}</td><td>{_e(p.b)}</td><td class='num'>{p.score:.2f}</td>"
        f"<td class='num'>{p.shared}</td><td>{'Yes: flagged' if p.flagged else 'No'}</td></tr>"
        for i, p in enumerate(result.pairs[:top], 1)
    )
    return ("<table><caption>Highest-scoring pairs</caption><thead><tr><th scope='col'>Rank</th>"
            "<th scope='col'>Student</th><th scope='col'>Student</th><th scope='col'>Score</th>"
            "<th scope='col'>Shared fingerprints</th><th scope='col'>Flagged</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _pair(result: NotebookSimilarity, pair: Pair, n: int) -> str:
    out = [f"<h3 id='{_e(result.notebook)}-pair-{n}'>Flagged pair {n}: {_e(pair.a)} and {_e(pair.b)} "
           f"(score {pair.score:.2f}, {pair.shared} shared fingerprints)</h3>"]
    for gid in result.shared_cells(pair):
        left = result.answers[pair.a].get(gid, "")
        right = result.answers[pair.b].get(gid, "")
        left_spans, right_spans = matching_regions(left, right, result.stubs.get(gid, ""))
        out.append(
            f"<table class='side'><caption>Answer cell {_e(gid)}</caption><thead><tr>"
            f"<th scope='col'>{_e(pair.a)}</th><th scope='col'>{_e(pair.b)}</th></tr></thead><tbody><tr>"
            f"<td>{_code(left, left_spans)}</td><td>{_code(right, right_spans)}</td></tr></tbody></table>"
        )
    return "\n".join(out)


def _notebook(result: NotebookSimilarity, unreadable: dict[str, str], top: int, show: int) -> str:
    flagged = result.flagged
    parts = [
        f"<section><h2 id='{_e(result.notebook)}'>{_e(result.notebook)}</h2>",
        f"<p>{len(result.students)} students answered; {result.n_pairs} pairs compared; "
        f"median score {result.median:.2f}; flag threshold {result.threshold:.2f}; "
        f"<strong>{len(flagged)} flagged pair{'s' if len(flagged) != 1 else ''}</strong>.</p>",
    ]
    if result.unanswered:
        parts.append(f"<p>Submitted only the starter code (not compared): {_e(', '.join(result.unanswered))}.</p>")
    if unreadable:
        items = "".join(f"<li>{_e(s)}: {_e(why)}</li>" for s, why in sorted(unreadable.items()))
        parts.append(f"<p>Could not be read (not compared):</p><ul>{items}</ul>")
    parts += ["<h3>Distribution of pair scores</h3>", _histogram(result), "<h3>Highest-scoring pairs</h3>",
              _top(result, top)]
    parts += [_pair(result, p, n) for n, p in enumerate(flagged[:show], 1)]
    if len(flagged) > show:
        parts.append(f"<p>The other {len(flagged) - show} flagged pairs are in the table above, not shown side "
                     f"by side (so many flagged pairs usually means a shared source: see what this report "
                     f"cannot see).</p>")
    parts.append("</section>")
    return "\n".join(parts)


def render_report(
    results: Sequence[NotebookSimilarity], unreadable: dict[str, dict[str, str]] | None = None, *,
    top: int = 10, show: int = 50,
) -> str:
    """The report's HTML (``unreadable``: ``{notebook: {student: reason}}``):
    per notebook the ``top`` highest pairs and every flagged one in a table,
    the first ``show`` flagged pairs side by side."""
    unreadable = unreadable or {}
    rule = results[0].rule if results else None
    summary = "".join(
        f"<tr><th scope='row'><a href='#{_e(r.notebook)}'>{_e(r.notebook)}</a></th>"
        f"<td class='num'>{len(r.students)}</td><td class='num'>{len(r.unanswered)}</td>"
        f"<td class='num'>{len(unreadable.get(r.notebook, {}))}</td><td class='num'>{len(r.flagged)}</td></tr>"
        for r in results
    )
    how = "" if rule is None else (
        f"<p>A pair is flagged when its score is at least {rule.min_score:g}, it shares at least {rule.min_shared} "
        f"fingerprints, and its score is above the class median by more than {rule.mads:g} scaled median absolute "
        f"deviations (at least {rule.min_spread:g} each). Fingerprints shared by more than {rule.common:.0%} of a "
        "class are ignored as the usual way of writing a line.</p>"
    )
    cannot = "".join(f"<li>{_e(c)}</li>" for c in CANNOT_SEE)
    body = "\n".join(_notebook(r, unreadable.get(r.notebook, {}), top, show) for r in results)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Similarity of answer cells</title><style>{_CSS}</style></head><body>
<main>
<h1>Similarity of answer cells</h1>
<p><strong>This report points; the instructor judges.</strong> A high score means two students' answer cells
share unusually much code that the starter code does not contain, after variable names, literals, comments and
the order of statements and helper functions are set aside. It is not proof of copying: read the pair's code,
and talk to the students, before concluding anything.</p>
<p>Matching code is shown <mark>highlighted, bold and underlined</mark>; each line holding a match starts with ▸.</p>
<h2>What this report cannot see</h2>
<ul>{cannot}</ul>
<h2>How pairs are scored</h2>
<p>Each answer cell is cut into Python tokens; names become placeholders (keywords, builtins, attributes and
keyword arguments are kept), literals too, and comments and docstrings are dropped. Every statement gives
fingerprints (winnowed hashes of {K} consecutive tokens, as MOSS does); those of the released starter code of
the same cell are removed. A pair's score is the share of their fingerprints they have in common (Jaccard
index, 0 to 1).</p>
{how}
<h2>Summary</h2>
<table><caption>Notebooks compared</caption><thead><tr><th scope="col">Notebook</th><th scope="col">Students
compared</th><th scope="col">Starter code only</th><th scope="col">Unreadable</th><th scope="col">Flagged
pairs</th></tr></thead><tbody>{summary}</tbody></table>
{body}
</main></body></html>
"""


def write_report(
    results: Sequence[NotebookSimilarity], path: str | os.PathLike[str],
    unreadable: dict[str, dict[str, str]] | None = None, *, top: int = 10, show: int = 50,
) -> Path:
    """Write :func:`render_report` to ``path`` (folders created); returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(results, unreadable, top=top, show=show), encoding="utf-8")
    return path
