"""Fingerprints of Python code that survive renamed variables, changed
comments and reordered statements.

The code is read with the standard library's :mod:`tokenize` (exactly the
tokens Python sees), then normalised:

* comments, docstrings and blank lines are dropped; IPython magics
  (``%timeit``, ``!pip``) are ignored;
* every identifier becomes ``V``, except keywords, builtins (``len``,
  ``float``), attribute names (``np.exp`` -> ``V . exp``) and keyword
  arguments (``axis=``): those name the library's API, which a student who
  renames variables does not change;
* numbers become ``N`` and strings ``S``.

The tokens are cut into *statements*: each top-level statement, and each
statement directly inside a top-level ``def``/``class``/block, is one unit
(its nested blocks included).  k-grams never cross a unit's boundary, so
moving a helper function, or swapping two statements of a function's body,
changes no fingerprint.  Within a unit, the k-grams' hashes are *winnowed*
(Schleimer, Wilkerson & Aiken, "Winnowing: local algorithms for document
fingerprinting", SIGMOD 2003; the algorithm of MOSS): the minimum hash of
every window of ``window`` consecutive k-grams is kept, so any match of at
least ``k + window - 1`` tokens is found, and a unit shorter than ``k``
tokens gives one fingerprint of the whole unit.

Why not a library: ``copydetect`` (MIT, the maintained MOSS-like tool on
PyPI) hashes character k-grams of whole files after a Pygments filter; it
has no notion of notebook cells, of a per-cell starter-code baseline or of
statement units, and compares every pair of files.  The part needed here is
the winnowing loop (a dozen lines below) on top of :mod:`tokenize`.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["K", "WINDOW", "Token", "Fingerprint", "tokens", "units", "fingerprints", "kgram_hashes", "winnow"]

#: Tokens per k-gram.
K = 6
#: k-grams per winnowing window: matches of ``K + WINDOW - 1`` tokens are always found.
WINDOW = 4
#: A unit shorter than ``K`` tokens gives a fingerprint when it has at least this many.
MIN_UNIT = 4

_KEEP = frozenset(dir(builtins)) | frozenset(keyword.kwlist)
_MAGIC = re.compile(r"^[ \t]*[%!?].*$", re.MULTILINE)
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


@dataclass(frozen=True)
class Token:
    """A normalised token and where it is in the source (character offsets)."""

    text: str
    start: int
    end: int
    depth: int  # block depth (INDENT count) at the token


@dataclass(frozen=True)
class Fingerprint:
    """A winnowed k-gram: its hash and the source characters it covers."""

    hash: int
    start: int
    end: int


def _raw_tokens(source: str) -> list[tokenize.TokenInfo]:
    """Python's tokens of ``source``; on a syntax error, those before it."""
    found: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            found.append(tok)
    except (tokenize.TokenError, SyntaxError):  # IndentationError included
        pass
    return found


def tokens(source: str) -> list[Token]:
    """The normalised tokens of ``source`` (see the module doc).

    ``NEWLINE`` is kept as ``;`` and blocks as ``{``/``}``, so the shape of
    the code counts too.
    """
    source = _MAGIC.sub(lambda m: " " * len(m.group()), source)  # keep the offsets
    line_start = [0]
    for line in source.splitlines(keepends=True):
        line_start.append(line_start[-1] + len(line))
    raw = [t for t in _raw_tokens(source) if t.type not in _SKIP]
    out: list[Token] = []
    depth = 0
    parens: list[bool] = []  # open brackets: True for a def's parameter list
    string_depth = 0  # inside an f-string (Python >= 3.12 splits them)
    for i, tok in enumerate(raw):
        start = line_start[tok.start[0] - 1] + tok.start[1] if tok.start[0] <= len(line_start) else 0
        end = line_start[tok.end[0] - 1] + tok.end[1] if tok.end[0] <= len(line_start) else start
        name = tokenize.tok_name[tok.type]
        if name == "FSTRING_START":
            string_depth += 1
            if string_depth == 1:
                out.append(Token("S", start, end, depth))
            continue
        if string_depth:
            string_depth -= name == "FSTRING_END"
            continue
        text = _normal(raw, i, bool(parens) and not parens[-1])
        if text is None:
            continue
        if tok.type == tokenize.INDENT:
            depth += 1
        elif tok.type == tokenize.DEDENT:
            depth -= 1
        elif tok.type == tokenize.OP and tok.string in "([{":
            parens.append(i >= 2 and raw[i - 2].string == "def")
        elif tok.type == tokenize.OP and tok.string in ")]}" and parens:
            parens.pop()
        if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            # no width, after the statement's last token: a match never covers a trailing comment
            start = end = out[-1].end if out and tok.type == tokenize.NEWLINE else start
        out.append(Token(text, start, end, depth))
    return out


