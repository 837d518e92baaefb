"""Chapter "The geopolitics: bargaining, assurances, frameworks" (book/geopolitics.md), from the data.

``compute(data_dir, as_of="2026-12-07")`` works out the status of every export-control measure of
both sides (China and the United States) on ``as_of`` with ``analysis.controls`` (the one status
function of the report), reads the geopolitical events, framework memberships, India's partner
agreements and China's magnet exports to the United States, and returns the chapter's key figures
and the frames of its five figures.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from .. import charts, controls, datasets, magnet_exports
from . import Chapter, Figure

START = "2025-01-01"  # the sequence chart starts here
TRACKS = {"us_china": "US–China", "china_india": "China–India"}
SIDE_STRANDS = {"China": "China's export controls", "United States": "US measures"}
# Short chart labels of measures that have no announcement number, by category (issuer filled in).
UNNUMBERED = {"regulation": "{issuer} rule", "suspension": "{issuer} suspension", "truce": "{issuer} truce",
              "tariff": "{issuer}, tariffs ({date})"}
MEMBER_TEXT = {"yes": "member", "no": "not a member", "supports": "supports, not a member"}
NOT_RECORDED = "not recorded"
# by status code (analysis.controls); the words for each are the page's ({words} status)
STATUS_COLOURS = {"in_force": charts.CHINA, "suspended": charts.USA, "end_passed_unconfirmed": "#6a3d9a",
                  "unknown": charts.OTHER, "announced": "#00695c", "not_announced": "#bdbdbd",
                  "unconfirmed_change": "#ad1457", "expired": "#2e7d32", "superseded": "#2e7d32"}


def status_words(ch: Chapter) -> dict[str, str]:
    """Each status code's words, as the page writes them ({words} status)."""
    return ch.words("status")


def status_labels(ch: Chapter) -> dict[str, str]:
    """Each status code's chart label: the page's shorter form ({words} status-short) where it gives one."""
    return {**ch.words("status"), **ch.words("status-short")}


def compute(data_dir, as_of: str = "2026-12-07") -> Chapter:
    ch = Chapter(data_dir, page="geopolitics")
    timeline = datasets.load("export_control_timeline", data_dir)
    events = datasets.load("geopolitical_events", data_dir)
    members = datasets.load("framework_membership", data_dir)
    instruments = datasets.load("policy_instruments", data_dir)
    exports = datasets.load("china_magnet_exports_monthly", data_dir)
    registry = datasets.sources(data_dir)

    as_of_day = controls.to_date(as_of, what="as_of")
    ch.key("as_of_text", controls.long_date(as_of_day))
    status = status_on(ch, timeline, as_of_day)
    us_side(ch, status)
    general_licences(ch, status, as_of_day)
    event_dates(ch, events, as_of_day, registry)
    frameworks(ch, members, instruments)
    us_exports(ch, exports)
    ch.tables["precedent"] = precedent(ch, timeline, as_of_day)
    marker = as_of_marker(as_of_day)
    # each chart's title, subtitle and alt text are written beside it in book/geopolitics.md ({figure-text})
    ch.figures["fig-geopolitics-sequence"] = sequence_figure(ch, events, status, marker)
    ch.figures["fig-geopolitics-status"] = status_figure(ch, status, marker)
    return ch


def precedent(ch: Chapter, timeline: pd.DataFrame, as_of_day) -> pd.DataFrame:
    """China's measures aimed at named countries' end users and named companies (category
    ``end_use``) since 2026: the precedent for the assurances it asked of India in 2025."""
    rows = timeline[(timeline["side"] == "China") & (timeline["category"] == "end_use")].copy()
    rows = rows[rows["date"].astype(str) >= "2026-01-01"]
    rows = rows[rows["date"].map(lambda d: controls.to_date(d) <= as_of_day)].sort_values("date")
    ids = sorted(set(rows["source_id"]))
    words = status_words(ch)
    ch.key("precedent_n", len(rows), dataset="export_control_timeline", source_ids=ids)
    ch.key("precedent_any", bool(len(rows)))
    japan = rows[rows["measure"].str.contains("Japan", case=False)]
    ch.key("precedent_japan_n", len(japan), dataset="export_control_timeline", source_ids=sorted(set(japan["source_id"])))
    ch.key("precedent_first", controls.long_date(rows["date"].iloc[0]) if len(rows) else "")
    ch.key("precedent_last", controls.long_date(rows["date"].iloc[-1]) if len(rows) else "")
    return pd.DataFrame({
        "Date": [controls.long_date(d) for d in rows["date"]],
        "Instrument": list(rows["instrument"]),
        "What was cut off": list(rows["measure"]),
        "Status": [f"{words.get(s, s)}, last confirmed {controls.long_date(c)}" if pd.notna(c) and c
                   else words.get(s, s) for s, c in zip(rows["status"], rows["status_confirmed"])],
    })


