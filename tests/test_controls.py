"""Tests for scripts/analysis/controls.py."""

import pandas as pd
import pytest

from analysis import controls as k

SUSPENSION = {
    "event_id": "mofcom-2025-70", "date": "2025-11-07", "effective_date": "2025-11-07",
    "scheduled_end": "2026-11-10", "status": "in_force", "status_confirmed": "2025-12-18",
    "instrument": "MOFCOM/GAC Announcement 2025 No. 70",
}
APRIL = {
    "event_id": "mofcom-2025-18", "date": "2025-04-04", "effective_date": "", "scheduled_end": None,
    "status": "in_force", "status_confirmed": "2025-12-18", "instrument": "No. 18",
}
OCTOBER = {
    "event_id": "mofcom-2025-57", "date": "2025-10-09", "effective_date": "2025-11-08", "scheduled_end": "",
    "status": "suspended", "status_confirmed": "2025-11-07", "instrument": "MOFCOM/GAC Announcement 2025 No. 57",
}


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2025-11-01", "not_announced"),
        ("2025-11-07", "in_force"),
        ("2026-11-10", "in_force"),  # the end day itself still counts
        ("2026-11-11", "end_passed_unconfirmed"),
        ("2026-11-25", "end_passed_unconfirmed"),
    ],
)
def test_scheduled_end_before_and_after(as_of, expected):
    assert k.status_on(SUSPENSION, as_of) == expected


def test_end_passed_but_confirmed_afterwards_keeps_recorded_status():
    later = dict(SUSPENSION, status="expired", status_confirmed="2026-11-12")
    assert k.status_on(later, "2026-11-25") == "expired"


def test_announced_but_not_effective():
    assert k.status_on(OCTOBER, "2025-10-20") == "announced"


def test_change_not_dated_by_sources():
    changed = dict(OCTOBER, effective_date="2025-10-09", status_confirmed="2025-11-20")
    assert k.status_on(changed, "2025-11-10") == "unconfirmed_change"
    assert k.status_on(changed, "2025-11-20") == "suspended"


def test_empty_effective_date_means_on_announcement():
    assert k.status_on(APRIL, "2025-04-04") == "in_force"
    assert k.status_on(APRIL, "2025-04-03") == "not_announced"


@pytest.mark.parametrize(
    "event, as_of, message",
    [
        (APRIL, "25/11/2026", "not an ISO date"),
        (dict(APRIL, status="paused"), "2025-05-01", "is not one of"),
        (dict(APRIL, date=""), "2025-05-01", "has no date"),
        (dict(SUSPENSION, scheduled_end="2025-01-01"), "2025-12-01", "before the effective date"),
    ],
)
def test_bad_inputs_raise(event, as_of, message):
    with pytest.raises(ValueError, match=message):
        k.status_on(event, as_of)


def test_table_and_sentence_follow_as_of():
    events = pd.DataFrame([APRIL, OCTOBER, SUSPENSION])
    after = k.status_table(events, "2026-11-25")
    assert list(after["status_as_of"]) == ["in_force", "suspended", "end_passed_unconfirmed"]
    ends = k.scheduled_ends(after, "2026-11-25")
    assert ends["outcome"] == "end_passed" and [r["end"] for r in ends["passed"]] == ["10 November 2026"]
    assert "No. 70" in ends["passed"][0]["measure"]
    assert "does not guess" in ends_sentence(ends)
    before = k.status_table(events, "2026-01-15")
    assert "end_passed_unconfirmed" not in set(before["status_as_of"])
    ends = k.scheduled_ends(before, "2026-01-15")
    assert (ends["outcome"], ends["next_end"], ends["passed"]) == ("next_end", "10 November 2026", [])
    assert "no scheduled end date has passed" in ends_sentence(ends)
    assert k.counts(after)["in_force"] == 1


def test_empty_timeline_raises():
    with pytest.raises(ValueError, match="empty"):
        k.status_table(pd.DataFrame(columns=list(APRIL)), "2026-01-01")


def test_long_date():
    assert k.long_date("2017-12-08") == "8 December 2017"


def test_suspended_measure_follows_its_suspension():
    suspension = dict(SUSPENSION, category="suspension")
    october = dict(OCTOBER, effective_date="2025-10-09", category="elements")
    events = pd.DataFrame([dict(APRIL, category="elements"), october, suspension])
    assert k.governing_suspension(october, events)["event_id"] == "mofcom-2025-70"
    assert k.governing_suspension(dict(APRIL, category="elements"), events) is None
    by_date = {d: k.status_table(events, d).set_index("event_id")["status_as_of"]["mofcom-2025-57"]
               for d in ["2025-10-08", "2025-10-20", "2025-11-07", "2026-11-10", "2026-11-25"]}
    assert by_date == {
        "2025-10-08": "not_announced",
        "2025-10-20": "in_force",
        "2025-11-07": "suspended",
        "2026-11-10": "suspended",
        "2026-11-25": "end_passed_unconfirmed",
    }


def test_sentence_names_the_suspended_measures():
    suspension = dict(SUSPENSION, category="suspension")
    october = dict(OCTOBER, effective_date="2025-10-09", category="elements")
    table = k.status_table(pd.DataFrame([october, suspension]), "2026-11-25")
    ends = k.scheduled_ends(table, "2026-11-25")
    assert [(r["suspends_any"], r["suspends"]) for r in ends["passed"]] == [(True, "No. 57 of 2025")]
    sentence = ends_sentence(ends)
    assert "MOFCOM/GAC Announcement 2025 No. 70 was scheduled to end on 10 November 2026 (it suspended No. 57 of 2025)" in sentence
    assert "7 November 2025" not in sentence or "confirms its status on 18 December 2025" in sentence


