"""Keras callbacks used in the course notebooks.

* :class:`ParameterHistory` keeps a copy of the weights after every epoch, so
  the decision boundary of each epoch comes from one ``fit`` (notebook 01
  writes a short version of it inline; the benchmark's workload uses this one).
* :class:`LivePlot` redraws the training curves in the notebook while
  ``fit`` runs, in one figure updated in place.

Both work with every Keras 3 backend (no TensorFlow import).  Importing this
module imports Keras; ``import coursework`` alone does not.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from .config import HEADLESS_ENV, env_flag
from .plotting.history import draw_history, select_metrics

__all__ = ["HEADLESS_ENV", "LivePlot", "ParameterHistory", "is_headless"]


#: Backends that draw into files only; in a kernel they mean "do not display".
_FILE_BACKENDS = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


class ParameterHistory(keras.callbacks.Callback):
    """Record the weights at the start of training and after every epoch.

    Notebook 01 writes a short version of it inline, to get the (w, b) of a
    linear classifier at every epoch from a single ``fit`` call, then draws each boundary with
    :func:`coursework.plotting.plot_linear_boundary`.

    Parameters
    ----------
    layer : keras.layers.Layer or int or str, optional
        The layer to watch: the layer itself, its index in ``model.layers``,
        or its name.  By default the whole model is watched.

    Attributes
    ----------
    weights : list of list of numpy.ndarray
        ``weights[0]`` is the state before the first epoch and
        ``weights[e]`` the state after epoch ``e``; each entry is a copy of
        ``get_weights()`` of the layer (for a ``Dense`` layer: ``[kernel,
        bias]``) or of the model (all its weights, trainable or not, so
        ``model.set_weights(weights[e])`` restores epoch ``e``).  Calling
        ``fit`` again continues the record: the starting state is taken
        only once.

    Examples
    --------
    >>> params = ParameterHistory(layer=0)  # doctest: +SKIP
    >>> model.fit(x, y, epochs=50, callbacks=[params], verbose=0)  # doctest: +SKIP
    >>> len(params.weights)  # doctest: +SKIP
    51
    >>> for epoch, (w, b) in enumerate(params.weights[::10]):  # doctest: +SKIP
    ...     plot_linear_boundary(w, b, ax=ax, label=f"epoch {10 * epoch}")
    """

    def __init__(self, layer: keras.layers.Layer | int | str | None = None) -> None:
        super().__init__()
        if not (
            layer is None
            or isinstance(layer, (keras.layers.Layer, str))
            or (isinstance(layer, (int, np.integer)) and not isinstance(layer, bool))
        ):
            raise ValueError(
                "`layer` must be a Keras layer, its index in `model.layers`, its name or None. "
                f"Got {layer!r} instead."
            )
        self.layer = layer
        self.weights: list[list[np.ndarray]] = []

    def _watched(self) -> Any:
        if self.layer is None:
            return self.model
        if isinstance(self.layer, keras.layers.Layer):
            return self.layer
        if isinstance(self.layer, str):
            try:
                return self.model.get_layer(name=self.layer)
            except ValueError:
                names = [lay.name for lay in self.model.layers]
                raise ValueError(
                    f"`layer` must name a layer of the model {names}. Got {self.layer!r} instead."
                ) from None
        n_layers = len(self.model.layers)
        if not -n_layers <= self.layer < n_layers:
            raise ValueError(
                f"`layer` must be an index into `model.layers` (0..{n_layers - 1}). "
                f"Got {self.layer} instead."
            )
        return self.model.layers[int(self.layer)]

    def _snapshot(self) -> list[np.ndarray]:
        return [np.array(w, copy=True) for w in self._watched().get_weights()]

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        if not self.weights:
            self.weights.append(self._snapshot())

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.weights.append(self._snapshot())


def _in_ipython_kernel() -> bool:
    """True inside a Jupyter kernel (Jupyter, JupyterLab, Colab, VS Code, nbclient)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def is_headless() -> bool:
    """Whether live figures should be skipped.  The rule, first match wins:

    1. ``COURSEWORK_HEADLESS`` is true (``1``/``true``/``yes``/``on``):
       headless.  The course runner sets it when executing notebooks with
       nbclient, in CI and for grading.
    2. Not inside a Jupyter kernel (plain ``python``, pytest, a terminal
       IPython): headless, since there is no output area to update in place.
    3. ``COURSEWORK_HEADLESS`` is false (``0``/``false``/``no``/``off``): live.
    4. matplotlib's backend only writes files (Agg, pdf, svg, ps, cairo...,
       e.g. ``MPLBACKEND=Agg``): headless.
    5. Otherwise (Jupyter's inline or widget backends, Colab): live.
    """
    flag = env_flag(HEADLESS_ENV)
    if flag is True:
        return True
    if not _in_ipython_kernel():
        return True
    if flag is False:
        return False
    import matplotlib

    return matplotlib.get_backend().lower() in _FILE_BACKENDS


