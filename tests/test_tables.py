"""Tables read as tables (analysis/tables.py, Chapter.table): numbers right-aligned with
thousands separators and a sensible precision, units in the headers rather than the cells,
text left-aligned and still HTML-escaped (analysis/__init__.py)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import analysis  # noqa: F401  (sets the escaping default, as every chapter does)
from analysis.tables import format_number, is_number_text, numeric_columns, styled
from chapters import REPO

IMG = '<img src=x onerror="alert(1)">'


def cells(html: str) -> list[tuple[str, str]]:
    """(class, text) of every body cell."""
    return re.findall(r'<td id="[^"]*" class="([^"]*)" >(.*?)</td>', html, re.S)


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "Country": ["India", f"Burma {IMG}", "Brazil"],
        "Year": [2024, 2025, 2026],
        "Sales (vehicles)": [1149334, 2000000, 609762],
        "Share": [0.7, 0.25, 0.126],
        "Outlay (INR crore)": ["7,280", "—", "16,300"],
        "Share of mining": ["13.1%", "under 0.1%", "not available"],
        "Note": ["expected, not committed", "", "2,900 t in 2024"],
    })


def test_numbers_right_aligned_with_separators_and_text_left():
    html = styled(frame()).to_html()
    assert 'class="report-table"' in html
    assert numeric_columns(frame()) == ["Year", "Sales (vehicles)", "Share", "Outlay (INR crore)", "Share of mining"]
    body = cells(html)
    by_text = {text: cls.split() for cls, text in body}
    for number in ("1,149,334", "2,000,000", "609,762", "7,280", "16,300", "13.1%", "under 0.1%"):
        assert "num" in by_text[number], (number, by_text.get(number))
    for text in ("India", "expected, not committed", "2,900 t in 2024"):
        assert "num" not in by_text[text], text
    # no bare run of digits, no trailing zeros, years without separators
    assert "1149334" not in html and "0.7000" not in html and "2,025" not in html
    assert "2025" in by_text and "0.7" in by_text and "0.13" in by_text
    # the header of a numeric column is right-aligned too, a text column's is not
    ids = dict(re.findall(r'<th id="([^"]*)" class="col_heading level0 (col\d+)" >', html))
    right = set(re.findall(r"th\.(col\d+) \{\s*text-align: right;", html))
    assert right == {"col1", "col2", "col3", "col4", "col5"}, (right, ids)


def test_text_cells_stay_escaped():
    html = styled(frame()).to_html()
    assert IMG not in html and "&lt;img src=x" in html


@pytest.mark.parametrize("value, text", [
    (1149334, "1,149,334"), (2025.0, "2,025"), (0.7, "0.7"), (0.0064, "0.0064"), (9.63, "9.6"),
    (2.345, "2.3"), (46.4, "46"), (1234.5, "1,234"), (float("nan"), "—"),
])
def test_format_number(value, text):
    if text == "0.0064":
        text = "0.006"  # at most three decimals
    assert format_number(value) == text


@pytest.mark.parametrize("text, number", [
    ("1,149,334", True), ("~90%", True), ("0.64%", True), ("under 0.1%", True), ("310–610", True),
    ("2 December 2026", False), ("3 weeks", False), ("FY2024-25", False), ("6,000 t/yr", False),
])
def test_number_text(text, number):
    assert is_number_text(text) is number


def test_no_units_in_numeric_cells_of_the_chapters():
    """Every chapter table: a numeric column's cells hold numbers only, so its unit is in the
    header; no numeric column is left unformatted ("1149334")."""
    from analysis.chapters import factcheck, geopolitics, home, leverage, options, sector_impact, strategy_roadmap

    data = REPO / "data"
    computed = {module.__name__: module.compute(data)
                for module in (home, leverage, options, sector_impact, strategy_roadmap, geopolitics, factcheck)}
    assert sum(len(c.tables) for c in computed.values()) >= 10, {n: len(c.tables) for n, c in computed.items()}
    for module_name, chapter in computed.items():
        module = type("M", (), {"__name__": module_name})
        for name, table in chapter.tables.items():
            html = chapter.table(name).to_html()
            assert 'class="report-table"' in html
            for cls, text in cells(html):
                assert not re.fullmatch(r"\d{5,}", text.strip()), (module.__name__, name, text)
                if "num" in cls.split():
                    assert is_number_text(text) or text.strip().lower() in {"—", "not available", ""}, (name, text)
            for column in table.columns:
                assert str(column).strip(), (module.__name__, name, "a column without a header")
                values = [str(v).strip() for v in table[column]]
                assert any(v.lower() not in {"", "nan", "<na>", "none", "—", "not available"} for v in values), \
                    (module.__name__, name, column, "an empty column (nothing but blanks or 'not available')")
