"""Chapter "China's strategic leverage" (book/leverage.md): what it states, from the data.

``compute(data_dir, year=2025, focus_country="India", as_of="2026-12-07")`` reads the value chain,
mine production, reserves (every USGS edition in the data), magnet exports, China's export controls
(their status on ``as_of``, from ``analysis.controls``), and returns the chapter's key figures and
the frames of its figures. The news report's tables and claims are checked in the appendix
(``analysis.chapters.factcheck``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import charts, concentration, controls, datasets, india_exports, magnet_exports
from . import Chapter, Figure, listing

IEA = "International Energy Agency"
CONTROLS_START = "2025-04"  # MOFCOM/GAC No. 18 of 4 April 2025
COLLAPSE = ("2025-04", "2025-06")  # the months the text names: the band spans exactly these
CHART_START = "2024-01"  # the chart runs from here to the latest month in the data
SIDE = "China"  # this chapter is about China's measures; the timeline also records US ones
STAGES = {"mining": "Mining", "separation_refining": "Separation and refining", "magnet_manufacturing": "Magnet manufacturing",
          "lree_processing": "Light rare-earth processing", "hree_processing": "Heavy rare-earth processing"}


def publisher_name(row) -> str:
    """A source's publisher, short enough for a legend ("Derived from USGS" for our own sums)."""
    if row["quality"] == "D":
        return "Derived from USGS" if "USGS" in row["title"] else "Derived"
    return row["publisher"].split(" (")[0]


ORDINAL_WORDS = {1: "", 2: "second-", 3: "third-", 4: "fourth-", 5: "fifth-", 6: "sixth-", 7: "seventh-", 8: "eighth-",
                 9: "ninth-", 10: "tenth-"}


def ordinal_word(n: int) -> str:
    """The prefix of "-largest" as a reader writes it: 1 → "" ("largest"), 3 → "third-", 12 → "12th-"."""
    return ORDINAL_WORDS.get(n, f"{ordinal(n)}-")


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def about(value: float, digits: int = 2) -> float:
    """A headline number rounded as a reader quotes it: two significant figures (5,262 → 5,300)."""
    if value == 0:
        return 0.0
    import math

    return float(round(value, -int(math.floor(math.log10(abs(value)))) + digits - 1))


def compute(data_dir, year: int = 2025, focus_country: str = "India", as_of: str = "2026-12-07") -> Chapter:
    ch = Chapter(data_dir, page="leverage")
    registry = datasets.sources(data_dir)
    chain = datasets.load("china_value_chain_share", data_dir)
    production = datasets.load("mine_production_by_country", data_dir)
    reserves = datasets.load("reserves_by_country", data_dir)
    exports = datasets.load("china_magnet_exports_monthly", data_dir)
    annual = datasets.load("china_magnet_exports_annual", data_dir)
    timeline = datasets.load("export_control_timeline", data_dir)

    shares = value_chain(ch, chain, registry)
    mine = mining(ch, production, registry, year)
    res = reserves_position(ch, reserves, mine, year, focus_country)
    exp = magnet_export_collapse(ch, exports)
    to_india = india_exports.read(ch, exports)
    ch.key("india_share_high_at_trough", ch["india_share_high_month"] == ch["exports_trough_month"])
    year_totals(ch, annual, exp)
    recorded = control_measures(ch, timeline, as_of)
    # "its share rises at every step" is said only when the shares do rise: mining < separation < magnets
    ch.key("chain_rises", bool(mine["china_share_pct"] < shares["separation"]["share_pct"] < shares["magnets"]["share_pct"]))

    # each chart's title, subtitle and alt text are written beside it in book/leverage.md ({figure-text})
    ch.figures["fig-leverage-chain"] = chain_figure(ch, chain, registry)
    ch.figures["fig-leverage-mine-share"] = mine_share_figure(ch, mine, focus_country)
    ch.figures["fig-leverage-reserves"] = reserves_figure(ch, res, mine, year)
    ch.figures["fig-leverage-exports"] = exports_figure(ch, exp)
    india_fig = india_exports.figure(to_india, ch.tooltip("fig-leverage-exports-india"))
    ch.figures["fig-leverage-exports-india"] = Figure(india_fig["chart"], "", india_fig["source_ids"], india_fig["unit"],
                                                      india_fig["data"])
    ch.figures["fig-leverage-timeline"] = timeline_figure(ch, recorded, {**ch.words("status"), **ch.words("status-short")})
    return ch


