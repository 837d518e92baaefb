"""Chapter "India's strategy roadmap" (book/strategy_roadmap.md): what it states, from the data.

``compute(data_dir, demand_growth=0.15, capacity_realisation=1.0, capacity_delay_years=0)`` reads
the roadmap, the policy instruments, India's magnet imports and its rare-earth resources, runs the
capacity model, and returns the chapter's key figures, its four tables and the frames of its five
figures.
"""

from __future__ import annotations

import math
import textwrap
import re

import pandas as pd

from masthead.dates import MONTHS as MONTH_NAMES, long_date

from .. import capacity, charts, datasets, inpage_models
from . import Chapter, Figure, listing, short_source

NEUTRAL = charts.NEUTRAL[:5]  # areas of policy and publishers are not countries
END_YEAR = 2030  # the horizon of the roadmap in the news report of 10 October 2025 and of the government's demand outlook
TONNES = {"Mt REO": 1e6, "t REO": 1.0}
STOCKS = ["insitu_reo_total", "insitu_reo_monazite", "insitu_reo_hard_rock", "usgs_reserves"]


def fy_end_year(fiscal_year: str) -> int:
    """'FY2024-25' → 2025: the calendar year in which the fiscal year ends (March)."""
    return int(fiscal_year[2:6]) + 1


def short(text: str, n: int = 42) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def compute(data_dir, demand_growth: float = 0.15, capacity_realisation: float = 1.0,
            capacity_delay_years: int = 0, as_of: str = "2026-12-07") -> Chapter:
    # the charts' titles, subtitles and alt texts are written beside them in book/strategy_roadmap.md ({figure-text})
    ch = Chapter(data_dir, page="strategy_roadmap")
    registry = datasets.sources(data_dir)
    roadmap = datasets.load("strategy_roadmap", data_dir)
    instruments = datasets.load("policy_instruments", data_dir)
    milestones = datasets.load("policy_milestones", data_dir)
    imports = datasets.load("india_magnet_imports", data_dir)
    resources = datasets.load("india_rare_earth_resources", data_dir)

    roadmap_and_instruments(ch, roadmap, instruments, milestones, as_of)
    capacity_against_demand(ch, instruments, imports, resources, demand_growth, capacity_realisation,
                            capacity_delay_years, as_of)
    resources_against_output(ch, resources, registry)
    return ch


MONTHS = {name[:3]: name for name in MONTH_NAMES if name != name[:3]} | {"Sept": "September"}  # "Jun" → "June"


def house_style(text: str) -> str:
    """A source's wording in the report's style: "Rs 1,500 crore" → "INR 1,500 crore", "29 Jun 2026" → "29 June 2026"."""
    text = re.sub(r"\bRs\.? ?([\d,]+) (?:crore|cr)\b", r"INR \1 crore", text)
    text = re.sub(r"\b(" + "|".join(MONTHS) + r")\b(?= \d)", lambda m: MONTHS[m.group(1)], text)
    return (text.replace("GSI ", "Geological Survey of India ").replace("PSUs", "public sector undertakings")
            .replace("RFP", "request for proposals").replace(" on the CPP portal", ""))


