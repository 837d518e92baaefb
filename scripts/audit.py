"""Audit the published report as readers' clients see it: Lighthouse, the Nu HTML Checker, axe-core.

``python scripts/audit.py`` (``make audit``, also run by ``make test``) serves the built site
(``_build/html``) through ``scripts/serve.py`` (gzip, as static hosts serve it) and checks every
page with:

- **Lighthouse** (npm ``lighthouse``, driving Debian's ``/usr/bin/chromium``), mobile (its
  default: simulated slow 4G and 4× CPU slowdown) and desktop (its desktop preset), through its
  Node API (``scripts/lighthouse_runs.mjs``) in at most two Chromium instances, each running its
  share of the pages one after another, the heaviest first. A mobile performance score under the
  target is measured twice more, one run at a time and each once the machine is quiet (load
  average under the CPU count, waiting at most a minute), and the median of the three counts: one
  run on a busy machine reads low. In ``make test`` (``--speed-advisory``) Lighthouse runs without
  its performance category and on mobile only: the desktop layout's accessibility is checked there
  by axe-core at 1280 px, in pytest.
- **the Nu HTML Checker** (npm ``vnu-jar``, run by Debian's Java): errors per page.
- **axe-core** (npm ``axe-core``, the version in package.json), in Chromium through Playwright,
  after every chart is drawn: serious and critical violations per page. In ``make test`` the audit
  leaves it to pytest, whose tests/test_accessibility.py runs the same check on every page.
- **transfer**: the bytes a reader downloads for the page with every chart drawn (all
  resources, compressed as served, fresh cache), and Lighthouse's own total at load.

It prints one table and exits 1 if any page misses a target:

| measure | target |
|---|---|
| Lighthouse performance, mobile | ≥ 90 |
| Lighthouse accessibility, best practices, SEO (mobile and desktop) | 100 |
| transfer, page with charts / without | ≤ 1 MB / ≤ 400 KB |
| axe-core serious + critical | 0 |
| Nu HTML Checker errors | 0 |

The full results go to ``_build/audit/audit.json`` (``--json``), Lighthouse's reports to
``_build/audit/lighthouse/``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote

from serve import DEFAULT_SITE, REPO, serving  # scripts/ is on the path (the script's folder; pip install -e .)

CHROMIUM = "/usr/bin/chromium"
NODE_MODULES = REPO / "node_modules"
LIGHTHOUSE = NODE_MODULES / "lighthouse" / "cli" / "index.js"
LIGHTHOUSE_RUNS = Path(__file__).resolve().parent / "lighthouse_runs.mjs"  # Lighthouse's Node API, one Chromium
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
OUT = REPO / "_build" / "audit"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync "
                "--disable-default-apps --disable-extensions --mute-audio")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

PERF_MOBILE_MIN = 90
FULL_SCORE = 100
CHART_PAGE_MAX_BYTES = 1_000_000
PLAIN_PAGE_MAX_BYTES = 400_000
SEVERE = ("serious", "critical")
PRESETS = ("mobile", "desktop")  # Lighthouse's two form factors (make test: mobile alone)
RETRIES = 2  # extra mobile runs when the first reads under the target (median of three)
LIGHTHOUSE_JOBS = 2
LIGHTHOUSE_TIMEOUT_S = 240
QUIET_WAIT_S = 60


@dataclass
class PageResult:
    page: str
    has_charts: bool
    perf_mobile_runs: list[int] = field(default_factory=list)
    perf_desktop: int | None = None
    a11y: int | None = None
    best_practices: int | None = None
    seo: int | None = None
    lighthouse_bytes: int | None = None
    transfer_bytes: int | None = None
    axe_severe: int | None = None
    axe_ids: list[str] = field(default_factory=list)
    nu_errors: int | None = None
    nu_messages: list[str] = field(default_factory=list)
    failed_audits: list[str] = field(default_factory=list)
    benchmarks: list[int] = field(default_factory=list)  # Lighthouse's benchmarkIndex of each run
    errors: list[str] = field(default_factory=list)

    @property
    def perf_mobile(self) -> int | None:
        return int(statistics.median(self.perf_mobile_runs)) if self.perf_mobile_runs else None

    def byte_limit(self) -> int:
        return CHART_PAGE_MAX_BYTES if self.has_charts else PLAIN_PAGE_MAX_BYTES

    def misses(self, timing: bool = True) -> list[str]:
        """Every target this page misses, in words (a measure that could not be taken misses).
        ``timing=False`` (``make test``) leaves out the one measure that depends on how busy the
        machine is (Lighthouse's mobile performance): ``make test`` reports it, ``make audit`` holds
        it; and axe-core, when the audit did not run it: ``make test`` runs it on every page in
        pytest (tests/test_accessibility.py, the same axe-core at the same 1280 px, charts drawn)."""
        out = list(self.errors)

        def need(name, value, ok, target):
            if value is None:
                out.append(f"{name}: not measured")
            elif not ok(value):
                out.append(f"{name} {value} (target {target})")

        if timing:
            need("performance (mobile)", self.perf_mobile, lambda v: v >= PERF_MOBILE_MIN, f"≥ {PERF_MOBILE_MIN}")
        for name in ("a11y", "best_practices", "seo"):
            need(name, getattr(self, name), lambda v: v >= FULL_SCORE, FULL_SCORE)
        limit = self.byte_limit()
        weight = max([b for b in (self.transfer_bytes, self.lighthouse_bytes) if b is not None], default=None)
        need("transfer bytes", weight, lambda v: v <= limit, f"≤ {limit:,}")
        if timing or self.axe_severe is not None:
            need("axe serious/critical", self.axe_severe, lambda v: v == 0, 0)
        need("Nu errors", self.nu_errors, lambda v: v == 0, 0)
        if out:
            out.extend(f"  failing Lighthouse audit: {a}" for a in self.failed_audits)
        return out


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site (posix paths relative to its root), theme assets excepted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "_static" not in p.relative_to(site).parts)


def check_tools() -> list[str]:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (Debian's chromium: make browser)")
    for path in (LIGHTHOUSE, VNU, AXE):
        if not path.exists():
            missing.append(f"{path.relative_to(REPO)} (npm ci: make browser)")
    if not shutil.which("java"):
        missing.append("java (Debian's default-jre-headless: make browser)")
    if not shutil.which("node"):
        missing.append("node (Debian's nodejs)")
    return missing


# --- Nu HTML Checker -----------------------------------------------------------------------------

def nu_check(site: Path, pages: list[str]) -> dict[str, list[str]]:
    """Nu HTML Checker errors per page, as 'line N: message'."""
    files = [str(site / p) for p in pages]
    proc = subprocess.run(["java", "-Xss2m", "-jar", str(VNU), "--format", "json", "--stdout", *files],
                          capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(proc.stdout or "{}").get("messages", [])
    except json.JSONDecodeError:
        raise RuntimeError(f"vnu gave no JSON (exit {proc.returncode}): {proc.stderr[:500]}") from None
    found: dict[str, list[str]] = {p: [] for p in pages}
    # vnu names a file "file:/path" (one slash), Path.as_uri() "file:///path": compare the paths
    by_file = {Path(f).resolve().as_posix(): p for f, p in zip(files, pages)}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        page = by_file.get(re.sub(r"^file:/*", "/", unquote(message.get("url", ""))))
        if page is None:
            raise RuntimeError(f"vnu error for no checked page: {message}")
        found[page].append(f"line {message.get('lastLine', '?')}: {message.get('message', '')}")
    return found


# --- axe-core and transfer, in Chromium through Playwright ---------------------------------------

DRAW_ALL_CHARTS = """async () => {
    const charts = Array.from(document.querySelectorAll('.vega-chart'));
    for (const chart of charts) {
        chart.scrollIntoView({block: 'center'});
        await new Promise(r => setTimeout(r, 50));
    }
    window.scrollTo(0, 0);
    return charts.length;
}"""
CHARTS_SETTLED = """() => Array.from(document.querySelectorAll('.vega-chart'))
    .every(c => ['yes', 'failed'].includes(c.getAttribute('data-rendered')))"""
TRANSFER = """() => {
    const entries = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
    return entries.reduce((sum, e) => sum + (e.transferSize || 0), 0);
}"""
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}));
}"""


def browser_checks(base: str, pages: list[str], axe: bool = True) -> dict[str, dict]:
    """Per page: axe serious/critical violation ids (None with ``axe=False``) and the bytes
    transferred with all charts drawn."""
    from playwright.sync_api import sync_playwright

    results = {}
    args = CHROME_FLAGS.replace("--headless=new ", "").split()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        try:
            for page_name in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                try:
                    page.goto(base + page_name, wait_until="load")
                    page.evaluate(DRAW_ALL_CHARTS)
                    page.wait_for_function(CHARTS_SETTLED, timeout=30_000)
                    page.wait_for_load_state("networkidle")
                    transfer = page.evaluate(TRANSFER)
                    severe = None
                    if axe:
                        page.add_script_tag(path=str(AXE))
                        violations = page.evaluate(RUN_AXE)
                        severe = [f"{v['id']} ({v['impact']}, {v['nodes']})" for v in violations if v["impact"] in SEVERE]
                    results[page_name] = {"transfer": transfer, "axe": severe, "error": None}
                except Exception as error:  # reported per page; the audit then fails
                    results[page_name] = {"transfer": None, "axe": None, "error": f"browser: {error}"}
                finally:
                    context.close()
        finally:
            browser.close()
    return results


# --- Lighthouse ----------------------------------------------------------------------------------

def lighthouse_runs(tasks: list[tuple[str, str, Path]], categories: tuple[str, ...] = CATEGORIES) -> list[dict | Exception]:
    """Lighthouse on ``tasks`` ((url, preset, report path), run in order) in one Chromium
    (scripts/lighthouse_runs.mjs); per task its scores (see ``read_lighthouse``) or the error."""
    job = {"chromium": CHROMIUM, "flags": CHROME_FLAGS, "categories": list(categories),
           "tasks": [{"url": url, "preset": preset, "out": str(report)} for url, preset, report in tasks]}
    for _, _, report in tasks:
        report.unlink(missing_ok=True)
    try:
        proc = subprocess.run(["node", str(LIGHTHOUSE_RUNS), json.dumps(job)], capture_output=True, text=True,
                              timeout=LIGHTHOUSE_TIMEOUT_S * len(tasks), cwd=REPO)
        failed = None if proc.returncode == 0 else f"exit {proc.returncode}: {proc.stderr.strip()[-400:]}"
    except subprocess.TimeoutExpired:
        failed = f"no result within {LIGHTHOUSE_TIMEOUT_S} s a page"
    outcomes: list[dict | Exception] = []
    for url, preset, report in tasks:
        try:
            if not report.exists():
                raise RuntimeError(f"lighthouse {preset} {url} failed ({failed or 'no report written'})")
            outcomes.append(read_lighthouse(report, url, preset, categories))
        except Exception as error:  # noted on the page; the audit then fails
            outcomes.append(error)
    return outcomes


def read_lighthouse(report: Path, url: str, preset: str, categories: tuple[str, ...]) -> dict:
    """One Lighthouse report: scores (0-100; None for a category not run), total bytes (None
    without the performance category, whose audit it is) and failing audits' ids."""
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise RuntimeError(f"lighthouse {preset} {url}: {data['runtimeError'].get('message')}")
    scores = {c: round((data["categories"][c]["score"] or 0) * 100) if c in categories else None for c in CATEGORIES}
    failing = []
    for cat in (c for c in ("accessibility", "best-practices", "seo") if c in categories):
        for ref in data["categories"][cat]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                failing.append(f"{cat}/{ref['id']}: {audit.get('title', '')}")
    weight = (data["audits"].get("total-byte-weight") or {}).get("numericValue")
    return {"scores": scores, "bytes": None if weight is None else int(weight),
            "failing": failing, "benchmark": (data.get("environment") or {}).get("benchmarkIndex")}


def lighthouse_all(base: str, pages: list[str], results: dict[str, PageResult], jobs: int, retries: int,
                   categories: tuple[str, ...] = CATEGORIES, presets: tuple[str, ...] = PRESETS) -> None:
    """Every page in every preset, the runs shared among ``jobs`` Chromium instances, each taking
    its pages one after another; then the retries of a low mobile performance reading."""
    reports = OUT / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)

    def task(page_name, preset, attempt):
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", page_name.removesuffix(".html"))
        return base + page_name, preset, reports / f"{stem}-{preset}-{attempt}.json"

    def record(page_name, preset, outcome):
        result = results[page_name]
        if isinstance(outcome, Exception):
            result.errors.append(str(outcome))
            return
        scores = outcome["scores"]
        if outcome.get("benchmark"):
            result.benchmarks.append(int(outcome["benchmark"]))
        if scores["performance"] is None:  # speed left to make audit
            pass
        elif preset == "mobile":
            result.perf_mobile_runs.append(scores["performance"])
            result.lighthouse_bytes = max(result.lighthouse_bytes or 0, outcome["bytes"] or 0)
        else:
            result.perf_desktop = scores["performance"]
        for key, cat in (("a11y", "accessibility"), ("best_practices", "best-practices"), ("seo", "seo")):
            old = getattr(result, key)
            if scores[cat] is not None:
                setattr(result, key, scores[cat] if old is None else min(old, scores[cat]))
        result.failed_audits = sorted(set(result.failed_audits) | set(outcome["failing"]))

    # the heaviest pages first, each to the Chromium with the least work so far (page size reads
    # Lighthouse's time well: it walks every link and element), so the runs end together
    weight = {p: page_weight(base, p) for p in pages}
    shares: list[list[tuple[str, str]]] = [[] for _ in range(min(jobs, len(pages) * len(presets)))]
    load = [0] * len(shares)
    for run in sorted(((p, preset) for p in pages for preset in presets), key=lambda r: -weight[r[0]]):
        lightest = load.index(min(load))
        shares[lightest].append(run)
        load[lightest] += weight[run[0]]
    with ThreadPoolExecutor(max_workers=len(shares) or 1) as pool:
        done = pool.map(lambda share: lighthouse_runs([task(p, preset, 0) for p, preset in share], categories), shares)
        for share, outcomes in zip(shares, done):
            for (page_name, preset), outcome in zip(share, outcomes):
                record(page_name, preset, outcome)
    # a low first reading is measured again one run at a time, each when the machine is quiet
    for page_name in pages:
        result = results[page_name]
        if result.perf_mobile is None or result.perf_mobile >= PERF_MOBILE_MIN:
            continue
        for attempt in range(1, retries + 1):
            wait_for_quiet()
            record(page_name, "mobile", lighthouse_runs([task(page_name, "mobile", attempt)], categories)[0])