def test_a_suspension_whose_own_row_has_no_end_is_named_with_what_it_suspended():
    """A measure past its suspension's end, the suspension itself not listed as passed: named
    alone ("only") or after the listed measures ("also")."""
    suspension = dict(SUSPENSION, category="suspension", scheduled_end="", status="in_force")
    october = dict(OCTOBER, effective_date="2025-10-09", category="elements")
    table = k.status_table(pd.DataFrame([october, suspension]), "2026-11-25")
    table.loc[table["event_id"] == october["event_id"], "status_as_of"] = "end_passed_unconfirmed"
    table.loc[table["event_id"] == october["event_id"], "suspended_by"] = "elsewhere"
    ends = k.scheduled_ends(table, "2026-11-25")
    assert (ends["outcome"], ends["passed"], ends["orphans"]) == ("end_passed", [], october["instrument"])
    assert f"As of 25 November 2026, the suspension of {october['instrument']} has also passed" in ends_sentence(ends)


def test_short_label_and_chart_rows_merge_same_day_events():
    assert k.short_label("MOFCOM/GAC Announcement 2025 No. 18") == "No. 18 (2025)"
    assert k.short_label("State Council Regulations on Export Control of Dual-Use Items") == "State Council Regulations"
    events = pd.DataFrame([
        dict(OCTOBER, event_id="a", instrument="Announcement 2025 No. 55", category="package", measure="x"),
        dict(OCTOBER, event_id="b", instrument="Announcement 2025 No. 56", category="package", measure="y"),
        dict(SUSPENSION, category="suspension", measure="z"),
    ])
    table = k.status_table(events, "2026-01-01")
    rows = k.chart_rows(table.assign(status_text=table["status_as_of"].map({"in_force": "in force", "suspended": "paused"})))
    assert list(rows["label"]) == ["Nos. 55, 56 (2025)", "No. 70 (2025)"]
    assert list(rows["status"]) == ["paused", "in force"]  # the words the caller gives each status
    assert rows.loc[1, "scheduled_end"] == "2026-11-10"


def test_a_suspension_governs_only_its_own_sides_measures():
    """China's No. 72 (9 Nov 2025) does not suspend a US rule; the US suspension of 10 Nov 2025 does."""
    rule = {"event_id": "us-rule", "date": "2025-09-29", "effective_date": "2025-09-29", "scheduled_end": "",
            "status": "suspended", "status_confirmed": "2025-11-10", "side": "United States", "category": "regulation",
            "instrument": "BIS rule"}
    china = dict(SUSPENSION, event_id="cn-72", date="2025-11-09", effective_date="2025-11-09", scheduled_end="2026-11-27",
                 side="China", category="suspension")
    us = dict(SUSPENSION, event_id="us-susp", date="2025-11-10", effective_date="2025-11-10", scheduled_end="2026-11-09",
              side="United States", category="suspension")
    events = pd.DataFrame([rule, china, us])
    assert k.governing_suspension(rule, events)["event_id"] == "us-susp"
    assert k.status_of(events, "us-rule", "2026-11-09") == "suspended"
    assert k.status_of(events, "us-rule", "2026-11-10") == "end_passed_unconfirmed"
    # without the US suspension, China's does not stand in for it
    alone = pd.DataFrame([rule, china])
    assert k.governing_suspension(rule, alone) is None


def test_status_of_is_the_tables_answer_for_every_measure_of_the_timeline():
    from analysis import datasets
    from chapters import DATA

    timeline = datasets.load("export_control_timeline", DATA)
    for as_of in ("2025-06-01", "2025-12-15", "2026-11-10", "2026-12-01"):
        table = k.status_table(timeline, as_of).set_index("event_id")["status_as_of"]
        assert {e: k.status_of(timeline, e, as_of) for e in timeline["event_id"]} == table.to_dict()
    with pytest.raises(ValueError, match="expected one"):
        k.status_of(timeline, "no-such-measure", "2026-12-01")


def test_general_licences_in_force_and_both_sides_lapsed_on_the_reports_date():
    from analysis import datasets
    from chapters import DATA

    timeline = datasets.load("export_control_timeline", DATA)
    table = k.status_table(timeline, "2026-12-01")
    licences = table[table["instrument"].str.startswith("General licences")]
    assert list(licences["status_as_of"]) == ["in_force"]
    passed = table[table["status_as_of"] == "end_passed_unconfirmed"]
    assert set(passed["side"]) == {"China", "United States"}
    sentence = ends_sentence(k.scheduled_ends(table, "2026-12-01"))
    assert "in the data" not in sentence and "does not guess" in sentence


def ends_sentence(ends: dict) -> str:
    """The scheduled-end finding as the geopolitics page words it (its status figure's ``ends``,
    in book/geopolitics.md) for the values ``scheduled_ends`` returns."""
    from pathlib import Path

    from analysis import wordings

    page = (Path(__file__).resolve().parents[1] / "book" / "geopolitics.md").read_text(encoding="utf-8")
    templates = wordings.figure_texts(page)["fig-geopolitics-status"]
    orphans = "none" if not ends["orphans"] else "also" if ends["passed"] else "only"
    values = {"as_of_text": ends["as_of"], "ends_outcome": ends["outcome"], "ends_passed_measures": ends["passed"],
              "ends_orphans": ends["orphans"], "ends_orphans_case": orphans, "ends_next_date": ends["next_end"],
              "ends_next_measure": ends["next_label"]}
    return wordings.figure_fields({"words": templates["words"]}, values, {})["ends"]
