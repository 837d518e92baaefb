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


def _value(item: dict, other: dict, name: str = "") -> str:
    """The figure as a reader reads it; in full where rounding would hide the difference."""
    unit = item.get("unit") or ""
    text = value_text(item.get("value"), name, item.get("label") or "")
    if text == value_text(other.get("value"), name, other.get("label") or ""):
        text = str(item.get("value"))
    return md(f"{text} {unit}".strip())


def is_year(value, name: str = "", label: str = "") -> bool:
    """A calendar year (2025), written without a thousands separator."""
    whole = is_number(value) and float(value).is_integer() and 1000 <= value <= 2999
    return whole and ("year" in name.split("_") or "year" in label.lower().split())


def value_text(value, name: str = "", label: str = "") -> str:
    return str(int(value)) if is_year(value, name, label) else number_text(value)


# Words of a key figure's name as a reader says them, where the chapter gave the figure no label.
PLAIN_WORDS = {
    "pct": "per cent", "t": "tonnes", "n": "number", "q": "(rounded)", "yoy": "year on year", "prev": "previous",
    "whatif": "what-if", "insitu": "in situ", "min": "lowest", "max": "highest", "avg": "average",
    "us": "US", "ev": "EV", "evs": "EVs", "repm": "REPM", "ncms": "NCMS", "irel": "IREL", "mcs": "MCS",
    "reo": "REO", "pm": "PM", "lree": "LREE", "hree": "HREE", "msp": "MSP", "inr": "INR", "usd": "US$",
    "china": "China", "india": "India", "japan": "Japan", "chinas": "China's", "indias": "India's",
}


def label_of(name: str, item: dict) -> str:
    """The figure's label; a name-derived label ("mine year") is written in plain words instead."""
    label = (item.get("label") or "").strip()
    if label and label != name.replace("_", " "):
        return label
    parts = [w for w in name.split("_") if w]
    counted = len(parts) > 1 and "n" in (parts[0], parts[-1])  # n_measures, frameworks_n: a count
    if counted:
        parts = parts[1:] if parts[0] == "n" else parts[:-1]
    text = ("number of " if counted else "") + " ".join(PLAIN_WORDS.get(w, w) for w in parts)
    return text[:1].upper() + text[1:]


def short_text(value) -> bool:
    """A worded figure short enough to quote (a month, a period), not a sentence."""
    return isinstance(value, str) and len(value) <= 40


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
    quoted = [row for row in worded if short_text(row["new"].get("value")) and short_text(row["old"].get("value"))]
    if len(worded) > len(quoted):
        n = len(worded) - len(quoted)
        lines += [f"{n} worded key figure{'s' if n != 1 else ''} (phrases that depend on the data) also"
                  " changed; both records list them in full.", ""]
    rows = sorted(rows + quoted, key=lambda row: (row["chapter"], label_of(row["name"], row["new"]).lower()))
    if not rows:
        lines += ["No key figure has a different value.", ""]
        return "\n".join(lines)
    lines += [f"{len(rows)} key figure{'s' if len(rows) != 1 else ''} changed, by chapter:", ""]
    for chapter in dict.fromkeys(row["chapter"] for row in rows):
        lines += [f"**{{doc}}`{chapter}`**", "",
                  "| Figure | Previous edition | This edition | Dataset | Sources |", "|---|---|---|---|---|"]
        for row in (r for r in rows if r["chapter"] == chapter):
            lines.append(f"| {md(label_of(row['name'], row['new']))} | {_value(row['old'], row['new'], row['name'])}"
                         f" | {_value(row['new'], row['old'], row['name'])} | {_dataset_cell(current, row['new'], data_changed)}"
                         f" | {md(', '.join(row['new'].get('source_ids') or []) or '—')} |")
        lines.append("")
    return "\n".join(lines)


def _dataset_cell(current: dict, item: dict, data_changed: list[str]) -> str:
    dataset = item.get("dataset") or ""
    if not dataset:
        return "—"
    file = _dataset_file(current, dataset)
    return md(dataset) + (" (updated)" if file and file in data_changed else "")


def moved_lines(previous: dict, current: dict, against: str) -> list[str]:
    """The key figures that moved, one line each, grouped by chapter: what a build prints at its end."""
    rows = changed_figures(previous, current) + [
        row for row in changed_figures(previous, current, numbers=False)
        if short_text(row["new"].get("value")) and short_text(row["old"].get("value"))]
    if not rows:
        return []
    lines = [f"key figures that moved since {against}: {len(rows)}"]
    for chapter in sorted({row["chapter"] for row in rows}):
        lines.append(f"  {chapter}:")
        for row in sorted((r for r in rows if r["chapter"] == chapter), key=lambda r: label_of(r["name"], r["new"]).lower()):
            new, old = row["new"], row["old"]
            unit = f" {new.get('unit')}" if new.get("unit") else ""
            origin = "; ".join(part for part in (new.get("dataset") or "", ", ".join(new.get("source_ids") or [])) if part)
            lines.append(f"    {label_of(row['name'], new)}: {value_text(old.get('value'), row['name'], old.get('label') or '')}"
                         f" → {value_text(new.get('value'), row['name'], new.get('label') or '')}{unit}"
                         + (f" ({origin})" if origin else ""))
    return lines


# Compare the build with a chosen edition record instead of the published report:
# REPORT_COMPARE_WITH=<file stem in editions/ or a path to a record>.
COMPARE_ENV = "REPORT_COMPARE_WITH"


def moved_since_published(output: Path, current: dict, editions_dir: Path | None = None) -> list[str]:
    """The key figures that differ from the published report's record (or from the record named by
    REPORT_COMPARE_WITH); nothing when there is no record to compare with."""
    import os

    chosen = os.environ.get(COMPARE_ENV)
    if chosen:
        path = Path(chosen)
        if not path.is_file() and editions_dir is not None:
            path = editions_dir / f"{chosen}.json"
        against = f"the edition record {path.name}"
    else:
        path, against = Path(output) / RECORD_URL, "the published report"
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"warning: {COMPARE_ENV}={chosen}: no edition record {path}"] if chosen else []
    return moved_lines(previous, current, against)


def write_page(stage_dir: Path, current: dict, editions_dir: Path, named: str | None = None) -> Path:
    target = stage_dir / f"{PAGE}.md"
    target.write_text(page_text(current, previous_record(editions_dir, current, named)), encoding="utf-8")
    return target
