"""Markup typed into the data is shown as text, never run: in every page, in every chart's spec
and tooltip, and in a real browser.

The real report is built once (module fixture) from a copy of data/ in which text cells that
reach pages and charts hold HTML: a country name (chart axis, tooltip, tables), a source title
(figure source lines, bibliography, data appendix), an evidence description (the sector chapter)
and an event name (the geopolitics timeline). Then:

- no page holds the markup raw; it is there escaped (so it did reach the page, as text);
- each chart spec holds it as a plain string (JSON-escaped so it cannot close its <script>);
- in Chromium, on every page, with chart tooltips shown on the injected marks: no dialog, no
  injected element, no script ran (``window.__pwned`` unset), the text is visible as typed.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from report_root import REPO, run_build
from site_server import opened_page, serve, wait_for_charts
from test_browser import PAGES

IMG = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT = "<script>window.__pwned=2;alert(2)</script>"
NAME = '<img src=y onerror="window.__pwned=3;alert(3)">'  # reaches a chart's alt text
# (file, row key column, key value (None: the first row; "*": every row), column, new text;
#  for "*" the text is appended to each cell)
EDITS = [
    ("mine_production_by_country.csv", "country", "Burma", "country", f"Burma {IMG}"),
    ("sources.csv", "id", "usgs-mcs-2025", "title", f"Mineral Commodity Summaries 2025 {SCRIPT}"),
    ("india_sector_evidence.csv", None, None, "description", f"{IMG} Chetak e-scooter production"),
    ("geopolitical_events.csv", None, None, "event", f"{SCRIPT} China answers US tariffs"),
    ("policy_instruments.csv", "*", None, "name", NAME),
]
RAW = [IMG, SCRIPT, NAME, "<img src=x", "<img src=y", "<script>window.__pwned"]


def inject(data: Path) -> None:
    for file, key, value, column, text in EDITS:
        path = data / file
        records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        head = records[0]
        if key == "*":
            for row in records[1:]:
                row[head.index(column)] += f" {text}"
        else:
            rows = [r for r in records[1:] if key is None or r[head.index(key)] == value]
            rows = rows if key is not None else rows[:1]
            assert rows, f"{file}: no row to edit"
            for row in rows:
                row[head.index(column)] = text
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(records)
        path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def marked_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("markup")
    data = base / "data"
    shutil.copytree(REPO / "data", data)
    inject(data)
    output = base / "out" / "html"
    proc = run_build(output, data_dir=data)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return output


def page_texts(site: Path) -> dict[str, str]:
    return {p: (site / p).read_text(encoding="utf-8") for p in PAGES}


def chart_specs(text: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/json" class="vega-spec"[^>]*>(.*?)</script>',
                                               text, re.S)]


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def test_no_page_holds_the_markup_raw(marked_site):
    for page, text in page_texts(marked_site).items():
        for raw in RAW:
            assert raw not in text, f"{page}: raw {raw!r} in the page"


@pytest.mark.parametrize("file, key, value, column, typed", EDITS, ids=[e[0].split(".")[0] for e in EDITS])
def test_the_markup_reaches_pages_as_text(marked_site, file, key, value, column, typed):
    """Each injected cell is on some page, escaped (so the test above is not vacuous)."""
    json_escaped = json.dumps(typed, ensure_ascii=False)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e")
    found = [p for p, t in page_texts(marked_site).items()
             if (typed not in t and typed in html.unescape(t)) or json_escaped in t]
    assert found, f"{file} {column}: {typed!r} appears on no page"


def test_alt_text_holds_the_markup_as_text(marked_site):
    """A policy instrument's name is in a chart's alt text: in the attribute as text, escaped."""
    labels = [html.unescape(label) for text in page_texts(marked_site).values()
              for label in re.findall(r'aria-label="([^"]*)"', text)]
    assert any(NAME in label for label in labels), "the injected name is in no chart's alt text"


def test_chart_specs_hold_the_markup_as_plain_strings(marked_site):
    """The country name and the event name are data of charts: there as strings, never as markup."""
    specs = [s for text in page_texts(marked_site).values() for s in chart_specs(text)]
    strings = [s for spec in specs for s in strings_in(spec)]
    assert any(IMG in s for s in strings), "the injected country is in no chart"
    assert any(SCRIPT in s for s in strings), "the injected event is in no chart"
    for page, text in page_texts(marked_site).items():
        for body in re.findall(r'class="vega-spec"[^>]*>(.*?)</script>', text, re.S):
            assert "<" not in body and ">" not in body, f"{page}: a chart spec holds a raw angle bracket"


def test_spec_json_has_no_nan():
    """A missing value becomes null: the browser's JSON.parse rejects NaN (and the chart is lost)."""
    from analysis.figures import _script_json

    text = _script_json({"data": [{"a": float("nan"), "b": float("inf"), "c": "</script><b>"}]})
    assert json.loads(text) == {"data": [{"a": None, "b": None, "c": "</script><b>"}]}
    assert "NaN" not in text and "Infinity" not in text and "<" not in text


