"""Stage 1 — validate: check every file in data/ against data/datapackage.json before anything is built.

A chapter must never be computed from a malformed figure, so this stage reads each declared CSV,
checks its bytes, header, types and constraints (the schema is checked by ``frictionless``; the
cells in one pass of plain Python, linear in the rows) and then the project rules that frictionless does not
know (``rules`` on each resource, source ids, foreign keys). All problems are collected and raised
together as one :class:`DataError`, one person-readable line per problem, e.g.::

    data/mine_production_by_country.csv, row 7, column "production": value must be ≥ 0 (rule: minimum) — got "-5"

Row numbers are those a spreadsheet shows (header = row 1).
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path, PurePosixPath

import frictionless

from analysis.datapackage import DESCRIPTOR, SOURCE_ID_FIELDS, SOURCES_RESOURCE, as_list, csv_text, descriptor_text, unguard

from ..pages import freshness
from ..errors import DataError

MAX_SHOWN = 20
# Contract: numbers are plain ("270000", "69.2"). frictionless also accepts "NaN", "Infinity",
# "1_000" and " 12" (Python's Decimal does), so the plain form is checked here as well.
# ASCII digits only: Python's \d and float() also take "１２" (full-width) or "١٢" (Arabic-Indic),
# which pandas, reading the data for a chapter, does not.
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", re.ASCII)
PLAIN_INTEGER = re.compile(r"-?\d+", re.ASCII)
TYPE_HINTS = {
    "number": "value must be a plain number such as 12.5 — no thousands separators, decimal commas,"
    " units, % signs or text; leave the cell empty when no figure is available",
    "integer": "value must be a whole number such as 2024 — no separators, decimals or text",
    "date": "value must be a real date written YYYY-MM-DD (ISO 8601)",
    "datetime": "value must be an ISO date-time such as 2025-10-10T09:30:00",
    "year": "value must be a year such as 2024",
    "yearmonth": "value must be a month written YYYY-MM",
    "boolean": "value must be true or false",
}
CONSTRAINT_TEXT = {
    "minimum": "value must be ≥ {}",
    "maximum": "value must be ≤ {}",
    "exclusiveMinimum": "value must be > {}",
    "exclusiveMaximum": "value must be < {}",
    "minLength": "value must be at least {} characters long",
    "maxLength": "value must be at most {} characters long",
    "pattern": "value must match the pattern {}",
}


@dataclass
class Table:
    """One CSV as read from disk: its header and its data rows keyed by spreadsheet row number."""

    label: str  # path as shown to a person, e.g. "data/sources.csv"
    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    fields: dict[str, dict]
    records: list[tuple[int, list[str]]] = field(default_factory=list)  # every data record as read
    # Cells already reported: later checks skip them so one bad cell gives one message.
    flagged: set[tuple[int, str]] = field(default_factory=set)

    def values(self, column: str):
        """(row number, cell) for every data row, skipping cells already reported."""
        return ((n, row.get(column, "")) for n, row in self.rows if (n, column) not in self.flagged)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def validate_data(data_dir: Path, *, max_bytes: int = 20_000_000) -> list[str]:
    """Check data/ against its datapackage.json; return one summary line per check that passed.

    Raises DataError listing every problem found (at most MAX_SHOWN lines, then "… and N more").
    """
    data_dir = Path(data_dir)
    package = load_descriptor(data_dir)
    problems: list[str] = []
    tables: dict[str, Table] = {}
    for resource in package["resources"]:
        table = check_resource(data_dir, resource, max_bytes, problems)
        if table is not None:
            tables[table.name] = table
    sources_table = tables.get(SOURCES_RESOURCE)
    summaries = [f"{DESCRIPTOR}: {len(package['resources'])} resources declared"]
    if sources_table is None and SOURCES_RESOURCE not in {r.get("name") for r in package["resources"]}:
        problems.append(f"{data_dir.name}/{DESCRIPTOR}: no resource named \"sources\" — source ids"
                        " cannot be checked (rule: source_id)")
    elif sources_table is not None:
        n_refs = check_source_ids(tables, sources_table, package, data_dir, problems)
        summaries.append(f"source ids: {n_refs} references, all found in {sources_table.label}")
    check_foreign_keys(package, tables, problems)
    if problems:
        raise DataError(format_problems(problems))
    summaries += [f"{PurePosixPath(t.label).name}: {len(t.rows)} rows ok" for t in tables.values()]
    return summaries


def format_problems(problems: list[str]) -> str:
    """One line per problem, capped so a broken file does not bury the first messages.

    A problem quotes the cell it is about, and a cell may hold a line break or a control
    character: they are shown escaped (\\n, \\x1b), so each problem stays one line that names its
    file, row and column; a very long line is cut."""
    problems = [one_line(p) for p in problems]
    shown = problems[:MAX_SHOWN]
    if len(problems) > MAX_SHOWN:
        shown.append(f"… and {len(problems) - MAX_SHOWN} more")
    return "\n".join(shown)


MAX_LINE = 600


def one_line(problem: str) -> str:
    escaped = "".join(ch if ch.isprintable() or ch == " " else
                      {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{ord(ch):02x}" if ord(ch) < 0x100
                                                         else f"\\u{ord(ch):04x}")
                      for ch in problem)
    return escaped if len(escaped) <= MAX_LINE else escaped[:MAX_LINE - 1] + "…"


# ---------------------------------------------------------------------------------------------
# The descriptor
# ---------------------------------------------------------------------------------------------


def load_descriptor(data_dir: Path) -> dict:
    """Read datapackage.json; without a usable descriptor nothing else can be checked."""
    label = f"{data_dir.name}/{DESCRIPTOR}"
    path = data_dir / DESCRIPTOR
    if not path.is_file():
        raise DataError(f"{label}: file not found — the data package descriptor is required")
    try:
        package = json.loads(descriptor_text(data_dir))
    except UnicodeDecodeError as exc:
        raise DataError(f"{label}: not valid UTF-8 at byte {exc.start} (rule: encoding)") from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{label}, line {exc.lineno}, column {exc.colno}: malformed JSON — {exc.msg} (rule: json)"
        ) from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DataError(f"{label}: no \"resources\" list — nothing is declared (rule: datapackage)")
    problems = [p for r in resources for p in descriptor_problems(label, r)]
    if problems:
        raise DataError(format_problems(problems))
    return package


def descriptor_problems(label: str, resource) -> list[str]:
    """A resource must name its file and its fields; the path must stay inside data/."""
    if not isinstance(resource, dict):
        return [f"{label}: every resource must be an object — got {json.dumps(resource)[:60]}"]
    name = resource.get("name", "?")
    where = f'{label}, resource "{name}"'
    problems = []
    path = resource.get("path")
    if not isinstance(path, str) or not path:
        problems.append(f"{where}: no \"path\" (rule: datapackage)")
    elif PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts:
        problems.append(f'{where}: path "{path}" must be a file inside the data folder (rule: datapackage)')
    fields = resource.get("schema", {}).get("fields") if isinstance(resource.get("schema"), dict) else None
    if not isinstance(fields, list) or not fields:
        problems.append(f"{where}: no \"schema.fields\" (rule: datapackage)")
    for rule in resource.get("rules", []) or []:
        problems += rule_declaration_problems(where, rule, fields or [])
    problems += freshness.declaration_problems(where, resource)
    return problems


def rule_declaration_problems(where: str, rule, fields: list) -> list[str]:
    """A misspelt rule must fail loudly, or the check it names would silently never run."""
    if not isinstance(rule, dict) or rule.get("type") not in RULES:
        kind = rule.get("type") if isinstance(rule, dict) else rule
        known = ", ".join(name for name, registered in RULES.items() if not registered.always)  # the others run anyway
        return [f'{where}: unknown rule "{kind}" — known rules: {known} (rule: rules)']
    missing = [p for p in RULES[rule["type"]].required if rule.get(p) in (None, "", [])]
    if missing:
        return [f'{where}: rule {rule["type"]} lacks {", ".join(missing)} (rule: rules)']
    names = {f.get("name") for f in fields if isinstance(f, dict)}
    columns = [c for key in RULES[rule["type"]].columns for c in as_list(rule.get(key))]
    return [f'{where}: rule {rule["type"]} names column "{c}", which the schema does not declare'
            f" (rule: rules)" for c in columns if c not in names]


# ---------------------------------------------------------------------------------------------
# One resource: bytes → header → types and constraints → project rules
# ---------------------------------------------------------------------------------------------


def check_resource(data_dir: Path, resource: dict, max_bytes: int, problems: list[str]) -> Table | None:
    """Run every per-file check; return the parsed table when it is sound enough for cross-file checks."""
    table = read_table(data_dir, resource, max_bytes, problems)
    if table is None:
        return None
    header_problems = check_header(table)
    if header_problems:  # types would only repeat the header problem row after row
        problems += header_problems
        return None
    problems += check_plain_numbers(table)  # first: frictionless would call "NaN" a number
    problems += check_types(data_dir, resource, table)
    for name, registered in RULES.items():
        if registered.always:
            problems += registered.check(table, {"type": name})
    for rule in resource.get("rules", []) or []:
        problems += RULES[rule["type"]].check(table, rule)
    return table


def read_table(data_dir: Path, resource: dict, max_bytes: int, problems: list[str]) -> Table | None:
    path = data_dir / resource["path"]
    label = f"{data_dir.name}/{resource['path']}"
    name = resource.get("name", path.stem)
    if not path.is_file():
        problems.append(f'{label}: file not found (declared by resource "{name}" in {DESCRIPTOR})')
        return None
    size = path.stat().st_size
    if size == 0:
        problems.append(f"{label}: file is empty (0 bytes) — expected a header row and data rows")
        return None
    if size > max_bytes:
        problems.append(f"{label}: file is far too large ({size:,} bytes, limit {max_bytes:,})"
                        " — is this the right file? (rule: max_bytes)")
        return None
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(f"{label}, row 1: the file is saved as UTF-16 — save it as UTF-8 (rule: encoding)")
        return None
    # surrogateescape keeps undecodable bytes so they can be located by row and column
    text = csv_text(path)
    fields = {f["name"]: f for f in resource["schema"]["fields"] if isinstance(f, dict) and "name" in f}
    records = read_records(label, text, problems)
    if records is None:
        return None
    # the site's own downloads carry a formula guard ("'+12%"): read as the text it guards
    records = records[:1] + [[unguard(cell) for cell in record] for record in records[1:]]
    header = records[0] if records else []
    if not any(c.strip() for c in header):
        problems.append(f"{label}: no header row — the first line must name the columns")
        return None
    rows = [(n, dict(zip(header, rec))) for n, rec in enumerate(records[1:], start=2)
            if any(c.strip() for c in rec)]
    encoding_problems = bad_bytes_problems(label, header, records)
    if encoding_problems:
        problems += encoding_problems
        return None
    if not rows:
        problems.append(f"{label}: has a header but no data rows (header only)")
        return None
    share = share_fields(resource)
    fields = {name: ({**spec, "_share": True} if name in share else spec) for name, spec in fields.items()}
    return Table(label=label, name=name, header=header, rows=rows, fields=fields,
                 records=list(enumerate(records[1:], start=2)))


def read_records(label: str, text: str, problems: list[str]) -> list[list[str]] | None:
    """The CSV's records, or None with a problem naming the row and column where it cannot be read:
    a quoted cell never closed (a file cut short) or text after a closing quote would otherwise
    be read silently as one long cell, and a NUL byte stops any CSV reader."""
    if "\x00" in text:
        at = text.index("\x00")
        row, column = cell_at(text, at)
        header = next(csv.reader(io.StringIO(text[:text.find("\n") if "\n" in text else len(text)].replace("\x00", ""))), [])
        name = header[column] if row > 1 and column < len(header) else f"#{column + 1}"
        problems.append(f'{label}, row {row}, column "{name}": holds a NUL byte — the file is damaged or is'
                        " not a text CSV (rule: csv)")
        return None
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        row, column = quote_problem(text) or (len(records) + 1, 0)
        header = records[0] if records else []
        name = header[column] if row > 1 and column < len(header) else f"#{column + 1}"
        problems.append(f'{label}, row {row}, column "{name}": not readable as CSV — a quoted cell is not'
                        f" closed, or text follows its closing quote ({exc}) (rule: csv)")
        return None
    return records


def quote_problem(text: str) -> tuple[int, int] | None:
    """(spreadsheet row, 0-based column) of the first quoted cell that is never closed or has
    text after its closing quote; rows are records, as the other messages count them."""
    row, column, i, n, cell_start = 1, 0, 0, len(text), True
    while i < n:
        ch = text[i]
        if cell_start and ch == '"':
            i += 1
            while True:
                j = text.find('"', i)
                if j < 0:
                    return row, column
                if text.startswith('""', j):
                    i = j + 2
                    continue
                i = j + 1
                break
            if i < n and text[i] not in ",\r\n":
                return row, column
            cell_start = False
            continue
        if ch == ",":
            column, cell_start = column + 1, True
        elif ch == "\n" or (ch == "\r" and not text.startswith("\n", i + 1)):
            row, column, cell_start = row + 1, 0, True
        elif ch != "\r":
            cell_start = False
        i += 1
    return None


def cell_at(text: str, offset: int) -> tuple[int, int]:
    """(spreadsheet row, 0-based column) of a character offset, counting quoted line breaks as inside the cell."""
    row, column, quoted = 1, 0, False
    for ch in text[:offset]:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            column += 1
        elif ch == "\n" and not quoted:
            row, column = row + 1, 0
    return row, column


SURROGATE = re.compile("[\udc80-\udcff]")


def bad_bytes_problems(label: str, header: list[str], records: list[list[str]]) -> list[str]:
    """Name each cell holding bytes that are not UTF-8 (e.g. a file saved as Windows-1252)."""
    problems = []
    if not any(SURROGATE.search(cell) for record in records for cell in record):
        return problems
    for n, record in enumerate(records, start=1):
        for i, cell in enumerate(record):
            if SURROGATE.search(cell):
                column = header[i] if n > 1 and i < len(header) else f"#{i + 1}"
                shown = "".join(f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch
                                for ch in cell)
                problems.append(f'{label}, row {n}, column "{column}": bytes that are not valid UTF-8'
                                f' — save the file as UTF-8 (rule: encoding) — got "{shown}"')
    return problems


def check_header(table: Table) -> list[str]:
    problems = []
    seen = set()
    for name in table.header:
        if name in seen:
            problems.append(f'{table.label}, row 1, column "{name}": column appears twice (rule: header)')
        seen.add(name)
    for name in table.fields:
        if name not in seen:
            problems.append(f'{table.label}, row 1, column "{name}": missing column — declared in'
                            f" {DESCRIPTOR} but not in the file (rule: header)")
    for name in table.header:
        if name not in table.fields:
            problems.append(f'{table.label}, row 1, column "{name}": unknown column — not declared in'
                            f" {DESCRIPTOR} (rule: header)")
    return problems


# ---------------------------------------------------------------------------------------------
# Types and constraints (frictionless)
# ---------------------------------------------------------------------------------------------


def check_types(data_dir: Path, resource: dict, table: Table) -> list[str]:
    """Types, constraints, row lengths, unique values and the primary key, row by row.

    The schema itself is checked by frictionless (a misspelt type or constraint fails loudly);
    the cells are checked here, in one pass of plain Python, because frictionless's row-by-row
    validation takes about 15 s for 100,000 rows where this takes about one."""
    try:
        frictionless.Schema.from_descriptor(schema_for_frictionless(resource["schema"]))
    except frictionless.FrictionlessException as exc:
        return [f'{data_dir.name}/{DESCRIPTOR}, resource "{table.name}": invalid schema —'
                f" {exc.error.note or exc.error.title} (rule: datapackage)"]
    schema = resource["schema"]
    missing_values = set(schema.get("missingValues", [""]))
    checkers = [(name, cell_checker(spec)) for name, spec in table.fields.items()]
    positions = {name: i for i, name in enumerate(table.header)}
    key = [k for k in as_list(schema.get("primaryKey")) if k in positions]
    unique = [name for name, spec in table.fields.items() if (spec.get("constraints") or {}).get("unique")]
    seen_keys: dict[tuple, int] = {}
    seen_unique: dict[str, dict[str, int]] = {name: {} for name in unique}
    problems = []
    width = len(table.header)
    for n, record in table.records:
        if not any(record):
            continue  # a blank line: harmless (spreadsheets leave them at the end)
        for extra in record[width:]:
            problems.append(f'{table.label}, row {n}: more cells than the header has columns (rule: row length)'
                            f' — got "{extra}"')
        for name, check in checkers:
            i = positions[name]
            if i >= len(record):
                problems.append(f'{table.label}, row {n}, column "{name}": the row ends before this column'
                                " (rule: row length)")
                table.flagged.add((n, name))
                continue
            if (n, name) in table.flagged:
                continue
            message = check(record[i], record[i] in missing_values)
            if message and message is not SILENT:
                table.flagged.add((n, name))
                problems.append(f'{table.label}, row {n}, column "{name}": {message}')
        for name in unique:
            i = positions.get(name)
            cell = record[i] if i is not None and i < len(record) else ""
            if cell in missing_values or (n, name) in table.flagged:
                continue
            first = seen_unique[name].setdefault(cell, n)
            if first != n:
                problems.append(f'{table.label}, row {n}, column "{name}": value must be unique (rule: unique)'
                                f' — got "{cell}", same as row {first}')
        if key:
            value = tuple(record[positions[k]] if positions[k] < len(record) else "" for k in key)
            first = seen_keys.setdefault(value, n)
            if first != n:
                message = describe_duplicate_key(table, resource, n, f"position {first}")
                if message:
                    problems.append(message)
    return problems


SILENT = "already reported"  # a cell another rule reports in its own words


def cell_checker(spec: dict):
    """A function (cell, is_missing) → problem text or None for one field of the schema."""
    kind = spec.get("type", "string")
    constraints = spec.get("constraints") or {}
    parse = TYPE_PARSERS.get(kind, lambda cell, spec: cell)
    hint = TYPE_HINTS.get(kind, f"value must be a valid {kind}")
    required = constraints.get("required", False)
    # \d means 0-9 in a schema pattern (as in JSON Schema), not every Unicode digit
    pattern = re.compile(constraints["pattern"], re.ASCII) if isinstance(constraints.get("pattern"), str) else None
    enum = constraints.get("enum")
    allowed = None if enum is None else [typed(v, kind, spec) for v in enum]
    bounds = [(name, constraints[name], typed(constraints[name], kind, spec), test)
              for name, test in BOUND_TESTS.items() if name in constraints]
    lengths = [(name, constraints[name], test) for name, test in LENGTH_TESTS.items() if name in constraints]

    def check(cell: str, missing: bool):
        if missing:
            return "a value is required but the cell is empty (rule: required)" if required else None
        try:
            value = parse(cell, spec)
        except (ValueError, TypeError, ArithmeticError):
            return f'{hint} (rule: type {kind}) — got "{cell}"'
        if allowed is not None:
            if value not in allowed:
                return f'value must be one of {", ".join(str(v) for v in enum)} (rule: enum) — got "{cell}"'
        for name, limit, typed_limit, test in bounds:
            try:
                ok = test(value, typed_limit)
            except (TypeError, ValueError, ArithmeticError):
                continue
            if not ok:
                if spec.get("_share"):
                    return SILENT  # the share_percent rule reports this cell in its own words
                return f'{CONSTRAINT_TEXT[name].format(limit)} (rule: {name}) — got "{cell}"'
        for name, limit, test in lengths:
            if not test(len(cell), limit):
                return f'{CONSTRAINT_TEXT[name].format(limit)} (rule: {name}) — got "{cell}"'
        if pattern is not None and not pattern.fullmatch(cell):
            return f'{CONSTRAINT_TEXT["pattern"].format(constraints["pattern"])} (rule: pattern) — got "{cell}"'
        return None

    return check


def typed(value, kind: str, spec: dict):
    """A constraint's value (from the JSON descriptor) in the type its field's cells are read as."""
    if isinstance(value, str):
        try:
            return TYPE_PARSERS.get(kind, lambda cell, spec: cell)(value, spec)
        except (ValueError, TypeError, ArithmeticError):
            return value
    if kind in ("number", "integer", "year") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def parse_number(cell: str, spec: dict) -> float:
    if not PLAIN_NUMBER.fullmatch(cell):
        raise ValueError(cell)
    value = float(cell)
    if not math.isfinite(value):
        raise ValueError(cell)  # "1e999": beyond what a chapter can compute with
    return value


def parse_integer(cell: str, spec: dict) -> float:
    if not PLAIN_INTEGER.fullmatch(cell):
        raise ValueError(cell)
    value = float(int(cell))
    if abs(value) > 2 ** 53:
        raise ValueError(cell)  # not exactly representable once read by pandas
    return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date(cell: str, spec: dict) -> datetime.date:
    if not ISO_DATE.fullmatch(cell):
        raise ValueError(cell)
    return datetime.date.fromisoformat(cell)


def parse_datetime(cell: str, spec: dict) -> datetime.datetime:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", cell, re.ASCII):
        raise ValueError(cell)
    return datetime.datetime.fromisoformat(cell.replace("Z", "+00:00"))


def parse_boolean(cell: str, spec: dict) -> bool:
    if cell in spec.get("trueValues", ["true", "True", "TRUE", "1"]):
        return True
    if cell in spec.get("falseValues", ["false", "False", "FALSE", "0"]):
        return False
    raise ValueError(cell)


def parse_year(cell: str, spec: dict) -> float:
    if not re.fullmatch(r"\d{4}", cell, re.ASCII):
        raise ValueError(cell)
    return float(cell)


def parse_yearmonth(cell: str, spec: dict) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", cell, re.ASCII)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(cell)
    return int(match.group(1)), int(match.group(2))


TYPE_PARSERS = {
    "string": lambda cell, spec: cell,
    "number": parse_number,
    "integer": parse_integer,
    "date": parse_date,
    "datetime": parse_datetime,
    "boolean": parse_boolean,
    "year": parse_year,
    "yearmonth": parse_yearmonth,
}
BOUND_TESTS = {
    "minimum": lambda value, limit: value >= limit,
    "maximum": lambda value, limit: value <= limit,
    "exclusiveMinimum": lambda value, limit: value > limit,
    "exclusiveMaximum": lambda value, limit: value < limit,
}
LENGTH_TESTS = {
    "minLength": lambda length, limit: length >= limit,
    "maxLength": lambda length, limit: length <= limit,
}


def schema_for_frictionless(schema: dict) -> dict:
    """The descriptor's schema, minus what this module checks itself."""
    schema = copy.deepcopy(schema)
    schema.pop("foreignKeys", None)  # they point at other files; checked in check_foreign_keys
    schema["fieldsMatch"] = "equal"  # match columns by name, not position (the set is checked already)
    for spec in schema.get("fields", []):
        if spec.get("type") == "date":
            spec.pop("format", None)  # contract: dates are ISO only, never "any" or "%d/%m/%Y"
    return schema


