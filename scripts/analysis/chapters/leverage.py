"""Chapter "China's strategic leverage" (book/leverage.md): what it states, from the data.

``compute(data_dir, year=2024, focus_country="India")`` reads the value chain, mine production,
reserves, magnet exports, the export-control timeline and the seed article's claims, and returns
the chapter's key figures, its claims table and the frames of its six figures.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import charts, claims, concentration, controls, datasets, magnet_exports
from . import Chapter, Figure

IEA = "International Energy Agency"
CONTROLS_START = "2025-04"  # MOFCOM/GAC No. 18 of 4 April 2025
COLLAPSE = ("2025-04", "2025-06")
CHART_MONTHS = ("2024-01", "2025-12")
STAGES = {"mining": "Mining", "separation_refining": "Separation and refining", "magnet_manufacturing": "Magnet manufacturing",
          "lree_processing": "Light rare-earth processing", "hree_processing": "Heavy rare-earth processing"}


def publisher_name(row) -> str:
    """A source's publisher, short enough for a legend ("Derived from USGS" for our own sums)."""
    if row["quality"] == "D":
        return "Derived from USGS" if "USGS" in row["title"] else "Derived"
    return row["publisher"].split(" (")[0]


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def compute(data_dir, year: int = 2025, focus_country: str = "India") -> Chapter:
    ch = Chapter(data_dir)
    registry = datasets.sources(data_dir)
    chain = datasets.load("china_value_chain_share", data_dir)
    production = datasets.load("mine_production_by_country", data_dir)
    reserves = datasets.load("reserves_by_country", data_dir)
    exports = datasets.load("china_magnet_exports_monthly", data_dir)
    timeline = datasets.load("export_control_timeline", data_dir)
    seed = datasets.load("seed_claims", data_dir)

    shares = value_chain(ch, chain, registry)
    mine = mining(ch, production, registry, year)
    res = reserves_position(ch, reserves, mine, year, focus_country)
    exp = magnet_export_collapse(ch, exports)
    recorded = control_measures(ch, timeline)
    seed_claims(ch, seed, registry, mine["china_share_pct"], shares["magnets"]["share_pct"])

    ch.figures["fig-leverage-chain"] = chain_figure(chain, registry, year, mine, shares)
    ch.figures["fig-leverage-mine-share"] = mine_share_figure(mine, year, focus_country, res)
    ch.figures["fig-leverage-reserves"] = reserves_figure(res, mine, year)
    ch.figures["fig-leverage-exports"] = exports_figure(exp)
    ch.figures["fig-leverage-timeline"] = timeline_figure(recorded, ch["april_elements_n"])
    return ch


def value_chain(ch: Chapter, chain: pd.DataFrame, registry: pd.DataFrame) -> dict:
    separation = concentration.stage_share(chain, registry, "separation_refining", IEA)
    magnets = concentration.stage_share(chain, registry, "magnet_manufacturing", IEA)
    ch.key("china_separation_share_pct", separation["share_pct"], unit="%", dataset="china_value_chain_share",
           source_ids=[separation["source_id"]], label="China's share of rare-earth separation (IEA)")
    ch.key("china_magnet_share_pct", magnets["share_pct"], unit="%", dataset="china_value_chain_share",
           source_ids=[magnets["source_id"]], label="China's share of permanent-magnet manufacturing (IEA)")
    ch.key("china_separation_period", separation["period"])
    return {"separation": separation, "magnets": magnets}


