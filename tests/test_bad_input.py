"""Bad input through the real command line: a hand edit gone wrong is stopped, named, and harmless.

Each case copies data/ to a temporary folder, breaks it the way a person editing CSVs in a
spreadsheet would, and runs ``scripts/build.py --data-dir <copy> --output <tmp>/html`` where
``<tmp>/html`` already holds a good build (a copy of the session's real build). Every case must:

- exit 1, with exactly one problem line naming the file, the row and the column (or the
  parameter) and the rule broken;
- stop before any notebook runs;
- leave the previous html byte-identical (a hash over the whole tree);
- leave nothing new beside the output but the lock file and the cache (no work folders).

Files as a spreadsheet saves them (UTF-8 with a BOM, CRLF line ends, every field quoted) must
pass. (scripts/pipeline/stages/validate.py has its own unit tests in tests/test_validate.py; these go
end to end through the CLI.)
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from report_root import REPO, run_build, tree_hash

DATA = REPO / "data"
ALLOWED_NEW = {".html.lock", "cache"}


# ---------------------------------------------------------------------------------------------
# Editing a copy of data/ as a person would
# ---------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write_csv(path: Path, records: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(data: Path, file: str, row: int, column: str, value: str) -> None:
    """Set the cell at spreadsheet ``row`` (header = 1) of ``column`` in ``file``."""
    records = read_csv(data / file)
    records[row - 1][records[0].index(column)] = value
    write_csv(data / file, records)


def cell(data: Path, file: str, row: int, column: str) -> str:
    records = read_csv(data / file)
    return records[row - 1][records[0].index(column)]


def drop_column(data: Path, file: str, column: str) -> None:
    records = read_csv(data / file)
    i = records[0].index(column)
    write_csv(data / file, [r[:i] + r[i + 1:] for r in records])


def add_column(data: Path, file: str, column: str) -> None:
    records = read_csv(data / file)
    write_csv(data / file, [records[0] + [column]] + [r + ["x"] for r in records[1:]])


def duplicate_row(data: Path, file: str, row: int) -> int:
    """Append a copy of ``row``; returns the new row's number."""
    records = read_csv(data / file)
    records.append(list(records[row - 1]))
    write_csv(data / file, records)
    return len(records)


def parts_above_total(data: Path) -> None:
    """China's 2024 production made larger than the World total it is part of."""
    records = read_csv(data / "mine_production_by_country.csv")
    head = records[0]
    world = next(r for r in records[1:] if r[head.index("country")] == "World" and r[head.index("year")] == "2024")
    china = next(r for r in records[1:] if r[head.index("country")] == "China" and r[head.index("year")] == "2024")
    china[head.index("production")] = str(int(float(world[head.index("production")])) + 100000)
    write_csv(data / "mine_production_by_country.csv", records)


def windows_1252_cell(data: Path) -> None:
    """A country name typed in a spreadsheet that saved the file as Windows-1252."""
    path = data / "mine_production_by_country.csv"
    records = read_csv(path)
    records[3][records[0].index("country")] = "C@te d'Ivoire"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    path.write_bytes(out.getvalue().encode("utf-8").replace(b"C@te", b"C\xf4te"))


def far_too_large(data: Path) -> None:
    """A 25 MB file where a small table belongs (sparse: no disk is used)."""
    with (data / "reserves_by_country.csv").open("r+b") as handle:
        handle.truncate(25_000_000)


def malformed_descriptor(data: Path) -> None:
    text = (data / "datapackage.json").read_text(encoding="utf-8")
    cut = text.rstrip().rstrip("}")  # the closing brace lost in an edit
    (data / "datapackage.json").write_text(cut + "\n", encoding="utf-8")


