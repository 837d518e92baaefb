"""Sphinx extension: bibliography entries a screen reader can list.

Docutils writes a bibliography as ``<div role="list" class="citation-list">`` whose entries
carry ``role="doc-biblioentry"``, a role deprecated in DPUB-ARIA 1.1 and not a list item: the
list then has no items and its back-links count as forbidden children (axe-core:
aria-required-children, critical). Each entry is given ``role="listitem"`` instead.
"""

from __future__ import annotations

import re

ENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry">')


def _entries_as_list_items(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and "doc-biblioentry" in body:
        context["body"] = ENTRY.sub(r'\1 role="listitem">', body)


def setup(app):
    app.connect("html-page-context", _entries_as_list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
