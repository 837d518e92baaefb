"""Edits the generated-edit tests found a traceback or an unlocated message for, each refused
with its file, row and column (scripts/pipeline/stages/validate.py)."""

from __future__ import annotations

import shutil

import pytest

from pipeline.errors import DataError
from pipeline.stages.validate import validate_data

from report_root import REPO

FILE = "reserves_by_country.csv"


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    return folder


def refusal(data, content: bytes) -> list[str]:
    (data / FILE).write_bytes(content)
    with pytest.raises(DataError) as caught:
        validate_data(data)
    return caught.value.args[0].splitlines()


def header_and_row(data) -> tuple[bytes, bytes]:
    lines = (data / FILE).read_bytes().splitlines(keepends=True)
    return lines[0], lines[1]


def test_a_file_cut_inside_a_quoted_cell(data):
    head, row = header_and_row(data)
    lines = refusal(data, head + row + b'World,WLD,"MCS 2025')
    assert lines[0].startswith(f'data/{FILE}, row 3, column "edition": not readable as CSV — a quoted cell is not closed')


def test_text_after_a_closing_quote(data):
    head, row = header_and_row(data)
    lines = refusal(data, head + b'"China"x,' + row.split(b",", 1)[1])
    assert lines[0].startswith(f'data/{FILE}, row 2, column "country": not readable as CSV')


def test_a_nul_byte(data):
    head, row = header_and_row(data)
    lines = refusal(data, head + row[:3] + b"\x00" + row[3:])
    assert lines == [f'data/{FILE}, row 2, column "country": holds a NUL byte — the file is damaged or is not a text'
                     " CSV (rule: csv)"]


def test_utf16(data):
    text = (data / FILE).read_text(encoding="utf-8")
    lines = refusal(data, text.encode("utf-16"))
    assert lines == [f"data/{FILE}, row 1: the file is saved as UTF-16 — save it as UTF-8 (rule: encoding)"]


def test_a_line_break_in_a_quoted_cell_is_shown_escaped(data):
    head, row = header_and_row(data)
    cells = row.decode().rstrip("\n").split(",")
    cells[3] = '"12\n000"'
    lines = refusal(data, head + ",".join(cells).encode() + b"\n")
    assert len(lines) == 1 and lines[0].startswith(f'data/{FILE}, row 2, column "reserves"'), lines
    assert 'got "12\\n000"' in lines[0]


@pytest.mark.parametrize("value", ["1e309", "-1e400", "9" * 400])
def test_a_number_beyond_what_a_float_holds(data, value):
    head, row = header_and_row(data)
    cells = row.decode().rstrip("\n").split(",")
    cells[3] = value
    lines = refusal(data, head + ",".join(cells).encode() + b"\n")
    assert lines[0].startswith(f'data/{FILE}, row 2, column "reserves": value must be a plain number'), lines


@pytest.mark.parametrize("value", ["１２", "١٢٣", "12\u0663"])
def test_digits_other_than_0_to_9(data, value):
    """float() and \\d accept full-width and Arabic-Indic digits; pandas, reading for a chapter, does not."""
    head, row = header_and_row(data)
    cells = row.decode().rstrip("\n").split(",")
    cells[3] = value
    lines = refusal(data, head + ",".join(cells).encode() + b"\n")
    assert lines[0].startswith(f'data/{FILE}, row 2, column "reserves": value must be a plain number'), lines


def test_a_pattern_digit_is_0_to_9(data):
    path = data / "china_magnet_exports_monthly.csv"
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")[0]  # a month, YYYY-MM
    path.write_text(text.replace(first, first.translate(str.maketrans("0123456789", "０１２３４５６７８９")), 1),
                    encoding="utf-8")
    with pytest.raises(DataError) as caught:
        validate_data(data)
    assert 'data/china_magnet_exports_monthly.csv, row 2, column "month": value must match the pattern' in caught.value.args[0]
