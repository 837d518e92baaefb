"""Sphinx extension: variant wordings written as Markdown branches (``{choose}`` / ``{case}``).

A sentence whose shape depends on the data is written in the page once per case, and the branch
whose case equals a key figure is shown (the syntax is in ``analysis/wordings.py``, which the
tests use to fill every branch without Sphinx)::

    ::::{choose} exports_recovered
    ---
    inline: before
    ---
    :::{case} True
    By {glue:text}`exports_recovery_month:s` they were back.
    :::
    :::{case} False
    No later month is back.
    :::
    ::::

For a key figure of the page itself (glued by its notebook), only the chosen branch is parsed,
so its glue roles and citations are the page's like any other sentence's. A variant can stand
inside a paragraph: ``inline: before`` joins a one-paragraph branch to the
paragraph written straight before the block, ``inline: after`` joins the paragraph written
straight after it to the branch, and ``inline: both`` does both (the paragraph then reads as one,
whichever branch is shown, an empty one included). A key of another page (``leverage.ipynb::exports_recovered``) is read after every
page is read, from myst-nb's glue cache, and its branches may hold only what can be resolved
then (glue roles of other pages, references, terms), not citations.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from analysis.wordings import CASE, case_value, pick

LOG = logging.getLogger(__name__)
PUNCTUATION = tuple(".,;:)")


class pending_choice(nodes.Element):
    """A ``{choose}`` on another page's key figure, resolved once every page is read."""


class choice_case(nodes.Element):
    """One parsed branch of a ``pending_choice``."""


class join_next(nodes.Element):
    """Left by ``inline: after`` or ``both``: the paragraph after it continues the one before it."""


class JoinParagraphs(SphinxTransform):
    """The paragraph after a ``join_next`` continues the paragraph before it (the text written
    straight after a ``{choose}`` block with ``inline: after`` or ``both``)."""

    default_priority = 200

    def apply(self, **kwargs):
        for marker in list(self.document.findall(join_next)):
            parent = marker.parent
            index = parent.index(marker)
            before = parent.children[index - 1] if index else None
            after = parent.children[index + 1] if index + 1 < len(parent.children) else None
            if isinstance(before, nodes.paragraph) and isinstance(after, nodes.paragraph):
                _append(before, after)
                parent.remove(after)
            parent.remove(marker)


def _glued(text_plain: str):
    return case_value(text_plain)


def _branches(lines: list[str]) -> list[tuple[str, int, list[str]]]:
    """The ``{case}`` branches of a block's content: (case, first line's offset, lines)."""
    text = "\n".join(lines) + "\n"
    found = []
    for match in CASE.finditer(text):
        start = text[: match.start("body")].count("\n")
        body = match["body"].rstrip("\n").split("\n") if match["body"].strip() else []
        found.append((match["value"], start, body))
    return found


def _join_inline(previous: nodes.Node | None, parsed: list[nodes.Node]) -> bool:
    """Append a one-paragraph branch to the paragraph ``previous``; False when it cannot."""
    if not isinstance(previous, nodes.paragraph):
        return False
    paragraphs = [n for n in parsed if not isinstance(n, (nodes.comment, nodes.target))]
    if len(paragraphs) != 1 or not isinstance(paragraphs[0], nodes.paragraph):
        return False
    _append(previous, paragraphs[0])
    return True


def _append(paragraph: nodes.paragraph, more: nodes.paragraph) -> None:
    """``more``'s content at the end of ``paragraph``, after a space unless it starts with a
    punctuation mark ("…the world-wide dip" + ", and a stock…")."""
    first = more.children[0] if more.children else None
    # a citation not yet resolved has no text: look at the first node, not at the paragraph's text
    if not (isinstance(first, nodes.Text) and first.astext()[:1] in PUNCTUATION):
        paragraph += nodes.Text(" ")
    paragraph.extend(more.children)


