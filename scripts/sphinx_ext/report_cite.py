"""Sphinx extension: canonical section anchors and "Cite this" blocks, without touching chapter files.

At ``doctree-read`` (before Sphinx collects the page's table of contents) each page is changed so:

1. **Stable anchors.** A section's explicit label (``(leverage-mining)=`` before ``## Heading``) becomes
   its *first* id, so the heading's ``id``, its ¶ permalink, the "On this page" links and the cite
   blocks all use the label, not the slug of the heading's wording. A section with no label gets
   ``<page>-<slug>`` (never data-dependent either); chapter authors are asked to label every section.
2. **Cite this.** Every page except the home page and the How-to-cite page ends with one
   *Cite this chapter* section: the chapter's citation as text and BibTeX with copy buttons
   (``_static/report-cite.js``, loaded once and deferred; the text is selectable without JavaScript)
   and as RIS and CSL-JSON files (``cite/<key>.ris|.json``, written at ``build-finished``), then a
   compact list with one line per section (its title, linking back, its URL ending in the section's
   label, and a button that copies its one-line citation). Under each heading a small *Cite this
   section* link leads to that line.
3. ``{report-cite}``: a directive that renders the whole report's citation (How-to-cite page).
4. pandas Styler tables carry ids from a random uuid (``T_96fb0_row0_col0``), different on every
   run; they are renamed ``T_<page>-t<n>`` in page order (table and its <style> alike), so every id
   on a page is the same from one build to the next.
5. Bibliography: myst-parser 3 warns "No footnote definitions found for label: 'footcite-…'" for every
   ``{footcite:p}`` in a page, because it looks for Markdown footnote definitions before
   sphinxcontrib-bibtex's ``{footbibliography}`` has made them (fixed in myst-parser 4, which
   jupyter-book 1 cannot use). Under ``-W`` that fails the build, so exactly that message, for
   ``footcite-`` labels only, is dropped; every other footnote warning still fails the build.

6. **Metadata for reference managers.** Every page's <head> gets Highwire Press ``citation_*`` tags,
   Dublin Core, schema.org JSON-LD and a canonical link (``citation.head_html``): a chapter is a
   chapter of the report (``citation_inbook_title``; Zotero saves a book section), the home and
   How-to-cite pages are the report (``citation_technical_report_institution``). ``citation_pdf_url``
   is added by ``make pdf`` with the PDF (``pipeline.pages.pdfsite``), never before.

All metadata comes from the ``report:`` block of the staged ``_config.yml`` (through
``pipeline.pages.citation``), including ``report: scenario:`` in scenario builds.
"""

from __future__ import annotations

import html
import logging as std_logging
import posixpath
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.util import logging
from sphinx.util.nodes import clean_astext


from masthead import interface
from masthead.report import effective_base_url, read_report, substitutions, tags
from pipeline.pages import citation

logger = logging.getLogger(__name__)
CITE_SECTION_ID = "cite-this"
CITE_DIR = "cite"  # the RIS and CSL-JSON files, cite/<BibTeX key>.ris|.json
JS_FILE = "report-cite.js"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def load_meta(app) -> citation.Meta:
    """The report block of the staged _config.yml (the book's source folder)."""
    report = {**(app.config.report_cite_meta or {}), **read_report(Path(app.srcdir) / "_config.yml")}
    return citation.meta(report)


def on_builder_inited(app) -> None:
    app.env.report_cite_meta = load_meta(app)


def _meta(app) -> citation.Meta:
    m = getattr(app.env, "report_cite_meta", None)
    if m is None:
        m = app.env.report_cite_meta = load_meta(app)
    return m


# ---------------------------------------------------------------------------------------------
# Anchors
# ---------------------------------------------------------------------------------------------


def explicit_label(section: nodes.section, document: nodes.document) -> str | None:
    """The id of the section's explicit label ``(name)=``, if it has one."""
    for name in section["names"]:
        if document.nametypes.get(name):  # True: explicit target
            ref = document.nameids.get(name)
            if ref and ref in section["ids"]:
                return ref
    return None


