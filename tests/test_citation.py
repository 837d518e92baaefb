"""Citing: stable anchors across data editions, cite blocks on every chapter, one source of truth.

Most tests read the session's built report (``built_site``); the anchor test builds the report a
second time from an edited copy of data/. ``REPORT_TEST_ROOT`` points the second build at another
book root (used to try the tests on a small book while the chapters are being written).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from docutils.nodes import make_id

from pipeline import citation
from pipeline.config import load_site
from sitepages import article, cited_pages, pages_in_order, soup

REPO = Path(__file__).resolve().parents[1]
ROOT = Path(os.environ.get("REPORT_TEST_ROOT", REPO))


@pytest.fixture(scope="module")
def meta() -> citation.Meta:
    return citation.meta(load_site(ROOT).report)


# ---------------------------------------------------------------------------------------------
# One source of truth
# ---------------------------------------------------------------------------------------------


def test_citation_cff_matches_the_config():
    expected = citation.cff_data(citation.meta(load_site(REPO).report))
    actual = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert actual == expected, "CITATION.cff is stale: run `python scripts/write_citation_cff.py`"


def test_cff_follows_a_changed_edition():
    report = dict(load_site(REPO).report, edition="Second edition", edition_date="2027-05-01")
    data = citation.cff_data(citation.meta(report))
    assert data["version"] == "Second edition"
    assert data["date-released"] == "2027-05-01"
    assert data["preferred-citation"]["edition"] == "Second edition"


def test_citations_carry_edition_date_url_and_scenario():
    report = dict(load_site(REPO).report, scenario={"title": "Controls lifted in 2026"})
    m = citation.meta(report)
    url = citation.page_url(m, "leverage.html", "leverage-mining")
    text = citation.cite_text(m, url, chapter="China's strategic leverage", section="Who mines")
    bib = citation.cite_bibtex(m, url, "leverage-mining", chapter="China's strategic leverage", section="Who mines")
    for needed in (m.organisation, m.title, m.edition, m.long_date, "Scenario: Controls lifted in 2026", url):
        assert needed in text
    assert url in bib and m.edition in bib and "Scenario: Controls lifted in 2026" in bib
    assert bib.count("{") == bib.count("}")
    plain = citation.cite_text(citation.meta(dict(report, scenario=None)), url)
    assert "Scenario" not in plain


def test_bibtex_escapes_special_characters():
    m = citation.meta(dict(load_site(REPO).report, title="R&D {50%} costs_#1"))
    bib = citation.cite_bibtex(m, "https://x.org/a.html#b")
    assert r"R\&D" in bib and r"50\%" in bib and r"costs\_\#1" in bib
    assert bib.count("{") - bib.count(r"\{") == bib.count("}") - bib.count(r"\}")


def test_missing_report_fields_are_refused():
    with pytest.raises(ValueError, match="edition_date"):
        citation.meta({"title": "t", "organisation": "o", "edition": "e", "base_url": "u"})


def test_toc_lists_how_to_cite_before_data_sources():
    pages = list(load_site(REPO).pages)
    assert "how_to_cite" in pages
    assert pages.index("how_to_cite") < pages.index("data_sources")


# ---------------------------------------------------------------------------------------------
# The built site
# ---------------------------------------------------------------------------------------------


def section_ids(page_soup) -> list[str]:
    """Ids of the chapter's own h2 sections (not the cite block)."""
    top = article(page_soup).find("section")
    return [s["id"] for s in top.find_all("section", recursive=False) if "report-cite" not in s.get("class", [])]