def roadmap_and_instruments(ch: Chapter, roadmap: pd.DataFrame, instruments: pd.DataFrame,
                            milestones: pd.DataFrame, as_of: str) -> None:
    inst = instruments.set_index("instrument_id")
    article = dict(dataset="strategy_roadmap", source_ids=["srk-bharat-2025-10-10"])
    ch.key("roadmap_areas_n", len(roadmap), **article)
    ch.key("roadmap_areas", listing(roadmap["initiative"].str.lower()), **article)
    counts = roadmap["assessment"].value_counts()
    ch.key("roadmap_partly_n", int(counts.get("partly_supported", 0)), **article)
    ch.key("roadmap_contradicted_n", int(counts.get("contradicted", 0)), **article)
    ch.key("roadmap_supported_n", int(counts.get("supported", 0)), **article)
    ch.key("n_instruments", len(instruments), dataset="policy_instruments")

    ncmm_ids = ["ncmm-government", "ncmm-psu-investment"]
    ncmm = dict(dataset="policy_instruments", source_ids=list(dict.fromkeys(inst.loc[ncmm_ids, "source_id"])))
    ch.key("ncmm_government_cr", inst.loc["ncmm-government", "outlay"], unit="INR crore", **ncmm)
    ch.key("ncmm_psu_cr", inst.loc["ncmm-psu-investment", "outlay"], unit="INR crore", **ncmm)
    # kept for pages that quote it; this chapter never shows committed and expected money added together
    ch.key("ncmm_total_cr", inst.loc[ncmm_ids, "outlay"].sum(), unit="INR crore", **ncmm)
    ch.key("ncmm_date", long_date(inst.loc["ncmm-government", "date"]), dataset="policy_instruments")
    repm = inst.loc["repm-scheme"]
    ds = dict(dataset="policy_instruments", source_ids=[repm["source_id"]])
    ch.key("repm_outlay_cr", repm["outlay"], unit="INR crore", **ds)
    ch.key("repm_capacity_t", repm["capacity"], unit="t/yr", **ds)
    ch.key("repm_date", long_date(repm["date"]), dataset="policy_instruments")
    ch.key("repm_gestation_years", capacity.gestation_from_text(repm["description"]), unit="years", **ds)
    recycling = inst.loc["critical-mineral-recycling-scheme"]
    ch.key("recycling_outlay_cr", recycling["outlay"], unit="INR crore", dataset="policy_instruments",
           source_ids=[recycling["source_id"]])
    ch.key("recycling_date", long_date(recycling["date"]), dataset="policy_instruments")
    corridors = inst.loc["rare-earth-corridors"]
    ch.key("corridors_date", long_date(corridors["date"]), dataset="policy_instruments",
           source_ids=[corridors["source_id"]])

    # the scheme from approval to award
    ms = milestones.set_index("milestone_id")
    ms_ds = "policy_milestones"
    for mid, name in (("repm-approval", "approval"), ("repm-notification", "notification"), ("repm-rfp", "rfp"),
                      ("repm-prebid", "prebid"), ("repm-bid-extension", "bid_extension")):
        ch.key(f"repm_{name}_date", long_date(ms.loc[mid, "date"]), dataset=ms_ds, source_ids=[ms.loc[mid, "source_id"]])
    ch.key("repm_prebid_companies_n", int(ms.loc["repm-prebid", "value"]), dataset=ms_ds,
           source_ids=[ms.loc["repm-prebid", "source_id"]])
    award = milestones[(milestones["instrument_id"] == "repm-scheme") & (milestones["stage"] == "award")]
    awarded = award["date"].notna()
    ch.key("repm_awarded", bool(awarded.any()), dataset=ms_ds, source_ids=list(award["source_id"]))
    ch.key("repm_award_date", long_date(award.loc[awarded, "date"].iloc[0]) if awarded.any() else "", dataset=ms_ds)
    ch.key("as_of_text", long_date(as_of))
    gsi = ms.loc["ncmm-gsi-projects-2025-26"]
    ch.key("ncmm_gsi_projects_n", int(gsi["value"]), dataset=ms_ds, source_ids=[gsi["source_id"]])
    ch.key("ncmm_gsi_projects_date", long_date(gsi["date"]), dataset=ms_ds)
    blocks = ms.loc["ncmm-blocks-auctioned"]
    ch.key("ncmm_blocks_auctioned_n", int(blocks["value"]), dataset=ms_ds, source_ids=[blocks["source_id"]])

    names = {"repm-scheme": "Magnet scheme", "ncmm-government": "Critical Mineral Mission",
             "critical-mineral-recycling-scheme": "Recycling scheme", "rare-earth-corridors": "Rare Earth Corridors"}
    shown = milestones[milestones["instrument_id"].isin(names)].copy()
    shown["when"] = pd.to_datetime(shown["date"])
    shown = shown.assign(order=shown["instrument_id"].map({k: i for i, k in enumerate(names)})).sort_values(
        ["order", "when"], na_position="last")
    ch.tables["milestones"] = pd.DataFrame({
        "Scheme": shown["instrument_id"].map(names).where(~shown["instrument_id"].duplicated(), ""),
        "Date": [long_date(d) if pd.notna(d) else f"none by {long_date(as_of)}" for d in shown["date"]],
        "Step": shown["milestone"].map(house_style),
    })
    rows = []
    for area in roadmap["area"]:
        for i, item in enumerate(instruments[instruments["area"] == area].itertuples()):
            rows.append({
                "Area": area.capitalize() if i == 0 else "",
                "Instrument": item.name,
                "Date": long_date(item.date) if pd.notna(item.date) else "—",
                "Outlay (INR crore)": f"{item.outlay:,.0f}" if pd.notna(item.outlay) and item.outlay_unit == "INR crore" else "—",
                "Note": "expected, not committed" if item.instrument_id == "ncmm-psu-investment" else "",
            })
    ch.tables["instruments"] = pd.DataFrame(rows)

    dated = instruments[instruments["date"].notna()].copy()
    # the full name, wrapped over lines (the axis splits it at "\n"): never cut short with "…"
    dated["label"] = dated["name"].map(lambda n: "\n".join(textwrap.wrap(n, 30)))
    dated["date_label"] = pd.to_datetime(dated["date"]).dt.strftime("%b %Y")
    plotted = dated[["instrument_id", "label", "name", "area", "date", "date_label", "outlay", "outlay_unit", "source_id"]
                    ].reset_index(drop=True)
    first, last = dated.sort_values("date").iloc[0], dated.sort_values("date").iloc[-1]
    chart = charts.event_timeline(
        plotted, start="date", lane="label", label="date_label", color="area",
        lane_sort=list(plotted.sort_values(["area", "date"])["label"]),
        tooltip=ch.tooltip("fig-strategy_roadmap-timeline"),
    ).configure_axisY(labelLimit=1000, labelExpr="split(datum.label, '\\n')").configure_range(category=NEUTRAL)
    ch.key("timeline_first_name", first["name"])
    ch.key("timeline_first_date", long_date(first["date"]))
    ch.key("timeline_last_name", last["name"])
    ch.key("timeline_last_date", long_date(last["date"]))
    recent(ch, pd.to_datetime(plotted["date"]))
    ch.figures["fig-strategy_roadmap-timeline"] = Figure(chart, "", list(plotted["source_id"]), "date", plotted)

    # expected investment is not an outlay: only money the government has committed is charted
    outlays = instruments[instruments["outlay"].notna() & (instruments["outlay_unit"] == "INR crore")
                          & (instruments["instrument_id"] != "ncmm-psu-investment")]
    plotted = outlays[["name", "area", "date", "outlay", "outlay_unit", "source_id"]].reset_index(drop=True)
    chart = charts.ranked_bars(
        plotted, value="outlay", label="name", value_title="",  # the page titles the axis
        highlight={n: charts.INDIA for n in plotted["name"]}, wrap=34,
        tooltip=ch.tooltip("fig-strategy_roadmap-outlays"),
    ).configure_axisY(labelLimit=1000)
    top = plotted.sort_values("outlay", ascending=False).iloc[0]
    ch.key("outlays_top_name", top["name"])
    ch.key("outlays_top_cr", float(top["outlay"]), unit="INR crore", dataset="policy_instruments",
           source_ids=[top["source_id"]])
    ch.key("outlays_n", len(plotted))
    ch.figures["fig-strategy_roadmap-outlays"] = Figure(chart, "", list(plotted["source_id"]), "INR crore", plotted)


