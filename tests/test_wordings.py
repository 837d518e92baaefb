"""Every variant of every page, filled: the ``{choose}`` blocks and ``{finding}`` quotes of book/
(analysis.wordings, sphinx_ext/report_words.py) on the real data and on edited copies of it.

A page fails when a ``{choose}`` has no branch for its key figure's value (a branch the page
assumes), when a value it quotes is empty (the "and by  they were back" of a retyped finding), or
when a filled branch reads as a broken sentence (two spaces, a space before a stop, an empty
bracket). No kernel is started: the values are the chapter modules' (tests/chapters.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chapters import DATA, compute, copy_data, read_rows, write_rows

from analysis import wordings
from pipeline.config import load_site

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
MODULE_OF = {"index": "home"}
CHAPTERS = [c.name for c in load_site(REPO).chapters]
PAGES = sorted(p.stem for p in BOOK.glob("*.md") if not p.stem.startswith("_"))
FINDING = re.compile(r"^[ \t]*:{3,}\{finding\}[ \t]+(\S+)", re.M)
LABEL = re.compile(r"^[ \t]*(?:- )?\(([\w-]+)\)=[ \t]*$", re.M)
BROKEN = [
    (re.compile(r"\S {2,}\S"), "two spaces"),
    (re.compile(r" [.,;:)]"), "a space before a stop"),
    (re.compile(r"\(\s*\)"), "an empty bracket"),
    (re.compile(r"\b(by|in|of|to|and|from|on|at) [.,;:)]"), "a missing value after a preposition"),
]


def never_recover(data: Path) -> None:
    """China's exports to the world stay at their trough level after the controls."""
    path = data / "china_magnet_exports_monthly.csv"
    rows = read_rows(path)
    for row in rows:
        if row["destination"] == "World" and row["month"] >= "2025-05":
            row["exports"] = str(round(float(row["exports"]) * 0.3)) if row["exports"] else row["exports"]
    write_rows(path, rows)


def award_the_magnet_scheme(data: Path) -> None:
    """The magnet scheme's plants were awarded on 20 November 2026."""
    path = data / "policy_milestones.csv"
    rows = read_rows(path)
    for row in rows:
        if row["stage"] == "award" and row["instrument_id"] == "repm-scheme":
            row["date"], row["milestone"] = "2026-11-20", "Award of beneficiaries"
    write_rows(path, rows)


def measure_back_in_force(data: Path) -> None:
    """One of China's October 2025 measures is in force again after its suspension ended."""
    path = data / "export_control_timeline.csv"
    rows = read_rows(path)
    for row in rows:
        if row["event_id"] == "cn-2025-10-no61":
            row["status"], row["status_confirmed"] = "in_force", "2026-11-20"
    write_rows(path, rows)


EDITS = {"real data": None, "exports that do not recover": never_recover,
         "an award of the magnet scheme": award_the_magnet_scheme, "a measure back in force": measure_back_in_force}


@pytest.fixture(scope="module", params=list(EDITS))
def values(request, tmp_path_factory):
    """Every page's key figures (notebook name → name → value) on the real or an edited data set."""
    data = DATA
    if EDITS[request.param]:
        data = copy_data(tmp_path_factory.mktemp("data"))
        EDITS[request.param](data)
    return {**{f"{name}.ipynb": compute(MODULE_OF.get(name, name), data) for name in CHAPTERS},
            "what_changed.ipynb": what_changed_values()}


def what_changed_values() -> dict:
    """The What changed page's values (from the edition records, not the data): the second
    edition against the first (tests/test_changes.py fills its other cases)."""
    import json
    from dataclasses import asdict

    from pipeline.editions import changes

    second, first = (json.loads((REPO / "editions" / f"{name}.json").read_text(encoding="utf-8"))
                     for name in ("second-edition", "first-edition"))
    return asdict(changes.summarise(second, first))


def broken(text: str) -> list[str]:
    return [why for pattern, why in BROKEN if pattern.search(text)]


