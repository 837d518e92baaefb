"""Load the shared datasets in ``data/`` for a chapter, and describe their sources.

A chapter may only read the datasets it declares (its notebook's front matter,
``report: datasets: [...]``). The execute stage passes that list to the kernel in the
``REPORT_DATASETS`` environment variable, so a read of an undeclared dataset fails loudly and
the data-aware cache, which hashes exactly the declared files, can never miss a changed input.
Outside a build (an analyst running a notebook by hand) the variable is unset and every
dataset may be read.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import datapackage

DECLARED_ENV = "REPORT_DATASETS"
SOURCES = datapackage.SOURCES_RESOURCE

# Frictionless field types → the pandas dtype used to read them. Dates stay text until a
# chapter asks for them as dates: parsing here would hide the ISO form the sources give.
_DTYPES = {
    "integer": "Int64",
    "year": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}


class UndeclaredDatasetError(RuntimeError):
    """A chapter read a dataset that its front matter does not declare."""


def declared_datasets() -> set[str] | None:
    """The datasets this kernel may read, or None when not run by the build."""
    value = os.environ.get(DECLARED_ENV)
    if value is None:
        return None
    return {name for name in value.split(",") if name}


@lru_cache(maxsize=8)
def _descriptor(data_dir: str) -> dict:
    return datapackage.read_descriptor(data_dir)


def resource(name: str, data_dir: str | Path) -> dict:
    """The datapackage.json entry of one dataset."""
    for res in _descriptor(str(data_dir))["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"no dataset named {name!r} in {Path(data_dir) / datapackage.DESCRIPTOR}")


def load(name: str, data_dir: str | Path) -> pd.DataFrame:
    """Read one dataset as a DataFrame typed from its schema.

    Raises UndeclaredDatasetError when the running chapter did not declare ``name``.
    """
    allowed = declared_datasets()
    if allowed is not None and name not in allowed:
        raise UndeclaredDatasetError(
            f"this chapter reads dataset {name!r} but does not declare it; add it to "
            f"'report: datasets:' in the notebook's front matter (declared: {sorted(allowed)})"
        )
    res = resource(name, data_dir)
    fields = res["schema"]["fields"]
    dtypes = {f["name"]: _DTYPES.get(f.get("type"), "string") for f in fields}
    # keep_default_na=False: "NA" is a country code in some datasets, and an empty cell is the
    # only way our data says "not available".
    frame = pd.read_csv(
        Path(data_dir) / res["path"],
        dtype="string",
        keep_default_na=False,
        na_values=[""],
        encoding=datapackage.ENCODING,
    )
    for column, dtype in dtypes.items():
        if column not in frame.columns:
            continue
        frame[column] = frame[column].map(datapackage.unguard, na_action="ignore")  # a download put back
        if dtype == "boolean":
            frame[column] = frame[column].str.lower().map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
        elif dtype != "string":
            frame[column] = pd.to_numeric(frame[column]).astype(dtype)
    return frame


def sources(data_dir: str | Path) -> pd.DataFrame:
    """The source registry, indexed by source id (always readable: every chapter cites)."""
    frame = pd.read_csv(datapackage.sources_path(data_dir, _descriptor(str(data_dir))), dtype="string",
                        keep_default_na=False, encoding=datapackage.ENCODING)
    frame = frame.apply(lambda column: column.map(datapackage.unguard, na_action="ignore"))  # a download put back
    return frame.set_index("id", drop=False)


def cite_text(source_ids, data_dir: str | Path) -> str:
    """A short source line: "Publisher, Title (date); …" for the given ids, in first-seen order."""
    registry = sources(data_dir)
    return "; ".join(source_label(registry.loc[sid]) for sid in dict.fromkeys(source_ids))


def source_label(row) -> str:
    """"Publisher, Title (year)" for one registry row; no empty brackets when the date is unknown."""
    year = (row["date"] or "")[:4]
    return f"{row['publisher']}, {row['title']}" + (f" ({year})" if year else "")
