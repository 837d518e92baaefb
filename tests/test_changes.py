"""What changed, for readers and analysts: plain labels, years as years, grouped by chapter with the
dataset and sources; the build's closing list of key figures that moved since the published report."""

from __future__ import annotations

import json
import re

from pipeline.editions import changes, manifest

EDITION = {"name": "Second edition", "date": "2026-12-01"}


def record(figures: dict, date="2026-12-01") -> dict:
    return {"edition": {**EDITION, "date": date}, "inputs": {"data/mine.csv": "a" if date < "2026-12-01" else "b"},
            "figures": figures}


def fig(value, label="", unit="", dataset="", source_ids=()):
    return {"value": value, "label": label, "unit": unit, "dataset": dataset, "source_ids": list(source_ids)}


BEFORE = record({
    "leverage": {"mine_year": fig(2024, "mine year"), "n_end_passed": fig(7, "n end passed"),
                 "exports_latest_t": fig(5238.0, "China's magnet exports in the latest month", "t",
                                         "china_magnet_exports_monthly", ["reuters-2026-04-20"]),
                 "exports_latest_month": fig("March 2026", "exports latest month"),
                 "long": fig("A sentence that depends on the data and is far too long to quote.", "long")},
    "index": {"china_mine_share_pct": fig(69.2, "china mine share pct", "%", "mine", ["usgs-mcs-2025"])},
}, date="2026-11-25")
AFTER = record({
    "leverage": {"mine_year": fig(2025, "mine year"), "n_end_passed": fig(12, "n end passed"),
                 "exports_latest_t": fig(5406.0, "China's magnet exports in the latest month", "t",
                                         "china_magnet_exports_monthly", ["reuters-2026-05-20"]),
                 "exports_latest_month": fig("April 2026", "exports latest month"),
                 "long": fig("Another sentence that depends on the data and is far too long to quote.", "long")},
    "index": {"china_mine_share_pct": fig(64.1, "china mine share pct", "%", "mine", ["usgs-mcs-2026"])},
})


def test_page_uses_labels_never_keys_and_writes_years_as_years():
    page = changes.page_text(AFTER, BEFORE)
    assert "mine_year" not in page and "n_end_passed" not in page and "n end passed" not in page
    assert "| Mine year | 2024 | 2025 |" in page  # not "2,024"
    assert "2,02" not in page
    assert "| China's magnet exports in the latest month | 5,238 t | 5,406 t | china\\_magnet\\_exports\\_monthly" in page
    assert "| Exports latest month | March 2026 | April 2026 |" in page  # a month moved: listed, as a month
    assert "1 worded key figure" in page  # the long sentence is counted, not quoted


def test_page_groups_by_chapter_with_dataset_and_sources():
    page = changes.page_text(AFTER, BEFORE)
    headings = re.findall(r"^\*\*\{doc\}`([a-z_]+)`\*\*$", page, flags=re.M)
    assert headings == ["index", "leverage"]
    index_part = page.split("**{doc}`index`**", 1)[1].split("**{doc}`leverage`**", 1)[0]
    assert "China mine share per cent" in index_part and "usgs-mcs-2026" in index_part


def test_moved_lines_list_what_an_update_moved():
    lines = changes.moved_lines(BEFORE, AFTER, "the published report")
    assert lines[0] == "key figures that moved since the published report: 5"
    assert "  leverage:" in lines
    assert ("    China's magnet exports in the latest month: 5,238 → 5,406 t"
            " (china_magnet_exports_monthly; reuters-2026-05-20)") in lines
    assert "    Mine year: 2024 → 2025" in lines
    assert "    Number of end passed: 7 → 12" in lines
    assert "    Exports latest month: March 2026 → April 2026" in lines
    assert changes.moved_lines(AFTER, AFTER, "x") == []


def test_moved_since_published_reads_the_published_record_or_a_chosen_edition(tmp_path, monkeypatch):
    site = tmp_path / "html"
    assert changes.moved_since_published(site, AFTER) == []  # nothing published yet: nothing to say
    manifest.write_record(BEFORE, site / manifest.RECORD_URL)
    assert changes.moved_since_published(site, AFTER)[0].startswith("key figures that moved since the published report")
    editions = tmp_path / "editions"
    editions.mkdir()
    (editions / "trial.json").write_text(json.dumps(AFTER), encoding="utf-8")
    monkeypatch.setenv(changes.COMPARE_ENV, "trial")
    assert changes.moved_since_published(site, AFTER, editions) == []  # the same figures
    monkeypatch.setenv(changes.COMPARE_ENV, "missing")
    assert changes.moved_since_published(site, AFTER, editions)[0].startswith("warning: REPORT_COMPARE_WITH=missing")
