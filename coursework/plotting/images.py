"""Image grids: images with their labels and predictions (notebook 05 and later).

:func:`plot_images` shows a grid titled by label and prediction;
:func:`plot_image_probabilities` puts each image beside a bar chart of the
probabilities a model gave it (TensorFlow's "Basic classification" figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.colors import Colormap

from ._checks import as_class_ids, axes_array, check_int, check_names_cover, new_axes
from .alt import describe_axes
from .palette import OKABE_ITO, RIGHT, WRONG

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_image_probabilities", "plot_images"]

_OTHER = "0.75"


def _check_images(images: Any) -> np.ndarray:
    """(N, H, W) grey or (N, H, W, 3|4) colour images, floats above 1 rescaled from 0..255."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if not (images.ndim == 3 or (images.ndim == 4 and images.shape[-1] in (3, 4))):
        raise ValueError(
            "`images` must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3). "
            f"Got shape {images.shape} instead."
        )
    if len(images) == 0:
        raise ValueError("`images` must hold at least one image. Got 0 instead.")
    if images.ndim == 4 and np.issubdtype(images.dtype, np.floating) and images.max() > 1.0:
        images = np.clip(images / 255.0, 0.0, 1.0)
    return images


def _grid(n_panels: int, ncols: int, axes: Any, what: str, panel_size: tuple[float, float]
          ) -> np.ndarray:
    """The given Axes (at least ``n_panels``), or a new grid of ``ncols`` columns."""
    if axes is not None:
        return axes_array(axes, n_panels, what, exact=False)
    ncols = min(ncols, n_panels)
    nrows = -(-n_panels // ncols)
    return new_axes(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                    layout="constrained").ravel()


def _namer(class_names: Sequence[str] | None):
    def name(class_id: Any) -> str:
        return str(class_names[int(class_id)]) if class_names is not None else str(class_id)
    return name


def _show(ax: Axes, image: np.ndarray, cmap: Any, imshow_kwargs: dict) -> None:
    ax.imshow(image, cmap=cmap if image.ndim == 2 else None, **imshow_kwargs)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_images(
    images: Any,
    labels: Any = None,
    class_names: Sequence[str] | None = None,
    *,
    predictions: Any = None,
    ncols: int = 5,
    axes: Sequence[Axes] | np.ndarray | None = None,
    cmap: str | Colormap | None = "gray",
    **imshow_kwargs: Any,
) -> np.ndarray:
    """Show images in a grid, titled by label and, optionally, prediction.

    With ``predictions`` each title reads ``"✓ predicted (true)"`` in blue
    when right and ``"✗ predicted (true)"`` in vermillion when wrong (the
    mark says it without the colour).  Used in notebook 05 (first look at an image
    dataset, its mistakes, the linear model's weight templates).

    Parameters
    ----------
    images : array-like of shape (N, H, W), (N, H, W, 1) or (N, H, W, 3)
        Grey-level or RGB images; uint8 0..255 or floats.  Float RGB images
        with values above 1 are taken to be on a 0..255 scale.
    labels : array-like of shape (N,), optional
        True class ids (one-hot rows of shape (N, k) are accepted).
    class_names : sequence of str, optional
        Names indexed by class id; titles show the ids when omitted.
    predictions : array-like of shape (N,) or (N, k), optional
        Predicted class ids, or one row of scores per image (argmax taken).
    ncols : int, default=5
        Number of columns of the grid when ``axes`` is not given.
    axes : sequence of Axes, optional
        At least N Axes to draw on (extra ones are turned off).
    cmap : str or Colormap, default="gray"
        Colormap of grey-level images (ignored for RGB).
    **imshow_kwargs
        Passed to ``Axes.imshow`` (``vmin``, ``vmax``, ``norm``...).

    Returns
    -------
    numpy.ndarray of Axes, shape (n_axes,)
        All Axes of the grid, flattened row by row; ``axes[i]`` shows image i.

    Raises
    ------
    ValueError
        If the images do not have an accepted shape, ``labels`` or
        ``predictions`` do not have one entry per image, a class id has no
        name, ``ncols < 1``, or too few ``axes`` are given.

    Examples
    --------
    >>> plot_images(x_test[:10], y_test[:10], CLASS_NAMES)  # doctest: +SKIP
    >>> plot_images(x_test[:10], y_test[:10], CLASS_NAMES,
    ...             predictions=model.predict(x_test[:10], verbose=0))  # doctest: +SKIP
    """
    images = _check_images(images)
    n = len(images)
    if labels is not None:
        labels = as_class_ids(labels, "labels", n_samples=n)
    if predictions is not None:
        predictions = as_class_ids(predictions, "predictions", n_samples=n)
    if class_names is not None:
        for values in (v for v in (labels, predictions) if v is not None):
            check_names_cover(class_names, values)
    ncols = check_int(ncols, "ncols", minimum=1)
    panels = _grid(n, ncols, axes, "one per image", (1.8, 2.0))

    name = _namer(class_names)
    for i, ax in enumerate(panels):
        if i >= n:
            ax.set_axis_off()
            continue
        _show(ax, images[i], cmap, imshow_kwargs)
        if predictions is not None and labels is not None:
            style = RIGHT if predictions[i] == labels[i] else WRONG
            ax.set_title(f"{style['mark']} {name(predictions[i])} ({name(labels[i])})",
                         color=style["color"], fontsize="small")
        elif predictions is not None or labels is not None:
            ax.set_title(name((predictions if labels is None else labels)[i]), fontsize="small")
    describe_axes(panels[0], _describe_grid(n, labels, predictions, name))
    return panels


def _describe_grid(n: int, labels: Any, predictions: Any, name: Any) -> str:
    """The grid in words: how many images, which labels, which predictions were wrong."""
    text = f"{n} image{'s' if n != 1 else ''}"
    if labels is not None and predictions is not None:
        wrong = [i for i in range(n) if predictions[i] != labels[i]]
        text += f" titled by predicted class (true class): {n - len(wrong)} right, {len(wrong)} wrong"
        if wrong:
            text += " (" + ", ".join(f"{name(labels[i])} predicted as {name(predictions[i])}" for i in wrong) + ")"
    elif labels is not None or predictions is not None:
        values = labels if labels is not None else predictions
        kind = "labelled" if labels is not None else "titled by predicted class"
        text += f" {kind}: " + ", ".join(name(v) for v in values)
    return text


def _draw_probabilities(ax: Axes, p: np.ndarray, label: int | None, names: list[str]) -> None:
    """One bar per class; the true class blue, a wrong prediction vermillion and hatched."""
    predicted = int(np.argmax(p))
    colors, hatches = [_OTHER] * len(p), [""] * len(p)
    if label is not None:
        colors[label] = RIGHT["color"]
    if label is None or predicted != label:
        colors[predicted] = WRONG["color"] if label is not None else OKABE_ITO[4]
        hatches[predicted] = WRONG["hatch"] if label is not None else ""
    ax.bar(np.arange(len(p)), p, color=colors, hatch=hatches, edgecolor="black", linewidth=0.3)
    ax.set_ylim(0, 1)
    ax.set_xticks(np.arange(len(p)), names, rotation=90, fontsize="x-small")
    ax.tick_params(axis="y", labelsize="x-small")


def plot_image_probabilities(
    images: Any,
    probabilities: Any,
    labels: Any = None,
    class_names: Sequence[str] | None = None,
    *,
    ncols: int = 3,
    axes: Sequence[Axes] | np.ndarray | None = None,
    cmap: str | Colormap | None = "gray",
) -> np.ndarray:
    """Each image beside a bar chart of the probabilities a model gave it.

    The image is titled ``"✓ predicted p% (true)"`` (blue) when right and
    ``"✗ predicted p% (true)"`` (vermillion) when wrong; in the bars the true
    class is blue and a wrong prediction vermillion and hatched.
    Used in notebook 05, after ``model.predict``.

    Parameters
    ----------
    images : array-like of shape (N, H, W), (N, H, W, 1) or (N, H, W, 3)
        The images, as for :func:`plot_images`.
    probabilities : array-like of shape (N, k)
        One row of class probabilities per image (e.g. a softmax output).
    labels : array-like of shape (N,), optional
        True class ids.
    class_names : sequence of k str, optional
        Names of the classes; ids are shown when omitted.
    ncols : int, default=3
        Number of (image, bars) pairs per row when ``axes`` is not given.
    axes : sequence of Axes, optional
        At least 2N Axes: image i is drawn on ``axes[2 i]``, its bars on
        ``axes[2 i + 1]`` (extra ones are turned off).
    cmap : str or Colormap, default="gray"
        Colormap of grey-level images.

    Returns
    -------
    numpy.ndarray of Axes, shape (n_axes,)
        All Axes, flattened row by row, in (image, bars) pairs.

    Raises
    ------
    ValueError
        If ``probabilities`` is not of shape (N, k), ``labels`` does not have
        one id per image or an id is outside ``0..k-1``, ``class_names`` does
        not have k names, ``ncols < 1``, or too few ``axes`` are given.
    """
    images = _check_images(images)
    n = len(images)
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 2 or len(p) != n or p.shape[1] < 2:
        raise ValueError(
            f"`probabilities` must have shape ({n}, k): one row of k >= 2 class probabilities "
            f"per image. Got shape {p.shape} instead."
        )
    k = p.shape[1]
    if class_names is not None and (isinstance(class_names, str) or len(class_names) != k):
        raise ValueError(f"`class_names` must hold {k} names, one per column of "
                         f"`probabilities`. Got {class_names!r} instead.")
    names = [str(c) for c in class_names] if class_names is not None else [str(i) for i in range(k)]
    if labels is not None:
        labels = as_class_ids(labels, "labels", n_samples=n)
        check_names_cover(names, labels, "labels")
    ncols = check_int(ncols, "ncols", minimum=1)
    panels = _grid(2 * n, 2 * min(ncols, n), axes, "two per image", (1.9, 2.3))

    for i in range(n):
        image_ax, bars_ax = panels[2 * i], panels[2 * i + 1]
        _show(image_ax, images[i], cmap, {})
        predicted = int(np.argmax(p[i]))
        title = f"{names[predicted]} {p[i, predicted]:.0%}"
        color = "black"
        if labels is not None:
            style = RIGHT if predicted == labels[i] else WRONG
            title = f"{style['mark']} {title} ({names[int(labels[i])]})"
            color = style["color"]
        image_ax.set_title(title, color=color, fontsize="small")
        _draw_probabilities(bars_ax, p[i], None if labels is None else int(labels[i]), names)
    for ax in panels[2 * n:]:
        ax.set_axis_off()
    describe_axes(panels[0], f"{n} image{'s' if n != 1 else ''}, each beside a bar chart of the "
                  "probabilities the model gave to each class: "
                  + "; ".join(_describe_probabilities(p[i], None if labels is None else int(labels[i]), names)
                              for i in range(n)))
    return panels


def _describe_probabilities(p: np.ndarray, label: int | None, names: list[str]) -> str:
    predicted = int(np.argmax(p))
    text = f"{names[predicted]} {p[predicted]:.0%}"
    if label is not None:
        verdict = "right" if predicted == label else f"wrong, true class {names[label]} {p[label]:.0%}"
        text += f" ({verdict})"
    return text
