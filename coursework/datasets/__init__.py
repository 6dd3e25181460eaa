"""Dataset loaders that work offline from a mirror or download once.

Each loader returns NumPy arrays in the layout of Keras' own loaders,
``(x_train, y_train), (x_test, y_test)`` (except :func:`load_toy_points`).
Where the files come from (see :mod:`coursework.datasets._cache`):

1. the loader's ``data_home`` argument, else
2. the ``COURSEWORK_DATA`` environment variable: a read-only offline mirror
   laid out like ``shared/datasets`` (checked against its ``SHA256SUMS``), else
3. ``~/.coursework/datasets``, downloading from the public origin on first use.
"""

from ._cache import DEFAULT_CACHE, get_data_home
from .fashion_mnist import CLASS_NAMES, load_fashion_mnist
from .imdb import decode_review, encode_review, get_word_index, load_imdb
from .pima import PIMA_FEATURE_NAMES, PIMA_FEATURES, load_pima, load_pima_full
from .toy import load_toy_points

__all__ = [
    "DEFAULT_CACHE",
    "CLASS_NAMES",
    "PIMA_FEATURES",
    "PIMA_FEATURE_NAMES",
    "decode_review",
    "encode_review",
    "get_data_home",
    "get_word_index",
    "load_fashion_mnist",
    "load_imdb",
    "load_pima",
    "load_pima_full",
    "load_toy_points",
]