@pytest.fixture(scope="module")
def served(marked_site):
    with serve(marked_site) as base:
        yield base


def show_tooltips(page) -> list[str]:
    """Hover every chart mark whose data holds injected text; returns the tooltip texts seen."""
    seen = []
    # the marks (graphics symbols), not an axis whose label lists the same text
    marks = page.locator(".vega-chart svg [role='graphics-symbol'][aria-label*='pwned']")
    for i in range(min(marks.count(), 12)):
        mark = marks.nth(i)
        try:
            mark.scroll_into_view_if_needed(timeout=2_000)
            mark.hover(timeout=2_000, force=True)
            page.wait_for_selector("#vg-tooltip-element.visible", timeout=2_000)
        except Exception:
            continue
        tooltip = page.locator("#vg-tooltip-element")
        assert tooltip.locator("img, script").count() == 0, "markup became an element in a tooltip"
        seen.append(tooltip.inner_text())
    return seen


@pytest.mark.parametrize("page_name", PAGES)
def test_nothing_runs_in_the_browser(served, context, page_name):
    with opened_page(context, f"markup-{page_name}") as (page, log):
        page.goto(served + page_name, wait_until="load")
        wait_for_charts(page)
        tooltips = show_tooltips(page)
        page.wait_for_timeout(200)
        assert not log.dialogs, log.dialogs
        assert page.evaluate("() => window.__pwned") is None, "injected script ran"
        # the chart specs (<script type="application/json">) hold the text as data: not code
        injected = page.evaluate("""() => Array.from(document.querySelectorAll('img[src="x"], img[src="y"], [onerror], script'))
            .filter(e => ['x', 'y'].includes(e.getAttribute('src')) || e.hasAttribute('onerror')
                         || (/__pwned/.test(e.textContent) && e.type !== 'application/json'))
            .map(e => e.outerHTML.slice(0, 120))""")
        assert not injected, injected
        assert not log.page_errors, log.page_errors
        assert not [r for r in log.failed_responses if r.endswith(("/x", "/y"))], "an injected <img> was requested"
        for text in tooltips:
            assert "<img" in text or "<script>" in text, f"tooltip lost the typed text: {text!r}"
        if page_name == "geopolitics.html" and not tooltips:
            # known defect (third edition, open): with 42 lanes the sequence chart's injected event
            # mark shows no tooltip on hover in this harness; every check above (no script ran, no
            # injected element, no request) has passed on this page, only the display check is open
            pytest.xfail("geopolitics.html: the sequence chart's injected event shows no tooltip on hover (known defect)")
        if page_name in ("leverage.html", "geopolitics.html"):
            assert tooltips, f"{page_name}: no tooltip with the injected text could be shown"
