"""Chapter "The geopolitics": statuses at the report's as-of date, both sides of the bargain, the
frameworks, and figures that follow the data (analysis/chapters/geopolitics.py, computed without a
kernel; one kernel run checks the notebook)."""

import datetime as dt

import pandas as pd
import pytest
import yaml

from analysis import controls, datasets
from chapters import DATA, REPO, compute, copy_data, read_rows, run_chapter, wordings_of, write_rows

AS_OF = yaml.safe_load((REPO / "book" / "_config.yml").read_text(encoding="utf-8"))["report"]["as_of"]


def as_of_day():
    return controls.to_date(str(AS_OF))


@pytest.fixture(scope="module")
def default():
    return compute("geopolitics", as_of=str(AS_OF))


@pytest.fixture(scope="module")
def timeline():
    return datasets.load("export_control_timeline", DATA)


def test_the_chapter_defaults_to_the_reports_as_of_date(default):
    assert compute("geopolitics") == default
    assert default["as_of_text"] == controls.long_date(as_of_day())


def test_a_scheduled_end_passed_with_no_later_source_is_end_passed(timeline):
    """Read from the rows themselves: every measure whose own scheduled end is before as_of and whose
    status no source confirmed after that end is "end passed, outcome unconfirmed"; so is every measure
    suspended under such a suspension."""
    from analysis.chapters import geopolitics

    shown = geopolitics.statuses(DATA, str(AS_OF))
    lapsed = {r["event_id"] for r in timeline.to_dict("records")
              if controls.to_date(r["scheduled_end"]) and controls.to_date(r["scheduled_end"]) < as_of_day()
              and (controls.to_date(r["status_confirmed"]) or dt.date.min) <= controls.to_date(r["scheduled_end"])}
    assert lapsed, "no scheduled end passed by the as-of date: this test no longer tests anything"
    for event_id in lapsed:
        assert shown[event_id] == "end_passed_unconfirmed", event_id
    table = controls.status_table(timeline, str(AS_OF))
    under = table[table["suspended_by"].isin(lapsed)]
    assert len(under) and set(under["status_as_of"]) == {"end_passed_unconfirmed"}


def test_the_general_licences_are_in_force_and_fall_due_a_year_on(default, timeline):
    row = timeline[timeline["instrument"].str.startswith("General licences")].iloc[0]
    assert row["status"] == "in_force" and controls.to_date(row["date"]) <= as_of_day()
    assert default["gl_status"] == "in force"
    assert default["gl_first_date"] == controls.long_date(row["date"])
    assert default["gl_confirmed"] == controls.long_date(row["status_confirmed"])
    first = controls.to_date(row["date"])
    assert default["gl_due"] == controls.long_date(first.replace(year=first.year + 1))


def test_both_sides_of_the_bargain_are_shown(default, timeline):
    sides = timeline["side"].value_counts()
    assert default["n_us_measures"] == sides["United States"] > 0
    assert default["n_china_measures"] == sides["China"] > 0
    assert default["n_measures"] == len(timeline)
    from analysis.chapters import geopolitics

    chapter = geopolitics.compute(DATA, as_of=str(AS_OF))
    strands = set(chapter.figures["fig-geopolitics-sequence"].data["strand"])
    assert {"China's export controls", "US measures"} <= strands
    measures = list(chapter.figures["fig-geopolitics-status"].data["measure"])
    assert sum(m.startswith("US: ") for m in measures) == sides["United States"]
    us = timeline[timeline["side"] == "United States"]
    suspension = us[us["category"] == "suspension"].iloc[0]
    assert default["affiliates_suspension_end"] == controls.long_date(suspension["scheduled_end"])


