"""The chart shapes (analysis.charts): lines that break at missing months, dots (not bars) on a
log axis, long labels over lines, tooltips as sentences."""

from __future__ import annotations


import pandas as pd
import pytest

from analysis import charts


def test_month_runs_break_a_series_where_a_month_is_missing():
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2024-10-01", "2024-11-01", "2025-01-01", "2025-02-01", "2024-10-01", "2024-11-01"]),
        "series": ["World", "World", "World", "World", "US", "US"],
    })
    runs = charts.month_runs(frame, x="date", series="series")
    assert runs == ["World 0", "World 0", "World 1", "World 1", "US 0", "US 0"]
    # data that are not monthly are one run per series
    daily = frame.assign(date=frame["date"] + pd.Timedelta(days=3))
    assert set(charts.month_runs(daily, x="date", series="series")) == {"World 0", "US 0"}


def test_time_series_draws_one_line_per_run():
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-10-01", "2024-11-01", "2025-01-01"]), "t": [1.0, 2.0, 3.0]})
    spec = charts.time_series(frame, x="date", y="t", y_title="Tonnes", tooltip=charts.sentence("{date|%B %Y}: {t} t")
                              ).to_dict()
    assert spec["layer"][0]["encoding"]["detail"]["field"] == "_segment"


def test_log_dots_are_dots_on_a_log_axis_with_ticks_at_powers_of_ten():
    frame = pd.DataFrame({"label": ["a", "b", "c"], "t": [2_900.0, 6_900_000.0, 8_520_000.0]})
    spec = charts.log_dots(frame, value="t", label="label", value_title="Tonnes",
                           tooltip=charts.sentence("{label}: {t:,.0f} tonnes")).to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert "bar" not in marks and "point" in marks
    x = spec["layer"][1]["encoding"]["x"]
    assert x["scale"]["type"] == "log" and "(log scale)" in x["title"]
    assert x["axis"]["values"] == [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]
    with pytest.raises(ValueError):
        charts.log_dots(frame.assign(t=[0.0, 1.0, 2.0]), value="t", label="label", value_title="t", tooltip=None)


def test_long_labels_run_over_lines_and_are_never_cut_short():
    assert charts.wrapped("Scheme to Promote Manufacturing of Sintered Rare Earth Permanent Magnets", 34) == \
        "Scheme to Promote Manufacturing of\nSintered Rare Earth Permanent\nMagnets"
    frame = pd.DataFrame({"name": ["Scheme to Promote Manufacturing of Sintered Magnets", "Plant"], "v": [2.0, 1.0]})
    spec = charts.ranked_bars(frame, value="v", label="name", value_title="INR crore", tooltip=None, wrap=20).to_dict()
    y = spec["encoding"]["y"] if "encoding" in spec else spec["layer"][0]["encoding"]["y"]
    assert y["field"] == "name_lines" and y["axis"]["labelExpr"] == charts.SPLIT_LINES
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert rows[0]["name_lines"] == "Scheme to Promote\nManufacturing of\nSintered Magnets"  # whole, over lines


def test_a_list_of_fields_still_works_as_a_tooltip():
    frame = pd.DataFrame({"x": ["a"], "y": [1.0]})
    spec = charts.column_bars(frame, x="x", y="y", y_title="t", tooltip=["x", "y"]).to_dict()
    assert spec["layer"][0]["encoding"]["tooltip"] == [{"field": "x", "type": "nominal"},
                                                       {"field": "y", "type": "quantitative"}]
