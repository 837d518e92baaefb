"""Chapter "China's strategic leverage": its figures follow the data and the parameters
(analysis/chapters/leverage.py, computed without a kernel; one kernel run checks the notebook)."""

import pandas as pd
import pytest

from analysis import concentration, controls, datasets, magnet_exports
from analysis.chapters import leverage
from chapters import DATA, compute, copy_data, read_rows, run_chapter, wordings_of, write_rows

REQUIRED = [
    "mine_year", "china_mine_share_pct", "china_separation_share_pct", "china_magnet_share_pct",
    "exports_trough_t", "exports_trough_month", "exports_pre_control_t", "exports_pre_control_month",
    "mine_hhi", "mine_hhi_reading", "hhi_threshold",
]


@pytest.fixture(scope="module")
def default():
    return compute("leverage")


def rewrite(path, match, column, value):
    rows = read_rows(path)
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, f"expected one row matching {match}"
    hits[0][column] = value
    write_rows(path, rows)


def test_required_keys_are_computed(default):
    assert not [k for k in REQUIRED if k not in default]
    newest = max(int(r["year"]) for r in read_rows(DATA / "mine_production_by_country.csv"))
    assert isinstance(default["mine_year"], int) and default["mine_year"] == newest  # the chapter's default year
    assert default["exports_pre_control_month"].endswith("2025")
    assert default["hhi_threshold"] == concentration.HHI_HIGHLY_CONCENTRATED


def mine_source_id() -> str:
    """The USGS edition the chapter reads: the newest that the production table cites."""
    rows = read_rows(DATA / "mine_production_by_country.csv")
    return concentration.newest_first([r["source_id"] for r in rows], datasets.sources(DATA))[0]


def test_shares_are_computed_from_the_data(default):
    china = [r for r in read_rows(DATA / "mine_production_by_country.csv")
             if r["country"] == "China" and r["year"] == str(default["mine_year"]) and r["source_id"] == mine_source_id()]
    assert default["china_mine_t"] == float(china[0]["production"])
    assert default["china_mine_share_pct"] == pytest.approx(100 * default["china_mine_t"] / default["world_mine_t"])
    assert 0 < default["china_mine_share_pct"] < default["china_separation_share_pct"] <= 100


def test_editing_china_production_changes_the_share(tmp_path, default):
    data = copy_data(tmp_path)
    rewrite(data / "mine_production_by_country.csv",
            {"country": "China", "year": str(default["mine_year"]), "source_id": mine_source_id()}, "production", "250000")
    edited = compute("leverage", data)
    assert edited["china_mine_share_pct"] == pytest.approx(100 * 250000 / default["world_mine_t"])
    assert edited["china_mine_share_pct"] != pytest.approx(default["china_mine_share_pct"])
    assert edited["mine_hhi"] < default["mine_hhi"]


def test_editing_the_trough_month_changes_the_trough(tmp_path, default):
    data = copy_data(tmp_path)
    trough = [r for r in read_rows(data / "china_magnet_exports_monthly.csv")
              if r["destination"] == "World" and "2025-04" <= r["month"] <= "2025-06"]
    lowest = min(trough, key=lambda r: float(r["exports"]))
    new_low = float(lowest["exports"]) - 100
    rewrite(data / "china_magnet_exports_monthly.csv", {"month": lowest["month"], "destination": "World"}, "exports",
            f"{new_low:.0f}")
    edited = compute("leverage", data)
    assert edited["exports_trough_t"] == new_low != default["exports_trough_t"]


def test_year_parameter_changes_the_results(default):
    other = compute("leverage", year=2023)
    assert other["mine_year"] == 2023
    assert other["china_mine_share_pct"] != pytest.approx(default["china_mine_share_pct"])


def test_focus_country_parameter_changes_the_ranks(default):
    other = compute("leverage", focus_country="Australia")
    assert other["focus_country"] == "Australia" and default["focus_country"] == "India"
    assert (other["focus_mine_rank"], other["focus_mine_share_pct"]) != (default["focus_mine_rank"],
                                                                         default["focus_mine_share_pct"])


