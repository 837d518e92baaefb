"""Chapter "India's strategy roadmap" (book/strategy_roadmap.md): what it states, from the data.

``compute(data_dir, demand_growth=0.15, capacity_realisation=1.0, capacity_delay_years=0)`` reads
the roadmap, the policy instruments, India's magnet imports and its rare-earth resources, runs the
capacity model, and returns the chapter's key figures, its four tables and the frames of its five
figures.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .. import capacity, charts, datasets
from . import Chapter, Figure, short_source

NEUTRAL = charts.NEUTRAL[:5]  # areas of policy and publishers are not countries
END_YEAR = 2030  # the horizon of the seed article's roadmap and of the government's demand outlook
TONNES = {"Mt REO": 1e6, "t REO": 1.0}
STOCKS = ["insitu_reo_total", "insitu_reo_monazite", "insitu_reo_hard_rock", "usgs_reserves"]


def fy_end_year(fiscal_year: str) -> int:
    """'FY2024-25' → 2025: the calendar year in which the fiscal year ends (March)."""
    return int(fiscal_year[2:6]) + 1


def short(text: str, n: int = 42) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def long_date(value) -> str:
    return pd.Timestamp(value).strftime("%-d %B %Y")


def compute(data_dir, demand_growth: float = 0.15, capacity_realisation: float = 1.0,
            capacity_delay_years: int = 0) -> Chapter:
    ch = Chapter(data_dir)
    registry = datasets.sources(data_dir)
    roadmap = datasets.load("strategy_roadmap", data_dir)
    instruments = datasets.load("policy_instruments", data_dir)
    imports = datasets.load("india_magnet_imports", data_dir)
    resources = datasets.load("india_rare_earth_resources", data_dir)

    roadmap_and_instruments(ch, roadmap, instruments)
    capacity_against_demand(ch, instruments, imports, demand_growth, capacity_realisation, capacity_delay_years)
    resources_against_output(ch, resources, registry)
    return ch


def roadmap_and_instruments(ch: Chapter, roadmap: pd.DataFrame, instruments: pd.DataFrame) -> None:
    inst = instruments.set_index("instrument_id")
    missing = roadmap["status_2025"].isna() | roadmap["status_2025"].str.lower().eq("not available")
    seed = dict(dataset="strategy_roadmap", source_ids=["srk-bharat-2025-10-10"])
    ch.key("roadmap_status_missing", bool(missing.all()))
    ch.key("roadmap_areas_n", len(roadmap), **seed)
    ch.key("roadmap_status_n", int((~missing).sum()), **seed)
    ch.key("roadmap_areas", ", ".join(roadmap["area"]), **seed)
    ch.key("n_instruments", len(instruments), dataset="policy_instruments")

    ncmm_ids = ["ncmm-government", "ncmm-psu-investment"]
    ncmm = dict(dataset="policy_instruments", source_ids=list(dict.fromkeys(inst.loc[ncmm_ids, "source_id"])))
    ch.key("ncmm_government_cr", inst.loc["ncmm-government", "outlay"], unit="INR crore", **ncmm)
    ch.key("ncmm_psu_cr", inst.loc["ncmm-psu-investment", "outlay"], unit="INR crore", **ncmm)
    ch.key("ncmm_total_cr", inst.loc[ncmm_ids, "outlay"].sum(), unit="INR crore", **ncmm)
    ch.key("ncmm_date", long_date(inst.loc["ncmm-government", "date"]), dataset="policy_instruments")
    repm = inst.loc["repm-scheme"]
    ds = dict(dataset="policy_instruments", source_ids=[repm["source_id"]])
    ch.key("repm_outlay_cr", repm["outlay"], unit="INR crore", **ds)
    ch.key("repm_capacity_t", repm["capacity"], unit="t/yr", **ds)
    ch.key("repm_date", long_date(repm["date"]), dataset="policy_instruments")
    ch.key("repm_gestation_years", capacity.gestation_from_text(repm["description"]), unit="years", **ds)

    def seed_cell(status, target):
        status, target = (v if isinstance(v, str) and v else "not available" for v in (status, target))
        return status if status == target == "not available" else f"{status} / {target}"

    rows = []
    for area_row in roadmap.itertuples():
        backing = instruments[instruments["area"] == area_row.area]
        for i, item in enumerate(backing.itertuples()) if len(backing) else [(0, None)]:
            rows.append({
                "Area": area_row.area if i == 0 else "",
                "Seed: status 2025 / target 2030": seed_cell(area_row.status_2025, area_row.target_2030) if i == 0 else "",
                "Instrument": item.name if item is not None else "none found in the data",
                "Date": item.date if item is not None and pd.notna(item.date) else "not available",
                "Outlay (INR crore)": f"{item.outlay:,.0f}" if item is not None and pd.notna(item.outlay) else "not available",
                "Capacity": f"{item.capacity:,.0f} {item.capacity_unit}" if item is not None and pd.notna(item.capacity)
                else "—",
            })
    ch.tables["roadmap"] = pd.DataFrame(rows)

    dated = instruments[instruments["date"].notna()].copy()
    dated["label"] = dated["name"].map(lambda n: short(n, 64))
    dated["date_label"] = pd.to_datetime(dated["date"]).dt.strftime("%b %Y")
    plotted = dated[["instrument_id", "label", "name", "area", "date", "date_label", "outlay", "outlay_unit", "source_id"]
                    ].reset_index(drop=True)
    first, last = dated.sort_values("date").iloc[0], dated.sort_values("date").iloc[-1]
    chart = charts.event_timeline(
        plotted, start="date", lane="label", label="date_label", color="area",
        lane_sort=list(plotted.sort_values(["area", "date"])["label"]),
        tooltip=["name", "area", "date", alt.Tooltip("outlay:Q", format=",.0f"), "outlay_unit"],
    ).configure_axisY(labelLimit=420).configure_range(category=NEUTRAL)
    ch.figures["fig-strategy_roadmap-timeline"] = Figure(
        chart, f"{len(plotted)} dated instruments, from {first['name']} ({first['date']}) to "
               f"{last['name']} ({last['date']}).", list(plotted["source_id"]), "date", plotted)

    outlays = instruments[instruments["outlay"].notna() & (instruments["outlay_unit"] == "INR crore")]
    plotted = outlays[["name", "area", "date", "outlay", "outlay_unit", "source_id"]].reset_index(drop=True)
    chart = charts.ranked_bars(
        plotted, value="outlay", label="name", value_title="INR crore",
        highlight={n: charts.INDIA for n in plotted["name"]},
        tooltip=["name", "area", "date", alt.Tooltip("outlay:Q", format=",.0f")],
    ).configure_axisY(labelLimit=380)
    top = plotted.sort_values("outlay", ascending=False).iloc[0]
    ch.figures["fig-strategy_roadmap-outlays"] = Figure(
        chart, f"The largest outlay is {top['name']} at INR {top['outlay']:,.0f} crore; "
               f"{len(plotted)} instruments have a rupee outlay in the data.",
        list(plotted["source_id"]), "INR crore", plotted)


def capacity_against_demand(ch: Chapter, instruments: pd.DataFrame, imports: pd.DataFrame, demand_growth: float,
                            capacity_realisation: float, capacity_delay_years: int) -> None:
    data_dir, cite = ch.data_dir, datasets.cite_text
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

    gestation = ch["repm_gestation_years"]
    lines = [capacity.CapacityLine(
        "REPM scheme", float(repm["capacity"]),
        int(repm["start_year"]) if pd.notna(repm["start_year"]) else capacity.start_year_after(repm["date"], gestation))]
    if pd.notna(irel_plant["capacity"]) and irel_plant["capacity_unit"] == "t/yr":
        lines.append(capacity.CapacityLine("IREL SmCo plant", float(irel_plant["capacity"]), int(irel_plant["start_year"])))
    ch.key("repm_start_year", lines[0].start_year, dataset="policy_instruments", source_ids=repm_src)
    ch.key("irel_plant_capacity_t", irel_plant["capacity"], unit="t/yr", dataset="policy_instruments",
           source_ids=[irel_plant["source_id"]])

    path = capacity.capacity_path(base_demand_t=float(re_qty["value"]), base_year=base_year, lines=lines,
                                  demand_growth=demand_growth, capacity_realisation=capacity_realisation,
                                  capacity_delay_years=capacity_delay_years, end_year=END_YEAR)
    cap_ids = [re_qty["source_id"], repm["source_id"], irel_plant["source_id"]]
    ch.key("capacity_met_phrase", capacity.met_phrase(path), dataset="policy_instruments", source_ids=cap_ids)
    ch.key("capacity_met_clause", capacity.met_clause(path), dataset="policy_instruments", source_ids=cap_ids)
    end = path.iloc[-1]
    ch.key("demand_end_t", end["demand_t"], unit="t", dataset="india_magnet_imports", source_ids=cap_ids)
    ch.key("capacity_end_t", end["capacity_t"], unit="t", dataset="policy_instruments", source_ids=cap_ids)
    ch.key("gap_end_t", end["gap_t"], unit="t", dataset="policy_instruments", source_ids=cap_ids)
    ch.key("end_year", END_YEAR)

    plotted = path.assign(
        demand_t=path["demand_t"].round(0), capacity_t=path["capacity_t"].round(0), gap_t=path["gap_t"].round(0),
        self_sufficiency_pct=path["self_sufficiency_pct"].round(1),
    )[["year", "demand_t", "capacity_t", "gap_t", "self_sufficiency_pct", "met"]]
    chart = charts.bars_and_line(
        plotted, x="year", bar="capacity_t", line="demand_t", bar_label="Domestic capacity",
        line_label="Demand", y_title="Tonnes of magnets a year",
        tooltip=["year", alt.Tooltip("demand_t:Q", format=",.0f"), alt.Tooltip("capacity_t:Q", format=",.0f"),
                 alt.Tooltip("gap_t:Q", format=",.0f")],
    )
    alt_text = (f"If demand for rare-earth magnets grows {100 * demand_growth:.0f}% a year from the {re_qty['value']:,.0f} t "
                f"imported in {re_qty['fiscal_year']} and {100 * capacity_realisation:.0f}% of the announced capacity comes "
                f"on line {ch['capacity_timing']}, {capacity.met_clause(path)}.")
    ch.figures["fig-strategy_roadmap-capacity"] = Figure(chart, alt_text, cap_ids, "t per year", plotted)
    ch.tables["capacity"] = pd.DataFrame({
        "Year": path["year"],
        "Demand (t)": path["demand_t"].map("{:,.0f}".format),
        "Domestic capacity (t)": path["capacity_t"].map("{:,.0f}".format),
        "Gap to import (t)": path["gap_t"].clip(lower=0).map("{:,.0f}".format),
        "Surplus (t)": (-path["gap_t"]).clip(lower=0).map("{:,.0f}".format),
        "Capacity meets demand": path["met"].map({True: "yes", False: "no"}),
    })
    ch.tables["assumptions"] = pd.DataFrame([
        {"Assumption": "Demand in the base year",
         "Value used": f"{re_qty['value']:,.0f} t ({re_qty['fiscal_year']}, counted as {base_year})",
         "Basis / source": "India's rare-earth magnet imports — " + cite([re_qty["source_id"]], data_dir)
         + "; magnets inside imported motors and devices are not counted"},
        {"Assumption": "Demand growth", "Value used": f"{100 * demand_growth:.1f}% a year",
         "Basis / source": f"Parameter demand_growth; default near {100 * capacity.doubling_rate(END_YEAR - base_year):.1f}%, "
                           f"the rate at which consumption doubles by {END_YEAR} as the government expects — "
                           + cite(repm_src, data_dir)},
        {"Assumption": "REPM capacity", "Value used": f"{repm['capacity']:,.0f} t/yr from {lines[0].start_year}",
         "Basis / source": f"Approved {repm['date']}; {gestation}-year gestation, counted from the first full calendar "
                           "year after it — " + cite(repm_src, data_dir)},
        {"Assumption": "IREL magnet capacity",
         "Value used": f"{irel_plant['capacity']:,.0f} t/yr (samarium-cobalt) from {int(irel_plant['start_year'])}",
         "Basis / source": "IREL's Visakhapatnam plant, for strategic uses — " + cite([irel_plant["source_id"]], data_dir)
         + " (weak source)"},
        {"Assumption": "Share of announced capacity realised", "Value used": f"{100 * capacity_realisation:.0f}%",
         "Basis / source": "Parameter capacity_realisation (default: as announced)"},
        {"Assumption": "Delay beyond the stated gestation", "Value used": f"{capacity_delay_years} years",
         "Basis / source": "Parameter capacity_delay_years (default: none)"},
        {"Assumption": "Ramp-up, exports", "Value used": "none",
         "Basis / source": "Model assumption: full realised output from the first year, all used in India"},
    ])


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
    ch.key("insitu_years", insitu["years_of_output"], unit="years", dataset=ds, source_ids=res_ids)
    ch.key("reserves_years", reserves["years_of_output"], unit="years", dataset=ds, source_ids=res_ids)
    chart = charts.log_bars(
        plotted, value="tonnes_reo", label="label", value_title="Tonnes of rare-earth oxide", color="kind",
        sort=list(plotted["label"]),
        tooltip=["label", alt.Tooltip("tonnes_reo:Q", format=",.0f"), alt.Tooltip("years_of_output:Q", format=",.0f"),
                 "source_id"],
    ).configure_axisY(labelLimit=380)
    alt_text = (f"India's rare-earth reserves of {reserves['tonnes_reo'] / 1e6:.1f} Mt REO (USGS) would last about "
                f"{reserves['years_of_output']:,.0f} years at its {int(mine['year'])} mine output of "
                f"{float(mine['value']):,.0f} t: the constraint is mining and processing, not geology.")
    ch.figures["fig-strategy_roadmap-resources"] = Figure(chart, alt_text, res_ids, "t REO", plotted)
    ch.tables["resources"] = pd.DataFrame({
        "Quantity": plotted["label"],
        "Tonnes of REO": plotted["tonnes_reo"].map("{:,.0f}".format),
        "Years of current mine output": plotted["years_of_output"].map("{:,.0f}".format),
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
        category="period", value="value", series="series", value_title="Tonnes of neodymium",
        domain=(0, 100 * math.ceil(float(nd_plot["value"].max()) * 1.1 / 100)), sort=list(dict.fromkeys(nd_plot["period"])),
        tooltip=["period", "kind_label", "publisher", alt.Tooltip("value:Q", format=",.0f"), "note"],
    ).configure_legend(labelLimit=400, columns=2).configure_range(category=NEUTRAL)
    alt_text = (f"IREL produced about {actual['value']:,.0f} t of neodymium in {actual['period']}; its target for FY2025-26 is "
                + (f"{fy26['value'].min():,.0f} t or {fy26['value'].max():,.0f} t depending on the source — the sources "
                   "disagree." if fy26["value"].nunique() > 1 else f"{fy26['value'].iloc[0]:,.0f} t."))
    ch.figures["fig-strategy_roadmap-irel"] = Figure(chart, alt_text, list(nd_plot["source_id"]), "t of neodymium", nd_plot)
