"""Variant wordings written in a page's Markdown, read without Sphinx.

A sentence whose shape depends on the data is written in the page, one Markdown branch per case::

    ::::{choose} exports_recovered
    ---
    inline: before
    wording: exports_shock_finding
    ---
    :::{case} True
    By {glue:text}`exports_recovery_month:s` they were above their level a year earlier.
    :::
    :::{case} False
    No later month is back above its level a year earlier.
    :::
    ::::

``{choose}``'s argument is a key figure (``page.ipynb::name`` for another page's); the branch
whose ``{case}`` equals its value is shown (``sphinx_ext/report_words.py``), the others are
dropped. A case names a value as Python writes it (``True``, ``reported``, ``3``); ``{case} *``
is the branch for any other value. The options, in the ``---`` block MyST reads first (a line
starting with a colon would be taken for an option), are ``inline`` (see
``sphinx_ext/report_words.py``) and ``wording``, a name under which the tests fill the block
(``tests/chapters.py``). This module finds the blocks and fills a branch from key
figures the way the page would show it, so the tests can fill every variant of every page.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

CHOOSE = re.compile(r"^[ \t]*(?:[-*] )?(?P<fence>:{4,})\{choose\}[ \t]+(?P<by>\S+)[ \t]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
                    re.S | re.M)
CASE = re.compile(r"^[ \t]*(?P<fence>:{3})\{case\}[ \t]+(?P<value>[^\n]+?)[ \t]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
                  re.S | re.M)
OPTION = re.compile(r"^[ \t]*(\w+):[ \t]*(.*)$", re.M)  # in the block's ``---`` options
GLUE_TEXT = re.compile(r"\{glue:text\}`(?:(?P<doc>[^`:]+)::)?(?P<key>[^`:]+)(?::(?P<fmt>[^`]*))?`")
ANY_VALUE = "*"


@dataclass
class Choice:
    """One ``{choose}`` block: the key it is chosen by, its options and its branches (case → Markdown)."""

    by: str
    cases: dict[str, str]
    options: dict[str, str] = field(default_factory=dict)
    line: int = 0

    @property
    def doc(self) -> str:
        return self.by.split("::", 1)[0] if "::" in self.by else ""

    @property
    def key(self) -> str:
        return self.by.split("::", 1)[-1]


def case_value(text: str):
    """A case's value as Python reads it ("True" → True, "3" → 3); anything else is its text."""
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return text.strip()


def matches(case: str, value) -> bool:
    """Whether the case written ``case`` is the branch for ``value`` (``*`` is never a match here)."""
    wanted = case_value(case)
    if isinstance(value, bool) or isinstance(wanted, bool):
        return isinstance(value, bool) and isinstance(wanted, bool) and wanted is value
    return wanted == value or str(wanted) == str(value)


def pick(cases, value) -> str | None:
    """The case that applies to ``value``: the one equal to it, else ``*``, else None."""
    for case in cases:
        if case != ANY_VALUE and matches(case, value):
            return case
    return ANY_VALUE if ANY_VALUE in cases else None


def choices(markdown: str) -> list[Choice]:
    """Every ``{choose}`` block of a page's Markdown, in order."""
    found = []
    for block in CHOOSE.finditer(markdown):
        body = block["body"]
        cases = {c["value"]: c["body"] for c in CASE.finditer(body)}
        head = CASE.split(body, maxsplit=1)[0]
        options = dict(OPTION.findall(head))
        found.append(Choice(block["by"], cases, options, markdown[: block.start()].count("\n") + 1))
    return found


def fill(markdown: str, values: dict, page: str = "", pages: dict | None = None) -> str:
    """``markdown`` with each ``{glue:text}`` role replaced by its value, formatted as the page
    formats it (``values`` are this page's key figures; ``pages`` maps another page's notebook
    name, e.g. ``leverage.ipynb``, to its key figures). Raises KeyError for a key no page holds."""

    def one(role):
        doc, name, fmt = role["doc"], role["key"], role["fmt"] or "s"
        source = values if not doc or doc == page else (pages or {})[doc]
        value = source[name]
        return format(value, fmt) if fmt != "s" else str(value)

    return GLUE_TEXT.sub(one, markdown)


