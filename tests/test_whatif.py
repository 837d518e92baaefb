import math

import pandas as pd
import pytest

from analysis import whatif

SALES = pd.DataFrame({"segment": ["e2w", "e_car"], "sales": [1_200_000, 120_000]})


def run(cut=0.5, months=3, weeks=3, sales=SALES):
    return whatif.output_at_risk(sales, supply_cut_share=cut, disruption_months=months, inventory_weeks=weeks)


def test_formula_by_hand():
    out = run(cut=0.5, months=3, weeks=3)
    gap = 3 - 3 / (365 / 7 / 12)
    assert out["uncovered_months"].iloc[0] == pytest.approx(gap)
    assert out.set_index("segment")["output_at_risk"]["e2w"] == pytest.approx(100_000 * 0.5 * gap)
    assert out.set_index("segment")["output_at_risk"]["e_car"] == pytest.approx(10_000 * 0.5 * gap)
    assert out["share_of_year_pct"].iloc[0] == pytest.approx(100 * 0.5 * gap / 12)


def test_full_cut_for_a_full_year_without_stock_loses_the_year():
    out = run(cut=1, months=12, weeks=0)
    assert out["output_at_risk"].tolist() == pytest.approx([1_200_000, 120_000])
    assert out["share_of_year_pct"].tolist() == pytest.approx([100, 100])


@pytest.mark.parametrize("cut,months,weeks", [(0, 6, 3), (1, 0, 3), (0.5, 0, 0), (1, 0.5, 3)])
def test_nothing_at_risk_when_no_cut_no_months_or_stocks_outlast(cut, months, weeks):
    out = run(cut=cut, months=months, weeks=weeks)
    assert (out["output_at_risk"] == 0).all()


def test_more_months_or_bigger_cut_means_more_at_risk():
    base = run(0.5, 3, 3)["output_at_risk"].sum()
    assert run(0.5, 6, 3)["output_at_risk"].sum() > base
    assert run(1.0, 3, 3)["output_at_risk"].sum() > base
    assert run(0.5, 3, 6)["output_at_risk"].sum() < base


def test_uncovered_months_edges():
    assert whatif.uncovered_months(0, 0) == 0
    assert whatif.uncovered_months(12, 0) == 12
    assert whatif.uncovered_months(1, 52) == 0
    assert whatif.uncovered_months(2, 365 / 7 / 12) == pytest.approx(1)


@pytest.mark.parametrize(
    "cut,months,weeks,word",
    [(-0.1, 3, 3, "supply_cut_share"), (1.01, 3, 3, "supply_cut_share"), (0.5, -1, 3, "disruption_months"),
     (0.5, 13, 3, "disruption_months"), (0.5, 3, -1, "inventory_weeks"), (0.5, 3, 53, "inventory_weeks"),
     (math.nan, 3, 3, "supply_cut_share"), (0.5, "x", 3, "disruption_months")],
)
def test_out_of_range_parameters_raise(cut, months, weeks, word):
    with pytest.raises(ValueError, match=word):
        run(cut, months, weeks)


def test_bad_sales_tables_raise():
    with pytest.raises(ValueError, match="repeated"):
        run(sales=pd.DataFrame({"segment": ["e2w", "e2w"], "sales": [1, 2]}))
    with pytest.raises(ValueError, match="non-negative"):
        run(sales=pd.DataFrame({"segment": ["e2w"], "sales": [-5]}))
    with pytest.raises(ValueError, match="'sales'"):
        run(sales=pd.DataFrame({"segment": ["e2w"], "units": [5]}))


def test_zero_sales_segment_has_zero_share_not_nan():
    out = run(sales=pd.DataFrame({"segment": ["e_cv"], "sales": [0]}))
    assert out["share_of_year_pct"].iloc[0] == 0


def test_assumptions_table_columns():
    table = whatif.assumptions_table([whatif.Assumption("Cut", "50%", "parameter")])
    assert list(table.columns) == ["Assumption", "Value used", "Basis / source"]


@pytest.mark.parametrize("cut", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("months", [0.0, 1.0, 3.0, 12.0])
@pytest.mark.parametrize("weeks", [0.0, 3.0, 20.0])
def test_cases_are_ordered_whatever_the_central_case(cut, months, weeks):
    sales = pd.DataFrame({"segment": ["e2w", "e_car"], "sales": [1_200_000, 110_000]})
    cases = whatif.cases(supply_cut_share=cut, disruption_months=months, inventory_weeks=weeks)
    assert cases["central"] == dict(supply_cut_share=cut, disruption_months=months, inventory_weeks=weeks)
    low, central, high = (whatif.output_at_risk(sales, **cases[c])["output_at_risk"].sum() for c in ("low", "central", "high"))
    assert low <= central <= high


def test_round_sig_quotes_two_significant_figures():
    assert whatif.round_sig(184_816) == 180_000
    assert whatif.round_sig(9.62) == 9.6
    assert whatif.round_sig(1_049_000) == 1_000_000
