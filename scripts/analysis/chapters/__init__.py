"""What each chapter states, computed from ``data/`` without a kernel.

One module per chapter (``leverage``, ``sector_impact``, ``strategy_roadmap``, ``geopolitics``),
each with ``compute(data_dir, **parameters) -> Chapter``, which reads as load → process → return.
The notebook in ``book/`` is the chapter's text: it calls ``compute`` and glues what the chapter
states (``chapter.glue()``: key figures, figures and tables), and the Markdown places each figure
with a ``{glue:figure}`` directive (its name is the figure's label, its body the caption) and each
table with ``{glue}`` and the table's name. Sentences stay in the notebook's Markdown;
a module returns values and short phrases ("mining", "May 2025"), never sentences.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import pandas as pd

GLUE_PREFIX = "application/papermill.record/"  # the MIME prefix myst-nb reads a glued value from


def plain(value):
    """A Python scalar whose repr myst-nb can read back (numpy 2 reprs as np.float64(...))."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item"):
        return plain(value.item())
    return value


@dataclass
class KeyFigure:
    """A value the chapter states, with its provenance (what the edition record lists). Its label,
    the words that name it out of its sentence, is the page's (``Chapter.labels``)."""

    value: object
    unit: str = ""
    dataset: str = ""
    source_ids: list = field(default_factory=list)


@dataclass
class Figure:
    """A chart the chapter shows, with everything its downloads need.

    ``title`` states the chart's finding (not its variable) and ``subtitle`` its unit, period and
    as-of date; both are drawn inside the graphic, so a downloaded PNG or SVG carries them."""

    chart: object
    alt_text: str
    source_ids: list
    unit: str
    data: pd.DataFrame
    title: str = ""
    subtitle: str = ""
    # a chart that recomputes its model in the browser (analysis.inpage_models) names the section
    # whose text holds the citable numbers, for the note beside its sliders
    explore_section: str = ""