def share_fields(resource: dict) -> set[str]:
    return {f for r in resource.get("rules", []) or [] if r.get("type") == "share_percent"
            for f in as_list(r.get("fields"))}


def same_row(note: str) -> str:
    match = re.search(r"position (\d+)", note or "")
    return f"same as row {match.group(1)}" if match else "repeated"


def describe_duplicate_key(table: Table, resource: dict, row: int, note: str) -> str | None:
    key = as_list(resource["schema"].get("primaryKey"))
    cells = dict(table.rows).get(row)
    if cells is None:
        return None  # a blank row: nothing a person can fix there
    table.flagged.update((row, column) for column in table.header)  # keep it out of sums and rules
    values = ", ".join(f'{k}="{cells.get(k, "")}"' for k in key)
    columns = ", ".join(f'"{k}"' for k in key)
    return (f"{table.label}, row {row}, columns {columns}: duplicate key {values} — {same_row(note)}"
            f" (rule: primaryKey)")


def check_plain_numbers(table: Table) -> list[str]:
    """Reject number spellings frictionless tolerates but the contract forbids (NaN, 1_000, ' 12')."""
    problems = []
    for column, spec in table.fields.items():
        pattern = {"number": PLAIN_NUMBER, "integer": PLAIN_INTEGER}.get(spec.get("type"))
        if pattern is None:
            continue
        for row, cell in table.values(column):
            if cell and not pattern.fullmatch(cell):
                table.flagged.add((row, column))
                problems.append(f'{table.label}, row {row}, column "{column}": {TYPE_HINTS[spec["type"]]}'
                                f' (rule: type {spec["type"]}) — got "{cell}"')
    return problems