def reserves_rows(data=DATA):
    return read_rows(data / "reserves_by_country.csv")


def edition_year(edition: str) -> int:
    return int("".join(c for c in edition if c.isdigit()))


def test_both_reserves_editions_are_shown_for_the_focus_country(default):
    """The newest USGS edition may print "not available" for India where an earlier one gave a
    figure: the chapter shows both, not one."""
    rows = reserves_rows()
    india = {r["edition"]: r["reserves"] for r in rows if r["country"] == "India"}
    with_world = {r["edition"] for r in rows if r["country"] == "World" and r["reserves"]}
    newest = max(with_world, key=edition_year)
    assert default["reserves_edition"] == newest
    if india.get(newest):
        pytest.skip("the newest edition gives India a figure: nothing earlier to show")
    earlier = max((e for e in with_world if india.get(e)), key=edition_year)
    mt = float(india[earlier]) / 1e6
    assert default["focus_reserves_case"] == "earlier"
    assert default["focus_reserves_earlier_edition"] == earlier
    assert default["focus_reserves_earlier_mt"] == pytest.approx(mt)
    for text in (default["focus_reserves"], default["focus_reserves_short"]):  # the section and the key point
        assert newest in text and f"{mt:.1f} million tonnes" in text
    assert earlier in default["focus_reserves"] and "not available" in default["focus_reserves"]
    # the reserves figure has a bar for each edition
    plotted = leverage.compute(DATA).figures["fig-leverage-reserves"].data
    bars = plotted[plotted["country"] == "India"]
    assert set(bars["measure"]) == {f"Reserves ({earlier})", f"Mine production ({default['mine_year']})"}


def test_a_country_without_a_reserves_figure_gets_the_other_wording(tmp_path, default):
    data = copy_data(tmp_path)
    rows = reserves_rows(data)
    for row in rows:
        if row["country"] == "India":
            row["reserves"] = ""
    write_rows(data / "reserves_by_country.csv", rows)
    edited = compute("leverage", data)
    assert edited["focus_reserves_available"] is False and edited["focus_reserves_case"] == "none"
    assert edited["focus_reserves"] == f"India has no reserves figure in USGS {edited['reserves_edition']} (not available)."
    assert edited["focus_but_and"] == "and"
    assert default["focus_reserves"] != edited["focus_reserves"]


def test_a_country_with_a_reserves_figure_in_the_newest_edition_is_ranked(tmp_path, default):
    data = copy_data(tmp_path)
    rows = reserves_rows(data)
    newest = default["reserves_edition"]
    world = next(float(r["reserves"]) for r in rows if r["country"] == "World" and r["edition"] == newest)
    for row in rows:
        if row["country"] == "India" and row["edition"] == newest:
            row["reserves"], row["status"] = "100000", "reported"
    write_rows(data / "reserves_by_country.csv", rows)
    edited = compute("leverage", data)
    assert edited["focus_reserves_case"] == "reported"
    assert edited["focus_reserves"].startswith(f"India ranks {edited['focus_reserves_rank']} of ")
    assert edited["focus_reserves_share_pct"] == pytest.approx(100 * 1e5 / world)


def test_shares_of_a_lower_bound_world_total_are_upper_bounds(default):
    world = next(r for r in reserves_rows() if r["country"] == "World" and r["edition"] == default["reserves_edition"])
    lower = world["status"] == "lower bound"
    assert default["reserves_world_lower_bound"] is lower
    assert default["reserves_share_bound"] == ("at most " if lower else "")
    assert ("lower bound" in default["reserves_bound_note"]) is lower
    assert default["reserves_world_mt"] == pytest.approx(float(world["reserves"]) / 1e6)


def world_exports():
    return {r["month"]: r for r in read_rows(DATA / "china_magnet_exports_monthly.csv") if r["destination"] == "World"}