def value_chain(ch: Chapter, chain: pd.DataFrame, registry: pd.DataFrame) -> dict:
    separation = concentration.stage_share(chain, registry, "separation_refining", IEA)
    magnets = concentration.stage_share(chain, registry, "magnet_manufacturing", IEA)
    ch.key("china_separation_share_pct", separation["share_pct"], unit="%", dataset="china_value_chain_share",
           source_ids=[separation["source_id"]])
    ch.key("china_magnet_share_pct", magnets["share_pct"], unit="%", dataset="china_value_chain_share",
           source_ids=[magnets["source_id"]])
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
    ch.key("mine_source_id", source)
    ch.key("china_mine_share_pct", china["share_pct"], unit="%", **ds)
    ch.key("china_mine_t", china["production"], unit="t REO", **ds)
    ch.key("world_mine_t", conc["world"], unit="t REO", **ds)
    ch.key("mine_top_country", conc["top_country"])
    ch.key("mine_hhi", conc["hhi"], unit="index (0-10,000)", **ds)
    ch.key("mine_hhi_about", about(conc["hhi"]), unit="index (0-10,000)", **ds)
    ch.key("mine_hhi_upper", conc["hhi_upper"], unit="index (0-10,000)", **ds)
    ch.key("mine_residual_share_pct", conc["residual_share_pct"], unit="%", **ds)
    ch.key("mine_named_share_pct", conc["named_share_pct"], unit="%", **ds)
    ch.key("mine_hhi_reading", conc["reading"])
    ch.key("hhi_threshold", concentration.HHI_HIGHLY_CONCENTRATED, unit="index")
    ch.key("hhi_max", concentration.HHI_MAX, unit="index")
    ch.key("mine_countries_n", conc["n_countries"])
    return {"rows": rows, "source": source, "shares": mine_shares, "conc": conc,
            "china": china, "china_share_pct": float(china["share_pct"])}


def earlier_reserves(reserves: pd.DataFrame, edition: str, country: str) -> dict | None:
    """The newest edition other than ``edition`` that gives ``country`` a reserves figure and the
    world total: {edition, rows, source, shares, position, lower_bound}; None when none does."""
    def year_of(ed):
        digits = "".join(c for c in str(ed) if c.isdigit())
        return int(digits) if digits else 0

    for other in sorted(reserves["edition"].dropna().unique(), key=year_of, reverse=True):
        if other == edition:
            continue
        rows = reserves[reserves["edition"] == other]
        given = rows[rows["reserves"].notna()]
        if not {concentration.WORLD, country} <= set(given["country"]):
            continue
        shares = concentration.shares(rows, value="reserves")
        world = given[given["country"] == concentration.WORLD].iloc[0]
        return {"edition": str(other), "rows": rows, "source": str(world["source_id"]), "shares": shares,
                "position": concentration.position(shares, country, value="reserves"),
                "lower_bound": str(world.get("status", "")) == "lower bound"}
    return None