def make_canonical(section: nodes.section, document: nodes.document, docname: str) -> str:
    """Put the section's label first in its ids (adding ``<page>-<slug>`` if it has none)."""
    anchor = explicit_label(section, document)
    if anchor is None:
        anchor = f"{docname}-{_slug(clean_astext(section[0]))}"
        base, n = anchor, 2
        while anchor in document.ids and document.ids[anchor] is not section:
            anchor, n = f"{base}-{n}", n + 1
        document.ids[anchor] = section
    section["ids"] = [anchor] + [i for i in section["ids"] if i != anchor]
    return anchor


# ---------------------------------------------------------------------------------------------
# HTML of the cite entries
# ---------------------------------------------------------------------------------------------


def downloads_html(m: citation.Meta, page_uri: str, key: str) -> str:
    """Links to the entry's RIS and CSL-JSON files (written by ``write_cite_files``)."""
    e = html.escape
    base = posixpath.relpath(CITE_DIR, posixpath.dirname(page_uri) or ".")
    ris = f'<a href="{e(base)}/{e(key)}.ris" download>RIS</a>'
    csl = f'<a href="{e(base)}/{e(key)}.json" download>CSL-JSON</a>'
    return f'<p class="cite-downloads">{interface.markup("cite.downloads", ris=ris, csl=csl)}</p>'


def entry_html(entry_id: str, heading: str, text: str, bibtex: str, url: str, downloads: str = "") -> str:
    """One citation: heading (already HTML), text, BibTeX; copy buttons appear when JS runs."""
    e = html.escape
    text_id, bib_id = f"{entry_id}-text", f"{entry_id}-bibtex"
    tail = url if url and text.endswith(url) else ""  # a preview's text ends in its notice, not a URL
    text_html = e(text[: len(text) - len(tail)]) + (f'<span class="cite-url">{e(tail)}</span>' if tail else "")
    return (
        f'<div class="cite-entry" id="{e(entry_id)}" data-cite-url="{e(url)}">'
        f'<p class="cite-heading">{heading}</p>'
        f'<p class="cite-text" id="{e(text_id)}">{text_html}</p>'
        f'<p class="cite-actions"><button type="button" class="cite-copy" data-copy-target="{e(text_id)}" hidden>'
        f'{interface.markup("cite.copy_citation")}</button></p>'
        f'<details class="cite-bibtex"><summary>{interface.markup("cite.bibtex")}</summary>'
        f'<pre id="{e(bib_id)}" tabindex="0">{e(bibtex)}</pre>'
        f'<p class="cite-actions"><button type="button" class="cite-copy" data-copy-target="{e(bib_id)}" hidden>'
        f'{interface.markup("cite.copy_bibtex")}</button></p></details>'
        f"{downloads}"
        f"</div>"
    )


def section_item_html(anchor: str, title: str, text: str, url: str, preview: bool = False) -> str:
    """One line of the per-section list: the section (a link back to it), its URL (none in a
    preview), a copy button."""
    e = html.escape
    return (
        f'<li class="cite-section" id="cite-{e(anchor)}" data-cite-url="{e(url)}">'
        f'<a href="#{e(anchor)}">{e(title)}</a> '
        + ("" if preview else f'<span class="cite-url">{e(url)}</span> ')
        + f'<button type="button" class="cite-copy" data-copy-text="{e(text)}" hidden>{interface.markup("cite.copy_citation")}</button>'
        f"</li>"
    )


def preview_html(m: citation.Meta) -> str:
    """A preview's notice at the head of every cite block (nothing once the report is published)."""
    if not m.preview:
        return ""
    lead = f'<strong>{interface.markup("cite.preview_lead")}</strong>'
    return f'<p class="cite-preview" role="note">{interface.markup("cite.preview", lead=lead)}</p>'


def _raw(markup: str) -> nodes.raw:
    return nodes.raw("", markup, format="html")


def _record(app, docname: str, anchor: str, url: str, chapter: str) -> None:
    """Remember the page's citation, for its <head> tags and its RIS / CSL-JSON files."""
    if not hasattr(app.env, "report_cite_pages"):
        app.env.report_cite_pages = {}
    app.env.report_cite_pages[docname] = {"anchor": anchor, "url": url, "chapter": chapter}