class Choose(SphinxDirective):
    required_arguments = 1
    has_content = True
    # wording: a name for the tests (tests/chapters.py fills the branch under it); the page ignores it
    option_spec = {"inline": directives.unchanged, "wording": directives.unchanged}

    def run(self):
        by = self.arguments[0]
        branches = _branches(list(self.content))
        if not branches:
            raise self.error(f"{{choose}} {by}: no {{case}} branches")
        joins = self.options.get("inline", None)
        joins = None if joins is None else (joins.strip() or "before")
        if joins not in (None, "before", "after", "both"):
            raise self.error(f"{{choose}} {by}: inline is before, after or both, not {joins!r}")
        inline = joins in ("before", "both")
        continued = joins in ("after", "both")
        if "::" in by:  # another page's key figure: parse every branch, choose once all are read
            pending = pending_choice(by=by, inline=inline, continued=continued, cases=[c for c, _, _ in branches])
            self.set_source_info(pending)
            for case, offset, lines in branches:
                holder = choice_case(case=case)
                self.state.nested_parse(StringList(lines), self.content_offset + offset, holder)
                pending += holder
            return [pending]
        from myst_nb.ext.glue.utils import RetrievalError, retrieve_glue_data

        try:
            value = _glued(retrieve_glue_data(self.state.document, by).data["text/plain"])
        except (RetrievalError, KeyError) as exc:
            raise self.error(f"{{choose}} {by}: the page glues no key figure {by!r} ({exc})") from exc
        case = pick([c for c, _, _ in branches], value)
        if case is None:
            raise self.error(f"{{choose}} {by}: no branch for the value {value!r} "
                             f"(cases: {', '.join(c for c, _, _ in branches)})")
        offset, lines = next((o, ls) for c, o, ls in branches if c == case)
        holder = nodes.container()
        self.state.nested_parse(StringList(lines), self.content_offset + offset, holder)
        parsed = list(holder.children)
        if inline:
            current = getattr(self.state, "_renderer", None)
            parent = getattr(current, "current_node", None)
            previous = parent.children[-1] if parent is not None and parent.children else None
            if _join_inline(previous, parsed) or not parsed:
                return [join_next()] if continued else []
        if continued and parsed and isinstance(parsed[-1], nodes.paragraph):
            return [*parsed, join_next()]
        return parsed


class ResolvePendingChoices(SphinxPostTransform):
    """Choose the branch of every ``{choose}`` on another page's key figure (before myst-nb
    resolves the glue roles of the kept branch, at priority 5, and before ``QuoteFindings``)."""

    default_priority = 3

    def apply(self, **kwargs):
        from myst_nb.ext.glue.crossref import read_glue_cache

        folder = self.env.mystnb_config.output_folder
        for node in list(self.document.findall(pending_choice)):
            doc, key = node["by"].split("::", 1)
            data = read_glue_cache(folder, doc.rsplit(".", 1)[0])
            if key not in data or "text/plain" not in data[key].get("data", {}):
                LOG.warning(f"{{choose}} {node['by']}: no key figure {key!r} glued in {doc}", location=node)
                node.parent.remove(node)
                continue
            value = _glued(data[key]["data"]["text/plain"])
            case = pick(node["cases"], value)
            if case is None:
                LOG.warning(f"{{choose}} {node['by']}: no branch for the value {value!r}", location=node)
                node.parent.remove(node)
                continue
            branch = next(c for c in node.children if c["case"] == case)
            parsed = list(branch.children)
            parent = node.parent
            index = parent.index(node)
            previous = parent.children[index - 1] if index else None
            if node["inline"] and (_join_inline(previous, parsed) or not parsed):
                last = previous
                parent.remove(node)
            else:
                last = parsed[-1] if parsed else None
                node.replace_self(parsed) if parsed else parent.remove(node)
            after = last.parent.children[last.parent.index(last) + 1] if last is not None and last.parent is not None \
                and last.parent.index(last) + 1 < len(last.parent.children) else None
            if node["continued"] and isinstance(last, nodes.paragraph) and isinstance(after, nodes.paragraph):
                _append(last, after)
                after.parent.remove(after)


class quoted_finding(nodes.Element):
    """A ``{finding}``: the chapter's own wording of a finding, copied once every page is read."""


class Finding(SphinxDirective):
    """``{finding} <label>``: quote, by reference, the paragraph or list a chapter labels
    ``(<label>)=`` (its key points, say), as that page shows it: values glued, variants chosen.
    ``:inline:`` joins a quoted paragraph to the paragraph written straight before the block (a
    bold lead-in). Citations are left out (the quoting page has no bibliography of them); links,
    references and terms work as on the chapter."""

    required_arguments = 1
    option_spec = {"inline": directives.flag}

    def run(self):
        node = quoted_finding(label=self.arguments[0], inline="inline" in self.options)
        self.set_source_info(node)
        return [node]


