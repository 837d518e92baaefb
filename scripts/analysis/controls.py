"""The status of each export-control measure or event on a given date.

Model. Each row of ``export_control_timeline`` records what a source last confirmed: a status
(in_force, suspended, superseded, expired, unknown) and the date it was confirmed
(``status_confirmed``), with the measure's own dates (``date`` announced, ``effective_date``,
``scheduled_end``). For a date ``as_of`` the status is, in this order:

1. ``not_announced`` — ``as_of`` is before the announcement date;
2. ``announced`` — announced but before its effective date;
3. ``end_passed_unconfirmed`` — a scheduled end date has passed and no source confirms what
   followed (status confirmed before the end date, or never). The report then says so, rather
   than guess whether the measure lapsed, was extended or replaced;
4. ``unconfirmed_change`` — the recorded status is not "in force", and ``as_of`` falls between the
   effective date and the date the sources confirm that status: the measure took effect, and by
   the confirmation date it had been suspended (or superseded…), but the sources in the data do
   not date the change relative to ``as_of``;
5. for a measure recorded as suspended, the suspension it is under (inferred, see
   ``governing_suspension``) decides: in force before the suspension, suspended during it, and
   ``end_passed_unconfirmed`` after the suspension's scheduled end unless a later source confirms;
6. otherwise the recorded status (a measure recorded as in force is assumed to have stayed in
   force from its effective date; one confirmed after its scheduled end keeps its recorded
   status, e.g. ``expired``).

Assumptions: dates are ISO ``YYYY-MM-DD``; an empty effective date means "on announcement"; a
scheduled end is the last day the measure (or the suspension) runs, so it still holds on that day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from masthead.dates import long_date

STATUSES = ("in_force", "suspended", "superseded", "expired", "unknown")
# every status code ``status_on`` gives: the recorded ones, then those worked out from the dates. The
# words a reader sees for each (and a shorter form for chart labels) are written in the pages that
# show them, in a ``{words} status`` block (analysis.wordings.word_lists; Chapter.words)
STATUS_CODES = (*STATUSES, "not_announced", "announced", "end_passed_unconfirmed", "unconfirmed_change")


def to_date(value, *, what: str = "date") -> dt.date | None:
    """An ISO date string (or date) as a date; empty → None; anything else → ValueError."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not an ISO date (YYYY-MM-DD)") from None


def _announcement(instrument) -> tuple[str, str] | None:
    """("2025", "55") for "MOFCOM/GAC Announcement 2025 No. 55"; None for an instrument without a number."""
    import re

    found = re.search(r"(\d{4}) No\. (\d+)", str(instrument or ""))
    return (found[1], found[2]) if found else None


def _suspended_numbers(measure) -> set[tuple[str, str]]:
    """The announcements a suspension's text names: "Suspends Announcements 2025 Nos. 55, 56 and 62"
    → {("2025", "55"), ("2025", "56"), ("2025", "62")}."""
    import re

    out = set()
    for year, numbers in re.findall(r"Announcements? (\d{4}) Nos?\. ((?:\d+(?:, | and )?)+)", str(measure or "")):
        out |= {(year, n) for n in re.findall(r"\d+", numbers)}
    return out


def governing_suspension(event, events: pd.DataFrame):
    """The suspension that a row recorded as ``suspended`` is under, or None.

    The timeline does not link a suspended measure to the instrument that suspended it, so it
    is inferred: the latest event of category ``suspension`` of the same ``side`` (when the
    timeline has one) announced on or after the measure and on or before the date its suspended
    status was confirmed; a suspension whose text names the measure's announcement ("Suspends
    Announcements 2025 Nos. 55, 56, …") governs it whatever the dates. (Nos. 55–62 of 9 Oct 2025 →
    No. 70 of 7 Nov 2025, named; No. 46 of 2024 → No. 72 of 9 Nov 2025; the US Affiliates Rule →
    the BIS suspension of 10 Nov 2025.)
    """
    if event.get("status") != "suspended" or "category" not in events.columns:
        return None
    start = to_date(event.get("date"))
    confirmed = to_date(event.get("status_confirmed"))
    if start is None or confirmed is None:
        return None
    best = None
    side = _side(event)
    named = _announcement(event.get("instrument"))
    if named:  # a suspension whose text names the measure's announcement governs it, whatever its date
        for row in events[events["category"] == "suspension"].to_dict("records"):
            if row.get("event_id") != event.get("event_id") and named in _suspended_numbers(row.get("measure")):
                return row
    for row in events[events["category"] == "suspension"].to_dict("records"):
        if row.get("event_id") == event.get("event_id"):
            continue
        if side and _side(row) and _side(row) != side:
            continue  # a country suspends its own measures: China's No. 72 does not suspend a US rule
        day = to_date(row.get("date"))
        if day is not None and start <= day <= confirmed and (best is None or day > to_date(best["date"])):
            best = row
    return best


