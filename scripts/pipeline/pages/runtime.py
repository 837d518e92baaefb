"""The chart runtime, served by the site itself and loaded only where a chart is drawn.

Altair's default HTML loads Vega, Vega-Lite and Vega-Embed from a CDN, which offline readers and
locked-down offices cannot reach. The report's pages instead carry each chart as a Vega spec
compiled from Vega-Lite at build time (``scripts/sphinx_ext/report_charts.py``), so the browser
needs Vega alone: no Vega-Lite compiler and no Vega-Embed. The installed ``vl-convert-python``
bundles Vega at build time (nothing third-party is committed to the repository); we wrap the
bundle in a function scope, so its top-level names cannot collide with the theme's scripts, and
add the few lines that draw one chart with tooltips.

The page does not load this file itself: ``_static/report-charts.js`` (a few hundred bytes,
deferred, on chart pages only) loads it when the first chart comes near the viewport and then
draws each chart as it comes near.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import vl_convert

RUNTIME_NAME = "vega-runtime.js"



def snippet() -> str:
    """The bundle's entry: Vega's module (the copy vl-convert vendors, by the path it is stored
    under; nothing is fetched) and nothing else, so Vega-Lite and Vega-Embed are left out."""
    return (f'import * as vegaModule from "/npm/vega@{vl_convert.get_vega_version()}/+esm";\n'
            "window.reportVega = { vega: vegaModule };\n")


# Draw one chart into its container from a compiled Vega spec. Tooltips are plain text in a
# positioned box (textContent: HTML in data values stays text).
DRAW = """
var api = window.reportVega;
var vega = api.vega;
var tip = null;
function hideTip() { if (tip) { tip.style.display = "none"; tip.classList.remove("visible"); } }
function showTip(handler, event, item, value) {
  if (value === null || value === undefined || value === "") { hideTip(); return; }
  if (!tip) {
    tip = document.createElement("div");
    tip.id = "vg-tooltip-element";  // the id and "visible" class vega-tooltip's box had
    tip.className = "report-chart-tooltip";
    tip.setAttribute("role", "tooltip");
    document.body.appendChild(tip);
  }
  tip.textContent = "";
  if (typeof value === "object") {
    var table = document.createElement("table");
    Object.keys(value).forEach(function (key) {
      var row = table.insertRow();
      var name = document.createElement("th");
      name.textContent = key;
      row.appendChild(name);
      row.insertCell().textContent = String(value[key]);
    });
    tip.appendChild(table);
  } else {
    tip.textContent = String(value);
  }
  tip.style.display = "block";
  tip.classList.add("visible");
  var x = event.clientX + 14, y = event.clientY + 14;
  var box = tip.getBoundingClientRect();
  if (x + box.width > window.innerWidth - 8) { x = Math.max(8, event.clientX - box.width - 14); }
  if (y + box.height > window.innerHeight - 8) { y = Math.max(8, event.clientY - box.height - 14); }
  tip.style.left = (x + window.scrollX) + "px";
  tip.style.top = (y + window.scrollY) + "px";
}
document.addEventListener("scroll", hideTip, { passive: true });
document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hideTip(); } });
// On a desktop-wide column a chart drawn wider than the column would be scaled down, and its
// text with it (below 11 px): its plot is narrowed until the whole chart fits the column instead.
// In a narrower column (a phone) the chart keeps its drawn size and scrolls sideways (report.css).
var FIT_FROM = 600;
function fit(view, container, tries, least) {
  var svg = container.querySelector("svg");
  var room = container.clientWidth;
  if (!svg || tries <= 0 || room < FIT_FROM) { return view; }
  var over = parseFloat(svg.getAttribute("width")) - room;
  var width = view.width();
  if (!(over > 0.5) || !(width > least)) { return view; }
  view.width(Math.max(least, Math.floor(width - Math.ceil(over))));
  return view.runAsync().then(function () { return fit(view, container, tries - 1, least); });
}
// A chart whose spec binds parameters to inputs (sliders) gets them in ``controls``, an element
// outside the chart's container (which is one image to a screen reader); without it Vega would
// put them inside. Resolves to the Vega view.
api.draw = function (container, spec, controls) {
  var view = new vega.View(vega.parse(spec), {
    renderer: "svg", container: container, bind: controls || undefined, hover: true, tooltip: showTip
  });
  // never narrower than half its drawn plot: a chart that still does not fit is scaled instead
  return view.runAsync().then(function () { return fit(view, container, 5, Math.max(160, view.width() / 2)); });
};
"""


def _key() -> str:
    return hashlib.sha256((vl_convert.__version__ + snippet() + DRAW).encode("utf-8")).hexdigest()[:16]


def runtime_source() -> str:
    return (f"/* report chart runtime {_key()}: Vega {vl_convert.get_vega_version()} */\n"
            "(function () {\n" + vl_convert.javascript_bundle(snippet()) + "\n}());\n"
            + "(function () {\n" + DRAW + "}());\n")


def _starts_with(path: Path, head: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(head)) == head


def write_runtime(target: Path, cache_dir: Path) -> Path:
    """Write the runtime to ``target``, reusing the copy built for this vl-convert version (and
    this bundle entry and drawing code: an edit to either takes effect)."""
    cached = cache_dir / f"vega-runtime-{vl_convert.__version__}.js"
    head = f"/* report chart runtime {_key()}:".encode("utf-8")
    if not cached.exists() or not _starts_with(cached, head):
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(runtime_source(), encoding="utf-8")
        tmp.replace(cached)
    shutil.copyfile(cached, target)
    return target