def _normal(raw: list[tokenize.TokenInfo], i: int, in_call: bool) -> str | None:
    """The normalised text of ``raw[i]``, or None to drop it (``in_call``:
    inside brackets that are not a ``def``'s parameters)."""
    tok = raw[i]
    before = raw[i - 1] if i else None
    after = raw[i + 1] if i + 1 < len(raw) else None
    if tok.type == tokenize.NAME:
        if tok.string in _KEEP or (before is not None and before.string == "."):
            return tok.string
        if in_call and after is not None and after.string == "=":
            return tok.string  # a keyword argument
        return "V"
    if tok.type == tokenize.NUMBER:
        return "N"
    if tok.type == tokenize.STRING:
        statement_start = before is None or before.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
        if statement_start and (after is None or after.type == tokenize.NEWLINE):
            return None  # a docstring or a bare string: prose
        return "S"
    if tok.type == tokenize.NEWLINE:
        return None if before is not None and before.type == tokenize.STRING and _normal(raw, i - 1, False) is None \
            else ";"
    if tok.type == tokenize.INDENT:
        return "{"
    if tok.type == tokenize.DEDENT:
        return "}"
    if tok.type == tokenize.ERRORTOKEN and not tok.string.strip():
        return None
    return tok.string


def units(toks: list[Token]) -> list[list[Token]]:
    """``toks`` cut into statements at block depth 0 and 1 (a statement
    keeps its nested blocks)."""
    found: list[list[Token]] = []
    current: list[Token] = []
    for i, tok in enumerate(toks):
        if tok.text == "{" and tok.depth == 1 and current:
            found.append(current)  # a top-level block's header is a unit of its own
            current = []
            continue
        current.append(tok)
        nxt = toks[i + 1].text if i + 1 < len(toks) else None
        if tok.text in (";", "}") and tok.depth <= 1 and nxt not in ("{", "}"):
            found.append(current)
            current = []
    if current:
        found.append(current)
    return [[t for t in unit if t.text not in ("{", "}")] or unit for unit in found]


def _hash(texts: list[str]) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(texts).encode(), digest_size=8).digest(), "big")


def kgram_hashes(unit: list[Token], k: int = K) -> list[Fingerprint]:
    """Every k-gram of a unit (one of the whole unit when it is shorter)."""
    if len(unit) < k:
        if len(unit) < MIN_UNIT:
            return []
        return [Fingerprint(_hash([t.text for t in unit]), unit[0].start, unit[-1].end)]
    texts = [t.text for t in unit]
    return [Fingerprint(_hash(texts[i:i + k]), unit[i].start, unit[i + k - 1].end) for i in range(len(unit) - k + 1)]


def winnow(grams: Sequence[Fingerprint], window: int = WINDOW) -> list[Fingerprint]:
    """Robust winnowing: the rightmost minimal hash of each window, each
    selected position once."""
    if len(grams) <= window:
        return [min(reversed(grams), key=lambda g: g.hash)] if grams else []
    chosen: list[Fingerprint] = []
    last = -1
    for w in range(len(grams) - window + 1):
        best = min(range(w, w + window), key=lambda j: (grams[j].hash, -j))
        if best != last:
            chosen.append(grams[best])
            last = best
    return chosen


def fingerprints(source: str, *, k: int = K, window: int = WINDOW) -> list[Fingerprint]:
    """The winnowed fingerprints of ``source``, unit by unit."""
    return [fp for unit in units(tokens(source)) for fp in winnow(kgram_hashes(unit, k), window)]