def add_cite_block(app, doctree: nodes.document, docname: str, top: nodes.section) -> None:
    """One full citation of the chapter (text, BibTeX, RIS, CSL-JSON) and a compact list of its sections."""
    m = _meta(app)
    page = app.builder.get_target_uri(docname)
    chapter_anchor = top["ids"][0]
    chapter_title = clean_astext(top[0])
    sections = [s for s in top.children if isinstance(s, nodes.section)]

    url = citation.page_url(m, page, chapter_anchor)
    key = citation.bib_key(m, chapter_anchor)
    _record(app, docname, chapter_anchor, url, chapter_title)
    heading = interface.markup("cite.chapter", chapter=f'<a href="#{html.escape(chapter_anchor)}">{html.escape(chapter_title)}</a>')
    parts = [
        preview_html(m),
        f'<p class="cite-intro">{interface.markup("cite.intro", edition_line=html.escape(m.edition_line))}</p>',
        entry_html(f"cite-{chapter_anchor}", heading, citation.cite_text(m, url, chapter=chapter_title),
                   citation.cite_bibtex(m, url, chapter_anchor, chapter=chapter_title), url,
                   downloads_html(m, page, key)),
    ]
    if sections:
        lead = f'<strong>{interface.markup("cite.sections_lead")}</strong>'
        parts.append(f'<p class="cite-sections-title">{interface.markup("cite.sections", lead=lead)}</p>')
        items = []
        for s in sections:
            anchor, title = s["ids"][0], clean_astext(s[0])
            section_url = citation.page_url(m, page, anchor)
            text = citation.cite_text(m, section_url, chapter=chapter_title, section=title)
            items.append(section_item_html(anchor, title, text, section_url, m.preview))
        # long URLs wrap on a phone (the style sheet's rule for .cite-url covers the chapter entry only)
        parts.append('<ul class="cite-section-list" style="overflow-wrap: anywhere">' + "".join(items) + "</ul>")

    block = nodes.section(ids=[CITE_SECTION_ID], names=[], classes=["report-cite"])
    block += nodes.title("", interface.text("cite.chapter_link"))
    block += _raw('<div class="report-cite-body">' + "".join(parts) + "</div>")
    top += block

    link = '<p class="cite-section-link"><a href="#cite-{}">{}</a></p>'
    top.insert(1, _raw(link.format(html.escape(chapter_anchor), interface.markup("cite.chapter_link"))))
    for section in sections:
        section.insert(1, _raw(link.format(html.escape(section["ids"][0]), interface.markup("cite.section_link"))))


STYLER_ID = re.compile(r"\bT_([0-9a-f]{5})(?![0-9A-Za-z])")


def stable_styler_ids(doctree: nodes.document, docname: str) -> None:
    """Rename pandas Styler's random table ids to ``T_<page>-t<n>`` (item 4 of the docstring)."""
    mapping: dict[str, str] = {}
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        text = raw.astext()
        found = list(dict.fromkeys(STYLER_ID.findall(text)))
        if not found:
            continue
        for uuid in found:
            mapping.setdefault(uuid, f"{docname}-t{len(mapping) + 1}")
        raw.children = [nodes.Text(STYLER_ID.sub(lambda m: f"T_{mapping[m.group(1)]}", text))]


def on_doctree_read(app, doctree: nodes.document) -> None:
    docname = app.env.docname
    stable_styler_ids(doctree, docname)
    tops = [n for n in doctree.children if isinstance(n, nodes.section)]
    for section in doctree.findall(nodes.section):
        make_canonical(section, doctree, docname)
    if not tops or app.builder.format != "html":
        return
    if docname == app.config.root_doc or docname in app.config.report_cite_exclude:
        return
    add_cite_block(app, doctree, docname, tops[0])


class ReportCite(Directive):
    """``{report-cite}``: the whole report's citation, as on the chapters' cite blocks."""

    has_content = False

    def run(self):
        app = self.state.document.settings.env.app
        m = _meta(app)
        url = citation.page_url(m)
        text = citation.cite_text(m, url)
        bib = citation.cite_bibtex(m, url)
        heading = f"Report: <em>{html.escape(m.title)}</em>"
        page = app.builder.get_target_uri(self.state.document.settings.env.docname)
        downloads = downloads_html(m, page, citation.bib_key(m))
        entry = entry_html("cite-report", heading, text, bib, url, downloads)
        return [_raw('<div class="report-cite-body">' + preview_html(m) + entry + "</div>")]


# ---------------------------------------------------------------------------------------------
# <head> metadata, RIS and CSL-JSON files
# ---------------------------------------------------------------------------------------------


