"""Generated edits of the datasets in a data folder (Hypothesis strategies), and how to judge them.

Edits are drawn from what ``datapackage.json`` declares (every resource, its fields and their
types), not from the current values, so they follow the data as it is updated. An edit is the
new bytes of one file: changed cells of every type, deleted and duplicated rows, renamed,
dropped, extra and reordered columns, damaged encodings and line ends, empty and truncated files,
huge and tiny numbers, Unicode and markup in text.

``outcome(message)`` sorts what validation said into classes; the only acceptable ones are
"valid" (validation passed) and the "refused …" classes, whose every line names a file of the data
folder and, for a problem in a cell or a row, the row (and the column).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

# ---------------------------------------------------------------------------------------------
# Reading the data folder
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    name: str
    path: str  # relative to the data folder
    fields: tuple[tuple[str, str], ...]  # (name, type)
    original: bytes = field(repr=False)

    def records(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.original.decode("utf-8-sig"), newline="")))


def datasets(data_dir: Path) -> list[Dataset]:
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8-sig"))
    found = []
    for resource in package["resources"]:
        fields = tuple((f["name"], f.get("type", "string")) for f in resource["schema"]["fields"])
        found.append(Dataset(resource["name"], resource["path"], fields, (data_dir / resource["path"]).read_bytes()))
    return found


def write(records: list[list[str]], *, crlf: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows(records)
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Cell values by type
# ---------------------------------------------------------------------------------------------

MARKUP = ["<script>alert(1)</script>", "**bold** _it_", "{glue:text}`x`", "$x^2$", "| a | b |", "```{code-cell}",
          "[link](http://example.com)", "<!-- c -->", "{{ edition }}", "\\", "`", "%", "&amp; &lt;", "\"quoted\"",
          "=HYPERLINK(\"http://x\",\"y\")", "-74% y/y", "+12%", "@SUM(A1)", "line\nbreak", "tab\there", " ",
          "NA", "null", "None", "nan", "true", "0", "-0", "1e308", "Ω≈ç√∫ 中文 العربية 🚀", "\u200b", "\ufeff",
          "a\u0301", "\x00", "\x1b[31m", "€", "ẞ", "x" * 5000]
NUMBER_TEXT = ["1,000", "12,5", "69%", " 12", "12 ", "NaN", "nan", "Infinity", "-Infinity", "inf", "1_000", "0x10",
               "1e309", "-1e309", "1e-400", "4.9e-324", "1.7976931348623157e308", "9" * 400, "0." + "0" * 400 + "1",
               "--5", "+5", ".5", "5.", "1e", "١٢٣", "１２", "about 300", "n/a", "—", "", "-0", "0", "1E5", "1e+05"]
DATE_TEXT = ["2025-02-30", "2025-13-01", "31/12/2025", "2025-1-1", "2025-01-01T00:00:00", "0000-01-01", "9999-12-31",
             "20250101", "2025/01/01", "", "today", "2025-04", "1900-02-29", "2024-02-29"]
BOOLEAN_TEXT = ["true", "false", "TRUE", "False", "yes", "no", "1", "0", "", "t", "y", "maybe"]


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: f"{x:.6g}"),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.17g}"),
        st.integers(min_value=-10 ** 40, max_value=10 ** 40).map(str),
        st.integers(min_value=0, max_value=10 ** 7).map(str),
        st.sampled_from(NUMBER_TEXT),
    )


def integers() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(min_value=-10 ** 30, max_value=10 ** 30).map(str),
                     st.integers(min_value=1900, max_value=2100).map(str), numbers())


def dates() -> st.SearchStrategy[str]:
    return st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(DATE_TEXT), st.text(max_size=12))


def texts() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=40), st.sampled_from(MARKUP),
                     st.text(alphabet=st.characters(codec="utf-8"), max_size=80))


def value_for(kind: str) -> st.SearchStrategy[str]:
    typed = {"number": numbers(), "integer": integers(), "year": integers(), "date": dates(),
             "boolean": st.sampled_from(BOOLEAN_TEXT)}.get(kind, texts())
    return st.one_of(typed, typed, typed, texts())  # mostly its own type, sometimes anything


# ---------------------------------------------------------------------------------------------
# Edits
# ---------------------------------------------------------------------------------------------

KINDS = ["cell", "cells", "delete_rows", "duplicate_row", "shuffle_rows", "rename_column",
         "drop_column", "extra_column", "reorder_columns", "encoding", "line_ends", "empty", "truncate",
         "bytes", "blank_lines", "short_row", "long_row"]


@dataclass(frozen=True)
class Edit:
    dataset: Dataset
    kind: str
    what: str  # a short description, shown with the outcome
    data: bytes  # the file's new bytes

    def __repr__(self) -> str:  # what Hypothesis prints for a failing example
        return f"Edit({self.dataset.path}: {self.kind}: {self.what[:200]!r})"


# How many of every 100 edits are of each kind: mostly changed cells.
WEIGHTS = {"cell": 25, "cells": 10}


@st.composite
def edits(draw, choices: list[Dataset], kind: str) -> Edit:
    dataset = draw(st.sampled_from(choices))
    records = dataset.records()
    header, body = records[0], records[1:]
    types = dict(dataset.fields)
    rows = st.integers(min_value=0, max_value=max(len(body) - 1, 0))
    columns = st.integers(min_value=0, max_value=len(header) - 1)

    def done(what: str, new: list[list[str]] | bytes) -> Edit:
        return Edit(dataset, kind, what, new if isinstance(new, bytes) else write(new))

    if kind in ("cell", "cells"):
        new = [list(r) for r in records]
        changes = []
        for _ in range(1 if kind == "cell" else draw(st.integers(min_value=2, max_value=6))):
            r, c = draw(rows), draw(columns)
            if not body:
                break
            value = draw(value_for(types.get(header[c], "string")))
            new[r + 1][c] = value
            changes.append(f"row {r + 2} {header[c]}={value!r}")
        return done("; ".join(changes), new)
    if kind == "delete_rows":
        drop = set(draw(st.lists(rows, min_size=1, max_size=max(1, len(body)))))
        return done(f"rows {sorted(r + 2 for r in drop)} deleted", [header] + [b for i, b in enumerate(body) if i not in drop])
    if kind == "duplicate_row":
        r = draw(rows)
        at = draw(st.integers(min_value=0, max_value=len(body)))
        new_body = list(body)
        new_body.insert(at, list(body[r]) if body else [])
        return done(f"row {r + 2} copied to row {at + 2}", [header] + new_body)
    if kind == "shuffle_rows":
        order = draw(st.permutations(range(len(body))))
        return done("rows reordered", [header] + [body[i] for i in order])
    if kind == "rename_column":
        c = draw(columns)
        name = draw(st.one_of(st.text(max_size=20), st.just(header[c].upper()), st.just(header[c] + " "),
                              st.just(" " + header[c]), st.sampled_from(header)))
        new = [list(header)] + body
        new[0][c] = name
        return done(f"column {header[c]!r} renamed {name!r}", new)
    if kind == "drop_column":
        c = draw(columns)
        return done(f"column {header[c]!r} dropped", [r[:c] + r[c + 1:] for r in records])
    if kind == "extra_column":
        name = draw(st.one_of(st.text(max_size=12), st.sampled_from(header)))
        fill = draw(texts())
        return done(f"column {name!r} added", [header + [name]] + [r + [fill] for r in body])
    if kind == "reorder_columns":
        order = draw(st.permutations(range(len(header))))
        return done(f"columns in order {order}", [[r[i] if i < len(r) else "" for i in order] for r in records])
    if kind == "encoding":
        text = dataset.original.decode("utf-8-sig")
        codec = draw(st.sampled_from(["cp1252", "latin-1", "utf-16", "utf-16-le", "utf-32", "utf-8-sig", "utf-8"]))
        if draw(st.booleans()) and body:  # put a character the codecs spell differently in a text cell
            new = [list(r) for r in records]
            r, c = draw(rows), draw(columns)
            new[r + 1][c] = new[r + 1][c] + draw(st.sampled_from(["é", "Côte", "€", "ü", "—", "’"]))
            text = write(new).decode("utf-8")
        return done(f"saved as {codec}", text.encode(codec, errors="replace"))
    if kind == "line_ends":
        end = draw(st.sampled_from(["\r\n", "\r", "\n\r", "mixed", "none-at-end"]))
        lines = dataset.original.decode("utf-8-sig").splitlines()
        if end == "mixed":
            joined = "".join(ln + ("\r\n" if i % 2 else "\n") for i, ln in enumerate(lines))
        elif end == "none-at-end":
            joined = "\n".join(lines)
        else:
            joined = end.join(lines) + end
        return done(f"line ends {end!r}", joined.encode("utf-8"))
    if kind == "empty":
        content = draw(st.sampled_from([b"", b"\n", b"\r\n", b"\xef\xbb\xbf", b" ", b",,,\n", b"\x00"]))
        return done(f"file replaced by {content!r}", content)
    if kind == "truncate":
        cut = draw(st.integers(min_value=0, max_value=max(len(dataset.original) - 1, 0)))
        return done(f"file cut at byte {cut} of {len(dataset.original)}", dataset.original[:cut])
    if kind == "bytes":
        raw = bytearray(dataset.original)
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            at = draw(st.integers(min_value=0, max_value=len(raw)))
            raw[at:at] = draw(st.binary(min_size=1, max_size=4))
        return done("bytes inserted", bytes(raw))
    if kind == "blank_lines":
        lines = dataset.original.decode("utf-8-sig").split("\n")
        at = draw(st.integers(min_value=0, max_value=len(lines)))
        blank = draw(st.sampled_from(["", " ", ",,,", "\t"]))
        lines.insert(at, blank)
        return done(f"line {at + 1} is {blank!r}", "\n".join(lines).encode("utf-8"))
    if kind in ("short_row", "long_row"):
        new = [list(r) for r in records]
        r = draw(rows) + 1 if body else 0
        if kind == "short_row":
            keep = draw(st.integers(min_value=0, max_value=max(len(new[r]) - 1, 0)))
            new[r] = new[r][:keep]
        else:
            new[r] = new[r] + draw(st.lists(texts(), min_size=1, max_size=3))
        return done(f"row {r + 1} now has {len(new[r])} cells", new)
    raise AssertionError(kind)


# ---------------------------------------------------------------------------------------------
# Judging what validation said
# ---------------------------------------------------------------------------------------------

# Problems of a whole file, where no row or column can be named.
WHOLE_FILE = ("file is empty", "no header row", "has a header but no data rows", "file not found",
              "far too large", "not readable as CSV")
LOCATED = re.compile(r'^(?P<file>data/[^,]+\.(csv|json)), (row \d+|rows [\d–, ]+)(?P<column>, columns? "[^"]*")?')


def outcome(message: str) -> str:
    """The class of a refusal; "unlocated: …" when a line does not say where the problem is."""
    lines = [ln for ln in message.splitlines() if not re.fullmatch(r"… and \d+ more", ln)]
    classes = set()
    for line in lines:
        match = LOCATED.match(line)
        if match and match.group("column"):
            classes.add("refused: file, row and column")
        elif match:
            classes.add("refused: file and row")
        elif re.match(r"^data/[^,:]+\.csv: ", line) and any(w in line for w in WHOLE_FILE):
            classes.add("refused: whole file (named)")
        elif re.match(r'^data/datapackage\.json, resource "[^"]+": lists source "[^"]+", which is not in data/', line):
            classes.add("refused: descriptor entry (named)")
        else:
            return f"unlocated: {line[:300]}"
    # one class per refusal: the least precise of its lines
    for name in ("refused: whole file (named)", "refused: descriptor entry (named)", "refused: file and row",
                 "refused: file, row and column"):
        if name in classes:
            return name
    return "unlocated: empty message"
