"""The landing page (book/index.md): the headline chart and the list of what to watch.

The page's findings quote the chapters' own key figures by cross-page reference
(``leverage.ipynb::china_mine_share_pct``), so a number on the landing page is always the one the
chapter that shows the working computed in the same build, with the same parameters. This module
computes only what no chapter does:

- the headline chart: China's monthly magnet exports to the latest month, with the dates China
  announced its rare-earth measures marked;
- *What to watch*: the dated triggers, at ``as_of``, split into those on or after it (ahead) and
  those before it with no source on what followed (passed). They come from the data:
  the scheduled ends of suspensions and truces (``export_control_timeline``: the one status
  function of ``analysis.controls`` decides which have passed unconfirmed), licences whose
  measure says they run a year (renewal due a year after they took effect), and the magnet
  scheme's award (``policy_milestones``, stage ``award``) with its gestation period
  (``india_options``, ``repm-gestation``).
"""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import pandas as pd

from .. import charts, controls, datasets, magnet_exports
from . import Chapter, Figure

# measures whose text says they run a year: their renewal falls due a year after they took effect
YEAR_LONG = re.compile(r"\b(year-long|one-year|one year)\b", re.I)
# what falls due, by category of the timeline (a short phrase for a table cell)
DUE = {"suspension": "suspension ends", "truce": "truce ends", "licensing": "licences fall due for renewal"}
# China's measures marked on the headline chart: the categories that restricted or eased exports
MARKED = ("elements", "package", "suspension", "licensing")


def compute(data_dir, as_of: str = "2026-12-07") -> Chapter:
    ch = Chapter(data_dir, page="index")
    day = controls.to_date(as_of, what="as_of")
    registry = datasets.sources(data_dir)
    exports = datasets.load("china_magnet_exports_monthly", data_dir)
    timeline = datasets.load("export_control_timeline", data_dir)
    milestones = datasets.load("policy_milestones", data_dir)
    facts = datasets.load("india_options", data_dir).set_index("item")

    world = latest_exports(ch, exports, day)
    table = controls.status_table(timeline, day)
    ahead, passed = watch_list(ch, table, milestones, facts, registry, day)
    ch.tables["watch-ahead"] = ahead
    ch.tables["watch-passed"] = passed
    # the chart's title, subtitle and alt text are written beside it in book/index.md ({figure-text})
    ch.key("as_of_text", controls.long_date(day))
    ch.figures["fig-home-exports"] = exports_figure(ch, world, table)
    return ch


