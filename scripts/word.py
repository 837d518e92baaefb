"""The report's pages as Word files: ``python scripts/word.py`` (``make word``, after ``make report``).

Briefing writers work in Word. For the home page and every chapter (every page of ``book/_toc.yml``) this
writes ``_downloads/word/<page>.docx`` into the published site, made from the built page by pandoc
(Debian's ``pandoc``):

- the page's article as it reads on screen: headings as Word headings, findings and text, tables as
  Word tables, each figure as its image (the PNG the build drew) with its source line and full
  sources, footnotes and the chapter's citation ("Cite this chapter");
- the edition line under the title (edition, date, information current to, licence, address);
- document properties (title, author, subject, keywords, language) from the ``report:`` block.

What only works in a browser is left out: copy buttons, BibTeX, sliders, download links, permalinks.
Links to another page point at the published site's address (in a preview, whose address is the
placeholder, they are plain text: no dead link).

Then, holding the build lock, it fills every such page's footer slot (``citation.WORD_SLOT``) with a
"This page in Word" link and publishes the site in one atomic exchange, as ``make pdf`` does; the
build state is updated, so a ``make report`` with nothing changed stays a no-op and keeps the files.
A rebuild that changes the pages publishes pages without the Word files and without the links (run
``make word`` again). Run it after ``make pdf`` (``make pdf`` prints the site as ``make report``
made it and does not know the Word files).

Exit status: 0 written; 1 failed (the published site is unchanged).
"""

from __future__ import annotations

import argparse
import html
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

import pdf
from pipeline.pages import citation, pdfsite
from pipeline.editions import manifest
from pipeline.stages import publish
from pipeline.config import ROOT
from pipeline.errors import BuildError

PANDOC = shutil.which("pandoc") or "/usr/bin/pandoc"
FOLDER = "_downloads/word"
DROP = (
    "a.headerlink", ".cite-section-link", "button", "script", "style", "noscript > style", ".figure-explore",
    ".figure-downloads", "details.cite-bibtex", ".cite-actions", ".cite-status", "form", "input",
    ".report-cite-downloads", ".vega-chart", "nav", ".toc-entry", "[hidden]",
)


def docx_path(page: str) -> str:
    """The Word file of ``page`` (``leverage``), relative to the site root."""
    return f"{FOLDER}/{page}.docx"


def link_html(page: str) -> str:
    """What fills the footer's Word slot on ``page``."""
    return (f'<span class="report-word-slot"> · <a class="report-word-link" href="{html.escape(docx_path(page))}" '
            f'download>This page in Word (.docx)</a></span>')


def _href(href: str, page: str, pages: set[str], meta: citation.Meta) -> str | None:
    """Where a link of the page points in its Word file; None: keep the link's text only."""
    if not href or href.startswith(("mailto:", "javascript:", "data:")):
        return href or None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return href
    if not parts.path:  # "#x" on this page: a bookmark in the Word file
        return href if parts.fragment else None
    if citation.placeholder_base_url(meta):
        return None
    target = posixpath.normpath(parts.path)
    return citation.page_url(meta, target, parts.fragment)


