"""The PDF: whole report in order, every figure, page numbers, internal links, linked from the site.

Prints a copy of the session's built report (the fixture's site is left as it is) with Debian's
Chromium; needs /usr/bin/chromium and poppler-utils (``make browser``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import pdf
from pipeline.pages import citation
from sitepages import article, cited_pages, pages_in_order, soup

pytestmark = pytest.mark.skipif(not Path(pdf.CHROMIUM).exists() or not shutil.which("pdftotext"),
                                reason="needs Debian's chromium and poppler-utils (make browser)")


@pytest.fixture(scope="module")
def printed(built_site, tmp_path_factory):
    """(site copy republished with the PDF, the PDF's path, its text pages)."""
    import os

    root = Path(os.environ.get("REPORT_TEST_ROOT", Path(__file__).resolve().parents[1]))
    base = tmp_path_factory.mktemp("pdf")
    site = base / "html"
    shutil.copytree(built_site, site)
    out = pdf.make_pdf(site, base / "pdf" / "report.pdf", publish_site=True, root=root)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True).stdout
    return site, out, text.split("\f")


def _title(page_html: Path) -> str:
    heading = article(soup(page_html)).find("h1")
    return heading.get_text(" ", strip=True).rstrip("#¶ ").strip()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_pdf_has_every_page_title_in_order_each_on_a_new_page(built_site, printed):
    _, _, pages = printed
    titles = [_title(built_site / f"{p}.html") for p in pages_in_order(built_site)[1:]]
    body = [p for p in pages if not _squash(p).startswith("Contents")]
    firsts = [_squash(p).split(" Rare Earth")[0] for p in body]
    position = 0
    for title in titles:
        starts = [i for i, page in enumerate(body) if _squash(page).startswith(title)]
        assert starts, f"no PDF page starts with the title {title!r}; page starts: {firsts[:20]}"
        later = [i for i in starts if i >= position]
        assert later, f"{title!r} is out of order in the PDF"
        position = later[0]


def test_pdf_has_every_figure_number(built_site, printed):
    _, _, pages = printed
    text = _squash(" ".join(pages))
    numbers = [n.get_text(strip=True) for p in pages_in_order(built_site)
               for n in soup(built_site / f"{p}.html").select("figure .caption-number")]
    assert numbers, "the report has no numbered figures"
    for number in numbers:
        assert re.search(rf"{re.escape(number)}\b", text), f"{number} is not in the PDF"


def test_pdf_has_page_numbers_and_the_edition(built_site, printed):
    _, out, pages = printed
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert count > 1
    for number in (1, count):
        assert f"Page {number} of {count}" in _squash(pages[number - 1])
    edition = soup(built_site / "index.html").select_one(".report-edition-name").get_text(" ", strip=True)
    assert edition.split(" — ")[-1] in _squash(pages[0])


def test_pdf_internal_links_lead_to_chapters(built_site, printed):
    _, out, _ = printed
    dests = subprocess.run(["pdfinfo", "-dests", str(out)], check=True, capture_output=True, text=True).stdout
    for page in pages_in_order(built_site)[1:]:
        assert f'"page--{page}"' in dests, f"the contents link to {page} is not a working PDF link"
    # a {numref} to a figure is a link too: its target is a destination
    for page in cited_pages(built_site):
        for ref in soup(built_site / f"{page}.html").select("article a.reference.internal[href*='#fig-']"):
            target, fragment = ref["href"].split("#")
            name = target.removesuffix(".html") or page
            assert f'"{name}--{fragment}"' in dests, f"{page}: link to {ref['href']} is dead in the PDF"