def mining(ch: Chapter, production: pd.DataFrame, registry: pd.DataFrame, year: int) -> dict:
    prefer = concentration.newest_first(production["source_id"].unique(), registry)
    rows = concentration.select_year(production, year, prefer=prefer)
    source = str(rows["source_id"].iloc[0])
    mine_shares = concentration.shares(rows)
    conc = concentration.concentration(rows)
    china = mine_shares[mine_shares["country"] == "China"].iloc[0]
    ds = dict(dataset="mine_production_by_country", source_ids=[source])
    ch.key("mine_year", int(year))
    ch.key("mine_source", registry.loc[source, "title"])
    ch.key("china_mine_share_pct", china["share_pct"], unit="%", **ds, label=f"China's share of world mine production, {year}")
    ch.key("china_mine_t", china["production"], unit="t REO", **ds)
    ch.key("world_mine_t", conc["world"], unit="t REO", **ds)
    ch.key("mine_top_country", conc["top_country"])
    ch.key("mine_hhi", conc["hhi"], unit="index (0-10,000)", **ds,
           label=f"HHI of rare-earth mine production, {year} (named countries)")
    ch.key("mine_hhi_upper", conc["hhi_upper"], unit="index (0-10,000)", **ds)
    ch.key("mine_residual_share_pct", conc["residual_share_pct"], unit="%", **ds)
    ch.key("mine_named_share_pct", conc["named_share_pct"], unit="%", **ds)
    ch.key("mine_hhi_reading", conc["reading"])
    ch.key("hhi_threshold", concentration.HHI_HIGHLY_CONCENTRATED, unit="index", label=concentration.HHI_GUIDELINE)
    ch.key("hhi_max", concentration.HHI_MAX, unit="index")
    ch.key("mine_countries_n", conc["n_countries"])
    return {"rows": rows, "source": source, "shares": mine_shares, "conc": conc,
            "china": china, "china_share_pct": float(china["share_pct"])}


def reserves_position(ch: Chapter, reserves: pd.DataFrame, mine: dict, year: int, focus_country: str) -> dict:
    edition = concentration.latest_complete_edition(reserves, countries=("China",))
    rows = concentration.select_edition(reserves, edition)
    source = str(rows["source_id"].iloc[0])
    shares = concentration.shares(rows, value="reserves")
    china = concentration.position(shares, "China", value="reserves")
    ch.key("reserves_edition", edition)
    ch.key("china_reserves_share_pct", china["share_pct"], unit="%", dataset="reserves_by_country", source_ids=[source])
    focus_mine = concentration.position(mine["shares"], focus_country)
    focus_res = concentration.position(shares, focus_country, value="reserves")
    ch.key("focus_country", focus_country)
    both_ids = [source, mine["source"]]
    for what, pos, ds in (("reserves", focus_res, "reserves_by_country"), ("mine", focus_mine, "mine_production_by_country")):
        ch.key(f"focus_{what}_available", bool(pos["available"]))
        ch.key(f"focus_{what}_rank", ordinal(pos["rank"]) if pos["available"] else "")
        ch.key(f"focus_{what}_of", pos["of"] if pos["available"] else 0)
        ch.key(f"focus_{what}_share_pct", pos["share_pct"] if pos["available"] else 0.0, unit="%", dataset=ds,
               source_ids=both_ids)
    worse_in_mining = focus_res["available"] and focus_mine["available"] and focus_mine["rank"] > focus_res["rank"]
    ch.key("focus_but_and", "but" if worse_in_mining else "and")
    return {"rows": rows, "source": source, "edition": edition, "china": china, "focus_mine": focus_mine,
            "focus_res": focus_res, "focus_country": focus_country}


