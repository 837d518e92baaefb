"""No CSV the site offers starts a text cell with a formula character (=, +, -, @, tab, CR):
spreadsheets would run "-74% y/y" or "=HYPERLINK(…)" as a formula. Numbers are left as numbers
(a negative number stays a number). Covers the figures' data downloads and the datasets offered
on the Data and sources page."""

from __future__ import annotations

import csv
import io
import json
import re

from pipeline.pages.appendix import copy_dataset, inert

from report_root import REPO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def live_cells(path) -> list[str]:
    """Cells that a spreadsheet would take for a formula (a plain number is not one)."""
    return [f"row {n}, column {i + 1}: {cell[:40]!r}" for n, record in enumerate(rows(path), start=1)
            for i, cell in enumerate(record) if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell)]


RESOURCE = {"name": "t", "path": "t.csv", "schema": {"fields": [
    {"name": "note", "type": "string"}, {"name": "value", "type": "number"}, {"name": "count", "type": "integer"},
    {"name": "date", "type": "date"}]}}


def test_text_cells_are_made_inert_and_numbers_are_not(tmp_path):
    data, stage = tmp_path / "data", tmp_path / "stage"
    data.mkdir()
    (data / "t.csv").write_text(
        "note,value,count,date\r\n"
        '"-74% y/y",-5,-3,2025-04-01\r\n'
        '"=HYPERLINK(""http://x"")",-0.25,0,2025-05-01\r\n'
        "+12%,1e-3,7,2025-06-01\r\n"
        "@user,12.5,-1,2025-07-01\r\n"
        "plain text,0,1,2025-08-01\r\n", encoding="utf-8")
    copied = rows(copy_dataset(data, stage, RESOURCE))
    assert [r[0] for r in copied[1:]] == ["'-74% y/y", "'=HYPERLINK(\"http://x\")", "'+12%", "'@user", "plain text"]
    assert [r[1:] for r in copied] == [r[1:] for r in rows(data / "t.csv")], "numbers and dates unchanged"
    assert not live_cells(stage / "datasets" / "t.csv")


def test_a_dataset_without_formula_cells_is_copied_byte_for_byte(tmp_path):
    data, stage = tmp_path / "data", tmp_path / "stage"
    data.mkdir()
    original = "\ufeffnote,value,count,date\r\nok,-5,-3,2025-04-01\r\n".encode("utf-8")
    (data / "t.csv").write_bytes(original)
    assert copy_dataset(data, stage, RESOURCE).read_bytes() == original


def test_inert():
    assert inert("-74%") == "'-74%" and inert("=1+1") == "'=1+1" and inert("text") == "text" and inert("") == ""


def test_no_csv_in_the_built_site_starts_a_text_cell_with_a_formula_character(built_site):
    found = sorted(built_site.rglob("*.csv"))
    assert any("_downloads" in p.parts for p in found), "no dataset downloads found"
    assert any("figures" in p.parts for p in found), "no figure data downloads found"
    bad = {str(p.relative_to(built_site)): live_cells(p) for p in found}
    bad = {k: v[:3] for k, v in bad.items() if v}
    assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)


def dataset_download(site, path: str):
    """The dataset offered on the Data and sources page (Sphinx puts it in _downloads/<hash>/)."""
    found = sorted(site.glob(f"_downloads/*/{path.rsplit('/', 1)[-1]}"))
    return found[0] if found else None


def test_dataset_downloads_keep_every_value(built_site):
    """Each offered dataset holds the same cells as data/, but for the apostrophe before a formula."""
    package = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8-sig"))
    checked = 0
    for resource in package["resources"]:
        offered = dataset_download(built_site, resource["path"])
        if offered is None:
            continue
        original, copy = rows(REPO / "data" / resource["path"]), rows(offered)
        assert len(copy) == len(original), resource["path"]
        for a_row, b_row in zip(original, copy):
            assert [b[1:] if b.startswith("'") and a.startswith(FORMULA_START) else b for a, b in zip(a_row, b_row)] == a_row
        checked += 1
    assert checked >= len(package["resources"]) - 1, f"only {checked} datasets offered"