def chosen(markdown: str, values: dict, page: str = "", pages: dict | None = None) -> list[tuple[Choice, str, str]]:
    """For each ``{choose}`` of a page: the block, the case that applies and its branch filled
    (``fill``); with ``pages=None``, only those chosen by the page's own key figures. Raises
    LookupError when the key figure is missing or no branch fits its value."""
    out = []
    for choice in choices(markdown):
        if pages is None and choice.doc and choice.doc != page:
            continue  # another page's key figure, and no other page's values given
        source = values if not choice.doc or choice.doc == page else (pages or {})[choice.doc]
        if choice.key not in source:
            raise LookupError(f"line {choice.line}: {{choose}} {choice.by}: no key figure {choice.key!r}")
        case = pick(choice.cases, source[choice.key])
        if case is None:
            raise LookupError(f"line {choice.line}: {{choose}} {choice.by}: no branch for the value "
                              f"{source[choice.key]!r} (cases: {', '.join(choice.cases)})")
        out.append((choice, case, fill(choice.cases[case], values, page, pages)))
    return out


ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`]*)`")
CITATION = re.compile(r"\s*\{(?:foot)?cite(?::\w+)?\}`[^`]*`")


def as_text(markdown: str, collapse: bool = True) -> str:
    """A filled branch as a reader sees its words: citations dropped, a reference or term as its
    text (``{term}`rare-earth oxide <REO>``` → "rare-earth oxide"), lines joined; ``collapse``
    also folds runs of spaces into one (``collapse=False`` keeps the double space an empty value
    leaves, for the tests that look for one)."""
    text = CITATION.sub("", markdown)
    text = ROLE.sub(lambda role: re.sub(r"\s*<[^<>]*>$", "", role["text"]), text)
    text = re.sub(r"[ \t]*\n[ \t]*", " ", text).strip()
    return re.sub(r" {2,}", " ", text) if collapse else text


FIGURE_TEXT = re.compile(r"^[ \t]*(?P<fence>:{3,})\{figure-text\}[ \t]+(?P<name>\S+)[ \t]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
                         re.S | re.M)
FIGURE_FIELDS = ("title", "subtitle", "alt")
# a block may also name pieces of wording (``words:``) that its fields quote by name, each a
# template or a mapping of cases; what a model drawn in the browser writes (``headline``) is a field
# too, and so are the chart's axis titles (``axes:``, by channel: ``x``, ``y``) and its tooltips
# (``tooltip:``, or ``tooltips:`` by name for a chart whose layers say different things), which the
# browser fills mark by mark (``analysis.charts.sentence``)
FIGURE_PARTS = ("words", "headline", "axes", "tooltip", "tooltips")


