"""The report's chart theme and the chart shapes every chapter uses.

One theme (fonts, colours, sizes) for all charts, registered with Altair when this module is
imported. Colours are chosen for at least 3:1 contrast against the white page (WCAG 1.4.11 for
graphics) and text colours for 4.5:1; China and India keep the same colours in every chart.
"""

from __future__ import annotations

import json as _json  # quotes text safely inside Vega expressions
import re
import textwrap
from dataclasses import dataclass

import altair as alt
import pandas as pd

TEXT = "#222222"
MUTED = "#595959"  # 7:1 on white
GRID = "#e3e3e3"
CHINA = "#b3261e"  # 6.2:1
INDIA = "#9a5b00"  # 5.2:1
USA = "#1f5a96"  # 6.9:1
OTHER = "#6b6b6b"  # 5.3:1
# Series that are not countries never borrow China's red or India's ochre.
CATEGORICAL = [USA, "#2e7d32", "#6a3d9a", "#00695c", "#ad1457", OTHER, "#37474f", "#3f51b5"]
# groups that are not countries (counters, areas of policy): never China red or India ochre
NEUTRAL = [USA, "#2e7d32", "#6a3d9a", "#00695c", OTHER, "#ad1457"]

SEQUENTIAL = ["#fde0c5", "#f4a582", "#d6604d", "#b3261e", "#67001f"]


def neutral_range(groups: list) -> list:
    """One neutral colour per group, in order (repeating after six)."""
    return [NEUTRAL[i % len(NEUTRAL)] for i in range(len(groups))]


WIDTH = 620


# --- Tooltips that read as sentences ---------------------------------------------------------
#
# A chart's tooltip is one line of text built in the browser from a template, e.g.
# sentence("{date|%B %Y}: {exports:,.0f} tonnes, {basis}") reads "May 2025: 1,238 tonnes,
# reported". The template is written in the chapter's page, in the figure's {figure-text} block
# (``tooltip:``), and a chapter's module reads it with ``Chapter.tooltip``. Fields in braces:
# {name} as it is, {name:FORMAT} a number in d3-format ("," thousands, ".1f" one decimal),
# {name|FORMAT} a date in d3-time-format ("%B %Y" = "May 2025", "%-d %B %Y" = "4 April 2025").
# A part in square brackets is left out when a field in it has no value ("[, ends {end|%B %Y}]");
# elsewhere a missing value reads "not known". Every shape below takes one as its ``tooltip`` (a
# list of fields still works), so units are words in the template, not a column header.

TOOLTIP_FIELD = "tooltip_sentence"
_PLACEHOLDER = re.compile(r"\{([^{}:|]+)(?:([:|])([^{}]*))?\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")


def _present(ref: str) -> str:
    return f"(isValid({ref}) && {ref} !== '')"


def _text_expression(template: str, *, guarded: bool) -> tuple[str, list[str]]:
    """A Vega expression for a template without optional parts, and the fields it reads."""
    parts, refs, at = [], [], 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > at:
            parts.append(_json.dumps(template[at:m.start()]))
        name, kind, fmt = m.group(1), m.group(2), m.group(3)
        ref = f"datum[{_json.dumps(name)}]"
        refs.append(ref)
        if kind == ":":
            shown = f"format({ref}, {_json.dumps(fmt)})"
        elif kind == "|":
            shown = f"timeFormat(toDate({ref}), {_json.dumps(fmt)})"
        else:
            shown = f"('' + {ref})"
        parts.append(f"({_present(ref)} ? {shown} : 'not known')" if guarded else shown)
        at = m.end()
    if at < len(template):
        parts.append(_json.dumps(template[at:]))
    return " + ".join(parts) or '""', refs


