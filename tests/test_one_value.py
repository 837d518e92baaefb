"""One figure, one value; headlines that state their condition (issue 22, item 9).

Over the built site: every key figure the prose quotes is a link that names the figure
(``data-key="leverage::exports_drop_pct"``, scripts/sphinx_ext/report_trace.py), on its own page,
on a page that quotes it with ``page.ipynb::name`` and in a ``{finding}`` quote. A figure shown on
several pages must read the same on each, and two figures that hold the same value (the same
unrounded number in the same unit, from the edition record) must not be rounded two ways. A
headline that gives a fall in per cent must say from when and over what period, and a fall from a
peak must come with the fall year on year beside it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest
from bs4 import BeautifulSoup
from sitepages import article, soup

# a fall measured from a peak → the same fall measured year on year, shown beside it
YEAR_ON_YEAR = {"leverage::exports_drop_pct": "leverage::exports_trough_yoy_drop_pct"}
FALL = re.compile(r"\b(fell|fall|falling|cut|down|below|less than|lower than|drop(?:ped)?)\b", re.I)
PER_CENT = re.compile(r"\d[\d,.]*\s*(?:per cent|%)")
PERIOD = re.compile(r"\b(?:19|20)\d\d\b|a year earlier|year on year|the year before|for [\d.]+ (?:months?|weeks?|years?)\b")


def renderings(pages: dict[str, BeautifulSoup]) -> dict[str, dict[str, set[str]]]:
    """Figure id → page → the texts the figure is shown as on that page."""
    shown: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name, page in pages.items():
        for link in page.select("a.key-figure[data-key]"):
            shown[link["data-key"]][name].add(" ".join(link.get_text().split()))
    return shown


def disagreements(shown: dict[str, dict[str, set[str]]]) -> dict[str, dict[str, list[str]]]:
    """The figures shown on more than one page that do not read the same on each."""
    return {fid: {page: sorted(texts) for page, texts in by_page.items()} for fid, by_page in shown.items()
            if len(by_page) > 1 and len(set().union(*by_page.values())) > 1}


def same_value_groups(record: dict) -> dict[tuple, set[str]]:
    """Figure ids that hold the same unrounded, non-whole number in the same unit: one figure
    under several names (a whole number, a count or a year, may be shared by chance)."""
    groups: dict[tuple, set[str]] = defaultdict(set)
    for chapter, figures in record.get("figures", {}).items():
        for name, item in figures.items():
            value = item.get("value")
            if isinstance(value, float) and not value.is_integer():
                groups[(item.get("unit", ""), value)].add(f"{chapter}::{name}")
    return {k: v for k, v in groups.items() if len(v) > 1}


def rounded_two_ways(shown, groups) -> dict[tuple, dict[str, list[str]]]:
    """Groups of one value whose figures are shown with different texts on different pages."""
    found = {}
    for key, ids in groups.items():
        texts = {(fid, page): t for fid in ids for page, ts in shown.get(fid, {}).items() for t in ts}
        pages = {page for _, page in texts}
        if len(pages) > 1 and len(set(texts.values())) > 1:
            found[key] = {f"{fid} on {page}": [t] for (fid, page), t in sorted(texts.items())}
    return found


def unconditioned_falls(pages: dict[str, BeautifulSoup]) -> list[str]:
    """Headline sentences (landing page's findings, summary, each page's key points) that give a
    fall in per cent without a period; and peak-to-trough falls without the year-on-year fall."""
    found = []
    for name, page in pages.items():
        for item in headline_items(page, everything=name == "summary"):
            text = "".join(t for t in item.find_all(string=True) if not t.find_parent(class_="key-figure-note"))
            text = " ".join(text.split())
            for sentence in re.split(r"(?<=[.;:])\s+(?=[A-Z(])", text):
                if FALL.search(sentence) and PER_CENT.search(sentence) and not PERIOD.search(sentence):
                    found.append(f"{name}: {sentence}")
            keys = {a["data-key"] for a in item.select("a.key-figure[data-key]")}
            for peak, yoy in YEAR_ON_YEAR.items():
                if peak in keys and yoy not in keys:
                    found.append(f"{name}: {peak} without {yoy}: {text}")
    return found


def headline_items(page: BeautifulSoup, everything: bool = False) -> list:
    """The list items under a page's "Key points" or "Key findings" heading; every list item of
    the summary, which quotes the chapters' key points."""
    if everything:
        return article(page).select("li")
    items = []
    for heading in article(page).select("h2"):
        if heading.get_text(" ", strip=True).rstrip("#¶ ").lower() in ("key points", "key findings"):
            section = heading.find_parent("section")
            items += section.select("li") if section else []
    return items