# One case: (id, edit(data) -> None, fragments the single message must contain)
M = "data/mine_production_by_country.csv"
R = "data/reserves_by_country.csv"
S = "data/china_value_chain_share.csv"
E = "data/export_control_timeline.csv"
CASES = [
    ("missing-file", lambda d: (d / "reserves_by_country.csv").unlink(), [R, "file not found"]),
    ("empty-file", lambda d: (d / "reserves_by_country.csv").write_bytes(b""), [R, "file is empty"]),
    ("header-only", lambda d: write_csv(d / "reserves_by_country.csv", read_csv(d / "reserves_by_country.csv")[:1]),
     [R, "header but no data rows"]),
    ("missing-column", lambda d: drop_column(d, "reserves_by_country.csv", "unit"),
     [R, "row 1", 'column "unit"', "missing column", "rule: header"]),
    ("unknown-column", lambda d: add_column(d, "reserves_by_country.csv", "comment"),
     [R, "row 1", 'column "comment"', "unknown column", "rule: header"]),
    ("decimal-comma", lambda d: set_cell(d, "mine_production_by_country.csv", 3, "production", "12,5"),
     [M, "row 3", 'column "production"', "rule: type number", 'got "12,5"']),
    ("text-in-number", lambda d: set_cell(d, "reserves_by_country.csv", 2, "reserves", "n/a"),
     [R, "row 2", 'column "reserves"', "rule: type number", 'got "n/a"']),
    ("percent-sign", lambda d: set_cell(d, "china_value_chain_share.csv", 2, "share_pct", "69%"),
     [S, "row 2", 'column "share_pct"', "rule: type number", 'got "69%"']),
    ("negative-tonnage", lambda d: set_cell(d, "mine_production_by_country.csv", 3, "production", "-5"),
     [M, "row 3", 'column "production"', "rule: minimum", 'got "-5"']),
    ("share-above-100", lambda d: set_cell(d, "china_value_chain_share.csv", 2, "share_pct", "101"),
     [S, "row 2", 'column "share_pct"', "rule: share_percent", 'got "101"']),
    ("parts-above-total", parts_above_total,
     [M, "rows ", 'column "production"', "above the total", "rule: parts_within_total"]),
    ("duplicate-key", lambda d: duplicate_row(d, "mine_production_by_country.csv", 3),
     [M, 'columns "country", "year", "source_id"', "duplicate key", "same as row 3", "rule: primaryKey"]),
    ("unknown-source-id", lambda d: set_cell(d, "mine_production_by_country.csv", 3, "source_id", "no-such-source"),
     [M, "row 3", 'column "source_id"', "rule: source_id", 'got "no-such-source"']),
    ("invalid-date", lambda d: set_cell(d, "export_control_timeline.csv", 2, "date", "2025-02-30"),
     [E, "row 2", 'column "date"', "rule: type date", 'got "2025-02-30"']),
    ("non-utf8-bytes", windows_1252_cell,
     [M, "row 4", 'column "country"', "not valid UTF-8", "rule: encoding", "\\xf4"]),
    ("far-too-large", far_too_large, [R, "far too large", "25,000,000 bytes", "rule: max_bytes"]),
    ("malformed-datapackage", malformed_descriptor, ["data/datapackage.json", "line ", "column ", "rule: json"]),
]


# ---------------------------------------------------------------------------------------------
# Fixtures: a previous good build in a private output, and a private copy of data/
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def previous(built_site, tmp_path):
    """``<tmp>/out/html`` holding the good build; returns (output, its tree hash)."""
    output = tmp_path / "out" / "html"
    shutil.copytree(built_site, output, symlinks=True)
    return output, tree_hash(output)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def assert_stopped_harmlessly(proc, output: Path, before: str, fragments: list[str]) -> str:
    """Exit 1, one problem line with every fragment, nothing run, nothing changed or left over."""
    assert proc.returncode == 1, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines[0].startswith("build failed ["), proc.stderr
    assert lines[-1] == "nothing was published; the previous report is unchanged.", proc.stderr
    problem = lines[:-1]
    assert len(problem) == 1, "expected one message, got:\n" + "\n".join(problem)
    for fragment in fragments:
        assert fragment in problem[0], f"{fragment!r} not in message:\n{problem[0]}"
    assert "Traceback" not in proc.stderr
    assert "executed" not in proc.stdout and "execute " not in proc.stdout, "a notebook ran:\n" + proc.stdout
    assert tree_hash(output) == before, "the previous html changed"
    new = sorted(p.name for p in output.parent.iterdir() if p.name != output.name and p.name not in ALLOWED_NEW)
    assert not new, f"left beside the output: {new}"
    return problem[0]


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------


def test_the_unedited_copy_is_valid(data_copy):
    """The baseline each case breaks is itself valid (else the cases would prove nothing)."""
    proc = run_build(data_copy.parent / "out" / "html", data_dir=data_copy, args=["--check-data"])
    assert proc.returncode == 0, proc.stderr
    assert "data ok" in proc.stdout


@pytest.mark.parametrize("edit, fragments", [pytest.param(e, f, id=i) for i, e, f in CASES])
def test_bad_data_is_stopped_with_one_message(previous, data_copy, edit, fragments):
    output, before = previous
    edit(data_copy)
    # --no-speedups: validation refuses the data before any warm kernel or image renderer is used,
    # so starting them (and stopping them again) for each of these cases would only cost time;
    # the other refusals below run the command exactly as a person does, helpers and all
    proc = run_build(output, data_dir=data_copy, args=["--no-speedups"])
    assert_stopped_harmlessly(proc, output, before, fragments)
    assert proc.stderr.startswith("build failed [validate]"), proc.stderr


