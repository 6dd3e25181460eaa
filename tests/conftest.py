"""Shared fixtures: a tiny synthetic data mirror and the real one."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# The real mirror comes from the environment (.ci/run sets it to
# ../shared/datasets); read before the autouse fixture below unsets it.
_REAL = os.environ.get("COURSEWORK_DATA", "").strip()
REAL_MIRROR = Path(_REAL) if _REAL else None
#: Debian's Chromium (apt-get install -y chromium); another binary by COURSEWORK_CHROMIUM.
CHROMIUM = Path(os.environ.get("COURSEWORK_CHROMIUM", "/usr/bin/chromium"))
#: Chromium as root in a container, on a closed network: without the
#: background-networking flags it keeps trying to reach Google's services.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-gpu", "--disable-quic",
]


#: Folders whose tests share a costly session fixture (the executed notebooks,
#: the built site, one JupyterLab, a released notebook): under pytest-xdist
#: each runs whole in one worker, so the fixture is built once.
SHARED_SESSION = ("browser", "notebooks", "similarity", "site")


def _work_unit(nodeid: str) -> str:
    """The unit one xdist worker runs whole: a folder of :data:`SHARED_SESSION`, else a file."""
    path = nodeid.split("::", 1)[0]
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 and parts[1] in SHARED_SESSION else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Under pytest-xdist (scripts/test.sh: ``-n auto --dist loadscope``), one
    worker per :func:`_work_unit`, so module and session fixtures are built once.

    A scheduler of our own, not ``--dist loadgroup`` with ``xdist_group``
    marks: pytest-xdist 3.8 puts the group into ``item._nodeid``, which
    pytest 9.2 no longer reads (the marks are then silently ignored).
    """
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _work_unit(nodeid)

    return SharedFixtureScheduling(config, log)


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch, tmp_path_factory):
    """Tests start with no mirror configured and a private cache home."""
    monkeypatch.delenv("COURSEWORK_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """Debian's Chromium, launched through Playwright once per test process.

    tests/browser and tests/site share it: Playwright's sync API allows one
    running instance per thread (a second ``sync_playwright()`` fails with
    "using Playwright Sync API inside the asyncio loop").  Playwright's own
    browser download needs the internet, which CI does not have.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -c ci/constraints.txt -e '.[cpu,dev]'")
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium, or set COURSEWORK_CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def real_mirror() -> Path:
    """The real dataset mirror (shared/datasets); skipped when absent."""
    if REAL_MIRROR is None or not REAL_MIRROR.is_dir():
        pytest.skip("set COURSEWORK_DATA to the real dataset mirror (shared/datasets)")
    return REAL_MIRROR


def write_idx_gz(path: Path, array: np.ndarray, magic: int) -> None:
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


def write_npz_with_objects(path: Path, **arrays) -> None:
    """An .npz whose ragged members are pickled object arrays, like imdb.npz."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=True)
            archive.writestr(f"{name}.npy", buffer.getvalue())


def ragged(rows: list[list[int]]) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = list(row)
    return out


#: The fake IMDB reviews in file order (raw ranks, no offset), and labels.
FAKE_IMDB_TRAIN = [[1, 2, 3], [4, 5, 6, 7, 8], [11, 12], [1, 1, 1, 1, 1, 1, 20], [9]]
FAKE_IMDB_TEST = [[3, 2, 1], [5, 15], [2, 2, 2, 2], [7, 8, 9, 10, 11, 12]]
FAKE_WORD_INDEX = {w: r for r, w in enumerate(
    "the and a of to is br in it i this that was as for with movie but film on".split(), start=1)}


@pytest.fixture
def fake_mirror(tmp_path) -> Path:
    """A complete mirror with tiny synthetic files and a valid SHA256SUMS."""
    root = tmp_path / "mirror"
    rng = np.random.default_rng(0)
    for split, count in (("train", 60000), ("t10k", 10000)):
        images = np.zeros((count, 28, 28), dtype=np.uint8)
        images[:, 14, 14] = np.arange(count) % 256
        write_idx_gz(root / f"fashion-mnist/{split}-images-idx3-ubyte.gz", images, 2051)
        write_idx_gz(root / f"fashion-mnist/{split}-labels-idx1-ubyte.gz", np.arange(count) % 10, 2049)
    pima = np.column_stack([rng.integers(0, 200, size=(768, 8)), np.r_[np.zeros(500), np.ones(268)]])
    np.savetxt(root / "pima-indians-diabetes.csv", pima, fmt="%d", delimiter=",")
    write_npz_with_objects(
        root / "imdb/imdb.npz",
        x_train=ragged(FAKE_IMDB_TRAIN), y_train=np.array([0, 1, 0, 1, 1]),
        x_test=ragged(FAKE_IMDB_TEST), y_test=np.array([1, 0, 1, 0]),
    )
    (root / "imdb/imdb_word_index.json").write_text(json.dumps(FAKE_WORD_INDEX))
    write_checksums(root)
    return root


def write_checksums(root: Path) -> None:
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}"
        for p in sorted(root.rglob("*")) if p.is_file() and p.name != "SHA256SUMS"
    ]
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n")
