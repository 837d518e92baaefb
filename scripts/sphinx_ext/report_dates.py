"""Sphinx extension: the date of the newest source a page uses, computed from what the page cites.

A page's head says to what date sources were searched (``{{ as_of }}``, the report's as-of
date) and how new its newest source is: ``{newest-source}`page``` becomes the date of the newest
source among

- the sources the page cites (``{footcite}`` keys in its text), and
- the sources of every key figure it quotes, on its own page or from another
  (``report_trace``: the provenance glued with each value), and
- the sources of every figure it shows (the figure's metadata file, ``<name>.json`` beside its
  downloads, which lists each source with its date and grade),

each dated by its ``date`` in the bibliography written from ``data/sources.csv`` (the report's own
derivations, grade D, are left out: their date is when they were worked out). A page that
cites nothing dated says so rather than show a date it cannot back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from report_trace import key_figure

logger = logging.getLogger(__name__)
FIGURE_META = re.compile(r"_static/figures/[\w./-]+?\.json")
FOOTCITE = re.compile(r"\{footcite(?::[a-z]+)?\}`([^`]+)`")
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
DERIVED = "Quality: D"  # how pipeline/appendix.py notes a derived row in the bibliography
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


class newest_source(nodes.inline):  # noqa: N801 (docutils names node classes in lower case)
    """Where the page's newest source date goes."""


class NewestSourceRole(SphinxRole):
    def run(self):
        return [newest_source("", "")], []


def long_date(iso: str) -> str:
    """``2026-05-15`` → ``15 May 2026``; ``2026-05`` → ``May 2026``; ``2026`` → ``2026``."""
    parts = iso.split("-")
    if len(parts) == 3:
        day = dt.date.fromisoformat(iso)
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def newest(dates) -> str:
    """The newest of ISO dates of differing precision (a month counts as its first day)."""
    dates = [d for d in dates if d and ISO_DATE.fullmatch(d)]
    return max(dates, key=lambda d: (d + "-01-01")[:10]) if dates else ""


def cited_keys(source_text: str) -> set[str]:
    return {k.strip() for group in FOOTCITE.findall(source_text) for k in group.split(",") if k.strip()}


def figure_source_dates(document, srcdir: Path, static_dirs=()) -> list[str]:
    """The dates of the non-derived sources of every figure on the page (its metadata file, in the
    book's ``_static`` or in another static folder: a book built straight from book/ keeps its
    figures' downloads in the build's folder, sphinx_ext/report_book.py)."""
    dates = []
    for path in sorted({m for raw in document.findall(nodes.raw) for m in FIGURE_META.findall(raw.astext())}):
        inside = path.split("/", 1)[1]
        meta = next((p for p in [srcdir / path, *(Path(d) / inside for d in static_dirs)] if p.exists()), None)
        if meta is not None:
            dates += [str(s.get("date") or "") for s in json.loads(meta.read_text(encoding="utf-8")).get("sources", [])
                      if s.get("quality") != "D"]
    return dates


class FillNewestSource(SphinxPostTransform):
    """After the glued values are in place (myst-nb, priority 5; report_trace, 4)."""

    default_priority = 20

    def apply(self, **kwargs):
        places = list(self.document.findall(newest_source))
        if not places:
            return
        try:
            entries = self.env.get_domain("cite").bibdata.data.entries
        except (KeyError, AttributeError):
            entries = {}
        source = Path(self.env.doc2path(self.env.docname))
        keys = cited_keys(source.read_text(encoding="utf-8")) if source.exists() else set()
        for figure in self.document.findall(key_figure):
            keys.update(figure["report"].get("source_ids", []))
        # the report's own derivations (grade D) are dated when worked out, not when published
        dates = [entries[k].fields.get("date", "") for k in keys
                 if k in entries and DERIVED not in entries[k].fields.get("note", "")]
        dates += figure_source_dates(self.document, Path(self.app.srcdir),
                                     [d for d in self.app.config.html_static_path if Path(d).is_absolute()])
        date = newest(dates)
        if not date:
            logger.warning(f"{self.env.docname}: no dated source found for {{newest-source}}", location=places[0])
        for place in places:
            place.replace_self(nodes.Text(long_date(date) if date else "not known"))


def setup(app):
    app.add_role("newest-source", NewestSourceRole())
    app.add_post_transform(FillNewestSource)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
