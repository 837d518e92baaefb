"""Sphinx extension: every key figure in the prose leads to its dataset and names its sources.

A chapter glues each key figure with its provenance (``Chapter.key`` then ``Chapter.glue``, in
``analysis.chapters``: label, unit, dataset, source ids, in the glued output's metadata under
``report``). Wherever the prose quotes one with ``{glue:text}``, on its own page or on another
(``page.ipynb::key``), this extension makes the value a link to the *Data and sources* page, to
the rows of the figure's dataset that its source gives (each row there names its source and links
to it in the source registry; the dataset's section when no row group matches), described by a
short note: what the figure is, its unit, the dataset and the sources, by publisher.

- **Keyboard and screen reader.** The value is an ordinary link (focusable, in the tab order);
  the note is a ``hidden`` element the link names with ``aria-describedby``, so a screen reader
  reads it with the link, and on hover or focus the same words show as a small popover drawn by
  CSS from the link's ``data-note`` (``_static/report.css``).
- **Print and copied text.** The note is never text of the page: a ``hidden`` element and a CSS
  pseudo-element are neither printed nor copied, so a copied sentence reads as the page does.
  In print the link looks like the text around it.
- Figures glued without a dataset (dates, names, wordings) stay plain text, and so does a value
  in a heading or caption (a link there would go into the contents and the PDF's bookmarks).
"""

from __future__ import annotations

import html
import math
import re

from docutils import nodes
from myst_nb.ext.glue.crossref import read_glue_cache
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import PendingGlueReference, RetrievalError, retrieve_glue_data
from pybtex.richtext import Text
from sphinx.transforms.post_transforms import SphinxPostTransform

from pipeline.pages import appendix

DATA_PAGE = "data_sources"
UNIT_WORDS = {"%": "per cent", "t": "tonnes", "t/yr": "tonnes a year", "t/month": "tonnes a month", "kg": "kilograms"}
ID_ATTRIBUTE = re.compile(r'\bid="([^"]+)"')
ROWS_GROUP = re.compile(r'<tbody id="(rows-[^"]+)">(.*?)</tbody>', re.S)  # pipeline.pages.appendix.rows_html
ROW = re.compile(r'<tr id="(row-[^"]+)" data-figures="([^"]*)">')
NO_LINK_INSIDE = (nodes.title, nodes.caption, nodes.reference, nodes.subtitle, nodes.rubric)


class key_figure(nodes.inline):  # noqa: N801 (docutils names node classes in lower case)
    """A glued value with its provenance (``report`` metadata of the glued output)."""


def provenance(metadata: dict | None) -> dict | None:
    report = (metadata or {}).get("report") or {}
    return report if report.get("dataset") else None


def _wrap(node: nodes.Node, report: dict | None) -> None:
    if report is None or any(isinstance(a, NO_LINK_INSIDE) for a in _ancestors(node)):
        return
    figure = key_figure("", "", classes=["key-figure"], report=dict(report))
    node.replace_self(figure)
    figure.append(node)


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


class TracedPasteText(PasteTextRole):
    """``{glue:text}``: myst-nb's role; a value glued on this page keeps its provenance."""

    def run(self):
        result, messages = super().run()
        key = self.text.rsplit(":", 1)[0] if ":" in self.text else self.text
        if len(result) == 1 and isinstance(result[0], nodes.inline) and "::" not in key:
            try:
                glued = retrieve_glue_data(self.document, key)
                report = provenance(glued.metadata)
            except RetrievalError:
                report = None
            if report is not None:
                value = (glued.data or {}).get("text/plain")
                figure_id = f"{self.document.settings.env.docname}::{key}"
                result = [key_figure("", "", result[0], classes=["key-figure"],
                                     report={**report, "key": key, "value": value, "figure_id": figure_id})]
        return result, messages


class TracePendingGlue(SphinxPostTransform):
    """A value glued from another page (``page.ipynb::key``) keeps its provenance: runs just
    before myst-nb replaces the pending reference with the value (its priority is 5)."""

    default_priority = 4

    def apply(self, **kwargs):
        folder = self.env.mystnb_config.output_folder
        for node in list(self.document.findall(PendingGlueReference)):
            if node.gtype != "text":
                continue
            output = read_glue_cache(folder, node.refdoc).get(node.key) or {}
            report = provenance(output.get("metadata"))
            value = (output.get("data") or {}).get("text/plain")
            _wrap(node, report and {**report, "key": node.key, "value": value, "figure_id": f"{node.refdoc}::{node.key}"})
        # a value glued on this page inside a heading or caption is left plain
        for figure in list(self.document.findall(key_figure)):
            if any(isinstance(a, NO_LINK_INSIDE) for a in _ancestors(figure)):
                figure.replace_self(figure.children)


