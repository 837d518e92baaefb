"""Print the built report to one PDF: ``python scripts/pdf.py`` (``make pdf``, after ``make report``).

1. Takes the published site (``_build/html``) and, holding the build lock, copies it to a work folder
   beside it.
2. Writes one print page there: every page of ``book/_toc.yml`` in order (the home page first, then a
   contents list), each page's article under ``<section id="page--<name>">``. Ids are prefixed with
   the page name (``leverage--leverage-mining``) because headings like "Sources" repeat across pages,
   and links are rewritten to match: ``#x`` and ``other.html#x`` become in-document links, so the
   PDF's internal links work; other relative links (downloads) point at the published site's URL.
3. Serves the work folder on 127.0.0.1 and prints the page with Debian's Chromium through Playwright
   (never a browser download), after every chart reports ``data-rendered="yes"``; page numbers and
   the edition are in the footer template; headings give the PDF outline.
4. Writes ``_build/pdf/report.pdf``, then puts the PDF in the site copy as ``report.pdf``, fills the
   footer's PDF slot on every page with a "Download the report (PDF)" link and the <head> slot with
   ``citation_pdf_url``, records which pages it was printed from, and publishes the copy in one
   atomic exchange (``pipeline.stages.publish``). A site from ``make report`` alone has no PDF link, so no
   page ever links to a PDF that is not there; a later ``make report`` keeps the PDF only while the
   pages are the ones it was printed from (``pipeline.pages.pdfsite``).

Exit status: 0 written; 1 failed (the published site is unchanged).
"""

from __future__ import annotations

import argparse
import http.server
import os
import posixpath
import re
import shutil
import sys
import threading
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit


from bs4 import BeautifulSoup  # noqa: E402

from pipeline.pages import citation, pdfsite  # noqa: E402
from pipeline.editions import manifest
from pipeline.stages import publish
from pipeline.config import ROOT, load_site  # noqa: E402
from pipeline.errors import BuildError  # noqa: E402

CHROMIUM = os.environ.get("REPORT_CHROMIUM", "/usr/bin/chromium")
PRINT_PAGE = "_print.html"
CHART_TIMEOUT_MS = 60_000
ID_ATTRS = ("data-chart", "data-copy-target", "for", "aria-labelledby", "aria-describedby", "aria-controls")

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
.print-page { break-before: page; }
.print-page:first-of-type { break-before: auto; }
.print-contents ol { font-size: 1.05rem; line-height: 1.8; }
.bd-article-container, .bd-article { max-width: 100% !important; }
/* the theme hides each page's h1 in print (it prints the title in #jb-print-docs-body instead) */
.bd-main .bd-content .bd-article .print-page h1:first-of-type { display: block !important; }
/* the title page */
.print-title { min-height: 230mm; display: flex; flex-direction: column; justify-content: center; }
.print-title .print-title-name { font-size: 2rem; font-weight: 700; line-height: 1.25; margin: 0 0 1.5rem 0; }
.print-title p { font-size: 1.1rem; margin: 0.35rem 0; }
.print-title .print-title-edition { font-size: 1.25rem; }
/* a wide table keeps every column on the page: no scroll box, cells wrap (the print has no scrollbar) */
.pst-scrollable-table-container { overflow: visible !important; }
.print-page table { width: 100% !important; max-width: 100% !important; table-layout: auto; }
.print-page table th, .print-page table td { white-space: normal !important; }
.print-page table td { overflow-wrap: break-word; }
.print-page table th { overflow-wrap: normal; word-break: normal; hyphens: auto; }
"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - no request log on the console
        pass


def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


# ---------------------------------------------------------------------------------------------
# The print page
# ---------------------------------------------------------------------------------------------


def page_names(site_dir: Path, root: Path = ROOT) -> list[str]:
    """The pages in reading order (from book/_toc.yml), those the site has."""
    names = list(load_site(root).pages)
    return [n for n in names if (site_dir / f"{n}.html").exists()]


