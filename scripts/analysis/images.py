"""Draw a figure's image downloads from its Vega-Lite spec: ``<name>.svg`` and ``<name>.png`` (2×).

One function, used by a chapter run by hand (analysis.figures draws at once) and by the build,
which draws every chapter's images in one place while Sphinx runs (pipeline/render.py), so an
image is the same file whichever way it was made.
"""

from __future__ import annotations

from pathlib import Path

import vl_convert as vlc

PNG_SCALE = 2
SPEC_SUFFIX = ".vl.json"  # a chart's Vega-Lite spec, left by a kernel for the build to draw


def write_images(spec: dict, out: Path, name: str) -> list[Path]:
    """Write ``out/<name>.svg`` and ``out/<name>.png``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    # Draw once: the PNG is the SVG rasterised at 2× (what vegalite_to_png would do, minus a second compile).
    svg = vlc.vegalite_to_svg(spec)
    svg_path, png_path = out / f"{name}.svg", out / f"{name}.png"
    svg_path.write_text(svg, encoding="utf-8")
    png_path.write_bytes(vlc.svg_to_png(svg, scale=PNG_SCALE))
    return [svg_path, png_path]