def test_site_links_the_pdf_only_once_it_is_there(built_site, printed):
    site, out, _ = printed
    assert (site / citation.PDF_NAME).read_bytes() == out.read_bytes()
    assert not (site / pdf.PRINT_PAGE).exists()
    for page in pages_in_order(site):
        link = soup(site / f"{page}.html").select_one("a.report-pdf-link[href]")
        assert link is not None, f"{page}.html has no PDF link"
        assert (site / link["href"]).resolve() == (site / citation.PDF_NAME).resolve()
        tag = soup(site / f"{page}.html").select_one("head meta[name=citation_pdf_url]")
        # a preview (no address yet) names the PDF relative to the page; a published site, absolutely
        assert tag is not None and (tag["content"] == citation.PDF_NAME or tag["content"].endswith("/" + citation.PDF_NAME)), \
            f"{page}.html: no citation_pdf_url"
    # the site as built by `make report` alone links no PDF (so never a dead link)
    assert not soup(built_site / "index.html").select("a.report-pdf-link, meta[name=citation_pdf_url]")
    assert not (built_site / citation.PDF_NAME).exists()


def test_a_scenario_sites_pdf_footer_names_the_scenario(tmp_path):
    """The PDF of a scenario build reads the scenario from the site's own record (the repository's
    config has none), so every printed page says which scenario it is."""
    import json

    from pipeline.config import ROOT
    from pipeline.editions.manifest import RECORD_URL
    from pipeline.editions.scenarios import load_scenario

    scenario = load_scenario(ROOT, "magnet-halt")
    record = tmp_path / "html" / RECORD_URL
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"scenario": scenario}), encoding="utf-8")
    footer = pdf.footer_template(citation.meta(pdf.site_report(tmp_path / "html")))
    assert f"Scenario: {scenario['title']}" in footer
    record.write_text(json.dumps({"scenario": None}), encoding="utf-8")
    assert "Scenario" not in pdf.footer_template(citation.meta(pdf.site_report(tmp_path / "html")))


def _offers_pdf(site: Path) -> dict[str, bool]:
    """Per page: does it link a PDF or name one in its <head>?"""
    return {page: bool(soup(site / f"{page}.html").select("a.report-pdf-link, meta[name=citation_pdf_url]"))
            for page in pages_in_order(site)}