CITATIONS = (nodes.footnote_reference, nodes.citation_reference, nodes.target)


class QuoteFindings(SphinxPostTransform):
    """Copy each ``{finding}``'s labelled element from its chapter's read doctree (before the
    references in it are resolved, at priority 10, and after ``ResolvePendingChoices``, so a
    quote can follow a chosen lead-in)."""

    default_priority = 4

    def apply(self, **kwargs):
        labels = self.env.domains["std"].anonlabels
        for node in list(self.document.findall(quoted_finding)):
            label = node["label"]
            if label not in labels:
                LOG.warning(f"{{finding}} {label}: no page labels ({label})=", location=node)
                node.parent.remove(node)
                continue
            docname, labelid = labels[label]
            source = next((n for n in self.env.get_doctree(docname).findall(nodes.Element)
                           if labelid in n["ids"] and not isinstance(n, (nodes.target, nodes.section))), None)
            if source is None:
                LOG.warning(f"{{finding}} {label}: the label marks no paragraph or list in {docname}", location=node)
                node.parent.remove(node)
                continue
            quoted = source.deepcopy()
            for inner in list(quoted.findall(nodes.Element)):
                inner["ids"] = []
                if isinstance(inner, CITATIONS) and inner.parent is not None:
                    inner.parent.remove(inner)
            quoted["ids"] = []
            # a copied reference is resolved from the quoting page: Sphinx makes its link relative to
            # ``refdoc``, which still names the chapter (a link to #section on the wrong page otherwise)
            for xref in quoted.findall(addnodes.pending_xref):
                xref["refdoc"] = self.env.docname
            for text in list(quoted.findall(nodes.Text)):  # the space a dropped citation leaves before a stop
                if text.parent is not None and text.astext()[:1] in PUNCTUATION:
                    previous = text.parent.children[text.parent.index(text) - 1] if text.parent.index(text) else None
                    if isinstance(previous, nodes.Text) and previous.astext().endswith(" "):
                        text.parent.replace(previous, nodes.Text(previous.astext().rstrip()))
            parent = node.parent
            index = parent.index(node)
            previous = parent.children[index - 1] if index else None
            if node["inline"] and _join_inline(previous, [quoted]):
                parent.remove(node)
            else:
                node.replace_self(quoted)


class FigureText(SphinxDirective):
    """``{figure-text} <figure>``: the figure's title, subtitle and alt text, written beside it as
    YAML templates (with ``words``, named pieces they quote, and ``headline``, an in-page model's
    sentence, which the browser fills). The chapter's kernel reads them
    (``analysis.wordings.figure_texts``) and draws them into the chart and its downloads; the page
    shows nothing here."""

    required_arguments = 1
    has_content = True

    def run(self):
        return []


class TableText(FigureText):
    """``{table-text} <table>``: a table's column headers and the words its cells quote, written
    beside it as YAML templates (``analysis.wordings.table_texts``). The chapter's kernel reads
    them when it glues the table; the page shows nothing here."""


class Words(FigureText):
    """``{words} <name>``: the words a page shows for codes its chapter computes (``code: words``
    lines, ``analysis.wordings.word_lists``), read by the chapter's kernel; the page shows nothing here."""


class Labels(FigureText):
    """``{labels}``: the labels of the chapter's key figures (``key_figure: label`` lines, and under
    ``shared`` those the interface catalog labels; ``analysis.wordings.key_labels``), read by the
    chapter's kernel, which records them with the figures (What changed, the key-figure notes);
    the page shows nothing here."""

    required_arguments = 0
    option_spec = {"shared": directives.unchanged}


def setup(app):
    app.add_node(pending_choice)
    app.add_node(choice_case)
    app.add_directive("choose", Choose)
    app.add_directive("figure-text", FigureText)
    app.add_directive("table-text", TableText)
    app.add_directive("words", Words)
    app.add_directive("labels", Labels)
    app.add_node(quoted_finding)
    app.add_directive("finding", Finding)
    app.add_post_transform(QuoteFindings)
    app.add_node(join_next)
    app.add_transform(JoinParagraphs)
    app.add_post_transform(ResolvePendingChoices)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
