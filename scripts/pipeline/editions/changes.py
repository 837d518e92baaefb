"""The generated "What changed" page: key figures that differ from the previous edition.

The previous edition is a committed record in ``editions/`` (written by ``make edition``): the
one named by ``report: previous_edition:`` in _config.yml (a file stem in editions/), else the
newest record dated before the current edition. Without one, the page says this is the first
edition. Every figure whose value differs is listed old → new with the dataset and sources it
comes from, and whether that dataset's file changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from masthead.dates import long_date

from ..pages.markup import md
from .manifest import RECORD_URL

PAGE = "what_changed"
LABEL = "what-changed"


def previous_record(editions_dir: Path, current: dict, named: str | None = None) -> dict | None:
    """The record to compare with, or None for a first edition."""
    if named:
        path = editions_dir / f"{named}.json"
        if not path.is_file():
            raise FileNotFoundError(f"report: previous_edition: {named!r} — no record {path}")
        return json.loads(path.read_text(encoding="utf-8"))
    date = current["edition"]["date"]
    older = []
    for path in sorted(editions_dir.glob("*.json")) if editions_dir.is_dir() else []:
        record = json.loads(path.read_text(encoding="utf-8"))
        if str(record.get("edition", {}).get("date", "")) < date:
            older.append((record["edition"]["date"], path.name, record))
    return max(older, key=lambda item: item[:2])[2] if older else None


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def changed_figures(previous: dict, current: dict, *, numbers: bool = True) -> list[dict]:
    """One row per key figure present in both records whose value differs: the numbers (the
    table), or with ``numbers=False`` the worded values (months, phrases: counted, not quoted)."""
    rows = []
    for chapter, figures in sorted(current.get("figures", {}).items()):
        before = previous.get("figures", {}).get(chapter, {})
        for name, item in sorted(figures.items()):
            if name in before and before[name].get("value") != item.get("value"):
                numeric = is_number(item.get("value")) and is_number(before[name].get("value"))
                if numeric == numbers:
                    rows.append({"chapter": chapter, "name": name, "old": before[name], "new": item})
    return rows


def changed_inputs(previous: dict, current: dict, prefix: str) -> list[str]:
    old, new = previous.get("inputs", {}), current.get("inputs", {})
    return sorted(k for k in set(old) | set(new) if k.startswith(prefix) and old.get(k) != new.get(k))


def number_text(value) -> str:
    """A figure as a reader reads it: 69.2, 270,000, 0.046; text as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{value:,.0f}"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _value(item: dict, other: dict) -> str:
    """The figure as a reader reads it; in full where rounding would hide the difference."""
    unit = item.get("unit") or ""
    text = number_text(item.get("value"))
    if text == number_text(other.get("value")):
        text = str(item.get("value"))
    return md(f"{text} {unit}".strip())


def _dataset_file(record: dict, dataset: str) -> str | None:
    for label in record.get("inputs", {}):
        if label.startswith("data/") and Path(label).stem == dataset:
            return label
    return None


def page_text(current: dict, previous: dict | None) -> str:
    edition = current["edition"]
    lines = [
        f"({LABEL})=",
        "# What changed in this edition",
        "",
        f"This report is the {md(edition['name']).lower() if edition['name'].lower().endswith('edition') else md(edition['name'])}, "
        f"dated {md(long_date(edition['date']))}. "
        f'Its full record — the hash of every input, the parameters, the tool versions and every key figure '
        f'with its value and sources — is the file <a href="{RECORD_URL}">edition.json</a>.',
        "",
    ]
    if previous is None:
        lines += ["This is the first edition: there is no earlier edition to compare with, so nothing has changed.", ""]
        return "\n".join(lines)
    before = previous["edition"]
    rows = changed_figures(previous, current)
    data_changed = changed_inputs(previous, current, "data/")
    lines += [f"Compared here with the previous edition: {md(before['name'])}, dated {md(long_date(before['date']))}.", ""]
    if data_changed:
        lines += ["Datasets updated since then: " + ", ".join(f"`{Path(p).name}`" for p in data_changed) + ".", ""]
    else:
        lines += ["No dataset has changed since then.", ""]
    worded = changed_figures(previous, current, numbers=False)
    if worded:
        lines += [f"{len(worded)} worded key figure{'s' if len(worded) != 1 else ''} (dates, months and phrases that"
                  " depend on the data) also changed; both records list them in full.", ""]
    if not rows:
        lines += ["No key figure has a different value.", ""]
        return "\n".join(lines)
    lines += [
        f"{len(rows)} key figure{'s' if len(rows) != 1 else ''} changed:",
        "",
        "| Chapter | Figure | Previous edition | This edition | Dataset | Sources |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        new, dataset = row["new"], row["new"].get("dataset") or ""
        file = _dataset_file(current, dataset) if dataset else None
        dataset_text = md(dataset) if dataset else "—"
        if file and file in data_changed:
            dataset_text += " (updated)"
        sources = ", ".join(new.get("source_ids") or []) or "—"
        lines.append(
            f"| {{doc}}`{row['chapter']}` | {md(new.get('label') or row['name'])} | {_value(row['old'], new)} | {_value(new, row['old'])} "
            f"| {dataset_text} | {md(sources)} |"
        )
    lines.append("")
    return "\n".join(lines)


def write_page(stage_dir: Path, current: dict, editions_dir: Path, named: str | None = None) -> Path:
    target = stage_dir / f"{PAGE}.md"
    target.write_text(page_text(current, previous_record(editions_dir, current, named)), encoding="utf-8")
    return target
