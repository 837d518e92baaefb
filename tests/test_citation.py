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

import pytest
import yaml
from docutils.nodes import make_id

from masthead.report import tags
from pipeline.pages import citation
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


def test_citation_cff_and_zenodo_json_match_the_config():
    import json

    m = citation.meta(load_site(REPO).configured_report)
    actual = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert actual == citation.cff_data(m), "CITATION.cff is stale: run `python scripts/write_citation_cff.py`"
    zenodo = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo == citation.zenodo_data(m), ".zenodo.json is stale: run `python scripts/write_citation_cff.py`"
    # the same configuration: authors, title, edition, date, licence
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in actual["authors"]] == list(m.authors)
    assert zenodo["title"] == actual["title"] and zenodo["version"] == actual["version"]
    assert zenodo["publication_date"] == actual["date-released"] and zenodo["license"] == actual["license"].lower()
    assert zenodo["upload_type"] == "publication" and zenodo["publication_type"] == "report"


def test_no_committed_citation_file_names_the_placeholder_host():
    for name in ("CITATION.cff", ".zenodo.json"):
        text = (REPO / name).read_text(encoding="utf-8")
        assert not any(host in text for host in citation.PLACEHOLDER_HOSTS[:3]), f"{name} names a placeholder host"


def test_the_environment_overrides_the_address_and_a_placeholder_is_a_preview(monkeypatch):
    report = dict(load_site(REPO).configured_report)
    monkeypatch.delenv(citation.BASE_URL_ENV, raising=False)
    assert citation.is_placeholder(report["base_url"]), "the repository's address is expected to be the placeholder"
    preview = citation.meta(load_site(REPO).report)
    assert preview.preview and preview.base_url == "" and citation.page_url(preview, "leverage.html") == "leverage.html"
    monkeypatch.setenv(citation.BASE_URL_ENV, "https://owner.github.io/rare-earth-leverage")
    m = citation.meta(load_site(REPO).report)
    assert not m.preview and m.base_url == "https://owner.github.io/rare-earth-leverage/"
    assert citation.meta(load_site(REPO).configured_report).preview  # CITATION.cff: the committed config only


def test_a_doi_in_the_configuration_is_in_every_citation_format():
    import json

    import rispy

    doi = "10.5281/zenodo.1234567"
    for base in ("", "https://owner.github.io/rare-earth-leverage/"):
        m = citation.meta(dict(load_site(REPO).report, base_url=base, doi=f"https://doi.org/{doi}"))
        assert m.doi == doi
        url = citation.page_url(m, "leverage.html", "leverage")
        assert f"https://doi.org/{doi}" in citation.cite_text(m, url, chapter="C")
        assert f"doi = {{{doi}}}" in citation.cite_bibtex(m, url, "leverage", chapter="C")
        (ris,) = rispy.loads(citation.cite_ris(m, url, "leverage", chapter="C"))
        assert ris["doi"] == doi
        (csl,) = json.loads(citation.csl_json(m, url, "leverage", chapter="C"))
        assert csl["DOI"] == doi
        tags = citation.head_tags(m, "leverage.html", "C")
        assert ("citation_doi", doi) in tags and ("DC.identifier", f"doi:{doi}") in tags
        assert citation.json_ld(m, "leverage.html", "C")["isPartOf"]["identifier"]["value"] == doi
        assert citation.cff_data(m)["doi"] == doi and citation.cff_data(m)["preferred-citation"]["doi"] == doi
        assert citation.zenodo_data(m)["doi"] == doi


def test_a_preview_citation_names_no_address_and_says_it_is_not_published():
    import json

    import rispy

    m = citation.meta(dict(load_site(REPO).report, base_url="https://rare-earth-leverage.example.org/"))
    assert m.preview and citation.base_url_warning(m)
    url = citation.page_url(m, "leverage.html", "leverage-mining")
    texts = [citation.cite_text(m, url, chapter="C"), citation.cite_bibtex(m, url, "x", chapter="C"),
             citation.cite_ris(m, url, "x", chapter="C"), citation.csl_json(m, url, "x", chapter="C"),
             citation.head_html(m, "leverage.html", "C"), citation.preview_html(m, "leverage.html", "C", "d"),
             citation.cff_text(m), citation.zenodo_text(m), citation.footer_html(m)]
    for text in texts:
        assert "example.org" not in text and "http" not in text.replace("http://purl.org/dc/elements/1.1/", "") \
            .replace("https://schema.org", "").replace("https://creativecommons.org/licenses/by/4.0/", ""), text
    assert all(citation.preview_note() in t for t in texts[:4])
    # the How-to-cite page's {only} blocks: its preview paragraph, or its scenario paragraph
    scenario = citation.meta(dict(load_site(REPO).report, base_url="https://a.in/", scenario="Half supply"))
    assert tags(m) == ["report_preview"] and tags(scenario) == ["report_scenario"]
    (ris,) = rispy.loads(texts[2])
    assert "urls" not in ris and "URL" not in json.loads(texts[3])[0]


