"""The real report in a real browser: Debian's Chromium, driven by Playwright, over every page of
the session's build served on 127.0.0.1.

Each page must: make no request to any other host (all are aborted and recorded, as in an
office that blocks them), raise no page error and log no console error, answer every request
with success (no 404 such as /favicon.ico), and draw every chart (``data-rendered=yes`` with an
``<svg>``) visibly and with a real size. Search must find a chapter by a word in it. A failing
page keeps a screenshot under _build/test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from pipeline.config import load_site
from site_server import REPO, PageLog, html_pages, new_page, opened_page, wait_for_charts

# Every page of the book as _toc.yml lists it, plus the two Sphinx makes.
PAGES = [f"{name}.html" for name in load_site(REPO).pages] + ["genindex.html", "search.html"]


def test_every_page_is_checked(built_site):
    """The pages below are every page the site has (none is left out of the browser checks)."""
    assert sorted(html_pages(built_site)) == sorted(PAGES)


@pytest.mark.parametrize("page_name", PAGES)
def test_page_loads_offline_and_cleanly(served, context, page_name):
    with opened_page(context, f"browser-{page_name}") as (page, log):
        page.goto(served + page_name, wait_until="load")
        wait_for_charts(page)
        page.wait_for_load_state("networkidle")
        problems = log.problems()
        assert not problems, f"{page_name}:\n" + "\n".join(problems)
        charts = page.locator(".vega-chart")
        for i in range(charts.count()):
            chart = charts.nth(i)
            name = chart.get_attribute("id")
            assert chart.get_attribute("data-rendered") == "yes", f"{page_name}: chart {name} was not drawn: {chart.inner_text()}"
            svg = chart.locator("svg").first
            assert svg.count() == 1, f"{page_name}: chart {name} has no svg"
            chart.scroll_into_view_if_needed()
            assert svg.is_visible(), f"{page_name}: chart {name} is not visible"
            box = svg.bounding_box()
            assert box and box["width"] > 50 and box["height"] > 20, f"{page_name}: chart {name} is {box}"
            assert svg.locator("path, rect, line, circle, text").count() > 3, f"{page_name}: chart {name} is empty"


def test_chapters_have_charts(built_site):
    """The chart checks above are not vacuous: the chapters hold charts."""
    count = sum(len(re.findall(r'class="vega-chart"', (built_site / p).read_text(encoding="utf-8"))) for p in PAGES)
    assert count >= 5


def chapter_word(built_site) -> tuple[str, str]:
    """(page, word): a long word from a chapter's title, to search for."""
    for chapter in load_site(REPO).chapters:
        text = (built_site / f"{chapter.name}.html").read_text(encoding="utf-8")
        title = re.search(r"<h1[^>]*>(.*?)<", text, re.S).group(1)
        words = sorted(re.findall(r"[A-Za-z]{6,}", title), key=len, reverse=True)
        if words:
            return f"{chapter.name}.html", words[0].lower()
    pytest.skip("no chapter title with a long word")