def status_on(event, as_of, suspension=None) -> str:
    """The status code of one event (a mapping with the timeline's columns) on ``as_of``.

    ``suspension`` is the suspension event a suspended measure is under (see
    ``governing_suspension``): before it the measure was in force; after its scheduled end,
    unless a later source confirms the status, what followed is unknown.
    """
    day = to_date(as_of, what="as_of")
    if day is None:
        raise ValueError("as_of is required (an ISO date)")
    name = event.get("event_id", "?")
    announced = to_date(event.get("date"), what=f"{name}: date")
    if announced is None:
        raise ValueError(f"{name}: the event has no date")
    effective = to_date(event.get("effective_date"), what=f"{name}: effective_date") or announced
    end = to_date(event.get("scheduled_end"), what=f"{name}: scheduled_end")
    confirmed = to_date(event.get("status_confirmed"), what=f"{name}: status_confirmed")
    status = event.get("status")
    status = None if status is None or status is pd.NA else str(status)
    if status not in STATUSES:
        raise ValueError(f"{name}: status {status!r} is not one of {STATUSES}")
    if effective < announced:
        effective = announced  # measures "effective on publication"
    if end is not None and end < effective:
        raise ValueError(f"{name}: scheduled_end {end} is before the effective date {effective}")

    if day < announced:
        return "not_announced"
    if day < effective:
        return "announced"
    if end is not None and day > end:
        if confirmed is None or confirmed <= end:
            return "end_passed_unconfirmed"
        return status
    if suspension is not None:
        paused = to_date(suspension.get("effective_date")) or to_date(suspension.get("date"))
        if day < paused:
            return "in_force"
        until = to_date(suspension.get("scheduled_end"))
        if until is not None and day > until and (confirmed is None or confirmed <= until):
            return "end_passed_unconfirmed"
        return status
    if status != "in_force" and confirmed is not None and day < confirmed:
        return "unconfirmed_change"
    return status


def status_table(events: pd.DataFrame, as_of) -> pd.DataFrame:
    """The timeline with ``status_as_of`` (the status code) and ``suspended_by`` (the governing
    suspension's event id) for the date ``as_of``."""
    if events.empty:
        raise ValueError("the export-control timeline is empty")
    out = events.copy()
    rows = events.to_dict("records")
    out["status_as_of"] = [status_on(row, as_of, governing_suspension(row, events)) for row in rows]
    out["suspended_by"] = [(governing_suspension(row, events) or {}).get("event_id") for row in rows]
    return out


def _side(row) -> str:
    value = row.get("side")
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def status_of(events: pd.DataFrame, event_id: str, as_of) -> str:
    """The status code of the measure ``event_id`` of the timeline ``events`` on ``as_of``: the
    one answer every page gives for that measure on that date (``status_table`` computes the same
    for all rows)."""
    rows = events[events["event_id"] == event_id].to_dict("records")
    if len(rows) != 1:
        raise ValueError(f"{event_id!r}: {len(rows)} rows in the timeline, expected one")
    return status_on(rows[0], as_of, governing_suspension(rows[0], events))


def scheduled_ends(table: pd.DataFrame, as_of, *, label: str = "instrument") -> dict:
    """What the chapter says about scheduled ends on ``as_of``, as values (its page words them).

    ``table`` is the output of ``status_table``. ``outcome`` is "end_passed" (some measure's
    scheduled end passed with no confirmation of what followed), "next_end" (``next_end`` and
    ``next_label``: the next scheduled end) or "no_end" (no scheduled end is recorded ahead).
    ``passed`` lists the measures whose own scheduled end passed, by end date, each with
    ``measure``, ``end``, ``suspends_any`` and ``suspends`` (the measures it suspended, as
    "Nos. 55, 56 and 62 of 2025"), ``confirmed_any`` and ``confirmed`` (the last date a source
    confirms its status); ``orphans`` names the suspended measures whose suspension's end passed
    though the suspension itself is not listed ("" when none).
    """
    day = to_date(as_of, what="as_of")
    passed = table[table["status_as_of"] == "end_passed_unconfirmed"]
    own_end = [to_date(v) is not None for v in passed["scheduled_end"]]
    primary = passed[own_end]
    result = {"as_of": long_date(day), "outcome": "no_end", "passed": [], "orphans": "", "next_end": "", "next_label": ""}
    if len(passed):
        rows = []
        for row in primary.sort_values("scheduled_end").to_dict("records"):
            deps = passed[passed["suspended_by"] == row["event_id"]] if "suspended_by" in passed else passed.iloc[0:0]
            confirmed = to_date(row.get("status_confirmed"))
            rows.append({"measure": row[label], "end": long_date(row["scheduled_end"]),
                         "suspends_any": bool(len(deps)), "suspends": _numbers(list(deps[label])) if len(deps) else "",
                         "confirmed_any": confirmed is not None, "confirmed": long_date(confirmed) if confirmed else ""})
        orphans = passed[[not o for o in own_end]]
        orphans = orphans[~orphans["suspended_by"].isin(list(primary["event_id"]))] if "suspended_by" in orphans else orphans
        return {**result, "outcome": "end_passed", "passed": rows, "orphans": _join(list(orphans[label])) if len(orphans) else ""}
    ends = [to_date(v) for v in table["scheduled_end"]]
    ahead = table[[e is not None and e >= day and s != "not_announced" for e, s in zip(ends, table["status_as_of"])]]
    if len(ahead):
        row = ahead.sort_values("scheduled_end").iloc[0]
        return {**result, "outcome": "next_end", "next_end": long_date(row["scheduled_end"]), "next_label": row[label]}
    return result


