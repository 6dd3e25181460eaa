"""The display hook that gives every figure shown in a kernel its text
alternative (:func:`coursework.plotting.alt.figure_mimebundle`), installed by
``import coursework`` itself: a notebook's own figure carries one even when
the notebook never imports :mod:`coursework.plotting`.  Installing it imports
neither matplotlib nor the plotting package; ``import coursework`` passes a
hook that loads them when a figure is shown.  This module imports nothing of
the package, so the plotting package can install the hook too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["install"]


def install(hook: Callable[[Any], tuple[dict, dict]]) -> bool:
    """Register ``hook`` (a figure -> IPython's ``(data, metadata)``) for
    matplotlib's ``Figure`` in the running IPython kernel; False when there
    is none."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    shell.display_formatter.mimebundle_formatter.for_type_by_name("matplotlib.figure", "Figure", hook)
    return True
