"""Stage 1 (validate): every bad-input case is rejected with a message naming file, row, column and rule."""

import json
import re
import time
from pathlib import Path

import pytest

from pipeline.errors import DataError
from pipeline.stages.validate import validate_data

REPO = Path(__file__).resolve().parents[1]

SOURCES_CSV = """id,publisher,title,date,url,accessed,quality,origin,note
usgs-mcs-2025,USGS,Mineral Commodity Summaries 2025,2025-01-31,https://pubs.usgs.gov/mcs2025,2025-10-12,P,,
iea-2025,IEA,Global Critical Minerals Outlook 2025,2025-05-21,https://www.iea.org/gcmo2025,2025-10-12,P,,
"""
MINE_CSV = """country,year,production,unit,estimated,source_id,note
World,2024,390000,t REO,true,usgs-mcs-2025,
China,2024,270000,t REO,true,usgs-mcs-2025,
United States,2024,45000,t REO,false,usgs-mcs-2025,
Other countries,2024,60000,t REO,true,usgs-mcs-2025,
World,2023,376000,t REO,false,usgs-mcs-2025,
China,2023,255000,t REO,false,usgs-mcs-2025,
"""
SHARE_CSV = """stage,period,share_pct,unit,source_id,note
mining,2024,69.2,%,usgs-mcs-2025,
separation_refining,2024,91,%,iea-2025,
"""
EVENTS_CSV = """event_id,date,measure,source_id
apr-2025-elements,2025-04-04,Seven medium and heavy rare earths need export licences,iea-2025
oct-2025-package,2025-10-09,Extraterritorial package,iea-2025
"""
INTENSITY_CSV = """application,metric,low,high,unit,source_id
ev_traction_motor_small,ndfeb_per_motor,1,2,kg,iea-2025
wind_direct_drive,magnet_per_mw,0.6,0.7,t/MW,iea-2025
"""
IMPORTS_CSV = """fiscal_year,series,measure,value,unit,source_id
FY2023-24,rare_earth_magnets,quantity,49000,t,iea-2025
FY2024-25,rare_earth_magnets,quantity,53748,t,iea-2025
FY2024-25,rare_earth_magnets,value,2270,INR crore,iea-2025
"""


def string(name, **constraints):
    return {"name": name, "type": "string", **({"constraints": constraints} if constraints else {})}


def typed(name, kind, **constraints):
    return {"name": name, "type": kind, **({"constraints": constraints} if constraints else {})}


def descriptor():
    """A small package shaped like the real one: one resource per rule the contract names."""
    return {
        "name": "fixture",
        "resources": [
            {"name": "sources", "path": "sources.csv", "schema": {
                "fields": [string("id", required=True, unique=True), string("publisher"), string("title"),
                           typed("date", "date"), string("url"), typed("accessed", "date"),
                           string("quality", enum=["P", "S", "W", "D"]), string("origin"), string("note")],
                "primaryKey": ["id"]}},
            {"name": "mine_production_by_country", "path": "mine_production_by_country.csv",
             "sources": ["usgs-mcs-2025"],
             "schema": {"fields": [string("country", required=True), typed("year", "integer", required=True),
                                   typed("production", "number", minimum=0), string("unit", enum=["t REO"]),
                                   typed("estimated", "boolean"), string("source_id", required=True),
                                   string("note")],
                        "primaryKey": ["country", "year", "source_id"]},
             "rules": [{"type": "parts_within_total", "group_by": ["year", "source_id"], "part_field": "country",
                        "total_value": "World", "value_field": "production", "tolerance_pct": 2}]},
            {"name": "china_value_chain_share", "path": "china_value_chain_share.csv",
             "schema": {"fields": [string("stage", enum=["mining", "separation_refining"]), string("period"),
                                   typed("share_pct", "number", minimum=0, maximum=100), string("unit"),
                                   string("source_id"), string("note")],
                        "primaryKey": ["stage", "period", "source_id"]},
             "rules": [{"type": "share_percent", "fields": ["share_pct"]}]},
            {"name": "export_control_timeline", "path": "export_control_timeline.csv",
             "schema": {"fields": [string("event_id", pattern="[a-z0-9-]+"), typed("date", "date", required=True),
                                   string("measure"), string("source_id")],
                        "primaryKey": ["event_id"]}},
            {"name": "magnet_intensity", "path": "magnet_intensity.csv",
             "schema": {"fields": [string("application"), string("metric"), typed("low", "number", minimum=0),
                                   typed("high", "number", minimum=0), string("unit"), string("source_id")],
                        "primaryKey": ["application", "metric", "source_id"]},
             "rules": [{"type": "ordered", "low": "low", "high": "high"}]},
            {"name": "india_magnet_imports", "path": "india_magnet_imports.csv",
             "schema": {"fields": [string("fiscal_year"), string("series"), string("measure"),
                                   typed("value", "number"), string("unit"), string("source_id")],
                        "primaryKey": ["fiscal_year", "series", "measure"]},
             "rules": [{"type": "consistent_unit", "series": ["series", "measure"], "unit_field": "unit"}]},
        ],
    }