def reserves_position(ch: Chapter, reserves: pd.DataFrame, mine: dict, year: int, focus_country: str) -> dict:
    edition = concentration.latest_complete_edition(reserves, countries=("China",))
    rows = concentration.select_edition(reserves, edition)
    world = rows[(rows["country"] == concentration.WORLD) & rows["reserves"].notna()].iloc[0]
    source = str(world["source_id"])
    shares = concentration.shares(rows, value="reserves")
    china = concentration.position(shares, "China", value="reserves")
    lower_bound = str(world.get("status", "")) == "lower bound"
    ds = dict(dataset="reserves_by_country", source_ids=[source])
    ch.key("reserves_edition", edition)
    ch.key("reserves_source_id", source)
    ch.key("reserves_world_mt", float(world["reserves"]) / 1e6, unit="Mt REO", **ds)
    # USGS prints the world total as "more than …": a share of it is then an upper bound
    ch.key("reserves_world_lower_bound", bool(lower_bound))
    ch.key("reserves_share_bound", "at most " if lower_bound else "")
    ch.key("china_reserves_share_pct", china["share_pct"], unit="%", **ds)
    focus_mine = concentration.position(mine["shares"], focus_country)
    focus_res = concentration.position(shares, focus_country, value="reserves")
    ch.key("focus_country", focus_country)
    both_ids = [source, mine["source"]]
    for what, pos, dset in (("reserves", focus_res, "reserves_by_country"), ("mine", focus_mine, "mine_production_by_country")):
        ch.key(f"focus_{what}_available", bool(pos["available"]))
        ch.key(f"focus_{what}_rank", ordinal(pos["rank"]) if pos["available"] else "")
        ch.key(f"focus_{what}_of", pos["of"] if pos["available"] else 0)
        ch.key(f"focus_{what}_share_pct", pos["share_pct"] if pos["available"] else 0.0, unit="%", dataset=dset,
               source_ids=both_ids)
    # where the newest edition has no figure for the focus country, the newest edition that has one
    earlier = None if focus_res["available"] else earlier_reserves(reserves, edition, focus_country)
    pos = earlier["position"] if earlier else None
    ch.key("focus_reserves_case", "reported" if focus_res["available"] else "earlier" if earlier else "none")
    ch.key("focus_reserves_earlier_edition", earlier["edition"] if earlier else "")
    ch.key("focus_reserves_earlier_source_id", earlier["source"] if earlier else "")
    ch.key("focus_reserves_earlier_mt", pos["value"] / 1e6 if earlier else 0.0, unit="Mt REO", dataset="reserves_by_country",
           source_ids=[earlier["source"]] if earlier else [])
    ch.key("focus_reserves_earlier_rank", ordinal(pos["rank"]) if earlier else "")
    ch.key("focus_reserves_earlier_largest", ordinal_word(pos["rank"]) if earlier else "")
    ch.key("focus_reserves_earlier_of", pos["of"] if earlier else 0)
    ch.key("focus_reserves_earlier_share_pct", pos["share_pct"] if earlier else 0.0, unit="%", dataset="reserves_by_country",
           source_ids=[earlier["source"]] if earlier else [])
    ch.key("focus_reserves_earlier_bound", "at most " if earlier and earlier["lower_bound"] else "")
    res_rank = focus_res["rank"] if focus_res["available"] else pos["rank"] if earlier else None
    worse_in_mining = res_rank is not None and focus_mine["available"] and focus_mine["rank"] > res_rank
    ch.key("focus_but_and", "but" if worse_in_mining else "and")
    return {"rows": rows, "source": source, "edition": edition, "china": china, "focus_mine": focus_mine,
            "focus_res": focus_res, "focus_country": focus_country, "earlier": earlier, "lower_bound": lower_bound}


def shift_month(month: str, months: int) -> str:
    """``2025-05`` shifted by ``months`` (``-12`` → ``2024-05``)."""
    y, m = int(month[:4]), int(month[5:7])
    n = y * 12 + (m - 1) + months
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def month_runs(months: list[str]) -> str:
    """Consecutive months joined into ranges: "January to March 2024 and December 2024"."""
    runs: list[list[str]] = []
    for m in sorted(months):
        if runs and shift_month(runs[-1][-1], 1) == m:
            runs[-1].append(m)
        else:
            runs.append([m])
    name = magnet_exports.month_name
    parts = []
    for run in runs:
        if len(run) == 1:
            parts.append(name(run[0]))
        elif run[0][:4] == run[-1][:4]:
            parts.append(f"{name(run[0]).split()[0]} to {name(run[-1])}")
        else:
            parts.append(f"{name(run[0])} to {name(run[-1])}")
    return listing(parts)