@pytest.mark.parametrize("page", PAGES)
def test_every_variant_of_a_page_is_filled_and_reads_as_a_sentence(page, values):
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    own = values.get(f"{page}.ipynb", {})
    for choice in wordings.choices(text):  # every branch can be filled, not only the one shown
        for case, branch in choice.cases.items():
            wordings.fill(branch, own, f"{page}.ipynb", values)
    for choice, case, branch in wordings.chosen(text, own, f"{page}.ipynb", values):
        shown = wordings.as_text(branch, collapse=False)
        assert not broken(shown), f"{page}: {{choose}} {choice.by} = {case}: {broken(shown)} in {shown!r}"
        for role in wordings.GLUE_TEXT.finditer(branch):
            source = own if not role["doc"] else values[role["doc"]]
            assert source[role["key"]] != "", f"{page}: {{choose}} {choice.by} = {case} quotes an empty {role['key']}"


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_text_of_a_page_is_filled(page, values):
    """A figure's title, subtitle and alt text ({figure-text}), every case of them, fill from the
    chapter's key figures and the page's wordings and read as sentences."""
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    own = values.get(f"{page}.ipynb", {})
    words = wordings.page_wordings(text, own, f"{page}.ipynb") if own else {}
    for figure, templates in wordings.figure_texts(text).items():
        filled = wordings.fill_figure_text(templates, own, words)
        assert set(filled) == set(wordings.FIGURE_FIELDS), figure
        for field, shown in filled.items():
            assert shown and not broken(shown), f"{page}: {figure} {field}: {shown!r}"
        fields = wordings.figure_fields(templates, own, words)
        for _, template in wordings.every_case(templates):  # the cases not shown on these data fill too
            template.format_map(fields)
        for _, row_fields, template, chosen in wordings.every_row_case(templates, fields):  # a listed piece, per row
            shown = template.format_map(row_fields)
            assert not (chosen and broken(shown)), f"{page}: {figure}: {shown!r}"
        for channel, title in wordings.fill_axes(templates, own, words).items():
            assert title and not broken(title), f"{page}: {figure} axis {channel}: {title!r}"


@pytest.mark.parametrize("page", PAGES)
def test_every_table_text_of_a_page_is_filled(page, values):
    """A table's column headers and cell words ({table-text}), every case of them, fill from the
    chapter's key figures, and every table a block words is one its chapter computes."""
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    own = values.get(f"{page}.ipynb", {})
    words = wordings.page_wordings(text, own, f"{page}.ipynb") if own else {}
    for table, templates in wordings.table_texts(text).items():
        assert f"```{{glue}} table-{table}" in text, f"{page}: {{table-text}} {table} words a table the page does not place"
        filled = wordings.fill_table_text(templates, own, words)
        for part in ("columns", "words"):
            for name, shown in filled[part].items():
                assert shown and not broken(shown), f"{page}: table {table} {part} {name}: {shown!r}"
        fields = wordings.figure_fields({"words": templates.get("words") or {}}, own, words)
        for _, template in wordings.every_table_case(templates):
            template.format_map(fields)


@pytest.mark.parametrize("page", PAGES)
def test_no_value_a_page_quotes_outside_a_variant_is_empty(page, values):
    """A value that is empty in some case (a month that has not come) is quoted only in the branch
    for that case: outside every ``{choose}`` the page must not quote it."""
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    outside = wordings.CHOOSE.sub("", text)
    own = values.get(f"{page}.ipynb", {})
    for role in wordings.GLUE_TEXT.finditer(outside):
        source = own if not role["doc"] or role["doc"] == f"{page}.ipynb" else values[role["doc"]]
        assert role["key"] in source, f"{page}: quotes {role[0]}, which its chapter does not compute"
        assert source[role["key"]] != "", f"{page}: quotes {role[0]} outside a {{choose}}, and it is empty here"


# what a page must not say once the data say otherwise (a sentence written for one branch)
NO_LONGER_TRUE = {
    "exports that do not recover": ["were back above", "recovered within", "deep but short", "then recovered"],
    "an award of the magnet scheme": ["not been awarded", "no award", "not yet chosen its plants"],
}


EDITED: dict[str, dict] = {}  # edit → every page's key figures, computed once


@pytest.mark.parametrize("edit", list(NO_LONGER_TRUE))
@pytest.mark.parametrize("page", PAGES)
def test_no_page_says_what_edited_data_contradict(page, edit, tmp_path_factory):
    if edit not in EDITED:
        data = copy_data(tmp_path_factory.mktemp("data"))
        EDITS[edit](data)
        EDITED[edit] = {**{f"{name}.ipynb": compute(MODULE_OF.get(name, name), data) for name in CHAPTERS},
                        "what_changed.ipynb": what_changed_values()}
    values = EDITED[edit]
    text = wordings.page_text((BOOK / f"{page}.md").read_text(encoding="utf-8"), values.get(f"{page}.ipynb", {}),
                              f"{page}.ipynb", values)
    said = [phrase for phrase in NO_LONGER_TRUE[edit] if phrase in text.lower()]
    assert said == [], f"{page} still says {said} with {edit}"


