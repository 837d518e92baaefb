"""Chapter tests for book/options.md: compute() on the real data and on an edited copy (no
kernel), and one run of the notebook as the build runs it.

Expected values are derived from the CSV rows read here, not typed: data/ is updated in parallel."""

import csv
import re

import pytest

from analysis import wordings
from analysis.chapters import options
from chapters import DATA, check_parameter, copy_data, read_rows, run_chapter, write_rows
from pipeline.editions.parameters import ParameterError


def imports_row(rows, measure):
    """The latest fiscal year's rare-earth magnet import figure ``measure`` that has both measures."""
    re = [r for r in rows if r["series"] == "rare_earth_magnets"]
    years = sorted({r["fiscal_year"] for r in re if r["measure"] == "quantity"}
                   & {r["fiscal_year"] for r in re if r["measure"] == "value"})
    return next(r for r in re if r["fiscal_year"] == years[-1] and r["measure"] == measure)


def option_fact(item):
    with open(DATA / "india_options.csv", newline="", encoding="utf-8") as fh:
        return next(r for r in csv.DictReader(fh) if r["item"] == item)


@pytest.fixture(scope="module")
def chapter():
    return options.compute(DATA)


def test_buffer_cost_is_value_per_tonne_times_tonnes_a_month_times_months(chapter):
    rows = read_rows(DATA / "india_magnet_imports.csv")
    tonnes, crore = float(imports_row(rows, "quantity")["value"]), float(imports_row(rows, "value")["value"])
    months = chapter["buffer_months"]
    assert months == 3
    assert chapter["buffer_t"] == pytest.approx(tonnes / 12 * months)
    assert chapter["buffer_cost_cr"] == pytest.approx(crore / tonnes * (tonnes / 12) * months)
    assert chapter["imports_year"] == imports_row(rows, "quantity")["fiscal_year"]
    repm = next(r for r in read_rows(DATA / "policy_instruments.csv") if r["instrument_id"] == "repm-scheme")
    assert chapter["buffer_share_of_repm_pct"] == pytest.approx(100 * chapter["buffer_cost_cr"] / float(repm["outlay"]))


def test_quoted_values_are_rounded_as_a_reader_quotes_them(chapter):
    assert options.quoted(76.5) == 77 and options.quoted(217.5) == 220 and options.quoted(3517.2) == 3500
    assert options.quoted(1.0508) == 1.1 and options.quoted(0.3503) == 0.35
    assert chapter["buffer_cost_cr_q"] == options.quoted(chapter["buffer_cost_cr"])
    table = chapter.tables["buffer"]
    assert list(table["Months of imports held"]) == [1, 3, 6]
    assert table.loc[table["Months of imports held"] == 3, "Cost (INR crore)"].iloc[0] == f"{chapter['buffer_cost_cr_q']:,.0f}"


def test_months_parameter_changes_the_cost_and_the_table():
    six, twelve = options.compute(DATA, buffer_months=6), options.compute(DATA, buffer_months=12)
    assert twelve["buffer_cost_cr"] == pytest.approx(2 * six["buffer_cost_cr"])
    assert 12 in list(twelve.tables["buffer"]["Months of imports held"])
    # a twelve-month stock outlasts the 2025 wait for India's first licences
    assert twelve["buffer_covers_india"] is True
    assert twelve["buffer_covers_india"] == (12 >= twelve["india_wait_months"])
    with pytest.raises(ValueError):
        options.compute(DATA, buffer_months=0)


def test_lead_times_and_sourcing_follow_the_rows(chapter):
    gestation = option_fact("repm-gestation")
    due = option_fact("repm-bid-due")["date"]
    year = int(max(due, "2026-12-01")[:4]) + int(gestation["low"])  # no award by the as-of date
    assert chapter["repm_earliest_output"].endswith(str(year))
    assert chapter["repm_gestation_years"] == int(gestation["low"])
    premium = option_fact("non-china-premium")
    crore = float(imports_row(read_rows(DATA / "india_magnet_imports.csv"), "value")["value"])
    assert chapter["premium_extra_low_cr_q"] == options.quoted(crore * (float(premium["low"]) - 1))
    assert chapter["premium_extra_high_cr_q"] == options.quoted(crore * (float(premium["high"]) - 1))
    # the newest source named at the head of the chapter is the tender extension, unless a newer one is used
    registry = {r["id"]: r["date"] for r in read_rows(DATA / "sources.csv")}
    assert chapter["newest_source"].endswith(max(registry[r["source_id"]] for r in read_rows(DATA / "india_options.csv"))[:4])
    assert 0 < chapter["outside_magnets_pct"] < chapter["outside_separation_pct"] < chapter["outside_mine_pct"] < 100


