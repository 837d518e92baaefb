"""Chapter "China's strategic leverage": its figures follow the data and the parameters
(analysis/chapters/leverage.py, computed without a kernel; one kernel run checks the notebook)."""

import pytest

from analysis import concentration
from chapters import DATA, compute, copy_data, read_rows, run_chapter, write_rows

REQUIRED = [
    "mine_year", "china_mine_share_pct", "china_separation_share_pct", "china_magnet_share_pct",
    "exports_trough_t", "exports_trough_month", "exports_pre_control_t", "exports_pre_control_month",
    "mine_hhi", "mine_hhi_reading", "hhi_threshold",
]


@pytest.fixture(scope="module")
def default():
    return compute("leverage")


def rewrite(path, match, column, value):
    rows = read_rows(path)
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, f"expected one row matching {match}"
    hits[0][column] = value
    write_rows(path, rows)


def test_required_keys_are_computed(default):
    assert not [k for k in REQUIRED if k not in default]
    assert isinstance(default["mine_year"], int) and default["mine_year"] == 2024
    assert default["exports_pre_control_month"].endswith("2025")
    assert default["hhi_threshold"] == concentration.HHI_HIGHLY_CONCENTRATED


def test_shares_are_computed_from_the_data(default):
    china = [float(r["production"]) for r in read_rows(DATA / "mine_production_by_country.csv")
             if r["country"] == "China" and r["year"] == "2024"]
    assert default["china_mine_t"] in china
    assert default["china_mine_share_pct"] == pytest.approx(100 * default["china_mine_t"] / default["world_mine_t"])
    assert 0 < default["china_mine_share_pct"] < default["china_separation_share_pct"] <= 100


def test_editing_china_production_changes_the_share(tmp_path, default):
    data = copy_data(tmp_path)
    rows = read_rows(data / "mine_production_by_country.csv")
    for row in rows:
        if row["country"] == "China" and row["year"] == "2024":  # every source's figure
            row["production"] = "250000"
    write_rows(data / "mine_production_by_country.csv", rows)
    edited = compute("leverage", data)
    assert edited["china_mine_share_pct"] == pytest.approx(100 * 250000 / default["world_mine_t"])
    assert edited["china_mine_share_pct"] != pytest.approx(default["china_mine_share_pct"])
    assert edited["mine_hhi"] < default["mine_hhi"]


def test_editing_the_trough_month_changes_the_trough(tmp_path, default):
    data = copy_data(tmp_path)
    trough = [r for r in read_rows(data / "china_magnet_exports_monthly.csv")
              if r["destination"] == "World" and "2025-04" <= r["month"] <= "2025-06"]
    lowest = min(trough, key=lambda r: float(r["exports"]))
    new_low = float(lowest["exports"]) - 100
    rewrite(data / "china_magnet_exports_monthly.csv", {"month": lowest["month"], "destination": "World"}, "exports",
            f"{new_low:.0f}")
    edited = compute("leverage", data)
    assert edited["exports_trough_t"] == new_low != default["exports_trough_t"]


def test_year_parameter_changes_the_results(default):
    other = compute("leverage", year=2023)
    assert other["mine_year"] == 2023
    assert other["china_mine_share_pct"] != pytest.approx(default["china_mine_share_pct"])


def test_focus_country_parameter_changes_the_ranks(default):
    other = compute("leverage", focus_country="Australia")
    assert other["focus_country"] == "Australia" and default["focus_country"] == "India"
    assert (other["focus_mine_rank"], other["focus_mine_share_pct"]) != (default["focus_mine_rank"],
                                                                         default["focus_mine_share_pct"])
    assert other["focus_mine"].startswith("ranks ") and "in mine production" in other["focus_mine"]


def test_a_country_without_a_reserves_figure_gets_the_other_wording(tmp_path, default):
    data = copy_data(tmp_path)
    rows = read_rows(data / "reserves_by_country.csv")
    for row in rows:
        if row["country"] == "India":
            row["reserves"] = ""
    write_rows(data / "reserves_by_country.csv", rows)
    edited = compute("leverage", data)
    assert edited["focus_reserves_available"] is False
    assert edited["focus_reserves"] == f"has no reserves figure in USGS {edited['reserves_edition']} (not available)"
    assert edited["focus_but_and"] == "and"
    assert default["focus_reserves"].startswith(f"ranks {default['focus_reserves_rank']} of ")


def test_the_seed_claims_reading_follows_the_data(tmp_path, default):
    """Which share the seed article's "~70%" matches is computed, so the key points and the
    summary say "magnet making, not mining" when the claimed value sits nearer magnet making."""
    nearer_mining = default["lree_claim_gap_mining"] < default["lree_claim_gap_magnets"]
    assert default["lree_claim_match"] == ("mining" if nearer_mining else "magnet making")
    data = copy_data(tmp_path)
    value = default["china_magnet_share_pct"] - 1
    rewrite(data / "seed_claims.csv", {"claim_id": "snap-lree-magnets-china-share"}, "seed_value", f"~{value:.0f}%")
    edited = compute("leverage", data)
    assert edited["lree_claim_value"] == pytest.approx(round(value))
    assert (edited["lree_claim_match"], edited["lree_claim_other"]) == ("magnet making", "mining")


def test_the_notebook_glues_what_the_module_computes(tmp_path, default):
    """The one kernel run: the chapter notebook executes and glues the module's values and its wordings."""
    glued = run_chapter("leverage", tmp_path)
    assert {k: glued[k] for k in default} == default