def test_cff_follows_a_changed_edition():
    report = dict(load_site(REPO).report, edition="Second edition", edition_date="2027-05-01")
    data = citation.cff_data(citation.meta(report))
    assert data["version"] == "Second edition"
    assert data["date-released"] == "2027-05-01"
    assert data["preferred-citation"]["edition"] == "Second edition"


def test_citations_carry_edition_date_url_and_scenario():
    report = dict(load_site(REPO).report, scenario={"title": "Controls lifted in 2026"},
                  base_url="https://reports.example-institute.in/rare-earths/")
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


def test_every_chapter_page_has_one_cite_block_and_a_section_list(built_site, meta):
    pages = cited_pages(built_site)
    assert pages, "no chapter pages found in the built site"
    for page in pages:
        tree = soup(built_site / f"{page}.html")
        ids = {node["id"] for node in tree.select("[id]")}
        block = tree.select_one("section.report-cite#cite-this")
        assert block is not None, f"{page}.html has no cite-this block"
        assert block.find("h2").get_text(strip=True).startswith("Cite this chapter")
        entries = block.select(".cite-entry[data-cite-url]")
        assert len(entries) == 1, f"{page}.html: {len(entries)} full citation blocks, expected one (the chapter's)"
        entry = entries[0]
        top = article(tree).find("section")
        assert entry["data-cite-url"] == meta.base_url + f"{page}.html#{top['id']}"
        text = entry.select_one(".cite-text").get_text(" ", strip=True)
        address = citation.preview_note() if meta.preview else entry["data-cite-url"]
        for needed in (meta.organisation, meta.title, meta.edition, meta.long_date, address):
            assert needed in text, f"{page}.html: citation lacks {needed!r}"
        bibtex = entry.select_one("details.cite-bibtex pre").get_text()
        assert re.match(r"@incollection\{[\w.:\-]+,", bibtex) and address in bibtex
        if meta.preview:  # a preview says so, and gives no address that would be a dead link
            assert block.select_one(".cite-preview[role=note]") is not None and "url = " not in bibtex
        for button in entry.select("button.cite-copy"):
            assert button.get("type") == "button" and button["data-copy-target"] in ids
        downloads = {Path(a["href"]).suffix: a["href"] for a in entry.select(".cite-downloads a[href][download]")}
        assert set(downloads) == {".ris", ".json"}, f"{page}.html: RIS and CSL-JSON downloads expected, got {downloads}"
        for href in downloads.values():
            assert (built_site / href).is_file(), f"{page}.html: {href} is not in the site"
        # each section: one compact line in the list (link back, URL, copy button), and a
        # "Cite this section" link under its heading that leads to it
        items = {item["id"]: item for item in block.select("ul.cite-section-list li.cite-section[data-cite-url]")}
        for sid in section_ids(tree):
            item = items.get(f"cite-{sid}")
            assert item is not None, f"{page}.html: section #{sid} is not in the section list"
            assert item["data-cite-url"] == meta.base_url + f"{page}.html#{sid}"
            assert item.select_one("a[href]")["href"] == f"#{sid}"
            copied = item.select_one("button.cite-copy[data-copy-text]")["data-copy-text"]
            assert copied.endswith(citation.preview_note() if meta.preview else item["data-cite-url"])
            assert meta.title in copied and meta.edition in copied
            assert not item.select("pre, details"), f"{page}.html: #{sid} has a full block, not a line"
            link = tree.find("section", id=sid).select_one(".cite-section-link a[href]")
            assert link is not None and link["href"] == f"#cite-{sid}", f"{page}.html: #{sid} lacks its cite link"


