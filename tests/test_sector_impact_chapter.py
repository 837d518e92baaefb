"""The sector-impact chapter: glued numbers follow the data and the what-if follows its parameters."""

import pytest

from chapters import check_parameter, read_rows as rows, write_rows as write, REPO, copy_data, run_chapter
from pipeline.errors import ChapterError, ParameterError

WEEKS_PER_MONTH = 365 / 7 / 12


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return run_chapter("sector_impact", tmp_path_factory.mktemp("default"))


def test_default_glue_matches_the_data(default):
    evidence = {r["evidence_id"]: r for r in rows(REPO / "data" / "india_sector_evidence.csv")}
    july = evidence["ev-bajaj-chetak-2025-07"]
    assert default["chetak_jul_output"] == float(july["value"])
    assert default["chetak_cut_yoy_pct"] == pytest.approx(100 * (1 - float(july["value"]) / float(july["baseline"])))
    assert default["imports_ratio"] == pytest.approx(default["imports_all_fy_t"] / default["imports_re_fy_t"])
    assert default["ecar_demand_low_t"] < default["ecar_demand_high_t"]
    for name in ("chetak_sentence", "whatif_sentence", "no_evidence_sentence", "seed_table_sentence"):
        assert isinstance(default[name], str) and default[name]


def test_default_whatif_is_the_documented_formula(default):
    sales = [r for r in rows(REPO / "data" / "india_ev_sales.csv")
             if r["counter"] == "JMK Research" and r["period"] == "FY2024-25" and r["segment"] != "total"]
    months = max(0.0, 3.0 - 3.0 / WEEKS_PER_MONTH)
    expected = sum(float(r["sales"]) for r in sales) / 12 * 0.5 * months
    assert default["whatif_total_at_risk"] == pytest.approx(expected)
    assert default["whatif_uncovered_months"] == pytest.approx(months)
    assert "50% cut" in default["whatif_sentence"] and "3 months" in default["whatif_sentence"]


def test_parameters_change_the_whatif_and_its_sentence(default, tmp_path):
    longer = run_chapter("sector_impact", tmp_path / "a", supply_cut_share=1.0, disruption_months=6.0)
    assert longer["whatif_total_at_risk"] > default["whatif_total_at_risk"]
    assert longer["whatif_sentence"] != default["whatif_sentence"]
    assert "100% cut" in longer["whatif_sentence"] and "6 months" in longer["whatif_sentence"]
    assert longer["chetak_jul_output"] == default["chetak_jul_output"]  # data-only figures do not move
    none = run_chapter("sector_impact", tmp_path / "b", disruption_months=0.0)
    assert none["whatif_total_at_risk"] == 0
    assert "no EV output is at risk" in none["whatif_sentence"]


def test_another_counter_changes_the_sales_basis(default, tmp_path):
    fada = run_chapter("sector_impact", tmp_path, sales_counter="FADA")
    assert "FADA" in fada["whatif_sales_basis"] and "calendar year" in fada["whatif_sales_basis"]
    assert fada["whatif_total_at_risk"] != default["whatif_total_at_risk"]


def test_editing_the_data_changes_the_glued_numbers(default, tmp_path):
    data = copy_data(tmp_path)
    evidence = rows(data / "india_sector_evidence.csv")
    for r in evidence:
        if r["evidence_id"] == "ev-bajaj-chetak-2025-07":
            r["value"] = "5000"
    write(data / "india_sector_evidence.csv", evidence)
    imports = rows(data / "india_magnet_imports.csv")
    for r in imports:
        if r["series"] == "rare_earth_magnets" and r["measure"] == "quantity":
            r["value"] = "1740"
    write(data / "india_magnet_imports.csv", imports)
    edited = run_chapter("sector_impact", tmp_path / "run", data_dir=data)
    assert edited["chetak_jul_output"] == 5000
    assert "5,000 Chetak" in edited["chetak_sentence"]
    assert edited["imports_re_fy_t"] == 1740
    assert edited["imports_ratio"] == pytest.approx(default["imports_ratio"] / 2, rel=1e-3)


def test_out_of_range_parameters_fail(tmp_path):
    with pytest.raises(ChapterError, match="supply_cut_share"):
        run_chapter("sector_impact", tmp_path, supply_cut_share=1.5)


@pytest.mark.parametrize("name,text", [("supply_cut_share", "1.5"), ("supply_cut_share", "-0.1"),
                                       ("disruption_months", "13"), ("disruption_months", "-1"),
                                       ("inventory_weeks", "60"), ("sales_counter", "Nobody")])
def test_front_matter_limits_reject_before_running(name, text):
    with pytest.raises(ParameterError):
        check_parameter("sector_impact", name, text)
    assert check_parameter("sector_impact", "supply_cut_share", "0.5") == 0.5