def magnet_export_collapse(ch: Chapter, exports: pd.DataFrame) -> dict:
    world = magnet_exports.series(exports, "World")
    low = magnet_exports.trough(world, *COLLAPSE)
    pre = magnet_exports.before(world, CONTROLS_START, reported_only=True)
    last_any = magnet_exports.before(world, CONTROLS_START)
    ids = sorted({*world.loc[world["month"].isin([low["month"], pre["month"]]), "source_id"]})
    ds = dict(dataset="china_magnet_exports_monthly", source_ids=ids)
    month = magnet_exports.month_name
    by_month = dict(zip(world["month"], world["exports"]))
    basis = dict(zip(world["month"], world["basis"]))
    ch.key("exports_trough_t", low["exports"], unit="t", **ds)
    ch.key("exports_trough_about", about(low["exports"]), unit="t", **ds)
    ch.key("exports_trough_month", month(low["month"]))
    ch.key("exports_pre_control_t", pre["exports"], unit="t", **ds)
    ch.key("exports_pre_control_about", about(pre["exports"]), unit="t", **ds)
    ch.key("exports_pre_control_month", month(pre["month"]))
    # "the record month": the base of the peak-to-trough fall is the highest month of the whole series
    ch.key("exports_pre_control_peak", bool(pre["exports"] >= world["exports"].max()))
    ch.key("exports_drop_pct", 100 * (1 - low["exports"] / pre["exports"]), unit="%", dataset="china_magnet_exports_monthly")
    ch.key("exports_collapse_from", month(COLLAPSE[0]))
    ch.key("exports_collapse_to", month(COLLAPSE[1]))
    # the trough against the same month a year earlier
    year_before = shift_month(low["month"], -12)
    has_yoy = year_before in by_month
    ch.key("exports_trough_yoy_available", bool(has_yoy))
    ch.key("exports_trough_year_earlier_month", month(year_before))
    ch.key("exports_trough_year_earlier_t", by_month.get(year_before, 0.0), unit="t", dataset="china_magnet_exports_monthly")
    # the page words each case (how the year-earlier month's figure was found)
    ch.key("exports_trough_yoy_case", "none" if not has_yoy else "derived" if basis[year_before] == "derived" else "reported")
    ch.key("exports_trough_yoy_drop_pct", 100 * (1 - low["exports"] / by_month[year_before]) if has_yoy else 0.0, unit="%",
           dataset="china_magnet_exports_monthly")
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
    # the latest month, and against the same month a year earlier
    latest = world.iloc[-1]
    latest_before = shift_month(latest["month"], -12)
    ch.key("exports_latest_month", month(latest["month"]))
    ch.key("exports_chart_from", month(world.loc[world["month"] >= CHART_START, "month"].iloc[0]))
    ch.key("exports_latest_t", float(latest["exports"]), unit="t", dataset="china_magnet_exports_monthly",
           source_ids=[latest["source_id"]])
    ch.key("exports_latest_yoy_available", latest_before in by_month)
    change = 100 * (latest["exports"] / by_month[latest_before] - 1) if latest_before in by_month else 0.0
    ch.key("exports_latest_yoy_pct", abs(change), unit="%", dataset="china_magnet_exports_monthly")
    ch.key("exports_latest_yoy_direction", "above" if change >= 0 else "below")
    # the year of the controls against the year before, month for month where both have a figure
    y = int(low["month"][:4])
    months_y = {m[5:] for m in by_month if m.startswith(f"{y}-")}
    months_prev = {m[5:] for m in by_month if m.startswith(f"{y - 1}-")}
    ch.key("exports_control_year", y)
    ch.key("exports_prev_year", y - 1)
    ch.key("exports_control_year_complete", len(months_y) == 12)
    ch.key("exports_control_year_t", sum(by_month[f"{y}-{m}"] for m in months_y), unit="t",
           dataset="china_magnet_exports_monthly")
    ch.key("exports_prev_year_complete", len(months_prev) == 12)
    ch.key("exports_prev_year_t", sum(by_month[f"{y - 1}-{m}"] for m in months_prev), unit="t",
           dataset="china_magnet_exports_monthly")
    common = sorted(months_y & months_prev)
    now_t = sum(by_month[f"{y}-{m}"] for m in common)
    then_t = sum(by_month[f"{y - 1}-{m}"] for m in common)
    change = 100 * (now_t / then_t - 1) if then_t else 0.0
    ch.key("exports_common_months", month_runs([f"{y}-{m}" for m in common]).replace(f" {y}", ""))
    ch.key("exports_common_n", len(common))
    ch.key("exports_common_change_pct", abs(change), unit="%", dataset="china_magnet_exports_monthly")
    ch.key("exports_common_direction", "higher" if change >= 0 else "lower")
    ch.key("exports_common_prev_derived_n", sum(basis[f"{y - 1}-{m}"] == "derived" for m in common))
    # months without a figure inside the chart's span (the line breaks there)
    shown = world[world["month"] >= CHART_START]
    span, m = [], shown["month"].iloc[0]
    while m <= shown["month"].iloc[-1]:
        span.append(m)
        m = shift_month(m, 1)
    missing = [m for m in span if m not in by_month]
    ch.key("exports_first_month", month(shown["month"].iloc[0]))
    ch.key("exports_missing_n", len(missing))
    ch.key("exports_has_gaps", bool(missing))
    ch.key("exports_missing_months", month_runs(missing))
    return {"world": world, "low": low, "pre": pre, "back": back}


