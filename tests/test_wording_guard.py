"""The guard: reader-facing prose is written in book/, not in Python.

Fails on a string literal of six or more words (tests/wording_guard.py says exactly what counts and
what is allowed: docstrings, error messages, edition-record labels, tooltip templates)
- in any Python code cell of a page in book/ (none is allowed);
- in a chapter or page module, scripts/analysis/chapters/*.py (and analysis/pages/*.py): none is
  allowed except the few words not yet moved into the pages, counted per module in
  ``NOT_YET_MOVED``. The count must fall to zero; the test fails
  when a module holds more *or fewer* than its count, so a move is recorded here when it is made.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wording_guard import long_literals, words

REPO = Path(__file__).resolve().parents[1]
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.S | re.M)
# the chapter and page modules: what a page of the report computes (a page module, such as one
# behind Data and sources or What changed, may also live in analysis/pages/)
MODULES = sorted([*(REPO / "scripts" / "analysis" / "chapters").glob("*.py"),
                  *(REPO / "scripts" / "analysis" / "pages").glob("*.py")])
# what is still built in the modules, per module (a module not named holds none); every chapter
# module is at zero: its words are in its page (figure-text and table-text blocks, {choose})
NOT_YET_MOVED = {"__init__.py": 0, "geopolitics.py": 0, "home.py": 0, "leverage.py": 0, "options.py": 0,
                 "sector_impact.py": 0, "strategy_roadmap.py": 0, "template.py": 0}


def cell_code(cell: str) -> str:
    """A code cell's Python: without its option lines (``:tags:``) or ``---`` header."""
    lines = cell.splitlines()
    if lines and lines[0] == "---":
        lines = lines[lines.index("---", 1) + 1:]
    return "\n".join(line for line in lines if not line.startswith(":"))


@pytest.mark.parametrize("page", sorted(p.name for p in (REPO / "book").glob("*.md")))
def test_no_code_cell_in_book_holds_prose(page):
    text = (REPO / "book" / page).read_text(encoding="utf-8")
    found = [(line, literal) for cell in CELL.findall(text) for line, literal in long_literals(cell_code(cell))]
    assert found == [], f"{page}: write these in the page's Markdown ({{choose}} for a variant): {found}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_chapter_modules_hold_no_prose_beyond_what_is_still_to_move(module):
    found = long_literals(module.read_text(encoding="utf-8"))
    expected = NOT_YET_MOVED.get(module.name, 0)
    assert len(found) == expected, (
        f"{module.name}: {len(found)} literals of six or more words, {expected} recorded in NOT_YET_MOVED; "
        + "; ".join(f"line {line}: {text[:60]!r}" for line, text in found))


def test_the_guard_sees_what_it_should_and_allows_what_it_says():
    source = '''
"""A module docstring of well over six words, allowed."""
def f(ch, charts, x):
    """A function docstring of well over six words, allowed."""
    if x:
        raise ValueError(f"an error message of more than six words: {x}")
    ch.key("k", 1, label="Months from the April controls to the first licences")
    tip = charts.sentence("{date|%B %Y}: {exports:,.0f} tonnes exported, {basis} and more words")
    short = "five words are fine here"
    title = f"China's share rises along the chain: {x} of mining"
    return "a plain sentence of seven whole words."
'''
    found = [text for _, text in long_literals(source)]
    assert found == ["China's share rises along the chain:   of mining", "a plain sentence of seven whole words."]
    assert words("ecar_demand_share_of_imports_high_pct") == 1 and words("5 t in May 2025") == 2