@dataclass(frozen=True)
class Sentence:
    template: str

    def fields(self) -> list[str]:
        return [m.group(1) for m in _PLACEHOLDER.finditer(self.template)]

    def with_values(self, values: dict) -> Sentence:
        """The template with the fields ``values`` names filled now, as Python formats them
        (``{year}``, ``{share:.1f}``): a value every mark shares that the rows do not hold. The
        other fields are left for the browser."""
        def one(m):
            name, kind, fmt = m.group(1), m.group(2), m.group(3)
            if name not in values:
                return m.group(0)
            if kind == "|":
                raise ValueError(f"{m.group(0)}: a date format is the browser's; give the value as text")
            return format(values[name], fmt or "")

        return Sentence(_PLACEHOLDER.sub(one, self.template)) if values else self

    def expression(self) -> str:
        """The template as a Vega expression that builds the sentence from one datum."""
        parts, at = [], 0
        for m in _OPTIONAL.finditer(self.template):
            if m.start() > at:
                parts.append(_text_expression(self.template[at:m.start()], guarded=True)[0])
            inner, refs = _text_expression(m.group(1), guarded=False)
            test = " && ".join(_present(r) for r in refs) or "true"
            parts.append(f"({test} ? {inner} : '')")
            at = m.end()
        if at < len(self.template) or not parts:
            parts.append(_text_expression(self.template[at:], guarded=True)[0])
        return " + ".join(parts)


def sentence(template: str) -> Sentence:
    """A tooltip that reads as a sentence (see above)."""
    return Sentence(template)


def with_tooltip(chart: alt.Chart, tooltip) -> alt.Chart:
    """``chart`` with its tooltip: a ``sentence`` (one line, computed in the browser) or, as
    before, a list of fields."""
    if isinstance(tooltip, Sentence):
        return chart.transform_calculate(**{TOOLTIP_FIELD: tooltip.expression()}).encode(
            tooltip=alt.Tooltip(f"{TOOLTIP_FIELD}:N"))
    if tooltip is None:
        return chart
    return chart.encode(tooltip=tooltip)
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@alt.theme.register("report", enable=True)
def report_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "background": "#ffffff",
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
            "title": {"color": TEXT, "fontSize": 15, "anchor": "start", "fontWeight": 600},
            "axis": {
                "labelColor": TEXT,
                "titleColor": TEXT,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "gridColor": GRID,
                "domainColor": MUTED,
                "tickColor": MUTED,
                # labels are never cut short with "…" (a chart that needs room sets its own width)
                "labelLimit": 1000,
            },
            "legend": {"labelColor": TEXT, "titleColor": TEXT, "labelFontSize": 12, "titleFontSize": 12, "orient": "bottom",
                       "labelLimit": 1000},
            "range": {"category": CATEGORICAL, "ramp": SEQUENTIAL},
            "text": {"color": TEXT, "fontSize": 12},
            "bar": {"color": USA},
            "line": {"color": USA, "strokeWidth": 2},
            "point": {"color": USA, "filled": True, "size": 60},
        }
    }


