"""Chapter "Sector impact on India": its figures follow the data, the what-if follows its parameters
(analysis/chapters/sector_impact.py, computed without a kernel; one kernel run checks the notebook)."""

import pytest

from analysis import whatif
from chapters import DATA, check_parameter, compute, copy_data, read_rows, run_chapter, write_rows
from pipeline.errors import ParameterError


@pytest.fixture(scope="module")
def default():
    return compute("sector_impact")


def segment_sales(counter="JMK Research"):
    rows = [r for r in read_rows(DATA / "india_ev_sales.csv") if r["counter"] == counter]
    latest = max(r["period"] for r in rows)
    return [float(r["sales"]) for r in rows if r["period"] == latest and r["segment"] != "total"]


def test_default_figures_match_the_data(default):
    evidence = {r["evidence_id"]: r for r in read_rows(DATA / "india_sector_evidence.csv")}
    july = evidence["ev-bajaj-chetak-2025-07"]
    assert default["chetak_jul_output"] == float(july["value"])
    assert default["chetak_cut_yoy_pct"] == pytest.approx(100 * (1 - float(july["value"]) / float(july["baseline"])))
    assert default["imports_ratio"] == pytest.approx(default["imports_all_fy_t"] / default["imports_re_fy_t"])
    assert default["ecar_demand_low_t"] < default["ecar_demand_high_t"]


def test_default_whatif_is_the_documented_formula(default):
    months = max(0.0, 3.0 - 3.0 / whatif.WEEKS_PER_MONTH)
    expected = sum(segment_sales()) / 12 * 0.5 * months
    assert default["whatif_total_at_risk"] == pytest.approx(expected)
    assert default["whatif_uncovered_months"] == pytest.approx(months)
    assert default["whatif_outcome"] == "at_risk"
    assert f"{expected:,.0f} vehicles in all" in default["whatif_result"]


def test_parameters_change_the_whatif_and_its_wording(default):
    longer = compute("sector_impact", supply_cut_share=1.0, disruption_months=6.0)
    assert longer["whatif_total_at_risk"] > default["whatif_total_at_risk"]
    assert (longer["whatif_cut_pct"], longer["whatif_months"]) == (100, 6)
    assert longer["whatif_result"] != default["whatif_result"]
    assert longer["chetak_jul_output"] == default["chetak_jul_output"]  # data-only figures do not move
    none = compute("sector_impact", disruption_months=0.0)
    assert none["whatif_total_at_risk"] == 0
    assert none["whatif_result"] == "No EV output is at risk: the stocks outlast the disruption."
    one = compute("sector_impact", disruption_months=1.0, inventory_weeks=1.0)
    assert (one["whatif_months_unit"], one["whatif_weeks_unit"]) == ("month", "week")


def test_another_counter_changes_the_sales_basis(default):
    fada = compute("sector_impact", sales_counter="FADA")
    assert "FADA" in fada["whatif_sales_basis"] and "calendar year" in fada["whatif_sales_basis"]
    assert fada["whatif_total_at_risk"] != default["whatif_total_at_risk"]


def test_editing_the_data_changes_the_figures(default, tmp_path):
    data = copy_data(tmp_path)
    evidence = read_rows(data / "india_sector_evidence.csv")
    for r in evidence:
        if r["evidence_id"] == "ev-bajaj-chetak-2025-07":
            r["value"] = "5000"
    write_rows(data / "india_sector_evidence.csv", evidence)
    imports = read_rows(data / "india_magnet_imports.csv")
    for r in imports:
        if r["series"] == "rare_earth_magnets" and r["measure"] == "quantity":
            r["value"] = str(2 * float(r["value"]))
    write_rows(data / "india_magnet_imports.csv", imports)
    edited = compute("sector_impact", data)
    assert edited["chetak_jul_output"] == 5000
    assert edited["imports_re_fy_t"] == 2 * default["imports_re_fy_t"]
    assert edited["imports_ratio"] == pytest.approx(default["imports_ratio"] / 2)


def test_the_weak_source_wording_follows_the_grades(default, tmp_path):
    assert default["intensity_weak"] in ("all", "some", "none")
    data = copy_data(tmp_path)
    sources = read_rows(data / "sources.csv")
    for r in sources:
        if r["quality"] == "W":
            r["quality"] = "S"
    write_rows(data / "sources.csv", sources)
    edited = compute("sector_impact", data)
    assert edited["intensity_weak"] == "none"
    assert edited["intensity_quality"] == "The sources for these magnet masses are secondary or better."


def test_out_of_range_parameters_fail():
    with pytest.raises(ValueError, match="supply_cut_share"):
        compute("sector_impact", supply_cut_share=1.5)


@pytest.mark.parametrize("name,text", [("supply_cut_share", "1.5"), ("supply_cut_share", "-0.1"),
                                       ("disruption_months", "13"), ("disruption_months", "-1"),
                                       ("inventory_weeks", "60"), ("sales_counter", "Nobody")])
def test_front_matter_limits_reject_before_running(name, text):
    with pytest.raises(ParameterError):
        check_parameter("sector_impact", name, text)
    assert check_parameter("sector_impact", "supply_cut_share", "0.5") == 0.5


def test_the_notebook_glues_what_the_module_computes(tmp_path, default):
    """The one kernel run: the chapter notebook executes and glues the module's values and its wordings."""
    glued = run_chapter("sector_impact", tmp_path)
    assert {k: glued[k] for k in default} == default