def on_html_page_context(app, pagename, templatename, context, doctree) -> None:
    """Highwire ``citation_*``, Dublin Core, JSON-LD and a canonical link in every page's <head>."""
    if doctree is None:  # search, genindex: not part of the report
        return
    m = _meta(app)
    chapter = getattr(app.env, "report_cite_pages", {}).get(pagename, {}).get("chapter", "")
    context["metatags"] = context.get("metatags", "") + citation.head_html(m, app.builder.get_target_uri(pagename), chapter)


def write_cite_files(app, exception) -> None:
    """``cite/<key>.ris`` and ``cite/<key>.json`` for the report and every chapter."""
    if exception is not None or app.builder.format != "html":
        return
    m = _meta(app)
    folder = Path(app.outdir) / CITE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    entries = [(citation.page_url(m), "", "")]
    entries += [(p["url"], p["anchor"], p["chapter"]) for p in getattr(app.env, "report_cite_pages", {}).values()]
    for url, anchor, chapter in sorted(entries):
        key = citation.bib_key(m, anchor)
        (folder / f"{key}.ris").write_bytes(citation.cite_ris(m, url, anchor, chapter=chapter).encode("utf-8"))
        (folder / f"{key}.json").write_text(citation.csl_json(m, url, anchor, chapter=chapter), encoding="utf-8")


def on_env_purge_doc(app, env, docname) -> None:
    getattr(env, "report_cite_pages", {}).pop(docname, None)


def on_env_merge_info(app, env, docnames, other) -> None:
    env.report_cite_pages.update({d: v for d, v in getattr(other, "report_cite_pages", {}).items() if d in docnames})


def on_env_before_read_docs(app, env, docnames) -> None:
    if not hasattr(env, "report_cite_pages"):
        env.report_cite_pages = {}


class FootciteFalseWarning(std_logging.Filter):
    """Drops myst-parser 3's warning for footcite references (see module docstring, item 5)."""

    MYST_MESSAGE = "No footnote definitions found for label: 'footcite-"

    def filter(self, record: std_logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record we cannot format is not ours to judge
            return True
        return not message.startswith(self.MYST_MESSAGE)


def install_footcite_filter() -> None:
    for handler in std_logging.getLogger("sphinx").handlers:
        if isinstance(handler, logging.WarningStreamHandler) and not any(
            isinstance(f, FootciteFalseWarning) for f in handler.filters
        ):
            handler.filters.insert(0, FootciteFalseWarning())


def on_config_inited(app, config) -> None:
    """Jupyter Book lists every ``_static/*.js`` in ``html_js_files`` (a blocking <script> in <head>);
    ``setup`` adds ``report-cite.js`` once, deferred. Loaded twice, it bound every copy button twice.

    The edition's tags (``report_preview``, ``report_scenario``) are set for the pages' ``{only}``
    blocks (How to cite). A book built straight from ``book/`` (``jupyter-book build book/``, not
    staged) gets here what the stage writes into its ``_config.yml``: the edition substitutions and
    the edition footer."""
    config.html_js_files = [entry for entry in config.html_js_files
                            if (entry[0] if isinstance(entry, (tuple, list)) else entry) != JS_FILE]
    report = {**(config.report_cite_meta or {}), **read_report(Path(app.srcdir) / "_config.yml")}
    if not report.get("edition_date"):
        return
    report["base_url"] = effective_base_url(report)
    m = citation.meta(report)
    for tag in tags(m):
        app.tags.add(tag)
    given = config.myst_substitutions or {}
    if "edition" not in given:  # not staged
        config.myst_substitutions = {**substitutions(report), **given}
        options = config.html_theme_options if isinstance(config.html_theme_options, dict) else {}
        if not options.get("extra_footer"):
            config.html_theme_options = {**options, "extra_footer": citation.footer_html(m)}


def setup(app):
    install_footcite_filter()
    app.add_config_value("report_cite_exclude", ["how_to_cite"], "env")
    app.add_config_value("report_cite_meta", {}, "env")
    app.add_directive("report-cite", ReportCite)
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("doctree-read", on_doctree_read, priority=400)  # before the TOC collector (500)
    app.connect("env-before-read-docs", on_env_before_read_docs)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("html-page-context", on_html_page_context)
    app.connect("build-finished", write_cite_files)
    app.add_js_file(JS_FILE, loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
