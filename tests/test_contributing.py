"""CONTRIBUTING.md's two checklists, followed once each: the chapter template (book/_template.md
with analysis/chapters/template.py) builds into a report, and a throw-away dataset added to a
copy of data/ is validated and read by a chapter's module."""

import csv
import json
import re

import pytest

from analysis import datasets
from analysis.chapters import template
from chapters import DATA, copy_data
from pipeline.errors import DataError
from pipeline.stages.validate import validate_data
from report_root import PACKAGE, PRODUCTION, REPO, run_build, write_book

TOC = """format: jb-book
root: index
chapters:
  - file: template
"""
INDEX = """(home)=
# Test report

See {ref}`template`.
"""


def test_the_chapter_template_builds(tmp_path):
    """"Add a chapter": copy the template page into book/ under the chapter's name, list it in
    _toc.yml, and build. The module it calls is analysis/chapters/template.py."""
    root = tmp_path / "root"
    write_book(root, TOC, INDEX, PACKAGE)
    (root / "book" / "template.md").write_text((REPO / "book" / "_template.md").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    output = tmp_path / "out" / "html"
    proc = run_build(output, root=root, data_dir=root / "data")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = list(csv.DictReader(PRODUCTION.splitlines()))
    world = next(float(r["production"]) for r in rows if r["country"] == "World")
    china = next(float(r["production"]) for r in rows if r["country"] == "China")
    page = (output / "template.html").read_text(encoding="utf-8")
    # the text a reader sees: the hidden note beside each key figure (report_trace) is not part of it
    seen = re.sub(r'<span class="key-figure-note"[^>]*>[^<]*</span>', "", page)
    assert f"China mined {100 * china / world:.0f} per cent" in re.sub(r"<[^>]+>", "", seen)
    assert "fig-template-production" in page


def test_the_template_module_computes_without_a_kernel():
    chapter = template.compute(DATA)
    assert 0 < chapter["china_share_pct"] < 100
    assert set(chapter.figures) == {"fig-template-production"}
    with pytest.raises(ValueError, match="1900"):
        template.compute(DATA, year=1900)


THROWAWAY = "country,year,stock,unit,source_id\nChina,2024,1200,t,usgs-mcs-2025\nIndia,2024,30,t,usgs-mcs-2025\n"


def add_throwaway_dataset(data):
    """"Add a dataset": the CSV (a unit and a source_id on every row) and its resource in
    datapackage.json (fields, constraints, primary key, sources)."""
    (data / "throwaway_stocks.csv").write_text(THROWAWAY, encoding="utf-8")
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8-sig"))
    package["resources"].append({
        "name": "throwaway_stocks", "path": "throwaway_stocks.csv", "title": "Stocks (test)",
        "description": "A throw-away dataset for the contributing test", "sources": ["usgs-mcs-2025"],
        "schema": {"fields": [{"name": "country", "type": "string", "constraints": {"required": True}},
                              {"name": "year", "type": "integer"},
                              {"name": "stock", "type": "number", "constraints": {"minimum": 0}},
                              {"name": "unit", "type": "string"}, {"name": "source_id", "type": "string"}],
                   "primaryKey": ["country", "year"]},
    })
    (data / "datapackage.json").write_text(json.dumps(package, indent=1), encoding="utf-8")


def test_a_new_dataset_is_validated_and_read(tmp_path):
    data = copy_data(tmp_path)
    add_throwaway_dataset(data)
    assert "throwaway_stocks.csv: 2 rows ok" in validate_data(data)
    frame = datasets.load("throwaway_stocks", data)
    assert list(frame["stock"]) == [1200, 30] and str(frame["year"].dtype) == "Int64"
    (data / "throwaway_stocks.csv").write_text(THROWAWAY.replace(",30,", ",-30,"), encoding="utf-8")
    with pytest.raises(DataError, match=r"throwaway_stocks\.csv, row 3, column \"stock\""):
        validate_data(data)
    assert (DATA / "datapackage.json").read_bytes() != (data / "datapackage.json").read_bytes()
