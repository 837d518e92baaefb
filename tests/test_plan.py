"""The build's plan: the options of one build resolved once (pipeline/plan.py)."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from pipeline.errors import ParameterError
from pipeline.plan import BuildOptions, BuildPlan, resolve
from report_root import REPO


def test_the_plan_is_frozen_and_holds_every_option(tmp_path):
    plan = resolve(BuildOptions(output=tmp_path / "html", overrides=["supply_cut_share=0.3"], jobs=2,
                                speedups=False, force=True))
    assert isinstance(plan, BuildPlan)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.jobs = 3
    assert plan.output == (tmp_path / "html").resolve() and plan.cache_dir == (tmp_path / "cache").resolve()
    assert plan.editions_dir == REPO / "editions" and plan.data_dir == REPO / "data"
    assert plan.overrides == {"supply_cut_share": "0.3"} and plan.override_items == ("supply_cut_share=0.3",)
    assert (plan.jobs, plan.force, plan.speedups, plan.scenario) == (2, True, False, None)


def test_the_as_of_date_comes_from_the_report_block(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "book").mkdir()
    config = (REPO / "book" / "_config.yml").read_text(encoding="utf-8")
    (root / "book" / "_config.yml").write_text(config, encoding="utf-8")
    plan = resolve(BuildOptions(root=root))
    assert plan.as_of and plan.current_to == plan.as_of
    lines = [line for line in config.splitlines() if not line.strip().startswith("as_of:")]
    (root / "book" / "_config.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = resolve(BuildOptions(root=root))
    assert plan.as_of is None and plan.current_to == plan.edition_date


def test_a_malformed_override_or_scenario_stops_at_the_plan(tmp_path):
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        resolve(BuildOptions(overrides=["supply_cut_share"]))
    with pytest.raises(ParameterError, match="no scenario"):
        resolve(BuildOptions(scenario="no-such-scenario"))
    root = tmp_path / "root"
    shutil.copytree(REPO / "scenarios", root / "scenarios")
    shutil.copytree(REPO / "book", root / "book", ignore=shutil.ignore_patterns("*.md", "_static"))
    (root / "scenarios" / "broken.yml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="not valid YAML"):
        resolve(BuildOptions(root=root, scenario="broken"))


def test_a_scenario_is_loaded_once_and_carried_by_the_site():
    name = sorted(p.stem for p in (REPO / "scenarios").glob("*.yml"))[0]
    plan = resolve(BuildOptions(scenario=name))
    assert plan.scenario["name"] == name and plan.scenario_path == REPO / "scenarios" / f"{name}.yml"
    assert plan.site().report["scenario"] == plan.scenario["title"]
