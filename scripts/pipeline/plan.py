"""The build's plan: the options of one build, resolved once, before anything runs.

``BuildOptions`` is what the command line (or a test) asks for; ``resolve`` turns it into a
``BuildPlan`` (frozen) that every stage reads: the folders, the ``-p`` overrides parsed, the
scenario file loaded and checked, the report's as-of date, the speed-ups switch. No stage looks
at the options again, and no two stages resolve the same option twice.

Resolving is cheap (two small YAML files): a no-op rebuild resolves the plan too. The typed value
of each chapter parameter needs the chapter's parameters cell, so the plan gives it
(``chapter_parameters``) once the stage has converted the notebooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from masthead.report import config_path, read_report

from .config import ROOT, Chapter, Site, load_site
from .editions import parameters, scenarios


def say(message: str) -> None:
    print(message, flush=True)


@dataclass
class BuildOptions:
    data_dir: Path = ROOT / "data"
    output: Path = ROOT / "_build" / "html"
    overrides: list[str] = field(default_factory=list)
    jobs: int = 0  # chapters executed at once; 0: one per chapter, up to twice the CPUs
    root: Path = ROOT
    force: bool = False  # re-execute every chapter and rebuild even when nothing changed
    scenario: str | None = None  # scenarios/<name>.yml
    cache_dir: Path | None = None  # default: <output.parent>/cache
    editions_dir: Path | None = None  # default: <root>/editions
    progress: Callable[[str], None] | None = None  # default: print
    speedups: bool = True  # warm kernels and out-of-band images (pipeline/speed/speedups.py)


@dataclass(frozen=True)
class BuildPlan:
    root: Path
    data_dir: Path
    output: Path
    cache_dir: Path
    editions_dir: Path
    override_items: tuple[str, ...]  # the -p items as given (the no-op check hashes them)
    overrides: dict[str, str]  # the same, parsed: name → text, typed per chapter later
    scenario_path: Path | None
    scenario: dict | None  # scenarios.load_scenario: name, title, description, parameters
    as_of: str | None  # report: as_of, the date the information is current to
    edition_date: str | None  # report: edition_date
    jobs: int
    force: bool
    speedups: bool
    progress: Callable[[str], None]

    @property
    def current_to(self) -> str | None:
        """The date the data are judged against (freshness): the as-of date, else the edition's."""
        return self.as_of or self.edition_date

    def site(self) -> Site:
        """The site to build: the repository's pages and chapters, carrying the scenario or the ``-p``
        settings if any."""
        site = load_site(self.root)
        if self.scenario is not None:
            site = scenarios.apply(site, self.scenario, self.scenario["parameters"])
        elif self.overrides:
            site = scenarios.apply_overrides(site, self.overrides)  # a -p build says so on every page and citation
        return site

    def chapter_parameters(self, chapters: list[Chapter], notebooks: dict[str, Path]) -> dict[str, dict]:
        """Chapter name → {parameter: typed value}: the report's as-of date, the ``-p`` overrides and
        the scenario's values, each checked against the chapter's parameters cell and limits."""
        per_chapter = scenarios.as_text(self.scenario["parameters"]) if self.scenario else None
        report_values = {"as_of": self.as_of} if self.as_of else {}
        return parameters.resolve(chapters, notebooks, self.overrides, per_chapter, report_values=report_values)


def resolve(options: BuildOptions) -> BuildPlan:
    """The plan for ``options``; a malformed ``-p`` item or a bad scenario file stops here."""
    root = Path(options.root).resolve()
    output = Path(options.output).resolve()
    scenario_path = scenario = None
    if options.scenario is not None:
        scenario_path = scenarios.scenario_file(root, options.scenario)
        scenario = scenarios.load_scenario(root, options.scenario)
    report = read_report(config_path(root))
    return BuildPlan(
        root=root,
        data_dir=Path(options.data_dir).resolve(),
        output=output,
        cache_dir=Path(options.cache_dir or output.parent / "cache").resolve(),
        editions_dir=Path(options.editions_dir or root / "editions").resolve(),
        override_items=tuple(options.overrides),
        overrides=parameters.parse_assignments(options.overrides),
        scenario_path=scenario_path,
        scenario=scenario,
        as_of=report.get("as_of"),
        edition_date=str(report["edition_date"]) if report.get("edition_date") else None,
        jobs=options.jobs,
        force=options.force,
        speedups=options.speedups,
        progress=options.progress or say,
    )
