"""Tests for scripts/analysis/concentration.py (synthetic frames)."""


import pandas as pd
import pytest

from analysis import concentration as c


def production(rows):
    frame = pd.DataFrame(rows, columns=["country", "iso3", "year", "production", "source_id"])
    frame["year"] = frame["year"].astype("Int64")
    frame["production"] = frame["production"].astype("Float64")
    frame["unit"] = "t REO"
    return frame


WORLD_2024 = [
    ("China", "CHN", 2024, 270_000, "usgs"),
    ("United States", "USA", 2024, 45_000, "usgs"),
    ("India", "IND", 2024, 2_900, "usgs"),
    ("Other countries", "OTH", 2024, 1_100, "usgs"),
    ("World", "WLD", 2024, 390_000, "usgs"),
]


def test_hhi_of_a_monopoly_is_10000():
    assert c.hhi([100]) == 10_000


def test_hhi_of_equal_shares():
    assert c.hhi([25, 25, 25, 25]) == 2_500
    assert c.hhi([50, 50]) == 5_000


@pytest.mark.parametrize("bad", [[], [-1], [101], [60, 60], [float("nan")]])
def test_hhi_rejects_bad_shares(bad):
    with pytest.raises(ValueError):
        c.hhi(bad)


def test_reading_threshold_is_strictly_above_1800():
    assert c.HHI_HIGHLY_CONCENTRATED == 1_800
    assert c.hhi_reading(1_800) == "not highly concentrated"
    assert c.hhi_reading(1_800.01) == "highly concentrated"
    assert c.hhi_reading(10_000) == "highly concentrated"
    with pytest.raises(ValueError):
        c.hhi_reading(10_001)


def test_shares_are_of_the_world_total_not_of_the_listed_sum():
    rows = c.select_year(production(WORLD_2024), 2024)
    table = c.shares(rows)
    china = table.loc[table["country"] == "China", "share_pct"].iloc[0]
    assert china == pytest.approx(100 * 270_000 / 390_000)
    assert "World" not in set(table["country"])
    assert not table.loc[table["country"] == "Other countries", "is_country"].iloc[0]


def test_concentration_top_share_and_hhi_bounds():
    rows = c.select_year(production(WORLD_2024), 2024)
    result = c.concentration(rows)
    assert result["top_country"] == "China"
    assert result["top_share_pct"] == pytest.approx(69.23, abs=0.01)
    shares = [270_000 / 3900, 45_000 / 3900, 2_900 / 3900]
    assert result["hhi"] == pytest.approx(sum(s * s for s in shares))
    residual = 100 - sum(shares)
    assert result["hhi_upper"] == pytest.approx(result["hhi"] + residual**2)
    assert result["reading"] == "highly concentrated"


def test_monopoly_concentration_is_10000():
    rows = production([("China", "CHN", 2024, 10, "s"), ("World", "WLD", 2024, 10, "s")])
    assert c.concentration(rows)["hhi"] == 10_000


def test_empty_year_raises_clear_error():
    with pytest.raises(ValueError, match="no production rows for year 2031"):
        c.select_year(production(WORLD_2024), 2031)


def test_missing_world_total_raises_clear_error():
    rows = [r for r in WORLD_2024 if r[0] != "World"]
    with pytest.raises(ValueError, match="no world total"):
        c.select_year(production(rows), 2024)
    with pytest.raises(ValueError, match="world total"):
        c.shares(production(rows))


def test_several_sources_need_a_choice():
    rows = WORLD_2024 + [("China", "CHN", 2024, 260_000, "other"), ("World", "WLD", 2024, 380_000, "other")]
    frame = production(rows)
    with pytest.raises(ValueError, match="several sources"):
        c.select_year(frame, 2024)
    assert set(c.select_year(frame, 2024, source_id="other")["source_id"]) == {"other"}


def test_listed_above_world_total_is_an_error():
    rows = production([("China", "CHN", 2024, 500, "s"), ("World", "WLD", 2024, 100, "s")])
    with pytest.raises(ValueError, match="exceeds the world total"):
        c.shares(rows)


def test_position_rank_share_and_ties():
    rows = production(WORLD_2024 + [("Thailand", "THA", 2024, 2_900, "usgs")])
    rows.loc[rows["country"] == "World", "production"] = 392_900
    table = c.shares(rows)
    india = c.position(table, "India")
    assert india["rank"] == 3 and india["of"] == 4
    assert c.position(table, "Thailand")["rank"] == 3
    assert india["share_pct"] == pytest.approx(100 * 2_900 / 392_900)
    with pytest.raises(ValueError, match="not in the data"):
        c.position(table, "Atlantis")


