"""The Word files (``make word``): each page of the report as a .docx, opened with python-docx and
converted by LibreOffice.

Works on a copy of the session's built report. Needs Debian's pandoc and LibreOffice (``soffice``),
which ``make browser`` installs: a missing tool fails these tests, it never skips them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

import word
from pipeline.pages import citation
from sitepages import article, pages_in_order, soup


@pytest.fixture(scope="module")
def worded(built_site, tmp_path_factory):
    """(site copy with the Word files, {page: docx path})."""
    import os

    root = Path(os.environ.get("REPORT_TEST_ROOT", Path(__file__).resolve().parents[1]))
    site = tmp_path_factory.mktemp("word") / "html"
    shutil.copytree(built_site, site)
    state = built_site.parent / f".{built_site.name}.state.json"
    if state.exists():
        shutil.copyfile(state, site.parent / f".{site.name}.state.json")
    paths = word.make_word(site, root=root)
    return site, {p.stem: p for p in paths}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _headings(document) -> list[tuple[int, str]]:
    out = []
    for paragraph in document.paragraphs:
        match = re.fullmatch(r"Heading (\d)", paragraph.style.name)
        if match and paragraph.text.strip():
            out.append((int(match.group(1)), _squash(paragraph.text)))
    return out


def _html_headings(page_html: Path) -> list[tuple[int, str]]:
    body = article(soup(page_html))
    for node in body.select("a.headerlink, .cite-section-link, [hidden]"):
        node.decompose()
    return [(int(h.name[1]), _squash(h.get_text(" ", strip=True))) for h in body.select("h1, h2, h3, h4")]


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return _squash(" ".join(parts))


def test_every_page_has_a_word_file_linked_from_it(built_site, worded):
    site, paths = worded
    pages = pages_in_order(site)
    assert sorted(paths) == sorted(pages)
    for page in pages:
        link = soup(site / f"{page}.html").select_one("a.report-word-link[href]")
        assert link is not None, f"{page}.html has no Word link"
        assert (site / link["href"]).resolve() == paths[page].resolve()
    # the site as `make report` built it links no Word file (so never a dead link)
    assert not soup(built_site / "index.html").select("a.report-word-link")
    assert citation.WORD_SLOT in (built_site / "index.html").read_text(encoding="utf-8")


def test_word_headings_are_the_pages_headings(built_site, worded):
    _, paths = worded
    for page, path in paths.items():
        got = _headings(docx.Document(str(path)))
        want = _html_headings(built_site / f"{page}.html")
        assert got == want, f"{page}: Word headings {got[:6]} … differ from the page's {want[:6]} …"


def test_word_tables_are_word_tables_with_every_column(built_site, worded):
    _, paths = worded
    checked = 0
    for page, path in paths.items():
        tables = [t for t in article(soup(built_site / f"{page}.html")).select("table")
                  if not t.find_parent(class_=["figure-explore", "report-cite"])]
        document = docx.Document(str(path))
        assert len(document.tables) == len(tables), f"{page}: {len(document.tables)} Word tables, page has {len(tables)}"
        for html_table, word_table in zip(tables, document.tables):
            head = [_squash(th.get_text(" ", strip=True)) for th in html_table.select("thead th")]
            if not head:
                continue
            first = [_squash(cell.text) for cell in word_table.rows[0].cells]
            assert first == head, f"{page}: Word table header {first} is not the page's {head}"
            checked += 1
    assert checked, "no table with a header was compared"


def test_word_figures_are_images_with_their_source_lines(built_site, worded):
    _, paths = worded
    with_figures = 0
    for page, path in paths.items():
        figures = article(soup(built_site / f"{page}.html")).select(".report-figure")
        document = docx.Document(str(path))
        assert len(document.inline_shapes) == len(figures), \
            f"{page}: {len(document.inline_shapes)} images in the Word file, {len(figures)} figures on the page"
        text = _text(document)
        for figure in figures:
            source = _squash(figure.select_one(".figure-source").get_text(" ", strip=True))
            assert source in text, f"{page}: the source line {source!r} is not in the Word file"
        with_figures += bool(figures)
    assert with_figures >= 3, "fewer than three pages have figures"


def test_word_files_carry_the_citation_and_the_edition(built_site, worded):
    site, paths = worded
    meta = citation.meta(word.pdf.site_report(site))
    for page, path in paths.items():
        document = docx.Document(str(path))
        text = _text(document)
        assert meta.edition_line in text, f"{page}: no edition line"
        cite = article(soup(built_site / f"{page}.html")).select_one(".report-cite .cite-text")
        if cite is not None:
            assert _squash(cite.get_text(" ", strip=True)) in text, f"{page}: the page's citation is not in the Word file"
        props = document.core_properties
        assert props.author == citation.author_text(meta).replace(", ", "; ")
        assert meta.cited_title in props.title
        assert props.language == meta.language
    assert any(article(soup(built_site / f"{p}.html")).select_one(".report-cite .cite-text") for p in paths), \
        "no page has a citation block"


def test_word_files_open_in_libreoffice(worded, tmp_path):
    """LibreOffice (Debian's, headless) converts the home page's and a chapter's Word file to PDF."""
    soffice = shutil.which("soffice")
    assert soffice, "soffice (LibreOffice) is not installed: `make browser` installs libreoffice-writer-nogui"
    _, paths = worded
    chosen = [paths["index"], next(p for name, p in paths.items() if name not in ("index", "summary"))]
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *map(str, chosen)], check=True, capture_output=True, timeout=600)
    for path in chosen:
        out = tmp_path / f"{path.stem}.pdf"
        assert out.exists(), f"LibreOffice did not convert {path.name}"
        text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
        heading = _headings(docx.Document(str(path)))[0][1]
        assert heading.split()[0] in text, f"{path.name}: the converted PDF lacks its title"
