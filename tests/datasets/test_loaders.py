"""Loaders on synthetic fixture files: shapes, dtypes, validation errors."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from coursework.datasets import (
    CLASS_NAMES,
    PIMA_FEATURE_NAMES,
    decode_review,
    encode_review,
    get_word_index,
    load_fashion_mnist,
    load_imdb,
    load_pima,
    load_pima_full,
    load_toy_points,
)
from coursework.exceptions import CorruptDatasetError

from tests.conftest import FAKE_IMDB_TEST, FAKE_IMDB_TRAIN, FAKE_WORD_INDEX, write_checksums


def test_toy_points_exact():
    x, y = load_toy_points()
    assert x.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_array_equal(x, [[2, 0], [5, -2], [-2, 2], [-1, -3]])
    np.testing.assert_array_equal(y, [-1, -1, 1, 1])


def test_fashion_mnist_from_fixture(fake_mirror):
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(data_home=fake_mirror)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    np.testing.assert_array_equal(y_test[:12], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
    assert x_train[300, 14, 14] == 300 % 256
    assert x_train.flags.writeable
    assert len(CLASS_NAMES) == 10 and CLASS_NAMES[9] == "Ankle boot"


def test_truncated_gzip_is_reported(fake_mirror):
    path = fake_mirror / "fashion-mnist/t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-200])
    write_checksums(fake_mirror)
    with pytest.raises(CorruptDatasetError, match="t10k-images-idx3-ubyte.gz is not a readable gzip"):
        load_fashion_mnist(data_home=fake_mirror)


def test_wrong_idx_size_is_reported(fake_mirror):
    path = fake_mirror / "fashion-mnist/t10k-labels-idx1-ubyte.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(bytes.fromhex("00000801") + (9999).to_bytes(4, "big") + bytes(9999))
    write_checksums(fake_mirror)
    with pytest.raises(CorruptDatasetError, match=r"dimensions \(9999,\).*expected \(10000,\)"):
        load_fashion_mnist(data_home=fake_mirror)


def test_pima_split_is_stratified(fake_mirror):
    (x_train, y_train), (x_test, y_test) = load_pima(data_home=fake_mirror, test_size=0.25, seed=1)
    assert x_train.shape == (576, 8) and x_test.shape == (192, 8)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert y_test.sum() == 67  # 268 * 0.25, stratified
    again = load_pima(data_home=fake_mirror, test_size=0.25, seed=1)
    np.testing.assert_array_equal(again[0][0], x_train)
    assert len(PIMA_FEATURE_NAMES) == 8


def test_pima_bad_arguments_and_rows(fake_mirror):
    with pytest.raises(ValueError, match="test_size must be a fraction"):
        load_pima(data_home=fake_mirror, test_size=1.5)
    csv = fake_mirror / "pima-indians-diabetes.csv"
    csv.write_text("".join(csv.read_text().splitlines(keepends=True)[:700]))
    write_checksums(fake_mirror)
    with pytest.raises(CorruptDatasetError, match=r"shape \(700, 9\); expected \(768, 9\)"):
        load_pima_full(data_home=fake_mirror)


def _keras_reference(monkeypatch, npz_path, **kwargs):
    """Keras' own loader, pointed at the same file."""
    import keras
    from keras.src.datasets import imdb as keras_imdb

    monkeypatch.setattr(keras_imdb, "get_file", lambda *a, **k: str(npz_path))
    return keras.datasets.imdb.load_data(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 10},
        {"num_words": 10, "skip_top": 5},
        {"num_words": 10, "oov_char": None},
        {"maxlen": 5},
        {"start_char": None, "index_from": 0, "seed": 7},
    ],
)
def test_imdb_matches_keras_loader(fake_mirror, monkeypatch, kwargs):
    (x_train, y_train), (x_test, y_test) = load_imdb(data_home=fake_mirror, **kwargs)
    (kx_train, ky_train), (kx_test, ky_test) = _keras_reference(
        monkeypatch, fake_mirror / "imdb/imdb.npz", **kwargs
    )
    assert [s.tolist() for s in x_train] == [list(s) for s in kx_train]
    assert [s.tolist() for s in x_test] == [list(s) for s in kx_test]
    np.testing.assert_array_equal(y_train, ky_train)
    np.testing.assert_array_equal(y_test, ky_test)
    assert all(s.dtype == np.int32 for s in x_train)


def test_imdb_defaults_exact(fake_mirror):
    (x_train, y_train), (x_test, _) = load_imdb(data_home=fake_mirror)
    assert len(x_train) == len(FAKE_IMDB_TRAIN) and len(x_test) == len(FAKE_IMDB_TEST)
    # Keras' rule with num_words=None: the single largest index (20 + 3) becomes OOV (2).
    expected = sorted([1] + [w + 3 if w + 3 < 23 else 2 for w in row] for row in FAKE_IMDB_TRAIN)
    assert sorted(s.tolist() for s in x_train) == expected


def test_imdb_refuses_pickled_code(tmp_path):
    import io
    import pickle
    import zipfile

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    bad = tmp_path / "imdb/imdb.npz"
    bad.parent.mkdir(parents=True)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("x_train.npy", header.getvalue() + pickle.dumps(Evil()))
    with pytest.raises(CorruptDatasetError, match="refusing to unpickle builtins.print"):
        load_imdb(data_home=tmp_path)


def test_imdb_truncated_archive(fake_mirror):
    path = fake_mirror / "imdb/imdb.npz"
    path.write_bytes(path.read_bytes()[:100])
    write_checksums(fake_mirror)
    with pytest.raises(CorruptDatasetError, match="not a readable imdb.npz"):
        load_imdb(data_home=fake_mirror)


def test_word_index_decode_encode(fake_mirror):
    index = get_word_index(data_home=fake_mirror)
    assert index == FAKE_WORD_INDEX
    index["the"] = 99  # callers get a copy
    assert get_word_index(data_home=fake_mirror)["the"] == 1
    # "this"=11, "film"=19, "was"=13 -> +3
    assert decode_review([1, 14, 22, 16, 2, 0], data_home=fake_mirror) == (
        "<start> this film was <oov> <pad>"
    )
    assert encode_review("This film, was GREAT!", data_home=fake_mirror).tolist() == [1, 14, 22, 16, 2]
    assert encode_review("the film", num_words=10, data_home=fake_mirror).tolist() == [1, 4, 2]


def test_corrupt_word_index(fake_mirror):
    (fake_mirror / "imdb/imdb_word_index.json").write_text("{not json")
    write_checksums(fake_mirror)
    with pytest.raises(CorruptDatasetError, match="not valid JSON"):
        get_word_index(data_home=fake_mirror)
