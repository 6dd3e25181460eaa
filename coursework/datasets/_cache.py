"""Where dataset files come from: an offline mirror or a download cache.

The data home is resolved as (scikit-learn's ``get_data_home`` pattern):

1. the ``data_home`` argument of a loader,
2. the ``COURSEWORK_DATA`` environment variable,
3. ``~/.coursework/datasets`` (created on demand).

Cases 1 and 2 are **mirrors**: folders laid out like ``shared/datasets``
(``fashion-mnist/*.gz``, ``pima-indians-diabetes.csv``, ``imdb/imdb.npz``,
``imdb/imdb_word_index.json``), read-only and offline.  A loader never
downloads into a mirror; a file missing there is an error that says so.
When the mirror has a ``SHA256SUMS`` file every file read is checked against
it (once per process and file version).

Case 3 is a **cache**: a missing file is downloaded from its public origin
with ``keras.utils.get_file`` (temporary file, then moved into place), and
checked against the origin's published SHA-256 where one exists.  A cached
file whose SHA-256 no longer matches is reported, never silently used.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import DATA_ENV
from ..exceptions import ChecksumError, DatasetUnavailableError

__all__ = ["RemoteFile", "DataHome", "get_data_home", "fetch", "sha256sum"]

DEFAULT_CACHE = Path("~/.coursework/datasets")
CHECKSUM_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class RemoteFile:
    """A dataset file, described once.

    Attributes
    ----------
    relpath : str
        Path inside a data home, e.g. ``"imdb/imdb.npz"``.
    url : str
        Public origin it is downloaded from.
    sha256 : str or None
        Digest published for the origin's file; ``None`` where the origin
        publishes none (the loaders then validate the content instead).
    """

    relpath: str
    url: str
    sha256: str | None = None


@dataclass(frozen=True)
class DataHome:
    """A resolved data home: its folder and whether it is a read-only mirror."""

    path: Path
    is_mirror: bool
    source: str  # "argument", "COURSEWORK_DATA" or "default cache"

    def fix_hint(self, file: Path) -> str:
        """What a user should do about a bad ``file`` in this home."""
        if self.is_mirror:
            return (
                f"Replace it with a good copy in the mirror {self.path} (set by {self.source}), "
                f"or unset {DATA_ENV} to download it into {DEFAULT_CACHE}."
            )
        return f"Delete {file} and run the loader again to download a fresh copy."


def get_data_home(data_home: str | os.PathLike[str] | None = None) -> DataHome:
    """Resolve the data home: argument, then ``COURSEWORK_DATA``, then the cache.

    >>> get_data_home("/srv/mirror").is_mirror
    True
    """
    if data_home is not None:
        return _mirror(Path(data_home), "argument")
    env = os.environ.get(DATA_ENV, "").strip()
    if env:
        return _mirror(Path(env), DATA_ENV)
    return DataHome(DEFAULT_CACHE.expanduser(), is_mirror=False, source="default cache")


def _mirror(path: Path, source: str) -> DataHome:
    path = path.expanduser()
    if not path.is_dir():
        raise DatasetUnavailableError(
            f"The data mirror {path} (set by {source}) is not a folder. Point {DATA_ENV} at a "
            "folder laid out like shared/datasets (see data/README.md), or unset it to download "
            f"the datasets into {DEFAULT_CACHE}."
        )
    return DataHome(path.resolve(), is_mirror=True, source=source)


def sha256sum(path: str | os.PathLike[str], *, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


# (path, size, mtime_ns) -> digest already checked in this process
_VERIFIED: dict[tuple[str, int, int], str] = {}


def _verify(file: Path, expected: str, home: DataHome, what: str) -> None:
    stat = file.stat()
    key = (str(file), stat.st_size, stat.st_mtime_ns)
    if _VERIFIED.get(key) == expected:
        return
    actual = sha256sum(file)
    if actual != expected.lower():
        raise ChecksumError(
            f"{file} does not match {what}: expected SHA-256 {expected}, got {actual} "
            f"(the file is truncated, corrupted or a different version). {home.fix_hint(file)}"
        )
    _VERIFIED[key] = expected


def _mirror_checksums(home: DataHome) -> dict[str, str]:
    sums_file = home.path / CHECKSUM_FILE
    if not sums_file.is_file():
        return {}
    sums = {}
    for line in sums_file.read_text().splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2:
            sums[parts[1].lstrip("*").removeprefix("./")] = parts[0].lower()
    return sums


def fetch(remote: RemoteFile, *, data_home: str | os.PathLike[str] | None = None) -> tuple[Path, DataHome]:
    """Local path of ``remote``: read from the mirror, or cached/downloaded.

    Returns the path and the resolved :class:`DataHome` (loaders use it to
    phrase their own validation errors).

    Raises
    ------
    DatasetUnavailableError
        The mirror lacks the file, or the download failed (e.g. offline).
    ChecksumError
        The file's SHA-256 differs from the mirror's ``SHA256SUMS`` or the
        origin's published digest.
    """
    home = get_data_home(data_home)
    target = home.path / remote.relpath
    if home.is_mirror:
        if not target.is_file():
            raise DatasetUnavailableError(
                f"{remote.relpath} is not in the data mirror {home.path} (set by {home.source}). "
                f"Copy it there (expected at {target}), or unset {DATA_ENV} to download it from "
                f"{remote.url} into {DEFAULT_CACHE.expanduser()}."
            )
        expected = _mirror_checksums(home).get(remote.relpath)
        if expected:
            _verify(target, expected, home, f"{home.path / CHECKSUM_FILE}")
        return target, home

    if target.is_file():
        if remote.sha256:
            _verify(target, remote.sha256, home, f"the digest published for {remote.url}")
        return target, home
    _download(remote, target)
    return target, home


def _download(remote: RemoteFile, target: Path) -> None:
    """Download with ``keras.utils.get_file`` (temp file, hash check, move)."""
    import keras  # imported lazily: reading a mirror needs no Keras

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        keras.utils.get_file(
            fname=target.name,
            origin=remote.url,
            file_hash=remote.sha256,
            hash_algorithm="sha256",
            cache_dir=str(target.parent.parent),
            cache_subdir=target.parent.name,
        )
    except ValueError as exc:  # get_file's "Incomplete or corrupted file detected"
        raise ChecksumError(
            f"The download of {remote.url} does not match its published SHA-256 {remote.sha256}: "
            f"{exc}. Try again later; if it persists, download the file by hand and place it at "
            f"{target}."
        ) from exc
    except Exception as exc:  # get_file wraps URL errors in a bare Exception
        raise DatasetUnavailableError(
            f"Could not download {remote.url} ({exc}). If this machine is offline, point "
            f"{DATA_ENV} at a folder that holds {remote.relpath} (a mirror laid out like "
            "shared/datasets; see data/README.md), or copy the file to "
            f"{target} by hand."
        ) from exc
    if not target.is_file():  # get_file writes into cache_dir/cache_subdir/fname
        raise DatasetUnavailableError(f"Download of {remote.url} did not produce {target}.")
