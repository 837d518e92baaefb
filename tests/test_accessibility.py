"""Accessibility of the real report: axe-core (npm, node_modules/axe-core) run by Playwright in
Chromium on every page, every figure's text alternative, and the chart theme's contrast.

- axe: no violation of impact "serious" or "critical" on any page, charts drawn first (so
  color-contrast also sees the page as a reader does);
- every chart container is ``role="img"`` with a non-empty ``aria-label`` (the computed
  takeaway), every ``<img>`` has ``alt`` (non-empty unless the image is decorative);
- WCAG contrast of scripts/analysis/charts.py colours on the white chart background: at least
  3:1 for marks (WCAG 1.4.11) and 4.5:1 for text colours (WCAG 1.4.3).
"""

from __future__ import annotations

import re

import pytest

from site_server import AXE, PageLog, new_page, opened_page, wait_for_charts
from test_browser import PAGES

SEVERE = ("serious", "critical")


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 3).join(' ').trim())
            }));
        }"""
    )


def test_axe_core_is_installed():
    assert AXE.is_file(), "node_modules/axe-core/axe.min.js is missing: run `npm ci` (make browser)"


@pytest.mark.parametrize("page_name", PAGES)
def test_no_serious_or_critical_axe_violation(served, context, page_name):
    with opened_page(context, f"axe-{page_name}") as (page, _):
        page.goto(served + page_name, wait_until="load")
        wait_for_charts(page)
        severe = [v for v in run_axe(page) if v["impact"] in SEVERE]
        assert not severe, f"{page_name}:\n" + "\n".join(
            f"  {v['impact']} {v['id']} ({v['help']}):\n    " + "\n    ".join(v["nodes"][:5]) for v in severe)


def test_axe_reports_what_it_should(served, context):
    """The check above can fail: a low-contrast, unlabelled image injected into a page is flagged."""
    page = new_page(context, PageLog())
    try:
        page.goto(served + "index.html", wait_until="load")
        page.evaluate("""() => {
            const p = document.createElement('p'); p.textContent = 'faint text'; p.style.color = '#eeeeee';
            const img = document.createElement('img'); img.src = '_static/favicon.svg';
            document.querySelector('main').append(p, img);
        }""")
        found = {v["id"] for v in run_axe(page) if v["impact"] in SEVERE}
        assert {"color-contrast", "image-alt"} <= found, found
    finally:
        page.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_every_figure_has_a_text_alternative(served, context, page_name):
    page = new_page(context, PageLog())
    try:
        page.goto(served + page_name, wait_until="load")
        charts = page.locator(".vega-chart").evaluate_all(
            "els => els.map(e => [e.id, e.getAttribute('role'), e.getAttribute('aria-label')])")
        for chart_id, role, label in charts:
            assert role == "img", f"{page_name}: chart {chart_id} has role {role!r}"
            assert label and len(label.strip()) >= 15, f"{page_name}: chart {chart_id} has aria-label {label!r}"
        images = page.locator("img").evaluate_all(
            "els => els.map(e => [e.getAttribute('src'), e.getAttribute('alt'), e.getAttribute('role')])")
        for src, alt, role in images:
            assert alt is not None, f"{page_name}: <img src={src!r}> has no alt"
            assert alt.strip() or role in ("presentation", "none"), f"{page_name}: <img src={src!r}> has empty alt"
    finally:
        page.close()


def test_figures_in_noscript_fallback_have_alt(built_site):
    """The PNG shown without JavaScript carries the same alt text as the chart."""
    for page_name in PAGES:
        text = (built_site / page_name).read_text(encoding="utf-8")
        for label, alt in re.findall(r'role="img" aria-label="([^"]*)"></div>.*?<noscript><img [^>]*alt="([^"]*)"',
                                     text, re.S):
            assert alt == label


# ---------------------------------------------------------------------------------------------
# The chart theme's colours (WCAG 2.x relative luminance and contrast ratio)
# ---------------------------------------------------------------------------------------------


def luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey


def theme_colours():
    from analysis import charts

    config = charts.report_theme()["config"]
    background = config["background"]
    text = {"TEXT": charts.TEXT, "MUTED": charts.MUTED, "title": config["title"]["color"],
            "axis label": config["axis"]["labelColor"], "axis title": config["axis"]["titleColor"],
            "legend label": config["legend"]["labelColor"], "legend title": config["legend"]["titleColor"],
            "text mark": config["text"]["color"]}
    marks = {"CHINA": charts.CHINA, "INDIA": charts.INDIA, "USA": charts.USA, "OTHER": charts.OTHER,
             **{f"category {i}": c for i, c in enumerate(config["range"]["category"])},
             "bar": config["bar"]["color"], "line": config["line"]["color"], "point": config["point"]["color"]}
    return background, text, marks


def test_chart_background_is_white():
    background, _, _ = theme_colours()
    assert background.lower() in ("#ffffff", "#fff", "white")


@pytest.mark.parametrize("kind, minimum", [("text", 4.5), ("marks", 3.0)])
def test_chart_theme_contrast_on_white(kind, minimum):
    _, text, marks = theme_colours()
    colours = text if kind == "text" else marks
    weak = {name: round(contrast(c, "#ffffff"), 2) for name, c in colours.items() if contrast(c, "#ffffff") < minimum}
    assert not weak, f"{kind} colours below {minimum}:1 on white: {weak}"
