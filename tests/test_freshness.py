"""Freshness per dataset: declared in datapackage.json, shown on the Data and sources page, and a
warning (never a failure) for a dataset whose publisher's next release was due before the as-of
date."""

import datetime as dt
import json
import shutil

import pytest

from pipeline.pages import freshness
from pipeline.stages import validate
from pipeline.config import load_site
from pipeline.stages.validate import validate_data

WHERE = 'datapackage.json, resource "x"'


def resource(**block):
    return {"name": "x", "freshness": block}


def test_a_release_is_due_at_the_end_of_the_period_named():
    assert freshness.due_date("2027") == dt.date(2027, 12, 31)
    assert freshness.due_date("2027-02") == dt.date(2027, 2, 28)
    assert freshness.due_date("2028-02") == dt.date(2028, 2, 29)
    assert freshness.due_date("2026-12-15") == dt.date(2026, 12, 15)
    with pytest.raises(ValueError):
        freshness.due_date("Feb 2027")


def test_overdue_means_due_before_the_as_of_date():
    fresh = freshness.Freshness("monthly", "2026-10", "2026-11")
    assert not fresh.overdue("2026-11-30")  # due by the end of November: not yet late
    assert fresh.overdue("2026-12-01")
    assert not freshness.Freshness("irregular", "2025-11-07").overdue("2030-01-01")  # no schedule, never late


def test_every_declaration_problem_is_named():
    assert freshness.declaration_problems(WHERE, {"name": "x"}) == []  # missing: a warning, not a refusal
    assert freshness.declaration_problems(WHERE, {"name": "x", "freshness": "annual"})[0].endswith("(rule: freshness)")
    assert freshness.declaration_problems(WHERE, {"name": "sources"}) == []  # the registry is exempt
    assert freshness.declaration_problems(WHERE, resource(cadence="annual", latest_period="2025", next_expected="2027-02")) == []
    assert freshness.declaration_problems(WHERE, resource(cadence="irregular", latest_period="2025-11-07")) == []
    problems = freshness.declaration_problems(WHERE, resource(cadence="yearly", latest_period="recently", next_expected="soon"))
    assert [p.split(":")[1].split()[0] for p in problems] == ["freshness.cadence", "freshness.latest_period", "freshness.next_expected"]
    assert "required for a monthly release" in freshness.declaration_problems(
        WHERE, resource(cadence="monthly", latest_period="2026-10"))[0]


def test_warnings_name_the_dataset_its_newest_period_and_the_due_date():
    package = {"resources": [
        resource(cadence="monthly", latest_period="2026-03", next_expected="2026-04"),
        {"name": "y", "freshness": {"cadence": "annual", "latest_period": "2025", "next_expected": "2027-02"}},
    ]}
    warnings = freshness.overdue_warnings(package, "2026-12-01")
    assert warnings == [
        "warning: dataset x may be out of date: its newest data cover March 2026 and the publisher's next release"
        " was expected by 30 April 2026 (as-of date 1 December 2026); check for a newer release"
    ]


