"""The interface catalog (book/_interface.yml, read by masthead.interface) and the data bundle's
README template (book/_data_readme.md): the words a reader sees outside the pages are changed there,
in one place, and a template the build cannot fill stops it with the key's name."""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from masthead import interface
from pipeline.config import load_site
from pipeline.pages import appendix, bundle, citation

REPO = Path(__file__).resolve().parents[1]
KEY = re.compile(r'interface\.(?:text|markup|table|entry)\("([^"{}]+)"')


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    """A copy of the catalog the build reads instead of book/_interface.yml."""
    copy = tmp_path / "_interface.yml"
    shutil.copyfile(interface.CATALOG, copy)
    monkeypatch.setattr(interface, "CATALOG", copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_catalog_is_beside_the_pages_and_not_a_page():
    assert interface.CATALOG == REPO / "book" / "_interface.yml" and interface.CATALOG.is_file()
    assert bundle.README_TEMPLATE == REPO / "book" / "_data_readme.md" and bundle.README_TEMPLATE.is_file()
    toc = (REPO / "book" / "_toc.yml").read_text(encoding="utf-8")
    assert "_interface" not in toc and "_data_readme" not in toc


def test_every_key_the_code_names_is_in_the_catalog():
    keys = {key for path in (REPO / "scripts").rglob("*.py") for key in KEY.findall(path.read_text(encoding="utf-8"))}
    assert {"citation.preview_note", "figure.explore_note", "data_page.grades"} <= keys
    missing = []
    for key in sorted(keys):
        try:
            interface.entry(key)
        except interface.CatalogError:
            missing.append(key)
    assert missing == []


def test_a_template_is_filled_field_by_field_and_a_field_it_lacks_names_the_key():
    assert interface.text("footer.as_of", as_of="1 May 2026") == "Information current to 1 May 2026"
    with pytest.raises(interface.CatalogError, match="footer.as_of.*field 'as_of'"):
        interface.text("footer.as_of")
    with pytest.raises(interface.CatalogError, match="no entry 'footer.nothing'"):
        interface.text("footer.nothing")
    with pytest.raises(interface.CatalogError, match="not a template"):
        interface.text("data_page.grades")
    # as markup, the words are escaped and the fields are put in as given (a link the caller built)
    assert interface.markup("citation.in_chapter", section="<b>A & B</b>", chapter="C") == "“<b>A & B</b>”, in chapter “C” of"


def test_an_edit_to_the_catalog_changes_the_words_everywhere_they_appear(catalog):
    m = citation.meta(load_site(REPO).report)
    assert m.preview  # the repository's base_url is a placeholder
    edit(catalog, "Information current to {as_of}", "Informations à jour au {as_of}")
    edit(catalog, "Preview build: not yet published", "Édition provisoire : pas encore publiée")
    edit(catalog, "Download the report (PDF)", "Télécharger le rapport (PDF) <1 Mo>")
    assert "Informations à jour au " + m.as_of_text in citation.footer_html(m)
    assert "Information current to" not in citation.footer_html(m)
    url = citation.page_url(m, "leverage.html")
    for text in (citation.cite_text(m, url, chapter="C"), citation.cite_ris(m, url, chapter="C"), citation.notes(m)):
        assert "Édition provisoire : pas encore publiée" in text
    assert "Télécharger le rapport (PDF) &lt;1 Mo&gt;</a>" in citation.pdf_link_html()


def test_the_data_page_names_grades_and_how_a_text_was_seen_from_the_catalog(catalog):
    grades = interface.table("data_page.grades")
    assert set(grades) == set(appendix.QUALITY_GRADES)
    with open(REPO / "data" / "sources.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["quality"] for r in rows} <= set(grades)
    assert {r["seen_as"] for r in rows if r.get("seen_as")} <= set(interface.table("data_page.seen_as"))
    source = dict(rows[0], quality="S", seen_as="report")
    assert "<td>S (secondary)</td><td>another outlet&#x27;s report</td>" in appendix.registry_html([source])
    edit(catalog, 'S: "secondary"', 'S: "secondaire"')
    assert "<td>S (secondaire)</td>" in appendix.registry_html([source])
    assert "note = {Quality: S (secondaire)}" in appendix.bib_entry(source)


def test_the_bundle_readme_is_its_template_filled(tmp_path, monkeypatch):
    m = citation.meta(load_site(REPO).report)
    zipped = bundle.write_bundle(REPO / "data", tmp_path / "a.zip", m)
    with zipfile.ZipFile(zipped) as archive:
        readme = archive.read("a/README.md").decode("utf-8")
    assert readme.startswith(f"# {m.title}: the data\n\nEvery dataset behind the report, as published in its {m.edition}")
    assert "{{" not in readme and "{%" not in readme and "\n\n\n" not in readme and readme.endswith("every row.\n")
    template = tmp_path / "_data_readme.md"
    shutil.copyfile(bundle.README_TEMPLATE, template)
    monkeypatch.setattr(bundle, "README_TEMPLATE", template)
    edit(template, "## What is here", "## Contenu")
    edit(template, "{{ licence or \"not stated\" }}", "{{ licence }} ({{ no_such_field }})")
    with pytest.raises(Exception, match="no_such_field"):  # a field the build does not fill stops it
        bundle.write_bundle(REPO / "data", tmp_path / "b.zip", m)
    edit(template, " ({{ no_such_field }})", "")
    with zipfile.ZipFile(bundle.write_bundle(REPO / "data", tmp_path / "c.zip", m)) as archive:
        assert "## Contenu" in archive.read("c/README.md").decode("utf-8")
