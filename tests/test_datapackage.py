"""analysis/datapackage.py is the one reader of data/: a descriptor or CSV saved with a byte-order
mark (as spreadsheets and some editors save them) reads the same for every stage."""

import codecs

from analysis import datapackage, datasets
from chapters import copy_data
from pipeline.pages import datafiles
from pipeline.speed import cache


def with_bom(path):
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())


def test_a_descriptor_and_registry_with_a_byte_order_mark_read_the_same_everywhere(tmp_path):
    data = copy_data(tmp_path / "a")
    plain = datapackage.read_descriptor(data)
    with_bom(data / datapackage.DESCRIPTOR)
    with_bom(data / datapackage.SOURCES_FILE)
    assert datapackage.read_descriptor(data) == plain
    name = next(r["name"] for r in plain["resources"] if r["name"] != datapackage.SOURCES_RESOURCE)
    assert len(datasets.load(name, data)) == len(datapackage.read_rows(data / datapackage.resource_paths(plain)[name]))
    assert "id" in datasets.sources(data).columns
    assert cache.dataset_files([name], data)[name] == data / datapackage.resource_paths(plain)[name]
    assert {r["id"] for r in datafiles.read_sources(data)} == set(datasets.sources(data)["id"])


def test_as_list():
    assert datapackage.as_list(None) == [] and datapackage.as_list("a") == ["a"] and datapackage.as_list(("a", "b")) == ["a", "b"]