def test_make_pdf_then_make_report_keeps_a_current_pdf_and_never_a_stale_one(tmp_path):
    """`make pdf` then `make report`: nothing changed, the PDF stays (no rebuild); a forced rebuild of
    the same pages keeps it too; an edited CSV gives a site with no PDF and no link to one. (On the
    small test report of tests/edition_root.py: the same build and PDF code as the real report's, in
    seconds; the real report's PDF is the module's ``printed``.)"""
    from edition_root import build, edit_china_production, make_root

    root = make_root(tmp_path / "report")
    index, _ = build(root)
    site = index.parent
    out = pdf.make_pdf(site, tmp_path / "pdf" / "report.pdf", publish_site=True, root=root)
    printed = out.read_bytes()
    meta = citation.meta(pdf.site_report(site, root))

    def offered() -> None:
        assert (site / citation.PDF_NAME).read_bytes() == printed
        assert all(_offers_pdf(site).values()), _offers_pdf(site)
        for page in pages_in_order(site):
            tag = soup(site / f"{page}.html").select_one("meta[name=citation_pdf_url]")
            assert tag["content"] == citation.page_url(meta, citation.PDF_NAME)
    offered()

    _, said = build(root)
    assert any(line.startswith("up to date") for line in said), said
    offered()

    _, said = build(root, force=True)
    assert any("kept the report PDF" in line for line in said), said
    offered()

    edit_china_production(root / "data", 250000)
    _, said = build(root)
    assert any("no longer matches" in line for line in said), said
    assert not (site / citation.PDF_NAME).exists()
    assert not any(_offers_pdf(site).values()), _offers_pdf(site)
    assert citation.PDF_SLOT in (site / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The document: A4, title page, bookmarks, metadata, tags, wide tables (read back with pypdf)
# ---------------------------------------------------------------------------------------------


def _outline(out: Path) -> list[tuple[int, str, int]]:
    """The PDF's bookmarks in order: (depth, title, 0-based page)."""
    import pypdf

    reader = pypdf.PdfReader(str(out))
    entries = []

    def walk(nodes, depth):
        for node in nodes:
            if isinstance(node, list):
                walk(node, depth + 1)
            else:
                entries.append((depth, node.title, reader.get_destination_page_number(node)))
    walk(reader.outline, 1)
    return entries


def _page_headings(page_html: Path) -> list[tuple[int, str]]:
    body = article(soup(page_html))
    for node in body.select("a.headerlink"):
        node.decompose()
    return [(int(h.name[1]), _squash(h.get_text())) for h in body.select("h1, h2, h3, h4, h5, h6")]


def test_pdf_bookmarks_are_the_headings_each_once(built_site, printed):
    """Every heading of every page, in order and at its level, is one bookmark with the heading's
    own text (no space lost at a line wrap, no text doubled); the contents list follows the home page."""
    _, out, _ = printed
    expected = []
    for number, page in enumerate(pages_in_order(built_site)):
        expected += _page_headings(built_site / f"{page}.html")
        if number == 0:
            expected.append((1, "Contents"))
    got = [(depth, title) for depth, title, _ in _outline(out)]
    assert got == expected, [(g, e) for g, e in zip(got, expected) if g != e][:5] or (len(got), len(expected))


def test_pdf_is_a4_tagged_and_its_metadata_names_the_author(printed):
    import pypdf

    site, out, _ = printed
    meta = citation.meta(pdf.site_report(site))
    reader = pypdf.PdfReader(str(out))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5, f"page size {width} x {height} pt is not A4"
    info = reader.metadata
    assert info.author == citation.author_text(meta).replace(", ", "; ")
    assert info.title == meta.cited_title
    assert info.subject and info.subject.strip()
    report = pdf.site_report(site)
    assert info["/Keywords"] == "; ".join(report["keywords"])
    xmp = reader.xmp_metadata
    assert xmp.dc_creator == list(meta.authors)
    assert xmp.dc_language == [meta.language]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == meta.language
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root, "the PDF is not tagged"


def test_pdf_title_page_names_title_edition_date_authors_licence_and_address(printed):
    site, _, pages = printed
    meta = citation.meta(pdf.site_report(site))
    first = re.sub(r"\s+", "", pages[0])
    for cls, line in pdf.title_lines(meta):
        assert re.sub(r"\s+", "", line) in first, f"the title page lacks its {cls} line {line!r}"
    assert meta.as_of_text in " ".join(line for _, line in pdf.title_lines(meta))
    assert citation.author_text(meta) in " ".join(line for _, line in pdf.title_lines(meta))


def test_pdf_tables_keep_every_column(built_site, printed):
    """Each table's last column is printed: its header and its cells' words are on the table's
    chapter pages (a table cut at the page's edge loses them)."""
    _, out, pages = printed
    starts = [(title, page) for depth, title, page in _outline(out) if depth == 1]
    order = [p for p in pages_in_order(built_site)]
    titles = {p: _page_headings(built_site / f"{p}.html")[0][1] for p in order}
    checked = 0
    for page in order:
        index = next(i for i, (title, _) in enumerate(starts) if title == titles[page])
        first = starts[index][1]
        last = starts[index + 1][1] if index + 1 < len(starts) else len(pages)
        text = re.sub(r"\s+", "", " ".join(pages[first:last + 1]))
        tree = article(soup(built_site / f"{page}.html"))
        for note in tree.select(".key-figure-note"):  # a key figure's hidden note: never printed
            note.decompose()
        for table in tree.select("table"):
            head = table.select("thead th")
            if not head:
                continue
            words = head[-1].get_text(" ", strip=True).split()
            for row in table.select("tbody tr"):
                cells = row.find_all("td")
                if cells:
                    words += re.findall(r"[A-Za-z0-9]{3,}", cells[-1].get_text(" ", strip=True))[:3]
            missing = [w for w in words if w not in text]
            assert not missing, f"{page}: the last column of a table is not in the PDF: {missing[:5]}"
            checked += 1
    assert checked >= 5, "fewer than five tables with a header were checked"
