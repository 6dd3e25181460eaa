"""Private helpers shared by the plotting modules: argument checks, colours, scatters.

Nothing here is public; every function validates or prepares arguments for a
``plot_*`` function, or draws the one thing several of them draw (class-coloured
points).  The only place pyplot is imported is :func:`new_axes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.colors import Colormap, ListedColormap

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def new_axes(nrows: int = 1, ncols: int = 1, **subplots_kwargs: Any) -> np.ndarray:
    """A new figure's Axes as a 2-D array (the only place pyplot is used)."""
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(nrows, ncols, squeeze=False, **subplots_kwargs)
    return axes


def check_int(value: Any, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}. Got {value!r} instead.")
    return int(value)


def check_real(value: Any, name: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"`{name}` must be a real number. Got {value!r} instead.")
    value = float(value)
    if not np.isfinite(value) or (minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise ValueError(f"`{name}` must be a finite number{bound}. Got {value!r} instead.")
    return value


def check_X(X: Any, name: str = "X") -> np.ndarray:
    """A float array of shape (n_samples, 2)."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must be a numeric array of shape (n_samples, 2). {exc}") from exc
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(
            f"`{name}` must be a 2-D array of shape (n_samples, 2) with at least one row. "
            f"Got shape {X.shape} instead."
        )
    if not np.all(np.isfinite(X)):
        raise ValueError(f"`{name}` must contain only finite values (no NaN or inf).")
    return X


def as_class_ids(values: Any, name: str, n_samples: int | None = None) -> np.ndarray:
    """1-D labels from labels, a (n, 1) column, or one-hot/probability rows."""
    values = np.asarray(values)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    elif values.ndim == 2:
        values = np.argmax(values, axis=1)
    if values.ndim != 1:
        raise ValueError(
            f"`{name}` must be 1-D (one label per sample) or 2-D (one row of scores or "
            f"one-hot values per sample). Got shape {values.shape} instead."
        )
    if n_samples is not None and len(values) != n_samples:
        raise ValueError(
            f"`{name}` must have one entry per sample ({n_samples}). Got {len(values)} instead."
        )
    return values


def check_names_cover(class_names: Sequence[str], ids: np.ndarray, what: str = "ids") -> None:
    """Every class id in ``ids`` has a name in ``class_names``."""
    if ids.size and (ids.min() < 0 or ids.max() >= len(class_names)):
        raise ValueError(
            f"`class_names` must have a name for every class id; it has {len(class_names)} "
            f"names but the {what} go from {ids.min()} to {ids.max()}."
        )


def class_colors(cmap: str | Colormap | None, n_classes: int) -> list[tuple[float, ...]]:
    """``n_classes`` distinct RGBA colours (qualitative colormaps are not stretched).

    By default the Okabe–Ito palette (colour-blind safe, :mod:`.palette`) up to
    7 classes, ``tab20`` beyond (classes also differ by marker).
    """
    import matplotlib

    from .palette import OKABE_ITO_CMAP

    if cmap is None:
        cmap = OKABE_ITO_CMAP if n_classes <= OKABE_ITO_CMAP.N else "tab20"
    if isinstance(cmap, str):
        try:
            cmap = matplotlib.colormaps[cmap]
        except KeyError:
            raise ValueError(
                f"`cmap` must be a matplotlib colormap or its name. Got {cmap!r} instead."
            ) from None
    if not isinstance(cmap, Colormap):
        raise ValueError(f"`cmap` must be a matplotlib colormap or its name. Got {cmap!r} instead.")
    if isinstance(cmap, ListedColormap) and cmap.N >= n_classes:
        return [cmap(i) for i in range(n_classes)]
    return [cmap(x) for x in np.linspace(0.0, 1.0, n_classes)]


def class_names_for(class_names: Sequence[str] | None, classes: Sequence[Any]) -> list[str]:
    """Legend names of ``classes``: the given names, or the labels themselves."""
    if class_names is None:
        return [str(c.item() if isinstance(c, np.generic) else c) for c in classes]
    if isinstance(class_names, str) or len(class_names) != len(classes):
        raise ValueError(
            f"`class_names` must be a sequence of {len(classes)} names, one per class "
            f"{list(classes)}. Got {class_names!r} instead."
        )
    return [str(name) for name in class_names]


def feature_names_for(feature_names: Sequence[str] | None) -> tuple[str, str]:
    if feature_names is None:
        return ("x1", "x2")
    if isinstance(feature_names, str) or len(feature_names) != 2:
        raise ValueError(
            f"`feature_names` must be a sequence of 2 names. Got {feature_names!r} instead."
        )
    return (str(feature_names[0]), str(feature_names[1]))


_RESERVED_SCATTER_KEYS = ("c", "color", "label")


def check_scatter_kwargs(scatter_kwargs: Mapping[str, Any]) -> None:
    reserved = [key for key in _RESERVED_SCATTER_KEYS if key in scatter_kwargs]
    if reserved:
        raise ValueError(
            f"`scatter_kwargs` must not contain {reserved}: points are coloured and labelled "
            "by class; pass `cmap` and `class_names` instead."
        )


def axes_array(axes: Any, n: int, what: str, *, exact: bool) -> np.ndarray:
    """Given Axes as a flat object array, checked to hold ``n`` (or at least ``n``)."""
    array = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
    if (exact and len(array) != n) or len(array) < n:
        qualifier = "" if exact else "at least "
        raise ValueError(
            f"`axes` must hold {qualifier}{n} Axes, {what}. Got {len(array)} instead."
        )
    return array


def scatter_classes(
    ax: Axes,
    X: np.ndarray,
    y_index: np.ndarray,
    names: Sequence[str],
    colors: Sequence[Any],
    **scatter_kwargs: Any,
) -> None:
    """One scatter (one legend entry) per class that has points, each class
    with its own marker as well as its colour (unless ``marker`` is given)."""
    from .palette import CLASS_MARKERS

    kwargs = {"edgecolors": "k", "linewidths": 0.5, "s": 25} | dict(scatter_kwargs)
    for index, (name, color) in enumerate(zip(names, colors)):
        mask = y_index == index
        if np.any(mask):
            marker = {"marker": CLASS_MARKERS[index % len(CLASS_MARKERS)]} | kwargs
            ax.scatter(X[mask, 0], X[mask, 1], color=color, label=name, **marker)


def class_label(name: str) -> str:
    """How a text alternative names a class: ``"class -1"`` for a bare number, else its name."""
    return f"class {name}" if name.lstrip("+-").replace(".", "", 1).isdigit() else name


def class_counts(y_index: np.ndarray, names: Sequence[str]) -> str:
    """``"2 of class -1, 2 of class 1"``: the points per class, for a text alternative."""
    counts = np.bincount(np.asarray(y_index, dtype=int), minlength=len(names))
    return ", ".join(f"{count} of {class_label(name)}" for name, count in zip(names, counts) if count)
