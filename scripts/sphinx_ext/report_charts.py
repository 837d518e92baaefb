"""Sphinx extension: charts as compiled Vega, and the chart loader only on pages with a chart.

A figure (``scripts/analysis/figures.py``) puts its Vega-Lite spec in the page as
``<script type="application/json" class="vega-spec" data-chart="ID">``. On every page written,
this extension:

1. compiles each such spec to Vega with ``vl_convert.vegalite_to_vega`` (the Vega-Lite version
   the spec names), so the browser needs Vega only, not the Vega-Lite compiler or Vega-Embed
   (``scripts/pipeline/pages/runtime.py`` bundles Vega alone); the script is marked
   ``data-format="vega"`` and the chart's box keeps the chart's height while it is not yet drawn,
   so the text does not jump when it is;
2. adds ``_static/report-charts.js`` (deferred) to pages that have a chart, and only to them. It
   loads ``_static/vega-runtime.js`` when the first chart nears the viewport.

A spec that cannot be compiled is a build warning naming the page (the strict build fails).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import zlib
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

LOADER = "report-charts.js"
RUNTIME = "vega-runtime.js"
SPEC = re.compile(
    r'<script type="application/json" class="vega-spec" data-chart="(?P<chart>[^"]+)">(?P<json>.*?)</script>',
    re.S,
)
CHART_DIV = '<div class="vega-chart" id="{chart}"'
VL_VERSION = re.compile(r"vega-lite/v(\d+)\.(\d+)")
LEGEND_ROOM = 70  # px for axis labels and a bottom legend under the plot area
_compiled: dict[str, str] = {}


def _script_json(value) -> str:
    """JSON that cannot close the <script> element it sits in (as figures.py writes it)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def compile_spec(vega_lite: dict) -> dict:
    """Vega-Lite spec (dict) to Vega spec (dict), with the Vega-Lite version the spec names."""
    import vl_convert

    match = VL_VERSION.search(str(vega_lite.get("$schema", "")))
    wanted = f"{match.group(1)}.{match.group(2)}" if match else None
    versions = vl_convert.get_vegalite_versions()
    if wanted not in versions:  # e.g. 6.5 when vl-convert knows 6.4: the newest of that major
        same_major = [v for v in versions if match and v.split(".")[0] == match.group(1)]
        wanted = same_major[-1] if same_major else versions[-1]
    return vl_convert.vegalite_to_vega(vega_lite, vl_version=wanted)


def drawn_height(vega: dict) -> float | None:
    """The chart's plot height in px: its ``height``, or for charts stacked one above another
    (a Vega-Lite vconcat, e.g. a headline over a plot) the sum of theirs and the gaps between."""
    if isinstance(vega.get("height"), (int, float)):
        return vega["height"]
    parts = [s["value"] for s in vega.get("signals", [])
             if re.fullmatch(r"concat_\d+_height", s.get("name", "")) and isinstance(s.get("value"), (int, float))]
    layout = vega.get("layout") or {}
    if parts and layout.get("columns") == 1:
        return sum(parts) + layout.get("padding", 0) * (len(parts) - 1)
    return None


def _compile_match(match: re.Match, pagename: str, heights: dict[str, int]) -> str:
    source = match.group("json")
    key = hashlib.sha256(source.encode("utf-8")).hexdigest()
    if key not in _compiled:
        try:
            vega = compile_spec(json.loads(source))
        except Exception as error:  # vl-convert raises its own types for a spec it rejects
            logger.warning("chart %s cannot be compiled to Vega: %s", match.group("chart"), error,
                           location=pagename)
            return match.group(0)
        _compiled[key] = _script_json(vega)
    compiled = _compiled[key]
    height = drawn_height(json.loads(compiled))
    if isinstance(height, (int, float)):
        heights[match.group("chart")] = int(height) + LEGEND_ROOM
    chart = html.escape(match.group("chart"), quote=True)
    return (f'<script type="application/json" class="vega-spec" data-format="vega" data-chart="{chart}">'
            f"{compiled}</script>")


def _charts_in_page(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body") or ""
    if 'class="vega-spec"' not in body:
        return
    heights: dict[str, int] = {}
    body = SPEC.sub(lambda m: _compile_match(m, pagename, heights), body)
    for chart, height in heights.items():
        div = CHART_DIV.format(chart=html.escape(chart, quote=True))
        body = body.replace(div, f'{div} style="min-height:{height}px"', 1)
    context["body"] = body

    from sphinx.builders.html._assets import _JavaScript

    runtime = Path(app.srcdir) / "_static" / RUNTIME  # the staged runtime (pipeline/pages/runtime.py)
    version = f"{zlib.crc32(runtime.read_bytes()):08x}" if runtime.exists() else "0"
    runtime_url = context["pathto"](f"_static/{RUNTIME}", 1) + f"?v={version}"
    context["script_files"] = [*context.get("script_files", []),
                               _JavaScript(f"_static/{LOADER}", defer="defer", **{"data-runtime": runtime_url})]


def setup(app):
    app.connect("html-page-context", _charts_in_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
