"""Give large freed buffers back to the operating system (glibc only).

Why this exists.  glibc serves a large ``malloc`` with its own ``mmap``
until the first such block is freed; then it raises its threshold to that
size (up to 32 MB) and serves later blocks of that size from its heaps, one
per thread.  TensorFlow allocates a new batch buffer every step from many
threads (lesson 04: 20 MB per batch of 512 multi-hot rows as ``float32``),
so freed buffers pile up in a dozen heaps that are never returned: the
process grew by 630 MB over 20 epochs of lesson 04 without holding any more
data.  A fixed threshold of 1 MB (``mallopt(M_MMAP_THRESHOLD)``, which also
turns off the adjustment) keeps large blocks on ``mmap``, returned at
``free``: the same training then grew by 16 MB.  Small allocations are
unaffected.  Elsewhere (macOS, Windows, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["install"]

_M_MMAP_THRESHOLD = -3  # <malloc.h>
MMAP_THRESHOLD_BYTES = 1 << 20


def install() -> bool:
    """Fix glibc's mmap threshold; True when it was applied."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    return mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