def statuses(data_dir, as_of: str = "2026-12-07") -> dict[str, str]:
    """Each measure's status code on ``as_of`` as this chapter shows it (event id → code)."""
    timeline = datasets.load("export_control_timeline", data_dir)
    table = controls.status_table(timeline, as_of)
    return dict(zip(table["event_id"], table["status_as_of"]))


def status_on(ch: Chapter, timeline: pd.DataFrame, as_of_day) -> pd.DataFrame:
    status = controls.status_table(timeline, as_of_day)
    ends = controls.scheduled_ends(status, as_of_day)
    passed_ids = status.loc[status["status_as_of"] == "end_passed_unconfirmed", "source_id"].unique()
    ds = dict(dataset="export_control_timeline", source_ids=passed_ids)
    ch.key("ends_outcome", ends["outcome"])
    # the measures whose scheduled end passed, listed one by one in the page's words (its figure texts)
    ch.rows("ends_passed_measures", ends["passed"])
    ch.key("ends_orphans", ends["orphans"], **ds)
    ch.key("ends_orphans_case", "none" if not ends["orphans"] else "also" if ends["passed"] else "only")
    ch.key("ends_next_date", ends["next_end"], dataset="export_control_timeline")
    ch.key("ends_next_measure", ends["next_label"], dataset="export_control_timeline")
    n = controls.counts(status)
    not_yet = n.get("not_announced", 0) + n.get("announced", 0)
    ch.key("n_measures", len(status))
    ch.key("n_in_force", n.get("in_force", 0))
    ch.key("n_suspended", n.get("suspended", 0))
    ch.key("n_end_passed", n.get("end_passed_unconfirmed", 0))
    ch.key("n_not_yet", not_yet)
    ch.key("n_unknown", n.get("unknown", 0))
    ch.key("n_ended", n.get("superseded", 0) + n.get("expired", 0))
    ch.key("n_changed", n.get("unconfirmed_change", 0))

    package = status[status["category"] == "package"]
    by_id = status.set_index("event_id")
    suspension = by_id.loc[package["suspended_by"].dropna().iloc[0]] if package["suspended_by"].notna().any() else None
    ch.key("october_suspended", suspension is not None)
    ch.key("october_suspension_end", controls.long_date(suspension["scheduled_end"]) if suspension is not None else "",
           dataset="export_control_timeline", source_ids=[suspension["source_id"]] if suspension is not None else [])
    ch.key("october_suspension_confirmed", controls.long_date(suspension["status_confirmed"]) if suspension is not None else "",
           dataset="export_control_timeline")
    april = status[status["instrument"].str.contains("2025 No. 18")].iloc[0]
    ds = dict(dataset="export_control_timeline", source_ids=[april["source_id"]])
    ch.key("april_status", status_words(ch)[april["status_as_of"]], **ds)
    ch.key("april_elements_n", len(str(april["elements"]).split(";")), **ds)
    ch.key("april_controls_month", f"{controls.to_date(april['date']):%B %Y}")
    october = package.sort_values("date").iloc[0]
    ch.key("october_package_month", f"{controls.to_date(october['date']):%B %Y}")
    ch.key("april_confirmed", controls.long_date(april["status_confirmed"]))

    # the scheduled ends that have passed with no source on what followed (suspensions and truces)
    own_end = status["scheduled_end"].map(lambda v: controls.to_date(v) is not None).astype(bool)
    passed = status[(status["status_as_of"] == "end_passed_unconfirmed") & own_end]
    ends = sorted(controls.to_date(v) for v in passed["scheduled_end"])
    ds = dict(dataset="export_control_timeline", source_ids=passed["source_id"].unique())
    ch.key("ends_passed_n", len(passed), **ds)
    ch.key("ends_passed_first", controls.long_date(ends[0]) if ends else "", **ds)
    ch.key("ends_passed_last", controls.long_date(ends[-1]) if ends else "", **ds)
    ch.key("ends_passed_china_n", int((passed["side"] == "China").sum()), **ds)
    ch.key("ends_passed_us_n", int((passed["side"] != "China").sum()), **ds)
    ch.key("n_under_passed_ends", int(status["suspended_by"].isin(list(passed["event_id"])).sum()), **ds)
    return status


