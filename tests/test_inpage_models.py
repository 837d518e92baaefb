"""What-ifs in the page (issue 15, item 6): the sector what-if and the capacity model are
recomputed in the reader's browser from sliders, and agree with the Python models the chapters use.

Without a browser: the charts' sliders start at the chapter's settings and span the parameters'
validated ranges, their data are the models' inputs, and a chart with sliders gets the note that
the text's numbers and the prebuilt scenarios are the ones to cite.

In Chromium (the built site): for each chart, its Vega view (``window.reportCharts.views``) is set
to every point of a 3 × 3 × 3 grid of settings, and what it computed (every case's EVs at risk and
share of sales; every year's demand, capacity and whether it is met, and the first year met) is
compared with ``whatif.cases``/``whatif.output_at_risk`` and ``capacity.capacity_path``/
``capacity.first_year_met`` at the same settings. Tolerance: 1e-9 relative (the browser and Python
do the same float arithmetic; only ``pow`` may differ in its last bit); rounded values, the
met/unmet verdicts and the years are compared exactly.
"""

from __future__ import annotations

import inspect
import itertools
import math

import pandas as pd
import pytest

from analysis import capacity, datasets, inpage_models, whatif, wordings
from analysis.chapters import sector_impact, strategy_roadmap
from analysis.figures import Figure
from site_server import REPO, opened_page, wait_for_charts

DATA = REPO / "data"
REL = 1e-9
WHATIF_CHART = "chart-fig-sector_impact-whatif"
CAPACITY_CHART = "chart-fig-strategy_roadmap-capacity"

# the grids, in slider units (per cent, months, weeks; per cent, per cent, years)
WHATIF_GRID = list(itertools.product([0, 35, 100], [0.5, 4, 12], [0, 5, 52]))
CAPACITY_GRID = list(itertools.product([-20, 15, 60], [0, 55, 100], [0, 2, 20]))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=1e-6)


# --- the Python side -----------------------------------------------------------------------------


def chapter_sales(counter: str = "FADA") -> pd.DataFrame:
    """The sales by segment the chapter's what-if reads: the counter's latest period, no total."""
    sales = datasets.load("india_ev_sales", DATA)
    mine = sales[sales["counter"] == counter]
    latest = mine[(mine["period"] == mine["period"].max()) & (mine["segment"] != "total")]
    return latest[["segment", "sales"]].reset_index(drop=True)


def python_whatif(base: pd.DataFrame, settings: dict) -> dict[str, dict]:
    """Per case: the settings, EVs at risk (unrounded and rounded) and share of a year's sales."""
    out = {}
    for name, case in whatif.cases(**settings).items():
        result = whatif.output_at_risk(base, **case)
        at_risk = float(result["output_at_risk"].sum())
        out[name] = dict(**case, at_risk=at_risk, at_risk_rounded=whatif.round_sig(at_risk),
                         share_pct=100 * at_risk / float(result["annual_sales"].sum()))
    return out


def whatif_settings(point) -> dict:
    return {c.parameter: c.parameter_value(v) for c, v in zip(inpage_models.WHATIF_CONTROLS, point)}


def capacity_settings(point) -> dict:
    return {c.parameter: c.parameter_value(v) for c, v in zip(inpage_models.CAPACITY_CONTROLS, point)}


