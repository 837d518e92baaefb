"""How concentrated rare-earth mining and reserves are: shares, top producer, HHI, ranks.

Model. A country's share is its figure divided by the world total *as reported by the same
source* (the row whose ``country`` is ``World``), never by the sum of the listed countries: the
listed rows do not cover every producer, and a share of a partial sum would overstate every
country. The Herfindahl–Hirschman index (HHI) is the sum of the squared percentage shares of the
individual countries (0 to 10,000; a monopoly is 10,000).

Assumptions, stated because the index depends on them:

- Only named countries enter the HHI. The aggregate "Other countries" row (iso3 ``OTH``) and
  any unlisted residual (world minus the listed rows) are many small producers, not one: the
  index computed without them is a lower bound (``hhi``). Treating the whole residual as a single
  producer gives the upper bound (``hhi_upper``); the truth lies between.
- The reading of the HHI follows the US Department of Justice and Federal Trade Commission
  *Merger Guidelines* (18 December 2023), Guideline 1: "Markets with an HHI greater than 1,800
  are highly concentrated" (``HHI_HIGHLY_CONCENTRATED``). The 2023 guidelines define no other
  band, so anything else is read as "not highly concentrated". The guideline is written for
  markets of firms; applying it to countries is an analogy, used only as a yardstick.
"""

from __future__ import annotations

import math

import pandas as pd

WORLD = "World"
OTHER_ISO3 = "OTH"
WORLD_ISO3 = "WLD"
HHI_MAX = 10_000.0
# highly concentrated above this: US DOJ/FTC Merger Guidelines (2023), Guideline 1 (the label of
# the key figure that quotes it names the guideline: book/leverage.md, {labels})
HHI_HIGHLY_CONCENTRATED = 1_800.0
# Shares of named countries may exceed 100 % of the world only by rounding in the source.
SUM_TOLERANCE_PCT = 2.0


def _is_aggregate(frame: pd.DataFrame) -> pd.Series:
    """Rows that are not a single country: the world total and "other countries"."""
    iso = frame["iso3"].fillna("") if "iso3" in frame.columns else pd.Series("", index=frame.index)
    return (frame["country"] == WORLD) | iso.isin([WORLD_ISO3, OTHER_ISO3])


def hhi(shares_pct) -> float:
    """Herfindahl–Hirschman index of percentage shares (sum of squares, 0–10,000).

    Raises ValueError for an empty list, a share outside 0–100 or shares summing to more than
    100 % (beyond ``SUM_TOLERANCE_PCT`` of rounding).
    """
    values = [float(v) for v in shares_pct]
    if not values:
        raise ValueError("HHI needs at least one share; got none")
    for v in values:
        if math.isnan(v) or v < 0 or v > 100:
            raise ValueError(f"HHI shares must be percentages between 0 and 100; got {v}")
    if sum(values) > 100 + SUM_TOLERANCE_PCT:
        raise ValueError(f"HHI shares sum to {sum(values):.1f} %, more than 100 %")
    return float(sum(v * v for v in values))


def hhi_reading(value: float) -> str:
    """The 2023 Merger Guidelines' reading of an HHI: "highly concentrated" above 1,800."""
    if math.isnan(value) or value < 0 or value > HHI_MAX + 1e-6:
        raise ValueError(f"an HHI lies between 0 and 10,000; got {value}")
    return "highly concentrated" if value > HHI_HIGHLY_CONCENTRATED else "not highly concentrated"


def select_year(
    frame: pd.DataFrame, year: int, *, value: str = "production", source_id: str | None = None, prefer=()
) -> pd.DataFrame:
    """The rows of one year (and one source) that have a world total.

    With several sources giving a world total for the year, the first of ``prefer`` (source ids,
    most preferred first) that does is used; with no preference that matches, a ValueError
    names the candidates.
    """
    rows = frame[frame["year"] == year]
    if rows.empty:
        years = sorted(int(y) for y in frame["year"].dropna().unique())
        raise ValueError(f"no {value} rows for year {year}; years in the data: {years}")
    if source_id is None and prefer:
        with_world = set(rows.loc[(rows["country"] == WORLD) & rows[value].notna(), "source_id"])
        source_id = next((sid for sid in prefer if sid in with_world), None)
    return _one_source(rows, what=f"year {year}", value=value, source_id=source_id)


