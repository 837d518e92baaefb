"""Tests for scripts/analysis/oxide_value.py: hand-made frames for the arithmetic, the real data for
what the options chapter states. Expected real-data values come from the CSV rows read here."""

import pandas as pd
import pytest

from analysis import oxide_value as ov
from analysis.chapters import options
from chapters import DATA, read_rows

PRICES = pd.DataFrame([
    ("ndpr_oxide", 2023, 75.0, False, "usgs-mcs-2026"),
    ("ndpr_oxide", 2024, 55.0, False, "usgs-mcs-2026"),
    ("ndpr_oxide", 2024, 57.0, True, "usgs-mcs-2025"),  # an older edition's estimate: superseded
    ("ndpr_oxide", 2025, 69.0, True, "usgs-mcs-2026"),
    ("dy_oxide", 2025, 240.0, True, "usgs-mcs-2026-heavy"),
    ("tb_oxide", 2025, 1000.0, True, "usgs-mcs-2026-heavy"),
], columns=["product", "year", "price", "estimated", "source_id"])
SPOT = pd.DataFrame([
    ("2026-01-01", "ndpr_oxide", None, None, 600000.0, "CNY/t", "a"),
    ("2026-01-09", "ndpr_oxide", None, None, 690000.0, "CNY/t", "b"),
    ("2026-01-29", "dy_oxide", 1400000.0, 1420000.0, None, "CNY/t", "c"),
    ("2026-01-29", "tb_oxide", 6000000.0, 6000000.0, 6000000.0, "CNY/t", "c"),
], columns=["date", "product", "price_low", "price_high", "price_mid", "unit", "source_id"])
INTENSITY = pd.DataFrame([
    ("ndfeb_magnet", "nd_share", 25.0, 35.0, "s"),
    ("ndfeb_magnet", "pr_share", 0.0, 5.0, "s"),
    ("ndfeb_magnet", "dy_share", 0.0, 3.0, "s"),
    ("wind_direct_drive", "dy_share_of_magnet", 4.0, 4.0, "w"),
], columns=["application", "metric", "low", "high", "source_id"])


def test_metal_fraction_is_stoichiometric():
    assert ov.metal_fraction("ndpr_oxide") == pytest.approx(288.484 / (288.484 + 47.997), rel=1e-6)
    assert ov.metal_fraction("tb_oxide") == pytest.approx(635.7 / (635.7 + 111.993), rel=1e-4)
    assert 0.8 < ov.metal_fraction("dy_oxide") < 0.9
    with pytest.raises(ValueError, match="no oxide formula"):
        ov.metal_fraction("la_oxide")


def test_latest_price_takes_the_newest_edition_and_its_range():
    latest = ov.usgs_latest(PRICES, "ndpr_oxide")
    assert (latest["year"], latest["price"], latest["estimated"]) == (2025, 69.0, True)
    assert (latest["low"], latest["low_year"], latest["high"], latest["high_year"]) == (55.0, 2024, 75.0, 2023)
    assert latest["source_ids"] == ["usgs-mcs-2026"]  # the 2025 edition's 57 was superseded
    with pytest.raises(ValueError, match="no row"):
        ov.usgs_latest(PRICES, "pr_oxide")


def test_china_spot_is_the_latest_mid_or_the_mean_of_low_and_high_per_kg():
    assert ov.china_spot(SPOT, "ndpr_oxide")["cny_per_kg"] == 690.0
    assert ov.china_spot(SPOT, "dy_oxide")["cny_per_kg"] == 1410.0
    bad = SPOT.assign(unit="USD/kg")
    with pytest.raises(ValueError, match="expected CNY/t"):
        ov.china_spot(bad, "tb_oxide")


