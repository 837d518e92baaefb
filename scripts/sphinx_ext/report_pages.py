"""Sphinx extension: every page loads only what it uses, and says what it is.

- **Scripts.** Jupyter Book adds every ``.js`` file under ``_static`` to every page (so
  ``report-cite.js``, which its extension also adds, was loaded twice, and the 0.6 MB chart
  runtime was loaded by pages without a chart). Those blanket additions are dropped: a script is
  on a page because an extension put it there (``report_cite``, ``report_charts``). Every
  script with a ``src`` is deferred, except ``documentation_options.js``, whose object the
  page's inline lines extend (and on the search page, whose search scripts run at once); Sphinx's search
  scripts and index are left to the search page
  (the theme put them on every page, for a search-as-you-type the report does not use).
- **Icons.** The theme's 1.4 MB Font Awesome script (and the 150 KB icon font it falls back to)
  is not loaded; ``report.css`` draws the dozen icons the pages show.
- **Label in name.** The theme's search and colour-mode buttons are named by their visible
  text (templates in ``report_templates/``; axe-core ``label-content-name-mismatch``).
- **Title and description.** ``<title>`` is "page — report", or the report's full title on
  the landing page (not "Rare Earth Leverage — Rare Earth Leverage"); ``<meta
  name="description">`` is the page's opening paragraph (without footnote marks), cut at a word
  to at most 160 characters.
- **Link previews.** Open Graph and Twitter card tags on every page (``citation.preview_tags``):
  title, description, site name and, once the report has an address, the page's URL and an
  image: a 1200×630 card drawn at build time with vl-convert (no network), the page's title over
  its headline chart (the page's first chart), or over the report's title on a page without one
  (``_static/cards/<page>.png``). A preview build (placeholder address) draws no cards.
"""

from __future__ import annotations

import base64
import json
import re
import struct
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from masthead.report import read_report
from pipeline.pages import citation

logger = logging.getLogger(__name__)
CHART_SPEC = re.compile(r'<script type="application/json" class="vega-spec" data-format="vega"[^>]*>(?P<json>.*?)</script>', re.S)
INK, MUTED, ACCENT = "#1b1b1b", "#4a4a4a", "#1f4e79"

TEMPLATES = Path(__file__).resolve().parent / "report_templates"
KEEP_BLOCKING = {"_static/documentation_options.js"}
DESCRIPTION_MAX = 160
DESCRIPTION_MIN = 50
DATES_LINE = "Sources searched to"  # the head line every page of prose opens with (book/*.md)
PST_DIGEST = re.compile(r"digest=([0-9a-f]+)")
_TAGS = re.compile(r"<[^>]+>")
PAGE_TITLES = {"genindex": "Index", "search": "Search"}  # their templates set the title themselves

# the link-preview card's fonts, the first the machine has wins
CARD_FONTS = ("Liberation Sans", "DejaVu Sans", "Arial", "sans-serif")


def _report_block(app) -> dict:
    return read_report(Path(app.srcdir) / "_config.yml")


def _theme_digest() -> str:
    import pydata_sphinx_theme

    macros = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "webpack-macros.html"
    found = PST_DIGEST.search(macros.read_text(encoding="utf-8")) if macros.exists() else None
    return found.group(1) if found else pydata_sphinx_theme.__version__


def _configure(app, config) -> None:
    # Jupyter Book's blanket additions are plain file names (by now maybe Sphinx's (name, {})
    # tuples); extensions add their scripts themselves, with attributes
    config.html_js_files = [entry for entry in config.html_js_files
                            if not isinstance(entry, str) and not (isinstance(entry, (tuple, list)) and not entry[1])]
    config.templates_path = [str(TEMPLATES), *[p for p in config.templates_path if p != str(TEMPLATES)]]
    config.html_context = {**(config.html_context or {}), "report_pst_digest": _theme_digest()}


