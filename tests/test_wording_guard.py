"""The guard: reader-facing prose is written in book/, not in Python.

Fails on a string literal of six or more words (tests/wording_guard.py says exactly what counts and
what is allowed: docstrings, error messages, the analyst's messages, code; a key figure's label and
a chart's tooltip count like any other words)
- in any Python code cell of a page in book/ (none is allowed);
- in a chapter or page module and the library they call: the chapters (scripts/analysis/chapters/),
  the analysis library (scripts/analysis/*.py) and the build's page modules (scripts/pipeline/pages/:
  the Data and sources page, the citations, the data bundle, the chart runtime). None is allowed
  except the few words not yet moved into the pages, counted per module in ``NOT_YET_MOVED``. The
  count must fall to zero; the test fails when a module holds more *or fewer* than its count, so a
  move is recorded here when it is made.

Where the words went: a page's own words into its Markdown file (a chart's tooltip into its
figure's ``{figure-text}`` block, its key figures' labels into its ``{labels}`` block); the words
that belong to no one page (footer, citation notes, downloads' messages, the Data page's cells, the
in-page model's note, the label of a finding several chapters state) into the interface catalog,
``book/_interface.yml`` (``masthead.interface``); the data bundle's README into
``book/_data_readme.md``; the chart runtime's JavaScript into .js files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wording_guard import axis_title_literals, long_literals, tooltip_literals, words

REPO = Path(__file__).resolve().parents[1]
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.S | re.M)
SCRIPTS = REPO / "scripts"
# the chapter and page modules: what a page of the report computes (a page module, such as one
# behind Data and sources or What changed, may also live in analysis/pages/), the analysis library
# they call, the build's page modules (pipeline/pages/: Data and sources, citations, bundle), and
# every other module that writes into a page: the Sphinx extensions (cite blocks, link cards, the
# {choose} and figure-text directives), the masthead (edition line) and the editions (scenario
# banners, What changed)
MODULES = sorted([*(SCRIPTS / "analysis" / "chapters").glob("*.py"), *(SCRIPTS / "analysis" / "pages").glob("*.py"),
                  *(SCRIPTS / "analysis").glob("*.py"), *(SCRIPTS / "pipeline" / "pages").glob("*.py"),
                  *(SCRIPTS / "sphinx_ext").glob("*.py"), *(SCRIPTS / "masthead").glob("*.py"),
                  *(SCRIPTS / "pipeline" / "editions").glob("*.py")])
# what is still built in the modules, per module (its path under scripts/; a module not named holds
# none): none is left; a move still to make is recorded here as the module's count
NOT_YET_MOVED: dict[str, int] = {}


def module_id(path: Path) -> str:
    return path.relative_to(SCRIPTS).as_posix()


def cell_code(cell: str) -> str:
    """A code cell's Python: without its option lines (``:tags:``) or ``---`` header."""
    lines = cell.splitlines()
    if lines and lines[0] == "---":
        lines = lines[lines.index("---", 1) + 1:]
    return "\n".join(line for line in lines if not line.startswith(":"))


@pytest.mark.parametrize("page", sorted(p.name for p in (REPO / "book").glob("*.md")))
def test_no_code_cell_in_book_holds_prose(page):
    text = (REPO / "book" / page).read_text(encoding="utf-8")
    found = [(line, literal) for cell in CELL.findall(text) for line, literal in long_literals(cell_code(cell))]
    assert found == [], f"{page}: write these in the page's Markdown ({{choose}} for a variant): {found}"


def test_the_guard_reads_every_module_it_names():
    ids = [module_id(p) for p in MODULES]
    assert {"analysis/chapters/leverage.py", "analysis/figures.py", "pipeline/pages/appendix.py",
            "pipeline/pages/citation.py", "pipeline/pages/bundle.py", "pipeline/pages/runtime.py"} <= set(ids)
    assert set(NOT_YET_MOVED) <= set(ids), "NOT_YET_MOVED names a module the guard does not read"


@pytest.mark.parametrize("module", MODULES, ids=module_id)
def test_chapter_modules_hold_no_prose_beyond_what_is_still_to_move(module):
    found = long_literals(module.read_text(encoding="utf-8"))
    expected = NOT_YET_MOVED.get(module_id(module), 0)
    assert len(found) == expected, (
        f"{module_id(module)}: {len(found)} literals of six or more words, {expected} recorded in NOT_YET_MOVED; "
        + "; ".join(f"line {line}: {text[:60]!r}" for line, text in found))


@pytest.mark.parametrize("module", MODULES, ids=module_id)
def test_no_module_writes_a_tooltip(module):
    """A tooltip of any length is the page's: a module reads it (``Chapter.tooltip``) and never
    gives ``charts.sentence`` a literal."""
    found = tooltip_literals(module.read_text(encoding="utf-8"))
    assert found == [], f"{module_id(module)}: write the tooltip in the figure's {{figure-text}} block: {found}"


@pytest.mark.parametrize("module", MODULES, ids=module_id)
def test_no_module_titles_an_axis(module):
    """An axis title of any length is the page's (``axes:``): a module leaves it empty."""
    found = axis_title_literals(module.read_text(encoding="utf-8"))
    assert found == [], f"{module_id(module)}: write the axis title in the figure's {{figure-text}} block (axes:): {found}"


