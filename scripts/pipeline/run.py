"""The whole build, one direction: validate → stage → execute → assemble → publish.

Prints one progress line per stage and per chapter with its time. Any failure raises a
BuildError naming the stage; the published site is then exactly what it was before, and the
work folder is removed (also on SIGINT/SIGTERM).
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .editions import manifest
from .stages import publish
from .speed import children
from .config import Site
from .plan import BuildOptions, BuildPlan, resolve, say  # noqa: F401 (BuildOptions: the flow's API)

# The heavy stages (jupytext, papermill, nbformat, frictionless, vl-convert) are imported inside
# _build: a no-op rebuild only hashes files and must stay well under a second and a half.


# Test hook, used by tests/test_interrupt.py only: with REPORT_TEST_PAUSE=<stage>:<start|end>
# (stage = validate, stage, execute, assemble or publish) the build waits REPORT_TEST_PAUSE_S
# seconds (default 60) at that point of that stage, so a test can signal it there. Unset, it
# does nothing.
PAUSE_ENV = "REPORT_TEST_PAUSE"


def _test_pause(stage_name: str, when: str, report: Callable[[str], None] = say) -> None:
    if os.environ.get(PAUSE_ENV) == f"{stage_name}:{when}":
        report(f"paused at {stage_name}:{when} ({PAUSE_ENV})")
        time.sleep(float(os.environ.get("REPORT_TEST_PAUSE_S", "60")))


_published: list[Path] = []


def published() -> bool:
    """True once this build has swapped its new site in (an interrupt after that loses nothing)."""
    return bool(_published)


@contextmanager
def signals_deferred():
    """Publishing is one step: a Ctrl-C or SIGTERM that arrives during it takes effect after it,
    so the swap, the old tree's removal and the record of what was published happen together."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Timer:
    """Prints "<label> …" when a stage starts and "<label>  <seconds> s" when it has finished."""

    def __init__(self, label: str, report: Callable[[str], None] = say):
        self.label = label
        self.stage = label.split()[0]  # validate, stage, execute, edition, assemble, publish
        self.report = report

    def __enter__(self):
        self.report(f"{self.label} …")
        _test_pause(self.stage, "start", self.report)
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            _test_pause(self.stage, "end", self.report)
            self.report(f"{self.label:<28} {time.monotonic() - self.started:5.1f} s")


def warn_placeholder_base_url(site: Site, report: Callable[[str], None]) -> None:
    """A placeholder ``report: base_url`` makes every citation a dead link: say so (not an error:
    a local or test build is fine without the real address)."""
    from .pages import citation

    try:
        warning = citation.base_url_warning(citation.meta(site.report))
    except ValueError:  # an incomplete report: block is the stage's error to report, in its place
        return
    if warning:
        report(f"warning: {warning}")


def keep_pdf(output: Path, html: Path, tree: str, site: Site, report: Callable[[str], None]) -> str:
    """The published site's PDF goes into the new site only if it was printed from exactly these
    pages (``pipeline.pages.pdfsite``), so a stale PDF is never offered; returns the new site's tree digest."""
    from .pages import citation, pdfsite

    if pdfsite.carry_over(output, html, tree, citation.meta(site.report)):
        report("  kept the report PDF (printed from these same pages)")
        return manifest.tree_digest(html)
    if pdfsite.has_pdf(output):
        report("  the report PDF no longer matches the pages: it is left out; `make pdf` prints a new one")
    return tree