def year_totals(ch: Chapter, annual: pd.DataFrame, exp: dict) -> None:
    """The year of the controls against the year before, from the reported calendar-year totals
    (``exports_year_case``: "annual" when both years have one, "months" when both years' twelve
    months are in the monthly series, else "common": only the months both years have)."""
    y = ch["exports_control_year"]
    world = annual[annual["destination"] == "World"].set_index("year")
    has = {y, y - 1} <= set(world.index)
    this = float(world.loc[y, "exports"]) if has else 0.0
    before = float(world.loc[y - 1, "exports"]) if has else 0.0
    ids = [world.loc[k, "source_id"] for k in (y - 1, y)] if has else []
    ds = dict(dataset="china_magnet_exports_annual", source_ids=ids)
    ch.key("exports_year_case", "annual" if has else "months" if ch["exports_prev_year_complete"] else "common")
    ch.key("exports_year_annual", bool(has))
    ch.key("exports_annual_t", this, unit="t", **ds)
    ch.key("exports_annual_about", about(this, 3), unit="t", **ds)
    ch.key("exports_annual_prev_t", before, unit="t", **ds)
    change = 100 * (this / before - 1) if has else 0.0
    ch.key("exports_annual_change_pct", abs(change), unit="%", **ds)
    ch.key("exports_annual_direction", "more" if change >= 0 else "less")


