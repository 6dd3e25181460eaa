"""Plain data across the kernel boundary: the only thing a judge believes.

Both directions of the judge's conversation with a submission's kernel
(probe arguments going in, answers coming out) travel as one JSON text made
by :func:`dumps` and read by :func:`loads`.  The grammar is closed:

* ``null``, ``true``/``false``, JSON numbers and strings (Python ``None``,
  ``bool``, ``int``, ``float``, ``str``);
* ``{"list": [...]}``, ``{"tuple": [...]}``, ``{"set": [...]}`` and
  ``{"dict": [[key, value], ...]}`` (keys of any hashable plain type);
* ``{"array": B64}`` and ``{"scalar": B64}``: a ``.npy`` file of a numeric or
  boolean dtype, read with ``allow_pickle=False``; ``{"array_file": NAME}``:
  the same, for an array over 1 MB, written as a file beside the answer (the
  judge's sandbox sees the kernel's folder read-only); ``{"ragged": B64,
  "offsets": B64, "of": "array"|"list"}``: a 1-D object array of integer
  sequences (IMDB's reviews);
* ``{"model": B64}``: a ``.keras`` file, loaded with ``safe_mode=True`` and no
  custom objects (no Lambda layer, no student class);
* ``{"handle": N}``: an object that stays in the kernel (a ``History``, a
  function), usable only as an argument of a later call into the kernel,
  with ``"data"``: its public attributes that are plain data;
* ``{"callback": N}``: a judge function the kernel may call back;
* ``{"object": [[name, value], ...]}``: an object of a test's own class
  (``class _HistoryLike: history = {...}``), which the kernel receives as a
  :class:`types.SimpleNamespace` of its data attributes.

:func:`loads` is the trust boundary: it checks every node, the nesting depth
and the total size, and raises :class:`NotGradable` for anything else.  The
encoder is a convenience for honest code: a student can make their kernel
send any text, but only plain data is ever read from it, so an object
that lies about its arithmetic or its comparisons can't get through.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "NotGradable", "Handle", "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "check_size", "dumps", "is_keras_model", "loads",
]

#: Largest evidence text accepted, in characters (a 5000 x 10000 uint16 answer is 133 MB).
MAX_BYTES = 400 * 2**20
#: Deepest nesting of containers accepted.
MAX_DEPTH = 40
#: Most nodes (values) in one piece of evidence.
MAX_NODES = 2_000_000
#: Arrays larger than this travel as files (no base64, no JSON): a check that
#: times a function that returns 100 MB should time the function.
FILE_BYTES = 2**20
_FILE_NAME = re.compile(r"^[0-9a-f]{16}\.npy$")
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
_NUMERIC_KINDS = "biufc"
_PLAIN = (type(None), bool, int, float, str)
_BUILT = (list, tuple, set, frozenset, dict)


class NotGradable(BaseException):
    """Evidence that is not plain data: the check earns nothing.

    A ``BaseException``, so that a test's ``except ValueError:`` (or
    ``except Exception:``) around a call cannot turn it into a pass."""


class Handle:
    """An object that stayed on the other side, known by its number, with the
    plain data of its public attributes (``history.history`` of a Keras
    ``History``) readable; anything else about it is refused."""

    __slots__ = ("number", "data")

    def __init__(self, number: int, data: dict | None = None) -> None:
        self.number, self.data = number, data or {}

    def __repr__(self) -> str:
        return f"<object #{self.number} in the kernel>"

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise NotGradable("the answer is not plain data (numbers, strings, lists, tuples, dicts, NumPy arrays "
                          "or a Keras model): the grader cannot read or compare it")

    def __getattr__(self, name: str) -> Any:
        if name in ("number", "data"):
            raise AttributeError(name)
        if name in self.data:
            return self.data[name]
        self._refuse()

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __bool__ = __len__ = __iter__ = _refuse
    __float__ = __int__ = __index__ = __complex__ = __array__ = __getitem__ = __contains__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __abs__ = __neg__ = _refuse
    __hash__ = _refuse  # type: ignore[assignment]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _npy(array: np.ndarray) -> str:
    np.save(buffer := io.BytesIO(), array, allow_pickle=False)
    return _b64(buffer.getvalue())


def _keras_bytes(model: Any) -> str:
    with tempfile.TemporaryDirectory(prefix="cw-model-") as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        with open(path, "rb") as fh:
            return _b64(fh.read())


def is_keras_model(value: Any) -> bool:
    """A Keras model (Keras imported, and fully: the judge imports it in the
    background, and a half-imported Keras made no model)."""
    model = getattr(__import__("sys").modules.get("keras"), "Model", None)
    return isinstance(model, type) and isinstance(value, model)


def _ragged(array: np.ndarray) -> dict | None:
    """A 1-D object array of integer sequences, flattened, or None."""
    if array.ndim != 1 or not all(type(item) in (list, np.ndarray) for item in array):
        return None
    parts = [np.asarray(item) for item in array]
    if not all(p.ndim == 1 and (p.size == 0 or p.dtype.kind in "iu") for p in parts):
        return None
    offsets = np.cumsum([0] + [p.size for p in parts]).astype(np.int64)
    flat = np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
    kind = "array" if all(type(item) is np.ndarray for item in array) else "list"
    return {"ragged": _npy(flat), "offsets": _npy(offsets), "of": kind}


class _Encoder:
    def __init__(self, other: Callable[[Any, Callable[[Any], Any]], dict], folder: str | None) -> None:
        self.other = other  # what to do with anything that isn't plain data
        self.folder = folder  # where large arrays go as files (None: inline)

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise NotGradable(f"the answer is nested more than {MAX_DEPTH} levels deep")
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind in (list, tuple, set, frozenset):
            name = {list: "list", tuple: "tuple", set: "set", frozenset: "set"}[kind]
            return {name: [self.encode(v, depth + 1) for v in value]}
        if kind is dict:
            return {"dict": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        if kind is np.ndarray:
            if value.dtype.kind in _NUMERIC_KINDS and value.dtype.fields is None:
                if self.folder is not None and value.nbytes > FILE_BYTES:
                    name = f"{secrets.token_hex(8)}.npy"
                    np.save(os.path.join(self.folder, name), value, allow_pickle=False)
                    return {"array_file": name}
                return {"array": _npy(value)}
            if value.dtype.kind == "O":
                ragged = _ragged(value)
                if ragged is not None:
                    return ragged
        if isinstance(value, np.generic) and kind.__module__ == "numpy" and value.dtype.kind in _NUMERIC_KINDS:
            return {"scalar": _npy(np.asarray(value))}
        if is_keras_model(value):
            return {"model": _keras_bytes(value)}
        return self.other(value, lambda item: self.encode(item, depth + 1))


def dumps(value: Any, other: Callable[[Any, Callable[[Any], Any]], dict], folder: str | None = None) -> str:
    """``value`` as evidence text; ``other(obj, encode)`` encodes what isn't
    plain data (a handle, a callback, an object whose attributes it encodes
    with ``encode``, or raises :class:`NotGradable`); arrays over 1 MB are
    written to ``folder`` when one is given."""
    return json.dumps(_Encoder(other, folder).encode(value), allow_nan=True)


# -- reading: the trust boundary ------------------------------------------------------------------


def _load_npy(text: Any) -> np.ndarray:
    if type(text) is not str:
        raise NotGradable("an array's data must be a base64 string")
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as exc:
        raise NotGradable(f"not a NumPy array file ({type(exc).__name__})") from None
    return _checked(array)


def _checked(array: Any) -> np.ndarray:
    if type(array) is not np.ndarray or array.dtype.kind not in _NUMERIC_KINDS or array.dtype.fields:
        raise NotGradable(f"arrays must hold numbers or booleans, not {getattr(array, 'dtype', type(array))}")
    return array


def _load_model(text: Any) -> Any:
    import keras

    if type(text) is not str:
        raise NotGradable("a model's data must be a base64 string")
    import coursework.sparse  # noqa: F401  (registers the course's own SparseDense: trusted code)

    with tempfile.TemporaryDirectory(prefix="cw-judge-model-") as tmp:
        path = os.path.join(tmp, "answer.keras")
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(text))
        try:
            return keras.saving.load_model(path, safe_mode=True, custom_objects={})
        except Exception as exc:
            raise NotGradable("the model could not be loaded safely: only Keras' own layers, losses and "
                              f"optimizers can be graded, no Lambda layer or custom object "
                              f"({type(exc).__name__}: {str(exc)[:200]})") from None


class _Decoder:
    def __init__(self, special: Callable[[str, Any], Any], folder: str | int | None) -> None:
        self.special = special  # "handle"/"callback"/"object" -> object, or raise
        self.folder = folder
        self.nodes = self.file_bytes = 0

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise NotGradable(f"the answer is too large or too deeply nested (more than {MAX_NODES:,} "
                              f"values or {MAX_DEPTH} levels)")
        if type(node) in _PLAIN:
            return node
        if type(node) is dict and set(node) == {"handle", "data"} and type(node["data"]) is list:
            handle = self.decode({"handle": node["handle"]}, depth)
            if isinstance(handle, Handle):
                handle.data = _dict([self._pair(p, depth) for p in node["data"]])
                if not all(type(k) is str for k in handle.data):
                    raise NotGradable("malformed attribute names")
            return handle
        if type(node) is not dict or len(node) not in (1, 3):
            raise NotGradable("malformed evidence")
        (tag, body), *_ = node.items()
        if tag in ("list", "tuple", "set") and type(body) is list:
            items = [self.decode(v, depth + 1) for v in body]
            return {"list": list, "tuple": tuple, "set": _set}[tag](items)
        if tag == "dict" and type(body) is list:
            pairs = [self._pair(p, depth) for p in body]
            return _dict(pairs)
        if tag == "array":
            return _load_npy(body)
        if tag == "array_file":
            return self._load_file(body)
        if tag == "scalar":
            array = _load_npy(body)
            if array.ndim != 0:
                raise NotGradable("a scalar must have no dimensions")
            return array[()]
        if tag == "ragged":
            return _unflatten(node)
        if tag == "model":
            return _load_model(body)
        if tag in ("handle", "callback") and type(body) is int:
            return self.special(tag, body)
        if tag == "object" and type(body) is list:
            return self.special(tag, _dict([self._pair(p, depth) for p in body]))
        raise NotGradable(f"unknown kind of evidence {tag!r}")

    def _load_file(self, name: Any) -> np.ndarray:
        if self.folder is None or type(name) is not str or not _FILE_NAME.match(name):
            raise NotGradable("malformed array file reference")
        try:  # a bare name, no symlink, no FIFO to block on; a folder given as a descriptor stays the one given
            at = isinstance(self.folder, int)
            fd = os.open(name if at else os.path.join(self.folder, name), _OPEN_FLAGS, dir_fd=self.folder if at else None)
        except OSError:
            raise NotGradable("an array file of the answer is missing or not a plain file") from None
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fd)
            self.file_bytes += info.st_size
            if not stat.S_ISREG(info.st_mode) or self.file_bytes > MAX_BYTES:
                raise NotGradable(f"the answer's arrays are not plain files or larger than {MAX_BYTES // 2**20} MB")
            try:
                array = np.load(fh, allow_pickle=False)
            except Exception as exc:
                raise NotGradable(f"not a NumPy array file ({type(exc).__name__})") from None
        return _checked(array)

    def _pair(self, pair: Any, depth: int) -> tuple[Any, Any]:
        if type(pair) is not list or len(pair) != 2:
            raise NotGradable("malformed dict entry")
        return self.decode(pair[0], depth + 1), self.decode(pair[1], depth + 1)


def _set(items: list) -> set:
    try:
        return set(items)
    except TypeError:
        raise NotGradable("a set of unhashable items") from None


def _dict(pairs: list) -> dict:
    try:
        return dict(pairs)
    except TypeError:
        raise NotGradable("a dict with unhashable keys") from None


def _unflatten(node: dict) -> np.ndarray:
    flat, offsets, kind = _load_npy(node.get("ragged")), _load_npy(node.get("offsets")), node.get("of")
    ok = (flat.ndim == 1 and offsets.ndim == 1 and offsets.size >= 1 and offsets[0] == 0
          and offsets[-1] == flat.size and np.all(np.diff(offsets) >= 0) and kind in ("array", "list"))
    if not ok:
        raise NotGradable("malformed ragged array")
    out = np.empty(offsets.size - 1, dtype=object)
    for i in range(offsets.size - 1):
        part = flat[offsets[i]:offsets[i + 1]]
        out[i] = part if kind == "array" else part.tolist()
    return out


def check_size(text: str) -> None:
    """Refuse, before parsing, a text too long or with too many values (a
    JSON list of millions of small values costs far more memory parsed than
    as text; arrays travel as base64, which has no commas or brackets)."""
    if len(text) > MAX_BYTES:
        raise NotGradable(f"the answer is larger than {MAX_BYTES // 2**20} MB")
    if text.count(",") + text.count("[") > 2 * MAX_NODES:
        raise NotGradable(f"the answer is too large: more than {MAX_NODES:,} values")


def _refuse(tag: str, number: int) -> Any:
    raise NotGradable(f"unexpected {tag} in evidence")


def loads(text: Any, special: Callable[[str, Any], Any] = _refuse, folder: str | int | None = None) -> Any:
    """Read evidence text, refusing anything but plain data (see the module
    docstring); ``special(tag, value)`` turns a handle, a callback or an
    object into a Python object (by default they are refused); ``folder``
    holds the answer's array files, as a path or an open directory
    descriptor (None: an answer may have none)."""
    if type(text) is not str:
        raise NotGradable("evidence must be text")
    check_size(text)
    try:
        node = json.loads(text)
    except (ValueError, RecursionError):
        raise NotGradable("evidence is not valid JSON") from None
    return _Decoder(special, folder).decode(node)
