"""Chapter "India's strategy roadmap": capacity against demand follows its parameters, figures follow
the data (analysis/chapters/strategy_roadmap.py, without a kernel; one kernel run checks the notebook)."""

import pytest

from analysis import capacity
from chapters import DATA, check_parameter, compute, copy_data, read_rows, run_chapter, write_rows
from pipeline.errors import ParameterError


@pytest.fixture(scope="module")
def default():
    return compute("strategy_roadmap")


def test_default_figures_match_the_data(default):
    inst = {r["instrument_id"]: r for r in read_rows(DATA / "policy_instruments.csv")}
    assert default["repm_capacity_t"] == float(inst["repm-scheme"]["capacity"])
    assert default["ncmm_total_cr"] == float(inst["ncmm-government"]["outlay"]) + float(inst["ncmm-psu-investment"]["outlay"])
    repm = inst["repm-scheme"]
    assert default["repm_start_year"] == (int(repm["start_year"]) if repm.get("start_year") else
                                          int(repm["date"][:4]) + 1 + default["repm_gestation_years"])
    years = default["end_year"] - (int(default["demand_base_fy"][2:6]) + 1)
    assert default["demand_end_t"] == pytest.approx(default["demand_base_t"] * 1.15 ** years)
    assert default["reserves_years"] == pytest.approx(1e6 * default["reserves_mt"] / default["mine_output_t"])
    assert default["doubling_rate_pct"] == pytest.approx(100 * (2 ** (1 / years) - 1))


def test_the_met_clause_agrees_with_the_capacity_path(default):
    met = default["capacity_end_t"] >= default["demand_end_t"]
    assert default["capacity_met_clause"].startswith("domestic supply meets demand in" if met else
                                                     "domestic supply does not meet demand by")
    assert default["capacity_timing"] == "on time"


def test_parameters_change_the_year_and_wording(default):
    late = compute("strategy_roadmap", capacity_delay_years=3)
    assert late["capacity_timing"] == "3 years late"
    assert compute("strategy_roadmap", capacity_delay_years=1)["capacity_timing"] == "1 year late"
    assert late["capacity_end_t"] <= default["capacity_end_t"]
    small = compute("strategy_roadmap", capacity_realisation=0.2, demand_growth=0.0)
    assert small["capacity_end_t"] == pytest.approx(0.2 * default["capacity_end_t"])
    assert small["demand_end_t"] == pytest.approx(small["demand_base_t"])
    none = compute("strategy_roadmap", capacity_realisation=0.0)
    assert none["capacity_met_phrase"] == f"not by {none['end_year']}"
    assert none["gap_end_t"] == pytest.approx(none["demand_end_t"])


def test_editing_the_data_changes_the_figures(default, tmp_path):
    data = copy_data(tmp_path)
    inst = read_rows(data / "policy_instruments.csv")
    for r in inst:
        if r["instrument_id"] == "repm-scheme":
            r["capacity"] = "600"
            r["description"] = r["description"].replace(f"{default['repm_gestation_years']}-year gestation", "4-year gestation")
    write_rows(data / "policy_instruments.csv", inst)
    res = read_rows(data / "india_rare_earth_resources.csv")
    for r in res:
        if r["item"] == "usgs_reserves":
            r["value"] = str(float(r["value"]) / 2)
    write_rows(data / "india_rare_earth_resources.csv", res)
    edited = compute("strategy_roadmap", data)
    assert edited["repm_capacity_t"] == 600
    assert edited["repm_gestation_years"] == 4
    if not next(r for r in inst if r["instrument_id"] == "repm-scheme").get("start_year"):  # counted from the gestation
        assert edited["repm_start_year"] == default["repm_start_year"] + 4 - default["repm_gestation_years"]
    assert edited["reserves_years"] == pytest.approx(default["reserves_years"] / 2)


def test_the_irel_target_wording_follows_the_sources(default):
    disagree = default["irel_nd_fy26_low_t"] != default["irel_nd_fy26_high_t"]
    assert default["irel_nd_fy26_disagree"] is disagree
    assert default["irel_fy26_target"].endswith("the sources disagree" if disagree else "tonnes")


def test_out_of_range_parameters_fail():
    with pytest.raises(ValueError, match="capacity_realisation"):
        compute("strategy_roadmap", capacity_realisation=1.2)


@pytest.mark.parametrize("name,text", [("demand_growth", "1.5"), ("demand_growth", "-0.6"),
                                       ("capacity_realisation", "-0.1"), ("capacity_realisation", "1.01"),
                                       ("capacity_delay_years", "-1"), ("capacity_delay_years", "21"),
                                       ("capacity_delay_years", "1.5")])
def test_front_matter_limits_reject_before_running(name, text):
    with pytest.raises(ParameterError):
        check_parameter("strategy_roadmap", name, text)
    assert check_parameter("strategy_roadmap", "capacity_delay_years", "2") == 2


def test_the_notebook_glues_what_the_module_computes(tmp_path, default):
    """The one kernel run: the chapter notebook executes and glues the module's values and its wordings."""
    glued = run_chapter("strategy_roadmap", tmp_path)
    assert {k: glued[k] for k in default} == default
    assert capacity.met_clause  # the module's phrase helpers stay importable
