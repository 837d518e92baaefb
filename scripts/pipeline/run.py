"""The whole build, one direction: validate → stage → execute → assemble → publish.

Prints one progress line per stage and per chapter with its time. Any failure raises a
BuildError naming the stage; the published site is then exactly what it was before, and the
work folder is removed (also on SIGINT/SIGTERM).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import assemble, execute, parameters, publish, stage, validate
from .config import ROOT, Site, load_site


@dataclass
class BuildOptions:
    data_dir: Path = ROOT / "data"
    output: Path = ROOT / "_build" / "html"
    overrides: list[str] = field(default_factory=list)
    jobs: int = 2
    root: Path = ROOT


def say(message: str) -> None:
    print(message, flush=True)


# Test hook, used by tests/test_interrupt.py only: with REPORT_TEST_PAUSE=<stage>:<start|end>
# (stage = validate, stage, execute, assemble or publish) the build waits REPORT_TEST_PAUSE_S
# seconds (default 60) at that point of that stage, so a test can signal it there. Unset, it
# does nothing.
PAUSE_ENV = "REPORT_TEST_PAUSE"


def _test_pause(stage_name: str, when: str) -> None:
    if os.environ.get(PAUSE_ENV) == f"{stage_name}:{when}":
        say(f"paused at {stage_name}:{when} ({PAUSE_ENV})")
        time.sleep(float(os.environ.get("REPORT_TEST_PAUSE_S", "60")))


class Timer:
    """Prints "<label> …" when a stage starts and "<label>  <seconds> s" when it has finished."""

    def __init__(self, label: str):
        self.label = label
        self.stage = label.split()[0]  # validate, stage, execute, assemble, publish

    def __enter__(self):
        say(f"{self.label} …")
        _test_pause(self.stage, "start")
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            _test_pause(self.stage, "end")
            say(f"{self.label:<28} {time.monotonic() - self.started:5.1f} s")


def build_report(options: BuildOptions) -> Path:
    """Build and publish the report; returns the path of the published ``index.html``."""
    site = load_site(options.root)
    data_dir = options.data_dir.resolve()
    output = options.output.resolve()
    overrides = parameters.parse_assignments(options.overrides)
    with publish.build_lock(output):
        work = publish.work_dir(output)
        shutil.rmtree(work, ignore_errors=True)  # left by a build that was killed outright
        try:
            return _build(site, data_dir, output, overrides, options.jobs, work)
        finally:
            execute.stop_all()
            assemble.stop_all()
            shutil.rmtree(work, ignore_errors=True)


def _build(site: Site, data_dir: Path, output: Path, overrides: dict, jobs: int, work: Path) -> Path:
    build_dir = output.parent
    with Timer("validate data"):
        validate.validate_data(data_dir)
    with Timer("stage book"):
        stage_dir = stage.prepare_stage(site, work / "stage", data_dir, build_dir / "cache")
        notebooks = {c.name: stage_dir / stage.INPUTS / f"{c.name}.ipynb" for c in site.chapters}
        params = parameters.resolve(list(site.chapters), notebooks, overrides)
    with Timer(f"execute {len(site.chapters)} chapters"):
        execute.execute_chapters(site.chapters, stage_dir, data_dir, params, build_dir / "failed", jobs, say)
    with Timer("assemble site"):
        html = assemble.build_site(stage_dir, site.report.get("edition_date", "1970-01-01"))
    with Timer("publish"):
        publish.publish(html, output)
    return output / "index.html"
