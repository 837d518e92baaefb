"""Generated "Data and sources" page and BibTeX file: complete, escaped, and built only from data/."""

import ast
import json
import re
from pathlib import Path

import pytest
from pybtex.database import parse_file

from pipeline.pages.appendix import compute, row_ids, write_bibliography, write_downloads
from pipeline.pages.markup import bib_escape, bib_url, md
from pipeline.errors import DataError

REPO = Path(__file__).resolve().parents[1]

SOURCES_CSV = """id,publisher,title,date,url,accessed,quality,origin,note,seen_as,copy_url
usgs-mcs-2025,USGS,Mineral Commodity Summaries 2025,2025-01-31,https://pubs.usgs.gov/mcs2025,2025-10-12,P,,,publisher_page,
srk-bharat-2025-10-10,SRK Bharat,"Beijing Seeks End-Use Assurance from India Before Resuming Heavy Rare Earth Exports Amid Global Trade \
Tensions",2025-10-10,https://srkbharat.com/a,2025-10-12,S,"Seen at srkbharat.com; names MOFCOM",,report,https://news.example.com/copy x
odd_chars,R&D {Lab} #1,"50% of $ts_ in ~x^ \\ y",2024-03-01,https://example.org/a b,2025-10-12,D,"share = 100 * a / b",,derived,
"""
MINE_CSV = """country,year,production,unit,source_id
World,2024,390000,t REO,usgs-mcs-2025
China,2024,270000,t REO,usgs-mcs-2025
"""
SHARE_CSV = """stage,share_pct,unit,source_id
mining,69.2,%,srk-bharat-2025-10-10
magnets,90,%,odd_chars
"""


def package():
    return {
        "resources": [
            {"name": "sources", "path": "sources.csv", "title": "Sources",
             "schema": {"fields": [{"name": n, "type": "string"} for n in SOURCES_CSV.splitlines()[0].split(",")]}},
            {"name": "mine_production_by_country", "path": "mine_production_by_country.csv",
             "title": "Mine production by country", "description": "Annual mine production, USGS estimates.",
             "sources": ["usgs-mcs-2025"],
             "schema": {"fields": [
                 {"name": "country", "type": "string", "description": "Country or World",
                  "constraints": {"required": True}},
                 {"name": "year", "type": "integer", "description": "Calendar year"},
                 {"name": "production", "type": "number", "description": "Mine production",
                  "constraints": {"minimum": 0}},
                 {"name": "unit", "type": "string", "constraints": {"enum": ["t REO"]}},
                 {"name": "source_id", "type": "string"}],
                 "primaryKey": ["country", "year", "source_id"]},
             "rules": [{"type": "parts_within_total", "group_by": ["year", "source_id"], "part_field": "country",
                        "total_value": "World", "value_field": "production", "tolerance_pct": 2}]},
            {"name": "china_value_chain_share", "path": "china_value_chain_share.csv",
             "title": "China's share | by <b>stage</b>",
             "description": "Shares <script>alert(1)</script> with `code`, *stars* and a | pipe & {{ subst }}.",
             "schema": {"fields": [
                 {"name": "stage", "type": "string", "description": "Stage | step",
                  "constraints": {"pattern": "^[a-z_]+$"}},
                 {"name": "share_pct", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
                 {"name": "unit", "type": "string"},
                 {"name": "source_id", "type": "string"}]},
             "rules": [{"type": "share_percent", "fields": ["share_pct"]}]},
        ]
    }


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps(package()), encoding="utf-8")
    for name, text in {"sources.csv": SOURCES_CSV, "mine_production_by_country.csv": MINE_CSV,
                       "china_value_chain_share.csv": SHARE_CSV}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


AS_OF = "2026-12-01"


@pytest.fixture
def page(data):
    return compute(data, as_of=AS_OF, topics={"Mining": ["mine_production_by_country"],
                                               "Value chain": ["china_value_chain_share"]})


# --- the page's values and tables ------------------------------------------------------------------


