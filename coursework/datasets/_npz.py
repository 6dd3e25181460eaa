"""Read ``imdb.npz`` without ``allow_pickle=True``.

The IMDB archive stores ragged sequences as NumPy object arrays, which NumPy
can only save as a pickle stream; ``np.load(path, allow_pickle=True)`` would
let a tampered file run arbitrary code.  This reader unpickles with an
allow-list of exactly the globals a NumPy array needs.

Keras >= 3.13 ships the same idea as ``keras.src.datasets.npz_utils``; we keep
our own copy (about 30 lines) because that module is private and absent from
the older Keras releases that Colab and conda environments may have.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from os import PathLike

import numpy as np

_ALLOWED_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


#: NumPy 2 renamed ``numpy.core`` to ``numpy._core``: a pickle written by one
#: major version names a module the other may lack (NumPy 1.26 has no
#: ``numpy._core``; NumPy 2 keeps ``numpy.core`` only as a deprecated alias).
_CORE = "numpy._core" if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else "numpy.core"


class _ArrayOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):  # noqa: D102
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"refusing to unpickle {module}.{name}")
        if module.startswith(("numpy.core.", "numpy._core.")):
            module = _CORE + module[module.index(".", 6):]
        return super().find_class(module, name)


def _read_npy(fp: io.BytesIO) -> np.ndarray:
    version = np.lib.format.read_magic(fp)
    if version[0] == 1:
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    else:  # 2.0 and 3.0 share the header layout
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    if not dtype.hasobject:
        fp.seek(0)
        return np.lib.format.read_array(fp, allow_pickle=False)
    return _ArrayOnlyUnpickler(fp).load()


def load_npz(path: str | PathLike[str]) -> dict[str, np.ndarray]:
    """Load every ``.npy`` member of an ``.npz`` archive, pickles restricted."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                arrays[member[:-4]] = _read_npy(io.BytesIO(archive.read(member)))
    return arrays
