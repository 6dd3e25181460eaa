"""Pima Indians Diabetes: 768 women of Pima heritage, 8 clinical measurements,
diabetes within five years yes/no (notebook 03).

Origin: National Institute of Diabetes and Digestive and Kidney Diseases,
via the UCI repository; CSV without header, 9 columns.
"""

from __future__ import annotations

import os

import numpy as np

from ..exceptions import CorruptDatasetError
from ._cache import RemoteFile, fetch

__all__ = ["load_pima", "load_pima_full", "PIMA_FEATURES", "PIMA_FEATURE_NAMES"]

#: (column name, meaning with unit) for the 8 feature columns, in file order.
PIMA_FEATURES = (
    ("pregnancies", "number of times pregnant"),
    ("glucose", "plasma glucose 2 h after an oral glucose tolerance test (mg/dl)"),
    ("blood_pressure", "diastolic blood pressure (mm Hg)"),
    ("skin_thickness", "triceps skin-fold thickness (mm)"),
    ("insulin", "2-hour serum insulin (mu U/ml)"),
    ("bmi", "body-mass index (kg/m^2)"),
    ("pedigree", "diabetes pedigree function (family history score)"),
    ("age", "age (years)"),
)
#: The 8 feature names alone.
PIMA_FEATURE_NAMES = tuple(name for name, _ in PIMA_FEATURES)

# The copy most Keras tutorials download; no checksum is published for it,
# so the content (768 x 9, 0/1 class, no negatives) is validated instead.
_CSV = RemoteFile(
    "pima-indians-diabetes.csv",
    "https://raw.githubusercontent.com/jbrownlee/Datasets/master/pima-indians-diabetes.data.csv",
)
_ROWS, _COLUMNS = 768, 9


def load_pima_full(
    *, data_home: str | os.PathLike[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All 768 rows, unsplit, in file order.

    Returns
    -------
    x : ndarray of shape (768, 8), float32
        Features in the order of :data:`PIMA_FEATURE_NAMES`.  Zeros in
        glucose, blood pressure, skin fold, insulin and BMI mean "not measured".
    y : ndarray of shape (768,), int64
        1 = tested positive for diabetes (268 rows), 0 = negative (500 rows).
    """
    path, home = fetch(_CSV, data_home=data_home)
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptDatasetError(
            f"{path} is not a numeric CSV ({exc}). {home.fix_hint(path)}"
        ) from exc
    if table.shape != (_ROWS, _COLUMNS):
        raise CorruptDatasetError(
            f"{path} has shape {table.shape}; expected {(_ROWS, _COLUMNS)} "
            f"(768 rows, 8 features + class, no header). {home.fix_hint(path)}"
        )
    labels = table[:, -1]
    if not np.isin(labels, (0, 1)).all() or (table < 0).any():
        raise CorruptDatasetError(
            f"{path} has a class other than 0/1 or a negative measurement. {home.fix_hint(path)}"
        )
    return table[:, :-1].astype(np.float32), labels.astype(np.int64)


def load_pima(
    *,
    test_size: float = 0.2,
    seed: int = 42,
    data_home: str | os.PathLike[str] | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Pima with a stratified train/test split (scikit-learn).

    Parameters
    ----------
    test_size : float
        Fraction held out for testing, in (0, 1).  Stratified, so both parts
        keep the 65/35 class balance.
    seed : int
        Seed of the split.
    data_home : path, optional
        A mirror folder (default: ``COURSEWORK_DATA``, then the cache).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        float32 features of shape (n, 8), int64 labels 0/1.  Unscaled: fit a
        scaler on ``x_train`` only.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_pima(test_size=0.25)  # doctest: +SKIP
    >>> len(x_train), len(x_test)  # doctest: +SKIP
    (576, 192)
    """
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a fraction in (0, 1). Got {test_size!r} instead.")
    from sklearn.model_selection import train_test_split

    x, y = load_pima_full(data_home=data_home)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y
    )
    return (x_train, y_train), (x_test, y_test)
