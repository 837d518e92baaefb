"""China's magnet exports to India by month, where a figure is published, and the months where none is.

``read(ch, exports)`` takes ``china_magnet_exports_monthly`` and records: the months with an India
figure (reported or derived), the runs of months between the first India month and the latest World
month that have none, India's share of China's exports in the months both are given, and the
latest India month against the same month a year earlier where both exist. ``figure`` draws the
India months as dots (filled: reported; open: derived) joined only across consecutive months,
with the unpublished runs shaded, so that no line crosses a month without a figure. Its title,
subtitle, alt text and tooltip are in book/leverage.md ({figure-text} fig-leverage-exports-india).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import charts, magnet_exports

INDIA = "India"


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def missing_runs(months: list[str], start: str, end: str) -> list[tuple[str, str]]:
    """Runs (first, last) of the months from ``start`` to ``end`` (``YYYY-MM``) not in ``months``."""
    have, runs, run = {_index(m) for m in months}, [], None
    if _index(end) < _index(start):
        raise ValueError(f"end {end} is before start {start}")
    for i in range(_index(start), _index(end) + 1):
        if i in have:
            if run is not None:
                runs.append((_month(run), _month(i - 1)))
                run = None
        elif run is None:
            run = i
    if run is not None:
        runs.append((_month(run), end))
    return runs


def run_words(runs: list[tuple[str, str]]) -> str:
    """("2024-08", "2025-04") → "August 2024 to April 2025"; several runs joined with "and"."""
    name = magnet_exports.month_name
    parts = [name(a) if a == b else f"{name(a)} to {name(b)}" for a, b in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def read(ch, exports: pd.DataFrame) -> dict:
    india = magnet_exports.series(exports, INDIA)
    world = magnet_exports.series(exports)
    end = str(world["month"].iloc[-1])
    start = str(india["month"].iloc[0])
    reported = india[india["basis"] == "reported"]
    if reported.empty:
        raise ValueError("no reported month of China's magnet exports to India")
    runs = missing_runs(list(india["month"]), start, end)
    ids = sorted(set(india["source_id"]))
    ds = dict(dataset="china_magnet_exports_monthly", source_ids=ids)
    name = magnet_exports.month_name
    ch.key("india_months_n", len(india), **ds)
    ch.key("india_reported_n", len(reported), **ds)
    ch.key("india_first_month", name(start))
    ch.key("india_span_end", name(end))
    ch.key("india_missing_n", sum(_index(b) - _index(a) + 1 for a, b in runs))
    ch.key("india_missing_months", run_words(runs) if runs else "")
    latest, first_rep = reported.iloc[-1], reported.iloc[0]
    ch.key("india_latest_month", name(str(latest["month"])))
    ch.key("india_latest_t", float(latest["exports"]), unit="t", dataset="china_magnet_exports_monthly",
           source_ids=[latest["source_id"]])
    ch.key("india_first_reported_month", name(str(first_rep["month"])))
    ch.key("india_first_reported_t", float(first_rep["exports"]), unit="t", dataset="china_magnet_exports_monthly",
           source_ids=[first_rep["source_id"]])
    ch.key("india_latest_over_first", float(latest["exports"]) / float(first_rep["exports"]), unit="times")
    by_month = dict(zip(india["month"], india["exports"]))
    earlier = _month(_index(str(latest["month"])) - 12)
    ch.key("india_has_year_earlier", earlier in by_month)
    ch.key("india_latest_yoy_pct", 100 * (float(latest["exports"]) / by_month[earlier] - 1) if earlier in by_month else 0.0,
           unit="%")
    share = magnet_exports.destination_share(exports, INDIA)
    share = share[share["month"].isin(reported["month"])]
    ch.key("india_share_low_pct", float(share["share_pct"].min()), unit="%", **ds)
    ch.key("india_share_high_pct", float(share["share_pct"].max()), unit="%", **ds)
    ch.key("india_share_high_month", name(str(share.loc[share["share_pct"].idxmax(), "month"])))
    return {"india": india, "runs": runs, "start": start, "end": end, "source_ids": ids}


def figure(part: dict, tooltip) -> dict:
    """The chart and its data (the chapter wraps them as its Figure); ``tooltip`` is a mark's,
    as the chapter's page writes it (``Chapter.tooltip``)."""
    india, runs = part["india"].copy(), part["runs"]
    india["segment"] = [str(i) for i in (pd.Series([_index(m) for m in india["month"]]).diff().fillna(1) != 1).cumsum()]
    half = pd.Timedelta(days=15)
    gaps = pd.DataFrame({"start": [pd.Timestamp(f"{a}-01") - half for a, _ in runs],
                         "end": [pd.Timestamp(f"{b}-01") + half for _, b in runs],
                         "label": ["No figure" for _ in runs]})
    domain = [(pd.Timestamp(f"{part['start']}-01") - half).isoformat(), (pd.Timestamp(f"{part['end']}-01") + half).isoformat()]
    x = alt.X("date:T", title=None, scale=alt.Scale(domain=domain),
              axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6, labelOverlap="greedy"))
    y = alt.Y("exports:Q", title="", axis=alt.Axis(format=",.0f"), scale=alt.Scale(zero=True))
    band = alt.Chart(gaps).mark_rect(color=charts.GRID, opacity=0.8).encode(x="start:T", x2="end:T",
                                                                           tooltip=alt.Tooltip("label:N"))
    band_text = alt.Chart(gaps).mark_text(align="left", baseline="top", dx=3, dy=3, color=charts.MUTED).encode(
        x="start:T", y=alt.value(0), text="label:N")
    line = alt.Chart(india).mark_line(color=charts.INDIA).encode(x=x, y=y, detail="segment:N")
    filled = charts.with_tooltip(alt.Chart(india[india["basis"] == "reported"]).mark_point(
        filled=True, size=60, color=charts.INDIA).encode(x="date:T", y="exports:Q"), tooltip)
    hollow = charts.with_tooltip(alt.Chart(india[india["basis"] == "derived"]).mark_point(
        filled=False, size=70, strokeWidth=2, color=charts.INDIA).encode(x="date:T", y="exports:Q"), tooltip)
    chart = alt.layer(band, band_text, line, filled, hollow).properties(width=charts.WIDTH, height=260)
    data = india[["month", "exports", "unit", "basis", "source_id"]].reset_index(drop=True)
    return {"chart": chart, "data": data, "source_ids": part["source_ids"], "unit": "t per month"}
