"""The chapters' models, recomputed in the reader's browser: charts with sliders (issue 15, item 6).

Two figures carry their model inside the chart: the sector what-if (``whatif.py``, figure
``fig-sector_impact-whatif``) and capacity against demand (``capacity.py``, figure
``fig-strategy_roadmap-capacity``). Each chart's data are the model's *inputs* (sales by segment;
demand's base and each line's capacity and start year), and Vega-Lite ``calculate`` and
``aggregate`` transforms evaluate the same formulas as the Python module, so the bars, the lines
and the headline sentence drawn in the chart follow Vega-Lite parameters bound to sliders.

- A slider's default is the chapter's parameter value, so the chart as first drawn, and its PNG
  and SVG downloads (drawn from the spec at the defaults), show exactly the chapter's result.
- A slider's range is the parameter's validated range (``check_parameters`` in the model module
  and the chapter's front matter).
- The page's numbers stay those the chapter glues from Python; the prebuilt scenarios are the
  citable versions of other settings, as the note beside the sliders says (``figures.py``).

``WHATIF_CONTROLS`` and ``CAPACITY_CONTROLS`` name each slider's signal, the Python parameter it
sets and the factor between them (a slider in per cent sets a share), so the test
(``tests/test_inpage_models.py``) can move the sliders and ask the Python model the same question.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import altair as alt
import pandas as pd

from . import capacity, charts, whatif
from .wordings import ANY_VALUE, case_value


@dataclass(frozen=True)
class Control:
    """One slider: the Vega signal it sets, the model parameter it stands for (parameter =
    slider ÷ ``scale``: a slider in per cent has scale 100), its range and step and its label."""

    signal: str
    parameter: str
    scale: int
    low: float
    high: float
    step: float
    label: str

    def slider(self, parameter_value: float) -> float:
        """The slider's value for a parameter value (50 for a supply_cut_share of 0.5), without
        the float noise of 0.15 × 100 (the slider prints its value)."""
        return round(float(parameter_value) * self.scale, 9)

    def parameter_value(self, slider_value: float) -> float:
        """The model parameter a slider value stands for, computed as the chart computes it."""
        return slider_value / self.scale if self.scale != 1 else slider_value

    def expr(self) -> str:
        """The parameter in a Vega expression."""
        return f"({self.signal} / {self.scale})" if self.scale != 1 else self.signal

    def param(self, parameter_value: float) -> alt.Parameter:
        binding = alt.binding_range(min=self.low, max=self.high, step=self.step, name=self.label)
        return alt.param(name=self.signal, value=self.slider(parameter_value), bind=binding)


WHATIF_CONTROLS = (
    Control("supply_cut_pct", "supply_cut_share", 100, 0, 100, 5, "Supply cut, % of normal"),
    Control("disruption_months", "disruption_months", 1, 0, whatif.MAX_MONTHS, 0.5, "Length of the cut, months"),
    Control("inventory_weeks", "inventory_weeks", 1, 0, whatif.MAX_INVENTORY_WEEKS, 1,
            "Magnet stocks, weeks of output"),
)
CAPACITY_CONTROLS = (
    Control("demand_growth_pct", "demand_growth", 100, round(100 * capacity.MIN_GROWTH), round(100 * capacity.MAX_GROWTH),
            1, "Demand growth, % a year"),
    Control("capacity_realisation_pct", "capacity_realisation", 100, 0, 100, 5, "Capacity built, % of announced"),
    Control("capacity_delay_years", "capacity_delay_years", 1, 0, capacity.MAX_DELAY_YEARS, 1,
            "Delay to every line, years"),
)


def _control(controls, parameter: str) -> Control:
    return next(c for c in controls if c.parameter == parameter)


def _moved(controls, defaults: dict) -> str:
    """A Vega expression, true once any slider is away from the chapter's setting."""
    return " || ".join(f"{c.signal} !== {_number(c.slider(defaults[c.parameter]))}" for c in controls)


def _reference(reference: pd.DataFrame, controls, defaults: dict, x: alt.X, y: str) -> alt.Chart:
    """The chapter's result at its settings (the rows of the figure's CSV download), drawn as
    dashed outlines once a slider moves: what the sliders are compared with, and what to cite.
    At the settings it is not drawn, so the downloads show the chart alone; a zero is not outlined."""
    shown = alt.ExprRef(f"({_moved(controls, defaults)}) ? 1 : 0")
    outline = dict(fill=None, stroke=charts.TEXT, strokeWidth=1.5, strokeDash=[4, 3], strokeOpacity=shown)
    return alt.Chart(reference).transform_filter(f"datum.{y} > 0").mark_bar(**outline).encode(x=x, y=alt.Y(f"{y}:Q"))