def test_the_key_point_and_the_unknown_are_said_once_each(default):
    """The scheduled ends passed by as_of are stated in one key point and one paragraph, with dates."""
    assert default["ends_outcome"] == "end_passed"
    assert default["ends_passed_n"] == default["ends_passed_china_n"] + default["ends_passed_us_n"]
    assert default["ends_passed_china_n"] > 0 and default["ends_passed_us_n"] > 0
    assert default["ends_passed_first"] in default["ends_key_point"]
    assert default["ends_passed_last"] in default["ends_key_point"]
    for end in ("no70_end", "no72_end", "affiliates_suspension_end", "truce_end"):
        assert default[end] in default["ends_unknown"]
    text = (REPO / "book" / "geopolitics.md").read_text(encoding="utf-8")
    assert text.count("wording: ends_unknown\n") == 1 and text.count("wording: ends_key_point\n") == 1
    assert "in the data" not in default["ends_unknown"] + default["ends_key_point"]


def test_as_of_before_every_scheduled_end():
    earlier = compute("geopolitics", as_of="2025-12-15")
    assert earlier["n_end_passed"] == 0 and earlier["ends_outcome"] == "next_end"
    assert earlier["no70_status"] == "in force" and earlier["affiliates_rule_status"] == "suspended"
    assert earlier["ends_key_point"].endswith(f"the first scheduled end is {earlier['ends_next_date']}.")
    assert "not known" not in earlier["ends_unknown"]


def test_as_of_before_the_april_controls():
    before = compute("geopolitics", as_of="2025-03-01")
    assert before["april_status"] == "not yet announced"


def test_the_statuses_are_the_one_functions_answer_on_every_page(monkeypatch, timeline):
    """One function: every status the geopolitics and leverage chapters compute comes from
    controls.status_on, and the two give the same status for every shared measure on the same date."""
    from analysis.chapters import geopolitics, leverage

    seen: dict[str, dict] = {"geopolitics": {}, "leverage": {}}
    real = controls.status_on
    current = {}

    def spy(event, as_of, suspension=None):
        code = real(event, as_of, suspension)
        seen[current["module"]][(event.get("event_id"), str(controls.to_date(as_of)))] = code
        return code

    monkeypatch.setattr(controls, "status_on", spy)
    current["module"] = "geopolitics"
    geopolitics.compute(DATA, as_of=str(AS_OF))
    assert {e for e, _ in seen["geopolitics"]} == set(timeline["event_id"])
    for (event_id, _), code in seen["geopolitics"].items():
        assert code == controls.status_of(timeline, event_id, str(AS_OF))
    current["module"] = "leverage"
    leverage.compute(DATA, as_of=str(AS_OF))
    shared = set(seen["geopolitics"]) & set(seen["leverage"])
    assert shared, "the leverage chapter computed no status through controls.status_on"
    assert {k: seen["leverage"][k] for k in shared} == {k: seen["geopolitics"][k] for k in shared}


def test_frameworks_show_forge_and_no_false_categories(default):
    from analysis.chapters import geopolitics

    frame = geopolitics.compute(DATA, as_of=str(AS_OF)).figures["fig-geopolitics-frameworks"].data
    assert set(frame["status"]) <= {"member", "supports, not a member", "not a member", "not recorded"}
    assert any("FORGE" in f for f in frame["framework"])
    assert [f for f in frame["framework"].unique() if f.startswith("MSP")] == ["MSP (to February 2026)"]
    members = datasets.load("framework_membership", DATA)
    for country in ("Japan", "Australia"):
        assert set(members.loc[members["country"] == country, "member"]) == {"yes"}
    assert default["forge_date"] == default["forge_india_since"]


def test_a_missing_membership_reads_not_recorded(tmp_path):
    data = copy_data(tmp_path)
    rows = read_rows(data / "framework_membership.csv")
    kept = [r for r in rows if not (r["country"] == "Japan" and r["framework"].startswith("Minerals Security"))]
    write_rows(data / "framework_membership.csv", kept)
    from analysis.chapters import geopolitics

    chapter = geopolitics.compute(data, as_of=str(AS_OF))
    frame = chapter.figures["fig-geopolitics-frameworks"].data
    cell = frame[(frame["country"] == "Japan") & frame["framework"].str.startswith("MSP")]
    assert list(cell["status"]) == ["not recorded"] and chapter["frameworks_not_recorded_n"] == 1