def build_report(options: BuildOptions) -> Path:
    """Build and publish the report; returns the path of the published ``index.html``.

    The options are resolved once into a plan (``pipeline.plan``) that every stage reads. When
    nothing the build reads has changed since the site at ``output`` was published, and that site
    is as it was published, nothing runs (no papermill, no Sphinx).
    """
    started = time.monotonic()
    plan = resolve(options)
    report, output = plan.progress, plan.output
    with publish.build_lock(output):
        inputs = manifest.build_inputs_digest(plan.root, plan.data_dir, plan.editions_dir, overrides=list(plan.override_items),
                                              scenario=plan.scenario_path)
        if not plan.force and not os.environ.get(PAUSE_ENV) and manifest.is_up_to_date(output, inputs):
            report(f"{'up to date, nothing to do':<28} {time.monotonic() - started:5.1f} s")
            return output / "index.html"
        work = publish.work_dir(output)
        shutil.rmtree(work, ignore_errors=True)  # left by a build that was killed outright
        try:
            return _build(plan, inputs, work)
        finally:
            children.stop_all()
            shutil.rmtree(work, ignore_errors=True)


def _build(plan: BuildPlan, inputs: str, work: Path) -> Path:
    from .editions import changes, textcells
    from .stages import assemble, execute, stage, validate
    from .speed import speedups
    from .pages import citation, citeglue, freshness
    from .speed.cache import ChapterCache

    report, data_dir, output = plan.progress, plan.data_dir, plan.output
    site: Site = plan.site()
    warn_placeholder_base_url(site, report)
    # warm kernels and out-of-band images, or neither (pipeline/speed/speedups.py)
    with speedups.helpers(work, plan.speedups) as (zygote, renderer):
        with Timer("validate data", report):
            validate.validate_data(data_dir)
        text_changes = textcells.since_published_warnings(output, data_dir)  # printed at the end, once published
        as_of = plan.current_to
        for warning in freshness.overdue_warnings(freshness.resolve(validate.load_descriptor(data_dir), data_dir), as_of) if as_of else []:
            report(warning)  # a warning, not a failure: the figures are still the newest we have
        with Timer("stage book", report):
            stage_dir = stage.prepare_stage(site, work / "stage", data_dir, plan.cache_dir)
            notebooks = {c.name: stage_dir / stage.INPUTS / f"{c.name}.ipynb" for c in site.chapters}
            params = plan.chapter_parameters(list(site.chapters), notebooks)
        with Timer(f"execute {len(site.chapters)} chapters", report):
            runs = execute.execute_chapters(
                site.chapters, stage_dir, data_dir, params, output.parent / "failed", plan.jobs, report,
                cache=ChapterCache(plan.cache_dir), force=plan.force, zygote=zygote, renderer=renderer,
                credit=citation.credit_line(citation.meta(site.report)),  # under each downloaded image
            )
        with Timer("edition record", report):
            record = manifest.edition_record(site, data_dir, params, {r.chapter: r.executed for r in runs}, plan.scenario)
            manifest.write_record(record, stage_dir / manifest.RECORD_URL)
            moved = changes.moved_since_published(output, record, plan.editions_dir)
            citeglue.apply(stage_dir, record)  # {keycite}`figure` → the figure's sources (pipeline/pages/citeglue.py)
            # the pages that present the record (What changed) are executed from it, now
            record_params = {"record": str(stage_dir / manifest.RECORD_URL), "root": str(plan.root),
                             "editions_dir": str(plan.editions_dir)}
            execute.execute_chapters(site.record_pages, stage_dir, data_dir, dict.fromkeys(
                (p.name for p in site.record_pages), record_params), output.parent / "failed", 1, report, zygote=zygote)
            if zygote is not None:
                zygote.stop()  # no kernel is needed after this: its memory goes back before Sphinx runs
        with Timer("assemble site", report):
            html = assemble.build_site(stage_dir, site.report.get("edition_date", "1970-01-01"))
            if renderer is not None:
                renderer.copy_into(lambda chapter: execute.figure_paths(html, chapter)[0])
            tree = keep_pdf(output, html, manifest.tree_digest(html), site, report)
    with Timer("publish", report):
        with signals_deferred():
            manifest.clear_state(output)
            publish.publish(html, output)
            manifest.write_state(output, inputs, tree)
            _published.append(output)
    for line in text_changes + moved:  # what a person checks before sharing the new report
        report(line)
    return output / "index.html"
