"""Tests for scripts/analysis/india_exports.py: hand-made frames, and the real data through the
leverage chapter (expected values read from the CSV rows here)."""

import pandas as pd
import pytest

from analysis import charts
from analysis import india_exports as ie
from analysis.chapters import Chapter, leverage
from chapters import DATA, read_rows


def frame(rows):
    f = pd.DataFrame(rows, columns=["month", "destination", "exports", "unit", "basis", "source_id"])
    f["exports"] = f["exports"].astype("Float64")
    return f


DATA_ROWS = frame([
    ("2024-07", "World", 5000, "t", "reported", "w"),
    ("2025-05", "World", 1000, "t", "reported", "w"),
    ("2025-06", "World", 2000, "t", "reported", "w"),
    ("2025-07", "World", 4000, "t", "reported", "w"),
    ("2025-09", "World", 5000, "t", "reported", "w"),
    ("2024-07", "India", 200, "t", "derived", "d"),
    ("2025-05", "India", 100, "t", "reported", "a"),
    ("2025-06", "India", 150, "t", "reported", "a"),
    ("2025-07", "India", 400, "t", "reported", "b"),
])


def test_missing_runs_and_their_words():
    runs = ie.missing_runs(["2024-07", "2025-05", "2025-06", "2025-07"], "2024-07", "2025-09")
    assert runs == [("2024-08", "2025-04"), ("2025-08", "2025-09")]
    assert ie.run_words(runs) == "August 2024 to April 2025 and August 2025 to September 2025"
    assert ie.run_words([("2025-08", "2025-08")]) == "August 2025"
    assert ie.missing_runs(["2025-01", "2025-02"], "2025-01", "2025-02") == []
    with pytest.raises(ValueError):
        ie.missing_runs([], "2025-02", "2025-01")


def test_read_counts_months_shares_and_year_earlier():
    ch = Chapter(DATA)
    part = ie.read(ch, DATA_ROWS)
    assert (ch["india_months_n"], ch["india_reported_n"], ch["india_missing_n"]) == (4, 3, 11)
    assert ch["india_latest_t"] == 400 and ch["india_first_reported_t"] == 100
    assert ch["india_latest_yoy_pct"] == pytest.approx(100.0)
    assert (ch["india_share_low_pct"], ch["india_share_high_pct"]) == pytest.approx((7.5, 10.0))
    assert ch["india_share_high_month"] == "May 2025"
    assert part["end"] == "2025-09"


def test_figure_breaks_its_line_at_every_gap():
    part = ie.read(Chapter(DATA), DATA_ROWS)
    spec = ie.figure(part, charts.sentence("{date|%B %Y}: {exports:,.0f} t"))["chart"].to_dict()
    drawn = max((rows for rows in spec["datasets"].values() if rows and "segment" in rows[0]), key=len)
    segments = {}
    for row in drawn:
        segments.setdefault(row["segment"], []).append(row["month"])
    # July 2024 alone, then May-July 2025: no segment spans a missing month
    assert sorted(segments.values()) == [["2024-07"], ["2025-05", "2025-06", "2025-07"]]
    gaps = [rows for rows in spec["datasets"].values() if rows and "label" in rows[0]]
    assert len(gaps[0]) == len(part["runs"]) == 2


def test_no_reported_india_month_is_refused():
    only_derived = DATA_ROWS[~((DATA_ROWS["destination"] == "India") & (DATA_ROWS["basis"] == "reported"))]
    with pytest.raises(ValueError, match="no reported month"):
        ie.read(Chapter(DATA), only_derived)


def test_leverage_chapter_states_the_real_india_months():
    ch = leverage.compute(DATA)
    rows = [r for r in read_rows(DATA / "china_magnet_exports_monthly.csv") if r["destination"] == "India"]
    reported = sorted((r for r in rows if r["basis"] == "reported"), key=lambda r: r["month"])
    assert ch["india_months_n"] == len(rows)
    assert ch["india_reported_n"] == len(reported)
    assert ch["india_latest_t"] == float(reported[-1]["exports"])
    assert "fig-leverage-exports-india" in ch.figures
    assert ch.figure_words("fig-leverage-exports-india")["title"].startswith("China's magnet exports to India")