class Chapter:
    """The result of a chapter's ``compute``: key figures, tables and figures, by name."""

    def __init__(self, data_dir, page: str = ""):
        self.data_dir = str(data_dir)
        # the page in book/ that shows this chapter: a figure's title, subtitle and alt text are
        # written there, in a {figure-text} block beside the figure (analysis.wordings)
        self.page = page
        self._figure_texts: dict | None = None
        self._axes: dict = {}
        self._table_texts: dict = {}
        self._templates: dict | None = None
        self._word_lists: dict | None = None
        self._label_templates: dict | None = None
        self._tooltips_read: set[tuple[str, str]] = set()  # (figure, tooltip name) the module read
        self.keys: dict[str, KeyFigure] = {}
        # row sets that the page's words list one row at a time (a ``words`` piece with ``each``
        # in a {figure-text} or {table-text} block): values, not key figures (neither glued nor
        # recorded in the edition record)
        self.row_sets: dict[str, list[dict]] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.figures: dict[str, Figure] = {}

    def key(self, name: str, value, *, unit: str = "", dataset: str = "", source_ids=()):
        """Record a key figure; returns the value. NaN is refused: the data it needs is missing.
        Its label is written in the page (``labels``), not here."""
        value = plain(value)
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f"key figure {name!r} is NaN: the data it needs is missing")
        if name in self.keys:
            raise ValueError(f"key figure {name!r} is computed twice")
        self.keys[name] = KeyFigure(value, unit, dataset, [str(s) for s in source_ids])
        return value

    def rows(self, name: str, records) -> list[dict]:
        """Record a row set (one mapping of plain values per row) that the page's words list with
        ``each`` (``analysis.wordings``); returns it."""
        if name in self.keys or name in self.row_sets:
            raise ValueError(f"{name!r} is computed twice")
        self.row_sets[name] = [{k: plain(v) for k, v in dict(r).items()} for r in records]
        return self.row_sets[name]

    def __getitem__(self, name: str):
        return self.keys[name].value if name in self.keys else self.row_sets[name]

    def values(self) -> dict:
        """The key figures and row sets by name: what the page's words are filled from."""
        return {**{name: k.value for name, k in self.keys.items()}, **self.row_sets}

    # --- what the notebook calls (needs IPython; the tests above do not) -----------------------
    def glue(self) -> None:
        """Glue every key figure so the chapter's prose (and other pages) can quote it, and every
        figure and table so the chapter's Markdown can place it (``{glue:figure}`` / ``{glue}``).

        A key figure is glued (not displayed) with its provenance in the output's metadata, under
        ``report``: its label (``labels``; its name in words when it has none), unit, dataset and
        source ids, which the edition record, What changed and the key-figure notes read
        (pipeline/editions/record.py, sphinx_ext/report_trace.py)."""
        from IPython.core.formatters import format_display_data
        from IPython.display import HTML, display
        from myst_nb import glue

        labels = self.labels()
        for name, k in self.keys.items():
            bundle, metadata = format_display_data(k.value)
            metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
            metadata["report"] = {"label": labels.get(name) or name.replace("_", " "), "unit": k.unit,
                                  "dataset": k.dataset, "source_ids": list(k.source_ids)}
            display({GLUE_PREFIX + mime: v for mime, v in bundle.items()}, raw=True, metadata=metadata)
        for name in self.figures:
            glue(name, self.figure(name), display=False)
        for name in self.tables:  # as HTML: a Styler's plain-text form names its memory address
            glue(f"table-{name}", HTML(self.table(name)._repr_html_()), display=False)

    def labels(self) -> dict[str, str]:
        """Each labelled key figure's label, as the page writes it in its ``{labels}`` block
        (``analysis.wordings.key_labels``: its own, or the interface catalog's for a finding several
        chapters state, which the block names under ``shared``), filled from the chapter's values
        (``values``). A key figure the block does not name has none. ValueError, naming the page
        and the key figure, for a label of a key figure the chapter does not compute or naming a
        field it does not compute."""
        from .. import wordings

        where = self.page or "no page"
        if self._label_templates is None:
            source = wordings.page_source(self.page) if self.page else None
            try:
                self._label_templates = wordings.key_labels(source) if source else {}
            except ValueError as problem:
                raise ValueError(f"{where}: {problem}") from None
        unknown = [name for name in self._label_templates if name not in self.keys]
        if unknown:
            raise ValueError(f"{where}: the {{labels}} block labels {', '.join(map(repr, unknown))}, which the "
                             f"chapter does not compute")
        values = self.values()
        labels = {}
        for name, template in self._label_templates.items():
            try:
                labels[name] = template.format_map(values)
            except (KeyError, IndexError, AttributeError, ValueError) as problem:
                raise ValueError(f"{where}: the label of {name!r} ({template!r}) cannot be filled: "
                                 f"{problem!r} (a field the chapter does not compute?)") from None
        return labels

    def label(self, name: str) -> str:
        """Key figure ``name``'s label (``labels``); "" when it has none."""
        return self.labels().get(name, "")

    def words(self, name: str) -> dict[str, str]:
        """The page's ``{words} <name>`` block (``analysis.wordings.word_lists``): code → words.
        KeyError when the page has none."""
        from .. import wordings

        if self._word_lists is None:
            source = wordings.page_source(self.page) if self.page else None
            self._word_lists = wordings.word_lists(source) if source else {}
        try:
            return self._word_lists[name]
        except KeyError:
            raise KeyError(f"{self.page or 'no page'}: no {{words}} {name} block") from None

    def _figure_templates(self) -> dict:
        """The page's {figure-text} blocks as written (``analysis.wordings.figure_texts``), read once."""
        from .. import wordings

        if self._templates is None:
            source = wordings.page_source(self.page) if self.page else None
            self._templates = wordings.figure_texts(source) if source else {}
        return self._templates

    def figure_template(self, name: str, field: str):
        """The template of ``field`` in figure ``name``'s ``{figure-text}`` block on its page, as
        written (a model's ``headline``, which the browser fills). KeyError when the page has none."""
        try:
            return self._figure_templates()[name][field]
        except KeyError:
            raise KeyError(f"{self.page or 'no page'}: no {field!r} in a {{figure-text}} block for {name}") from None

    def tooltip(self, figure: str, name: str = "", *, keys=()):
        """Figure ``figure``'s tooltip as its page writes it, as an ``analysis.charts.sentence``: the
        ``tooltip`` of its ``{figure-text}`` block or, with ``name``, the one so named under
        ``tooltips`` (a chart whose layers say different things). The browser fills it from each
        mark's row; a field named in ``keys`` (key figures of the chapter) is filled here first, for
        a value every mark shares and the rows do not hold (the year of a chart of one year).
        KeyError when the page writes none."""
        from ..charts import sentence

        block = self._figure_templates().get(figure, {})
        template = (block.get("tooltips") or {}).get(name) if name else block.get("tooltip")
        if template is None or isinstance(template, dict):
            part = f"tooltips: {name}" if name else "tooltip"
            raise KeyError(f"{self.page or 'no page'}: no {part!r} in a {{figure-text}} block for {figure}")
        self._tooltips_read.add((figure, name))
        return sentence(str(template)).with_values({key: self[key] for key in keys})

    def _unread_tooltips(self, figure: str) -> list[str]:
        """The tooltips figure ``figure``'s block writes that its module did not read (``tooltip``)."""
        block = self._figure_templates().get(figure, {})
        written = ([""] if "tooltip" in block else []) + list(block.get("tooltips") or {})
        return [name or "tooltip" for name in written if (figure, name) not in self._tooltips_read]

    def figure_words(self, name: str) -> dict[str, str]:
        """Figure ``name``'s title, subtitle and alt text: as its page writes them in a
        ``{figure-text}`` block, filled from the key figures and the page's wordings; a figure
        whose words are not yet on its page keeps those its module gives."""
        self._read_page_words()
        f = self.figures[name]
        return {"title": f.title, "subtitle": f.subtitle, "alt": f.alt_text, **self._figure_texts.get(name, {})}

    def _read_page_words(self) -> None:
        """Read the page's {figure-text} and {table-text} blocks once, filled from the values."""
        from .. import wordings

        if self._figure_texts is not None:
            return
        source = wordings.page_source(self.page) if self.page else None
        self._figure_texts, self._axes, self._table_texts = {}, {}, {}
        if source:
            values = self.values()
            words = wordings.page_wordings(source, values, f"{self.page}.ipynb")
            texts = wordings.figure_texts(source)
            self._figure_texts = {fig: wordings.fill_figure_text(t, values, words) for fig, t in texts.items()}
            self._axes = {fig: wordings.fill_axes(t, values, words) for fig, t in texts.items()}
            self._table_texts = {table: wordings.fill_table_text(t, values, words)
                                 for table, t in wordings.table_texts(source).items()}

    def figure_axes(self, name: str) -> dict[str, str]:
        """Figure ``name``'s axis titles as its page writes them (``axes:``), by channel."""
        self._read_page_words()
        return self._axes.get(name, {})

    def chart(self, name: str):
        """Figure ``name``'s chart with the axis titles its page writes (``axes:`` of its
        {figure-text} block) on every encoding of those channels; ValueError when the module left
        an axis title to the page (empty) and the page gives none."""
        return with_axis_titles(self.figures[name].chart, self.figure_axes(name), name)

    def figure(self, name: str):
        """The figure ``name`` as the report shows it (chart, source line, downloads). ValueError
        when its page writes a tooltip its chart does not show (words no reader would see)."""
        from ..figures import report_figure

        unread = self._unread_tooltips(name)
        if unread:
            raise ValueError(f"{self.page or 'no page'}: the {{figure-text}} block of {name} writes "
                             f"{', '.join(unread)}, which its chart does not show (the module reads none)")

        return report_figure(name, self.chart(name), self.figures[name], self.figure_words(name), self.data_dir)

    def shown_table(self, name: str) -> pd.DataFrame:
        """The table ``name`` with its page's words (``{table-text}``): columns headed as the page
        heads them, and each cell the module writes as ``{word}`` showing the page's word. A
        ``{word}`` cell the page does not give is refused (KeyError)."""
        from ..wordings import TABLE_WORD

        self._read_page_words()
        texts = self._table_texts.get(name, {"columns": {}, "words": {}})
        table = self.tables[name].rename(columns=texts["columns"]).copy()

        def word(cell):
            found = TABLE_WORD.match(cell) if isinstance(cell, str) else None
            if not found:
                return cell
            if found["name"] not in texts["words"]:
                raise KeyError(f"{self.page or 'no page'}: table {name} shows {cell} and no "
                               f"{{table-text}} block gives a word {found['name']!r}")
            return texts["words"][found["name"]]

        for column in table.columns:
            if not pd.api.types.is_numeric_dtype(table[column]):
                table[column] = table[column].map(word)
        return table

    def table(self, name: str):
        """The table ``name`` as the report shows it (``shown_table``, then ``analysis.tables.styled``:
        no index, numbers right-aligned with separators, cells escaped as in analysis/__init__.py)."""
        from ..tables import styled

        return styled(self.shown_table(name))


