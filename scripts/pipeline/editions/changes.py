"""What changed since the previous edition: the values of the What changed page
(``book/what_changed.md``, a notebook that calls ``compute`` and glues what it returns) and the
key figures a build lists at its end.

The previous edition is a committed record in ``editions/`` (written by ``make edition``): the
one named by ``report: previous_edition:`` in _config.yml (a file stem in editions/), else the
newest record dated before the current edition. Without one, the page says this is the first
edition. Every figure whose value differs is listed old → new with the dataset and sources it
comes from, and whether that dataset's file changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from masthead.dates import long_date

from ..config import ROOT
from ..pages.markup import md
from .manifest import RECORD_URL, about_the_build

PAGE = "what_changed"  # book/what_changed.md: the page's words; this module its values


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


@dataclass
class WhatChanged:
    """What the What changed page states; ``book/what_changed.md`` words it. The cases choose its
    variant sentences: ``comparison`` is "first" (no earlier edition) or "compared";
    ``data_case`` "first", "updated" or "none"; ``figures_case`` "first", "none", "one" or "many"."""

    edition: str  # as a sentence names it: "second edition"
    edition_date: str  # "1 December 2026"
    comparison: str = "first"
    previous_edition: str = ""
    previous_date: str = ""
    data_case: str = "first"
    datasets_updated: str = ""  # Markdown: `a.csv`, `b.csv`
    n_worded: int = 0  # worded figures that changed but are too long to quote
    figures_case: str = "first"
    n_changed: int = 0
    tables: str = ""  # Markdown: per chapter, a link to it and a table of its figures that moved

    def glue(self) -> None:
        """Glue every value for the page's text (``tables`` as MyST Markdown)."""
        from IPython.display import Markdown
        from myst_nb import glue

        for name, value in asdict(self).items():
            glue(name, Markdown(value) if name in MARKDOWN else value, display=False)


MARKDOWN = ("datasets_updated", "tables")
COLUMNS = ("Figure", "Previous edition", "This edition", "Dataset", "Sources")


def summarise(current: dict, previous: dict | None) -> WhatChanged:
    """The values of the What changed page, comparing record ``current`` with ``previous``."""
    edition = current["edition"]
    name = edition["name"].lower() if edition["name"].lower().endswith("edition") else edition["name"]
    page = WhatChanged(edition=name, edition_date=long_date(edition["date"]))
    if previous is None:
        return page
    before = previous["edition"]
    page.comparison, page.previous_edition, page.previous_date = "compared", before["name"], long_date(before["date"])
    data_changed = changed_inputs(previous, current, "data/")
    page.data_case = "updated" if data_changed else "none"
    page.datasets_updated = ", ".join(f"`{Path(p).name}`" for p in data_changed)
    worded = changed_figures(previous, current, numbers=False)
    quoted = [row for row in worded if short_text(row["new"].get("value")) and short_text(row["old"].get("value"))]
    page.n_worded = len(worded) - len(quoted)
    rows = sorted(changed_figures(previous, current) + quoted,
                  key=lambda row: (row["chapter"], label_of(row["name"], row["new"]).lower()))
    page.n_changed = len(rows)
    page.figures_case = {0: "none", 1: "one"}.get(len(rows), "many")
    page.tables = tables_markdown(current, rows, data_changed)
    return page


def tables_markdown(current: dict, rows: list[dict], data_changed: list[str]) -> str:
    """The figures that moved, one table per chapter under a link to the chapter."""
    lines = []
    for chapter in dict.fromkeys(row["chapter"] for row in rows):
        lines += [f"**{{doc}}`{chapter}`**", "",
                  "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        for row in (r for r in rows if r["chapter"] == chapter):
            lines.append(f"| {md(label_of(row['name'], row['new']))} | {_value(row['old'], row['new'], row['name'])}"
                         f" | {_value(row['new'], row['old'], row['name'])} | {_dataset_cell(current, row['new'], data_changed)}"
                         f" | {md(', '.join(row['new'].get('source_ids') or []) or '—')} |")
        lines.append("")
    return "\n".join(lines)


def compute(root=ROOT, data_dir=None, record: str | Path = "", editions_dir: str | Path = "") -> WhatChanged:
    """The What changed page's values. ``record``: the edition record of this build (the fast build
    passes it); "" computes it here, as ``jupyter-book build book/`` needs, from each chapter's module
    called with the chapter's own parameters cell. The previous edition is the record in
    ``editions_dir`` (default ``<root>/editions``) that ``previous_record`` picks."""
    from ..config import load_site

    root = Path(root).resolve()
    site = load_site(root)
    data_dir = Path(data_dir).resolve() if data_dir else root / "data"
    if record:
        current = json.loads(Path(record).read_text(encoding="utf-8"))
    else:
        current = computed_record(site, data_dir)
    named = site.report.get("previous_edition")
    return summarise(current, previous_record(Path(editions_dir) if editions_dir else root / "editions", current, named))


def chapter_call(chapter) -> tuple[dict, str]:
    """A chapter notebook's parameters (its ``parameters`` cell, literal assignments) and the
    module in ``analysis.chapters`` its next cell computes the chapter with."""
    import ast

    import jupytext

    from ..config import NOTEBOOK_FORMAT

    cells = [c for c in jupytext.read(chapter.source, fmt=NOTEBOOK_FORMAT).cells if c.cell_type == "code"]
    at = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    params = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cells[at].source).body
              if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}
    found = re.search(r"from analysis\.chapters import (\w+)", cells[at + 1].source)
    if found is None and about_the_build(chapter.source):
        return params, ""  # a page about the build (Data and sources): it records no key figure
    if found is None:
        raise ValueError(f"{chapter.source}: the cell after the parameters cell calls no analysis.chapters module")
    return params, found[1]


def computed_record(site, data_dir: Path) -> dict:
    """The parts of the edition record the page compares (edition, data inputs, key figures),
    computed from the chapters' modules instead of read from their executed notebooks."""
    import importlib
    import inspect

    from .manifest import _plain, input_hashes

    figures = {}
    for chapter in site.chapters:
        params, name = chapter_call(chapter)
        if not name:
            continue
        module = importlib.import_module(f"analysis.chapters.{name}")
        accepted = inspect.signature(module.compute).parameters
        computed = module.compute(data_dir, **{k: v for k, v in params.items() if k != "data_dir" and k in accepted})
        labels = computed.labels()  # the page's words (analysis.chapters.Chapter.labels)
        figures[chapter.name] = {key: {"value": _plain(k.value), "unit": k.unit, "dataset": k.dataset,
                                       "source_ids": list(k.source_ids), "label": labels.get(key) or key.replace("_", " ")}
                                 for key, k in sorted(computed.keys.items())}
    report = site.report
    return {"edition": {"name": report.get("edition", ""), "date": str(report.get("edition_date", ""))},
            "inputs": input_hashes(site.root, data_dir), "figures": figures}


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
