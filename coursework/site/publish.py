"""Put a built site into the student course: ``release --bundle DIR --site build/site``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["add_to_course"]


def add_to_course(site: str | os.PathLike[str], bundle: str | os.PathLike[str]) -> list[Path]:
    """Copy the built site ``site`` to ``bundle/site/``; returns the files copied.

    Raises ``FileNotFoundError`` when ``site`` holds no built site (no
    ``index.html``): build it first with ``python -m coursework site``.
    """
    site, target = Path(site), Path(bundle) / "site"
    if not (site / "index.html").is_file():
        raise FileNotFoundError(
            f"{site} holds no built site (no index.html). Build it first: python -m coursework site {site}"
        )
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(site, target)
    return sorted(p for p in target.rglob("*") if p.is_file())
