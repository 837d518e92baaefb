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
  name="description">`` is the page's opening paragraph, cut at a word to at most 160
  characters.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes

from masthead.report import read_report

TEMPLATES = Path(__file__).resolve().parent / "report_templates"
KEEP_BLOCKING = {"_static/documentation_options.js"}
DESCRIPTION_MAX = 160
DESCRIPTION_MIN = 50
PST_DIGEST = re.compile(r"digest=([0-9a-f]+)")
_TAGS = re.compile(r"<[^>]+>")
PAGE_TITLES = {"genindex": "Index", "search": "Search"}  # their templates set the title themselves


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
            text = " ".join(paragraph.astext().split())
            if len(text) >= DESCRIPTION_MIN:
                return shorten(text)
    return shorten(fallback)


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
    # the search page's own (blocking) search scripts call doctools.js as they run: leave it be
    if context.get("script_files") and pagename != "search":
        context["script_files"] = _deferred(context["script_files"])


def setup(app):
    # after Jupyter Book has filled html_js_files, before the builder reads templates_path
    app.connect("config-inited", _configure, priority=900)
    # after the other extensions have added their page scripts
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
