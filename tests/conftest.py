import os
import sys
from pathlib import Path

import pytest

# the packages (pipeline, analysis) are installed by `pip install -e .`; tests/ is on pytest's
# pythonpath (pyproject.toml)
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real report, built once per test session from the repository's book and data/.

    Returns the published html folder. Tests must not modify it (copy it first)."""
    from pipeline.run import BuildOptions, build_report

    out = tmp_path_factory.mktemp("site") / "html"
    build_report(BuildOptions(output=out))
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


def pytest_terminal_summary(terminalreporter):
    """The generated-edit tests' count and outcome classes (tests/test_generated_edits.py)."""
    module = sys.modules.get("test_generated_edits")
    for line in (module.summary() if module else []):
        terminalreporter.write_line(line)
