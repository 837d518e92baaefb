"""Generated "Data and sources" page and BibTeX file: complete, escaped, and built only from data/."""

import json
import re
from pathlib import Path

import pytest
from pybtex.database import parse_file

from pipeline.pages.appendix import write_bibliography, write_data_appendix
from pipeline.pages.markup import bib_escape, bib_url, md
from pipeline.errors import DataError

REPO = Path(__file__).resolve().parents[1]

SOURCES_CSV = """id,publisher,title,date,url,accessed,quality,origin,note
usgs-mcs-2025,USGS,Mineral Commodity Summaries 2025,2025-01-31,https://pubs.usgs.gov/mcs2025,2025-10-12,P,,
srk-bharat-2025-10-10,SRK Bharat,"Beijing Seeks End-Use Assurance from India Before Resuming Heavy Rare Earth Exports Amid Global Trade \
Tensions",2025-10-10,https://srkbharat.com/a,2025-10-12,S,"Seen at srkbharat.com; names MOFCOM",
odd_chars,R&D {Lab} #1,"50% of $ts_ in ~x^ \\ y",2024-03-01,https://example.org/a b,2025-10-12,D,"share = 100 * a / b",
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


@pytest.fixture
def page(data, tmp_path):
    stage = tmp_path / "stage"
    path = write_data_appendix(data, stage)
    assert path == stage / "data_sources.md"
    return path.read_text(encoding="utf-8")


# --- the page --------------------------------------------------------------------------------------


def test_page_starts_with_label_and_title(page):
    assert page.startswith("(data-sources)=\n# Data and sources\n\n")
    assert "from the 2 datasets below" in page


def test_every_dataset_has_a_labelled_section_in_descriptor_order(page):
    headings = re.findall(r"^\((data-[\w-]+)\)=\n## (.*)$", page, flags=re.M)
    assert headings == [
        ("data-freshness", "How current the data are"),
        ("data-mine_production_by_country", "Mine production by country"),
        ("data-china_value_chain_share", r"China's share \| by \<b\>stage\</b\>"),
        ("data-source-registry", "Source registry"),
    ]
    assert "(data-sources)=" not in page[1:]  # the sources resource has no dataset section of its own


def test_dataset_section_content(page):
    section = page.split("(data-mine_production_by_country)=")[1].split("(data-china_value_chain_share)=")[0]
    assert "Annual mine production, USGS estimates." in section
    assert ("- **Download:** {download}`mine_production_by_country.csv"
            " <datasets/mine_production_by_country.csv>` (2 rows)") in section
    assert "- **Unit:** t REO\n" in section
    assert "- **Sources:** {cite:p}`reg-usgs-mcs-2025`" in section
    assert "| `production` | number | Mine production | ≥ 0 |" in section
    assert "| `country` | string | Country or World | required |" in section
    assert r"| `unit` | string |  | one of: t REO |" in section
    assert "- **Each row is one:** `country`, `year`, `source_id`" in section


def test_sources_come_from_descriptor_and_rows(page):
    section = page.split("(data-china_value_chain_share)=")[1].split("(data-source-registry)=")[0]
    assert "- **Sources:** {cite:p}`reg-srk-bharat-2025-10-10,reg-odd_chars`" in section
    assert "- **Unit:** \\%\n" in section  # md() escapes a leading % (a MyST comment at line start)


def test_markup_in_data_is_escaped(page):
    section = page.split("(data-china_value_chain_share)=")[1].split("(data-source-registry)=")[0]
    assert (r"Shares \<script\>alert(1)\</script\> with \`code\`, \*stars\* and a \| pipe \& \{\{ subst \}\}."
            in section)
    assert "<script>" not in page
    assert r"| `stage` | string | Stage \| step | pattern \^\[a-z\_\]+\$ |" in section


def test_download_copies_exist_and_match(data, page, tmp_path):
    for name in ("mine_production_by_country.csv", "china_value_chain_share.csv"):
        copy = tmp_path / "stage" / "datasets" / name
        assert copy.read_bytes() == (data / name).read_bytes()
    assert not (tmp_path / "stage" / "datasets" / "sources.csv").exists()


def test_registry_lists_every_source_and_bibliography(page):
    registry = page.split("(data-source-registry)=")[1]
    assert ("| `usgs-mcs-2025` | USGS | [Mineral Commodity Summaries 2025](<https://pubs.usgs.gov/mcs2025>)"
            " | 2025-01-31 | P (primary) |") in registry
    assert ("| `odd_chars` | R\\&D \\{Lab\\} #1 | [50% of \\$ts\\_ in \\~x\\^ \\\\ y](<https://example.org/a%20b>)"
            " | 2024-03-01 | D (derived) |") in registry
    assert "| `srk-bharat-2025-10-10` | SRK Bharat |" in registry
    assert registry.rstrip().endswith(
        "```{bibliography}\n:all:\n:style: plain\n:keyprefix: reg-\n:labelprefix: S\n```")


def test_unknown_source_id_is_refused(data, tmp_path):
    (data / "china_value_chain_share.csv").write_text(SHARE_CSV.replace("odd_chars", "nope"), encoding="utf-8")
    with pytest.raises(DataError, match=r'resource "china_value_chain_share": source ids not in sources.csv: nope'):
        write_data_appendix(data, tmp_path / "stage")


def test_path_outside_data_is_refused(data, tmp_path):
    broken = package()
    broken["resources"][1]["path"] = "../secret.csv"
    (data / "datapackage.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(DataError, match=r'path "\.\./secret\.csv" must be a plain relative file name'):
        write_data_appendix(data, tmp_path / "stage")


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
        "  note = {Quality: S (secondary). Origin: Seen at srkbharat.com; names MOFCOM}\n"
        "}"
    ) in text


def test_bibliography_escapes_special_characters(data, tmp_path):
    text = write_bibliography(data, tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert r"author = {{R\&D \{Lab\} \#1}}," in text
    assert (r"title = {{50\% of \$ts\_ in \textasciitilde{}x\textasciicircum{} \textbackslash{} y}},"
            in text)
    assert "url = {https://example.org/a%20b}," in text
    entry = parse_file(str(tmp_path / "refs.bib"), "bibtex").entries["odd_chars"]
    assert entry.fields["note"] == "Quality: D (derived). Origin: share = 100 * a / b"


def test_unbalanced_braces_cannot_break_the_bib_file():
    assert bib_escape("a { b") == r"a \textbraceleft{} b"
    assert bib_escape("} x {") == r"\textbraceright{} x \textbraceleft{}"
    assert bib_escape("{x}") == r"\{x\}"


def test_bad_source_id_cannot_become_a_key(data, tmp_path):
    (data / "sources.csv").write_text(SOURCES_CSV.replace("odd_chars,", '"odd chars,x",'), encoding="utf-8")
    with pytest.raises(DataError, match=r'sources.csv: id "odd chars,x" cannot be a citation key'):
        write_bibliography(data, tmp_path / "refs.bib")


# --- the real data ---------------------------------------------------------------------------------


def test_real_data_appendix_and_bibliography(tmp_path):
    data_dir = REPO / "data"
    if not (data_dir / "datapackage.json").exists():
        pytest.skip("data/datapackage.json does not exist yet (being written to the data contract)")
    package_ = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    text = write_data_appendix(data_dir, tmp_path).read_text(encoding="utf-8")
    for resource in package_["resources"]:
        if resource["name"] == "sources":
            continue
        assert f"({'data-' + resource['name']})=\n## " in text
        assert (tmp_path / "datasets" / resource["path"]).is_file()
    bib = write_bibliography(data_dir, tmp_path / "references.bib")
    ids = [line.split(",")[0] for line in (data_dir / "sources.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
           if line.strip()]
    assert set(parse_file(str(bib), "bibtex").entries) >= {i.strip('"') for i in ids}


def test_bibliography_urls_carry_no_character_an_href_may_not():
    """A source URL pasted with brackets or spaces still makes a valid link (HTML checkers)."""
    assert bib_url(" https://news.example.com/a-[SMM Analysis]{x}|y ") == (
        "https://news.example.com/a-%5BSMM%20Analysis%5D%7Bx%7D%7Cy")
    assert bib_url("https://www.iea.org/commentaries/a?b=1&c=2#d") == "https://www.iea.org/commentaries/a?b=1&c=2#d"
