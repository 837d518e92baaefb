"""Spreadsheet-safe data: mojibake refused, spreadsheet booleans and the site's own downloads read
back as the data they came from, and text cells that a spreadsheet changed listed by the build."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from analysis import datapackage, datasets
from pipeline.pages import appendix
from pipeline.editions import textcells
from pipeline.stages import validate
from pipeline.errors import DataError
from report_root import REPO

DATA = REPO / "data"


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def frames(data_dir: Path) -> dict:
    package = datapackage.read_descriptor(data_dir)
    read = {r["name"]: datasets.load(r["name"], data_dir) for r in package["resources"]}
    read["sources (registry)"] = datasets.sources(data_dir)
    return read


def rewrite(path: Path, change) -> None:
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([records[0]] + [change(records[0], r) for r in records[1:]])
    path.write_text(out.getvalue(), encoding="utf-8")


# --- mojibake ---------------------------------------------------------------------------------------


def double_encoded(text: str) -> str:
    """``text`` saved as UTF-8, opened as Windows-1252 (Latin-1 for its five unassigned bytes), saved again."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


@pytest.mark.parametrize("good", ["é", "’", "–", "中國"])
def test_double_encoded_text_is_refused_with_the_fix(data, good):
    bad = double_encoded(good)
    path = data / "sources.csv"
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows[2] = rows[2].replace(",", f",Note {bad} here ", 1)  # row 3, the second column
    path.write_text("".join(rows), encoding="utf-8")
    with pytest.raises(DataError) as refused:
        validate.validate_data(data)
    [line] = [p for p in str(refused.value).splitlines() if "utf8_text" in p]
    header = rows[0].split(",")
    assert line.startswith(f'[validate] data/sources.csv, row 3, column "{header[1]}": the text is double-encoded UTF-8')
    assert "open the file as UTF-8" in line and 'reads "' in line and f"Note {good} here" in line


@pytest.mark.parametrize("text", ["Café", "Zürich 2–3 t", "“quoted” — 中国", "Â", "naïve façade", "São Paulo"])
def test_real_non_ascii_text_is_not_mojibake(text):
    assert validate.mojibake_repair(text) is None


def test_the_data_page_states_the_rule_checked_on_every_dataset(data, tmp_path):
    page = appendix.compute(data)
    assert page["checks"].startswith("no text that was opened with the wrong character set")


# --- booleans ---------------------------------------------------------------------------------------


def test_frictionless_boolean_defaults_are_what_the_descriptor_accepts():
    from frictionless import settings

    package = datapackage.read_descriptor(DATA)
    booleans = [f for r in package["resources"] for f in r["schema"]["fields"] if f.get("type") == "boolean"]
    assert booleans
    for spec in booleans:
        assert spec["trueValues"] == settings.DEFAULT_TRUE_VALUES
        assert spec["falseValues"] == settings.DEFAULT_FALSE_VALUES


@pytest.mark.parametrize("spelling", [("TRUE", "FALSE"), ("True", "False"), ("1", "0")])
def test_spreadsheet_booleans_read_as_the_same_data(data, spelling):
    original = frames(DATA)
    package = datapackage.read_descriptor(data)
    for resource in package["resources"]:
        columns = {f["name"] for f in resource["schema"]["fields"] if f.get("type") == "boolean"}
        if columns:
            rewrite(data / resource["path"], lambda header, row: [
                {"true": spelling[0], "false": spelling[1]}.get(c, c) if header[i] in columns else c
                for i, c in enumerate(row)])
    validate.validate_data(data)
    after = frames(data)
    assert all(after[name].equals(frame) for name, frame in original.items())


# --- the site's own downloads put back ------------------------------------------------------------------


def test_the_sites_downloads_put_back_read_as_the_data_and_publish_no_guard(data, tmp_path):
    original = frames(DATA)
    package = datapackage.read_descriptor(DATA)
    stage = tmp_path / "stage"
    guarded = 0
    for resource in package["resources"]:
        download = appendix.copy_dataset(DATA, stage, resource)  # exactly what the site offers
        text = download.read_text(encoding="utf-8")
        guarded += sum(cell.startswith("'") for row in csv.reader(io.StringIO(text)) for cell in row)
        shutil.copyfile(download, data / resource["path"])
    assert guarded > 0, "the data have cells the downloads guard (notes such as -51% m/m)"
    validate.validate_data(data)
    after = frames(data)
    assert all(after[name].equals(frame) for name, frame in original.items())
    # and what is published from them is what is published from data/: downloads and zip
    for resource in package["resources"]:
        again = appendix.copy_dataset(data, tmp_path / "again", resource)
        assert again.read_bytes() == (stage / appendix.DATASETS_DIR / resource["path"]).read_bytes()
        assert "''" not in again.read_text(encoding="utf-8")
        published = list(csv.reader(io.StringIO(datapackage.unguarded_bytes(data / resource["path"]).decode("utf-8"))))
        assert published == list(csv.reader(io.StringIO((DATA / resource["path"]).read_text(encoding="utf-8-sig"))))


def test_unguard_removes_only_the_guard():
    assert datapackage.unguard("'+12%") == "+12%"
    assert datapackage.unguard("'-51% m/m") == "-51% m/m"
    assert datapackage.unguard("'=SUM(A1)") == "=SUM(A1)"
    assert datapackage.unguard("'quoted'") == "'quoted'"  # an apostrophe that guards nothing stays
    assert datapackage.unguard("+12%") == "+12%"


# --- text cells changed since the published report ---------------------------------------------------------


def test_a_reformatted_note_is_listed_against_the_published_data(data, tmp_path):
    site = tmp_path / "site"
    (site / "_downloads" / "abc").mkdir(parents=True)
    with zipfile.ZipFile(site / "_downloads" / "abc" / "report-data.zip", "w") as archive:
        for path in sorted(DATA.glob("*.csv")):
            archive.writestr(f"report-data/{path.name}", path.read_bytes())
    assert textcells.since_published_warnings(site, data) == []  # nothing changed
    path = data / "india_ev_sales.csv"
    text = path.read_text(encoding="utf-8")
    assert "+12%" in text
    path.write_text(text.replace("+12%", "12.00%", 1), encoding="utf-8")
    lines = textcells.since_published_warnings(site, data)
    assert lines[0].startswith("text cells changed since the published report: 1")
    assert len(lines) == 2 and 'data/india_ev_sales.csv, row ' in lines[1]
    assert "+12%" in lines[1] and "12.00%" in lines[1] and ", column \"note\": " in lines[1]
    assert textcells.since_published_warnings(tmp_path / "nothing-published", data) == []