def magnet_export_collapse(ch: Chapter, exports: pd.DataFrame) -> dict:
    world = magnet_exports.series(exports, "World")
    low = magnet_exports.trough(world, *COLLAPSE)
    pre = magnet_exports.before(world, CONTROLS_START, reported_only=True)
    last_any = magnet_exports.before(world, CONTROLS_START)
    ids = sorted({*world.loc[world["month"].isin([low["month"], pre["month"]]), "source_id"]})
    ds = dict(dataset="china_magnet_exports_monthly", source_ids=ids)
    month = magnet_exports.month_name
    ch.key("exports_trough_t", low["exports"], unit="t", **ds, label="China's magnet exports in the trough month")
    ch.key("exports_trough_month", month(low["month"]))
    ch.key("exports_pre_control_t", pre["exports"], unit="t", **ds,
           label="China's magnet exports in the last reported month before the April 2025 controls")
    ch.key("exports_pre_control_month", month(pre["month"]))
    ch.key("exports_drop_pct", 100 * (1 - low["exports"] / pre["exports"]), unit="%", dataset="china_magnet_exports_monthly")
    # months between the last reported one and the controls that are only derived
    ch.key("exports_derived_before_controls", bool(last_any["month"] != pre["month"]))
    ch.key("exports_last_derived_month", month(last_any["month"]))
    ch.key("exports_last_derived_t", last_any["exports"], unit="t", dataset="china_magnet_exports_monthly")
    back = magnet_exports.back_above_year_earlier(world, low["month"])
    ch.key("exports_recovered", bool(back))
    ch.key("exports_recovery_month", month(back["month"]) if back else "")
    ch.key("exports_recovery_t", back["exports"] if back else 0, unit="t", dataset="china_magnet_exports_monthly")
    ch.key("exports_recovery_year_earlier_t", back["year_earlier"] if back else 0, unit="t",
           dataset="china_magnet_exports_monthly")
    return {"world": world, "low": low, "pre": pre, "back": back}


def control_measures(ch: Chapter, timeline: pd.DataFrame) -> pd.DataFrame:
    recorded = timeline.assign(status_text=timeline["status"].map(controls.STATUS_TEXT))
    first = recorded.sort_values("date").iloc[0]
    ch.key("controls_first", controls.long_date(first["date"]))
    ch.key("controls_n", len(recorded))
    april = recorded.loc[recorded["instrument"].str.contains("2025 No. 18"), "elements"]
    ch.key("april_elements_n", len(str(april.iloc[0]).split(";")) if len(april) else 0)
    return recorded


def seed_claims(ch: Chapter, seed: pd.DataFrame, registry: pd.DataFrame, mine_share: float, magnet_share: float) -> None:
    lree = seed[seed["claim"].str.contains("light rare earth magnets", case=False)].iloc[0]
    value = claims.parse_value(lree["seed_value"])
    match = claims.closest_match(value, {"mining": mine_share, "magnets": magnet_share})
    ch.key("lree_claim_value", value, unit="%", dataset="seed_claims", source_ids=["srk-bharat-2025-10-10"])
    ch.key("lree_claim_gap_mining", abs(match["gaps"]["mining"]), unit="percentage points")
    ch.key("lree_claim_gap_magnets", abs(match["gaps"]["magnets"]), unit="percentage points")
    ch.key("lree_claim_match", "mining" if match["label"] == "mining" else "magnet making")
    ch.key("lree_claim_other", "magnet making" if match["label"] == "mining" else "mining")
    verdicts = seed["verdict"].value_counts()
    ch.key("claims_n", len(seed))
    ch.key("claims_disagree_n", int(verdicts.get("disagrees", 0)))
    ch.key("claims_update_n", int(verdicts.get("needs_update", 0)))
    ch.tables["claims"] = claims.claims_table(seed, registry)


# --- figures ------------------------------------------------------------------------------------
def chain_figure(chain: pd.DataFrame, registry: pd.DataFrame, year: int, mine: dict, shares: dict) -> Figure:
    plotted = chain[chain["period"].str.fullmatch(r"[\d\-–]+( average)?")].copy()
    plotted["stage_label"] = plotted["stage"].map(STAGES)
    plotted["source"] = plotted["source_id"].map(lambda sid: publisher_name(registry.loc[sid]))
    plotted = plotted[["stage_label", "period", "share_pct", "source", "source_id", "note"]]
    spread = plotted.groupby("stage_label")["share_pct"].agg(["min", "max"])
    widest = (spread["max"] - spread["min"]).idxmax()
    chart = charts.spread_dots(plotted, category="stage_label", value="share_pct", series="source",
                               value_title="China's share (%)",
                               tooltip=["stage_label", "period", alt.Tooltip("share_pct:Q", format=".1f"), "source"],
                               domain=(0, 100), sort=list(STAGES.values()))
    alt_text = (f"China's share rises along the chain: {mine['china_share_pct']:.0f}% of mining ({year}, USGS), "
                f"{shares['separation']['share_pct']:.0f}% of separation and {shares['magnets']['share_pct']:.0f}% of magnet "
                f"making (IEA); sources disagree most on {widest.lower()} "
                f"({spread.loc[widest, 'min']:.0f}–{spread.loc[widest, 'max']:.0f}%).")
    return Figure(chart, alt_text, plotted["source_id"].unique(), "% of world", plotted)


