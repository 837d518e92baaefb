"""Show a chapter's chart as a report figure and save its downloads.

A chapter records a chart as a ``Figure`` of its ``Chapter`` (analysis.chapters) and its page
writes the chart's words; ``Chapter.figure(name)`` (which ``Chapter.glue`` calls) passes both to
``report_figure``, which returns an object that displays as an interactive chart (rendered in the
browser by the report's own Vega runtime, ``_static/vega-runtime.js``: no CDN) with its source
line and download links, and writes beside the page:

- ``<name>.png`` at 2× scale and ``<name>.svg`` (for slides and print),
- ``<name>.csv``: exactly the rows plotted, safe to open in a spreadsheet,
- ``<name>.json``: what the figure shows, its unit, alt text and full sources.

The figure's number and caption come from the chapter's ``{glue:figure}`` directive (the chapter
glues the figure under its name), so they stay in the chapter's text where a reader of the source
expects them.

Files go to ``$REPORT_FIGURE_DIR`` and are linked as ``$REPORT_FIGURE_URL`` (set per chapter by
the execute stage); by hand they default to ``_static/figures`` under the working directory.
In a build, ``$REPORT_RENDER_DIR`` is set too: the chart's spec is written there as
``<name>.vl.json`` and the build draws the PNG and SVG (analysis.images, the same function) in
one place while Sphinx runs, instead of every kernel starting its own chart renderer.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd

from . import charts  # noqa: F401  (registers the report theme)
from .datasets import source_label, sources
from .images import FOOTER_KEY, SPEC_SUFFIX, write_images

CREDIT_ENV = "REPORT_FIGURE_CREDIT"  # "<report>, <edition> · <licence>": set by the build (pipeline/stages/execute.py)
FIGURE_DIR_ENV = "REPORT_FIGURE_DIR"
FIGURE_URL_ENV = "REPORT_FIGURE_URL"
RENDER_DIR_ENV = "REPORT_RENDER_DIR"
TITLE_CHARS = 38  # a title line at 15 px bold fits a phone (about 360 px) as well as the 620 px chart
SUBTITLE_CHARS = 52  # at 12 px
_LIVE_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def figure_dir() -> Path:
    return Path(os.environ.get(FIGURE_DIR_ENV, "_static/figures"))


def figure_url() -> str:
    return os.environ.get(FIGURE_URL_ENV, "_static/figures").rstrip("/")


def download_credit() -> str:
    """The report, its edition and licence, as the downloaded images print them under the source.

    Set by the build from ``_config.yml``'s ``report:`` block; a chapter run by hand reads the
    nearest ``_config.yml`` itself."""
    credit = os.environ.get(CREDIT_ENV)
    if credit is not None:
        return credit
    from masthead.report import credit_line, meta, nearest_config, read_report

    config = nearest_config()
    report = read_report(config) if config else {}
    return credit_line(meta(report)) if report else ""


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces, never between a number
    and its unit or a month and its year ("5,238 t", "INR 150 crore", "1 December 2026", "May 2025")."""
    import re
    import textwrap

    kept = re.sub(r"(?<=\d) (?=(?:t|kg|crore|per cent|years?|months?)\b)", "\u00a0", text)
    kept = re.sub(r"\b(INR|US\$) (?=\d)", "\\1\u00a0", kept)
    kept = re.sub(r"\b(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b", "\\1\u00a0\\2\u00a0\\3", kept)
    kept = re.sub(r"\b([A-Z][a-z]+) (\d{4})\b", "\\1\u00a0\\2", kept)  # "March 2026"
    lines = textwrap.wrap(kept, width=width, break_long_words=False) or [""]
    return [line.replace("\u00a0", " ") for line in lines]


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe.

    Only text columns are touched: a negative number stays a number.
    """
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_bool_dtype(safe[column]):
            continue
        if pd.api.types.is_datetime64_any_dtype(safe[column]):
            continue
        safe[column] = safe[column].map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(_LIVE_PREFIXES) else v
        )
    return safe


# Publishers as a source line under a chart names them: the short name the interface catalog
# gives (book/_interface.yml, figure.short_publishers: the glossary's acronyms), otherwise the
# registry's name without its bracketed remark. The full references stay one click away, in the
# figure's "Full sources" list.
PUBLISHER_REMARK = re.compile(r"\s*\([^()]*\)$")


def short_publisher(publisher: str) -> str:
    """"USGS" for "U.S. Geological Survey"; "Press Information Bureau" for "Press Information
    Bureau (Ministry of Heavy Industries)"."""
    from masthead import interface

    short = interface.table("figure.short_publishers")
    publisher = str(publisher).strip()
    if publisher in short:
        return short[publisher]
    bare = publisher
    for _ in range(2):  # "X (remark), Government of India" and "X, Government of India (remark)"
        bare = PUBLISHER_REMARK.sub("", bare).removesuffix(", Government of India") or publisher
    return short.get(bare, bare)


