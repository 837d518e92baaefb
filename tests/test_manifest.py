"""The edition record (_static/edition.json) and the "What changed" page made from it."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pytest

from edition_root import build, edit_china_production, make_root
from report_root import REPO
from pipeline.speed import cache
from pipeline.pages import citation
from pipeline.editions import manifest
from pipeline.config import load_site
from pipeline.editions.record import glued_values

RECORD = "_static/edition.json"


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Build the test report, keep its record as an earlier edition, edit one figure, rebuild."""
    root = make_root(tmp_path_factory.mktemp("editions") / "report")
    index, _ = build(root)
    site = index.parent
    first = {"record": json.loads((site / RECORD).read_text(encoding="utf-8")),
             "what_changed": (site / "what_changed.html").read_text(encoding="utf-8")}
    previous = dict(first["record"], edition={**first["record"]["edition"], "name": "Trial edition", "date": "2026-01-01"})
    manifest.write_record(previous, root / "editions" / "trial-edition.json")
    edit_china_production(root / "data", 250000)
    build(root)
    second = {"record": json.loads((site / RECORD).read_text(encoding="utf-8")),
              "what_changed": (site / "what_changed.html").read_text(encoding="utf-8")}
    return root, first, second


def test_record_lists_every_glued_figure_with_its_provenance(editions):
    root, _, second = editions
    record = second["record"]
    site = load_site(root)
    assert set(record["figures"]) == {c.name for c in site.chapters}
    for chapter in site.chapters:
        params = record["parameters"][chapter.name]
        credit = citation.credit_line(citation.meta(site.report))  # printed under the cached images
        key = cache.chapter_key(chapter, (root / "data").resolve(), params, credit)
        executed = root / "_build" / "cache" / "chapters" / chapter.name / key / cache.NOTEBOOK
        glued = glued_values(executed)
        assert set(record["figures"][chapter.name]) == set(glued)
        for name, item in glued.items():
            listed = record["figures"][chapter.name][name]
            assert listed["value"] == item["value"]
            assert (listed["unit"], listed["dataset"], listed["source_ids"]) == (item["unit"], item["dataset"], item["source_ids"])
    assert record["figures"]["leverage"]["china_mine_share_pct"]["value"] == pytest.approx(100 * 250000 / 390000)


def test_record_names_inputs_parameters_tools_and_edition(editions):
    root, _, second = editions
    record = second["record"]
    data_file = root / "data" / "mine_production_by_country.csv"
    assert record["inputs"]["data/mine_production_by_country.csv"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
    for label in ("book/leverage.md", "book/reserves.md", "scripts/analysis/datasets.py", "book/_config.yml", "book/_toc.yml",
                  "data/datapackage.json"):
        assert label in record["inputs"], label
    assert record["parameters"] == {"leverage": {}, "reserves": {}}
    assert set(manifest.TOOLS) | {"python"} <= set(record["tools"])
    config = load_site(root).report
    assert record["edition"] == {"title": config["title"], "name": config["edition"], "date": str(config["edition_date"]),
                                 "as_of": str(config.get("as_of", ""))}
    assert record["scenario"] is None
    text = (root / "_build" / "html" / RECORD).read_text(encoding="utf-8")
    assert not re.search(r"\d\d:\d\d:\d\d", text), "the record must not hold a time of day"
    assert text == manifest.dumps(json.loads(text)), "keys sorted, one canonical layout"


def test_first_edition_page_says_nothing_changed(editions):
    _, first, _ = editions
    assert "This is the first edition" in first["what_changed"]
    assert "<table" not in first["what_changed"]
    assert 'href="_static/edition.json"' in first["what_changed"]


def test_what_changed_shows_an_edited_figure_old_to_new(editions):
    _, _, second = editions
    page = second["what_changed"]
    assert "Trial edition" in page and "1 January 2026" in page  # the report's date style
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)
    text_rows = [re.sub(r"<[^>]+>", " ", row) for row in rows]
    share = [r for r in text_rows if "China mine share per cent" in r]  # plain words, never the key
    assert len(share) == 1, text_rows
    assert re.search(r"69\.2 %.*64\.1 %", share[0], flags=re.S), share[0]
    assert "mine_production_by_country (updated)" in share[0] and "usgs-mcs-2025" in share[0]
    assert not any("china reserves" in r for r in text_rows), "an unchanged figure is not listed"
    assert not any("mine year" in r.lower() for r in text_rows)
    first_cells = [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[0])
                   for row in rows if "<td" in row]
    assert first_cells and not any("_" in cell for cell in first_cells), first_cells  # a label, never a key


def test_make_edition_stores_the_published_record(editions):
    root, _, _ = editions
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "build.py"), "--root", str(root), "--data-dir", str(root / "data"),
                           "--record-edition"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    stored = root / "editions" / f"{manifest.edition_slug(load_site(root).report['edition'])}.json"
    assert stored.read_bytes() == (root / "_build" / "html" / RECORD).read_bytes()
    refused = subprocess.run([sys.executable, str(REPO / "scripts" / "build.py"), "--root", str(root), "--record-edition",
                              "--scenario", "cut"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "baseline" in refused.stderr


GLUE_REF = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`")


def test_real_report_record_lists_every_figure_its_pages_quote(built_site):
    """Every glued number a page of the real report quotes is in its edition record."""
    record = json.loads((built_site / RECORD).read_text(encoding="utf-8"))
    site = load_site(REPO)
    missing = []
    record_pages = {p.name for p in site.record_pages}  # What changed glues its own values, not the report's
    for page in site.pages:
        source = REPO / "book" / f"{page}.md"
        # What changed, and Data and sources (counts of the build's own files, not findings)
        if not source.exists() or page in record_pages or manifest.about_the_build(source):
            continue
        for ref in GLUE_REF.findall(source.read_text(encoding="utf-8")):
            name = ref.split(":")[0] if "::" not in ref else ref.split("::")[1].split(":")[0]
            chapter = ref.split("::")[0].removesuffix(".ipynb") if "::" in ref else page
            if name not in record["figures"].get(chapter, {}):
                missing.append(f"{page}: {ref}")
    assert not missing, missing
    assert (built_site / "what_changed.html").exists()


def test_the_code_a_chapter_runs_is_hashed_where_it_lives():
    """The cache key and the edition record hash the library files by path: a moved module must
    not leave them hashing a file that is not there (or no file at all)."""
    site = load_site(REPO)
    inputs = cache.chapter_inputs(site.chapters[0], REPO / "data", {})
    assert "missing" not in (inputs["execute"], inputs["render"])
    library = inputs["library"]
    assert "analysis/figures.py" in library and "analysis/chapters/__init__.py" in library and "masthead/dates.py" in library
    assert "missing" not in library.values()
    files = manifest.input_files(REPO, REPO / "data")
    assert {"scripts/analysis/figures.py", "scripts/masthead/dates.py"} <= set(files)
    code = manifest.input_files(REPO, REPO / "data", pipeline_code=True)
    assert {"scripts/pipeline/run.py", "scripts/pipeline/stages/execute.py", "scripts/sphinx_ext/report_cite.py"} <= set(code)
    # the words a chapter fills in from the interface catalog, and the chart runtime's JavaScript
    assert inputs["interface"] == cache.file_digest(REPO / "book" / "_interface.yml")
    assert {"book/_interface.yml", "book/_data_readme.md"} <= set(files)
    assert {"scripts/pipeline/pages/runtime_draw.js", "scripts/pipeline/pages/runtime_entry.js"} <= set(code)