def mine_share_figure(mine: dict, year: int, focus_country: str, res: dict) -> Figure:
    plotted = mine["shares"][["country", "production", "share_pct", "unit", "source_id"]].copy()
    chart = charts.ranked_bars(plotted, value="share_pct", label="country", value_title="Share of world mine production (%)",
                               tooltip=["country", alt.Tooltip("production:Q", format=",.0f", title="t REO"),
                                        alt.Tooltip("share_pct:Q", format=".1f", title="%")], value_format=".1f",
                               highlight={focus_country: charts.INDIA})
    china, conc, focus = mine["china"], mine["conc"], res["focus_mine"]
    alt_text = (f"China mined {china['share_pct']:.0f}% of the world's rare earths in {year} "
                f"({china['production']:,.0f} of {conc['world']:,.0f} t REO); the HHI of mine production is "
                f"{conc['hhi']:,.0f}, {conc['reading']}; {focus_country} "
                + (f"had {focus['share_pct']:.1f}%." if focus["available"] else "has no figure."))
    return Figure(chart, alt_text, [mine["source"]], "% of world mine production (t REO)", plotted)


def focus_description(res: dict, year: int) -> str:
    """The focus country's rank in reserves and mining, for the reserves chart's alt text."""
    def place(pos, what, of_what):
        if not pos["available"]:
            return f"has no {what} figure in {of_what} (not available)"
        return (f"ranks {ordinal(pos['rank'])} of {pos['of']} countries in {what} in {of_what}, "
                f"with {pos['share_pct']:.1f} per cent of the world total")

    mine_pos, res_pos = res["focus_mine"], res["focus_res"]
    worse = res_pos["available"] and mine_pos["available"] and mine_pos["rank"] > res_pos["rank"]
    return (f"{res['focus_country']} {place(res_pos, 'reserves', 'USGS ' + res['edition'])}, "
            f"{'but' if worse else 'and'} {place(mine_pos, 'mine production', str(year))}.")


def reserves_figure(res: dict, mine: dict, year: int) -> Figure:
    both = concentration.reserves_vs_production(res["rows"], mine["rows"])
    both = both[both["reserves_share_pct"].notna() | both["production_share_pct"].notna()]
    res_label, prod_label = f"Reserves ({res['edition']})", f"Mine production ({year})"
    columns = ["country", "measure", "share_pct"]
    plotted = pd.concat([
        both.assign(measure=res_label, share_pct=both["reserves_share_pct"])[columns],
        both.assign(measure=prod_label, share_pct=both["production_share_pct"])[columns],
    ]).dropna(subset=["share_pct"]).reset_index(drop=True)
    plotted["share_pct"] = plotted["share_pct"].astype(float).round(2)
    chart = charts.grouped_bars(plotted, category="country", value="share_pct", group="measure",
                                value_title="Share of world total (%)",
                                tooltip=["country", "measure", alt.Tooltip("share_pct:Q", format=".1f")], value_format=".1f",
                                category_sort=list(both["country"]), group_sort=[res_label, prod_label])
    alt_text = (f"China holds {res['china']['share_pct']:.0f}% of world reserves ({res['edition']}) but mined "
                f"{mine['china_share_pct']:.0f}% in {year}. " + focus_description(res, year))
    return Figure(chart, alt_text, [res["source"], mine["source"]], "% of world total (t REO)", plotted)


