"""Generated pages: the "Data and sources" appendix and the BibTeX file, both from data/.

Nothing here is typed by hand: titles, descriptions, columns, units, counts and sources all come from
``datapackage.json``, the CSV files and ``sources.csv``, so the appendix cannot drift from the data.
Every piece of text taken from the data is escaped, so that a ``|`` cannot break a table and a
``<script>`` in a description shows as text.

The source registry ends in one ``{bibliography}`` with ``:all:``. Chapters have their own
``{bibliography}`` blocks (``:filter: docname in docnames``), which cite the same keys; an entry in two
citation-list bibliographies triggers sphinxcontrib-bibtex's "duplicate citation" warning. So this
page cites and lists the sources under a key prefix (``reg-usgs-mcs-2025``; ``:keyprefix:``) and
numbers them with a label prefix (S1, S2 …; ``:labelprefix:``): its citations and labels never
collide with those of a chapter, while chapters keep the plain keys.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path, PurePosixPath

from analysis.datapackage import (SOURCE_ID_FIELDS, as_list, read_descriptor, read_rows, unguard,
                                  unguarded_bytes)
from masthead.dates import MONTHS, long_date

from . import bundle, freshness
from .datafiles import DATASETS_DIR, checked_path, datasets, read_sources
from .markup import bib_escape, bib_url, md, md_code, md_link
from ..errors import DataError

PAGE_NAME = "data_sources.md"
REGISTRY_KEY_PREFIX = "reg-"  # see module docstring: keeps this page's citations apart from chapters'
REGISTRY_LABEL_PREFIX = "S"
QUALITY_MEANING = {
    "P": "primary — the original publisher's own document",
    "S": "secondary — seen through another outlet, which names the original",
    "W": "weak — unconfirmed or single-outlet report",
    "D": "derived — computed in this report, working shown",
}
CONSTRAINT_TEXT = {
    "minimum": "≥ {}",
    "maximum": "≤ {}",
    "exclusiveMinimum": "> {}",
    "exclusiveMaximum": "< {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "pattern": "pattern {}",
}
BIB_KEY = re.compile(r"[A-Za-z0-9_.:\-]+")


# ---------------------------------------------------------------------------------------------
# The appendix page
# ---------------------------------------------------------------------------------------------


def write_data_appendix(data_dir: Path, stage_dir: Path, meta=None, as_of: str | None = None) -> Path:
    """Write <stage_dir>/data_sources.md and copy each dataset CSV to <stage_dir>/datasets/; with the
    report's ``meta`` (``citation.Meta``), also the "download all data" zip (``pipeline.pages.bundle``).

    ``as_of`` (the report's as-of date) decides which datasets the freshness table marks as due."""
    data_dir, stage_dir = Path(data_dir), Path(stage_dir)
    package = freshness.resolve(read_descriptor(data_dir), data_dir)  # latest periods from the rows
    sources = read_sources(data_dir, package)
    known = {s["id"] for s in sources}
    parts = [page_intro(package)]
    if meta is not None:
        parts.append(bundle.page_link(bundle.write_bundle(data_dir, stage_dir / DATASETS_DIR / bundle.bundle_name(meta), meta)))
    parts.append(freshness_section(package, as_of))
    for resource in datasets(package):
        rows = read_rows(data_dir / checked_path(resource))
        copy_dataset(data_dir, stage_dir, resource)
        parts.append(dataset_section(resource, rows, dataset_sources(resource, rows, known)))
    parts.append(registry_section(sources))
    page = stage_dir / PAGE_NAME
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return page


# A text cell starting with one of these is run as a formula by spreadsheets ("-74% y/y" included).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_TYPES = {"number", "integer", "year", "boolean"}


def inert(cell: str) -> str:
    """A text cell a spreadsheet shows as text: a leading apostrophe when it would start a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def copy_dataset(data_dir: Path, stage_dir: Path, resource: dict) -> Path:
    """The dataset as offered for download: byte for byte, except that text cells which a
    spreadsheet would run as a formula are made inert. Number columns are left alone (validation
    has made them plain numbers), so a negative number stays a number."""
    target = stage_dir / DATASETS_DIR / checked_path(resource)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = data_dir / resource["path"]
    numeric = {f.get("name") for f in resource.get("schema", {}).get("fields", [])
               if isinstance(f, dict) and f.get("type") in NUMERIC_TYPES}
    text = source.read_text(encoding="utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = records[0] if records else []
    records = [header] + [[unguard(cell) for cell in record] for record in records[1:]]  # a download put back
    safe = [header] + [[cell if (i < len(header) and header[i] in numeric) else inert(cell)
                        for i, cell in enumerate(record)] for record in records[1:]]
    if safe == records and unguarded_bytes(source) == source.read_bytes():
        shutil.copyfile(source, target)
    else:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(safe)
        target.write_text(out.getvalue(), encoding="utf-8")
    return target


def page_intro(package: dict) -> str:
    count = len(datasets(package))
    return "\n".join([
        "(data-sources)=",
        "# Data and sources",
        "",
        f"Every figure in this report is computed at build time from the {count} datasets below."
        " Each is a tidy CSV file — UTF-8, one observation per row, plain numbers, ISO dates, an explicit"
        " unit on every row — described by the data package descriptor `datapackage.json` and checked"
        " against it before any chapter is built. Every row names its source; the sources, with their"
        " quality grade, are listed in the {ref}`source registry <data-source-registry>`."
        " A figure that no source gives is left out or marked \"not available\", never estimated.",
        "",
        "This page is generated from the data files; download a dataset to reuse it.",
        *always_checked(),
    ])


def always_checked() -> list[str]:
    """The rules every dataset is checked against, declared or not (pipeline/validate.py)."""
    from ..stages.validate import always_rules_text

    phrases = always_rules_text(md_code, md)
    return ["", "Every dataset is also checked at build time for " + "; ".join(phrases) + "."] if phrases else []


def freshness_section(package: dict, as_of: str | None) -> str:
    """One table: each dataset's newest data, its publisher's cadence and next expected release."""
    lines = [
        "(data-freshness)=",
        "## How current the data are",
        "",
        ("Information current to " + long_date(as_of) + ". " if as_of else "")
        + "For each dataset: the period its newest figures cover, how often its publisher releases new"
        " figures, and when the next release is expected. A dataset marked *due* may have been"
        " superseded by a release after the as-of date.",
        "",
        "| Dataset | Latest data | Released | Next expected | Status |",
        "|---|---|---|---|---|",
    ]
    for resource in datasets(package):
        fresh = freshness.of(resource)
        if fresh is None:
            continue
        status = freshness.status_text(fresh, as_of) if as_of else ""
        lines.append(
            f"| {{ref}}`{md(resource.get('title') or resource['name'])} <data-{resource['name']}>` "
            f"| {md(freshness.period_text(fresh.latest_period))} | {md(freshness.CADENCES.get(fresh.cadence, fresh.cadence))} "
            f"| {md(freshness.expected_text(fresh))} | {md(status)} |"
        )
    return "\n".join(lines)


def dataset_sources(resource: dict, rows: list[dict], known: set[str]) -> list[str]:
    """Source ids the descriptor lists, then any other cited by the rows, in first-seen order."""
    listed = [s.get("id") if isinstance(s, dict) else s for s in resource.get("sources", []) or []]
    in_rows = [row.get(f, "") for row in rows for f in SOURCE_ID_FIELDS]
    ids = list(dict.fromkeys(i for i in listed + in_rows if isinstance(i, str) and i))
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise DataError(f'datapackage.json, resource "{resource.get("name")}": source ids not in sources.csv:'
                        f" {', '.join(unknown)} (rule: source_id)")
    return ids


def units_of(rows: list[dict]) -> list[str]:
    """Distinct values of the unit column(s), in order of first appearance."""
    columns = [c for c in (rows[0] if rows else {}) if c == "unit" or c.endswith("_unit")]
    return list(dict.fromkeys(row[c] for row in rows for c in columns if row.get(c)))


def dataset_section(resource: dict, rows: list[dict], source_ids: list[str]) -> str:
    name, path = resource["name"], checked_path(resource)
    filename = PurePosixPath(path).name
    lines = [f"(data-{name})=", f"## {md(resource.get('title') or name)}", ""]
    if resource.get("description"):
        lines += [md(resource["description"]), ""]
    lines.append(f"- **Download:** {{download}}`{filename} <{DATASETS_DIR}/{path}>` ({len(rows)} rows)")
    fresh = freshness.of(resource)
    if fresh is not None:
        lines.append(f"- **Latest data:** {md(freshness.period_text(fresh.latest_period))}"
                     f" · **Next expected release:** {md(freshness.expected_text(fresh))}"
                     f" ({md(freshness.CADENCES.get(fresh.cadence, fresh.cadence))})"
                     + (f". {md(resource['freshness']['note'])}" if resource["freshness"].get("note") else ""))
    units = units_of(rows)
    if units:
        lines.append(f"- **{'Unit' if len(units) == 1 else 'Units'}:** {'; '.join(md(u) for u in units)}")
    key = resource.get("schema", {}).get("primaryKey")
    if key:
        lines.append(f"- **Each row is one:** {', '.join(md_code(k) for k in as_list(key))}")
    for rule in resource.get("rules", []) or []:
        lines.append(f"- **Checked at build time:** {rule_text(rule)}")
    if source_ids:
        cited = ",".join(REGISTRY_KEY_PREFIX + i for i in source_ids)
        lines.append(f"- **Sources:** {{cite:p}}`{cited}`")
    lines += ["", *columns_table(resource.get("schema", {}).get("fields", []))]
    return "\n".join(lines)


def rule_text(rule: dict) -> str:
    """What a project rule checks, as the Data page states it (from the rule's registration)."""
    from ..stages.validate import RULES

    registered = RULES.get(rule.get("type"))
    return registered.describe(rule, md_code, md) if registered else md(rule.get("type"))


def columns_table(fields: list[dict]) -> list[str]:
    lines = ["| Column | Type | Description | Constraints |", "| --- | --- | --- | --- |"]
    for spec in fields:
        lines.append(f"| {md_code(spec.get('name', ''))} | {md(spec.get('type', 'string'))}"
                     f" | {md(spec.get('description', ''))} | {constraints_text(spec)} |")
    return lines


def constraints_text(spec: dict) -> str:
    constraints = spec.get("constraints", {}) or {}
    parts = []
    if constraints.get("required"):
        parts.append("required")
    if constraints.get("unique"):
        parts.append("unique")
    for name, template in CONSTRAINT_TEXT.items():
        if name in constraints:
            parts.append(md(template.format(constraints[name])))
    if "enum" in constraints:
        parts.append("one of: " + ", ".join(md(v) for v in constraints["enum"]))
    if spec.get("type") == "date":
        parts.append("ISO date YYYY-MM-DD")
    return "; ".join(parts) or "—"


def registry_section(sources: list[dict]) -> str:
    lines = [
        "(data-source-registry)=",
        "## Source registry",
        "",
        "Every source used anywhere in the report, from `sources.csv`. The publisher is the original"
        " publisher; for a secondary source the outlet it was seen through is named in the bibliography"
        " note. Quality grades: "
        + "; ".join(f"**{q}** {md(text)}" for q, text in QUALITY_MEANING.items()) + ".",
        "",
        "| ID | Publisher | Title | Date | Quality |",
        "| --- | --- | --- | --- | --- |",
    ]
    for source in sources:
        quality = source.get("quality", "")
        meaning = QUALITY_MEANING.get(quality, "").split(" — ")[0]
        lines.append(f"| {md_code(source['id'])} | {md(source.get('publisher'))}"
                     f" | {md_link(source.get('title', ''), source.get('url', ''))} | {md(source.get('date'))}"
                     f" | {md(quality)}{' (' + meaning + ')' if meaning else ''} |")
    lines += [
        "",
        "### Bibliography",
        "",
        "```{bibliography}",
        ":all:",
        ":style: plain",
        f":keyprefix: {REGISTRY_KEY_PREFIX}",
        f":labelprefix: {REGISTRY_LABEL_PREFIX}",
        "```",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The BibTeX file
# ---------------------------------------------------------------------------------------------


def write_bibliography(data_dir: Path, out_path: Path) -> Path:
    """Write one @misc entry per row of sources.csv (key = id) to out_path."""
    data_dir, out_path = Path(data_dir), Path(out_path)
    entries = [bib_entry(source) for source in read_sources(data_dir)]
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    return out_path


def bib_entry(source: dict) -> str:
    # @misc, not @online: pybtex (which renders the book's bibliography) has no style for @online.
    key = source.get("id", "")
    if not BIB_KEY.fullmatch(key):
        raise DataError(f'sources.csv: id "{key}" cannot be a citation key (letters, digits, _ . : - only)'
                        " (rule: source_id)")
    fields = {
        # double braces: a corporate author is one name (not "Last, First"), and titles keep their case
        "author": "{" + bib_escape(source.get("publisher")) + "}",
        "organization": bib_escape(source.get("publisher")),
        "title": "{" + bib_escape(source.get("title")) + "}",
        **date_fields(source.get("date", "")),
        "url": bib_url(source.get("url", "")),
        "urldate": bib_escape(source.get("accessed")),
        "note": bib_escape(bib_note(source)),
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value not in ("", "{}"))
    return f"@misc{{{key},\n{body}\n}}"


def date_fields(date: str) -> dict[str, str]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", (date or "").strip())
    if not match:
        return {}
    year, month, _ = match.groups()
    fields = {"year": year}
    if month and 1 <= int(month) <= 12:
        fields["month"] = MONTHS[int(month) - 1]
    fields["date"] = date.strip()
    return fields


def bib_note(source: dict) -> str:
    quality = source.get("quality", "")
    meaning = QUALITY_MEANING.get(quality, "").split(" — ")[0]
    note = f"Quality: {quality} ({meaning})" if meaning else f"Quality: {quality}"
    if source.get("origin"):
        note += f". Origin: {source['origin']}"
    return note