def reserves(rows):
    frame = pd.DataFrame(rows, columns=["country", "iso3", "edition", "reserves", "source_id"])
    frame["reserves"] = frame["reserves"].astype("Float64")
    return frame


def test_reserves_vs_production_and_not_available():
    res = reserves([
        ("China", "CHN", "MCS 2025", 44e6, "u"),
        ("India", "IND", "MCS 2025", 6.9e6, "u"),
        ("Burma", "MMR", "MCS 2025", None, "u"),
        ("World", "WLD", "MCS 2025", 90e6, "u"),
    ])
    rows = c.select_edition(res, "MCS 2025")
    table = c.reserves_vs_production(rows, production(WORLD_2024))
    china = table[table["country"] == "China"].iloc[0]
    assert china["reserves_share_pct"] == pytest.approx(100 * 44 / 90)
    assert china["production_share_pct"] == pytest.approx(100 * 270 / 390)
    burma = c.position(c.shares(rows, value="reserves"), "Burma", value="reserves")
    assert burma["available"] is False and burma["rank"] is None
    assert c.position(c.shares(rows, value="reserves"), "India", value="reserves")["rank"] == 2


def test_edition_without_world_total_raises():
    res = reserves([("China", "CHN", "MCS 2025", 44e6, "u"), ("World", "WLD", "MCS 2025", None, "u")])
    with pytest.raises(ValueError, match="no world reserves total"):
        c.select_edition(res, "MCS 2025")
    with pytest.raises(ValueError, match="no reserves rows for edition"):
        c.select_edition(res, "MCS 1999")


def registry():
    return pd.DataFrame(
        {
            "id": ["usgs-2024", "usgs-2025", "iea-a", "iea-b", "iea-old", "other"],
            "publisher": ["USGS", "USGS", "IEA", "IEA", "IEA", "X"],
            "title": ["MCS 2024", "MCS 2025", "commentary", "via press", "GCMO 2024", "y"],
            "date": ["", "", "2025-10-23", "", "2024-05-01", ""],
        }
    ).set_index("id", drop=False)


def test_prefer_picks_the_newest_source_with_a_world_total():
    rows = WORLD_2024 + [("China", "CHN", 2024, 260_000, "usgs-2024"), ("World", "WLD", 2024, 380_000, "usgs-2024")]
    frame = production([r[:4] + ("usgs-2025" if r[4] == "usgs" else r[4],) for r in rows])
    prefer = c.newest_first(set(frame["source_id"]), registry())
    assert prefer == ["usgs-2025", "usgs-2024"]
    assert set(c.select_year(frame, 2024, prefer=prefer)["source_id"]) == {"usgs-2025"}


def test_latest_complete_edition_skips_partial_editions():
    res = reserves([
        ("World", "WLD", "MCS 2025", 90e6, "u"), ("China", "CHN", "MCS 2025", 44e6, "u"),
        ("World", "WLD", "MCS 2026", 85e6, "u"), ("China", "CHN", "MCS 2026", None, "u"),
    ])
    assert c.latest_complete_edition(res) == "MCS 2025"
    with pytest.raises(ValueError):
        c.latest_complete_edition(res, countries=("India",))


def test_stage_share_takes_latest_year_then_latest_publication():
    chain = pd.DataFrame(
        {
            "stage": ["separation_refining"] * 4 + ["mining"],
            "period": ["2024", "2024", "2023", "2030 projection", "2024"],
            "share_pct": [91.0, 92.0, 92.0, 77.0, 69.2],
            "source_id": ["iea-a", "iea-b", "iea-old", "iea-old", "other"],
        }
    )
    got = c.stage_share(chain, registry(), "separation_refining", "IEA")
    assert got == {"share_pct": 91.0, "period": "2024", "source_id": "iea-a"}
    with pytest.raises(ValueError, match="no IEA figure"):
        c.stage_share(chain, registry(), "mining", "IEA")
    with pytest.raises(ValueError, match="no value-chain rows"):
        c.stage_share(chain, registry(), "magnet_manufacturing", "IEA")


def test_residual_is_never_below_the_other_countries_row():
    # named countries sum above a rounded world total: the residual is the "other" row's share
    rows = production([("China", "CHN", 2024, 70, "s"), ("USA", "USA", 2024, 31, "s"),
                       ("Other countries", "OTH", 2024, 1, "s"), ("World", "WLD", 2024, 100, "s")])
    result = c.concentration(rows)
    assert result["named_share_pct"] == pytest.approx(101)
    assert result["residual_share_pct"] == pytest.approx(1)
    assert result["hhi_upper"] == pytest.approx(70**2 + 31**2 + 1)
