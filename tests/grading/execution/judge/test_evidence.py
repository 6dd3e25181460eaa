"""The evidence format: plain data round-trips; nothing else is read."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest

from coursework.grading.execution.judge.evidence import MAX_DEPTH, Handle, NotGradable, dumps, loads


def _refuse(obj, encode=None):
    raise NotGradable(f"not plain: {type(obj).__name__}")


def _round(value):
    return loads(dumps(value, _refuse))


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), "text é", [1, [2, "x"]], (1, (2.0, None)), {1: "a", "b": (2, 3)},
    {1, "a", (2, 3)},
])
def test_plain_values_round_trip_with_their_types(value):
    back = _round(value)
    assert back == value and type(back) is type(value)


def test_arrays_and_scalars_keep_dtype_and_shape():
    for array in (np.arange(6, dtype=np.uint16).reshape(2, 3), np.array([True, False]), np.zeros((0, 5)),
                  np.array([1 + 2j])):
        back = _round(array)
        assert type(back) is np.ndarray and back.dtype == array.dtype and np.array_equal(back, array)
    scalar = _round(np.float32(1.5))
    assert type(scalar) is np.float32 and scalar == 1.5
    assert isinstance(_round(np.float64(2.0)), float)  # as the kernel's would be


def test_ragged_reviews_round_trip():
    reviews = np.empty(3, dtype=object)
    reviews[:] = [[1, 2, 3], [], [7]]
    back = _round(reviews)
    assert back.dtype == object and [list(r) for r in back] == [[1, 2, 3], [], [7]]
    assert type(back[0]) is list


@pytest.mark.parametrize("liar", [
    type("Anything", (float,), {"__eq__": lambda self, other: True})(1.0),
    type("Anything", (), {"__eq__": lambda self, other: True})(),
    np.array([1.0]).view(type("Sub", (np.ndarray,), {})),
    type("L", (list,), {})([1]),
])
def test_subclasses_and_other_objects_are_never_plain(liar):
    with pytest.raises(NotGradable):
        dumps(liar, _refuse)
    text = dumps(liar, lambda obj, encode: {"handle": 1})
    assert json.loads(text) == {"handle": 1}
    with pytest.raises(NotGradable):
        loads(text)  # a handle is refused unless the reader asks for handles
    assert isinstance(loads(text, lambda tag, n: Handle(n)), Handle)


@pytest.mark.parametrize("use", [lambda h: h == 4, lambda h: h - 1.0, lambda h: abs(h), lambda h: bool(h),
                                 lambda h: np.asarray(h, dtype=float), lambda h: h.shape, lambda h: {h}])
def test_a_handle_cannot_be_read_or_compared(use):
    with pytest.raises(NotGradable):
        use(Handle(3))


def _npy(array, **kwargs) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, **kwargs)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("node", [
    {"array": _npy(np.array([object(), 1], dtype=object), allow_pickle=True)},  # a pickle
    {"array": _npy(np.array(["a", "b"]))},  # strings
    {"array": _npy(np.zeros(2, dtype=[("a", "f4"), ("b", "i4")]))},  # a record
    {"scalar": _npy(np.zeros(2))},
    {"array": "not base64!"},
    {"evil": 1},
    {"list": 3},
    {"dict": [[[1], 2]]},  # an unhashable key
    {"handle": 1},
])
def test_malformed_or_unsafe_evidence_is_refused(node):
    with pytest.raises(NotGradable):
        loads(json.dumps(node))


def test_nesting_and_size_are_bounded():
    deep: list = []
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(NotGradable):
        dumps(deep, _refuse)
    text = "{\"list\": " * 100_000 + "[]" + "}" * 100_000
    with pytest.raises(NotGradable):
        loads(text)
    with pytest.raises(NotGradable):
        loads(json.dumps({"list": list(range(2_100_000))}))


def test_not_gradable_is_not_caught_by_a_tests_except_clause():
    with pytest.raises(NotGradable):
        try:
            loads("{\"evil\": 1}")
        except Exception:  # what a test cell may write around a call
            pass


def test_large_arrays_travel_as_files_and_only_as_plain_files(tmp_path):
    big = np.arange(400_000, dtype=np.float64)  # 3.2 MB
    text = dumps({"x": big, "small": np.ones(3)}, _refuse, str(tmp_path))
    assert "array_file" in text and len(text) < 1000
    back = loads(text, folder=str(tmp_path))
    assert np.array_equal(back["x"], big) and np.array_equal(back["small"], np.ones(3))
    with pytest.raises(NotGradable):
        loads(text)  # no folder: no files
    (name,) = [p.name for p in tmp_path.glob("*.npy")]
    target = tmp_path / "elsewhere.npy"
    (tmp_path / name).rename(target)
    (tmp_path / name).symlink_to(target)
    with pytest.raises(NotGradable, match="plain file"):
        loads(text, folder=str(tmp_path))
    for forged in ('{"array_file": "../etc/passwd"}', '{"array_file": "0123456789abcdef.npy"}'):
        with pytest.raises(NotGradable):
            loads(forged, folder=str(tmp_path))
