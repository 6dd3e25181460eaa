"""Data home resolution, mirror checksums, downloads (monkeypatched)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursework.datasets import _cache, load_pima
from coursework.datasets._cache import RemoteFile, fetch, get_data_home, sha256sum
from coursework.exceptions import ChecksumError, DatasetError, DatasetUnavailableError


def test_data_home_order(tmp_path, monkeypatch):
    assert get_data_home().path == Path.home() / ".coursework" / "datasets"
    assert not get_data_home().is_mirror
    monkeypatch.setenv("COURSEWORK_DATA", str(tmp_path))
    assert get_data_home().path == tmp_path.resolve()
    assert get_data_home().source == "COURSEWORK_DATA"
    other = tmp_path / "other"
    other.mkdir()
    assert get_data_home(other).path == other.resolve()  # argument wins
    assert get_data_home(other).source == "argument"


def test_mirror_that_is_not_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEWORK_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(DatasetUnavailableError, match="is not a folder.*COURSEWORK_DATA"):
        get_data_home()


def test_missing_file_in_mirror_says_what_to_do(tmp_path):
    with pytest.raises(DatasetUnavailableError) as info:
        load_pima(data_home=tmp_path)
    message = str(info.value)
    assert "pima-indians-diabetes.csv is not in the data mirror" in message
    assert "unset COURSEWORK_DATA" in message


def test_mirror_checksum_mismatch(fake_mirror):
    csv = fake_mirror / "pima-indians-diabetes.csv"
    csv.write_text(csv.read_text().replace("\n", "\n", 1) + "")  # unchanged: still verifies
    load_pima(data_home=fake_mirror)
    csv.write_text(csv.read_text().replace(",", ",1", 1))
    with pytest.raises(ChecksumError) as info:
        load_pima(data_home=fake_mirror)
    assert sha256sum(csv) in str(info.value)
    assert "SHA256SUMS" in str(info.value)
    assert isinstance(info.value, OSError)


def test_mirror_without_checksums_is_accepted(fake_mirror):
    (fake_mirror / "SHA256SUMS").unlink()
    (x_train, _), _ = load_pima(data_home=fake_mirror)
    assert x_train.shape[1] == 8


def test_download_goes_to_cache_and_is_verified(tmp_path, monkeypatch):
    payload = b"hello\n"
    digest = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    calls = []

    def fake_get_file(fname, origin, file_hash, hash_algorithm, cache_dir, cache_subdir):
        calls.append(origin)
        target = Path(cache_dir) / cache_subdir / fname
        target.write_bytes(payload)
        return str(target)

    import keras

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    remote = RemoteFile("sub/hello.txt", "https://example.org/hello.txt", sha256=digest)
    path, home = fetch(remote)
    assert path == Path.home() / ".coursework/datasets/sub/hello.txt"
    assert path.read_bytes() == payload and not home.is_mirror
    fetch(remote)
    assert calls == ["https://example.org/hello.txt"]  # cached the second time

    path.write_bytes(b"tampered")
    with pytest.raises(ChecksumError, match="Delete .*hello.txt"):
        fetch(remote)


def test_offline_download_gives_clear_error(monkeypatch):
    import keras

    def offline(**kwargs):
        raise Exception("URL fetch failure on https://x: None -- [Errno -3] Temporary failure")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(DatasetUnavailableError) as info:
        load_pima()
    message = str(info.value)
    assert "Could not download" in message and "COURSEWORK_DATA" in message
    assert isinstance(info.value, DatasetError) and isinstance(info.value, FileNotFoundError)


def test_verification_is_memoised(fake_mirror, monkeypatch):
    load_pima(data_home=fake_mirror)
    monkeypatch.setattr(_cache, "sha256sum", lambda path: pytest.fail("hashed again"))
    load_pima(data_home=fake_mirror)
