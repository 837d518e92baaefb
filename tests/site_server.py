"""Serve a built site on 127.0.0.1 and drive it with Debian's Chromium through Playwright.

``serve(folder)`` is a context manager yielding the base URL of a threaded ``http.server`` on a
free port. ``browser()`` launches /usr/bin/chromium (never Playwright's own download) headless
with everything that would call home switched off. ``open_page(...)`` opens a page that may only
talk to the local server: every other request is aborted and recorded, and page errors,
console errors, dialogs and failed responses are collected for the test to assert on.
"""

from __future__ import annotations

import functools
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "_build" / "test-artifacts"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (http.server's name)
        pass


@contextmanager
def serve(folder: Path):
    """Serve ``folder`` at http://127.0.0.1:<free port>/ for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser():
    """A headless Chromium from Debian, driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageLog:
    """What happened while a page was open."""

    outside_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to another host: {u}" for u in self.outside_requests]
                + [f"page error: {e}" for e in self.page_errors]
                + [f"console error: {e}" for e in self.console_errors]
                + [f"dialog: {d}" for d in self.dialogs]
                + [f"HTTP error: {r}" for r in self.failed_responses])


def new_page(context, log: PageLog):
    """A page of ``context`` whose requests beyond 127.0.0.1 are aborted and recorded in ``log``."""
    page = context.new_page()

    def route(route_obj):
        url = route_obj.request.url
        host = urlsplit(url).hostname
        if host == "127.0.0.1" or url.startswith(("data:", "blob:", "about:")):
            route_obj.continue_()
        else:
            log.outside_requests.append(url)
            route_obj.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("console", lambda msg: log.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")
            if msg.type == "error" else None)

    def on_dialog(dialog):
        log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("response", lambda r: log.failed_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return page


def html_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as paths relative to its root (posix)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "_static" not in p.relative_to(site).parts)


DRAW_ALL_CHARTS = "() => window.reportCharts ? window.reportCharts.drawAll().then(() => true) : false"


def wait_for_charts(page, timeout_ms: int = 20_000) -> None:
    """Draw every chart on the page (charts are otherwise drawn as they near the viewport) and
    wait until none is still being drawn."""
    page.evaluate(DRAW_ALL_CHARTS)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.vega-chart'))
                 .every(c => ['yes', 'failed'].includes(c.getAttribute('data-rendered')))""",
        timeout=timeout_ms,
    )


@contextmanager
def opened_page(context, shot: str):
    """``(page, log)``: a page from ``new_page``, closed afterwards; if the block fails, its
    full-page screenshot is kept as ``shot`` (see screenshot_on_failure)."""
    log = PageLog()
    page = new_page(context, log)
    try:
        yield page, log
    except BaseException:
        screenshot_on_failure(page, shot)
        raise
    finally:
        page.close()


def screenshot_on_failure(page, name: str) -> Path:
    """Keep a full-page screenshot under _build/test-artifacts/ for a failed check."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".png")
    try:
        page.screenshot(path=str(target), full_page=True)
    except Exception:  # the page may be gone; the failure message says what went wrong anyway
        pass
    return target