def figure_texts(markdown: str) -> dict[str, dict[str, str]]:
    """The ``{figure-text}`` blocks of a page: figure name → its title, subtitle and alt-text
    templates. A block sits beside its figure's ``{glue:figure}`` and is not shown itself::

        :::{figure-text} fig-leverage-exports
        title:
          by: exports_recovered
          True: "China's magnet exports fell {exports_drop_pct:.0f}%, then recovered"
          False: "China's magnet exports fell {exports_drop_pct:.0f}% and stayed down"
        subtitle: "Tonnes per month, {exports_chart_from} to {exports_latest_month}"
        alt: "… {exports_recovery}"
        :::

    The block's body is YAML (so the page does not parse it). Its templates are filled as
    ``str.format`` fills them, from the chapter's key figures and from the page's ``{choose}``
    wordings by their names (``fill_figure_text``); a field whose wording depends on the data is a
    mapping with ``by`` (a key figure) and one template per case, as ``{case}`` names them.
    More fields: ``words``, named pieces (templates or cases) that the fields quote by name,
    for a clause that varies inside a sentence; ``axes``, the chart's axis titles by channel
    (``y: "US share of China's magnet exports (%)"``), templates or cases like the others, for the
    titles a module leaves to the page (empty, ``y_title=""``; the chapter refuses a figure whose
    page gives none, ``analysis.chapters.with_axis_titles``); and ``headline``, the
    sentence an in-page model draws over its chart, a template of the model's own fields that the
    chart fills in the browser at the sliders' settings (``analysis.inpage_models.headline_expr``).
    ``tooltip`` is what the chart says about a mark on hover, a template in ``charts.sentence``'s
    syntax that the browser fills from the mark's row (``"{date|%B %Y}: {exports:,.0f} tonnes
    exported, {basis}"``); a chart whose layers say different things names each under
    ``tooltips`` (``exports: "…"``, ``announcements: "…"``). The module reads them when it builds
    the chart (``Chapter.tooltip``), which may fill a key figure into one first (a year the rows do
    not hold).

    A piece of ``words`` may also list: ``each: <rows>`` names a row set the chapter computes
    (``Chapter.rows``: one mapping of values per row), ``item`` is the template (or cases) filled
    from each row's values, ``words`` pieces filled per row before it, and ``join`` (default
    ``"; "``) what stands between the rows::

        words:
          ends:
            each: ends_passed_measures
            join: "; "
            item:
              by: confirmed_any
              True: "{measure} was scheduled to end on {end}; its status was confirmed on {confirmed}"
              False: "{measure} was scheduled to end on {end}; no source confirms its status"
    """
    import yaml

    found = {}
    for block in FIGURE_TEXT.finditer(markdown):
        head = block["body"].strip()
        if head.startswith("---"):
            head = head[3:].rsplit("---", 1)[0]
        fields = yaml.safe_load(head) or {}
        unknown = set(fields) - set(FIGURE_FIELDS) - set(FIGURE_PARTS)
        if unknown:
            raise ValueError(f"{{figure-text}} {block['name']}: unknown fields {sorted(unknown)} "
                             f"(a figure's text is its {', '.join(FIGURE_FIELDS + FIGURE_PARTS)})")
        if "tooltip" in fields and "tooltips" in fields:
            raise ValueError(f"{{figure-text}} {block['name']}: a 'tooltip' or 'tooltips' by name, not both")
        if not isinstance(fields.get("tooltips", {}), dict):
            raise ValueError(f"{{figure-text}} {block['name']}: 'tooltips' names each layer's tooltip (name: template)")
        found[block["name"]] = {k: v if isinstance(v, dict) else str(v) for k, v in fields.items()}
    return found


def page_wordings(markdown: str, values: dict, page: str = "") -> dict[str, str]:
    """The page's ``{choose}`` blocks that have a ``wording`` name, each as its chosen branch reads
    (plain text), by that name: what a figure's text may quote."""
    return {choice.options["wording"]: as_text(branch) for choice, _, branch in chosen(markdown, values, page)
            if "wording" in choice.options}


def _chosen_template(name: str, template, values: dict) -> str:
    """A field's template: itself, or, for a mapping ``{by: key, <case>: template, ...}``, the
    template of the case the key figure's value picks."""
    if not isinstance(template, dict):
        return str(template)
    cases = {str(k): str(v) for k, v in template.items() if k != "by"}
    case = pick(cases, values[template["by"]])
    if case is None:
        raise LookupError(f"figure text {name}: no case for {template['by']} = {values[template['by']]!r}")
    return cases[case]


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def figure_fields(templates: dict, values: dict, words: dict[str, str]) -> dict:
    """What a figure's templates may quote: key figures, the page's wordings and the block's own
    ``words`` pieces, filled in order (a piece may quote those before it; a piece with ``each``
    is its ``item`` filled once per row and joined)."""
    fields = {**values, **words}
    for name, template in (templates.get("words") or {}).items():
        if isinstance(template, dict) and "each" in template:
            fields[name] = _each(name, template, fields)
        else:
            fields[name] = _one_line(_chosen_template(name, template, fields).format_map(fields))
    return fields


