"""Chapter "Sector impact on India" (book/sector_impact.md): what it states, from the data.

``compute(data_dir, supply_cut_share=0.5, disruption_months=3.0, inventory_weeks=3.0,
sales_counter="FADA")`` reads the sector ratings and evidence, India's magnet imports,
EV sales and magnet intensity, runs the what-if model in a low, central and high case (the central
case is the parameters), and returns the chapter's key figures, its five tables and the frames of
its five figures. Model outputs are rounded to two significant figures (``whatif.round_sig``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import charts, datasets, inpage_models, magnet_demand, whatif
from . import Chapter, Figure, listing, short_source

SEGMENT = {"e2w": "Electric two-wheelers", "e3w": "Electric three-wheelers", "e_car": "Electric cars",
           "e_cv": "Electric commercial vehicles", "total": "All EVs"}
SEGMENT_PLURAL = {k: v.lower() for k, v in SEGMENT.items()}
BASIS = {"fiscal_year": "fiscal year, April–March", "calendar_year": "calendar year"}
INTENSITY_OF = {"e_car": ["ev_traction_motor_small", "ev_traction_motor"]}  # segment → magnet-intensity applications


def compute(data_dir, supply_cut_share: float = 0.5, disruption_months: float = 3.0, inventory_weeks: float = 3.0,
            sales_counter: str = "FADA") -> Chapter:
    # the charts' titles, subtitles and alt texts are written beside them in book/sector_impact.md ({figure-text})
    ch = Chapter(data_dir, page="sector_impact")
    registry = datasets.sources(data_dir)
    impact = datasets.load("india_sector_impact", data_dir)
    evidence = datasets.load("india_sector_evidence", data_dir)
    imports = datasets.load("india_magnet_imports", data_dir)
    sales = datasets.load("india_ev_sales", data_dir)
    intensity = datasets.load("magnet_intensity", data_dir)

    chetak = sectors_and_evidence(ch, impact, evidence, registry)
    re_t = magnet_imports(ch, imports)
    current = ev_sales(ch, sales)
    magnet_demand_band(ch, current, intensity, registry, re_t)
    what_if(ch, current, sales, sales_counter, supply_cut_share, disruption_months, inventory_weeks, chetak)
    return ch


def sectors_and_evidence(ch: Chapter, impact: pd.DataFrame, evidence: pd.DataFrame, registry: pd.DataFrame) -> dict:
    ev = evidence.set_index("evidence_id")
    article = dict(dataset="india_sector_impact", source_ids=["srk-bharat-2025-10-10"])
    ch.key("sectors_n", len(impact), **article)
    ch.key("sectors_list", listing(impact["sector"].str.lower()), **article)
    ch.key("article_rated_n", int((impact["dependency"].notna() & impact["severity"].notna()).sum()), **article)

    found = evidence[evidence["evidence_found"].fillna(False)]
    sectors_with = list(dict.fromkeys(found["sector"]))
    sectors_without = [s for s in impact["sector"] if s not in sectors_with]
    ch.key("sectors_without_evidence_any", bool(sectors_without))
    ch.key("sectors_without_evidence", listing([s.lower() for s in sectors_without]) if sectors_without else "none",
           dataset="india_sector_evidence")
    ch.key("n_sectors_with_evidence", len(sectors_with), dataset="india_sector_evidence")

    jul, jun = ev.loc["ev-bajaj-chetak-2025-07"], ev.loc["ev-bajaj-chetak-2025-06"]
    chetak = dict(dataset="india_sector_evidence", source_ids=[jul["source_id"]])
    ch.key("chetak_jul_output", jul["value"], unit="units", **chetak)
    ch.key("chetak_cut_yoy_pct", 100 * (1 - jul["value"] / jul["baseline"]), unit="%", **chetak)
    ch.key("chetak_cut_mom_pct", 100 * (1 - jul["value"] / jun["value"]), unit="%", **chetak)
    ch.key("chetak_jun_output", jun["value"], unit="units", **chetak)
    ch.key("chetak_baseline_output", jul["baseline"], unit="units", **chetak)
    vit = ev.loc["ev-maruti-evitara-plan"]
    vitara = dict(dataset="india_sector_evidence", source_ids=[vit["source_id"]])
    ch.key("evitara_plan", vit["value"], unit="units", **vitara)
    ch.key("evitara_plan_before", vit["baseline"], unit="units", **vitara)
    ch.key("evitara_cut_pct", 100 * (1 - vit["value"] / vit["baseline"]), unit="%", **vitara)
    restart = ev.loc["ev-bajaj-restart-2025-08"]
    ch.key("bajaj_restart_month", pd.Timestamp(restart["date"]).strftime("%B %Y"), dataset="india_sector_evidence",
           source_ids=[restart["source_id"]])
    tvs = ev.loc["ev-tvs-q2fy26-sales"]
    ch.key("tvs_q2_sales", tvs["value"], unit="units", dataset="india_sector_evidence", source_ids=[tvs["source_id"]])
    jobs = ev.loc["el-elcina-jobs-at-risk"]
    ch.key("elcina_jobs_at_risk", jobs["value"], unit="jobs", dataset="india_sector_evidence", source_ids=[jobs["source_id"]])
    dep = ev.loc["el-elcina-china-dependence"]
    ch.key("elcina_china_share_pct", dep["value"], unit="%", dataset="india_sector_evidence", source_ids=[dep["source_id"]])

    ch.tables["evidence"] = pd.DataFrame({
        "Sector": evidence["sector"],
        "Actor": evidence["actor"].fillna("—"),
        "What was found": evidence["description"],
        "Quantified": evidence["evidence_found"].map({True: "yes", False: "no"}),
        "Source": [short_source(registry.loc[s]) for s in evidence["source_id"]],
    })

    # one firm, one measure: Bajaj's monthly Chetak output (Maruti's plan cut is another measure, in the text)
    # the months are those the evidence ids name (ev-bajaj-chetak-YYYY-MM); the baseline is a year before July
    jul_m, jun_m = (pd.Period(i[-7:], freq="M") for i in ("ev-bajaj-chetak-2025-07", "ev-bajaj-chetak-2025-06"))
    plotted = pd.DataFrame({
        "month": [(jul_m - 12).strftime("%B %Y"), jun_m.strftime("%B %Y"), jul_m.strftime("%B %Y")],
        "output": [jul["baseline"], jun["value"], jul["value"]],
        "source_id": [jul["source_id"], jun["source_id"], jul["source_id"]],
    })
    for key, month in zip(("chetak_baseline_month", "chetak_jun_month", "chetak_jul_month"), plotted["month"]):
        ch.key(key, month)
    chart = charts.column_bars(plotted, x="month", y="output", y_title="",  # the page titles the axis
                               tooltip=ch.tooltip("fig-sector_impact-evidence"), color=charts.INDIA)
    ch.figures["fig-sector_impact-evidence"] = Figure(chart, "", [jul["source_id"]], "scooters a month", plotted)
    return {"source_ids": [jul["source_id"]], "cut_yoy_pct": ch["chetak_cut_yoy_pct"]}


def magnet_imports(ch: Chapter, imports: pd.DataFrame) -> float:
    qty = imports[imports["measure"] == "quantity"]
    all_pm = qty[qty["series"] == "all_permanent_magnets"]
    re_mag = qty[qty["series"] == "rare_earth_magnets"]
    common_fy = [fy for fy in re_mag["fiscal_year"] if fy in set(all_pm["fiscal_year"])][-1]

    def imp(series, measure):
        row = imports[(imports["series"] == series) & (imports["measure"] == measure) & (imports["fiscal_year"] == common_fy)]
        return row["value"].iloc[0], row["source_id"].iloc[0]

    ds = "india_magnet_imports"
    all_t, all_src = imp("all_permanent_magnets", "quantity")
    re_t, re_src = imp("rare_earth_magnets", "quantity")
    ch.key("imports_fy", common_fy, dataset=ds)
    ch.key("imports_all_fy_t", all_t, unit="t", dataset=ds, source_ids=[all_src])
    ch.key("imports_re_fy_t", re_t, unit="t", dataset=ds, source_ids=[re_src])
    ch.key("imports_ratio", all_t / re_t, unit="times", dataset=ds, source_ids=[all_src, re_src])
    share, share_src = imp("all_permanent_magnets", "china_share")
    ch.key("imports_china_share_pct", share, unit="%", dataset=ds, source_ids=[share_src])
    val_all, val_all_src = imp("all_permanent_magnets", "value")
    val_re, val_re_src = imp("rare_earth_magnets", "value")
    ch.key("imports_all_value_cr", val_all, unit="INR crore", dataset=ds, source_ids=[val_all_src])
    ch.key("imports_re_value_cr", val_re, unit="INR crore", dataset=ds, source_ids=[val_re_src])
    # unit values (INR crore = 10 million rupees; tonne = 1,000 kg), quoted to two significant figures
    per_kg_all = val_all * 1e7 / (all_t * 1e3)
    per_kg_re = val_re * 1e7 / (re_t * 1e3)
    ch.key("imports_all_inr_per_kg", whatif.round_sig(per_kg_all), unit="INR per kg", dataset=ds,
           source_ids=[val_all_src, all_src])
    ch.key("imports_re_inr_per_kg", whatif.round_sig(per_kg_re), unit="INR per kg", dataset=ds,
           source_ids=[val_re_src, re_src])
    ch.key("imports_all_fy_t_approx", whatif.round_sig(all_t), unit="t", dataset=ds, source_ids=[all_src])
    ch.key("imports_re_quarter_cr", whatif.round_sig(val_re / 4), unit="INR crore", dataset=ds, source_ids=[val_re_src])
    ch.key("imports_unit_value_ratio", per_kg_re / per_kg_all, unit="times", dataset=ds)
    # China's share by customs heading (the government's trade statistics), beside the press figure
    for series, name in (("pm_metal_hs850511", "metal"), ("pm_other_hs850519", "other")):
        for measure in ("quantity", "value"):
            v, src = imp(series, f"china_share_{measure}")
            ch.key(f"imports_china_share_{name}_{measure}_pct", v, unit="%", dataset=ds, source_ids=[src])
    first, latest = all_pm.iloc[0], all_pm.iloc[-1]
    ch.key("imports_first_fy", first["fiscal_year"], dataset=ds)
    ch.key("imports_first_fy_t", first["value"], unit="t", dataset=ds, source_ids=[first["source_id"]])
    ch.key("imports_latest_period", latest["fiscal_year"], dataset=ds)
    ch.key("imports_latest_t", latest["value"], unit="t", dataset=ds, source_ids=[latest["source_id"]])

    labels = {"all_permanent_magnets": "All permanent magnets", "rare_earth_magnets": "Rare-earth magnets"}
    plotted = qty.assign(series_label=qty["series"].map(labels))[
        ["series_label", "fiscal_year", "value", "unit", "source_id", "note"]].reset_index(drop=True)
    left = plotted[plotted["series_label"] == "All permanent magnets"]
    right = plotted[plotted["series_label"] == "Rare-earth magnets"]
    tip = ch.tooltip("fig-sector_impact-imports")
    chart = alt.hconcat(
        charts.column_bars(left, x="fiscal_year", y="value", y_title="", tooltip=tip,
                           title="All permanent magnets (incl. ferrite), t", color=charts.OTHER, width=340, label_angle=-30),
        charts.column_bars(right, x="fiscal_year", y="value", y_title="", tooltip=tip,
                           title="Rare-earth magnets only, t", color=charts.CHINA, width=120),
    ).resolve_scale(y="independent")
    ch.figures["fig-sector_impact-imports"] = Figure(chart, "", list(plotted["source_id"]), "t", plotted)
    return float(re_t)


def ev_sales(ch: Chapter, sales: pd.DataFrame) -> pd.DataFrame:
    latest_period = sales.groupby("counter")["period"].transform("max")
    current = sales[sales["period"] == latest_period].copy()
    current["period_label"] = current["period"].where(current["basis"] != "calendar_year", "calendar " + current["period"])
    current["group"] = current["counter"] + ", " + current["period_label"]
    current["segment_label"] = current["segment"].map(SEGMENT).fillna(current["segment"])

    def sales_of(counter, segment):
        return current[(current["counter"] == counter) & (current["segment"] == segment)].iloc[0]

    ds = "india_ev_sales"
    jmk, fada = sales_of("JMK Research", "total"), sales_of("FADA", "total")
    ch.key("ev_total_jmk", jmk["sales"], unit="units", dataset=ds, source_ids=[jmk["source_id"]])
    ch.key("ev_total_jmk_period", jmk["period"], dataset=ds)
    ch.key("ev_total_jmk_qualifier", "at least " if "lower bound" in str(jmk["note"]) else "", dataset=ds)
    ch.key("ev_total_fada", fada["sales"], unit="units", dataset=ds, source_ids=[fada["source_id"]])
    ch.key("ev_total_fada_period", fada["period"], dataset=ds)
    ch.key("ev_total_fada_m", whatif.round_sig(fada["sales"] / 1e6, 3), unit="million units", dataset=ds,
           source_ids=[fada["source_id"]])
    e2w_jmk, e2w_mhi = sales_of("JMK Research", "e2w"), sales_of("MHI", "e2w")
    ch.key("e2w_jmk", e2w_jmk["sales"], unit="units", dataset=ds, source_ids=[e2w_jmk["source_id"]])
    ch.key("e2w_mhi", e2w_mhi["sales"], unit="units", dataset=ds, source_ids=[e2w_mhi["source_id"]])
    ch.key("e2w_mhi_period", e2w_mhi["period"], dataset=ds)
    vahan = sales_of("Vahan (IESA)", "total")
    ch.key("ev_total_vahan", vahan["sales"], unit="units", dataset=ds, source_ids=[vahan["source_id"]])
    ch.key("ev_total_vahan_period", vahan["period"], dataset=ds)
    ch.key("ev_total_vahan_m", whatif.round_sig(vahan["sales"] / 1e6, 3), unit="million units", dataset=ds,
           source_ids=[vahan["source_id"]])

    plotted = current[["segment_label", "group", "counter", "period", "basis", "sales", "unit", "source_id", "note"]
                      ].reset_index(drop=True)
    chart = charts.grouped_bars(
        plotted, category="segment_label", value="sales", group="group", value_title="",  # the page titles the axis
        category_sort=[SEGMENT[s] for s in SEGMENT if SEGMENT[s] in set(plotted["segment_label"])],
        tooltip=ch.tooltip("fig-sector_impact-ev-sales"),
    )
    ch.key("ev_sales_counts", listing(dict.fromkeys(plotted["group"])))  # "FADA, calendar 2025 and …"
    ch.figures["fig-sector_impact-ev-sales"] = Figure(chart, "", list(plotted["source_id"]), "vehicles", plotted)
    ch.tables["sales"] = pd.DataFrame({
        "Counter": current["counter"], "Period": current["period"], "Basis": current["basis"].map(BASIS),
        "Segment": current["segment_label"], "Sales (vehicles)": current["sales"].map("{:,.0f}".format),
        "Note": current["note"].fillna(""),
    })
    return current


def magnet_demand_band(ch: Chapter, current: pd.DataFrame, intensity: pd.DataFrame, registry: pd.DataFrame,
                       re_t: float) -> None:
    rows = []
    for counter in ("FADA", "JMK Research"):  # the newest count first
        seg_sales = current[(current["counter"] == counter) & (current["segment"] != "total")]
        band = magnet_demand.demand_band(seg_sales, intensity, INTENSITY_OF)
        band["counter"], band["period"] = counter, seg_sales["period"].iloc[0]
        rows.append(band)
    bands = pd.concat(rows, ignore_index=True)
    ecar = bands[bands["segment"] == "e_car"].copy()
    ecar["case"] = ecar["counter"] + ", " + ecar["period"].where(~ecar["period"].str.fullmatch(r"\d{4}"),
                                                                 "calendar " + ecar["period"])
    ids = ecar["intensity_source_ids"].iloc[0].split(";")
    ds = dict(dataset="magnet_intensity", source_ids=ids)
    first, last = ecar.iloc[0], ecar.iloc[-1]
    for suffix, row in (("", first), ("_alt", last)):
        ch.key(f"ecar_demand_low_t{suffix}", whatif.round_sig(row["demand_low_t"]), unit="t/yr", **ds)
        ch.key(f"ecar_demand_high_t{suffix}", whatif.round_sig(row["demand_high_t"]), unit="t/yr", **ds)
        ch.key(f"ecar_sales{suffix}", row["sales"], unit="vehicles", dataset="india_ev_sales")
        ch.key(f"ecar_sales_period{suffix}", row["period"], dataset="india_ev_sales")
        ch.key(f"ecar_sales_counter{suffix}", row["counter"], dataset="india_ev_sales")
    ch.key("ecar_intensity_low_kg", first["intensity_low_kg"], unit="kg per vehicle", **ds)
    ch.key("ecar_intensity_high_kg", first["intensity_high_kg"], unit="kg per vehicle", **ds)
    ch.key("ecar_demand_share_of_imports_high_pct", 100 * first["demand_high_t"] / re_t, unit="%", dataset="magnet_intensity")
    weak = [sid for sid in ids if registry.loc[sid, "quality"] == "W"]
    ch.key("intensity_sources_n", len(ids), **ds)
    ch.key("intensity_weak_n", len(weak), **ds)
    ch.key("intensity_weak", "all" if len(weak) == len(ids) else "some" if weak else "none")
    unmapped = [SEGMENT_PLURAL[s] for s in dict.fromkeys(bands.loc[bands["application"].isna(), "segment"])]
    ch.key("intensity_missing_any", bool(unmapped))
    ch.key("intensity_missing_segments", listing(unmapped) if unmapped else "none", dataset="magnet_intensity")

    plotted = ecar[["case", "sales", "intensity_low_kg", "intensity_high_kg", "demand_low_t", "demand_high_t"]
                   ].reset_index(drop=True)
    chart = charts.range_bars(
        plotted, category="case", low="demand_low_t", high="demand_high_t",
        value_title="", color=charts.INDIA,  # the page titles the axis
        tooltip=ch.tooltip("fig-sector_impact-demand-band"),
    )
    sources = list(dict.fromkeys(list(ecar["intensity_source_ids"].str.split(";").explode())
                                 + list(current.loc[current["segment"] == "e_car", "source_id"])))
    for suffix, row in (("", first), ("_alt", last)):  # unrounded, as the chart draws them
        ch.key(f"ecar_demand_low_exact_t{suffix}", row["demand_low_t"], unit="t/yr", **ds)
        ch.key(f"ecar_demand_high_exact_t{suffix}", row["demand_high_t"], unit="t/yr", **ds)
    ch.key("ecar_cases", listing(plotted["case"]))
    ch.figures["fig-sector_impact-demand-band"] = Figure(chart, "", sources, "t of NdFeB magnet per year", plotted)


# how a sales counter is named in a sentence
COUNTER_NAME = {"Vahan (IESA)": "Vahan registrations", "MHI": "the Ministry of Heavy Industries"}
CASE_LABEL = {"low": "Low", "central": "Central", "high": "High"}


def counted_by(counter: str) -> str:
    return COUNTER_NAME.get(counter, counter)


def what_if(ch: Chapter, current: pd.DataFrame, sales: pd.DataFrame, sales_counter: str, supply_cut_share: float,
            disruption_months: float, inventory_weeks: float, chetak: dict) -> None:
    data_dir = ch.data_dir
    segments = current[current["segment"] != "total"]
    base = segments[segments["counter"] == sales_counter]
    if base.empty:
        raise ValueError(f"sales_counter {sales_counter!r} has no segment sales in india_ev_sales")
    base_period, base_basis = base["period"].iloc[0], base["basis"].iloc[0]
    params = dict(supply_cut_share=supply_cut_share, disruption_months=disruption_months, inventory_weeks=inventory_weeks)
    result = whatif.output_at_risk(base, **params)
    result["segment_label"] = result["segment"].map(SEGMENT)
    ids = list(dict.fromkeys(base["source_id"]))
    ds = dict(dataset="india_ev_sales", source_ids=ids)
    total = result["output_at_risk"].sum()
    sig = whatif.round_sig
    # model outputs are quoted to two significant figures: the inputs support no more
    ch.key("whatif_total_at_risk", sig(total), unit="vehicles", **ds)
    ch.key("whatif_share_pct", sig(100 * total / result["annual_sales"].sum()), unit="%", **ds)
    ch.key("whatif_uncovered_months", result["uncovered_months"].iloc[0], unit="months")
    ch.key("whatif_cut_pct", 100 * supply_cut_share, unit="%")
    ch.key("whatif_months", disruption_months, unit="months")
    ch.key("whatif_months_unit", "month" if disruption_months == 1 else "months")
    ch.key("whatif_weeks", inventory_weeks, unit="weeks")
    ch.key("whatif_weeks_unit", "week" if inventory_weeks == 1 else "weeks")
    ch.key("whatif_sales_basis", f"{counted_by(sales_counter)}, {base_period} ({BASIS[base_basis]})", **ds)
    # which of the three wordings of the result applies
    outcome = ("no_cut" if supply_cut_share == 0 else
               "stocks_outlast" if float(result["uncovered_months"].max()) <= 0 else "at_risk")
    ch.key("whatif_outcome", outcome)
    ch.key("whatif_by_segment", listing(f"{sig(n):,.0f} {SEGMENT_PLURAL.get(s, s)}"
                                        for s, n in zip(result["segment"], result["output_at_risk"])), **ds)
    # the model gives every segment the same share of its sales: it rescales sales, nothing more
    shares = result.loc[result["annual_sales"] > 0, "share_of_year_pct"].round(6)
    ch.key("whatif_same_share_every_segment", bool(shares.nunique() <= 1))

    # the central case by each count of sales that covers cars, two- and three-wheelers: the headline range
    complete = [c for c, g in segments.groupby("counter") if {"e2w", "e3w", "e_car"} <= set(g["segment"])]
    by_counter = {c: whatif.output_at_risk(segments[segments["counter"] == c], **params)["output_at_risk"].sum()
                  for c in dict.fromkeys(complete + [sales_counter])}
    range_ids = list(dict.fromkeys(segments.loc[segments["counter"].isin(by_counter), "source_id"]))
    ch.key("whatif_range_low", sig(min(by_counter.values())), unit="vehicles", dataset="india_ev_sales",
           source_ids=range_ids)
    ch.key("whatif_range_high", sig(max(by_counter.values())), unit="vehicles", dataset="india_ev_sales",
           source_ids=range_ids)
    ch.key("whatif_range_counters", listing(counted_by(c) for c in by_counter), dataset="india_ev_sales")

    # low, central and high cases from named assumptions (table of cases)
    rows = []
    for name, case in whatif.cases(**params).items():
        r = whatif.output_at_risk(base, **case)
        at_risk = r["output_at_risk"].sum()
        rows.append(dict(case=name, label=CASE_LABEL[name], cut_pct=100 * case["supply_cut_share"],
                         months=case["disruption_months"], weeks=case["inventory_weeks"],
                         uncovered_months=r["uncovered_months"].iloc[0], at_risk=at_risk,
                         at_risk_rounded=sig(at_risk), share_pct=100 * at_risk / r["annual_sales"].sum()))
    cases = pd.DataFrame(rows)
    for r in cases.itertuples():
        if r.case == "central":
            continue
        ch.key(f"whatif_{r.case}_cut_pct", r.cut_pct, unit="%")
        ch.key(f"whatif_{r.case}_duration", f"{r.months:g} month" + ("" if r.months == 1 else "s"))
        ch.key(f"whatif_{r.case}_stock", f"{r.weeks:g} week" + ("" if r.weeks == 1 else "s"))
        ch.key(f"whatif_{r.case}_at_risk", r.at_risk_rounded, unit="vehicles", **ds)
        ch.key(f"whatif_{r.case}_share_pct", sig(r.share_pct), unit="%", **ds)
    ch.tables["cases"] = pd.DataFrame({
        "Case": cases["label"],
        "Supply cut": cases["cut_pct"].map("{:.0f}%".format),
        "Duration": cases["months"].map(lambda m: f"{m:g} month" + ("" if m == 1 else "s")),
        "Magnet stocks": cases["weeks"].map(lambda w: f"{w:g} week" + ("" if w == 1 else "s")),
        "Months of output exposed": cases["uncovered_months"].map("{:.1f}".format),
        "EVs at risk": cases["at_risk_rounded"].map("{:,.0f}".format),
        "Share of a year's sales": cases["share_pct"].map(lambda p: f"{sig(p):g}%"),
    })

    # the check against 2025: what the counts of sales did while magnets ran short
    fada = sales[sales["counter"] == "FADA"]
    years = sorted(fada["period"].unique())
    if len(years) >= 2:
        now, before = years[-1], years[-2]

        def fada_sales(period, segment):
            return float(fada.loc[(fada["period"] == period) & (fada["segment"] == segment), "sales"].iloc[0])

        fada_ids = list(dict.fromkeys(fada.loc[fada["period"].isin([now, before]), "source_id"]))
        ch.key("check_year", now, dataset="india_ev_sales")
        ch.key("check_prev_year", before, dataset="india_ev_sales")
        for seg, name in (("total", "ev"), ("e2w", "e2w"), ("e_car", "ecar")):
            ch.key(f"check_{name}_growth_pct", 100 * (fada_sales(now, seg) / fada_sales(before, seg) - 1), unit="%",
                   dataset="india_ev_sales", source_ids=fada_ids)

    # the assumptions table is written in book/sector_impact.md; these are the sources it quotes
    cite = datasets.cite_text
    ch.key("whatif_cut_source", cite(chetak["source_ids"], data_dir), dataset="india_sector_evidence")
    ch.key("whatif_stocks_source", cite(["ie-2025-06-magnet-imports"], data_dir))
    ch.key("whatif_sales_source", cite(ids, data_dir), dataset="india_ev_sales")

    plotted = cases[["label", "cut_pct", "months", "weeks", "uncovered_months", "at_risk_rounded", "share_pct"]].copy()
    plotted["share_pct"] = plotted["share_pct"].map(sig)
    plotted["uncovered_months"] = plotted["uncovered_months"].round(2)
    # the chart recomputes the cases in the browser from the sales by segment (the model's input);
    # at its defaults, the chapter's settings, it shows the rows of ``plotted``
    chart = inpage_models.whatif_chart(
        inpage_models.whatif_inputs(base, CASE_LABEL, SEGMENT), **params, reference=plotted,
        headline=ch.figure_template("fig-sector_impact-whatif", "headline"), tooltip=ch.tooltip("fig-sector_impact-whatif"),
        color=charts.INDIA)
    ch.key("whatif_sales_counter", counted_by(sales_counter), dataset="india_ev_sales")
    ch.key("whatif_sales_period", base_period, dataset="india_ev_sales")
    ch.figures["fig-sector_impact-whatif"] = Figure(chart, "", ids, "vehicles", plotted,
                                                    explore_section="sector_impact-whatif")
