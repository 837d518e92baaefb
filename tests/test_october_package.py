"""Tests for scripts/analysis/october_package.py, on the real data (expected values read from the
CSV rows here) and on edited frames."""

import pandas as pd
import pytest

from analysis import datasets
from analysis import october_package as op
from analysis.chapters import Chapter
from chapters import DATA, read_rows


def read():
    ch = Chapter(DATA)
    out = op.read(ch, datasets.load("october_2025_package", DATA), datasets.load("export_control_timeline", DATA))
    return ch, out


def test_elements_thresholds_and_dates_come_from_the_rows():
    ch, out = read()
    package = read_rows(DATA / "october_2025_package.csv")
    timeline = {r["event_id"]: r for r in read_rows(DATA / "export_control_timeline.csv")}
    assert ch["package_n_provisions"] == len(package) == len(out["table"])
    added = timeline["cn-2025-10-no57"]["elements"].split(";")
    april = timeline["cn-2025-04-no18"]["elements"].split(";")
    assert ch["package_n_new_elements"] == len(added)
    assert ch["package_n_elements_total"] == len(set(added) | set(april))
    de_minimis = next(r for r in package if r["kind"] == "de_minimis")
    assert f"{ch['de_minimis_pct']:g}%" in de_minimis["threshold"]
    assert ch["package_suspended_until"] == op.controls.long_date(timeline["cn-2025-11-no70"]["scheduled_end"])


def test_table_has_one_row_per_provision_with_its_rule():
    _, out = read()
    package = read_rows(DATA / "october_2025_package.csv")
    assert list(out["table"]["What it requires"]) == [r["rule"] for r in package]
    assert not out["table"].astype(str).apply(lambda c: c.str.contains(r"\d{4}-\d{2}-\d{2}")).any().any()


def test_helpers_refuse_what_they_cannot_read():
    assert op.percent("content at least 0.1% of value") == 0.1
    with pytest.raises(ValueError, match="no percentage"):
        op.percent("none")
    assert op.elements("Ho;Er; Tm;") == ["Ho", "Er", "Tm"]
    package = datasets.load("october_2025_package", DATA)
    timeline = datasets.load("export_control_timeline", DATA)
    with pytest.raises(ValueError, match="expected one row"):
        op.read(Chapter(DATA), package[package["kind"] != "de_minimis"], timeline)
    with pytest.raises(ValueError, match="no provision"):
        op.read(Chapter(DATA), package.iloc[0:0], timeline)
    assert isinstance(package, pd.DataFrame)
