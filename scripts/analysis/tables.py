"""How a chapter's table is shown: one place for every table's look (``Chapter.table``).

A table reads as a table in a published report: numbers right-aligned with thousands
separators and a sensible precision, units in the column headers (the chapter module names
them so: "Outlay (INR crore)", "Capacity (t/yr)"), text left-aligned. The look itself (rules,
zebra rows, padding, wrapping, print) is ``.report-table`` in ``book/_static/report.css``.

A column is numeric when its cells are numbers: numeric dtypes, or text cells that are
numbers as the chapter wrote them ("1,149,334", "0.64%", "~90%", "under 0.1%", "310–610"),
with "—", "not available" and blanks allowed among them. Numeric columns get the class
``num`` on their cells (right-aligned, with their header); text columns with long cells get
``long`` (a minimum width, so a narrow screen scrolls rather than stacking words). Numeric
dtypes are written with separators. Cells stay HTML-escaped (``analysis/__init__.py``): an
explicit ``format`` must pass ``escape="html"``.
"""

from __future__ import annotations

import math
import re

import pandas as pd

# A number as a chapter writes it in a cell: optional qualifier, sign, digits with separators,
# decimals, a range, a percent sign.
NUMBER = re.compile(
    r"^(?:[~≈<>≤≥]\s?|(?:under|over|about|up to)\s)?[-−+]?\d[\d,]*(?:\.\d+)?"
    r"(?:\s?[–-]\s?\d[\d,]*(?:\.\d+)?)?\s?%?$"
)
LONG = 60  # characters: a text column with a longer cell is "long" (kept readable when narrow)
PLACEHOLDERS = {"", "—", "–", "-", "not available", "n/a", "none"}


def _blank(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def is_number_text(value) -> bool:
    """True for a cell that reads as a number ("1,149,334", "9.6%", "~90%", "under 0.1%")."""
    return isinstance(value, str) and bool(NUMBER.match(value.strip()))


def is_year_column(name, column: pd.Series) -> bool:
    """Integers that are years (2025, not "2,025")."""
    values = column.dropna()
    return ("year" in str(name).lower() and pd.api.types.is_integer_dtype(column)
            and len(values) > 0 and values.between(1800, 2200).all())


def numeric_columns(frame: pd.DataFrame) -> list:
    """The columns whose cells are all numbers (placeholders and blanks allowed, not all of them)."""
    out = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column):
            continue
        if pd.api.types.is_numeric_dtype(column):
            out.append(name)
            continue
        cells = [v for v in column if not _blank(v)]
        if not all(isinstance(v, str) for v in cells):
            continue
        real = [v for v in cells if v.strip().lower() not in PLACEHOLDERS]
        if real and all(is_number_text(v) for v in real):
            out.append(name)
    return out


def format_number(value, *, year: bool = False) -> str:
    """A number as a reader quotes it: thousands separators, no trailing zeros ("0.7", not "0.7000")."""
    if _blank(value):
        return "—"
    if year:
        return str(int(value))
    if isinstance(value, (int,)) or (hasattr(value, "is_integer") and float(value).is_integer()):
        return f"{int(value):,}"
    value = float(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    # two significant figures below 100 (model outputs), at most three decimals
    digits = max(0, min(3, 1 - int(math.floor(math.log10(abs(value))))))
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def styled(frame: pd.DataFrame):
    """The table as the report shows it: a Styler without index, class ``report-table``,
    numeric columns right-aligned (class ``num``) and numeric dtypes formatted."""
    numeric = numeric_columns(frame)
    style = frame.style.hide(axis="index").set_table_attributes('class="report-table"')
    for name in numeric:
        if pd.api.types.is_numeric_dtype(frame[name]):
            year = is_year_column(name, frame[name])
            style = style.format(lambda v, year=year: format_number(v, year=year), subset=[name], escape="html")
    classes = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for name in numeric:
        classes[name] = "num"
    for name in frame.columns:  # long text wraps in a column wide enough to read (report.css)
        if name not in numeric and frame[name].map(lambda v: len(str(v)) if not _blank(v) else 0).max() > LONG:
            classes[name] = "long"
    style = style.set_td_classes(classes)
    # the header of a numeric column sits over its numbers (right), as in print
    style = style.set_table_styles(
        {name: [{"selector": "th", "props": "text-align: right;"}] for name in numeric}, overwrite=False)
    return style
