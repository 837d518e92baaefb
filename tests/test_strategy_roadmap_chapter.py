"""Chapter "India's strategy roadmap": capacity against demand follows its parameters, figures follow
the data (analysis/chapters/strategy_roadmap.py, without a kernel; one kernel run checks the notebook)."""

import pytest

from analysis import capacity
from chapters import DATA, check_parameter, compute, copy_data, read_rows, run_chapter, wordings_of, write_rows
from pipeline.errors import ParameterError


@pytest.fixture(scope="module")
def default():
    return compute("strategy_roadmap")


def test_default_figures_match_the_data(default):
    inst = {r["instrument_id"]: r for r in read_rows(DATA / "policy_instruments.csv")}
    assert default["repm_capacity_t"] == float(inst["repm-scheme"]["capacity"])
    assert default["ncmm_total_cr"] == float(inst["ncmm-government"]["outlay"]) + float(inst["ncmm-psu-investment"]["outlay"])
    recorded = inst["repm-scheme"]["start_year"]
    expected = int(recorded) if recorded else capacity.start_year_after(inst["repm-scheme"]["date"], default["repm_gestation_years"])
    assert default["repm_start_year"] == expected  # gestation runs from the award; the data record when that is
    years = default["end_year"] - (int(default["demand_base_fy"][2:6]) + 1)
    assert default["demand_end_t"] == pytest.approx(default["demand_base_t"] * 1.15 ** years)
    assert default["reserves_years"] == capacity.two_significant(1e6 * default["reserves_mt"] / default["mine_output_t"])
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
            r["start_year"] = ""  # without a recorded start the gestation counts from approval
    write_rows(data / "policy_instruments.csv", inst)
    res = read_rows(data / "india_rare_earth_resources.csv")
    for r in res:
        if r["item"] == "usgs_reserves":
            r["value"] = str(float(r["value"]) / 2)
    write_rows(data / "india_rare_earth_resources.csv", res)
    edited = compute("strategy_roadmap", data)
    assert edited["repm_capacity_t"] == 600
    approved = next(r for r in inst if r["instrument_id"] == "repm-scheme")["date"]
    assert edited["repm_gestation_years"] == 4 and edited["repm_start_year"] == capacity.start_year_after(approved, 4)
    assert edited["reserves_years"] == pytest.approx(default["reserves_years"] / 2, rel=0.05)  # two significant figures


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
    computed = {k: v for k, v in default.items() if k not in wordings_of("strategy_roadmap")}  # the page, not the kernel, words those
    assert {k: glued[k] for k in computed} == computed
    assert capacity.met_phrase  # the module's phrase helpers stay importable


CASES = ("low", "central", "high")


def test_the_cases_are_ordered_and_start_after_award_plus_gestation(default):
    for name in ("capacity_end_t", "share_broad_pct", "share_loose_pct"):
        low, central, high = (default[f"case_{c}_{name}"] for c in CASES)
        assert low <= central <= high, name
    for c in CASES:
        assert default[f"case_{c}_start_year"] >= default[f"case_{c}_award_year"] + default["repm_gestation_years"]
    # the high case is the data's earliest start: the gestation runs from the award, not the approval
    inst = {r["instrument_id"]: r for r in read_rows(DATA / "policy_instruments.csv")}
    assert default["case_high_start_year"] == default["repm_start_year"] == int(inst["repm-scheme"]["start_year"])
    approved = int(inst["repm-scheme"]["date"][:4])
    assert default["repm_start_year"] > approved + default["repm_gestation_years"]


def test_no_award_in_the_data_means_the_earliest_award_is_not_before_the_as_of_year(default):
    award = [r for r in read_rows(DATA / "policy_milestones.csv") if r["stage"] == "award" and r["instrument_id"] == "repm-scheme"]
    assert award and not any(r["date"] for r in award)
    assert default["repm_awarded"] is False
    assert default["case_high_award_year"] >= int(default["as_of_text"][-4:])


def test_the_baseline_with_assemblies_is_above_the_loose_imports_baseline(default):
    est = {r["period"]: float(r["value"]) for r in read_rows(DATA / "india_rare_earth_resources.csv")
           if r["item"] == "magnet_demand_estimate"}
    assert default["demand_broad_base_t"] == est[min(est)] and default["demand_broad_target_t"] == est[max(est)]
    assert default["demand_broad_base_t"] >= default["demand_base_t"]
    assert default["demand_broad_end_rounded_t"] >= default["demand_end_rounded_t"]
    assert default["case_high_share_broad_pct"] <= default["case_high_share_loose_pct"]


def test_model_outputs_are_rounded_to_two_significant_figures(default):
    for c in CASES:
        for name in ("capacity_end_t", "share_broad_pct"):
            v = default[f"case_{c}_{name}"]
            assert v == capacity.two_significant(v)
    assert capacity.two_significant(2379.3) == 2400 and capacity.two_significant(0.0) == 0.0


def test_ramp_up_halves_the_first_year():
    line = capacity.CapacityLine("x", 1000.0, 2029)
    path = capacity.capacity_path(base_demand_t=100, base_year=2025, lines=[line], demand_growth=0.0,
                                  capacity_realisation=1.0, capacity_delay_years=0, end_year=2031, first_year_share=0.5)
    assert list(path["capacity_t"]) == [0, 0, 0, 0, 500, 1000, 1000]


def test_the_milestones_are_shown_with_their_dates(default):
    from analysis.chapters import strategy_roadmap
    chapter = strategy_roadmap.compute(DATA)
    table = chapter.tables["milestones"]
    rows = [r for r in read_rows(DATA / "policy_milestones.csv") if r["instrument_id"] == "repm-scheme"]
    shown = " ".join(table["Date"]) + " " + " ".join(table["Step"])
    for r in rows:
        if r["date"]:
            assert strategy_roadmap.long_date(r["date"]) in shown
    assert f"none by {default['as_of_text']}" in shown
    assert "Rs " not in shown and " Jun " not in shown  # the report's money and date style


def test_committed_and_expected_money_are_never_added_on_the_page():
    page = (DATA.parent / "book" / "strategy_roadmap.md").read_text()
    assert "ncmm_total_cr" not in page
    total = f"{compute('strategy_roadmap')['ncmm_total_cr']:,.0f}"
    from analysis.chapters import strategy_roadmap
    chapter = strategy_roadmap.compute(DATA)
    for name, table in chapter.tables.items():
        assert total not in table.to_string(), name


def test_the_cases_covering_demand_follow_the_shares(default):
    for which in ("loose", "broad"):
        phrase = default[f"cases_covering_{which}"]
        for c in CASES:
            assert (c in phrase) == (default[f"case_{c}_share_{which}_pct"] >= 100), (which, c, phrase)
