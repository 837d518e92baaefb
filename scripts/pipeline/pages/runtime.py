"""The chart runtime, served by the site itself and loaded only where a chart is drawn.

Altair's default HTML loads Vega, Vega-Lite and Vega-Embed from a CDN, which offline readers and
locked-down offices cannot reach. The report's pages instead carry each chart as a Vega spec
compiled from Vega-Lite at build time (``scripts/sphinx_ext/report_charts.py``), so the browser
needs Vega alone: no Vega-Lite compiler and no Vega-Embed. The installed ``vl-convert-python``
bundles Vega at build time (nothing third-party is committed to the repository); we wrap the
bundle in a function scope, so its top-level names cannot collide with the theme's scripts, and
add the few lines that draw one chart with tooltips (``runtime_draw.js``).

The page does not load this file itself: ``_static/report-charts.js`` (a few hundred bytes,
deferred, on chart pages only) loads it when the first chart comes near the viewport and then
draws each chart as it comes near.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import vl_convert

from ..config import ROOT

RUNTIME_NAME = "vega-runtime.js"
# The runtime's JavaScript is kept in .js files beside this module: the bundle's entry (Vega's
# module, with VEGA_VERSION filled in) and the code that draws one chart into its container from a
# compiled Vega spec, with tooltips.
ENTRY_JS = Path(__file__).with_name("runtime_entry.js")
DRAW_JS = Path(__file__).with_name("runtime_draw.js")


def snippet() -> str:
    """The bundle's entry (``runtime_entry.js``): Vega's module (the copy vl-convert vendors, by the
    path it is stored under; nothing is fetched) and nothing else, so Vega-Lite and Vega-Embed are
    left out."""
    return _without_header(ENTRY_JS.read_text(encoding="utf-8")).replace("VEGA_VERSION", vl_convert.get_vega_version())


def draw_code() -> str:
    """The drawing code (``runtime_draw.js``), as the runtime carries it."""
    return _without_header(DRAW_JS.read_text(encoding="utf-8"))


def _without_header(code: str) -> str:
    """A .js file's code without its leading comment lines (what the file is, for its reader)."""
    lines = code.splitlines(keepends=True)
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "".join(lines)


def _key() -> str:
    return hashlib.sha256((vl_convert.__version__ + snippet() + draw_code()).encode("utf-8")).hexdigest()[:16]


def runtime_source() -> str:
    return (f"/* report chart runtime {_key()}: Vega {vl_convert.get_vega_version()} */\n"
            "(function () {\n" + vl_convert.javascript_bundle(snippet()) + "\n}());\n"
            + "(function () {\n" + draw_code() + "}());\n")


def _starts_with(path: Path, head: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(head)) == head


# Bundling Vega takes vl-convert over a second, the same bytes for every build with this vl-convert,
# entry and drawing code: besides the build's own cache, a copy is kept in the repository's build
# cache (``_build/cache``, where ``make report`` keeps its chapters), which every build of this code
# reads, whatever report root, output or cache it is given (the tests' small reports, a -p build).
SHARED_CACHE = ROOT / "_build" / "cache"


def _valid(path: Path, head: bytes) -> bool:
    return path.is_file() and _starts_with(path, head)


def _write_atomically(path: Path, text: str) -> None:
    """Write ``path`` through a temporary file of this process, so builds running at once never
    read a half-written copy."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_runtime(target: Path, cache_dir: Path) -> Path:
    """Write the runtime to ``target``, reusing the copy built for this vl-convert version (and
    this bundle entry and drawing code: an edit to either takes effect), from ``cache_dir`` or
    else from the repository's build cache."""
    name = f"vega-runtime-{vl_convert.__version__}.js"
    cached, shared = cache_dir / name, SHARED_CACHE / name
    head = f"/* report chart runtime {_key()}:".encode("utf-8")
    if not _valid(cached, head):
        if _valid(shared, head):
            cache_dir.mkdir(parents=True, exist_ok=True)
            _write_atomically(cached, shared.read_text(encoding="utf-8"))
        else:
            source = runtime_source()
            _write_atomically(cached, source)
            if shared.resolve() != cached.resolve():
                try:
                    _write_atomically(shared, source)
                except OSError:  # a read-only checkout: the build's own cache is enough
                    pass
    shutil.copyfile(cached, target)
    return target
