"""A figure's text alternative computed from what is drawn on it: the fallback
when neither :func:`~coursework.plotting.describe` nor a course helper
described the figure (see :mod:`.alt`).

It reads the artists, not the code that drew them: per Axes its title, axis
labels and scales, then each series with numbers from its data: a line's
start and end (and its lowest and highest point when they lie between), a
histogram's count of values and its tallest bin, bars' heights, a scatter's
point count and ranges, an image's size, contour levels, text labels.  One
sentence per Axes, numbers to three significant digits::

    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [1.0, 0.5, 0.25], label="loss")
    ax.set(title="Training", xlabel="epoch")
    summarize(fig)
    # '"Training" (x: epoch): line "loss" falling from 1 at epoch = 0 to 0.25 at epoch = 2.'

An explicit text says what the figure means; this one only says what it
shows, so a figure that teaches something still deserves :func:`describe`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

__all__ = ["spoken", "summarize"]

#: At most this many series per Axes are described (then "and N more").
MAX_SERIES = 8
#: Bars listed one by one up to this count (else the highest and lowest).
MAX_BARS_LISTED = 6


def _num(value: float) -> str:
    """A number for reading aloud: 3 significant digits, thousands separated."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 1e6 or size < 1e-3:
        return f"{value:.2e}"
    if size >= 1000:
        return f"{round(value):,}"
    return f"{value:.3g}"


def _count(value: float) -> str:
    return f"{round(value):,}" if float(value).is_integer() else _num(value)


def spoken(text: str) -> str:
    """A label as read aloud: one line (its lines joined by commas), mathtext without its dollar signs and backslashes (``$-\\ln a$``: -ln a)."""
    if "$" in text:
        text = re.sub(r"\\([A-Za-z]+)", r"\1", text).replace("$", "")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return ", ".join(line for line in lines if line)  # a two-line title reads as two phrases


def _label(artist: Any) -> str | None:
    """The artist's legend label, or None when matplotlib made it up (``_child0``, ``_nolegend_``)."""
    text = artist.get_label()
    return spoken(text) if isinstance(text, str) and text and not text.startswith("_") else None


def _named(kind: str, label: str | None) -> str:
    return f'{kind} "{label}"' if label else kind


def _floats(values: Any) -> np.ndarray | None:
    try:
        array = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan).ravel()
    except (TypeError, ValueError):
        return None
    return array


def _short_name(axis_label: str) -> str:
    """How a line's x values are named: the x-axis label when short and plain, else "x"."""
    text = axis_label.strip()
    return text if text and len(text) <= 15 and not any(c in text for c in "$()[]{},;:") else "x"


def _line(line: Any, x_name: str) -> tuple[str, str | None]:
    """(text, kind) of a Line2D; kind is "vertical"/"horizontal" for a straight unlabelled reference line."""
    label = _label(line)
    x, y = _floats(line.get_xdata()), _floats(line.get_ydata())
    kind = "points" if line.get_linestyle() in ("None", "none", " ", "") else "line"
    if x is None or y is None or len(x) != len(y):
        return _named(kind, label), None
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) == 0:
        return _named(kind, label) + " with no data", None
    if len(x) == 1:
        return f"{_named('point', label)} at ({_num(x[0])}, {_num(y[0])})", None
    if len(x) == 2 and x[0] == x[1]:
        return f"{_named('vertical line', label)} at x = {_num(x[0])}", None if label else "vertical"
    if len(x) == 2 and y[0] == y[1] and line.get_transform() is line.axes.get_yaxis_transform():
        return f"{_named('horizontal line', label)} at y = {_num(y[0])}", None if label else "horizontal"
    name = _named(kind, label)
    if np.all(y == y[0]):
        return f"{name} flat at {_num(y[0])} from {x_name} = {_num(x[0])} to {_num(x[-1])}", None
    steps = np.diff(x)
    if not (np.all(steps > 0) or np.all(steps < 0)):  # a path in the plane, not a function of x
        return (f"{name} of {len(x)} points from ({_num(x[0])}, {_num(y[0])}) to ({_num(x[-1])}, {_num(y[-1])}), "
                f"y between {_num(y.min())} and {_num(y.max())}"), None
    last = len(y) - 1
    # a tie with an end counts as that end: a step from 0 to 1 is "rising", not "highest at the step"
    low = 0 if y[0] == y.min() else last if y[-1] == y.min() else int(np.argmin(y))
    high = last if y[-1] == y.max() else 0 if y[0] == y.max() else int(np.argmax(y))

    def at(i: int) -> str:
        return f"{_num(y[i])} at {x_name} = {_num(x[i])}"

    if (low, high) == (0, last):
        return f"{name} rising from {at(0)} to {at(last)}", None
    if (low, high) == (last, 0):
        return f"{name} falling from {at(0)} to {at(last)}", None
    text = f"{name} from {at(0)} to {at(last)}"
    if low not in (0, last):
        text += f", lowest {at(low)}"
    if high not in (0, last):
        text += f", highest {at(high)}"
    return text, None