def test_every_dataset_of_the_report_declares_its_freshness():
    package = json.loads((load_site().root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    problems = [p for r in package["resources"] for p in freshness.declaration_problems(r.get("name", "?"), r)]
    assert problems == []


def test_validation_refuses_a_malformed_freshness_block_and_warns_on_a_missing_one(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(load_site().root / "data", data)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    first, second = [r for r in package["resources"] if r["name"] not in freshness.EXEMPT][:2]
    first["freshness"]["cadence"] = "now and then"
    del second["freshness"]
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    from pipeline.errors import DataError

    with pytest.raises(DataError, match=rf'resource "{first["name"]}": freshness.cadence "now and then"') as refused:
        validate_data(data)
    assert second["name"] not in str(refused.value)
    assert freshness.missing_warnings(package) == [
        f"warning: dataset {second['name']} declares no freshness (cadence, latest_period) in datapackage.json;"
        " the Data and sources page cannot say how current it is"]


def test_the_data_page_shows_latest_data_and_next_release_per_dataset(tmp_path):
    from pipeline.pages.appendix import compute
    from pipeline.pages.datafiles import datasets

    data = tmp_path / "data"
    shutil.copytree(load_site().root / "data", data)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    first = datasets(package)[0]
    first["freshness"] = {"cadence": "monthly", "latest_period": "2026-03", "next_expected": "2026-04"}
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    page = compute(data, as_of="2026-12-01")
    table = page.tables["freshness"]
    assert len(table) == len(datasets(package))  # every dataset has its row
    assert list(table.iloc[0]) == [first["title"], "March 2026", "monthly", "April 2026", "due: a newer release may exist"]
    assert page["as_of_date"] == "1 December 2026" and page["due_any"] and first["title"] in page["due_list"]
    about = dict(zip(*page.tables[f"about-{first['name']}"].T.values))
    assert (about["Latest data"], about["Next expected release"], about["Released"]) == ("March 2026", "April 2026", "monthly")


@pytest.mark.parametrize("period, end", [("2025", "2025-12-31"), ("2026-03", "2026-03-31"), ("2025-11-07", "2025-11-07"),
                                         ("2026-Q3", "2026-09-30"), ("FY2025-26", "2026-03-31"),
                                         ("H1 FY2025-26", "2025-09-30"), ("H2 FY2025-26", "2026-03-31"),
                                         ("MCS 2026", None)])
def test_the_end_of_a_period_as_the_data_name_it(period, end):
    assert freshness.period_span_end(period) == (dt.date.fromisoformat(end) if end else None)


def test_an_overdue_dataset_warns_but_the_build_goes_on(tmp_path, capsys):
    import subprocess
    import sys

    data = tmp_path / "data"
    shutil.copytree(load_site().root / "data", data)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    name = package["resources"][0]["name"]
    package["resources"][0]["freshness"] = {"cadence": "annual", "latest_period": "2019", "next_expected": "2020-02"}
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    done = subprocess.run([sys.executable, str(load_site().root / "scripts" / "build.py"), "--check-data",
                           "--data-dir", str(data)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"warning: dataset {name} may be out of date" in done.stdout
    assert "data ok" in done.stdout


def test_adding_a_month_moves_the_latest_data_and_the_warning_without_touching_the_descriptor(tmp_path):
    """The monthly exports name their period column: the newest month and the next release follow
    the rows, so an analyst who adds April sees April on the page and in the warning."""
    from pipeline.pages.appendix import compute

    data = tmp_path / "data"
    shutil.copytree(load_site().root / "data", data)
    descriptor = (data / "datapackage.json").read_bytes()
    as_of = "2026-12-01"

    def state():
        package = freshness.resolve(validate.load_descriptor(data), data)
        block = next(r for r in package["resources"] if r["name"] == "china_magnet_exports_monthly")["freshness"]
        about = compute(data, as_of=as_of).tables["about-china_magnet_exports_monthly"]
        section = dict(zip(about["About"], about["Detail"]))
        section = (section["Latest data"], section["Next expected release"])
        warning = [w for w in freshness.overdue_warnings(package, as_of) if "china_magnet_exports_monthly" in w]
        return block, section, warning

    before, page_before, warning_before = state()
    assert (before["latest_period"], before["next_expected"]) == ("2026-03", "2026-05")
    assert page_before == ("March 2026", "May 2026")
    assert warning_before and "its newest data cover March 2026" in warning_before[0]

    exports = data / "china_magnet_exports_monthly.csv"
    header = exports.read_text(encoding="utf-8").splitlines()[0]
    row = {c: "" for c in header.split(",")}
    row.update(month="2026-04", destination="World", exports="5406", unit="t", basis="reported", source_id="reuters-2026-04-20")
    with exports.open("a", encoding="utf-8") as handle:
        handle.write(",".join(row[c] for c in header.split(",")) + "\n")
    validate_data(data)

    after, page_after, warning_after = state()
    assert (after["latest_period"], after["next_expected"]) == ("2026-04", "2026-06")
    assert page_after == ("April 2026", "June 2026")
    assert warning_after and "its newest data cover April 2026" in warning_after[0]
    assert "30 June 2026" in warning_after[0]
    assert (data / "datapackage.json").read_bytes() == descriptor  # nothing typed by hand


def test_a_computed_period_needs_a_real_column():
    block = {"cadence": "monthly", "period_field": "nope", "published_months_after": 1}
    problems = freshness.declaration_problems(WHERE, {"name": "x", "freshness": block,
                                                      "schema": {"fields": [{"name": "month"}]}})
    assert problems == [f'{WHERE}: freshness.period_field "nope" is not a column of the dataset (rule: freshness)']
    block["period_field"] = "month"
    assert freshness.declaration_problems(WHERE, {"name": "x", "freshness": block, "schema": {"fields": [{"name": "month"}]}}) == []


def test_a_dataset_with_a_date_column_computes_its_latest_period():
    """A dataset whose rows carry a date, month, year or access date names that column
    (``period_field``) and never declares its latest period by hand: a row added is then a newer
    period at once (export_control_timeline declared 26 December 2025 while its rows reached July 2026)."""
    from pathlib import Path

    package = json.loads((Path(__file__).resolve().parents[1] / "data" / "datapackage.json").read_text(encoding="utf-8"))
    by_hand = []
    for resource in package["resources"]:
        fresh = resource.get("freshness") or resource.get("custom", {}).get("freshness") or {}
        dated = {f["name"] for f in resource["schema"]["fields"]} & {"date", "month", "year", "accessed"}
        if dated and "latest_period" in fresh:
            by_hand.append(f"{resource['name']} ({', '.join(sorted(dated))})")
    assert not by_hand, f"latest_period declared by hand beside a date column: {by_hand}"
