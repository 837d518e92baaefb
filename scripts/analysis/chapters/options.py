"""Chapter "What India can do" (book/options.md): six options side by side, from the data.

``compute(data_dir, buffer_months=3)`` reads India's magnet imports, the magnet and recycling
schemes, the sourced facts per option (``india_options``), world mining, reserves and the value
chain, China's magnet exports, the export-control timeline, the China–India events and framework
membership, and returns the chapter's key figures, its comparison and buffer tables and the frame
of its one figure.

The stockpile's cost is computed, not quoted: value per tonne × tonnes a month × months held,
from the latest fiscal year with both the value and the quantity of rare-earth magnet imports.
Money committed (budget outlays) and money expected are never added together here.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from .. import charts, concentration, controls, datasets, magnet_exports, october_package, oxide_value
from . import Chapter, Figure

IEA = "International Energy Agency"
RE_MAGNETS = "rare_earth_magnets"
ALL_MAGNETS = "all_permanent_magnets"
CONTROLS_INSTRUMENT = "2025 No. 18"  # the April 2025 licensing that cut magnet supply
BUFFER_TABLE_MONTHS = (1, 3, 6)
DAYS_PER_MONTH = 365.25 / 12
OUTSIDE_CHINA = ("Australia", "Brazil", "Vietnam", "United States", "Burma", "Malaysia", "India")
# the options, in the order of the comparison table (its words are in book/options.md)
OPTIONS = ("stockpile", "diversified_sourcing", "domestic_magnets", "recycling", "less_heavy_rare_earths", "diplomacy")
RISK_WORDS = {"cut-off": "a short-term cut-off", "price": "price", "dependence": "long-term dependence"}
GRADE_WORDS = {"P": "primary", "S": "secondary", "W": "weak", "D": "derived"}


def quoted(x: float, digits: int = 2) -> float:
    """``x`` rounded as a reader quotes it: two significant figures (whole numbers stay whole)."""
    if x == 0 or not math.isfinite(x):
        return x
    places = digits - 1 - math.floor(math.log10(abs(x)))
    scale = 10.0 ** places
    value = math.copysign(math.floor(abs(x) * scale + 0.5) / scale, x)  # half up: 76.5 → 77, as a reader rounds
    return float(int(value)) if places <= 0 else value


def month_label(value) -> str:
    """``2025-10`` → ``October 2025``; ``2025-10-30`` → ``30 October 2025``."""
    text = str(value)
    if len(text) == 7:
        return dt.date.fromisoformat(text + "-01").strftime("%B %Y")
    return controls.long_date(text)


def fraction(ratio: float) -> str:
    """0.5 → "one-half", 0.33 → "one-third"; other ratios as a percentage."""
    words = {2: "one-half", 3: "one-third", 4: "one-quarter"}
    n = round(1 / ratio) if ratio > 0 else 0
    return words[n] if n in words and abs(1 / n - ratio) < 0.02 else f"{100 * ratio:.0f} per cent"


def months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def compute(data_dir, buffer_months: int = 3, as_of: str = "2026-12-07") -> Chapter:
    ch = Chapter(data_dir, page="options")
    registry = datasets.sources(data_dir)
    imports = datasets.load("india_magnet_imports", data_dir)
    instruments = datasets.load("policy_instruments", data_dir).set_index("instrument_id", drop=False)
    facts = datasets.load("india_options", data_dir).set_index("item", drop=False)
    resources = datasets.load("india_rare_earth_resources", data_dir)
    intensity = datasets.load("magnet_intensity", data_dir)
    production = datasets.load("mine_production_by_country", data_dir)
    reserves = datasets.load("reserves_by_country", data_dir)
    chain = datasets.load("china_value_chain_share", data_dir)
    exports = datasets.load("china_magnet_exports_monthly", data_dir)
    timeline = datasets.load("export_control_timeline", data_dir)
    events = datasets.load("geopolitical_events", data_dir).set_index("event_id", drop=False)
    frameworks = datasets.load("framework_membership", data_dir)
    milestones = datasets.load("policy_milestones", data_dir)

    bill = import_bill(ch, imports)
    repm = instruments.loc["repm-scheme"]
    buffer = stockpile(ch, bill, facts, repm, buffer_months)
    shock = disruption_2025(ch, exports, timeline, events, buffer_months)
    sourcing = diversified_sourcing(ch, production, reserves, chain, registry, facts, bill)
    domestic = domestic_magnets(ch, repm, resources, facts, bill, as_of, milestones)
    recyc = recycling(ch, facts)
    lean = less_heavy_rare_earths(ch, intensity, facts)
    diplo = diplomacy(ch, events, frameworks, shock)
    prices = oxide_prices(ch, data_dir, buffer, repm, intensity, resources)
    package = october_package.read(ch, datasets.load("october_2025_package", data_dir), timeline)

    ch.tables["buffer"] = buffer["table"]
    ch.tables["producers"] = sourcing["table"]
    ch.tables["oxide-prices"] = prices["table"]
    ch.tables["october-package"] = package["table"]
    comparison(ch, registry, facts, {
        "stockpile": buffer, "diversified_sourcing": sourcing, "domestic_magnets": domestic,
        "recycling": recyc, "less_heavy_rare_earths": lean, "diplomacy": diplo})
    # the chart's title, subtitle and alt text are written beside it in book/options.md ({figure-text})
    ch.figures["fig-options-buffer"] = buffer_figure(ch, buffer, bill)
    used = {sid for part in (buffer, shock, sourcing, domestic, recyc, lean, diplo, prices, package) for sid in part["source_ids"]}
    newest = max(registry.loc[[s for s in used if s in registry.index], "date"].dropna().astype(str))
    ch.key("newest_source", month_label(newest) if len(newest) in (7, 10) else newest)
    return ch


# --- the import bill: what a month of rare-earth magnets costs --------------------------------
def import_bill(ch: Chapter, imports: pd.DataFrame) -> dict:
    """The latest fiscal year with both the tonnes and the value of rare-earth magnet imports."""
    def year_table(series: str) -> pd.DataFrame:
        rows = imports[imports["series"] == series]
        wide = rows.pivot_table(index="fiscal_year", columns="measure", values="value", aggfunc="first")
        ids = rows.groupby("fiscal_year")["source_id"].apply(lambda s: sorted(set(s)))
        wide = wide.join(ids)
        return wide.dropna(subset=[c for c in ("quantity", "value") if c in wide.columns])

    re = year_table(RE_MAGNETS)
    if re.empty or not {"quantity", "value"} <= set(re.columns):
        raise ValueError("india_magnet_imports holds no fiscal year with both the tonnes and the value of "
                         "rare-earth magnet imports")
    year = sorted(re.index)[-1]
    tonnes, crore, ids = float(re.loc[year, "quantity"]), float(re.loc[year, "value"]), re.loc[year, "source_id"]
    per_kg = crore * 1e7 / (tonnes * 1000)
    ds = dict(dataset="india_magnet_imports", source_ids=ids)
    ch.key("imports_year", str(year))
    ch.key("re_imports_t", tonnes, unit="t", **ds)
    ch.key("re_imports_value_cr", crore, unit="INR crore", **ds)
    ch.key("re_value_per_kg", per_kg, unit="INR/kg", **ds)
    ch.key("re_value_per_kg_q", quoted(per_kg), unit="INR/kg", **ds)
    ch.key("re_monthly_t", tonnes / 12, unit="t/month", **ds)
    ch.key("re_monthly_t_q", quoted(tonnes / 12), unit="t/month", **ds)
    # all permanent magnets (mostly ferrite by tonnage) only for the price contrast: never added
    allpm = year_table(ALL_MAGNETS)
    has_all = year in allpm.index and {"quantity", "value"} <= set(allpm.columns)
    all_per_kg = float(allpm.loc[year, "value"]) * 1e7 / (float(allpm.loc[year, "quantity"]) * 1000) if has_all else 0.0
    ch.key("all_pm_same_year", bool(has_all))
    ch.key("all_pm_value_per_kg_q", quoted(all_per_kg), unit="INR/kg", dataset="india_magnet_imports",
           source_ids=list(allpm.loc[year, "source_id"]) if has_all else [])
    ch.key("re_over_all_pm", quoted(per_kg / all_per_kg) if has_all else 0.0, unit="times")
    return {"year": year, "tonnes": tonnes, "crore": crore, "per_kg": per_kg, "source_ids": ids}


# --- option 1: a stockpile --------------------------------------------------------------------
def buffer_cost(bill: dict, months: int) -> dict:
    """Tonnes and INR crore of ``months`` months of rare-earth magnet imports held in stock."""
    tonnes = bill["tonnes"] / 12 * months
    return {"months": months, "tonnes": tonnes, "crore": bill["crore"] / bill["tonnes"] * tonnes}


def stockpile(ch: Chapter, bill: dict, facts: pd.DataFrame, repm: pd.Series, months: int) -> dict:
    months, repm_outlay = int(months), float(repm["outlay"])
    if months < 1:
        raise ValueError(f"buffer_months must be at least 1, got {months}")
    ds = dict(dataset="india_magnet_imports", source_ids=bill["source_ids"])
    cost = buffer_cost(bill, months)
    ch.key("buffer_months", months, unit="months")
    ch.key("buffer_t", cost["tonnes"], unit="t", **ds)
    ch.key("buffer_t_q", quoted(cost["tonnes"]), unit="t", **ds)
    ch.key("buffer_cost_cr", cost["crore"], unit="INR crore", **ds)
    ch.key("buffer_cost_cr_q", quoted(cost["crore"]), unit="INR crore", **ds)
    ch.key("repm_outlay_cr", repm_outlay, unit="INR crore", dataset="policy_instruments",
           source_ids=[repm["source_id"]])
    share = 100 * cost["crore"] / repm_outlay
    ch.key("buffer_share_of_repm_pct", share, unit="%", dataset="policy_instruments")
    ch.key("buffer_share_of_repm_pct_q", quoted(share), unit="%")
    plan = facts.loc["ncms-reserve"]
    alloc = facts.loc["ncmm-supply-shock"]
    ch.key("ncms_months", int(plan["low"]), unit="months", dataset="india_options", source_ids=[plan["source_id"]])
    ch.key("ncms_reported", month_label(plan["date"]))
    ch.key("ncms_cost_cr_q", quoted(buffer_cost(bill, int(plan["low"]))["crore"]), unit="INR crore",
           dataset="india_magnet_imports", source_ids=bill["source_ids"])
    ch.key("ncmm_shock_cr", float(alloc["low"]), unit="INR crore", dataset="india_options", source_ids=[alloc["source_id"]])
    ch.key("buffer_fits_allocation", bool(cost["crore"] <= float(alloc["low"])))
    months_list = sorted({*BUFFER_TABLE_MONTHS, months})
    rows = [buffer_cost(bill, m) for m in months_list]
    table = pd.DataFrame({
        "Months of imports held": [r["months"] for r in rows],
        "Magnets (t)": [f"{quoted(r['tonnes']):,.0f}" for r in rows],
        "Cost (INR crore)": [f"{quoted(r['crore']):,.0f}" for r in rows],
        "share_of_repm_outlay": [f"{quoted(100 * r['crore'] / repm_outlay):g}%" for r in rows],  # headed in the page
    })
    return {"cost": cost, "table": table, "rows": rows, "months": months, "repm_outlay": repm_outlay,
            "source_ids": [*bill["source_ids"], plan["source_id"]]}


def disruption_2025(ch: Chapter, exports: pd.DataFrame, timeline: pd.DataFrame, events: pd.DataFrame,
                    months: int) -> dict:
    """How long the 2025 cut lasted: for the world (China's exports back above a year earlier)
    and for India (the April 2025 licensing to the first licences for Indian importers)."""
    april = timeline[timeline["instrument"].str.contains(CONTROLS_INSTRUMENT, regex=False)]
    if april.empty:
        raise ValueError(f"export_control_timeline holds no instrument {CONTROLS_INSTRUMENT!r}")
    start = controls.to_date(april["date"].iloc[0])
    world = magnet_exports.series(exports, "World")
    back = magnet_exports.back_above_year_earlier(world, f"{start:%Y-%m}")
    licences = events[(events["track"] == "china_india") & events["event"].str.contains("licence", case=False)]
    licences = licences.sort_values("date")
    if licences.empty:
        raise ValueError("geopolitical_events holds no China–India licence event")
    first = licences.iloc[0]
    india_wait = months_between(start, controls.to_date(first["date"]))
    ch.key("controls_start", controls.long_date(start))
    ch.key("world_recovered", bool(back))
    world_months = 0
    if back:
        b = dt.date.fromisoformat(back["month"] + "-01")
        world_months = (b.year - start.year) * 12 + b.month - start.month
    ch.key("world_cut_months", world_months, unit="months", dataset="china_magnet_exports_monthly")
    ch.key("world_recovery_month", magnet_exports.month_name(back["month"]) if back else "")
    ch.key("india_licence_date", controls.long_date(first["date"]))
    ch.key("india_wait_months", india_wait, unit="months", dataset="geopolitical_events", source_ids=[first["source_id"]])
    ch.key("india_wait_months_q", round(india_wait), unit="months")
    # China's magnet exports to India as a whole: back above a year earlier before the licences
    # for heavy rare-earth magnets (the two measure different things; both are stated)
    india_series = exports[exports["destination"] == "India"]
    india_back = (magnet_exports.back_above_year_earlier(magnet_exports.series(exports, "India"), f"{start:%Y-%m}")
                  if not india_series.empty else None)
    ch.key("india_exports_recovered", bool(india_back))
    # computed whether or not exports recovered (empty when not), so the page can label them
    row = india_series[india_series["month"] == india_back["month"]].iloc[0] if india_back else None
    ch.key("india_exports_recovery_month", magnet_exports.month_name(india_back["month"]) if india_back else "")
    ch.key("india_exports_recovery_t", india_back["exports"] if india_back else 0.0, unit="t",
           dataset="china_magnet_exports_monthly", source_ids=[row["source_id"]] if india_back else [])
    ch.key("buffer_covers_world", bool(back) and months >= world_months)
    ch.key("buffer_covers_india", months >= india_wait)
    ch.key("india_wait_longer", bool(india_wait > world_months))
    # which wordings of the world-wide dip apply (book/options.md): exports may not have recovered at all
    ch.key("world_case", "bridged" if back and months >= world_months else "not_bridged" if back else "not_recovered")
    ch.key("india_world_case", "longer" if back and india_wait > world_months else "not_longer" if back
           else "world_not_recovered")
    return {"start": start, "world_months": world_months, "india_wait": india_wait,
            "source_ids": [first["source_id"], *april["source_id"]]}


# --- option 2: buying from outside China ------------------------------------------------------
def diversified_sourcing(ch: Chapter, production: pd.DataFrame, reserves: pd.DataFrame, chain: pd.DataFrame,
                         registry: pd.DataFrame, facts: pd.DataFrame, bill: dict) -> dict:
    year = int(production["year"].max())
    prefer = concentration.newest_first(production["source_id"].unique(), registry)
    rows = concentration.select_year(production, year, prefer=prefer)
    shares = concentration.shares(rows)
    china_mine = float(shares.loc[shares["country"] == "China", "share_pct"].iloc[0])
    separation = concentration.stage_share(chain, registry, "separation_refining", IEA)
    magnets = concentration.stage_share(chain, registry, "magnet_manufacturing", IEA)
    mine_src = str(rows["source_id"].iloc[0])
    ch.key("mine_year", year)
    ch.key("outside_mine_pct", 100 - china_mine, unit="%", dataset="mine_production_by_country", source_ids=[mine_src])
    ch.key("outside_separation_pct", 100 - separation["share_pct"], unit="%", dataset="china_value_chain_share",
           source_ids=[separation["source_id"]])
    ch.key("outside_magnets_pct", 100 - magnets["share_pct"], unit="%", dataset="china_value_chain_share",
           source_ids=[magnets["source_id"]])
    edition = concentration.latest_complete_edition(reserves, countries=("China",))
    res = concentration.select_edition(reserves, edition).set_index("country")
    table = shares[shares["country"].isin(OUTSIDE_CHINA)][["country", "production", "share_pct"]].copy()
    for country in OUTSIDE_CHINA:  # countries with reserves but (almost) no mining still belong here
        if country not in set(table["country"]) and country in res.index:
            table.loc[len(table)] = [country, float("nan"), float("nan")]
    table["reserves"] = table["country"].map(lambda c: res["reserves"].get(c) if c in res.index else pd.NA)
    table = table.sort_values("production", ascending=False, na_position="last")
    ch.key("reserves_edition", edition)
    for country in ("Australia", "Brazil", "Vietnam"):
        slug = country.lower()
        r = res["reserves"].get(country) if country in res.index else pd.NA
        ch.key(f"{slug}_reserves_mt", float(r) / 1e6 if pd.notna(r) else 0.0, unit="Mt REO",
               dataset="reserves_by_country", source_ids=[str(res["source_id"].get(country, ""))])
        p = table.loc[table["country"] == country, "production"]
        ch.key(f"{slug}_mine_t", float(p.iloc[0]) if len(p) and pd.notna(p.iloc[0]) else 0.0, unit="t REO",
               dataset="mine_production_by_country", source_ids=[mine_src])
    shown = pd.DataFrame({
        "Country": table["country"],
        f"Mine production {year} (t REO)": [f"{v:,.0f}" if pd.notna(v) else "not available" for v in table["production"]],
        f"Share of world mining {year}": [("under 0.1%" if v < 0.05 else f"{v:.1f}%") if pd.notna(v) else "not available"
                                          for v in table["share_pct"]],
        f"Reserves, USGS {edition} (Mt REO)": [f"{float(v) / 1e6:,.1f}" if pd.notna(v) else "not available"
                                               for v in table["reserves"]],
    })
    premium = facts.loc["non-china-premium"]
    lo, hi = float(premium["low"]), float(premium["high"])
    pds = dict(dataset="india_options", source_ids=[premium["source_id"]])
    ch.key("premium_low", lo, unit="times", **pds)
    ch.key("premium_high", hi, unit="times", **pds)
    extra_lo, extra_hi = bill["crore"] * (lo - 1), bill["crore"] * (hi - 1)
    ch.key("premium_extra_low_cr_q", quoted(extra_lo), unit="INR crore a year", **pds)
    ch.key("premium_extra_high_cr_q", quoted(extra_hi), unit="INR crore a year", **pds)
    lynas = facts.loc["lynas-first-hree"]
    circuit = facts.loc["lynas-hree-circuit"]
    japan_first = facts.loc["japan-lynas-first"]
    japan_hree = facts.loc["japan-lynas-hree"]
    japan_share = facts.loc["japan-lynas-share"]
    ch.key("lynas_hree_date", month_label(lynas["date"]))
    ch.key("lynas_hree_capacity_t", float(circuit["low"]), unit="t/yr", dataset="india_options",
           source_ids=[circuit["source_id"]])
    ch.key("japan_first_date", month_label(japan_first["date"]))
    ch.key("japan_first_usd_m", float(japan_first["low"]), unit="USD million", dataset="india_options",
           source_ids=[japan_first["source_id"]])
    ch.key("japan_hree_date", month_label(japan_hree["date"]))
    ch.key("japan_hree_aud_m", float(japan_hree["low"]), unit="AUD million", dataset="india_options",
           source_ids=[japan_hree["source_id"]])
    ch.key("japan_hree_share_pct", float(japan_share["low"]), unit="%", dataset="india_options",
           source_ids=[japan_share["source_id"]])
    years = months_between(dt.date.fromisoformat(japan_first["date"] + "-01"), controls.to_date(lynas["date"])) / 12
    ch.key("japan_lead_years", round(years), unit="years", dataset="india_options")
    return {"table": shown, "extra": (extra_lo, extra_hi), "lead_years": round(years),
            "source_ids": [premium["source_id"], lynas["source_id"], japan_first["source_id"], japan_hree["source_id"]]}


# --- option 3: making magnets in India --------------------------------------------------------
def domestic_magnets(ch: Chapter, repm: pd.Series, resources: pd.DataFrame, facts: pd.DataFrame, bill: dict,
                     as_of: str, milestones: pd.DataFrame) -> dict:
    capacity = float(repm["capacity"])
    ds = dict(dataset="policy_instruments", source_ids=[repm["source_id"]])
    ch.key("repm_capacity_t", capacity, unit="t/yr", **ds)
    ch.key("repm_approved", controls.long_date(repm["date"]))
    ch.key("repm_outlay_over_bill", quoted(float(repm["outlay"]) / bill["crore"]), unit="times",
           dataset="policy_instruments")
    term, gestation = facts.loc["repm-term"], facts.loc["repm-gestation"]
    ch.key("repm_term_years", int(term["low"]), unit="years", dataset="india_options", source_ids=[term["source_id"]])
    ch.key("repm_gestation_years", int(gestation["low"]), unit="years", dataset="india_options",
           source_ids=[gestation["source_id"]])
    ch.key("repm_incentive_years", int(term["low"]) - int(gestation["low"]), unit="years", dataset="india_options")
    for item, name in (("repm-notified", "repm_notified"), ("repm-rfp", "repm_rfp"), ("repm-prebid", "repm_prebid"),
                       ("repm-bid-due", "repm_bid_due")):
        ch.key(name, month_label(facts.loc[item, "date"]))
    ch.key("repm_prebid_companies", int(facts.loc["repm-prebid", "low"]), unit="companies", dataset="india_options",
           source_ids=[facts.loc["repm-prebid", "source_id"]])
    # the award, if the milestones record one by the as-of date; if not, the earliest award is the
    # later of the bid date and the as-of date
    day = controls.to_date(as_of, what="as_of")
    dates = [controls.to_date(d) for d in milestones.loc[(milestones["instrument_id"] == "repm-scheme")
                                                         & (milestones["stage"] == "award"), "date"]]
    awarded = sorted(d for d in dates if d is not None and d <= day)
    ch.key("repm_awarded", bool(awarded), dataset="policy_milestones")
    ch.key("repm_award_date", controls.long_date(awarded[0]) if awarded else "", dataset="policy_milestones")
    award = awarded[0] if awarded else max(controls.to_date(facts.loc["repm-bid-due", "date"]), day)
    earliest = dt.date(award.year + int(gestation["low"]), award.month, 1)
    ch.key("as_of_text", controls.long_date(controls.to_date(as_of, what="as_of")))
    ch.key("repm_earliest_output", earliest.strftime("%B %Y"))
    ndpr = resources[resources["item"] == "irel_ndpr_capacity"].copy()
    if ndpr.empty:
        raise ValueError("india_rare_earth_resources holds no IREL NdPr oxide capacity")
    ndpr = ndpr.sort_values("value", ascending=False)
    ch.key("irel_ndpr_high_t", float(ndpr["value"].iloc[0]), unit="t/yr NdPr oxide", dataset="india_rare_earth_resources",
           source_ids=[ndpr["source_id"].iloc[0]])
    ch.key("irel_ndpr_low_t", float(ndpr["value"].iloc[-1]), unit="t/yr NdPr oxide", dataset="india_rare_earth_resources",
           source_ids=[ndpr["source_id"].iloc[-1]])
    ch.key("irel_ndpr_reports_differ", bool(ndpr["value"].nunique() > 1))
    return {"earliest": earliest, "source_ids": [repm["source_id"], term["source_id"], facts.loc["repm-bid-due", "source_id"],
                                                 facts.loc["repm-rfp", "source_id"], facts.loc["repm-notified", "source_id"],
                                                 *ndpr["source_id"]]}


# --- option 4: recycling ----------------------------------------------------------------------
def recycling(ch: Chapter, facts: pd.DataFrame) -> dict:
    outlay, term = facts.loc["recycling-outlay"], facts.loc["recycling-term"]
    cap, out = facts.loc["recycling-capacity"], facts.loc["recycling-output"]
    ds = dict(dataset="india_options", source_ids=[outlay["source_id"]])
    ch.key("recycling_outlay_cr", float(outlay["low"]), unit="INR crore", **ds)
    ch.key("recycling_approved", month_label(outlay["date"]))
    ch.key("recycling_years", int(term["low"]), unit="years", **ds)
    ch.key("recycling_capacity_t", float(cap["low"]), unit="t/yr", **ds)
    ch.key("recycling_output_t", float(out["low"]), unit="t/yr", **ds)
    return {"source_ids": [outlay["source_id"]]}


# --- option 5: less or no heavy rare earths ---------------------------------------------------
def less_heavy_rare_earths(ch: Chapter, intensity: pd.DataFrame, facts: pd.DataFrame) -> dict:
    gbd = intensity[(intensity["application"] == "ndfeb_grain_boundary_diffusion")]
    if gbd.empty:
        raise ValueError("magnet_intensity holds no grain-boundary diffusion ratio")
    g = gbd.iloc[0]
    ds = dict(dataset="magnet_intensity", source_ids=[g["source_id"]])
    ch.key("gbd_low_ratio", float(g["low"]), unit="ratio", **ds)
    ch.key("gbd_high_ratio", float(g["high"]), unit="ratio", **ds)
    ch.key("gbd_low_fraction", fraction(float(g["low"])))
    ch.key("gbd_high_fraction", fraction(float(g["high"])))
    light, ferrite, mhi = facts.loc["e2w-light-magnets"], facts.loc["ola-ferrite-motor"], facts.loc["mhi-ferrite-reluctance"]
    ch.key("e2w_light_date", month_label(light["date"]))
    ch.key("ferrite_date", month_label(ferrite["date"]))
    ch.key("ferrite_kw_low", float(ferrite["low"]), unit="kW", dataset="india_options", source_ids=[ferrite["source_id"]])
    ch.key("ferrite_kw_high", float(ferrite["high"]), unit="kW", dataset="india_options", source_ids=[ferrite["source_id"]])
    ch.key("mhi_motors_date", month_label(mhi["date"]))
    return {"source_ids": [g["source_id"], light["source_id"], ferrite["source_id"], mhi["source_id"]]}


# --- option 6: diplomacy ----------------------------------------------------------------------
def diplomacy(ch: Chapter, events: pd.DataFrame, frameworks: pd.DataFrame, shock: dict) -> dict:
    india = frameworks[(frameworks["country"] == "India") & frameworks["member"].isin(["yes", "partner"])]
    # a framework another has succeeded (the MSP, by FORGE) is not one India belongs to now
    india = india[~india["note"].fillna("").str.contains("succeeded by")].sort_values("since")
    ch.key("frameworks_n", len(india), dataset="framework_membership", source_ids=sorted(set(india["source_id"])))
    ch.key("frameworks_list", ", ".join(f"{r['framework']} (since {controls.long_date(r['since'])})"
                                        if pd.notna(r["since"]) else r["framework"] for _, r in india.iterrows()))
    ids = {"euc": "cn-in-2025-04-euc-process", "applications": "cn-in-2025-06-applications",
           "assurances": "cn-in-2025-10-09-assurances", "further": "cn-in-2025-12-further-approvals"}
    missing = [i for i in ids.values() if i not in events.index]
    if missing:
        raise ValueError(f"geopolitical_events lacks the China–India events {missing}")
    ch.key("assurance_date", controls.long_date(events.loc[ids["assurances"], "date"]))
    ch.key("further_approvals_date", controls.long_date(events.loc[ids["further"], "date"]))
    ch.key("applications_month", month_label(events.loc[ids["applications"], "date"][:7]))
    return {"wait": shock["india_wait"],
            "source_ids": [*india["source_id"], *(events.loc[i, "source_id"] for i in ids.values())]}


# --- the comparison ---------------------------------------------------------------------------
def evidence_phrase(source_ids, registry: pd.DataFrame) -> str:
    """How strong an option's evidence is: its distinct sources counted by grade."""
    grades = registry.loc[[s for s in dict.fromkeys(source_ids) if s in registry.index], "quality"]
    counts = grades.value_counts()
    parts = [f"{int(counts[g])} {GRADE_WORDS[g]}" for g in ("P", "S", "W", "D") if g in counts]
    if not len(grades):
        return "none found"
    plural = "s" if len(grades) > 1 else ""
    if len(parts) == 1:  # one grade: "2 secondary sources"
        return f"{parts[0]} source{plural}"
    return f"{len(grades)} sources: {', '.join(parts)}"


def comparison(ch: Chapter, registry: pd.DataFrame, facts: pd.DataFrame, parts: dict) -> None:
    """What the comparison table (written in book/options.md) quotes beyond the options' own key
    figures: the risks each option addresses and its evidence, counted by grade."""
    # a price ratio is what an option costs, not a risk it addresses (buying outside China raises prices)
    addressing = facts[facts["kind"] != "cost_ratio"]
    risks = {option: sorted({r for cell in addressing.loc[addressing["option"] == option, "risk"] for r in cell.split(";")},
                            key=list(RISK_WORDS).index) for option in OPTIONS if option != "diplomacy"}
    risks["diplomacy"] = ["cut-off"]  # licences and assurances decide whether supply flows now
    for option in OPTIONS:
        ch.key(f"risks_{option}", ", ".join(RISK_WORDS[r] for r in risks[option]))
        ch.key(f"evidence_{option}", evidence_phrase(parts[option]["source_ids"], registry))


# --- the figure -------------------------------------------------------------------------------
def buffer_figure(ch: Chapter, buffer: dict, bill: dict) -> Figure:
    plotted = pd.DataFrame({
        "months": [f"{r['months']} month{'s' if r['months'] > 1 else ''}" for r in buffer["rows"]],
        # rounded as the table and the text quote them, so the bar labels say the same
        "cost_crore": [quoted(r["crore"]) for r in buffer["rows"]],
        "tonnes": [quoted(r["tonnes"]) for r in buffer["rows"]],
    })
    chart = charts.column_bars(plotted, x="months", y="cost_crore", y_title="", width=280,
                               tooltip=ch.tooltip("fig-options-buffer"))
    # each bar as the alt text reads it ("3 months, about 220 t, INR 190 crore; …")
    ch.key("buffer_bars", "; ".join(f"{m}, about {t:,.0f} t, INR {c:,.0f} crore" for m, t, c
                                    in zip(plotted["months"], plotted["tonnes"], plotted["cost_crore"])))
    longest = buffer["rows"][-1]
    ds = dict(dataset="india_magnet_imports", source_ids=bill["source_ids"])
    ch.key("buffer_longest_months", longest["months"], unit="months")
    ch.key("buffer_longest_cr_q", quoted(longest["crore"]), unit="INR crore", **ds)
    ch.key("buffer_prices_year", str(bill["year"]))
    return Figure(chart, "", list(bill["source_ids"]), "INR crore", plotted)


# --- what the oxide prices mean for a stock and for the magnet scheme (analysis.oxide_value) ---
OXIDE_NAMES = {"ndpr_oxide": "NdPr oxide", "dy_oxide": "Dysprosium oxide", "tb_oxide": "Terbium oxide"}
# the three magnet make-ups the oxide values are computed for (book/options.md names them in the
# labels of the stock's values: least NdPr and no dysprosium; most NdPr, with dysprosium or terbium)
MAGNET_MIXES = ("low", "high_dy", "high_tb")


def oxide_prices(ch: Chapter, data_dir, buffer: dict, repm: pd.Series, intensity: pd.DataFrame,
                 resources: pd.DataFrame) -> dict:
    """The stock of magnets valued by the oxide it holds, at the USGS and the China spot prices, and
    the NdPr oxide the scheme's capacity needs; no currency is converted into another."""
    prices = datasets.load("oxide_prices", data_dir)
    spot = datasets.load("oxide_spot_prices_china", data_dir)
    usgs = {p: oxide_value.usgs_latest(prices, p) for p in oxide_value.PRODUCTS}
    china = {p: oxide_value.china_spot(spot, p) for p in oxide_value.PRODUCTS}
    content = oxide_value.magnet_content(intensity)
    oxide = oxide_value.oxide_per_kg_magnet(content)
    usd = oxide_value.value_per_kg_magnet(oxide, {p: usgs[p]["price"] for p in usgs})
    cny = oxide_value.value_per_kg_magnet(oxide, {p: china[p]["cny_per_kg"] for p in china})
    usgs_ids = sorted({s for u in usgs.values() for s in u["source_ids"]})
    spot_ids = sorted({c["source_id"] for c in china.values()})
    mix_ids = content["source_ids"]
    for p, short in (("ndpr_oxide", "ndpr"), ("dy_oxide", "dy"), ("tb_oxide", "tb")):
        u, c = usgs[p], china[p]
        ch.key(f"{short}_usgs", u["price"], unit="US$/kg", dataset="oxide_prices", source_ids=[u["source_id"]])
        ch.key(f"{short}_usgs_year", u["year"])  # the year of that average (its label names it)
        ch.key(f"{short}_usgs_low", u["low"], unit="US$/kg", dataset="oxide_prices", source_ids=u["source_ids"])
        ch.key(f"{short}_usgs_high", u["high"], unit="US$/kg", dataset="oxide_prices", source_ids=u["source_ids"])
        ch.key(f"{short}_usgs_high_year", u["high_year"])
        ch.key(f"{short}_spot_cny", c["cny_per_kg"], unit="CNY/kg", dataset="oxide_spot_prices_china",
               source_ids=[c["source_id"]])
        ch.key(f"{short}_agree_rate", oxide_value.implied_yuan_per_dollar(u["price"], c["cny_per_kg"]),
               unit="CNY per US$")
    ch.key("oxide_usgs_year", usgs["ndpr_oxide"]["year"])
    ch.key("ndpr_peak_over_latest", usgs["ndpr_oxide"]["high"] / usgs["ndpr_oxide"]["price"], unit="times",
           dataset="oxide_prices")
    ch.key("oxide_usgs_first_year", usgs["ndpr_oxide"]["first_year"])
    ch.key("oxide_usgs_estimated", usgs["ndpr_oxide"]["estimated"])
    ch.key("ndpr_spot_date", controls.long_date(china["ndpr_oxide"]["date"]))
    ch.key("heavy_spot_date", controls.long_date(china["dy_oxide"]["date"]))
    # relative to NdPr, how much cheaper dysprosium is in China's spot price than in the USGS average
    ch.key("dy_spot_discount_pct", 100 * (1 - ch["dy_agree_rate"] / ch["ndpr_agree_rate"]), unit="%")
    ch.key("ndpr_share_low_pct", 100 * content["ndpr_low"], unit="wt %", dataset="magnet_intensity", source_ids=mix_ids)
    ch.key("ndpr_share_high_pct", 100 * content["ndpr_high"], unit="wt %", dataset="magnet_intensity", source_ids=mix_ids)
    ch.key("heavy_share_high_pct", 100 * content["heavy_high"], unit="wt %", dataset="magnet_intensity", source_ids=mix_ids)
    ch.key("ndpr_oxide_per_kg_low", oxide["ndpr_low"], unit="kg/kg", dataset="magnet_intensity", source_ids=mix_ids)
    ch.key("ndpr_oxide_per_kg_high", oxide["ndpr_high"], unit="kg/kg", dataset="magnet_intensity", source_ids=mix_ids)
    for case in ("low", "high_dy", "high_tb"):
        ch.key(f"oxide_usd_per_kg_{case}", usd[case], unit="US$/kg of magnet", dataset="oxide_prices",
               source_ids=usgs_ids + mix_ids)
        ch.key(f"oxide_cny_per_kg_{case}", cny[case], unit="CNY/kg of magnet", dataset="oxide_spot_prices_china",
               source_ids=spot_ids + mix_ids)
    stock_usd = oxide_value.stock_value(buffer["cost"]["tonnes"], usd)
    stock_cny = oxide_value.stock_value(buffer["cost"]["tonnes"], cny)
    for case in MAGNET_MIXES:
        ch.key(f"buffer_oxide_usd_m_{case}", stock_usd[case], unit="US$ million", dataset="oxide_prices",
               source_ids=usgs_ids + mix_ids)
        ch.key(f"buffer_oxide_cny_m_{case}", stock_cny[case], unit="CNY million", dataset="oxide_spot_prices_china",
               source_ids=spot_ids + mix_ids)
    need = oxide_value.oxide_need(float(repm["capacity"]), oxide)
    ch.key("repm_ndpr_need_low_t", need["low"], unit="t/yr NdPr oxide", dataset="magnet_intensity", source_ids=mix_ids)
    ch.key("repm_ndpr_need_high_t", need["high"], unit="t/yr NdPr oxide", dataset="magnet_intensity", source_ids=mix_ids)
    ch.key("repm_ndpr_bill_usd_m_low", need["low"] * usgs["ndpr_oxide"]["price"] / 1000, unit="US$ million/yr",
           dataset="oxide_prices", source_ids=usgs_ids + mix_ids)
    ch.key("repm_ndpr_bill_usd_m_high", need["high"] * usgs["ndpr_oxide"]["price"] / 1000, unit="US$ million/yr",
           dataset="oxide_prices", source_ids=usgs_ids + mix_ids)
    for name in ("repm_ndpr_need_low_t", "repm_ndpr_need_high_t", "repm_ndpr_bill_usd_m_low", "repm_ndpr_bill_usd_m_high"):
        ch.key(f"{name}_q", quoted(ch[name]), unit=ch.keys[name].unit, dataset=ch.keys[name].dataset,
               source_ids=ch.keys[name].source_ids)
    irel = resources[resources["item"] == "irel_ndpr_capacity"]["value"].astype(float)
    ch.key("irel_share_of_need_low_pct", 100 * irel.min() / need["high"], unit="%", dataset="india_rare_earth_resources")
    ch.key("irel_share_of_need_high_pct", 100 * irel.max() / need["low"], unit="%", dataset="india_rare_earth_resources")
    table = oxide_value.price_table(prices, spot, OXIDE_NAMES)
    table["China spot date"] = [controls.long_date(d) for d in table["China spot date"]]
    return {"table": table, "source_ids": [*usgs_ids, *spot_ids, *mix_ids]}