FILES = {
    "sources.csv": SOURCES_CSV,
    "mine_production_by_country.csv": MINE_CSV,
    "china_value_chain_share.csv": SHARE_CSV,
    "export_control_timeline.csv": EVENTS_CSV,
    "magnet_intensity.csv": INTENSITY_CSV,
    "india_magnet_imports.csv": IMPORTS_CSV,
}


@pytest.fixture
def data(tmp_path):
    """A valid data/ folder; each test breaks one thing in it."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps(descriptor(), indent=2), encoding="utf-8")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def replace(folder, name, old, new):
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder, **kwargs):
    with pytest.raises(DataError) as caught:
        validate_data(folder, **kwargs)
    assert caught.value.stage == "validate"
    return caught.value.args[0].splitlines()


# --- the fixture itself is valid ------------------------------------------------------------------


def test_valid_fixture_passes_with_summaries(data):
    summary = validate_data(data)
    assert "mine_production_by_country.csv: 6 rows ok" in summary
    assert "sources.csv: 2 rows ok" in summary
    assert "source ids: 15 references, all found in data/sources.csv" in summary
    assert summary[0] == "datapackage.json: 6 resources declared"


def test_bom_crlf_and_quoted_fields_are_accepted(data):
    text = MINE_CSV.replace("China,2024,270000", '"China",2024,"270000"').replace(",,\n", ',"a note, with comma",\n')
    text = text.replace("\n", "\r\n")
    (data / "mine_production_by_country.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert "mine_production_by_country.csv: 6 rows ok" in validate_data(data)


def test_multiline_quoted_field_keeps_spreadsheet_row_numbers(data):
    replace(data, "mine_production_by_country.csv", "true,usgs-mcs-2025,\nChina",
            'true,usgs-mcs-2025,"line one\nline two"\nChina')
    replace(data, "mine_production_by_country.csv", "45000", "-45000")
    assert problems(data) == [
        'data/mine_production_by_country.csv, row 4, column "production": value must be ≥ 0 (rule: minimum)'
        ' — got "-45000"'
    ]


# --- files ------------------------------------------------------------------------------------------


def test_missing_file(data):
    (data / "magnet_intensity.csv").unlink()
    assert problems(data) == [
        'data/magnet_intensity.csv: file not found (declared by resource "magnet_intensity" in datapackage.json)'
    ]


def test_empty_file(data):
    (data / "magnet_intensity.csv").write_bytes(b"")
    assert problems(data) == [
        "data/magnet_intensity.csv: file is empty (0 bytes) — expected a header row and data rows"
    ]


def test_header_only(data):
    (data / "magnet_intensity.csv").write_text("application,metric,low,high,unit,source_id\r\n")
    assert problems(data) == ["data/magnet_intensity.csv: has a header but no data rows (header only)"]


def test_far_too_large(data):
    size = (data / "mine_production_by_country.csv").stat().st_size
    assert problems(data, max_bytes=300) == [
        f"data/mine_production_by_country.csv: file is far too large ({size:,} bytes, limit 300)"
        " — is this the right file? (rule: max_bytes)"
    ]


def test_non_utf8_bytes_name_row_and_column(data):
    text = SHARE_CSV.replace("mining,2024,69.2", "mining,2024,69.2").replace(",usgs-mcs-2025,\n", ",usgs-mcs-2025,C\xf4te\n")
    (data / "china_value_chain_share.csv").write_bytes(text.encode("cp1252"))
    assert problems(data) == [
        'data/china_value_chain_share.csv, row 2, column "note": bytes that are not valid UTF-8 — save the file'
        ' as UTF-8 (rule: encoding) — got "C\\xf4te"'
    ]


def test_malformed_datapackage_names_line_and_column(data):
    (data / "datapackage.json").write_text('{\n  "resources": [\n    {"name": "x",}\n  ]\n}\n')
    assert problems(data) == [
        "data/datapackage.json, line 3, column 18: malformed JSON — Expecting property name enclosed in"
        " double quotes (rule: json)"
    ]


def test_missing_datapackage(data):
    (data / "datapackage.json").unlink()
    assert problems(data) == ["data/datapackage.json: file not found — the data package descriptor is required"]


def test_unknown_rule_type_is_rejected(data):
    package = descriptor()
    package["resources"][2]["rules"] = [{"type": "share_percentage", "fields": ["share_pct"]}]
    (data / "datapackage.json").write_text(json.dumps(package))
    assert problems(data) == [
        'data/datapackage.json, resource "china_value_chain_share": unknown rule "share_percentage" — known rules:'
        " parts_within_total, consistent_unit, share_percent, ordered (rule: rules)"
    ]


# --- header -------------------------------------------------------------------------------------------


def test_missing_column(data):
    replace(data, "magnet_intensity.csv", "application,metric,low,high,unit,source_id",
            "application,metric,low,unit,source_id")
    (data / "magnet_intensity.csv").write_text(
        "application,metric,low,unit,source_id\nev_traction_motor_small,ndfeb_per_motor,1,kg,iea-2025\n")
    assert problems(data) == [
        'data/magnet_intensity.csv, row 1, column "high": missing column — declared in datapackage.json but not'
        " in the file (rule: header)"
    ]


def test_unknown_column(data):
    replace(data, "magnet_intensity.csv", "unit,source_id\n", "unit,source_id,comment\n")
    assert problems(data) == [
        'data/magnet_intensity.csv, row 1, column "comment": unknown column — not declared in datapackage.json'
        " (rule: header)"
    ]


def test_columns_in_another_order_are_matched_by_name(data):
    (data / "magnet_intensity.csv").write_text(
        "metric,application,low,high,unit,source_id\nndfeb_per_motor,ev_traction_motor_small,1,-2,kg,iea-2025\n")
    assert problems(data) == [
        'data/magnet_intensity.csv, row 2, column "high": value must be ≥ 0 (rule: minimum) — got "-2"'
    ]


# --- types --------------------------------------------------------------------------------------------

NUMBER_HINT = ("value must be a plain number such as 12.5 — no thousands separators, decimal commas, units,"
               " % signs or text; leave the cell empty when no figure is available (rule: type number)")


@pytest.mark.parametrize("bad", ["12,5", "n/a", "69%", "270,000", "NaN", "1_000", " 12"])
def test_wrong_number_is_rejected(data, bad):
    replace(data, "mine_production_by_country.csv", "United States,2024,45000", f'United States,2024,"{bad}"')
    assert problems(data) == [
        f'data/mine_production_by_country.csv, row 4, column "production": {NUMBER_HINT} — got "{bad}"'
    ]


def test_wrong_integer_and_boolean(data):
    replace(data, "mine_production_by_country.csv", "China,2023,255000,t REO,false", "China,2023.0,255000,t REO,no")
    assert problems(data) == [
        'data/mine_production_by_country.csv, row 7, column "year": value must be a whole number such as 2024'
        ' — no separators, decimals or text (rule: type integer) — got "2023.0"',
        'data/mine_production_by_country.csv, row 7, column "estimated": value must be true or false'
        ' (rule: type boolean) — got "no"',
    ]


@pytest.mark.parametrize("bad", ["2025-13-45", "10/10/2025"])
def test_invalid_date(data, bad):
    replace(data, "export_control_timeline.csv", "2025-10-09", bad)
    assert problems(data) == [
        f'data/export_control_timeline.csv, row 3, column "date": value must be a real date written YYYY-MM-DD'
        f' (ISO 8601) (rule: type date) — got "{bad}"'
    ]


def test_date_format_any_in_descriptor_still_requires_iso(data):
    package = descriptor()
    package["resources"][3]["schema"]["fields"][1]["format"] = "any"
    (data / "datapackage.json").write_text(json.dumps(package))
    replace(data, "export_control_timeline.csv", "2025-10-09", "10/10/2025")
    assert problems(data)[0].startswith('data/export_control_timeline.csv, row 3, column "date": value must be a real date')


# --- constraints ---------------------------------------------------------------------------------------


def test_negative_tonnage(data):
    replace(data, "mine_production_by_country.csv", "United States,2024,45000", "United States,2024,-5")
    assert problems(data) == [
        'data/mine_production_by_country.csv, row 4, column "production": value must be ≥ 0 (rule: minimum)'
        ' — got "-5"'
    ]


def test_required_enum_and_pattern(data):
    replace(data, "export_control_timeline.csv", "oct-2025-package,2025-10-09", "Oct 2025,")
    replace(data, "china_value_chain_share.csv", "separation_refining,", "refining,")
    assert problems(data) == [
        'data/china_value_chain_share.csv, row 3, column "stage": value must be one of mining, separation_refining'
        ' (rule: enum) — got "refining"',
        'data/export_control_timeline.csv, row 3, column "event_id": value must match the pattern [a-z0-9-]+'
        ' (rule: pattern) — got "Oct 2025"',
        'data/export_control_timeline.csv, row 3, column "date": a value is required but the cell is empty'
        " (rule: required)",
    ]


def test_share_above_100(data):
    replace(data, "china_value_chain_share.csv", "69.2", "130")
    assert problems(data) == [
        'data/china_value_chain_share.csv, row 2, column "share_pct": share must be within 0–100'
        ' (rule: share_percent) — got "130"'
    ]


def test_duplicate_key(data):
    replace(data, "mine_production_by_country.csv", "China,2023,255000", "China,2024,255000")
    assert problems(data) == [
        'data/mine_production_by_country.csv, row 7, columns "country", "year", "source_id": duplicate key'
        ' country="China", year="2024", source_id="usgs-mcs-2025" — same as row 3 (rule: primaryKey)'
    ]


def test_unique_constraint(data):
    package = descriptor()
    package["resources"][0]["schema"]["primaryKey"] = ["id", "publisher"]  # let unique, not the key, fire
    (data / "datapackage.json").write_text(json.dumps(package))
    replace(data, "sources.csv", "iea-2025,IEA", "usgs-mcs-2025,IEA")
    assert problems(data)[0] == (
        'data/sources.csv, row 3, column "id": value must be unique (rule: unique) — got "usgs-mcs-2025",'
        " same as row 2")


# --- project rules -----------------------------------------------------------------------------------


def test_parts_above_total(data):
    replace(data, "mine_production_by_country.csv", "China,2024,270000", "China,2024,310000")
    assert problems(data) == [
        'data/mine_production_by_country.csv, rows 3–5, column "production": parts sum to 415000 t REO, more than'
        ' 2% above the total "World" 390000 in group year=2024, source_id=usgs-mcs-2025 (rule: parts_within_total)'
    ]


def test_parts_within_tolerance_pass(data):
    replace(data, "mine_production_by_country.csv", "China,2024,270000", "China,2024,280000")  # 385000 + ... ≤ 2 %
    replace(data, "mine_production_by_country.csv", "Other countries,2024,60000", "Other countries,2024,70000")
    validate_data(data)  # 395000 vs 390000: 1.3 % over, within the 2 % tolerance


def test_low_above_high(data):
    replace(data, "magnet_intensity.csv", "0.6,0.7", "0.9,0.7")
    assert problems(data) == [
        'data/magnet_intensity.csv, row 3, columns "low" and "high": low must be ≤ high (rule: ordered)'
        ' — got low "0.9" > high "0.7"'
    ]


def test_inconsistent_unit(data):
    replace(data, "india_magnet_imports.csv", "FY2023-24,rare_earth_magnets,quantity,49000,t",
            "FY2023-24,rare_earth_magnets,quantity,49000000,kg")
    assert problems(data) == [
        'data/india_magnet_imports.csv, rows 2–3, column "unit": series series=rare_earth_magnets, measure=quantity'
        ' uses more than one unit — "kg" in row 2; "t" in row 3 (rule: consistent_unit)'
    ]


def test_unknown_source_id(data):
    replace(data, "magnet_intensity.csv", "t/MW,iea-2025", "t/MW,iea-2052")
    assert problems(data) == [
        'data/magnet_intensity.csv, row 3, column "source_id": source id is not in data/sources.csv'
        ' (rule: source_id) — got "iea-2052"'
    ]


def test_unknown_source_in_descriptor_list(data):
    package = descriptor()
    package["resources"][1]["sources"] = ["usgs-mcs-2026"]
    (data / "datapackage.json").write_text(json.dumps(package))
    assert problems(data) == [
        'data/datapackage.json, resource "mine_production_by_country": lists source "usgs-mcs-2026", which is'
        " not in data/sources.csv (rule: source_id)"
    ]


def test_foreign_key(data):
    package = descriptor()
    package["resources"][4]["schema"]["foreignKeys"] = [
        {"fields": "unit", "reference": {"resource": "india_magnet_imports", "fields": "unit"}}]
    (data / "datapackage.json").write_text(json.dumps(package))
    assert problems(data) == [
        'data/magnet_intensity.csv, row 2, column "unit": value is not a unit in data/india_magnet_imports.csv'
        ' (rule: foreignKey) — got "kg"',
        'data/magnet_intensity.csv, row 3, column "unit": value is not a unit in data/india_magnet_imports.csv'
        ' (rule: foreignKey) — got "t/MW"',
    ]


# --- reporting -----------------------------------------------------------------------------------------


def test_all_problems_reported_across_files_one_per_line(data):
    replace(data, "china_value_chain_share.csv", "69.2", "130")
    replace(data, "magnet_intensity.csv", "0.6,0.7", "0.9,0.7")
    lines = problems(data)
    assert len(lines) == 2
    assert lines[0].startswith("data/china_value_chain_share.csv, row 2")
    assert lines[1].startswith("data/magnet_intensity.csv, row 3")


def test_problems_capped_at_20(data):
    rows = "".join(f"app{i},metric,-1,2,kg,iea-2025\n" for i in range(25))
    (data / "magnet_intensity.csv").write_text("application,metric,low,high,unit,source_id\n" + rows)
    lines = problems(data)
    assert len(lines) == 21
    assert lines[-1] == "… and 5 more"
    assert lines[19] == 'data/magnet_intensity.csv, row 21, column "low": value must be ≥ 0 (rule: minimum) — got "-1"'


def test_fixture_validates_fast(data):
    start = time.perf_counter()
    validate_data(data)
    assert time.perf_counter() - start < 1.0


# --- the real data ------------------------------------------------------------------------------------


def test_real_data_passes():
    data_dir = REPO / "data"
    if not (data_dir / "datapackage.json").exists():
        pytest.skip("data/datapackage.json does not exist yet (being written to the data contract)")
    start = time.perf_counter()
    summary = validate_data(data_dir)
    assert time.perf_counter() - start < 2.0
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert any(line.startswith(Path(resource["path"]).name + ": ") for line in summary)


def test_every_rule_is_registered_once_with_what_the_data_page_says():
    """One registry: a rule's check, its required and column parameters and its description."""
    from pipeline.pages.appendix import rule_text
    from pipeline.stages.validate import RULES

    assert set(RULES) == {"parts_within_total", "consistent_unit", "share_percent", "ordered", "utf8_text"}
    assert [name for name, r in RULES.items() if r.always] == ["utf8_text"]  # checked on every dataset, undeclared
    examples = {
        "utf8_text": {},
        "parts_within_total": {"part_field": "country", "total_value": "World", "value_field": "production",
                               "group_by": ["year"]},
        "consistent_unit": {"series": ["series"]},
        "share_percent": {"fields": ["share"]},
        "ordered": {"low": "low", "high": "high"},
    }
    for name, registered in RULES.items():
        declared = {"type": name, **examples[name]}
        assert set(registered.required) <= set(examples[name]), name
        text = rule_text(declared)
        assert text and text != name, f"{name} has no description for the Data page"
        for key in registered.columns:
            for column in ([declared[key]] if isinstance(declared.get(key), str) else declared.get(key, [])):
                assert re.search(rf"\b{re.escape(column)}\b", text), (name, column, text)  # named (a table cell: no markup)
