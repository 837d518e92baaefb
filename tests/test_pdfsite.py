"""The PDF in the site stays in step with the pages: added with its links and tag, removed exactly,
carried into a rebuilt site only when the pages are the ones it was printed from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.pages import citation, pdfsite
from pipeline.editions import manifest
from pipeline.config import load_site

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def meta() -> citation.Meta:
    return citation.meta(load_site(REPO).report)


def make_site(folder: Path, text: str = "chapter") -> Path:
    """A site as `make report` publishes it: pages with the footer and <head> slots."""
    for name in ("index.html", "leverage.html", "sub/page.html"):
        page = folder / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<html><head>{citation.PDF_META_SLOT}</head><body>{text}"
                        f"<footer>{citation.PDF_SLOT}</footer></body></html>", encoding="utf-8")
    return folder


def make_pdf_file(path: Path, body: bytes = b"%PDF-1.7 test") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def test_add_pdf_fills_every_slot_and_remove_pdf_undoes_it_exactly(tmp_path, meta):
    site = make_site(tmp_path / "html")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    pdfsite.add_pdf(site, make_pdf_file(tmp_path / "report.pdf"), meta, manifest.tree_digest(site))
    assert (site / citation.PDF_NAME).read_bytes() == b"%PDF-1.7 test"
    for page in before:
        text = page.read_text(encoding="utf-8")
        assert citation.PDF_SLOT not in text and citation.PDF_META_SLOT not in text
        assert citation.pdf_meta_html(meta) in text
    assert 'href="../report.pdf"' in (site / "sub/page.html").read_text(encoding="utf-8")
    assert 'href="report.pdf"' in (site / "leverage.html").read_text(encoding="utf-8")
    pdfsite.remove_pdf(site, meta)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_rebuild_of_the_same_pages_keeps_the_pdf(tmp_path, meta):
    published = make_site(tmp_path / "html")
    printed_from = manifest.tree_digest(published)
    pdfsite.add_pdf(published, make_pdf_file(tmp_path / "report.pdf"), meta, printed_from)
    rebuilt = make_site(tmp_path / "new")
    assert pdfsite.carry_over(published, rebuilt, manifest.tree_digest(rebuilt), meta)
    assert (rebuilt / citation.PDF_NAME).read_bytes() == b"%PDF-1.7 test"
    assert manifest.tree_digest(rebuilt) == manifest.tree_digest(published)


def test_a_rebuild_with_changed_pages_offers_no_pdf(tmp_path, meta):
    published = make_site(tmp_path / "html")
    pdfsite.add_pdf(published, make_pdf_file(tmp_path / "report.pdf"), meta, manifest.tree_digest(published))
    rebuilt = make_site(tmp_path / "new", text="chapter with a changed number")
    assert not pdfsite.carry_over(published, rebuilt, manifest.tree_digest(rebuilt), meta)
    assert not (rebuilt / citation.PDF_NAME).exists()
    for page in rebuilt.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert citation.PDF_SLOT in text and "report.pdf" not in text


def test_a_pdf_that_is_not_the_one_recorded_is_not_carried(tmp_path, meta):
    published = make_site(tmp_path / "html")
    pdfsite.add_pdf(published, make_pdf_file(tmp_path / "report.pdf"), meta, manifest.tree_digest(make_site(tmp_path / "x")))
    (published / citation.PDF_NAME).write_bytes(b"%PDF-1.7 replaced by hand")
    rebuilt = make_site(tmp_path / "new")
    assert not pdfsite.carry_over(published, rebuilt, manifest.tree_digest(rebuilt), meta)
    (published / pdfsite.RECORD).write_text("not json", encoding="utf-8")
    assert not pdfsite.carry_over(published, rebuilt, manifest.tree_digest(rebuilt), meta)
    assert not pdfsite.carry_over(make_site(tmp_path / "plain"), rebuilt, manifest.tree_digest(rebuilt), meta)


def test_keep_state_follows_the_site_only_if_it_described_it(tmp_path):
    output = tmp_path / "html"
    output.mkdir()
    manifest.write_state(output, "inputs-digest", "tree-before")
    pdfsite.keep_state(output, "tree-before", "tree-with-pdf")
    assert json.loads(manifest.state_path(output).read_text()) == {"inputs": "inputs-digest", "tree": "tree-with-pdf"}
    pdfsite.keep_state(output, "some-other-tree", "tree-3")  # the site had been touched: left as it is
    assert json.loads(manifest.state_path(output).read_text())["tree"] == "tree-with-pdf"
