"""Chapter "Which Indian industries are exposed" (book/sector_impact.md): its figures follow the
data, the what-if follows its parameters (analysis/chapters/sector_impact.py, computed without a
kernel; one kernel run checks the notebook)."""

import re

import pytest

from analysis import whatif
from analysis.chapters import sector_impact
from chapters import DATA, check_parameter, compute, copy_data, read_rows, run_chapter, wordings_of, write_rows
from pipeline.errors import ParameterError


@pytest.fixture(scope="module")
def default():
    return compute("sector_impact")


def segment_sales(counter="FADA"):
    rows = [r for r in read_rows(DATA / "india_ev_sales.csv") if r["counter"] == counter]
    latest = max(r["period"] for r in rows)
    return [float(r["sales"]) for r in rows if r["period"] == latest and r["segment"] != "total"]


def two_significant_figures(x):
    digits = re.sub(r"\D", "", f"{x:.0f}").strip("0")
    return len(digits) <= 2


def test_default_figures_match_the_data(default):
    evidence = {r["evidence_id"]: r for r in read_rows(DATA / "india_sector_evidence.csv")}
    july = evidence["ev-bajaj-chetak-2025-07"]
    assert default["chetak_jul_output"] == float(july["value"])
    assert default["chetak_cut_yoy_pct"] == pytest.approx(100 * (1 - float(july["value"]) / float(july["baseline"])))
    assert default["imports_ratio"] == pytest.approx(default["imports_all_fy_t"] / default["imports_re_fy_t"])
    assert default["ecar_demand_low_t"] < default["ecar_demand_high_t"]


def test_imports_carry_both_china_shares_and_unit_values(default):
    rows = read_rows(DATA / "india_magnet_imports.csv")

    def v(series, measure):
        return next(float(r["value"]) for r in rows if r["series"] == series and r["measure"] == measure
                    and r["fiscal_year"] == default["imports_fy"])

    assert default["imports_china_share_pct"] == v("all_permanent_magnets", "china_share")
    assert default["imports_china_share_metal_quantity_pct"] == v("pm_metal_hs850511", "china_share_quantity")
    assert default["imports_china_share_other_value_pct"] == v("pm_other_hs850519", "china_share_value")
    per_kg_re = v("rare_earth_magnets", "value") * 1e7 / (v("rare_earth_magnets", "quantity") * 1e3)
    assert default["imports_re_inr_per_kg"] == pytest.approx(per_kg_re, rel=0.05)
    assert two_significant_figures(default["imports_re_inr_per_kg"])
    assert default["imports_re_inr_per_kg"] > default["imports_all_inr_per_kg"]


def test_sales_use_the_newest_counts(default):
    rows = read_rows(DATA / "india_ev_sales.csv")
    fada = {(r["period"], r["segment"]): float(r["sales"]) for r in rows if r["counter"] == "FADA"}
    newest = max(p for p, _ in fada)
    assert default["ev_total_fada_period"] == newest == default["check_year"]
    assert default["ecar_sales"] == fada[(newest, "e_car")]
    previous = default["check_prev_year"]
    assert default["check_ev_growth_pct"] == pytest.approx(100 * (fada[(newest, "total")] / fada[(previous, "total")] - 1))


def test_default_whatif_is_the_documented_formula_rounded(default):
    months = max(0.0, 3.0 - 3.0 / whatif.WEEKS_PER_MONTH)
    expected = sum(segment_sales()) / 12 * 0.5 * months
    assert default["whatif_total_at_risk"] == pytest.approx(expected, rel=0.05)
    assert default["whatif_total_at_risk"] == whatif.round_sig(expected)
    assert two_significant_figures(default["whatif_total_at_risk"])
    assert default["whatif_uncovered_months"] == pytest.approx(months)
    assert default["whatif_outcome"] == "at_risk"
    assert default["whatif_range_low"] <= default["whatif_total_at_risk"] <= default["whatif_range_high"]
    for key in ("whatif_range_low", "whatif_range_high", "whatif_low_at_risk", "whatif_high_at_risk",
                "ecar_demand_low_t", "ecar_demand_high_t"):
        assert two_significant_figures(default[key]), key
    # the headline carries its condition and quotes the rounded range
    assert default["whatif_result"].startswith("If supply of rare-earth magnets were cut by 50 per cent for 3 months")
    assert f"{default['whatif_range_low']:,.0f}–{default['whatif_range_high']:,.0f} EVs" in default["whatif_result"]
    assert not re.search(r"\d,\d\d[1-9]", default["whatif_by_segment"])  # no unit-level counts


