import fcntl
import os
import shutil
import sys
from pathlib import Path

import pytest

# the packages (pipeline, analysis) are installed by `pip install -e .`; tests/ is on pytest's
# pythonpath (pyproject.toml)
REPO = Path(__file__).resolve().parents[1]


SEED_ENV = "REPORT_TEST_SEED"  # make test: the site it has just built (its _build/html)


def seed_from(seed: Path, out: Path) -> None:
    """Start the session's build from a site already built from this repository (``make test`` builds
    the report and audits it before pytest starts): its pages, its state file and its chapter cache
    are copied, and the build that follows finds them up to date, or redoes what changed since."""
    state = seed.parent / f".{seed.name}.state.json"
    if not (seed / "index.html").is_file() or not state.is_file():
        return
    shutil.copytree(seed, out)
    shutil.copyfile(state, out.parent / state.name)
    if (seed.parent / "cache").is_dir():
        shutil.copytree(seed.parent / "cache", out.parent / "cache")


def build_for_tests(out: Path) -> None:
    from pipeline.run import BuildOptions, build_report

    seed = os.environ.get(SEED_ENV)
    if seed:
        seed_from(Path(seed).resolve(), out)
    build_report(BuildOptions(output=out))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, request) -> Path:
    """The real report, built once per test session from the repository's book and data/.

    Returns the published html folder. Tests must not modify it (copy it first). When the tests
    run in parallel (pytest-xdist, as `make test` runs them) the workers share one build: the
    first to need it builds it under a lock in the run's common temporary folder, the others wait
    for it and use the same folder. Under `make test` the build starts from the one make has just
    made (``REPORT_TEST_SEED``), so the report is not built twice."""
    if not hasattr(request.config, "workerinput"):  # one process: the build is this session's own
        out = tmp_path_factory.mktemp("site") / "html"
        build_for_tests(out)
        return out
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above every worker's own
    out = shared / "built-site" / "html"
    with open(shared / "built-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the build fails
        done = shared / "built-site.done"
        if not done.exists():
            shutil.rmtree(out.parent, ignore_errors=True)  # what a failed attempt left
            out.parent.mkdir(parents=True)
            build_for_tests(out)
            done.touch()
    return out


@pytest.fixture(scope="session")
def served(built_site):
    """The session's build served on 127.0.0.1 (base URL ending in /)."""
    from site_server import serve

    with serve(built_site) as base:
        yield base


@pytest.fixture(scope="module")
def context():
    """A Chromium (Debian's, through Playwright) browser context for one module's page tests.

    Module-scoped: Playwright's sync API owns the thread's event loop while it runs, and other
    modules (the PDF) start their own."""
    from site_server import browser

    with browser() as chromium:
        ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
        yield ctx
        ctx.close()


# ---------------------------------------------------------------------------------------------
# In CI nothing skips: a test that would skip there (a missing tool such as Chromium or
# poppler-utils, a missing dataset) fails with its reason, so a green CI run has run every test.
# ---------------------------------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid} would be skipped, but CI=true and CI must run every test:"
                           f" {reason.removeprefix('Skipped: ')} (run `make browser`, or `make test`,"
                           " which installs Chromium and poppler-utils)")


# ---------------------------------------------------------------------------------------------
# The order in which test files go to the workers (make test: pytest -n 2, one file to a worker).
# The two workers finish together only if the longest files start first and the short ones fill
# the end; pytest-xdist's own order (the files with most tests first, which pyproject.toml turns
# off with --no-loadscope-reorder) put the few long tests (whole builds, interruptions, the PDF)
# last, one worker running them while the other waited. Longest first, as measured with
# `pytest -n 2 --durations=80` (sum per file); any file not named follows in collection order.
# ---------------------------------------------------------------------------------------------
LONGEST_FIRST = ("test_interrupt.py", "test_hard_stops.py", "test_generated_edits.py", "test_pdf.py",
                 "test_preview.py", "test_bad_input.py", "test_concurrency.py", "test_markup.py", "test_cache.py",
                 "test_book_build.py", "test_citation.py", "test_publish_site.py", "test_build.py",
                 "test_scenarios.py", "test_manifest.py", "test_chapter_failure.py", "test_trace.py",
                 "test_speed.py", "test_accessibility.py", "test_chart_standalone.py")


def file_rank(name: str) -> int:
    return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config, items):
    """Longest files first (a stable sort: a file's tests keep their order)."""
    items.sort(key=lambda item: file_rank(item.path.name))


def _generated_edits():
    return sys.modules.get("test_generated_edits")


def pytest_sessionfinish(session):
    """A pytest-xdist worker hands its generated-edit counts to the main process, which prints them."""
    module = _generated_edits()
    if module is not None and hasattr(session.config, "workeroutput"):
        session.config.workeroutput["generated_edits"] = {
            "outcomes": dict(module.OUTCOMES), "by_kind": {k: dict(v) for k, v in module.BY_KIND.items()}}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """(pytest-xdist, main process) a worker's generated-edit counts, added to the module's own."""
    counts = getattr(node, "workeroutput", {}).get("generated_edits")
    if counts:
        import test_generated_edits as module

        module.OUTCOMES.update(counts["outcomes"])
        for kind, counter in counts["by_kind"].items():
            module.BY_KIND[kind].update(counter)


def pytest_terminal_summary(terminalreporter):
    """The generated-edit tests' count and outcome classes (tests/test_generated_edits.py)."""
    module = _generated_edits()
    for line in (module.summary() if module else []):
        terminalreporter.write_line(line)
