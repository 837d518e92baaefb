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
from dataclasses import dataclass, field

import pandas as pd

from ..keyfigures import plain


@dataclass
class KeyFigure:
    """A value the chapter states, with its provenance (what the edition record lists)."""

    value: object
    unit: str = ""
    dataset: str = ""
    source_ids: list = field(default_factory=list)
    label: str = ""


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
        self._templates: dict | None = None
        self.keys: dict[str, KeyFigure] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.figures: dict[str, Figure] = {}

    def key(self, name: str, value, *, unit: str = "", dataset: str = "", source_ids=(), label: str = ""):
        """Record a key figure; returns the value. NaN is refused: the data it needs is missing."""
        value = plain(value)
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f"key figure {name!r} is NaN: the data it needs is missing")
        if name in self.keys:
            raise ValueError(f"key figure {name!r} is computed twice")
        self.keys[name] = KeyFigure(value, unit, dataset, [str(s) for s in source_ids], label)
        return value

    def __getitem__(self, name: str):
        return self.keys[name].value

    def values(self) -> dict:
        return {name: k.value for name, k in self.keys.items()}

    # --- what the notebook calls (needs IPython; the tests above do not) -----------------------
    def glue(self) -> None:
        """Glue every key figure so the chapter's prose (and other pages) can quote it, and every
        figure and table so the chapter's Markdown can place it (``{glue:figure}`` / ``{glue}``)."""
        from IPython.display import HTML
        from myst_nb import glue

        from ..keyfigures import key

        for name, k in self.keys.items():
            key(name, k.value, unit=k.unit, dataset=k.dataset, source_ids=k.source_ids, label=k.label)
        for name in self.figures:
            glue(name, self.figure(name), display=False)
        for name in self.tables:  # as HTML: a Styler's plain-text form names its memory address
            glue(f"table-{name}", HTML(self.table(name)._repr_html_()), display=False)

    def figure_template(self, name: str, field: str):
        """The template of ``field`` in figure ``name``'s ``{figure-text}`` block on its page, as
        written (a model's ``headline``, which the browser fills). KeyError when the page has none."""
        from .. import wordings

        if self._templates is None:
            source = wordings.page_source(self.page) if self.page else None
            self._templates = wordings.figure_texts(source) if source else {}
        try:
            return self._templates[name][field]
        except KeyError:
            raise KeyError(f"{self.page or 'no page'}: no {field!r} in a {{figure-text}} block for {name}") from None

    def figure_words(self, name: str) -> dict[str, str]:
        """Figure ``name``'s title, subtitle and alt text: as its page writes them in a
        ``{figure-text}`` block, filled from the key figures and the page's wordings; a figure
        whose words are not yet on its page keeps those its module gives."""
        from .. import wordings

        if self._figure_texts is None:
            source = wordings.page_source(self.page) if self.page else None
            self._figure_texts = {}
            if source:
                words = wordings.page_wordings(source, self.values(), f"{self.page}.ipynb")
                self._figure_texts = {fig: wordings.fill_figure_text(t, self.values(), words)
                                      for fig, t in wordings.figure_texts(source).items()}
        f = self.figures[name]
        return {"title": f.title, "subtitle": f.subtitle, "alt": f.alt_text, **self._figure_texts.get(name, {})}

    def figure(self, name: str):
        """The figure ``name`` as the report shows it (chart, source line, downloads)."""
        from ..figures import figure

        f = self.figures[name]
        words = self.figure_words(name)
        return figure(f.chart, name=name, alt_text=words["alt"], source_ids=f.source_ids, data_dir=self.data_dir,
                      unit=f.unit, data=f.data, title=words["title"], subtitle=words["subtitle"],
                      explore_section=f.explore_section)

    def table(self, name: str):
        """The table ``name`` as the report shows it (``analysis.tables.styled``: no index, numbers
        right-aligned with separators, cells escaped as in analysis/__init__.py)."""
        from ..tables import styled

        return styled(self.tables[name])


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
