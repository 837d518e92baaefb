"""Chapter "Geopolitics": statuses follow `as_of`, figures follow the data
(analysis/chapters/geopolitics.py, computed without a kernel; one kernel run checks the notebook)."""

import pytest

from chapters import compute, copy_data, read_rows, run_chapter, write_rows


@pytest.fixture(scope="module")
def default():
    return compute("geopolitics")


def test_the_scheduled_end_wording_follows_the_outcome(default):
    assert default["as_of_text"] == "25 November 2026"
    if default["n_end_passed"]:
        assert default["ends_outcome"] == "end_passed"
        assert default["scheduled_ends"].endswith("so this report does not guess.")
        assert default["ends_passed"] in default["scheduled_ends"]
    assert default["scheduled_ends"].startswith(f"As of {default['as_of_text']}, ")


def test_as_of_before_every_scheduled_end(default):
    earlier = compute("geopolitics", as_of="2025-12-15")
    assert earlier["n_end_passed"] == 0 and earlier["ends_outcome"] == "next_end"
    assert earlier["scheduled_ends"] == (f"As of 15 December 2025, no scheduled end date has passed; the next is "
                                         f"{earlier['ends_next_date']} ({earlier['ends_next_measure']}).")


def test_as_of_before_the_april_controls():
    before = compute("geopolitics", as_of="2025-03-01")
    assert before["april_status"] == "not yet announced"


def test_editing_the_data_changes_the_values(tmp_path, default):
    data = copy_data(tmp_path)
    rows = read_rows(data / "china_magnet_exports_monthly.csv")
    month = next(r["month"] for r in rows if r["destination"] == "United States"
                 and r["month"] == {"May 2025": "2025-05"}.get(default["us_share_min_month"], r["month"]))
    for row in rows:
        if row["month"] == month and row["destination"] == "United States":
            row["exports"] = str(float(row["exports"]) / 2)
    write_rows(data / "china_magnet_exports_monthly.csv", rows)
    edited = compute("geopolitics", data)
    assert edited["us_share_min_pct"] < default["us_share_min_pct"]


def test_the_notebook_glues_what_the_module_computes(tmp_path, default):
    """The one kernel run: the chapter notebook executes and glues the module's values and its wordings."""
    glued = run_chapter("geopolitics", tmp_path)
    assert {k: glued[k] for k in default} == default
