"""Charts that stand alone (issue 15, items 1 and 2): a chart lifted onto a slide keeps its title,
its subtitle, its source, the report's edition and its licence; on a phone its text stays legible.

- every chart on the site carries a title (its finding) and a subtitle (unit, period, as-of date)
  in its own spec, so the drawn chart and its downloads show them;
- every downloaded SVG (and the PNG drawn from it) prints the title, a source line, the edition and
  the licence from ``_config.yml``'s ``report:`` block;
- in Chromium at 390 px (a phone) and 1280 px (a desktop) wide, no chart text is smaller than
  11 CSS px and no label is cut short with "…";
- ``figure()`` refuses a chart without a title or a subtitle.
"""

from __future__ import annotations

import html
import json
import re

import altair as alt
import pandas as pd
import pytest

from pipeline.pages import citation
from pipeline.config import load_site
from site_server import REPO, opened_page, wait_for_charts
from sitepages import pages_in_order, soup

MIN_TEXT_PX = 11
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def charts(site):
    """(page, figure id, compiled spec, SVG download path) for every chart of the site."""
    for page in pages_in_order(site):
        tree = soup(site / f"{page}.html")
        for block in tree.select(".report-figure"):
            fig = block.find_parent("figure")
            spec = json.loads(block.select_one("script.vega-spec").string)
            svg = next(a["href"] for a in block.select(".figure-downloads a[href]") if a.get_text(strip=True) == "SVG")
            yield page, fig.get("id") if fig else block.select_one(".vega-chart")["id"], spec, (site / f"{page}.html").parent / svg


def lines(value) -> list[str]:
    """A Vega title or subtitle (a string or a list of lines) as a list of non-empty lines."""
    items = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in items if str(v or "").strip()]


def svg_text(path) -> str:
    """The text an SVG prints, entities decoded, one space between text runs."""
    return " ".join(html.unescape(t) for t in re.findall(r">([^<>]+)<", path.read_text(encoding="utf-8")))


def test_every_chart_has_a_title_and_a_subtitle(built_site):
    found = list(charts(built_site))
    assert found, "the site has no charts"
    for page, name, spec, _ in found:
        title = spec.get("title")
        assert isinstance(title, dict), f"{page}: chart {name} has no title"
        assert lines(title.get("text")), f"{page}: chart {name} has no title text"
        assert lines(title.get("subtitle")), f"{page}: chart {name} has no subtitle (unit, period, as-of date)"


def tooltips(node) -> list[str]:
    """Every tooltip a compiled Vega spec's marks show, as its signal expression."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "tooltip" and isinstance(value, dict) and "signal" in value:
                found.append(value["signal"])
            else:
                found += tooltips(value)
    elif isinstance(node, list):
        for item in node:
            found += tooltips(item)
    return found


def test_every_tooltip_reads_as_a_sentence(built_site):
    """A tooltip is one line of text (charts.sentence), not a table of field names and values: a
    Vega tooltip that is an object ("{...}") is shown as "field: value" rows."""
    checked = 0
    for page, name, spec, _ in charts(built_site):
        for signal in tooltips(spec.get("marks", [])):
            checked += 1
            assert not signal.lstrip().startswith("{"), f"{page}: chart {name} has a tooltip of field names: {signal[:120]}"
    assert checked, "no tooltips found"


def test_a_sentence_tooltip_reads_its_fields_with_units_in_words():
    from analysis.charts import sentence

    tip = sentence("{date|%B %Y}: {exports:,.0f} tonnes, {basis}[; ends {end|%-d %B %Y}]")
    assert tip.fields() == ["date", "exports", "basis", "end"]
    expr = tip.expression()
    assert 'timeFormat(toDate(datum["date"]), "%B %Y")' in expr and 'format(datum["exports"], ",.0f")' in expr
    assert '" tonnes, "' in expr and "'not known'" in expr
    # the bracketed part is left out, not read "not known", when its field is missing
    assert expr.endswith("""((isValid(datum["end"]) && datum["end"] !== '') ? "; ends " + """
                         """timeFormat(toDate(datum["end"]), "%-d %B %Y") : '')""")


def test_downloaded_svg_shows_title_source_licence_and_edition(built_site):
    meta = citation.meta(load_site(REPO).report)
    assert meta.licence and meta.edition
    for page, name, spec, svg in charts(built_site):
        text = svg_text(svg)
        for line in lines(spec["title"]["text"]) + lines(spec["title"]["subtitle"]):
            assert line in text, f"{svg.name}: the title or subtitle line {line!r} is not in the image"
        assert "Source:" in text, f"{svg.name}: no source line in the image"
        assert meta.licence in text, f"{svg.name}: no licence ({meta.licence}) in the image"
        assert meta.edition in text and meta.long_date in text, f"{svg.name}: no edition ({meta.edition}) in the image"
        png = svg.with_suffix(".png")
        assert png.is_file() and png.stat().st_mtime_ns >= 0  # drawn from the same SVG (analysis.images)


# In the page: every <text> of every chart, its size on screen (font size × the SVG's scale) and
# whether it was cut short by Vega's label limit (which ends it with "…").
MEASURE_TEXT = """() => {
  const out = [];
  document.querySelectorAll('.vega-chart svg text').forEach(t => {
    const words = (t.textContent || '').trim();
    if (!words) { return; }
    const style = getComputedStyle(t);
    if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) { return; }
    const ctm = t.getScreenCTM();
    const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
    out.push({chart: t.closest('.vega-chart').id, text: words, px: parseFloat(style.fontSize) * scale});
  });
  return out;
}"""


def chart_pages(site) -> list[str]:
    return [p for p in pages_in_order(site) if soup(site / f"{p}.html").select_one(".vega-chart")]


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chart_text_is_legible_and_whole(built_site, served, context, screen):
    """At 390 px a wide chart keeps its drawn size and scrolls; at 1280 px it is narrowed to fit
    the page's column rather than scaled down with its text."""
    problems = []
    for page_name in chart_pages(built_site):
        with opened_page(context, f"{screen['width']}-{page_name}") as (page, _log):
            page.set_viewport_size(screen)
            page.goto(served + f"{page_name}.html", wait_until="load")
            wait_for_charts(page)
            texts = page.evaluate(MEASURE_TEXT)
            assert texts, f"{page_name}: no chart text found"
            for t in texts:
                if t["px"] < MIN_TEXT_PX - 0.05:
                    problems.append(f"{page_name} {t['chart']}: {t['text']!r} at {t['px']:.1f} px")
                if t["text"].endswith("…"):
                    problems.append(f"{page_name} {t['chart']}: label cut short: {t['text']!r}")
    assert not problems, "\n".join(problems[:40])


