"""China's monthly rare-earth magnet exports: the 2025 collapse, its trough and the recovery.

Model. The series is ``china_magnet_exports_monthly`` (t per month, by destination). Each month
is either ``reported`` (customs figures as reported) or ``derived`` (worked out from cumulative
totals or growth rates, e.g. February and March 2025). Functions here:

- ``series`` — one destination's months as a table with a ``date`` column (first of the month);
- ``trough`` — the lowest month within a window (e.g. April–June 2025);
- ``before`` — the last month before a date (the pre-control level), optionally only among
  *reported* months so that a derived figure is never presented as reported;
- ``recovery`` — the first month after the trough at or above a reference level;
- ``destination_share`` — a destination's share of the World total in the months both exist.

Assumptions: months are ``YYYY-MM``; a month with no row is not reported (it is not zero).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

WORLD = "World"


def _month_start(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{str(text)[:7]}-01")
    except ValueError:
        raise ValueError(f"month {text!r} is not YYYY-MM") from None


def month_name(month: str) -> str:
    """``2025-05`` → ``May 2025``."""
    return f"{_month_start(month):%B %Y}"


def series(frame: pd.DataFrame, destination: str = WORLD) -> pd.DataFrame:
    """One destination's months, oldest first, with a ``date`` (datetime) column."""
    rows = frame[(frame["destination"] == destination) & frame["exports"].notna()].copy()
    if rows.empty:
        raise ValueError(f"no magnet-export months for destination {destination!r}")
    if (rows["exports"] < 0).any():
        raise ValueError("exports cannot be negative")
    if rows["month"].duplicated().any():
        raise ValueError(f"duplicate months for {destination!r}: {sorted(rows.loc[rows['month'].duplicated(), 'month'])}")
    rows["date"] = pd.to_datetime([_month_start(m) for m in rows["month"]])
    rows["exports"] = rows["exports"].astype(float)
    return rows.sort_values("date").reset_index(drop=True)


def trough(months: pd.DataFrame, start: str, end: str) -> dict:
    """The lowest month between ``start`` and ``end`` (``YYYY-MM``, inclusive)."""
    lo, hi = _month_start(start), _month_start(end)
    if hi < lo:
        raise ValueError(f"window end {end} is before its start {start}")
    window = months[(months["date"].dt.date >= lo) & (months["date"].dt.date <= hi)]
    if window.empty:
        raise ValueError(f"no months between {start} and {end}")
    row = window.loc[window["exports"].idxmin()]
    return {"month": str(row["month"]), "exports": float(row["exports"]), "basis": str(row["basis"])}


def before(months: pd.DataFrame, month: str, *, reported_only: bool = False) -> dict:
    """The last month before ``month`` (optionally the last *reported* one)."""
    cut = _month_start(month)
    rows = months[months["date"].dt.date < cut]
    if reported_only:
        rows = rows[rows["basis"] == "reported"]
    if rows.empty:
        kind = "reported " if reported_only else ""
        raise ValueError(f"no {kind}month before {month}")
    row = rows.iloc[-1]
    return {"month": str(row["month"]), "exports": float(row["exports"]), "basis": str(row["basis"])}


def recovery(months: pd.DataFrame, after: str, level: float) -> dict | None:
    """The first month after ``after`` whose exports reach ``level``; None if none does."""
    if level < 0:
        raise ValueError("a recovery level cannot be negative")
    cut = _month_start(after)
    rows = months[(months["date"].dt.date > cut) & (months["exports"] >= level)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {"month": str(row["month"]), "exports": float(row["exports"]), "basis": str(row["basis"])}


def destination_share(frame: pd.DataFrame, destination: str) -> pd.DataFrame:
    """Per month: the destination's exports, the World total and the destination's share (%),
    for the months in which both are given."""
    part = series(frame, destination)[["month", "date", "exports", "source_id"]]
    world = series(frame, WORLD)[["month", "exports", "source_id"]]
    both = part.merge(world, on="month", suffixes=("", "_world"))
    if both.empty:
        raise ValueError(f"no month has both {destination!r} and World exports")
    if (both["exports"] > both["exports_world"]).any():
        raise ValueError(f"{destination} exports exceed the World total in some month")
    both["share_pct"] = 100.0 * both["exports"] / both["exports_world"]
    return both.rename(columns={"exports_world": "world"})


def back_above_year_earlier(months: pd.DataFrame, after: str) -> dict | None:
    """The first month after ``after`` whose exports are at or above the same month a year
    earlier (only months whose year-earlier figure is in the data count). None if none is."""
    cut = _month_start(after)
    by_month = dict(zip(months["month"], months["exports"]))
    for row in months[months["date"].dt.date > cut].to_dict("records"):
        d = row["date"].date()
        earlier = f"{d.year - 1:04d}-{d.month:02d}"
        if earlier in by_month and row["exports"] >= by_month[earlier]:
            return {"month": row["month"], "exports": float(row["exports"]), "basis": row["basis"],
                    "year_earlier": float(by_month[earlier]), "year_earlier_month": earlier}
    return None