def _display(obj: Any, *, update: Any = None) -> Any:
    """Show ``obj`` in the notebook (or update the output ``update``); returns the handle."""
    from IPython.display import display

    if update is not None:
        update.update(obj)
        return update
    return display(obj, display_id=True)


class LivePlot(keras.callbacks.Callback):
    """Redraw the training curves after every epoch, in one figure updated in place.

    The drawing is :func:`coursework.plotting.plot_history`'s, on a figure that
    is not registered with pyplot (so Jupyter does not show a second copy at
    the end of the cell and ``plt.close`` leaves it alone).  In a live
    notebook the figure is shown once with ``IPython.display.display(...,
    display_id=True)`` and the same output is updated afterwards.

    When :func:`is_headless` is true (``COURSEWORK_HEADLESS=1``, no Jupyter
    kernel, or a file-only matplotlib backend such as Agg) nothing is drawn
    during training; at the end of training the final figure is drawn once
    into :attr:`figure` and, inside a kernel, displayed once.

    Used in notebook 02 and later, in place of waiting for ``fit`` to finish
    before calling ``plot_history``.

    Parameters
    ----------
    metrics : str or sequence of str, optional
        Metrics to draw, without the ``val_`` prefix; by default ``"loss"``
        and ``"accuracy"``, each only when logged.  A metric named explicitly
        must be logged, else the first epoch ends with ``ValueError``.
    every : int, default=1
        Redraw every ``every`` epochs (and always after the last one).
    figsize : (float, float), optional
        Figure size in inches; default 4.5 x 3.5 per panel.
    title : str, optional
        Figure title, e.g. the model's name, so that the panels (titled by
        metric) say which model they show.

    Attributes
    ----------
    history : dict of str to list of float
        The logged values, one per epoch, of the last ``fit`` call.
    figure : matplotlib.figure.Figure or None
        The figure drawn on, or None before anything was drawn.

    Examples
    --------
    >>> model.fit(x, y, validation_split=0.2, epochs=20,
    ...           callbacks=[LivePlot()], verbose=0)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        metrics: Sequence[str] | str | None = None,
        every: int = 1,
        figsize: tuple[float, float] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__()
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"`every` must be an integer >= 1. Got {every!r} instead.")
        if metrics is not None and not isinstance(metrics, str):
            metrics = tuple(metrics)
            if not metrics or not all(isinstance(m, str) for m in metrics):
                raise ValueError(
                    f"`metrics` must be a metric name or a non-empty sequence of names. "
                    f"Got {metrics!r} instead."
                )
        self.metrics = metrics
        self.every = int(every)
        self.figsize = figsize
        if title is not None and not isinstance(title, str):
            raise ValueError(f"`title` must be a string or None. Got {title!r} instead.")
        self.title = title
        self.history: dict[str, list[float]] = {}
        self.figure: Any = None
        self._metrics: list[str] | None = None
        self._headless = True
        self._handle: Any = None
        self._drawn_epochs = 0

    # -- drawing ---------------------------------------------------------
    def _draw(self) -> None:
        from matplotlib.figure import Figure

        n = len(self._metrics)
        if self.figure is None:
            figsize = self.figsize or (4.5 * n, 3.5)
            self.figure = Figure(figsize=figsize, layout="constrained")
            self._axes = self.figure.subplots(1, n, squeeze=False).ravel()
            if self.title:
                self.figure.suptitle(self.title)
        for ax in self._axes:
            ax.clear()
        draw_history(self._axes, self.history, self._metrics)
        self._drawn_epochs = self._n_epochs()

    def _png(self) -> Any:
        """The figure as an IPython PNG image (works with every backend)."""
        from IPython.display import Image

        from .plotting.alt import description

        class DescribedImage(Image):
            """A PNG whose plain-text form (text-only front ends, the site's
            fallback) is its description, not ``<IPython...Image object>``."""

            def __repr__(self) -> str:
                return alt or super().__repr__()

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        alt = description(self.figure)
        return DescribedImage(data=buffer.getvalue(), format="png", metadata={"alt": alt} if alt else None)

    def _show(self) -> None:
        self._handle = _display(self._png(), update=self._handle)

    def _n_epochs(self) -> int:
        return max((len(v) for v in self.history.values()), default=0)

    # -- Keras hooks -----------------------------------------------------
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.history = {}
        self.figure = None
        self._metrics = None
        self._handle = None
        self._drawn_epochs = 0
        self._headless = is_headless()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(np.asarray(value)))
        if self._metrics is None:
            self._metrics = select_metrics(self.history, self.metrics)
        if self._headless or self._n_epochs() % self.every:
            return
        self._draw()
        self._show()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._metrics is None or self._n_epochs() == 0:
            return
        if self._drawn_epochs != self._n_epochs():
            self._draw()
            if self._headless:
                if _in_ipython_kernel():
                    self._show()  # one final figure in the executed notebook
            else:
                self._show()