def _numbers(instruments: list[str]) -> str:
    """"Nos. 55, 56 and 62 (2025)" when every instrument is a numbered announcement of one year."""
    import re

    found = [re.search(r"(\d{4}) No\. (\d+)", str(i)) for i in instruments]
    if found and all(found) and len({f.group(1) for f in found}) == 1:
        nums = [f.group(2) for f in found]
        return (f"No. {nums[0]}" if len(nums) == 1 else f"Nos. {_join(nums)}") + f" of {found[0].group(1)}"
    return _join(instruments)


def _join(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def counts(table: pd.DataFrame) -> dict[str, int]:
    """How many events have each status code on the table's date."""
    return {code: int(n) for code, n in table["status_as_of"].value_counts().items()}


def short_label(instrument: str) -> str:
    """A short name for a chart label: "MOFCOM/GAC Announcement 2025 No. 18" → "No. 18 (2025)";
    an instrument without a number keeps its first words, ending on a word that ends a phrase
    ("State Council Regulations", never "State Council Regulations on…": a chart label is not cut
    short; the full name is in the tooltip and the data download)."""
    import re

    match = re.search(r"(\d{4}) No\. (\d+)", str(instrument))
    if match:
        return f"No. {match.group(2)} ({match.group(1)})"
    words = str(instrument).split()[:4]
    while len(words) > 1 and words[-1].lower() in _LINKING_WORDS:
        words.pop()
    return " ".join(words)


_LINKING_WORDS = {"on", "of", "for", "to", "the", "and", "in", "a", "an", "with", "by", "from"}


CATEGORY_LANES = {
    "technology": "Technology bans",
    "regulation": "Legal framework",
    "elements": "Element controls",
    "package": "October 2025 package",
    "licensing": "Licensing rules",
    "suspension": "Suspensions",
    "truce": "Truces",
}


def chart_rows(table: pd.DataFrame) -> pd.DataFrame:
    """One chart row per (date, lane): events of the same day in the same lane are merged, their
    short labels joined ("Nos. 55, 56, 58 (2025)"). Keeps date, scheduled_end, lane, label,
    status (the words of ``status_text``, a column the caller adds from its page's words) and the
    instruments' full names for tooltips."""
    data = table.copy()
    data["lane"] = data["category"].map(CATEGORY_LANES).fillna(data["category"])
    data["label"] = data["instrument"].map(short_label)
    rows = []
    for (day, lane), group in data.groupby(["date", "lane"], sort=True):
        labels = list(group["label"])
        if len(labels) > 1 and all(lbl.startswith("No. ") for lbl in labels):
            import re

            nums = [re.match(r"No\. (\d+) \((\d{4})\)", lbl) for lbl in labels]
            if all(nums) and len({n.group(2) for n in nums}) == 1:
                labels = [f"Nos. {', '.join(n.group(1) for n in nums)} ({nums[0].group(2)})"]
        ends = [v for v in group["scheduled_end"] if to_date(v) is not None]
        rows.append(
            {
                "date": day,
                "scheduled_end": max(ends) if ends else None,
                "lane": lane,
                "label": "; ".join(labels),
                "status": "; ".join(dict.fromkeys(group["status_text"])),
                "instrument": "; ".join(group["instrument"]),
                "measure": " | ".join(group["measure"].fillna("")),
            }
        )
    return pd.DataFrame(rows)