def _histogram(label: str | None, edges: np.ndarray, heights: np.ndarray) -> str:
    counts = bool(np.all(np.mod(heights, 1) == 0))
    total = f"{_count(heights.sum())} values" if counts else f"total height {_num(heights.sum())}"
    top = int(np.argmax(heights))
    tallest = f"{_count(heights[top])} values" if counts else f"height {_num(heights[top])}"
    return (f"{_named('histogram', label)} of {total} in {len(heights)} bins from {_num(edges[0])} to "
            f"{_num(edges[-1])}, tallest bin {_num(edges[top])} to {_num(edges[top + 1])} ({tallest})")


def _tick_names(axis: Any) -> tuple[np.ndarray, list[str]] | None:
    """The tick positions and labels of an axis labelled with names (categories), else None."""
    from matplotlib.ticker import LogFormatter, ScalarFormatter

    formatter = axis.get_major_formatter()
    if isinstance(formatter, (ScalarFormatter, LogFormatter)):
        return None
    locs = np.asarray(axis.get_majorticklocs(), dtype=float)
    names = [str(name) for name in formatter.format_ticks(locs)]
    return (locs, names) if len(locs) and any(names) else None


def _position(value: float, ticks: tuple[np.ndarray, list[str]] | None) -> str:
    if ticks is not None:
        locs, names = ticks
        nearest = int(np.argmin(np.abs(locs - value)))
        spacing = np.min(np.diff(np.sort(locs))) if len(locs) > 1 else 1.0
        if abs(locs[nearest] - value) < spacing / 2 and names[nearest]:
            return names[nearest]
    return _num(value)


def _bars(container: Any, ax: Any) -> str:
    patches = list(container.patches)
    label = _label(container) or next((_label(p) for p in patches[:1] if _label(p)), None)
    horizontal = getattr(container, "orientation", "vertical") == "horizontal"
    starts = np.array([p.get_y() if horizontal else p.get_x() for p in patches], dtype=float)
    widths = np.array([p.get_height() if horizontal else p.get_width() for p in patches], dtype=float)
    heights = np.array([p.get_width() if horizontal else p.get_height() for p in patches], dtype=float)
    order = np.argsort(starts)
    starts, widths, heights = starts[order], widths[order], heights[order]
    starts[np.abs(starts) < 1e-9 * max(np.ptp(starts + widths), 1e-300)] = 0.0  # 0 - w/2 + w/2 is not always 0
    ends = starts + widths
    if len(patches) > 1 and np.allclose(ends[:-1], starts[1:], rtol=1e-9, atol=1e-12 * np.ptp(ends)):
        return _histogram(label, np.append(starts, ends[-1]), heights)
    ticks = _tick_names(ax.yaxis if horizontal else ax.xaxis)
    where = [_position(s + w / 2, ticks) for s, w in zip(starts, widths)]
    name = f"{_named('bars', label)}, {len(patches)} of them" if len(patches) > 1 else _named("bar", label)
    if len(patches) <= MAX_BARS_LISTED:
        return name + ": " + ", ".join(f"{w}: {_num(h)}" for w, h in zip(where, heights))
    high, low = int(np.argmax(heights)), int(np.argmin(heights))
    return f"{name}, highest {_num(heights[high])} at {where[high]}, lowest {_num(heights[low])} at {where[low]}"


def _staircase(patch: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """(edges, heights) of a ``histtype="step"`` outline, else None."""
    xy = np.asarray(patch.get_xy(), dtype=float)
    back = np.nonzero(np.diff(xy[:, 0]) < 0)[0]
    if len(back):
        xy = xy[:back[0] + 1]  # "stepfilled" returns along the bottom: keep the outline's way out
    if len(xy) < 4 or len(xy) % 2:
        return None
    x, y = xy[:, 0], xy[:, 1]
    if not (np.allclose(x[0::2], x[1::2]) and np.allclose(y[1:-1:2], y[2:-1:2]) and np.all(np.diff(x[0::2]) > 0)):
        return None
    return x[0::2], y[1:-1:2] - y[0]


def _collection(collection: Any) -> str | None:
    from matplotlib.collections import PathCollection, QuadMesh
    from matplotlib.contour import ContourSet

    label = _label(collection)
    if isinstance(collection, ContourSet):
        levels = np.asarray(collection.levels, dtype=float)
        kind = "filled contours" if collection.filled else "contour lines"
        return f"{_named(kind, label)} at {len(levels)} levels from {_num(levels.min())} to {_num(levels.max())}"
    if isinstance(collection, QuadMesh):
        values = _floats(collection.get_array())
        shown = "" if values is None or not np.isfinite(values).any() else (
            f", values from {_num(np.nanmin(values))} to {_num(np.nanmax(values))}")
        return f"{_named('colour mesh', label)} of {len(values) if values is not None else 0} cells{shown}"
    if isinstance(collection, PathCollection):
        points = np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2)
        points = points[np.isfinite(points).all(axis=1)]
        if len(points) == 0:
            return None
        if len(points) == 1:
            return f"{_named('point', label)} at ({_num(points[0, 0])}, {_num(points[0, 1])})"
        return (f"{_named('points', label)}, {len(points):,} of them, x from {_num(points[:, 0].min())} to "
                f"{_num(points[:, 0].max())}, y from {_num(points[:, 1].min())} to {_num(points[:, 1].max())}")
    return f"shaded area \"{label}\"" if label else None