def test_round_sig():
    assert whatif.round_sig(115479) == 120000
    assert whatif.round_sig(0.01234) == 0.012
    assert whatif.round_sig(0) == 0
    assert whatif.round_sig(2270107, 3) == 2270000


def cases_of(**params):
    table = sector_impact.compute(DATA, **params).tables["cases"]
    return [float(v.replace(",", "")) for v in table["EVs at risk"]]


def test_cases_are_ordered_low_central_high():
    low, central, high = cases_of()
    assert low <= central <= high
    assert central == compute("sector_impact")["whatif_total_at_risk"]
    for params in (dict(supply_cut_share=1.0, disruption_months=12.0, inventory_weeks=0.0),
                   dict(supply_cut_share=0.1, disruption_months=0.5, inventory_weeks=10.0),
                   dict(supply_cut_share=0.0)):
        low, central, high = cases_of(**params)
        assert low <= central <= high, params


def test_a_changed_input_moves_the_cases(tmp_path):
    base = cases_of()
    assert cases_of(supply_cut_share=0.8)[1] > base[1]
    data = copy_data(tmp_path)
    sales = read_rows(data / "india_ev_sales.csv")
    for r in sales:
        if r["counter"] == "FADA" and r["segment"] != "total":
            r["sales"] = str(2 * float(r["sales"]))
    write_rows(data / "india_ev_sales.csv", sales)
    doubled = [float(v.replace(",", "")) for v in sector_impact.compute(data).tables["cases"]["EVs at risk"]]
    for before, after in zip(base, doubled):
        assert after == pytest.approx(2 * before, rel=0.1)


def test_every_segment_gets_the_same_share(default):
    assert default["whatif_same_share_every_segment"] is True


def test_parameters_change_the_whatif_and_its_wording(default):
    longer = compute("sector_impact", supply_cut_share=1.0, disruption_months=6.0)
    assert longer["whatif_total_at_risk"] > default["whatif_total_at_risk"]
    assert (longer["whatif_cut_pct"], longer["whatif_months"]) == (100, 6)
    assert longer["whatif_result"] != default["whatif_result"]
    assert longer["chetak_jul_output"] == default["chetak_jul_output"]  # data-only figures do not move
    none = compute("sector_impact", disruption_months=0.0)
    assert none["whatif_total_at_risk"] == 0
    assert none["whatif_result"].endswith("no EV output would be at risk: the stocks would outlast the cut.")
    one = compute("sector_impact", disruption_months=1.0, inventory_weeks=1.0)
    assert (one["whatif_months_unit"], one["whatif_weeks_unit"]) == ("month", "week")


def test_another_counter_changes_the_sales_basis(default):
    jmk = compute("sector_impact", sales_counter="JMK Research")
    assert "JMK Research" in jmk["whatif_sales_basis"] and "fiscal year" in jmk["whatif_sales_basis"]
    assert jmk["whatif_total_at_risk"] != default["whatif_total_at_risk"]
    vahan = compute("sector_impact", sales_counter="Vahan (IESA)")
    assert "IESA" not in vahan["whatif_sales_basis"]


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
    assert edited["imports_re_inr_per_kg"] == pytest.approx(default["imports_re_inr_per_kg"] / 2, rel=0.05)


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
    computed = {k: v for k, v in default.items() if k not in wordings_of("sector_impact")}  # the page, not the kernel, words those
    assert {k: glued[k] for k in computed} == computed