def test_the_fall_is_measured_year_on_year_and_from_the_peak(default):
    months = world_exports()
    low = min((m for m in months if leverage.COLLAPSE[0] <= m <= leverage.COLLAPSE[1]), key=lambda m: float(months[m]["exports"]))
    earlier = f"{int(low[:4]) - 1}{low[4:]}"
    assert default["exports_trough_month"] == magnet_exports.month_name(low)
    assert default["exports_trough_yoy_available"] is (earlier in months)
    assert default["exports_trough_yoy_case"] == months[earlier]["basis"]
    yoy = 100 * (1 - float(months[low]["exports"]) / float(months[earlier]["exports"]))
    assert default["exports_trough_yoy_drop_pct"] == pytest.approx(yoy)
    pre = max((m for m in months if m < leverage.CONTROLS_START and months[m]["basis"] == "reported"))
    assert default["exports_drop_pct"] == pytest.approx(100 * (1 - float(months[low]["exports"]) / float(months[pre]["exports"])))
    assert default["exports_trough_yoy_drop_pct"] != pytest.approx(default["exports_drop_pct"])


def test_the_chart_runs_to_the_latest_month_and_breaks_at_gaps(default):
    months = world_exports()
    latest = max(months)
    assert default["exports_latest_month"] == magnet_exports.month_name(latest)
    figure = leverage.compute(DATA).figures["fig-leverage-exports"]
    shown = figure.data[figure.data["series"] == "Exports"]
    assert shown["month"].max() == latest
    span, m = [], min(shown["month"])
    while m <= latest:
        span.append(m)
        m = leverage.shift_month(m, 1)
    missing = [m for m in span if m not in months]
    assert default["exports_missing_n"] == len(missing)
    assert all(magnet_exports.month_name(m).split()[0] in default["exports_missing_months"] for m in missing)
    segments = leverage.segments(sorted(shown["month"]))
    gaps = sum(1 for a, b in zip(sorted(shown["month"]), sorted(shown["month"])[1:]) if leverage.shift_month(a, 1) != b)
    assert max(segments) == gaps  # one line segment more than there are gaps
    assert (gaps > 0) is default["exports_has_gaps"]


def test_the_collapse_band_spans_the_months_the_text_names(default):
    chart = leverage.compute(DATA).figures["fig-leverage-exports"].chart
    bands = chart.layer[0].data
    collapse = bands[bands["label"] == "Collapse"].iloc[0]
    first, last = (pd.Timestamp(f"{m}-01") for m in leverage.COLLAPSE)
    assert collapse["start"] < first and last < collapse["end"] < pd.Timestamp(f"{leverage.shift_month(leverage.COLLAPSE[1], 1)}-01")
    assert collapse["start"] > pd.Timestamp(f"{leverage.shift_month(leverage.COLLAPSE[0], -1)}-01")
    assert (default["exports_collapse_from"], default["exports_collapse_to"]) == tuple(
        magnet_exports.month_name(m) for m in leverage.COLLAPSE)


def test_the_year_of_the_controls_is_compared_with_the_year_before(default):
    months = world_exports()
    y = default["exports_control_year"]
    this = {m[5:]: float(r["exports"]) for m, r in months.items() if m.startswith(f"{y}-")}
    before = {m[5:]: float(r["exports"]) for m, r in months.items() if m.startswith(f"{y - 1}-")}
    assert default["exports_control_year_t"] == pytest.approx(sum(this.values()))
    common = sorted(set(this) & set(before))
    change = 100 * (sum(this[m] for m in common) / sum(before[m] for m in common) - 1)
    assert default["exports_common_change_pct"] == pytest.approx(abs(change))
    assert default["exports_common_n"] == len(common)
    assert default["exports_prev_year_complete"] is (len(before) == 12)
    annual = {int(r["year"]): float(r["exports"]) for r in read_rows(DATA / "china_magnet_exports_annual.csv")
              if r["destination"] == "World"}
    if {y, y - 1} <= set(annual):  # the reported totals: a short shock or a lasting cut
        change = 100 * (annual[y] / annual[y - 1] - 1)
        assert default["exports_year_case"] == "annual"
        assert default["exports_annual_change_pct"] == pytest.approx(abs(change))
        assert default["exports_annual_direction"] == ("more" if change >= 0 else "less")
        assert f"{abs(change):.0f} per cent {default['exports_annual_direction']}" in default["exports_year_finding"]
        assert f"{annual[y]:,.0f} tonnes" in default["exports_year"] and f"{annual[y - 1]:,.0f} tonnes" in default["exports_year"]
        assert sum(this.values()) == pytest.approx(annual[y], rel=0.01)  # the months agree with the year's total
    else:
        assert default["exports_year_finding"] == ""
        assert default["exports_year"] == "No total for the year before was found."


