"""Scenario builds: the report re-run with a named set of chapter parameters.

``python scripts/build.py --scenario NAME`` reads ``scenarios/NAME.yml``::

    title: "Six-month halt of heavy rare-earth magnet supply"
    description: "One sentence a reader sees in the banner."
    parameters:
      sector_impact: {supply_cut_share: 1.0, disruption_months: 6}

The parameters are checked like ``-p`` overrides (pipeline.editions.parameters.resolve, per chapter).

A ``-p NAME=VALUE`` build is marked the same way (``apply_overrides``): a banner on every page
naming each changed setting, a site title and citations that say it is a parameter build; the
command line writes it apart from the report, to ``_build/variants/<digest of the settings>/html``.
The staged configuration gains ``report: scenario:`` (title, name, description, parameters) for
the cite-this blocks, and a banner on every page naming the scenario and its parameters. The
site is published to ``_build/scenarios/NAME/html``; the baseline site is never touched.
"""

from __future__ import annotations

import copy
import dataclasses
import html
import re
from pathlib import Path

import yaml
from masthead import interface  # the banners' words: book/_interface.yml (scenario.*)

from ..errors import ParameterError

NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def scenario_file(root: Path, name: str) -> Path:
    if not NAME.fullmatch(name or ""):
        raise ParameterError(f"scenario {name!r}: use a file name from scenarios/ without .yml (lower-case, digits, - and _)")
    path = root / "scenarios" / f"{name}.yml"
    if not path.is_file():
        known = sorted(p.stem for p in (root / "scenarios").glob("*.yml"))
        raise ParameterError(f"no scenario {name!r}: {path} does not exist (scenarios: {', '.join(known) or 'none'})")
    return path


def load_scenario(root: Path, name: str) -> dict:
    """The scenario as {name, title, description, parameters: {chapter: {param: value}}}."""
    path = scenario_file(root, name)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ParameterError(f"scenarios/{path.name}: not valid YAML: {error}") from None
    where = f"scenarios/{path.name}"
    if not isinstance(spec, dict) or not isinstance(spec.get("title"), str) or not spec["title"].strip():
        raise ParameterError(f"{where}: needs a 'title' (text)")
    params = spec.get("parameters")
    if not isinstance(params, dict) or not params or not all(isinstance(v, dict) and v for v in params.values()):
        raise ParameterError(f"{where}: needs 'parameters:' mapping each chapter to {{parameter: value}}")
    unknown = set(spec) - {"title", "description", "parameters"}
    if unknown:
        raise ParameterError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} (allowed: title, description, parameters)")
    return {
        "name": name,
        "title": spec["title"].strip(),
        "description": str(spec.get("description") or "").strip(),
        "parameters": {str(c): {str(k): v for k, v in p.items()} for c, p in params.items()},
    }


def as_text(values: dict) -> dict[str, dict[str, str]]:
    """Scenario values as the text ``-p`` would give, for parameters.resolve(per_chapter=)."""
    return {c: {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in p.items()} for c, p in values.items()}


def banner_html(scenario: dict, resolved: dict[str, dict]) -> str:
    """The banner on every page: the scenario's title, description and parameters (escaped)."""
    settings = "; ".join(
        f"{html.escape(chapter)}: "
        + ", ".join(f"{html.escape(k)} = {html.escape(str(v))}" for k, v in sorted(resolved.get(chapter, {}).items()))
        for chapter in sorted(scenario["parameters"])
    )
    description = f" {html.escape(scenario['description'])}" if scenario["description"] else ""
    lead = f'<strong>{interface.markup("scenario.lead", title=html.escape(scenario["title"]))}</strong>'
    return (f'<div class="report-scenario-banner" role="note">'
            f'{interface.markup("scenario.banner", lead=lead, description=description, settings=settings)}</div>')


def apply(site, scenario: dict, resolved: dict[str, dict]):
    """A copy of ``site`` whose configuration carries the scenario (for the stage to write)."""
    config = copy.deepcopy(site.config)
    report = config.setdefault("report", {})
    report["scenario"] = scenario["title"]
    report["scenario_name"] = scenario["name"]
    report["scenario_description"] = scenario["description"]
    report["scenario_parameters"] = {c: dict(sorted(resolved.get(c, {}).items())) for c in sorted(scenario["parameters"])}
    banner = banner_html(scenario, resolved)
    config.setdefault("html", {})["announcement"] = banner
    options = config.setdefault("sphinx", {}).setdefault("config", {}).setdefault("html_theme_options", {})
    options["announcement"] = banner
    config["title"] = f"{config.get('title', '')} — scenario: {scenario['title']}"
    return dataclasses.replace(site, config=config)


def overrides_title(overrides: dict[str, str]) -> str:
    """``{"year": "2023"}`` → ``"changed settings: year = 2023"`` (names sorted)."""
    return "changed settings: " + ", ".join(f"{k} = {v}" for k, v in sorted(overrides.items()))


def variant_name(overrides: dict[str, str]) -> str:
    """The folder of a ``-p`` build under ``_build/variants/``: a digest of its settings."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(sorted(overrides.items())).encode("utf-8")).hexdigest()[:12]


def overrides_banner_html(overrides: dict[str, str]) -> str:
    settings = "; ".join(f"{html.escape(k)} = {html.escape(v)}" for k, v in sorted(overrides.items()))
    lead = f'<strong>{interface.markup("scenario.parameters_lead")}</strong>'
    return (f'<div class="report-scenario-banner" role="note">'
            f'{interface.markup("scenario.parameters_banner", lead=lead, settings=settings)}</div>')


def apply_overrides(site, overrides: dict[str, str]):
    """A copy of ``site`` marked as a ``-p`` build: banner, title and citations name each setting."""
    if not overrides:
        return site
    config = copy.deepcopy(site.config)
    report = config.setdefault("report", {})
    title = overrides_title(overrides)
    report["scenario"] = title
    report["scenario_parameters"] = {"(every chapter that declares it)": dict(sorted(overrides.items()))}
    banner = overrides_banner_html(overrides)
    config.setdefault("html", {})["announcement"] = banner
    options = config.setdefault("sphinx", {}).setdefault("config", {}).setdefault("html_theme_options", {})
    options["announcement"] = banner
    config["title"] = f"{config.get('title', '')} — {title}"
    return dataclasses.replace(site, config=config)