def test_editing_the_data_changes_the_values(tmp_path, default):
    data = copy_data(tmp_path)
    rows = read_rows(data / "china_magnet_exports_monthly.csv")
    month = pd.Period(pd.Timestamp(f"1 {default['us_share_min_month']}"), "M").strftime("%Y-%m")
    for row in rows:
        if row["month"] == month and row["destination"] == "United States":
            row["exports"] = str(float(row["exports"]) / 2)
    write_rows(data / "china_magnet_exports_monthly.csv", rows)
    edited = compute("geopolitics", data, as_of=str(AS_OF))
    assert edited["us_share_min_pct"] < default["us_share_min_pct"]


def test_a_later_source_changes_the_status(tmp_path):
    """A source confirming No. 70 after its end moves it out of 'end passed' (and the wording follows)."""
    data = copy_data(tmp_path)
    rows = read_rows(data / "export_control_timeline.csv")
    for row in rows:
        if "2025 No. 70" in row["instrument"]:
            row["status"], row["status_confirmed"] = "expired", str(as_of_day())
    write_rows(data / "export_control_timeline.csv", rows)
    edited = compute("geopolitics", data, as_of=str(AS_OF))
    assert edited["no70_status"] == "expired"


def test_the_notebook_glues_what_the_module_computes(tmp_path, default):
    """The one kernel run: the chapter notebook executes and glues the module's values and its wordings."""
    glued = run_chapter("geopolitics", tmp_path)
    # the page, not the kernel, words the wordings; a row set (a list the page's figure texts fill
    # row by row, Chapter.rows) is not a key figure and is not glued
    computed = {k: v for k, v in default.items() if k not in wordings_of("geopolitics") and not isinstance(v, list)}
    assert "ends_passed_measures" in default and "ends_passed_measures" not in glued
    assert {k: glued[k] for k in computed} == computed


def test_the_precedent_lists_chinas_2026_measures_against_named_countries_and_companies(timeline):
    """The precedent section: every China end-use measure dated in 2026 up to the as-of date, in date
    order, with no internal identifiers in the reader's table; the counts quoted follow the rows."""
    from analysis.chapters import Chapter, geopolitics

    ch = Chapter(DATA, page="geopolitics")  # the status words are the page's
    table = geopolitics.precedent(ch, timeline, as_of_day())
    expected = timeline[(timeline["side"] == "China") & (timeline["category"] == "end_use")
                        & (timeline["date"].astype(str) >= "2026-01-01")]
    expected = expected[expected["date"].map(lambda d: controls.to_date(d) <= as_of_day())]
    assert len(table) == ch["precedent_n"] == len(expected) > 0
    assert list(table["Instrument"]) == list(expected.sort_values("date")["instrument"])
    assert ch["precedent_japan_n"] == sum("Japan" in m for m in expected["measure"])
    cells = " ".join(" ".join(map(str, table[c])) for c in table.columns)
    assert not __import__("re").search(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+-\d{4}-\d{2}", cells), cells
    # a measure dated after the as-of date is not yet part of the precedent
    early = Chapter(DATA, page="geopolitics")
    assert len(geopolitics.precedent(early, timeline, dt.date(2026, 2, 1))) == 1
    assert early["precedent_first"] == early["precedent_last"] == "6 January 2026"


def test_the_status_counts_the_page_gives_add_up_to_every_measure():
    """The page lists each status with its count (book/geopolitics.md): together they are every measure."""
    from analysis.chapters import geopolitics

    ch = geopolitics.compute(DATA)
    parts = ("n_in_force", "n_suspended", "n_end_passed", "n_ended", "n_changed", "n_unknown", "n_not_yet")
    assert sum(ch[p] for p in parts) == ch["n_measures"]
    page = (REPO / "book" / "geopolitics.md").read_text(encoding="utf-8")
    assert all(f"{{glue:text}}`{p}:d`" in page for p in parts)