def _rewrite_href(href: str, page: str, pages: set[str], base_url: str) -> str:
    if not href or href.startswith(("mailto:", "javascript:", "data:")):
        return href
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return href
    if not parts.path:  # "#x" on this page
        return f"#{page}--{parts.fragment}" if parts.fragment else f"#page--{page}"
    target = posixpath.normpath(parts.path)
    stem = target[:-5] if target.endswith(".html") else None
    if stem in pages:
        return f"#{stem}--{parts.fragment}" if parts.fragment else f"#page--{stem}"
    return base_url + target + (f"#{parts.fragment}" if parts.fragment else "")


def article_of(html_text: str, page: str, pages: set[str], base_url: str):
    """The page's article with ids prefixed by the page name and links made in-document."""
    soup = BeautifulSoup(html_text, "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("main")
    if article is None:
        raise BuildError(f"{page}.html has no article to print", stage="pdf")
    for node in article.select("[id]"):
        node["id"] = f"{page}--{node['id']}"
    for attr in ID_ATTRS:
        for node in article.select(f"[{attr}]"):
            node[attr] = " ".join(f"{page}--{v}" for v in node[attr].split())
    for node in article.select("a[href]"):
        node["href"] = _rewrite_href(node["href"], page, pages, base_url)
    for node in article.select("img[src]"):
        src = node["src"]
        if not urlsplit(src).scheme:
            node["src"] = posixpath.normpath(src)
    for node in article.select("a.headerlink, .cite-section-link, button.cite-copy"):
        node.decompose()
    return article


def title_of(html_text: str) -> str:
    soup = BeautifulSoup(html_text, "html.parser")
    heading = soup.select_one("article.bd-article h1")
    return heading.get_text(" ", strip=True).rstrip("#¶ ").strip() if heading else ""


def title_lines(meta: citation.Meta) -> list[tuple[str, str]]:
    """The title page, as (class, text) lines, all from the ``report:`` block of ``book/_config.yml``."""
    lines = [("print-title-name", meta.cited_title),
             ("print-title-edition", f"{meta.edition}, {meta.long_date}"),
             ("print-title-as-of", f"Information current to {meta.as_of_text}"),
             ("print-title-authors", citation.author_text(meta))]
    if meta.organisation not in meta.authors:
        lines.append(("print-title-organisation", meta.organisation))
    if meta.licence:
        lines.append(("print-title-licence", f"Licence: {meta.licence}"))
    if citation.placeholder_base_url(meta):
        lines.append(("print-title-address", "A preview: the report is not yet published at an address."))
    else:
        lines.append(("print-title-address", f"Online at {citation.page_url(meta)}"))
    return lines


def title_page(shell: BeautifulSoup, meta: citation.Meta):
    section = shell.new_tag("section", attrs={"class": "print-page print-title", "id": "print-title"})
    for cls, text in title_lines(meta):
        line = shell.new_tag("p", attrs={"class": cls})
        line.string = text
        section.append(line)
    return section


def print_page(site_dir: Path, pages: list[str], meta: citation.Meta) -> str:
    """One HTML page holding the whole report, in order, with in-document links."""
    shell = BeautifulSoup((site_dir / f"{pages[0]}.html").read_text(encoding="utf-8"), "html.parser")
    body = shell.select_one("article.bd-article")
    body.clear()
    body.append(title_page(shell, meta))
    known = set(pages)
    titles = {}
    for number, page in enumerate(pages):
        text = (site_dir / f"{page}.html").read_text(encoding="utf-8")
        titles[page] = title_of(text)
        wrapper = shell.new_tag("section", attrs={"class": "print-page", "id": f"page--{page}"})
        for child in list(article_of(text, page, known, meta.base_url).children):
            wrapper.append(child)
        body.append(wrapper)
        if number == 0:
            contents = shell.new_tag("section", attrs={"class": "print-page print-contents", "id": "print-contents"})
            heading = shell.new_tag("h1")
            heading.string = "Contents"
            contents.append(heading)
            listing = shell.new_tag("ol")
            contents.append(listing)
            body.append(contents)
    for page in pages[1:]:
        item = shell.new_tag("li")
        link = shell.new_tag("a", href=f"#page--{page}")
        link.string = titles[page] or page
        item.append(link)
        listing.append(item)
    # the chart loader (_static/report-charts.js) is only on pages with charts: the shell needs it
    if shell.select_one("script[data-runtime]") is None:
        for page in pages:
            loader = BeautifulSoup((site_dir / f"{page}.html").read_text(encoding="utf-8"),
                                   "html.parser").select_one("script[data-runtime]")
            if loader is not None:
                shell.head.append(loader)
                break
    style = shell.new_tag("style")
    style.string = PRINT_CSS
    shell.head.append(style)
    if shell.title:
        shell.title.string = meta.title
    for node in shell.select(".bd-sidebar-primary, .bd-sidebar-secondary, .bd-header, .prev-next-area, footer, #jb-print-docs-body"):
        node.decompose()
    return str(shell)


# ---------------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------------


def footer_template(meta: citation.Meta) -> str:
    from html import escape

    what = f"{meta.short_title} — {meta.edition}, {meta.long_date}"
    if meta.scenario:
        what += f" — Scenario: {meta.scenario}"
    return (
        '<div style="font-size:8px;width:100%;padding:0 14mm;display:flex;justify-content:space-between;'
        f'font-family:sans-serif;color:#444;"><span>{escape(what)}</span>'
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )


def render_pdf(url: str, target: Path, meta: citation.Meta) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise BuildError(f"Chromium not found at {CHROMIUM}: run `make browser` (Debian's chromium)", stage="pdf")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, wait_until="load")
            # charts are drawn as they near the viewport (_static/report-charts.js): draw them all
            page.evaluate("() => window.reportCharts ? window.reportCharts.drawAll().then(() => true) : false")
            # every figure's full sources printed, not only its short source line
            page.evaluate("() => document.querySelectorAll('details.figure-sources').forEach(d => { d.open = true; })")
            try:
                page.wait_for_function(
                    "() => Array.from(document.querySelectorAll('.vega-chart')).every("
                    "e => ['yes', 'failed'].includes(e.getAttribute('data-rendered')))",
                    timeout=CHART_TIMEOUT_MS,
                )
            except PlaywrightTimeout:
                pending = page.eval_on_selector_all(
                    ".vega-chart:not([data-rendered=yes])", "els => els.map(e => e.id.split('--').pop())")
                raise BuildError(f"charts not drawn after {CHART_TIMEOUT_MS // 1000} s: {', '.join(pending)};"
                                 f" page errors: {errors[:3]}", stage="pdf") from None
            failed = page.eval_on_selector_all(
                ".vega-chart:not([data-rendered=yes])", "els => els.map(e => e.id.split('--').pop())")
            if failed:
                raise BuildError(f"charts not drawn: {', '.join(failed)} {errors[:3]}", stage="pdf")
            page.emulate_media(media="print")
            page.pdf(
                path=str(target),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=footer_template(meta),
                margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                outline=True,
                tagged=True,
            )
        finally:
            browser.close()


