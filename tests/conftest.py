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