def _number(x: float) -> str:
    """A Python float as a Vega expression literal that parses to the same double."""
    return repr(float(x))


def _js(text: str) -> str:
    return json.dumps(text)


def _round_sig(field: str) -> str:
    """``whatif.round_sig(value)`` (two significant figures) as a Vega expression: d3's "r"
    format rounds to significant digits from the exact binary value, as Python's round does
    (only an exact tie, such as 125,000, may go the other way)."""
    return f"toNumber(format({field}, '.2r'))"


# --- the sector what-if ---------------------------------------------------------------------------

CASE_ORDER = ("low", "central", "high")


def whatif_inputs(sales: pd.DataFrame, case_labels: dict[str, str], segment_labels: dict[str, str]) -> pd.DataFrame:
    """The what-if chart's data: one row per case and segment with the segment's annual sales
    (the model's input; ``sales`` has ``segment`` and ``sales`` columns, as ``whatif.output_at_risk``
    reads it). The case settings are computed in the chart from the sliders."""
    rows = [dict(case=case, label=case_labels[case], order=i, segment=str(r.segment),
                 segment_label=segment_labels.get(r.segment, str(r.segment)), annual_sales=float(r.sales))
            for i, case in enumerate(CASE_ORDER) for r in sales.itertuples()]
    return pd.DataFrame(rows)


def _whatif_transforms(chart: alt.Chart) -> alt.Chart:
    """``whatif.cases`` and ``whatif.output_at_risk`` as Vega-Lite transforms, one row per case."""
    low, high = whatif.LOW_CASE, whatif.HIGH_CASE
    cut, months, weeks = (_control(WHATIF_CONTROLS, p).expr()
                          for p in ("supply_cut_share", "disruption_months", "inventory_weeks"))

    def by_case(central: str, milder: str, harsher: str) -> str:
        return f"datum.case === 'low' ? {milder} : datum.case === 'high' ? {harsher} : {central}"

    return chart.transform_calculate(
        cut_share=by_case(cut, f"min({cut}, {_number(low['supply_cut_share'])})",
                          f"max({cut}, {_number(high['supply_cut_share'])})"),
        months=by_case(months, f"min({months}, {_number(low['disruption_months'])})",
                       f"max({months}, {_number(high['disruption_months'])})"),
        weeks=by_case(weeks, f"max({weeks}, {_number(low['inventory_weeks'])})",
                      f"min({weeks}, {_number(high['inventory_weeks'])})"),
    ).transform_calculate(
        uncovered_months=f"max(0, datum.months - datum.weeks / {_number(whatif.WEEKS_PER_MONTH)})",
    ).transform_calculate(
        segment_at_risk="datum.annual_sales / 12 * datum.cut_share * datum.uncovered_months",
    ).transform_aggregate(
        at_risk="sum(segment_at_risk)", annual_sales="sum(annual_sales)",
        groupby=["case", "label", "order", "cut_share", "months", "weeks", "uncovered_months"],
    ).transform_calculate(
        cut_pct="100 * datum.cut_share",
        at_risk_rounded=_round_sig("datum.at_risk"),
        share_pct="datum.annual_sales > 0 ? 100 * datum.at_risk / datum.annual_sales : 0",
    )


FIELD = re.compile(r"\{(?P<name>\w+)(?::(?P<spec>[^{}]*))?\}")


def _literal(case) -> str:
    """A case's value (as YAML reads it: True, 3, "at_risk") as a Vega expression literal."""
    value = case if isinstance(case, (bool, int, float)) else case_value(str(case))
    if isinstance(value, bool):
        return "true" if value else "false"
    return _number(value) if isinstance(value, (int, float)) else _js(str(value))


def _text_expr(template: str) -> str:
    """One template as a Vega expression: its words as string literals, each ``{field:spec}`` as
    ``format(datum.field, 'spec')`` (d3's format, which reads Python's specs such as ``,.0f`` the
    same way) and each ``{field}`` as the value itself."""
    parts, at = [], 0
    for field in FIELD.finditer(template):
        if field.start() > at:
            parts.append(_js(template[at:field.start()]))
        parts.append(f"format(datum.{field['name']}, {_js(field['spec'])})" if field["spec"] is not None
                     else f"datum.{field['name']}")
        at = field.end()
    if at < len(template):
        parts.append(_js(template[at:]))
    if not parts or not parts[0].startswith('"'):
        parts.insert(0, '""')
    return " + ".join(parts)