def test_cite_script_is_loaded_once_and_deferred(built_site):
    """Twice, it bound every copy button twice (two clipboard writes per click)."""
    for page in pages_in_order(built_site):
        scripts = [s for s in soup(built_site / f"{page}.html").select("script[src]") if "report-cite.js" in s["src"]]
        assert len(scripts) == 1, f"{page}.html loads report-cite.js {len(scripts)} times"
        assert scripts[0].has_attr("defer")


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
    # the page's words are book/how_to_cite.md's, with the edition's values substituted
    text = " ".join(tree.select_one("main").get_text(" ", strip=True).split()).replace("’", "'")
    assert f"this is the {meta.edition} of {meta.title} , dated {meta.long_date}" in text
    assert f"information current to {meta.as_of_text}, published by {meta.organisation} under the {meta.licence}" in text
    assert ("This is a preview: the report is not yet published." in text) == meta.preview
    assert "scenario build" not in text and not re.search(r"\{\{ \w+ \}\}", text)  # (BibTeX's {{ stays)


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
    cache = tmp_path / "cache"  # a copy of the session build's chapter cache: only the edited data's readers run
    shutil.copytree(built_site.parent / "cache", cache)
    build_report(BuildOptions(root=ROOT, data_dir=data, output=other, cache_dir=cache))
    pages = pages_in_order(built_site)
    assert pages_in_order(other) == pages
    assert any((built_site / f"{p}.html").read_bytes() != (other / f"{p}.html").read_bytes() for p in pages), \
        "the edited number changed nothing: the test would prove nothing"
    first, second = _anchors(built_site), _anchors(other)
    for page in pages:
        assert first[page] == second[page], f"{page}.html anchors differ: {sorted(first[page] ^ second[page])}"


# ---------------------------------------------------------------------------------------------
# What reference managers read: <head> metadata, RIS, CSL-JSON, BibTeX
# ---------------------------------------------------------------------------------------------

# Zotero's Embedded Metadata translator: the Highwire tag that decides the item type, and the
# fields it fills from citation_* tags (Dublin Core is its fallback for the same fields).
ZOTERO_TYPE_TAGS = {"citation_inbook_title": "bookSection", "citation_technical_report_institution": "report"}


def head_meta(page_soup) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for node in page_soup.head.select("meta[name][content]"):
        tags.setdefault(node["name"], []).append(node["content"])
    return tags


def clean_author(author: str, use_comma: bool) -> dict:
    """What Zotero's ``cleanAuthor`` makes of a name (zotero/utilities, read, restated here): trim
    punctuation at both ends; inverted "Last, First" when ``use_comma``, else split at the last space."""
    author = re.sub(r"[\s\u00a0.,/\[\]:]+$", "", re.sub(r"^[\s\u00a0.,/\[\]:]+", "", author))
    if use_comma:
        parts = re.split(r", ?", author)
        return {"lastName": parts[0], "firstName": parts[1]} if len(parts) > 1 else {"lastName": author}
    first, _, last = author.rpartition(" ")
    return {"lastName": last, "firstName": first} if first else {"lastName": last}


def highwire_creators(values: list[str], language: str = "") -> list[dict]:
    """The creators Zotero's Embedded Metadata translator makes of citation_author tags (its
    ``processHighwireCreators``, read and restated): split at semicolons; one tag with "A B, C D" is
    split at commas; each name goes through ``cleanAuthor``, inverted when it holds a comma."""
    creators = []
    for value in values:
        names = re.split(r"\s*;\s*", value)
        if len(names) == 1 and len(values) == 1:
            by_comma = re.split(r"\s*,\s*", names[0])
            spanish = len(by_comma) == 2 and language in ("es", "spa", "Spanish", "español") and len(by_comma[0].split(" ")) == 2
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1] and not spanish:
                names = by_comma
        for name in (n.strip() for n in names):
            if name and re.search(r"[^\s,\-.;]", name):
                creators.append(clean_author(name, "," in name))
    return creators


def test_zotero_keeps_the_corporate_author_whole():
    """The Highwire/DC form of a corporate author is one last name for Zotero's translator; the plain
    name (the negative control) would be split into a person, "Project, Rare Earth Leverage"."""
    for authors in (["Rare Earth Leverage project"], ["Rare Earth Leverage project", "Institute of Mineral Policy"]):
        m = citation.meta(dict(load_site(REPO).report, authors=authors))
        tags: dict[str, list[str]] = {}
        for name, value in citation.head_tags(m, "leverage.html", "A chapter"):
            tags.setdefault(name, []).append(value)
        assert highwire_creators(tags["citation_author"]) == [{"lastName": a} for a in authors]
    assert highwire_creators(["Rare Earth Leverage project"]) == [{"lastName": "project", "firstName": "Rare Earth Leverage"}]
    assert tags["DC.creator"] == tags["citation_author"]