def recent(ch: Chapter, dates: pd.Series) -> None:
    """The timeline's finding: since which year most of India's dated instruments came (the latest
    year from which they are more than half; 0 when no year holds a majority), and their span."""
    years = sorted(set(dates.dt.year), reverse=True)
    since = next((y for y in years if (dates.dt.year >= y).sum() * 2 > len(dates)), None)
    since = 0 if since is None or since == min(years) else since
    ch.key("instruments_dated_n", len(dates))
    ch.key("instruments_since_year", since)
    ch.key("instruments_since_n", int((dates.dt.year >= since).sum()))
    ch.key("instruments_first_month", f"{dates.min():%B %Y}")
    ch.key("instruments_last_month", f"{dates.max():%B %Y}")


# The capacity cases: named assumptions about when the scheme is awarded, how fast its plants ramp
# up and how much of the announced capacity is built. The high case is the earliest the data allow.
CASES = [
    dict(case="High", award_delay_years=0, first_year_share=1.0, realisation=1.0,
         award="earliest", ramp="none"),
    dict(case="Central", award_delay_years=1, first_year_share=0.5, realisation=1.0,
         award="a year later", ramp="half in year one"),
    dict(case="Low", award_delay_years=2, first_year_share=0.5, realisation=0.5,
         award="two years later", ramp="half in year one"),
]


