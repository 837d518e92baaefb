"""The strategy-roadmap chapter: capacity vs demand follows its parameters, glued numbers follow the data."""

import pytest

from chapters import check_parameter, read_rows as rows, write_rows as write, REPO, copy_data, run_chapter
from pipeline.errors import ChapterError, ParameterError


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return run_chapter("strategy_roadmap", tmp_path_factory.mktemp("default"))


def test_default_glue_matches_the_data(default):
    inst = {r["instrument_id"]: r for r in rows(REPO / "data" / "policy_instruments.csv")}
    assert default["repm_capacity_t"] == float(inst["repm-scheme"]["capacity"])
    assert default["ncmm_total_cr"] == float(inst["ncmm-government"]["outlay"]) + float(inst["ncmm-psu-investment"]["outlay"])
    assert default["repm_start_year"] == int(inst["repm-scheme"]["start_year"]) == 2029  # gestation runs from the award; none by 1 Dec 2026
    assert default["demand_base_t"] == 870
    assert default["demand_end_t"] == pytest.approx(870 * 1.15 ** 5)
    assert default["reserves_years"] == pytest.approx(6.9e6 / 2900)
    assert default["doubling_rate_pct"] == pytest.approx(100 * (2 ** (1 / 5) - 1))


def test_default_meets_demand_when_the_scheme_starts(default):
    assert default["capacity_met_phrase"] == "in 2029"
    assert "meets demand in 2029" in default["capacity_sentence"]


def test_parameters_change_the_year_and_sentence(default, tmp_path):
    late = run_chapter("strategy_roadmap", tmp_path / "late", capacity_delay_years=3)
    assert late["capacity_met_phrase"] == "not by 2030"
    assert "3 years late" in late["capacity_sentence"]
    assert "does not meet demand by 2030" in late["capacity_sentence"] and late["capacity_met_clause"].endswith("by 2030")
    small = run_chapter("strategy_roadmap", tmp_path / "small", capacity_realisation=0.2, demand_growth=0.0)
    assert small["capacity_end_t"] == pytest.approx(0.2 * 6000 + 0.2 * 3)
    assert small["capacity_met_phrase"] == "in 2029"  # 1,200 t against a flat 870 t
    none = run_chapter("strategy_roadmap", tmp_path / "none", capacity_realisation=0.0)
    assert none["capacity_met_phrase"] == "not by 2030" and none["gap_end_t"] == pytest.approx(none["demand_end_t"])


def test_editing_the_data_changes_the_glued_numbers(default, tmp_path):
    data = copy_data(tmp_path)
    inst = rows(data / "policy_instruments.csv")
    for r in inst:
        if r["instrument_id"] == "repm-scheme":
            r["capacity"] = "600"
            r["description"] = r["description"].replace("2-year gestation", "4-year gestation")
            r["start_year"] = ""  # without a recorded start the gestation counts from approval (26 Nov 2025)
    write(data / "policy_instruments.csv", inst)
    res = rows(data / "india_rare_earth_resources.csv")
    for r in res:
        if r["item"] == "usgs_reserves":
            r["value"] = "3.45"
    write(data / "india_rare_earth_resources.csv", res)
    edited = run_chapter("strategy_roadmap", tmp_path / "run", data_dir=data)
    assert edited["repm_capacity_t"] == 600
    assert edited["repm_gestation_years"] == 4 and edited["repm_start_year"] == 2030
    assert edited["capacity_met_phrase"] == "not by 2030"  # 600 t from 2030 < 870 × 1.15⁵
    assert edited["reserves_years"] == pytest.approx(default["reserves_years"] / 2)


def test_out_of_range_parameters_fail(tmp_path):
    with pytest.raises(ChapterError, match="capacity_realisation"):
        run_chapter("strategy_roadmap", tmp_path, capacity_realisation=1.2)


@pytest.mark.parametrize("name,text", [("demand_growth", "1.5"), ("demand_growth", "-0.6"),
                                       ("capacity_realisation", "-0.1"), ("capacity_realisation", "1.01"),
                                       ("capacity_delay_years", "-1"), ("capacity_delay_years", "21"),
                                       ("capacity_delay_years", "1.5")])
def test_front_matter_limits_reject_before_running(name, text):
    with pytest.raises(ParameterError):
        check_parameter("strategy_roadmap", name, text)
    assert check_parameter("strategy_roadmap", "capacity_delay_years", "2") == 2