SHORT_LINE_PUBLISHERS = 4  # more are counted ("and 6 more"), and listed in the full sources below


def short_source_line(publishers, limit: int | None = SHORT_LINE_PUBLISHERS) -> str:
    """The publishers, shortened and each named once, in the order first cited; after the first
    ``limit`` (four), a count of the others. The downloaded images, which carry no list of full
    sources, name them all (``limit=None``)."""
    names = list(dict.fromkeys(short_publisher(p) for p in publishers))
    if limit is None or len(names) <= limit + 1:
        return "; ".join(names)
    shown = names[:limit]
    return "; ".join(shown) + f" and {len(names) - len(shown)} more"


SIGNIFICANT_DIGITS = 4


def as_plotted(value):
    """A number as the figure's CSV and chart hold it: float noise and long tails of decimals
    removed (four significant digits, but never fewer than the whole number: 57,392.4 stays
    57392, a share of 0.692307692 becomes 0.6923, 0.30000000000000004 becomes 0.3)."""
    if isinstance(value, bool) or not isinstance(value, float) or not math.isfinite(value) or value == 0:
        return value
    decimals = max(0, SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(value))))
    return round(value, decimals)


def plotted_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every float column as plotted (``as_plotted``); a float column whose values
    are all whole numbers is written as integers ("1238", not "1238.0")."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_float_dtype(out[column]):
            continue
        values = out[column].map(lambda v: v if pd.isna(v) else as_plotted(float(v)))
        finite = values.dropna()
        if len(finite) and all(float(v).is_integer() for v in finite) and finite.abs().max() < 2**53:
            values = values.astype("Int64")
        out[column] = values
    return out


def _plotted_spec(spec: dict) -> dict:
    """The chart's inline data sets with their numbers as plotted (the same as the CSV's)."""
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict):
        return spec
    rounded = {name: [{k: as_plotted(v) for k, v in row.items()} if isinstance(row, dict) else row for row in rows]
               for name, rows in datasets.items()}
    return {**spec, "datasets": rounded}


def has_sliders(spec: dict) -> bool:
    """Whether a Vega-Lite spec binds parameters to inputs (analysis.inpage_models): its model runs in the page."""
    return any(p.get("bind") for p in spec.get("params", []))


