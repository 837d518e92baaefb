"""What the oxide prices (NdPr, Dy, Tb) mean for a magnet stock and for the magnet scheme.

Model. A sintered NdFeB magnet holds neodymium and praseodymium (together "NdPr") and, in grades
for hot motors, a little dysprosium or terbium (``magnet_intensity``: shares of magnet mass, low
and high). Each kilogram of metal comes from more than a kilogram of oxide; the oxide a magnet's
metal needs is its metal share divided by the metal's mass fraction in the oxide, worked out here
from standard atomic weights (the stoichiometric minimum: real refining loses some oxide, so the
figures are a floor). The oxide's value per kilogram of magnet is that oxide mass times a price:
the USGS annual average free on board (``oxide_prices``, US dollars) or China's domestic spot
price (``oxide_spot_prices_china``, yuan). The two are in different currencies and the report
holds no sourced exchange rate, so they are never converted into each other; instead
``implied_yuan_per_dollar`` gives the rate at which the two sources would agree for one oxide,
and the spread of those rates across oxides measures how far the two sources disagree about
relative prices. Nothing here is in rupees, for the same reason.

Assumptions: NdPr oxide is taken as Nd2O3 for its metal fraction (Pr6O11's is slightly lower,
so the oxide need is understated by a few per cent); the heavy rare earth of the high case is
valued once as dysprosium and once as terbium, because the sources give a Dy/Tb share, not the
split. Functions return numbers and short labels, never sentences.
"""

from __future__ import annotations

import re

import pandas as pd

# standard atomic weights (IUPAC), g/mol: chemistry, not a sourced figure of the report
ATOMIC_WEIGHT = {"Nd": 144.242, "Pr": 140.908, "Dy": 162.500, "Tb": 158.925, "O": 15.999}
# the oxide each price is quoted for: (metal, metal atoms, oxygen atoms)
OXIDE_FORMULA = {"ndpr_oxide": ("Nd", 2, 3), "dy_oxide": ("Dy", 2, 3), "tb_oxide": ("Tb", 4, 7)}
PRODUCTS = ("ndpr_oxide", "dy_oxide", "tb_oxide")
KG_PER_T = 1000.0


def metal_fraction(product: str) -> float:
    """Mass fraction of metal in the oxide ``product`` (Nd2O3 → 0.857)."""
    if product not in OXIDE_FORMULA:
        raise ValueError(f"no oxide formula for {product!r}; known: {sorted(OXIDE_FORMULA)}")
    metal, m, o = OXIDE_FORMULA[product]
    metal_mass = m * ATOMIC_WEIGHT[metal]
    return metal_mass / (metal_mass + o * ATOMIC_WEIGHT["O"])


def _edition(source_id: str) -> int:
    """The MCS edition year in a source id (``usgs-mcs-2026-heavy`` → 2026); 0 when none."""
    found = re.search(r"mcs-(\d{4})", str(source_id))
    return int(found.group(1)) if found else 0


def usgs_series(prices: pd.DataFrame, product: str) -> pd.DataFrame:
    """One oxide's annual USGS prices, one row per year from the newest edition that gives it."""
    rows = prices[prices["product"] == product].copy()
    if rows.empty:
        raise ValueError(f"oxide_prices holds no row for {product!r}")
    if (rows["price"] <= 0).any():
        raise ValueError(f"oxide_prices: a price of {product!r} is not positive")
    rows["edition"] = rows["source_id"].map(_edition)
    rows = rows.sort_values(["year", "edition"]).groupby("year", as_index=False).last()
    return rows.reset_index(drop=True)


def usgs_latest(prices: pd.DataFrame, product: str, years: int = 5) -> dict:
    """The latest annual price of ``product``, with the low and high of the last ``years`` years."""
    series = usgs_series(prices, product)
    latest = series.iloc[-1]
    window = series[series["year"] > int(latest["year"]) - years]
    low, high = window.loc[window["price"].idxmin()], window.loc[window["price"].idxmax()]
    return {"product": product, "year": int(latest["year"]), "price": float(latest["price"]),
            "estimated": bool(latest["estimated"]), "source_id": str(latest["source_id"]),
            "low": float(low["price"]), "low_year": int(low["year"]),
            "high": float(high["price"]), "high_year": int(high["year"]),
            "first_year": int(window["year"].min()), "source_ids": sorted(set(window["source_id"]))}


def china_spot(spot: pd.DataFrame, product: str) -> dict:
    """The latest China spot price of ``product`` in yuan per kilogram (the mid, or low–high mean)."""
    rows = spot[spot["product"] == product].sort_values("date")
    if rows.empty:
        raise ValueError(f"oxide_spot_prices_china holds no row for {product!r}")
    row = rows.iloc[-1]
    if str(row["unit"]) != "CNY/t":
        raise ValueError(f"oxide_spot_prices_china: unit {row['unit']!r} for {product!r}; expected CNY/t")
    mid = row["price_mid"]
    if pd.isna(mid):
        mid = (float(row["price_low"]) + float(row["price_high"])) / 2
    if float(mid) <= 0:
        raise ValueError(f"oxide_spot_prices_china: the price of {product!r} is not positive")
    return {"product": product, "date": str(row["date"])[:10], "cny_per_kg": float(mid) / KG_PER_T,
            "source_id": str(row["source_id"])}