def control_measures(ch: Chapter, timeline: pd.DataFrame, as_of) -> pd.DataFrame:
    """China's measures with their status on ``as_of``, computed by ``controls.status_table`` over
    the whole timeline (as the geopolitics chapter does), then kept to ``side == "China"``."""
    day = controls.to_date(as_of, what="as_of")
    ch.key("as_of_text", controls.long_date(day))
    table = controls.status_table(timeline, day)
    china = table[table["side"] == SIDE] if "side" in table.columns else table
    first = china.sort_values("date").iloc[0]
    ch.key("controls_first", controls.long_date(first["date"]))
    ch.key("controls_last", controls.long_date(china.sort_values("date").iloc[-1]["date"]))
    ch.key("controls_n", len(china))
    ch.key("controls_us_n", len(table) - len(china))
    n = controls.counts(china)
    ch.key("controls_in_force_n", n.get("in_force", 0))
    ch.key("controls_suspended_n", n.get("suspended", 0))
    ch.key("controls_end_passed_n", n.get("end_passed_unconfirmed", 0))
    ch.key("controls_other_n", len(china) - n.get("in_force", 0) - n.get("suspended", 0) - n.get("end_passed_unconfirmed", 0))
    april = china[china["instrument"].astype(str).str.contains("2025 No. 18")]
    ch.key("april_elements_n", len(str(april["elements"].iloc[0]).split(";")) if len(april) else 0)
    words = ch.words("status")  # each status code's words, as the page writes them
    ch.key("april_status", words[april["status_as_of"].iloc[0]] if len(april) else "")
    package = china[china["category"] == "package"]
    codes = list(dict.fromkeys(package["status_as_of"]))
    ch.key("package_status", words[codes[0]] if len(codes) == 1 else "mixed")
    return china


# --- figures ------------------------------------------------------------------------------------
def chain_figure(ch: Chapter, chain: pd.DataFrame, registry: pd.DataFrame) -> Figure:
    plotted = chain[chain["period"].str.fullmatch(r"[\d\-–]+( average)?")].copy()
    plotted["stage_label"] = plotted["stage"].map(STAGES)
    plotted["source"] = plotted["source_id"].map(lambda sid: publisher_name(registry.loc[sid]))
    plotted = plotted[["stage_label", "period", "share_pct", "source", "source_id", "note"]]
    spread = plotted.groupby("stage_label")["share_pct"].agg(["min", "max"])
    widest = (spread["max"] - spread["min"]).idxmax()
    # sources' figures are of different years (an EU study's 2016-2020 average beside the IEA's 2024):
    # each dot's shape says which period it covers
    chart = charts.spread_dots(plotted, category="stage_label", value="share_pct", series="source", shape="period",
                               value_title="",  # the page titles the axis
                               tooltip=ch.tooltip("fig-leverage-chain"),
                               domain=(0, 100), sort=list(STAGES.values()))
    # the stage whose sources disagree most, and their range (the chart's alt text names it)
    ch.key("chain_widest_stage", widest.lower())
    ch.key("chain_widest_min_pct", spread.loc[widest, "min"], unit="%", dataset="china_value_chain_share")
    ch.key("chain_widest_max_pct", spread.loc[widest, "max"], unit="%", dataset="china_value_chain_share")
    return Figure(chart, "", plotted["source_id"].unique(), "% of world", plotted)


def share_label(value) -> str:
    """A bar's label: one decimal, and "<0.1" for a share too small to show as 0.1 (not "0.0")."""
    v = float(value)
    return "<0.1" if 0 < v < 0.05 else f"{v:.1f}"


def labelled(chart, frame: pd.DataFrame, value: str = "share_pct"):
    """A bars + labels chart (charts.ranked_bars, charts.grouped_bars) whose labels read ``share_label``."""
    frame["label"] = frame[value].map(share_label)
    chart.layer[1] = chart.layer[1].encode(text=alt.Text("label:N"))
    return chart


def mine_share_figure(ch: Chapter, mine: dict, focus_country: str) -> Figure:
    plotted = mine["shares"][["country", "production", "share_pct", "unit", "source_id"]].copy()
    chart = charts.ranked_bars(plotted, value="share_pct", label="country", value_title="",  # the page titles the axis
                               tooltip=ch.tooltip("fig-leverage-mine-share", keys=["mine_year"]),
                               value_format=".1f",
                               highlight={focus_country: charts.INDIA})
    chart = labelled(chart, plotted)
    return Figure(chart, "", [mine["source"]], "% of world mine production (t REO)", plotted)