def _finite(value):
    """NaN and ±Infinity (missing values in a plotted table) as null: the browser's JSON.parse
    rejects NaN, and the chart would not be drawn at all."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _script_json(value) -> str:
    """JSON that cannot close the <script> element it sits in, whatever the data holds."""
    text = json.dumps(_finite(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass
class Figure:
    name: str
    spec: dict
    alt_text: str
    source_line: str
    files: dict[str, str] = field(default_factory=dict)
    full_sources: list[str] = field(default_factory=list)
    explore_section: str = ""  # set for a chart with sliders: the section whose text it explores

    def controls_html(self, chart_id: str) -> str:
        """For a chart whose spec has parameters bound to sliders (analysis.inpage_models): the
        box the chart runtime puts the sliders in, with the note that says what they are for.
        Hidden until the chart is drawn (without scripts there are no sliders to describe)."""
        if not has_sliders(self.spec):
            return ""
        from docutils.nodes import make_id  # the id Sphinx gives a section's label: "a_b-c" → "a-b-c"

        from masthead import interface  # the note's words: book/_interface.yml (figure.explore_*)

        text = html.escape(f"#{make_id(self.explore_section)}" if self.explore_section else "#", quote=True)
        link = f'<a href="{text}">{interface.markup("figure.explore_link")}</a>'
        return (
            f'<div class="figure-explore" data-chart="{chart_id}" hidden>'
            f'<p class="figure-explore-note"><strong>{interface.markup("figure.explore_lead")}</strong> '
            f'{interface.markup("figure.explore_note", link=link)}</p>'
            f'<div class="figure-controls" id="controls-{html.escape(self.name, quote=True)}"></div>'
            f"</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(), "text/plain": f"Figure {self.name}: {self.alt_text}"}

    def html(self) -> str:
        alt_attr = html.escape(self.alt_text, quote=True)
        chart_id = f"chart-{self.name}"
        links = " · ".join(
            f'<a href="{html.escape(url)}" download>{label}</a>' for label, url in self.files.items()
        )
        return (
            f'<div class="report-figure">'
            f'<div class="vega-chart" id="{chart_id}" role="img" aria-label="{alt_attr}"></div>'
            f'<script type="application/json" class="vega-spec" data-chart="{chart_id}">'
            f"{_script_json(self.spec)}</script>"
            f'<noscript><img src="{html.escape(self.files["PNG"])}" alt="{alt_attr}" '
            f'style="max-width:100%"></noscript>'
            f"{self.controls_html(chart_id)}"
            f'<p class="figure-source"><strong>Source:</strong> {html.escape(self.source_line)}</p>'
            f"{self._full_sources_html()}"
            f'<p class="figure-downloads"><strong>Download:</strong> {links}</p>'
            f"</div>"
        )

    def _full_sources_html(self) -> str:
        if not self.full_sources:
            return ""
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.full_sources)
        return (f'<details class="figure-sources"><summary>Full sources ({len(self.full_sources)})</summary>'
                f"<ul>{items}</ul></details>")


def vega_lite(chart: alt.TopLevelMixin, *, alt_text: str, title: str, subtitle: str, validate: bool = False) -> dict:
    """The chart's Vega-Lite spec, with its title block (finding and subtitle) and its description.

    Not checked against the Vega-Lite schema in a build (a third of a kernel's figure time):
    tests/test_chapter_documents.py checks every chapter's charts with ``validate=True``."""
    head = alt.TitleParams(text=wrap(title, TITLE_CHARS), subtitle=wrap(subtitle, SUBTITLE_CHARS), anchor="start",
                           fontSize=15, subtitleFontSize=12, subtitleColor=charts.MUTED, offset=12)
    return chart.properties(description=alt_text, title=head).to_dict(validate=validate)


def report_figure(name: str, chart: alt.TopLevelMixin, record, words: dict, data_dir: str | Path) -> Figure:
    """Save a chapter's chart's downloads and return it as a displayable report figure.

    Called by ``Chapter.figure`` (analysis.chapters), the one way a chapter shows a chart:
    ``chart`` is the chart with the axis titles its page writes (``Chapter.chart``), ``record``
    the chapter's ``Figure`` (sources, unit, the plotted table) and ``words`` its title (the
    finding), subtitle (unit, period, as-of date) and alt text, as its page writes them
    (``Chapter.figure_words``). ``name`` is the figure's label (``fig-<chapter>-<what>``)
    and file stem. Title and subtitle are drawn in the chart's head; the PNG and SVG downloads add
    a footer with the source, the report's edition and its licence. A chart with parameters bound
    to sliders (``analysis.inpage_models``) gets them under the chart, with a note linking the
    record's ``explore_section`` (the label of the section whose text holds the citable numbers);
    its downloads are drawn at the parameters' defaults.
    """
    data, unit = record.data, record.unit
    alt_text, title, subtitle = words.get("alt", ""), words.get("title", ""), words.get("subtitle", "")
    if data is None:
        data = chart.data
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"figure {name!r}: record the plotted table with the figure")
    source_ids = list(dict.fromkeys(record.source_ids))
    registry = sources(data_dir)
    unknown = [sid for sid in source_ids if sid not in registry.index]
    if unknown:
        raise KeyError(f"figure {name!r} cites unknown source ids {unknown}")
    if not title or not subtitle:
        raise ValueError(f"figure {name!r} needs a title (its finding) and a subtitle (unit, period, as-of date)")
    spec = vega_lite(chart, alt_text=alt_text, title=title, subtitle=subtitle)
    # numbers as plotted (as_plotted), in the chart and its CSV alike; a chart whose model runs in
    # the page (sliders) keeps its inputs exact, so the page computes what the chapter computed
    as_plotted_here = not has_sliders(spec)
    if as_plotted_here:
        spec = _plotted_spec(spec)

    publishers = list(dict.fromkeys(str(registry.loc[sid, "publisher"]) for sid in source_ids))
    footer = [f"Source: {short_source_line(publishers, limit=None)}. Unit: {unit}.", download_credit()]
    image_spec = {**spec, "usermeta": {**spec.get("usermeta", {}), FOOTER_KEY: [line for line in footer if line]}}

    out = figure_dir()
    out.mkdir(parents=True, exist_ok=True)
    later = os.environ.get(RENDER_DIR_ENV)
    if later:
        Path(later).mkdir(parents=True, exist_ok=True)
        (Path(later) / f"{name}{SPEC_SUFFIX}").write_text(json.dumps(image_spec), encoding="utf-8")
    else:
        write_images(image_spec, out, name)
    if as_plotted_here:
        data = plotted_table(data)
    spreadsheet_safe(data).to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    source_rows = [
        {k: registry.loc[sid, k] for k in ("id", "publisher", "title", "date", "url", "quality")}
        for sid in source_ids
    ]
    meta = {
        "figure": name,
        "description": alt_text,
        "unit": unit,
        "columns": list(data.columns),
        "rows": len(data),
        "sources": source_rows,
    }
    (out / f"{name}.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    url = figure_url()
    files = {
        "PNG": f"{url}/{name}.png",
        "SVG": f"{url}/{name}.svg",
        "Data (CSV)": f"{url}/{name}.csv",
        "Metadata (JSON)": f"{url}/{name}.json",
    }
    short = short_source_line(r["publisher"] for r in source_rows)
    return Figure(name=name, spec=spec, alt_text=alt_text, source_line=f"{short}. Unit: {unit}.", files=files,
                  full_sources=[source_label(r) for r in source_rows], explore_section=record.explore_section)