EACH_PARTS = ("each", "item", "words", "join")


def _each(name: str, piece: dict, fields: dict) -> str:
    """A ``words`` piece with ``each``: its ``item`` filled from every row of the row set it names
    (the row's values over the block's fields, then the piece's own ``words`` per row), joined."""
    unknown = set(piece) - set(EACH_PARTS)
    if unknown or "item" not in piece:
        raise ValueError(f"figure text {name}: a piece with 'each' has an 'item' and may have "
                         f"'words' and 'join', not {sorted(unknown)}")
    rows = fields[piece["each"]]
    filled = []
    for row in rows:
        here = figure_fields({"words": piece.get("words") or {}}, {**fields, **row}, {})
        filled.append(_one_line(_chosen_template(name, piece["item"], here).format_map(here)))
    return str(piece.get("join", "; ")).join(filled)


def every_case(templates: dict):
    """(field, template) for every case of every field and piece of a figure's block (those the
    data do not choose too), for the tests that fill them all."""
    # a model's headline is filled in the browser from the model's fields (analysis.inpage_models);
    # a piece with ``each`` is filled per row (every_row_case)
    named = [(k, v) for k, v in templates.items() if k not in FIGURE_PARTS] + list((templates.get("words") or {}).items()) \
        + list((templates.get("axes") or {}).items())
    for name, template in named:
        if isinstance(template, dict) and "each" in template:
            continue
        if isinstance(template, dict):
            yield from ((name, str(v)) for k, v in template.items() if k != "by")
        else:
            yield name, str(template)


def every_row_case(templates: dict, fields: dict):
    """(piece, row's fields, template, whether the row chooses it) for every case of every
    ``each`` piece of a figure's block, on every row of its row set (the cases a row does not
    choose too: they must fill, though they need not read well on that row), for the tests."""
    for name, piece in (templates.get("words") or {}).items():
        if not (isinstance(piece, dict) and "each" in piece):
            continue
        for row in fields[piece["each"]]:
            here = figure_fields({"words": piece.get("words") or {}}, {**fields, **row}, {})
            for part in [piece["item"], *(piece.get("words") or {}).values()]:
                if not isinstance(part, dict):
                    yield name, here, str(part), True
                    continue
                cases = {str(k): str(v) for k, v in part.items() if k != "by"}
                chosen = pick(cases, here[part["by"]])
                yield from ((name, here, case, key == chosen) for key, case in cases.items())


def fill_axes(templates: dict, values: dict, words: dict[str, str]) -> dict[str, str]:
    """A figure's axis titles by channel (``axes:``), filled like its other fields; {} without any."""
    fields = figure_fields(templates, values, words)
    return {channel: _one_line(_chosen_template(f"axes {channel}", template, fields).format_map(fields))
            for channel, template in (templates.get("axes") or {}).items()}


def fill_figure_text(templates: dict, values: dict, words: dict[str, str]) -> dict[str, str]:
    """A figure's title, subtitle and alt text filled from key figures, the page's wordings and
    the block's own ``words`` (pieces filled first, in order, each able to quote those before it).
    A ``headline`` (the in-page model's, filled in the browser) is left out here."""
    fields = figure_fields(templates, values, words)
    filled = {}
    for name, template in templates.items():
        if name in FIGURE_PARTS:
            continue
        filled[name] = _one_line(_chosen_template(name, template, values).format_map(fields))
    return filled


TABLE_TEXT = re.compile(r"^[ \t]*(?P<fence>:{3,})\{table-text\}[ \t]+(?P<name>\S+)[ \t]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
                        re.S | re.M)
