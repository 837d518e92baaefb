"""Chapter "Geopolitics: the US–China contest and India" (book/geopolitics.md), from the data.

``compute(data_dir, as_of="2026-11-25")`` works out the status of every export-control measure
on ``as_of``, reads the geopolitical events, framework memberships and China's magnet exports to
the United States, and returns the chapter's key figures and the frames of its five figures.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import charts, controls, datasets, magnet_exports
from . import Chapter, Figure, listing

START = "2025-01-01"  # the sequence chart starts here
TRACKS = {"us_china": "US–China", "china_india": "China–India"}
MEMBER_TEXT = {"yes": "member", "no": "not a member", "partner": "partner"}
STATUS_COLOURS = {"in force": charts.CHINA, "suspended": charts.USA, "end passed, outcome unconfirmed": "#6a3d9a",
                  "status unknown": charts.OTHER, "announced, not yet effective": "#00695c", "not yet announced": "#bdbdbd",
                  "changed, date unconfirmed": "#ad1457", "expired": "#2e7d32", "superseded": "#2e7d32"}


def compute(data_dir, as_of: str = "2026-11-25") -> Chapter:
    ch = Chapter(data_dir)
    timeline = datasets.load("export_control_timeline", data_dir)
    events = datasets.load("geopolitical_events", data_dir)
    members = datasets.load("framework_membership", data_dir)
    exports = datasets.load("china_magnet_exports_monthly", data_dir)

    as_of_day = controls.to_date(as_of, what="as_of")
    ch.key("as_of_text", controls.long_date(as_of_day))
    status = status_on(ch, timeline, as_of_day)
    event_dates(ch, events)
    frameworks(ch, members)
    us_exports(ch, exports)
    marker = as_of_marker(as_of_day)
    ch.figures["fig-geopolitics-sequence"] = sequence_figure(events, status, as_of_day, marker)
    ch.figures["fig-geopolitics-status"] = status_figure(status, as_of_day, marker)
    return ch


def status_on(ch: Chapter, timeline: pd.DataFrame, as_of_day) -> pd.DataFrame:
    status = controls.status_table(timeline, as_of_day)
    ends = controls.scheduled_ends(status, as_of_day)
    passed_ids = status.loc[status["status_as_of"] == "end_passed_unconfirmed", "source_id"].unique()
    ds = dict(dataset="export_control_timeline", source_ids=passed_ids)
    ch.key("ends_outcome", ends["outcome"])
    ch.key("ends_passed", ends["clauses"], **ds)
    ch.key("ends_next_date", ends["next_end"], dataset="export_control_timeline")
    ch.key("ends_next_measure", ends["next_label"], dataset="export_control_timeline")
    n = controls.counts(status)
    not_yet = n.get("not_announced", 0) + n.get("announced", 0)
    ch.key("n_measures", len(status))
    ch.key("n_in_force", n.get("in_force", 0))
    ch.key("n_suspended", n.get("suspended", 0))
    ch.key("n_end_passed", n.get("end_passed_unconfirmed", 0))
    ch.key("n_not_yet", not_yet)

    def how_many(count, one, many):
        return f"{count} {one if count == 1 else many}"

    parts = [how_many(n.get("in_force", 0), "is in force", "are in force"),
             how_many(n.get("suspended", 0), "is suspended", "are suspended")]
    if n.get("end_passed_unconfirmed", 0):
        parts.append(how_many(n["end_passed_unconfirmed"], "has passed a scheduled end with no source on what followed",
                              "have passed a scheduled end with no source on what followed"))
    if n.get("unknown", 0):
        parts.append(how_many(n["unknown"], "has a status no source confirms", "have a status no source confirms"))
    if not_yet:
        parts.append(how_many(not_yet, "had not yet taken effect", "had not yet taken effect"))
    ch.key("status_counts", listing(parts), dataset="export_control_timeline")

    package = status[status["category"] == "package"]
    codes = set(package["status_as_of"])
    if codes == {"end_passed_unconfirmed"}:
        october_state = ("not known from the sources in the data: its suspension's scheduled end has passed and none of "
                         "them says what followed")
    elif codes == {"suspended"}:
        until = status.set_index("event_id").loc[package["suspended_by"].iloc[0], "scheduled_end"]
        october_state = f"suspended until {controls.long_date(until)}"
    else:
        october_state = ", ".join(sorted({controls.STATUS_TEXT[c] for c in codes}))
    ch.key("october_state", october_state, dataset="export_control_timeline", source_ids=package["source_id"].unique())
    by_id = status.set_index("event_id")
    suspension = by_id.loc[package["suspended_by"].dropna().iloc[0]] if package["suspended_by"].notna().any() else None
    ch.key("october_suspended", suspension is not None)
    ch.key("october_suspension_end", controls.long_date(suspension["scheduled_end"]) if suspension is not None else "",
           dataset="export_control_timeline", source_ids=[suspension["source_id"]] if suspension is not None else [])
    ch.key("october_suspension_confirmed", controls.long_date(suspension["status_confirmed"]) if suspension is not None else "",
           dataset="export_control_timeline")
    april = status[status["instrument"].str.contains("2025 No. 18")].iloc[0]
    ds = dict(dataset="export_control_timeline", source_ids=[april["source_id"]])
    ch.key("april_status", controls.STATUS_TEXT[april["status_as_of"]], **ds)
    ch.key("april_elements_n", len(str(april["elements"]).split(";")), **ds)
    ch.key("april_controls_month", f"{controls.to_date(april['date']):%B %Y}")
    october = package.sort_values("date").iloc[0]
    ch.key("october_package_month", f"{controls.to_date(october['date']):%B %Y}")
    ch.key("april_confirmed", controls.long_date(april["status_confirmed"]))
    return status


def event_dates(ch: Chapter, events: pd.DataFrame) -> None:
    def event_date(fragment):
        row = events[events["event_id"].str.contains(fragment)]
        if row.empty:
            raise ValueError(f"no geopolitical event matching {fragment!r}")
        return controls.long_date(row.iloc[0]["date"])

    for name, fragment in (("busan", "busan"), ("assurances", "assurances"), ("licences", "mea-licences"),
                           ("geneva", "geneva"), ("london", "london"), ("further_approvals", "further-approvals")):
        ch.key(f"{name}_date", event_date(fragment))


def frameworks(ch: Chapter, members: pd.DataFrame) -> None:
    def membership(framework, country):
        row = members[(members["framework"] == framework) & (members["country"] == country)]
        if row.empty:
            raise ValueError(f"no membership row for {country} in {framework}")
        return row.iloc[0]

    ds = "framework_membership"
    w_india, w_china = membership("Wassenaar Arrangement", "India"), membership("Wassenaar Arrangement", "China")
    ch.key("wassenaar_india_since", controls.long_date(w_india["since"]), dataset=ds, source_ids=[w_india["source_id"]])
    ch.key("wassenaar_china", "not a participating state" if w_china["member"] == "no"
           else MEMBER_TEXT.get(w_china["member"], w_china["member"]), dataset=ds, source_ids=[w_china["source_id"]])
    msp = membership("Minerals Security Partnership", "India")
    ch.key("msp_india_since", controls.long_date(msp["since"]), dataset=ds, source_ids=[msp["source_id"]])
    quad = membership("Quad Critical Minerals Initiative", "India")
    ch.key("quad_cmi_since", controls.long_date(quad["since"]), dataset=ds, source_ids=[quad["source_id"]])
    ch.key("frameworks_n", members["framework"].nunique())

    plotted = members.copy()
    plotted["status"] = plotted["member"].map(MEMBER_TEXT).fillna(plotted["member"])
    plotted["cell"] = [m + (f", {controls.to_date(d).year}" if controls.to_date(d) else "")
                       for m, d in zip(plotted["member"], plotted["since"])]
    countries = ["India", "China"] + [c for c in dict.fromkeys(plotted["country"]) if c not in ("India", "China")]
    status_domain = [s for s in ["member", "partner", "not a member"] if s in set(plotted["status"])]
    status_domain += [s for s in dict.fromkeys(plotted["status"]) if s not in status_domain]
    colours = {"member": "#2e7d32", "partner": "#00695c", "not a member": charts.CHINA}
    chart = charts.membership_matrix(plotted, row="framework", column="country", value="status", text="cell",
                                     tooltip=["framework", "country", "status", "since", "note"], value_domain=status_domain,
                                     value_range=[colours.get(s, charts.OTHER) for s in status_domain], column_sort=countries)
    india_in = plotted[(plotted["country"] == "India") & (plotted["member"] != "no")]
    china_n = int(((plotted["country"] == "China") & (plotted["member"] != "no")).sum())
    ch.figures["fig-geopolitics-frameworks"] = Figure(
        chart, f"India belongs to {len(india_in)} of the {plotted['framework'].nunique()} frameworks shown "
               f"({', '.join(india_in['framework'])}); China belongs to {china_n}.",
        plotted["source_id"].unique(), "membership", plotted.drop(columns="cell"))


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
    ch.key("us_months_n", len(us))
    ch.key("us_derived_n", int((us["basis"] != "reported").sum()))

    long = pd.concat([
        us.assign(destination="World", value=us["world"], source=us["source_id_world"]),
        us.assign(destination="United States", value=us["exports"], source=us["source_id"]),
    ])[["month", "date", "destination", "value", "source"]].rename(columns={"value": "exports", "source": "source_id"})
    tooltip = [alt.Tooltip("month:N", title="Month"), "destination", alt.Tooltip("exports:Q", format=",.0f", title="t")]
    chart = charts.time_series(long, x="date", y="exports", y_title="Tonnes per month", tooltip=tooltip, series="destination")
    ch.figures["fig-geopolitics-us-exports"] = Figure(
        chart, f"Exports to the United States fell to {lowest['exports']:,.0f} t in {month(lowest['month'])} "
               f"against {lowest['world']:,.0f} t to the world, and were {latest['exports']:,.0f} t of "
               f"{latest['world']:,.0f} t in {month(latest['month'])}.",
        long["source_id"].unique(), "t per month", long.drop(columns="date"))

    plotted = us[["month", "date", "exports", "world", "share_pct", "basis", "source_id", "source_id_world"]].copy()
    tooltip = [alt.Tooltip("month:N", title="Month"), alt.Tooltip("exports:Q", format=",.0f", title="to the US (t)"),
               alt.Tooltip("world:Q", format=",.0f", title="to the world (t)"),
               alt.Tooltip("share_pct:Q", format=".1f", title="%"), "basis"]
    line = charts.time_series(plotted, x="date", y="share_pct", y_title="US share of China's magnet exports (%)",
                              tooltip=tooltip, y_format=".0f")
    hollow = alt.Chart(plotted[plotted["basis"] != "reported"]).mark_point(
        filled=True, fill="#ffffff", stroke=charts.USA, size=60, strokeWidth=2).encode(
        x="date:T", y="share_pct:Q", tooltip=tooltip)
    ch.figures["fig-geopolitics-us-share"] = Figure(
        alt.layer(line, hollow),
        f"The US share of China's magnet exports was lowest in {month(lowest['month'])} at "
        f"{lowest['share_pct']:.1f}% and was {latest['share_pct']:.1f}% in {month(latest['month'])}.",
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
            layer.encoding.color = alt.Color(f"{field}:N", title=None, scale=scale)
    return chart


def sequence_figure(events: pd.DataFrame, status: pd.DataFrame, as_of_day, marker) -> Figure:
    ev = events[(events["track"].isin(list(TRACKS))) & (events["date"] >= START)].copy()
    ev_rows = pd.DataFrame({"date": ev["date"], "scheduled_end": None, "strand": ev["track"].map(TRACKS), "event": ev["event"],
                            "status": "", "detail": ev["description"], "source_id": ev["source_id"]})
    measures = controls.chart_rows(status[status["date"] >= START].assign(
        status_text=lambda f: f["status_as_of"].map(controls.STATUS_SHORT)))
    ids = status.groupby("date")["source_id"].apply(lambda s: ";".join(s))
    measures = pd.DataFrame({"date": measures["date"], "scheduled_end": measures["scheduled_end"],
                             "strand": "China's export controls",
                             "event": [f"{lbl}: {st}" for lbl, st in zip(measures["label"], measures["status"])],
                             "status": measures["status"], "detail": measures["measure"],
                             "source_id": measures["date"].map(ids)})
    plotted = pd.concat([ev_rows, measures], ignore_index=True).sort_values(["date", "strand"], kind="stable"
                                                                           ).reset_index(drop=True)
    plotted["when"] = [f"{controls.to_date(d).day} {controls.to_date(d):%b}" for d in plotted["date"]]
    strands = ["US–China", "China–India", "China's export controls"]
    chart = charts.event_timeline(plotted, start="date", lane="event", label="when", end="scheduled_end", color="strand",
                                  tooltip=["date:T", "strand", "event", "detail", "scheduled_end"],
                                  lane_sort=list(plotted["event"]))
    chart = recolour(chart.properties(height=24 * len(plotted)), "strand",
                     alt.Scale(domain=strands, range=[charts.USA, charts.INDIA, charts.CHINA]))
    source_ids = sorted({s for ids_ in plotted["source_id"] for s in str(ids_).split(";") if s})
    alt_text = (f"{len(ev)} US–China and China–India events and {len(measures)} export-control announcements since "
                f"{controls.long_date(START)}. " + controls.end_passed_sentence(status, as_of_day))
    return Figure(alt.layer(chart, marker).configure_axisY(labelLimit=330), alt_text, source_ids, "dates", plotted)


def status_figure(status: pd.DataFrame, as_of_day, marker) -> Figure:
    by_id = status.set_index("event_id")
    rows = []
    for r in status.sort_values("date").to_dict("records"):
        suspension_end = by_id.loc[r["suspended_by"], "scheduled_end"] if isinstance(r["suspended_by"], str) else None
        rows.append({"measure": controls.short_label(r["instrument"]), "instrument": r["instrument"],
                     "effective": r["effective_date"] if controls.to_date(r["effective_date"]) else r["date"],
                     "end": r["scheduled_end"] if controls.to_date(r["scheduled_end"]) else suspension_end,
                     "status": controls.STATUS_SHORT[r["status_as_of"]], "status_full": r["status_text"],
                     "confirmed": r["status_confirmed"], "source_id": r["source_id"]})
    plotted = pd.DataFrame(rows)
    plotted["measure"] = [m if (plotted["measure"] == m).sum() == 1 else f"{m}: {i}"
                          for m, i in zip(plotted["measure"], plotted["instrument"])]
    domain = list(dict.fromkeys(plotted["status"]))
    chart = charts.event_timeline(plotted, start="effective", lane="measure", label="status", end="end", color="status",
                                  tooltip=["instrument", "effective:T", "end:T", "status_full", "confirmed"],
                                  lane_sort=list(plotted["measure"]))
    chart = recolour(chart, "status", alt.Scale(domain=domain, range=[STATUS_COLOURS.get(d, charts.OTHER) for d in domain]))
    chart = alt.layer(chart, marker).properties(height=34 * len(plotted))
    counts_text = ", ".join(f"{v} {controls.STATUS_TEXT[k]}" for k, v in controls.counts(status).items())
    alt_text = (f"On {controls.long_date(as_of_day)}: {counts_text}. " + controls.end_passed_sentence(status, as_of_day))
    return Figure(chart, alt_text, plotted["source_id"].unique(), "dates", plotted)