def _row(status: pd.DataFrame, what: str, **where) -> pd.Series:
    """The one timeline row whose columns contain each given text (``instrument="2025 No. 70"``)."""
    mask = pd.Series(True, index=status.index)
    for column, value in where.items():
        mask &= status[column].astype(str).str.contains(value, regex=False)
    rows = status[mask]
    if len(rows) != 1:
        raise ValueError(f"{what}: {len(rows)} rows of the export-control timeline match {where}, expected one")
    return rows.iloc[0]


def us_side(ch: Chapter, status: pd.DataFrame) -> None:
    """The US measures of the bargain: the BIS Affiliates Rule, its suspension and the truce measures."""
    ds = "export_control_timeline"
    us = status[status["side"] == "United States"]
    ch.key("n_us_measures", len(us), dataset=ds)
    ch.key("n_china_measures", int((status["side"] == "China").sum()), dataset=ds)
    rule = _row(us, "the Affiliates Rule", category="regulation")
    suspension = _row(us, "the Affiliates Rule's suspension", category="suspension")
    truce = _row(us, "the US truce measures", category="truce")
    for name, row, column in (("affiliates_rule_date", rule, "date"), ("affiliates_suspension_start", suspension, "date"),
                              ("affiliates_suspension_end", suspension, "scheduled_end"),
                              ("truce_start", truce, "effective_date"), ("truce_end", truce, "scheduled_end")):
        ch.key(name, controls.long_date(row[column]), dataset=ds, source_ids=[row["source_id"]])
    for name, row in (("affiliates_rule_status", rule), ("affiliates_suspension_status", suspension),
                      ("truce_status", truce)):
        ch.key(name, status_words(ch)[row["status_as_of"]], dataset=ds, source_ids=[row["source_id"]])
    for name, number in (("no70", "2025 No. 70"), ("no72", "2025 No. 72")):
        row = _row(status, number, instrument=number)
        ch.key(f"{name}_end", controls.long_date(row["scheduled_end"]), dataset=ds, source_ids=[row["source_id"]])
        ch.key(f"{name}_status", status_words(ch)[row["status_as_of"]], dataset=ds, source_ids=[row["source_id"]])


# The general licences run a year (their timeline row says "Year-long"; the check below fails if
# it stops saying so), so the first batch falls due a year after it was issued.
LICENCE_TERM_WORD = "Year-long"


def general_licences(ch: Chapter, status: pd.DataFrame, as_of_day) -> None:
    row = _row(status, "the general licences", side="China", instrument="General licences")
    if LICENCE_TERM_WORD not in str(row["measure"]):
        raise ValueError(f"the general licences' row no longer calls them {LICENCE_TERM_WORD.lower()}: "
                         "check the due date the chapter computes")
    first = controls.to_date(row["date"])
    due = first.replace(year=first.year + 1)
    ds = dict(dataset="export_control_timeline", source_ids=[row["source_id"]])
    ch.key("gl_first_date", controls.long_date(first), **ds)
    ch.key("gl_confirmed", controls.long_date(row["status_confirmed"]), **ds)
    ch.key("gl_status", status_words(ch)[row["status_as_of"]], **ds)
    ch.key("gl_due", controls.long_date(due), **ds)
    ch.key("gl_due_passed", due < as_of_day)