TABLE_PARTS = ("columns", "words")
TABLE_WORD = re.compile(r"^\{(?P<name>\w+)\}$")


def table_texts(markdown: str) -> dict[str, dict]:
    """The ``{table-text}`` blocks of a page: table name → its words. A block sits beside the
    table's ``{glue}`` and is not shown itself; like a ``{figure-text}`` block its body is YAML::

        :::{table-text} buffer
        columns:
          share_of_outlay: "Share of the magnet scheme's outlay"
        words:
          award_due: "India: award of the magnet scheme (plants then have {repm_gestation_years} years)"
        :::

    ``columns`` gives a column's header by the name the module gives it; ``words`` the phrases
    that cells quote: a cell the module writes as ``{award_due}`` shows the word ``award_due``.
    Both are templates (or cases, with ``by``) of key figures, filled as a figure's words are
    (``fill_table_text``)."""
    import yaml

    found = {}
    for block in TABLE_TEXT.finditer(markdown):
        fields = yaml.safe_load(block["body"]) or {}
        unknown = set(fields) - set(TABLE_PARTS)
        if unknown:
            raise ValueError(f"{{table-text}} {block['name']}: unknown fields {sorted(unknown)} "
                             f"(a table's text is its {' and '.join(TABLE_PARTS)})")
        found[block["name"]] = fields
    return found


def fill_table_text(templates: dict, values: dict, words: dict[str, str]) -> dict[str, dict[str, str]]:
    """A table's column headers and cell words (``{table-text}``), filled from key figures and
    the page's wordings: {"columns": {name: header}, "words": {name: phrase}}."""
    fields = figure_fields({"words": templates.get("words") or {}}, values, words)
    columns = {str(column): _one_line(_chosen_template(f"column {column}", template, fields).format_map(fields))
               for column, template in (templates.get("columns") or {}).items()}
    return {"columns": columns, "words": {name: fields[name] for name in templates.get("words") or {}}}


def every_table_case(templates: dict):
    """(part, template) for every case of a table's columns and words, for the tests."""
    for name, template in [*(templates.get("columns") or {}).items(), *(templates.get("words") or {}).items()]:
        cases = [v for k, v in template.items() if k != "by"] if isinstance(template, dict) else [template]
        yield from ((str(name), str(case)) for case in cases)


