"""The "download all data" zip: every dataset, the descriptor, the registry and a README; the same
bytes from the same data; offered on the Data and sources page."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from pipeline.pages import appendix, bundle, citation, datafiles
from pipeline.config import load_site
from sitepages import soup

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="module")
def meta() -> citation.Meta:
    return citation.meta(load_site(REPO).report)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_bundle_holds_every_dataset_the_descriptor_the_registry_and_a_readme(tmp_path, meta):
    path = bundle.write_bundle(DATA, tmp_path / bundle.bundle_name(meta), meta)
    members = _members(path)
    folder = path.name.removesuffix(".zip")
    package = appendix.read_descriptor(DATA)
    expected = ["README.md", "datapackage.json", "sources.csv"] + [r["path"] for r in datafiles.datasets(package)]
    if (DATA / "CHANGELOG.md").exists():
        expected.append("CHANGELOG.md")
    assert list(members) == [f"{folder}/{name}" for name in expected]
    assert len(datafiles.datasets(package)) >= 10
    for name in expected[1:]:
        assert members[f"{folder}/{name}"] == (DATA / name).read_bytes(), f"{name} is not a byte copy"
    readme = members[f"{folder}/README.md"].decode("utf-8")
    for needed in (meta.title, meta.licence, meta.edition, meta.long_date, meta.organisation,
                   citation.page_url(meta, "data_sources.html"), "How to cite", "As of"):
        assert needed in readme, f"README lacks {needed!r}"
    newest = max(row["date"] for row in datafiles.read_sources(DATA)
                 if len(row.get("date", "")) == 10 and row.get("quality") != "D")
    assert newest in readme
    for resource in datafiles.datasets(package):
        assert f"`{resource['path']}`" in readme


def test_bundle_is_byte_identical_from_the_same_data_and_changes_with_it(tmp_path, meta):
    first = bundle.write_bundle(DATA, tmp_path / "a" / "data.zip", meta).read_bytes()
    second = bundle.write_bundle(DATA, tmp_path / "b" / "data.zip", meta).read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        stamps = {info.date_time for info in archive.infolist()}
        modes = {info.external_attr >> 16 for info in archive.infolist()}
    d = meta.edition_date
    assert stamps == {(d.year, d.month, d.day, 0, 0, 0)} and modes == {0o100644}
    edited = tmp_path / "data"
    shutil.copytree(DATA, edited)
    sources = edited / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace("SRK Bharat", "SRK  Bharat", 1), encoding="utf-8")
    assert bundle.write_bundle(edited, tmp_path / "c" / "data.zip", meta).read_bytes() != first


def test_bundle_name_names_report_and_edition(meta):
    assert bundle.bundle_name(meta) == f"rare-earth-leverage-{meta.edition.lower().replace(' ', '-')}-data.zip"
    other = citation.meta(dict(load_site(REPO).report, edition="Third edition"))
    assert bundle.bundle_name(other) == "rare-earth-leverage-third-edition-data.zip"


def test_data_page_offers_the_bundle(built_site, meta, tmp_path):
    links = soup(built_site / "data_sources.html").select("a[href$='.zip']")
    assert len(links) == 1, "the Data and sources page should offer one zip"
    zipped = built_site / links[0]["href"]
    assert zipped.is_file() and zipped.name == bundle.bundle_name(meta)
    # the session's site is built from data/ with the repository's config: the same bytes
    assert zipped.read_bytes() == bundle.write_bundle(DATA, tmp_path / zipped.name, meta).read_bytes()
