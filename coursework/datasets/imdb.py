"""IMDB movie reviews as word-index sequences (notebook 04).

Large Movie Review Dataset v1.0 (Maas et al., ACL 2011): 25,000 training and
25,000 test reviews, balanced positive/negative.  Same index conventions as
``keras.datasets.imdb``: 0 = padding, 1 = start of review, 2 = out of
vocabulary, and word of frequency rank ``r`` is stored as ``r + index_from``
(``index_from=3`` by default, so "the", rank 1, is 4).

One deliberate difference from Keras: each review is a NumPy ``int32`` array
(a view into one flat buffer) instead of a Python list of ints.  Lists of
Python ints cost about 36 bytes per word (12 million words: ~430 MB); the
arrays cost 4 bytes per word (~48 MB), which keeps notebook 04 inside a
laptop's memory.  Indexing, ``len``, ``max`` and iteration work the same.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import re
import zipfile
from collections.abc import Iterable, Mapping
from itertools import chain
from pathlib import Path

import numpy as np

from ..exceptions import CorruptDatasetError
from ._cache import DataHome, RemoteFile, fetch
from ._npz import load_npz

__all__ = ["load_imdb", "get_word_index", "decode_review", "encode_review"]

_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_NPZ = RemoteFile(
    "imdb/imdb.npz",
    _ORIGIN + "imdb.npz",
    sha256="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
)
_WORD_INDEX = RemoteFile(
    "imdb/imdb_word_index.json",
    _ORIGIN + "imdb_word_index.json",
    sha256="027313fe9a320280f3bf0fac5baf58c4a683cf39a7ed9c3d3d3912bde4284cf6",
)
_MARKERS = {0: "<pad>", 1: "<start>", 2: "<oov>"}
# Keras' legacy Tokenizer defaults: these characters become spaces.
_PUNCTUATION = re.compile(r"[!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~\t\n]")

Split = tuple[np.ndarray, np.ndarray]


def _read_shuffled(path: Path, home: DataHome, seed: int) -> list[Split]:
    """The archive's train and test splits, checked, each shuffled as Keras does."""
    try:
        arrays = load_npz(path)
    except (zipfile.BadZipFile, pickle.UnpicklingError, ValueError, EOFError, OSError) as exc:
        raise CorruptDatasetError(
            f"{path} is not a readable imdb.npz archive ({type(exc).__name__}: {exc}). "
            f"{home.fix_hint(path)}"
        ) from exc
    missing = {"x_train", "y_train", "x_test", "y_test"} - arrays.keys()
    if missing:
        raise CorruptDatasetError(f"{path} lacks the arrays {sorted(missing)}. {home.fix_hint(path)}")
    rng = np.random.RandomState(seed)  # the same draws as Keras (the order also depends on the file)
    splits = []
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if len(x) != len(y) or len(x) == 0 or not np.isin(y, (0, 1)).all():
            raise CorruptDatasetError(
                f"{path}: x_{split} and y_{split} must be non-empty, equally long, labels 0/1. "
                f"{home.fix_hint(path)}"
            )
        order = np.arange(len(x))
        rng.shuffle(order)
        splits.append((x[order], y[order].astype(np.int64)))
    return splits


def load_imdb(
    *,
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    data_home: str | os.PathLike[str] | None = None,
) -> tuple[Split, Split]:
    """Load IMDB like ``keras.datasets.imdb.load_data`` (same arguments and
    results, reviews as ``int32`` arrays).

    Parameters
    ----------
    num_words : int, optional
        Indices ``>= num_words`` (rarer words) become ``oov_char``, or are
        dropped if it is None; ``num_words=10000`` with ``index_from=3``
        keeps the 9,996 most frequent words.  ``None`` keeps every word.
    skip_top : int
        Indices below ``skip_top`` also become ``oov_char``.
    maxlen : int, optional
        Drop reviews with ``maxlen`` or more indices (start mark included).
    seed : int
        Shuffle seed; 113 is Keras' default, so the reviews are shuffled the
        way ``keras.datasets.imdb.load_data`` shuffles the file it reads.
        Which review comes first still depends on the file: the offline
        mirror's ``imdb.npz`` is rebuilt from the raw reviews and may hold
        them in another order than Keras' download, so ``train_data[0]`` is
        not a particular review.  The reviews, labels, split sizes and index
        conventions are the same.
    start_char, oov_char, index_from : int
        The Keras conventions (1, 2, 3).
    data_home : path, optional
        A mirror folder (default: ``COURSEWORK_DATA``, then the cache).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x_*``: object arrays of 25,000 ``int32`` arrays each;
        ``y_*``: int64 labels, 1 = positive.

    Examples
    --------
    >>> (x_train, y_train), _ = load_imdb(num_words=10000)  # doctest: +SKIP
    >>> max(int(seq.max()) for seq in x_train)  # doctest: +SKIP
    9999
    """
    for name, value in (("num_words", num_words), ("maxlen", maxlen)):
        if value is not None and (not isinstance(value, (int, np.integer)) or value < 1):
            raise ValueError(f"{name} must be a positive integer or None. Got {value!r} instead.")
    path, home = fetch(_NPZ, data_home=data_home)
    (x_train, y_train), (x_test, y_test) = _read_shuffled(path, home, seed)
    n_train = len(x_train)

    try:
        lengths, words = _flatten(chain(x_train, x_test), len(x_train) + len(x_test))
    except (TypeError, ValueError) as exc:
        raise CorruptDatasetError(
            f"{path}: reviews must be sequences of non-negative integers ({exc}). "
            f"{home.fix_hint(path)}"
        ) from exc
    del x_train, x_test
    labels = np.concatenate([y_train, y_test])
    words += index_from
    if start_char is not None:
        lengths, words = _prepend(lengths, words, start_char)
    if maxlen is not None:
        keep = lengths < maxlen
        words = words[np.repeat(keep, lengths)]
        lengths, labels = lengths[keep], labels[keep]
        n_train = int(keep[:n_train].sum())
        if n_train == 0 or n_train == len(lengths):
            raise ValueError(f"No review is shorter than maxlen={maxlen} in one split. Increase maxlen.")
    if num_words is None:  # Keras' rule, which makes the single largest index OOV
        num_words = int(words.max()) if len(words) else 1
    in_vocabulary = (words >= skip_top) & (words < num_words)
    if oov_char is not None:
        words = np.where(in_vocabulary, words, oov_char).astype(np.int32)
    else:
        review_of_word = np.repeat(np.arange(len(lengths)), lengths)
        lengths = np.bincount(review_of_word[in_vocabulary], minlength=len(lengths))
        words = words[in_vocabulary]
    reviews = _unflatten(lengths, words)
    return (reviews[:n_train], labels[:n_train]), (reviews[n_train:], labels[n_train:])


