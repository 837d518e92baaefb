import math

import pytest

from analysis import capacity as cap

REPM = cap.CapacityLine("REPM", 6000.0, cap.start_year_after("2025-11-26", 2))


def path(growth=0.15, realisation=1.0, delay=0, base=870.0, lines=(REPM,)):
    return cap.capacity_path(base_demand_t=base, base_year=2025, lines=list(lines), demand_growth=growth,
                             capacity_realisation=realisation, capacity_delay_years=delay, end_year=2030)


def test_start_year_rule():
    assert cap.start_year_after("2025-11-26", 2) == 2028
    assert cap.start_year_after("2025-01-01", 2) == 2027
    assert cap.start_year_after("2023-05-11", 0) == 2024
    with pytest.raises(ValueError):
        cap.start_year_after("2025-01-01", -1)


def test_doubling_rate():
    assert cap.doubling_rate(5) == pytest.approx(0.148698, rel=1e-5)
    assert (1 + cap.doubling_rate(5)) ** 5 == pytest.approx(2)
    with pytest.raises(ValueError):
        cap.doubling_rate(0)


def test_demand_and_capacity_by_hand():
    p = path().set_index("year")
    assert list(p.index) == list(range(2025, 2031))
    assert p.loc[2025, "demand_t"] == 870
    assert p.loc[2030, "demand_t"] == pytest.approx(870 * 1.15 ** 5)
    assert p.loc[2027, "capacity_t"] == 0 and p.loc[2028, "capacity_t"] == 6000
    assert p.loc[2027, "gap_t"] == pytest.approx(870 * 1.15 ** 2)
    assert cap.first_year_met(path()) == 2028
    assert cap.met_phrase(path()) == "in 2028"


def test_zero_realisation_never_meets_and_full_delay_pushes_past_2030():
    assert cap.met_phrase(path(realisation=0)) == "not by 2030"
    assert (path(realisation=0)["capacity_t"] == 0).all()
    assert cap.met_phrase(path(delay=3)) == "not by 2030"
    assert cap.met_phrase(path(delay=1)) == "in 2029"


def test_partial_realisation_and_zero_growth():
    p = path(growth=0.0, realisation=0.1).set_index("year")
    assert p.loc[2030, "demand_t"] == 870 and p.loc[2030, "capacity_t"] == pytest.approx(600)
    assert cap.met_phrase(path(growth=0.0, realisation=0.1)) == "not by 2030"
    assert p.loc[2030, "self_sufficiency_pct"] == pytest.approx(100 * 600 / 870)
    assert path(realisation=1)["self_sufficiency_pct"].max() == 100


@pytest.mark.parametrize(
    "kw,word",
    [(dict(growth=-0.6), "demand_growth"), (dict(growth=1.5), "demand_growth"), (dict(growth=math.nan), "demand_growth"),
     (dict(realisation=-0.01), "capacity_realisation"), (dict(realisation=1.01), "capacity_realisation"),
     (dict(delay=-1), "capacity_delay_years"), (dict(delay=1.5), "capacity_delay_years"), (dict(delay=21), "capacity_delay_years"),
     (dict(base=0), "base_demand_t"), (dict(lines=(cap.CapacityLine("x", -1, 2026),)), "capacity of 'x'")],
)
def test_out_of_range_raises(kw, word):
    with pytest.raises(ValueError, match=word):
        path(**kw)


def test_years_of_output():
    assert cap.years_of_output(6_900_000, 2_900) == pytest.approx(2379.31, rel=1e-4)
    assert cap.years_of_output(0, 2_900) == 0
    with pytest.raises(ValueError, match="positive"):
        cap.years_of_output(1, 0)
    with pytest.raises(ValueError, match="resource_t"):
        cap.years_of_output(-1, 1)


def test_gestation_from_text():
    assert cap.gestation_from_text("7 years (2-year gestation + 5 years of incentives)") == 2
    assert cap.gestation_from_text("a 3 year gestation") == 3
    with pytest.raises(ValueError, match="gestation"):
        cap.gestation_from_text("no period given")