def test_the_message_points_at_the_cell_a_person_sees(previous, data_copy):
    """Row numbers are spreadsheet rows: row N of the message is line N of the file."""
    output, before = previous
    set_cell(data_copy, "mine_production_by_country.csv", 5, "production", "about 300")
    line5 = (data_copy / "mine_production_by_country.csv").read_text(encoding="utf-8").splitlines()[4]
    assert "about 300" in line5
    proc = run_build(output, data_dir=data_copy)
    assert_stopped_harmlessly(proc, output, before, ["row 5", 'column "production"', 'got "about 300"'])


# ---------------------------------------------------------------------------------------------
# Parameters (-p NAME=VALUE)
# ---------------------------------------------------------------------------------------------


def numeric_parameter() -> tuple[str, str, dict]:
    """A numeric parameter some chapter of the real book declares: (name, type, limits)."""
    import jupytext
    import nbformat
    import tempfile

    from pipeline.config import load_site
    from pipeline.editions.parameters import declared_parameters

    with tempfile.TemporaryDirectory() as tmp:
        for chapter in load_site(REPO).chapters:
            path = Path(tmp) / f"{chapter.name}.ipynb"
            nbformat.write(jupytext.read(chapter.source, fmt="md:myst"), path)
            for name, info in declared_parameters(path).items():
                if info["type"] in ("int", "float") and name != "data_dir":
                    return name, info["type"], chapter.parameter_rules.get(name, {})
    pytest.skip("no chapter declares a numeric parameter")


def test_unknown_parameter(previous, data_copy):
    output, before = previous
    proc = run_build(output, data_dir=data_copy, args=["-p", "no_such_parameter=3"])
    assert_stopped_harmlessly(proc, output, before, ["[parameters]", "unknown parameter 'no_such_parameter'",
                                                     "no chapter declares it"])


def test_ill_typed_parameter(previous, data_copy):
    output, before = previous
    name, kind, _ = numeric_parameter()
    proc = run_build(output, data_dir=data_copy, args=["-p", f"{name}=twelve"])
    expected = "expected a whole number" if kind == "int" else "expected a number"
    assert_stopped_harmlessly(proc, output, before, ["[parameters]", f"parameter {name}='twelve'", expected])


def test_parameter_out_of_its_limits(previous, data_copy):
    output, before = previous
    name, kind, rules = numeric_parameter()
    if "min" not in rules:
        pytest.skip(f"parameter {name} declares no minimum")
    low = rules["min"] - (1 if kind == "int" else 0.5)
    proc = run_build(output, data_dir=data_copy, args=["-p", f"{name}={low}"])
    assert_stopped_harmlessly(proc, output, before, ["[parameters]", f"parameter {name}={low}",
                                                     f"must be at least {rules['min']}", "rule: minimum"])


def test_malformed_parameter(previous, data_copy):
    output, before = previous
    proc = run_build(output, data_dir=data_copy, args=["-p", "2024"])
    assert_stopped_harmlessly(proc, output, before, ["[parameters]", "parameter '2024'", "NAME=VALUE"])


# ---------------------------------------------------------------------------------------------
# What a spreadsheet writes, and is fine
# ---------------------------------------------------------------------------------------------


def save_as_spreadsheet(data: Path, *, bom=True, crlf=True, quote_all=True) -> None:
    """Rewrite every CSV as a spreadsheet would save it."""
    for path in data.glob("*.csv"):
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n" if crlf else "\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(read_csv(path))
        path.write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8", newline="")


@pytest.mark.parametrize("style", [dict(bom=True, crlf=False, quote_all=False), dict(bom=False, crlf=True, quote_all=False),
                                   dict(bom=False, crlf=False, quote_all=True), dict()],
                         ids=["bom", "crlf", "quoted", "all-three"])
def test_spreadsheet_files_are_accepted(data_copy, style):
    save_as_spreadsheet(data_copy, **style)
    sample = (data_copy / "mine_production_by_country.csv").read_bytes()
    assert sample.startswith(b"\xef\xbb\xbf") == style.get("bom", True)
    assert (b"\r\n" in sample) == style.get("crlf", True)
    proc = run_build(data_copy.parent / "out" / "html", data_dir=data_copy, args=["--check-data"])
    assert proc.returncode == 0, proc.stderr
    assert "data ok" in proc.stdout
    # and the cells read back the same: a BOM must not become part of the first column's name
    from analysis.datasets import load

    original = load("mine_production_by_country", DATA)
    assert load("mine_production_by_country", data_copy).equals(original)


def test_a_spreadsheet_edit_is_still_checked(previous, data_copy):
    """A BOM/CRLF/quoted file is read, not waved through: its bad cell is still found."""
    output, before = previous
    set_cell(data_copy, "mine_production_by_country.csv", 3, "production", "-5")
    save_as_spreadsheet(data_copy)
    proc = run_build(output, data_dir=data_copy)
    assert_stopped_harmlessly(proc, output, before, [M, "row 3", 'column "production"', "rule: minimum"])

