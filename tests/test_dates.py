"""Two honest dates at the head of every page of prose (scripts/sphinx_ext/report_dates.py).

Each page says to what date sources were searched (the report's as-of date) and the date of the
newest source it uses: the newest of the sources it cites and of the sources of every key figure
it quotes, the report's own derivations left out. The date is computed, so it follows the data.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from report_dates import cited_keys, long_date, newest
from sitepages import article, soup

REPO = Path(__file__).resolve().parents[1]
PROSE_PAGES = ["index", "summary", "leverage", "sector_impact", "strategy_roadmap", "options", "recommendations",
               "geopolitics", "factcheck"]
HEAD = re.compile(r"Sources searched to (\d{1,2} \w+ \d{4}); the newest source this page uses is dated "
                  r"(\d{1,2} \w+ \d{4}|\w+ \d{4}|\d{4})\.")


def sources() -> dict[str, dict]:
    with open(REPO / "data" / "sources.csv", newline="", encoding="utf-8-sig") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def as_of() -> str:
    return yaml.safe_load((REPO / "_config.yml").read_text())["report"]["as_of"]


def test_newest_and_long_date():
    assert newest(["2025-10", "2025-10-30", "2025", "", "n.d."]) == "2025-10-30"
    assert newest(["2026-05", "2026-04-30"]) == "2026-05"
    assert newest([]) == ""
    assert long_date("2026-05-15") == "15 May 2026" and long_date("2026-05") == "May 2026" and long_date("2026") == "2026"
    assert cited_keys("a {footcite:p}`x,y` b {footcite}`z` {cite:p}`w`") == {"x", "y", "z"}


def test_every_page_of_prose_has_the_two_dates_in_its_head():
    for name in PROSE_PAGES:
        text = (REPO / "book" / f"{name}.md").read_text()
        head = text[:text.index("## ")] if "## " in text else text
        assert "Sources searched to {{ as_of }}" in head and "{newest-source}`page`" in head, name


@pytest.mark.parametrize("name", PROSE_PAGES)
def test_built_head_dates_are_right(built_site, name):
    page = soup(built_site / f"{name}.html")
    text = " ".join(article(page).get_text(" ").split())
    match = HEAD.search(text)
    assert match, f"{name}: no 'Sources searched to …; newest source …' line"
    assert match.group(1) == long_date(as_of())
    registry = sources()
    dated = {sid: row["date"] for sid, row in registry.items() if row.get("quality") != "D" and row.get("date")}
    newest_shown = match.group(2)
    # the newest source is the date of a real, non-derived source, no later than the search date
    candidates = {d for d in dated.values() if long_date(d) == newest_shown}
    assert candidates, f"{name}: {newest_shown} is the date of no source"
    assert (min(candidates) + "-01-01")[:10] <= as_of()
    # and no source the page cites in its text is newer
    cited = cited_keys((REPO / "book" / f"{name}.md").read_text())
    assert cited <= set(registry), cited - set(registry)
    newest_cited = newest(dated[k] for k in cited if k in dated)
    if newest_cited:
        assert (newest_cited + "-01-01")[:10] <= (min(candidates) + "-01-01")[:10], (name, newest_cited, newest_shown)