def magnet_content(intensity: pd.DataFrame) -> dict:
    """Metal shares of an NdFeB magnet (kg per kg of magnet): NdPr and heavy rare earth, low and high."""
    rows = intensity[intensity["application"] == "ndfeb_magnet"].set_index("metric")
    missing = {"nd_share", "pr_share", "dy_share"} - set(rows.index)
    if missing:
        raise ValueError(f"magnet_intensity lacks the NdFeB shares {sorted(missing)}")

    def bound(metric: str, side: str) -> float:
        value = rows.loc[metric, side]
        if pd.isna(value):
            raise ValueError(f"magnet_intensity: ndfeb_magnet {metric} has no {side} value")
        return float(value) / 100

    out = {"ndpr_low": bound("nd_share", "low") + bound("pr_share", "low"),
           "ndpr_high": bound("nd_share", "high") + bound("pr_share", "high"),
           "heavy_low": bound("dy_share", "low"), "heavy_high": bound("dy_share", "high")}
    if not 0 < out["ndpr_low"] <= out["ndpr_high"] < 1 or not 0 <= out["heavy_low"] <= out["heavy_high"] < 1:
        raise ValueError(f"magnet_intensity: NdFeB shares out of order or range: {out}")
    out["source_ids"] = sorted(set(rows["source_id"]))
    return out


def oxide_per_kg_magnet(content: dict) -> dict:
    """Kilograms of oxide behind a kilogram of magnet, low and high (heavy as Dy and as Tb)."""
    return {"ndpr_low": content["ndpr_low"] / metal_fraction("ndpr_oxide"),
            "ndpr_high": content["ndpr_high"] / metal_fraction("ndpr_oxide"),
            "dy_high": content["heavy_high"] / metal_fraction("dy_oxide"),
            "tb_high": content["heavy_high"] / metal_fraction("tb_oxide")}


def value_per_kg_magnet(oxide: dict, price: dict) -> dict:
    """Oxide value in a kilogram of magnet at ``price`` (per kg of oxide, one currency, keys
    ``ndpr_oxide``, ``dy_oxide``, ``tb_oxide``): the low case is the least NdPr and no heavy rare
    earth; the high cases the most NdPr plus the most heavy rare earth as Dy or as Tb."""
    ndpr_high = oxide["ndpr_high"] * price["ndpr_oxide"]
    return {"low": oxide["ndpr_low"] * price["ndpr_oxide"],
            "high_dy": ndpr_high + oxide["dy_high"] * price["dy_oxide"],
            "high_tb": ndpr_high + oxide["tb_high"] * price["tb_oxide"]}


def implied_yuan_per_dollar(usgs_usd_per_kg: float, spot_cny_per_kg: float) -> float:
    """The exchange rate (yuan per US dollar) at which China's spot price equals the USGS price."""
    if usgs_usd_per_kg <= 0 or spot_cny_per_kg <= 0:
        raise ValueError("prices must be positive to compare")
    return spot_cny_per_kg / usgs_usd_per_kg


def stock_value(tonnes: float, per_kg: dict) -> dict:
    """A stock of ``tonnes`` of magnets: the oxide it holds valued at ``per_kg`` (millions)."""
    if tonnes < 0:
        raise ValueError("a stock cannot be negative")
    return {case: tonnes * KG_PER_T * value / 1e6 for case, value in per_kg.items()}


def oxide_need(capacity_t: float, oxide: dict) -> dict:
    """Tonnes a year of NdPr oxide that ``capacity_t`` tonnes a year of magnets need, low and high."""
    if capacity_t <= 0:
        raise ValueError("capacity must be positive")
    return {"low": capacity_t * oxide["ndpr_low"], "high": capacity_t * oxide["ndpr_high"]}


def price_table(prices: pd.DataFrame, spot: pd.DataFrame, names: dict) -> pd.DataFrame:
    """One row per oxide: the USGS latest price and five-year range (US$/kg), China spot (yuan/kg)
    and the exchange rate at which the two agree. ``names`` maps product → the label shown."""
    rows = []
    for product in PRODUCTS:
        usgs, china = usgs_latest(prices, product), china_spot(spot, product)
        rows.append({"Oxide": names[product],
                     f"USGS {usgs['year']}, US$/kg": usgs["price"],
                     f"USGS range {usgs['first_year']}–{usgs['year']}, US$/kg": f"{usgs['low']:,.0f}–{usgs['high']:,.0f}",
                     "China spot, yuan/kg": round(china["cny_per_kg"], 0),
                     "China spot date": china["date"],
                     "Agreeing rate, yuan per US$": round(implied_yuan_per_dollar(usgs["price"], china["cny_per_kg"]), 1)})
    return pd.DataFrame(rows)