def _image(image: Any) -> str:
    array = np.asarray(image.get_array())
    if array.ndim < 2:
        return _named("image", _label(image))
    rows, columns = array.shape[:2]
    text = f"{_named('image', _label(image))} of {columns}×{rows} pixels"
    if array.ndim == 2:
        values = _floats(array)
        if values is not None and np.isfinite(values).any():
            text += f", values from {_num(np.nanmin(values))} to {_num(np.nanmax(values))}"
    else:
        text = "colour " + text
    return text


def _axis(label: str, scale: str, letter: str) -> str | None:
    label = spoken(label)
    scale_text = {"log": "log scale", "symlog": "symmetric log scale", "logit": "logit scale"}.get(scale, "")
    if scale_text and "log" in label.lower():
        scale_text = ""  # the label says it already
    text = ", ".join(t for t in (label, scale_text) if t)
    return f"{letter}: {text}" if text else None


def _series(ax: Any) -> list[str]:
    """What is drawn on ``ax``, artist by artist in the order drawn (a bar chart's bars as one)."""
    from matplotlib.collections import Collection
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon
    from matplotlib.text import Text

    x_name = _short_name(ax.get_xlabel())
    containers = {id(p): c for c in ax.containers for p in getattr(c, "patches", [])}
    parts, straight, texts, seen = [], {"vertical": [], "horizontal": []}, [], set()
    for artist in ax.get_children():
        if id(artist) in containers:
            container = containers[id(artist)]
            if id(container) not in seen:
                seen.add(id(container))
                parts.append(_bars(container, ax))
        elif isinstance(artist, Line2D):
            text, kind = _line(artist, x_name)
            if kind:
                straight[kind].append(float((artist.get_xdata() if kind == "vertical" else artist.get_ydata())[0]))
            else:
                parts.append(text)
        elif isinstance(artist, Polygon):
            steps = _staircase(artist)
            if steps is not None:
                parts.append(_histogram(_label(artist), *steps))
            elif _label(artist):
                parts.append(f'shape "{_label(artist)}"')
        elif isinstance(artist, Collection):
            parts += [text for text in [_collection(artist)] if text]
        elif isinstance(artist, AxesImage):
            parts.append(_image(artist))
        elif isinstance(artist, Text) and artist in ax.texts and artist.get_visible() and artist.get_text().strip():
            texts.append(spoken(artist.get_text()))
    for kind, at in straight.items():
        if at:
            values = ", ".join(_num(v) for v in sorted(set(at)))
            plural = "s" if len(set(at)) > 1 else ""
            parts.append(f"{kind} line{plural} at {'x' if kind == 'vertical' else 'y'} = {values}")
    if texts:
        shown = ", ".join(f'"{t}"' for t in texts[:5])
        parts.append(f"text {shown}" + (f" and {len(texts) - 5} more" if len(texts) > 5 else ""))
    if len(parts) > MAX_SERIES:
        parts = parts[:MAX_SERIES] + [f"and {len(parts) - MAX_SERIES} more"]
    return parts


def _describe_axes(ax: Any) -> str | None:
    """One sentence for one Axes; None for an empty, hidden one (a spare panel)."""
    title = spoken(" ".join(ax.get_title(loc) for loc in ("left", "center", "right")))
    parts = _series(ax)
    if not parts and not title and not ax.axison:
        return None
    axes = [_axis(ax.get_xlabel(), ax.get_xscale(), "x"), _axis(ax.get_ylabel(), ax.get_yscale(), "y")]
    axes = "; ".join(a for a in axes if a)
    head = f'"{title}"' if title else "A plot"
    if axes:
        head += f" ({axes})"
    return f"{head}: {'; '.join(parts)}." if parts else f"{head} with nothing drawn on it."


def _figure_text(figure: Any, name: str) -> str:
    artist = getattr(figure, name, None)
    return spoken(artist.get_text()) if artist is not None and artist.get_visible() else ""


def summarize(figure: Any) -> str:
    """What a matplotlib Figure shows, computed from its artists (see the module's docstring)."""
    panels = [ax for ax in figure.axes if ax.get_visible() and not hasattr(ax, "_colorbar")]
    texts = [text for text in map(_describe_axes, panels) if text]
    head = _figure_text(figure, "_suptitle")
    shared = [f"{letter}: {_figure_text(figure, name)}" for letter, name in (("x", "_supxlabel"), ("y", "_supylabel"))
              if _figure_text(figure, name)]
    opening = [f"{head}." if head else ""]
    if len(texts) > 1:
        opening.append(f"{len(texts)} panels" + (f" ({'; '.join(shared)})" if shared else "") + ".")
        texts = [f"Panel {i}, {t[0].lower() + t[1:] if t.startswith('A plot') else t}"
                 for i, t in enumerate(texts, start=1)]
    if not texts:
        texts = ["A figure with nothing drawn on it."]
    return " ".join(t for t in opening + texts if t)