def test_search_finds_a_chapter_by_a_word_in_it(built_site, served, context):
    target, word = chapter_word(built_site)
    with opened_page(context, f"search-{word}") as (page, log):
        page.goto(f"{served}search.html?q={word}", wait_until="load")
        page.wait_for_selector("#search-results ul.search li a", timeout=20_000)
        hrefs = page.locator("#search-results ul.search li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert any(h.split("?")[0].split("#")[0] == target for h in hrefs), f"{word!r}: {hrefs}"
        assert not log.problems(), log.problems()


def test_search_for_nonsense_finds_nothing(served, context):
    """The search test above would notice a search page that lists every page for any query."""
    log = PageLog()
    page = new_page(context, log)
    try:
        page.goto(f"{served}search.html?q=zqxjkvbwp", wait_until="load")
        page.wait_for_function("() => /did not match|no.*result|0 result|Search finished/i.test("
                               "document.querySelector('#search-results').innerText)", timeout=20_000)
        assert page.locator("#search-results ul.search li").count() == 0
    finally:
        page.close()


def test_every_page_declares_a_favicon(built_site):
    """Without one, browsers ask the server for /favicon.ico (a 404 in the console). Headless
    Chromium does not ask, so this is checked in the markup; test_links checks the file exists."""
    for page_name in PAGES:
        text = (built_site / page_name).read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        assert icon, f"{page_name} declares no favicon"
        assert (built_site / icon.group(1).split("?")[0]).is_file()


def test_glued_values_are_not_bold(served, context):
    """A glued number reads as part of its sentence: its weight is the paragraph's, not bold
    (myst-nb's own stylesheet bolds span.pasted-text; report.css must win)."""
    with opened_page(context, "browser-glue-weight") as (page, log):
        page.goto(served + "leverage.html", wait_until="load")
        weights = page.eval_on_selector_all(
            "article p span.pasted-text",
            "els => els.map(e => [getComputedStyle(e).fontWeight, getComputedStyle(e.closest('p')).fontWeight])")
        assert weights, "no glued value in a paragraph of the leverage chapter"
        assert all(own == paragraph for own, paragraph in weights), weights[:5]


# Chapter pages with tables (Chapter.table; analysis/tables.py and the Tables block of report.css)
TABLE_PAGES = [f"{chapter.name}.html" for chapter in load_site(REPO).chapters] + ["index.html"]
PLAIN_NUMBER = r"^[~<>]?[0-9][0-9,]*(\.[0-9]+)?%?$"


# Charts of a few columns, drawn narrow enough for a phone: the reader sees every column and its
# label without scrolling the chart's box (wide time series scroll sideways in their own box).
PHONE_FIT_CHARTS = {"sector_impact.html": ["fig-sector_impact-evidence"], "options.html": ["fig-options-buffer"]}


@pytest.mark.parametrize("page_name", sorted(PHONE_FIT_CHARTS))
def test_few_column_charts_fit_a_phone(served, context, page_name):
    with opened_page(context, f"charts-390-{page_name}") as (page, log):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(served + page_name, wait_until="load")
        wait_for_charts(page)
        for figure in PHONE_FIT_CHARTS[page_name]:
            box = page.locator(f"#chart-{figure}")
            box.scroll_into_view_if_needed()
            drawn, shown = box.evaluate("c => [c.scrollWidth, c.clientWidth]")
            assert drawn <= shown, f"{figure} is drawn {drawn} px wide in a {shown} px box at 390 px"


@pytest.mark.parametrize("page_name", TABLE_PAGES)
def test_tables_read_at_phone_width(served, context, page_name):
    """At 390 px no chapter page is wider than the viewport (a wide table scrolls sideways in its
    own box); every numeric cell and every column of numbers, and their headers, are
    right-aligned; text is not. (A number in a column of words, "~90%" beside "Dominant", stays
    with its column, left.)"""
    with opened_page(context, f"tables-390-{page_name}") as (page, log):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(served + page_name, wait_until="load")
        wait_for_charts(page)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{page_name} is {widths[0]} px wide at a {widths[1]} px viewport"
        tables = page.evaluate(f"""() => {{
          const align = el => getComputedStyle(el).textAlign;
          return [...document.querySelectorAll('table.report-table')].map(t => {{
            const box = t.parentElement.getBoundingClientRect();
            const num = [...t.querySelectorAll('td.num')];
            // a column of nothing but numbers (dashes allowed) must be right-aligned whatever its class
            const cols = {{}};
            for (const td of t.querySelectorAll('tbody td')) (cols[td.cellIndex] ||= []).push(td);
            const plain = Object.values(cols).filter(tds => {{
              const real = tds.filter(td => !/^(—|not available|)$/.test(td.innerText.trim()));
              return real.length && real.every(td => /{PLAIN_NUMBER}/.test(td.innerText.trim()));
            }}).flat();
            const heads = [...t.querySelectorAll('thead th')];
            const numCols = new Set(num.map(td => td.cellIndex));
            return {{
              id: t.id, right: box.right,
              numeric: num.length,
              notRight: [...num, ...plain].filter(td => align(td) !== 'right').map(td => td.innerText),
              headsNotRight: heads.filter(th => numCols.has(th.cellIndex) && align(th) !== 'right').map(th => th.innerText),
              textRight: [...t.querySelectorAll('tbody td:not(.num)')].filter(td => align(td) === 'right').map(td => td.innerText),
            }};
          }});
        }}""")
        for t in tables:
            assert t["right"] <= 390 + 0.5, f"{page_name} {t['id']}: its box ends at {t['right']} px"
            assert not t["notRight"], f"{page_name} {t['id']}: numbers not right-aligned: {t['notRight'][:5]}"
            assert not t["headsNotRight"], f"{page_name} {t['id']}: headers of numbers: {t['headsNotRight']}"
            assert not t["textRight"], f"{page_name} {t['id']}: text right-aligned: {t['textRight'][:5]}"


def test_chapter_tables_have_numbers(built_site):
    """The alignment checks above are not vacuous: the chapters' tables hold numeric cells."""
    count = sum((built_site / p).read_text(encoding="utf-8").count(' num" >') for p in TABLE_PAGES)
    assert count >= 20
