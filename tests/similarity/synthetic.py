"""A synthetic class for notebook 02's two exercises, ``softmax`` and
``cross_entropy``: independent answers written as students write them
(vectorised, loops, log-sum-exp, Keras, helpers...), a copy of one of them
with renamed variables, new comments and its helpers in another order, and
submissions of the starter code alone.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

NOTEBOOK = "02_softmax_cross_entropy.ipynb"
SOFTMAX, CROSS_ENTROPY = "nb02_softmax", "nb02_cross_entropy"

_SOFTMAX = {
    "ana": '''def softmax(z, T=1.0):
    """Softmax of z / T along the last axis, without overflow."""
    scaled = np.asarray(z, dtype=float) / T
    shifted = scaled - np.max(scaled, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=-1, keepdims=True)
''',
    "ben": '''def softmax(z, T=1.0):
    x = np.array(z, dtype=np.float64) / T
    m = x.max(axis=-1, keepdims=True)
    log_norm = m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))  # log-sum-exp
    return np.exp(x - log_norm)
''',
    "chloe": '''def softmax(z, T=1.0):
    arr = np.atleast_1d(np.asarray(z, dtype=float))
    flat = arr.reshape(-1, arr.shape[-1])
    out = np.empty_like(flat)
    for i, row in enumerate(flat):
        row = row / T
        top = row.max()
        total = 0.0
        for j, value in enumerate(row):
            out[i, j] = math.exp(value - top)
            total += out[i, j]
        out[i] /= total
    return out.reshape(arr.shape)
''',
    "dan": '''def softmax(z, T=1.0):
    # Keras does it for us
    t = keras.ops.convert_to_tensor(np.asarray(z) / T)
    return keras.ops.convert_to_numpy(keras.ops.softmax(t, axis=-1))
''',
    "emma": '''def _one_row(v):
    v = v - v.max()
    e = np.exp(v)
    return e / e.sum()

def softmax(z, T=1.0):
    return np.apply_along_axis(_one_row, -1, np.asarray(z, float) / T)
''',
    "finn": '''def softmax(z, T=1.0):
    z = np.asarray(z, dtype="float64")
    z = z / T
    biggest = np.amax(z, axis=z.ndim - 1)
    expz = np.exp(z - np.expand_dims(biggest, -1))
    denom = np.expand_dims(expz.sum(axis=z.ndim - 1), -1)
    return np.divide(expz, denom)
''',
    "gina": '''def _stable(x):
    # subtract the row maximum so that exp never overflows
    return x - np.max(x, axis=-1, keepdims=True)


def _normalise(weights):
    # each row must sum to one
    totals = np.sum(weights, axis=-1, keepdims=True)
    return weights / totals


def softmax(z, T=1.0):
    """Softmax of z / T along the last axis, without overflow."""
    logits = np.asarray(z, dtype=float) / T
    if logits.ndim == 0:
        raise ValueError("softmax needs at least one value")
    probabilities = _normalise(np.exp(_stable(logits)))
    return probabilities
''',
}

_CROSS_ENTROPY = {
    "ana": '''def cross_entropy(y_true, y_pred):
    p = np.clip(np.asarray(y_pred, dtype=float), 1e-7, 1 - 1e-7)
    return float(-np.mean(np.sum(np.asarray(y_true) * np.log(p), axis=-1)))
''',
    "ben": '''def cross_entropy(y_true, y_pred):
    total = 0.0
    rows = 0
    for target, probs in zip(y_true, y_pred):
        for t, q in zip(target, probs):
            total -= t * math.log(min(max(q, 1e-7), 1 - 1e-7))
        rows += 1
    return total / rows
''',
    "chloe": '''def cross_entropy(y_true, y_pred):
    eps = 1e-7
    yt = np.array(y_true, dtype=np.float64)
    yp = np.minimum(np.maximum(np.array(y_pred, dtype=np.float64), eps), 1.0 - eps)
    per_example = -np.einsum("ij,ij->i", yt, np.log(yp))
    return float(per_example.mean())
''',
    "dan": '''def cross_entropy(y_true, y_pred):
    loss = keras.losses.CategoricalCrossentropy()
    return float(loss(np.asarray(y_true, "float32"), np.asarray(y_pred, "float32")))
''',
    "emma": '''def cross_entropy(y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=float)
    logs = np.log(np.clip(y_pred, 1e-7, None))
    losses = [-(np.asarray(t) * row).sum() for t, row in zip(y_true, logs)]
    return sum(losses) / len(losses)
''',
    "finn": '''def cross_entropy(y_true, y_pred):
    targets = np.asarray(y_true, float).reshape(len(y_true), -1)
    probs = np.asarray(y_pred, float).reshape(targets.shape).clip(1e-7, 1 - 1e-7)
    n = targets.shape[0]
    return float(-(targets * np.log(probs)).sum() / n)
''',
    "gina": '''def _safe_log(p, eps=1e-7):
    # log of probabilities kept away from 0 and 1
    return np.log(np.clip(p, eps, 1 - eps))


def cross_entropy(y_true, y_pred):
    """Mean categorical cross-entropy (natural log) of a batch."""
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: {y_true.shape} and {y_pred.shape}")
    per_row = -np.sum(y_true * _safe_log(y_pred), axis=-1)
    return float(np.mean(per_row))
''',
}

#: Independent answers: ``{student: {grade_id: answer cell source}}``.
INDEPENDENT: dict[str, dict[str, str]] = {
    s: {SOFTMAX: _SOFTMAX[s], CROSS_ENTROPY: _CROSS_ENTROPY[s]} for s in _SOFTMAX
}

#: gina's answers copied: every name changed, new comments and docstrings,
#: the helpers defined in the other order and after the function.
COPY_OF_GINA = {
    SOFTMAX: '''def _rows_to_one(w):
    """Make every row add up to 1."""
    s = np.sum(w, axis=-1, keepdims=True)
    return w / s


def softmax(z, T=1.0):
    # temperature first
    scores = np.asarray(z, dtype=float) / T
    if scores.ndim == 0:
        raise ValueError("softmax needs at least one value")
    out = _rows_to_one(np.exp(_minus_max(scores)))
    return out


def _minus_max(a):
    return a - np.max(a, axis=-1, keepdims=True)  # avoids overflow
''',
    CROSS_ENTROPY: '''def cross_entropy(y_true, y_pred):
    truth = np.asarray(y_true, dtype=float)
    guess = np.asarray(y_pred, dtype=float)
    if truth.shape != guess.shape:
        raise ValueError(f"bad shapes {truth.shape} vs {guess.shape}")
    losses = -np.sum(truth * _clipped_log(guess), axis=-1)
    return float(np.mean(losses))


def _clipped_log(q, tiny=1e-7):
    return np.log(np.clip(q, tiny, 1 - tiny))
''',
}


def read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def submission(released: Any, answers: Mapping[str, str] | None) -> Any:
    """The released notebook with ``answers`` in its answer cells (None:
    the starter code as released)."""
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if answers and gid in answers and cell.metadata["nbgrader"].get("solution"):
            cell.source = answers[gid]
    return nb


def write_class(root: Path, released: Any, students: Mapping[str, Mapping[str, str] | None]) -> Path:
    """``root/<student>/02_softmax_cross_entropy.ipynb`` for each student; returns ``root``."""
    for student, answers in students.items():
        (root / student).mkdir(parents=True, exist_ok=True)
        nbformat.write(submission(released, answers), root / student / NOTEBOOK)
    return root


def rename(source: str, rng: random.Random) -> str:
    """``source`` with its local names (not the exercise's own) renamed at random."""
    keep = {"softmax", "cross_entropy", "z", "T", "y_true", "y_pred", "np", "keras", "math"}
    names = set(re.findall(r"(?<![.\w])([a-z_][a-z_0-9]*)\s*(?:=|,|\)|\bin\b)", source)) - keep
    names -= {"axis", "keepdims", "dtype", "for", "in", "if", "return", "float", "not", "eps", "tiny"}
    mapping = {n: f"v{rng.randrange(10**6)}_{i}" for i, n in enumerate(sorted(names))}
    return re.sub(r"\b[a-z_][a-z_0-9]*\b", lambda m: mapping.get(m.group(), m.group()), source)


def large_class(n: int, seed: int = 0) -> dict[str, dict[str, str]]:
    """``n`` students: each takes one independent answer per exercise at
    random and renames its variables (so many pairs look alike, the worst
    case for the comparison's work)."""
    rng = random.Random(seed)
    pool = list(INDEPENDENT)
    return {
        f"student{i:04d}": {gid: rename(INDEPENDENT[rng.choice(pool)][gid], rng) for gid in (SOFTMAX, CROSS_ENTROPY)}
        for i in range(n)
    }