def newest_first(source_ids, registry: pd.DataFrame) -> list[str]:
    """Source ids ordered newest edition first: by the four-digit year in the title (e.g. USGS
    "Mineral Commodity Summaries 2025"), then by publication date."""
    import re

    def order(sid):
        row = registry.loc[sid]
        years = re.findall(r"\b(?:19|20)\d{2}\b", str(row.get("title", "")))
        return (int(years[-1]) if years else 0, str(row.get("date") or ""))

    return sorted(dict.fromkeys(source_ids), key=order, reverse=True)


def latest_complete_edition(frame: pd.DataFrame, countries=("China",)) -> str:
    """The newest reserves edition (``MCS 2026`` > ``MCS 2025``) that reports the world total and
    every country in ``countries``; ValueError when none does."""
    def year_of(edition):
        digits = "".join(ch for ch in str(edition) if ch.isdigit())
        return int(digits) if digits else 0

    for edition in sorted(frame["edition"].dropna().unique(), key=year_of, reverse=True):
        rows = frame[(frame["edition"] == edition) & frame["reserves"].notna()]
        if {WORLD, *countries} <= set(rows["country"]):
            return str(edition)
    raise ValueError(f"no reserves edition reports the world total and {list(countries)}")


def stage_share(chain: pd.DataFrame, registry: pd.DataFrame, stage: str, publisher: str) -> dict:
    """China's share at one stage of the value chain according to one publisher (e.g. the IEA).

    Among that publisher's rows for the stage, the latest period that is a plain year wins
    (projections such as "2030 projection" are skipped); among several rows for that year, the
    most recently published source. Returns {share_pct, period, source_id}.
    """
    rows = chain[chain["stage"] == stage].copy()
    if rows.empty:
        raise ValueError(f"no value-chain rows for stage {stage!r}")
    rows = rows[rows["source_id"].map(lambda sid: sid in registry.index and registry.loc[sid, "publisher"] == publisher)]
    rows = rows[rows["period"].astype(str).str.fullmatch(r"\d{4}")]
    if rows.empty:
        raise ValueError(f"no {publisher} figure for stage {stage!r} with a single-year period")
    rows["year"] = rows["period"].astype(int)
    rows["published"] = [str(registry.loc[sid, "date"] or "") for sid in rows["source_id"]]
    row = rows.sort_values(["year", "published"], ascending=False).iloc[0]
    share = float(row["share_pct"])
    if not 0 <= share <= 100:
        raise ValueError(f"share {share} for {stage!r} is not a percentage")
    return {"share_pct": share, "period": str(row["period"]), "source_id": str(row["source_id"])}


def _one_source(rows: pd.DataFrame, *, what: str, value: str, source_id: str | None) -> pd.DataFrame:
    if source_id is not None:
        rows = rows[rows["source_id"] == source_id]
        if rows.empty:
            raise ValueError(f"no {value} rows for {what} from source {source_id!r}")
    with_world = rows.loc[(rows["country"] == WORLD) & rows[value].notna(), "source_id"].unique()
    if len(with_world) == 0:
        raise ValueError(f"no world total ({WORLD!r} row with a {value} value) for {what}: shares cannot be computed")
    if len(with_world) > 1:
        raise ValueError(f"several sources give a world total for {what} ({sorted(with_world)}); name one with source_id=")
    return rows[rows["source_id"] == with_world[0]]


def shares(rows: pd.DataFrame, *, value: str = "production") -> pd.DataFrame:
    """Each row's share of the world total, largest first (world row dropped).

    Columns kept: country, iso3, value, share_pct, is_country (False for "other countries"),
    unit, source_id. Rows whose value is empty (not available) keep an empty share.
    """
    world_rows = rows[(rows["country"] == WORLD) & rows[value].notna()]
    if len(world_rows) != 1:
        raise ValueError(f"expected one world total for {value}; found {len(world_rows)}")
    world = float(world_rows[value].iloc[0])
    if world <= 0:
        raise ValueError(f"world total {value} must be positive; got {world}")
    parts = rows[rows["country"] != WORLD].copy()
    if (parts[value].dropna() < 0).any():
        raise ValueError(f"{value} cannot be negative")
    parts["share_pct"] = (parts[value].astype("Float64") * 100.0 / world).astype("Float64")
    parts["is_country"] = ~_is_aggregate(parts)
    total = float(parts[value].dropna().sum())
    if total > world * (1 + SUM_TOLERANCE_PCT / 100):
        raise ValueError(f"listed {value} ({total:,.0f}) exceeds the world total ({world:,.0f})")
    keep = [c for c in ["country", "iso3", value, "share_pct", "is_country", "unit", "source_id"] if c in parts.columns]
    return parts[keep].sort_values(value, ascending=False, na_position="last").reset_index(drop=True)