def event_dates(ch: Chapter, events: pd.DataFrame, as_of_day, registry: pd.DataFrame) -> None:
    def event(fragment):
        row = events[events["event_id"].str.contains(fragment, regex=False)]
        if row.empty:
            raise ValueError(f"no geopolitical event matching {fragment!r}")
        return row.iloc[0]

    for name, fragment in (("busan", "busan"), ("assurances", "assurances"), ("licences", "mea-licences"),
                           ("geneva", "geneva"), ("london", "london"), ("further_approvals", "further-approvals"),
                           ("gl_confirmed_event", "mofcom-general-licences"), ("forge", "2026-02-04-forge"),
                           ("india_forge", "india-forge"), ("beijing_summit", "beijing-summit"),
                           ("quad_framework", "quad-cmi-framework"), ("state_visit", "2026-09-25-state-visit")):
        row = event(fragment)
        ch.key(f"{name}_date", controls.long_date(row["date"]), dataset="geopolitical_events",
               source_ids=[row["source_id"]])
    # how much weight the 2026 statements bear: their source's grade (P primary, S secondary, W weak)
    for name, fragment in (("beijing_summit", "beijing-summit"), ("quad_framework", "quad-cmi-framework")):
        ch.key(f"{name}_grade", str(registry.loc[event(fragment)["source_id"], "quality"]))
    dated = events[[controls.to_date(d) <= as_of_day for d in events["date"]]]
    newest = dated.sort_values("date").iloc[-1]
    ch.key("newest_event_date", controls.long_date(newest["date"]), dataset="geopolitical_events",
           source_ids=[newest["source_id"]])


def frameworks(ch: Chapter, members: pd.DataFrame, instruments: pd.DataFrame) -> None:
    def membership(framework, country):
        row = members[(members["framework"].str.startswith(framework)) & (members["country"] == country)]
        if row.empty:
            raise ValueError(f"no membership row for {country} in {framework}")
        return row.iloc[0]

    ds = "framework_membership"
    w_india, w_china = membership("Wassenaar Arrangement", "India"), membership("Wassenaar Arrangement", "China")
    ch.key("wassenaar_india_since", controls.long_date(w_india["since"]), dataset=ds, source_ids=[w_india["source_id"]])
    ch.key("wassenaar_china", "not a participating state" if w_china["member"] == "no"
           else MEMBER_TEXT.get(w_china["member"], w_china["member"]), dataset=ds, source_ids=[w_china["source_id"]])
    for name, framework in (("msp_india_since", "Minerals Security Partnership"),
                            ("forge_india_since", "Forum on Resource Geostrategic Engagement"),
                            ("quad_cmi_since", "Quad Critical Minerals Initiative")):
        row = membership(framework, "India")
        ch.key(name, controls.long_date(row["since"]), dataset=ds, source_ids=[row["source_id"]])
    msp = membership("Minerals Security Partnership", "India")
    ch.key("msp_india_year", controls.to_date(msp["since"]).year, dataset=ds, source_ids=[msp["source_id"]])
    ch.key("frameworks_n", members["framework"].nunique())
    brazil = instruments[instruments["name"].str.contains("Brazil", regex=False)]
    if len(brazil) != 1:
        raise ValueError(f"{len(brazil)} India–Brazil agreements in policy_instruments, expected one")
    ch.key("brazil_mou_date", controls.long_date(brazil.iloc[0]["date"]), dataset="policy_instruments",
           source_ids=[brazil.iloc[0]["source_id"]])

    # every framework × country cell: "not recorded" where no source says either way
    grid = pd.MultiIndex.from_product([list(dict.fromkeys(members["framework"])), list(dict.fromkeys(members["country"]))],
                                      names=["framework", "country"]).to_frame(index=False)
    plotted = grid.merge(members, on=["framework", "country"], how="left")
    succeeded = plotted.groupby("framework")["note"].transform(
        lambda notes: notes.fillna("").str.contains("succeeded by FORGE").any())
    # short row names (the full name is in the tooltip's note and the data download)
    plotted["framework"] = [re.sub(r"^.*\((\w+)\)$", r"\1", f) + (" (to February 2026)" if gone else "")
                            for f, gone in zip(plotted["framework"], succeeded)]
    plotted["framework"] = plotted["framework"].str.replace("Minerals Security Partnership", "MSP", regex=False)
    plotted["status"] = plotted["member"].map(MEMBER_TEXT).fillna(NOT_RECORDED)
    plotted["cell"] = [st + (f", {controls.to_date(d).year}" if controls.to_date(d) else "")
                       for st, d in zip(plotted["status"], plotted["since"])]
    countries = ["India", "China"] + [c for c in dict.fromkeys(plotted["country"]) if c not in ("India", "China")]
    status_domain = ["member", "supports, not a member", "not a member", NOT_RECORDED]
    colours = {"member": "#2e7d32", "supports, not a member": "#9ccc65", "not a member": charts.CHINA, NOT_RECORDED: "#757575"}
    chart = charts.membership_matrix(plotted, row="framework", column="country", value="status", text="cell",
                                     tooltip=ch.tooltip("fig-geopolitics-frameworks"),
                                     value_domain=status_domain, value_range=[colours[v] for v in status_domain],
                                     column_sort=countries, row_sort=list(dict.fromkeys(plotted["framework"])))
    india_in = plotted[(plotted["country"] == "India") & (plotted["status"] == "member")]
    china_n = int(((plotted["country"] == "China") & (plotted["status"] == "member")).sum())
    ch.key("frameworks_not_recorded_n", int((plotted["status"] == NOT_RECORDED).sum()))
    ch.key("frameworks_shown_n", plotted["framework"].nunique())
    ch.key("frameworks_india_n", len(india_in))
    ch.key("frameworks_india_all", len(india_in) == plotted["framework"].nunique())
    ch.key("frameworks_india_names", ", ".join(india_in["framework"]))
    ch.key("frameworks_china_n", china_n)
    ch.figures["fig-geopolitics-frameworks"] = Figure(
        chart, "", plotted["source_id"].dropna().unique(), "membership", plotted.drop(columns="cell"))