def capacity_against_demand(ch: Chapter, instruments: pd.DataFrame, imports: pd.DataFrame, resources: pd.DataFrame,
                            demand_growth: float, capacity_realisation: float, capacity_delay_years: int,
                            as_of: str) -> None:
    data_dir, cite, sig2 = ch.data_dir, datasets.cite_text, capacity.two_significant
    inst = instruments.set_index("instrument_id")
    repm, irel_plant = inst.loc["repm-scheme"], inst.loc["irel-vizag-smco-plant"]
    repm_src = [repm["source_id"]]
    re_qty = imports[(imports["series"] == "rare_earth_magnets") & (imports["measure"] == "quantity")
                     & imports["fiscal_year"].str.fullmatch(r"FY\d{4}-\d{2}")].iloc[-1]
    base_year = fy_end_year(re_qty["fiscal_year"])
    ch.key("demand_base_t", re_qty["value"], unit="t", dataset="india_magnet_imports", source_ids=[re_qty["source_id"]])
    ch.key("demand_base_fy", re_qty["fiscal_year"], dataset="india_magnet_imports")
    ch.key("doubling_rate_pct", 100 * capacity.doubling_rate(END_YEAR - base_year), unit="%/yr")
    ch.key("demand_growth_pct", 100 * demand_growth, unit="%/yr")
    ch.key("capacity_realisation_pct", 100 * capacity_realisation, unit="%")
    ch.key("capacity_delay_years", capacity_delay_years, unit="years")
    ch.key("capacity_timing", "on time" if capacity_delay_years == 0 else
           f"{capacity_delay_years} year{'s' if capacity_delay_years != 1 else ''} late")

    # demand including magnets inside imported assemblies: the government's estimate, as reported
    broad = resources[resources["item"] == "magnet_demand_estimate"].assign(
        year=lambda d: d["period"].astype(int)).sort_values("year")
    broad_src = list(dict.fromkeys(broad["source_id"]))
    b0, b1 = broad.iloc[0], broad.iloc[-1]
    broad_growth = capacity.growth_between(float(b0["value"]), float(b1["value"]), int(b1["year"]) - int(b0["year"]))
    ch.key("demand_broad_base_t", float(b0["value"]), unit="t", dataset="india_rare_earth_resources", source_ids=broad_src)
    ch.key("demand_broad_base_year", int(b0["year"]), dataset="india_rare_earth_resources")
    ch.key("demand_broad_target_t", float(b1["value"]), unit="t", dataset="india_rare_earth_resources", source_ids=broad_src)
    ch.key("demand_broad_target_year", int(b1["year"]), dataset="india_rare_earth_resources")
    ch.key("demand_broad_multiple", sig2(float(b0["value"]) / float(re_qty["value"])), unit="×",
           dataset="india_rare_earth_resources", source_ids=broad_src + [re_qty["source_id"]])

    gestation = ch["repm_gestation_years"]
    recorded_start = int(repm["start_year"]) if pd.notna(repm["start_year"]) else None
    lines = [capacity.CapacityLine("REPM scheme", float(repm["capacity"]),
                                   recorded_start or capacity.start_year_after(repm["date"], gestation))]
    ch.key("repm_start_year", lines[0].start_year, dataset="policy_instruments", source_ids=repm_src)
    # the earliest award consistent with the recorded start: the gestation runs from the award
    earliest_award = lines[0].start_year - gestation - 1
    ch.key("repm_earliest_award_year", earliest_award, dataset="policy_instruments", source_ids=repm_src)
    ch.key("irel_plant_capacity_t", irel_plant["capacity"], unit="t/yr", dataset="policy_instruments",
           source_ids=[irel_plant["source_id"]])
    ch.key("irel_plant_year", int(irel_plant["start_year"]), dataset="policy_instruments",
           source_ids=[irel_plant["source_id"]])

    path = capacity.capacity_path(base_demand_t=float(re_qty["value"]), base_year=base_year, lines=lines,
                                  demand_growth=demand_growth, capacity_realisation=capacity_realisation,
                                  capacity_delay_years=capacity_delay_years, end_year=END_YEAR)
    broad_path = [float(b0["value"]) * (1 + broad_growth) ** (y - int(b0["year"])) for y in path["year"]]
    path["demand_broad_t"] = broad_path
    cap_ids = [re_qty["source_id"], repm["source_id"]]
    ch.key("capacity_met_phrase", capacity.met_phrase(path), dataset="policy_instruments", source_ids=cap_ids)
    met_year = capacity.first_year_met(path)  # the page words "meets demand in …" or "does not meet demand by …"
    ch.key("capacity_met", met_year is not None, dataset="policy_instruments", source_ids=cap_ids)
    ch.key("capacity_met_year", met_year or 0, dataset="policy_instruments", source_ids=cap_ids)
    end = path.iloc[-1]
    ch.key("demand_end_t", end["demand_t"], unit="t", dataset="india_magnet_imports", source_ids=cap_ids)
    ch.key("capacity_end_t", end["capacity_t"], unit="t", dataset="policy_instruments", source_ids=cap_ids)
    ch.key("gap_end_t", end["gap_t"], unit="t", dataset="policy_instruments", source_ids=cap_ids)
    ch.key("end_year", END_YEAR)
    ch.key("path_is_high_case", bool(capacity_realisation == CASES[0]["realisation"] and capacity_delay_years == 0
                                      and CASES[0]["first_year_share"] == 1.0))
    ch.key("demand_end_rounded_t", sig2(end["demand_t"]), unit="t", dataset="india_magnet_imports", source_ids=cap_ids)
    ch.key("demand_broad_end_rounded_t", sig2(broad_path[-1]), unit="t", dataset="india_rare_earth_resources",
           source_ids=broad_src)

    # the cases
    case_ids = cap_ids + broad_src
    rows = []
    for c in CASES:
        award_year = earliest_award + c["award_delay_years"]
        start = capacity.first_full_year_after_award(award_year, gestation)
        case_path = capacity.capacity_path(
            base_demand_t=float(re_qty["value"]), base_year=base_year,
            lines=[capacity.CapacityLine("REPM scheme", float(repm["capacity"]), start)],
            demand_growth=demand_growth, capacity_realisation=c["realisation"], capacity_delay_years=0,
            end_year=END_YEAR, first_year_share=c["first_year_share"])
        cap_end = float(case_path["capacity_t"].iloc[-1])
        name = c["case"].lower()
        ch.key(f"case_{name}_award_year", award_year, dataset="policy_milestones", source_ids=repm_src)
        ch.key(f"case_{name}_start_year", start, dataset="policy_instruments", source_ids=repm_src)
        ch.key(f"case_{name}_capacity_end_t", sig2(cap_end), unit="t", dataset="policy_instruments", source_ids=case_ids)
        ch.key(f"case_{name}_share_broad_pct", sig2(100 * cap_end / broad_path[-1]), unit="%",
               dataset="india_rare_earth_resources", source_ids=case_ids)
        ch.key(f"case_{name}_share_loose_pct", sig2(min(100.0, 100 * cap_end / float(end["demand_t"]))), unit="%",
               dataset="india_magnet_imports", source_ids=case_ids)
        rows.append({
            "Case": c["case"],
            "Award": f"{award_year} ({c['award']})",
            "Output from": str(start),
            "Ramp-up": c["ramp"],
            "Share built": f"{100 * c['realisation']:.0f}%",
            f"Output in {END_YEAR} (t)": f"{sig2(cap_end):,.0f}",
            f"{END_YEAR} demand covered: loose imports": f"{sig2(min(100.0, 100 * cap_end / float(end['demand_t']))):.0f}%",
            f"{END_YEAR} demand covered: government estimate": f"{sig2(100 * cap_end / broad_path[-1]):.0f}%",
        })
    ch.tables["cases"] = pd.DataFrame(rows)

    def covering(which: str) -> str:
        """"the high and central cases", "the high case" or "no case": the cases whose output covers demand."""
        names = [c["case"].lower() for c in CASES if ch[f"case_{c['case'].lower()}_share_{which}_pct"] >= 100]
        if not names:
            return "no case"
        return f"the {listing(names)} case{'s' if len(names) > 1 else ''}"

    ch.key("cases_covering_loose", covering("loose"), dataset="policy_instruments", source_ids=case_ids)
    ch.key("cases_covering_broad", covering("broad"), dataset="india_rare_earth_resources", source_ids=case_ids)
    ch.key("case_high_first_year_share_pct", 100 * CASES[0]["first_year_share"], unit="%")
    ch.key("case_central_first_year_share_pct", 100 * CASES[1]["first_year_share"], unit="%")
    ch.key("case_low_realisation_pct", 100 * CASES[2]["realisation"], unit="%")

    plotted = path.assign(
        demand_t=path["demand_t"].round(0), capacity_t=path["capacity_t"].round(0), gap_t=path["gap_t"].round(0),
        demand_broad_t=path["demand_broad_t"].round(0), self_sufficiency_pct=path["self_sufficiency_pct"].round(0),
    )[["year", "demand_t", "demand_broad_t", "capacity_t", "gap_t", "self_sufficiency_pct", "met"]]
    # the chart recomputes the path in the browser from the model's inputs (base demand, the lines);
    # at its defaults, the chapter's settings, it shows the rows of ``plotted``
    chart = inpage_models.capacity_chart(
        inpage_models.capacity_inputs(base_demand_t=float(re_qty["value"]), base_year=base_year, lines=lines,
                                      end_year=END_YEAR, demand_broad=dict(zip(path["year"], broad_path))),
        demand_growth=demand_growth, capacity_realisation=capacity_realisation,
        capacity_delay_years=capacity_delay_years, bar_label="Domestic capacity",
        line_label="Demand: loose magnet imports", broad_label="Demand: government estimate",
        y_title="", reference=plotted,  # the page titles the axis
        headline=ch.figure_template("fig-strategy_roadmap-capacity", "headline"),
        tooltip=ch.tooltip("fig-strategy_roadmap-capacity"))
    ch.key("demand_base_year", base_year)
    ch.figures["fig-strategy_roadmap-capacity"] = Figure(chart, "", case_ids, "t per year", plotted,
                                                         explore_section="strategy_roadmap-capacity")
    ch.tables["capacity"] = pd.DataFrame({
        "Year": path["year"],
        "Demand, loose magnet imports (t)": path["demand_t"].map(sig2).map("{:,.0f}".format),
        "Demand, government estimate (t)": path["demand_broad_t"].map(sig2).map("{:,.0f}".format),
        "Domestic capacity (t)": path["capacity_t"].map(sig2).map("{:,.0f}".format),
    })
    # the assumptions table is written in book/strategy_roadmap.md; these are the sources it quotes
    ch.key("demand_base_source", cite([re_qty["source_id"]], data_dir), dataset="india_magnet_imports")
    ch.key("demand_broad_source", cite(broad_src, data_dir), dataset="india_rare_earth_resources")
    ch.key("repm_source", cite(repm_src, data_dir), dataset="policy_instruments")