def test_oxide_value_per_kg_of_magnet_low_and_high():
    content = ov.magnet_content(INTENSITY)
    assert (content["ndpr_low"], content["ndpr_high"], content["heavy_high"]) == pytest.approx((0.25, 0.40, 0.03))
    oxide = ov.oxide_per_kg_magnet(content)
    assert oxide["ndpr_low"] == pytest.approx(0.25 / ov.metal_fraction("ndpr_oxide"))
    value = ov.value_per_kg_magnet(oxide, {"ndpr_oxide": 100.0, "dy_oxide": 200.0, "tb_oxide": 1000.0})
    assert value["low"] == pytest.approx(100 * 0.25 / ov.metal_fraction("ndpr_oxide"))
    assert value["high_dy"] == pytest.approx(100 * 0.40 / ov.metal_fraction("ndpr_oxide")
                                             + 200 * 0.03 / ov.metal_fraction("dy_oxide"))
    assert value["low"] < value["high_dy"] < value["high_tb"]


def test_missing_or_disordered_shares_are_refused():
    with pytest.raises(ValueError, match="lacks the NdFeB shares"):
        ov.magnet_content(INTENSITY[INTENSITY["metric"] != "pr_share"])
    flipped = INTENSITY.copy()
    flipped.loc[0, ["low", "high"]] = [45.0, 35.0]
    with pytest.raises(ValueError, match="out of order"):
        ov.magnet_content(flipped)


def test_stock_value_and_oxide_need_scale_with_tonnes():
    per_kg = {"low": 20.0, "high_dy": 40.0}
    assert ov.stock_value(200, per_kg) == {"low": 4.0, "high_dy": 8.0}
    assert ov.oxide_need(6000, {"ndpr_low": 0.3, "ndpr_high": 0.5}) == pytest.approx({"low": 1800, "high": 3000})
    with pytest.raises(ValueError):
        ov.stock_value(-1, per_kg)


def test_the_rate_at_which_two_sources_agree():
    assert ov.implied_yuan_per_dollar(100.0, 700.0) == 7.0
    with pytest.raises(ValueError):
        ov.implied_yuan_per_dollar(0.0, 700.0)


# --- on the real data, through the options chapter ---------------------------------------------
@pytest.fixture(scope="module")
def chapter():
    return options.compute(DATA)


def newest_price(product):
    rows = [r for r in read_rows(DATA / "oxide_prices.csv") if r["product"] == product]
    year = max(int(r["year"]) for r in rows)
    same = [r for r in rows if int(r["year"]) == year]
    return year, float(max(same, key=lambda r: r["source_id"].replace("-heavy", ""))["price"])


def test_chapter_prices_are_the_newest_usgs_year(chapter):
    for short, product in (("ndpr", "ndpr_oxide"), ("dy", "dy_oxide"), ("tb", "tb_oxide")):
        year, price = newest_price(product)
        assert chapter[f"{short}_usgs"] == price
        assert chapter["oxide_usgs_year"] == year


def test_chapter_stock_oxide_value_is_tonnes_times_value_per_kg(chapter):
    for case in ("low", "high_dy", "high_tb"):
        assert chapter[f"buffer_oxide_usd_m_{case}"] == pytest.approx(
            chapter["buffer_t"] * 1000 * chapter[f"oxide_usd_per_kg_{case}"] / 1e6)
    assert chapter["buffer_oxide_usd_m_low"] < chapter["buffer_oxide_usd_m_high_dy"]


def test_chapter_scheme_oxide_need_and_irel_share(chapter):
    assert chapter["repm_ndpr_need_low_t"] == pytest.approx(chapter["repm_capacity_t"] * chapter["ndpr_oxide_per_kg_low"])
    assert chapter["irel_share_of_need_high_pct"] == pytest.approx(
        100 * chapter["irel_ndpr_high_t"] / chapter["repm_ndpr_need_low_t"])
    assert 0 < chapter["irel_share_of_need_low_pct"] < chapter["irel_share_of_need_high_pct"] < 100


def test_chapter_price_table_has_one_row_per_oxide_and_no_iso_dates(chapter):
    table = chapter.tables["oxide-prices"]
    assert len(table) == 3
    assert not table["China spot date"].str.match(r"\d{4}-").any()
