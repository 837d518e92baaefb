"""The "Data and sources" page's tables and values, the dataset downloads and the BibTeX file.

``book/data_sources.md`` is the page: its words are written there, and its one code cell calls
``compute`` and glues what it returns (``DataPage``): per topic the newest period the data cover,
per dataset how current it is, its codebook and every row by source, and the source registry with
how each text was seen. Rows and sources carry stable anchors (``row-<dataset>-<row id>``, one
``rows-<dataset>--<source>`` group a source, ``source-<id>``), which the key figures of the prose
link to (``scripts/sphinx_ext/report_trace.py``). Every cell taken from the data is HTML-escaped
(``analysis.tables`` for the plain tables; here for the two with anchors).

The source registry ends in one ``{bibliography}`` with ``:all:`` (written on the page). Chapters
have their own ``{bibliography}`` blocks, which cite the same keys; an entry in two citation-list
bibliographies triggers sphinxcontrib-bibtex's "duplicate citation" warning, so the page lists the
sources under a key prefix (``reg-``; ``:keyprefix:``) and a label prefix (S1, S2 …). The BibTeX
entries are clean references: how a text was seen is said on the Data page, not in every chapter.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from html import escape
from pathlib import Path

import pandas as pd

from analysis.datapackage import (SOURCE_ID_FIELDS, as_list, read_descriptor, read_rows, unguard,
                                  unguarded_bytes)
from analysis.chapters import Chapter, listing
from masthead import interface
from masthead.dates import MONTHS, long_date

from . import bundle, freshness
from .datafiles import DATASETS_DIR, checked_path, datasets, read_sources
from .markup import bib_escape, bib_url
from ..errors import DataError

REGISTRY_KEY_PREFIX = "reg-"  # see module docstring: keeps this page's citations apart from chapters'
REGISTRY_LABEL_PREFIX = "S"
# a source's quality grade (sources.csv, quality) is a code; its name ("primary") is in
# book/_interface.yml (data_page.grades), what each grade means is said on the page
QUALITY_GRADES = ("P", "S", "W", "D")
# a column's bounds, in the order the columns table lists them (each worded in book/_interface.yml)
CONSTRAINTS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern")
BIB_KEY = re.compile(r"[A-Za-z0-9_.:\-]+")


def words(key: str, **fields) -> str:
    """The page's interface words for ``key`` (``data_page.<key>`` in book/_interface.yml)."""
    return interface.text(f"data_page.{key}", **fields)


def headings(table: str) -> dict[str, str]:
    """A table's column headings by code (``data_page.<table>`` in book/_interface.yml)."""
    return interface.table(f"data_page.{table}")


# ---------------------------------------------------------------------------------------------
# The page: book/data_sources.md calls ``compute`` and glues what it returns
# ---------------------------------------------------------------------------------------------


class DataPage(Chapter):
    """What the Data and sources page shows: key figures and tables (``Chapter``), plus the two
    tables whose rows carry anchors (each dataset's rows by source; the source registry), as HTML."""

    def __init__(self, data_dir):
        super().__init__(data_dir, page="data_sources")
        self.html: dict[str, str] = {}

    def glue(self) -> None:
        from IPython.display import HTML
        from myst_nb import glue

        super().glue()
        for name, text in self.html.items():
            glue(name, HTML(text), display=False)


