"""Tests for scripts/analysis/magnet_exports.py."""

import pandas as pd
import pytest

from analysis import magnet_exports as m


def frame(rows):
    f = pd.DataFrame(rows, columns=["month", "destination", "exports", "basis", "source_id"])
    f["exports"] = f["exports"].astype("Float64")
    return f


DATA = frame([
    ("2025-01", "World", 6357, "reported", "r"),
    ("2025-02", "World", 3548, "derived", "d"),
    ("2025-03", "World", 5361, "derived", "d"),
    ("2025-04", "World", 2627, "reported", "r"),
    ("2025-05", "World", 1238, "reported", "r"),
    ("2025-06", "World", 3188, "reported", "r"),
    ("2025-07", "World", 5577, "reported", "r"),
    ("2025-05", "United States", 46, "reported", "r"),
    ("2025-06", "United States", 353, "reported", "r"),
    ("2025-08", "United States", 589, "derived", "d"),
])


def test_trough_in_window():
    t = m.trough(m.series(DATA), "2025-04", "2025-06")
    assert t == {"month": "2025-05", "exports": 1238.0, "basis": "reported"}
    assert m.month_name(t["month"]) == "May 2025"


def test_before_controls_reported_or_any():
    months = m.series(DATA)
    assert m.before(months, "2025-04")["month"] == "2025-03"
    assert m.before(months, "2025-04", reported_only=True) == {"month": "2025-01", "exports": 6357.0, "basis": "reported"}
    with pytest.raises(ValueError, match="no reported month before 2025-01"):
        m.before(months, "2025-01", reported_only=True)


def test_recovery_first_month_at_level():
    months = m.series(DATA)
    assert m.recovery(months, "2025-05", 5361)["month"] == "2025-07"
    assert m.recovery(months, "2025-05", 10_000) is None


def test_destination_share_only_common_months():
    share = m.destination_share(DATA, "United States")
    assert list(share["month"]) == ["2025-05", "2025-06"]
    assert share["share_pct"].iloc[0] == pytest.approx(100 * 46 / 1238)


def test_errors():
    with pytest.raises(ValueError, match="no magnet-export months"):
        m.series(DATA, "Atlantis")
    with pytest.raises(ValueError, match="before its start"):
        m.trough(m.series(DATA), "2025-06", "2025-04")
    with pytest.raises(ValueError, match="no months between"):
        m.trough(m.series(DATA), "2023-01", "2023-03")
    with pytest.raises(ValueError, match="not YYYY-MM"):
        m.month_name("May 2025")
    dup = pd.concat([DATA, DATA.iloc[[0]]])
    with pytest.raises(ValueError, match="duplicate months"):
        m.series(dup)
    bad = DATA.copy()
    bad.loc[7, "exports"] = 99_999
    with pytest.raises(ValueError, match="exceed the World total"):
        m.destination_share(bad, "United States")


def test_back_above_year_earlier():
    data = frame([
        ("2024-06", "World", 5150, "derived", "d"), ("2024-07", "World", 5278, "reported", "r"),
        ("2025-05", "World", 1238, "reported", "r"), ("2025-06", "World", 3188, "reported", "r"),
        ("2025-07", "World", 5577, "reported", "r"),
    ])
    got = m.back_above_year_earlier(m.series(data), "2025-05")
    assert got["month"] == "2025-07" and got["year_earlier"] == 5278
    assert m.back_above_year_earlier(m.series(data), "2025-07") is None
