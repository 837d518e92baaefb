"""Chapter tests for book/geopolitics.md: statuses follow `as_of`, glued figures follow the data."""

import csv

import pytest

from chapters import copy_data, run_chapter


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return run_chapter("geopolitics", tmp_path_factory.mktemp("geopolitics"))


def test_default_date_is_after_the_no70_end_and_says_so(default):
    assert default["as_of_text"] == "25 November 2026"
    assert default["n_end_passed"] >= 1
    assert "10 November 2026" in default["status_sentence"]
    assert "does not guess" in default["status_sentence"]


def test_as_of_before_the_scheduled_end_changes_the_status(tmp_path, default):
    earlier = run_chapter("geopolitics", tmp_path, as_of="2026-01-15")
    assert earlier["n_end_passed"] == 0
    assert earlier["n_suspended"] > default["n_suspended"]
    assert "no scheduled end date has passed" in earlier["status_sentence"]


def test_as_of_before_the_april_controls(tmp_path):
    before = run_chapter("geopolitics", tmp_path, as_of="2025-03-01")
    assert before["april_status"] == "not yet announced"


def test_editing_the_data_changes_the_glued_values(tmp_path, default):
    data = copy_data(tmp_path)
    path = data / "china_magnet_exports_monthly.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["month"] == "2025-05" and row["destination"] == "United States":
            row["exports"] = "20"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    edited = run_chapter("geopolitics", tmp_path, data_dir=data)
    assert edited["us_share_min_t"] == 20
    assert edited["us_share_min_pct"] < default["us_share_min_pct"]