def compute(data_dir, as_of: str = "2026-12-07", topics: dict[str, list[str]] | None = None) -> DataPage:
    """The Data and sources page on the data in ``data_dir`` at ``as_of``: per topic the newest
    period its data cover, per dataset how current it is, its codebook and its rows by source, and
    the source registry. ``topics`` maps a topic (the page's words) to the datasets it covers."""
    data_dir = Path(data_dir)
    page = DataPage(data_dir)
    package = freshness.resolve(read_descriptor(data_dir), data_dir)
    sources = read_sources(data_dir, package)
    registry = {s["id"]: s for s in sources}
    resources = datasets(package)
    rows = {r["name"]: read_rows(data_dir / checked_path(r)) for r in resources}
    unknown_ends = passed_ends(data_dir, resources, as_of)
    status = {r["name"]: dataset_status(r, as_of, unknown_ends.get(r["name"], [])) for r in resources}

    page.key("datasets_n", len(resources))
    page.key("sources_n", len(sources))
    page.key("rows_n", sum(len(v) for v in rows.values()))
    licences = package.get("licenses") or [{}]
    page.key("licence", licences[0].get("title") or licences[0].get("name") or "")
    page.key("licence_url", licences[0].get("path") or "")
    page.key("checks", "; ".join(always_checked()))
    page.key("as_of_date", long_date(as_of) if as_of else "")
    due = [r for r in resources if status[r["name"]][0] == "due"]
    page.key("due_n", len(due))
    page.key("due_any", bool(due))
    page.key("due_list", listing(title_of(r) for r in due))
    ends = [e for events in unknown_ends.values() for e in events]
    page.key("ends_unknown_n", len(ends))
    page.key("ends_unknown_any", bool(ends))
    page.key("ends_unknown_first", long_date(min(e["end"] for e in ends)) if ends else "")

    page.tables["topics"] = topics_table(topics or {}, resources, status)
    page.tables["freshness"] = freshness_table(resources, status)
    h = headings("ends_table")
    page.tables["ends-unknown"] = pd.DataFrame(
        [{h["end"]: long_date(e["end"]), h["measure"]: e["instrument"],
          h["confirmed"]: long_date(e["confirmed"]) if e["confirmed"] else words("never"),
          h["followed"]: words("unknown")} for e in sorted(ends, key=lambda e: e["end"])],
        columns=[h["end"], h["measure"], h["confirmed"], h["followed"]])
    known = set(registry)
    for resource in resources:
        name = resource["name"]
        dataset_sources(resource, rows[name], known)  # refuses a source id the registry lacks
        page.tables[f"about-{name}"] = about_table(resource, rows[name], status[name])
        page.tables[f"columns-{name}"] = columns_table(resource.get("schema", {}).get("fields", []))
        page.html[f"rows-{name}"] = rows_html(resource, rows[name], registry)
    page.html["registry"] = registry_html(sources)
    return page


def title_of(resource: dict) -> str:
    return resource.get("title") or resource["name"]


def passed_ends(data_dir: Path, resources: list[dict], as_of) -> dict[str, list[dict]]:
    """Per dataset with scheduled ends (the export-control timeline): each end passed by ``as_of``
    with no source on what followed (``analysis.controls``, the rule every chapter uses)."""
    from analysis import controls, datasets as loader

    out: dict[str, list[dict]] = {}
    if not as_of:
        return out
    for resource in resources:
        fields = {f.get("name") for f in resource.get("schema", {}).get("fields", [])}
        if not {"scheduled_end", "status", "status_confirmed"} <= fields:
            continue
        table = controls.status_table(loader.load(resource["name"], data_dir), as_of)
        passed = table[table["status_as_of"] == "end_passed_unconfirmed"]
        out[resource["name"]] = [{
            "end": controls.to_date(e.get("scheduled_end")) or controls.to_date(e["date"]),
            "instrument": str(e["instrument"]), "confirmed": controls.to_date(e.get("status_confirmed")),
        } for e in passed.to_dict("records")]
    return out


def dataset_status(resource: dict, as_of, ends: list[dict]) -> tuple[str, str]:
    """(code, phrase): ``due`` (the next release was due before ``as_of``), ``unknown`` (a
    scheduled end passed with no source on what followed) or ``current``."""
    fresh = freshness.of(resource)
    if as_of and fresh is not None and fresh.overdue(as_of):
        return "due", freshness.status_text(fresh, as_of)
    if ends:  # the page lists them, under "Scheduled ends with no source on what followed"
        return "unknown", words("status.unknown")
    return ("current", words("status.current")) if as_of else ("", "")


