"""The build's list of what changed in the text of data/ since the published report
(scripts/pipeline/editions/textcells.py): changed cells, and rows added and removed, each named
by the dataset's primary key, so that a row a spreadsheet added or dropped is seen before it is
published. In-process on a copy of data/ against a published data zip made from data/."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from pipeline.editions import textcells
from report_root import REPO

DATA = REPO / "data"


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


@pytest.fixture
def site(tmp_path):
    """A published report's folder holding only its data zip (data/ as it is in the repository)."""
    folder = tmp_path / "site"
    (folder / "_downloads" / "abc").mkdir(parents=True)
    with zipfile.ZipFile(folder / "_downloads" / "abc" / "report-data.zip", "w") as archive:
        for path in sorted(DATA.glob("*.csv")):
            archive.writestr(f"report-data/{path.name}", path.read_bytes())
    return folder


def edit_lines(path, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(change(lines)), encoding="utf-8")


def test_rows_added_and_removed_are_listed_by_their_key(data, site):
    assert textcells.since_published_warnings(site, data) == []
    production = data / "mine_production_by_country.csv"
    text = production.read_text(encoding="utf-8")
    india = next(line for line in text.splitlines() if line.startswith("India,IND,2024,"))
    removed_row = text.splitlines().index(india) + 1  # its row number in the published file (header = row 1)
    # a row added (a new year for India, with a note) and the 2024 row removed
    edit_lines(production, lambda lines: [ln for ln in lines if ln.rstrip("\n") != india]
               + ["India,IND,2030,3100,t REO,true,reported,usgs-mcs-2025,a new estimate\n"])
    added_row = len(production.read_text(encoding="utf-8").splitlines())

    source = india.split(",")[7]

    lines = textcells.since_published_warnings(site, data)
    assert lines[0].startswith("text cells changed since the published report: 0; rows added: 1, removed: 1 — ")
    assert lines[1:] == [
        f"  data/mine_production_by_country.csv, row {added_row} (country=India, year=2030, source_id=usgs-mcs-2025):"
        ' row added — iso3 "IND"; unit "t REO"; basis "reported"; note "a new estimate"',
        f"  data/mine_production_by_country.csv, published row {removed_row}"
        f" (country=India, year=2024, source_id={source}): row removed",
    ]


def test_a_changed_key_is_a_row_removed_and_a_row_added_and_cells_still_compare(data, site):
    """Renaming a key (a spreadsheet turning a period into a date, say) is not a changed cell: the
    old row is gone and a new one is there. Cells of rows present in both are compared as before."""
    sales = data / "india_ev_sales.csv"
    first = next(i for i, ln in enumerate(sales.read_text(encoding="utf-8").splitlines()) if ln.startswith("FY2023-24,"))
    edit_lines(sales, lambda lines: [ln.replace("+15.6%", "15.60%") if i != first else "2023-24," + ln[len("FY2023-24,"):]
                                     for i, ln in enumerate(lines)])
    lines = textcells.since_published_warnings(site, data)
    assert lines[0].startswith("text cells changed since the published report: 1; rows added: 1, removed: 1")
    body = lines[1:]
    assert len(body) == 3, body
    assert body[0].startswith("  data/india_ev_sales.csv, row 2 (period=FY2024-25, counter=JMK Research, segment=total),"
                              ' column "note": ')
    assert '"+15.6%' not in body[0].split(" → ")[1] and "15.60%" in body[0]
    assert body[1].startswith("  data/india_ev_sales.csv, row 3 (period=2023-24, counter=JMK Research, segment=total):"
                              " row added — ")
    assert body[2] == ("  data/india_ev_sales.csv, published row 3 (period=FY2023-24, counter=JMK Research,"
                       " segment=total): row removed")
    # changed_text_cells gives the same lines, without the heading
    before = textcells.published_data(site)
    assert textcells.changed_text_cells(before, data) == body


def test_many_changes_are_cut_to_a_readable_list(data, site):
    path = data / "mine_production_by_country.csv"
    extra = [f"Testland,TST,{year},1,t REO,true,reported,usgs-mcs-2025,\n" for year in range(1990, 2020)]
    edit_lines(path, lambda lines: lines + extra)
    lines = textcells.since_published_warnings(site, data)
    assert lines[0].startswith("text cells changed since the published report: 0; rows added: 30, removed: 0")
    assert len(lines) == 1 + textcells.SHOWN + 1
    assert lines[-1] == f"  … and {30 - textcells.SHOWN} more"
    # each with its text cells, the empty note left out
    assert all(line.endswith(': row added — iso3 "TST"; unit "t REO"; basis "reported"') for line in lines[1:-1]), lines
