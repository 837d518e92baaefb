"""The chapters are documents: every glued name a page quotes is computed by its chapter's module
(or chosen in the chapter), a chapter is at most a quarter code, no setup cell is longer than 25
lines, and no key figure a module returns is a whole sentence. No kernel is started."""

import importlib
import re
from pathlib import Path

import pytest

from pipeline.config import load_site

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
DATA = REPO / "data"
# the landing page (index) is a notebook too; its module is analysis.chapters.home
MODULE_OF = {"index": "home"}
MODULES = {c.name: importlib.import_module(f"analysis.chapters.{MODULE_OF.get(c.name, c.name)}")
           for c in load_site(REPO).chapters}
GLUE = re.compile(r"\{glue:text\}`(?:(\w+)\.ipynb::)?(\w+)(?::[^`]*)?`")
CHOSEN = re.compile(r'chapter\.choose\("(\w+)"')
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.S | re.M)


def code_lines(cell: str) -> list[str]:
    """The Python lines of a code cell: without its option header (``:tags:`` or a ``---`` block)."""
    lines = cell.splitlines()
    if lines and lines[0] == "---":
        lines = lines[lines.index("---", 1) + 1:]
    return [line for line in lines if line.strip() and not line.startswith(":")]


def measure(path: Path) -> tuple[int, int, list[int]]:
    """(code lines, prose lines, length of each code cell) of a chapter, non-blank lines only; the
    front matter counts as neither."""
    text = path.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    cells = [code_lines(m.group(1)) for m in CELL.finditer(body)]
    prose = CELL.sub("", body)
    prose_lines = [line for line in prose.splitlines() if line.strip()]
    return sum(map(len, cells)), len(prose_lines), [len(c) for c in cells]


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


def test_every_value_the_summary_quotes_exists_in_its_chapter(computed):
    quoted = GLUE.findall((BOOK / "summary.md").read_text(encoding="utf-8"))
    assert quoted
    missing = [f"{page}::{key}" for page, key in quoted if key not in available(page, computed)]
    assert missing == []


@pytest.mark.parametrize("name", [*MODULES, "_template"])
def test_a_chapter_is_at_most_a_quarter_code_and_has_no_long_cell(name):
    code, prose, cells = measure(BOOK / f"{name}.md")
    assert code / (code + prose) <= 0.25, f"{name}: {code} code lines against {prose} of prose"
    assert max(cells) <= 25


@pytest.mark.parametrize("name", list(MODULES))
def test_modules_return_values_and_phrases_not_sentences(name, computed):
    """A text key figure is a value or a phrase: no full stop inside it (sentences live in the
    chapter's Markdown). Numbers with decimals and abbreviations such as "No. 18" are allowed."""
    for key, figure in computed[name].keys.items():
        if isinstance(figure.value, str):
            assert not re.search(r"[a-z]\. [A-Z]", figure.value.replace("No. ", "No ").replace("Nos. ", "Nos ")), key


@pytest.mark.parametrize("name", list(MODULES))
def test_every_figure_the_chapter_shows_is_computed_with_its_plotted_rows(name, computed):
    shown = set(re.findall(r'chapter\.figure\("([\w-]+)"\)', (BOOK / f"{name}.md").read_text(encoding="utf-8")))
    assert shown == set(computed[name].figures)
    for figure in computed[name].figures.values():
        assert len(figure.data) > 0 and figure.alt_text and len(figure.source_ids) > 0


@pytest.mark.parametrize("name", list(MODULES))
def test_every_key_figure_with_a_unit_names_its_dataset_declared_by_the_chapter(name, computed):
    front = (BOOK / f"{name}.md").read_text(encoding="utf-8").split("\n---\n", 1)[0]
    declared = set(re.search(r"datasets: \[([^\]]*)\]", front).group(1).replace(" ", "").split(","))
    for key, figure in computed[name].keys.items():
        if figure.dataset:
            assert figure.dataset in declared, key