def topics_table(topics: dict[str, list[str]], resources: list[dict], status: dict) -> pd.DataFrame:
    """Per topic: its datasets, the newest period any of them covers, and its state."""
    by_name = {r["name"]: r for r in resources}
    unknown = [n for names in topics.values() for n in names if n not in by_name]
    if unknown:
        raise DataError(f"data_sources topics name datasets not in datapackage.json: {', '.join(unknown)}")
    records, h = [], headings("topics_table")
    for topic, names in topics.items():
        periods = [freshness.of(by_name[n]).latest_period for n in names if freshness.of(by_name[n])]
        ranked = [(end, p) for p in periods if (end := freshness.period_span_end(p)) is not None]
        newest = max(ranked)[1] if ranked else (periods[0] if periods else "")
        codes = [status[n] for n in names]
        state = next((s for c, s in codes if c == "unknown"), None) or next((s for c, s in codes if c == "due"), None)
        records.append({h["topic"]: topic, h["datasets"]: ", ".join(title_of(by_name[n]) for n in names),
                        h["newest"]: freshness.period_text(newest) if newest else words("empty"),
                        h["status"]: state or (codes[0][1] if codes else "")})
    return pd.DataFrame(records, columns=[h["topic"], h["datasets"], h["newest"], h["status"]])


def freshness_table(resources: list[dict], status: dict) -> pd.DataFrame:
    """Per dataset: its newest data, its publisher's cadence, its next release and its state."""
    records, h = [], headings("freshness_table")
    for resource in resources:
        fresh = freshness.of(resource)
        if fresh is None:
            continue
        records.append({h["dataset"]: title_of(resource), h["latest"]: freshness.period_text(fresh.latest_period),
                        h["released"]: freshness.cadence_text(fresh.cadence),
                        h["next"]: freshness.expected_text(fresh), h["status"]: status[resource["name"]][1]})
    return pd.DataFrame(records, columns=[h["dataset"], h["latest"], h["released"], h["next"], h["status"]])


# A text cell starting with one of these is run as a formula by spreadsheets ("-74% y/y" included).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_TYPES = {"number", "integer", "year", "boolean"}