def us_exports(ch: Chapter, exports: pd.DataFrame) -> None:
    us = magnet_exports.destination_share(exports, "United States")
    basis_us = magnet_exports.series(exports, "United States").set_index("month")["basis"]
    basis_world = magnet_exports.series(exports, "World").set_index("month")["basis"]
    us["basis"] = ["reported" if basis_us[m] == "reported" and basis_world[m] == "reported" else "derived"
                   for m in us["month"]]
    reported = us[us["basis"] == "reported"]
    lowest = reported.loc[reported["share_pct"].idxmin()]
    latest = reported.iloc[-1]
    month = magnet_exports.month_name
    ds = "china_magnet_exports_monthly"
    for name, row in (("min", lowest), ("latest", latest)):
        ch.key(f"us_share_{name}_pct", row["share_pct"], unit="%", dataset=ds, source_ids=[row["source_id"]])
        ch.key(f"us_share_{name}_month", month(row["month"]))
        ch.key(f"us_share_{name}_t", row["exports"], unit="t", dataset=ds, source_ids=[row["source_id"]])
    ch.key("us_share_min_world_t", lowest["world"], unit="t", dataset=ds, source_ids=[lowest["source_id_world"]])
    ch.key("us_share_latest_world_t", latest["world"], unit="t", dataset=ds, source_ids=[latest["source_id_world"]])
    ch.key("us_first_month", month(us["month"].iloc[0]))
    ch.key("us_last_month", month(us["month"].iloc[-1]))
    ch.key("us_months_n", len(us))
    ch.key("us_derived_n", int((us["basis"] != "reported").sum()))

    long = pd.concat([
        us.assign(destination="World", value=us["world"], source=us["source_id_world"]),
        us.assign(destination="United States", value=us["exports"], source=us["source_id"]),
    ])[["month", "date", "destination", "value", "source"]].rename(columns={"value": "exports", "source": "source_id"})
    tooltip = ch.tooltip("fig-geopolitics-us-exports")
    chart = charts.time_series(long, x="date", y="exports", y_title="", tooltip=tooltip, series="destination")
    ch.figures["fig-geopolitics-us-exports"] = Figure(chart, "", long["source_id"].unique(), "t per month",
                                                      long.drop(columns="date"))

    plotted = us[["month", "date", "exports", "world", "share_pct", "basis", "source_id", "source_id_world"]].copy()
    tooltip = ch.tooltip("fig-geopolitics-us-share")
    line = charts.time_series(plotted, x="date", y="share_pct", y_title="",  # the page titles the axis
                              tooltip=tooltip, y_format=".0f")
    hollow = charts.with_tooltip(alt.Chart(plotted[plotted["basis"] != "reported"]).mark_point(
        filled=True, fill="#ffffff", stroke=charts.USA, opacity=1, size=60, strokeWidth=2).encode(
        x="date:T", y="share_pct:Q"), tooltip)
    ch.figures["fig-geopolitics-us-share"] = Figure(
        alt.layer(line, hollow), "",
        list(plotted["source_id"].unique()) + list(plotted["source_id_world"].unique()), "% of China's magnet exports",
        plotted.drop(columns=["date"]))


