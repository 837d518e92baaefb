"""Scenario builds: own output folder, a banner on every page, the baseline left byte-identical."""

from __future__ import annotations

import json

import jupytext
import nbformat
import pytest

from edition_root import build, chapters_run, make_root
from report_root import REPO
from pipeline.editions import parameters, scenarios
from pipeline.config import load_site
from pipeline.errors import ParameterError


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def scenario_build(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("scenarios") / "report")
    index, _ = build(root)
    baseline = tree(index.parent)
    out = root / "_build" / "scenarios" / "cut" / "html"
    scenario_index, lines = build(root, output=out, scenario="cut", cache_dir=root / "_build" / "cache")
    return root, baseline, scenario_index.parent, lines


def test_scenario_leaves_the_baseline_byte_identical(scenario_build):
    root, baseline, _, _ = scenario_build
    assert tree(root / "_build" / "html") == baseline


def test_every_scenario_page_carries_the_banner(scenario_build):
    root, _, site, _ = scenario_build
    pages = sorted(site.glob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert 'class="report-scenario-banner"' in text, page.name
        assert "Scenario: Test cut." in text and "cut_share = 0.5" in text, page.name
    assert "report-scenario-banner" not in (root / "_build" / "html" / "leverage.html").read_text(encoding="utf-8")


def test_scenario_reruns_only_its_chapters_and_records_itself(scenario_build):
    _, _, site, lines = scenario_build
    assert chapters_run(lines) == {"executed": {"leverage"}, "reused": {"reserves"}}
    record = json.loads((site / "_static" / "edition.json").read_text(encoding="utf-8"))
    assert record["scenario"]["name"] == "cut" and record["scenario"]["title"] == "Test cut"
    assert record["parameters"]["leverage"] == {"cut_share": 0.5}
    assert record["figures"]["leverage"]["after_cut_pct"]["value"] == pytest.approx(100 * 270000 * 0.5 / 390000)


def test_staged_config_names_the_scenario_for_the_citations(tmp_path):
    root = make_root(tmp_path / "report")
    scenario = scenarios.load_scenario(root, "cut")
    site = scenarios.apply(load_site(root), scenario, scenario["parameters"])
    assert site.report["scenario"] == "Test cut"
    assert site.report["scenario_parameters"] == {"leverage": {"cut_share": 0.5}}
    assert "Scenario: Test cut" in site.config["sphinx"]["config"]["html_theme_options"]["announcement"]


@pytest.mark.parametrize("body, message", [
    ("title: Bad\nparameters:\n  leverage:\n    no_such: 1\n", "unknown parameter 'no_such'"),
    ("title: Bad\nparameters:\n  leverage:\n    cut_share: 3\n", "must be at most 1"),
    ("title: Bad\nparameters:\n  nowhere:\n    cut_share: 0.1\n", "unknown chapter 'nowhere'"),
    ("parameters:\n  leverage:\n    cut_share: 0.1\n", "needs a 'title'"),
])
def test_a_bad_scenario_stops_before_anything_runs(tmp_path, body, message):
    root = make_root(tmp_path / "report")
    (root / "scenarios" / "bad.yml").write_text(body, encoding="utf-8")
    with pytest.raises(ParameterError, match=message):
        build(root, output=root / "_build" / "bad" / "html", scenario="bad")
    assert not (root / "_build" / "bad" / "html").exists()


def test_repository_scenarios_fit_the_report(tmp_path):
    """Each scenario in scenarios/ names real chapters and parameters within their limits."""
    files = sorted((REPO / "scenarios").glob("*.yml"))
    assert len(files) >= 2
    site = load_site(REPO)
    notebooks = {}
    for chapter in site.chapters:
        notebooks[chapter.name] = tmp_path / f"{chapter.name}.ipynb"
        nbformat.write(jupytext.read(chapter.source, fmt="md:myst"), notebooks[chapter.name])
    for path in files:
        scenario = scenarios.load_scenario(REPO, path.stem)
        resolved = parameters.resolve(list(site.chapters), notebooks, {}, scenarios.as_text(scenario["parameters"]))
        for chapter, values in scenario["parameters"].items():
            assert set(resolved[chapter]) == set(values), path.name