def _flatten(sequences: Iterable[Iterable[int]], count: int) -> tuple[np.ndarray, np.ndarray]:
    """(lengths, all words in one int32 array) of ``count`` sequences."""
    sequences = list(sequences)
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=count)
    words = np.fromiter(chain.from_iterable(sequences), dtype=np.int64, count=int(lengths.sum()))
    if len(words) and (words.min() < 0 or words.max() > np.iinfo(np.int32).max - 100):
        raise ValueError("word index out of range")
    return lengths, words.astype(np.int32)


def _prepend(lengths: np.ndarray, words: np.ndarray, value: int) -> tuple[np.ndarray, np.ndarray]:
    """Insert ``value`` at the start of every sequence."""
    new_lengths = lengths + 1
    starts = np.concatenate([[0], np.cumsum(new_lengths)[:-1]])
    out = np.empty(len(words) + len(lengths), dtype=np.int32)
    is_start = np.zeros(len(out), dtype=bool)
    is_start[starts] = True
    out[is_start] = value
    out[~is_start] = words
    return new_lengths, out


def _unflatten(lengths: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Object array of per-sequence views into ``words``."""
    reviews = np.empty(len(lengths), dtype=object)
    for i, review in enumerate(np.split(words, np.cumsum(lengths)[:-1])):
        reviews[i] = review
    return reviews


@functools.lru_cache(maxsize=4)
def _read_word_index(path: str, fix_hint: str) -> dict[str, int]:
    try:
        index = json.loads(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptDatasetError(f"{path} is not valid JSON ({exc}). {fix_hint}") from exc
    if not isinstance(index, dict) or not index or not all(
        isinstance(rank, int) and rank > 0 for rank in index.values()
    ):
        raise CorruptDatasetError(f"{path} must map words to positive ranks. {fix_hint}")
    return index


def get_word_index(*, data_home: str | os.PathLike[str] | None = None) -> dict[str, int]:
    """Word -> frequency rank (1 = most frequent), as ``keras.datasets.imdb.get_word_index``.

    Ranks are *not* offset: the index in a loaded review is ``rank + index_from``.

    >>> get_word_index()["the"]  # doctest: +SKIP
    1
    """
    path, home = fetch(_WORD_INDEX, data_home=data_home)
    return dict(_read_word_index(str(path), home.fix_hint(path)))


@functools.lru_cache(maxsize=4)
def _reverse_index(data_home: str | None) -> dict[int, str]:
    return {rank: word for word, rank in get_word_index(data_home=data_home).items()}


def decode_review(
    sequence: Iterable[int],
    *,
    index_from: int = 3,
    word_index: Mapping[str, int] | None = None,
    data_home: str | os.PathLike[str] | None = None,
) -> str:
    """Turn a review's indices back into words.

    Indices below ``index_from`` are the markers ``<pad>``, ``<start>``,
    ``<oov>``; an index with no word becomes ``?``.

    >>> decode_review([1, 14, 22, 16], word_index={"this": 11, "film": 19, "was": 13})
    '<start> this film was'
    """
    if word_index is None:
        reverse = _reverse_index(None if data_home is None else str(data_home))
    else:
        reverse = {rank: word for word, rank in word_index.items()}
    words = []
    for index in np.asarray(sequence, dtype=np.int64).ravel().tolist():
        if index < index_from:
            words.append(_MARKERS.get(index, "?"))
        else:
            words.append(reverse.get(index - index_from, "?"))
    return " ".join(words)


def encode_review(
    text: str,
    *,
    num_words: int | None = None,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    word_index: Mapping[str, int] | None = None,
    data_home: str | os.PathLike[str] | None = None,
) -> np.ndarray:
    """Encode your own text the way the reviews were encoded.

    Lower-cases, turns Keras' default punctuation into spaces, splits on
    whitespace, maps words to ``rank + index_from``; unknown words and words
    at or beyond ``num_words`` become ``oov_char`` (dropped if it is None).

    >>> encode_review("This film was great!", word_index={"this": 11, "film": 19, "was": 13}).tolist()
    [1, 14, 22, 16, 2]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str. Got {type(text).__name__} instead.")
    index = get_word_index(data_home=data_home) if word_index is None else word_index
    limit = num_words if num_words is not None else np.iinfo(np.int32).max
    encoded = [] if start_char is None else [start_char]
    for word in _PUNCTUATION.sub(" ", text.lower()).split():
        rank = index.get(word)
        if rank is not None and rank + index_from < limit:
            encoded.append(rank + index_from)
        elif oov_char is not None:
            encoded.append(oov_char)
    return np.asarray(encoded, dtype=np.int32)
