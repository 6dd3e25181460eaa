"""Text alternatives of figures: what a figure shows, in words, for readers
who cannot see it (screen readers, the course site's ``<img alt>``).

Every plotting helper of the course computes the text from what it draws and
attaches it to the Axes it drew on (:func:`describe_axes`).  A notebook's own
figure gets one with :func:`describe`::

    fig, ax = plt.subplots()
    ax.plot(epochs, accuracy)
    describe(fig, f"accuracy rising from {accuracy[0]:.2f} to {accuracy[-1]:.2f} over {len(epochs)} epochs")

:func:`description` joins them: the figure's own text when it has one, else
the texts of its Axes, in order, else a text computed from what is drawn on
the figure (:func:`coursework.plotting.summary.summarize`: titles, axis labels
and each series with numbers from its data), so that no figure is ever
shown without one.  Inside an IPython kernel (Jupyter, Colab)
:func:`install_display_hook` makes every displayed figure carry it, as the
image output's ``alt`` metadata (``{"image/png": {"alt": ...}}``, which the
course site turns into the ``<img alt>``) and as the output's ``text/plain``
(instead of ``<Figure size 640x480 with 1 Axes>``).  JupyterLab 4 does not
hand an output's ``alt`` to the ``<img>`` it draws; with
``COURSEWORK_CAPTIONS=1`` every described figure is also printed above the
image as a caption (``Figure: ...``), which a screen reader reads.
"""

from __future__ import annotations

from typing import Any

from ..config import captions_on

__all__ = ["describe", "describe_axes", "description", "figure_mimebundle", "install_display_hook"]

_ATTR = "_coursework_alt"


def _check_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(
            "A figure's text alternative must be a non-empty string saying what the figure shows "
            f"(with its numbers). Got {text!r} instead."
        )
    return " ".join(text.split())


def _figure_of(target: Any) -> Any:
    """The Figure of a Figure, an Axes, or a (nested) sequence/array of Axes."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(target, SubFigure):
        return target.figure
    if isinstance(target, Figure):
        return target
    if isinstance(target, Axes):
        return target.figure
    try:
        import numpy as np

        first = np.asarray(target, dtype=object).ravel()[0]
    except (TypeError, IndexError, ValueError):
        first = None
    if isinstance(first, Axes):
        return first.figure
    raise TypeError(f"`target` must be a matplotlib Figure or Axes (or an array of Axes). "
                    f"Got {type(target).__name__} instead.")


def describe(target: Any, text: str) -> None:
    """Give a figure its text alternative.

    ``target`` is the Figure, or one of its Axes (or the array of Axes that
    ``plt.subplots`` returns).  The text replaces the descriptions the course
    helpers attached to its Axes: say everything the figure shows, with the
    numbers computed from the data, never typed.

    Returns None, so that a cell may end with it without Jupyter showing
    the figure a second time.  Raises ``ValueError`` for an empty text and
    ``TypeError`` when ``target`` is not a figure or Axes.
    """
    figure = _figure_of(target)
    setattr(figure, _ATTR, _check_text(text))
    install_display_hook()


def describe_axes(ax: Any, text: str) -> None:
    """Attach a helper's description of what it drew on ``ax`` (replacing an earlier one)."""
    setattr(ax, _ATTR, _check_text(text))


def description(target: Any, *, computed: bool = True) -> str | None:
    """The text alternative of a figure (or of the figure of an Axes).

    The figure's own (:func:`describe`) when set, else its Axes' texts in
    order, joined (several are each named by place and title: ``Panel 1
    (left), "its title": ...``), else (``computed=True``) the text computed
    from what is drawn on it (:func:`~coursework.plotting.summary.summarize`); with
    ``computed=False``, None when neither :func:`describe` nor a helper
    described it.
    """
    figure = _figure_of(target)
    own = getattr(figure, _ATTR, None)
    if own:
        return own
    described = [(ax, text.rstrip(".")) for ax in figure.axes if (text := getattr(ax, _ATTR, None))]
    parts = [text for _, text in described]
    if len(described) > 1:  # name each panel: its place and its title
        parts = [f"{len(described)} panels"] + [f"Panel {i}{_panel_name(ax)}: {text}"
                                                for i, (ax, text) in enumerate(described, start=1)]
    if parts:
        return ". ".join(parts) + "."
    if not computed:
        return None
    from .summary import summarize

    return summarize(figure)


def _panel_name(ax: Any) -> str:
    """' (left), "title"' for a panel of a figure: its place in a grid of up to
    2 rows and 3 columns ("top right") and its title, each when there is one."""
    from .summary import spoken

    place = ""
    spec = ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None
    if spec is not None:
        rows, cols, start, stop = spec.get_geometry()
        if start == stop and rows <= 2 and cols <= 3 and rows * cols > 1:
            row, col = divmod(start, cols)
            vertical = ("top", "bottom")[row] if rows == 2 else ""
            horizontal = {1: ("",), 2: ("left", "right"), 3: ("left", "middle", "right")}[cols][col]
            place = " ".join(word for word in (vertical, horizontal) if word)
    title = spoken(", ".join(line for line in ax.get_title().splitlines() if line.strip()))
    return (f" ({place})" if place else "") + (f', "{title}"' if title else "")


def figure_mimebundle(figure: Any) -> tuple[dict, dict]:
    """IPython's extra output data of a displayed figure: its text as ``alt`` and ``text/plain``."""
    try:
        text = description(figure)
    except Exception as exc:  # noqa: BLE001 (a figure the summary cannot read must still be shown)
        text = f"A figure (its text alternative could not be computed: {type(exc).__name__})."
    if not text:
        return {}, {}
    if captions_on():
        print(f"Figure: {text}")
    return {"text/plain": text}, {"image/png": {"alt": text}, "image/svg+xml": {"alt": text}}


def install_display_hook() -> bool:
    """In an IPython kernel, show each figure's text with it (see the module's
    docstring); returns whether a kernel was there.  Idempotent; called by
    ``import coursework`` (:mod:`coursework._figure_hook`, which imports no
    matplotlib) and when :mod:`coursework.plotting` is imported.

    The hook is IPython's mime-bundle formatter for ``Figure``, which
    matplotlib's inline backend leaves alone (it replaces the PNG formatter
    whenever the backend is selected), so the order of imports does not matter.
    """
    from .._figure_hook import install

    return install(figure_mimebundle)
