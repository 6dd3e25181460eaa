"""coursework: the helper package of an introductory Keras course.

The notebooks in ``notebooks/`` import it for the plumbing (loading data,
plotting, seeding, recording results); the ideas being taught (models, losses,
training calls) stay visible in the notebooks.

Submodules: :mod:`coursework.datasets` (loaders), :mod:`coursework.plotting`
(figures), :mod:`coursework.callbacks` (Keras callbacks), :mod:`coursework.runner`
(execute the course headless), :mod:`coursework.measured` (trained numbers
over seeds).  ``import coursework`` does not import Keras.
"""

from __future__ import annotations

from . import _figure_hook, _heap, _quiet_tensorflow
from .config import GRADING_ENV, REPOSITORY_URL, grading_mode
from .measured import measured
from .memory import peak_rss_mb
from .exceptions import (
    ChecksumError,
    CorruptDatasetError,
    DatasetError,
    DatasetUnavailableError,
)
from .reproducibility import seed_everything
from .results import record

__version__ = "0.1.0"


def _figure_mimebundle(figure: object) -> tuple[dict, dict]:
    """The figure's text alternative, loading the plotting package only when a figure is shown."""
    from .plotting.alt import figure_mimebundle

    return figure_mimebundle(figure)


_quiet_tensorflow.install()  # see its docstring: Abseil ignores TF_CPP_MIN_LOG_LEVEL at import
_heap.install()  # see its docstring: freed batch buffers go back to the OS
_figure_hook.install(_figure_mimebundle)  # in a kernel: each figure shown carries a text alternative

__all__ = [
    "ChecksumError",
    "CorruptDatasetError",
    "DatasetError",
    "DatasetUnavailableError",
    "GRADING_ENV",
    "REPOSITORY_URL",
    "__version__",
    "grading_mode",
    "measured",
    "peak_rss_mb",
    "record",
    "seed_everything",
]