def test_the_summary_and_the_landing_page_quote_findings_by_reference():
    """Each ``{finding}`` names a label a chapter sets, and the summary retypes no chapter's value."""
    labels = {label for name in CHAPTERS for label in LABEL.findall((BOOK / f"{name}.md").read_text(encoding="utf-8"))}
    quoted = []
    for page in ("summary", "index"):
        found = FINDING.findall((BOOK / f"{page}.md").read_text(encoding="utf-8"))
        assert found, f"{page} quotes no finding"
        quoted += found
    assert sorted(set(quoted) - labels) == []
    assert not wordings.GLUE_TEXT.search((BOOK / "summary.md").read_text(encoding="utf-8"))


def test_a_value_that_is_empty_in_one_case_is_caught():
    """The check itself: the retyped sentence of the second edition fails on exports that do not recover."""
    retyped = "and by {glue:text}`leverage.ipynb::exports_recovery_month:s` they were back"
    values = {"leverage.ipynb": {"exports_recovery_month": ""}}
    with pytest.raises(AssertionError):
        for role in wordings.GLUE_TEXT.finditer(retyped):
            assert values[role["doc"]][role["key"]] != ""
    assert broken(wordings.as_text(wordings.fill(retyped, {}, "index.ipynb", values), collapse=False))


def test_a_page_that_assumes_a_branch_is_caught():
    page = "::::{choose} ends_outcome\n---\n---\n:::{case} next_end\nStill running.\n:::\n::::\n"
    with pytest.raises(LookupError, match="no branch for the value 'end_passed'"):
        wordings.chosen(page, {"ends_outcome": "end_passed"})


def test_the_edits_reach_the_branches_they_are_for(tmp_path):
    data = copy_data(tmp_path)
    never_recover(data)
    award_the_magnet_scheme(data)
    assert compute("leverage", data)["exports_recovered"] is False
    assert compute("strategy_roadmap", data)["repm_awarded"] is True


def test_a_figure_text_lists_a_row_set_and_titles_axes():
    """``each`` fills a piece once per row (its cases chosen per row) and joins the rows; ``axes``
    gives axis titles by channel, like the other fields."""
    block = """
:::{figure-text} fig-x
words:
  ends:
    each: measures
    join: "; "
    words:
      since:
        by: confirmed_any
        True: "confirmed on {confirmed}"
        False: "never confirmed"
    item: "{measure} ended on {end}, {since}"
title: "{n} measures: {ends}"
subtitle: "As of {as_of}."
alt: "{ends}."
axes:
  y:
    by: percent
    True: "Share (%)"
    False: "Tonnes"
:::
"""
    templates = wordings.figure_texts(block)["fig-x"]
    rows = [{"measure": "No. 70", "end": "10 November 2026", "confirmed_any": True, "confirmed": "1 May 2026"},
            {"measure": "No. 72", "end": "9 November 2026", "confirmed_any": False, "confirmed": ""}]
    values = {"n": 2, "measures": rows, "as_of": "1 December 2026", "percent": True}
    filled = wordings.fill_figure_text(templates, values, {})
    assert filled["title"] == ("2 measures: No. 70 ended on 10 November 2026, confirmed on 1 May 2026; "
                               "No. 72 ended on 9 November 2026, never confirmed")
    assert wordings.fill_figure_text(templates, {**values, "measures": []}, {})["alt"] == "."
    assert wordings.fill_axes(templates, values, {}) == {"y": "Share (%)"}
    assert wordings.fill_axes(templates, {**values, "percent": False}, {}) == {"y": "Tonnes"}
    cases = list(wordings.every_row_case(templates, wordings.figure_fields(templates, values, {})))
    shown = {t.format_map(f) for _, f, t, chosen in cases if chosen}
    assert "never confirmed" in shown and "confirmed on 1 May 2026" in shown  # each row's own case
    assert len(cases) == 2 * (1 + 2)  # on each row: the item, and both cases of its piece
    assert ("axes", "y") not in [(k, v) for k, v in wordings.every_case(templates)]
    assert {v for _, v in wordings.every_case(templates)} >= {"Share (%)", "Tonnes"}