def test_the_axis_title_guard_sees_what_it_should():
    source = (
        'chart = charts.time_series(f, x="date", y="t", y_title="Tonnes per month", tooltip=t)\n'
        'y = alt.Y("t:Q", title="Tonnes")\n'
        'x = alt.X("date:T", title=None)\n'
        'ok = charts.ranked_bars(f, value="v", label="n", value_title="")\n'
        'legend = alt.Color("s:N", title="Source")\n'
    )
    assert axis_title_literals(source) == [(1, "Tonnes per month"), (2, "Tonnes")]


def test_the_guard_sees_what_it_should_and_allows_what_it_says():
    source = '''
"""A module docstring of well over six words, allowed."""
def f(ch, charts, x):
    """A function docstring of well over six words, allowed."""
    if x:
        raise ValueError(f"an error message of more than six words: {x}")
    short = "five words are fine here"
    title = f"China's share rises along the chain: {x} of mining"
    return "a plain sentence of seven whole words."
'''
    found = [text for _, text in long_literals(source)]
    assert found == ["China's share rises along the chain:   of mining", "a plain sentence of seven whole words."]
    assert words("ecar_demand_share_of_imports_high_pct") == 1 and words("5 t in May 2025") == 2


def test_a_key_figures_label_and_a_charts_tooltip_are_words_like_any_other():
    """The guard once let a key figure's ``label=`` and a ``charts.sentence`` template through (as
    an edition record's and a chart's own); readers see both (What changed, a key figure's note,
    a mark on hover), so a page writes them now ({labels}, a {figure-text} block's tooltip) and the
    guard counts them where a module still writes one."""
    source = '''
def f(ch, charts, year):
    ch.key("k", 1, label="Months from the April controls to the first licences")
    ch.key("share", 2, label=f"China's share of world mine production, {year}")
    tip = charts.sentence("{date|%B %Y}: {exports:,.0f} tonnes exported, {basis} and more words")
    mine = charts.sentence("{country} in " + str(year) + ": {production:,.0f} tonnes of oxide mined, {share_pct:.1f} per cent")
    read = ch.tooltip("fig-leverage-exports")  # the page's words, read: nothing here to count
    return ch.key("short", 3, label="Controls in force"), tip, mine, read
'''
    found = [text for _, text in long_literals(source)]
    assert found == ["Months from the April controls to the first licences",
                     "China's share of world mine production, ",
                     "{date|%B %Y}: {exports:,.0f} tonnes exported, {basis} and more words",
                     ": {production:,.0f} tonnes of oxide mined, {share_pct:.1f} per cent"]
    # and a tooltip too short to count as prose is still the page's
    assert tooltip_literals(source + 'short = charts.sentence("{month}: {output}")\n') == [
        (5, "{date|%B %Y}: {exports:,.0f} tonnes exported, {basis} and more words"),
        (6, ": {production:,.0f} tonnes of oxide mined, {share_pct:.1f} per cent"), (6, "{country} in "),
        (9, "{month}: {output}")]


def test_the_guard_reads_markup_by_its_text_and_allows_code_and_the_analysts_messages():
    source = '''
def note(chart_id, x, href):
    box = f'<div class="figure-explore" data-chart="{chart_id}" role="img" aria-label="{x}" hidden></div>'
    svg = f'<g class="report-footer"><rect x="0" y="{x}" width="{x}" height="{x}" fill="#ffffff"/></g>'
    slot = "<!-- the report's PDF meta tags go here, once it is printed -->"
    lead = f'<p><strong>Explore the model:</strong> the sliders recompute {x} in <a href="{href}">your</a> browser</p>'
    return box + svg + slot + lead


def chart(base, x):
    calc = base.transform_calculate(out=f"datum.year >= datum.online_year ? datum.line_t * {x} : 0 and so on")
    slider = alt.param(expr="datum.a + datum.b + datum.c + datum.d + datum.e")
    return calc.add_params(slider)


def overdue_warnings(name, due):
    return [f"warning: dataset {name} may be out of date: its next release was expected by {due}"]


def declaration_problems(where, cadence):
    return [f'{where}: freshness.cadence "{cadence}" is not one of the five cadences (rule: freshness)']


def status(name, due):
    return f"warning: dataset {name} may be out of date: its next release was expected by {due}"
'''
    found = [text for _, text in long_literals(source)]
    # markup: the attributes do not count, the words between the tags (and around a link) do;
    # code passed to a transform or as expr= and the messages of a *_warnings / *_problems function
    # are allowed, and the same message in any other function is still prose
    assert found == ["Explore the model: the sliders recompute in your browser",
                     "warning: dataset   may be out of date: its next release was expected by "]


def test_the_guard_allows_log_messages_and_other_programs_messages_but_not_a_page_node():
    source = '''
class Quiet:
    MYST_MESSAGE = "No footnote definitions found for label: 'footcite-"
    NOTE = "No footnote definitions found for this label at all"


def transform(logger, reporter, nodes, key, docname):
    logger.warning(f"{docname}: no dated source found for the newest source of the page")
    reporter.error(f"{key}: the key figure records no source ids in this page")
    return nodes.Text(f"{key} is the newest source this page uses, dated")
'''
    found = [text for _, text in long_literals(source)]
    # Sphinx's log, docutils' reporter and a message this code matches are the analyst's; a constant
    # of any other name and text put into the page are prose
    assert found == ["No footnote definitions found for this label at all", " is the newest source this page uses, dated"]
