"""The text cells of data/ that differ from the published report's, listed at the end of a build.

A spreadsheet can change text without a word from the validator: a note "+12%" saved back as
"12.00%", a date-like label turned into another date. Numbers are checked; text is free. So each
build compares the text cells (string columns) of every dataset with the data the published
report was built from (the data zip it offers, which holds data/ as it was) and prints each cell
that changed, before the new report is looked at. Rows are matched by the dataset's primary key
(by position when it has none); added and removed rows are counted, not listed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path, PurePosixPath

from analysis.datapackage import DESCRIPTOR, as_list, csv_text, read_descriptor, unguard

SHOWN = 20
TEXT_TYPES = {"string"}


def published_data(output: Path) -> dict[str, str]:
    """file name → CSV text of the data the published report at ``output`` was built from ({} when
    nothing is published there, or it offers no data zip)."""
    zips = sorted(Path(output).glob("_downloads/*/*-data.zip"))
    if not zips:
        return {}
    try:
        with zipfile.ZipFile(zips[-1]) as archive:
            return {PurePosixPath(name).name: archive.read(name).decode("utf-8-sig", errors="replace")
                    for name in archive.namelist() if name.endswith(".csv")}
    except (OSError, zipfile.BadZipFile):
        return {}


def _rows(text: str) -> tuple[list[str], list[list[str]]]:
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    if not records:
        return [], []
    return records[0], [[unguard(c) for c in r] for r in records[1:]]


def changed_text_cells(before: dict[str, str], data_dir: Path, package: dict | None = None) -> list[str]:
    """One line per text cell whose value differs from ``before`` (file name → CSV text)."""
    data_dir = Path(data_dir)
    package = package if package is not None else read_descriptor(data_dir)
    lines: list[str] = []
    for resource in package.get("resources", []):
        path = resource.get("path", "")
        name = PurePosixPath(path).name
        if name not in before or not (data_dir / path).is_file():
            continue
        fields = resource.get("schema", {}).get("fields", [])
        text_columns = [f["name"] for f in fields if isinstance(f, dict) and f.get("type", "string") in TEXT_TYPES]
        key = as_list(resource.get("schema", {}).get("primaryKey"))
        old_header, old_rows = _rows(before[name])
        new_header, new_rows = _rows(csv_text(data_dir / path))

        def keyed(header, rows):
            index = {c: i for i, c in enumerate(header)}
            if key and all(k in index for k in key):
                return {tuple(r[index[k]] if index[k] < len(r) else "" for k in key): (n, r)
                        for n, r in enumerate(rows, start=2)}
            return {(str(n),): (n, r) for n, r in enumerate(rows, start=2)}

        old, new = keyed(old_header, old_rows), keyed(new_header, new_rows)
        old_at, new_at = {c: i for i, c in enumerate(old_header)}, {c: i for i, c in enumerate(new_header)}
        for k, (n, row) in new.items():
            if k not in old:
                continue
            previous = old[k][1]
            for column in text_columns:
                if column not in old_at or column not in new_at:
                    continue
                was = previous[old_at[column]] if old_at[column] < len(previous) else ""
                now = row[new_at[column]] if new_at[column] < len(row) else ""
                if was != now:
                    which = ", ".join(f"{c}={v}" for c, v in zip(key, k)) if key else f"row {n}"
                    lines.append(f'  data/{path}, row {n} ({which}), column "{column}": "{was}" → "{now}"')
        added, removed = len(set(new) - set(old)), len(set(old) - set(new))
        if added or removed:
            lines.append(f"  data/{path}: {added} row{'s' if added != 1 else ''} added,"
                         f" {removed} removed (their text is new or gone, not compared)")
    return lines


def since_published(output: Path, data_dir: Path) -> list[str]:
    """What the build prints at its end: the text cells that differ from the published report's
    data, or nothing when there is no published report to compare with."""
    before = published_data(output)
    if not before or not (Path(data_dir) / DESCRIPTOR).is_file():
        return []
    lines = changed_text_cells(before, data_dir)
    cells = [line for line in lines if ", column " in line]
    if not cells:
        return []
    head = (f"text cells changed since the published report: {len(cells)} — check that each reads as"
            " intended (a spreadsheet may have reformatted it)")
    shown = lines[:SHOWN] + ([f"  … and {len(lines) - SHOWN} more"] if len(lines) > SHOWN else [])
    return [head, *shown]