def inert(cell: str) -> str:
    """A text cell a spreadsheet shows as text: a leading apostrophe when it would start a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def write_downloads(data_dir: Path, stage_dir: Path, meta=None) -> Path | None:
    """Copy each dataset CSV to <stage_dir>/datasets/ (the page's ``{download}`` links) and, with
    the report's ``meta`` (``citation.Meta``), write the "download all data" zip; returns the zip."""
    data_dir, stage_dir = Path(data_dir), Path(stage_dir)
    package = read_descriptor(data_dir)
    for resource in datasets(package):
        copy_dataset(data_dir, stage_dir, resource)
    if meta is None:
        return None
    return bundle.write_bundle(data_dir, stage_dir / DATASETS_DIR / bundle.bundle_name(meta), meta)


def bundle_substitutions(target: Path | None) -> dict[str, str]:
    """The zip as the page names it (MyST substitutions): its download link and size in KB."""
    if target is None:
        return {}
    return {"data_bundle": f"{{download}}`{target.name} <{DATASETS_DIR}/{target.name}>`",
            "data_bundle_kb": f"{target.stat().st_size / 1024:,.0f}"}


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


def always_checked() -> list[str]:
    """The rules every dataset is checked against, declared or not (pipeline/stages/validate.py)."""
    from ..stages.validate import always_rules_text

    return always_rules_text(str, str)


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


def about_table(resource: dict, rows: list[dict], status: tuple[str, str]) -> pd.DataFrame:
    """A dataset's facts, one a row: what it holds, how current it is, its units, its key, its checks."""
    items, fact = [], headings("about")
    if resource.get("description"):
        items.append((fact["description"], resource["description"]))
    items.append((fact["rows"], f"{len(rows):,}"))
    fresh = freshness.of(resource)
    if fresh is not None:
        items += [(fact["latest"], freshness.period_text(fresh.latest_period)),
                  (fact["released"], freshness.cadence_text(fresh.cadence)),
                  (fact["next"], freshness.expected_text(fresh))]
        if status[1]:
            items.append((fact["status"], status[1]))
        if (resource.get("freshness") or {}).get("note"):
            items.append((fact["note"], resource["freshness"]["note"]))
    units = units_of(rows)
    if units:
        items.append((fact["unit"] if len(units) == 1 else fact["units"], "; ".join(units)))
    key = resource.get("schema", {}).get("primaryKey")
    if key:
        items.append((fact["key"], ", ".join(as_list(key))))
    for rule in resource.get("rules", []) or []:
        items.append((fact["rule"], rule_text(rule)))
    h = headings("about_table")
    return pd.DataFrame(items, columns=[h["about"], h["detail"]])


def rule_text(rule: dict) -> str:
    """What a project rule checks, as the Data page states it (from the rule's registration)."""
    from ..stages.validate import RULES

    registered = RULES.get(rule.get("type"))
    return registered.describe(rule, str, str) if registered else str(rule.get("type"))


def columns_table(fields: list[dict]) -> pd.DataFrame:
    h = headings("columns_table")
    return pd.DataFrame([{h["column"]: spec.get("name", ""), h["type"]: spec.get("type", "string"),
                          h["description"]: spec.get("description", ""), h["constraints"]: constraints_text(spec)}
                         for spec in fields], columns=[h["column"], h["type"], h["description"], h["constraints"]])


def constraints_text(spec: dict) -> str:
    constraints = spec.get("constraints", {}) or {}
    parts = []
    if constraints.get("required"):
        parts.append(words("constraints.required"))
    if constraints.get("unique"):
        parts.append(words("constraints.unique"))
    for name in CONSTRAINTS:
        if name in constraints:
            parts.append(words(f"constraints.{name}", value=constraints[name]))
    if "enum" in constraints:
        parts.append(words("constraints.enum", values=", ".join(str(v) for v in constraints["enum"])))
    if spec.get("type") == "date":
        parts.append(words("constraints.date"))
    return "; ".join(parts) or words("empty")


# --- rows and sources, with anchors a key figure links to (scripts/sphinx_ext/report_trace.py) ---

SLUG = re.compile(r"[^A-Za-z0-9]+")
# the column that says what a row identified only by an id is about, in order of preference
DESCRIBING = ("instrument", "measure", "title", "claim", "event", "milestone", "name", "provision", "description",
              "item_text", "evidence")
LABEL_CHARS = 90
NO_SOURCE = "none"


def row_anchor(dataset: str, slug: str) -> str:
    return f"row-{dataset}-{slug}"


def group_anchor(dataset: str, source_id: str) -> str:
    """The rows of ``dataset`` that ``source_id`` gives: where a key figure of the dataset links."""
    return f"rows-{dataset}--{source_id}"


def source_anchor(source_id: str) -> str:
    return f"source-{source_id}"


def row_ids(resource: dict, rows: list[dict]) -> list[str]:
    """Each row's stable id: its primary key's values other than the source, as a slug (made
    unique with -2, -3 … should two slugs meet)."""
    key = [k for k in as_list(resource.get("schema", {}).get("primaryKey") or []) if k not in SOURCE_ID_FIELDS]
    seen: dict[str, int] = {}
    out = []
    for n, row in enumerate(rows, start=1):
        slug = SLUG.sub("-", "-".join(str(row.get(k, "")) for k in key)).strip("-").lower() if key else ""
        slug = slug or str(n)
        seen[slug] = seen.get(slug, 0) + 1
        out.append(slug if seen[slug] == 1 else f"{slug}-{seen[slug]}")
    return out


def source_of(row: dict) -> str:
    return next((row[f] for f in SOURCE_ID_FIELDS if row.get(f)), "")


def numeric_fields(resource: dict, row: dict) -> list[str]:
    return [f["name"] for f in resource.get("schema", {}).get("fields", [])
            if f.get("type") in ("number", "integer") and row.get(f.get("name"))]


def figures_of(resource: dict, row: dict) -> str:
    """The row's numbers, as "column: value" (with the row's unit), for the rows table."""
    numeric = numeric_fields(resource, row)
    unit = row.get("unit", "")
    text = "; ".join(f"{name}: {row[name]}" for name in numeric)
    return f"{text} ({unit})" if text and unit else text


def source_cell(source_id: str, registry: dict) -> str:
    source = registry.get(source_id)
    if source is None:
        return escape(words("empty"))
    when = source.get("date", "")
    label = f"{source.get('publisher', '')} ({when})" if when else source.get("publisher", "")
    return f'<a href="#{escape(source_anchor(source_id))}">{escape(label)}</a>'


def rows_html(resource: dict, rows: list[dict], registry: dict) -> str:
    """Every row of the dataset by source: one ``tbody`` a source (id ``rows-<dataset>--<source>``),
    one ``tr`` a row (id ``row-<dataset>-<row id>``), each naming its source."""
    name = resource["name"]
    ids = row_ids(resource, rows)
    key = [k for k in as_list(resource.get("schema", {}).get("primaryKey") or []) if k not in SOURCE_ID_FIELDS]
    groups: dict[str, list[tuple[str, dict]]] = {}
    for row_id, row in zip(ids, rows):
        groups.setdefault(source_of(row) or NO_SOURCE, []).append((row_id, row))
    h = headings("rows_table")
    head = "".join(f"<th>{escape(h[k])}</th>" for k in ("id", "row", "figures", "source"))
    bodies = []
    for source_id, members in groups.items():
        cells = []
        for row_id, row in members:
            label = " · ".join(str(row.get(k, "")) for k in key) or row_id
            if SLUG.sub("-", label).strip("-").lower() == row_id:  # a bare id: what the row is about
                label = next((str(row[f]) for f in DESCRIBING if row.get(f)), label)
                label = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS].rsplit(" ", 1)[0] + " …"
            also = [row[f] for f in SOURCE_ID_FIELDS[1:] if row.get(f)]
            source = "; ".join(source_cell(s, registry) for s in [source_id, *also] if s != NO_SOURCE) \
                or escape(words("empty"))
            # the row's numbers, plain, so a key figure that quotes one of them links to this row
            numbers = " ".join(row[f] for f in numeric_fields(resource, row))
            cells.append(f'<tr id="{escape(row_anchor(name, row_id))}" data-figures="{escape(numbers)}">'
                         f"<td><code>{escape(row_id)}</code></td>"
                         f"<td>{escape(label)}</td><td>{escape(figures_of(resource, row))}</td><td>{source}</td></tr>")
        bodies.append(f'<tbody id="{escape(group_anchor(name, source_id))}">{"".join(cells)}</tbody>')
    return (f'<table class="report-table rows-table"><thead><tr>{head}</tr></thead>{"".join(bodies)}</table>')


