"""The report's chart theme and the chart shapes every chapter uses.

One theme (fonts, colours, sizes) for all charts, registered with Altair when this module is
imported. Colours are chosen for at least 3:1 contrast against the white page (WCAG 1.4.11 for
graphics) and text colours for 4.5:1; China and India keep the same colours in every chart.
"""

from __future__ import annotations

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
) -> alt.Chart:
    """Horizontal bars sorted by value, labelled at the bar end, China/India highlighted."""
    # An explicit order: "-x" sorting is not shared reliably between layers.
    order = list(frame.sort_values(value, ascending=False)[label])
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{label}:N", sort=order, title=None),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(f"{label}:N", scale=highlight_scale(frame[label], highlight), legend=None),
        tooltip=tooltip,
    )
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
) -> alt.Chart:
    """One row per category, a dot per source and a line from lowest to highest: shows where
    sources agree and where they disagree."""
    y = alt.Y(f"{category}:N", title=None, sort=sort)
    x = alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(domain=list(domain)))
    rule = (
        alt.Chart(frame)
        .mark_rule(color=MUTED, strokeWidth=2)
        .encode(y=y, x=alt.X(f"min({value}):Q", scale=alt.Scale(domain=list(domain))), x2=f"max({value}):Q")
    )
    legend = alt.Legend(columns=2)  # one row of sources would be wider than the chart, and shrink it
    dots = (
        alt.Chart(frame)
        .mark_point(filled=True, size=110, opacity=0.9)
        .encode(y=y, x=x, color=alt.Color(f"{series}:N", title="Source", legend=legend),
                shape=alt.Shape(f"{series}:N", title="Source", legend=legend), tooltip=tooltip)
    )
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
        tooltip=tooltip,
    )
    if series:
        enc["color"] = alt.Color(f"{series}:N", title=None)
    lines = alt.Chart(frame).mark_line(point=True).encode(**enc)
    layers = [lines]
    if bands is not None and len(bands):
        band = alt.Chart(bands).mark_rect(color="#f2c6c2", opacity=0.55).encode(
            x="start:T", x2="end:T", tooltip=[alt.Tooltip("label:N", title="Period")]
        )
        text = alt.Chart(bands).mark_text(align="left", baseline="top", dx=3, dy=3, color=TEXT).encode(
            x="start:T", y=alt.value(0), text="label:N"
        )
        layers = [band, text, lines]
    return alt.layer(*layers).properties(width=WIDTH, height=300)


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
    band = base.mark_bar(color=color, opacity=0.75, height=16).encode(
        x=alt.X(f"{low}:Q", title=value_title, axis=alt.Axis(format=value_format)), x2=f"{high}:Q", tooltip=tooltip
    )
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
) -> alt.Chart:
    """Events as points on lanes over time; where ``end`` is given, a bar to the end date.

    With ``stagger_days`` the chart takes its compact style: labels of events closer than that
    on one lane alternate between lines above and below it (``stagger_levels``), in smaller
    type, with the colour legend below the chart."""
    staggered = stagger_days is not None
    style = TIMELINE_STYLES[staggered]
    data = frame
    if staggered:
        data = frame.copy()
        data["_level"] = stagger_levels(data, start=start, lane=lane, min_gap_days=stagger_days)
    y = alt.Y(f"{lane}:N", title=None, sort=lane_sort, axis=alt.Axis(labelLimit=1000) if staggered else alt.Undefined)
    x = alt.X(f"{start}:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, **style["x_axis"]))
    if color:
        legend = alt.Legend(orient="bottom", columns=2, labelLimit=1000) if staggered else alt.Undefined
        col = alt.Color(f"{color}:N", title=None, scale=color_scale or alt.Undefined, legend=legend)
    else:
        col = alt.value(USA)
    layers = []
    if end:
        spans = data[data[end].notna() & (data[end].astype(str) != "")] if staggered else data.dropna(subset=[end])
        if len(spans) or not staggered:
            layers.append(alt.Chart(spans).mark_bar(**style["bar"]).encode(y=y, x=x, x2=f"{end}:T", color=col, tooltip=tooltip))
    layers.append(alt.Chart(data).mark_point(**style["point"]).encode(y=y, x=x, color=col, tooltip=tooltip))
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

import json as _json  # noqa: E402  (quotes labels safely inside Vega expressions)


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
    bars = base.mark_bar(color=color).encode(tooltip=tooltip)
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
    bars = alt.Chart(frame).mark_bar().encode(
        y=y, yOffset=offset, x=x, tooltip=tooltip,
        color=alt.Color(f"{group}:N", title=None, sort=groups,
                        scale=alt.Scale(domain=groups, range=neutral_range(groups))),
    )
    labels = alt.Chart(frame).mark_text(align="left", dx=4, fontSize=11).encode(
        y=y, yOffset=offset, x=x, text=alt.Text(f"{value}:Q", format=value_format)
    )
    rows = frame[category].nunique()
    return (bars + labels).properties(width=WIDTH - 180, height=max(60, 20 * len(groups) * rows))


def log_bars(
    frame: pd.DataFrame,
    *,
    value: str,
    label: str,
    value_title: str,
    tooltip: list,
    color: str | None = None,
    value_format: str = ",.0f",
    sort: list | None = None,
) -> alt.Chart:
    """Horizontal bars on a LOG scale (the axis title says so) for quantities that differ by
    orders of magnitude; each bar is labelled with its value. Bars start at the power of ten
    below the smallest value (a log scale has no zero); groups in ``color`` take neutral colours."""
    import math

    positive = [float(v) for v in frame[value] if float(v) > 0]
    if len(positive) != len(frame):
        raise ValueError("log_bars needs positive values only")
    base = 10 ** math.floor(math.log10(min(positive)))
    top = 10 ** math.ceil(math.log10(max(positive)) + 0.3)
    y = alt.Y(f"{label}:N", title=None, sort=sort if sort is not None else "-x")
    x = alt.X(f"{value}:Q", title=f"{value_title} (log scale)", scale=alt.Scale(type="log", domain=[base, top]),
              axis=alt.Axis(format="~s"))
    if color:
        groups = list(dict.fromkeys(frame[color]))
        col = alt.Color(f"{color}:N", title=None, scale=alt.Scale(domain=groups, range=neutral_range(groups)))
    else:
        col = alt.value(USA)
    bars = alt.Chart(frame).mark_bar().encode(y=y, x=x, x2=alt.datum(base), color=col, tooltip=tooltip)
    labels = alt.Chart(frame).mark_text(align="left", dx=4).encode(y=y, x=x, text=alt.Text(f"{value}:Q", format=value_format))
    return (bars + labels).properties(width=WIDTH - 220, height=30 * frame[label].nunique())


def bars_and_line(
    frame: pd.DataFrame,
    *,
    x: str,
    bar: str,
    line: str,
    bar_label: str,
    line_label: str,
    y_title: str,
    tooltip: list,
    y_format: str = ",.0f",
    bar_color: str = INDIA,
    line_color: str = TEXT,
    more_lines: dict | None = None,
) -> alt.Chart:
    """Bars (e.g. domestic capacity) and a line (e.g. demand) over ordinal periods, one axis,
    with a legend naming both. ``more_lines`` ({column: label}) adds dashed lines (e.g. a second
    demand baseline) in neutral greys."""
    more_lines = more_lines or {}
    labels = {line: line_label, **more_lines}
    domain = [bar_label, *labels.values()]
    scale = alt.Scale(domain=domain, range=[bar_color, line_color, *NEUTRAL[1:1 + len(more_lines)]])
    xenc = alt.X(f"{x}:O", title=None, axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(frame).transform_calculate(series=_json.dumps(bar_label)).mark_bar(opacity=0.85).encode(
        x=xenc, y=alt.Y(f"{bar}:Q", title=y_title, axis=alt.Axis(format=y_format)),
        color=alt.Color("series:N", title=None, scale=scale), tooltip=tooltip,
    )
    layers = [bars]
    for column, label in labels.items():
        layers.append(alt.Chart(frame).transform_calculate(series=_json.dumps(label)).mark_line(
            point=True, strokeWidth=2.5, strokeDash=[] if column == line else [6, 3]).encode(
            x=xenc, y=alt.Y(f"{column}:Q"), color=alt.Color("series:N", title=None, scale=scale,
                                                         legend=alt.Legend(orient="bottom", columns=1, labelLimit=1000)),
            tooltip=tooltip,
        ))
    return alt.layer(*layers).properties(width=WIDTH - 100, height=300)


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
    cells = alt.Chart(frame).mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        y=y, x=x, tooltip=tooltip,
        color=alt.Color(f"{value}:N", title=None, scale=alt.Scale(domain=value_domain, range=value_range)),
    )
    labels = alt.Chart(frame).mark_text(fontSize=11, color="#ffffff", fontWeight=600).encode(y=y, x=x, text=f"{text}:N")
    n_cols = frame[column].nunique()
    return (cells + labels).properties(width=min(WIDTH - 90, 110 * n_cols), height=46 * frame[row].nunique())
