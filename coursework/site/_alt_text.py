"""Sphinx extension: an image output's ``alt`` metadata becomes its ``<img alt>``.

A figure described with :func:`coursework.plotting.describe` (every course
plotting helper describes its own) is displayed in the kernel with the
output metadata ``{"image/png": {"alt": "..."}}``.  myst-nb 1.x copies only
``width`` and ``height`` from an output's metadata onto the image node (its
``alt`` comes from cell-level options, one for every image of the cell), so
this extension wraps myst-nb's ``render_image`` and copies ``alt`` too, per
output.  Written here because myst-nb has no hook for it; a few lines, and
nothing else of myst-nb's rendering changes.
"""

from __future__ import annotations

from typing import Any

__all__ = ["setup"]


def _with_output_alt(render_image):
    def render_image_with_alt(self, data) -> list:
        nodes = render_image(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        if isinstance(alt, str) and alt.strip():
            for node in nodes:
                node["alt"] = alt.strip()
        return nodes

    render_image_with_alt.coursework_alt = True
    return render_image_with_alt


def setup(app: Any) -> dict[str, Any]:
    from myst_nb.core.render import NbElementRenderer

    if not getattr(NbElementRenderer.render_image, "coursework_alt", False):
        NbElementRenderer.render_image = _with_output_alt(NbElementRenderer.render_image)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