def as_of_marker(as_of_day):
    """A dashed vertical rule at the chosen date, labelled "as of …"."""
    rule = alt.Chart(pd.DataFrame({"date": [pd.Timestamp(as_of_day)], "label": [f"as of {controls.long_date(as_of_day)}"]}))
    return rule.mark_rule(strokeDash=[4, 3], color=charts.TEXT).encode(x="date:T") + rule.mark_text(
        align="right", dx=-4, baseline="top", y=2, color=charts.TEXT).encode(x="date:T", text="label:N")


def recolour(chart, field: str, scale: alt.Scale):
    for layer in chart.layer:
        if layer.encoding.color is not alt.Undefined:
            layer.encoding.color = alt.Color(f"{field}:N", title=None, scale=scale, legend=alt.Legend(symbolOpacity=1))
    return chart


def sequence_figure(ch: Chapter, events: pd.DataFrame, status: pd.DataFrame, marker) -> Figure:
    ev = events[(events["track"].isin(list(TRACKS))) & (events["date"] >= START)].copy()
    ev_rows = pd.DataFrame({"date": ev["date"], "scheduled_end": None, "strand": ev["track"].map(TRACKS), "event": ev["event"],
                            "status": "", "detail": ev["description"], "source_id": ev["source_id"]})
    shown = labelled(status[status["date"] >= START]).assign(
        status_text=lambda f: f["status_as_of"].map(status_labels(ch)))
    parts = []
    for side, strand in SIDE_STRANDS.items():
        of_side = shown[shown["side"] == side]
        if of_side.empty:
            continue
        rows = controls.chart_rows(of_side)
        ids = of_side.groupby("date")["source_id"].apply(lambda s: ";".join(s))
        parts.append(pd.DataFrame({"date": rows["date"], "scheduled_end": rows["scheduled_end"], "strand": strand,
                                   "event": [f"{lbl}: {st}" for lbl, st in zip(rows["label"], rows["status"])],
                                   "status": rows["status"], "detail": rows["measure"],
                                   "source_id": rows["date"].map(ids)}))
    measures = pd.concat(parts, ignore_index=True)
    plotted = pd.concat([ev_rows, measures], ignore_index=True).sort_values(["date", "strand"], kind="stable"
                                                                           ).reset_index(drop=True)
    plotted["when"] = [f"{controls.to_date(d).day} {controls.to_date(d):%b %Y}" for d in plotted["date"]]
    strands = ["US–China", "China–India", *SIDE_STRANDS.values()]
    chart = charts.event_timeline(plotted, start="date", lane="event", label="when", end="scheduled_end", color="strand",
                                  tooltip=ch.tooltip("fig-geopolitics-sequence"),
                                  lane_sort=list(plotted["event"]), wrap=32)
    chart = recolour(chart.properties(height=30 * len(plotted)), "strand",
                     alt.Scale(domain=strands, range=[charts.OTHER, charts.INDIA, charts.CHINA, charts.USA]))
    source_ids = sorted({s for ids_ in plotted["source_id"] for s in str(ids_).split(";") if s})
    ch.key("sequence_events_n", len(ev))
    ch.key("sequence_measures_n", len(measures))
    ch.key("sequence_n", len(plotted))
    ch.key("sequence_start", controls.long_date(START))
    ch.key("sequence_start_year", controls.to_date(START).year)
    # the finding: the two consecutive months that hold most of the sequence
    months = pd.to_datetime(plotted["date"]).dt.to_period("M").value_counts()
    pairs = {m: int(months.get(m, 0) + months.get(m + 1, 0)) for m in months.index}
    busiest = max(sorted(pairs), key=lambda m: pairs[m]) if pairs else None
    ch.key("sequence_busiest_n", pairs[busiest] if pairs else 0)
    ch.key("sequence_busiest_months", "" if busiest is None else f"{busiest:%B} and {busiest + 1:%B %Y}"
           if busiest.year == (busiest + 1).year else f"{busiest:%B %Y} and {busiest + 1:%B %Y}")
    return Figure(alt.layer(chart, marker).configure_axisY(labelLimit=1000), "", source_ids, "dates", plotted)