def python_path(inputs: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """``capacity.capacity_path`` on the inputs the chart carries."""
    first = inputs.iloc[0]
    lines = [capacity.CapacityLine(r.line, r.line_capacity_t, int(r.line_start_year))
             for r in inputs.drop_duplicates("line").itertuples()]
    return capacity.capacity_path(
        base_demand_t=float(first["base_demand_t"]), base_year=int(first["base_year"]), lines=lines,
        end_year=int(inputs["year"].max()), first_year_share=float(first["first_year_share"]),
        demand_growth=settings["demand_growth"], capacity_realisation=settings["capacity_realisation"],
        capacity_delay_years=int(settings["capacity_delay_years"]))


# --- without a browser ---------------------------------------------------------------------------


def params_of(chart) -> dict:
    return {p["name"]: p for p in chart.to_dict().get("params", [])}


@pytest.mark.parametrize("module, name, controls, settings", [
    (sector_impact, "fig-sector_impact-whatif", inpage_models.WHATIF_CONTROLS,
     dict(supply_cut_share=0.35, disruption_months=4.5, inventory_weeks=2.0)),
    (strategy_roadmap, "fig-strategy_roadmap-capacity", inpage_models.CAPACITY_CONTROLS,
     dict(demand_growth=0.08, capacity_realisation=0.5, capacity_delay_years=2)),
])
def test_sliders_start_at_the_chapters_settings(module, name, controls, settings):
    for given in ({}, settings):
        params = params_of(module.compute(DATA, **given).figures[name].chart)
        defaults = {k: v.default for k, v in inspect.signature(module.compute).parameters.items()}
        for control in controls:
            wanted = given.get(control.parameter, defaults[control.parameter])
            p = params[control.signal]
            assert control.parameter_value(p["value"]) == pytest.approx(wanted, rel=1e-12)
            assert p["bind"]["input"] == "range" and p["bind"]["name"] == control.label


@pytest.mark.parametrize("controls, check", [
    (inpage_models.WHATIF_CONTROLS, whatif.check_parameters),
    (inpage_models.CAPACITY_CONTROLS, capacity.check_parameters),
])
def test_slider_ranges_are_the_validated_ranges(controls, check):
    def at(which):
        values = [c.parameter_value(which(c)) for c in controls]
        return [int(v) if c.parameter == "capacity_delay_years" else v for c, v in zip(controls, values)]

    check(*at(lambda c: c.low))
    check(*at(lambda c: c.high))
    for i, control in enumerate(controls):
        for beyond in (control.low - control.step, control.high + control.step):
            values = at(lambda c: c.low)
            values[i] = control.parameter_value(beyond)
            if control.parameter == "capacity_delay_years":
                values[i] = int(values[i])
            with pytest.raises(ValueError, match=control.parameter):
                check(*values)


def test_slider_ranges_are_the_front_matters_limits():
    import yaml

    for chapter, controls in (("sector_impact", inpage_models.WHATIF_CONTROLS),
                              ("strategy_roadmap", inpage_models.CAPACITY_CONTROLS)):
        text = (REPO / "book" / f"{chapter}.md").read_text(encoding="utf-8")
        limits = yaml.safe_load(text.split("---")[1])["report"]["parameters"]
        for c in controls:
            assert c.parameter_value(c.low) == limits[c.parameter]["min"], (chapter, c.parameter)
            assert c.parameter_value(c.high) == limits[c.parameter]["max"], (chapter, c.parameter)


def test_slider_values_are_clean_numbers():
    growth = inpage_models.CAPACITY_CONTROLS[0]
    assert growth.slider(0.15) == 15 and growth.parameter_value(15) == 0.15


def test_the_charts_carry_the_models_inputs_not_their_outputs():
    base = chapter_sales()
    inputs = inpage_models.whatif_inputs(base, sector_impact.CASE_LABEL, sector_impact.SEGMENT)
    assert len(inputs) == 3 * len(base)
    assert set(inputs.columns) == {"case", "label", "order", "segment", "segment_label", "annual_sales"}
    for case in inpage_models.CASE_ORDER:
        assert list(inputs.loc[inputs["case"] == case, "annual_sales"]) == list(base["sales"].astype(float))
    lines = [capacity.CapacityLine("a", 100, 2027), capacity.CapacityLine("b", 50, 2029)]
    rows = inpage_models.capacity_inputs(base_demand_t=10, base_year=2025, lines=lines, end_year=2030,
                                         demand_broad={y: 2.0 * y for y in range(2025, 2031)})
    assert len(rows) == 6 * 2 and "demand_t" not in rows and "capacity_t" not in rows
    assert list(rows.loc[rows["line"] == "b", "line_start_year"].unique()) == [2029]
    empty = inpage_models.capacity_inputs(base_demand_t=10, base_year=2025, lines=[], end_year=2026,
                                          demand_broad={2025: 1.0, 2026: 2.0})
    assert list(empty["line_capacity_t"]) == [0.0, 0.0]


def test_a_chart_with_sliders_says_what_to_cite():
    chart = sector_impact.compute(DATA).figures["fig-sector_impact-whatif"].chart
    made = Figure(name="fig-x", spec=chart.to_dict(), alt_text="a", source_line="s", explore_section="sec_a-label",
                  files={"PNG": "x.png"})
    page = made.html()
    assert '<div class="figure-explore" data-chart="chart-fig-x" hidden>' in page
    assert 'href="#sec-a-label"' in page and "exploration only" in page and "prebuilt scenarios" in page
    assert page.index('class="vega-chart"') < page.index("figure-explore") < page.index("figure-source")
    plain = Figure(name="fig-y", spec={"mark": "bar"}, alt_text="a", source_line="s", files={"PNG": "y.png"})
    assert "figure-explore" not in plain.html()


def test_a_headline_is_the_chapters_wording_filled_by_vega():
    """A model's headline is written in its chapter ({figure-text}, ``headline``) and only filled
    in Vega: words as literals, ``{field:spec}`` as ``format``, cases by a model field."""
    expr = inpage_models.headline_expr({"by": "outcome", "at_risk": "About {n:,.0f} EVs\nat risk.",
                                        "no_cut": "None ({high})."})
    assert expr == ('datum.outcome === "at_risk" ? "About " + format(datum.n, ",.0f") + " EVs\\nat risk." : '
                    '"None (" + datum.high + ")."')
    assert inpage_models.headline_expr("{n} left") == '"" + datum.n + " left"'  # a string from the start
    assert inpage_models.headline_expr({"by": "met", True: "In {year}.", False: "Not."}) == \
        'datum.met === true ? "In " + datum.year + "." : "Not."'
    for page, figure in (("sector_impact", "fig-sector_impact-whatif"), ("strategy_roadmap", "fig-strategy_roadmap-capacity")):
        words = wordings.figure_texts((REPO / "book" / f"{page}.md").read_text(encoding="utf-8"))[figure]["headline"]
        assert isinstance(words, dict) and words["by"], figure
    source = inspect.getsource(inpage_models)
    assert "At these settings" not in source and "are at risk" not in source


def test_the_downloads_show_the_chapters_settings(tmp_path, monkeypatch):
    """The SVG is drawn from the spec at its defaults: its headline prints the chapter's numbers."""
    monkeypatch.setenv("REPORT_FIGURE_DIR", str(tmp_path))
    monkeypatch.delenv("REPORT_RENDER_DIR", raising=False)
    monkeypatch.setenv("REPORT_FIGURE_CREDIT", "Report · Licence")
    ch = sector_impact.compute(DATA)
    ch.figure("fig-sector_impact-whatif")
    svg = (tmp_path / "fig-sector_impact-whatif.svg").read_text(encoding="utf-8")
    assert f"about {ch['whatif_total_at_risk']:,.0f} EVs" in svg
    assert f"{ch['whatif_low_at_risk']:,.0f}–{ch['whatif_high_at_risk']:,.0f}" in svg
    roadmap = strategy_roadmap.compute(DATA)
    roadmap.figure("fig-strategy_roadmap-capacity")
    svg = (tmp_path / "fig-strategy_roadmap-capacity.svg").read_text(encoding="utf-8")
    assert f"magnet imports {roadmap['capacity_met_phrase']}." in svg or f"to {roadmap['end_year']}." in svg


# --- in the browser ------------------------------------------------------------------------------

# Set the chart's signals, let Vega recompute, and return every data set of its compiled spec.
EVALUATE = """async ({chart, settings}) => {
  const view = window.reportCharts.views[chart];
  if (!view) { throw new Error('no Vega view for ' + chart); }
  for (const [name, value] of Object.entries(settings)) { view.signal(name, value); }
  await view.runAsync();
  const spec = JSON.parse(document.querySelector('script.vega-spec[data-chart="' + chart + '"]').textContent);
  const out = {};
  for (const d of spec.data) { out[d.name] = JSON.parse(JSON.stringify(view.data(d.name))); }
  return out;
}"""


def rows_with(datasets_: dict, *fields: str) -> list[list[dict]]:
    """The data sets whose rows carry all ``fields``."""
    return [rows for rows in datasets_.values() if rows and all(f in rows[0] for f in fields)]


def evaluate(page, chart: str, controls, point) -> dict:
    return page.evaluate(EVALUATE, {"chart": chart, "settings": {c.signal: v for c, v in zip(controls, point)}})


@pytest.fixture(scope="module")
def whatif_page(built_site, served, context):
    with opened_page(context, "inpage-whatif") as (page, log):
        page.goto(served + "sector_impact.html", wait_until="load")
        wait_for_charts(page)
        yield page, log


@pytest.fixture(scope="module")
def capacity_page(built_site, served, context):
    with opened_page(context, "inpage-capacity") as (page, log):
        page.goto(served + "strategy_roadmap.html", wait_until="load")
        wait_for_charts(page)
        yield page, log


def test_inpage_whatif_matches_the_python_model_on_a_grid(whatif_page):
    page, log = whatif_page
    base = chapter_sales()
    problems = []
    for point in WHATIF_GRID:
        got = evaluate(page, WHATIF_CHART, inpage_models.WHATIF_CONTROLS, point)
        inputs = rows_with(got, "annual_sales", "segment")[0]
        assert sorted(r["annual_sales"] for r in inputs if r["case"] == "central") == sorted(base["sales"].astype(float))
        cases = {r["case"]: r for r in max(rows_with(got, "case", "at_risk", "at_risk_rounded", "share_pct"), key=len)}
        assert set(cases) == {"low", "central", "high"}
        settings = whatif_settings(point)
        for name, want in python_whatif(base, settings).items():
            row = cases[name]
            for page_field, py_field in (("cut_share", "supply_cut_share"), ("months", "disruption_months"),
                                         ("weeks", "inventory_weeks"), ("at_risk", "at_risk"), ("share_pct", "share_pct")):
                if not close(row[page_field], want[py_field]):
                    problems.append(f"{point} {name} {page_field}: page {row[page_field]!r}, Python {want[py_field]!r}")
            if row["at_risk_rounded"] != want["at_risk_rounded"]:
                problems.append(f"{point} {name} rounded: page {row['at_risk_rounded']!r}, "
                                f"Python {want['at_risk_rounded']!r}")
        headline = rows_with(got, "headline")[0][0]["headline"]
        central = python_whatif(base, settings)["central"]
        wanted = (f"about {central['at_risk_rounded']:,.0f} EVs" if central["at_risk"] > 0 else "no EVs are at risk")
        if wanted not in headline:
            problems.append(f"{point} headline {headline!r} lacks {wanted!r}")
    assert not problems, "\n".join(problems[:30])
    assert not log.problems(), log.problems()


def test_inpage_capacity_matches_the_python_model_on_a_grid(capacity_page):
    page, log = capacity_page
    roadmap = strategy_roadmap.compute(DATA)
    problems = []
    for point in CAPACITY_GRID:
        got = evaluate(page, CAPACITY_CHART, inpage_models.CAPACITY_CONTROLS, point)
        inputs = pd.DataFrame(rows_with(got, "line_capacity_t", "line_start_year")[0])
        # the inputs are the chapter's: its base demand, the scheme's capacity and start year
        assert inputs["base_demand_t"].iloc[0] == roadmap["demand_base_t"]
        assert set(inputs["line_capacity_t"]) == {roadmap["repm_capacity_t"]}
        assert set(inputs["line_start_year"]) == {roadmap["repm_start_year"]}
        want = python_path(inputs, capacity_settings(point)).set_index("year")
        years = {r["year"]: r for r in max(rows_with(got, "year", "demand_t", "capacity_t", "met", "last_year"), key=len)}
        assert sorted(years) == list(want.index)
        for year, row in years.items():
            for f in ("demand_t", "capacity_t", "gap_t"):
                if not close(row[f], float(want.loc[year, f])):
                    problems.append(f"{point} {year} {f}: page {row[f]!r}, Python {want.loc[year, f]!r}")
            if bool(row["met"]) != bool(want.loc[year, "met"]):
                problems.append(f"{point} {year} met: page {row['met']}, Python {want.loc[year, 'met']}")
        first = capacity.first_year_met(want.reset_index())
        page_first = next(iter(years.values())).get("first_met")  # undefined (dropped by JSON) when never met
        if page_first != first:
            problems.append(f"{point} first year met: page {page_first!r}, Python {first!r}")
        headline = rows_with(got, "headline")[0][0]["headline"]
        wanted = f"imports in {first}." if first is not None else f"imports to {int(want.index.max())}."
        if wanted not in headline:
            problems.append(f"{point} headline {headline!r} lacks {wanted!r}")
    assert not problems, "\n".join(problems[:30])
    assert not log.problems(), log.problems()


def test_sliders_are_named_and_move_the_chart(whatif_page):
    page, log = whatif_page
    figure = page.locator(f'.figure-explore[data-chart="{WHATIF_CHART}"]')
    assert figure.is_visible()
    assert "exploration only" in figure.inner_text()
    assert figure.locator("a[href='#sector-impact-whatif']").count() == 1
    assert page.locator("#sector-impact-whatif").count() == 1
    for control in inpage_models.WHATIF_CONTROLS:
        assert page.get_by_role("slider", name=control.label).count() == 1, control.label
    defaults = {k: v.default for k, v in inspect.signature(sector_impact.compute).parameters.items()}
    evaluate(page, WHATIF_CHART, inpage_models.WHATIF_CONTROLS,  # back to the chapter's settings
             [c.slider(defaults[c.parameter]) for c in inpage_models.WHATIF_CONTROLS])
    chart = page.locator(f"#{WHATIF_CHART}")
    before = chart.locator("svg").text_content()
    page.get_by_role("slider", name="Length of the cut, months").fill("12")
    page.wait_for_function(f"() => window.reportCharts.views['{WHATIF_CHART}'].signal('disruption_months') === 12")
    page.wait_for_timeout(200)
    after = chart.locator("svg").text_content()
    assert after != before
    want = python_whatif(chapter_sales(), {**{c.parameter: defaults[c.parameter] for c in inpage_models.WHATIF_CONTROLS},
                                           "disruption_months": 12})
    assert f"about {want['central']['at_risk_rounded']:,.0f} EVs" in after
    assert not log.problems(), log.problems()


def chapter_defaults(module) -> dict:
    return {k: v.default for k, v in inspect.signature(module.compute).parameters.items()}


def test_at_the_chapters_settings_the_page_shows_the_figures_csv(whatif_page, capacity_page):
    """At the sliders' defaults the in-page models give the rows of the figures' CSV downloads
    (the chapter's result, computed in Python)."""
    page, _ = whatif_page
    plotted = sector_impact.compute(DATA).figures["fig-sector_impact-whatif"].data.set_index("label")
    point = [c.slider(chapter_defaults(sector_impact)[c.parameter]) for c in inpage_models.WHATIF_CONTROLS]
    got = evaluate(page, WHATIF_CHART, inpage_models.WHATIF_CONTROLS, point)
    cases = max(rows_with(got, "case", "at_risk", "at_risk_rounded", "share_pct"), key=len)
    assert sorted(r["label"] for r in cases) == sorted(plotted.index)
    for row in cases:
        want = plotted.loc[row["label"]]
        assert row["at_risk_rounded"] == want["at_risk_rounded"]
        assert whatif.round_sig(row["share_pct"]) == want["share_pct"]
        assert (row["cut_pct"], row["months"], row["weeks"]) == (want["cut_pct"], want["months"], want["weeks"])

    page, _ = capacity_page
    plotted = strategy_roadmap.compute(DATA).figures["fig-strategy_roadmap-capacity"].data.set_index("year")
    point = [c.slider(chapter_defaults(strategy_roadmap)[c.parameter]) for c in inpage_models.CAPACITY_CONTROLS]
    got = evaluate(page, CAPACITY_CHART, inpage_models.CAPACITY_CONTROLS, point)
    years = max(rows_with(got, "year", "demand_t", "capacity_t", "met", "last_year"), key=len)
    assert sorted(r["year"] for r in years) == list(plotted.index)
    for row in years:
        want = plotted.loc[row["year"]]
        for f in ("demand_t", "capacity_t", "gap_t", "demand_broad_t"):
            assert round(row[f]) == want[f], (row["year"], f)
        assert bool(row["met"]) == bool(want["met"])


def test_a_chart_with_a_headline_over_its_plot_keeps_its_room_before_it_is_drawn():
    """A stacked chart (headline over plot) has no top-level height in Vega: the page keeps room
    for both parts and the gap between (scripts/sphinx_ext/report_charts.py)."""
    from report_charts import compile_spec, drawn_height

    chart = sector_impact.compute(DATA).figures["fig-sector_impact-whatif"].chart
    vega = compile_spec(chart.properties(title="t").to_dict())
    assert "height" not in vega or not isinstance(vega["height"], (int, float))
    assert drawn_height(vega) == 54 + 6 + 240
    assert drawn_height({"height": 300}) == 300 and drawn_height({}) is None