def _data_page(builder) -> tuple[set[str], dict[str, list[tuple[str, list[float]]]]]:
    """The Data and sources page as a key figure's link needs it: the element ids of its glued
    tables, and each rows group's rows with their numbers (``data-figures``). Read once per build
    (on the builder, which is never pickled with the environment) from the page's doctree; empty
    when the book has no such page."""
    found = getattr(builder, "_report_trace_page", None)
    if found is None:
        try:
            doctree = builder.env.get_doctree(DATA_PAGE)
        except (FileNotFoundError, KeyError, OSError):
            doctree = None
        ids: set[str] = set()
        groups: dict[str, list[tuple[str, list[float]]]] = {}
        for raw in doctree.findall(nodes.raw) if doctree is not None else ():
            text = raw.astext()
            ids.update(html.unescape(i) for i in ID_ATTRIBUTE.findall(text))
            for group, body in ROWS_GROUP.findall(text):
                groups[html.unescape(group)] = [(html.unescape(row), _numbers(html.unescape(figures).split()))
                                                for row, figures in ROW.findall(body)]
        found = builder._report_trace_page = (ids, groups)
    return found


def _numbers(texts) -> list[float]:
    out = []
    for text in texts:
        try:
            out.append(float(str(text).strip().strip("'\"")))
        except ValueError:
            pass
    return out


def _dataset_link(translator, dataset: str, source_ids=(), value=None) -> tuple[str, str]:
    """Where a key figure leads on the Data and sources page: the row of its dataset that holds
    its value, else the rows its first source gives (each with a link on to that source), else
    the dataset's section; (href, title)."""
    env = translator.builder.env
    std = env.get_domain("std")
    label = "data-" + dataset  # the dataset's section label on book/data_sources.md
    docname, anchor, title = std.labels.get(label, (DATA_PAGE, label.replace("_", "-"), ""))
    ids, groups = _data_page(translator.builder)
    present = [a for sid in source_ids if (a := appendix.group_anchor(dataset, sid)) in ids]
    if present:
        docname, anchor = DATA_PAGE, present[0]
        quoted = _numbers([value]) if value is not None and not isinstance(value, bool) else []
        holding = [row for group in present for row, numbers in groups.get(group, [])
                   if quoted and any(math.isclose(quoted[0], n, rel_tol=1e-9, abs_tol=1e-12) for n in numbers)]
        if len(holding) == 1:  # the one row the figure quotes
            anchor = holding[0]
    href = translator.builder.get_relative_uri(translator.builder.current_docname, docname) + "#" + anchor
    return href, title or dataset.replace("_", " ")


def _source_names(env, source_ids) -> list[str]:
    """Each source as its publisher (or author) and year, as the reference lists name it."""
    names = []
    try:
        entries = env.get_domain("cite").bibdata.data.entries
    except (KeyError, AttributeError):  # no bibliography configured (a test book): the sources' ids
        entries = {}
    for sid in source_ids:
        entry = entries.get(sid)
        if entry is None:
            names.append(sid)
            continue
        fields = entry.fields
        who = fields.get("organization") or fields.get("publisher") or fields.get("institution") or fields.get("journal")
        if not who and entry.persons.get("author"):
            who = " ".join(entry.persons["author"][0].last_names)
        year = fields.get("year", "")
        who = Text.from_latex(who).render_as("text") if who else sid
        names.append(f"{who} ({year})" if year else who)
    return list(dict.fromkeys(names))


def note_text(report: dict, dataset_title: str, sources: list[str]) -> str:
    label = report.get("label", "").strip().rstrip(".")
    # a key figure glued without a label has its name as label (Chapter.glue): not reader's words
    parts = [label if label and label != report.get("key", "").replace("_", " ") else ""]
    if report.get("unit"):
        parts.append(f"Unit: {UNIT_WORDS.get(report['unit'], report['unit'])}")
    parts.append(f"Dataset: {dataset_title}")
    if sources:
        parts.append(("Source: " if len(sources) == 1 else "Sources: ") + "; ".join(sources))
    text = ". ".join(p[:1].upper() + p[1:] for p in parts if p) + "."
    return " ".join(text.split())


def visit_key_figure(translator, node: key_figure) -> None:
    report = node["report"]
    href, title = _dataset_link(translator, report["dataset"], report.get("source_ids", []), report.get("value"))
    note = note_text(report, title, _source_names(translator.builder.env, report.get("source_ids", [])))
    count = getattr(translator, "_key_figure_count", 0) + 1
    translator._key_figure_count = count
    node["note_id"] = f"kf-{count}"
    translator.body.append(
        f'<a class="key-figure" href="{html.escape(href, quote=True)}" aria-describedby="kf-{count}" '
        f'data-note="{html.escape(note, quote=True)}"{_figure_id(report)}>')
    node["note"] = note


def _figure_id(report: dict) -> str:
    """The figure's page and name (``leverage::exports_drop_pct``) as ``data-key``: a test finds
    every page that shows one figure, to check it reads the same on each (tests/test_one_value.py)."""
    fid = report.get("figure_id")
    return f' data-key="{html.escape(fid, quote=True)}"' if fid else ""


def depart_key_figure(translator, node: key_figure) -> None:
    translator.body.append(f'</a><span class="key-figure-note" id="{node["note_id"]}" hidden>'
                           f'{html.escape(node["note"])}</span>')


def visit_plain(translator, node):  # other builders (text, LaTeX): the value alone
    pass


def depart_plain(translator, node):
    pass


def setup(app):
    app.add_node(key_figure, html=(visit_key_figure, depart_key_figure), text=(visit_plain, depart_plain),
                 latex=(visit_plain, depart_plain))
    app.add_role_to_domain("glue", "text", TracedPasteText(), override=True)
    app.add_post_transform(TracePendingGlue)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