def document_info(report: dict, meta: citation.Meta) -> dict:
    """The PDF's document metadata, from the ``report:`` block: title, author(s), subject, keywords,
    language. The subject is ``report: subject`` or else the title's part after its colon."""
    subject = str(report.get("subject") or meta.title.partition(": ")[2] or meta.title)
    keywords = report.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    return {"title": meta.cited_title, "authors": list(meta.authors), "subject": subject,
            "keywords": [str(k) for k in keywords], "language": meta.language}


HEADINGS = ", ".join(f"article.bd-article h{n}" for n in range(1, 7))


def headings_of(print_html: str) -> list[str]:
    """The print page's headings in document order, as a reader sees their text (whitespace made single)."""
    soup = BeautifulSoup(print_html, "html.parser")
    return [re.sub(r"\s+", " ", h.get_text()).strip() for h in soup.select(HEADINGS)]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fix_outline(pdf, headings: list[str]) -> None:
    """Give each bookmark its heading's text. Chromium builds the outline from the headings, in
    order, but from the laid-out text: it drops the space where a heading wraps ("areexposed") and
    repeats the text of a heading laid out twice, as one is when it moves to the next page so as not
    to sit alone at a page's foot ("SourcesSources"). Each bookmark is checked against its heading."""
    with pdf.open_outline() as outline:
        items = []

        def walk(nodes):
            for node in nodes:
                items.append(node)
                walk(node.children)
        walk(outline.root)
        if len(items) != len(headings):
            raise BuildError(f"the PDF has {len(items)} bookmarks for {len(headings)} headings", stage="pdf")
        for item, heading in zip(items, headings):
            if _squeeze(heading) not in _squeeze(str(item.title)):
                raise BuildError(f"PDF bookmark {str(item.title)!r} is not the heading {heading!r}", stage="pdf")
            item.title = heading