def embedded_metadata(tags: dict[str, list[str]]) -> dict:
    """The record Zotero's Embedded Metadata translator makes of a page's tags (the fields it reads)."""
    first = lambda *names: next((tags[n][0] for n in names if tags.get(n)), "")  # noqa: E731
    kinds = [kind for tag, kind in ZOTERO_TYPE_TAGS.items() if tags.get(tag)]
    return {
        "itemType": kinds[0] if len(kinds) == 1 else None,
        "title": first("citation_title", "DC.title"),
        "creators": highwire_creators(tags.get("citation_author") or tags.get("DC.creator") or [],
                                      first("citation_language")),
        "date": first("citation_publication_date", "citation_date", "DC.date").replace("/", "-"),
        "publisher": first("citation_publisher", "DC.publisher"),
        "bookTitle": first("citation_inbook_title"),
        "institution": first("citation_technical_report_institution"),
        "url": first("citation_public_url", "DC.identifier"),
        "language": first("citation_language", "DC.language"),
    }


def json_ld(page_soup) -> dict:
    import json

    blocks = page_soup.select('script[type="application/ld+json"]')
    assert len(blocks) == 1, f"{len(blocks)} JSON-LD blocks"
    return json.loads(blocks[0].string)


def test_every_chapter_page_gives_reference_managers_a_complete_record(built_site, meta):
    pages = cited_pages(built_site)
    assert pages
    for page in pages:
        tree = soup(built_site / f"{page}.html")
        title = article(tree).find("h1").get_text(" ", strip=True).rstrip("#¶ ").strip()
        url = "" if meta.preview else meta.base_url + f"{page}.html"  # a preview names no address
        tags = head_meta(tree)
        record = embedded_metadata(tags)
        assert record == {
            "itemType": "bookSection", "title": title, "creators": [{"lastName": a} for a in meta.authors],
            "date": meta.edition_date.isoformat(), "publisher": meta.organisation, "bookTitle": meta.title,
            "institution": "", "url": url, "language": "en",
        }, f"{page}.html: {record}"
        # citation_book_title would send Zotero down its RDF path (book:title), not a book section
        assert "citation_book_title" not in tags
        assert "citation_pdf_url" not in tags, f"{page}.html names a PDF the site does not have"
        # Dublin Core, for the tools that read nothing else
        assert tags["DC.title"] == [title] and tags["DC.creator"] == [citation.highwire_author(a) for a in meta.authors]
        assert tags["DC.date"] == [meta.edition_date.isoformat()] and tags["DC.publisher"] == [meta.organisation]
        assert tags["DC.type"] == ["Text"] and tags.get("DC.identifier", [""]) == [url]
        assert tree.head.select_one('link[rel="schema.DC"]') is not None
        canonical = tree.head.select_one('link[rel="canonical"]')
        assert (canonical is None) if meta.preview else canonical["href"] == url
        # schema.org
        data = json_ld(tree)
        assert data["@context"] == "https://schema.org" and data["@type"] == "Chapter"
        assert data["name"] == title and data.get("url", "") == url
        assert data["datePublished"] == meta.edition_date.isoformat()
        assert [a["name"] for a in data["author"]] == list(meta.authors)
        assert all(a["@type"] == "Organization" for a in data["author"])
        assert data["publisher"]["name"] == meta.organisation
        assert data["license"] == citation.licence_url(meta) != ""
        report = data["isPartOf"]
        assert report["@type"] == "Report" and report["name"] == meta.title and report.get("url", "") == meta.base_url
        assert report["version"] == meta.edition


def test_home_and_how_to_cite_describe_the_whole_report(built_site, meta):
    for page in ("index", "how_to_cite"):
        tree = soup(built_site / f"{page}.html")
        record = embedded_metadata(head_meta(tree))
        assert record["itemType"] == "report", f"{page}.html: {record}"
        assert record["title"] == meta.title and record["institution"] == meta.organisation
        assert record["creators"] == [{"lastName": a} for a in meta.authors]
        assert record["date"] == meta.edition_date.isoformat()
        data = json_ld(tree)
        assert data["@type"] == "Report" and data["name"] == meta.title
        assert data["publisher"]["name"] == meta.organisation