def test_without_yearly_totals_the_same_months_are_compared(tmp_path, default):
    data = copy_data(tmp_path)
    rows = read_rows(data / "china_magnet_exports_annual.csv")
    write_rows(data / "china_magnet_exports_annual.csv",
               [r for r in rows if r["year"] != str(default["exports_control_year"] - 1)])
    edited = compute("leverage", data)
    assert edited["exports_year_case"] in ("months", "common") and edited["exports_year_finding"] == ""
    assert edited["exports_year_annual"] is False
    assert edited["exports_year"] == "No total for the year before was found."


@pytest.mark.parametrize("as_of", ["2026-12-01", "2026-01-15", "2025-10-20"])
def test_the_timeline_shows_controls_status_on_the_as_of_date(as_of):
    """Each measure's status is the one controls.status_table gives on as_of (as in the
    geopolitics chapter), and only China's measures are shown."""
    timeline = datasets.load("export_control_timeline", DATA)
    expected = controls.status_table(timeline, as_of)
    expected = expected[expected["side"] == "China"]
    chapter = leverage.compute(DATA, as_of=as_of)
    labels = {**chapter.words("status"), **chapter.words("status-short")}  # the page's words for each status
    plotted = chapter.figures["fig-leverage-timeline"].data
    shown = {}
    for row in plotted.to_dict("records"):
        for instrument in row["instrument"].split("; "):
            shown[instrument] = row["status"]
    assert set(shown) == set(expected["instrument"])  # no US measure
    for row in expected.to_dict("records"):
        assert labels[row["status_as_of"]] in shown[row["instrument"]].split("; ")
    assert chapter["controls_n"] == len(expected)
    assert chapter["controls_in_force_n"] == int((expected["status_as_of"] == "in_force").sum())
    assert chapter["as_of_text"] == controls.long_date(as_of)


def test_the_notebook_glues_what_the_module_computes(tmp_path, default):
    """The one kernel run: the chapter notebook executes and glues the module's values and its wordings."""
    glued = run_chapter("leverage", tmp_path)
    computed = {k: v for k, v in default.items() if k not in wordings_of("leverage")}  # the page, not the kernel, words those
    assert {k: glued[k] for k in computed} == computed


def test_the_timeline_agrees_with_the_geopolitics_chapter():
    """The first edition showed the October 2025 package "suspended" here and "end passed" in the
    geopolitics chapter; both now take the status from controls.status_table at the same date."""
    from analysis.chapters import geopolitics

    as_of = "2026-12-01"
    theirs = geopolitics.compute(DATA, as_of=as_of).figures["fig-geopolitics-status"].data
    column = "status_full" if "status_full" in theirs.columns else "status"
    theirs = dict(zip(theirs["instrument"], theirs[column]))
    chapter = leverage.compute(DATA, as_of=as_of)
    ours = chapter.figures["fig-leverage-timeline"].data
    words = {**{v: k for k, v in chapter.words("status-short").items()}, **{v: k for k, v in chapter.words("status").items()}}
    compared = 0
    for row in ours.to_dict("records"):
        if "; " in row["status"]:  # merged measures of one day with different statuses
            continue
        for instrument in row["instrument"].split("; "):
            if instrument in theirs:
                assert words[row["status"]] == words[theirs[instrument]], instrument
                compared += 1
    assert compared >= 5