def test_every_chapter_page_has_a_cite_block_with_live_anchors(built_site, meta):
    pages = cited_pages(built_site)
    assert pages, "no chapter pages found in the built site"
    for page in pages:
        tree = soup(built_site / f"{page}.html")
        ids = {node["id"] for node in tree.select("[id]")}
        block = tree.select_one("section.report-cite#cite-this")
        assert block is not None, f"{page}.html has no cite-this block"
        assert block.find("h2").get_text(strip=True).startswith("Cite this chapter")
        entries = block.select(".cite-entry[data-cite-url]")
        assert entries, f"{page}.html: cite block is empty"
        for entry in entries:
            url = urlsplit(entry["data-cite-url"])
            assert entry["data-cite-url"].startswith(meta.base_url + f"{page}.html#"), entry["data-cite-url"]
            assert url.fragment in ids, f"{page}.html: cite URL anchor #{url.fragment} is not in the page"
            text = entry.select_one(".cite-text").get_text(" ", strip=True)
            for needed in (meta.organisation, meta.title, meta.edition, meta.long_date, entry["data-cite-url"]):
                assert needed in text, f"{page}.html: citation lacks {needed!r}"
            bibtex = entry.select_one("details.cite-bibtex pre").get_text()
            assert re.match(r"@\w+\{[\w.:\-]+,", bibtex) and meta.edition in bibtex
            assert entry["data-cite-url"] in bibtex
            for button in entry.select("button.cite-copy"):
                assert button.get("type") == "button" and button["data-copy-target"] in ids
        # each section: cited in the block, and a "Cite this section" link under its heading
        cited = {urlsplit(e["data-cite-url"]).fragment for e in entries}
        for sid in section_ids(tree):
            assert sid in cited, f"{page}.html: section #{sid} has no citation"
            link = tree.find("section", id=sid).select_one(".cite-section-link a[href]")
            assert link is not None and link["href"].lstrip("#") in ids, f"{page}.html: #{sid} lacks its cite link"


def test_section_anchors_are_their_labels(built_site):
    """A section's id is its label (``<chapter>-<topic>``), not the slug of its heading."""
    for page in cited_pages(built_site):
        tree = soup(built_site / f"{page}.html")
        top = article(tree).find("section")
        assert top["id"] != make_id(top.find("h1").get_text(" ", strip=True).rstrip("#¶ "))
        for sid in section_ids(tree):
            heading = tree.find("section", id=sid).find("h2").get_text(" ", strip=True).rstrip("#¶ ")
            assert sid != make_id(heading), f"{page}.html: section #{sid} is the slug of its heading, not a label"
        for link in tree.select("nav.bd-toc-nav a[href^='#']"):
            target = link["href"][1:]
            assert tree.find(id=target) is not None


def test_edition_on_every_page(built_site, meta):
    for page in pages_in_order(built_site):
        footer = soup(built_site / f"{page}.html").select_one(".report-edition")
        assert footer is not None, f"{page}.html has no edition footer"
        text = footer.get_text(" ", strip=True)
        assert meta.edition in text and meta.long_date in text


def test_how_to_cite_page(built_site, meta):
    tree = soup(built_site / "how_to_cite.html")
    assert tree.find(id="how-to-cite") is not None
    entry = tree.select_one("#cite-report")
    assert entry is not None and entry["data-cite-url"] == meta.base_url
    assert meta.title in entry.select_one(".cite-text").get_text(" ", strip=True)
    assert "@techreport" in entry.select_one("pre").get_text()


def test_bibliography_renders_in_chapters(built_site):
    """{footcite:p} citations resolve to the chapter's footbibliography (no dangling references)."""
    found = 0
    for page in cited_pages(built_site):
        tree = soup(built_site / f"{page}.html")
        ids = {node["id"] for node in tree.select("[id]")}
        for ref in tree.select("a.footnote-reference[href^='#']"):
            assert ref["href"][1:] in ids, f"{page}.html: citation {ref['href']} has no entry"
            found += 1
        for note in tree.select("aside.footnote"):
            assert note.get_text(strip=True), f"{page}.html: empty bibliography entry"
    assert found, "no chapter cites a source with {footcite:p}"


def _edit_a_number(data_dir: Path) -> None:
    """Take one tonne off China's mine production in every year and edition (stays valid: parts ≤
    world total), so the edit reaches the chapter whichever year and edition it shows."""
    path = data_dir / "mine_production_by_country.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    for row in rows:
        if row["country"] == "China":
            row["production"] = str(float(row["production"]) - 1).removesuffix(".0")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _anchors(site: Path) -> dict[str, set[str]]:
    return {page: {node["id"] for node in article(soup(site / f"{page}.html")).select("[id]")}
            for page in pages_in_order(site)}


def test_anchors_identical_across_builds_with_different_data(built_site, tmp_path):
    from pipeline.run import BuildOptions, build_report

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    _edit_a_number(data)
    other = tmp_path / "html"
    build_report(BuildOptions(root=ROOT, data_dir=data, output=other))
    pages = pages_in_order(built_site)
    assert pages_in_order(other) == pages
    assert any((built_site / f"{p}.html").read_bytes() != (other / f"{p}.html").read_bytes() for p in pages), \
        "the edited number changed nothing: the test would prove nothing"
    first, second = _anchors(built_site), _anchors(other)
    for page in pages:
        assert first[page] == second[page], f"{page}.html anchors differ: {sorted(first[page] ^ second[page])}"