def _cite_files(site: Path, suffix: str) -> list[Path]:
    files = sorted((site / "cite").glob(f"*{suffix}"))
    assert len(files) == len(cited_pages(site)) + 1, f"cite/*{suffix}: one per chapter and one for the report"
    return files


def test_ris_downloads_parse_with_rispy(built_site, meta):
    import rispy

    for path in _cite_files(built_site, ".ris"):
        raw = path.read_bytes()
        assert b"\r\n" in raw and raw.decode("utf-8")
        (entry,) = rispy.loads(raw.decode("utf-8"))
        report = path.stem == citation.bib_key(meta)
        assert entry["type_of_reference"] == ("RPRT" if report else "CHAP")
        assert entry["authors"] == list(meta.authors)
        assert entry["year"] == meta.year and entry["date"] == meta.edition_date.strftime("%Y/%m/%d")
        assert entry["publisher"] == meta.organisation and entry["edition"] == meta.edition
        if meta.preview:
            assert "urls" not in entry and citation.preview_note() in entry["notes"][0]
        else:
            assert entry["urls"][0].startswith(meta.base_url)
        assert entry["id"] == path.stem
        if report:
            assert entry["title"] == meta.title
        else:
            assert entry["secondary_title"] == meta.title and entry["title"] != meta.title


@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")  # CSL 1.0.2 "license"
def test_csl_json_downloads_render_with_citeproc(built_site, meta):
    import json

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    for path in _cite_files(built_site, ".json"):
        items = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(items, list) and len(items) == 1 and items[0]["id"] == path.stem
        style = CitationStylesStyle("harvard-cite-them-right", validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        bibliography.register(Citation([CitationItem(path.stem)]))
        (rendered,) = [str(line) for line in bibliography.bibliography()]
        assert meta.organisation in rendered and f"({meta.year})" in rendered
        assert items[0]["URL"] in rendered if not meta.preview else "URL" not in items[0], rendered
        if items[0]["type"] == "chapter":
            assert meta.title in rendered and items[0]["title"] in rendered
        else:
            assert items[0]["type"] == "report" and meta.title in rendered


def test_bibtex_blocks_parse_and_format_cleanly_with_pybtex(built_site, meta):
    """Every BibTeX block parses; formatted with the standard style there is no "edition edition"
    and no chapter title repeated as a chapter number."""
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "plain")()
    found = 0
    for page in [*cited_pages(built_site), "how_to_cite"]:
        for pre in soup(built_site / f"{page}.html").select("details.cite-bibtex pre"):
            data = parse_string(pre.get_text(), "bibtex")
            (key, entry), = data.entries.items()
            assert entry.type in ("incollection", "techreport")
            assert [str(p) for p in entry.persons["author"]] == [f"{{{a}}}" for a in meta.authors]
            assert "chapter" not in entry.fields
            assert entry.fields["month"] == ["January", "February", "March", "April", "May", "June", "July", "August",
                                             "September", "October", "November", "December"][meta.edition_date.month - 1]
            text = next(iter(style.format_bibliography(data))).text.render_as("text")
            assert "edition edition" not in text.lower(), text
            assert (citation.preview_note() in entry.fields["note"] and "url" not in entry.fields) if meta.preview \
                else entry.fields["url"] in text
            assert meta.year in text
            found += 1
    assert found == len(cited_pages(built_site)) + 1


def test_base_url_placeholder_warns_and_a_real_one_does_not():
    from pipeline.run import warn_placeholder_base_url

    report = dict(load_site(REPO).report)
    placeholder = citation.meta(dict(report, base_url="https://rare-earth-leverage.example.org/"))
    assert "report: base_url" in citation.base_url_warning(placeholder)
    for url in ("https://example.com/report/", "http://localhost:8000/", "https://www.example.net"):
        assert citation.base_url_warning(citation.meta(dict(report, base_url=url)))
    real = citation.meta(dict(report, base_url="https://reports.example-institute.in/rare-earths/"))
    assert citation.base_url_warning(real) == ""
    said: list[str] = []

    class Site:  # what warn_placeholder_base_url reads of a loaded site
        report = dict(load_site(REPO).report, base_url="https://rare-earth-leverage.example.org/")

    warn_placeholder_base_url(Site, said.append)
    assert len(said) == 1 and said[0].startswith("warning: ") and "_config.yml" in said[0]
    Site.report = dict(Site.report, base_url="https://reports.example-institute.in/")
    warn_placeholder_base_url(Site, said.append)
    assert len(said) == 1