def test_page_values(page):
    assert page["datasets_n"] == 2 and page["sources_n"] == 3 and page["rows_n"] == 4
    assert page["as_of_date"] == "1 December 2026"
    assert "no text that was opened with the wrong character set" in page["checks"]
    assert page["due_any"] is False and page["ends_unknown_any"] is False  # no end to pass, no release due


def test_dataset_facts_and_codebook(page):
    about = dict(zip(page.tables["about-mine_production_by_country"]["About"],
                     page.tables["about-mine_production_by_country"]["Detail"]))
    assert about["Description"] == "Annual mine production, USGS estimates."
    assert about["Rows"] == "2" and about["Unit"] == "t REO"
    assert about["Each row is one"] == "country, year, source_id"
    assert "sums to at most the World row" in about["Checked at build time"]
    columns = page.tables["columns-mine_production_by_country"].set_index("Column")
    assert columns.loc["production", "Constraints"] == "≥ 0"
    assert columns.loc["country", "Constraints"] == "required"
    assert columns.loc["unit", "Constraints"] == "one of: t REO"
    share = page.tables["columns-china_value_chain_share"].set_index("Column")
    assert share.loc["stage", "Constraints"] == "pattern ^[a-z_]+$"


def test_markup_in_data_is_escaped_when_shown(page):
    html = page.table("about-china_value_chain_share").to_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "<b>" not in page.html["rows-china_value_chain_share"]


def test_every_row_has_a_stable_anchor_grouped_by_its_source(page):
    rows = page.html["rows-mine_production_by_country"]
    assert '<tbody id="rows-mine_production_by_country--usgs-mcs-2025">' in rows
    # each row carries its numbers, plain, for a key figure that quotes one (sphinx_ext/report_trace.py)
    assert '<tr id="row-mine_production_by_country-world-2024" data-figures="2024 390000">' in rows
    assert '<tr id="row-mine_production_by_country-china-2024" data-figures="2024 270000">' in rows
    assert '<a href="#source-usgs-mcs-2025">USGS (2025-01-31)</a>' in rows
    assert "production: 270000 (t REO)" in rows
    share = page.html["rows-china_value_chain_share"]
    # no primary key: rows are numbered; one group per source, in first-seen order
    assert share.index('id="rows-china_value_chain_share--srk-bharat-2025-10-10"') < share.index(
        'id="rows-china_value_chain_share--odd_chars"')
    assert '<tr id="row-china_value_chain_share-1" data-figures="69.2">' in share
    assert '<tr id="row-china_value_chain_share-2" data-figures="90">' in share


def test_row_ids_are_unique_even_when_slugs_meet():
    resource = {"schema": {"primaryKey": ["a", "source_id"]}}
    assert row_ids(resource, [{"a": "X y", "source_id": "s"}, {"a": "x-Y", "source_id": "t"}, {"a": "", "source_id": "s"}]) == [
        "x-y", "x-y-2", "3"]


def test_registry_shows_address_date_grade_and_how_seen(page):
    registry = page.html["registry"]
    assert ('<tr id="source-usgs-mcs-2025"><td>USGS</td>'
            '<td><a href="https://pubs.usgs.gov/mcs2025">Mineral Commodity Summaries 2025</a></td>'
            "<td>2025-01-31</td><td>P (primary)</td><td>publisher&#x27;s own page</td></tr>") in registry
    assert ('<td>another outlet&#x27;s report (<a href="https://news.example.com/copy%20x">copy read</a>)</td>'
            in registry)
    assert "R&amp;D {Lab} #1" in registry and 'href="https://example.org/a%20b"' in registry
    assert "<td>D (derived)</td>" in registry


def test_topics_show_the_newest_period_and_a_passed_end_as_unknown(tmp_path):
    data_dir = REPO / "data"
    page = compute(data_dir, as_of="2026-12-01", topics={"Controls": ["export_control_timeline"],
                                                         "Mining": ["mine_production_by_country",
                                                                    "reserves_by_country"]})
    topics = page.tables["topics"].set_index("Topic")
    assert topics.loc["Mining", "Newest period covered"] == "2025"  # "MCS 2026" is an edition, not a period
    assert topics.loc["Controls", "Status"] == "unknown"
    ends = page.tables["ends-unknown"]
    assert len(ends) == page["ends_unknown_n"] > 0 and set(ends["What followed"]) == {"unknown"}
    freshness_table = page.tables["freshness"].set_index("Dataset")
    assert "current" not in freshness_table["Status"][freshness_table.index.str.startswith("Export-control")].iloc[0]
    with pytest.raises(DataError, match="nope"):
        compute(data_dir, as_of="2026-12-01", topics={"X": ["nope"]})


