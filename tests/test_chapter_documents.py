"""The chapters are documents: every glued name a page quotes is computed by its chapter's module
(or chosen in the chapter), a chapter is at most a quarter code, no setup cell is longer than 25
lines, and no key figure a module returns is a whole sentence. No kernel is started."""

import importlib
import re
from pathlib import Path

import pytest

from analysis.figures import vega_lite
from pipeline.config import load_site

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
DATA = REPO / "data"
# the landing page (index) and the Data and sources page are notebooks too, with their own modules
MODULE_OF = {"index": "analysis.chapters.home", "data_sources": "pipeline.pages.appendix"}
MODULES = {c.name: importlib.import_module(MODULE_OF.get(c.name, f"analysis.chapters.{c.name}"))
           for c in load_site(REPO).chapters}
GLUE = re.compile(r"\{glue:text\}`(?:(\w+)\.ipynb::)?(\w+)(?::[^`]*)?`")
CHOSEN = re.compile(r"^[ \t]*wording: (\w+)$", re.M)  # a {choose} block's name (analysis.wordings)
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.S | re.M)


def code_lines(cell: str) -> list[str]:
    """The Python lines of a code cell: without its option header (``:tags:`` or a ``---`` block)."""
    lines = cell.splitlines()
    if lines and lines[0] == "---":
        lines = lines[lines.index("---", 1) + 1:]
    return [line for line in lines if line.strip() and not line.startswith(":")]


def measure(path: Path) -> tuple[int, int, list[int]]:
    """(code lines, all lines, Python lines of each code cell) of a chapter file, non-blank lines
    only. Code is every line inside a code cell, its option header included, and the share is
    taken of the whole file, front matter included (the strictest of the usual counts)."""
    text = path.read_text(encoding="utf-8")
    cells = [m.group(1) for m in CELL.finditer(text)]
    code = sum(1 for cell in cells for line in cell.splitlines() if line.strip())
    total = sum(1 for line in text.splitlines() if line.strip())
    return code, total, [len(code_lines(cell)) for cell in cells]


@pytest.fixture(scope="module")
def computed():
    return {name: module.compute(DATA) for name, module in MODULES.items()}


def available(name: str, computed) -> set[str]:
    chosen = set(CHOSEN.findall((BOOK / f"{name}.md").read_text(encoding="utf-8")))
    return set(computed[name].keys) | chosen


@pytest.mark.parametrize("name", list(MODULES))
def test_every_glued_name_in_a_chapter_is_computed_or_chosen_there(name, computed):
    quoted = {key for page, key in GLUE.findall((BOOK / f"{name}.md").read_text(encoding="utf-8")) if not page}
    assert quoted, "the chapter quotes no glued value"
    assert sorted(quoted - available(name, computed)) == []


@pytest.mark.parametrize("page", ["summary", "index"])
def test_every_value_the_summary_and_landing_page_quote_exists_in_its_chapter(page, computed):
    """The summary quotes its chapters' key points by reference (tests/test_wordings.py), so it
    may quote no value at all; what either page does quote must exist."""
    quoted = [(p, key) for p, key in GLUE.findall((BOOK / f"{page}.md").read_text(encoding="utf-8")) if p]
    missing = [f"{page}::{key}" for page, key in quoted if key not in available(page, computed)]
    assert missing == []


@pytest.mark.parametrize("name", [*MODULES, "_template"])
def test_a_chapter_is_at_most_a_quarter_code_and_has_no_long_cell(name):
    code, total, cells = measure(BOOK / f"{name}.md")
    assert code / total <= 0.25, f"{name}: {code} code lines of {total}"
    assert max(cells) <= 25


@pytest.mark.parametrize("name", list(MODULES))
def test_modules_return_values_and_phrases_not_sentences(name, computed):
    """A text key figure is a value or a phrase: no full stop inside it (sentences live in the
    chapter's Markdown). Numbers with decimals and abbreviations such as "No. 18" are allowed."""
    for key, figure in computed[name].keys.items():
        if isinstance(figure.value, str):
            assert not re.search(r"[a-z]\. [A-Z]", figure.value.replace("No. ", "No ").replace("Nos. ", "Nos ")), key


@pytest.mark.parametrize("name", list(MODULES))
def test_every_figure_and_table_the_chapter_places_is_computed_and_every_one_computed_is_placed(name, computed):
    text = (BOOK / f"{name}.md").read_text(encoding="utf-8")
    figures = re.findall(r"^```\{glue:figure\} ([\w-]+)\n:name: ([\w-]+)$", text, re.M)
    assert all(key == label for key, label in figures), "a figure's label is its glued name"
    assert {key for key, _ in figures} == set(computed[name].figures)
    assert set(re.findall(r"^```\{glue\} table-([\w-]+)$", text, re.M)) == set(computed[name].tables)
    for key, figure in computed[name].figures.items():  # words from the page's {figure-text}, or the module's
        words = computed[name].figure_words(key)
        assert len(figure.data) > 0 and len(figure.source_ids) > 0
        assert words["alt"] and words["title"] and words["subtitle"], key


@pytest.mark.parametrize("name", list(MODULES))
def test_every_chart_is_valid_vega_lite(name, computed):
    """The build does not check its charts against the Vega-Lite schema (analysis.figures.vega_lite): this does."""
    for key, figure in computed[name].figures.items():
        words = computed[name].figure_words(key)
        try:
            vega_lite(figure.chart, alt_text=words["alt"], title=words["title"], subtitle=words["subtitle"], validate=True)
        except Exception as problem:  # altair's SchemaValidationError names the offending property
            pytest.fail(f"{name}: {key} is not valid Vega-Lite: {problem}")


@pytest.mark.parametrize("name", list(MODULES))
def test_every_key_figure_with_a_unit_names_its_dataset_declared_by_the_chapter(name, computed):
    front = (BOOK / f"{name}.md").read_text(encoding="utf-8").split("\n---\n", 1)[0]
    declared = set(re.search(r"datasets: \[([^\]]*)\]", front).group(1).replace(" ", "").split(","))
    for key, figure in computed[name].keys.items():
        if figure.dataset:
            assert figure.dataset in declared, key