def test_page_metadata_of_a_scenario_build_says_so_and_markup_stays_text():
    import json

    report = dict(load_site(REPO).report, scenario={"title": "Magnet halt"})
    m = citation.meta(report)
    tags = dict(citation.head_tags(m, "leverage.html", "China’s leverage"))
    assert tags["citation_inbook_title"] == f"{m.title} (scenario: Magnet halt)"
    assert dict(citation.head_tags(m, "index.html"))["citation_title"].endswith("(scenario: Magnet halt)")
    plain = citation.meta(dict(report, scenario=None))
    assert dict(citation.head_tags(plain, "leverage.html", "x"))["citation_inbook_title"] == plain.title
    # a title with markup: escaped in the tags, and no way out of the JSON-LD <script>
    from bs4 import BeautifulSoup

    nasty = 'A </script><script>alert(1)</script> & "quotes"'
    markup = BeautifulSoup(citation.head_html(plain, "p.html", nasty), "html.parser")
    assert markup.select_one("meta[name=citation_title]")["content"] == nasty
    (script,) = markup.select("script")
    assert script["type"] == "application/ld+json" and json.loads(script.string)["name"] == nasty


def test_ris_and_csl_of_the_report_and_a_section_parse():
    import json

    import rispy

    meta = citation.meta(dict(load_site(REPO).report, base_url="https://reports.example-institute.in/rare-earths/"))

    url = citation.page_url(meta, "leverage.html", "leverage-mining")
    (section,) = rispy.loads(citation.cite_ris(meta, url, "leverage-mining", chapter="China’s leverage", section="Mining"))
    assert section["type_of_reference"] == "CHAP" and section["title"] == "China’s leverage: Mining"
    assert section["urls"] == [url] and section["secondary_title"] == meta.title
    (whole,) = rispy.loads(citation.cite_ris(meta, meta.base_url))
    assert whole["type_of_reference"] == "RPRT" and whole["title"] == meta.title
    (item,) = json.loads(citation.csl_json(meta, url, "leverage-mining", chapter="China’s leverage"))
    assert item["type"] == "chapter" and item["container-title"] == meta.title
    assert item["issued"] == {"date-parts": [[meta.edition_date.year, meta.edition_date.month, meta.edition_date.day]]}


# In the page: the clipboard is replaced by a recorder before any script runs.
RECORD_CLIPBOARD = """
window.__copied = [];
Object.defineProperty(navigator, "clipboard", {configurable: true, value: {
  writeText: (text) => { window.__copied.push(text); return Promise.resolve(); }}});
"""


def test_copy_buttons_copy_once_per_click_in_a_browser(built_site, served, context, meta):
    """One click, one clipboard write (the script was loaded twice and bound every button twice);
    a section's button copies that section's one-line citation."""
    from site_server import opened_page

    tree = soup(built_site / "leverage.html")
    sid = section_ids(tree)[1]
    item = tree.select_one(f"li#cite-{sid}")
    chapter_text = tree.select_one("section#cite-this .cite-entry .cite-text").get_text(" ", strip=True)
    with opened_page(context, "cite-copy") as (page, log):
        page.add_init_script(RECORD_CLIPBOARD)
        page.goto(served + "leverage.html", wait_until="load")
        chapter_button = page.locator("section#cite-this .cite-entry .cite-actions button.cite-copy").first
        chapter_button.scroll_into_view_if_needed()
        chapter_button.click()
        page.locator(f"li#cite-{sid} button.cite-copy").click()
        page.wait_for_function("() => window.__copied.length >= 2")
        page.wait_for_timeout(300)  # a second listener would have written by now
        copied = page.evaluate("() => window.__copied")
        assert len(copied) == 2, copied
        assert " ".join(copied[0].split()) == " ".join(chapter_text.split())
        assert copied[1] == item.select_one("button")["data-copy-text"]
        assert copied[1].endswith(citation.preview_note() if meta.preview else f"leverage.html#{sid}")
        assert page.locator(f"li#cite-{sid} .cite-status").inner_text() == "Copied"
        assert not log.problems(), log.problems()