def exports_figure(exp: dict) -> Figure:
    world, low, pre, back = exp["world"], exp["low"], exp["pre"], exp["back"]
    month = magnet_exports.month_name
    window = world[(world["month"] >= CHART_MONTHS[0]) & (world["month"] <= CHART_MONTHS[1])].copy()
    window["year"] = window["month"].str[:4]
    plotted = window[["month", "date", "year", "exports", "unit", "basis", "source_id"]]
    bands = [(COLLAPSE[0], COLLAPSE[1], "Collapse")] + ([(back["month"], back["month"], "Back above 2024")] if back else [])
    bands = pd.DataFrame({"start": [pd.Timestamp(f"{a}-01") for a, _, _ in bands],
                          "end": [pd.Timestamp(f"{b}-01") + pd.offsets.MonthEnd(1) for _, b, _ in bands],
                          "label": [label for _, _, label in bands]})
    tooltip = [alt.Tooltip("month:N", title="Month"), alt.Tooltip("exports:Q", format=",.0f", title="t"), "basis"]
    lines = charts.time_series(plotted, x="date", y="exports", y_title="Tonnes per month", tooltip=tooltip, series="year",
                               bands=bands)
    derived = alt.Chart(plotted[plotted["basis"] == "derived"]).mark_point(
        filled=True, fill="#ffffff", size=60, strokeWidth=2).encode(
        x="date:T", y="exports:Q", color=alt.Color("year:N", title=None), tooltip=tooltip)
    trough_text = alt.Chart(plotted[plotted["month"] == low["month"]]).mark_text(align="left", dx=8, dy=10).encode(
        x="date:T", y="exports:Q", text=alt.value(f"{low['exports']:,.0f} t ({month(low['month'])})"))
    recovery = (f"By {month(back['month'])} they were back above their level a year earlier "
                f"({back['exports']:,.0f} against {back['year_earlier']:,.0f} tonnes)." if back
                else "No later month in the data is back above its level a year earlier.")
    alt_text = (f"China's magnet exports fell from {pre['exports']:,.0f} t in {month(pre['month'])} to "
                f"{low['exports']:,.0f} t in {month(low['month'])}, down {100 * (1 - low['exports'] / pre['exports']):.0f}%. "
                + recovery)
    return Figure(alt.layer(lines, derived, trough_text), alt_text, plotted["source_id"].unique(), "t per month",
                  plotted.drop(columns="date"))


def timeline_figure(recorded: pd.DataFrame, april_elements_n: int) -> Figure:
    plotted = controls.chart_rows(recorded)
    lanes = [lane for lane in controls.CATEGORY_LANES.values() if lane in set(plotted["lane"])]
    domain = list(dict.fromkeys(plotted["status"]))
    palette = {"in force": charts.CHINA, "suspended": charts.USA, "status unknown": charts.OTHER}
    chart = charts.event_timeline(plotted, start="date", lane="lane", label="label", end="scheduled_end", color="status",
                                  color_scale=alt.Scale(domain=domain, range=[palette.get(d, "#6a3d9a") for d in domain]),
                                  tooltip=["date:T", "label", "instrument", "status", "scheduled_end"],
                                  lane_sort=lanes, stagger_days=150, width=charts.WIDTH - 40)
    first, last = recorded.sort_values("date").iloc[[0, -1]].to_dict("records")
    n_susp = int((recorded["status"] == "suspended").sum())
    alt_text = (f"{len(recorded)} measures from {controls.long_date(first['date'])} to {controls.long_date(last['date'])}: "
                f"{int((recorded['status'] == 'in_force').sum())} recorded in force, {n_susp} suspended; the April 2025 "
                f"licensing of {april_elements_n} rare earths was not suspended.")
    return Figure(chart, alt_text, recorded["source_id"].unique(), "dates", plotted)