def wrapped(text, width: int) -> str:
    """A long axis label over lines of at most ``width`` characters ("\\n" between them; an axis
    with ``labelExpr=SPLIT_LINES`` draws them one under the other), never cut short with "…"."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


SPLIT_LINES = "split(datum.label, '\\n')"


def highlight_scale(values, highlight: dict[str, str] | None = None) -> alt.Scale:
    """A colour scale that gives China and India their report colours and others grey."""
    highlight = {"China": CHINA, "India": INDIA, **(highlight or {})}
    domain = list(dict.fromkeys(values))
    return alt.Scale(domain=domain, range=[highlight.get(v, OTHER) for v in domain])


def ranked_bars(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str,
    value_title: str,
    tooltip: list,
    value_format: str = ",.0f",
    highlight: dict[str, str] | None = None,
    height_per_bar: int = 26,
    wrap: int | None = None,
) -> alt.Chart:
    """Horizontal bars sorted by value, labelled at the bar end, China/India highlighted. With
    ``wrap``, labels longer than that many characters run over lines."""
    # An explicit order: "-x" sorting is not shared reliably between layers.
    order = list(frame.sort_values(value, ascending=False)[label])
    axis = alt.Undefined
    if wrap:
        frame = frame.assign(**{f"{label}_lines": frame[label].map(lambda t: wrapped(t, wrap))})
        highlight = {wrapped(k, wrap): v for k, v in (highlight or {}).items()}
        label, order = f"{label}_lines", [wrapped(t, wrap) for t in order]
        axis = alt.Axis(labelExpr=SPLIT_LINES, labelLimit=1000)
        height_per_bar = max(height_per_bar, 14 * max(t.count("\n") + 1 for t in order) + 8)
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{label}:N", sort=order, title=None, axis=axis),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
    )
    bars = with_tooltip(base.mark_bar().encode(
        color=alt.Color(f"{label}:N", scale=highlight_scale(frame[label], highlight), legend=None),
    ), tooltip)
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text(f"{value}:Q", format=value_format))
    return (bars + labels).properties(width=WIDTH - 120, height=height_per_bar * len(frame))


def spread_dots(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    series: str,
    value_title: str,
    tooltip: list,
    domain: tuple[float, float] = (0, 100),
    sort: list | None = None,
    value_format: str = ",.0f",
    shape: str | None = None,
    shape_title: str = "Period",
) -> alt.Chart:
    """One row per category, a dot per source and a line from lowest to highest: shows where
    sources agree and where they disagree. The dot's colour names its source; its shape names
    ``shape`` (e.g. the period a figure covers, where sources' dots are of different years), or
    the source again."""
    y = alt.Y(f"{category}:N", title=None, sort=sort)
    # five ticks at most: at this width "900" and "1,000" ran together as "9001,000"
    x = alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(domain=list(domain)),
              axis=alt.Axis(format=value_format, tickCount=5, labelOverlap="greedy"))
    rule = (
        alt.Chart(frame)
        .mark_rule(color=MUTED, strokeWidth=2)
        .encode(y=y, x=alt.X(f"min({value}):Q", scale=alt.Scale(domain=list(domain))), x2=f"max({value}):Q")
    )
    legend = alt.Legend(columns=2)  # one row of sources would be wider than the chart, and shrink it
    dots = with_tooltip(
        alt.Chart(frame)
        .mark_point(filled=True, size=110, opacity=0.9)
        .encode(y=y, x=x, color=alt.Color(f"{series}:N", title="Source", legend=legend),
                shape=alt.Shape(f"{shape}:N", title=shape_title, legend=alt.Legend(orient="right", columns=1)) if shape
                else alt.Shape(f"{series}:N", title="Source", legend=legend)), tooltip)
    return (rule + dots).properties(width=WIDTH - 160, height=48 * frame[category].nunique())


def time_series(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    y_title: str,
    tooltip: list,
    series: str | None = None,
    bands: pd.DataFrame | None = None,
    x_format: str = "%b %Y",
    y_format: str = ",.0f",
    tick_count: int | dict = 8,
) -> alt.Chart:
    """A line per series over time, with optional shaded periods (columns start, end, label)."""
    enc = dict(
        x=alt.X(f"{x}:T", title=None, axis=alt.Axis(format=x_format, labelAngle=0, tickCount=tick_count)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format)),
    )
    if series:
        enc["color"] = alt.Color(f"{series}:N", title=None)
    # a line never crosses months that have no data: each run of consecutive months is its own segment
    frame = frame.assign(_segment=month_runs(frame, x=x, series=series))
    enc["detail"] = alt.Detail("_segment:N")
    lines = with_tooltip(alt.Chart(frame).mark_line(point=True).encode(**enc), tooltip)
    layers = [lines]
    if bands is not None and len(bands):
        band = alt.Chart(bands).mark_rect(color="#f2c6c2", opacity=0.55).encode(
            x="start:T", x2="end:T", tooltip=alt.Tooltip("label:N")  # the band's name is its sentence
        )
        text = alt.Chart(bands).mark_text(align="left", baseline="top", dx=3, dy=3, color=TEXT).encode(
            x="start:T", y=alt.value(0), text="label:N"
        )
        layers = [band, text, lines]
    return alt.layer(*layers).properties(width=WIDTH, height=300)


def month_runs(frame: pd.DataFrame, *, x: str, series: str | None = None) -> list[str]:
    """A label per row, the same along a run of consecutive months of one series and new after a
    missing month ("World 0", "World 1", …): lines drawn per run break at gaps. Data that are not
    monthly (any date not the first of a month) are one run per series."""
    frame = frame.reset_index(drop=True)  # a table concatenated from parts may repeat index labels
    dates = pd.to_datetime(frame[x])
    groups = frame[series].astype(str) if series else pd.Series("", index=frame.index)
    monthly = bool(len(dates)) and bool((dates.dt.day == 1).all())
    out = pd.Series("", index=frame.index, dtype=object)
    for name, index in groups.groupby(groups, sort=False).groups.items():
        ordered = dates.loc[index].sort_values()
        months = ordered.dt.year * 12 + ordered.dt.month
        run = (months.diff() > 1).cumsum() if monthly else pd.Series(0, index=ordered.index)
        out.loc[ordered.index] = [f"{name} {int(r)}" for r in run]
    return list(out)


def range_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    low: str,
    high: str,
    value_title: str,
    tooltip: list,
    value_format: str = ",.0f",
    color: str = USA,
) -> alt.Chart:
    """A low–high band per category (e.g. magnet demand implied by an intensity range)."""
    base = alt.Chart(frame).encode(y=alt.Y(f"{category}:N", title=None, sort=None))
    band = with_tooltip(base.mark_bar(color=color, opacity=0.75, height=16).encode(
        x=alt.X(f"{low}:Q", title=value_title, axis=alt.Axis(format=value_format)), x2=f"{high}:Q"), tooltip)
    lo = base.mark_text(align="right", dx=-4).encode(x=f"{low}:Q", text=alt.Text(f"{low}:Q", format=value_format))
    hi = base.mark_text(align="left", dx=4).encode(x=f"{high}:Q", text=alt.Text(f"{high}:Q", format=value_format))
    return (band + lo + hi).properties(width=WIDTH - 160, height=40 * frame[category].nunique())


def event_timeline(
    frame: pd.DataFrame,
    *,
    start: str,
    lane: str,
    label: str,
    tooltip: list,
    end: str | None = None,
    color: str | None = None,
    color_scale: alt.Scale | None = None,
    lane_sort: list | None = None,
    lane_height: int | None = None,
    stagger_days: int | None = None,
    width: int = WIDTH - 60,
    wrap: int | None = None,
    legend_below: bool = False,
) -> alt.Chart:
    """Events as points on lanes over time; where ``end`` is given, a bar to the end date.

    With ``stagger_days`` the chart takes its compact style: labels of events closer than that
    on one lane alternate between lines above and below it (``stagger_levels``), in smaller
    type, with the colour legend below the chart (``legend_below`` puts it there in the plain
    style too, for a chart whose lane names and legend would not fit the page's column side by side)."""
    staggered = stagger_days is not None
    style = TIMELINE_STYLES[staggered]
    data = frame
    if staggered:
        data = frame.copy()
        data["_level"] = stagger_levels(data, start=start, lane=lane, min_gap_days=stagger_days)
    if wrap:  # long lane names over lines
        data = data.assign(**{f"{lane}_lines": data[lane].map(lambda t: wrapped(t, wrap))})
        lane_sort = [wrapped(t, wrap) for t in lane_sort] if lane_sort else lane_sort
        lane = f"{lane}_lines"
    axis = alt.Axis(labelLimit=1000, labelExpr=SPLIT_LINES) if wrap else (
        alt.Axis(labelLimit=1000) if staggered else alt.Undefined)
    y = alt.Y(f"{lane}:N", title=None, sort=lane_sort, axis=axis)
    x = alt.X(f"{start}:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, **style["x_axis"]))
    if color:
        # swatches at full strength: the spans' pale tint is not the points' colour
        legend = alt.Legend(orient="bottom", columns=2, labelLimit=1000, symbolOpacity=1) if staggered or legend_below \
            else alt.Legend(symbolOpacity=1)
        col = alt.Color(f"{color}:N", title=None, scale=color_scale or alt.Undefined, legend=legend)
    else:
        col = alt.value(USA)
    layers = []
    if end:
        spans = data[data[end].notna() & (data[end].astype(str) != "")] if staggered else data.dropna(subset=[end])
        if len(spans) or not staggered:
            layers.append(with_tooltip(alt.Chart(spans).mark_bar(**style["bar"]).encode(y=y, x=x, x2=f"{end}:T", color=col),
                                       tooltip))
    layers.append(with_tooltip(alt.Chart(data).mark_point(**style["point"]).encode(y=y, x=x, color=col), tooltip))
    if staggered:  # one text layer per label line that has labels
        lines = [(data[data["_level"] == level], dy) for level, dy in LABEL_LINES.items()]
        lines = [(rows, dy) for rows, dy in lines if len(rows)]
    else:
        lines = [(data, style["text"]["dy"])]
    for rows, dy in lines:
        layers.append(alt.Chart(rows).mark_text(**{**style["text"], "dy": dy}).encode(y=y, x=x, text=f"{label}:N"))
    height = (lane_height or style["lane_height"]) * data[lane].nunique()
    return alt.layer(*layers).properties(width=width, height=height)


# The two styles of event_timeline: one label line per lane, or labels staggered over four lines.
LABEL_LINES = {0: -11, 1: 15, 2: -25, 3: 29}  # vertical offset of each staggered label line
TIMELINE_STYLES = {
    False: {"x_axis": {}, "bar": {"height": 10, "opacity": 0.45}, "point": {"filled": True, "size": 120, "opacity": 1},
            "text": {"align": "left", "dx": 7, "dy": -9, "fontSize": 11}, "lane_height": 54},
    True: {"x_axis": {"tickCount": 8}, "bar": {"height": 8, "opacity": 0.4},
           "point": {"filled": True, "size": 110, "opacity": 1, "stroke": "#ffffff", "strokeWidth": 1},
           "text": {"align": "left", "dx": 6, "dy": 0, "fontSize": 11, "color": TEXT}, "lane_height": 78},
}


# --- Shapes added for the sector-impact and strategy-roadmap chapters --------------------------


def column_bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    y_title: str,
    tooltip: list,
    title: str | None = None,
    y_format: str = ",.0f",
    color: str = USA,
    width: int = 260,
    height: int = 240,
    label_angle: int = 0,
) -> alt.Chart:
    """Vertical bars in the given category order, labelled on top. Put two side by side with
    ``alt.hconcat(a, b).resolve_scale(y="independent")`` to show series that must not share an
    axis (e.g. quantities two orders of magnitude apart)."""
    order = list(dict.fromkeys(frame[x]))
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:N", title=None, sort=order, axis=alt.Axis(labelAngle=label_angle, labelLimit=1000)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format)),
    )
    bars = with_tooltip(base.mark_bar(color=color), tooltip)
    labels = base.mark_text(baseline="bottom", dy=-3).encode(text=alt.Text(f"{y}:Q", format=y_format))
    chart = (bars + labels).properties(width=width, height=height)
    return chart.properties(title=title) if title else chart


def grouped_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    group: str,
    value_title: str,
    tooltip: list,
    value_format: str = ",.0f",
    category_sort: list | None = None,
    group_sort: list | None = None,
) -> alt.Chart:
    """Horizontal bars, one row per category with a bar per group (e.g. one per counter where
    counters disagree), labelled at the bar end. Groups take neutral colours (never China red or
    India ochre, which mean countries in this report)."""
    groups = group_sort or list(dict.fromkeys(frame[group]))
    y = alt.Y(f"{category}:N", title=None, sort=category_sort)
    offset = alt.YOffset(f"{group}:N", sort=groups)
    x = alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format))
    bars = with_tooltip(alt.Chart(frame).mark_bar().encode(
        y=y, yOffset=offset, x=x,
        color=alt.Color(f"{group}:N", title=None, sort=groups, legend=alt.Legend(columns=2 if len(groups) > 2 else 1),
                        scale=alt.Scale(domain=groups, range=neutral_range(groups))),
    ), tooltip)
    labels = alt.Chart(frame).mark_text(align="left", dx=4, fontSize=11).encode(
        y=y, yOffset=offset, x=x, text=alt.Text(f"{value}:Q", format=value_format)
    )
    rows = frame[category].nunique()
    return (bars + labels).properties(width=WIDTH - 180, height=max(60, 20 * len(groups) * rows))