def page_source(page: str) -> str | None:
    """The Markdown of page ``page`` as the kernel running it can read it: ``<page>.md`` beside the
    notebook (a plain ``jupyter-book build``), the staged notebook's Markdown cells
    (``scripts/build.py`` runs it in the staging folder, beside ``.inputs/<page>.ipynb``), or the
    repository's ``book/<page>.md``
    (a chapter computed without a kernel). None when there is none."""
    import json
    from pathlib import Path

    here = Path.cwd()
    if (here / f"{page}.md").is_file():
        return (here / f"{page}.md").read_text(encoding="utf-8")
    staged = here / ".inputs" / f"{page}.ipynb"
    if staged.is_file():
        cells = json.loads(staged.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    repository = Path(__file__).resolve().parents[2] / "book" / f"{page}.md"
    return repository.read_text(encoding="utf-8") if repository.is_file() else None


CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```[ \t]*$", re.S | re.M)


def page_text(markdown: str, values: dict, page: str = "", pages: dict | None = None) -> str:
    """A page's words as a reader would see them on these values, roughly: code cells and front
    matter left out, each ``{choose}`` replaced by its chosen branch, every ``{glue:text}`` filled
    (for the tests that look for a sentence that no longer holds on edited data)."""
    text = CODE_CELL.sub("", markdown.split("\n---\n", 1)[-1] if markdown.startswith("---") else markdown)
    text = LABELS.sub("", WORDS.sub("", TABLE_TEXT.sub("", FIGURE_TEXT.sub("", text))))
    branches = iter(chosen(text, values, page, pages if pages is not None else {}))
    text = CHOOSE.sub(lambda _: next(branches)[2], text)
    return as_text(fill(text, values, page, pages))


LABELS = re.compile(r"^[ \t]*(?P<fence>:{3,})\{labels\}[ \t]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$", re.S | re.M)
LABELS_HEAD = re.compile(r"\A[ \t]*---[ \t]*\n(?P<options>.*?)^[ \t]*---[ \t]*\n", re.S | re.M)


def key_labels(markdown: str, catalog: dict | None = None) -> dict[str, str]:
    """The ``{labels}`` block of a page: key figure → its label, a template of the chapter's key
    figures. A label names a figure where a reader meets it out of its sentence: on What changed
    and in the note of a key figure that traces it to its row (``Chapter.labels`` fills them)::

        :::{labels}
        ---
        shared: as_of_text china_mine_share_pct
        ---
        exports_trough_t: "China's magnet exports in the trough month"
        mine_hhi: "HHI of rare-earth mine production, {mine_year} (named countries)"
        :::

    A finding several chapters state is labelled once, under ``labels`` in the interface catalog
    (book/_interface.yml; ``catalog`` stands in for it in tests): each page that states it names
    it under ``shared`` (the option block MyST reads first) and gets the catalog's template. A key
    figure the block does not name has no label (What changed words its name, the note gives none).
    The block is not shown. ValueError for a line that is not ``key_figure: label``, a key figure
    labelled twice, or a shared one the catalog does not label."""
    import yaml

    found: dict[str, str] = {}
    for block in LABELS.finditer(markdown):
        body, shared = block["body"], []
        head = LABELS_HEAD.match(body)
        if head:
            options = dict(OPTION.findall(head["options"]))
            if set(options) - {"shared"}:
                raise ValueError(f"{{labels}}: options {sorted(set(options) - {'shared'})}; the one option is 'shared'")
            shared, body = options.get("shared", "").split(), body[head.end():]
        entries = yaml.safe_load(body) or {}
        if not isinstance(entries, dict) or any(isinstance(v, (dict, list)) for v in entries.values()):
            raise ValueError("{labels}: one 'key_figure: label' line per key figure")
        if shared:
            if catalog is None:
                from masthead import interface

                catalog = interface.entry("labels")
            missing = [name for name in shared if name not in catalog]
            if missing:
                raise ValueError(f"{{labels}}: shared {', '.join(missing)}, which the interface catalog does not "
                                 f"label (book/_interface.yml, labels:)")
        named = [*map(str, entries), *shared]
        twice = sorted({name for name in named if named.count(name) > 1} | (set(found) & set(named)))
        if twice:
            raise ValueError(f"{{labels}}: {', '.join(twice)} labelled twice")
        found.update({str(k): str(v) for k, v in entries.items()})
        found.update({name: str(catalog[name]) for name in shared})
    return found


WORDS = re.compile(r"^[ \t]*(?P<fence>:{3,})\{words\}[ \t]+(?P<name>\S+)[ \t]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
                   re.S | re.M)


def word_lists(markdown: str) -> dict[str, dict[str, str]]:
    """The ``{words}`` blocks of a page: name → {code: words}. A block holds the words a page
    shows for codes its chapter computes (a measure's status, say), written once in the page and
    not shown there itself; the chapter's module looks them up (``Chapter.words``) for its
    tables, charts, tooltips and key figures::

        :::{words} status
        in_force: in force
        end_passed_unconfirmed: scheduled end passed, no source confirms what followed
        :::
    """
    import yaml

    found = {}
    for block in WORDS.finditer(markdown):
        entries = yaml.safe_load(block["body"]) or {}
        if not isinstance(entries, dict) or any(isinstance(v, (dict, list)) for v in entries.values()):
            raise ValueError(f"{{words}} {block['name']}: one 'code: words' line per code")
        found[block["name"]] = {str(k): str(v) for k, v in entries.items()}
    return found
