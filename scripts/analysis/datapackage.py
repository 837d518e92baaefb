"""The one door to ``data/``: the descriptor, the CSV files and the names every reader shares.

Validation (pipeline/stages/validate.py), the data appendix (pipeline/pages/appendix.py), the chapter cache
(pipeline/speed/cache.py) and the chapters (analysis/datasets.py) all read ``datapackage.json`` and the
CSV files through these functions, so they agree on the encoding (UTF-8, with or without a
byte-order mark, as a spreadsheet saves it), on where a resource's file is, and on the names of
the source registry and the source-id columns. Nothing here needs pandas.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

DESCRIPTOR = "datapackage.json"
SOURCES_RESOURCE = "sources"  # the source registry's resource name
SOURCES_FILE = "sources.csv"
SOURCE_ID_FIELDS = ("source_id", "authoritative_source_id")  # columns that cite the registry
ENCODING = "utf-8-sig"  # UTF-8; a leading byte-order mark is dropped


def descriptor_text(data_dir: Path | str) -> str:
    """``datapackage.json`` as text (raises FileNotFoundError, UnicodeDecodeError)."""
    return (Path(data_dir) / DESCRIPTOR).read_bytes().decode(ENCODING)


def read_descriptor(data_dir: Path | str) -> dict:
    """The parsed descriptor (raises FileNotFoundError, UnicodeDecodeError, ValueError)."""
    return json.loads(descriptor_text(data_dir))


def resource_paths(package: dict) -> dict[str, str]:
    """name → path (relative to the data folder) of every resource the descriptor declares."""
    return {r["name"]: r.get("path", f"{r['name']}.csv") for r in package.get("resources", []) if "name" in r}


def find_resource(package: dict, name: str) -> dict | None:
    return next((r for r in package.get("resources", []) if r.get("name") == name), None)


def sources_path(data_dir: Path | str, package: dict | None = None) -> Path:
    """The source registry's file: as the descriptor maps it, else ``sources.csv``."""
    try:
        resource = find_resource(package if package is not None else read_descriptor(data_dir), SOURCES_RESOURCE)
    except (FileNotFoundError, ValueError):
        resource = None
    return Path(data_dir) / (resource.get("path", SOURCES_FILE) if resource else SOURCES_FILE)


def csv_text(path: Path) -> str:
    """A CSV file's text for checking: undecodable bytes are kept (surrogate escapes) so that
    validation can point at them by row and column; a byte-order mark is dropped."""
    return path.read_bytes().decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's non-blank rows as dicts of text (the downloads' formula guard removed)."""
    with path.open(encoding=ENCODING, newline="") as handle:
        return [{k: unguard(v) for k, v in row.items()} for row in csv.DictReader(handle)
                if any((v or "").strip() for v in row.values())]


# The site's CSV downloads put an apostrophe before a text cell that a spreadsheet would run as a
# formula ("'+12%", pipeline/appendix.py). A download put back into data/ is read without it, so
# the guard is never published as part of the text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def unguard(cell):
    """The cell without the downloads' formula guard: "'+12%" → "+12%"; anything else unchanged."""
    if isinstance(cell, str) and cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def unguarded_bytes(path: Path) -> bytes:
    """The file as published: its own bytes, or, when it holds guarded cells (a download put back),
    the same table without the guards."""
    raw = Path(path).read_bytes()
    text = raw.decode(ENCODING)
    records = list(csv.reader(io.StringIO(text, newline="")))
    clean = [[unguard(c) for c in record] for record in records]
    if clean == records:
        return raw
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(clean)
    return out.getvalue().encode("utf-8")


def as_list(value) -> list:
    """A descriptor value that may be one item or a list, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