def log_dots(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str,
    value_title: str,
    tooltip,
    color: str | None = None,
    value_format: str = ",.0f",
    sort: list | None = None,
) -> alt.Chart:
    """A dot per row on a LOG scale for quantities that differ by orders of magnitude, each
    labelled with its value. The axis title says so: "(log scale)" follows ``value_title``, and a
    title left to the page (``value_title=""``) says so in the page's words. Dots, not bars: on a
    log axis a bar's length means nothing (it has no zero to start from). Ticks at the powers of
    ten only, so they never crowd; groups in ``color`` take neutral colours."""
    import math

    positive = [float(v) for v in frame[value] if float(v) > 0]
    if len(positive) != len(frame):
        raise ValueError("log_dots needs positive values only")
    low = 10 ** math.floor(math.log10(min(positive)))
    top = 10 ** math.ceil(math.log10(max(positive)) + 0.3)
    powers = [10 ** k for k in range(round(math.log10(low)), round(math.log10(top)) + 1)]
    y = alt.Y(f"{label}:N", title=None, sort=sort if sort is not None else "-x")
    x = alt.X(f"{value}:Q", title=f"{value_title} (log scale)" if value_title else "", scale=alt.Scale(type="log", domain=[low, top]),
              axis=alt.Axis(values=powers, format="~s", grid=True))
    if color:
        groups = list(dict.fromkeys(frame[color]))
        col = alt.Color(f"{color}:N", title=None, scale=alt.Scale(domain=groups, range=neutral_range(groups)))
    else:
        col = alt.value(USA)
    guide = alt.Chart(frame).mark_rule(color=GRID, strokeWidth=1).encode(y=y, x=alt.datum(low), x2=alt.datum(top))
    dots = with_tooltip(alt.Chart(frame).mark_point(filled=True, size=110, opacity=1).encode(y=y, x=x, color=col), tooltip)
    labels = alt.Chart(frame).mark_text(align="left", dx=9).encode(y=y, x=x, text=alt.Text(f"{value}:Q", format=value_format))
    return (guide + dots + labels).properties(width=WIDTH - 220, height=30 * frame[label].nunique())