def headline_expr(template) -> str:
    """A model's headline as a Vega expression, from its wording in the chapter (the ``headline``
    of the figure's ``{figure-text}`` block): a template of the model's fields, or a mapping of
    cases by a field (``{by: outcome, at_risk: "…", no_cut: "…"}``; ``*``, or else the last case,
    is the branch for any other value). The wording is the page's; only its filling is Vega's."""
    if not isinstance(template, dict):
        return _text_expr(str(template))
    by = template["by"]
    cases = [(k, str(v)) for k, v in template.items() if k != "by"]
    if not cases:
        raise ValueError(f"headline by {by}: no cases")
    default = next((i for i, (k, _) in enumerate(cases) if str(k) == ANY_VALUE), len(cases) - 1)
    expr = _text_expr(cases[default][1])
    for k, v in reversed([c for i, c in enumerate(cases) if i != default]):
        expr = f"datum.{by} === {_literal(k)} ? {_text_expr(v)} : {expr}"
    return expr


def whatif_outcome() -> str:
    """Which wording of the result applies at the sliders' settings, named as the chapter's
    ``whatif_outcome`` names it."""
    return "datum.cut_share === 0 ? 'no_cut' : datum.uncovered_months <= 0 ? 'stocks_outlast' : 'at_risk'"


def whatif_chart(inputs: pd.DataFrame, *, supply_cut_share: float, disruption_months: float, inventory_weeks: float,
                 reference: pd.DataFrame, headline, tooltip: charts.Sentence, color: str = charts.INDIA, width: int = 260,
                 height: int = 240, headline_dx: int = -60) -> alt.VConcatChart:
    """Bars of EV output at risk in the low, central and high cases, under a headline sentence,
    recomputed from ``inputs`` (``whatif_inputs``) at the sliders' settings. ``reference`` is the
    chapter's result (columns ``label`` and ``at_risk_rounded``), outlined once a slider moves.
    ``headline`` is its wording in the chapter (``headline_expr``), filled from the central case's
    fields (``at_risk_rounded``, ``share_pct``, ``low_at_risk``, ``high_at_risk``; cases by ``outcome``).
    ``tooltip`` is a bar's, as the chapter writes it (``Chapter.tooltip``), of the case's fields
    (``label``, ``cut_pct``, ``months``, ``weeks``, ``at_risk_rounded``, ``share_pct``).
    The headline starts ``headline_dx`` px left of the plot, over the axis labels, so the chart
    fits a phone."""
    whatif.check_parameters(supply_cut_share, disruption_months, inventory_weeks)
    defaults = dict(supply_cut_share=supply_cut_share, disruption_months=disruption_months,
                    inventory_weeks=inventory_weeks)
    params = [c.param(defaults[c.parameter]) for c in WHATIF_CONTROLS]
    base = _whatif_transforms(alt.Chart(inputs))
    order = [dict(zip(inputs["case"], inputs["label"]))[c] for c in CASE_ORDER if c in set(inputs["case"])]
    xenc = alt.X("label:N", title=None, sort=order, axis=alt.Axis(labelAngle=0, labelLimit=1000))
    bars = base.encode(x=xenc, y=alt.Y("at_risk_rounded:Q", title="", axis=alt.Axis(format=",.0f")))  # the page titles it
    plot = (charts.with_tooltip(bars.mark_bar(color=color), tooltip)
            + _reference(reference, WHATIF_CONTROLS, defaults, xenc, "at_risk_rounded")
        + bars.mark_text(baseline="bottom", dy=-3).encode(text=alt.Text("at_risk_rounded:Q", format=",.0f"))
    ).properties(width=width, height=height)
    headline = base.transform_joinaggregate(
        low_at_risk="min(at_risk_rounded)", high_at_risk="max(at_risk_rounded)",
    ).transform_filter("datum.case === 'central'").transform_calculate(
        outcome=whatif_outcome(),
    ).transform_calculate(
        headline=headline_expr(headline),
    ).mark_text(align="left", baseline="top", lineBreak="\n", fontSize=13, fontWeight=600, lineHeight=18).encode(
        x=alt.value(headline_dx), y=alt.value(0), text="headline:N",
    ).properties(width=width, height=54)
    return alt.vconcat(headline, plot, spacing=6).add_params(*params)


# --- capacity against demand ----------------------------------------------------------------------


def capacity_inputs(*, base_demand_t: float, base_year: int, lines: list[capacity.CapacityLine], end_year: int,
                    demand_broad: dict[int, float], first_year_share: float = 1.0) -> pd.DataFrame:
    """The capacity chart's data: one row per year and capacity line with demand's base (tonnes
    and year), the line's capacity and start year, its first-year share and the other demand
    baseline (the government's estimate, which no slider moves). With no line, one row a year
    of zero capacity."""
    lines = lines or [capacity.CapacityLine("none", 0.0, end_year + 1)]
    return pd.DataFrame([
        dict(year=year, line=line.name, line_capacity_t=float(line.capacity_t), line_start_year=int(line.start_year),
             first_year_share=float(first_year_share), base_demand_t=float(base_demand_t), base_year=int(base_year),
             demand_broad_t=float(demand_broad[year]))
        for year in range(base_year, end_year + 1) for line in lines])