def shorten(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters (with …)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–-")
    return cut + "…"


def page_description(doctree, fallback: str) -> str:
    """The first paragraph of the page's own text long enough to say what the page is about."""
    if doctree is not None:
        for paragraph in doctree.findall(nodes.paragraph):
            if any(isinstance(parent, (nodes.admonition, nodes.footnote, nodes.citation, nodes.table,
                                       nodes.field_list, nodes.sidebar, nodes.topic))
                   for parent in _ancestors(paragraph)):
                continue
            text = " ".join(_text_without_marks(paragraph).split())
            if text.startswith(DATES_LINE):  # the page's dates (report_dates), not what it is about
                continue
            if len(text) >= DESCRIPTION_MIN:
                return shorten(text)
    return shorten(fallback)


def _text_without_marks(paragraph) -> str:
    """The paragraph's text without footnote and citation marks ("… 2025 1 rated" → "… 2025 rated")."""
    copy = paragraph.deepcopy()
    for mark in list(copy.findall(lambda n: isinstance(n, (nodes.footnote_reference, nodes.citation_reference))
                                  or "footnote-reference" in (n.get("classes", []) if isinstance(n, nodes.Element) else []))):
        mark.parent.remove(mark)
    return copy.astext()


def _png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def _text_mark(text: str, x: float, y: float, size: int, color: str, bold: bool = False, limit: int = 1104) -> dict:
    return {"type": "text", "encode": {"enter": {
        "x": {"value": x}, "y": {"value": y}, "text": {"value": text}, "fontSize": {"value": size},
        "fontWeight": {"value": "bold" if bold else "normal"}, "fill": {"value": color},
        "font": {"value": ", ".join(CARD_FONTS)},
        "limit": {"value": limit}, "baseline": {"value": "alphabetic"}}}}


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def card_png(title: str, footer: str, chart: dict | None = None, report_title: str = "") -> bytes:
    """A 1200×630 link-preview card: ``title`` above the chart (a Vega spec), or above the report's
    title when there is no chart; ``footer`` (site and edition) at the foot. Drawn by vl-convert."""
    import vl_convert

    width, height = citation.CARD_SIZE
    margin = 48
    marks = [{"type": "rect", "encode": {"enter": {"x": {"value": 0}, "y": {"value": 0}, "width": {"value": width},
                                                   "height": {"value": 12}, "fill": {"value": ACCENT}}}},
             _text_mark(title, margin, 84, 44, INK, bold=True)]
    if chart is not None:
        png = vl_convert.vega_to_png(chart, scale=2)
        w, h = _png_size(png)
        box_w, box_h = width - 2 * margin, height - 120 - 70
        scale = min(box_w / w, box_h / h)
        dw, dh = w * scale, h * scale
        marks.append({"type": "image", "encode": {"enter": {
            "url": {"value": "data:image/png;base64," + base64.b64encode(png).decode("ascii")},
            "x": {"value": margin + (box_w - dw) / 2}, "y": {"value": 120 + (box_h - dh) / 2},
            "width": {"value": dw}, "height": {"value": dh}, "aspect": {"value": False}}}})
    else:
        for n, line in enumerate(_wrap(report_title, 38)[:4]):
            marks.append(_text_mark(line, margin, 220 + n * 64, 50, ACCENT, bold=True))
    marks.append({"type": "rect", "encode": {"enter": {"x": {"value": margin}, "y": {"value": height - 62},
                                                       "width": {"value": width - 2 * margin}, "height": {"value": 1},
                                                       "fill": {"value": "#c8c8c8"}}}})
    marks.append(_text_mark(footer, margin, height - 24, 24, MUTED))
    spec = {"$schema": "https://vega.github.io/schema/vega/v5.json", "width": width, "height": height,
            "padding": 0, "autosize": "none", "background": "white", "marks": marks}
    return vl_convert.vega_to_png(spec, scale=1)


def _first_chart(body: str) -> dict | None:
    found = CHART_SPEC.search(body or "")
    if not found:
        return None
    try:
        return json.loads(found.group("json"))
    except ValueError:
        return None


def _link_preview(app, pagename, context, title: str, description: str) -> None:
    """The page's Open Graph and Twitter tags, and (published only) its card image."""
    try:
        m = citation.meta(_report_block(app))
    except ValueError:  # a config without a report block (not this report): no preview tags
        return
    page = app.builder.get_target_uri(pagename)
    context["metatags"] = context.get("metatags", "") + citation.preview_html(m, page, title, description)
    if m.preview:
        return
    target = Path(app.outdir) / citation.card_path(page)
    footer = f"{m.short_title} · {m.edition}, {m.long_date}"
    card_title = m.short_title if pagename == app.config.root_doc else title
    chart = _first_chart(context.get("body", ""))
    try:
        png = card_png(card_title, footer, chart, m.title)
    except Exception as error:  # noqa: BLE001 - vl-convert's own error types; the card falls back
        logger.warning("link-preview card of %s: the chart cannot be drawn (%s); using the title card", pagename,
                       error, location=pagename)
        png = card_png(card_title, footer, None, m.title)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png)


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def _deferred(scripts):
    from sphinx.builders.html._assets import _JavaScript

    out = []
    for script in scripts:
        filename = str(getattr(script, "filename", "") or "")
        attributes = dict(getattr(script, "attributes", {}) or {})
        if filename and filename not in KEEP_BLOCKING and not ({"defer", "async"} & attributes.keys()):
            attributes["defer"] = "defer"
            script = _JavaScript(filename, priority=getattr(script, "priority", 500), **attributes)
        out.append(script)
    return out


def _page_context(app, pagename, templatename, context, doctree) -> None:
    report = _report_block(app)
    short = str(report.get("short_title") or context.get("docstitle") or "")
    full = str(report.get("title") or short)
    title = _TAGS.sub("", str(context.get("title") or "")).strip() or PAGE_TITLES.get(pagename, "")
    if pagename == app.config.root_doc or not title or title == short:
        context["report_page_title"] = full
    else:
        context["report_page_title"] = f"{title} — {short}"
    fallbacks = {
        "search": f"Search the text of {full}.",
        "genindex": f"Index of {full}.",
    }
    context["report_description"] = page_description(doctree, fallbacks.get(pagename, full))
    _link_preview(app, pagename, context, title if pagename != app.config.root_doc and title else full,
                  context["report_description"])
    # the search page's own (blocking) search scripts call doctools.js as they run: leave it be
    if context.get("script_files") and pagename != "search":
        context["script_files"] = _deferred(context["script_files"])


def setup(app):
    # after Jupyter Book has filled html_js_files, before the builder reads templates_path
    app.connect("config-inited", _configure, priority=900)
    # after the other extensions have added their page scripts
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
