"""The text cells of data/ that differ from the published report's, listed at the end of a build.

A spreadsheet can change text without a word from the validator: a note "+12%" saved back as
"12.00%", a date-like label turned into another date. Numbers are checked; text is free. So each
build compares the text cells (string columns) of every dataset with the data the published
report was built from (the data zip it offers, which holds data/ as it was) and prints each cell
that changed, before the new report is looked at. Rows are matched by the dataset's primary key
(by position when it has none); a row added is listed with its key and its text cells, a row
removed with its key and the row it was in the published data.
"""

from __future__ import annotations

import collections
import csv
import io
import zipfile
from pathlib import Path, PurePosixPath

from analysis.datapackage import DESCRIPTOR, as_list, csv_text, read_descriptor, unguard

SHOWN = 20
TEXT_TYPES = {"string"}
ADDED, REMOVED = "row added", "row removed"


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
    """One line per text cell whose value differs from ``before`` (file name → CSV text), then per
    row added and per row removed (matched by the dataset's primary key)."""
    return [line for _kind, line in changes(before, data_dir, package)]


def changes(before: dict[str, str], data_dir: Path, package: dict | None = None) -> list[tuple[str, str]]:
    """(kind, line) for each change: kind is "cell", ADDED or REMOVED."""
    data_dir = Path(data_dir)
    package = package if package is not None else read_descriptor(data_dir)
    lines: list[tuple[str, str]] = []
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

        def cell(at, row, column):
            return row[at[column]] if at[column] < len(row) else ""

        def which(k, n):
            return ", ".join(f"{c}={v}" for c, v in zip(key, k)) if key else f"row {n}"

        for k, (n, row) in new.items():
            if k not in old:
                texts = "; ".join(f'{c} "{cell(new_at, row, c)}"' for c in text_columns
                                  if c in new_at and c not in key and cell(new_at, row, c))
                lines.append((ADDED, f"  data/{path}, row {n} ({which(k, n)}): {ADDED}" + (f" — {texts}" if texts else "")))
                continue
            previous = old[k][1]
            for column in text_columns:
                if column not in old_at or column not in new_at:
                    continue
                was, now = cell(old_at, previous, column), cell(new_at, row, column)
                if was != now:
                    lines.append(("cell", f'  data/{path}, row {n} ({which(k, n)}), column "{column}": "{was}" → "{now}"'))
        for k, (n, _row) in old.items():
            if k not in new:
                lines.append((REMOVED, f"  data/{path}, published row {n} ({which(k, n)}): {REMOVED}"))
    return lines


def since_published_warnings(output: Path, data_dir: Path) -> list[str]:
    """What the build prints at its end: the text cells that differ from the published report's
    data and the rows added to it or removed from it, or nothing when there is no published report
    to compare with."""
    before = published_data(output)
    if not before or not (Path(data_dir) / DESCRIPTOR).is_file():
        return []
    found = changes(before, data_dir)
    if not found:
        return []
    kinds = collections.Counter(kind for kind, _line in found)
    cells, added, removed = kinds["cell"], kinds[ADDED], kinds[REMOVED]
    lines = [line for _kind, line in found]
    rows = f"; rows added: {added}, removed: {removed}" if added or removed else ""
    head = (f"text cells changed since the published report: {cells}{rows} — check that each reads as"
            " intended (a spreadsheet may have reformatted it)")
    shown = lines[:SHOWN] + ([f"  … and {len(lines) - SHOWN} more"] if len(lines) > SHOWN else [])
    return [head, *shown]