def test_a_figure_needs_a_title_and_a_subtitle(tmp_path, monkeypatch):
    from analysis.chapters import Figure
    from chapters import show_figure

    monkeypatch.setenv("REPORT_FIGURE_DIR", str(tmp_path))
    monkeypatch.delenv("REPORT_RENDER_DIR", raising=False)
    monkeypatch.setenv("REPORT_FIGURE_CREDIT", "Report, Edition (1 January 2026) · Licence: CC BY 4.0")
    frame = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    chart = alt.Chart(frame).mark_bar().encode(x="x:N", y="y:Q")
    sid = pd.read_csv(REPO / "data" / "sources.csv")["id"].iloc[0]
    record = Figure(chart, "", [sid], "t", frame)
    page = tmp_path / "page"
    with pytest.raises(ValueError, match="title"):
        show_figure(page, "fig-test", record, REPO / "data", alt="a and b")
    with pytest.raises(ValueError, match="subtitle"):
        show_figure(page, "fig-test", record, REPO / "data", title="B is twice A", alt="a and b")
    made = show_figure(page, "fig-test", record, REPO / "data", title="B is twice A", subtitle="Tonnes, 2025",
                       alt="a and b")
    assert made.spec["title"]["text"] == ["B is twice A"] and made.spec["title"]["subtitle"] == ["Tonnes, 2025"]
    text = svg_text(tmp_path / "fig-test.svg")
    for words in ("B is twice A", "Tonnes, 2025", "Source:", "Licence: CC BY 4.0", "Edition (1 January 2026)"):
        assert words in text
    assert "usermeta" not in json.dumps(made.spec), "the footer is for the downloads, not the page's spec"


CAPTION_COLOURS = """(mode) => {
  document.documentElement.setAttribute('data-theme', mode);
  document.documentElement.setAttribute('data-mode', mode);
  document.querySelectorAll('details.figure-sources').forEach(d => { d.open = true; });
  const out = [];
  const sels = ['figure figcaption .caption-text', 'figure figcaption .caption-number', '.report-figure .figure-source',
                '.report-figure details.figure-sources summary', '.report-figure details.figure-sources li'];
  // the colour behind the text: the nearest ancestor with an opaque background (a notebook
  // output's box has its own in dark mode), not only the page's
  const behind = el => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      const alpha = bg.startsWith('rgba') ? parseFloat(bg.split(',')[3]) : 1;
      if (alpha > 0.5) { return bg; }
    }
    return 'rgb(255, 255, 255)';
  };
  for (const sel of sels) {
    document.querySelectorAll(sel).forEach(el => out.push([sel, getComputedStyle(el).color, behind(el)]));
  }
  return {texts: out, background: getComputedStyle(document.body).backgroundColor};
}"""


def _luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_captions_and_source_lines_meet_wcag_aa(served, context, mode):
    with opened_page(context, f"captions-{mode}") as (page, _log):
        page.goto(served + "leverage.html", wait_until="load")
        found = page.evaluate(CAPTION_COLOURS, mode)
        assert found["texts"], "no figure captions found"
        for selector, colour, background in found["texts"]:
            ratio = contrast(colour, background)
            assert ratio >= 4.5, f"{mode}: {selector} is {colour} on {background}: {ratio:.1f}:1"
