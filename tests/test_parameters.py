"""-p NAME=VALUE: typed from the chapter's parameters cell, checked against its limits."""

import nbformat
import pytest

from pipeline.editions import parameters
from pipeline.config import Chapter
from pipeline.errors import ParameterError


@pytest.fixture
def notebooks(tmp_path):
    def write(name, source):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nb, path)
        return path

    return {
        "a": write("a", 'data_dir = "../data"\nyear = 2024\nshare = 0.5\nname = "India"\nas_of = "2026-11-25"'),
        "b": write("b", 'data_dir = "../data"\nshare = 0.5\nmonths = 3'),
    }


CHAPTERS = [
    Chapter("a", None, (), {"year": {"min": 2020, "max": 2030}, "as_of": {"format": "date"}}),
    Chapter("b", None, (), {"share": {"min": 0, "max": 1}}),
]


def test_an_override_goes_to_every_chapter_that_declares_it_with_its_type(notebooks):
    resolved = parameters.resolve(CHAPTERS, notebooks, {"share": "0.25", "year": "2023"})
    assert resolved == {"a": {"share": 0.25, "year": 2023}, "b": {"share": 0.25}}


def test_unknown_parameter_names_the_known_ones(notebooks):
    with pytest.raises(ParameterError, match=r"unknown parameter 'yeer'.*known: as_of, months, name, share, year"):
        parameters.resolve(CHAPTERS, notebooks, {"yeer": "2023"})


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("year", "2023.5", "expected a whole number"),
        ("share", "half", "expected a number"),
        ("share", "nan", "expected a number"),
        ("year", "1999", "at least 2020"),
        ("share", "1.5", "at most 1"),
        ("as_of", "25/11/2026", "ISO date"),
    ],
)
def test_ill_typed_or_out_of_range_values_are_refused(notebooks, name, value, message):
    with pytest.raises(ParameterError, match=message):
        parameters.resolve(CHAPTERS, notebooks, {name: value})


def test_assignments_must_be_name_equals_value():
    assert parameters.parse_assignments(["a=1", "b = x "]) == {"a": "1", "b": "x"}
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        parameters.parse_assignments(["year2024"])


def test_data_dir_is_set_with_its_own_option(notebooks):
    with pytest.raises(ParameterError, match="--data-dir"):
        parameters.resolve(CHAPTERS, notebooks, {"data_dir": "/elsewhere"})


def test_scenario_values_go_only_to_their_chapter(notebooks):
    resolved = parameters.resolve(CHAPTERS, notebooks, {}, per_chapter={"b": {"share": 1}})
    assert resolved == {"a": {}, "b": {"share": 1.0}}
    with pytest.raises(ParameterError, match="unknown parameter 'year' for chapter 'b'"):
        parameters.resolve(CHAPTERS, notebooks, {}, per_chapter={"b": {"year": 2024}})


def test_the_report_as_of_date_goes_to_every_chapter_that_declares_it(notebooks):
    resolved = parameters.resolve(CHAPTERS, notebooks, {}, report_values={"as_of": "2026-12-01"})
    assert resolved == {"a": {"as_of": "2026-12-01"}, "b": {}}
    # an explicit -p still wins, and is checked like any other value
    resolved = parameters.resolve(CHAPTERS, notebooks, {"as_of": "2026-06-30"}, report_values={"as_of": "2026-12-01"})
    assert resolved["a"] == {"as_of": "2026-06-30"}
    with pytest.raises(ParameterError, match="ISO date"):
        parameters.resolve(CHAPTERS, notebooks, {}, report_values={"as_of": "1 Dec 2026"})


def test_the_site_reads_one_as_of_date_from_the_report_block():
    from masthead.dates import long_date
    from pipeline.config import load_site
    from pipeline.plan import BuildOptions, resolve
    from pipeline.stages.stage import substitutions

    site = load_site()
    as_of = site.report["as_of"]
    assert resolve(BuildOptions()).as_of == as_of  # the plan gives it to every chapter that declares it
    assert substitutions(site)["as_of"] == long_date(as_of)
    assert long_date("2026-12-01") == "1 December 2026"
