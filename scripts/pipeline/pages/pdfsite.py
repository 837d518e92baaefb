"""The PDF in the published site, kept in step with the pages it was printed from.

``make pdf`` (``scripts/pdf.py``) prints the published site and adds the PDF to it: ``report.pdf``,
a "Download the report (PDF)" link in every page's footer slot, a ``citation_pdf_url`` tag in every
page's <head> slot, and a record, ``_static/report-pdf.json``, holding the digest of the site the PDF
was printed from (the site without the PDF) and the PDF's own digest.

A later build keeps the PDF only if the site it has just built is, file for file, the site the PDF
was printed from (``carry_over``): a rebuild with nothing changed keeps it, and a rebuild that
changes any page publishes a site without the PDF and without the links, so a stale PDF is never
offered. (``make pdf`` after it prints a new one.) ``make pdf`` also updates the build state, so a
``make report`` with nothing changed stays a no-op.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import shutil
from pathlib import Path

from ..editions import manifest
from . import citation

RECORD = "_static/report-pdf.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pages(site: Path):
    for page in sorted(site.rglob("*.html")):
        href = posixpath.relpath(citation.PDF_NAME, posixpath.dirname(page.relative_to(site).as_posix()) or ".")
        yield page, href


def add_pdf_links(site: Path, m: citation.Meta) -> int:
    """Fill every page's footer slot with the PDF link and its <head> slot with ``citation_pdf_url``;
    returns the pages changed."""
    changed = 0
    for page, href in _pages(site):
        text = page.read_text(encoding="utf-8")
        new = text.replace(citation.PDF_SLOT, citation.pdf_link_html(href))
        new = new.replace(citation.PDF_META_SLOT, citation.pdf_meta_html(m))
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def remove_pdf(site: Path, m: citation.Meta) -> None:
    """Undo ``add_pdf``: the site as ``make report`` published it (no PDF, empty slots)."""
    for page, href in _pages(site):
        text = page.read_text(encoding="utf-8")
        new = text.replace(citation.pdf_link_html(href), citation.PDF_SLOT)
        new = new.replace(citation.pdf_meta_html(m), citation.PDF_META_SLOT)
        if new != text:
            page.write_text(new, encoding="utf-8")
    (site / citation.PDF_NAME).unlink(missing_ok=True)
    (site / RECORD).unlink(missing_ok=True)


def add_pdf(site: Path, pdf: Path, m: citation.Meta, printed_from: str) -> None:
    """Put ``pdf`` into ``site`` (printed from the site whose tree digest is ``printed_from``)."""
    shutil.copyfile(pdf, site / citation.PDF_NAME)
    add_pdf_links(site, m)
    record = {"printed_from": printed_from, "sha256": _sha256(site / citation.PDF_NAME)}
    (site / RECORD).parent.mkdir(parents=True, exist_ok=True)
    (site / RECORD).write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")


def has_pdf(site: Path) -> bool:
    return (site / citation.PDF_NAME).is_file()


def carry_over(published: Path, new_site: Path, new_tree: str, m: citation.Meta) -> bool:
    """Give ``new_site`` (tree digest ``new_tree``) the PDF of the ``published`` site when that PDF
    was printed from exactly these pages; True if it did."""
    record, pdf = published / RECORD, published / citation.PDF_NAME
    if not record.is_file() or not pdf.is_file():
        return False
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except ValueError:
        return False
    if data.get("printed_from") != new_tree or data.get("sha256") != _sha256(pdf):
        return False
    add_pdf(new_site, pdf, m, new_tree)
    return True


def keep_state(output: Path, before: str, after: str) -> None:
    """After ``make pdf`` republished ``output``: if the build state described the site as it was
    (tree digest ``before``), make it describe the site with the PDF (``after``), so a
    ``make report`` with nothing changed is still a no-op and keeps the PDF."""
    try:
        state = json.loads(manifest.state_path(output).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return
    if state.get("tree") == before and state.get("inputs"):
        manifest.write_state(output, state["inputs"], after)