# --- Shapes added for the leverage and geopolitics chapters -----------------------------------


def stagger_levels(frame: pd.DataFrame, *, start: str, lane: str, min_gap_days: int = 60, levels: int = 4) -> list[int]:
    """A label level (0, 1, 2…) per row so that labels of events close in time on the same lane
    sit on different lines: greedy, in date order, the lowest level whose previous label is at
    least ``min_gap_days`` earlier (cycling when all are taken)."""
    dates = pd.to_datetime(frame[start])
    out = [0] * len(frame)
    for _, rows in frame.assign(_d=dates.values, _i=range(len(frame))).sort_values("_d").groupby(lane, sort=False):
        last: dict[int, pd.Timestamp] = {}
        for n, (d, i) in enumerate(zip(rows["_d"], rows["_i"])):
            free = [lv for lv in range(levels) if lv not in last or (d - last[lv]).days >= min_gap_days]
            level = free[0] if free else n % levels
            last[level] = d
            out[i] = level
    return out


def membership_matrix(
    frame: pd.DataFrame,
    *,
    row: str,
    column: str,
    value: str,
    text: str,
    tooltip: list,
    value_domain: list,
    value_range: list,
    row_sort: list | None = None,
    column_sort: list | None = None,
) -> alt.Chart:
    """A grid of rows × columns (e.g. frameworks × countries), each cell coloured by a category
    (e.g. member / not a member) and labelled with ``text`` so colour is never the only cue."""
    y = alt.Y(f"{row}:N", title=None, sort=row_sort, axis=alt.Axis(labelLimit=1000))
    x = alt.X(f"{column}:N", title=None, sort=column_sort, axis=alt.Axis(orient="top", labelAngle=0))
    cells = with_tooltip(alt.Chart(frame).mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        y=y, x=x,
        color=alt.Color(f"{value}:N", title=None, scale=alt.Scale(domain=value_domain, range=value_range)),
    ), tooltip)
    labels = alt.Chart(frame).mark_text(fontSize=11, color="#ffffff", fontWeight=600).encode(y=y, x=x, text=f"{text}:N")
    n_cols = frame[column].nunique()
    return (cells + labels).properties(width=min(WIDTH - 90, 110 * n_cols), height=46 * frame[row].nunique())