def test_a_chapter_shows_its_pages_table_words_and_axis_titles(tmp_path, monkeypatch):
    """A {table-text} block heads a table's columns and words its ``{word}`` cells; a
    {figure-text} block's ``axes`` title a chart whose module left them to the page. A ``{word}``
    cell or an axis title the page does not give is refused, not shown as written."""
    import altair as alt
    import pandas as pd

    from analysis.chapters import Chapter, Figure

    (tmp_path / "page.md").write_text("""
:::{table-text} costs
columns:
  share: "Share of the scheme's outlay"
words:
  undated: "award of the scheme ({years} years to produce)"
:::

:::{figure-text} fig-page-share
title: "t"
subtitle: "s"
alt: "a"
axes:
  y: "Share of exports (%)"
:::
""", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ch = Chapter(tmp_path, page="page")
    ch.key("years", 2)
    ch.tables["costs"] = pd.DataFrame({"What": ["{undated}", "plain"], "share": ["5%", "6%"], "n": [1, 2]})
    shown = ch.shown_table("costs")
    assert list(shown.columns) == ["What", "Share of the scheme's outlay", "n"]
    assert list(shown["What"]) == ["award of the scheme (2 years to produce)", "plain"]
    assert list(ch.tables["costs"].columns) == ["What", "share", "n"]  # the computed table is unchanged
    ch.tables["other"] = pd.DataFrame({"What": ["{missing}"]})
    with pytest.raises(KeyError, match="missing"):
        ch.shown_table("other")

    frame = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-02-01"]), "v": [1.0, 2.0]})
    line = alt.Chart(frame).mark_line().encode(x=alt.X("date:T", title=None), y=alt.Y("v:Q", title=""))
    dots = alt.Chart(frame).mark_point().encode(x="date:T", y="v:Q")
    ch.figures["fig-page-share"] = Figure(alt.layer(line, dots), "", [], "%", frame)
    spec = ch.chart("fig-page-share").to_dict()
    assert [layer["encoding"]["y"].get("title") for layer in spec["layer"]] == ["Share of exports (%)", None]
    assert spec["layer"][0]["encoding"]["x"]["title"] is None  # a title hidden on purpose stays hidden
    assert line.to_dict()["encoding"]["y"]["title"] == ""  # the module's chart is not changed
    ch.figures["fig-page-other"] = Figure(line, "", [], "%", frame)
    with pytest.raises(ValueError, match="left to the page"):
        ch.chart("fig-page-other")
    ch.figures["fig-page-share"] = Figure(dots, "", [], "%", frame)  # no title left to the page
    with pytest.raises(ValueError, match="does not leave"):
        ch.chart("fig-page-share")


def test_the_status_words_cover_every_status_and_agree_wherever_written():
    """Each page that shows measures' statuses writes their words ({words} status, and the chart
    labels' shorter forms, {words} status-short) for every code analysis.controls gives, and the
    pages write the same words: a status reads the same on every page."""
    from analysis import controls

    lists = {page: wordings.word_lists((BOOK / f"{page}.md").read_text(encoding="utf-8")) for page in PAGES}
    written = {page: found for page, found in lists.items() if "status" in found}
    assert set(written) >= {"geopolitics", "leverage"}
    for page, found in written.items():
        assert set(found["status"]) == set(controls.STATUS_CODES), page
        assert set(found.get("status-short", {})) <= set(controls.STATUS_CODES), page
        assert all(found["status"].values()), page
    first = next(iter(written.values()))
    assert all(found == first for found in written.values())
    with pytest.raises(ValueError, match="one 'code: words' line"):
        wordings.word_lists(":::{words} bad\na:\n  b: c\n:::\n")


@pytest.mark.parametrize("page", PAGES)
def test_every_label_of_a_page_is_filled(page, values):
    """Each key figure's label ({labels} on its page: its own, or the interface catalog's for a
    finding several chapters state) names a key figure its chapter computes and fills from the
    chapter's values, on the real data and on every edited copy, reading as words."""
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    own = values.get(f"{page}.ipynb", {})
    for name, template in wordings.key_labels(text).items():
        assert name in own, f"{page}: {{labels}} labels {name}, which its chapter does not compute"
        shown = template.format_map(own)
        assert shown.strip() and not broken(shown) and "{" not in shown, f"{page}: the label of {name}: {shown!r}"


def test_a_catalog_label_is_one_several_pages_share():
    """The catalog labels a finding several chapters state, once: every label in it is shared by two
    pages or more (one page's label belongs in that page), and no page writes its own wording of
    a label the catalog gives."""
    from masthead import interface

    catalog = interface.entry("labels")
    pages = {page: (BOOK / f"{page}.md").read_text(encoding="utf-8") for page in PAGES}
    sharing = {name: [page for page, text in pages.items()
                      if any(name in head["options"].split() for block in wordings.LABELS.finditer(text)
                             if (head := wordings.LABELS_HEAD.match(block["body"])))]
               for name in catalog}
    assert {name: found for name, found in sharing.items() if len(found) < 2} == {}
    for page, text in pages.items():
        assert all(label == catalog[name] for name, label in wordings.key_labels(text).items() if name in catalog), page


def test_a_chapters_labels_are_its_pages_and_a_bad_one_names_the_page_and_the_key(tmp_path, monkeypatch):
    """``Chapter.labels``: the page's {labels} block filled from the values (with the catalog's label
    of each key figure it names under ``shared``), none for the other figures; a label of a key
    figure not computed, a field not computed, a key figure labelled twice or shared from a
    catalog that does not label it is refused with the page and the key figure named."""
    from analysis.chapters import Chapter

    monkeypatch.chdir(tmp_path)

    def chapter(block: str, shared: str = "") -> Chapter:
        head = f"---\nshared: {shared}\n---\n" if shared else ""
        (tmp_path / "page.md").write_text(f"Prose.\n\n:::{{labels}}\n{head}{block}:::\n", encoding="utf-8")
        ch = Chapter(tmp_path, page="page")
        ch.key("exports_t", 1200.0, unit="t")
        ch.key("exports_year", 2025)
        ch.key("mine_year", 2024)
        ch.key("china_mine_share_pct", 69.2, unit="%")
        return ch

    ch = chapter('exports_t: "China\'s magnet exports in {exports_year}"\n')
    assert ch.labels() == {"exports_t": "China's magnet exports in 2025"}  # the catalog's only where shared
    assert ch.label("china_mine_share_pct") == ch.label("exports_year") == ""  # What changed words the name
    ch = chapter('exports_t: "China\'s magnet exports in {exports_year}"\n', shared="china_mine_share_pct")
    assert ch.labels() == {"exports_t": "China's magnet exports in 2025",
                           "china_mine_share_pct": "China's share of world mine production, 2024"}
    with pytest.raises(ValueError, match=r"page: the \{labels\} block labels 'imports_t'"):
        chapter('imports_t: "India\'s imports"\n').labels()
    with pytest.raises(ValueError, match=r"page: the label of 'exports_t'.*imports_year"):
        chapter('exports_t: "China\'s magnet exports in {imports_year}"\n').labels()
    with pytest.raises(ValueError, match=r"page: .*china_mine_share_pct labelled twice"):
        chapter('china_mine_share_pct: "China\'s share of mining"\n', shared="china_mine_share_pct").labels()
    with pytest.raises(ValueError, match=r"page: .*shared exports_t, which the interface catalog does not label"):
        chapter("", shared="exports_t").labels()
    with pytest.raises(ValueError, match="one 'key_figure: label' line"):
        wordings.key_labels(":::{labels}\nexports_t:\n  by: x\n:::\n")
    assert wordings.key_labels(":::{labels}\n---\nshared: a\n---\n:::\n", catalog={"a": "A {x}"}) == {"a": "A {x}"}
    assert "China's magnet exports" not in wordings.page_text(
        (tmp_path / "page.md").read_text(encoding="utf-8"), {})  # the block is not the page's prose


def test_a_charts_tooltip_is_its_pages(tmp_path, monkeypatch):
    """``Chapter.tooltip``: the ``tooltip`` of the figure's {figure-text} block (or one of its
    ``tooltips`` by name) as a ``charts.sentence``, a key figure named in ``keys`` filled first; a
    tooltip the page does not write is refused, and so is one the page writes that the chart does
    not show."""
    import altair as alt
    import pandas as pd

    from analysis import charts
    from analysis.chapters import Chapter, Figure

    (tmp_path / "page.md").write_text("""
:::{figure-text} fig-page-mine
title: "t"
subtitle: "s"
alt: "a"
tooltip: "{country} in {mine_year}: {share_pct:.1f} per cent[ ({note})]"
:::

:::{figure-text} fig-page-two
title: "t"
subtitle: "s"
alt: "a"
tooltips:
  exports: "{date|%B %Y}: {exports:,.0f} tonnes exported"
  marks: "{start|%-d %B %Y}: China announced {label}"
:::
""", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ch = Chapter(tmp_path, page="page")
    ch.key("mine_year", 2025)
    tip = ch.tooltip("fig-page-mine", keys=["mine_year"])
    assert tip == charts.sentence("{country} in 2025: {share_pct:.1f} per cent[ ({note})]")
    assert ch.tooltip("fig-page-mine").fields() == ["country", "mine_year", "share_pct", "note"]  # else the browser's
    assert ch.tooltip("fig-page-two", "marks").template == "{start|%-d %B %Y}: China announced {label}"
    with pytest.raises(KeyError, match="page: no 'tooltips: lines'"):
        ch.tooltip("fig-page-two", "lines")
    with pytest.raises(KeyError, match="page: no 'tooltip'.*fig-page-other"):
        ch.tooltip("fig-page-other")
    with pytest.raises(ValueError, match="date format"):
        charts.sentence("{date|%B %Y}: {exports}").with_values({"date": "2025"})

    frame = pd.DataFrame({"country": ["China"], "share_pct": [69.2], "exports": [1.0]})
    ch.figures["fig-page-mine"] = Figure(charts.with_tooltip(alt.Chart(frame).mark_bar(), tip), "", [], "%", frame)
    assert ch._unread_tooltips("fig-page-mine") == []
    ch.figures["fig-page-two"] = Figure(alt.Chart(frame).mark_line(), "", [], "t", frame)
    with pytest.raises(ValueError, match="page: the \\{figure-text\\} block of fig-page-two writes exports, "
                                         "which its chart does not show"):
        ch.figure("fig-page-two")
    with pytest.raises(ValueError, match="not both"):
        wordings.figure_texts(":::{figure-text} f\ntooltip: \"a\"\ntooltips:\n  b: \"c\"\n:::\n")


def _chart_fields(spec) -> set[str]:
    """Every field a chart's marks may read: its rows' columns and what its transforms compute."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("as"), str):
                found.add(node["as"])
            elif isinstance(node.get("as"), list):
                found.update(a for a in node["as"] if isinstance(a, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    for rows in spec.get("datasets", {}).values():
        found.update(key for row in rows for key in row)
    return found


def _tooltip_fields(spec) -> set[str]:
    """The fields the chart's tooltip sentences read (``charts.TOOLTIP_FIELD``, built in the browser)."""
    import json
    import re

    from analysis import charts

    text = json.dumps(spec)
    found: set[str] = set()
    for calc in re.findall(r'\{"calculate": ("(?:[^"\\]|\\.)*"), "as": "' + charts.TOOLTIP_FIELD + r'"\}', text):
        found.update(re.findall(r'datum\["([^"]+)"\]', json.loads(calc)))
    return found


@pytest.mark.parametrize("name", [c for c in CHAPTERS if c != "data_sources"])
def test_every_tooltip_a_page_writes_is_one_its_chart_shows(name):
    """Each ``tooltip`` (or ``tooltips``) of a page's {figure-text} blocks is read by its chapter
    for a figure it computes, and every field the browser fills names a field of the chart (a
    column of its rows or one a transform computes): no mark reads "not known" for a field that is
    never there (a key figure the module did not fill, say)."""
    import importlib

    module = importlib.import_module(f"analysis.chapters.{MODULE_OF.get(name, name)}")
    ch = module.compute(DATA)
    written = {fig for fig, t in wordings.figure_texts((BOOK / f"{name}.md").read_text(encoding="utf-8")).items()
               if "tooltip" in t or "tooltips" in t}
    assert written or not ch.figures, f"{name}: no tooltip written in the page"
    for fig in written:
        assert fig in ch.figures, f"{name}: a tooltip for {fig}, which the chapter does not compute"
        assert ch._unread_tooltips(fig) == [], f"{name}: {fig}'s tooltips {ch._unread_tooltips(fig)} are not shown"
    for fig in ch.figures:
        spec = ch.chart(fig).to_dict()
        read = _tooltip_fields(spec)
        assert read, f"{name}: {fig} has no tooltip sentence"
        missing = sorted(read - _chart_fields(spec))
        assert missing == [], f"{name}: {fig}'s tooltip reads {missing}, which no row or transform of the chart holds"