def grade_name(code: str) -> str:
    """A quality grade's name ("P" → "primary"; "" for a code the catalog does not name)."""
    return interface.table("data_page.grades").get(code, "") if code in QUALITY_GRADES else ""


def registry_html(sources: list[dict]) -> str:
    """The source registry: one row a document (its id in the row's anchor, ``source-<id>``) with
    the publisher, the title linked to the publisher's own address, the date, the grade and how the text was seen (with
    the address of the copy read, where there was one)."""
    h = headings("registry_table")
    head = "".join(f"<th>{escape(h[k])}</th>" for k in ("publisher", "title", "date", "grade", "seen"))
    lines = []
    seen_as = interface.table("data_page.seen_as")  # how the text was seen, as a table cell says it
    copy_read = escape(interface.text("data_page.copy_read"))
    for s in sources:
        url = bib_url(s.get("url", ""))
        title = escape(s.get("title", ""))
        title = f'<a href="{escape(url)}">{title}</a>' if url.startswith(("https://", "http://")) else title
        grade = s.get("quality", "")
        meaning = grade_name(grade)
        seen = escape(seen_as.get(s.get("seen_as", ""), s.get("seen_as", "")))
        copy = bib_url(s.get("copy_url", ""))
        if copy.startswith(("https://", "http://")):
            seen += f' (<a href="{escape(copy)}">{copy_read}</a>)'
        lines.append(f'<tr id="{escape(source_anchor(s["id"]))}">'
                     f"<td>{escape(s.get('publisher', ''))}</td><td>{title}</td><td>{escape(s.get('date', ''))}</td>"
                     f"<td>{escape(grade)}{' (' + escape(meaning) + ')' if meaning else ''}</td><td>{seen}</td></tr>")
    return f'<table class="report-table registry-table"><thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table>'


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
    meaning = grade_name(quality)
    # the grade only (sphinx_ext/report_dates.py reads "Quality: D"); how the text was seen is the
    # Data page's registry, so the chapters' reference lists stay bibliographies
    return f"Quality: {quality} ({meaning})" if meaning else f"Quality: {quality}"