AXIS_CHANNELS = ("x", "y")


def _encodings(chart):
    """Every encoding of a chart, its layers and its concatenated charts."""
    import altair as alt

    encoding = getattr(chart, "encoding", alt.Undefined)
    if encoding is not alt.Undefined:
        yield encoding
    for part in ("layer", "hconcat", "vconcat", "concat"):
        inner = getattr(chart, part, alt.Undefined)
        for each in ([] if inner is alt.Undefined else inner):
            yield from _encodings(each)
    spec = getattr(chart, "spec", alt.Undefined)  # a faceted or repeated chart
    if spec is not alt.Undefined:
        yield from _encodings(spec)


def with_axis_titles(chart, titles: dict[str, str], name: str = "chart"):
    """A copy of ``chart`` whose ``x``/``y`` encodings whose title the module left to the page
    (an empty title, ``y_title=""``) carry ``titles`` by channel; the other layers' encodings are
    left as they are (a layer without a title shares the titled one's axis, as before). ValueError
    for such a title ``titles`` does not give, or for a title no encoding leaves to the page."""
    import altair as alt

    unknown = set(titles) - set(AXIS_CHANNELS)
    if unknown:
        raise ValueError(f"{name}: axis titles for {sorted(unknown)}; a figure's axes are {', '.join(AXIS_CHANNELS)}")
    chart = chart.copy(deep=True)
    seen = set()
    for encoding in _encodings(chart):
        for channel in AXIS_CHANNELS:
            encoded = getattr(encoding, channel, alt.Undefined)
            if encoded is alt.Undefined or type(encoded).__name__.endswith("Value"):
                continue
            if encoded._get("title", alt.Undefined) != "":  # ``encoded.title`` is Altair's setter method
                continue
            if channel not in titles:
                raise ValueError(f"{name}: its {channel} axis title is left to the page, and the page's "
                                 f"{{figure-text}} block gives no axes: {channel}")
            encoded.title = titles[channel]
            seen.add(channel)
    missing = set(titles) - seen
    if missing:
        raise ValueError(f"{name}: the page titles axis {sorted(missing)}, which the chart does not leave to it")
    return chart


def listing(items) -> str:
    """"a", "a and b", "a, b and c" (empty: "")."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def short_source(row) -> str:
    """A source's publisher and year, short enough for a table cell (full references are in Sources)."""
    year = (row["date"] or "")[:4]
    return f"{row['publisher']} ({year})" if year else row["publisher"]
