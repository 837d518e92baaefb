"""Chapters read typed datasets, and only the ones they declare."""

import pandas as pd
import pytest

from analysis import datasets
from analysis.chapters import plain

DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data"


def test_load_types_columns_from_the_schema(monkeypatch):
    monkeypatch.delenv(datasets.DECLARED_ENV, raising=False)
    frame = datasets.load("mine_production_by_country", DATA)
    assert str(frame["year"].dtype) == "Int64"
    assert str(frame["production"].dtype) == "Float64"
    assert str(frame["estimated"].dtype) == "boolean"
    assert frame["country"].dtype == "string"


def test_an_empty_cell_is_missing_and_na_text_is_kept(monkeypatch):
    monkeypatch.delenv(datasets.DECLARED_ENV, raising=False)
    frame = datasets.load("reserves_by_country", DATA)
    not_available = frame[frame["status"] == "not available"]
    assert len(not_available) and not_available["reserves"].isna().all()


def test_reading_an_undeclared_dataset_raises(monkeypatch):
    monkeypatch.setenv(datasets.DECLARED_ENV, "reserves_by_country")
    datasets.load("reserves_by_country", DATA)
    with pytest.raises(datasets.UndeclaredDatasetError, match="mine_production_by_country.*front matter"):
        datasets.load("mine_production_by_country", DATA)


def test_source_labels_skip_unknown_dates():
    assert datasets.source_label({"publisher": "P", "title": "T", "date": "2025-01"}) == "P, T (2025)"
    assert datasets.source_label({"publisher": "P", "title": "T", "date": ""}) == "P, T"


def test_glued_values_are_plain_python_numbers():
    import numpy as np

    assert repr(plain(np.float64(69.2))) == "69.2"
    assert repr(plain(np.int64(3))) == "3"
    assert plain(pd.array([1], dtype="Int64")[0]) == 1