@pytest.fixture(scope="module")
def pages(built_site):
    return {p.stem: soup(p) for p in sorted(built_site.glob("*.html")) if p.stem not in ("genindex", "search")}


@pytest.fixture(scope="module")
def record(built_site):
    return json.loads((built_site / "_static" / "edition.json").read_text(encoding="utf-8"))


def test_key_figures_name_the_figure_they_show(pages):
    shown = renderings(pages)
    assert "leverage::exports_drop_pct" in shown
    assert len(shown["leverage::exports_drop_pct"]) > 1, "the landing page quotes the leverage chapter's fall"
    assert "factcheck::claims_n" in shown


def test_a_figure_shown_on_several_pages_reads_the_same_on_each(pages):
    assert disagreements(renderings(pages)) == {}


def test_one_value_under_several_names_is_rounded_one_way(pages, record):
    assert rounded_two_ways(renderings(pages), same_value_groups(record)) == {}


def test_headline_falls_state_their_period_and_come_year_on_year(pages):
    assert unconditioned_falls(pages) == []


# --- the checks themselves can fail --------------------------------------------------------------

def page_html(body: str) -> BeautifulSoup:
    return BeautifulSoup(f'<article class="bd-article">{body}</article>', "html.parser")


def figure(fid: str, text: str) -> str:
    return f'<a class="key-figure" data-key="{fid}">{text}</a>'


def test_the_checks_catch_a_figure_shown_two_ways():
    pages = {"a": page_html(f"<p>{figure('x::cost', '77')}</p>"), "b": page_html(f"<p>{figure('x::cost', '76')}</p>"),
             "c": page_html(f"<p>{figure('x::other', '5')}</p>")}
    assert disagreements(renderings(pages)) == {"x::cost": {"a": ["77"], "b": ["76"]}}
    pages["b"] = page_html(f"<p>{figure('y::cost_q', '76')}</p>")
    record = {"figures": {"x": {"cost": {"value": 76.5, "unit": "INR crore"}},
                          "y": {"cost_q": {"value": 76.5, "unit": "INR crore"}, "n": {"value": 4, "unit": ""}}}}
    groups = same_value_groups(record)
    assert groups == {("INR crore", 76.5): {"x::cost", "y::cost_q"}}
    assert rounded_two_ways(renderings(pages), groups)


def test_the_checks_catch_a_headline_fall_without_its_condition():
    bare = page_html("<section><h2>Key points</h2><ul><li>Exports " + figure("leverage::exports_drop_pct", "81")
                     + " per cent below their peak.</li></ul></section>")
    found = unconditioned_falls({"p": bare})
    assert any("without a" not in f and "below their peak" in f for f in found)
    assert any("exports_trough_yoy_drop_pct" in f for f in found)
    fixed = page_html("<section><h2>Key points</h2><ul><li>Exports fell "
                      + figure("leverage::exports_trough_yoy_drop_pct", "74") + " per cent on May 2024 and "
                      + figure("leverage::exports_drop_pct", "81") + " per cent below January 2025.</li></ul></section>")
    assert unconditioned_falls({"p": fixed}) == []