def _capacity_transforms(chart: alt.Chart) -> alt.Chart:
    """``capacity.capacity_path`` and ``capacity.first_year_met`` as Vega-Lite transforms, one row a year."""
    growth, realisation, delay = (_control(CAPACITY_CONTROLS, p).expr()
                                  for p in ("demand_growth", "capacity_realisation", "capacity_delay_years"))
    return chart.transform_calculate(
        online_year=f"datum.line_start_year + {delay}",
    ).transform_calculate(
        line_output=(f"datum.year >= datum.online_year ? datum.line_capacity_t * {realisation}"
                     " * (datum.year === datum.online_year ? datum.first_year_share : 1) : 0"),
    ).transform_aggregate(
        capacity_t="sum(line_output)", groupby=["year", "base_demand_t", "base_year", "demand_broad_t"],
    ).transform_calculate(
        demand_t=f"datum.base_demand_t * pow(1 + {growth}, datum.year - datum.base_year)",
    ).transform_calculate(
        gap_t="datum.demand_t - datum.capacity_t",
        met="datum.capacity_t >= datum.demand_t",
    ).transform_calculate(
        met_year="datum.met ? datum.year : null",
    ).transform_joinaggregate(
        first_met="min(met_year)", last_year="max(year)",
    )


def capacity_chart(inputs: pd.DataFrame, *, demand_growth: float, capacity_realisation: float,
                   capacity_delay_years: int, bar_label: str, line_label: str, broad_label: str, y_title: str,
                   reference: pd.DataFrame, headline, tooltip: charts.Sentence, width: int = charts.WIDTH - 100,
                   height: int = 300) -> alt.VConcatChart:
    """Domestic capacity (bars) against demand (a line; the government's estimate dashed) by year,
    under a headline sentence, recomputed from ``inputs`` (``capacity_inputs``) at the sliders'
    settings. ``reference`` is the chapter's path (columns ``year`` and ``capacity_t``), its
    capacity outlined once a slider moves. ``headline`` is its wording in the chapter
    (``headline_expr``), filled from the last year's fields (``last_year``, ``capacity_t``,
    ``demand_t``, ``first_met``; cases by ``met_by_end``). ``tooltip`` is a year's, as the chapter
    writes it (``Chapter.tooltip``), of its fields (``year``, ``capacity_t``, ``demand_t``,
    ``demand_broad_t``)."""
    capacity.check_parameters(demand_growth, capacity_realisation, capacity_delay_years)
    defaults = dict(demand_growth=demand_growth, capacity_realisation=capacity_realisation,
                    capacity_delay_years=capacity_delay_years)
    params = [c.param(defaults[c.parameter]) for c in CAPACITY_CONTROLS]
    base = _capacity_transforms(alt.Chart(inputs))
    domain = [bar_label, line_label, broad_label]
    scale = alt.Scale(domain=domain, range=[charts.INDIA, charts.TEXT, charts.NEUTRAL[1]])
    xenc = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    bars = charts.with_tooltip(base.transform_calculate(series=_js(bar_label)).mark_bar(opacity=0.85).encode(
        x=xenc, y=alt.Y("capacity_t:Q", title=y_title, axis=alt.Axis(format=",.0f")),
        color=alt.Color("series:N", title=None, scale=scale)), tooltip)
    layers = [bars, _reference(reference, CAPACITY_CONTROLS, defaults, xenc, "capacity_t")]
    for column, label, dash in (("demand_t", line_label, []), ("demand_broad_t", broad_label, [6, 3])):
        layers.append(charts.with_tooltip(base.transform_calculate(series=_js(label)).mark_line(
            point=True, strokeWidth=2.5, strokeDash=dash).encode(
            x=xenc, y=alt.Y(f"{column}:Q"),
            color=alt.Color("series:N", title=None, scale=scale,
                            legend=alt.Legend(orient="bottom", columns=1, labelLimit=1000))), tooltip))
    plot = alt.layer(*layers).properties(width=width, height=height)
    words = headline
    headline = base.transform_filter("datum.year === datum.last_year").transform_calculate(
        met_by_end="isValid(datum.first_met)",
    ).transform_calculate(
        headline=headline_expr(words),
    ).mark_text(align="left", baseline="top", lineBreak="\n", fontSize=13, fontWeight=600, lineHeight=18).encode(
        x=alt.value(0), y=alt.value(0), text="headline:N",
    ).properties(width=width, height=54)
    return alt.vconcat(headline, plot, spacing=6).add_params(*params)