def page_weight(base: str, page_name: str) -> int:
    """The size of a page's HTML as served (0 if it cannot be read): what its runs are ordered by."""
    from urllib.request import urlopen

    try:
        with urlopen(base + page_name, timeout=30) as response:
            return len(response.read())
    except OSError:
        return 0


def wait_for_quiet(limit_s: float = QUIET_WAIT_S) -> None:
    """Wait (at most ``limit_s``) until the 1-minute load average is below the number of CPUs:
    Lighthouse's simulated throttling scales what it observes, and a busy CPU reads slow."""
    deadline = time.monotonic() + limit_s
    cpus = os.cpu_count() or 1
    while time.monotonic() < deadline and os.getloadavg()[0] >= cpus:
        time.sleep(5)


# --- table ---------------------------------------------------------------------------------------

def table(results: list[PageResult], timing: bool = True) -> str:
    head = ["page", "perf mobile", "perf desktop", "a11y", "BP", "SEO", "KB (load)", "KB (all)", "limit KB",
            "axe s/c", "Nu errors", "CPU index", "ok"]
    rows = []
    for r in results:
        runs = r.perf_mobile_runs
        perf = "-" if r.perf_mobile is None else (
            f"{r.perf_mobile}" + (f" ({', '.join(map(str, runs))})" if len(runs) > 1 else ""))
        kb = lambda b: "-" if b is None else f"{b / 1000:,.0f}"  # noqa: E731
        rows.append([r.page, perf, "-" if r.perf_desktop is None else str(r.perf_desktop),
                     *("-" if v is None else str(v) for v in (r.a11y, r.best_practices, r.seo)),
                     kb(r.lighthouse_bytes), kb(r.transfer_bytes), kb(r.byte_limit()),
                     "-" if r.axe_severe is None else str(r.axe_severe),
                     "-" if r.nu_errors is None else str(r.nu_errors),
                     str(min(r.benchmarks)) if r.benchmarks else "-",
                     "yes" if not r.misses(timing=timing) else "NO"])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lighthouse, Nu HTML Checker and axe-core on every page.")
    parser.add_argument("--site", type=Path, default=DEFAULT_SITE, help="built site (default _build/html)")
    parser.add_argument("--jobs", type=int, default=LIGHTHOUSE_JOBS, help="Lighthouse runs at once (at most 2)")
    parser.add_argument("--retries", type=int, default=RETRIES, help="extra mobile runs for a low score")
    parser.add_argument("--pages", nargs="*", help="only these pages (default: every page)")
    parser.add_argument("--json", type=Path, default=OUT / "audit.json", help="where to write the results")
    parser.add_argument("--speed-advisory", action="store_true",
                        help="leave speed to make audit (make test): Lighthouse runs without its performance"
                             " category, which depends on how busy the machine is, and on mobile only (the"
                             " other categories read the same markup on desktop); every other target holds")
    args = parser.parse_args(argv)

    missing = check_tools()
    if missing:
        print("audit: missing " + "; ".join(missing), file=sys.stderr)
        return 2
    if not (args.site / "index.html").is_file():
        print(f"audit: {args.site} has no index.html: build the report first (make report)", file=sys.stderr)
        return 2
    pages = args.pages or site_pages(args.site)
    results = {p: PageResult(p, 'class="vega-chart"' in (args.site / p).read_text(encoding="utf-8")) for p in pages}
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)

    for page, errors in nu_check(args.site, pages).items():
        results[page].nu_errors = len(errors)
        results[page].nu_messages = errors[:20]
    nu_done = time.monotonic()
    with serving(args.site) as base:
        # make test: axe-core is pytest's (tests/test_accessibility.py runs it on every page), so the
        # audit does not run it twice; make audit runs it
        for page, found in browser_checks(base, pages, axe=not args.speed_advisory).items():
            if found["error"]:
                results[page].errors.append(found["error"])
                continue
            results[page].transfer_bytes = found["transfer"]
            if found["axe"] is not None:
                results[page].axe_severe = len(found["axe"])
                results[page].axe_ids = found["axe"]
        browser_done = time.monotonic()
        # make test: no performance category (speed targets are held by make audit and make bench on a
        # quiet machine, never by the tests); the other three categories and every other check still run
        categories = tuple(c for c in CATEGORIES if c != "performance") if args.speed_advisory else CATEGORIES
        retries = 0 if args.speed_advisory else args.retries
        # and on mobile alone: its phone viewport is where layout faults show, and the desktop layout's
        # accessibility is read by axe-core above, at 1280 px (Lighthouse's desktop run adds speed)
        presets = ("mobile",) if args.speed_advisory else PRESETS
        lighthouse_all(base, pages, results, max(1, min(args.jobs, LIGHTHOUSE_JOBS)), retries, categories, presets)
    finished = time.monotonic()

    ordered = [results[p] for p in pages]
    print(table(ordered, timing=not args.speed_advisory))
    print(f"\nmobile performance: median of the runs shown; KB (load) is Lighthouse's total at load, KB (all)"
          f" every resource with every chart drawn (gzip, fresh cache); CPU index: Lighthouse's lowest"
          f" benchmarkIndex of the page's runs (under about 1000 the machine was busy and performance reads low).\n"
          f"time: Nu {nu_done - started:.0f} s, {'transfer' if args.speed_advisory else 'axe + transfer'}"
          f" {browser_done - nu_done:.0f} s,"
          f" Lighthouse {finished - browser_done:.0f} s, total {finished - started:.0f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps([{**asdict(r), "perf_mobile": r.perf_mobile, "misses": r.misses()}
                                     for r in ordered], indent=2) + "\n", encoding="utf-8")
    failing = [(r.page, r.misses(timing=not args.speed_advisory)) for r in ordered
               if r.misses(timing=not args.speed_advisory)]
    if args.speed_advisory:
        print(f"performance: not measured here (it depends on how busy the machine is); make audit holds mobile"
              f" performance ≥ {PERF_MOBILE_MIN} on a quiet machine")
    for page, misses in failing:
        print(f"\n{page} misses:\n  " + "\n  ".join(misses), file=sys.stderr)
        if results[page].nu_messages:
            print("  Nu: " + "\n  Nu: ".join(results[page].nu_messages[:5]), file=sys.stderr)
        if results[page].axe_ids:
            print("  axe: " + ", ".join(results[page].axe_ids), file=sys.stderr)
    if failing:
        print(f"\naudit FAILED: {len(failing)} of {len(ordered)} pages miss a target", file=sys.stderr)
        return 1
    print(f"\naudit passed: all {len(ordered)} pages meet every target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
