"""Chapter tests for book/leverage.md: the glued figures follow the data and the parameters."""

import csv

import pytest

from chapters import copy_data, run_chapter

REQUIRED = [
    "mine_year", "china_mine_share_pct", "china_separation_share_pct", "china_magnet_share_pct",
    "exports_trough_t", "exports_trough_month", "exports_pre_control_t", "exports_pre_control_month",
    "mine_hhi", "mine_hhi_reading", "hhi_threshold",
]


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return run_chapter("leverage", tmp_path_factory.mktemp("leverage"))


def rewrite(path, match, column, value):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, f"expected one row matching {match}"
    hits[0][column] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_required_keys_are_glued(default):
    missing = [k for k in REQUIRED if k not in default]
    assert not missing
    assert isinstance(default["mine_year"], int) and default["mine_year"] == 2024
    assert default["exports_trough_month"] == "May 2025"
    assert default["exports_pre_control_month"].endswith("2025")
    assert default["mine_hhi_reading"] == ("highly concentrated" if default["mine_hhi"] > 1800 else "not highly concentrated")
    assert default["hhi_threshold"] == 1800


def test_shares_are_computed_from_the_data(default):
    assert default["china_mine_share_pct"] == pytest.approx(100 * default["china_mine_t"] / default["world_mine_t"])
    assert 0 < default["china_mine_share_pct"] < default["china_separation_share_pct"] <= 100


def test_editing_china_production_changes_the_glued_share(tmp_path, default):
    data = copy_data(tmp_path)
    rewrite(data / "mine_production_by_country.csv", {"country": "China", "year": "2024", "source_id": "usgs-mcs-2026"}, "production", "250000")
    edited = run_chapter("leverage", tmp_path, data_dir=data)
    assert edited["china_mine_share_pct"] == pytest.approx(100 * 250000 / default["world_mine_t"])
    assert edited["china_mine_share_pct"] != pytest.approx(default["china_mine_share_pct"])
    assert edited["mine_hhi"] < default["mine_hhi"]


def test_editing_the_trough_month_changes_the_glued_trough(tmp_path, default):
    data = copy_data(tmp_path)
    rewrite(data / "china_magnet_exports_monthly.csv", {"month": "2025-05", "destination": "World"}, "exports", "1100")
    edited = run_chapter("leverage", tmp_path, data_dir=data)
    assert edited["exports_trough_t"] == 1100
    assert edited["exports_trough_t"] != default["exports_trough_t"]


def test_year_parameter_changes_the_results(tmp_path, default):
    other = run_chapter("leverage", tmp_path, year=2023)
    assert other["mine_year"] == 2023
    assert other["china_mine_share_pct"] != pytest.approx(default["china_mine_share_pct"])


def test_focus_country_parameter_changes_the_sentence(tmp_path, default):
    other = run_chapter("leverage", tmp_path, focus_country="Australia")
    assert other["focus_sentence"].startswith("Australia ")
    assert default["focus_sentence"].startswith("India ")


def test_the_seed_claims_reading_follows_the_data(tmp_path, default):
    """Which share the seed article's "~70%" matches is computed, so the key points and the
    summary say "magnet making, not mining" when the claimed value sits nearer magnet making."""
    assert (default["lree_claim_match"], default["lree_claim_other"]) == ("mining", "magnet making")
    data = copy_data(tmp_path)
    rewrite(data / "seed_claims.csv", {"claim_id": "snap-lree-magnets-china-share"}, "seed_value", "~92%")
    edited = run_chapter("leverage", tmp_path, data_dir=data)
    assert edited["lree_claim_value"] == pytest.approx(92)
    assert (edited["lree_claim_match"], edited["lree_claim_other"]) == ("magnet making", "mining")
