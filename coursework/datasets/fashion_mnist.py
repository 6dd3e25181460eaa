"""Fashion-MNIST: 70,000 28x28 grey-scale images of 10 clothing classes
(notebook 05).  Zalando Research, MIT licence."""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from ..exceptions import CorruptDatasetError
from ._cache import DataHome, RemoteFile, fetch

__all__ = ["load_fashion_mnist", "CLASS_NAMES"]

#: Class names in label order 0..9.
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# The origin Keras' own loader uses; it publishes no checksums for these
# files, so the content (IDX header, sizes, label range) is validated instead.
_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FILES = {
    name: RemoteFile(f"fashion-mnist/{name}", _ORIGIN + name)
    for name in (
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    )
}
_IMAGE_MAGIC, _LABEL_MAGIC = 2051, 2049


def _read_idx(path: Path, home: DataHome, *, magic: int, count: int) -> np.ndarray:
    """Parse a gzip'd IDX file (images: magic 2051, labels: magic 2049)."""
    try:
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise CorruptDatasetError(
            f"{path} is not a readable gzip file ({exc}). {home.fix_hint(path)}"
        ) from exc
    ndim = 3 if magic == _IMAGE_MAGIC else 1
    header_size = 4 + 4 * ndim
    if len(raw) < header_size or struct.unpack(">I", raw[:4])[0] != magic:
        raise CorruptDatasetError(
            f"{path} is not an IDX file with magic number {magic}. {home.fix_hint(path)}"
        )
    dims = struct.unpack(f">{ndim}I", raw[4:header_size])
    expected_dims = (count, 28, 28)[:ndim]
    if dims != expected_dims or len(raw) != header_size + int(np.prod(dims)):
        raise CorruptDatasetError(
            f"{path} holds dimensions {dims} and {len(raw) - header_size} data bytes; expected "
            f"{expected_dims} and {int(np.prod(expected_dims))}. {home.fix_hint(path)}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(dims).copy()


def load_fashion_mnist(
    *, data_home: str | os.PathLike[str] | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST like ``keras.datasets.fashion_mnist.load_data()``.

    Parameters
    ----------
    data_home : path, optional
        A mirror folder; default: ``COURSEWORK_DATA``, then the download cache
        (see :mod:`coursework.datasets`).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x_*``: uint8 arrays of shape (60000, 28, 28) and (10000, 28, 28),
        pixel values 0..255; ``y_*``: uint8 labels 0..9, names in
        :data:`CLASS_NAMES`.

    Raises
    ------
    DatasetUnavailableError, ChecksumError, CorruptDatasetError

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_fashion_mnist()  # doctest: +SKIP
    >>> x_train.shape, CLASS_NAMES[y_train[0]]  # doctest: +SKIP
    ((60000, 28, 28), 'Ankle boot')
    """
    arrays = []
    for split, count in (("train", 60000), ("t10k", 10000)):
        for kind, magic in (("images-idx3", _IMAGE_MAGIC), ("labels-idx1", _LABEL_MAGIC)):
            path, home = fetch(_FILES[f"{split}-{kind}-ubyte.gz"], data_home=data_home)
            array = _read_idx(path, home, magic=magic, count=count)
            if magic == _LABEL_MAGIC and array.max() > 9:
                raise CorruptDatasetError(
                    f"{path} has label {int(array.max())}; labels must be 0..9. {home.fix_hint(path)}"
                )
            arrays.append(array)
    x_train, y_train, x_test, y_test = arrays
    return (x_train, y_train), (x_test, y_test)