def test_unknown_source_id_is_refused(data):
    (data / "china_value_chain_share.csv").write_text(SHARE_CSV.replace("odd_chars", "nope"), encoding="utf-8")
    with pytest.raises(DataError, match=r'resource "china_value_chain_share": source ids not in sources.csv: nope'):
        compute(data)


def test_path_outside_data_is_refused(data, tmp_path):
    broken = package()
    broken["resources"][1]["path"] = "../secret.csv"
    (data / "datapackage.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(DataError, match=r'path "\.\./secret\.csv" must be a plain relative file name'):
        write_downloads(data, tmp_path / "stage")


def test_download_copies_exist_and_match(data, tmp_path):
    assert write_downloads(data, tmp_path / "stage") is None  # no meta: no zip
    for name in ("mine_production_by_country.csv", "china_value_chain_share.csv"):
        copy = tmp_path / "stage" / "datasets" / name
        assert copy.read_bytes() == (data / name).read_bytes()
    assert not (tmp_path / "stage" / "datasets" / "sources.csv").exists()


# --- the page in book/ -----------------------------------------------------------------------------

BOOK_PAGE = REPO / "book" / "data_sources.md"


def book_page() -> str:
    return BOOK_PAGE.read_text(encoding="utf-8")


def test_book_page_has_a_section_per_dataset_in_descriptor_order():
    package_ = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resources = [r for r in package_["resources"] if r["name"] != "sources"]
    text = book_page()
    sections = re.findall(r"^\(data-([\w-]+)\)=\n### (.*)$", text, flags=re.M)
    dataset_sections = [s for s in sections if s[0] not in ("ends-unknown",)]
    assert dataset_sections == [(r["name"], r["title"]) for r in resources]
    for r in resources:
        section = text.split(f"(data-{r['name']})=", 1)[1].split("\n(data-", 1)[0]
        file = r["path"].rsplit("/", 1)[-1]
        assert f"{{download}}`{file} <datasets/{r['path']}>`" in section
        for glued in (f"table-about-{r['name']}", f"table-columns-{r['name']}", f"rows-{r['name']}"):
            assert f"```{{glue}} {glued}\n```" in section
    front = text.split("---", 2)[1]
    assert set(re.search(r"datasets: \[(.*)\]", front).group(1).split(", ")) == {r["name"] for r in package_["resources"]}


def page_topics() -> dict:
    cell = book_page().split("topics={", 1)[1].split("})\n", 1)[0]
    return ast.literal_eval("{" + cell + "}")


def test_book_page_topics_cover_every_dataset_once():
    package_ = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    named = [n for names in page_topics().values() for n in names]
    assert sorted(named) == sorted(r["name"] for r in package_["resources"] if r["name"] != "sources")


def test_everything_the_book_page_glues_is_computed_on_the_real_data():
    page = compute(REPO / "data", as_of="2026-12-01", topics=page_topics())
    glued = set(page.keys) | {f"table-{t}" for t in page.tables} | set(page.html)
    text = book_page()
    used = set(re.findall(r"\{glue:text\}`([\w-]+)", text)) | set(re.findall(r"```\{glue\} ([\w-]+)", text))
    used |= set(re.findall(r"\{choose\} ([\w-]+)", text))
    assert used and used <= glued, sorted(used - glued)


@pytest.mark.parametrize("text, expected", [
    ("a|b", r"a\|b"),
    ("<i>x</i>", r"\<i\>x\</i\>"),
    ("# not a heading", r"\# not a heading"),
    ("1. not a list", r"1\. not a list"),
    ("% not a comment", r"\% not a comment"),
    ("two\nlines", "two lines"),
    ("$x$ & &amp;", r"\$x\$ \& \&amp;"),
    ("plain text, 69.2 %", "plain text, 69.2 %"),
])
def test_md_escape(text, expected):
    assert md(text) == expected


# --- the BibTeX file -------------------------------------------------------------------------------


def test_bibliography_has_one_entry_per_source(data, tmp_path):
    out = write_bibliography(data, tmp_path / "stage" / "references.bib")
    text = out.read_text(encoding="utf-8")
    assert re.findall(r"^@misc\{([^,]+),$", text, flags=re.M) == ["usgs-mcs-2025", "srk-bharat-2025-10-10", "odd_chars"]
    entries = parse_file(str(out), "bibtex").entries
    assert list(entries) == ["usgs-mcs-2025", "srk-bharat-2025-10-10", "odd_chars"]


def test_bibliography_entry_fields(data, tmp_path):
    text = write_bibliography(data, tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert (
        "@misc{srk-bharat-2025-10-10,\n"
        "  author = {{SRK Bharat}},\n"
        "  organization = {SRK Bharat},\n"
        "  title = {{Beijing Seeks End-Use Assurance from India Before Resuming Heavy Rare Earth Exports Amid"
        " Global Trade Tensions}},\n"
        "  year = {2025},\n"
        "  month = {October},\n"
        "  date = {2025-10-10},\n"
        "  url = {https://srkbharat.com/a},\n"
        "  urldate = {2025-10-12},\n"
        "  note = {Quality: S (secondary)}\n"
        "}"
    ) in text


def test_bibliography_escapes_special_characters(data, tmp_path):
    text = write_bibliography(data, tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert r"author = {{R\&D \{Lab\} \#1}}," in text
    assert (r"title = {{50\% of \$ts\_ in \textasciitilde{}x\textasciicircum{} \textbackslash{} y}},"
            in text)
    assert "url = {https://example.org/a%20b}," in text
    entry = parse_file(str(tmp_path / "refs.bib"), "bibtex").entries["odd_chars"]
    assert entry.fields["note"] == "Quality: D (derived)"  # how it was seen: on the Data page only


def test_unbalanced_braces_cannot_break_the_bib_file():
    assert bib_escape("a { b") == r"a \textbraceleft{} b"
    assert bib_escape("} x {") == r"\textbraceright{} x \textbraceleft{}"
    assert bib_escape("{x}") == r"\{x\}"


def test_bad_source_id_cannot_become_a_key(data, tmp_path):
    (data / "sources.csv").write_text(SOURCES_CSV.replace("odd_chars,", '"odd chars,x",'), encoding="utf-8")
    with pytest.raises(DataError, match=r'sources.csv: id "odd chars,x" cannot be a citation key'):
        write_bibliography(data, tmp_path / "refs.bib")


# --- the real data ---------------------------------------------------------------------------------


def test_real_data_downloads_and_bibliography(tmp_path):
    data_dir = REPO / "data"
    package_ = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    write_downloads(data_dir, tmp_path)
    for resource in package_["resources"]:
        if resource["name"] != "sources":
            assert (tmp_path / "datasets" / resource["path"]).is_file()
    bib = write_bibliography(data_dir, tmp_path / "references.bib")
    ids = [line.split(",")[0] for line in (data_dir / "sources.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
           if line.strip()]
    assert set(parse_file(str(bib), "bibtex").entries) >= {i.strip('"') for i in ids}
    assert "Seen as" not in bib.read_text(encoding="utf-8")  # the chapters' reference lists stay bibliographies


def test_bibliography_urls_carry_no_character_an_href_may_not():
    """A source URL pasted with brackets or spaces still makes a valid link (HTML checkers)."""
    assert bib_url(" https://news.example.com/a-[SMM Analysis]{x}|y ") == (
        "https://news.example.com/a-%5BSMM%20Analysis%5D%7Bx%7D%7Cy")
    assert bib_url("https://www.iea.org/commentaries/a?b=1&c=2#d") == "https://www.iea.org/commentaries/a?b=1&c=2#d"