def word_html(site: Path, page: str, pages: set[str], meta: citation.Meta) -> str:
    """The page's article made ready for pandoc: a plain HTML document."""
    soup = BeautifulSoup((site / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("main")
    if article is None:
        raise BuildError(f"{page}.html has no article", stage="word")
    # each figure: its drawn PNG (the <noscript> image) in place of the chart
    for noscript in article.select("noscript"):
        image = noscript.find("img")
        if image is None:
            noscript.decompose()
            continue
        image["src"] = posixpath.normpath(image["src"])
        image.attrs.pop("style", None)
        noscript.replace_with(image)
    for selector in DROP:
        for node in article.select(selector):
            node.decompose()
    for anchor in article.select("section > span[id]:empty"):  # a second id of a section: an empty paragraph in Word
        anchor.decompose()
    for details in article.select("details"):
        summary = details.find("summary")
        if summary is not None:
            summary.name = "p"
            wrapped = soup.new_tag("strong")
            wrapped.string = summary.get_text(" ", strip=True)
            summary.clear()
            summary.append(wrapped)
        details.name = "div"
        details.attrs = {}
    # pandoc reads a <figure> as an image and its caption only: the source lines would be lost.
    # Each figure becomes its image, its caption, then its source line and full sources.
    for figure in article.select("figure"):
        block = soup.new_tag("div")
        image = figure.find("img")
        if image is not None:
            holder = soup.new_tag("p")
            holder.append(image.extract())
            block.append(holder)
        caption = figure.find("figcaption")
        if caption is not None:
            caption = caption.extract()
            for child in list(caption.children):
                block.append(child)
        for child in list(figure.children):
            block.append(child)
        figure.replace_with(block)
    for link in article.select("a[href]"):
        target = _href(link["href"], page, pages, meta)
        if target is None:
            link.unwrap()
        else:
            link.attrs = {"href": target}
    # the edition line under the page's title
    heading = article.find("h1")
    line = soup.new_tag("p")
    address = "" if citation.placeholder_base_url(meta) else f" · {citation.page_url(meta, f'{page}.html')}"
    line.string = (f"{meta.short_title} — {meta.edition_line}"
                   + (f" · Licence: {meta.licence}" if meta.licence else "") + address)
    if heading is not None:
        heading.insert_after(line)
    else:
        article.insert(0, line)
    # no <title>: pandoc would print it as a title above the page's own heading
    return (f'<!DOCTYPE html><html lang="{html.escape(meta.language)}"><head><meta charset="utf-8">'
            f"</head><body>{article.decode_contents()}</body></html>")


def convert(source: Path, target: Path, resources: Path) -> None:
    if not Path(PANDOC).exists():
        raise BuildError("pandoc not found: install Debian's pandoc (`make browser` does)", stage="word")
    done = subprocess.run([PANDOC, "--from=html", "--to=docx", f"--resource-path={resources}",
                           "--output", str(target), str(source)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"pandoc failed on {source.name}: {done.stderr.strip()[:500]}", stage="word")


def set_properties(path: Path, title: str, info: dict) -> None:
    """The Word file's document properties (python-docx)."""
    import docx

    document = docx.Document(str(path))
    props = document.core_properties
    props.title = title
    props.author = "; ".join(info["authors"])
    props.subject = info["subject"]
    props.keywords = "; ".join(info["keywords"])
    props.language = info["language"]
    props.comments = ""
    document.save(str(path))


def remove_word(site: Path) -> None:
    """The site without Word files and with empty Word slots."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = re.sub(r'<span class="report-word-slot"> · <a class="report-word-link" [^>]*>[^<]*</a></span>',
                     citation.WORD_SLOT, text)
        if new != text:
            page.write_text(new, encoding="utf-8")
    shutil.rmtree(site / FOLDER, ignore_errors=True)


def write_word(site: Path, pages: list[str], meta: citation.Meta, info: dict, scratch: Path) -> list[Path]:
    """Write the Word file of every page in ``pages`` into ``site``; returns their paths."""
    written = []
    (site / FOLDER).mkdir(parents=True, exist_ok=True)
    scratch.mkdir(parents=True, exist_ok=True)
    known = set(pages)
    for page in pages:
        source = scratch / f"{page}.html"
        text = word_html(site, page, known, meta)
        source.write_text(text, encoding="utf-8")
        target = site / docx_path(page)
        convert(source, target, site)
        heading = BeautifulSoup(text, "html.parser").find("h1")
        title = re.sub(r"\s+", " ", heading.get_text()).strip() if heading is not None else ""
        set_properties(target, f"{title} — {meta.cited_title}" if title and page != pages[0] else meta.cited_title, info)
        written.append(target)
    for page in pages:
        path = site / f"{page}.html"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(citation.WORD_SLOT, link_html(page)), encoding="utf-8")
    return written


def make_word(site: Path, root: Path = ROOT) -> list[Path]:
    """Add the Word files and their links to the published ``site``, atomically."""
    site = site.resolve()
    if not (site / "index.html").exists():
        raise BuildError(f"no built report at {site}: run `make report` first", stage="word")
    report = pdf.site_report(site, root)
    meta = citation.meta(report)
    info = pdf.document_info(report, meta)
    with publish.build_lock(site):
        work = site.parent / f".{site.name}.word-work"
        scratch = site.parent / f".{site.name}.word-html"
        shutil.rmtree(work, ignore_errors=True)
        try:
            shutil.copytree(site, work)
            before = manifest.tree_digest(work)
            remove_word(work)
            pages = pdf.page_names(work, root)
            written = write_word(work, pages, meta, info, scratch)
            after = manifest.tree_digest(work)
            publish.publish(work, site)
            pdfsite.keep_state(site, before, after)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(scratch, ignore_errors=True)
    return [site / path.relative_to(work) for path in written]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/word.py", description="Write the report's pages as Word files.")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built site (default: _build/html)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # a test book's root
    args = parser.parse_args(argv)
    try:
        paths = make_word(args.site, root=args.root)
    except BuildError as error:
        print(f"word failed {error}", file=sys.stderr)
        return 1
    print(f"{len(paths)} Word files written into {args.site.resolve() / FOLDER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
