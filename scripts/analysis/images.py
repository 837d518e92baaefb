"""Draw a figure's image downloads from its Vega-Lite spec: ``<name>.svg`` and ``<name>.png`` (2×).

One function, used by a chapter run by hand (analysis.figures draws at once) and by the build,
which draws every chapter's images in one place while Sphinx runs (pipeline/speed/render.py), so an
image is the same file whichever way it was made.
"""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path

import vl_convert as vlc

PNG_SCALE = 2
SPEC_SUFFIX = ".vl.json"  # a chart's Vega-Lite spec, left by a kernel for the build to draw
FOOTER_KEY = "report_footer"  # spec usermeta: the lines printed under a downloaded image
FOOTER_SIZE = 11  # px
FOOTER_LINE = 15  # px between footer baselines
FOOTER_COLOUR = "#595959"  # 7:1 on white (analysis.charts.MUTED)
FOOTER_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
CHAR_WIDTH = 0.62  # of the font size: a generous average advance for DejaVu Sans
_SVG_HEAD = re.compile(r'<svg\b[^>]*>')


def add_footer(svg: str, lines: list[str]) -> str:
    """The SVG with ``lines`` (source, edition, licence) printed under the chart, wrapped to its
    width, on the chart's white background: part of the image, whatever it is pasted into."""
    head = _SVG_HEAD.search(svg)
    width = float(re.search(r'\bwidth="([\d.]+)"', head.group(0)).group(1))
    height = float(re.search(r'\bheight="([\d.]+)"', head.group(0)).group(1))
    chars = max(30, int((width - 10) / (FOOTER_SIZE * CHAR_WIDTH)))
    wrapped = [part for line in lines for part in textwrap.wrap(line, chars, break_long_words=False)]
    extra = 8 + FOOTER_LINE * len(wrapped)
    total = height + extra

    def fmt(x: float) -> str:
        return f"{x:g}"

    new_head = re.sub(r'\bheight="[\d.]+"', f'height="{fmt(total)}"', head.group(0), count=1)
    new_head = re.sub(r'viewBox="([\d.-]+) ([\d.-]+) ([\d.]+) ([\d.]+)"',
                      lambda m: f'viewBox="{m.group(1)} {m.group(2)} {m.group(3)} {fmt(float(m.group(4)) + extra)}"',
                      new_head, count=1)
    texts = "".join(
        f'<text x="5" y="{fmt(height + 4 + FOOTER_LINE * (i + 1) - 4)}">{html.escape(line, quote=False)}</text>'
        for i, line in enumerate(wrapped)
    )
    footer = (f'<g class="report-footer"><rect x="0" y="{fmt(height)}" width="{fmt(width)}" height="{fmt(extra)}" '
              f'fill="#ffffff"/><g font-family="{FOOTER_FONT}" font-size="{FOOTER_SIZE}" fill="{FOOTER_COLOUR}">'
              f"{texts}</g></g>")
    body = svg[:head.start()] + new_head + svg[head.end():]
    end = body.rindex("</svg>")
    return body[:end] + footer + body[end:]


def warm_up() -> None:
    """Start the renderer (its JavaScript engine and fonts) by drawing a one-point chart, so the
    first figure does not wait for it."""
    vlc.svg_to_png(vlc.vegalite_to_svg({"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}))


def write_images(spec: dict, out: Path, name: str) -> list[Path]:
    """Write ``out/<name>.svg`` and ``out/<name>.png``; returns their paths. The lines in the
    spec's ``usermeta.report_footer`` (analysis.figures) are printed under the chart."""
    out.mkdir(parents=True, exist_ok=True)
    footer = (spec.get("usermeta") or {}).get(FOOTER_KEY) or []
    # Draw once: the PNG is the SVG rasterised at 2× (what vegalite_to_png would do, minus a second compile).
    svg = vlc.vegalite_to_svg(spec)
    if footer:
        svg = add_footer(svg, footer)
    svg_path, png_path = out / f"{name}.svg", out / f"{name}.png"
    svg_path.write_text(svg, encoding="utf-8")
    png_path.write_bytes(vlc.svg_to_png(svg, scale=PNG_SCALE))
    return [svg_path, png_path]
