"""The recommendations page (book/recommendations.md): what India should do, as the report's judgment.

Each recommendation is a numbered section that names who acts (an institution, never a person),
the trigger that should set it off, its cost and lead time (a figure glued from the chapters, or
a plain statement that no figure exists), and the chapter sections it rests on. Checked in the
Markdown an editor writes, and in the built page a reader sees (every field filled, no template
left over, the page labelled as the report's judgment, the landing page pointing to it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sitepages import article, soup

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "book" / "recommendations.md"
FIELDS = ["Who acts", "Trigger", "Cost", "Lead time", "Evidence"]
# an acting institution is named as one: a ministry, department, directorate, mission or public company
INSTITUTION = re.compile(r"\b(Ministry|Department|Directorate|Mission|Commission|Limited)\b|\{term\}`(IREL|KABIL)`|^IREL\b")
# a cost or lead time is either a figure quoted from the chapters or an explicit statement that none exists
NO_FIGURE = re.compile(r"\b(no figure found|no money figure|no figure for india|not known|no launch date found)\b", re.I)
GLUED = re.compile(r"\{glue:text\}`[a-z_]+\.ipynb::[a-z0-9_]+:[^`]*`")
REF = re.compile(r"\{ref\}`([a-z0-9_-]+)`")
SECTION = re.compile(r"^\((recommendations-[a-z0-9-]+)\)=\n## (\d+)\. (.+)$", re.M)


def recommendations(text: str) -> list[dict]:
    """The numbered sections of the page, each with its definition-list fields."""
    found = []
    matches = list(SECTION.finditer(text))
    for i, m in enumerate(matches):
        body = text[m.end():matches[i + 1].start() if i + 1 < len(matches) else len(text)]
        fields = {}
        for term, definition in re.findall(r"^([A-Z][a-z ]+)\n: (.+?)(?=\n\n|\Z)", body, re.S | re.M):
            fields[term] = " ".join(definition.split())
        found.append({"label": m.group(1), "number": int(m.group(2)), "title": m.group(3), "fields": fields})
    return found


def labels_in_book() -> set[str]:
    return {m for p in (REPO / "book").glob("*.md") for m in re.findall(r"^\(([a-z0-9_-]+)\)=$", p.read_text(), re.M)}


def test_page_is_in_the_table_of_contents_after_the_options():
    toc = [c["file"] for c in yaml.safe_load((REPO / "book" / "_toc.yml").read_text())["chapters"]]
    assert "recommendations" in toc
    assert toc.index("recommendations") == toc.index("options") + 1


def test_five_to_eight_recommendations_numbered_in_order():
    recs = recommendations(PAGE.read_text())
    assert 5 <= len(recs) <= 8, [r["title"] for r in recs]
    assert [r["number"] for r in recs] == list(range(1, len(recs) + 1))


@pytest.mark.parametrize("field", FIELDS)
def test_every_recommendation_has_every_field(field):
    for rec in recommendations(PAGE.read_text()):
        assert rec["fields"].get(field, "").strip(), f"recommendation {rec['number']} ({rec['title']}) has no {field!r}"
        assert list(rec["fields"]) == FIELDS, f"recommendation {rec['number']}: fields {list(rec['fields'])}"


def test_who_acts_is_an_institution():
    for rec in recommendations(PAGE.read_text()):
        assert INSTITUTION.search(rec["fields"]["Who acts"]), rec["fields"]["Who acts"]


@pytest.mark.parametrize("field", ["Cost", "Lead time"])
def test_cost_and_lead_time_are_figures_from_the_chapters_or_say_none_exists(field):
    for rec in recommendations(PAGE.read_text()):
        text = rec["fields"][field]
        assert GLUED.search(text) or NO_FIGURE.search(text), f"recommendation {rec['number']}: {field} {text!r}"
        # a number in these fields is quoted from a chapter, never typed
        assert not re.search(r"\d", GLUED.sub("", text)), f"recommendation {rec['number']}: typed number in {text!r}"


def test_evidence_links_sections_that_exist():
    labels = labels_in_book()
    for rec in recommendations(PAGE.read_text()):
        refs = REF.findall(rec["fields"]["Evidence"])
        assert refs, f"recommendation {rec['number']} cites no section"
        assert set(refs) <= labels, set(refs) - labels


def test_the_parser_sees_a_missing_field():
    text = PAGE.read_text()
    broken = text.replace("Lead time\n: No figure found.", "", 1)
    assert broken != text
    assert any("Lead time" not in r["fields"] for r in recommendations(broken))


def test_built_page_fills_every_field_and_says_it_is_the_reports_judgment(built_site):
    page = soup(built_site / "recommendations.html")
    body = article(page)
    assert "the report's judgment" in body.get_text(" ").replace("’", "'")
    lists = body.select("dl:not(.glossary)")
    assert 5 <= len(lists) <= 8
    for dl in lists:
        terms = [dt.get_text(" ", strip=True) for dt in dl.select("dt")]
        assert terms == FIELDS
        for dd in dl.select("dd"):
            text = " ".join(dd.get_text().split())
            assert text and "{" not in text and "glue" not in text, text
            assert not re.search(r"\b(nan|None)\b|\s,|\(\s*\)", text), text
