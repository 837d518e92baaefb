"""The landing page (book/index.md, module analysis.chapters.home): its What-to-watch list and
headline values are computed from the data at the as-of date, its findings quote key figures the
chapters compute, and the built page shows the as-of date, the findings with links, a chart and
What to watch. The module tests start no kernel."""

import re
from pathlib import Path

import pytest
from chapters import DATA, copy_data, read_rows, write_rows
from sitepages import article, soup

from analysis.chapters import home

REPO = Path(__file__).resolve().parents[1]
INDEX = REPO / "book" / "index.md"
GLUE = re.compile(r"\{glue:text\}`(?:(\w+)\.ipynb::)?(\w+)(?::[^`]*)?`")


def test_what_to_watch_at_the_report_date():
    ch = home.compute(DATA, as_of="2026-12-01")
    ahead, passed = ch.tables["watch-ahead"], ch.tables["watch-passed"]
    # the year-long general licences of 2 December 2025 fall due a year later: ahead
    assert ch["watch_next_date"] == "2 December 2026"
    assert "renewal" in ch["watch_next_due"]
    assert list(ahead["When"])[0] == "2 December 2026"
    # no award of the magnet scheme by the as-of date: listed without a date
    assert not ch["repm_awarded"] and "not announced" in list(ahead["When"])
    # the US surcharge's end (24 July 2026) and the November 2026 ends passed with no later source
    assert ch["watch_passed_n"] == len(passed) == 5
    assert ch["watch_passed_first"] == "24 July 2026" and ch["watch_passed_last"] == "27 November 2026"


def test_a_trigger_before_the_as_of_date_is_not_listed_as_ahead():
    later = home.compute(DATA, as_of="2026-12-05")
    assert "2 December 2026" not in list(later.tables["watch-ahead"]["When"])
    assert "2 December 2026" in list(later.tables["watch-passed"]["Date"])
    earlier = home.compute(DATA, as_of="2026-11-01")
    assert earlier["watch_passed_n"] == 1 and list(earlier.tables["watch-passed"]["Date"]) == ["24 July 2026"]
    assert earlier["watch_next_date"] == "9 November 2026"
    assert "27 November 2026" in list(earlier.tables["watch-ahead"]["When"])


def test_an_edited_copy_of_the_data_moves_the_list_and_the_chart(tmp_path):
    data = copy_data(tmp_path)
    timeline = read_rows(data / "export_control_timeline.csv")
    for row in timeline:
        if row["event_id"] == "cn-2025-11-no70":
            row["scheduled_end"] = "2027-11-10"
    write_rows(data / "export_control_timeline.csv", timeline)
    milestones = read_rows(data / "policy_milestones.csv")
    for row in milestones:
        if row["stage"] == "award":
            row["date"] = "2026-10-01"
    write_rows(data / "policy_milestones.csv", milestones)
    exports = read_rows(data / "china_magnet_exports_monthly.csv")
    march = next(r for r in exports if r["destination"] == "World" and r["month"] == "2026-03")
    exports.append({**march, "month": "2026-04", "exports": "5000"})
    write_rows(data / "china_magnet_exports_monthly.csv", exports)
    ch = home.compute(data, as_of="2026-12-01")
    assert ch["watch_passed_n"] == 4  # No. 70 moved to 2027: the other four ends passed
    assert "10 November 2027" in list(ch.tables["watch-ahead"]["When"])
    assert ch["repm_awarded"] and "not announced" not in list(ch.tables["watch-ahead"]["When"])
    assert ch["exports_latest_month"] == "April 2026" and ch["exports_latest_t"] == 5000
    assert ch["exports_months_unreported"] == 7


def test_the_findings_quote_key_figures_the_chapters_compute():
    """Six to eight findings, each with a link to the section that shows the working; every
    cross-page value they quote is a key figure its chapter computes."""
    import importlib

    text = INDEX.read_text(encoding="utf-8")
    findings = text.split("## Key findings", 1)[1].split("\n## ", 1)[0]
    items = [i for i in re.split(r"\n- ", "\n" + findings.strip()) if i.strip()]
    assert 6 <= len(items) <= 8
    assert all("{ref}`" in item or "{finding}" in item for item in items)  # a quoted key point links as in its chapter
    quoted = {(page, key) for page, key in GLUE.findall(text) if page}
    computed = {page: importlib.import_module(f"analysis.chapters.{page}").compute(DATA).keys
                for page in {p for p, _ in quoted}}
    assert sorted(f"{p}::{k}" for p, k in quoted if k not in computed[p]) == []
    own = {key for page, key in GLUE.findall(text) if not page}
    assert own <= set(home.compute(DATA).keys)


@pytest.fixture(scope="module")
def landing(built_site):
    return soup(built_site / "index.html")


def test_the_built_landing_page_is_an_executive_summary(landing):
    page = article(landing)
    text = page.get_text(" ")
    from masthead.dates import long_date
    from pipeline.config import load_site

    assert f"Sources searched to {long_date(load_site(REPO).report['as_of'])}" in text
    findings = next(h for h in page.find_all("h2") if h.get_text(" ", strip=True).startswith("Key findings"))
    items = (findings.find_parent("section") or findings.parent).select("li")
    assert 6 <= len(items) <= 8
    assert all(li.select("a.reference.internal") for li in items)
    assert page.select("#fig-home-exports") or "fig-home-exports" in str(page)
    watch = next(h for h in page.find_all("h2") if h.get_text(" ", strip=True).startswith("What to watch"))
    assert (watch.find_parent("section") or watch.parent).select("table")
    assert "make report" not in text