def world_total(rows: pd.DataFrame, *, value: str = "production") -> float:
    world_rows = rows[(rows["country"] == WORLD) & rows[value].notna()]
    if world_rows.empty:
        raise ValueError(f"no world total for {value}")
    return float(world_rows[value].iloc[0])


def concentration(rows: pd.DataFrame, *, value: str = "production") -> dict:
    """Top country, its share, HHI (lower and upper bound) and the reading, for one year's rows.

    Returns a dict: world, top_country, top_share_pct, hhi, hhi_upper, residual_share_pct,
    reading (of ``hhi``), reading_upper, n_countries.
    """
    table = shares(rows, value=value)
    countries = table[table["is_country"] & table[value].notna()]
    if countries.empty:
        raise ValueError("no individual country rows to measure concentration")
    named = [float(s) for s in countries["share_pct"]]
    # What the named countries leave: the world minus their sum, and never less than the
    # "other countries" row itself (a rounded world total can be below the sum of the parts).
    aggregates = table[~table["is_country"] & table[value].notna()]
    residual = max(0.0, 100.0 - sum(named), float(aggregates["share_pct"].sum()) if len(aggregates) else 0.0)
    lower = hhi(named)
    upper = hhi(named + ([residual] if residual > 0 else []))
    top = countries.iloc[0]
    return {
        "world": world_total(rows, value=value),
        "top_country": str(top["country"]),
        "top_share_pct": float(top["share_pct"]),
        "hhi": lower,
        "hhi_upper": upper,
        "residual_share_pct": residual,
        "reading": hhi_reading(lower),
        "reading_upper": hhi_reading(upper),
        "n_countries": int(len(countries)),
        "named_share_pct": float(sum(named)),
    }


def position(table: pd.DataFrame, country: str, *, value: str = "production") -> dict:
    """A country's rank (1 = largest, among individual countries with a value) and share.

    ``table`` is the output of ``shares``. Returns {country, rank, of, share_pct, value,
    available}; when the country's value is not available, rank/share/value are None and
    available is False. An unknown country raises ValueError naming the countries present.
    """
    rows = table[table["country"] == country]
    if rows.empty:
        known = sorted(table.loc[table["is_country"], "country"].astype(str))
        raise ValueError(f"country {country!r} is not in the data; countries: {known}")
    row = rows.iloc[0]
    ranked = table[table["is_country"] & table[value].notna()]
    if pd.isna(row[value]):
        return {"country": country, "rank": None, "of": int(len(ranked)), "share_pct": None, "value": None, "available": False}
    # Ties share the better rank ("min" method): two countries at 13,000 t are both third.
    rank = int((ranked[value] > row[value]).sum()) + 1
    return {
        "country": country,
        "rank": rank,
        "of": int(len(ranked)),
        "share_pct": float(row["share_pct"]),
        "value": float(row[value]),
        "available": True,
    }


def reserves_vs_production(reserves: pd.DataFrame, production: pd.DataFrame) -> pd.DataFrame:
    """Per country, its share of world reserves beside its share of world mine production.

    ``reserves`` and ``production`` are one edition's / one year's rows (each with a World row).
    Only individual countries present in either table appear; a share is empty where the
    source gives no figure (e.g. reserves "not available").
    """
    r = shares(reserves, value="reserves")
    p = shares(production, value="production")
    r = r[r["is_country"]][["country", "reserves", "share_pct"]].rename(columns={"share_pct": "reserves_share_pct"})
    p = p[p["is_country"]][["country", "production", "share_pct"]].rename(columns={"share_pct": "production_share_pct"})
    merged = r.merge(p, on="country", how="outer")
    return merged.sort_values("reserves", ascending=False, na_position="last").reset_index(drop=True)


def select_edition(frame: pd.DataFrame, edition: str) -> pd.DataFrame:
    """One edition's reserves rows, with its world total; ValueError if absent."""
    rows = frame[frame["edition"] == edition]
    if rows.empty:
        raise ValueError(f"no reserves rows for edition {edition!r}; editions: {sorted(frame['edition'].dropna().unique())}")
    if rows.loc[(rows["country"] == WORLD) & rows["reserves"].notna()].empty:
        raise ValueError(f"no world reserves total in edition {edition!r}: reserve shares cannot be computed")
    return rows
