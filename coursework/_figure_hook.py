"""The display hook that gives every figure shown in a kernel its text
alternative (:mod:`coursework.plotting.alt`), installed by ``import
coursework`` itself: a notebook's own figure carries one even when the
notebook never imports :mod:`coursework.plotting`.  Installing it imports
neither matplotlib nor the plotting package; they load when a figure is shown.
"""

from __future__ import annotations

import sys
from typing import Any


def _mimebundle(figure: Any) -> tuple[dict, dict]:
    from .plotting.alt import figure_mimebundle

    return figure_mimebundle(figure)


def install() -> bool:
    """Register the hook in the running IPython kernel; False when there is none."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    shell.display_formatter.mimebundle_formatter.for_type_by_name("matplotlib.figure", "Figure", _mimebundle)
    return True