def latest_exports(ch: Chapter, exports: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """China's world-wide magnet exports up to ``day``; the latest month reported."""
    world = magnet_exports.series(exports, magnet_exports.WORLD)
    world = world[world["date"] <= pd.Timestamp(day)]
    if world.empty:
        raise ValueError(f"no month of China's magnet exports on or before {day}")
    last = world.iloc[-1]
    reported = world[world["basis"] == "reported"].iloc[-1]
    ds = dict(dataset="china_magnet_exports_monthly", source_ids=[reported["source_id"]])
    ch.key("exports_first_month", magnet_exports.month_name(world["month"].iloc[0]))
    ch.key("exports_latest_month", magnet_exports.month_name(last["month"]))
    ch.key("exports_latest_reported_month", magnet_exports.month_name(reported["month"]))
    ch.key("exports_latest_t", float(reported["exports"]), unit="t", **ds)
    # months between the latest one reported and the as-of date: nothing is known of them
    gap = (day.year - int(reported["month"][:4])) * 12 + day.month - int(reported["month"][5:7]) - 1
    ch.key("exports_months_unreported", max(gap, 0), unit="months")
    return world


def watch_list(ch: Chapter, table: pd.DataFrame, milestones: pd.DataFrame, facts: pd.DataFrame,
               registry: pd.DataFrame, day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ahead, passed): the dated triggers on or after ``day``, and those before it with no
    source on what followed. One row each: date, what falls due, the measure, the source."""
    rows = []
    for event in table.to_dict("records"):
        end = controls.to_date(event.get("scheduled_end"))
        if end is None and event["category"] == "licensing" and YEAR_LONG.search(str(event["measure"])):
            start = controls.to_date(event.get("effective_date")) or controls.to_date(event["date"])
            end = start.replace(year=start.year + 1)
        if end is None or event["status_as_of"] == "not_announced":
            continue
        rows.append({
            "date": end, "due": f"{event['side']}: {DUE.get(event['category'], 'scheduled end')}",
            "measure": first_clause(event["measure"]), "source_id": event["source_id"],
            "confirmed": controls.to_date(event.get("status_confirmed")),
            # passed with no source on what followed: no status confirmed after the end (the rule
            # of controls.status_on, applied also to a licence's derived renewal date)
            "unknown": event["status_as_of"] == "end_passed_unconfirmed"
            or controls.to_date(event.get("status_confirmed")) is None
            or controls.to_date(event.get("status_confirmed")) <= end,
        })
    dated = pd.DataFrame(rows).sort_values("date", kind="stable") if rows else pd.DataFrame(
        columns=["date", "due", "measure", "source_id", "confirmed", "unknown"])
    is_ahead = [d >= day for d in dated["date"]]
    ahead_rows = dated[is_ahead]
    passed_rows = dated[[not a and u for a, u in zip(is_ahead, dated["unknown"])]]

    award = milestones[(milestones["instrument_id"] == "repm-scheme") & (milestones["stage"] == "award")]
    awarded = award[[controls.to_date(d) is not None and controls.to_date(d) <= day for d in award["date"]]]
    gestation = facts.loc["repm-gestation"]
    ch.key("repm_awarded", bool(len(awarded)))
    ch.key("repm_gestation_years", int(gestation["low"]), unit="years", dataset="india_options",
           source_ids=[gestation["source_id"]])
    undated = []
    if not len(awarded):
        source = award["source_id"].iloc[0] if len(award) else gestation["source_id"]
        undated.append({"When": "not announced", "What falls due": "{repm_award_due}",  # worded in the page
                        "Source": controls_source(source, registry)})

    ahead = pd.DataFrame([{"When": controls.long_date(r["date"]), "What falls due": f"{r['due']} ({r['measure']})",
                           "Source": controls_source(r["source_id"], registry)} for r in ahead_rows.to_dict("records")]
                         + undated, columns=["When", "What falls due", "Source"])
    passed = pd.DataFrame([{"Date": controls.long_date(r["date"]), "What fell due": f"{r['due']} ({r['measure']})",
                            "Status last confirmed": controls.long_date(r["confirmed"]) if r["confirmed"] else "never",
                            "Source": controls_source(r["source_id"], registry)} for r in passed_rows.to_dict("records")],
                          columns=["Date", "What fell due", "Status last confirmed", "Source"])

    ch.key("watch_ahead_n", len(ahead))
    ch.key("watch_ahead_dated_n", len(ahead_rows))
    ch.key("watch_next_date", controls.long_date(ahead_rows["date"].iloc[0]) if len(ahead_rows) else "")
    ch.key("watch_next_due", ahead_rows["due"].iloc[0] if len(ahead_rows) else "")
    ch.key("watch_passed_n", len(passed_rows))
    ch.key("watch_passed_first", controls.long_date(passed_rows["date"].iloc[0]) if len(passed_rows) else "")
    ch.key("watch_passed_last", controls.long_date(passed_rows["date"].iloc[-1]) if len(passed_rows) else "")
    ch.key("watch_passed_any", bool(len(passed_rows)))
    return ahead, passed


def first_clause(text: str) -> str:
    """A measure's first clause ("Suspends the Affiliates Rule for one year"), for a table cell."""
    return re.split(r";\s", str(text), maxsplit=1)[0].strip()


def controls_source(source_id: str, registry: pd.DataFrame) -> str:
    """'Publisher (date)' for one source id."""
    row = registry.loc[source_id]
    return f"{row['publisher']} ({controls.long_date(row['date'])})" if len(str(row["date"])) >= 10 else \
        f"{row['publisher']} ({str(row['date'])[:4]})" if row["date"] else row["publisher"]


RARE_EARTHS = {"La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Sc", "Y"}


def rare_earth(elements) -> bool:
    """A measure that names no elements (a package, a licence) or names a rare earth."""
    named = [] if pd.isna(elements) else [e for e in str(elements).split(";") if e.strip()]
    return not named or any(e.strip() in RARE_EARTHS for e in named)


def mark_label(instruments: list[str], day: pd.Timestamp) -> str:
    """"No. 18 (2025)"; several numbered announcements of one day: "October 2025 package"; an
    instrument without a number: "general licences"."""
    numbered = [i for i in instruments if re.search(r"\d{4} No\. \d+", str(i))]
    if len(numbered) > 2:
        return f"{day:%B %Y} package"
    if numbered:
        return controls._numbers(numbered)
    return "general licences" if any("licence" in str(i).lower() for i in instruments) else controls.short_label(instruments[0])


def exports_figure(ch: Chapter, world: pd.DataFrame, table: pd.DataFrame) -> Figure:
    """China's monthly magnet exports, with the dates China announced its measures marked."""
    plotted = world[["month", "date", "exports", "unit", "basis", "source_id"]].copy()
    first, last = plotted["date"].min(), plotted["date"].max() + pd.offsets.MonthEnd(1)
    china = table[(table["side"] == "China") & table["category"].isin(MARKED)].copy()
    china = china[[rare_earth(e) for e in china["elements"]]]
    china["start"] = [pd.Timestamp(controls.to_date(d)) for d in china["date"]]
    china = china[(china["start"] >= first) & (china["start"] <= last)]
    marks = china.groupby("start", as_index=False).agg(instruments=("instrument", list), category=("category", "first"))
    marks["label"] = [mark_label(i, d) for i, d in zip(marks["instruments"], marks["start"])]
    marks = marks.drop(columns="instruments")
    marks["level"] = charts.stagger_levels(marks.assign(lane="all"), start="start", lane="lane", min_gap_days=75,
                                           levels=4) if len(marks) else []
    # labels stacked from the top of the chart, one line a level, in the chart's own units
    top = float(world["exports"].max())
    marks["offset"] = [top * (1.08 - 0.07 * level) for level in marks["level"]]
    tooltip = ch.tooltip("fig-home-exports", "exports")
    lines = charts.time_series(plotted, x="date", y="exports", y_title="", tooltip=tooltip,
                               tick_count={"interval": "month", "step": 6})
    rules = charts.with_tooltip(alt.Chart(marks).mark_rule(color="#b2182b", strokeDash=[4, 3]).encode(x="start:T"),
                                ch.tooltip("fig-home-exports", "announcements"))
    labels = alt.Chart(marks).mark_text(align="left", baseline="top", dx=3, color="#b2182b", fontSize=11).encode(
        x="start:T", y=alt.Y("offset:Q", title="", axis=alt.Axis(format=",.0f")), text="label:N")
    derived = charts.with_tooltip(alt.Chart(plotted[plotted["basis"] == "derived"]).mark_point(
        # open: a white centre at full opacity (at the theme's point opacity it read as a pale dot)
        filled=True, fill="#ffffff", stroke=charts.USA, opacity=1, size=50, strokeWidth=2).encode(x="date:T", y="exports:Q"),
        tooltip)
    chart = alt.layer(lines, derived, rules, labels)
    low = plotted.loc[plotted["exports"].idxmin()]
    latest = plotted.iloc[-1]
    month = magnet_exports.month_name
    ds = dict(dataset="china_magnet_exports_monthly")
    ch.key("chart_low_t", float(low["exports"]), unit="t", **ds, source_ids=[low["source_id"]])
    ch.key("chart_low_month", month(low["month"]))
    ch.key("chart_last_t", float(latest["exports"]), unit="t", **ds, source_ids=[latest["source_id"]])
    # the measures the chart marks, each with its date ("No. 18 (2025), 4 April 2025; …")
    ch.key("chart_measures", "; ".join(f"{r.label}, {controls.long_date(r.start.date())}" for r in marks.itertuples()))
    return Figure(chart, "", sorted(plotted["source_id"].unique()), "t per month", plotted.drop(columns="date"))