def resources_against_output(ch: Chapter, res: pd.DataFrame, registry: pd.DataFrame) -> None:
    res_reo = res[res["unit"].isin(TONNES)].copy()
    mine = res_reo[(res_reo["item"] == "mine_production") & (res_reo["source_id"].str.startswith("usgs"))]
    mine = mine.assign(year=mine["period"].astype(int)).sort_values("year").iloc[-1]
    stocks = res_reo[res_reo["item"].isin(STOCKS)].copy()
    stocks["order"] = stocks["item"].map({k: i for i, k in enumerate(STOCKS)})
    stocks = stocks.sort_values("order")
    plotted = pd.concat([stocks, mine.to_frame().T[stocks.columns.drop("order")]], ignore_index=True)
    plotted["tonnes_reo"] = [float(v) * TONNES[u] for v, u in zip(plotted["value"], plotted["unit"])]
    plotted["years_of_output"] = [capacity.years_of_output(t, float(mine["value"])) for t in plotted["tonnes_reo"]]
    plotted["label"] = [label if str(p) in label else f"{label} ({p})" for label, p in zip(plotted["label"], plotted["period"])]
    plotted = plotted[["label", "item", "kind", "period", "value", "unit", "tonnes_reo", "years_of_output", "source_id"]]
    by_item = plotted.set_index("item")
    insitu, reserves = by_item.loc["insitu_reo_total"], by_item.loc["usgs_reserves"]
    res_ids = list(dict.fromkeys(plotted["source_id"]))
    ds = "india_rare_earth_resources"
    ch.key("insitu_mt", insitu["tonnes_reo"] / 1e6, unit="Mt REO", dataset=ds, source_ids=[insitu["source_id"]])
    ch.key("reserves_mt", reserves["tonnes_reo"] / 1e6, unit="Mt REO", dataset=ds, source_ids=[reserves["source_id"]])
    ch.key("mine_output_t", mine["value"], unit="t REO", dataset=ds, source_ids=[mine["source_id"]])
    ch.key("mine_year", int(mine["year"]), dataset=ds)
    # a ratio of an estimate to an estimate: quoted to two significant figures
    ch.key("insitu_years", capacity.two_significant(insitu["years_of_output"]), unit="years", dataset=ds, source_ids=res_ids)
    ch.key("reserves_years", capacity.two_significant(reserves["years_of_output"]), unit="years", dataset=ds,
           source_ids=res_ids)
    ch.key("reserves_edition", str(reserves["period"]), dataset=ds, source_ids=[reserves["source_id"]])
    later = res[(res["item"] == "oscom_monazite_reserves")]
    ch.key("reserves_later_edition", "MCS " + str(registry.loc[later["source_id"].iloc[0], "date"])[:4]
           if len(later) else "", dataset=ds, source_ids=list(later["source_id"]))
    chart = charts.log_dots(
        plotted, value="tonnes_reo", label="label", value_title="", color="kind",  # the page titles the axis
        sort=list(plotted["label"]),
        tooltip=ch.tooltip("fig-strategy_roadmap-resources"),
    ).configure_axisY(labelLimit=1000)
    ch.figures["fig-strategy_roadmap-resources"] = Figure(chart, "", res_ids, "t REO", plotted)
    ch.tables["resources"] = pd.DataFrame({
        "Quantity": plotted["label"],
        "Tonnes of REO": plotted["tonnes_reo"].map("{:,.0f}".format),
        "Years of current mine output": plotted["years_of_output"].map(capacity.two_significant).map("{:,.0f}".format),
        "Source": [short_source(registry.loc[s]) for s in plotted["source_id"]],
    })

    nd = res[res["item"] == "irel_nd_output"].copy()
    nd["publisher"] = [registry.loc[s, "publisher"] for s in nd["source_id"]]
    nd["kind_label"] = nd["kind"].map({"production": "output", "target": "target"})
    nd_plot = nd[["period", "kind_label", "value", "unit", "publisher", "source_id", "note"]].reset_index(drop=True)
    actual = nd[nd["kind"] == "production"].iloc[-1]
    fy26 = nd[(nd["kind"] == "target") & (nd["period"] == "FY2025-26")]
    ch.key("irel_nd_actual_t", actual["value"], unit="t", dataset=ds, source_ids=[actual["source_id"]])
    ch.key("irel_nd_actual_period", actual["period"], dataset=ds)
    ch.key("irel_nd_fy26_low_t", fy26["value"].min(), unit="t", dataset=ds, source_ids=list(fy26["source_id"]))
    ch.key("irel_nd_fy26_high_t", fy26["value"].max(), unit="t", dataset=ds, source_ids=list(fy26["source_id"]))
    ch.key("irel_nd_fy26_disagree", bool(fy26["value"].nunique() > 1))
    ndpr = res[res["item"] == "irel_ndpr_capacity"]
    ch.key("irel_ndpr_t_high", ndpr["value"].max(), unit="t/yr NdPr oxide", dataset=ds, source_ids=list(ndpr["source_id"]))
    ch.key("irel_ndpr_t_low", ndpr["value"].min(), unit="t/yr NdPr oxide", dataset=ds, source_ids=list(ndpr["source_id"]))
    chart = charts.spread_dots(
        nd_plot.assign(series=nd_plot["publisher"] + " (" + nd_plot["kind_label"] + ")"),
        category="period", value="value", series="series", value_title="",  # the page titles the axis
        domain=(0, 100 * math.ceil(float(nd_plot["value"].max()) * 1.1 / 100)), sort=list(dict.fromkeys(nd_plot["period"])),
        tooltip=ch.tooltip("fig-strategy_roadmap-irel"),
    ).configure_legend(labelLimit=1000, columns=2).configure_range(category=NEUTRAL)
    ch.figures["fig-strategy_roadmap-irel"] = Figure(chart, "", list(nd_plot["source_id"]), "t of neodymium", nd_plot)
