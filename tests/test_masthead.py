"""The masthead: the report: block read in one place, and the report's one date style."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from masthead.dates import MONTHS, long_date, to_day
from masthead.report import credit_line, meta, nearest_config, read_report, report_block
from report_root import REPO


@pytest.mark.parametrize("value", ["2026-12-01", dt.date(2026, 12, 1), dt.datetime(2026, 12, 1, 9, 30),
                                   pd.Timestamp("2026-12-01"), "2026-12-01T09:30:00"])
def test_long_date_writes_the_house_style(value):
    assert long_date(value) == "1 December 2026"


@pytest.mark.parametrize("value", [None, "", float("nan"), pd.NaT, pd.NA])
def test_a_missing_date_is_an_error_not_a_blank(value):
    assert to_day(value) is None
    with pytest.raises(ValueError, match="no date"):
        long_date(value)


def test_a_date_that_is_not_iso_is_refused():
    with pytest.raises(ValueError, match="not an ISO date"):
        long_date("1 December 2026")


def test_one_table_of_months():
    assert [long_date(dt.date(2026, m, 9)).split()[1] for m in range(1, 13)] == list(MONTHS)


def test_report_block_takes_the_book_title_and_writes_as_of_as_text():
    block = report_block({"title": "Book", "report": {"as_of": dt.date(2026, 11, 30), "edition": "First"}})
    assert block == {"title": "Book", "as_of": "2026-11-30", "edition": "First"}
    assert report_block({"title": "Book", "report": {"title": "Report"}})["title"] == "Report"
    assert report_block({}) == {}


def test_the_repository_masthead_and_credit_line(tmp_path, monkeypatch):
    config = REPO / "book" / "_config.yml"
    m = meta(read_report(config))
    assert m.long_date == long_date(m.edition_date)
    assert credit_line(m).startswith(f"{m.short_title}, {m.edition} ({m.long_date})")
    assert read_report(tmp_path / "_config.yml") == {}
    (tmp_path / "chapter").mkdir()
    monkeypatch.chdir(tmp_path / "chapter")
    assert nearest_config() is None or nearest_config() != config
    (tmp_path / "_config.yml").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    assert nearest_config() == tmp_path / "_config.yml"
    # a chapter run by hand from the repository's root finds the book's configuration
    (tmp_path / "_config.yml").unlink()
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "_config.yml").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    assert nearest_config() == tmp_path / "book" / "_config.yml"
