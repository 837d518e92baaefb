"""The chart runtime every page loads: Vega, Vega-Lite and Vega-Embed, served by the site itself.

Altair's default HTML loads these from a CDN, which offline readers and locked-down offices
cannot reach. Instead the installed ``vl-convert-python`` bundles the three libraries at build
time (nothing third-party is committed to the repository) and we wrap the bundle in a function
scope, so its top-level names cannot collide with the theme's scripts, followed by the few lines
that draw every chart on the page from its inline spec.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import vl_convert

RUNTIME_NAME = "vega-runtime.js"

# Draw each chart from the JSON spec that follows its container. Tooltips go through
# vega-tooltip, which escapes HTML in data values.
RENDER_ALL = """
function reportRenderCharts() {
  document.querySelectorAll("script.vega-spec").forEach(function (script) {
    var target = document.getElementById(script.getAttribute("data-chart"));
    if (!target || target.getAttribute("data-rendered")) { return; }
    target.setAttribute("data-rendered", "pending");
    var label = target.getAttribute("aria-label");
    var spec = JSON.parse(script.textContent);
    window.vegaEmbed(target, spec, { renderer: "svg", actions: false })
      .then(function () {
        // Vega makes the container a "graphics-document" whose marks a screen reader walks one
        // by one; each chart keeps one text alternative, its takeaway, as an image.
        target.setAttribute("role", "img");
        target.removeAttribute("aria-roledescription");
        if (label) { target.setAttribute("aria-label", label); }
        target.setAttribute("data-rendered", "yes");
      })
      .catch(function (error) {
        target.setAttribute("data-rendered", "failed");
        target.textContent = "This chart could not be drawn: " + error.message;
        console.error(error);
      });
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", reportRenderCharts);
} else {
  reportRenderCharts();
}
"""


def runtime_source() -> str:
    return "(function () {\n" + vl_convert.javascript_bundle() + "\n}());\n(function () {\n" + RENDER_ALL + "}());\n"


def _ends_with(path: Path, tail: bytes) -> bool:
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - len(tail)))
        return handle.read() == tail


def write_runtime(target: Path, cache_dir: Path) -> Path:
    """Write the runtime to ``target``, reusing the copy built for this vl-convert version."""
    cached = cache_dir / f"vega-runtime-{vl_convert.__version__}.js"
    tail = ("(function () {\n" + RENDER_ALL + "}());\n").encode("utf-8")
    if not cached.exists() or not _ends_with(cached, tail):  # an edit to RENDER_ALL takes effect
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(runtime_source(), encoding="utf-8")
        tmp.replace(cached)
    shutil.copyfile(cached, target)
    return target