# ---------------------------------------------------------------------------------------------
# Project rules (the custom "rules" list of each resource)
# ---------------------------------------------------------------------------------------------


def number(cell: str) -> float | None:
    """The cell as a float, or None when empty or not a plain number (reported by the type check)."""
    return float(cell) if cell and PLAIN_NUMBER.fullmatch(cell) else None


def fmt(value: float) -> str:
    return f"{value:.10g}"


def rows_text(numbers: list[int]) -> str:
    """'row 7', 'rows 2–12' or 'rows 2–4, 9' — as a person would look them up."""
    numbers = sorted(set(numbers))
    runs = [[numbers[0], numbers[0]]]
    for n in numbers[1:]:
        if n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    runs = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs]
    return ("row " if len(numbers) == 1 else "rows ") + ", ".join(runs)


def group_rows(table: Table, by: list[str]) -> dict[tuple, list[tuple[int, dict]]]:
    groups: dict[tuple, list] = {}
    for n, row in table.rows:
        groups.setdefault(tuple(row.get(c, "") for c in by), []).append((n, row))
    return groups


def group_text(by: list[str], key: tuple) -> str:
    return ", ".join(f"{c}={v}" for c, v in zip(by, key))


# ---------------------------------------------------------------------------------------------
# Project rules: each is registered once, here, with what it needs and how the Data page states it
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A project rule a resource can declare under ``rules`` in datapackage.json."""

    check: Callable[["Table", dict], list[str]]  # the problems it finds, one message each
    required: tuple[str, ...]  # parameters it cannot run without
    columns: tuple[str, ...]  # parameters that name columns (checked against the schema)
    describe: Callable[[dict, Callable[[str], str], Callable[[str], str]], str]  # (rule, code, text) → a phrase
    always: bool = False  # checked on every dataset, declared or not (the Data page says so once)


RULES: dict[str, Rule] = {}


def rule(name: str, *, required: tuple[str, ...] = (), columns: tuple[str, ...] = (), describe, always: bool = False):
    """Register the decorated check as the rule ``name``: the one place a new rule is added."""
    def register(check):
        RULES[name] = Rule(check, required, columns, describe, always)
        return check
    return register


def always_rules_text(code: Callable[[str], str], text: Callable[[str], str]) -> list[str]:
    """What the rules checked on every dataset check, as the Data page states them."""
    return [r.describe({"type": name}, code, text) for name, r in RULES.items() if r.always]


# UTF-8 read as Windows-1252 or Latin-1 (a spreadsheet's default import) and saved again as UTF-8:
# each non-ASCII character becomes two or three ("é" → "Ã©", "’" → "â€™", "中" → "ä¸­"). A run of
# a lead character and continuation characters that decodes as UTF-8 once turned back into bytes
# is that; real text in this data never has one.
_CP1252_HIGH = {ch: byte for byte in range(0x80, 0xA0) for ch in [bytes([byte]).decode("cp1252", errors="ignore")] if ch}
_CONTINUATION = "[\u0080-\u00bf" + "".join(sorted(_CP1252_HIGH)) + "]"
MOJIBAKE_RUN = re.compile(f"[\u00c2-\u00f4]{_CONTINUATION}{{1,3}}")


def _as_bytes(text: str) -> bytes | None:
    out = bytearray()
    for ch in text:
        if ord(ch) < 0x100:
            out.append(ord(ch))
        elif ch in _CP1252_HIGH:
            out.append(_CP1252_HIGH[ch])
        else:
            return None
    return bytes(out)


def mojibake_repair(cell: str) -> str | None:
    """The cell as it read before it was double-encoded, or None when it is not."""
    found, repaired = False, []
    last = 0
    for match in MOJIBAKE_RUN.finditer(cell):
        raw = _as_bytes(match.group())
        try:
            original = raw.decode("utf-8") if raw is not None else None
        except UnicodeDecodeError:
            original = None
        if original is None:
            continue
        found = True
        repaired += [cell[last:match.start()], original]
        last = match.end()
    return "".join(repaired + [cell[last:]]) if found else None


@rule("utf8_text", always=True,
      describe=lambda r, code, text: "no text that was opened with the wrong character set and saved again"
                                     " (double-encoded UTF-8 such as “Ã©” for “é”)")
def check_utf8_text(table: Table, rule: dict) -> list[str]:
    problems = []
    for n, record in table.records:
        for i, cell in enumerate(record):
            repaired = mojibake_repair(cell) if cell and not cell.isascii() else None
            if repaired is not None:
                column = table.header[i] if i < len(table.header) else f"#{i + 1}"
                table.flagged.add((n, column))
                problems.append(
                    f'{table.label}, row {n}, column "{column}": the text is double-encoded UTF-8 (it was opened'
                    f" with another character set, such as Windows-1252, and saved again) — open the file as UTF-8"
                    f' (LibreOffice: Character set "Unicode (UTF-8)"; Excel: Data > From Text/CSV, File origin'
                    f' "65001: Unicode (UTF-8)") and save it again, or restore the cell (rule: utf8_text)'
                    f' — got "{cell}", which reads "{repaired}" as UTF-8')
    return problems


def _codes(code, values) -> str:
    return ", ".join(code(c) for c in as_list(values))


@rule("parts_within_total", required=("part_field", "total_value", "value_field"),
      columns=("group_by", "part_field", "value_field"),
      describe=lambda r, code, text: (
          f"the {code(r['value_field'])} of the {code(r['part_field'])} rows sums to at most the"
          f" {text(r['total_value'])} row's (+{text(str(r.get('tolerance_pct', 0)))} %) within each"
          f" {_codes(code, r.get('group_by'))}"))
def check_parts_within_total(table: Table, rule: dict) -> list[str]:
    by, part, total_name = as_list(rule.get("group_by")), rule["part_field"], str(rule["total_value"])
    value, tolerance = rule["value_field"], float(rule.get("tolerance_pct", 0))
    problems = []
    for key, members in group_rows(table, by).items():
        totals = [(n, r) for n, r in members if r.get(part) == total_name]
        parts = [(n, r) for n, r in members if r.get(part) != total_name
                 and (n, value) not in table.flagged and number(r.get(value, "")) is not None]
        if len(totals) != 1 or not parts or number(totals[0][1].get(value, "")) is None:
            continue  # no single usable total: nothing to compare against (the key check covers repeats)
        total = number(totals[0][1][value])
        parts_sum = sum(number(r[value]) for _, r in parts)
        if parts_sum > total * (1 + tolerance / 100):
            unit = f' {totals[0][1]["unit"]}' if totals[0][1].get("unit") else ""
            margin = f"more than {fmt(tolerance)}% " if tolerance else ""
            problems.append(
                f'{table.label}, {rows_text([n for n, _ in parts])}, column "{value}": parts sum to'
                f' {fmt(parts_sum)}{unit}, {margin}above the total "{total_name}" {fmt(total)}'
                f" in group {group_text(by, key)} (rule: parts_within_total)")
    return problems


@rule("consistent_unit", required=("series",), columns=("series", "unit_field"),
      describe=lambda r, code, text: f"one unit per {_codes(code, r.get('series'))}")
def check_consistent_unit(table: Table, rule: dict) -> list[str]:
    by, unit_field = as_list(rule.get("series")), rule.get("unit_field", "unit")
    problems = []
    for key, members in group_rows(table, by).items():
        units: dict[str, list[int]] = {}
        for n, row in members:
            units.setdefault(row.get(unit_field, ""), []).append(n)
        if len(units) > 1:
            found = "; ".join(f'"{u}" in {rows_text(ns)}' for u, ns in units.items())
            problems.append(
                f'{table.label}, {rows_text([n for n, _ in members])}, column "{unit_field}": series'
                f" {group_text(by, key)} uses more than one unit — {found} (rule: consistent_unit)")
    return problems


@rule("share_percent", required=("fields",), columns=("fields",),
      describe=lambda r, code, text: f"{_codes(code, r.get('fields'))} within 0–100 %")
def check_share_percent(table: Table, rule: dict) -> list[str]:
    problems = []
    for column in as_list(rule.get("fields")):
        for row, cell in table.values(column):
            share = number(cell)
            if share is not None and not 0 <= share <= 100:
                problems.append(f'{table.label}, row {row}, column "{column}": share must be within'
                                f' 0–100 (rule: share_percent) — got "{cell}"')
    return problems


@rule("ordered", columns=("low", "high"),
      describe=lambda r, code, text: f"{code(r.get('low', 'low'))} ≤ {code(r.get('high', 'high'))}")
def check_ordered(table: Table, rule: dict) -> list[str]:
    low_name, high_name = rule.get("low", "low"), rule.get("high", "high")
    problems = []
    for row, cells in table.rows:
        if (row, low_name) in table.flagged or (row, high_name) in table.flagged:
            continue
        low, high = number(cells.get(low_name, "")), number(cells.get(high_name, ""))
        if low is not None and high is not None and low > high:
            problems.append(
                f'{table.label}, row {row}, columns "{low_name}" and "{high_name}": {low_name} must be'
                f' ≤ {high_name} (rule: ordered) — got {low_name} "{cells[low_name]}" >'
                f' {high_name} "{cells[high_name]}"')
    return problems




# ---------------------------------------------------------------------------------------------
# Cross-file checks: source ids and foreign keys
# ---------------------------------------------------------------------------------------------


def check_source_ids(tables: dict[str, Table], sources: Table, package: dict, data_dir: Path,
                     problems: list[str]) -> int:
    """Every source_id (and authoritative_source_id) must be an id in sources.csv; returns the count."""
    known = {row.get("id", "") for _, row in sources.rows}
    count = 0
    for table in tables.values():
        for column in SOURCE_ID_FIELDS:
            if column not in table.fields:
                continue
            for row, cell in table.values(column):
                if not cell:
                    if column == "source_id":  # contract: every data row names its source
                        problems.append(f'{table.label}, row {row}, column "{column}": every row needs'
                                        f" a source id (rule: source_id)")
                    continue
                count += 1
                if cell not in known:
                    problems.append(f'{table.label}, row {row}, column "{column}": source id is not in'
                                    f' {sources.label} (rule: source_id) — got "{cell}"')
    for resource in package["resources"]:
        for source in as_list(resource.get("sources")):
            sid = source.get("id") if isinstance(source, dict) else source
            if isinstance(sid, str) and sid not in known:
                problems.append(f'{data_dir.name}/{DESCRIPTOR}, resource "{resource.get("name")}":'
                                f' lists source "{sid}", which is not in {sources.label} (rule: source_id)')
    return count


def check_foreign_keys(package: dict, tables: dict[str, Table], problems: list[str]) -> None:
    """schema.foreignKeys, e.g. india_sector_evidence.sector → india_sector_impact.sector."""
    for resource in package["resources"]:
        table = tables.get(resource.get("name"))
        for fk in resource.get("schema", {}).get("foreignKeys", []) or []:
            if table is None:
                continue
            ref = fk.get("reference", {})
            target = tables.get(ref.get("resource") or table.name)
            if target is None:
                continue  # the referenced file has its own problems, reported already
            columns, ref_columns = as_list(fk.get("fields")), as_list(ref.get("fields"))
            known = {tuple(r.get(c, "") for c in ref_columns) for _, r in target.rows}
            for row, cells in table.rows:
                value = tuple(cells.get(c, "") for c in columns)
                if all(value) and value not in known:
                    shown = ", ".join(value)
                    names = ", ".join(f'"{c}"' for c in columns)
                    problems.append(f"{table.label}, row {row}, column {names}: value is not a"
                                    f" {'/'.join(ref_columns)} in {target.label} (rule: foreignKey)"
                                    f' — got "{shown}"')
