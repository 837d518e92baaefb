import pandas as pd
import pytest

from analysis import magnet_demand as md

INTENSITY = pd.DataFrame(
    {
        "application": ["ev_traction_motor_small", "ev_traction_motor_small", "ev_traction_motor_large", "wind_direct_drive"],
        "metric": ["ndfeb_per_motor"] * 3 + ["magnet_per_mw"],
        "low": [1.0, 2.0, 2.0, 0.6],
        "high": [1.5, 3.0, 3.0, 1.0],
        "unit": ["kg", "kg", "kg", "t/MW"],
        "source_id": ["a", "b", "b", "c"],
    }
)
SALES = pd.DataFrame({"segment": ["e_car", "e2w"], "sales": [100_000, 1_000_000]})


def test_band_is_widest_across_sources():
    low, high, ids = md.intensity_band(INTENSITY, "ev_traction_motor_small", "ndfeb_per_motor")
    assert (low, high, ids) == (1.0, 3.0, ["a", "b"])


def test_demand_in_tonnes_and_unmapped_segment_is_empty():
    out = md.demand_band(SALES, INTENSITY, {"e_car": "ev_traction_motor_small"}).set_index("segment")
    assert out.loc["e_car", "demand_low_t"] == pytest.approx(100.0)
    assert out.loc["e_car", "demand_high_t"] == pytest.approx(300.0)
    assert out.loc["e_car", "intensity_source_ids"] == "a;b"
    assert pd.isna(out.loc["e2w", "demand_low_t"]) and pd.isna(out.loc["e2w", "application"])


def test_zero_sales_zero_demand():
    out = md.demand_band(pd.DataFrame({"segment": ["e_car"], "sales": [0]}), INTENSITY, {"e_car": "ev_traction_motor_large"})
    assert out["demand_low_t"].iloc[0] == 0 and out["demand_high_t"].iloc[0] == 0


def test_errors():
    with pytest.raises(ValueError, match="no magnet intensity"):
        md.intensity_band(INTENSITY, "nothing", "ndfeb_per_motor")
    with pytest.raises(ValueError, match="kg"):
        md.intensity_band(INTENSITY, "wind_direct_drive", "magnet_per_mw")
    bad = INTENSITY.copy()
    bad.loc[0, "low"] = 5.0
    with pytest.raises(ValueError, match="low <= high"):
        md.intensity_band(bad, "ev_traction_motor_small", "ndfeb_per_motor")
    with pytest.raises(ValueError, match="non-negative"):
        md.demand_band(pd.DataFrame({"segment": ["e_car"], "sales": [-1]}), INTENSITY, {"e_car": "ev_traction_motor_small"})


def test_several_applications_widest_band_and_missing_one_raises():
    low, high, ids = md.intensity_band(INTENSITY, ["ev_traction_motor_small", "ev_traction_motor_large"], "ndfeb_per_motor")
    assert (low, high) == (1.0, 3.0)
    with pytest.raises(ValueError, match="'nothing'"):
        md.intensity_band(INTENSITY, ["ev_traction_motor_small", "nothing"], "ndfeb_per_motor")
    empty_high = INTENSITY.copy()
    empty_high.loc[2, "high"] = float("nan")
    with pytest.raises(ValueError, match="empty"):
        md.intensity_band(empty_high, "ev_traction_motor_large", "ndfeb_per_motor")
    out = md.demand_band(SALES, INTENSITY, {"e_car": ["ev_traction_motor_small", "ev_traction_motor_large"]})
    assert out["application"].iloc[0] == "ev_traction_motor_small;ev_traction_motor_large"