def labelled(status: pd.DataFrame) -> pd.DataFrame:
    """The timeline with a chart name in ``instrument`` for measures without an announcement number
    on the US side ("BIS rule", "White House truce measures"); the full name stays in ``measure``."""
    out = status.copy()
    for i, r in out.iterrows():
        if r["side"] != "China" and r["category"] in UNNUMBERED:
            out.loc[i, "instrument"] = "US: " + UNNUMBERED[r["category"]].format(issuer=r["issuer"],
                                                                            date=controls.long_date(r["date"]))
    return out


def status_figure(ch: Chapter, status: pd.DataFrame, marker) -> Figure:
    by_id = status.set_index("event_id")
    words, labels = status_words(ch), status_labels(ch)
    rows = []
    for r in labelled(status).sort_values("date").to_dict("records"):
        suspension_end = by_id.loc[r["suspended_by"], "scheduled_end"] if isinstance(r["suspended_by"], str) else None
        rows.append({"measure": controls.short_label(r["instrument"]), "instrument": r["instrument"],
                     "effective": r["effective_date"] if controls.to_date(r["effective_date"]) else r["date"],
                     "end": r["scheduled_end"] if controls.to_date(r["scheduled_end"]) else suspension_end,
                     "status": labels[r["status_as_of"]], "status_full": words[r["status_as_of"]],
                     "confirmed": r["status_confirmed"], "source_id": r["source_id"]})
    plotted = pd.DataFrame(rows)
    # two measures of one issuer and kind (the 2025 truce's tariffs, the 2026 surcharge) are told apart
    # by the month each took effect
    plotted["measure"] = [m if (plotted["measure"] == m).sum() == 1 else f"{m}, {controls.to_date(e):%b %Y}"
                          for m, e in zip(plotted["measure"], plotted["effective"])]
    domain = list(dict.fromkeys(plotted["status"]))
    chart = charts.event_timeline(plotted, start="effective", lane="measure", label="status", end="end", color="status",
                                  tooltip=ch.tooltip("fig-geopolitics-status"),
                                  lane_sort=list(plotted["measure"]), legend_below=True, width=charts.WIDTH - 140)
    colour = {labels[code]: c for code, c in STATUS_COLOURS.items() if code in labels}
    chart = recolour(chart, "status", alt.Scale(domain=domain, range=[colour.get(d, charts.OTHER) for d in domain]))
    chart = alt.layer(chart, marker).properties(height=34 * len(plotted))
    # each status with its count, most common first ("9 in force, 4 suspended"), for the alt text
    ch.key("status_breakdown", ", ".join(f"{v} {words[k]}" for k, v in controls.counts(status).items()))
    return Figure(chart, "", plotted["source_id"].unique(), "dates", plotted)
