"""China's October 2025 package (MOFCOM/GAC Announcements 2025 Nos. 55-58, 61 and 62), read for India.

``read(ch, package, timeline)`` takes the provision-by-provision rows of ``october_2025_package``
and the export-control timeline, and records what a reader needs to judge the package's return:
how many provisions, which elements it would add to the seven already licensed under No. 18, the
de-minimis threshold and its start, the ownership threshold of the military-user denial, the
chip thresholds of the case-by-case review, and when No. 70's suspension was scheduled to end.
It returns the provisions as a table (the rule text is the dataset's, cell for cell) with the
source ids used. Thresholds are read from the data, never typed here.
"""

from __future__ import annotations

import re

import pandas as pd

from . import controls

APRIL_2025 = "cn-2025-04-no18"  # the licensing of seven elements that stayed in force
OCTOBER_ELEMENTS = "cn-2025-10-no57"
SUSPENSION = "cn-2025-11-no70"
KIND_WORDS = {"items": "Items", "technology": "Technology", "extraterritorial": "Reach abroad",
              "de_minimis": "De minimis", "end_use": "End use", "case_by_case": "Case by case",
              "exemption": "Exemption", "procedure": "Procedure"}
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def _one(frame: pd.DataFrame, column: str, value: str) -> pd.Series:
    rows = frame[frame[column] == value]
    if len(rows) != 1:
        raise ValueError(f"expected one row with {column} = {value!r}, found {len(rows)}")
    return rows.iloc[0]


def percent(text: str) -> float:
    """The first percentage in ``text`` ("at least 0.1% of the item's value" → 0.1)."""
    found = PERCENT.search(str(text))
    if not found:
        raise ValueError(f"no percentage in {text!r}")
    return float(found.group(1))


def elements(text: str) -> list[str]:
    """Element symbols of a timeline ``elements`` cell ("Ho;Er;Tm" → ["Ho", "Er", "Tm"])."""
    return [e.strip() for e in str(text).split(";") if e.strip()]


def read(ch, package: pd.DataFrame, timeline: pd.DataFrame) -> dict:
    if package.empty:
        raise ValueError("october_2025_package holds no provision")
    de_minimis = _one(package, "kind", "de_minimis")
    military = _one(package, "provision_id", "no61-military-denial")
    chips = _one(package, "kind", "case_by_case")
    april = _one(timeline, "event_id", APRIL_2025)
    added = _one(timeline, "event_id", OCTOBER_ELEMENTS)
    suspension = _one(timeline, "event_id", SUSPENSION)
    ids = sorted(set(package["source_id"]))
    ds = dict(dataset="october_2025_package", source_ids=ids)
    ch.key("package_n_provisions", len(package), **ds)
    ch.key("package_new_elements", ", ".join(elements(added["elements"])[:-1]) + " and " + elements(added["elements"])[-1],
           dataset="export_control_timeline", source_ids=[added["source_id"]])
    ch.key("package_n_new_elements", len(elements(added["elements"])), dataset="export_control_timeline",
           source_ids=[added["source_id"]])
    ch.key("april_n_elements", len(elements(april["elements"])), dataset="export_control_timeline",
           source_ids=[april["source_id"]])
    ch.key("package_n_elements_total", len(set(elements(april["elements"])) | set(elements(added["elements"]))),
           dataset="export_control_timeline")
    ch.key("de_minimis_pct", percent(de_minimis["threshold"]), unit="% of value", dataset="october_2025_package",
           source_ids=[de_minimis["source_id"]])
    ch.key("de_minimis_from", controls.long_date(str(de_minimis["effective_date"])[:10]))
    ch.key("military_owned_pct", percent(military["threshold"]), unit="%", dataset="october_2025_package",
           source_ids=[military["source_id"]])
    ch.key("chip_thresholds", str(chips["threshold"]).replace(";", " and"))
    ch.key("package_suspended_until", controls.long_date(str(suspension["scheduled_end"])[:10]),
           dataset="export_control_timeline", source_ids=[suspension["source_id"]])
    ch.key("package_suspended_on", controls.long_date(str(suspension["date"])[:10]))
    table = pd.DataFrame({
        "Announcement": [f"{a.replace('MOFCOM/GAC Announcement ', '').replace('MOFCOM Announcement ', '')}"
                         + (f", art. {art}" if isinstance(art, str) and art else "")
                         for a, art in zip(package["announcement"], package["article"])],
        "Kind": [KIND_WORDS.get(k, k) for k in package["kind"]],
        "What it requires": package["rule"],
        "Threshold": package["threshold"].fillna("").astype(str),
    })
    return {"table": table, "source_ids": [*ids, added["source_id"], april["source_id"], suspension["source_id"]]}