def reserves_figure(ch: Chapter, res: dict, mine: dict, year: int) -> Figure:
    """Each country's share of reserves (newest edition, and the earlier one where it gives the
    focus country a figure the newest does not) beside its share of mine production."""
    both = concentration.reserves_vs_production(res["rows"], mine["rows"])
    res_label, prod_label = f"Reserves ({res['edition']})", f"Mine production ({year})"
    columns = ["country", "measure", "share_pct"]
    parts = [both.assign(measure=res_label, share_pct=both["reserves_share_pct"])[columns]]
    order = [res_label]
    earlier = res["earlier"]
    if earlier:
        old = earlier["shares"]
        old = old[old["is_country"]][["country", "share_pct"]]
        old_label = f"Reserves ({earlier['edition']})"
        parts.append(old.assign(measure=old_label)[columns])
        order.append(old_label)
    parts.append(both.assign(measure=prod_label, share_pct=both["production_share_pct"])[columns])
    order.append(prod_label)
    plotted = pd.concat(parts).dropna(subset=["share_pct"]).reset_index(drop=True)
    plotted["share_pct"] = plotted["share_pct"].astype(float).round(1)
    countries = [c for c in both["country"] if c in set(plotted["country"])]
    countries += [c for c in dict.fromkeys(plotted["country"]) if c not in countries]
    chart = charts.grouped_bars(plotted, category="country", value="share_pct", group="measure",
                                value_title="",  # the page titles the axis
                                tooltip=ch.tooltip("fig-leverage-reserves"),
                                value_format=".1f",
                                category_sort=countries, group_sort=order)
    chart = labelled(chart, plotted)
    ids = [res["source"], mine["source"]] + ([earlier["source"]] if earlier else [])
    return Figure(chart, "", list(dict.fromkeys(ids)), "% of world total (t REO)", plotted)


def segments(months: pd.Series) -> list[int]:
    """A segment number per month (oldest first) that changes wherever a month is missing, so a
    line drawn per segment breaks at the gap instead of bridging it."""
    seg, out, prev = 0, [], None
    for m in months:
        if prev is not None and shift_month(prev, 1) != m:
            seg += 1
        out.append(seg)
        prev = m
    return out