def write_metadata(path: Path, info: dict, headings: list[str]) -> None:
    """Give the printed PDF its document metadata (Chromium writes only the title), in the
    document information dictionary and in XMP, and bookmarks that read as the headings, keeping
    its tags, links and destinations (pikepdf)."""
    import pikepdf

    tmp = path.with_name(f".{path.name}.meta")
    with pikepdf.open(path) as pdf:
        fix_outline(pdf, headings)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:title"] = info["title"]
            xmp["dc:creator"] = info["authors"]
            xmp["dc:description"] = info["subject"]
            xmp["dc:subject"] = info["keywords"]
            xmp["dc:language"] = [info["language"]]
            xmp["pdf:Keywords"] = "; ".join(info["keywords"])
        pdf.docinfo["/Title"] = info["title"]
        pdf.docinfo["/Author"] = "; ".join(info["authors"])
        pdf.docinfo["/Subject"] = info["subject"]
        pdf.docinfo["/Keywords"] = "; ".join(info["keywords"])
        pdf.Root.Lang = pikepdf.String(info["language"])
        pdf.save(tmp)
    tmp.replace(path)


def site_report(site: Path, root: Path = ROOT) -> dict:
    """The ``report:`` block ``site`` was built with: the repository's, plus the scenario that a
    scenario site's record (``_static/edition.json``) names, so its PDF says "Scenario" too."""
    import json

    from pipeline.editions.manifest import RECORD_URL

    report = dict(load_site(root).report)
    record = site / RECORD_URL
    if record.is_file():
        scenario = json.loads(record.read_text(encoding="utf-8")).get("scenario")
        if scenario:
            report["scenario"] = scenario
    return report


def make_pdf(site: Path, output: Path, publish_site: bool = True, root: Path = ROOT) -> Path:
    """Print ``site`` to ``output``; with ``publish_site``, republish ``site`` with the PDF and its links."""
    site, output = site.resolve(), output.resolve()
    if not (site / "index.html").exists():
        raise BuildError(f"no built report at {site}: run `make report` first", stage="pdf")
    report = site_report(site, root)
    meta = citation.meta(report)
    with publish.build_lock(site):
        work = site.parent / f".{site.name}.pdf-work"
        shutil.rmtree(work, ignore_errors=True)
        try:
            shutil.copytree(site, work)
            site_tree = manifest.tree_digest(work)
            pdfsite.remove_pdf(work, meta)  # a PDF printed before: the pages as `make report` made them
            printed_from = manifest.tree_digest(work)
            pages = page_names(work, root)
            printed = print_page(work, pages, meta)
            (work / PRINT_PAGE).write_text(printed, encoding="utf-8")
            server = serve(work)
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
                tmp = output.with_name(f".{output.name}.tmp")
                render_pdf(f"http://127.0.0.1:{server.server_address[1]}/{PRINT_PAGE}", tmp, meta)
                write_metadata(tmp, document_info(report, meta), headings_of(printed))
                tmp.replace(output)
            finally:
                server.shutdown()
                server.server_close()
            if publish_site:
                (work / PRINT_PAGE).unlink()
                pdfsite.add_pdf(work, output, meta, printed_from)
                with_pdf = manifest.tree_digest(work)
                publish.publish(work, site)
                pdfsite.keep_state(site, site_tree, with_pdf)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/pdf.py", description="Print the built report to one PDF.")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built site (default: _build/html)")
    parser.add_argument("--output", type=Path, default=ROOT / "_build" / "pdf" / "report.pdf",
                        help="the PDF (default: _build/pdf/report.pdf)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # a test book's root
    parser.add_argument("--no-publish", action="store_true", help="only write the PDF; leave the site as it is")
    args = parser.parse_args(argv)
    try:
        path = make_pdf(args.site, args.output, publish_site=not args.no_publish, root=args.root)
    except BuildError as error:
        print(f"pdf failed {error}", file=sys.stderr)
        return 1
    print(f"report PDF written: {path}" + ("" if args.no_publish else f" (and published as {args.site / citation.PDF_NAME})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