def test_comparison_has_every_option_and_never_adds_expected_money(chapter):
    """The comparison table is written in book/options.md: one row per option, each filled from
    the chapter's key figures; its evidence column counts sources by grade."""
    page = (DATA.parent / "book" / "options.md").read_text(encoding="utf-8")
    block = re.search(r"^:::\{list-table\}\n.*?^\* - Option\n.*?^:::$", page, re.S | re.M).group(0)
    rows = re.findall(r"^\* - (.+)$", block, re.M)[1:]
    assert len(rows) == len(options.OPTIONS)
    for option in options.OPTIONS:
        assert re.match(r"^\d+ (sources?: |(primary|secondary|weak|derived) sources?$)", chapter[f"evidence_{option}"])
        assert f"evidence_{option}" in block and f"risks_{option}" in block
    shown = wordings.page_text(block, chapter.values(), "options.ipynb")
    ncmm = {r["instrument_id"]: float(r["outlay"]) for r in read_rows(DATA / "policy_instruments.csv") if r["outlay"]}
    total = f"{ncmm['ncmm-government'] + ncmm['ncmm-psu-investment']:,.0f}"
    assert "{glue" not in shown and total not in shown


def test_editing_the_import_value_changes_the_buffer_cost(tmp_path, chapter):
    data = copy_data(tmp_path)
    rows = read_rows(data / "india_magnet_imports.csv")
    value = imports_row(rows, "value")
    value["value"] = str(float(value["value"]) * 2)
    write_rows(data / "india_magnet_imports.csv", rows)
    edited = options.compute(data)
    assert edited["buffer_cost_cr"] == pytest.approx(2 * chapter["buffer_cost_cr"])
    assert edited["buffer_t"] == pytest.approx(chapter["buffer_t"])


def test_editing_the_bid_date_moves_the_earliest_output(tmp_path, chapter):
    data = copy_data(tmp_path)
    rows = read_rows(data / "india_options.csv")
    due = next(r for r in rows if r["item"] == "repm-bid-due")
    due["date"] = f"{int(due['date'][:4]) + 1}{due['date'][4:]}"
    write_rows(data / "india_options.csv", rows)
    edited = options.compute(data)
    assert int(edited["repm_earliest_output"][-4:]) == int(chapter["repm_earliest_output"][-4:]) + 1


def test_the_chapter_builds_and_glues_its_figures(tmp_path, chapter):
    glued = run_chapter("options", tmp_path, buffer_months=6)
    assert glued["buffer_months"] == 6
    assert glued["buffer_cost_cr"] == pytest.approx(options.compute(DATA, buffer_months=6)["buffer_cost_cr"])
    # the page picks the verdict's wording by this key figure (book/options.md, {choose})
    assert glued["buffer_covers_india"] is (6 >= glued["india_wait_months"])


def test_editing_the_first_licence_date_changes_the_wait(tmp_path, chapter):
    data = copy_data(tmp_path)
    rows = read_rows(data / "geopolitical_events.csv")
    licences = sorted((r for r in rows if r["track"] == "china_india" and "licence" in r["event"].lower()),
                      key=lambda r: r["date"])
    licences[0]["date"] = "2025-07-04"  # three months after the April 2025 licensing
    write_rows(data / "geopolitical_events.csv", rows)
    edited = options.compute(data)
    assert edited["india_wait_months_q"] == 3
    assert edited["india_licence_date"] == "4 July 2025"
    assert edited["buffer_covers_india"] is True and chapter["buffer_covers_india"] is (chapter["india_wait_months"] <= 3)


@pytest.mark.parametrize("text", ["0", "13", "2.5"])
def test_front_matter_limits_reject_a_bad_buffer_before_running(text):
    with pytest.raises(ParameterError):
        check_parameter("options", "buffer_months", text)
    assert check_parameter("options", "buffer_months", "6") == 6