def exports_figure(ch: Chapter, exp: dict) -> Figure:
    world, low, back = exp["world"], exp["low"], exp["back"]
    month = magnet_exports.month_name
    shown = world[world["month"] >= CHART_START].copy()
    this = shown.assign(series="Exports")
    # the same month a year earlier, drawn under each month that has one
    by_month = dict(zip(world["month"], world["exports"]))
    earlier = shown.assign(series="Same month a year earlier", year_earlier_month=shown["month"].map(lambda m: shift_month(m, -12)))
    earlier = earlier[earlier["year_earlier_month"].isin(by_month)]
    earlier = earlier.assign(exports=earlier["year_earlier_month"].map(by_month),
                             basis=earlier["year_earlier_month"].map(dict(zip(world["month"], world["basis"]))))
    columns = ["month", "date", "series", "exports", "unit", "basis", "source_id"]
    plotted = pd.concat([this[columns], earlier[columns]]).reset_index(drop=True)
    plotted["segment"] = ""
    for name, rows in plotted.groupby("series"):
        plotted.loc[rows.index, "segment"] = [f"{name} {n}" for n in segments(rows["month"])]
    half = pd.Timedelta(days=15)  # a band spans its months' points exactly, half a month either side
    spans = [(COLLAPSE[0], COLLAPSE[1], "Collapse")] + ([(back["month"], back["month"], "Back above a year earlier")] if back else [])
    bands = pd.DataFrame({"start": [pd.Timestamp(f"{a}-01") - half for a, _, _ in spans],
                          "end": [pd.Timestamp(f"{b}-01") + half for _, b, _ in spans],
                          "label": [label for _, _, label in spans]})
    tooltip = ch.tooltip("fig-leverage-exports")
    both = ["Exports", "Same month a year earlier"]
    colour = alt.Color("series:N", title=None, legend=alt.Legend(labelLimit=1000),
                       scale=alt.Scale(domain=both, range=[charts.CHINA, charts.OTHER]))
    quarters = [d.strftime("%Y-%m-%d") for d in pd.date_range(shown["date"].min(), shown["date"].max(), freq="QS")
                if d.month in (1, 7)]  # half-yearly ticks: "Apr 2024" and "Jul 2024" collide at this width
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, values=quarters, labelOverlap="greedy"))
    y = alt.Y("exports:Q", title="", axis=alt.Axis(format=",.0f"))
    lines = alt.Chart(plotted).mark_line().encode(
        x=x, y=y, color=colour, detail="segment:N",
        strokeDash=alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=["Exports", "Same month a year earlier"],
                                                                         range=[[1, 0], [4, 3]])))
    reported = charts.with_tooltip(alt.Chart(plotted[plotted["basis"] == "reported"]).mark_point(filled=True, size=40).encode(
        x="date:T", y="exports:Q", color=colour), tooltip)
    derived = charts.with_tooltip(alt.Chart(plotted[plotted["basis"] == "derived"]).mark_point(
        filled=False, size=60, strokeWidth=2).encode(x="date:T", y="exports:Q", color=colour), tooltip)
    band = alt.Chart(bands).mark_rect(opacity=0.55).encode(
        x="start:T", x2="end:T", tooltip=alt.Tooltip("label:N"),
        fill=alt.Fill("label:N", legend=None, scale=alt.Scale(domain=["Collapse", "Back above a year earlier"],
                                                             range=["#f2c6c2", "#d5e8d4"])))
    band_text = alt.Chart(bands).mark_text(align="left", baseline="top", dx=3, dy=3, color=charts.TEXT).encode(
        x="start:T", y=alt.value(0), text="label:N")
    trough_text = alt.Chart(plotted[(plotted["month"] == low["month"]) & (plotted["series"] == "Exports")]).mark_text(
        align="left", dx=8, dy=10).encode(x="date:T", y="exports:Q", text=alt.value(f"{low['exports']:,.0f} t ({month(low['month'])})"))
    chart = alt.layer(band, band_text, lines, reported, derived, trough_text).properties(width=charts.WIDTH, height=300)
    # its title, subtitle and alt text are written beside it in book/leverage.md ({figure-text})
    return Figure(chart, "", plotted["source_id"].unique(), "t per month", plotted.drop(columns=["date", "segment"]))


def timeline_figure(ch: Chapter, china: pd.DataFrame, labels: dict[str, str]) -> Figure:
    """China's measures on one axis, coloured by their status on the as-of date (controls.status_table),
    each status labelled with ``labels`` (code → the page's words)."""
    plotted = controls.chart_rows(china.assign(status_text=china["status_as_of"].map(labels)))
    lanes = [lane for lane in controls.CATEGORY_LANES.values() if lane in set(plotted["lane"])]
    domain = list(dict.fromkeys(plotted["status"]))
    palette = {labels[code]: colour for code, colour in
               (("in_force", charts.CHINA), ("suspended", charts.USA), ("unknown", charts.OTHER))}
    chart = charts.event_timeline(plotted, start="date", lane="lane", label="label", end="scheduled_end", color="status",
                                  color_scale=alt.Scale(domain=domain, range=[palette.get(d, "#6a3d9a") for d in domain]),
                                  tooltip=ch.tooltip("fig-leverage-timeline"),
                                  lane_sort=lanes, stagger_days=150, width=charts.WIDTH - 40)
    return Figure(chart, "", china["source_id"].unique(), "dates", plotted)
