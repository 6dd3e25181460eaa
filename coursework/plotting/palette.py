"""The course's colours: the Okabe–Ito palette, readable with every common
colour-vision deficiency, and the second cue every figure pairs with a colour.

Okabe, M. and Ito, K. (2008), "Color Universal Design": eight colours that
stay distinct for deuteranopia, protanopia and tritanopia.  No figure of the
course tells two things apart by colour alone: classes differ by marker,
training and validation by line style and marker, right and wrong
predictions by a mark in the title (``✓``/``✗``) and a hatch.
"""

from __future__ import annotations

from matplotlib.colors import ListedColormap

__all__ = ["CLASS_MARKERS", "OKABE_ITO", "OKABE_ITO_CMAP", "RIGHT", "TRAINING_STYLE", "VALIDATION_STYLE", "WRONG"]

#: Okabe–Ito, in their order (black last: reserved for lines and text).
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#000000",  # black
)
#: The palette as a matplotlib colormap (class colours of up to 8 classes).
OKABE_ITO_CMAP = ListedColormap(OKABE_ITO[:7], name="okabe_ito")
#: One marker per class, so that classes differ by shape as well as colour.
CLASS_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
#: A right prediction: blue with a check mark; a wrong one: vermillion, a cross and a hatch.
RIGHT = {"color": OKABE_ITO[4], "mark": "✓", "hatch": ""}
WRONG = {"color": OKABE_ITO[5], "mark": "✗", "hatch": "///"}
#: Training curves: solid with circles; validation: dashed with squares.
TRAINING_STYLE = {"color": OKABE_ITO[4], "linestyle": "-", "marker": "o"}
VALIDATION_STYLE = {"color": OKABE_ITO[5], "linestyle": "--", "marker": "s"}
