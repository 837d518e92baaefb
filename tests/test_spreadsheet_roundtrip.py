"""Every dataset opened in LibreOffice Calc and saved again as CSV gives the same report.

The real client: ``soffice --headless --convert-to csv`` (Debian's libreoffice-calc-nogui, which
`make browser` installs). Each dataset goes through Calc with explicit UTF-8 import and export
options, and with the import an analyst gets when the spreadsheet's "detect special numbers" is
on (booleans come back TRUE/FALSE); the round-tripped folder must validate and every dataset must
read back, typed, exactly as before (the chapters compute from those frames). A file opened with
another character set is refused with the fix, never published as mojibake. A missing soffice is a
failure, not a skip: the round trip is part of what `make test` promises.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import datapackage, datasets
from pipeline.editions import textcells
from pipeline.stages import validate
from pipeline.errors import DataError
from report_root import REPO

DATA = REPO / "data"
UTF8 = "44,34,76,1"  # comma, double quote, UTF-8 (76), data from line 1
# import: + column types, language, quoted fields as text, detect special numbers (the Excel-like import)
SPECIAL_NUMBERS_IN = "44,34,76,1,,1033,false,true"
# the README's advice: every column imported as Text (format 2), so nothing is reinterpreted
ALL_TEXT_IN = "44,34,76,1," + "/".join(f"{i}/2" for i in range(1, 41))
OUT = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "soffice (LibreOffice) is not installed: run `make browser`, which installs libreoffice-calc-nogui"
    return found


def round_trip(source: Path, target: Path, files: list[str], infilter: str, profile: Path) -> None:
    """Open each file in Calc with ``infilter`` and save it as UTF-8 CSV into ``target``."""
    shutil.copytree(source, target)
    out = target.parent / f"{target.name}-calc"
    out.mkdir()
    proc = subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           f"--infilter=CSV:{infilter}", "--convert-to", OUT, "--outdir", str(out),
                           *[str(source / f) for f in files]],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    for name in files:
        converted = out / name
        assert converted.is_file(), f"LibreOffice wrote no {name}: {proc.stdout}{proc.stderr}"
        shutil.copyfile(converted, target / name)


def dataset_files() -> list[str]:
    package = datapackage.read_descriptor(DATA)
    return [r["path"] for r in package["resources"]]


def frames(data_dir: Path) -> dict[str, object]:
    package = datapackage.read_descriptor(data_dir)
    read = {r["name"]: datasets.load(r["name"], data_dir) for r in package["resources"]}
    read["sources (registry)"] = datasets.sources(data_dir)
    return read


@pytest.fixture(scope="module")
def original():
    return frames(DATA)


def text_cells_changed(before, after, columns) -> int:
    """How many cells of the text ``columns`` differ between two frames of the same rows."""
    return int(sum((before[c].fillna("") != after[c].fillna("")).sum() for c in columns))


@pytest.mark.parametrize("infilter", [UTF8, SPECIAL_NUMBERS_IN, ALL_TEXT_IN],
                         ids=["utf8-import", "special-numbers-import", "columns-as-text-import"])
def test_every_dataset_survives_a_libreoffice_round_trip(tmp_path, original, infilter, capsys):
    """Numbers, dates and booleans come back the same from every import; a text cell Calc reformats
    (its percent detection turns the note "+12%" into "12.00%" even with UTF-8 options) is listed
    by the build's text-cell check, never published unseen; with the columns imported as text (the
    README's advice) every dataset reads back exactly."""
    files = dataset_files()
    data = tmp_path / "data"
    round_trip(DATA, data, files, infilter, tmp_path / "profile")
    validate.validate_data(data)  # raises DataError naming file, row and column
    after = frames(data)
    package = datapackage.read_descriptor(DATA)
    listed = textcells.changed_text_cells({Path(f).name: (DATA / f).read_text(encoding="utf-8-sig") for f in files}, data)
    results = []
    for resource in package["resources"]:
        name = resource["name"]
        before, now = original[name], after[name]
        text = [f["name"] for f in resource["schema"]["fields"] if f.get("type", "string") == "string"]
        others = [c for c in before.columns if c not in text]
        assert now[others].equals(before[others]), f"{name}: a number, date or boolean changed"
        changed = text_cells_changed(before, now, text)
        mentioned = sum(f"data/{resource['path']}, row " in line for line in listed)
        assert changed == mentioned, f"{name}: {changed} text cells changed, {mentioned} listed: {listed}"
        bytes_same = (DATA / resource["path"]).read_bytes() == (data / resource["path"]).read_bytes()
        results.append((name, "bytes identical" if bytes_same else "bytes changed",
                        "rows identical" if not changed else f"{changed} text cell(s) reformatted, listed by the build"))
    with capsys.disabled():
        print(f"\nLibreOffice round trip, import options {infilter}:")
        for row in results:
            print("  " + " | ".join(row))
    if infilter == ALL_TEXT_IN:
        assert all(r[2] == "rows identical" for r in results), results
    assert after["sources (registry)"].equals(original["sources (registry)"])


def test_a_file_opened_with_the_wrong_character_set_is_refused(tmp_path):
    """sources.csv holds Chinese titles: opened as Windows-1252 and saved as UTF-8 they come back
    double-encoded. The build refuses it with the fix, before anything is published."""
    data = tmp_path / "data"
    round_trip(DATA, data, ["sources.csv"], "44,34,1,1", tmp_path / "profile")  # 1 = Windows-1252
    assert (data / "sources.csv").read_bytes() != (DATA / "sources.csv").read_bytes()
    with pytest.raises(DataError) as refused:
        validate.validate_data(data)
    message = str(refused.value)
    assert 'data/sources.csv, row ' in message and ", column " in message
    assert "open the file as UTF-8" in message and "(rule: utf8_text)" in message
