"""The report's one date style: "1 December 2026", with its one table of month names."""

from __future__ import annotations

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def to_day(value) -> dt.date | None:
    """A date, datetime, pandas Timestamp or ISO string (``2026-12-01``, time allowed) as a date;
    None, NaN, NaT, pd.NA and "" as None; anything else → ValueError."""
    if value is None or type(value).__name__ == "NAType" or (not isinstance(value, str) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def long_date(value) -> str:
    """``2026-12-01`` (or a date) → ``1 December 2026``; a missing date is an error, never a blank."""
    day = to_day(value)
    if day is None:
        raise ValueError("no date to write")
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
