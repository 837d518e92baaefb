"""What changed, for readers and analysts: plain labels, years as years, grouped by chapter with the
dataset and sources; the build's closing list of key figures that moved since the published report."""

from __future__ import annotations

import json
import re

from pipeline.config import ROOT as REPO, load_site
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
    page = changes.summarise(AFTER, BEFORE)
    tables = page.tables
    assert "mine_year" not in tables and "n_end_passed" not in tables and "n end passed" not in tables
    assert "| Mine year | 2024 | 2025 |" in tables  # not "2,024"
    assert "2,02" not in tables
    assert "| China's magnet exports in the latest month | 5,238 t | 5,406 t | china\\_magnet\\_exports\\_monthly" in tables
    assert "| Exports latest month | March 2026 | April 2026 |" in tables  # a month moved: listed, as a month
    assert page.n_worded == 1 and "sentence" not in tables  # the long sentence is counted, not quoted
    assert (page.figures_case, page.n_changed) == ("many", 5)


def test_page_groups_by_chapter_with_dataset_and_sources():
    tables = changes.summarise(AFTER, BEFORE).tables
    headings = re.findall(r"^\*\*\{doc\}`([a-z_]+)`\*\*$", tables, flags=re.M)
    assert headings == ["index", "leverage"]
    index_part = tables.split("**{doc}`index`**", 1)[1].split("**{doc}`leverage`**", 1)[0]
    assert "China mine share per cent" in index_part and "usgs-mcs-2026" in index_part


def test_page_values_name_the_editions_and_the_updated_datasets():
    page = changes.summarise(AFTER, BEFORE)
    assert (page.edition, page.edition_date) == ("second edition", "1 December 2026")
    assert (page.comparison, page.previous_edition, page.previous_date) == ("compared", "Second edition", "25 November 2026")
    assert (page.data_case, page.datasets_updated) == ("updated", "`mine.csv`")
    first = changes.summarise(AFTER, None)
    assert (first.comparison, first.data_case, first.figures_case, first.tables) == ("first", "first", "first", "")
    same = changes.summarise(AFTER, dict(AFTER, edition={"name": "First edition", "date": "2026-11-01"}))
    assert (same.data_case, same.figures_case, same.n_worded, same.tables) == ("none", "none", 0, "")


def test_every_value_of_the_page_has_its_wording_in_book():
    """book/what_changed.md words each case the module can return (first edition, no change, one
    figure, many), so no build meets a value without its sentence."""
    from analysis.wordings import choices, pick

    source = (REPO / "book" / "what_changed.md").read_text(encoding="utf-8")
    blocks = {choice.by: list(choice.cases) for choice in choices(source)}
    assert set(blocks) == {"comparison", "data_case", "n_worded", "figures_case"}
    one = record({"leverage": {"mine_year": fig(2025, "mine year")}})
    pages = [changes.summarise(AFTER, BEFORE), changes.summarise(AFTER, None), changes.summarise(AFTER, AFTER),
             changes.summarise(one, dict(one, figures={"leverage": {"mine_year": fig(2024, "mine year")}},
                                         edition={"name": "First", "date": "2026-01-01"}))]
    assert {p.figures_case for p in pages} == {"many", "first", "none", "one"}
    for page in pages:
        for by, cases in blocks.items():
            assert pick(cases, getattr(page, by)) is not None, (by, getattr(page, by))


def test_page_computes_the_record_itself_when_built_by_jupyter_book(built_site):
    """Without a record (``jupyter-book build book/``) the page computes each chapter's key figures
    from its module and parameters cell: the same figures, inputs and provenance as the build's record."""
    site = load_site(REPO)
    assert [c.name for c in site.record_pages] == ["what_changed"]
    computed = changes.computed_record(site, REPO / "data")
    built = json.loads((built_site / manifest.RECORD_URL).read_text(encoding="utf-8"))
    assert computed["inputs"] == built["inputs"] and set(computed["figures"]) == set(built["figures"])
    for chapter, figures in built["figures"].items():
        assert computed["figures"][chapter] == {name: {k: v for k, v in item.items() if k != "text"}
                                                for name, item in figures.items()}, chapter


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
